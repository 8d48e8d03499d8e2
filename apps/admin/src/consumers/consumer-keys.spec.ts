import { ApiKeySchema, resolveConfig, sha256Hex } from '@aigw/config';
import { REVOKED_SHA256, consumerView, newKey, withKey } from './consumer-keys';

describe('consumer keys', () => {
  it('generates keys in the keygen format, each different, with the SHA-256 of the key', () => {
    const a = newKey();
    const b = newKey();
    expect(a.key).toMatch(/^sk-aigw-[A-Za-z0-9_-]{32}$/);
    expect(a.key).not.toBe(b.key);
    expect(a.sha256).toBe(sha256Hex(a.key));
  });

  it('stores a generated key as a sha256 entry the loader accepts and resolves to that key', () => {
    const { key, sha256 } = newKey();
    const entry = withKey({ id: 'team-a', env: 'TEAM_A_KEY', applications: ['chat'] }, sha256);
    expect(entry).toEqual({ id: 'team-a', applications: ['chat'], sha256 });
    expect(ApiKeySchema.safeParse(entry).success).toBe(true);
    const config = resolveConfig(
      {
        auth: { keys: [entry] },
        applications: [{ id: 'chat', type: 'chat', endpoints: [{ id: 'm', provider: 'mock' }] }],
      },
      {},
    );
    expect(config.auth.keys[0]?.sha256).toBe(sha256Hex(key));
  });

  it.each([
    [
      { id: 'a', sha256: 'ab'.repeat(32) },
      { id: 'a', credential: { kind: 'key', fingerprint: 'abababab' } },
    ],
    [
      { id: 'b', env: 'B_KEY' },
      { id: 'b', env: 'B_KEY', credential: { kind: 'env', env: 'B_KEY' } },
    ],
    [
      { id: 'c', sha256: REVOKED_SHA256 },
      { id: 'c', credential: { kind: 'revoked' } },
    ],
  ])('shows %j without its digest', (entry, view) => {
    expect(consumerView(entry)).toEqual(view);
    expect(JSON.stringify(consumerView(entry))).not.toContain('ab'.repeat(32));
  });
});
