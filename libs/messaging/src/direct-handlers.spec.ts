import { Controller, Module, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import type { CallHandler, CanActivate, NestInterceptor, PipeTransform } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { GatewayError } from '@aigw/contracts';
import { lastValueFrom, of } from 'rxjs';
import { DirectHandlerScanner, DirectHandlers, answerDirect, callDirect } from './direct-handlers';

class Pass implements PipeTransform, CanActivate, NestInterceptor {
  transform(value: unknown): unknown {
    return value;
  }
  canActivate(): boolean {
    return true;
  }
  intercept(_context: unknown, next: CallHandler) {
    return next.handle();
  }
}

@Controller()
class Handlers {
  @MessagePattern('payload.only')
  payloadOnly(@Payload() payload: { n: number }): number {
    return payload.n + 1;
  }

  @MessagePattern('no.params')
  noParams(): string {
    return 'ok';
  }

  @MessagePattern('undecorated.payload')
  undecorated(payload: number): number {
    return payload * 10;
  }

  @MessagePattern('a.property')
  property(@Payload('n') n: number): number {
    return n;
  }

  @MessagePattern('a.context')
  withContext(@Payload() payload: unknown, @Ctx() ctx: unknown): unknown {
    return [payload, ctx];
  }

  @MessagePattern('undecorated.context')
  twoParams(payload: unknown, ctx: unknown): unknown {
    return [payload, ctx];
  }

  @MessagePattern('a.pipe')
  @UsePipes(Pass)
  piped(@Payload() payload: unknown): unknown {
    return payload;
  }

  @MessagePattern('a.guard')
  @UseGuards(Pass)
  guarded(): string {
    return 'guarded';
  }

  @EventPattern('an.event')
  event(): void {
    return undefined;
  }
}

@Controller()
@UseInterceptors(Pass)
class Intercepted {
  @MessagePattern('intercepted')
  handle(): string {
    return 'intercepted';
  }
}

describe('DirectHandlerScanner', () => {
  it('lists only the request handlers Nest would add nothing to, and calls them with the payload', async () => {
    const handlers = new DirectHandlers();
    @Module({
      imports: [DiscoveryModule],
      controllers: [Handlers, Intercepted],
      providers: [{ provide: DirectHandlers, useValue: handlers }, DirectHandlerScanner],
    })
    class Root {}
    const app = await NestFactory.createApplicationContext(Root, { logger: false });
    try {
      expect([...handlers.subjects].sort()).toEqual(['no.params', 'payload.only', 'undecorated.payload']);
      expect(await callDirect(handlers.get('payload.only') ?? fail(), { n: 41 })).toBe(42);
      expect(await callDirect(handlers.get('undecorated.payload') ?? fail(), 4)).toBe(40);
    } finally {
      await app.close();
    }
  });
});

describe('calling a direct handler', () => {
  const typed = () => {
    throw new GatewayError('rate_limit_exceeded', 'slow down', { retryAfterMs: 900 });
  };

  it('fails with the wire error, as RpcErrorFilter makes it, and hides untyped errors', async () => {
    await expect(callDirect(typed, null)).rejects.toMatchObject({ code: 'rate_limit_exceeded', status: 429 });
    const untyped = await callDirect(() => Promise.reject(new Error('secret detail')), null).catch(
      (e: unknown) => e,
    );
    expect(untyped).toMatchObject({ code: 'internal_error', status: 500 });
    expect(JSON.stringify(untyped)).not.toContain('secret');
  });

  it('answers one reply or a stream, never rejecting a reply', async () => {
    expect(await answerDirect(async (p) => p, 7)).toEqual({ response: 7 });
    expect(await answerDirect(typed, null)).toMatchObject({ err: { code: 'rate_limit_exceeded' } });
    const stream = answerDirect(() => of(1, 2), null);
    expect(await lastValueFrom(stream as never)).toBe(2);
    expect(await callDirect(() => of('first', 'second'), null)).toBe('first');
  });
});

function fail(): never {
  throw new Error('no direct handler');
}
