import { randomBytes } from 'node:crypto';

/**
 * A new gateway API key: `sk-aigw-` and 192 random bits (base64url). Clients present it; configs hold
 * only its SHA-256 (`sha256Hex`). Used by `npm run keygen` and by the admin API.
 */
export function generateApiKey(): string {
  return `sk-aigw-${randomBytes(24).toString('base64url')}`;
}
