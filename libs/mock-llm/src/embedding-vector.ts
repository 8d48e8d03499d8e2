import { endianness } from 'node:os';

export const DEFAULT_DIMENSIONS = 1536;
export const MAX_DIMENSIONS = 16_384;

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * A deterministic unit-length vector seeded from the text: FNV-1a hash of the text seeds a
 * mulberry32 generator. Values are float32, so the `float` and `base64` encodings decode to the same numbers.
 */
export function embeddingVector(key: string, dimensions: number): Float32Array {
  let state = fnv1a(key);
  const raw = new Float64Array(dimensions);
  let sumOfSquares = 0;
  for (let i = 0; i < dimensions; i += 1) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const value = ((t ^ (t >>> 14)) >>> 0) / 2_147_483_648 - 1;
    raw[i] = value;
    sumOfSquares += value * value;
  }
  const vector = new Float32Array(dimensions);
  if (sumOfSquares === 0) {
    vector[0] = 1;
    return vector;
  }
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let i = 0; i < dimensions; i += 1) vector[i] = raw[i] * scale;
  return vector;
}

/** OpenAI's `encoding_format: 'base64'`: the little-endian float32 bytes, base64-encoded. */
export function vectorBase64(vector: Float32Array): string {
  const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  if (!LITTLE_ENDIAN) return Buffer.from(bytes).swap32().toString('base64');
  return bytes.toString('base64');
}

export function vectorJson(vector: Float32Array): string {
  return `[${vector.join(',')}]`;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
