import type { NatsConnection } from 'nats';

/** The parts of nats.js's protocol handler (`NatsConnectionImpl.protocol`) this relies on. */
interface ProtocolHandler {
  flushPending(): void;
  readonly outbound: { size(): number };
  readonly pendingLimit: number;
}

function isProtocolHandler(value: unknown): value is ProtocolHandler {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof ProtocolHandler, unknown>>;
  return (
    typeof candidate.flushPending === 'function' &&
    typeof (candidate.outbound as { size?: unknown } | undefined)?.size === 'function' &&
    typeof candidate.pendingLimit === 'number'
  );
}

/**
 * The publishes of one turn of the event loop leave in one socket write. nats.js writes its outbound
 * buffer on the microtask after the first publish, so a process that publishes from many callbacks of
 * one turn — a gateway's HTTP requests arriving together, a router's upstream answers — makes a write
 * system call per publish, and the NATS server a read and a wake-up per write: a fifth of a
 * distributed request's CPU. Here the write waits for the end of the turn (`setImmediate`, after the
 * turn's I/O callbacks), as Nagle's algorithm would without its delay; a buffer over nats.js's own
 * threshold is still written at once. `flush()` and `drain()` write what is pending and wait for a
 * PONG; `close()` does not (in nats.js it never did, even on the microtask), so `BusNatsClient.close()`
 * flushes first and the server closes after its grace period. A nats.js without this internal shape
 * keeps its own flushing (returns false).
 */
export function coalesceWrites(connection: NatsConnection): boolean {
  const protocol: unknown = (connection as unknown as { protocol?: unknown }).protocol;
  if (!isProtocolHandler(protocol)) return false;
  const flushNow = protocol.flushPending.bind(protocol);
  let scheduled = false;
  const flushScheduled = () => {
    scheduled = false;
    flushNow();
  };
  protocol.flushPending = () => {
    if (protocol.outbound.size() >= protocol.pendingLimit) return flushNow();
    if (scheduled) return;
    scheduled = true;
    setImmediate(flushScheduled);
  };
  return true;
}
