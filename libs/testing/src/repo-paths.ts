import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The workspace root (the folder with nx.json), found from this file in src or in dist. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the workspace root (nx.json)');
    dir = parent;
  }
  return dir;
}

/** The compiled entry point of an app (`npm run build` puts every app under dist/apps). */
export function appEntry(app: string): string {
  const entry = join(repoRoot(), 'dist', 'apps', app, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
  return entry;
}
