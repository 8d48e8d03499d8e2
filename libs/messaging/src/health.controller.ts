import type { Type } from '@nestjs/common';
import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { BusServiceName, HealthReply } from '@aigw/contracts';
import { HEALTH_SUBJECTS } from '@aigw/contracts';
import { randomUUID } from 'node:crypto';

/**
 * Every bus service answers `<service>.v1.health`, so the gateway's readiness can reach each one;
 * `configVersion` names the configuration it serves now.
 */
export function healthControllerFor(service: BusServiceName, configVersion: () => string): Type<unknown> {
  const instanceId = `${service}-${randomUUID().slice(0, 8)}`;
  const startedAt = Date.now();

  @Controller()
  class HealthController {
    @MessagePattern(HEALTH_SUBJECTS[service])
    health(): HealthReply {
      return {
        service,
        instanceId,
        status: 'ok',
        uptimeMs: Date.now() - startedAt,
        configVersion: configVersion(),
      };
    }
  }
  return HealthController;
}
