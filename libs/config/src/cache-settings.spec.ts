import {
  DEFAULT_GLOBAL_CACHE_SETTINGS,
  durationMs,
  entryExpiryMs,
  searchThreshold,
} from './cache-settings.schema';
import { ConfigError } from './config-error';
import { parseConfigText } from './load-config';

const BASE = `
auth: { required: false }
applications:
  - { id: chat, type: chat, endpoints: [{ id: m, provider: mock }] }
  - { id: legacy, type: completions, endpoints: [{ id: m, provider: mock }] }
  - { id: embed, type: embeddings, endpoints: [{ id: m, provider: mock }] }
`;

function problemsOf(text: string): readonly string[] {
  try {
    parseConfigText(text, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const withApp = (settings: string, type = 'chat') => `
auth: { required: false }
applications:
  - { id: app, type: ${type}, cacheSettings: ${settings}, endpoints: [{ id: m, provider: mock }] }
  - { id: embed, type: embeddings, endpoints: [{ id: m, provider: mock }] }
`;

describe('the cacheSettings of the configuration', () => {
  it('is off by default, sweeping every 45 minutes, and absent it leaves the config version alone', () => {
    const config = parseConfigText(BASE, {});
    expect(config.cacheSettings).toEqual(DEFAULT_GLOBAL_CACHE_SETTINGS);
    expect(config.cacheSettings).toEqual({
      cacheEnabled: false,
      cacheInvalidationSchedule: '*/45 * * * *',
      lookupTimeoutMs: 500,
    });
    expect(parseConfigText(`${BASE}cacheSettings: { cacheEnabled: true }\n`, {}).version).not.toBe(
      config.version,
    );
  });

  it('reads the seed fields of an application, with their defaults', () => {
    const app = parseConfigText(withApp('{ useCache: true }'), {}).applications[0];
    expect(app?.cacheSettings).toEqual({
      useCache: true,
      searchType: 'CS',
      searchContent: { includeRoles: ['system', 'user', 'assistant'] },
      entryExpiry: '1 day',
      maxTemperature: 1,
      cacheToolCalls: false,
      perConsumer: false,
    });
    const seed = parseConfigText(
      withApp(
        `{ useCache: true, searchType: LS, searchDistance: 0.4, searchContent: { term: messages, includeRoles: "system, user" }, entryExpiry: 2 minutes }`,
      ),
      {},
    ).applications[0]?.cacheSettings;
    expect(seed).toMatchObject({ searchType: 'LS', searchDistance: 0.4, entryExpiry: '2 minutes' });
    expect(seed?.searchContent.includeRoles).toEqual(['system', 'user']);
  });

  it.each([
    ['{ searchType: XX }', 'applications[0].cacheSettings.searchType'],
    ['{ entryExpiry: soon }', 'applications[0].cacheSettings.entryExpiry'],
    [
      '{ searchContent: { includeRoles: "user,tool" } }',
      'applications[0].cacheSettings.searchContent.includeRoles',
    ],
    [
      '{ searchContent: { term: prompt } }',
      'applications[0].cacheSettings.searchContent.term: a chat application searches "messages"',
    ],
    ['{ maxTemperature: 3 }', 'applications[0].cacheSettings.maxTemperature'],
    ['{ useCache: true, extra: 1 }', 'applications[0].cacheSettings'],
  ])('rejects %s naming %s', (settings, path) => {
    expect(problemsOf(withApp(settings)).join('\n')).toContain(path);
  });

  it('does not cache embeddings, and needs an embeddings application as vectorizer', () => {
    expect(problemsOf(withApp('{ useCache: true }', 'embeddings'))).toEqual([
      'applications[0].cacheSettings.useCache: embeddings are not cached',
    ]);
    expect(
      problemsOf(`${withApp('{ useCache: true }')}cacheSettings: { vectorizer: { application: nope } }\n`),
    ).toEqual(['cacheSettings.vectorizer.application: unknown application "nope"']);
    expect(
      problemsOf(`${withApp('{ useCache: true }')}cacheSettings: { vectorizer: { application: app } }\n`),
    ).toEqual(['cacheSettings.vectorizer.application: "app" is a chat application, not embeddings']);
    const config = parseConfigText(
      `${withApp('{ useCache: true }')}cacheSettings: { vectorizer: { application: embed } }\n`,
      {},
    );
    expect(config.cacheSettings.vectorizer).toEqual({ application: 'embed', dimensions: 1536 });
  });

  it.each([
    ['30s', 30_000],
    ['2 minutes', 120_000],
    ['1 min', 60_000],
    ['12 hours', 43_200_000],
    ['1 day', 86_400_000],
    ['1.5 h', 5_400_000],
    ['2 weeks', 1_209_600_000],
    ['500ms', null],
    ['0 days', null],
    ['forever', null],
  ])('reads the duration %j as %s ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it('resolves the threshold of each search type and the expiry', () => {
    const settings = (yaml: string) => parseConfigText(withApp(yaml), {}).applications[0]?.cacheSettings;
    const cs = settings('{ useCache: true }');
    const ls = settings('{ useCache: true, searchType: LS }');
    const mine = settings('{ useCache: true, searchType: IP, searchDistance: 0.7, entryExpiry: 10 minutes }');
    if (!cs || !ls || !mine) throw new Error('settings expected');
    expect([searchThreshold(cs), searchThreshold(ls), searchThreshold(mine)]).toEqual([0.95, 0.3, 0.7]);
    expect([entryExpiryMs(cs), entryExpiryMs(mine)]).toEqual([86_400_000, 600_000]);
  });
});
