import type { HeaderRecord } from '@aigw/observability';
import type { Observable } from 'rxjs';
import { throwError } from 'rxjs';
import { NO_HANDLER_ERROR } from '../bus-errors';

/** What an in-process server exposes to the broker. */
export interface InProcessEndpoint {
  handlesRequest(subject: string): boolean;
  request(subject: string, data: unknown, headers: HeaderRecord): Observable<unknown>;
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

  register(endpoint: InProcessEndpoint): () => void {
    this.endpoints.add(endpoint);
    return () => this.endpoints.delete(endpoint);
  }

  request(subject: string, data: unknown, headers: HeaderRecord): Observable<unknown> {
    for (const endpoint of this.endpoints) {
      if (endpoint.handlesRequest(subject)) return endpoint.request(subject, data, headers);
    }
    return throwError(() => NO_HANDLER_ERROR);
  }

  async emit(subject: string, data: unknown, headers: HeaderRecord): Promise<void> {
    await Promise.all([...this.endpoints].map((e) => e.event(subject, data, headers)));
  }
}
