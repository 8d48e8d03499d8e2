import type { INestMicroservice } from '@nestjs/common';
import type { BusTransport } from '@aigw/messaging';
import { startBusService } from '@aigw/messaging';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminStartup } from '../admin-startup';
import { AdminModule } from '../admin.module';
import { AdminApiClient } from './admin-api.client';
import type { TestDatabase } from './admin-databases';
import { machineDatabase } from './admin-databases';

export const NATS_URL = 'nats://127.0.0.1:4222';
/** The value of the provider key variable the test documents reference: it must never be returned. */
export const PROVIDER_SECRET = `sk-provider-${randomBytes(12).toString('hex')}`;
export const DOCUMENT_ENV = { PROVIDER_KEY: PROVIDER_SECRET };

export const INITIAL_YAML = `
auth:
  required: true
  keys:
    - id: local
      env: GATEWAY_API_KEY
applications:
  - id: chat
    type: chat
    description: Chat
    endpoints:
      - id: mock-chat
        provider: mock
      - id: upstream
        provider: openai-compatible
        url: https://llm.example.com/v1
        apiKeyEnv: PROVIDER_KEY
  - id: embed
    type: embeddings
    endpoints:
      - id: mock-embeddings
        provider: mock
`;

export interface RunningAdmin {
  readonly url: string;
  readonly api: AdminApiClient;
  readonly startup: AdminStartup;
  close(): Promise<void>;
}

/**
 * The admin service as its launchers start it (a bus service over real NATS, its own database on the
 * machine's Postgres, its REST API on a free loopback port), with a configuration file of its own.
 */
export class AdminFixture {
  readonly namespace = `t${randomUUID().slice(0, 8)}`;
  readonly adminKey = `sk-admin-${randomBytes(16).toString('hex')}`;
  readonly jwtSecret = randomBytes(32).toString('hex');
  readonly dir = mkdtempSync(join(tmpdir(), 'aigw-admin-'));
  readonly configFile = join(this.dir, 'gateway.yaml');
  database!: TestDatabase;

  get transport(): BusTransport {
    return { kind: 'nats', url: NATS_URL, namespace: this.namespace };
  }

  async setUp(yaml = INITIAL_YAML): Promise<void> {
    this.writeConfig(yaml);
    this.database = await machineDatabase();
  }

  writeConfig(yaml: string): void {
    writeFileSync(this.configFile, yaml);
  }

  async start(): Promise<RunningAdmin> {
    const app: INestMicroservice = await startBusService({
      service: 'admin',
      module: AdminModule.forRoot({
        databaseUrl: this.database.url,
        transport: this.transport,
        configFile: this.configFile,
        env: DOCUMENT_ENV,
        http: { host: '127.0.0.1', port: 0 },
        auth: { apiKey: this.adminKey, jwtSecret: this.jwtSecret },
      }),
      transport: this.transport,
      configVersion: () => 'test',
      logger: false,
    });
    const startup = app.get(AdminStartup);
    const url = startup.url;
    if (url === null) throw new Error('the admin API did not start');
    return { url, api: new AdminApiClient(url, this.adminKey), startup, close: () => app.close() };
  }

  async tearDown(): Promise<void> {
    await this.database.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
