import { parseEnv } from '@aigw/config';
import { startMockLlm } from '@aigw/mock-llm';
import { MockLlmEnvSchema } from './env.schema';

/** The mock LLM upstream as a standalone process, for dev mode and benchmarks. */
async function main(): Promise<void> {
  const env = parseEnv(MockLlmEnvSchema, process.env);
  const mock = await startMockLlm({
    host: env.MOCK_LLM_HOST,
    port: env.MOCK_LLM_PORT,
    maxRecordedRequests: env.MOCK_LLM_MAX_RECORDED_REQUESTS,
  });
  process.stdout.write(`mock-llm listening on ${mock.url}\n`);

  let stopping = false;
  const stop = (): void => {
    // A second signal while closing means "now".
    if (stopping) process.exit(1);
    stopping = true;
    mock.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`mock-llm: error while closing: ${describe(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

main().catch((error: unknown) => {
  process.stderr.write(`mock-llm failed to start: ${describe(error)}\n`);
  process.exit(1);
});
