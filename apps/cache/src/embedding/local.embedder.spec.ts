import { LOCAL_DIMENSIONS, localEmbedding } from './local.embedder';

const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * (b[i] ?? 0), 0);

describe('the local (lexical) embedder', () => {
  it('is deterministic, unit length, of the advertised dimensions', () => {
    const v = localEmbedding('What is the capital of France?');
    expect(v).toHaveLength(LOCAL_DIMENSIONS);
    expect(Math.hypot(...v)).toBeCloseTo(1, 10);
    expect(localEmbedding('What is the capital of France?')).toEqual(v);
  });

  it('ignores case and punctuation, scores shared words high and other words low', () => {
    const base = localEmbedding('What is the capital of France?');
    expect(cosine(base, localEmbedding('what is the capital of france'))).toBeCloseTo(1, 10);
    expect(cosine(base, localEmbedding('What is the capital city of France?'))).toBeGreaterThan(0.85);
    expect(cosine(base, localEmbedding('Explain quantum entanglement to me'))).toBeLessThan(0.5);
  });

  it('is lexical, not semantic: a paraphrase in other words is far', () => {
    expect(
      cosine(localEmbedding('How do I reset my password?'), localEmbedding('I forgot my login credentials')),
    ).toBeLessThan(0.5);
  });

  it('gives the zero vector to a text without words', () => {
    expect(localEmbedding('?!')).toEqual(new Array(LOCAL_DIMENSIONS).fill(0));
  });
});
