import { randomUUID } from 'node:crypto';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { z } from 'zod';
import type { Clock } from '../routing/clock';
import { CLOCK } from '../routing/clock';
import type { RouterModuleOptions } from '../router.options';
import { ROUTER_OPTIONS } from '../router.options';
import { InMemoryRoutingState } from './in-memory-routing-state.store';
import { RouterRedis } from './router-redis.provider';

/** Bound on loading the shared state at start and after a reconnect: a dead Redis never delays start. */
const LOAD_TIMEOUT_MS = 1_000;
const WARN_EVERY_MS = 10_000;

/**
 * Sets `KEYS[1]` living `ARGV[2]` ms unless (`ARGV[3]` = 1) it already lives longer, and publishes the
 * change, in one round trip. The value is the entry's grace (life minus hold), so a replica loading it
 * derives the hold from PTTL: TTLs, not timestamps, cross the wire, and clock skew between hosts is moot.
 */
const PUT_SCRIPT = `
if ARGV[3] == '1' and redis.call('PTTL', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], tonumber(ARGV[2]) - tonumber(ARGV[1]), 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1`;

const ChangeSchema = z.union([
  z.object({ o: z.string(), k: z.string(), h: z.number(), t: z.number(), l: z.boolean() }),
  z.object({ o: z.string(), k: z.string(), d: z.literal(true) }),
]);

/**
 * The distributed store: a local view read on the hot path, kept in step with Redis. Every change is
 * written to a key (TTL = the entry's life) and published on one channel every replica subscribes to;
 * a replica that starts, or reconnects, loads the keys. Redis down: the local view keeps working and
 * writes are dropped with a warning (commands fail fast, see `RouterRedis`).
 */
@Injectable()
export class RedisRoutingState extends InMemoryRoutingState implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RoutingState');
  private readonly origin = randomUUID();
  private readonly keyPrefix: string;
  private readonly channel: string;
  private subscriber: Redis | null = null;
  private lastWarning = 0;

  constructor(
    @Inject(CLOCK) clock: Clock,
    private readonly redis: RouterRedis,
    @Inject(ROUTER_OPTIONS) options: RouterModuleOptions,
  ) {
    super(clock);
    this.keyPrefix = `${options.redisPrefix}:routing:state:`;
    this.channel = `${options.redisPrefix}:routing:changes`;
  }

  async onModuleInit(): Promise<void> {
    const client = this.redis.client;
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    if (client === null || subscriber === null) return;
    subscriber.on('message', (_channel: string, message: string) => this.receive(message));
    let started = false;
    // After a reconnect: load what the other replicas changed meanwhile, and share what this one did.
    subscriber.on('ready', () => {
      if (started)
        withTimeout(this.load(), LOAD_TIMEOUT_MS).catch((error: unknown) =>
          this.warn('could not reload the shared routing state', error),
        );
    });
    client.on('ready', () => {
      if (started) this.share();
    });
    await withTimeout(
      Promise.all([subscriber.subscribe(this.channel), ready(client)]).then(() => this.load()),
      LOAD_TIMEOUT_MS,
    ).catch((error: unknown) => this.warn('could not load the shared routing state', error));
    started = true;
    // Subscribed late (Redis slow or down at start): whatever was missed is in the keys.
    if (client.status !== 'ready' || subscriber.status !== 'ready') this.share();
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber === null || subscriber.status === 'end') return;
    // QUIT would wait in the offline queue for a Redis that is down: only a live connection says goodbye.
    if (subscriber.status === 'ready') await subscriber.quit().catch(() => undefined);
    else subscriber.disconnect();
  }

  override put(
    key: string,
    holdMs: number,
    options: { readonly ttlMs?: number; readonly keepLonger?: boolean } = {},
  ): void {
    const hold = Math.max(0, Math.ceil(holdMs));
    const ttlMs = Math.max(hold, Math.ceil(options.ttlMs ?? holdMs));
    const keepLonger = options.keepLonger ?? false;
    if (this.apply(key, hold, ttlMs, keepLonger)) this.write(key, hold, ttlMs, keepLonger);
  }

  private write(key: string, hold: number, ttlMs: number, keepLonger: boolean): void {
    const client = this.redis.client;
    if (client === null || ttlMs <= 0) return;
    const change = JSON.stringify({ o: this.origin, k: key, h: hold, t: ttlMs, l: keepLonger });
    client
      .eval(PUT_SCRIPT, 1, this.keyPrefix + key, hold, ttlMs, keepLonger ? 1 : 0, this.channel, change)
      .catch((error: unknown) => this.warn('could not share a routing state change', error));
  }

  /** Writes every live local entry (keeping longer ones in Redis): what was decided while Redis was away. */
  private share(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries)
      if (entry.expires > now) this.write(key, Math.max(0, entry.until - now), entry.expires - now, true);
  }

  override delete(key: string): void {
    super.delete(key);
    const client = this.redis.client;
    if (client === null) return;
    client
      .multi()
      .del(this.keyPrefix + key)
      .publish(this.channel, JSON.stringify({ o: this.origin, k: key, d: true }))
      .exec()
      .catch((error: unknown) => this.warn('could not share a routing state change', error));
  }

  private receive(message: string): void {
    let change: z.infer<typeof ChangeSchema>;
    try {
      change = ChangeSchema.parse(JSON.parse(message));
    } catch {
      return;
    }
    if (change.o === this.origin) return;
    if ('d' in change) super.delete(change.k);
    else this.apply(change.k, change.h, change.t, change.l);
  }

  /** Applies every live key: its grace is its value, its remaining life its PTTL. */
  private async load(): Promise<void> {
    const client = this.redis.client;
    if (client === null) return;
    await ready(client);
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(this.keyPrefix)}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length === 0) continue;
      const pipeline = client.pipeline();
      for (const key of keys) pipeline.get(key).pttl(key);
      const replies = (await pipeline.exec()) ?? [];
      keys.forEach((key, i) => {
        const grace = Number(replies[2 * i]?.[1]);
        const life = Number(replies[2 * i + 1]?.[1]);
        if (!Number.isFinite(grace) || !Number.isFinite(life) || life <= 0) return;
        this.apply(key.slice(this.keyPrefix.length), life - grace, life, true);
      });
    } while (cursor !== '0');
  }

  private warn(what: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn(
      `${what} (${error instanceof Error ? error.message : String(error)}); using local state`,
    );
  }
}

/** Resolves once the connection is ready (callers bound the wait). */
function ready(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
