import type { Counters } from '../usage/usage-counters';
import { COUNTER_COLUMNS, COUNTER_KEYS, FRACTIONAL_COUNTERS, ZERO_COUNTERS } from '../usage/usage-counters';

/**
 * SQL fragments over the counter columns, built once from the fixed `COUNTER_COLUMNS` (identifiers
 * only: every value travels as a bind parameter).
 */
export const COUNTER_COLUMN_LIST = COUNTER_KEYS.map((key) => COUNTER_COLUMNS[key]).join(', ');

/** `$<from>, $<from+1>, …` for the counters, in `COUNTER_KEYS` order. */
export function counterPlaceholders(from: number): string {
  return COUNTER_KEYS.map((_, i) => `$${from + i}`).join(', ');
}

/** `SET` list of an upsert that adds the incoming counters to the stored ones. */
export function addExcludedCounters(table: string): string {
  return COUNTER_KEYS.map((key) => {
    const column = COUNTER_COLUMNS[key];
    return `${column} = ${table}.${column} + EXCLUDED.${column}`;
  }).join(', ');
}

/** `sum(col) AS col, …` for a fold. */
export const SUM_COUNTERS = COUNTER_KEYS.map((key) => {
  const column = COUNTER_COLUMNS[key];
  return `sum(${column}) AS ${column}`;
}).join(', ');

export function counterValues(counters: Counters): number[] {
  return COUNTER_KEYS.map((key) => counters[key]);
}

/** A row as `pg` returns it: bigint and numeric arrive as strings. */
export type CounterRow = Readonly<Record<string, unknown>>;

export function countersFromRow(row: CounterRow): Counters {
  const counters: Record<keyof Counters, number> = { ...ZERO_COUNTERS };
  for (const key of COUNTER_KEYS) {
    const value = Number(row[COUNTER_COLUMNS[key]] ?? 0);
    counters[key] = FRACTIONAL_COUNTERS.has(key) ? value : Math.round(value);
  }
  return counters;
}
