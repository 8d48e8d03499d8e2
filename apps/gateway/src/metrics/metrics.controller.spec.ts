import { resolveConfig, sha256Hex } from '@aigw/config';
import type { MetricsSummary, MetricsSummaryRequest } from '@aigw/contracts';
import { GatewayError, Subjects } from '@aigw/contracts';
import type { BusClient, RequestOptions } from '@aigw/messaging';
import type { FastifyRequest } from 'fastify';
import { ApplicationDirectory } from '../applications/application-directory';
import { ApiKeyAuthenticator } from '../auth/api-key.authenticator';
import { MetricsController } from './metrics.controller';

const CHAT_KEY = 'sk-chat-only-0123456789';
const ALL_KEY = 'sk-everything-0123456789';
const config = resolveConfig(
  {
    auth: {
      keys: [
        { id: 'chat-only', sha256: sha256Hex(CHAT_KEY), applications: ['chat'] },
        { id: 'all', sha256: sha256Hex(ALL_KEY) },
      ],
    },
    applications: [
      { id: 'chat', type: 'chat', endpoints: [{ id: 'm', provider: 'mock' }] },
      { id: 'embed', type: 'embeddings', endpoints: [{ id: 'm', provider: 'mock' }] },
    ],
  },
  {},
);

const SUMMARY: MetricsSummary = {
  listenPort: 8080,
  instanceName: '127.0.0.1',
  collectionIntervalMins: 1,
  historyCount: 10,
  applicationMetrics: [],
  successApiCalls: 0,
  cachedApiCalls: 0,
  failedApiCalls: 0,
  totalApiCalls: 0,
  currentDate: '2026-03-01T10:00:00.000Z',
  status: 'OK',
};

function controllerReplying(reply: unknown) {
  const sent: Array<[string, MetricsSummaryRequest, RequestOptions]> = [];
  const bus = {
    request: async <T>(subject: string, payload: unknown, options: RequestOptions): Promise<T> => {
      sent.push([subject, payload as MetricsSummaryRequest, options]);
      return reply as T;
    },
  } satisfies Pick<BusClient, 'request'>;
  const controller = new MetricsController(
    new ApiKeyAuthenticator(config),
    new ApplicationDirectory(config),
    bus as unknown as BusClient,
  );
  return { controller, sent };
}

const request = (key: string | null, url = '/api/v1/dev/apirouter/metrics?x=1') =>
  ({
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
    url,
    socket: { localPort: 18080 },
  }) as unknown as FastifyRequest;

describe('MetricsController', () => {
  it.each([
    ['chat-only', CHAT_KEY, ['chat']],
    ['all', ALL_KEY, ['chat', 'embed']],
  ])('asks the metrics service, within 2 s, for the applications key "%s" may use', async (_id, key, ids) => {
    const { controller, sent } = controllerReplying(SUMMARY);
    await controller.seedRoute(request(key));
    expect(sent).toEqual([[Subjects.metrics.summary, { applicationIds: ids }, { timeoutMs: 2_000 }]]);
  });

  it('answers the summary with the path it was served on and the port the request came in on', async () => {
    const { controller } = controllerReplying(SUMMARY);
    await expect(controller.usageMetrics(request(ALL_KEY, '/v1/usage-metrics'))).resolves.toEqual({
      ...SUMMARY,
      listenPort: 18080,
      endpointUri: '/v1/usage-metrics',
    });
  });

  it.each([
    ['no key', null, 'invalid_api_key'],
    ['an unknown key', 'sk-unknown-key-000000000', 'invalid_api_key'],
  ])('refuses %s before asking anything', async (_label, key, code) => {
    const { controller, sent } = controllerReplying(SUMMARY);
    const error: unknown = await controller.seedRoute(request(key)).catch((e: unknown) => e);
    expect((error as GatewayError).code).toBe(code);
    expect(sent).toEqual([]);
  });

  it('turns a reply that is not a summary into an internal error', async () => {
    const { controller } = controllerReplying({ status: 'OK' });
    const error: unknown = await controller.seedRoute(request(ALL_KEY)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('internal_error');
  });
});
