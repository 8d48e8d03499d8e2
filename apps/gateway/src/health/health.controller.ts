import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import type { HealthReply } from '@aigw/contracts';
import { BUS_SERVICES, HEALTH_SUBJECTS, Subjects } from '@aigw/contracts';
import { BusClient } from '@aigw/messaging';
import type { FastifyReply } from 'fastify';
import type { NotQueuedCounter } from '../jobs/job-recorder';

/** Nest token of the gateway's job recorders, whose losses `/health` reports. */
export const JOB_RECORDERS = Symbol('JOB_RECORDERS');

const PROBE_TIMEOUT_MS = 1000;

/**
 * Liveness says the process serves HTTP and depends on nothing; readiness says a request can be
 * served (the router answers on the bus); `/health` shows every service the bus reaches.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly bus: BusClient,
    @Optional() @Inject(JOB_RECORDERS) private readonly recorders: readonly NotQueuedCounter[] = [],
  ) {}

  @Get('healthz')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    try {
      await this.bus.request<HealthReply>(Subjects.router.health, {}, { timeoutMs: PROBE_TIMEOUT_MS });
      void reply.send({ status: 'ok' });
    } catch {
      void reply.code(503).send({ status: 'unavailable', reason: 'the router does not answer on the bus' });
    }
  }

  @Get('health')
  async services(@Res() reply: FastifyReply): Promise<void> {
    const probes = await Promise.all(
      BUS_SERVICES.map(async (service) => {
        try {
          return await this.bus.request<HealthReply>(
            HEALTH_SUBJECTS[service],
            {},
            { timeoutMs: PROBE_TIMEOUT_MS },
          );
        } catch (error) {
          return { service, status: 'unavailable', reason: (error as Error).message };
        }
      }),
    );
    const ok = probes.every((p) => p.status === 'ok');
    // Jobs the gateway could not queue (Redis down) since it started, per queue: lost work.
    const notQueued = Object.fromEntries(this.recorders.map((r) => [r.name, r.notQueuedCount]));
    void reply
      .code(ok ? 200 : 503)
      .send({ status: ok ? 'ok' : 'degraded', services: probes, jobs: { notQueued } });
  }
}
