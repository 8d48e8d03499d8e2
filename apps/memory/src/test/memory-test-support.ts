import type { ChatMessage, MemoryAppendJob, PromptRecord } from '@aigw/contracts';
import { mintThreadId } from '@aigw/contracts';
import type { TestDatabase } from '@aigw/testing';
import { machineDatabase as databaseFor } from '@aigw/testing';
import type { Clock } from '../memory.tokens';

export type { TestDatabase } from '@aigw/testing';
export { MACHINE_POSTGRES_URL, MACHINE_REDIS_URL, deleteRedisKeys, waitFor } from '@aigw/testing';

/** A fresh database for the memory specs on the machine's Postgres, dropped at the end. */
export function machineDatabase(): Promise<TestDatabase> {
  return databaseFor('memory');
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
