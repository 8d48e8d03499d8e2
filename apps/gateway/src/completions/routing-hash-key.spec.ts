import type { ResolvedApplication } from '@aigw/config';
import type { HashSource } from './routing-hash-key';
import { routingHashKey } from './routing-hash-key';

const app = (routing: ResolvedApplication['routing']): ResolvedApplication => ({
  id: 'chat',
  type: 'chat',
  models: [],
  endpoints: [],
  routing,
});
const source: HashSource = {
  headers: { 'x-user-id': 'alice', authorization: 'Bearer sk-secret' },
  ip: '10.0.0.7',
  url: '/v1/chat/completions?tenant=t1',
  body: { user: 'end-user-9' },
  consumerId: 'team-a',
};
const chash = (type: 'header' | 'consumer' | 'vars', key?: string) =>
  app({ strategy: 'consistent-hash', hashOn: key === undefined ? { type } : { type, key } });

describe('routingHashKey', () => {
  it.each([
    ['a header', chash('header', 'X-User-Id'), 'alice'],
    ['the consumer', chash('consumer'), 'team-a'],
    ['remote_addr', chash('vars', 'remote_addr'), '10.0.0.7'],
    ['a query argument', chash('vars', 'arg_tenant'), 't1'],
    ['the OpenAI user field', chash('vars', 'user'), 'end-user-9'],
    ['the path', chash('vars', 'uri'), '/v1/chat/completions'],
  ])('hashes on %s', (_name, application, raw) => {
    const key = routingHashKey(application, source);
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(key).toBe(routingHashKey(chash('header', 'x-raw'), { ...source, headers: { 'x-raw': raw } }));
  });

  it.each([
    ['no routing policy', app(undefined)],
    ['another strategy', app({ strategy: 'weighted' })],
    ['a missing header', chash('header', 'x-absent')],
    ['an unknown variable', chash('vars', 'nope')],
    ['an anonymous consumer', chash('consumer')],
  ])('is null for %s', (_name, application) => {
    expect(routingHashKey(application, { ...source, consumerId: null })).toBeNull();
  });

  it('never passes a header value on as it is', () => {
    expect(routingHashKey(chash('header', 'authorization'), source)).not.toContain('sk-secret');
  });
});
