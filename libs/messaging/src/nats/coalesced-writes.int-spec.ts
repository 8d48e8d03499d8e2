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

/** Socket writes made while `run` runs, in this process. */
async function socketWrites(run: () => Promise<void>): Promise<number> {
  const write = jest.spyOn(Socket.prototype, 'write');
  try {
    await run();
    return write.mock.calls.length;
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

  async function delivered(subject: string, count: number): Promise<string[]> {
    const messages: string[] = [];
    const subscription = receiver.subscribe(subject, { max: count });
    await receiver.flush();
    const done = (async () => {
      for await (const msg of subscription) messages.push(codec.decode(msg.data));
    })();
    return done.then(() => messages);
  }

  it('writes the publishes of one turn once, and every message arrives in order', async () => {
    expect(coalesceWrites(publisher)).toBe(true);
    const subject = `coalesce.${randomUUID()}`;
    const arriving = delivered(subject, 20);
    await new Promise((resolve) => setTimeout(resolve, 20));

    const writes = await socketWrites(async () => {
      await publishFromCallbacksOfOneTurn(publisher, subject, 20);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    });

    expect(writes).toBe(1);
    expect(await arriving).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });

  it('without it, nats.js writes once per callback (what the coalescing saves)', async () => {
    const subject = `coalesce.${randomUUID()}`;
    const arriving = delivered(subject, 20);
    await new Promise((resolve) => setTimeout(resolve, 20));

    const writes = await socketWrites(async () => {
      await publishFromCallbacksOfOneTurn(publisher, subject, 20);
      await new Promise((resolve) => setImmediate(resolve));
    });

    expect(writes).toBe(20);
    expect(await arriving).toHaveLength(20);
  });

  it.each(['flush', 'drain'] as const)(
    'leaves nothing behind: a %s right after publishing delivers every message',
    async (settle) => {
      coalesceWrites(publisher);
      const subject = `coalesce.${randomUUID()}`;
      const arriving = delivered(subject, 3);
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (const text of ['a', 'b', 'c']) publisher.publish(subject, codec.encode(text));
      await publisher[settle]();

      expect(await arriving).toEqual(['a', 'b', 'c']);
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
