import { z } from 'zod';

/** `Subjects.router.state` payload: the applications to report, or `null` for every configured one. */
export const RouterStateRequestSchema = z.object({
  applicationIds: z.array(z.string()).nullable(),
});
export type RouterStateRequest = z.infer<typeof RouterStateRequestSchema>;

/** One rate-limit counter in its current window, read without counting anything. */
export const LimitCounterStateSchema = z.object({
  /** e.g. `requests per minute of endpoint main`. */
  label: z.string(),
  measure: z.enum(['requests', 'total', 'prompt', 'completion']),
  limit: z.number().int().nonnegative(),
  used: z.number().nonnegative(),
  windowMs: z.number().int().positive(),
  /** Until the window ends and the count starts again. */
  resetMs: z.number().nonnegative(),
});
export type LimitCounterState = z.infer<typeof LimitCounterStateSchema>;

export const EndpointRoutingStateSchema = z.object({
  endpointId: z.string(),
  provider: z.string(),
  priority: z.number().int(),
  /**
   * The active health check's verdict: `unhealthy` while its mark holds, `healthy` when the endpoint is
   * checked and not marked, `unchecked` without `checks.active`.
   */
  health: z.enum(['healthy', 'unhealthy', 'unchecked']),
  breaker: z.object({
    /** `half_open`: the open time is over and the next request probes the endpoint. */
    state: z.enum(['closed', 'open', 'half_open']),
    /** Until an open breaker lets a probe through; null unless open. */
    retryAfterMs: z.number().nonnegative().nullable(),
  }),
  /** Left of the cool-down after a 429 (its `retry-after`); 0 when none. */
  coolDownMs: z.number().nonnegative(),
  /** Left of the hold after a 5xx that said when to come back (Anthropic 529, overloaded); 0 when none. */
  overloadedMs: z.number().nonnegative(),
  /** The endpoint's own counters (`rpm`, `tpm`, `rateLimits`). */
  limits: z.array(LimitCounterStateSchema),
});
export type EndpointRoutingState = z.infer<typeof EndpointRoutingStateSchema>;

export const ApplicationRoutingStateSchema = z.object({
  applicationId: z.string(),
  type: z.string(),
  strategy: z.string(),
  /** The application's own counters (`rateLimits.limits`); per-consumer counters are not listed. */
  limits: z.array(LimitCounterStateSchema),
  /** In the order the router tries them (priority). */
  endpoints: z.array(EndpointRoutingStateSchema),
});
export type ApplicationRoutingState = z.infer<typeof ApplicationRoutingStateSchema>;

/**
 * `Subjects.router.state` reply: what the router's routing state store and rate-limit store say about
 * each application's endpoints now. Cool-downs, breakers and health verdicts are the state every router
 * replica shares (Redis in distributed mode), so any replica answers alike; read-only: answering
 * takes no half-open probe and counts no request.
 */
export const RouterStateSchema = z.object({
  /** The configuration the answering router runs. */
  configVersion: z.string(),
  /** Where the state lives: `shared` (Redis, every replica) or `local` (this process: embedded mode). */
  store: z.enum(['shared', 'local']),
  applications: z.array(ApplicationRoutingStateSchema),
  /** ISO 8601 UTC time of the reading. */
  readAt: z.string(),
});
export type RouterState = z.infer<typeof RouterStateSchema>;
