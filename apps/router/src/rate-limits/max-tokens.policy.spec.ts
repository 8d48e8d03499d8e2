import { GatewayError } from '@aigw/contracts';
import { applyMaxTokensPolicy } from './max-tokens.policy';

describe('the max_tokens restriction of an application', () => {
  it.each<[string, Record<string, unknown>, 'cap' | 'reject' | null, Record<string, unknown>]>([
    ['no policy: unchanged', { max_tokens: 9_000 }, null, { max_tokens: 9_000 }],
    ['cap: a larger limit is lowered', { max_tokens: 9_000 }, 'cap', { max_tokens: 100 }],
    ['cap: a smaller limit is kept', { max_tokens: 50 }, 'cap', { max_tokens: 50 }],
    ['cap: no limit sent → set', {}, 'cap', { max_tokens: 100 }],
    [
      'cap: both fields are capped',
      { max_tokens: 500, max_completion_tokens: 20 },
      'cap',
      { max_tokens: 100, max_completion_tokens: 20 },
    ],
    [
      'reject: a limit within is kept',
      { max_completion_tokens: 100 },
      'reject',
      { max_completion_tokens: 100 },
    ],
    ['reject: no limit sent → unchanged', {}, 'reject', {}],
  ])('%s', (_name, body, action, expected) => {
    const policy = action === null ? undefined : { limit: 100, action };
    expect(applyMaxTokensPolicy({ model: 'm', ...body }, policy)).toEqual({ model: 'm', ...expected });
  });

  it.each(['max_tokens', 'max_completion_tokens'])('reject: a larger %s is a 400 naming it', (field) => {
    const error = (() => {
      try {
        applyMaxTokensPolicy({ [field]: 101 }, { limit: 100, action: 'reject' });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'invalid_request', status: 400, param: field });
    expect((error as GatewayError).message).toContain('at most 100');
  });
});
