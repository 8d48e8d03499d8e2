import type { OnApplicationShutdown } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import type { ConfigChangedEvent } from '@aigw/contracts';
import { Subjects } from '@aigw/contracts';
import { BusClient } from '@aigw/messaging';

/**
 * Announces every committed change as `config.changed`. Core NATS is at-most-once: a service that
 * missed an event still converges by asking `admin.v1.config.get` (on start, or when it sees a
 * version it does not know in a later event), so a failed publish is logged, never an error of the
 * change that was already committed.
 */
@Injectable()
export class ConfigEventsPublisher implements OnApplicationShutdown {
  readonly #logger = new Logger('ConfigEvents');

  constructor(private readonly bus: BusClient) {}

  async changed(event: ConfigChangedEvent): Promise<void> {
    try {
      await this.bus.emit(Subjects.config.changed, event);
    } catch (error: unknown) {
      this.#logger.warn(
        `config.changed for ${event.version} not published: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
