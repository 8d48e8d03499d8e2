/**
 * `npm run bench:cache`: what the semantic cache costs, in one run on one machine.
 *   (1) exact tier: a hit vs a bare request (an application without cache, same mock upstream), p50 at
 *       concurrency 1, embedded and distributed;
 *   (2) semantic tier with 100,000 entries seeded directly into one application's context (random
 *       256-dimension vectors, SQL-generated): p50 of `cache.v1.lookup` over NATS that miss the exact
 *       tier and hit the semantic one (local vectorizer, HNSW cosine index), and of the same hits
 *       through the gateway over HTTP.
 * Nothing asserts a time: the numbers are for people (bench/RESULTS.md).
 */
import { sha256Hex } from '@aigw/config';
import type { CacheLookupReply, CacheLookupRequest } from '@aigw/contracts';
import { Subjects } from '@aigw/contracts';
import { BusClient, createClientProxy } from '@aigw/messaging';
import type { RunningDeployment } from '@aigw/testing';
import {
  NodeProcess,
  freePort,
  repoRoot,
  startDistributedDeployment,
  startEmbeddedDeployment,
  startPgliteProcess,
  waitUntil,
} from '@aigw/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Pool } from 'undici';
import type { Load, Measurement } from './measure';
import { measureSerial } from './measure';

const KEY = 'sk-bench-key-000000000000000000';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SEEDED = Number(process.env.BENCH_CACHE_ENTRIES ?? 100_000);
const LOOKUPS = 2_000;
const QUESTION = 'Hello, how are you?';
const chatBody = (model: string, content = QUESTION) =>
  JSON.stringify({ model, messages: [{ role: 'user', content }] });

function writeConfig(mockUrl: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'aigw-bench-cache-')), 'bench.yaml');
  writeFileSync(
    path,
    `auth:
  keys: [{ id: bench, sha256: ${sha256Hex(KEY)} }]
cacheSettings: { cacheEnabled: true, vectorizer: local }
applications:
  - id: bare
    type: chat
    endpoints: [{ id: mock, provider: openai-compatible, url: '${mockUrl}/v1', allowPrivateNetwork: true }]
  - id: cached
    type: chat
    cacheSettings: { useCache: true, searchType: CS, searchDistance: 0.8, searchContent: { includeRoles: user } }
    endpoints: [{ id: mock-cached, provider: openai-compatible, url: '${mockUrl}/v1', allowPrivateNetwork: true }]
`,
  );
  return path;
}

const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };

/** Caches the bench question's answer and waits for the exact tier to serve it. */
async function warmCache(origin: string): Promise<void> {
  await waitUntil(async () => {
    const res = await fetch(`${origin}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: chatBody('cached'),
    });
    await res.arrayBuffer();
    return res.headers.get('x-aigw-cache') === 'hit';
  }, 20_000);
}

interface Row {
  readonly mode: string;
  readonly what: string;
  readonly m: Measurement;
}

async function exactTier(mode: string, deployment: RunningDeployment): Promise<Row[]> {
  await warmCache(deployment.origin);
  const load = (model: string): Load => ({
    url: deployment.origin,
    path: '/v1/chat/completions',
    body: chatBody(model),
    headers,
  });
  process.stderr.write(`measuring the exact tier, ${mode}…\n`);
  const rows: Row[] = [
    { mode, what: 'bare request (no cache)', m: await measureSerial(load('bare'), SECONDS * 1000) },
    { mode, what: 'exact-tier hit', m: await measureSerial(load('cached'), SECONDS * 1000) },
  ];
  process.stderr.write(`${report(rows)}\n`);
  return rows;
}

/** Seeds `SEEDED` random entries into the context of the bench question's cached entry. */
async function seed(databaseUrl: string): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ application_id: string; context_key: string; consumer_scope: string }>(
      `SELECT application_id, context_key, consumer_scope FROM cache_entries WHERE application_id = 'cached' LIMIT 1`,
    );
    const scope = rows[0];
    if (scope === undefined) throw new Error('the warm-up entry is not in cache_entries');
    // The bench application searches by cosine: building the L2 and IP indexes too would only slow the seeding.
    await db.query('DROP INDEX IF EXISTS cache_entries_hnsw_ls_256');
    await db.query('DROP INDEX IF EXISTS cache_entries_hnsw_ip_256');
    await db.query('DROP INDEX IF EXISTS cache_entries_hnsw_cs_256');
    const started = Date.now();
    for (let from = 1; from <= SEEDED; from += 10_000) {
      await db.query(
        `INSERT INTO cache_entries (request_id, application_id, consumer_scope, context_key, dimensions, embedding, response)
         SELECT 'seed-' || g, $1, $2, $3, 256,
                (SELECT array_agg(random() * 2 - 1) FROM generate_series(1, 256) WHERE g > 0)::vector,
                '{"seeded":true}'::jsonb
           FROM generate_series($4::int, $5::int) AS g`,
        [scope.application_id, scope.consumer_scope, scope.context_key, from, Math.min(SEEDED, from + 9_999)],
      );
    }
    process.stderr.write(
      `seeded ${SEEDED} entries in ${((Date.now() - started) / 1000).toFixed(1)} s; building the HNSW index…\n`,
    );
    const indexed = Date.now();
    // The graph must fit in memory while it is built, or pgvector builds it on disk, many times slower.
    await db.query(`SET maintenance_work_mem = '512MB'`);
    await db.query(
      `CREATE INDEX cache_entries_hnsw_cs_256 ON cache_entries USING hnsw ((embedding::vector(256)) vector_cosine_ops)
         WITH (m = 16, ef_construction = 64) WHERE dimensions = 256`,
    );
    await db.query('ANALYZE cache_entries');
    process.stderr.write(`index built in ${((Date.now() - indexed) / 1000).toFixed(1)} s\n`);
  } finally {
    await db.end();
  }
}

/** A different exact key each time, the same words: the semantic tier answers (similarity 1). */
const variant = (i: number) =>
  `${QUESTION}${' '.repeat(1 + (i % 7))}${'!'.repeat(1 + (Math.floor(i / 7) % 40))} ${i % 2 ? 'HELLO' : 'hello'}`;

function percentiles(samples: number[], elapsedS: number, errors: number): Measurement {
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * p))] ?? NaN;
  return {
    rps: samples.length / elapsedS,
    requests: samples.length,
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    errors,
  };
}

async function semanticLookups(namespace: string): Promise<Measurement> {
  const bus = new BusClient(
    createClientProxy('bench', {
      kind: 'nats',
      url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      namespace,
    }),
  );
  await bus.connect();
  try {
    const lookup = (i: number) => {
      const request: CacheLookupRequest = {
        requestId: `bench-${i}`,
        applicationId: 'cached',
        consumerId: 'bench',
        operation: 'chat',
        body: { model: 'cached', messages: [{ role: 'user', content: variant(i) }] },
      };
      return bus.request<CacheLookupReply>(Subjects.cache.lookup, request, { timeoutMs: 5_000 });
    };
    for (let i = 0; i < 100; i++) await lookup(i);
    const samples: number[] = [];
    let errors = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < LOOKUPS; i++) {
      const t0 = process.hrtime.bigint();
      const reply = await lookup(1_000 + i);
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (reply.result !== 'hit' || reply.tier !== 'semantic') errors++;
    }
    return percentiles(samples, Number(process.hrtime.bigint() - start) / 1e9, errors);
  } finally {
    await bus.close();
  }
}

async function semanticHttp(origin: string): Promise<Measurement> {
  const pool = new Pool(origin, { connections: 1 });
  const once = async (i: number) => {
    const {
      statusCode,
      headers: h,
      body,
    } = await pool.request({
      method: 'POST',
      path: '/v1/chat/completions',
      headers,
      body: chatBody('cached', variant(i)),
    });
    await body.dump({ limit: Infinity });
    return statusCode === 200 && h['x-aigw-cache-tier'] === 'semantic';
  };
  try {
    for (let i = 0; i < 100; i++) await once(50_000 + i);
    const samples: number[] = [];
    let errors = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < LOOKUPS; i++) {
      const t0 = process.hrtime.bigint();
      if (!(await once(60_000 + i))) errors++;
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return percentiles(samples, Number(process.hrtime.bigint() - start) / 1e9, errors);
  } finally {
    await pool.close();
  }
}

function report(rows: Row[]): string {
  const lines = ['| mode | measured | RPS | p50 ms | p99 ms | errors |', '|---|---|---:|---:|---:|---:|'];
  for (const r of rows)
    lines.push(
      `| ${r.mode} | ${r.what} | ${r.m.rps.toFixed(0)} | ${r.m.p50Ms.toFixed(3)} | ${r.m.p99Ms.toFixed(3)} | ${r.m.errors} |`,
    );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const stops: Array<() => Promise<void>> = [];
  try {
    const mockPort = await freePort();
    const mockUrl = `http://127.0.0.1:${mockPort}`;
    const mock = new NodeProcess(
      'mock-llm',
      join(repoRoot(), 'dist/apps/mock-llm/src/main.js'),
      { ...process.env, MOCK_LLM_PORT: String(mockPort) },
      repoRoot(),
    );
    stops.push(() => mock.stop());
    await waitUntil(async () => (await fetch(`${mockUrl}/v1/models`)).ok, 20_000, [mock]);
    const configPath = writeConfig(mockUrl);
    const rows: Row[] = [];

    const embedded = await startEmbeddedDeployment({ configPath, env: { LOG_LEVEL: 'error' } });
    try {
      rows.push(...(await exactTier('embedded', embedded)));
    } finally {
      await embedded.stop();
    }

    const pglite = await startPgliteProcess();
    stops.push(() => pglite.stop());
    const namespace = `bench${randomUUID().slice(0, 8)}`;
    const distributed = await startDistributedDeployment({
      configPath,
      env: { LOG_LEVEL: 'error', DATABASE_URL: pglite.url, BUS_NAMESPACE: namespace },
      startTimeoutMs: 90_000,
    });
    try {
      rows.push(...(await exactTier('distributed', distributed)));
      await seed(pglite.url);
      process.stderr.write('measuring the semantic tier…\n');
      rows.push({
        mode: 'distributed',
        what: `semantic lookup (cache.v1.lookup, ${SEEDED} entries)`,
        m: await semanticLookups(namespace),
      });
      rows.push({
        mode: 'distributed',
        what: `semantic hit over HTTP (${SEEDED} entries)`,
        m: await semanticHttp(distributed.origin),
      });
    } finally {
      await distributed.stop();
    }
    const p50 = (mode: string, what: string) =>
      rows.find((r) => r.mode === mode && r.what === what)?.m.p50Ms ?? NaN;
    const added = ['embedded', 'distributed']
      .map(
        (mode) =>
          `${mode}: ${(p50(mode, 'exact-tier hit') - p50(mode, 'bare request (no cache)')).toFixed(3)} ms`,
      )
      .join(', ');
    process.stdout.write(
      `\n${report(rows)}\n\nexact-tier hit minus bare request, p50: ${added}\n(node ${process.version}, ${SECONDS}s per exact-tier load, ${LOOKUPS} semantic lookups, one machine)\n`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
