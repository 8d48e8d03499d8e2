import { embeddingVector, vectorBase64, vectorJson } from './embedding-vector';

describe('embedding vectors', () => {
  it.each([1, 2, 8, 256, 1536, 3072])('has unit length with %i dimensions', (dimensions) => {
    const vector = embeddingVector('some text', dimensions);
    expect(vector).toHaveLength(dimensions);
    const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
    expect(norm).toBeCloseTo(1, 5);
  });

  it('is deterministic per text and differs between texts', () => {
    expect(embeddingVector('a', 16)).toEqual(embeddingVector('a', 16));
    expect(embeddingVector('a', 16)).not.toEqual(embeddingVector('b', 16));
  });

  it('encodes base64 as little-endian float32 and JSON as the same float32 values', () => {
    const vector = embeddingVector('x', 4);
    const bytes = Buffer.from(vectorBase64(vector), 'base64');
    expect(bytes).toHaveLength(16);
    const decoded = [0, 1, 2, 3].map((i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(Array.from(vector));
    expect(JSON.parse(vectorJson(vector))).toEqual(decoded);
  });
});
