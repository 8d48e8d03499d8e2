import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ConfigStoreService } from '../config-store/config-store.service';

/**
 * Probes of the admin HTTP listener: `/healthz` says the process serves (no dependency checked);
 * `/readyz` says it can serve the API: its database answers.
 */
@Controller()
export class AdminHealthController {
  constructor(private readonly store: ConfigStoreService) {}

  @Get('healthz')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    try {
      await this.store.ping();
      void reply.code(200).send({ status: 'ok' });
    } catch {
      void reply.code(503).send({ status: 'unavailable' });
    }
  }
}
