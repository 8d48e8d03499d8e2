import type * as O200kBase from 'gpt-tokenizer/cjs/encoding/o200k_base';
import type { ProviderOperation } from '@aigw/providers';

/**
 * Token counts for reservations, with OpenAI's `o200k_base` encoding (GPT-4o and later; shipped inside
 * the package, nothing is downloaded). For other vendors' models it is an estimate, which settlement
 * replaces with the usage the upstream reports.
 */

/** Special tokens in a client's text are counted as text, as the upstream sees them. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * OpenAI's chat accounting: every message costs 3 tokens of framing (`<|start|>{role}\n…<|end|>`), a
 * `name` 1 more, and the reply is primed with 3
 * (https://github.com/openai/openai-cookbook/blob/main/examples/How_to_count_tokens_with_tiktoken.ipynb).
 */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING = 3;

/**
 * The encoding's tables hold some 16 MB of heap: loaded on the first count, so a router whose
 * applications set no token limit never carries them (nor makes every full GC mark them).
 */
let encoding: typeof O200kBase | null = null;

export function countText(text: string): number {
  if (text.length === 0) return 0;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  encoding ??= require('gpt-tokenizer/cjs/encoding/o200k_base') as typeof O200kBase;
  return encoding.countTokens(text, AS_TEXT);
}

/** The prompt tokens of a validated OpenAI request body. */
export function countPromptTokens(
  operation: ProviderOperation,
  body: Readonly<Record<string, unknown>>,
): number {
  if (operation === 'chat') return countChat(body.messages, body.tools);
  if (operation === 'completions') return countInputs(body.prompt);
  return countInputs(body.input);
}

function countChat(messages: unknown, tools: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let tokens = REPLY_PRIMING;
  for (const message of messages as unknown[]) {
    if (!isRecord(message)) continue;
    tokens += TOKENS_PER_MESSAGE + countText(typeof message.role === 'string' ? message.role : '');
    tokens += countContent(message.content);
    if (typeof message.name === 'string') tokens += TOKENS_PER_NAME + countText(message.name);
    if (Array.isArray(message.tool_calls)) tokens += countText(JSON.stringify(message.tool_calls));
  }
  // Tool definitions reach the model as text; their JSON is a close upper estimate.
  if (Array.isArray(tools) && tools.length > 0) tokens += countText(JSON.stringify(tools));
  return tokens;
}

function countContent(content: unknown): number {
  if (typeof content === 'string') return countText(content);
  if (!Array.isArray(content)) return 0;
  let tokens = 0;
  for (const part of content as unknown[])
    if (isRecord(part) && typeof part.text === 'string') tokens += countText(part.text);
  return tokens;
}

/** A string, strings, a token array or token arrays (completions `prompt`, embeddings `input`). */
function countInputs(input: unknown): number {
  if (typeof input === 'string') return countText(input);
  if (!Array.isArray(input)) return 0;
  let tokens = 0;
  for (const item of input as unknown[]) {
    if (typeof item === 'string') tokens += countText(item);
    else if (typeof item === 'number') tokens += 1;
    else if (Array.isArray(item)) tokens += item.length;
  }
  return tokens;
}

/** The completion limit the client set (`max_completion_tokens` first, as OpenAI reads it), or null. */
export function requestedMaxTokens(body: Readonly<Record<string, unknown>>): number | null {
  for (const field of ['max_completion_tokens', 'max_tokens'] as const) {
    const value = body[field];
    if (typeof value === 'number' && value > 0) return value;
  }
  return null;
}

/** How many answers the request asks for (`n`). */
export function choiceCount(body: Readonly<Record<string, unknown>>): number {
  return typeof body.n === 'number' && body.n > 1 ? body.n : 1;
}

/**
 * Counts what a stream produced, for a stream that ends without a usage chunk (cancelled, cut, or the
 * client did not ask for usage): the text and tool-call arguments of every chunk, tokenised once at the end.
 */
export class StreamOutputTally {
  /** The frames as relayed: read only if the count is asked for (the upstream sent no usage). */
  private readonly chunks: string[] = [];

  add(chunkJson: string): void {
    this.chunks.push(chunkJson);
  }

  tokens(): number {
    let text = '';
    for (const chunkJson of this.chunks) text += outputTextOf(chunkJson);
    return countText(text);
  }
}

function outputTextOf(chunkJson: string): string {
  let chunk: unknown;
  try {
    chunk = JSON.parse(chunkJson);
  } catch {
    return '';
  }
  if (!isRecord(chunk) || !Array.isArray(chunk.choices)) return '';
  let text = '';
  for (const choice of chunk.choices as unknown[]) {
    if (!isRecord(choice)) continue;
    if (typeof choice.text === 'string') text += choice.text;
    const delta = choice.delta;
    if (!isRecord(delta)) continue;
    if (typeof delta.content === 'string') text += delta.content;
    if (Array.isArray(delta.tool_calls))
      for (const call of delta.tool_calls as unknown[])
        if (isRecord(call) && isRecord(call.function) && typeof call.function.arguments === 'string')
          text += call.function.arguments;
  }
  return text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
