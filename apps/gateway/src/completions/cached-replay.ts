type Json = Record<string, unknown>;

/** About this many characters of text per replayed chunk, cut after whitespace. */
const PIECE_CHARS = 24;

/**
 * A cached (non-streaming) response as the chunks OpenAI would have streamed for it, as JSON texts for
 * `data:` frames: per choice a role chunk, the text in pieces, the tool calls, then a chunk with the
 * finish reason; with `includeUsage`, a last chunk with empty `choices` and the usage
 * (https://platform.openai.com/docs/api-reference/chat-streaming). The caller ends with `[DONE]`.
 */
export function replayChunks(body: Json, includeUsage: boolean): string[] {
  const completions = body['object'] === 'text_completion';
  const head = {
    id: body['id'],
    object: completions ? 'text_completion' : 'chat.completion.chunk',
    created: body['created'],
    model: body['model'],
    ...(body['system_fingerprint'] === undefined ? {} : { system_fingerprint: body['system_fingerprint'] }),
  };
  const chunk = (choice: Json) => JSON.stringify({ ...head, choices: [choice] });
  const out: string[] = [];
  const choices = Array.isArray(body['choices']) ? (body['choices'] as Json[]) : [];
  for (const choice of choices) {
    const index = choice['index'] ?? 0;
    const finish = choice['finish_reason'] ?? null;
    if (completions) {
      for (const text of pieces(typeof choice['text'] === 'string' ? choice['text'] : ''))
        out.push(chunk({ index, text, logprobs: null, finish_reason: null }));
      out.push(chunk({ index, text: '', logprobs: null, finish_reason: finish }));
      continue;
    }
    const message = (choice['message'] ?? {}) as Json;
    const delta = (d: Json) => chunk({ index, delta: d, logprobs: null, finish_reason: null });
    out.push(delta({ role: message['role'] ?? 'assistant', content: '' }));
    if (typeof message['content'] === 'string')
      for (const content of pieces(message['content'])) out.push(delta({ content }));
    if (typeof message['refusal'] === 'string') out.push(delta({ refusal: message['refusal'] }));
    const calls = Array.isArray(message['tool_calls']) ? (message['tool_calls'] as Json[]) : [];
    calls.forEach((call, at) => out.push(delta({ tool_calls: [{ index: at, ...call }] })));
    out.push(chunk({ index, delta: {}, logprobs: null, finish_reason: finish }));
  }
  if (includeUsage && body['usage'] !== undefined && body['usage'] !== null)
    out.push(JSON.stringify({ ...head, choices: [], usage: body['usage'] }));
  return out;
}

/** The text cut into pieces of about `PIECE_CHARS`, after whitespace; joined, they are the text. */
export function pieces(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const part of text.split(/(?<=\s)/)) {
    current += part;
    if (current.length >= PIECE_CHARS) {
      out.push(current);
      current = '';
    }
  }
  if (current !== '') out.push(current);
  return out;
}
