import type { SearchType } from '@aigw/config';

/** pgvector's operator and HNSW operator class of each search type. */
export const DISTANCE: Readonly<Record<SearchType, { operator: string; opclass: string; suffix: string }>> = {
  CS: { operator: '<=>', opclass: 'vector_cosine_ops', suffix: 'cs' },
  LS: { operator: '<->', opclass: 'vector_l2_ops', suffix: 'ls' },
  IP: { operator: '<#>', opclass: 'vector_ip_ops', suffix: 'ip' },
};

/**
 * One HNSW index per distance function and vector length. The column holds vectors of any length
 * (the vectorizer may change), so each index is on the expression `embedding::vector(n)`, partial on
 * `dimensions = n` (pgvector's recipe for mixed dimensions); lookups use the same expression.
 */
export function vectorIndexStatements(dimensions: number): string[] {
  assertDimensions(dimensions);
  return Object.values(DISTANCE).map(
    ({ opclass, suffix }) =>
      `CREATE INDEX IF NOT EXISTS cache_entries_hnsw_${suffix}_${dimensions} ON cache_entries ` +
      `USING hnsw ((embedding::vector(${dimensions})) ${opclass}) WITH (m = 16, ef_construction = 64) ` +
      `WHERE dimensions = ${dimensions}`,
  );
}

export function assertDimensions(dimensions: number): void {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 2_000)
    throw new TypeError(`vector length ${dimensions} is not an integer in 1..2000 (pgvector's HNSW bound)`);
}
