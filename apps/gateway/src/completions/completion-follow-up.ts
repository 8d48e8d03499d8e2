import type { LiveConfig } from '@aigw/config';
import { memoryPolicy } from '@aigw/config';
import type { ChatMessage, PromptRecord, UsageEvent } from '@aigw/contracts';
import { GatewayError, THREAD_ID_HEADER, ThreadIdSchema } from '@aigw/contracts';
import type { JobRecorder } from '../jobs/job-recorder';
import { completionOf, promptRecord } from '../prompts/prompt-record';
import type { ConversationMemory, MemoryTurn, MemoryTurnRequest } from './conversation-memory';
import { StreamAssembler } from './stream-assembler';

/** Why a request failed, as persisted: a GatewayError, or the client going away. */
export interface RequestFailure {
  readonly code: string;
  readonly message: string;
}

export const CLIENT_CLOSED: RequestFailure = {
  code: 'client_closed_request',
  message: 'The client closed the connection before the response ended.',
};

/**
 * What happens around one dispatch for the stateful features: the thread's history goes into the
 * body before it, and after the response ends (off the request path) the turn is appended to the
 * thread and the request persisted with its prompt and completion. Both are jobs with the request
 * id in their id; neither can fail the response once it is sent.
 */
export class CompletionFollowUps {
  constructor(
    private readonly live: LiveConfig,
    private readonly memory: ConversationMemory,
    private readonly prompts: JobRecorder<PromptRecord>,
  ) {}

  /**
   * Loads the thread when the request names one; rejects (404, 503, 504) when it cannot. Without
   * memory for the request, the follow-up is there at once (nothing to await).
   */
  begin(request: MemoryTurnRequest): CompletionFollowUp | Promise<CompletionFollowUp> {
    const persist = memoryPolicy(request.app, this.live.config).persistPrompts ? this.prompts : null;
    if (!this.memory.applies(request)) return new CompletionFollowUp(request.body, null, persist);
    return this.memory.begin(request).then((turn) => new CompletionFollowUp(request.body, turn, persist));
  }

  /** A request refused before its dispatch (its thread could not be loaded) is persisted too. */
  rejected(request: MemoryTurnRequest, usage: UsageEvent, error: unknown): void {
    if (!memoryPolicy(request.app, this.live.config).persistPrompts) return;
    const threadId = ThreadIdSchema.safeParse(request.headers[THREAD_ID_HEADER]);
    void this.prompts.record(
      promptRecord(usage, {
        body: request.body,
        threadId: threadId.success ? threadId.data : null,
        completion: null,
        error: GatewayError.from(error),
      }),
    );
  }
}

export class CompletionFollowUp {
  readonly #assembler: StreamAssembler | null;

  constructor(
    private readonly clientBody: Record<string, unknown>,
    private readonly turn: MemoryTurn | null,
    private readonly prompts: JobRecorder<PromptRecord> | null,
  ) {
    this.#assembler = turn !== null || prompts !== null ? new StreamAssembler() : null;
  }

  /** The body to dispatch: the client's, with the thread's history when memory is on. */
  get body(): Record<string, unknown> {
    return this.turn?.body ?? this.clientBody;
  }

  /** Response headers: `x-thread-id` when memory is on. */
  get headers(): Record<string, string> {
    return this.turn === null ? {} : { [THREAD_ID_HEADER]: this.turn.threadId };
  }

  /** A chunk of a streamed answer (the JSON text of one SSE frame). */
  chunk(data: string): void {
    this.#assembler?.add(data);
  }

  /** A non-streamed answer was sent (its body is asked for only when a thread or a record needs it). */
  answered(usage: UsageEvent, responseBody: () => Record<string, unknown>): void {
    const wanted = this.turn !== null || this.prompts !== null;
    this.#finish(usage, wanted ? completionOf(responseBody()) : null, null);
  }

  /** A stream ended with `[DONE]`. */
  streamed(usage: UsageEvent): void {
    const assembler = this.#assembler;
    this.#finish(usage, assembler?.message() ?? assembler?.text() ?? null, null);
  }

  /**
   * The request failed (or the client went away): nothing is appended to the thread; the failure is
   * persisted with what a cut stream had delivered.
   */
  failed(usage: UsageEvent, error: RequestFailure): void {
    const assembler = this.#assembler;
    this.#finish(usage, assembler?.message() ?? assembler?.text() ?? null, error);
  }

  #finish(usage: UsageEvent, completion: ChatMessage | string | null, error: RequestFailure | null): void {
    const reply = error === null && typeof completion !== 'string' ? completion : null;
    this.turn?.finish(reply, usage.finishedAt);
    if (this.prompts === null) return;
    void this.prompts.record(
      promptRecord(usage, {
        body: this.body,
        threadId: this.turn?.threadId ?? null,
        completion,
        error,
      }),
    );
  }
}
