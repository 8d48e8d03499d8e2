import { ConfigError } from './config-error';
import { PROVIDERS, URL_REQUIRED_PROVIDERS, providerServes } from './gateway-config.schema';
import { parseConfigText } from './load-config';

const ENV = { ANTHROPIC_API_KEY: 'sk-ant', GEMINI_API_KEY: 'AIza', KEY: 'k' };

/** A config with one application of `type` whose endpoints are the given YAML flow mappings. */
function config(type: string, ...endpoints: string[]): string {
  return `auth: { required: false }
applications:
  - id: app
    type: ${type}
    endpoints:
${endpoints.map((e) => `      - ${e}`).join('\n')}
`;
}

function problemsOf(text: string): readonly string[] {
  try {
    parseConfigText(text, ENV);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('endpoint provider kinds and options', () => {
  it('accepts every preset and vendor, defaulting the url where the provider has one', () => {
    const parsed = parseConfigText(
      config(
        'chat',
        '{ id: a, provider: anthropic, model: claude-sonnet-4-5, apiKeyEnv: ANTHROPIC_API_KEY }',
        '{ id: g, provider: gemini, model: gemini-2.5-flash, apiKeyEnv: GEMINI_API_KEY, apiVersion: v1 }',
        '{ id: d, provider: deepseek, apiKeyEnv: KEY }',
        '{ id: m, provider: mistral, apiKeyEnv: KEY }',
        '{ id: r, provider: openrouter, apiKeyEnv: KEY }',
        "{ id: v, provider: vllm, url: 'http://vllm:8000/v1' }",
        '{ id: o, provider: ollama }',
        '{ id: oa, provider: openai, apiKeyEnv: KEY }',
      ),
      ENV,
    );
    expect(parsed.applications[0].endpoints.map((e) => [e.provider, e.url])).toEqual([
      ['anthropic', undefined],
      ['gemini', undefined],
      ['deepseek', undefined],
      ['mistral', undefined],
      ['openrouter', undefined],
      ['vllm', 'http://vllm:8000/v1'],
      ['ollama', undefined],
      ['openai', undefined],
    ]);
  });

  it('resolves authHeader, authScheme, options and maxTokensCap', () => {
    const parsed = parseConfigText(
      config(
        'chat',
        `{ id: a, provider: openai-compatible, url: 'https://llm.internal/v1', apiKeyEnv: KEY, authHeader: X-Api-Key,
           authScheme: '', maxTokensCap: 1024, timeoutMs: 30000,
           options: { temperature: 0.2, generationConfig: { topK: 20 }, stop: [END] } }`,
      ),
      ENV,
    );
    expect(parsed.applications[0].endpoints[0]).toMatchObject({
      authHeader: 'X-Api-Key',
      authScheme: '',
      maxTokensCap: 1024,
      timeoutMs: 30_000,
      options: { temperature: 0.2, generationConfig: { topK: 20 }, stop: ['END'] },
    });
  });

  it.each([
    [
      'vllm without a url',
      config('chat', '{ id: v, provider: vllm }'),
      'endpoints[0].url: required for provider vllm',
    ],
    [
      'openai-compatible without a url',
      config('chat', '{ id: c, provider: openai-compatible }'),
      'endpoints[0].url: required for provider openai-compatible',
    ],
    [
      'an unknown provider',
      config('chat', '{ id: x, provider: cohere }'),
      'endpoints[0].provider: Invalid option',
    ],
    [
      'anthropic serving embeddings',
      config('embeddings', '{ id: a, provider: anthropic }'),
      'endpoints[0].provider: anthropic does not serve embeddings (only chat)',
    ],
    [
      'gemini serving legacy completions',
      config('completions', '{ id: g, provider: gemini }'),
      'endpoints[0].provider: gemini does not serve completions (only chat, embeddings)',
    ],
    [
      'a header name with a space',
      config('chat', "{ id: o, provider: ollama, apiKeyEnv: KEY, authHeader: 'X Key' }"),
      'endpoints[0].authHeader: an HTTP header name',
    ],
    [
      'a header the gateway sets',
      config('chat', '{ id: o, provider: ollama, apiKeyEnv: KEY, authHeader: Content-Type }'),
      'endpoints[0].authHeader: a header the gateway sets itself',
    ],
    [
      'a scheme of two words',
      config('chat', "{ id: o, provider: ollama, apiKeyEnv: KEY, authScheme: 'Bearer token' }"),
      'endpoints[0].authScheme: one word such as Bearer, or empty for the raw key',
    ],
    [
      'auth overrides without a key',
      config('chat', '{ id: o, provider: ollama, authHeader: X-Key }'),
      'endpoints[0].authHeader: has no effect without apiKeyEnv',
    ],
    [
      'options naming the model',
      config('chat', '{ id: o, provider: ollama, options: { model: llama3 } }'),
      'endpoints[0].options.model: set the endpoint model instead',
    ],
    [
      'options setting stream',
      config('chat', '{ id: o, provider: ollama, options: { stream: false } }'),
      'endpoints[0].options.stream: set by the gateway',
    ],
    [
      'options that are not a mapping',
      config('chat', '{ id: o, provider: ollama, options: [1, 2] }'),
      'endpoints[0].options: ',
    ],
    [
      'a zero maxTokensCap',
      config('chat', '{ id: o, provider: ollama, maxTokensCap: 0 }'),
      'endpoints[0].maxTokensCap: ',
    ],
    [
      'a fractional maxTokensCap',
      config('chat', '{ id: o, provider: ollama, maxTokensCap: 1.5 }'),
      'endpoints[0].maxTokensCap: ',
    ],
  ])('rejects %s with its path', (_name, text, problem) => {
    expect(problemsOf(text)).toEqual(
      expect.arrayContaining([expect.stringContaining(`applications[0].${problem}`)]),
    );
  });

  it('reports every endpoint problem at once', () => {
    const problems = problemsOf(
      config(
        'embeddings',
        '{ id: a, provider: anthropic }',
        '{ id: v, provider: vllm, maxTokensCap: -1 }',
        '{ id: o, provider: ollama, options: { model: x } }',
      ),
    );
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining([
        'applications[0].endpoints[0].provider',
        'applications[0].endpoints[1].url',
        'applications[0].endpoints[1].maxTokensCap',
        'applications[0].endpoints[2].options.model',
      ]),
    );
  });

  it.each(PROVIDERS)('%s serves chat', (provider) => {
    expect(providerServes(provider, 'chat')).toBe(true);
  });

  it('requires a url only of providers without a public API', () => {
    expect([...URL_REQUIRED_PROVIDERS].sort()).toEqual(['azure-openai', 'openai-compatible', 'vllm']);
  });
});
