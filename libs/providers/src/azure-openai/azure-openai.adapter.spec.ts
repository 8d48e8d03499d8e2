import { endpointFixture } from '../test/endpoint.fixture';
import type { TestUpstream } from '../test/test-upstream';
import { json, startTestUpstream } from '../test/test-upstream';
import { UpstreamHttpClient } from '../upstream/upstream-http.client';
import { AzureOpenAiAdapter } from './azure-openai.adapter';

describe('AzureOpenAiAdapter', () => {
  let upstream: TestUpstream;
  const http = new UpstreamHttpClient();
  const signal = new AbortController().signal;

  beforeAll(async () => {
    upstream = await startTestUpstream((_req, res) =>
      json(res, 200, { model: 'gpt-4o-2024-08-06', data: [] }),
    );
  });
  beforeEach(() => {
    upstream.requests.length = 0;
  });
  afterAll(async () => {
    await http.close();
    await upstream.close();
  });

  it.each([
    ['chat', undefined, '/openai/deployments/my%20gpt/chat/completions?api-version=2024-10-21'],
    ['completions', '2024-02-01', '/openai/deployments/my%20gpt/completions?api-version=2024-02-01'],
    ['embeddings', undefined, '/openai/deployments/my%20gpt/embeddings?api-version=2024-10-21'],
  ] as const)(
    '%s: deployment in the path, api-version %s in the query',
    async (operation, apiVersion, path) => {
      const endpoint = endpointFixture({
        provider: 'azure-openai',
        deployment: 'my gpt',
        apiKey: 'azure-key',
        ...(apiVersion ? { apiVersion } : {}),
      });
      const adapter = new AzureOpenAiAdapter(http, endpoint, `${upstream.url}/`);
      const result = await adapter[operation]({ model: 'gpt-4o', input: 'x' }, signal);

      expect(adapter.provider).toBe('azure-openai');
      expect(result.model).toBe('gpt-4o-2024-08-06');
      const [seen] = upstream.requests;
      expect(seen.url).toBe(path);
      expect(seen.headers['api-key']).toBe('azure-key');
      expect(seen.headers.authorization).toBeUndefined();
    },
  );

  it('refuses an endpoint without a deployment', () => {
    expect(
      () => new AzureOpenAiAdapter(http, endpointFixture({ provider: 'azure-openai' }), upstream.url),
    ).toThrow('needs a deployment');
  });
});
