/**
 * The behaviour every `RateLimitStore` owes, as one table: the unit spec runs it on the in-memory
 * store (with a hand-moved clock), the integration spec on the Redis store against the machine's Redis.
 * (Not a spec file itself: it only defines tests for the specs that import it.)
 */
import type { CounterSpec, RateLimitStore, Settlement, TokenDemand } from '../rate-limit-store.interface';

export interface StoreUnderTest {
  /** A store whose keys no other test shares. */
  readonly store: RateLimitStore;
  /** Returns once the clock the store uses is in the next window of `windowMs`. */
  nextWindow(windowMs: number): Promise<void>;
}

/** Long enough that no boundary falls inside a test (windows are aligned to the epoch). */
const LONG = 30 * 86_400_000;
const SHORT = 400;

let seq = 0;
const counter = (measure: CounterSpec['measure'], limit: number, windowMs = LONG): CounterSpec => ({
  key: `c${++seq}|${measure}|${windowMs}`,
  measure,
  limit,
  windowMs,
  label: `${measure} of counter ${seq}`,
});
const demand = (promptTokens: number, completionTokens: number): TokenDemand => ({
  promptTokens,
  completionTokens,
});
const served = (promptTokens: number, completionTokens: number): Settlement => ({
  requests: 1,
  promptTokens,
  completionTokens,
});

export function describeRateLimitStoreBehaviour(label: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${label}: RateLimitStore behaviour`, () => {
    let subject: StoreUnderTest;
    beforeEach(async () => {
      subject = await open();
    });
    const used = async (spec: CounterSpec): Promise<number> => {
      // A zero-demand probe on a requests counter would count it: probe with a prompt-only demand of 0.
      const outcome = await subject.store.reserve([{ ...spec, measure: 'prompt' }], demand(0, 0));
      return outcome.counters[0]?.used ?? NaN;
    };

    it.each<[string, CounterSpec['measure'], number, TokenDemand, number]>([
      ['requests: one each', 'requests', 3, demand(10, 10), 3],
      ['total tokens: prompt and completion', 'total', 100, demand(20, 30), 2],
      ['prompt tokens only', 'prompt', 100, demand(20, 30), 5],
      ['completion tokens only', 'completion', 100, demand(20, 30), 3],
      ['a request as large as the limit', 'total', 50, demand(20, 30), 1],
      ['a request larger than the limit, never', 'total', 49, demand(20, 30), 0],
    ])('admits while there is room (%s)', async (_name, measure, limit, want, admitted) => {
      const spec = counter(measure, limit);
      let count = 0;
      for (let i = 0; i < admitted + 2; i++)
        if ((await subject.store.reserve([spec], want)).admitted) count += 1;
      expect(count).toBe(admitted);
    });

    it('reports what is used and when the window resets, and refuses until then', async () => {
      const spec = counter('requests', 2);
      const first = await subject.store.reserve([spec], demand(1, 1));
      expect(first).toMatchObject({ admitted: true, counters: [{ used: 1 }] });
      await subject.store.reserve([spec], demand(1, 1));
      const refused = await subject.store.reserve([spec], demand(1, 1));
      if (refused.admitted) throw new Error('expected a refusal');
      expect(refused.counters).toEqual([{ spec, used: 2, resetMs: expect.any(Number) as number }]);
      expect(refused.refusedBy.map((c) => c.spec)).toEqual([spec]);
      expect(refused.retryAfterMs).toBe(refused.counters[0]?.resetMs);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(LONG);
    });

    it('reserves on every counter or on none', async () => {
      const requests = counter('requests', 10);
      const tokens = counter('total', 100);
      expect((await subject.store.reserve([requests, tokens], demand(40, 40))).admitted).toBe(true);
      const refused = await subject.store.reserve([requests, tokens], demand(40, 40));
      expect(refused.admitted).toBe(false);
      if (!refused.admitted) expect(refused.refusedBy.map((c) => c.spec)).toEqual([tokens]);
      expect(await used(requests)).toBe(1);
      expect(await used(tokens)).toBe(80);
    });

    it('an amount of zero is admitted on a full counter', async () => {
      const completion = counter('completion', 10);
      await subject.store.reserve([completion], demand(0, 10));
      expect((await subject.store.reserve([completion], demand(5, 0))).admitted).toBe(true);
      expect((await subject.store.reserve([completion], demand(5, 1))).admitted).toBe(false);
    });

    it.each<[string, TokenDemand, Settlement, number, number]>([
      ['used fewer tokens than reserved: the rest is freed', demand(10, 100), served(10, 5), 15, 1],
      ['used more than reserved: counted in full', demand(10, 100), served(12, 300), 312, 1],
      [
        'nothing served: the request is refunded too',
        demand(10, 100),
        { requests: 0, promptTokens: 0, completionTokens: 0 },
        0,
        0,
      ],
    ])('settles: %s', async (_name, reserved, settlement, tokensAfter, requestsAfter) => {
      const requests = counter('requests', 10);
      const tokens = counter('total', 1_000);
      const outcome = await subject.store.reserve([requests, tokens], reserved);
      if (!outcome.admitted) throw new Error('expected an admission');
      await subject.store.settle(outcome.reservation, settlement);
      expect(await used(tokens)).toBe(tokensAfter);
      expect(await used(requests)).toBe(requestsAfter);
    });

    it('peeks at counters without counting: what is used and when each window resets', async () => {
      const requests = counter('requests', 2);
      const tokens = counter('total', 1_000);
      const untouched = counter('requests', 5);
      await subject.store.reserve([requests, tokens], demand(30, 20));
      for (let i = 0; i < 3; i++) {
        const seen = await subject.store.peek([requests, tokens, untouched]);
        expect(seen.map((c) => [c.spec, c.used])).toEqual([
          [requests, 1],
          [tokens, 50],
          [untouched, 0],
        ]);
        for (const c of seen) expect(c.resetMs).toBeGreaterThan(0);
        for (const c of seen) expect(c.resetMs).toBeLessThanOrEqual(LONG);
      }
      // Peeking took no room: the second request still fits, the third does not.
      expect((await subject.store.reserve([requests], demand(1, 1))).admitted).toBe(true);
      expect((await subject.store.reserve([requests], demand(1, 1))).admitted).toBe(false);
      expect(await subject.store.peek([])).toEqual([]);
    });

    it('starts each window afresh, and a late settlement leaves the new window alone', async () => {
      const spec = counter('total', 100, SHORT);
      await subject.nextWindow(SHORT);
      const first = await subject.store.reserve([spec], demand(50, 50));
      if (!first.admitted) throw new Error('expected an admission');
      expect((await subject.store.reserve([spec], demand(1, 0))).admitted).toBe(false);
      await subject.nextWindow(SHORT);
      const next = await subject.store.reserve([spec], demand(10, 0));
      expect(next).toMatchObject({ admitted: true, counters: [{ used: 10 }] });
      await subject.store.settle(first.reservation, served(1, 1));
      expect(await used(spec)).toBe(10);
    });
  });
}
