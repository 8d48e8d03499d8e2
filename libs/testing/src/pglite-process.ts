import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NodeProcess, waitUntil } from './node-process';
import { repoRoot } from './repo-paths';

export interface PgliteProcess {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, with pgvector available. */
  readonly url: string;
  readonly process: NodeProcess;
  stop(): Promise<void>;
}

/**
 * The embedded Postgres (PGlite + pgvector) as its own process (`dist/apps/embedded/src/postgres.main.js`),
 * in memory: the database of a distributed deployment's cache service on a machine without pgvector.
 */
export async function startPgliteProcess(timeoutMs = 60_000): Promise<PgliteProcess> {
  const entry = join(repoRoot(), 'dist', 'apps', 'embedded', 'src', 'postgres.main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  const proc = new NodeProcess('pglite', entry, { ...env, PGLITE_PORT: '0' }, repoRoot());
  const readyUrl = () =>
    proc.output.map((line) => /^postgres ready: (\S+)$/.exec(line)?.[1]).find((url) => url !== undefined);
  try {
    await waitUntil(async () => readyUrl() !== undefined, timeoutMs, [proc]);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { url: readyUrl() ?? '', process: proc, stop: () => proc.stop() };
}
