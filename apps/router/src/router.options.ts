import type { GatewayConfig } from '@aigw/config';

export interface RouterModuleOptions {
  readonly config: GatewayConfig;
  /** Root URL of the built-in mock LLM, for `mock` endpoints without a `url`; null when none runs. */
  readonly mockLlmUrl: string | null;
}

export const ROUTER_OPTIONS = Symbol('ROUTER_OPTIONS');
