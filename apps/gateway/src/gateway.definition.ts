import type { LoggerService } from '@nestjs/common';
import { createClientProxy, BusClient } from '@aigw/messaging';
import type { ServiceRuntime } from '@aigw/messaging';
import type { UsageBatch } from '@aigw/contracts';
import { Queues } from '@aigw/contracts';
import { createStatefulFeatures } from './completions/follow-ups.factory';
import { createHttpApp } from './http/create-http-app';
import { UsageRecorder } from './usage/usage-recorder';

export interface RunningGateway {
  /** Base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:8080/v1 */
  readonly baseUrl: string;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** Serve Prometheus' `/metrics` on the API port (default); off when it has a port of its own. */
  readonly metricsOnApiPort?: boolean;
}

/** Starts the HTTP ingress on the given transport; used by main.ts and by the embedded launcher. */
export async function startGateway(
  runtime: ServiceRuntime,
  listen: { host: string; port: number },
  logger: LoggerService | false,
  options: GatewayOptions = {},
): Promise<RunningGateway> {
  const bus = new BusClient(createClientProxy('gateway', runtime.transport));
  await bus.connect();
  const usage = new UsageRecorder(runtime.jobs.get<UsageBatch>(Queues.usage.name));
  const stateful = createStatefulFeatures(runtime.live, bus, runtime.jobs);
  const app = await createHttpApp(
    runtime.live,
    bus,
    usage,
    logger,
    stateful,
    options.metricsOnApiPort ?? true,
  );
  await app.listen(listen.port, listen.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return {
    baseUrl: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/v1`,
    close: async () => {
      await app.close();
      await usage.flush();
      await bus.close();
    },
  };
}
