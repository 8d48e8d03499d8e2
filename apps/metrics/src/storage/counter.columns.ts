import type { ValueTransformer } from 'typeorm';
import { Column } from 'typeorm';
import type { Counters } from '../usage/usage-counters';

/** `bigint` arrives from `pg` as a string (it may exceed 2^53); counts here stay far below that. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | number) => Number(value),
};

const whole = (name: string) => Column({ name, type: 'bigint', default: 0, transformer: bigintAsNumber });
const fractional = (name: string) => Column({ name, type: 'double precision', default: 0 });

/**
 * The counters of `Counters`, embedded (unprefixed) in every aggregate table. Column names come from
 * `COUNTER_COLUMNS`; the migration creates the same ones.
 */
export class CounterColumns implements Counters {
  @whole('api_calls') apiCalls!: number;
  @whole('failed_api_calls') failedApiCalls!: number;
  @whole('throttled_api_calls') throttledApiCalls!: number;
  @whole('filtered_api_calls') filteredApiCalls!: number;
  @whole('total_api_calls') totalApiCalls!: number;
  @whole('prompt_tokens') promptTokens!: number;
  @whole('completion_tokens') completionTokens!: number;
  @fractional('latency_ms_sum') latencyMsSum!: number;
  @fractional('ttft_ms_sum') ttftMsSum!: number;
  @whole('ttft_count') ttftCount!: number;
  @whole('cache_hits') cacheHits!: number;
  @whole('retries') retries!: number;
  @fractional('cache_score_sum') cacheScoreSum!: number;
  @whole('cache_score_count') cacheScoreCount!: number;
}
