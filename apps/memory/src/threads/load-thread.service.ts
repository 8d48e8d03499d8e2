import { Inject, Injectable } from '@nestjs/common';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { GatewayConfig } from '@aigw/config';
import { LiveConfig, memoryPolicy } from '@aigw/config';
import type { MemoryLoadReply, MemoryLoadRequest } from '@aigw/contracts';
import { GatewayError, threadIdTime } from '@aigw/contracts';
import type { Clock } from '../memory.tokens';
import { CLOCK } from '../memory.tokens';
import { trimHistory } from './history-trim';
import type { ThreadRow } from './threads.repository';
import { ThreadsRepository } from './threads.repository';

/**
 * Appends run off the request path, so a client may send its next turn before the last one is stored.
 * A load then waits, at most `PENDING_WAIT_MS`, for the turn marked pending (or, for a thread minted
 * less than `PENDING_WINDOW_MS` ago, for its first turn); a mark older than the window is stale (its
 * request died with its gateway) and is ignored.
 */
export const PENDING_WAIT_MS = 1_000;
export const PENDING_WINDOW_MS = 30_000;
const POLL_MS = 20;

const tracer = trace.getTracer('aigw.memory');

/** `memory.v1.load`: the history of a live thread of this application and key, trimmed to `msgCount`. */
@Injectable()
export class LoadThreadService {
  constructor(
    private readonly live: LiveConfig,
    private readonly threads: ThreadsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The configuration now: read once per operation. */
  private get config(): GatewayConfig {
    return this.live.config;
  }

  /**
   * In a span of its own (`memory load`, under the bus hop's consumer span): whether a live thread was
   * found (`aigw.memory.thread_found`) and how many messages of history it gave. An unknown or expired
   * thread is the client's 404, not a failed span.
   */
  load(request: MemoryLoadRequest): Promise<MemoryLoadReply> {
    return tracer.startActiveSpan(
      'memory load',
      { attributes: { 'aigw.application.id': request.applicationId } },
      async (span) => {
        try {
          const reply = await this.#load(request);
          span.setAttributes({
            'aigw.memory.thread_found': true,
            'aigw.memory.history_messages': reply.history.length,
            'aigw.memory.system_messages': reply.system.length,
          });
          return reply;
        } catch (error: unknown) {
          if (error instanceof GatewayError && error.code === 'thread_not_found')
            span.setAttribute('aigw.memory.thread_found', false);
          else span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  async #load(request: MemoryLoadRequest): Promise<MemoryLoadReply> {
    const app = this.config.applications.find((a) => a.id === request.applicationId);
    const policy = app === undefined ? null : memoryPolicy(app, this.config);
    if (policy === null || !policy.useMemory)
      throw new GatewayError(
        'invalid_request',
        `Conversational memory is off for application ${request.applicationId}.`,
      );
    const thread = await this.#settled(request);
    if (thread === null) throw notFound(request.threadId);
    await this.threads.markPending(request.threadId, request.requestId, this.clock.now());
    const interactions = await this.threads.interactions(request.threadId);
    return {
      threadId: request.threadId,
      system: thread.system,
      history: trimHistory(interactions, policy.msgCount),
    };
  }

  /** The thread once no turn of it is being appended, or null when it is unknown, expired or not theirs. */
  async #settledOnce(request: MemoryLoadRequest): Promise<{ thread: ThreadRow | null; wait: boolean }> {
    const now = this.clock.now().getTime();
    const thread = await this.threads.find(request.threadId);
    if (thread === null) {
      const minted = threadIdTime(request.threadId);
      return { thread: null, wait: minted !== null && Math.abs(now - minted) < PENDING_WINDOW_MS };
    }
    const live =
      thread.applicationId === request.applicationId &&
      thread.consumerId === request.consumerId &&
      (thread.expiresAt === null || thread.expiresAt.getTime() > now);
    if (!live) return { thread: null, wait: false };
    const pending =
      thread.pendingRequestId !== null &&
      thread.pendingRequestId !== request.requestId &&
      thread.pendingSince !== null &&
      now - thread.pendingSince.getTime() < PENDING_WINDOW_MS;
    return { thread, wait: pending };
  }

  async #settled(request: MemoryLoadRequest): Promise<ThreadRow | null> {
    const deadline = Date.now() + PENDING_WAIT_MS;
    for (;;) {
      const { thread, wait } = await this.#settledOnce(request);
      if (!wait || Date.now() >= deadline) return thread;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

function notFound(threadId: string): GatewayError {
  return new GatewayError(
    'thread_not_found',
    `No live conversation thread ${threadId}: it never existed, has expired, or belongs to another ` +
      'application or key. Send the request without x-thread-id to start a new thread.',
    { param: 'x-thread-id' },
  );
}
