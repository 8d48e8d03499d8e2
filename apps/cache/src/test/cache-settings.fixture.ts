import type { CacheSettings } from '@aigw/config';
import { CacheSettingsSchema } from '@aigw/config';
import type { CacheLookupRequest } from '@aigw/contracts';

/** An application's `cacheSettings` as the config loader would resolve them; override what a case is about. */
export function cacheSettings(overrides: Partial<Record<keyof CacheSettings, unknown>> = {}): CacheSettings {
  return CacheSettingsSchema.parse({ useCache: true, ...overrides });
}

export function chatLookup(
  messages: unknown[],
  overrides: Partial<CacheLookupRequest> & { params?: Record<string, unknown> } = {},
): CacheLookupRequest {
  const { params, ...rest } = overrides;
  return {
    requestId: 'req-1',
    applicationId: 'chat',
    consumerId: 'team-a',
    operation: 'chat',
    body: { model: 'gpt-4o-mini', messages, ...params },
    ...rest,
  };
}
