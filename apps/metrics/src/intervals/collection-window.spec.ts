import { CronExpressionParser } from 'cron-parser';
import { collectCron, collectionWindow, DEDUPE_WINDOW_MS, intervalStartOf } from './collection-window';

const at = (iso: string) => new Date(iso);

describe('intervalStartOf', () => {
  it.each([
    ['2026-03-01T10:07:59.999Z', 1, '2026-03-01T10:07:00.000Z'],
    ['2026-03-01T10:07:00.000Z', 5, '2026-03-01T10:05:00.000Z'],
    ['2026-03-01T10:59:00.000Z', 60, '2026-03-01T10:00:00.000Z'],
    // Aligned on the epoch, not on the hour, when the interval does not divide an hour.
    ['2026-03-01T10:59:00.000Z', 7, '2026-03-01T10:57:00.000Z'],
  ])('%s with %i-minute intervals starts at %s', (now, minutes, start) => {
    expect(intervalStartOf(at(now), minutes).toISOString()).toBe(start);
  });
});

describe('collectionWindow', () => {
  it('folds what precedes the open interval and keeps historyCount intervals before it', () => {
    const now = at('2026-03-01T10:07:30.000Z');
    expect(collectionWindow(now, { collectionIntervalMinutes: 5, historyCount: 3 })).toEqual({
      foldBefore: at('2026-03-01T10:05:00.000Z'),
      intervalMinutes: 5,
      keepHistoryFrom: at('2026-03-01T09:50:00.000Z'),
      keepProcessedFrom: new Date(now.getTime() - DEDUPE_WINDOW_MS),
    });
  });
});

describe('collectCron', () => {
  it.each([
    [1, '* * * * *'],
    [5, '*/5 * * * *'],
    [15, '*/15 * * * *'],
    [60, '0 * * * *'],
    [7, '* * * * *'],
    [90, '* * * * *'],
  ])('%i-minute intervals: "%s"', (minutes, cron) => {
    expect(collectCron(minutes)).toBe(cron);
  });

  // BullMQ reads the pattern with cron-parser in the process's zone; in UTC (and any zone whose offset
  // is a multiple of the interval) every run falls on an interval boundary.
  it.each([1, 5, 15, 20, 30, 60])('fires on every %i-minute boundary', (minutes) => {
    const runs = CronExpressionParser.parse(collectCron(minutes), {
      currentDate: new Date('2026-03-01T10:00:30.000Z'),
      tz: 'UTC',
    });
    for (let i = 0; i < 3; i++) {
      const run = runs.next().toDate();
      expect(run).toEqual(intervalStartOf(run, minutes));
    }
  });
});
