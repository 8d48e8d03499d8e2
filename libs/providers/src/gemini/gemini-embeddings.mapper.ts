import { UpstreamFailure } from '../upstream/upstream-failure.error';
import { arrayOf } from '../translation/openai-chat.types';
import type { OpenAiRequestBody } from '../provider-adapter.interface';
import { invalidRequest } from '../translation/openai-chat-request.reader';
import type { GeminiEmbedRequest, GeminiEmbedResponse } from './gemini-wire.types';

/**
 * An OpenAI embeddings request as `batchEmbedContents` (https://ai.google.dev/api/embeddings): one
 * request per input text, `dimensions` as `outputDimensionality`. Gemini takes text, not token ids.
 */
export function toGeminiEmbedRequest(body: OpenAiRequestBody, model: string): GeminiEmbedRequest {
  const input = body.input;
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input : [];
  if (texts.length === 0 || !texts.every((t): t is string => typeof t === 'string'))
    throw invalidRequest('input', 'Gemini embeds text: input must be a string or an array of strings.');
  const dimensions = typeof body.dimensions === 'number' ? { outputDimensionality: body.dimensions } : {};
  return {
    requests: texts.map((text) => ({
      model: `models/${model}`,
      content: { parts: [{ text }] },
      ...dimensions,
    })),
  };
}

/** The vectors as an OpenAI `list` of float embeddings; Gemini reports no token usage for them. */
export function fromGeminiEmbeddings(
  response: GeminiEmbedResponse,
  model: string,
  expected: number,
): Record<string, unknown> {
  const embeddings = arrayOf(response.embeddings);
  if (embeddings.length !== expected || !embeddings.every((e) => Array.isArray(e.values)))
    throw new UpstreamFailure('server_error', 'the upstream answered with a malformed embeddings list');
  return {
    object: 'list',
    data: embeddings.map((e, index) => ({ object: 'embedding', index, embedding: e.values })),
    model,
  };
}
