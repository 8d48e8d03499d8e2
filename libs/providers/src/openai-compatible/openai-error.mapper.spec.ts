import { parseOpenAiError } from './openai-error.mapper';

describe('parseOpenAiError', () => {
  it.each([
    [
      JSON.stringify({
        error: { message: 'bad', type: 'invalid_request_error', param: 'messages', code: null },
      }),
      { message: 'bad', param: 'messages' },
    ],
    [JSON.stringify({ error: { message: 'no param' } }), { message: 'no param', param: null }],
    [JSON.stringify({ error: 'plain string' }), { message: 'plain string', param: null }],
    [
      JSON.stringify({ object: 'error', message: 'vllm style', param: 'n' }),
      { message: 'vllm style', param: 'n' },
    ],
    [JSON.stringify({ detail: 'fastapi style' }), { message: 'fastapi style', param: null }],
    [JSON.stringify({ error: { code: 400 } }), null],
    [JSON.stringify([1, 2]), null],
    ['null', null],
    ['<html>502</html>', null],
    ['', null],
  ])('%s → %j', (body, expected) => {
    expect(parseOpenAiError(body)).toEqual(expected);
  });
});
