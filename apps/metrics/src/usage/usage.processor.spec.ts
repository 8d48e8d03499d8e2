import { Logger } from '@nestjs/common';
import type { UsageEvent } from '@aigw/contracts';
import type { JobQueues } from '@aigw/jobs';
import { usageEvent } from '../test/usage-event.fixture';
import type { UsageEntry, UsageRepository } from './usage.repository';
import { minuteOf, UsageProcessor } from './usage.processor';

const NOW = new Date('2026-03-01T10:05:00.000Z');

/** A repository whose batch write calls `record` for each entry of the batch. */
function processorWith(record: (event: UsageEvent, bucket: Date) => Promise<boolean>) {
  const repository = {
    recordAll: (entries: readonly UsageEntry[]) =>
      Promise.all(entries.map(({ event, bucketStart }) => record(event, bucketStart))),
  } satisfies Pick<UsageRepository, 'recordAll'>;
  return new UsageProcessor({} as JobQueues, repository as unknown as UsageRepository, { now: () => NOW });
}

const job = (data: unknown) => ({ id: 'usage.req-1', name: 'usage.recorded', data, attempt: 1 });

describe('UsageProcessor', () => {
  it('records a valid usage record in the minute it finished', async () => {
    const seen: Array<[string, string]> = [];
    const processor = processorWith(async (event, bucket) => {
      seen.push([event.requestId, bucket.toISOString()]);
      return true;
    });
    await expect(processor.handle(job(usageEvent()))).resolves.toBe('counted');
    expect(seen).toEqual([['req-1', '2026-03-01T10:00:00.000Z']]);
  });

  it('reports a redelivered record as a duplicate', async () => {
    const processor = processorWith(async () => false);
    await expect(processor.handle(job(usageEvent()))).resolves.toBe('duplicate');
  });

  it.each([
    ['not an object', 'usage'],
    ['a missing field', { ...usageEvent(), requestId: undefined }],
    ['a negative token count', usageEvent({ promptTokens: -1 })],
    ['an unreadable finishedAt', usageEvent({ finishedAt: 'yesterday' })],
  ])('drops %s without retrying (it resolves), logged and counted', async (_label, data) => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    let recorded = 0;
    const processor = processorWith(async () => ++recorded > 0);
    await expect(processor.handle(job(data))).resolves.toBe('malformed');
    expect(recorded).toBe(0);
    expect(processor.malformedCount).toBe(1);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('usage job usage.req-1 dropped, malformed'));
    logged.mockRestore();
  });

  it('rejects when the database fails, so the queue retries the job', async () => {
    const processor = processorWith(async () => Promise.reject(new Error('connection refused')));
    await expect(processor.handle(job(usageEvent()))).rejects.toThrow('connection refused');
  });

  it('lets a running record finish on shutdown and sends later ones back to the queue', async () => {
    let release = (): void => undefined;
    const processor = processorWith(() => new Promise<boolean>((resolve) => (release = () => resolve(true))));
    const running = processor.handle(job(usageEvent()));
    const stopped = processor.beforeApplicationShutdown();
    await expect(processor.handle(job(usageEvent({ requestId: 'req-2' })))).rejects.toThrow('stopping');
    release();
    await stopped;
    await expect(running).resolves.toBe('counted');
  });
});

describe('minuteOf', () => {
  it.each([
    ['2026-03-01T10:03:59.999Z', '2026-03-01T10:03:00.000Z'],
    ['2026-03-01T10:03:00+02:00', '2026-03-01T08:03:00.000Z'],
    // A gateway clock ahead of ours: capped at our minute.
    ['2026-03-01T10:09:00.000Z', '2026-03-01T10:05:00.000Z'],
  ])('%s falls in %s', (finishedAt, minute) => {
    expect(minuteOf(finishedAt, NOW).toISOString()).toBe(minute);
  });
});
