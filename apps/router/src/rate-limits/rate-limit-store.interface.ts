import type { TokenKind } from '@aigw/config';

/** What one counter counts: requests, or tokens of one kind. */
export type Measure = 'requests' | TokenKind;

/** One limit on one scope: at most `limit` of `measure` per fixed window of `windowMs`. */
export interface CounterSpec {
  /** Names the scope and the rule (`app|chat|requests|60000`); the store adds the window. */
  readonly key: string;
  readonly measure: Measure;
  readonly limit: number;
  readonly windowMs: number;
  /** For messages: `requests per minute of application chat`. */
  readonly label: string;
}

/** Tokens a request is expected (at admission) or known (at settlement) to use. */
export interface TokenDemand {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** A counter as the reservation left it (or found it, when the request was refused). */
export interface CounterState {
  readonly spec: CounterSpec;
  readonly used: number;
  /** Until the counter's window ends. */
  readonly resetMs: number;
}

/** What a request holds in the windows it was admitted in, until it settles. */
export interface Reservation {
  /** The counters with the window they were reserved in (`<key>|<windowStart>`). */
  readonly held: readonly { readonly windowKey: string; readonly measure: Measure }[];
  readonly demand: TokenDemand;
}

export type ReserveOutcome =
  | { readonly admitted: true; readonly reservation: Reservation; readonly counters: readonly CounterState[] }
  | {
      readonly admitted: false;
      /** Until every counter that refused the request has reset. */
      readonly retryAfterMs: number;
      readonly counters: readonly CounterState[];
      readonly refusedBy: readonly CounterState[];
    };

/** What to count in the end instead of the reservation: the real tokens, and whether the request counts. */
export interface Settlement extends TokenDemand {
  /** 1: the request counts; 0: it is refunded (nothing was served). */
  readonly requests: 0 | 1;
}

/**
 * Counters of fixed windows with an atomic check-and-reserve: a request either reserves its amount on
 * every counter or on none (one refusal refuses it everywhere). Two implementations with one behaviour:
 * Redis (shared by router replicas) and in memory (embedded mode, and the fail-open fallback).
 */
export interface RateLimitStore {
  reserve(counters: readonly CounterSpec[], demand: TokenDemand): Promise<ReserveOutcome>;
  /** Replaces the reserved amounts by the settled ones, in the windows reserved in (ended windows: no-op). */
  settle(reservation: Reservation, settlement: Settlement): Promise<void>;
  /** The counters in their current windows, counting nothing (the operator's view, `router.v1.state`). */
  peek(counters: readonly CounterSpec[]): Promise<readonly CounterState[]>;
}

export function amountOf(measure: Measure, demand: TokenDemand | Settlement): number {
  if (measure === 'requests') return 'requests' in demand ? demand.requests : 1;
  if (measure === 'prompt') return demand.promptTokens;
  if (measure === 'completion') return demand.completionTokens;
  return demand.promptTokens + demand.completionTokens;
}

/** The change a settlement makes to one held counter. */
export function settleDelta(measure: Measure, reserved: TokenDemand, settlement: Settlement): number {
  return amountOf(measure, settlement) - amountOf(measure, reserved);
}

export const windowKeyOf = (key: string, start: number): string => `${key}|${start}`;
