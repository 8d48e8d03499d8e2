import { ConfigError } from './config-error';
import { DEFAULT_METRICS_SETTINGS } from './gateway-config.schema';
import { parseConfigText } from './load-config';

const BASE = `
auth: { required: false }
applications:
  - { id: chat, type: chat, endpoints: [{ id: m, provider: mock }] }
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

describe('the metrics block of the configuration', () => {
  it('defaults to 1-minute intervals and 10 of them; a block given is part of the config version', () => {
    const config = parseConfigText(BASE, {});
    expect(config.metrics).toEqual({ collectionIntervalMinutes: 1, historyCount: 10 });
    expect(DEFAULT_METRICS_SETTINGS).toEqual(config.metrics);
    expect(config.version).not.toBe(
      parseConfigText(`${BASE}metrics: { collectionIntervalMinutes: 5 }\n`, {}).version,
    );
  });

  it('takes the interval and the history count, filling the other with its default', () => {
    expect(parseConfigText(`${BASE}metrics: { collectionIntervalMinutes: 15 }\n`, {}).metrics).toEqual({
      collectionIntervalMinutes: 15,
      historyCount: 10,
    });
    expect(parseConfigText(`${BASE}metrics: { historyCount: 600 }\n`, {}).metrics).toEqual({
      collectionIntervalMinutes: 1,
      historyCount: 600,
    });
  });

  it.each([
    ['metrics: { collectionIntervalMinutes: 0 }', 'metrics.collectionIntervalMinutes'],
    ['metrics: { collectionIntervalMinutes: 1.5 }', 'metrics.collectionIntervalMinutes'],
    ['metrics: { historyCount: 0 }', 'metrics.historyCount'],
    ['metrics: { historyCount: 601 }', 'metrics.historyCount'],
    ['metrics: { interval: 5 }', 'metrics'],
  ])('rejects %s, naming %s', (block, path) => {
    const problems = problemsOf(`${BASE}${block}\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${path.replace(/\./g, '\\.')}\\b`));
  });
});
