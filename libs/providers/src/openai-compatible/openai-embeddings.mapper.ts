import type { OpenAiRequestBody } from '../provider-adapter.interface';

export type EmbeddingEncoding = 'float' | 'base64';

/** What the client asked for. Upstream is always asked for floats: some compatible servers lack base64. */
export function requestedEncoding(body: OpenAiRequestBody): EmbeddingEncoding {
  return body.encoding_format === 'base64' ? 'base64' : 'float';
}

/**
 * A vector as base64 of its little-endian float32 bytes: what OpenAI returns for `encoding_format:
 * "base64"` and what the official SDKs decode.
 */
export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}

/** Re-encodes each float embedding of an embeddings response for the client's `encoding_format`. */
export function encodeEmbeddings(
  body: Record<string, unknown>,
  encoding: EmbeddingEncoding,
): Record<string, unknown> {
  if (encoding === 'float' || !Array.isArray(body.data)) return body;
  const data = (body.data as unknown[]).map((item) => {
    if (typeof item !== 'object' || item === null) return item;
    const embedding = (item as { embedding?: unknown }).embedding;
    if (!isNumberArray(embedding)) return item;
    return { ...item, embedding: float32Base64(embedding) };
  });
  return { ...body, data };
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}
