import type { Embedder } from './embedder';

export const LOCAL_DIMENSIONS = 256;

const WORD = /[\p{L}\p{N}]+/gu;
const TRIGRAM_WEIGHT = 0.5;

/**
 * The built-in offline embedder. It is LEXICAL, not semantic: each word and each character trigram of
 * a word is hashed into one of 256 dimensions (with a hashed sign, the "hashing trick"), weighted by
 * 1 + ln(count), and the vector is L2-normalised. Texts that share words score high; a paraphrase with
 * other words does not. Configure an embeddings application as `vectorizer` for meaning.
 */
export class LocalEmbedder implements Embedder {
  readonly name = 'local';
  readonly dimensions = LOCAL_DIMENSIONS;

  embed(text: string): Promise<number[]> {
    return Promise.resolve(localEmbedding(text));
  }
}

export function localEmbedding(text: string): number[] {
  const counts = new Map<string, number>();
  const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
  for (const [word] of text.toLowerCase().matchAll(WORD)) {
    add(`w:${word}`);
    const padded = `^${word}$`;
    for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`);
  }
  const vector = new Array<number>(LOCAL_DIMENSIONS).fill(0);
  for (const [feature, count] of counts) {
    const hash = fnv1a(feature);
    const index = hash % LOCAL_DIMENSIONS;
    const sign = hash >>> 31 === 0 ? 1 : -1;
    const weight = feature.startsWith('t:') ? TRIGRAM_WEIGHT : 1;
    vector[index] = (vector[index] ?? 0) + sign * weight * (1 + Math.log(count));
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((v) => v / norm);
}

/** 32-bit FNV-1a over UTF-16 code units: fast, stable across processes and versions. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
