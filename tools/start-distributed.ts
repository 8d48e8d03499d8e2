/**
 * `npm run start:distributed`: every service as its own process over the machine's NATS, Redis and
 * Postgres (URLs from env, localhost defaults), plus the mock provider when the config uses it.
 * Output of each process is prefixed with its name. Ctrl-C stops them all. In production each app runs
 * as its own container instead (`node dist/apps/<app>/src/main.js`, see deploy/).
 * REPLICAS="router=2,gateway=1" runs several processes of a service (they share its queue group).
 */
import { BUS_SERVICES } from '@aigw/contracts';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const env = { ...process.env };
const replicas = new Map(
  (env.REPLICAS ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const [name, count] = pair.split('=');
      return [name ?? '', Number(count ?? 1)] as const;
    }),
);
const children: ChildProcess[] = [];

function run(app: string, label: string, extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', app, 'src', 'main.js')], {
    env: { LOG_FORMAT: 'pretty', ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${label}] `;
  const relay = (target: NodeJS.WriteStream) => (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) target.write(prefix + line + '\n');
  };
  child.stdout?.on('data', relay(process.stdout));
  child.stderr?.on('data', relay(process.stderr));
  child.on('exit', (code, signal) => {
    process.stderr.write(`${prefix}exited (${signal ?? code})\n`);
    if (!stopping) stopAll(1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function stopAll(code: number): void {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(
    children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
  ).then(
    () => process.exit(code),
    () => process.exit(code),
  );
}

if (!env.MOCK_LLM_URL) {
  const port = env.MOCK_LLM_PORT ?? '4010';
  run('mock-llm', 'mock-llm', { MOCK_LLM_PORT: port });
  env.MOCK_LLM_URL = `http://127.0.0.1:${port}`;
}
for (const service of [...BUS_SERVICES, 'gateway']) {
  const count = replicas.get(service) ?? 1;
  for (let i = 0; i < count; i++)
    // Admin replicas after the first take a free port for their API (the first keeps ADMIN_PORT).
    run(
      service,
      count > 1 ? `${service}-${i}` : service,
      service === 'admin' && i > 0 ? { ADMIN_PORT: '0' } : {},
    );
}
process.once('SIGINT', () => stopAll(0));
process.once('SIGTERM', () => stopAll(0));
