import type { LiveConfig } from '@aigw/config';

export interface RouterModuleOptions {
  /** The configuration, kept current by the launcher's `ConfigSync`. */
  readonly live: LiveConfig;
  /** Root URL of the built-in mock LLM, for `mock` endpoints without a `url`; null when none runs. */
  readonly mockLlmUrl: string | null;
  /** Redis for state shared by router replicas; null in embedded mode (one process, state in memory). */
  readonly redisUrl: string | null;
  /** Prefix of the router's Redis keys. */
  readonly redisPrefix: string;
}

export const ROUTER_OPTIONS = Symbol('ROUTER_OPTIONS');
