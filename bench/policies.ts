/**
 * `npm run bench:policies`: the router's policy cost (issue 3's target). One deployment serves two
 * applications over the same 10 mock endpoints: `plain` (priority order, nothing else) and `policies`
 * (weighted round robin, circuit breaker, retry budget, active health checks, per-endpoint rpm/tpm,
 * application and per-consumer request and token limits, a max_tokens cap — every limit far above the
 * load, so each request pays for every check without being refused). Concurrency 1, rounds alternate
 * between the two so drift on a shared machine hits both alike; each keeps its best round.
 * Prints the p50 of each and the difference, per mode. BENCH_SECONDS: length of one round (default 3).
 */
import { sha256Hex } from '@aigw/config';
import {
  NodeProcess,
  freePort,
  repoRoot,
  startDistributedDeployment,
  startEmbeddedDeployment,
  waitUntil,
} from '@aigw/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Load, Measurement } from './measure';
import { measureSerial } from './measure';

const KEY = 'sk-bench-policies-0000000000000';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ENDPOINTS = 10;

function writeConfig(mockUrl: string): string {
  const endpoints = (extra: (i: number) => string) =>
    Array.from(
      { length: ENDPOINTS },
      (_, i) =>
        `      - { id: e${i}, provider: openai-compatible, url: '${mockUrl}/e/e${i}/v1', allowPrivateNetwork: true${extra(i)} }`,
    ).join('\n');
  const path = join(mkdtempSync(join(tmpdir(), 'aigw-bench-policies-')), 'policies.yaml');
  writeFileSync(
    path,
    `auth:
  keys: [{ id: bench, sha256: ${sha256Hex(KEY)}, rateLimits: [{ requests: 100000000, window: day }] }]
applications:
  - id: plain
    type: chat
    endpoints:
${endpoints(() => '')}
  - id: policies
    type: chat
    routing:
      strategy: weighted
      fallbackStrategy: [rate_limiting, http_429, http_5xx, timeout, connection_error]
      circuitBreaker: { failureThreshold: 5, openMs: 30000 }
      retries: { budgetRatio: 0.2 }
    rateLimits:
      limits: [{ requests: 100000000, window: minute }, { tokens: 1000000000, tokenKind: total, window: minute }]
      perConsumer: [{ requests: 100000000, window: minute }, { tokens: 1000000000, window: hour }]
      maxTokens: { limit: 4096, action: cap }
    endpoints:
${endpoints((i) => `, weight: ${(i % 3) + 1}, rpm: 100000000, tpm: 1000000000, checks: { active: { path: /models, healthy: { interval: 1 }, unhealthy: { interval: 1 } } }`)}
`,
  );
  return path;
}

const body = (model: string) =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello, how are you?' }] });

async function best(load: Load): Promise<Measurement> {
  return measureSerial(load, SECONDS * 1000);
}

async function main(): Promise<void> {
  const mockPort = await freePort();
  const mockUrl = `http://127.0.0.1:${mockPort}`;
  const mock = new NodeProcess(
    'mock-llm',
    join(repoRoot(), 'dist/apps/mock-llm/src/main.js'),
    { ...process.env, MOCK_LLM_PORT: String(mockPort) },
    repoRoot(),
  );
  const lines = ['| mode | application | p50 ms | p99 ms | RPS | errors |', '|---|---|---:|---:|---:|---:|'];
  const summary: string[] = [];
  try {
    await waitUntil(async () => (await fetch(`${mockUrl}/v1/models`)).ok, 20_000, [mock]);
    const configPath = writeConfig(mockUrl);
    for (const [mode, start] of [
      ['embedded', startEmbeddedDeployment],
      ['distributed', startDistributedDeployment],
    ] as const) {
      process.stderr.write(`measuring ${mode}…\n`);
      const deployment = await start({ configPath, env: { LOG_LEVEL: 'error' } });
      try {
        const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };
        const loads = {
          plain: { url: deployment.origin, path: '/v1/chat/completions', body: body('plain'), headers },
          policies: { url: deployment.origin, path: '/v1/chat/completions', body: body('policies'), headers },
        };
        const results: Record<'plain' | 'policies', Measurement | null> = { plain: null, policies: null };
        for (let round = 0; round < ROUNDS; round++)
          for (const app of ['plain', 'policies'] as const) {
            const m = await best(loads[app]);
            const kept = results[app];
            if (kept === null || m.p50Ms < kept.p50Ms) results[app] = m;
          }
        for (const app of ['plain', 'policies'] as const) {
          const m = results[app]!;
          lines.push(
            `| ${mode} | ${app} | ${m.p50Ms.toFixed(3)} | ${m.p99Ms.toFixed(3)} | ${m.rps.toFixed(0)} | ${m.errors} |`,
          );
        }
        summary.push(
          `${mode}: every policy on adds ${(results.policies!.p50Ms - results.plain!.p50Ms).toFixed(3)} ms p50 (target ≤ 0.2)`,
        );
      } finally {
        await deployment.stop();
      }
    }
    process.stdout.write(
      `\n${lines.join('\n')}\n\n${summary.join('\n')}\n(node ${process.version}, ${ENDPOINTS} endpoints, best of ${ROUNDS} rounds of ${SECONDS}s, concurrency 1)\n`,
    );
  } finally {
    await mock.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
