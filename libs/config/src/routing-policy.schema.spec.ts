import { ConfigError } from './config-error';
import { resolveConfig } from './load-config';
import { resolveRoutingPolicy } from './routing-policy.schema';

const endpoints = [
  { id: 'a', provider: 'mock' },
  { id: 'b', provider: 'mock' },
];
const config = (routing?: unknown, extra: Record<string, unknown> = {}) => ({
  auth: { required: false },
  applications: [
    { id: 'chat', type: 'chat', endpoints, ...(routing === undefined ? {} : { routing }), ...extra },
  ],
});
const problems = (raw: unknown): readonly string[] => {
  try {
    resolveConfig(raw, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('routing policy config', () => {
  it.each([
    [
      'consistent-hash without hashOn',
      { strategy: 'consistent-hash' },
      'applications[0].routing.hashOn: required for strategy consistent-hash',
    ],
    [
      'a header hash without a key',
      { strategy: 'consistent-hash', hashOn: { type: 'header' } },
      'applications[0].routing.hashOn.key: required when hashing on header',
    ],
    [
      'model-based without its lists',
      { strategy: 'model-based' },
      'applications[0].routing.modelBasedRoundRobin: required for strategy model-based',
    ],
    [
      'a model entry naming an unknown endpoint',
      {
        strategy: 'model-based',
        modelBasedRoundRobin: { productionModels: { 'gpt-4o': [{ endpoint: 'zz', model: 'm' }] } },
      },
      'applications[0].routing.modelBasedRoundRobin.productionModels.gpt-4o[0].endpoint: unknown endpoint "zz"',
    ],
    [
      'an unknown fallback trigger',
      { fallbackStrategy: ['http_4xx'] },
      'applications[0].routing.fallbackStrategy',
    ],
  ])('rejects %s', (_name, routing, message) => {
    expect(problems(config(routing)).join('\n')).toContain(message);
  });

  it.each([
    [
      'nothing: today’s behaviour',
      undefined,
      ['rate_limiting', 'http_429', 'http_5xx', 'timeout', 'connection_error'],
    ],
    ['a list', { fallbackStrategy: ['http_429'] }, ['http_429']],
    [
      'APISIX’s string for health and rate limits',
      { fallbackStrategy: 'instance_health_and_rate_limiting' },
      ['rate_limiting'],
    ],
    ['APISIX’s single trigger string', { fallbackStrategy: 'http_5xx' }, ['http_5xx']],
  ])('resolves fallbackStrategy from %s', (_name, routing, triggers) => {
    const app = resolveConfig(config(routing), {}).applications[0];
    expect([...resolveRoutingPolicy(app?.routing).fallback]).toEqual(triggers);
  });

  it('reads an APK flat model list as serving any requested model, weight 1 by default', () => {
    const app = resolveConfig(
      config({
        strategy: 'model-based',
        modelBasedRoundRobin: { productionModels: [{ endpoint: 'a', model: 'gpt-4o' }] },
      }),
      {},
    ).applications[0];
    const policy = resolveRoutingPolicy(app?.routing);
    expect(policy.modelBased?.production.get('*')).toEqual([{ endpoint: 'a', model: 'gpt-4o', weight: 1 }]);
    expect(policy.modelBased).toMatchObject({ suspendMs: 60_000, sandbox: null });
  });

  it.each([
    ['priority: list position', undefined, [0, 1]],
    ['other strategies: one tier', { strategy: 'weighted' }, [0, 0]],
  ])('defaults endpoint priorities for %s', (_name, routing, priorities) => {
    const app = resolveConfig(config(routing), {}).applications[0];
    expect(app?.endpoints.map((e) => e.priority)).toEqual(priorities);
  });

  it('makes a routing policy part of the config version', () => {
    expect(resolveConfig(config({ strategy: 'priority' }), {}).version).not.toBe(
      resolveConfig(config(), {}).version,
    );
  });

  it('gives API keys the production environment unless they say sandbox', () => {
    const keys = resolveConfig(
      {
        ...config(),
        auth: {
          keys: [
            { id: 'p', sha256: 'a'.repeat(64) },
            { id: 's', sha256: 'b'.repeat(64), environment: 'sandbox' },
          ],
        },
      },
      {},
    ).auth.keys;
    expect(keys.map((k) => k.environment)).toEqual(['production', 'sandbox']);
  });
});
