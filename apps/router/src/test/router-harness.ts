import { Test } from '@nestjs/testing';
import type { RouteRequest, RouterStreamEvent } from '@aigw/contracts';
import { LiveConfig, resolveConfig } from '@aigw/config';
import type { Env, GatewayConfig } from '@aigw/config';
import type { Observable } from 'rxjs';
import { RouterMessagesController } from '../router.messages.controller';
import { RouterModule } from '../router.module';
import type { Clock } from '../routing/clock';
import { CLOCK } from '../routing/clock';
import type { RateLimitStore } from '../rate-limits/rate-limit-store.interface';
import { RATE_LIMIT_STORE } from '../rate-limits/rate-limit-store.provider';

/** A clock the spec moves by hand. */
export class ManualClock implements Clock {
  constructor(private ms = Date.parse('2025-01-01T00:00:00Z')) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface RouterUnderTest {
  readonly controller: RouterMessagesController;
  readonly config: GatewayConfig;
  /** The router's live configuration: `offer` a newer revision to change it as a broadcast would. */
  readonly live: LiveConfig;
  /** A provider of the router's module, for specs that watch internal state. */
  get<T>(token: string | symbol | (abstract new (...args: never[]) => T)): T;
  close(): Promise<void>;
}

/** Boots `RouterModule.forRoot` in a Nest testing module (no transport) and hands back its controller. */
export async function startRouter(options: {
  readonly applications: readonly unknown[];
  readonly mockLlmUrl: string | null;
  /** Redis for state shared by router replicas; omitted: in memory, as in embedded mode. */
  readonly redisUrl?: string | null;
  readonly redisPrefix?: string;
  readonly clock?: Clock;
  readonly streamIdleTimeoutMs?: number;
  readonly env?: Env;
  /** More top-level configuration (`rateLimiting`, `auth`…). */
  readonly config?: Record<string, unknown>;
  readonly rateLimitStore?: RateLimitStore;
}): Promise<RouterUnderTest> {
  const config = resolveConfig(
    {
      auth: { required: false },
      server: { streamIdleTimeoutMs: options.streamIdleTimeoutMs ?? 5_000 },
      applications: options.applications,
      ...options.config,
    },
    options.env ?? {},
  );
  const live = LiveConfig.fromFile(config);
  let builder = Test.createTestingModule({
    imports: [
      RouterModule.forRoot({
        live,
        mockLlmUrl: options.mockLlmUrl,
        redisUrl: options.redisUrl ?? null,
        redisPrefix: options.redisPrefix ?? `aigw.test.${process.pid}`,
      }),
    ],
  });
  if (options.clock) builder = builder.overrideProvider(CLOCK).useValue(options.clock);
  if (options.rateLimitStore)
    builder = builder.overrideProvider(RATE_LIMIT_STORE).useValue(options.rateLimitStore);
  const moduleRef = await builder.compile();
  await moduleRef.init();
  return {
    controller: moduleRef.get(RouterMessagesController),
    config,
    live,
    get: <T>(token: string | symbol | (abstract new (...args: never[]) => T)) => moduleRef.get<T>(token),
    close: () => moduleRef.close(),
  };
}

let seq = 0;

export function routeRequest(
  applicationId: string,
  body: Record<string, unknown>,
  consumerId: string | null = null,
): RouteRequest {
  seq += 1;
  return { requestId: `req-${seq}`, applicationId, consumerId, body };
}

export const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: 'client-model',
  messages: [{ role: 'user', content: 'hello there mock' }],
  ...extra,
});

export interface StreamOutcome {
  readonly events: RouterStreamEvent[];
  readonly error: unknown;
}

/** Subscribes until the stream completes or errors. */
export function collect(stream: Observable<RouterStreamEvent>): Promise<StreamOutcome> {
  return new Promise((resolve) => {
    const events: RouterStreamEvent[] = [];
    stream.subscribe({
      next: (event) => events.push(event),
      error: (error: unknown) => resolve({ events, error }),
      complete: () => resolve({ events, error: null }),
    });
  });
}

/** Resolves with the rejection of `promise`, or fails if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
