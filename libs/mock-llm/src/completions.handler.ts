import type { ApiCall } from './api-call';
import { includeUsage, unixSeconds, usageJson } from './api-call';
import { countWords, replyFor, splitReply } from './reply-text';
import { DONE_FRAME, sendSse, sseFrame } from './sse';

interface Prompt {
  readonly text: string;
  readonly tokens: number;
}

/** `POST /v1/completions` (legacy): https://platform.openai.com/docs/api-reference/completions */
export async function handleCompletions(call: ApiCall): Promise<void> {
  const { exchange, body, model, status } = call;
  const prompt = readPrompt(body.prompt);
  if (prompt === null) {
    exchange.sendError(
      400,
      "'prompt' must be a string, an array of strings or an array of tokens.",
      'prompt',
    );
    return;
  }
  const text = replyFor(prompt.text, exchange.behaviour.content);
  const usage = usageJson(prompt.tokens, countWords(text));
  const head = `{"id":"cmpl-mock-${exchange.idSuffix}","object":"text_completion","created":${unixSeconds()},"model":${JSON.stringify(model)},"system_fingerprint":null,"choices":`;

  if (body.stream !== true) {
    exchange.sendJson(
      status,
      `${head}[{"text":${JSON.stringify(text)},"index":0,"logprobs":null,"finish_reason":"stop"}],"usage":${usage}}`,
    );
    return;
  }
  const withUsage = includeUsage(body);
  const tail = withUsage ? ',"usage":null}' : '}';
  const frames: string[] = [];
  for (const piece of splitReply(text, exchange.behaviour.chunks)) {
    frames.push(
      sseFrame(
        `${head}[{"text":${JSON.stringify(piece)},"index":0,"logprobs":null,"finish_reason":null}]${tail}`,
      ),
    );
  }
  frames.push(sseFrame(`${head}[{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}]${tail}`));
  if (withUsage) frames.push(sseFrame(`${head}[],"usage":${usage}}`));
  frames.push(DONE_FRAME);
  await sendSse(exchange, status, frames);
}

/** A string, strings (joined by a space), tokens, or arrays of tokens (counted, not decoded). */
export function readPrompt(prompt: unknown): Prompt | null {
  if (typeof prompt === 'string') return { text: prompt, tokens: countWords(prompt) };
  if (!Array.isArray(prompt) || prompt.length === 0) return null;
  if (prompt.every((p) => typeof p === 'string')) {
    const text = prompt.join(' ');
    return { text, tokens: countWords(text) };
  }
  if (prompt.every((p) => typeof p === 'number')) return { text: '', tokens: prompt.length };
  if (prompt.every((p) => Array.isArray(p) && p.every((t) => typeof t === 'number'))) {
    return { text: '', tokens: prompt.reduce((sum: number, p: unknown[]) => sum + p.length, 0) };
  }
  return null;
}
