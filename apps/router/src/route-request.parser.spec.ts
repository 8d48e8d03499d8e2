import { GatewayError } from '@aigw/contracts';
import { parseRouteRequest } from './route-request.parser';

describe('parseRouteRequest', () => {
  const valid = { requestId: 'r1', applicationId: 'chat', consumerId: null, body: { model: 'chat' } };

  it('accepts a route request', () => {
    expect(parseRouteRequest(valid)).toEqual(valid);
  });

  it.each([
    ['not an object', 'hello', '(root)'],
    ['no application', { ...valid, applicationId: '' }, 'applicationId'],
    ['no body', { ...valid, body: undefined }, 'body'],
    ['a body that is not an object', { ...valid, body: [1] }, 'body'],
  ])('rejects %s as invalid_request', (_name, payload, path) => {
    const error = (() => {
      try {
        parseRouteRequest(payload);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
    expect((error as GatewayError).message).toContain(path);
  });
});
