import autocannon from 'autocannon';
import { Pool } from 'undici';

export interface Measurement {
  rps: number;
  /** Requests measured (after the warm-up). */
  requests: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface Load {
  url: string;
  path: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * Concurrency 1 with microsecond timing: autocannon reports whole milliseconds, too coarse for the
 * "added p50 ≤ 1 ms" targets, so this closed loop times each request with hrtime.
 */
export async function measureSerial(
  load: Load,
  durationMs: number,
  onMeasuring: () => void = () => undefined,
): Promise<Measurement> {
  const pool = new Pool(load.url, { connections: 1 });
  const once = async (): Promise<boolean> => {
    const { statusCode, body } = await pool.request({
      method: 'POST',
      path: load.path,
      headers: load.headers,
      body: load.body,
    });
    await body.dump({ limit: Infinity });
    return statusCode === 200;
  };
  for (let i = 0; i < 200; i++) await once(); // warm-up: JIT, pools, keep-alive connections
  onMeasuring();
  const samples: number[] = [];
  let errors = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(durationMs) * 1_000_000n;
  for (;;) {
    const t0 = process.hrtime.bigint();
    if (t0 > end) break;
    if (!(await once())) errors++;
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await pool.close();
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * p))] ?? NaN;
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    rps: samples.length / elapsedS,
    requests: samples.length,
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    errors,
  };
}

/** Throughput under concurrency, with autocannon (a warm-up second first). */
export async function measureConcurrent(
  load: Load,
  connections: number,
  durationS: number,
  onMeasuring: () => void = () => undefined,
): Promise<Measurement> {
  const options = {
    url: `${load.url}${load.path}`,
    method: 'POST' as const,
    headers: load.headers,
    body: load.body,
    connections,
  };
  await autocannon({ ...options, duration: 1 });
  onMeasuring();
  const result = await autocannon({ ...options, duration: durationS });
  return {
    rps: result.requests.average,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}
