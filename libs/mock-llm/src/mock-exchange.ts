import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { MockBehaviour } from './mock-behaviour.schema';
import type { MockState } from './mock-state';
import { openAiErrorJson, scriptedErrorJson } from './openai-error';
import type { RequestRecord } from './request-log';

const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';

/**
 * One request and its response, with the behaviour it consumed. Keeps the record current
 * (status, finish, abort) and gives handlers waits that end early when the client goes away.
 */
export class MockExchange {
  private closed = false;
  private cutByMock = false;

  constructor(
    readonly res: ServerResponse<IncomingMessage>,
    readonly record: RequestRecord,
    readonly behaviour: MockBehaviour,
    private readonly state: MockState,
    /** Unique per request and per mock process; ends the ids of replies (`chatcmpl-mock-<idSuffix>`). */
    readonly idSuffix: string,
  ) {
    res.on('error', ignore);
    res.once('finish', () => {
      record.finishedAt = Date.now();
      state.changed();
    });
    res.once('close', () => {
      this.closed = true;
      if (res.writableFinished || this.cutByMock) return;
      record.aborted = true;
      state.changed();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves `true` after `ms`, or `false` as soon as the connection closes. */
  wait(ms: number | undefined): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (ms === undefined || ms <= 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const onClose = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.res.off('close', onClose);
        resolve(!this.closed);
      }, ms);
      this.res.once('close', onClose);
    });
  }

  writeHead(status: number, headers: OutgoingHttpHeaders): void {
    headers['x-request-id'] = `req_mock_${this.idSuffix}`;
    const { headers: extra, retryAfter } = this.behaviour;
    if (extra !== undefined)
      for (const [name, value] of Object.entries(extra)) headers[name.toLowerCase()] = value;
    if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
    this.record.status = status;
    this.res.writeHead(status, headers);
    this.state.changed();
  }

  sendJson(status: number, json: string): void {
    this.send(status, json, JSON_TYPE);
  }

  /** A scripted `body`: strings verbatim (so tests can send non-JSON), anything else as JSON. */
  sendBody(status: number, body: unknown): void {
    if (typeof body === 'string') this.send(status, body, TEXT_TYPE);
    else this.send(status, JSON.stringify(body) ?? 'null', JSON_TYPE);
  }

  sendError(status: number, message: string, param: string | null = null): void {
    this.sendJson(status, openAiErrorJson(message, 'invalid_request_error', param));
  }

  /** The answer to a scripted status >= 400. */
  sendScriptedError(status: number): void {
    const { body } = this.behaviour;
    if (body === undefined) this.sendJson(status, scriptedErrorJson(status));
    else this.sendBody(status, body);
  }

  /** Ends the connection mid-response, after flushing what was written; not counted as an abort. */
  cut(): void {
    this.cutByMock = true;
    this.record.finishedAt = Date.now();
    const socket = this.res.socket;
    if (socket === null) return;
    socket.once('finish', () => socket.destroy());
    socket.end();
    this.state.changed();
  }

  private send(status: number, text: string, contentType: string): void {
    if (this.closed) return;
    this.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
    this.res.end(text);
  }
}

function ignore(): void {
  // A client that went away is recorded as an abort; the write error itself is expected.
}
