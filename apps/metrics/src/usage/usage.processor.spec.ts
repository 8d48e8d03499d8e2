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
    await expect(processor.handle(job(usageEvent()))).resolves.toEqual(['counted']);
    expect(seen).toEqual([['req-1', '2026-03-01T10:00:00.000Z']]);
  });

  it('reports a redelivered record as a duplicate', async () => {
    const processor = processorWith(async () => false);
    await expect(processor.handle(job(usageEvent()))).resolves.toEqual(['duplicate']);
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
    await expect(processor.handle(job(data))).resolves.toEqual(['malformed']);
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
    await expect(running).resolves.toEqual(['counted']);
  });
});

describe('UsageProcessor with batches of the gateway', () => {
  const batch = (events: unknown[]) => ({
    id: 'usage-batch.req-1',
    name: 'usage.batch',
    data: { events },
    attempt: 1,
  });

  it('records every record of a batch, each once, and drops only the malformed one', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const seen: string[] = [];
    const processor = processorWith(async (event) => {
      const fresh = !seen.includes(event.requestId);
      seen.push(event.requestId);
      return fresh;
    });
    const outcomes = await processor.handle(
      batch([
        usageEvent({ requestId: 'a' }),
        { requestId: 'broken' },
        usageEvent({ requestId: 'b' }),
        usageEvent({ requestId: 'a' }),
      ]),
    );
    expect(outcomes).toEqual(['counted', 'malformed', 'counted', 'duplicate']);
    expect(seen).toEqual(['a', 'b', 'a']);
    expect(logged).toHaveBeenCalledWith(
      expect.stringContaining('record 1 of usage job usage-batch.req-1 dropped, malformed'),
    );
    logged.mockRestore();
  });

  it('drops a batch job without records as malformed, and rejects a batch the database refused', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const processor = processorWith(async () => Promise.reject(new Error('connection refused')));
    await expect(processor.handle(batch([]))).resolves.toEqual([]);
    expect(processor.malformedCount).toBe(1);
    await expect(processor.handle(batch([usageEvent()]))).rejects.toThrow('connection refused');
    logged.mockRestore();
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
