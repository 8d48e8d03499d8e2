import type { ApiCall } from './api-call';
import {
  DEFAULT_DIMENSIONS,
  embeddingVector,
  MAX_DIMENSIONS,
  vectorBase64,
  vectorJson,
} from './embedding-vector';
import { countWords } from './reply-text';

type EncodingFormat = 'float' | 'base64';

interface EmbeddingInput {
  /** What seeds the vector: the text, or the token ids joined by commas. */
  readonly key: string;
  readonly tokens: number;
}

/** Benchmarks embed the same few texts over and over: keep the encoded vectors of short texts. */
const ENCODED_CACHE_SIZE = 256;
const CACHED_KEY_LIMIT = 1_024;
const encodedCache = new Map<string, string>();

/** `POST /v1/embeddings`: https://platform.openai.com/docs/api-reference/embeddings */
export function handleEmbeddings(call: ApiCall): void {
  const { exchange, body, model, status } = call;
  const inputs = readInputs(body.input);
  if (inputs === null) {
    exchange.sendError(400, "'input' must be a string, an array of strings or an array of tokens.", 'input');
    return;
  }
  const dimensions = body.dimensions ?? DEFAULT_DIMENSIONS;
  if (
    typeof dimensions !== 'number' ||
    !Number.isInteger(dimensions) ||
    dimensions < 1 ||
    dimensions > MAX_DIMENSIONS
  ) {
    exchange.sendError(400, `'dimensions' must be an integer between 1 and ${MAX_DIMENSIONS}.`, 'dimensions');
    return;
  }
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    exchange.sendError(400, "'encoding_format' must be 'float' or 'base64'.", 'encoding_format');
    return;
  }
  let tokens = 0;
  const data: string[] = [];
  for (let i = 0; i < inputs.length; i += 1) {
    tokens += inputs[i].tokens;
    data.push(
      `{"object":"embedding","index":${i},"embedding":${encoded(inputs[i].key, dimensions, format)}}`,
    );
  }
  exchange.sendJson(
    status,
    `{"object":"list","data":[${data.join(',')}],"model":${JSON.stringify(model)},"usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}}}`,
  );
}

/** A string, strings, tokens, or arrays of tokens; one vector each. */
export function readInputs(input: unknown): EmbeddingInput[] | null {
  if (typeof input === 'string') return [{ key: input, tokens: countWords(input) }];
  if (!Array.isArray(input) || input.length === 0) return null;
  if (input.every((i) => typeof i === 'string'))
    return input.map((text) => ({ key: text, tokens: countWords(text) }));
  if (input.every((i) => typeof i === 'number')) return [tokenInput(input)];
  if (input.every((i) => Array.isArray(i) && i.length > 0 && i.every((t) => typeof t === 'number'))) {
    return input.map((tokens: number[]) => tokenInput(tokens));
  }
  return null;
}

function tokenInput(tokens: readonly number[]): EmbeddingInput {
  return { key: `\u0000tokens:${tokens.join(',')}`, tokens: tokens.length };
}

function encoded(key: string, dimensions: number, format: EncodingFormat): string {
  const cacheKey = `${format}:${dimensions}:${key}`;
  const cached = encodedCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const vector = embeddingVector(key, dimensions);
  const json = format === 'base64' ? `"${vectorBase64(vector)}"` : vectorJson(vector);
  if (key.length > CACHED_KEY_LIMIT) return json;
  if (encodedCache.size >= ENCODED_CACHE_SIZE) {
    const oldest = encodedCache.keys().next();
    if (oldest.done !== true) encodedCache.delete(oldest.value);
  }
  encodedCache.set(cacheKey, json);
  return json;
}
