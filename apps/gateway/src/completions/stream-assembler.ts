import type { ChatMessage } from '@aigw/contracts';

interface ToolCallParts {
  id?: string;
  type?: string;
  name?: string;
  arguments: string;
}

/**
 * Rebuilds the answer of a streamed completion from its chunks (the JSON text of each SSE `data:`
 * frame), as if it had not been streamed: choice 0's assistant message for chat (content, refusal,
 * `tool_calls` merged by `index`, the legacy `function_call`), or its `text` for legacy completions.
 * https://platform.openai.com/docs/api-reference/chat-streaming — a chunk that is not JSON, or has no
 * choice 0 (the usage chunk), adds nothing.
 */
export class StreamAssembler {
  #role: string | null = null;
  #content: string | null = null;
  #refusal: string | null = null;
  #text: string | null = null;
  #functionCall: { name: string; arguments: string } | null = null;
  readonly #toolCalls = new Map<number, ToolCallParts>();

  add(json: string): void {
    let chunk: unknown;
    try {
      chunk = JSON.parse(json);
    } catch {
      return;
    }
    const choice = firstChoice(chunk);
    if (choice === null) return;
    if (typeof choice.text === 'string') this.#text = (this.#text ?? '') + choice.text;
    const delta = choice.delta;
    if (!isRecord(delta)) return;
    if (typeof delta.role === 'string') this.#role = delta.role;
    if (typeof delta.content === 'string') this.#content = (this.#content ?? '') + delta.content;
    if (typeof delta.refusal === 'string') this.#refusal = (this.#refusal ?? '') + delta.refusal;
    if (isRecord(delta.function_call)) {
      const call = (this.#functionCall ??= { name: '', arguments: '' });
      if (typeof delta.function_call.name === 'string') call.name += delta.function_call.name;
      if (typeof delta.function_call.arguments === 'string') call.arguments += delta.function_call.arguments;
    }
    if (Array.isArray(delta.tool_calls)) for (const part of delta.tool_calls) this.#addToolCall(part);
  }

  /** The assistant message (chat), or null when the stream carried none. */
  message(): ChatMessage | null {
    const hasCalls = this.#toolCalls.size > 0 || this.#functionCall !== null;
    if (this.#role === null && this.#content === null && this.#refusal === null && !hasCalls) return null;
    const message: ChatMessage = { role: this.#role ?? 'assistant', content: this.#content };
    if (this.#refusal !== null) message.refusal = this.#refusal;
    if (this.#functionCall !== null) message.function_call = { ...this.#functionCall };
    if (this.#toolCalls.size > 0)
      message.tool_calls = [...this.#toolCalls.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, call]) => ({
          id: call.id ?? '',
          type: call.type ?? 'function',
          function: { name: call.name ?? '', arguments: call.arguments },
        }));
    return message;
  }

  /** The text of a legacy completion, or null when the stream carried none. */
  text(): string | null {
    return this.#text;
  }

  #addToolCall(part: unknown): void {
    if (!isRecord(part) || typeof part.index !== 'number') return;
    let call = this.#toolCalls.get(part.index);
    if (call === undefined) {
      call = { arguments: '' };
      this.#toolCalls.set(part.index, call);
    }
    if (typeof part.id === 'string') call.id = part.id;
    if (typeof part.type === 'string') call.type = part.type;
    const fn = part.function;
    if (isRecord(fn)) {
      if (typeof fn.name === 'string') call.name = (call.name ?? '') + fn.name;
      if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
    }
  }
}

function firstChoice(chunk: unknown): Record<string, unknown> | null {
  if (!isRecord(chunk) || !Array.isArray(chunk.choices)) return null;
  for (const choice of chunk.choices as unknown[])
    if (isRecord(choice) && (choice.index === 0 || choice.index === undefined)) return choice;
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
