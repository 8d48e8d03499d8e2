/**
 * nginx's smooth weighted round robin: every pick adds each candidate's weight to its current weight,
 * takes the largest, and subtracts the total from it. Deterministic, and it interleaves (5:1:1 gives
 * a a b a c a a, not a a a a a b c). Candidates of weight 0 are never picked.
 * See https://github.com/phusion/nginx/commit/27e94984486058d73157038f7950a0a36ecc6e35
 */
export class SmoothWeightedPicker {
  private readonly current = new Map<string, number>();

  pick<T>(candidates: readonly T[], id: (c: T) => string, weight: (c: T) => number): T | null {
    let total = 0;
    let best: T | null = null;
    let bestWeight = -Infinity;
    for (const candidate of candidates) {
      const w = weight(candidate);
      if (w <= 0) continue;
      const key = id(candidate);
      const current = (this.current.get(key) ?? 0) + w;
      this.current.set(key, current);
      total += w;
      if (current > bestWeight) {
        best = candidate;
        bestWeight = current;
      }
    }
    if (best !== null) this.current.set(id(best), bestWeight - total);
    return best;
  }
}
