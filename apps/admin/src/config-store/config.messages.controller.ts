import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { ConfigGetReply, ConfigVersionReply } from '@aigw/contracts';
import { Subjects } from '@aigw/contracts';
import { ConfigStoreService } from './config-store.service';

/** The store on the bus: what services fetch to apply the configuration (and after `config.changed`). */
@Controller()
export class ConfigMessagesController {
  constructor(private readonly store: ConfigStoreService) {}

  @MessagePattern(Subjects.admin.configGet)
  async config(): Promise<ConfigGetReply> {
    const active = await this.store.active();
    return {
      revision: active.revision,
      version: active.version,
      document: active.document,
      activatedAt: active.createdAt.toISOString(),
    };
  }

  /** The active version, how many applications it declares, and since when it is active. */
  @MessagePattern(Subjects.admin.configVersion)
  async configVersion(): Promise<ConfigVersionReply> {
    const active = await this.store.active();
    const applications = Array.isArray(active.document.applications)
      ? active.document.applications.length
      : 0;
    return { version: active.version, applications, recordedAt: active.createdAt.toISOString() };
  }
}
