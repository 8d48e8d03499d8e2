import type { MetricsSettings } from '@aigw/config';

const MINUTE_MS = 60_000;
/** How long request ids stay in the dedupe table: far beyond any redelivery of a usage job. */
export const DEDUPE_WINDOW_MS = 24 * 60 * MINUTE_MS;

/** Start of the interval that contains `at`; intervals are aligned on the Unix epoch (UTC). */
export function intervalStartOf(at: Date, intervalMinutes: number): Date {
  const length = intervalMinutes * MINUTE_MS;
  return new Date(Math.floor(at.getTime() / length) * length);
}

/** What one collect run does at `now`. */
export interface CollectionWindow {
  /** Minute buckets before this (the start of the open interval) belong to finished intervals. */
  readonly foldBefore: Date;
  readonly intervalMinutes: number;
  /** History before this is beyond the last `historyCount` intervals. */
  readonly keepHistoryFrom: Date;
  /** Dedupe rows before this are forgotten. */
  readonly keepProcessedFrom: Date;
}

export function collectionWindow(now: Date, settings: MetricsSettings): CollectionWindow {
  const foldBefore = intervalStartOf(now, settings.collectionIntervalMinutes);
  const historyMs = settings.historyCount * settings.collectionIntervalMinutes * MINUTE_MS;
  return {
    foldBefore,
    intervalMinutes: settings.collectionIntervalMinutes,
    keepHistoryFrom: new Date(foldBefore.getTime() - historyMs),
    keepProcessedFrom: new Date(now.getTime() - DEDUPE_WINDOW_MS),
  };
}

/**
 * The collect job's cron: on every interval boundary when the interval divides an hour (cron fields
 * cannot step across hours evenly otherwise), else every minute. A run that finds no finished interval
 * does nothing, and a run closes every finished interval it finds, so a missed run only delays.
 */
export function collectCron(intervalMinutes: number): string {
  if (intervalMinutes === 60) return '0 * * * *';
  if (intervalMinutes < 60 && 60 % intervalMinutes === 0)
    return intervalMinutes === 1 ? '* * * * *' : `*/${intervalMinutes} * * * *`;
  return '* * * * *';
}
