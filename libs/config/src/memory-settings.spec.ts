import { ConfigError } from './config-error';
import { parseConfigText } from './load-config';
import { intervalMs, memoryPolicy } from './memory-settings.schema';

const app = (extra: string, type = 'chat') =>
  `  - { id: a, type: ${type}, endpoints: [{ id: m, provider: mock }]${extra} }\n`;
const config = (apps: string, globals = '') =>
  parseConfigText(`auth: { required: false }\n${globals}applications:\n${apps}`, {});

function problemsOf(text: () => unknown): readonly string[] {
  try {
    text();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('intervalMs (the entryExpiry subset of PostgreSQL intervals)', () => {
  it.each([
    ['30 seconds', 30_000],
    ['1 second', 1_000],
    ['5 minutes', 300_000],
    ['2 hours', 7_200_000],
    ['1 day', 86_400_000],
    ['2 Weeks', 1_209_600_000],
    [' 10minutes ', 600_000],
  ])('%j is %i ms', (interval, ms) => {
    expect(intervalMs(interval)).toBe(ms);
  });

  it.each(['5', 'five minutes', '5 fortnights', '1 day 2 hours', '-1 minute'])('refuses %j', (interval) => {
    expect(() => intervalMs(interval)).toThrow(TypeError);
  });
});

describe('memorySettings and persistPrompts', () => {
  it('default to off, with the seed defaults for the sweep (every 10 minutes)', () => {
    const resolved = config(app(''));
    expect(resolved.memorySettings).toEqual({
      memoryEnabled: true,
      memoryInvalidationSchedule: '*/10 * * * *',
      loadTimeoutMs: 2_000,
    });
    expect(resolved.persistPrompts).toBe(false);
    expect(memoryPolicy(resolved.applications[0], resolved)).toEqual({
      useMemory: false,
      msgCount: 5,
      expiryMs: null,
      persistPrompts: false,
    });
  });

  it.each([
    [
      'memory on',
      ", memorySettings: { useMemory: true, msgCount: 3, entryExpiry: '5 minutes' }",
      '',
      'chat',
      { useMemory: true, msgCount: 3, expiryMs: 300_000, persistPrompts: false },
    ],
    [
      'the global kill switch',
      ', memorySettings: { useMemory: true }',
      'memorySettings: { memoryEnabled: false }\n',
      'chat',
      { useMemory: false, msgCount: 5, expiryMs: null, persistPrompts: false },
    ],
    [
      'prompts persisted globally',
      '',
      'persistPrompts: true\n',
      'chat',
      { useMemory: false, msgCount: 5, expiryMs: null, persistPrompts: true },
    ],
    [
      'the application opting out of global persistence',
      ', persistPrompts: false',
      'persistPrompts: true\n',
      'chat',
      { useMemory: false, msgCount: 5, expiryMs: null, persistPrompts: false },
    ],
    [
      'the application opting in alone',
      ', persistPrompts: true',
      '',
      'chat',
      { useMemory: false, msgCount: 5, expiryMs: null, persistPrompts: true },
    ],
  ])('resolve %s', (_case, extra, globals, type, policy) => {
    const resolved = config(app(extra, type), globals);
    expect(memoryPolicy(resolved.applications[0], resolved)).toEqual(policy);
  });

  it.each([
    [', memorySettings: { msgCount: 0 }', '', 'applications[0].memorySettings.msgCount'],
    [", memorySettings: { entryExpiry: 'soon' }", '', 'applications[0].memorySettings.entryExpiry'],
    [", memorySettings: { entryExpiry: '0 minutes' }", '', 'applications[0].memorySettings.entryExpiry'],
    [', memorySettings: { memory: true }', '', 'applications[0].memorySettings'],
    [
      '',
      "memorySettings: { memoryInvalidationSchedule: 'hourly' }\n",
      'memorySettings.memoryInvalidationSchedule',
    ],
    ['', "persistPrompts: 'yes'\n", 'persistPrompts'],
  ])('refuse %s%s, naming %s', (extra, globals, path) => {
    const problems = problemsOf(() => config(app(extra), globals));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}\\b`));
  });

  it('refuse memory on an application that is not chat', () => {
    const problems = problemsOf(() => config(app(', memorySettings: { useMemory: true }', 'completions')));
    expect(problems).toEqual([
      'applications[0].memorySettings.useMemory: conversational memory is for chat applications only',
    ]);
  });

  it('are part of the config version when given', () => {
    expect(config(app('')).version).not.toBe(config(app(', persistPrompts: true')).version);
    expect(config(app('')).version).not.toBe(config(app(''), 'memorySettings: {}\n').version);
  });
});
