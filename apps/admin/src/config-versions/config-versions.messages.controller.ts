import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { ConfigVersionReply } from '@aigw/contracts';
import { Subjects } from '@aigw/contracts';
import { ConfigVersionsService } from './config-versions.service';

@Controller()
export class ConfigVersionsMessagesController {
  constructor(private readonly configVersions: ConfigVersionsService) {}

  @MessagePattern(Subjects.admin.configVersion)
  configVersion(): Promise<ConfigVersionReply> {
    return this.configVersions.running();
  }
}
