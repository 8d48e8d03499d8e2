import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import { metricsRegistry } from '@aigw/observability';
import type { RouterUnderTest } from '../test/router-harness';
import { ManualClock, chatBody, rejectionOf, routeRequest, startRouter } from '../test/router-harness';

/** The gauge's value per `application/endpoint`, as Prometheus would scrape it from this process. */
async function breakerStates(): Promise<Record<string, number>> {
  const metric = await metricsRegistry.getSingleMetric('aigw_circuit_breaker_state')!.get();
  return Object.fromEntries(
    metric.values.map((v) => [`${v.labels.application}/${v.labels.endpoint}`, v.value]),
  );
}

const CLOSED = 0;
const OPEN = 1;
const HALF_OPEN = 2;

describe('aigw_circuit_breaker_state', () => {
  let mock: MockLlm;
  let router: RouterUnderTest | null = null;
  const endpoint = (id: string) => ({ id, provider: 'mock', url: `${mock.url}/e/${id}/v1` });

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
  });
  beforeEach(() => mock.control.reset());
  afterEach(async () => {
    await router?.close();
    router = null;
  });
  afterAll(() => mock.close());

  it('reads the circuit breakers: open after N consecutive 5xx, half-open after openMs, closed after recovery', async () => {
    const clock = new ManualClock();
    router = await startRouter({
      applications: [
        {
          id: 'breaker-app',
          type: 'chat',
          endpoints: [endpoint('flaky'), endpoint('steady')],
          routing: { circuitBreaker: { failureThreshold: 3, openMs: 5_000 } },
        },
      ],
      mockLlmUrl: null,
      clock,
    });
    const chat = () => router!.controller.chat(routeRequest('breaker-app', chatBody()));
    expect(await breakerStates()).toMatchObject({
      'breaker-app/flaky': CLOSED,
      'breaker-app/steady': CLOSED,
    });

    mock.control.setDefault('flaky', { status: 500 });
    for (let failures = 1; failures < 3; failures += 1) {
      expect((await chat()).endpointId).toBe('steady');
      expect((await breakerStates())['breaker-app/flaky']).toBe(CLOSED);
    }
    expect((await chat()).endpointId).toBe('steady');
    expect(await breakerStates()).toMatchObject({ 'breaker-app/flaky': OPEN, 'breaker-app/steady': CLOSED });

    clock.advance(5_000);
    expect((await breakerStates())['breaker-app/flaky']).toBe(HALF_OPEN);
    mock.control.setDefault('flaky', null);
    expect((await chat()).endpointId).toBe('flaky');
    expect(await breakerStates()).toMatchObject({
      'breaker-app/flaky': CLOSED,
      'breaker-app/steady': CLOSED,
    });
  });

  it('reports an endpoint cooling down after a 429 as open, and closed once its retry-after has passed', async () => {
    const clock = new ManualClock();
    router = await startRouter({
      applications: [{ id: 'cooling-app', type: 'chat', endpoints: [endpoint('busy')] }],
      mockLlmUrl: null,
      clock,
    });
    mock.control.script('busy', [{ status: 429, retryAfter: '2' }]);
    await rejectionOf(router.controller.chat(routeRequest('cooling-app', chatBody())));
    expect((await breakerStates())['cooling-app/busy']).toBe(OPEN);
    clock.advance(2_000);
    expect((await breakerStates())['cooling-app/busy']).toBe(CLOSED);
  });

  it('stops reporting a router that has shut down', async () => {
    router = await startRouter({
      applications: [{ id: 'gone-app', type: 'chat', endpoints: [endpoint('a')] }],
      mockLlmUrl: null,
    });
    expect(await breakerStates()).toHaveProperty(['gone-app/a']);
    await router.close();
    router = null;
    expect(await breakerStates()).not.toHaveProperty(['gone-app/a']);
  });
});
