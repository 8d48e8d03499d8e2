import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, waitUntil } from './node-process';

/** One sample of an instant query: the series' labels and its value. */
export interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

interface PromResponse<T> {
  readonly status: 'success' | 'error';
  readonly data: T;
  readonly error?: string;
}

interface PromTargets {
  readonly activeTargets: ReadonlyArray<{ readonly scrapeUrl: string; readonly health: string }>;
}

/** The `prometheus` binary on the PATH (Debian's package puts it in /usr/bin), or null. */
export function findPrometheus(): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'prometheus');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/**
 * A real Prometheus of the test's own: a generated configuration scraping the given origins'
 * `/metrics` every second, a throw-away TSDB, the HTTP API on a free loopback port.
 */
export class PrometheusServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
    private readonly output: string[],
  ) {}

  static async start(origins: readonly string[], timeoutMs = 30_000): Promise<PrometheusServer> {
    const binary = findPrometheus();
    if (binary === null)
      throw new Error("no prometheus on the PATH: install Debian's package (apt-get install -y prometheus)");
    const dir = mkdtempSync(join(tmpdir(), 'aigw-prometheus-'));
    const targets = origins.map((origin) => new URL(origin).host);
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: aigw',
        '    metrics_path: /metrics',
        `    static_configs: [{ targets: ${JSON.stringify(targets)} }]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    const child = spawn(
      binary,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output: string[] = [];
    const keep = (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const server = new PrometheusServer(child, dir, `http://127.0.0.1:${port}`, output);
    try {
      await waitUntil(async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited: ${output.slice(-5).join('\n')}`);
        return (await fetch(`${server.url}/-/ready`)).ok;
      }, timeoutMs);
      // Every target scraped once and up, so a query after the next interval sees fresh samples.
      await waitUntil(async () => {
        const { activeTargets } = await server.#api<PromTargets>('/api/v1/targets?state=active');
        return activeTargets.length === targets.length && activeTargets.every((t) => t.health === 'up');
      }, timeoutMs);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** An instant query through the HTTP API (`/api/v1/query`). */
  async query(expr: string): Promise<PromSample[]> {
    const data = await this.#api<{
      result: Array<{ metric: Record<string, string>; value: [number, string] }>;
    }>(`/api/v1/query?query=${encodeURIComponent(expr)}`);
    return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  describe(): string {
    return this.output.slice(-20).join('\n');
  }

  async #api<T>(path: string): Promise<T> {
    const body = (await (await fetch(`${this.url}${path}`)).json()) as PromResponse<T>;
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error ?? 'error'}`);
    return body.data;
  }
}
