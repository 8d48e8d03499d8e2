import type { LiveConfig, ResolvedApplication } from '@aigw/config';
import { memoryPolicy } from '@aigw/config';
import type { ChatMessage, MemoryAppendJob, MemoryLoadReply, MemoryLoadRequest } from '@aigw/contracts';
import { GatewayError, mintThreadId, Subjects, THREAD_ID_HEADER, ThreadIdSchema } from '@aigw/contracts';
import type { BusClient } from '@aigw/messaging';
import type { Operation } from '@aigw/openai-schema';
import type { IncomingHttpHeaders } from 'node:http';
import type { JobRecorder } from '../jobs/job-recorder';

/** One turn of a thread being served: the body with the history prepended, and how to store the turn. */
export interface MemoryTurn {
  readonly threadId: string;
  /** The request body sent upstream: the thread's history before the client's new messages. */
  readonly body: Record<string, unknown>;
  /** Appends the turn (the assistant's reply) off the request path; null releases the thread. */
  finish(reply: ChatMessage | null, finishedAt: string): void;
}

export interface MemoryTurnRequest {
  readonly headers: IncomingHttpHeaders;
  readonly app: ResolvedApplication;
  readonly operation: Operation;
  readonly requestId: string;
  readonly consumerId: string | null;
  readonly body: Record<string, unknown>;
}

const SYSTEM_ROLES = new Set(['system', 'developer']);

/**
 * The gateway's side of conversational memory (the ganrad contract, seed 003): with memory on for a
 * chat application, a request without `x-thread-id` starts a thread (the gateway mints its id), one
 * with it continues the thread: the history is loaded over the bus (`memory.v1.load`, bounded by
 * `memorySettings.loadTimeoutMs`) and put between the system messages and the client's new messages.
 *
 * A request that names a thread fails when the thread cannot be loaded: 404 `thread_not_found` for
 * an unknown or expired one, 503 / 504 when the memory service is down or slow. Answering without the
 * history would be a wrong answer that looks right; the SDKs retry the 5xx.
 */
export class ConversationMemory {
  constructor(
    private readonly live: LiveConfig,
    private readonly bus: BusClient,
    private readonly appends: JobRecorder<MemoryAppendJob>,
  ) {}

  /** Whether the request is a turn of a thread (memory on for its chat application). */
  applies(request: MemoryTurnRequest): boolean {
    return request.operation === 'chat' && memoryPolicy(request.app, this.live.config).useMemory;
  }

  async begin(request: MemoryTurnRequest): Promise<MemoryTurn | null> {
    if (!this.applies(request)) return null;
    const messages = (request.body.messages as ChatMessage[] | undefined) ?? [];
    const system = messages.filter((m) => SYSTEM_ROLES.has(m.role));
    const turn = messages.filter((m) => !SYSTEM_ROLES.has(m.role));
    const given = request.headers[THREAD_ID_HEADER];
    const thread =
      given === undefined
        ? { threadId: mintThreadId(), system: [], history: [] }
        : await this.load(threadIdOf(given), request);
    const body = {
      ...request.body,
      messages: [...(system.length > 0 ? system : thread.system), ...thread.history, ...turn],
    };
    return {
      threadId: thread.threadId,
      body,
      finish: (reply, finishedAt) => {
        // A new thread whose first turn failed was never stored: nothing to release.
        if (reply === null && given === undefined) return;
        void this.appends.record({
          threadId: thread.threadId,
          requestId: request.requestId,
          applicationId: request.app.id,
          consumerId: request.consumerId,
          system,
          messages: turn,
          reply,
          finishedAt,
        });
      },
    };
  }

  private async load(threadId: string, request: MemoryTurnRequest): Promise<MemoryLoadReply> {
    const payload: MemoryLoadRequest = {
      threadId,
      applicationId: request.app.id,
      consumerId: request.consumerId,
      requestId: request.requestId,
    };
    try {
      return await this.bus.request<MemoryLoadReply>(Subjects.memory.load, payload, {
        timeoutMs: this.live.config.memorySettings.loadTimeoutMs,
      });
    } catch (error) {
      const failure = GatewayError.from(error);
      if (failure.code !== 'service_unavailable' && failure.code !== 'service_timeout') throw failure;
      throw new GatewayError(
        failure.code,
        `The memory service did not answer, so thread ${threadId} cannot be continued; retry later.`,
        { cause: error },
      );
    }
  }
}

function threadIdOf(header: string | string[]): string {
  const parsed = ThreadIdSchema.safeParse(header);
  if (!parsed.success)
    throw new GatewayError(
      'invalid_request',
      'The x-thread-id header must be one thread id the gateway returned (a UUID).',
      { param: THREAD_ID_HEADER },
    );
  return parsed.data;
}
