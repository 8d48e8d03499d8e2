import { Controller, Get, Res } from '@nestjs/common';
import { renderMetrics } from '@aigw/observability';
import type { FastifyReply } from 'fastify';

/**
 * Prometheus exposition of this process's metrics (in embedded mode: every service's). Unauthenticated
 * like any scrape target, so keep the gateway's port off the internet or scrape through a network
 * policy; labels never carry keys, consumers or prompts.
 */
@Controller()
export class PrometheusController {
  @Get('metrics')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const { contentType, body } = await renderMetrics();
    void reply.header('content-type', contentType).send(body);
  }
}
