import type { UsageEvent } from '@aigw/contracts';

/** A valid usage record of one answered chat request; override what a case is about. */
export function usageEvent(overrides: Partial<UsageEvent> = {}): UsageEvent {
  return {
    requestId: 'req-1',
    applicationId: 'chat',
    endpointId: 'primary',
    provider: 'openai',
    model: 'gpt-4o-mini',
    consumerId: 'team-a',
    operation: 'chat',
    stream: false,
    status: 200,
    throttled: false,
    promptTokens: 10,
    completionTokens: 5,
    latencyMs: 120.5,
    timeToFirstTokenMs: null,
    cacheHit: false,
    cacheSimilarity: null,
    retries: 0,
    finishedAt: '2026-03-01T10:00:30.000Z',
    ...overrides,
  };
}
