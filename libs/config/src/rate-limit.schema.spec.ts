import { ConfigError } from './config-error';
import { parseConfigText } from './load-config';
import { endpointRules } from './rate-limit.schema';

const KEY = 'a'.repeat(64);

/** A config with one chat application; `app` and `top` are YAML lines added to it and to the file. */
function config(app = '', endpoint = '', top = '', key = ''): string {
  return `auth:
  required: true
  keys:
    - { id: k1, sha256: ${KEY}${key} }
applications:
  - id: chat
    type: chat
    endpoints:
      - { id: m, provider: mock${endpoint} }
${app}
${top}
`;
}

function problemsOf(text: string): readonly string[] {
  try {
    parseConfigText(text, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('rate limits in the configuration', () => {
  it('defaults: no limits, fail open, 256 completion tokens reserved when max_tokens is absent', () => {
    const parsed = parseConfigText(config(), {});
    expect(parsed.rateLimiting).toEqual({
      redisDown: 'failOpen',
      defaultCompletionTokens: 256,
      keyLimits: new Map(),
    });
    expect(parsed.applications[0]?.rateLimits).toBeUndefined();
  });

  it('reads every scope: endpoint rpm/tpm and rules, application, per consumer, API key, max_tokens', () => {
    const parsed = parseConfigText(
      config(
        `    rateLimits:
      limits: [{ requests: 6000, window: minute }, { tokens: 5000, tokenKind: prompt, window: minute }]
      perConsumer: [{ tokens: 10, window: 60, tokenKind: completion }]
      maxTokens: { limit: 1024, action: reject }`,
        ', rpm: 10, tpm: 1000, rateLimits: [{ tokens: 50000, window: hour }]',
        'rateLimiting: { redisDown: failClosed, defaultCompletionTokens: 64 }',
        ', rateLimits: [{ requests: 100, window: day }]',
      ),
      {},
    );
    const [app] = parsed.applications;
    expect(app?.rateLimits).toEqual({
      limits: [
        { requests: 6000, tokenKind: 'total', window: 'minute' },
        { tokens: 5000, tokenKind: 'prompt', window: 'minute' },
      ],
      perConsumer: [{ tokens: 10, tokenKind: 'completion', window: 60 }],
      maxTokens: { limit: 1024, action: 'reject' },
    });
    expect(endpointRules(app.endpoints[0])).toEqual([
      { requests: 10, tokenKind: 'total', window: 'minute' },
      { tokens: 1000, tokenKind: 'total', window: 'minute' },
      { tokens: 50000, tokenKind: 'total', window: 'hour' },
    ]);
    expect(parsed.rateLimiting).toEqual({
      redisDown: 'failClosed',
      defaultCompletionTokens: 64,
      keyLimits: new Map([['k1', [{ requests: 100, tokenKind: 'total', window: 'day' }]]]),
    });
  });

  it.each([
    [
      'a rule with neither requests nor tokens',
      config('    rateLimits: { limits: [{ window: minute }] }'),
      'applications[0].rateLimits.limits[0]: give requests, tokens or both',
    ],
    [
      'an unknown window',
      config('    rateLimits: { perConsumer: [{ requests: 1, window: week }] }'),
      'applications[0].rateLimits.perConsumer[0].window',
    ],
    [
      'an unknown token kind (APISIX spelling)',
      config('    rateLimits: { limits: [{ tokens: 1, tokenKind: total_tokens, window: 60 }] }'),
      'applications[0].rateLimits.limits[0].tokenKind',
    ],
    ['a zero rpm', config('', ', rpm: 0'), 'applications[0].endpoints[0].rpm'],
    [
      'a max_tokens action that does not exist',
      config('    rateLimits: { maxTokens: { limit: 10, action: truncate } }'),
      'applications[0].rateLimits.maxTokens.action',
    ],
    [
      'an unknown Redis-down policy',
      config('', '', 'rateLimiting: { redisDown: ignore }'),
      'rateLimiting.redisDown',
    ],
    [
      'a key rule without a window',
      config('', '', '', ', rateLimits: [{ requests: 5 }]'),
      'auth.keys[0].rateLimits[0].window',
    ],
  ])('reports %s with its path', (_name, text, path) => {
    expect(problemsOf(text).some((p) => p.startsWith(path))).toBe(true);
  });
});
