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

/**
 * Every cancel subject: reply subjects are `<inbox>.<n>` under a connection's inbox (`_INBOX.<nuid>`,
 * see the client's ReplyInbox). A server listens to it once, instead of subscribing and unsubscribing
 * a subject per stream (two protocol operations, each a socket write, and two updates of the NATS
 * server's subscription table).
 */
export const EVERY_CANCEL_SUBJECT = '_INBOX.*.*.cancel';

/** Applies the deployment namespace (several gateways can share one NATS cluster). */
export function namespaced(namespace: string, subject: string): string {
  return namespace ? `${namespace}.${subject}` : subject;
}
