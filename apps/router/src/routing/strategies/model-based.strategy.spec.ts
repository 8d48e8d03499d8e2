import type { ModelEntry } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import { ModelBasedStrategy } from './model-based.strategy';
import { context, target } from './strategy-test.fixture';

const entry = (endpoint: string, model: string, weight = 1): ModelEntry => ({ endpoint, model, weight });
const targets = [target('backend-1'), target('backend-2')];
const lists = {
  suspendMs: 60_000,
  production: new Map([
    ['gpt-4o', [entry('backend-1', 'gpt-4o'), entry('backend-2', 'gpt-4o-2024-08-06')]],
    ['*', [entry('backend-2', 'o1-mini')]],
  ]),
  sandbox: new Map([
    ['gpt-4o', [entry('backend-2', 'gpt-4o-mini', 3), entry('backend-1', 'gpt-4o-mini', 1)]],
  ]),
};
const pairs = (strategy: ModelBasedStrategy, ctx = context({ model: 'gpt-4o' })) =>
  [...strategy.order(targets, ctx)].map((t) => `${t.endpoint.id}:${t.upstreamModel}`);

describe('ModelBasedStrategy', () => {
  it.each([
    [
      'production keys round-robin over the requested model’s list',
      context({ model: 'gpt-4o' }),
      [
        ['backend-1:gpt-4o', 'backend-2:gpt-4o-2024-08-06'],
        ['backend-2:gpt-4o-2024-08-06', 'backend-1:gpt-4o'],
        ['backend-1:gpt-4o', 'backend-2:gpt-4o-2024-08-06'],
      ],
    ],
    [
      'sandbox keys use the sandbox list, by weight (3:1)',
      context({ model: 'gpt-4o', environment: 'sandbox' }),
      [
        ['backend-2:gpt-4o-mini', 'backend-1:gpt-4o-mini'],
        ['backend-2:gpt-4o-mini', 'backend-1:gpt-4o-mini'],
        ['backend-1:gpt-4o-mini', 'backend-2:gpt-4o-mini'],
        ['backend-2:gpt-4o-mini', 'backend-1:gpt-4o-mini'],
      ],
    ],
    ['a model without a list of its own takes *', context({ model: 'other' }), [['backend-2:o1-mini']]],
  ])('%s', (_name, ctx, expected) => {
    const strategy = new ModelBasedStrategy(lists);
    expect(expected.map(() => pairs(strategy, ctx))).toEqual(expected);
  });

  it('keeps separate rotations per model and environment', () => {
    const strategy = new ModelBasedStrategy(lists);
    pairs(strategy, context({ model: 'gpt-4o', environment: 'sandbox' }));
    expect(pairs(strategy)[0]).toBe('backend-1:gpt-4o');
  });

  it.each([
    [
      'a sandbox key on an application without sandbox models',
      { ...lists, sandbox: null },
      'sandbox',
      'gpt-4o',
      403,
    ],
    [
      'a model with no list and no *',
      { ...lists, production: new Map([['gpt-4o', [entry('backend-1', 'x')]]]) },
      'production',
      'nope',
      404,
    ],
  ] as const)('rejects %s', (_name, config, environment, model, status) => {
    const strategy = new ModelBasedStrategy(config);
    const error = (() => {
      try {
        pairs(strategy, context({ model, environment }));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(status);
  });
});
