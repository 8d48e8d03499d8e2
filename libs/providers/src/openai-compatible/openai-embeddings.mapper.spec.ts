import { encodeEmbeddings, float32Base64, requestedEncoding } from './openai-embeddings.mapper';

/** How the official SDK decodes `encoding_format: 'base64'` (little-endian float32). */
function decode(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}

describe('float32Base64', () => {
  it.each([
    [[], ''],
    [[0], 'AAAAAA=='],
    [[1], 'AACAPw=='],
    [[-2, 0.5], 'AAAAwAAAAD8='],
  ])('%j → %s', (vector, base64) => {
    expect(float32Base64(vector)).toBe(base64);
  });

  it('round-trips through the SDK decoding, at float32 precision', () => {
    const vector = [0.1, -0.25, 3.14159, 1e-7];
    expect(decode(float32Base64(vector))).toEqual(vector.map((v) => Math.fround(v)));
  });
});

describe('requestedEncoding', () => {
  it.each([
    [{ encoding_format: 'base64' }, 'base64'],
    [{ encoding_format: 'float' }, 'float'],
    [{}, 'float'],
  ])('%j → %s', (body, encoding) => {
    expect(requestedEncoding(body)).toBe(encoding);
  });
});

describe('encodeEmbeddings', () => {
  const body = {
    object: 'list',
    data: [
      { object: 'embedding', index: 0, embedding: [1, 0] },
      { object: 'embedding', index: 1, embedding: [0.5] },
    ],
    model: 'm',
    usage: { prompt_tokens: 2, total_tokens: 2 },
  };

  it('leaves floats alone when the client asked for floats', () => {
    expect(encodeEmbeddings(body, 'float')).toBe(body);
  });

  it('re-encodes every vector as base64 and keeps everything else', () => {
    const encoded = encodeEmbeddings(body, 'base64');
    expect(encoded).toEqual({
      ...body,
      data: [
        { object: 'embedding', index: 0, embedding: float32Base64([1, 0]) },
        { object: 'embedding', index: 1, embedding: float32Base64([0.5]) },
      ],
    });
    expect(body.data[0].embedding).toEqual([1, 0]);
  });

  it('leaves an already-encoded vector and odd bodies alone', () => {
    expect(encodeEmbeddings({ data: [{ embedding: 'AACAPw==' }] }, 'base64')).toEqual({
      data: [{ embedding: 'AACAPw==' }],
    });
    expect(encodeEmbeddings({ object: 'list' }, 'base64')).toEqual({ object: 'list' });
  });
});
