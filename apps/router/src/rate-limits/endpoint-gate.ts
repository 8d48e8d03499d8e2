import type { RouteTarget } from '../routing/route-target';

/**
 * The failover's one question to the rate limits, asked before each endpoint is tried: may this
 * request use it? The answer is 0 (yes: its quota is reserved) or how long until its quota has room.
 * A request that moves on to the next endpoint has been refused by the previous one or failed there.
 */
export interface EndpointGate {
  enter(target: RouteTarget): Promise<number>;
}

/** For callers without limits. */
export const OPEN_GATE: EndpointGate = { enter: () => Promise.resolve(0) };
