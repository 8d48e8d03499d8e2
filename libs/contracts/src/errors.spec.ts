import { GatewayError } from './errors';

const rateLimit = {
  requests: { limit: 10, remaining: 0, resetMs: 2_000 },
  tokens: null,
};

describe('GatewayError on the wire', () => {
  it('carries the retry hint and the rate-limit status across a process boundary', () => {
    const error = new GatewayError('rate_limit_exceeded', 'Rate limit reached.', {
      retryAfterMs: 2_000,
      rateLimit,
    });
    const back = GatewayError.from(JSON.parse(JSON.stringify(error.toWire())));
    expect(back).toMatchObject({ code: 'rate_limit_exceeded', status: 429, retryAfterMs: 2_000, rateLimit });
  });

  it('leaves out what an error does not have, and drops a malformed status', () => {
    expect(new GatewayError('upstream_error', 'x').toWire()).toEqual({
      code: 'upstream_error',
      message: 'x',
      status: 502,
      param: null,
    });
    const wire = {
      code: 'rate_limit_exceeded',
      message: 'x',
      status: 429,
      param: null,
      rateLimit: { requests: 3 },
    };
    expect(GatewayError.from(wire).rateLimit).toBeUndefined();
  });

  it('withRateLimit keeps everything else of the error', () => {
    const error = new GatewayError('rate_limit_exceeded', 'busy', { retryAfterMs: 500 }).withRateLimit(
      rateLimit,
    );
    expect(error).toMatchObject({
      code: 'rate_limit_exceeded',
      message: 'busy',
      retryAfterMs: 500,
      rateLimit,
    });
    expect(error).toBeInstanceOf(GatewayError);
  });
});
