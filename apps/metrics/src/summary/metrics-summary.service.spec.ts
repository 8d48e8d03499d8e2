import { LiveConfig, resolveConfig } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import type { IntervalsRepository } from '../intervals/intervals.repository';
import type { TotalsRepository } from './totals.repository';
import { MetricsSummaryService } from './metrics-summary.service';

const config = resolveConfig(
  {
    auth: { required: false },
    applications: [
      { id: 'chat', type: 'chat', endpoints: [{ id: 'm', provider: 'mock' }] },
      { id: 'embed', type: 'embeddings', endpoints: [{ id: 'm', provider: 'mock' }] },
    ],
  },
  {},
);

function serviceReading(read: () => Promise<never[]>) {
  const asked: Array<readonly string[]> = [];
  const totals = {
    forApplications: async (ids: readonly string[]) => {
      asked.push(ids);
      return read();
    },
  } satisfies Pick<TotalsRepository, 'forApplications'>;
  const intervals = { latest: async () => read() } satisfies Pick<IntervalsRepository, 'latest'>;
  const service = new MetricsSummaryService(
    LiveConfig.fromFile(config),
    totals as unknown as TotalsRepository,
    intervals as unknown as IntervalsRepository,
    { now: () => new Date('2026-03-01T10:00:00.000Z') },
  );
  return { service, asked };
}

describe('MetricsSummaryService', () => {
  it.each([
    [null, ['chat', 'embed']],
    [['embed', 'unknown'], ['embed']],
    [[], []],
  ])('reads the configured applications among %j', async (applicationIds, read) => {
    const { service, asked } = serviceReading(async () => []);
    const summary = await service.summary({ applicationIds });
    expect(asked).toEqual([read]);
    expect(summary.applicationMetrics.map((a) => a.applicationId)).toEqual(read);
  });

  it('answers service_unavailable when the database fails, without its details', async () => {
    const { service } = serviceReading(async () =>
      Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:5432')),
    );
    const error: unknown = await service.summary({ applicationIds: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('service_unavailable');
    expect((error as GatewayError).message).not.toContain('10.0.0.7');
  });
});
