import { inspect } from 'node:util';
import { ConfigError } from './config-error';
import { parseConfigText, sha256Hex } from './load-config';

const VALID = `
auth:
  keys:
    - { id: team-a, env: TEAM_A_KEY, applications: [chat] }
    - { id: ops, sha256: ${'a'.repeat(64)} }
applications:
  - id: chat
    type: chat
    models: [gpt-4o-mini]
    endpoints:
      - { id: backup, provider: openai, url: 'https://api.openai.com/v1', apiKeyEnv: OPENAI_API_KEY, priority: 5 }
      - { id: primary, provider: openai-compatible, url: 'http://vllm:8000/v1', priority: 1 }
`;

const ENV = { TEAM_A_KEY: 'team-a-secret-key', OPENAI_API_KEY: 'sk-provider' };

function problemsOf(text: string, env: Record<string, string> = ENV): readonly string[] {
  try {
    parseConfigText(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfigText', () => {
  it('resolves a valid file: endpoints by priority, keys hashed, secrets redacted', () => {
    const config = parseConfigText(VALID, ENV);
    const [app] = config.applications;
    expect(app?.endpoints.map((e) => e.id)).toEqual(['primary', 'backup']);
    expect(config.auth.keys[0]).toMatchObject({ id: 'team-a', sha256: sha256Hex('team-a-secret-key') });
    expect([...(config.auth.keys[0]?.applications ?? [])]).toEqual(['chat']);
    expect(config.auth.keys[1]?.applications).toBeNull();
    const backup = app?.endpoints[1];
    expect(backup?.apiKey?.reveal()).toBe('sk-provider');
    expect(JSON.stringify(config)).not.toContain('sk-provider');
    expect(inspect(config, { depth: 10 })).not.toContain('sk-provider');
    expect(config.version).toMatch(/^[a-f0-9]{12}$/);
  });

  it('reports every problem at once, each with the path of the bad field', () => {
    const problems = problemsOf(
      `
auth:
  keys:
    - { id: k, env: MISSING_KEY, applications: [nope] }
applications:
  - id: chat
    type: chatty
    endpoints: []
  - id: emb
    type: embeddings
    endpoints:
      - { id: e, provider: openai, url: 'https://x/v1', apiKeyEnv: NOT_SET }
      - { id: e, provider: azure-openai, url: 'https://x' }
`,
      {},
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^applications\[0\]\.type: /),
        expect.stringMatching(/^applications\[0\]\.endpoints: an application needs at least one endpoint/),
        expect.stringMatching(/^applications\[1\]\.endpoints\[1\]\.deployment: required for azure-openai/),
      ]),
    );
  });

  it('reports cross-field problems together once the shape is valid', () => {
    const problems = problemsOf(
      `
auth:
  keys:
    - { id: k, env: MISSING_KEY, applications: [nope] }
applications:
  - id: a
    type: chat
    models: [shared]
    endpoints: [{ id: e, provider: openai, url: 'https://x/v1', apiKeyEnv: NOT_SET }, { id: e, provider: mock }]
  - id: b
    type: chat
    models: [shared]
    endpoints: [{ id: m, provider: mock }]
`,
      {},
    );
    expect(problems).toEqual([
      'applications[0].endpoints[0].apiKeyEnv: environment variable NOT_SET is not set',
      'applications[0].endpoints[1].id: duplicate endpoint id "e"',
      'applications[1].models: "shared" is already served by application "a"',
      'auth.keys[0].applications[0]: unknown application "nope"',
      'auth.keys[0].env: environment variable MISSING_KEY is not set',
    ]);
  });

  it('skips the keys for services that do not authenticate', () => {
    const config = parseConfigText(VALID, { OPENAI_API_KEY: 'sk-provider' }, 'router', { keys: false });
    expect(config.auth.keys.map((k) => k.id)).toEqual(['ops']);
    expect(config.version).toBe(parseConfigText(VALID, ENV).version);
  });

  it.each([
    ['a YAML syntax error', 'applications: [', /YAML syntax/],
    ['an unknown field', 'applications: []\nsurprise: 1', /Unrecognized key/i],
    [
      'required auth without keys',
      'applications:\n  - { id: a, type: chat, endpoints: [{ id: m, provider: mock }] }',
      /auth\.keys: authentication is required/,
    ],
    [
      'a key with both sha256 and env',
      `auth: { keys: [{ id: k, env: A, sha256: ${'b'.repeat(64)} }] }\napplications:\n  - { id: a, type: chat, endpoints: [{ id: m, provider: mock }] }`,
      /exactly one of sha256 or env/,
    ],
  ])('rejects %s', (_case, text, pattern) => {
    expect(problemsOf(text).join('\n')).toMatch(pattern);
  });
});
