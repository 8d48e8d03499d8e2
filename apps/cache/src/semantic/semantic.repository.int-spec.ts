import type { SearchType } from '@aigw/config';
import type { EmbeddedPostgres } from '@aigw/persistence';
import { createTypeOrmOptions, startEmbeddedPostgres } from '@aigw/persistence';
import { DataSource } from 'typeorm';
import { CreateCacheEntries1795500000000 } from './create-cache-entries.migration';
import type { NearestQuery } from './semantic.repository';
import { SemanticRepository, vectorLiteral } from './semantic.repository';

jest.setTimeout(240_000);

const DIMENSIONS = 256;
const ENTRIES = 2_000;

/** A deterministic pseudo-random unit vector (xorshift), so a failure replays the same way. */
function unitVector(seed: number): number[] {
  let x = seed * 2654435761 || 1;
  const v = Array.from({ length: DIMENSIONS }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) / 2 ** 32) * 2 - 1;
  });
  const norm = Math.hypot(...v);
  return v.map((c) => c / norm);
}

const SCORE: Record<SearchType, (a: number[], b: number[]) => number> = {
  CS: (a, b) => a.reduce((s, v, i) => s + v * (b[i] ?? 0), 0) / (Math.hypot(...a) * Math.hypot(...b)),
  LS: (a, b) => Math.hypot(...a.map((v, i) => v - (b[i] ?? 0))),
  IP: (a, b) => a.reduce((s, v, i) => s + v * (b[i] ?? 0), 0),
};

describe('SemanticRepository on PGlite with pgvector', () => {
  let postgres: EmbeddedPostgres;
  let dataSource: DataSource;
  let repository: SemanticRepository;
  /** The vectors of the big context, by seed. Non-unit ones too, so IP and CS rank differently. */
  const vectors = new Map<number, number[]>();

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres({ dataDir: null });
    dataSource = await new DataSource(
      createTypeOrmOptions({
        url: postgres.url,
        name: 'cache-int',
        entities: [],
        migrations: [CreateCacheEntries1795500000000],
        migrationsTableName: 'cache_migrations',
      }),
    ).initialize();
    repository = new SemanticRepository(dataSource);
    const rows: string[] = [];
    for (let seed = 1; seed <= ENTRIES; seed++) {
      const v = unitVector(seed).map((c) => c * (1 + (seed % 7) / 3));
      vectors.set(seed, v);
      rows.push(
        `('big-${seed}', 'app', '', 'big', ${DIMENSIONS}, '${vectorLiteral(v)}', '{"seed":${seed}}')`,
      );
    }
    await dataSource.query(
      `INSERT INTO cache_entries (request_id, application_id, consumer_scope, context_key, dimensions, embedding, response) VALUES ${rows.join(',')}`,
    );
    await dataSource.query('ANALYZE cache_entries');
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await postgres?.close();
  });

  const query = (
    searchType: SearchType,
    embedding: number[],
    overrides: Partial<NearestQuery> = {},
  ): NearestQuery => ({
    applicationId: 'app',
    consumerScope: '',
    contextKey: 'big',
    searchType,
    embedding,
    createdAfter: new Date(Date.now() - 3_600_000),
    ...overrides,
  });

  it.each(['CS', 'LS', 'IP'] as const)(
    'walks the HNSW index of %s for a nearest-neighbour query',
    async (type) => {
      const { operator } = { CS: { operator: '<=>' }, LS: { operator: '<->' }, IP: { operator: '<#>' } }[
        type
      ];
      const plan = await dataSource.query<Array<{ 'QUERY PLAN': string }>>(
        `EXPLAIN SELECT response FROM cache_entries
        WHERE dimensions = ${DIMENSIONS} AND application_id = 'app' AND context_key = 'big' AND consumer_scope = ''
        ORDER BY embedding::vector(${DIMENSIONS}) ${operator} '${vectorLiteral(unitVector(99_999))}'::vector(${DIMENSIONS}) LIMIT 1`,
      );
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain(
        `cache_entries_hnsw_${type.toLowerCase()}_${DIMENSIONS}`,
      );
    },
  );

  it.each(['CS', 'LS', 'IP'] as const)('finds the nearest entry by %s, with its score', async (type) => {
    for (const target of [17, 1_234]) {
      // A query close to one stored vector: that one is the nearest by every measure.
      const stored = vectors.get(target) ?? [];
      const probe = stored.map((c, i) => c + (unitVector(target + 50_000)[i] ?? 0) * 0.01);
      const nearest = await repository.nearest(query(type, probe));
      expect(nearest?.response).toEqual({ seed: target });
      expect(nearest?.score).toBeCloseTo(SCORE[type](stored, probe), 4);
    }
  });

  it('searches only the scope and context asked, however close the entries of others', async () => {
    const mine = unitVector(70_001);
    await repository.insert({
      requestId: 'small-1',
      applicationId: 'app',
      consumerScope: 'team-a',
      contextKey: 'small',
      embedding: mine,
      response: { mine: true },
    });
    // Entries of the big context are far closer to this probe than the only entry of the small one.
    const probe = vectors.get(42) ?? [];
    const small = await repository.nearest(
      query('CS', probe, { contextKey: 'small', consumerScope: 'team-a' }),
    );
    expect(small?.response).toEqual({ mine: true });
    expect(small?.score).toBeCloseTo(SCORE.CS(mine, probe), 4);
    expect(
      await repository.nearest(query('CS', probe, { contextKey: 'small', consumerScope: 'team-b' })),
    ).toBeNull();
    expect(
      await repository.nearest(query('CS', probe, { contextKey: 'small', applicationId: 'other' })),
    ).toBeNull();
    expect(
      await repository.nearest(
        query('CS', probe, {
          contextKey: 'small',
          consumerScope: 'team-a',
          createdAfter: new Date(Date.now() + 60_000),
        }),
      ),
    ).toBeNull();
  });

  it('quotes every value of its one-message query: a scope with quotes and backslashes finds only its own', async () => {
    const scope = { applicationId: "o'brien\\app", contextKey: "c' OR '1'='1", consumerScope: '\\x27; --' };
    await repository.insert({
      requestId: 'quoted',
      ...scope,
      embedding: unitVector(7),
      response: { quoted: true },
    });
    expect(await repository.nearest(query('CS', unitVector(7), scope))).toMatchObject({
      response: { quoted: true },
    });
    // The injection-shaped context key is a value, not SQL: another context key finds nothing.
    expect(await repository.nearest(query('CS', unitVector(7), { ...scope, contextKey: 'c' }))).toBeNull();
  });

  it.each([1, 40, 100])(
    'walks with ef_search %i and finds the one entry of its context among the big one',
    async (ef) => {
      const scope = { applicationId: 'app', consumerScope: '', contextKey: `ef-${ef}` };
      await repository.insert({
        requestId: `ef-${ef}`,
        ...scope,
        embedding: unitVector(11),
        response: { ef },
      });
      const probe = unitVector(11).map((c, i) => c + (i === 0 ? 0.01 : 0));
      const nearest = await repository.nearest(query('CS', probe, scope), ef);
      expect(nearest?.response).toEqual({ ef });
      expect(nearest?.score).toBeGreaterThan(0.99);
    },
  );

  it('refuses an ef_search pgvector would not take', async () => {
    await expect(repository.nearest(query('CS', unitVector(1)), 0)).rejects.toThrow(TypeError);
  });

  it('writes once per request id, and deletes what was created before a cutoff', async () => {
    const entry = {
      requestId: 'once',
      applicationId: 'expiring',
      consumerScope: '',
      contextKey: 'c',
      embedding: unitVector(5),
      response: { n: 1 },
    };
    expect(await repository.insert(entry)).toBe(true);
    expect(await repository.insert({ ...entry, response: { n: 2 } })).toBe(false);
    expect(await repository.deleteCreatedBefore('expiring', new Date(Date.now() - 60_000))).toBe(0);
    expect(await repository.deleteCreatedBefore('expiring', new Date(Date.now() + 60_000))).toBe(1);
    expect(
      await repository.nearest(query('CS', unitVector(5), { applicationId: 'expiring', contextKey: 'c' })),
    ).toBeNull();
  });

  it('makes the indexes of another vector length on demand', async () => {
    await repository.ensureIndexes(3);
    await repository.ensureIndexes(3);
    const indexes = await dataSource.query<Array<{ indexname: string }>>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'cache_entries' AND indexname LIKE '%\\_3' ORDER BY indexname`,
    );
    expect(indexes.map((i) => i.indexname)).toEqual([
      'cache_entries_hnsw_cs_3',
      'cache_entries_hnsw_ip_3',
      'cache_entries_hnsw_ls_3',
    ]);
    await repository.insert({
      requestId: 'tiny',
      applicationId: 'app',
      consumerScope: '',
      contextKey: 'tiny',
      embedding: [1, 0, 0],
      response: { tiny: true },
    });
    expect(await repository.nearest(query('LS', [0.9, 0.1, 0], { contextKey: 'tiny' }))).toMatchObject({
      response: { tiny: true },
    });
  });
});
