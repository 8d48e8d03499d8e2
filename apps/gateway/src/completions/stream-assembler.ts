import type { ChatMessage, Usage } from '@aigw/contracts';

type Json = Record<string, unknown>;

interface ChoiceParts {
  readonly index: number;
  role: string | null;
  /** Chat: the joined `delta.content`; null until one came. */
  content: string | null;
  /** Legacy completions: the joined `text`; null until one came. */
  text: string | null;
  refusal: string | null;
  functionCall: { name: string; arguments: string } | null;
  readonly toolCalls: Map<number, { id?: string; type?: string; name: string; arguments: string }>;
  finishReason: unknown;
}

/**
 * Rebuilds the answer of a streamed completion from its chunks (the JSON text of each SSE `data:`
 * frame) as they pass through, as if it had not been streamed. One assembler serves both readers of
 * a stream: conversational memory and prompt records take choice 0's assistant message (`message()`)
 * or legacy text (`text()`); the semantic cache stores the whole non-streaming response
 * (`response()`: `chat.completion` or `text_completion`, every choice, the usage).
 *
 * Per choice: content, refusal and `tool_calls` fragments (merged by `index`) and the legacy
 * `function_call` are joined (https://platform.openai.com/docs/api-reference/chat-streaming). A frame
 * that is not JSON adds nothing and makes `response()` null, so a garbled stream is never cached;
 * a chunk without choices (the usage chunk) adds only its usage.
 */
export class StreamAssembler {
  #head: Json | null = null;
  #kind: 'chat' | 'completions' | null = null;
  #broken = false;
  #usage: Usage | null = null;
  readonly #choices = new Map<number, ChoiceParts>();

  add(chunkJson: string): void {
    let chunk: unknown;
    try {
      chunk = JSON.parse(chunkJson);
    } catch {
      this.#broken = true;
      return;
    }
    if (!isRecord(chunk)) {
      this.#broken = true;
      return;
    }
    this.#head ??= chunk;
    if (isUsage(chunk['usage'])) this.#usage = chunk['usage'];
    if (Array.isArray(chunk['choices']))
      for (const choice of chunk['choices'] as unknown[]) if (isRecord(choice)) this.#addChoice(choice);
  }

  /** The usage the router reported at the end of the stream (it may come without a usage chunk). */
  reportedUsage(usage: Usage | null): void {
    if (usage !== null) this.#usage = usage;
  }

  /** Choice 0's assistant message (chat), or null when the stream carried none. */
  message(): ChatMessage | null {
    const choice = this.#choices.get(0);
    return choice === undefined ? null : messageOf(choice);
  }

  /** Choice 0's text (legacy completions), or null when the stream carried none. */
  text(): string | null {
    return this.#choices.get(0)?.text ?? null;
  }

  /** The non-streaming response, or null when a frame could not be read or no choice came. */
  response(): Json | null {
    const head = this.#head;
    if (this.#broken || head === null || this.#choices.size === 0) return null;
    const choices = [...this.#choices.values()].sort((a, b) => a.index - b.index);
    const common = {
      id: head['id'],
      created: head['created'],
      model: head['model'],
      ...(head['system_fingerprint'] === undefined ? {} : { system_fingerprint: head['system_fingerprint'] }),
      usage: this.#usage,
    };
    if (this.#kind === 'completions')
      return {
        ...common,
        object: 'text_completion',
        choices: choices.map((c) => ({
          index: c.index,
          text: c.text ?? '',
          logprobs: null,
          finish_reason: c.finishReason ?? null,
        })),
      };
    return {
      ...common,
      object: 'chat.completion',
      choices: choices.map((c) => ({
        index: c.index,
        message: messageOf(c) ?? { role: 'assistant', content: null },
        logprobs: null,
        finish_reason: c.finishReason ?? null,
      })),
    };
  }

  #addChoice(choice: Json): void {
    const index = typeof choice['index'] === 'number' ? choice['index'] : 0;
    let parts = this.#choices.get(index);
    if (parts === undefined) {
      parts = {
        index,
        role: null,
        content: null,
        text: null,
        refusal: null,
        functionCall: null,
        toolCalls: new Map(),
        finishReason: null,
      };
      this.#choices.set(index, parts);
    }
    if (choice['finish_reason'] != null) parts.finishReason = choice['finish_reason'];
    if (typeof choice['text'] === 'string') {
      this.#kind = 'completions';
      parts.text = (parts.text ?? '') + choice['text'];
      return;
    }
    const delta = choice['delta'];
    if (!isRecord(delta)) return;
    this.#kind ??= 'chat';
    if (typeof delta['role'] === 'string') parts.role = delta['role'];
    if (typeof delta['content'] === 'string') parts.content = (parts.content ?? '') + delta['content'];
    if (typeof delta['refusal'] === 'string') parts.refusal = (parts.refusal ?? '') + delta['refusal'];
    const fn = delta['function_call'];
    if (isRecord(fn)) {
      const call = (parts.functionCall ??= { name: '', arguments: '' });
      if (typeof fn['name'] === 'string') call.name += fn['name'];
      if (typeof fn['arguments'] === 'string') call.arguments += fn['arguments'];
    }
    if (Array.isArray(delta['tool_calls']))
      for (const part of delta['tool_calls'] as unknown[]) addToolCall(parts, part);
  }
}

function addToolCall(parts: ChoiceParts, part: unknown): void {
  if (!isRecord(part) || typeof part['index'] !== 'number') return;
  const call = parts.toolCalls.get(part['index']) ?? { name: '', arguments: '' };
  parts.toolCalls.set(part['index'], call);
  if (typeof part['id'] === 'string') call.id = part['id'];
  if (typeof part['type'] === 'string') call.type = part['type'];
  const fn = part['function'];
  if (isRecord(fn)) {
    if (typeof fn['name'] === 'string') call.name += fn['name'];
    if (typeof fn['arguments'] === 'string') call.arguments += fn['arguments'];
  }
}

/** A choice's assistant message; null when it carried no role, content, refusal or call. */
function messageOf(parts: ChoiceParts): ChatMessage | null {
  const hasCalls = parts.toolCalls.size > 0 || parts.functionCall !== null;
  if (parts.role === null && parts.content === null && parts.refusal === null && !hasCalls) return null;
  // A stream opens with `content: ""`; an answer that is only calls or a refusal has content null.
  const empty = parts.content === '' && (hasCalls || parts.refusal !== null);
  const message: ChatMessage = { role: parts.role ?? 'assistant', content: empty ? null : parts.content };
  if (parts.refusal !== null) message.refusal = parts.refusal;
  if (parts.functionCall !== null) message.function_call = { ...parts.functionCall };
  if (parts.toolCalls.size > 0)
    message.tool_calls = [...parts.toolCalls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => ({
        id: call.id ?? '',
        type: call.type ?? 'function',
        function: { name: call.name, arguments: call.arguments },
      }));
  return message;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUsage(value: unknown): value is Usage {
  return isRecord(value) && typeof value['total_tokens'] === 'number';
}
