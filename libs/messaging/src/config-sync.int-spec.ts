import { Controller, Module } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { LiveConfig, parseConfigText, sha256Hex } from '@aigw/config';
import type { ConfigChangedEvent, ConfigGetReply } from '@aigw/contracts';
import { Subjects } from '@aigw/contracts';
import { randomUUID } from 'node:crypto';
import type { BusTransport } from './bus-transport';
import { createClientProxy, inProcessTransport } from './bus-transport';
import { BusClient } from './bus.client';
import { ConfigSync } from './config-sync';
import { startBusService } from './start-bus-service';

const NATS_URL = 'nats://127.0.0.1:4222';

/** A configuration document whose one key and one application name the revision. */
const document = (revision: number) => ({
  auth: { keys: [{ id: `key-${revision}`, sha256: sha256Hex(`secret-${revision}`) }] },
  applications: [{ id: `app-${revision}`, type: 'chat', endpoints: [{ id: 'main', provider: 'mock' }] }],
});

/** What the admin answers on `admin.v1.config.get`: the spec moves it (or takes the admin away). */
class ActiveRevision {
  static revision = 1;
  static invalid = false;
  static asked = 0;
  static reply(): ConfigGetReply {
    ActiveRevision.asked += 1;
    return {
      revision: ActiveRevision.revision,
      version: `v${ActiveRevision.revision}`,
      document: ActiveRevision.invalid
        ? { applications: [{ id: 'broken', type: 'chat', endpoints: [] }] }
        : document(ActiveRevision.revision),
      activatedAt: new Date().toISOString(),
    };
  }
}

@Controller()
class AdminStandIn {
  @MessagePattern(Subjects.admin.configGet)
  config(): ConfigGetReply {
    return ActiveRevision.reply();
  }
}

@Module({ controllers: [AdminStandIn] })
class AdminStandInModule {}

async function until(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what}: not met in time`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const fileConfig = () =>
  parseConfigText(
    `
auth: { keys: [{ id: from-file, sha256: ${sha256Hex('file-secret')} }] }
applications: [{ id: from-file, type: chat, endpoints: [{ id: main, provider: mock }] }]
`,
    {},
  );

const transports: Array<[string, () => BusTransport]> = [
  ['in-process', () => inProcessTransport()],
  ['nats', () => ({ kind: 'nats', url: NATS_URL, namespace: `sync-${randomUUID().slice(0, 8)}` })],
];

describe.each(transports)('ConfigSync over %s', (_name, makeTransport) => {
  let transport: BusTransport;
  let admin: INestMicroservice | null;
  let publisher: BusClient;
  const syncs: ConfigSync[] = [];

  const startAdmin = async () =>
    (admin = await startBusService({
      service: 'admin',
      module: { module: AdminStandInModule },
      transport,
      configVersion: () => 'stand-in',
      logger: false,
    }));
  const follower = async (checkIntervalMs = 0) => {
    const live = LiveConfig.fromFile(fileConfig());
    const sync = await ConfigSync.start({
      service: 'router',
      transport,
      live,
      env: {},
      keys: true,
      checkIntervalMs,
      logger: false,
    });
    syncs.push(sync);
    return live;
  };
  const announce = (event: ConfigChangedEvent) => publisher.emit(Subjects.config.changed, event);
  const appOf = (live: LiveConfig) => live.config.applications[0]?.id;

  beforeEach(async () => {
    transport = makeTransport();
    ActiveRevision.revision = 1;
    ActiveRevision.invalid = false;
    ActiveRevision.asked = 0;
    publisher = new BusClient(createClientProxy('admin-events', transport));
    await publisher.connect();
  });

  afterEach(async () => {
    for (const sync of syncs.splice(0)) await sync.close();
    await admin?.close();
    admin = null;
    await publisher.close();
  });

  it('starts on the admin revision when the admin answers', async () => {
    await startAdmin();
    const live = await follower();
    expect(live.current.revision).toBe(1);
    expect(appOf(live)).toBe('app-1');
    expect(live.config.auth.keys.map((k) => k.id)).toEqual(['key-1']);
  });

  it('keeps the file when the admin is not there, and catches up once it is', async () => {
    const live = await follower(50);
    expect(live.current.revision).toBe(0);
    expect(appOf(live)).toBe('from-file');
    await startAdmin();
    await until('the check found the admin', () => live.current.revision === 1);
    expect(appOf(live)).toBe('app-1');
  });

  it('delivers every change to every replica (no queue group)', async () => {
    await startAdmin();
    const replicas = [await follower(), await follower(), await follower()];
    ActiveRevision.revision = 2;
    await announce({ revision: 2, version: 'v2', previousVersion: 'v1' });
    await until('every replica applied revision 2', () =>
      replicas.every((live) => live.current.revision === 2),
    );
    expect(replicas.map(appOf)).toEqual(['app-2', 'app-2', 'app-2']);
  });

  it('ignores duplicate and late broadcasts by revision number, without asking the admin', async () => {
    await startAdmin();
    const live = await follower();
    ActiveRevision.revision = 3;
    await announce({ revision: 3, version: 'v3', previousVersion: 'v2' });
    await until('revision 3 applied', () => live.current.revision === 3);
    const asked = ActiveRevision.asked;
    const applied = live.current;
    await announce({ revision: 3, version: 'v3', previousVersion: 'v2' }); // duplicate
    await announce({ revision: 2, version: 'v2', previousVersion: 'v1' }); // late
    // A marker after them: once it is applied, the two before were seen (in order) and ignored.
    ActiveRevision.revision = 4;
    await announce({ revision: 4, version: 'v4', previousVersion: 'v3' });
    await until('revision 4 applied', () => live.current.revision === 4);
    expect(ActiveRevision.asked).toBe(asked + 1);
    expect(applied.config.applications[0]?.id).toBe('app-3');
  });

  it('repairs a missed broadcast with its periodic check', async () => {
    await startAdmin();
    const live = await follower(50);
    ActiveRevision.revision = 5; // committed, never announced
    await until('the check applied revision 5', () => live.current.revision === 5);
    expect(appOf(live)).toBe('app-5');
  });

  it('keeps its snapshot when the admin goes away, and when a revision does not resolve', async () => {
    await startAdmin();
    const live = await follower(50);
    await admin?.close();
    admin = null;
    const asked = ActiveRevision.asked;
    await announce({ revision: 9, version: 'v9', previousVersion: 'v1' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(live.current.revision).toBe(1);
    expect(ActiveRevision.asked).toBe(asked);

    ActiveRevision.revision = 9;
    ActiveRevision.invalid = true;
    await startAdmin();
    await until('the invalid revision was fetched', () => ActiveRevision.asked > asked);
    expect(live.current.revision).toBe(1);
    expect(appOf(live)).toBe('app-1');

    ActiveRevision.revision = 10;
    ActiveRevision.invalid = false;
    await until('the next valid revision applied', () => live.current.revision === 10);
  });
});
