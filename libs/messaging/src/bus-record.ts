import type { HeaderRecord } from '@aigw/observability';

/**
 * A bus message payload with its headers. Both transports carry headers the same way;
 * business code never builds one — `BusClient` does, adding the trace context.
 */
export class BusRecord<T = unknown> {
  constructor(
    readonly data: T,
    readonly headers: HeaderRecord,
  ) {}
}

export function splitRecord(value: unknown): { data: unknown; headers: HeaderRecord } {
  return value instanceof BusRecord
    ? { data: value.data, headers: value.headers }
    : { data: value, headers: {} };
}

/** Subject a client publishes to, to cancel the request whose replies go to `replyTo`. */
export function cancelSubject(replyTo: string): string {
  return `${replyTo}.cancel`;
}

/** Applies the deployment namespace (several gateways can share one NATS cluster). */
export function namespaced(namespace: string, subject: string): string {
  return namespace ? `${namespace}.${subject}` : subject;
}
