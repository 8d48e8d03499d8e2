import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..', '..');

export function repoPath(...parts: string[]): string {
  return join(ROOT, ...parts);
}

export function repoFileExists(...parts: string[]): boolean {
  return existsSync(repoPath(...parts));
}

export function readRepoFile(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8');
}

/** A YAML file of the repo, with `<<` merge keys resolved as Compose resolves them. */
export function readRepoYaml(...parts: string[]): unknown {
  return parse(readRepoFile(...parts), { merge: true });
}
