import { toUsage } from './openai-usage.mapper';

describe('toUsage', () => {
  it.each([
    [
      { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 },
      { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 },
    ],
    [
      { prompt_tokens: 4, total_tokens: 4 },
      { prompt_tokens: 4, completion_tokens: 0, total_tokens: 4 },
    ],
    [
      { prompt_tokens: 2, completion_tokens: 3 },
      { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
    ],
    [
      {
        prompt_tokens: 2,
        completion_tokens: 1,
        total_tokens: 3,
        prompt_tokens_details: { cached_tokens: 1 },
      },
      { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
    ],
    [{ prompt_tokens: -1, completion_tokens: 1.5 }, null],
    [{ total_tokens: 3 }, null],
    [{}, null],
    [null, null],
    [undefined, null],
    ['12', null],
  ])('%j → %j', (raw, usage) => {
    expect(toUsage(raw)).toEqual(usage);
  });
});
