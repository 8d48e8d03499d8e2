import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import type {
  CounterSpec,
  CounterState,
  RateLimitStore,
  Reservation,
  ReserveOutcome,
  Settlement,
  TokenDemand,
} from './rate-limit-store.interface';
import { amountOf, settleDelta, windowKeyOf } from './rate-limit-store.interface';

/**
 * Check-and-reserve on every counter of a request in one script, so Redis runs it atomically: either
 * every counter has room and each is incremented, or none is touched. The window comes from Redis's
 * clock (`TIME`), one clock for every replica. KEYS: the counters' keys; ARGV: limit, window (ms) and
 * amount per counter. Returns `{admitted, now, used₁, reset₁, …}`.
 * The window keys are derived inside the script, so the counters of one request must live on one
 * Redis node (no Redis Cluster without a hash tag in the prefix).
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS
local keys, used, amounts, resets = {}, {}, {}, {}
local admitted = 1
for i = 1, n do
  local limit = tonumber(ARGV[3 * i - 2])
  local win = tonumber(ARGV[3 * i - 1])
  local start = now - (now % win)
  keys[i] = KEYS[i] .. '|' .. start
  amounts[i] = tonumber(ARGV[3 * i])
  resets[i] = start + win - now
  used[i] = tonumber(redis.call('GET', keys[i]) or '0')
  if amounts[i] > 0 and used[i] + amounts[i] > limit then admitted = 0 end
end
local out = { admitted, now }
for i = 1, n do
  if admitted == 1 then
    if amounts[i] ~= 0 then used[i] = redis.call('INCRBY', keys[i], amounts[i]) end
    redis.call('PEXPIRE', keys[i], resets[i] + 1000)
  end
  out[2 * i + 1] = used[i]
  out[2 * i + 2] = resets[i]
end
return out
`;

/** Adds each delta to its window key, unless the window has ended (and its key expired). */
const SETTLE = `
for i = 1, #KEYS do
  local delta = tonumber(ARGV[i])
  if delta ~= 0 and redis.call('EXISTS', KEYS[i]) == 1 then redis.call('INCRBY', KEYS[i], delta) end
end
return 0
`;

/** Reads each counter's current window on Redis's clock, writing nothing. ARGV: window (ms) per counter. */
const PEEK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i = 1, #KEYS do
  local win = tonumber(ARGV[i])
  local start = now - (now % win)
  out[2 * i - 1] = tonumber(redis.call('GET', KEYS[i] .. '|' .. start) or '0')
  out[2 * i] = start + win - now
end
return out
`;

/** The store shared by every router replica. Each call is one round trip (EVALSHA; EVAL once per script load). */
export class RedisRateLimitStore implements RateLimitStore {
  constructor(
    private readonly redis: Redis,
    /** Prefix of every key (the deployment's), e.g. `aigw`. */
    private readonly prefix: string,
  ) {}

  async reserve(counters: readonly CounterSpec[], demand: TokenDemand): Promise<ReserveOutcome> {
    if (counters.length === 0) return { admitted: true, reservation: { held: [], demand }, counters: [] };
    const keys = counters.map((c) => this.keyOf(c.key));
    const args = counters.flatMap((c) => [c.limit, c.windowMs, amountOf(c.measure, demand)]);
    const reply = (await this.run(RESERVE, keys, args)) as number[];
    const [admitted = 0, now = 0] = reply;
    const states: CounterState[] = counters.map((spec, i) => ({
      spec,
      used: Number(reply[2 + 2 * i]),
      resetMs: Number(reply[3 + 2 * i]),
    }));
    if (admitted === 1) {
      const held = counters.map((spec, i) => ({
        windowKey: windowKeyOf(keys[i] ?? '', now - (now % spec.windowMs)),
        measure: spec.measure,
      }));
      return { admitted: true, reservation: { held, demand }, counters: states };
    }
    const refusedBy = states.filter((s) => {
      const amount = amountOf(s.spec.measure, demand);
      return amount > 0 && s.used + amount > s.spec.limit;
    });
    return {
      admitted: false,
      retryAfterMs: Math.max(...refusedBy.map((s) => s.resetMs)),
      counters: states,
      refusedBy,
    };
  }

  async settle(reservation: Reservation, settlement: Settlement): Promise<void> {
    const changed = reservation.held
      .map(({ windowKey, measure }) => ({
        windowKey,
        delta: settleDelta(measure, reservation.demand, settlement),
      }))
      .filter(({ delta }) => delta !== 0);
    if (changed.length === 0) return;
    await this.run(
      SETTLE,
      changed.map((c) => c.windowKey),
      changed.map((c) => c.delta),
    );
  }

  async peek(counters: readonly CounterSpec[]): Promise<readonly CounterState[]> {
    if (counters.length === 0) return [];
    const reply = (await this.run(
      PEEK,
      counters.map((c) => this.keyOf(c.key)),
      counters.map((c) => c.windowMs),
    )) as number[];
    return counters.map((spec, i) => ({
      spec,
      used: Number(reply[2 * i]),
      resetMs: Number(reply[2 * i + 1]),
    }));
  }

  private keyOf(key: string): string {
    return `${this.prefix}:rl:${key}`;
  }

  private async run(script: string, keys: readonly string[], args: readonly number[]): Promise<unknown> {
    const sha = sha1(script);
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.redis.eval(script, keys.length, ...keys, ...args);
    }
  }
}

const shas = new Map<string, string>();
function sha1(script: string): string {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  return sha;
}
