import { CronExpressionParser } from 'cron-parser';

/**
 * Cron patterns as BullMQ reads them (it parses with the same library, cron-parser): 5 fields, or 6
 * with seconds first; the process's time zone.
 */
export function nextCronRun(cron: string, after: number): number {
  return CronExpressionParser.parse(cron, { currentDate: new Date(after) })
    .next()
    .getTime();
}

/** Throws a TypeError naming the pattern when it is not a valid cron expression. */
export function assertCron(cron: string): void {
  try {
    nextCronRun(cron, Date.now());
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`"${cron}" is not a valid cron pattern: ${reason}`);
  }
}
