import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded mode's first-run keys: generated once into `<dataDir>/api-key` (the gateway's) and
 * `<dataDir>/admin-key` (the admin API's), mode 0600, so the first request works without editing
 * anything. A key itself is never logged; the start-up log says where it is.
 */
export function ensureDevKey(dataDir: string, name = 'api-key'): { key: string; path: string } {
  const path = join(dataDir, name);
  if (existsSync(path)) return { key: readFileSync(path, 'utf8').trim(), path };
  mkdirSync(dataDir, { recursive: true });
  const key = `sk-aigw-${randomBytes(24).toString('base64url')}`;
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { key, path };
}
