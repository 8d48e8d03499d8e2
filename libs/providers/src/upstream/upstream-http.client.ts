import { context, propagation } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
import { GatewayError } from '@aigw/contracts';
import type { Dispatcher } from 'undici';
import { Agent, errors, request, util } from 'undici';
import {
  PrivateNetworkRefused,
  ipLiteral,
  isPrivateAddress,
  publicOnlyLookup,
} from './private-network.guard';
import type { StreamBody } from './upstream-body';
import { DispatchedBody } from './upstream-body';
import { UpstreamFailure } from './upstream-failure.error';
import type { UpstreamHeaders } from './upstream-headers';
import type { VendorErrorParser } from './upstream-outcome.mapper';
import { classifyTransportError, classifyUpstreamResponse } from './upstream-outcome.mapper';

/** One HTTP call to a provider endpoint, already translated to the vendor's wire format. */
export interface UpstreamCall {
  readonly url: string;
  /** Provider auth and vendor headers only: client headers are never forwarded upstream. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Bounds the wait for response headers, and for a non-stream also the body. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /**
   * The endpoint may be on a loopback, private or link-local address (the dev mock, a self-hosted model
   * server). Otherwise such addresses are refused, after DNS resolution, as server-side request forgery.
   */
  readonly allowPrivateNetwork: boolean;
  /** Reads the vendor's error envelope of a non-2xx response. */
  readonly parseError: VendorErrorParser;
}

export interface UpstreamJsonReply {
  readonly status: number;
  readonly headers: UpstreamHeaders;
  readonly json: unknown;
  /** The body's text, of which `json` is the parse. */
  readonly text: string;
}

export interface UpstreamStreamReply {
  readonly status: number;
  readonly headers: UpstreamHeaders;
  /** The body as it arrives, until its reader settles it. Idle gaps are the caller's to bound. */
  readonly body: StreamBody;
}

export interface UpstreamHttpClientOptions {
  /** Wall clock for HTTP-date `retry-after` values. */
  readonly now?: () => number;
  readonly keepAliveTimeoutMs?: number;
}

/** Probes are never cancelled by a caller: one shared signal satisfies the deadline. */
const NOT_CANCELLED = new AbortController().signal;

/** Largest error body read from a non-2xx response (for its message). */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * The one HTTP client every provider adapter calls upstream through. It owns a pooled keep-alive undici
 * Agent (create one per process), injects the W3C trace context of the active span into every upstream
 * request, applies the endpoint timeout, and turns every failure into an `UpstreamFailure` (try the next
 * endpoint) or a `GatewayError` (the client's mistake). A caller abort is rethrown as the abort error.
 * Two pools: endpoints not allowed on private networks connect only to public addresses, checked after
 * DNS resolution; redirects are never followed.
 */
export class UpstreamHttpClient {
  private readonly publicAgent: Agent;
  private readonly privateAgent: Agent;
  private readonly now: () => number;

  constructor(options: UpstreamHttpClientOptions = {}) {
    this.now = options.now ?? Date.now;
    const pool = { keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000, keepAliveMaxTimeout: 10 * 60_000 };
    this.publicAgent = new Agent({ ...pool, connect: { lookup: publicOnlyLookup } });
    this.privateAgent = new Agent(pool);
  }

  async postJson(call: UpstreamCall): Promise<UpstreamJsonReply> {
    const deadline = new Deadline(call.timeoutMs, call.signal);
    try {
      const { status, headers, body } = await this.exchange(call, deadline.signal);
      this.throwUnlessOk(status, headers, body, call);
      return { status, headers, json: parseJson(body), text: body };
    } catch (error) {
      throw deadline.explain(error);
    } finally {
      deadline.clear();
    }
  }

  /**
   * An active health check: GET `url`, the status of whatever answer comes (the body is discarded), or an
   * `UpstreamFailure` for a timeout or a connection error. Carries no trace context (no request behind it).
   */
  async probe(
    url: string,
    headers: Readonly<Record<string, string>>,
    timeoutMs: number,
    allowPrivateNetwork: boolean,
  ): Promise<number> {
    const deadline = new Deadline(timeoutMs, NOT_CANCELLED);
    try {
      const refused = this.refusedAddress(allowPrivateNetwork, url);
      if (refused !== null) throw refused;
      const response = await request(url, {
        method: 'GET',
        headers,
        signal: deadline.signal,
        dispatcher: allowPrivateNetwork ? this.privateAgent : this.publicAgent,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      await response.body.dump();
      return response.statusCode;
    } catch (error) {
      throw deadline.explain(error);
    } finally {
      deadline.clear();
    }
  }

  /** Resolves once the endpoint answered 2xx headers: from then on the call can no longer fail over. */
  async postStream(call: UpstreamCall): Promise<UpstreamStreamReply> {
    const deadline = new Deadline(call.timeoutMs, call.signal);
    try {
      const { signal } = deadline;
      const reply = await this.dispatch<StreamExchange>(
        call,
        'text/event-stream',
        (resolve, reject) => new StreamExchangeHandler(signal, resolve, reject),
      );
      if (reply.body === null) {
        this.throwUnlessOk(reply.status, reply.headers, reply.errorBody, call);
        throw new UpstreamFailure('server_error', `the upstream answered ${reply.status} to a stream`);
      }
      return { status: reply.status, headers: reply.headers, body: reply.body };
    } catch (error) {
      throw deadline.explain(error);
    } finally {
      deadline.clear();
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.publicAgent.close(), this.privateAgent.close()]);
  }

  /**
   * A JSON call on undici's dispatcher API: the body gathered in a handler, without the Readable, its
   * promise and the stream ticks `request` and `body.text()` add to every call. A non-2xx body is read
   * up to MAX_ERROR_BODY_BYTES (for its message), then the connection is dropped.
   */
  private exchange(call: UpstreamCall, signal: CallSignal): Promise<JsonExchange> {
    return this.dispatch<JsonExchange>(
      call,
      'application/json',
      (resolve, reject) => new JsonExchangeHandler(signal, resolve, reject),
    );
  }

  /** POSTs the call's JSON body through the endpoint's pool to a handler that settles the promise. */
  private dispatch<T>(
    call: UpstreamCall,
    accept: string,
    handler: (resolve: (value: T) => void, reject: (error: unknown) => void) => Dispatcher.DispatchHandler,
  ): Promise<T> {
    const url = new URL(call.url);
    const refused = this.refusedAddress(call.allowPrivateNetwork, url);
    if (refused !== null) return Promise.reject(refused);
    const { origin, pathname, search } = url;
    const dispatcher = call.allowPrivateNetwork ? this.privateAgent : this.publicAgent;
    return new Promise<T>((resolve, reject) => {
      dispatcher.dispatch(
        {
          origin,
          path: `${pathname}${search}`,
          method: 'POST',
          headers: upstreamRequestHeaders(call, accept),
          body: JSON.stringify(call.body),
          // Our own deadline bounds headers (and non-stream bodies); stream idle gaps are bounded by the caller.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler(resolve, reject),
      );
    });
  }

  /** An IP literal is connected to without a lookup, so a private one is refused here. */
  private refusedAddress(allowPrivateNetwork: boolean, url: string | URL): PrivateNetworkRefused | null {
    if (allowPrivateNetwork) return null;
    const { hostname } = typeof url === 'string' ? new URL(url) : url;
    const literal = ipLiteral(hostname);
    return literal !== null && isPrivateAddress(literal)
      ? new PrivateNetworkRefused(hostname, literal)
      : null;
  }

  private throwUnlessOk(
    status: number,
    headers: UpstreamHeaders,
    errorBody: string,
    call: UpstreamCall,
  ): void {
    if (status >= 200 && status < 300) return;
    const outcome = classifyUpstreamResponse(
      { status, headers, errorBody },
      { now: this.now(), parseError: call.parseError },
    );
    if (outcome.kind === 'failover') throw outcome.failure;
    if (outcome.kind === 'reject') throw outcome.error;
  }
}

/** The one place trace context is written into upstream requests, before the call's own headers. */
function upstreamRequestHeaders(call: UpstreamCall, accept: string): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  Object.assign(headers, call.headers, { 'content-type': 'application/json', accept });
  return headers;
}

interface JsonExchange {
  readonly status: number;
  readonly headers: UpstreamHeaders;
  /** The whole body of a 2xx answer; at most MAX_ERROR_BODY_BYTES of any other. */
  readonly body: string;
}

/**
 * What both exchange handlers share: the call's signal aborts the request through the `abort` undici
 * hands over on connect (or at once, if it aborted before).
 */
abstract class AbortableHandler {
  protected abortRequest: ((reason?: Error) => void) | null = null;
  private readonly onAbort = () => this.abortRequest?.(abortReason(this.signal));

  constructor(private readonly signal: CallSignal) {
    signal.once('abort', this.onAbort);
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.signal.aborted) return abort(abortReason(this.signal));
    this.abortRequest = abort;
  }

  /** The exchange is over: the signal has nothing left to abort. */
  protected detach(): void {
    this.signal.off('abort', this.onAbort);
  }
}

/**
 * undici's (legacy, and native) dispatch handler for one JSON exchange: the body gathered whole.
 */
class JsonExchangeHandler extends AbortableHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: UpstreamHeaders = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settled = false;

  constructor(
    signal: CallSignal,
    private readonly resolve: (exchange: JsonExchange) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    super(signal);
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    if (status < 200) return true;
    this.status = status;
    this.headers = util.parseHeaders(rawHeaders);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= MAX_ERROR_BODY_BYTES && (this.status < 200 || this.status >= 300)) {
      this.finish();
      this.abortRequest?.(new Error('error body read up to its limit'));
    }
    return true;
  }

  onComplete(): void {
    this.finish();
  }

  onError(error: Error): void {
    this.detach();
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }

  private finish(): void {
    this.detach();
    if (this.settled) return;
    this.settled = true;
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const ok = this.status >= 200 && this.status < 300;
    const body = (ok ? all : all.subarray(0, MAX_ERROR_BODY_BYTES)).toString('utf8');
    this.resolve({ status: this.status, headers: this.headers, body });
  }
}

/** A stream's answer: a 2xx hands its body over as it arrives; any other status, its error body. */
type StreamExchange =
  | { readonly status: number; readonly headers: UpstreamHeaders; readonly body: DispatchedBody }
  | {
      readonly status: number;
      readonly headers: UpstreamHeaders;
      readonly body: null;
      /** At most MAX_ERROR_BODY_BYTES. */
      readonly errorBody: string;
    };

/**
 * The dispatch handler of one stream: it resolves at 2xx headers with a `DispatchedBody` the chunks go
 * to (pausing the connection when the reader falls behind), or once a non-2xx body is read (up to
 * MAX_ERROR_BODY_BYTES).
 */
class StreamExchangeHandler extends AbortableHandler implements Dispatcher.DispatchHandler {
  private body: DispatchedBody | null = null;
  private status = 0;
  private headers: UpstreamHeaders = {};
  private readonly errorChunks: Buffer[] = [];
  private errorSize = 0;
  private settled = false;

  constructor(
    signal: CallSignal,
    private readonly resolve: (exchange: StreamExchange) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    super(signal);
  }

  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (status < 200) return true;
    this.status = status;
    this.headers = util.parseHeaders(rawHeaders);
    if (status >= 300) return true;
    this.settled = true;
    this.body = new DispatchedBody((reason) => this.abortRequest?.(reason), resume);
    this.resolve({ status, headers: this.headers, body: this.body });
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.body !== null) return this.body.push(chunk);
    this.errorChunks.push(chunk);
    this.errorSize += chunk.length;
    if (this.errorSize >= MAX_ERROR_BODY_BYTES) {
      this.finishError();
      this.abortRequest?.(new Error('error body read up to its limit'));
    }
    return true;
  }

  onComplete(): void {
    this.detach();
    if (this.body !== null) this.body.end(null);
    else this.finishError();
  }

  onError(error: Error): void {
    this.detach();
    this.body?.end(error);
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }

  private finishError(): void {
    if (this.settled) return;
    this.settled = true;
    const errorBody = Buffer.concat(this.errorChunks).subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8');
    this.resolve({ status: this.status, headers: this.headers, body: null, errorBody });
  }
}

/** What undici's `request` rejects with for an aborted signal. */
function abortReason(signal: CallSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new errors.RequestAbortedError();
}

/**
 * The signal undici is given: it takes an EventEmitter with `aborted` and `reason` as well as an
 * AbortSignal, and on Node 20 an AbortController per upstream call costs several microseconds.
 */
class CallSignal extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

/**
 * The endpoint timeout plus the caller's signal, and which of them ended a call. One signal, linked
 * to the caller's by a listener: `AbortSignal.any` costs far more per request on Node 20.
 */
class Deadline {
  readonly signal = new CallSignal();
  private readonly timer: NodeJS.Timeout;
  private readonly onCallerAbort = () => this.signal.abort(this.callerSignal.reason);
  private timedOut = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly callerSignal: AbortSignal,
  ) {
    if (callerSignal.aborted) this.signal.abort(callerSignal.reason);
    else callerSignal.addEventListener('abort', this.onCallerAbort, { once: true });
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.signal.abort();
    }, timeoutMs);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.callerSignal.removeEventListener('abort', this.onCallerAbort);
  }

  explain(error: unknown): unknown {
    if (error instanceof GatewayError || error instanceof UpstreamFailure) return error;
    if (this.callerSignal.aborted) return error;
    if (this.timedOut) return new UpstreamFailure('timeout', `timed out after ${this.timeoutMs} ms`);
    return classifyTransportError(error);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UpstreamFailure('server_error', 'the upstream answered with invalid JSON');
  }
}
