import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A free loopback TCP port, for a service that must be told its port before it starts. Picked below
 * the kernel's ephemeral range: `listen(0)` would pick inside it, where any process's outgoing
 * connection (to NATS, Redis, Postgres) may take the port as its local end between this check and the
 * service's bind, which then fails with EADDRINUSE. No port is handed out twice by one test process.
 */
export async function freePort(): Promise<number> {
  const [low, high] = (reserved ??= reservedRange());
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free loopback port in ${low}-${high}`);
}

const handedOut = new Set<number>();
let reserved: [number, number] | null = null;

/** Ports no outgoing connection takes: from 10000 up to the ephemeral range (Linux: 32768 by default). */
function reservedRange(): [number, number] {
  let ephemeralLow = 32_768;
  try {
    ephemeralLow = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
  } catch {
    // not Linux: macOS and Windows start their ephemeral ranges at 49152
  }
  return [10_000, Math.max(ephemeralLow, 11_000)];
}

async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  const bound = await Promise.race([
    once(server, 'listening').then(() => true),
    once(server, 'error').then(() => false),
  ]);
  if (!bound) return false;
  server.close();
  await once(server, 'close');
  return true;
}

/** A child Node process whose output is kept (and shown if the test fails to start it). */
export class NodeProcess {
  readonly output: string[] = [];
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: Record<string, string | undefined>,
    private readonly cwd: string,
  ) {
    this.child = spawn(process.execPath, [script], { env: env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.output.length > 500) this.output.splice(0, this.output.length - 500);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
  }

  /** A new process started as this one was (same script, environment and folder). */
  again(): NodeProcess {
    return new NodeProcess(this.name, this.script, this.env, this.cwd);
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    const exit = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exit;
    clearTimeout(timer);
  }

  /** Kills it at once (SIGKILL: no graceful shutdown, as a crashed process or a node lost) and waits. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const exit = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exit;
  }

  describe(): string {
    return `--- ${this.name} (pid ${this.pid}) ---\n${this.output.slice(-40).join('\n')}`;
  }
}

/** Polls `check` until it resolves true; fails with `describe()` of the processes if it never does. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  processes: readonly NodeProcess[] = [],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    const dead = processes.find((p) => p.exited);
    if (dead) throw new Error(`${dead.name} exited during start-up\n${dead.describe()}`);
    if (Date.now() > deadline)
      throw new Error(`not ready after ${timeoutMs} ms\n${processes.map((p) => p.describe()).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
