import type { Usage } from '@aigw/contracts';

type Json = Record<string, unknown>;

interface ChoiceParts {
  index: number;
  role: string;
  text: string;
  refusal: string | null;
  toolCalls: Map<number, { id?: string; type?: string; name: string; arguments: string }>;
  finishReason: unknown;
}

/**
 * Rebuilds the non-streaming OpenAI response from the chunks of a stream as they pass through: chat
 * (`chat.completion.chunk` → `chat.completion`, content, refusal and tool-call fragments joined per
 * choice) or legacy completions (text joined). `result()` is null when a chunk could not be read or
 * the stream carried no choice, so a garbled stream is never cached.
 */
export class StreamAssembly {
  #head: Json | null = null;
  #kind: 'chat' | 'completions' | null = null;
  #broken = false;
  #usage: Usage | null = null;
  readonly #choices = new Map<number, ChoiceParts>();

  add(chunkJson: string): void {
    if (this.#broken) return;
    let chunk: Json;
    try {
      chunk = JSON.parse(chunkJson) as Json;
    } catch {
      this.#broken = true;
      return;
    }
    this.#head ??= chunk;
    if (isUsage(chunk['usage'])) this.#usage = chunk['usage'];
    const choices = Array.isArray(chunk['choices']) ? (chunk['choices'] as Json[]) : [];
    for (const choice of choices) this.#addChoice(choice);
  }

  /** The usage the router reported at the end of the stream (it may come without a usage chunk). */
  usage(usage: Usage | null): void {
    if (usage !== null) this.#usage = usage;
  }

  result(): Json | null {
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
          text: c.text,
          logprobs: null,
          finish_reason: c.finishReason ?? null,
        })),
      };
    return {
      ...common,
      object: 'chat.completion',
      choices: choices.map((c) => ({
        index: c.index,
        message: {
          role: c.role,
          content: c.text === '' && c.toolCalls.size > 0 ? null : c.text,
          ...(c.refusal === null ? {} : { refusal: c.refusal }),
          ...(c.toolCalls.size === 0
            ? {}
            : {
                tool_calls: [...c.toolCalls.entries()]
                  .sort(([a], [b]) => a - b)
                  .map(([, call]) => ({
                    id: call.id,
                    type: call.type ?? 'function',
                    function: { name: call.name, arguments: call.arguments },
                  })),
              }),
        },
        logprobs: null,
        finish_reason: c.finishReason ?? null,
      })),
    };
  }

  #addChoice(choice: Json): void {
    const index = typeof choice['index'] === 'number' ? choice['index'] : 0;
    let parts = this.#choices.get(index);
    if (parts === undefined) {
      parts = { index, role: 'assistant', text: '', refusal: null, toolCalls: new Map(), finishReason: null };
      this.#choices.set(index, parts);
    }
    if (choice['finish_reason'] != null) parts.finishReason = choice['finish_reason'];
    if (typeof choice['text'] === 'string') {
      this.#kind = 'completions';
      parts.text += choice['text'];
      return;
    }
    const delta = choice['delta'] as Json | undefined;
    if (delta === undefined) return;
    this.#kind = 'chat';
    if (typeof delta['role'] === 'string') parts.role = delta['role'];
    if (typeof delta['content'] === 'string') parts.text += delta['content'];
    if (typeof delta['refusal'] === 'string') parts.refusal = (parts.refusal ?? '') + delta['refusal'];
    const calls = Array.isArray(delta['tool_calls']) ? (delta['tool_calls'] as Json[]) : [];
    for (const call of calls) {
      const at = typeof call['index'] === 'number' ? call['index'] : 0;
      const fn = (call['function'] ?? {}) as Json;
      const current = parts.toolCalls.get(at) ?? { name: '', arguments: '' };
      if (typeof call['id'] === 'string') current.id = call['id'];
      if (typeof call['type'] === 'string') current.type = call['type'];
      if (typeof fn['name'] === 'string') current.name += fn['name'];
      if (typeof fn['arguments'] === 'string') current.arguments += fn['arguments'];
      parts.toolCalls.set(at, current);
    }
  }
}

function isUsage(value: unknown): value is Usage {
  return typeof value === 'object' && value !== null && typeof (value as Json)['total_tokens'] === 'number';
}
