import { rateLimitStoreProvider } from './rate-limit-store.provider';
import { RateLimiter } from './rate-limiter.service';

/** What the router module registers for rate limits. */
export const RATE_LIMIT_PROVIDERS = [rateLimitStoreProvider, RateLimiter];
