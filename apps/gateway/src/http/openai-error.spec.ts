import { GatewayError } from '@aigw/contracts';
import { ChatCompletionRequestSchema } from '@aigw/openai-schema';
import { errorBody, errorHeaders, fromHttpError, validationError } from './openai-error';

function firstProblem(body: unknown): GatewayError {
  const result = ChatCompletionRequestSchema.safeParse(body);
  if (result.success) throw new Error('expected a validation error');
  return validationError(result.error, body);
}

describe('OpenAI error mapping', () => {
  it.each([
    [{ model: 'm' }, "Missing required parameter: 'messages'.", 'messages'],
    [{ messages: [{ role: 'user', content: 'x' }] }, "Missing required parameter: 'model'.", 'model'],
    [{ model: 'm', messages: 'hi' }, /^Invalid value for 'messages'/, 'messages'],
    [
      { model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 3 },
      /^Invalid value for 'temperature'/,
      'temperature',
    ],
    [
      { model: 'm', messages: [{ role: 'robot', content: 'x' }] },
      /^Invalid value for 'messages\[0\]\.role'/,
      'messages[0].role',
    ],
  ])('names the parameter of %j', (body, message, param) => {
    const error = firstProblem(body);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request', param });
    expect(error.message).toMatch(message);
  });

  it.each([
    [{ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }, 400, 'invalid_json'],
    [{ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }, 413, 'payload_too_large'],
    [{ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }, 415, 'unsupported_media_type'],
    [new SyntaxError('invalid JSON'), 400, 'invalid_json'],
    [new Error('boom with a secret'), 500, 'internal_error'],
  ])('maps HTTP-layer error %p', (error, status, code) => {
    const mapped = fromHttpError(error);
    expect(mapped).toMatchObject({ status, code });
    expect(mapped.message).not.toContain('secret');
  });

  it('shapes the envelope and the retry headers', () => {
    const error = new GatewayError('rate_limit_exceeded', 'busy', { retryAfterMs: 2300 });
    expect(errorBody(error)).toEqual({
      error: { message: 'busy', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
    });
    expect(errorHeaders(error)).toEqual({ 'retry-after': '3', 'retry-after-ms': '2300' });
    expect(errorHeaders(new GatewayError('invalid_request', 'x'))).toEqual({});
  });

  it('adds the x-ratelimit-* headers to a 429 of the gateway own limits, beside the retry hints', () => {
    const error = new GatewayError('rate_limit_exceeded', 'limit', {
      retryAfterMs: 1_500,
      rateLimit: {
        requests: { limit: 10, remaining: 0, resetMs: 1_500 },
        tokens: { limit: 1_000, remaining: 400, resetMs: 60_000 },
      },
    });
    expect(errorHeaders(error)).toEqual({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '1.5s',
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '400',
      'x-ratelimit-reset-tokens': '1m0s',
      'retry-after': '2',
      'retry-after-ms': '1500',
    });
  });
});
