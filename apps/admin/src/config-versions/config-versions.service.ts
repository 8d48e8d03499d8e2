import type { OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { GatewayConfig } from '@aigw/config';
import { GATEWAY_CONFIG } from '@aigw/config';
import type { ConfigVersionReply } from '@aigw/contracts';
import { GatewayError } from '@aigw/contracts';
import { ConfigVersionsRepository } from './config-versions.repository';

@Injectable()
export class ConfigVersionsService implements OnApplicationBootstrap {
  readonly #logger = new Logger('ConfigVersions');

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly repository: ConfigVersionsRepository,
  ) {}

  /** Records the running configuration before the service answers anything; a failure stops the start. */
  async onApplicationBootstrap(): Promise<void> {
    await this.repository.recordIfAbsent(this.config.version, this.config.applications.length);
    this.#logger.log(`running configuration ${this.config.version} recorded`);
  }

  /** The running configuration and when it was first recorded. */
  async running(): Promise<ConfigVersionReply> {
    const { version } = this.config;
    let row;
    try {
      row = await this.repository.findByVersion(version);
    } catch (error: unknown) {
      throw new GatewayError('service_unavailable', 'The admin database is unavailable.', { cause: error });
    }
    if (row === null)
      throw new GatewayError('service_unavailable', `Configuration ${version} is not recorded yet.`);
    return { version: row.version, applications: row.applications, recordedAt: row.recordedAt.toISOString() };
  }
}
