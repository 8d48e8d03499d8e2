import type { GatewayConfig } from '@aigw/config';
import { resolveConfig } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import type { ConfigVersionEntity } from './config-version.entity';
import type { ConfigVersionsRepository } from './config-versions.repository';
import { ConfigVersionsService } from './config-versions.service';

const config: GatewayConfig = resolveConfig(
  {
    auth: { required: false },
    applications: [
      { id: 'chat', type: 'chat', endpoints: [{ id: 'mock', provider: 'mock' }] },
      { id: 'embed', type: 'embeddings', endpoints: [{ id: 'mock', provider: 'mock' }] },
    ],
  },
  {},
);

const repositoryWith = (found: () => Promise<ConfigVersionEntity | null>) => {
  const recorded: Array<[string, number]> = [];
  const repository = {
    recordIfAbsent: async (version: string, applications: number) =>
      void recorded.push([version, applications]),
    findByVersion: async () => found(),
  } satisfies Pick<ConfigVersionsRepository, 'recordIfAbsent' | 'findByVersion'>;
  return {
    recorded,
    service: new ConfigVersionsService(config, repository as unknown as ConfigVersionsRepository),
  };
};

describe('ConfigVersionsService', () => {
  it('records the running configuration on bootstrap', async () => {
    const { recorded, service } = repositoryWith(async () => null);
    await service.onApplicationBootstrap();
    expect(recorded).toEqual([[config.version, 2]]);
  });

  it('answers with the recorded row', async () => {
    const recordedAt = new Date('2026-01-02T03:04:05.678Z');
    const { service } = repositoryWith(async () => ({
      version: config.version,
      applications: 2,
      recordedAt,
    }));
    await expect(service.running()).resolves.toEqual({
      version: config.version,
      applications: 2,
      recordedAt: '2026-01-02T03:04:05.678Z',
    });
  });

  it.each([
    ['the row is missing', async () => null],
    ['the database fails', async () => Promise.reject(new Error('connection refused to 10.0.0.7'))],
  ])('answers service_unavailable when %s, without leaking details', async (_label, found) => {
    const { service } = repositoryWith(found);
    const error: unknown = await service.running().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('service_unavailable');
    expect((error as GatewayError).message).not.toContain('10.0.0.7');
  });
});
