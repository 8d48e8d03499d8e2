import type { ChatMessage, MemoryAppendJob, PromptRecord } from '@aigw/contracts';
import { mintThreadId } from '@aigw/contracts';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Clock } from '../memory.tokens';

/** The machine's Postgres and Redis (README "Tests"); each spec gets a database of its own. */
export const MACHINE_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const MACHINE_REDIS_URL = 'redis://127.0.0.1:6379';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** Refuses new connections and ends the open ones: the database is down for the service. */
  stop(): Promise<void>;
  /** Accepts connections again. */
  restart(): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** A fresh database on the machine's Postgres, dropped (connections and all) at the end. */
export async function machineDatabase(): Promise<TestDatabase> {
  const name = `aigw_memory_${randomUUID().replace(/-/g, '')}`;
  const admin = new Client({ connectionString: MACHINE_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = MACHINE_POSTGRES_URL.replace(/\/postgres$/, `/${name}`);
  return {
    name,
    url,
    stop: async () => {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    },
    restart: async () => {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    },
    query: async <T>(sql: string, params: unknown[] = []) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Deletes every Redis key under `prefix` (never FLUSHDB: the Redis is shared). */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A clock that moves only when told to. */
export class FakeClock implements Clock {
  #now: number;

  constructor(iso: string) {
    this.#now = Date.parse(iso);
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}

/** Polls until `condition` holds (no fixed sleeps in tests). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const user = (content: string): ChatMessage => ({ role: 'user', content });
export const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

/** Turn `n` of a thread: the client asked "u<n>", the assistant answered "a<n>". */
export function appendJob(
  threadId: string,
  n: number,
  overrides: Partial<MemoryAppendJob> = {},
): MemoryAppendJob {
  return {
    threadId,
    requestId: `${threadId}.turn-${n}`,
    applicationId: 'chat',
    consumerId: 'key-1',
    system: [],
    messages: [user(`u${n}`)],
    reply: assistant(`a${n}`),
    finishedAt: new Date().toISOString(),
    ...overrides,
  };
}

export const newThreadId = (): string => mintThreadId();

export function promptRecord(requestId: string, overrides: Partial<PromptRecord> = {}): PromptRecord {
  return {
    requestId,
    applicationId: 'chat',
    consumerId: 'key-1',
    operation: 'chat',
    endpointId: 'primary',
    provider: 'mock',
    requestedModel: 'chat',
    model: 'mock-model',
    user: 'end-user-7',
    threadId: null,
    stream: false,
    prompt: [user('hello')],
    completion: assistant('hi'),
    promptTokens: 1,
    completionTokens: 1,
    totalTokens: 2,
    latencyMs: 12.5,
    status: 200,
    cacheHit: false,
    error: null,
    finishedAt: new Date().toISOString(),
    ...overrides,
  };
}
