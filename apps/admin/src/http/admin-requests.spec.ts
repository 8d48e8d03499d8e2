import { GatewayError } from '@aigw/contracts';
import { dryRun, ifMatch } from './admin-requests';

describe('admin request parameters', () => {
  it.each([
    [undefined, null],
    ['*', null],
    ['"1a2b3c4d5e6f"', '1a2b3c4d5e6f'],
    ['1a2b3c4d5e6f', '1a2b3c4d5e6f'],
    ['W/"1a2b3c4d5e6f"', '1a2b3c4d5e6f'],
  ])('reads If-Match %j as %j', (header, expected) => {
    expect(ifMatch(header)).toBe(expected);
  });

  it.each(['"a", "b"', '"has space"', '""'])('refuses If-Match %j with 412', (header) => {
    const error: unknown = (() => {
      try {
        return ifMatch(header);
      } catch (e: unknown) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(412);
  });

  it.each([
    [{}, false],
    [{ dryRun: 'false' }, false],
    [{ dryRun: 'true' }, true],
    [{ dryRun: '' }, true],
  ])('reads the query %j as dryRun %j', (query, expected) => {
    expect(dryRun(query)).toBe(expected);
  });

  it('refuses another dryRun value with 400', () => {
    expect(() => dryRun({ dryRun: 'yes' })).toThrow(GatewayError);
  });
});
