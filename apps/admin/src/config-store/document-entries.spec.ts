import { GatewayError } from '@aigw/contracts';
import type { JsonObject } from './config-revision';
import {
  addEntry,
  applicationList,
  consumerList,
  endpointList,
  findEntry,
  removeEntry,
  replaceEntry,
} from './document-entries';

const document = (): JsonObject => ({
  auth: { required: true, keys: [{ id: 'k', sha256: 'a'.repeat(64) }] },
  applications: [
    {
      id: 'chat',
      type: 'chat',
      endpoints: [
        { id: 'one', provider: 'mock' },
        { id: 'two', provider: 'mock' },
      ],
    },
  ],
});

const codeOf = (edit: () => unknown): string => {
  try {
    edit();
  } catch (error: unknown) {
    if (error instanceof GatewayError) return error.code;
    throw error;
  }
  return 'none';
};

describe('document entries', () => {
  it('adds, replaces in place and removes entries of nested lists', () => {
    const doc = document();
    addEntry(endpointList('chat'), doc, { id: 'three', provider: 'mock' });
    replaceEntry(endpointList('chat'), doc, 'one', { id: 'one', provider: 'mock', timeoutMs: 1 });
    removeEntry(endpointList('chat'), doc, 'two');
    expect(endpointList('chat').read(doc)).toEqual([
      { id: 'one', provider: 'mock', timeoutMs: 1 },
      { id: 'three', provider: 'mock' },
    ]);
    addEntry(consumerList, doc, { id: 'k2', env: 'K2' });
    expect(consumerList.read(doc).map((k) => k.id)).toEqual(['k', 'k2']);
    expect(doc.auth).toEqual(expect.objectContaining({ required: true }));
  });

  it('creates auth.keys in a document without auth', () => {
    const doc: JsonObject = { applications: [] };
    addEntry(consumerList, doc, { id: 'k', env: 'K' });
    expect(doc.auth).toEqual({ keys: [{ id: 'k', env: 'K' }] });
  });

  it.each([
    ['an unknown application', () => findEntry(applicationList, document(), 'nope'), 'resource_not_found'],
    [
      'the endpoints of an unknown application',
      () => endpointList('nope').read(document()),
      'resource_not_found',
    ],
    ['a duplicate id', () => addEntry(applicationList, document(), { id: 'chat' }), 'conflict'],
    [
      'a changed id',
      () => replaceEntry(applicationList, document(), 'chat', { id: 'other' }),
      'invalid_request',
    ],
    [
      'removing an unknown consumer',
      () => removeEntry(consumerList, document(), 'nope'),
      'resource_not_found',
    ],
  ])('refuses %s', (_label, edit, code) => {
    expect(codeOf(edit)).toBe(code);
  });
});
