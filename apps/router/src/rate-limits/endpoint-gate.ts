import type { RouteTarget } from '../routing/route-target';

/**
 * The failover's one question to the rate limits, asked before each endpoint is tried: may this
 * request use it? The answer is 0 (yes: its quota is reserved) or how long until its quota has room.
 * A request that moves on to the next endpoint has been refused by the previous one or failed there.
 * The answer is a plain number when no counter had to be asked (no endpoint limits: the usual case),
 * so the failover awaits nothing then.
 */
export interface EndpointGate {
  enter(target: RouteTarget): number | Promise<number>;
}

/** For callers without limits. */
export const OPEN_GATE: EndpointGate = { enter: () => 0 };
