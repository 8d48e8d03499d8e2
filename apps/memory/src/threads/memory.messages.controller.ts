import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { MemoryLoadReply } from '@aigw/contracts';
import { GatewayError, MemoryLoadRequestSchema, Subjects } from '@aigw/contracts';
import { LoadThreadService } from './load-thread.service';

/** The memory service's bus API (its health subject is answered by the shared health controller). */
@Controller()
export class MemoryMessagesController {
  constructor(private readonly threads: LoadThreadService) {}

  @MessagePattern(Subjects.memory.load)
  async load(@Payload() payload: unknown): Promise<MemoryLoadReply> {
    const request = MemoryLoadRequestSchema.safeParse(payload);
    if (!request.success)
      throw new GatewayError(
        'invalid_request',
        'The x-thread-id header must be a thread id the gateway returned (a UUID).',
        { param: 'x-thread-id' },
      );
    return this.threads.load(request.data);
  }
}
