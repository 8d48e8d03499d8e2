import { GatewayConfigSchema } from '@aigw/config';
import { diffDocuments } from './config-diff';

const mock = (id: string, extra: Record<string, unknown> = {}) => ({ id, provider: 'mock', ...extra });
const base = {
  auth: { required: true, keys: [{ id: 'team-a', sha256: 'a'.repeat(64), applications: ['chat'] }] },
  applications: [
    { id: 'chat', type: 'chat', endpoints: [mock('one'), mock('two')] },
    { id: 'embed', type: 'embeddings', endpoints: [mock('e')] },
  ],
};
const normalize = (doc: unknown) => GatewayConfigSchema.parse(doc);
const edit = (change: (doc: typeof base) => void) => {
  const copy = structuredClone(base);
  change(copy);
  return copy;
};

describe('diffDocuments', () => {
  it('finds no change between a document and itself, nor when a default is written out', () => {
    const withDefault = edit((d) => Object.assign(d.applications[1] ?? {}, { models: [] }));
    expect(diffDocuments(normalize(base), normalize(withDefault))).toEqual({
      changed: false,
      fields: [],
      applications: { added: [], removed: [], changed: [] },
      consumers: { added: [], removed: [], changed: [] },
    });
  });

  it.each([
    [
      'an added application',
      edit((d) => d.applications.push({ id: 'new', type: 'chat', endpoints: [mock('m')] })),
      { applications: { added: ['new'], removed: [], changed: [] } },
    ],
    [
      'a removed application',
      edit((d) => d.applications.pop()),
      { applications: { added: [], removed: ['embed'], changed: [] } },
    ],
    [
      'a changed application field',
      edit((d) => Object.assign(d.applications[0] ?? {}, { description: 'Chat' })),
      {
        applications: {
          added: [],
          removed: [],
          changed: [
            { id: 'chat', fields: ['description'], endpoints: { added: [], removed: [], changed: [] } },
          ],
        },
      },
    ],
    [
      'endpoints added, removed and changed',
      edit((d) => {
        const app = d.applications[0];
        if (app)
          app.endpoints = [mock('one', { timeoutMs: 5000, options: { temperature: 0 } }), mock('three')];
      }),
      {
        applications: {
          added: [],
          removed: [],
          changed: [
            {
              id: 'chat',
              fields: [],
              endpoints: {
                added: ['three'],
                removed: ['two'],
                changed: [{ id: 'one', fields: ['timeoutMs', 'options'] }],
              },
            },
          ],
        },
      },
    ],
    [
      'endpoints reordered (their default priorities change)',
      edit((d) => d.applications[0]?.endpoints.reverse()),
      {
        applications: {
          added: [],
          removed: [],
          changed: [
            { id: 'chat', fields: ['endpoints'], endpoints: { added: [], removed: [], changed: [] } },
          ],
        },
      },
    ],
    [
      'a consumer added, another changed',
      edit((d) => {
        d.auth.keys.push({ id: 'team-b', sha256: 'b'.repeat(64), applications: ['*'] });
        const first = d.auth.keys[0];
        if (first) first.sha256 = 'c'.repeat(64);
      }),
      { consumers: { added: ['team-b'], removed: [], changed: [{ id: 'team-a', fields: ['sha256'] }] } },
    ],
    [
      'a top-level field',
      edit((d) => Object.assign(d, { server: { port: 9000 } })),
      { fields: ['server.port'] },
    ],
    [
      'a field of auth besides its keys',
      edit((d) => (d.auth.required = false)),
      { fields: ['auth.required'] },
    ],
  ])('reports %s', (_label, after, expected) => {
    const diff = diffDocuments(normalize(base), normalize(after));
    expect(diff).toEqual({
      changed: true,
      fields: [],
      applications: { added: [], removed: [], changed: [] },
      consumers: { added: [], removed: [], changed: [] },
      ...expected,
    });
  });

  it('never carries values: a key digest that changed appears as a path only', () => {
    const after = edit((d) => {
      const first = d.auth.keys[0];
      if (first) first.sha256 = 'd'.repeat(64);
    });
    expect(JSON.stringify(diffDocuments(normalize(base), normalize(after)))).not.toMatch(/aaaa|dddd/);
  });

  it('reports every application as added against an empty store', () => {
    expect(diffDocuments(null, normalize(base)).applications.added).toEqual(['chat', 'embed']);
  });
});
