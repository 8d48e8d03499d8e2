import { startTelemetry } from '@aigw/observability';
// First: the Postgres instrumentation patches pg as it is required (the embedded PGlite speaks its wire).
startTelemetry('embedded', process.env);

import { closeOnSignals, exitOnStartupError } from '@aigw/messaging';
import { relative } from 'node:path';
import { startEmbedded } from './embedded';

async function main(): Promise<void> {
  const gateway = await startEmbedded(process.env);
  const models = gateway.config.applications.map((a) => `${a.id} (${a.type})`).join(', ');
  const lines = [
    '',
    `AI gateway (embedded mode) ready: ${gateway.baseUrl}`,
    `  models: ${models}`,
    gateway.mockLlmUrl
      ? '  upstream: the built-in mock provider (offline); see README "Use a real provider" for OpenAI and others'
      : '  upstream: the providers of your configuration',
    gateway.keyPath
      ? `  API key: export GATEWAY_API_KEY=$(cat ${displayPath(gateway.keyPath)})`
      : '  API key: the one in GATEWAY_API_KEY',
    gateway.adminKeyPath
      ? `  admin:   the admin API (README "Admin API"), key: export ADMIN_API_KEY=$(cat ${displayPath(gateway.adminKeyPath)})`
      : '  admin:   the admin API (README "Admin API"), with ADMIN_API_KEY or an ADMIN_JWT_SECRET token',
    `  try:     curl ${gateway.baseUrl}/chat/completions -H "Authorization: Bearer $GATEWAY_API_KEY" -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  closeOnSignals(() => gateway.close());
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

main().catch(exitOnStartupError);
