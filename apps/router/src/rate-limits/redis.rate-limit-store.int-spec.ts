import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { windowResetMs } from './fixed-window';
import { RedisRateLimitStore } from './redis.rate-limit-store';
import { describeRateLimitStoreBehaviour } from './test/rate-limit-store.behaviour';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
const prefix = `aigw.test.rl.${randomUUID().slice(0, 8)}`;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

/** Polls Redis's clock (the store's) until it has passed the end of the current window. */
async function nextWindow(windowMs: number): Promise<void> {
  const [seconds, micros] = await redis.time();
  const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const end = now + windowResetMs(now, windowMs);
  for (;;) {
    const [s, us] = await redis.time();
    if (Number(s) * 1000 + Math.floor(Number(us) / 1000) >= end) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let run = 0;
describeRateLimitStoreBehaviour('RedisRateLimitStore', () =>
  Promise.resolve({ store: new RedisRateLimitStore(redis, `${prefix}.${++run}`), nextWindow }),
);
