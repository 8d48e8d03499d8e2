import type { HeaderRecord } from '@aigw/observability';
import type { Observable } from 'rxjs';
import { throwError } from 'rxjs';
import { GatewayError } from '@aigw/contracts';
import { NO_HANDLER_ERROR } from '../bus-errors';

/** What an in-process server exposes to the broker. */
export interface InProcessEndpoint {
  handlesRequest(subject: string): boolean;
  request(subject: string, data: unknown, headers: HeaderRecord): Observable<unknown>;
  /** The first reply of the handler (a request/reply call): no Observable in between. */
  call(subject: string, data: unknown, headers: HeaderRecord): Promise<unknown>;
  event(subject: string, data: unknown, headers: HeaderRecord): Promise<void>;
}

/**
 * The embedded mode's message bus: the same Nest handlers, called in the same process. Requests go to
 * the first server that handles the subject (one replica per service in one process); events go to all.
 * Payloads are passed by reference, not serialised: handlers must treat them as immutable, as they are
 * on NATS.
 */
export class InProcessBroker {
  private readonly endpoints = new Set<InProcessEndpoint>();
  /** subject → the endpoint that answers it; cleared whenever a server joins or leaves. */
  private readonly routes = new Map<string, InProcessEndpoint | null>();
  /** Broadcast listeners (`BusClient.subscribe`): every one gets every event of its subject. */
  private readonly listeners = new Map<string, Set<(data: unknown, headers: HeaderRecord) => void>>();

  register(endpoint: InProcessEndpoint): () => void {
    this.endpoints.add(endpoint);
    this.routes.clear();
    return () => {
      this.endpoints.delete(endpoint);
      this.routes.clear();
    };
  }

  request(subject: string, data: unknown, headers: HeaderRecord): Observable<unknown> {
    const endpoint = this.#endpointOf(subject);
    return endpoint ? endpoint.request(subject, data, headers) : throwError(() => NO_HANDLER_ERROR);
  }

  call(subject: string, data: unknown, headers: HeaderRecord): Promise<unknown> {
    const endpoint = this.#endpointOf(subject);
    return endpoint
      ? endpoint.call(subject, data, headers)
      : Promise.reject(GatewayError.fromWire(NO_HANDLER_ERROR));
  }

  #endpointOf(subject: string): InProcessEndpoint | null {
    let endpoint = this.routes.get(subject);
    if (endpoint === undefined) {
      endpoint = [...this.endpoints].find((e) => e.handlesRequest(subject)) ?? null;
      this.routes.set(subject, endpoint);
    }
    return endpoint;
  }

  listen(subject: string, handler: (data: unknown, headers: HeaderRecord) => void): () => void {
    let handlers = this.listeners.get(subject);
    if (handlers === undefined) this.listeners.set(subject, (handlers = new Set()));
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  async emit(subject: string, data: unknown, headers: HeaderRecord): Promise<void> {
    // On the next turn, as a message from the network would arrive.
    for (const handler of this.listeners.get(subject) ?? []) setImmediate(() => handler(data, headers));
    await Promise.all([...this.endpoints].map((e) => e.event(subject, data, headers)));
  }
}
