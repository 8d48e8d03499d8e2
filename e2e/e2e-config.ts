import { sha256Hex } from '@aigw/config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FULL_KEY = 'sk-e2e-full-access-key-0000000000';
export const LIMITED_KEY = 'sk-e2e-limited-key-1111111111111';
/** The provider key the Azure endpoint must receive (and the only key the mock may ever see). */
export const AZURE_UPSTREAM_KEY = 'azure-upstream-secret-2222';
export const BODY_LIMIT = 64 * 1024;

/**
 * A configuration whose every endpoint is a named instance of one mock provider, so each scenario
 * (failover on 429, on 5xx, all busy, abort) scripts its own endpoints and never disturbs another.
 * The mock listens on loopback, which endpoints must be allowed to reach (`allowPrivateNetwork`).
 */
export function writeE2eConfig(mockUrl: string): string {
  const ep = (id: string, priority: number, extra = '') =>
    `      - { id: ${id}, provider: openai-compatible, url: '${mockUrl}/e/${id}/v1', priority: ${priority}, timeoutMs: 3000, allowPrivateNetwork: true${extra} }`;
  const chatApp = (id: string, endpoints: string[], models: string[] = []) =>
    [
      `  - id: ${id}`,
      '    type: chat',
      `    models: [${models.join(', ')}]`,
      '    endpoints:',
      ...endpoints,
    ].join('\n');
  const yaml = `
server:
  bodyLimitBytes: ${BODY_LIMIT}
  requestTimeoutMs: 20000
  streamIdleTimeoutMs: 5000
  trustProxy: ['127.0.0.1', '::1']
  headersTimeoutMs: 1000
  requestReceiveTimeoutMs: 3000
auth:
  required: true
  failedAttempts: { limit: 5, windowSeconds: 600 }
  keys:
    - { id: full, sha256: ${sha256Hex(FULL_KEY)}, applications: ['*'] }
    - { id: limited, sha256: ${sha256Hex(LIMITED_KEY)}, applications: [text-embedding-3-small] }
applications:
${chatApp('gpt-4o-mini', [ep('main', 0)], ['chat-alias'])}
${chatApp('failover-429', [ep('f429-primary', 0), ep('f429-backup', 1)])}
${chatApp('failover-5xx', [ep('f5xx-primary', 0), ep('f5xx-backup', 1)])}
${chatApp('all-busy', [ep('busy-a', 0), ep('busy-b', 1)])}
${chatApp('slow-stream', [ep('slow', 0)])}
  - id: text-embedding-3-small
    type: embeddings
    endpoints:
${ep('embed', 0)}
  - id: legacy
    type: completions
    endpoints:
${ep('legacy', 0)}
  - id: azure-chat
    type: chat
    endpoints:
      - { id: azure, provider: azure-openai, url: '${mockUrl}/e/azure', deployment: dep-1, apiVersion: '2024-10-21', apiKeyEnv: E2E_AZURE_KEY, allowPrivateNetwork: true }
`;
  const dir = mkdtempSync(join(tmpdir(), 'aigw-e2e-'));
  const path = join(dir, 'gateway.yaml');
  writeFileSync(path, yaml);
  return path;
}
