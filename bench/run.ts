/**
 * `npm run bench`: one run, four targets, the same loads:
 *   (a) the mock upstream directly, (b) a minimal node:http + undici proxy (the floor for a Node proxy),
 *   (c) the gateway embedded, (d) the gateway distributed (separate processes over NATS).
 * Loads: non-streaming chat with a small body at concurrency 1 and 64, streaming chat at 16.
 * Prints RPS, p50, p99, errors, and each gateway's ratio to (a) and (b). Nothing here asserts a time:
 * the numbers are for people (and the README), measured on whatever machine runs it.
 * Then the tracing comparison: each gateway mode again with tracing on (the OpenTelemetry SDK exporting
 * OTLP/HTTP to a local sink), and the RPS ratio on/off per load (target ≥ 0.9).
 * BENCH_SECONDS sets the length of each concurrent load (default 5); BENCH_ONLY=tracing runs only the
 * gateway off/on pairs; BENCH_ROUNDS=n measures each gateway n times, off and on alternating (ABBA), and
 * keeps each target's best run: on a shared machine the noise is larger than the difference.
 */
import { sha256Hex } from '@aigw/config';
import type { RunningDeployment } from '@aigw/testing';
import {
  NodeProcess,
  OtlpReceiver,
  freePort,
  repoRoot,
  startDistributedDeployment,
  startEmbeddedDeployment,
  waitUntil,
} from '@aigw/testing';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Load, Measurement } from './measure';
import { measureConcurrent, measureSerial } from './measure';

const KEY = 'sk-bench-key-000000000000000000';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ONLY_TRACING = process.env.BENCH_ONLY === 'tracing';
const TRACED = '+tracing';
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const CHAT = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Hello, how are you?' }],
});
const STREAM = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Hello, how are you?' }],
  stream: true,
  stream_options: { include_usage: true },
});

interface Target {
  name: string;
  url: string;
  /** Processes whose CPU time is counted per request (Linux `/proc`), if any. */
  pids?: readonly number[];
}

interface Row {
  target: string;
  load: string;
  m: Measurement;
  /** CPU ms the target's processes spent per request: steadier than RPS on a shared machine. */
  cpuMsPerRequest: number | null;
}

/** User + system CPU ms of the processes so far (from `/proc/<pid>/stat`), or null off Linux. */
function cpuMs(pids: readonly number[]): number | null {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return null;
    }
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}
/** `getconf CLK_TCK` on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

function writeConfig(mockUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'aigw-bench-'));
  const path = join(dir, 'bench.yaml');
  writeFileSync(
    path,
    `auth:
  keys: [{ id: bench, sha256: ${sha256Hex(KEY)} }]
applications:
  - id: gpt-4o-mini
    type: chat
    endpoints:
      - { id: mock, provider: openai-compatible, url: '${mockUrl}/v1', allowPrivateNetwork: true }
`,
  );
  return path;
}

async function startProcess(
  name: string,
  script: string,
  env: Record<string, string>,
  url: string,
): Promise<NodeProcess> {
  const proc = new NodeProcess(name, script, { ...process.env, ...env }, repoRoot());
  await waitUntil(async () => (await fetch(url)).status < 500, 20_000, [proc]);
  return proc;
}

async function measureTarget(target: Target): Promise<Row[]> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };
  const chat: Load = { url: target.url, path: '/v1/chat/completions', body: CHAT, headers };
  const stream: Load = { ...chat, body: STREAM };
  process.stderr.write(`measuring ${target.name}…\n`);
  const pids = target.pids ?? [];
  const measured = async (load: string, run: (onMeasuring: () => void) => Promise<Measurement>) => {
    let before: number | null = null;
    const m = await run(() => (before = cpuMs(pids)));
    const after = cpuMs(pids);
    const cpuMsPerRequest =
      pids.length > 0 && before !== null && after !== null && m.requests > 0
        ? (after - before) / m.requests
        : null;
    return { target: target.name, load, m, cpuMsPerRequest };
  };
  return [
    await measured('chat c=1', (on) => measureSerial(chat, SECONDS * 1000, on)),
    await measured('chat c=64', (on) => measureConcurrent(chat, 64, SECONDS, on)),
    await measured('stream c=16', (on) => measureConcurrent(stream, 16, SECONDS, on)),
  ];
}

function report(rows: Row[]): string {
  const find = (target: string, load: string) => rows.find((r) => r.target === target && r.load === load)?.m;
  const lines = [
    `| target | load | RPS | p50 ms | p99 ms | errors | RPS vs upstream | RPS vs minimal proxy | added p50 ms vs upstream |`,
    `|---|---|---:|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const r of rows) {
    const direct = find('upstream', r.load);
    const proxy = find('minimal-proxy', r.load);
    const ratio = (base?: Measurement) => (base ? (r.m.rps / base.rps).toFixed(2) : '-');
    const added = direct ? (r.m.p50Ms - direct.p50Ms).toFixed(3) : '-';
    lines.push(
      `| ${r.target} | ${r.load} | ${r.m.rps.toFixed(0)} | ${r.m.p50Ms.toFixed(3)} | ${r.m.p99Ms.toFixed(3)} | ${r.m.errors} | ${ratio(direct)} | ${ratio(proxy)} | ${added} |`,
    );
  }
  return lines.join('\n');
}

/** Adds the measurements, keeping the higher-RPS one where a (target, load) was measured before. */
function keepBest(rows: Row[], measured: Row[]): void {
  for (const row of measured) {
    const i = rows.findIndex((r) => r.target === row.target && r.load === row.load);
    if (i < 0) rows.push(row);
    else if (row.m.rps > (rows[i]?.m.rps ?? 0)) rows[i] = row;
  }
}

/** Tracing on vs off, per gateway mode and load. */
function tracingReport(rows: Row[]): string {
  const lines = [
    '| target | load | RPS off | RPS on | on/off | CPU ms/req off | CPU ms/req on | CPU on/off |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  const cpu = (row?: Row) => (row?.cpuMsPerRequest == null ? '-' : row.cpuMsPerRequest.toFixed(3));
  for (const on of rows.filter((r) => r.target.endsWith(TRACED))) {
    const target = on.target.slice(0, -TRACED.length);
    const offRow = rows.find((r) => r.target === target && r.load === on.load);
    if (!offRow) continue;
    const off = offRow.m;
    const cpuRatio =
      on.cpuMsPerRequest != null && offRow.cpuMsPerRequest
        ? (on.cpuMsPerRequest / offRow.cpuMsPerRequest).toFixed(2)
        : '-';
    lines.push(
      `| ${target} | ${on.load} | ${off.rps.toFixed(0)} | ${on.m.rps.toFixed(0)} | ${(on.m.rps / off.rps).toFixed(2)} | ${cpu(offRow)} | ${cpu(on)} | ${cpuRatio} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const root = repoRoot();
  const stops: Array<() => Promise<void>> = [];
  try {
    const mockPort = await freePort();
    const mockUrl = `http://127.0.0.1:${mockPort}`;
    const mock = await startProcess(
      'mock-llm',
      join(root, 'dist/apps/mock-llm/src/main.js'),
      { MOCK_LLM_PORT: String(mockPort) },
      `${mockUrl}/v1/models`,
    );
    stops.push(() => mock.stop());

    const proxyPort = await freePort();
    const proxyUrl = `http://127.0.0.1:${proxyPort}`;
    const proxy = await startProcess(
      'minimal-proxy',
      join(root, 'dist/bench/minimal-proxy.js'),
      { PROXY_PORT: String(proxyPort), UPSTREAM_URL: mockUrl },
      `${proxyUrl}/v1/models`,
    );
    stops.push(() => proxy.stop());

    const sink = await OtlpReceiver.start({ keepSpans: false });
    stops.push(() => sink.close());
    // Tracing on: the SDK with its default batch processor, exporting OTLP/HTTP (protobuf) to the sink.
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url };

    const configPath = writeConfig(mockUrl);
    const rows: Row[] = [];
    if (!ONLY_TRACING) {
      rows.push(...(await measureTarget({ name: 'upstream', url: mockUrl })));
      rows.push(...(await measureTarget({ name: 'minimal-proxy', url: proxyUrl })));
    }
    for (const [name, start] of [
      ['gateway-embedded', startEmbeddedDeployment],
      ['gateway-distributed', startDistributedDeployment],
    ] as const) {
      const variants = [
        ['', {}],
        [TRACED, tracing],
      ] as const;
      for (let round = 0; round < ROUNDS; round++)
        for (const [suffix, env] of round % 2 === 0 ? variants : [...variants].reverse()) {
          const deployment: RunningDeployment = await start({
            configPath,
            env: { LOG_LEVEL: 'error', ...env },
          });
          try {
            const pids = deployment.processes.flatMap((p) => (p.pid === undefined ? [] : [p.pid]));
            keepBest(rows, await measureTarget({ name: `${name}${suffix}`, url: deployment.origin, pids }));
          } finally {
            await deployment.stop();
          }
        }
    }
    process.stdout.write(
      `\n${report(rows)}\n\nTracing on (OTLP to a local sink) vs off:\n\n${tracingReport(rows)}\n\n(node ${process.version}, ${SECONDS}s per concurrent load, same machine for every target)\n`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
