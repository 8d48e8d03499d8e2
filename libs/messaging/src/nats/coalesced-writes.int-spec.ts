import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import type { NatsConnection } from 'nats';
import { StringCodec, connect } from 'nats';
import { coalesceWrites } from './coalesced-writes';

const NATS_URL = 'nats://127.0.0.1:4222';
const codec = StringCodec();

/** Publishes one message from each of `count` callbacks of one event-loop turn (as requests arrive). */
function publishFromCallbacksOfOneTurn(nc: NatsConnection, subject: string, count: number): Promise<void> {
  return new Promise((resolve) => {
    let left = count;
    for (let i = 0; i < count; i++)
      setImmediate(() => {
        nc.publish(subject, codec.encode(String(i)));
        if (--left === 0) resolve();
      });
  });
}

/** Socket writes carrying publishes (`PUB`) made while `run` runs, in this process. */
async function socketWrites(run: () => Promise<void>): Promise<number> {
  const write = jest.spyOn(Socket.prototype, 'write');
  try {
    await run();
    return write.mock.calls.filter(([chunk]) => Buffer.from(chunk as Uint8Array).includes('PUB ')).length;
  } finally {
    write.mockRestore();
  }
}

describe('coalesceWrites (real NATS)', () => {
  let publisher: NatsConnection;
  let receiver: NatsConnection;

  beforeEach(async () => {
    publisher = await connect({ servers: NATS_URL });
    receiver = await connect({ servers: NATS_URL });
  });

  afterEach(async () => {
    if (!publisher.isClosed()) await publisher.close();
    await receiver.close();
  });

  /** Subscribed (the server knows it) before it resolves; then the first `count` messages' texts. */
  async function subscribed(subject: string, count: number): Promise<{ messages: Promise<string[]> }> {
    const subscription = receiver.subscribe(subject, { max: count });
    await receiver.flush();
    const messages = (async () => {
      const texts: string[] = [];
      for await (const msg of subscription) texts.push(codec.decode(msg.data));
      return texts;
    })();
    return { messages };
  }

  /** 20 publishes from 20 callbacks of one turn: the socket writes they made, and what arrived. */
  async function publishedInOneTurn(): Promise<{ writes: number; messages: string[] }> {
    const subject = `coalesce.${randomUUID()}`;
    const { messages } = await subscribed(subject, 20);
    const writes = await socketWrites(async () => {
      await publishFromCallbacksOfOneTurn(publisher, subject, 20);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    });
    return { writes, messages: await messages };
  }

  it('writes the publishes of one turn once, and every message arrives in order', async () => {
    expect(coalesceWrites(publisher)).toBe(true);
    const { writes, messages } = await publishedInOneTurn();
    expect(writes).toBe(1);
    expect(messages).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });

  it('without it, nats.js writes once per callback (what the coalescing saves)', async () => {
    const { writes, messages } = await publishedInOneTurn();
    expect(writes).toBe(20);
    expect(messages).toHaveLength(20);
  });

  it.each(['flush', 'drain'] as const)(
    'leaves nothing behind: a %s right after publishing delivers every message',
    async (settle) => {
      coalesceWrites(publisher);
      const subject = `coalesce.${randomUUID()}`;
      const { messages } = await subscribed(subject, 3);
      for (const text of ['a', 'b', 'c']) publisher.publish(subject, codec.encode(text));
      await publisher[settle]();

      expect(await messages).toEqual(['a', 'b', 'c']);
    },
  );

  it('writes a buffer over nats.js threshold at once, without waiting for the turn to end', async () => {
    coalesceWrites(publisher);
    const subject = `coalesce.${randomUUID()}`;
    const big = 'x'.repeat(70_000);
    const writes = await socketWrites(async () => {
      publisher.publish(subject, codec.encode(big));
      await Promise.resolve();
    });
    expect(writes).toBe(1);
    await publisher.flush();
  });

  it('leaves a connection of another shape alone', () => {
    expect(coalesceWrites({} as NatsConnection)).toBe(false);
  });
});
