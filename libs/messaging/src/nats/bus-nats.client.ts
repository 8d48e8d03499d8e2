import type { MsPattern, ReadPacket, WritePacket } from '@nestjs/microservices';
import { ClientNats, NatsRecordBuilder } from '@nestjs/microservices';
import { GatewayError } from '@aigw/contracts';
import type { Msg, NatsConnection, NatsError, Subscription } from 'nats';
import { JSONCodec, createInbox } from 'nats';
import { cancelSubject, namespaced, splitRecord } from '../bus-record';
import type { HeaderRecord } from '@aigw/observability';
import type { UnaryReply, UnaryTransport } from '../unary-transport';
import { coalesceWrites } from './coalesced-writes';
import { fromNatsHeaders, toNatsHeaders } from './nats-headers';

/** What BusNatsServer replies: Nest's packet (`id`, then `response` or `err`, `isDisposed` on the last). */
interface ReplyPacket {
  id?: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface BusNatsClientOptions {
  url: string;
  namespace: string;
  name: string;
}

type ReplyHandler = (error: NatsError | null, msg: Msg) => void;

/**
 * One subscription for the replies of every request of a connection (`<inbox>.*`), each request
 * with a reply subject of its own under it: Nest's client subscribes and unsubscribes an inbox per
 * request, two more protocol operations and two updates of the server's subscription table each.
 */
class ReplyInbox {
  readonly #prefix = createInbox();
  readonly #handlers = new Map<string, ReplyHandler>();
  readonly #subscription: Subscription;
  #next = 0;

  constructor(readonly connection: NatsConnection) {
    this.#subscription = connection.subscribe(`${this.#prefix}.*`, {
      callback: (error, msg) => {
        if (error) for (const handler of this.#handlers.values()) handler(error, msg);
        else this.#handlers.get(msg.subject)?.(null, msg);
      },
    });
  }

  /** A reply subject routed to `handler` until `release`. */
  open(handler: ReplyHandler): string {
    const subject = `${this.#prefix}.${(this.#next += 1)}`;
    this.#handlers.set(subject, handler);
    return subject;
  }

  release(subject: string): void {
    this.#handlers.delete(subject);
  }

  get closed(): boolean {
    return this.#subscription.isClosed();
  }
}

/**
 * Nest's NATS client with the counterpart of BusNatsServer's additions: namespaced subjects, headers
 * from a BusRecord, a 503 when nobody subscribes (NATS "no responders"), and cancellation — giving up
 * on a reply before it finished publishes `<reply subject>.cancel`. Replies come through one shared
 * inbox subscription per connection (see ReplyInbox).
 */
export class BusNatsClient extends ClientNats implements UnaryTransport {
  #inbox: ReplyInbox | null = null;
  /** Packet ids of `requestOnce`: replies are told apart by their reply subject, the id only echoes. */
  #nextId = 0;

  constructor(private readonly busOptions: BusNatsClientOptions) {
    super({ servers: busOptions.url, name: busOptions.name, maxReconnectAttempts: -1 });
  }

  /** The connection, its publishes of one event-loop turn written together (see coalesceWrites). */
  override async createClient(): Promise<NatsConnection> {
    const connection = (await super.createClient()) as NatsConnection;
    coalesceWrites(connection);
    return connection;
  }

  /** What was published is written before the connection closes (its write may wait for the turn's end). */
  override async close(): Promise<void> {
    const nc = this.natsClient as NatsConnection | null;
    if (nc && !nc.isClosed()) await nc.flush().catch(() => undefined);
    await super.close();
  }

  #replyInbox(nc: NatsConnection): ReplyInbox {
    if (this.#inbox === null || this.#inbox.connection !== nc || this.#inbox.closed)
      this.#inbox = new ReplyInbox(nc);
    return this.#inbox;
  }

  /**
   * One request, one reply, without Nest's per-message Observable and packet handler: the packet is
   * Nest's JSON (`{ pattern, data, id }`), so BusNatsServer (Nest's strategy) reads it as any other.
   */
  requestOnce(subject: string, data: unknown, headers: HeaderRecord, reply: UnaryReply): () => void {
    const nc = this.natsClient as NatsConnection | null;
    if (!nc) {
      reply(new GatewayError('service_unavailable', 'The message bus is not connected.'));
      return () => undefined;
    }
    const destination = namespaced(this.busOptions.namespace, subject);
    const inbox = this.#replyInbox(nc);
    const replyTo = inbox.open((error: NatsError | null, msg: Msg) => {
      inbox.release(replyTo);
      if (error) return reply(error);
      if (msg.data.length === 0)
        return reply(
          msg.headers?.code === 503
            ? new GatewayError('service_unavailable', `No service answers ${destination}.`)
            : new GatewayError('internal_error', `Empty reply on ${destination}.`),
        );
      let packet: ReplyPacket;
      try {
        packet = JSON.parse(decoder.decode(msg.data)) as ReplyPacket;
      } catch (cause) {
        return reply(cause);
      }
      if (packet.err !== undefined && packet.err !== null) return reply(packet.err);
      if (!('response' in packet))
        return reply(new GatewayError('internal_error', `Empty reply on ${destination}.`));
      reply(null, packet.response);
    });
    try {
      const payload = encoder.encode(
        JSON.stringify({ pattern: subject, data, id: String((this.#nextId += 1)) }),
      );
      const natsHeaders = toNatsHeaders(headers);
      nc.publish(
        destination,
        payload,
        natsHeaders ? { reply: replyTo, headers: natsHeaders } : { reply: replyTo },
      );
    } catch (error) {
      inbox.release(replyTo);
      reply(error);
    }
    return () => inbox.release(replyTo);
  }

  protected override publish(partialPacket: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const nc = this.natsClient as NatsConnection | null;
    if (!nc) {
      callback({
        err: new GatewayError('service_unavailable', 'The message bus is not connected.').toWire(),
      });
      return () => undefined;
    }
    try {
      const packet = this.assignPacketId(partialPacket);
      const subject = namespaced(
        this.busOptions.namespace,
        this.normalizePattern(packet.pattern as MsPattern),
      );
      const { data, headers } = splitRecord(packet.data);
      const record = new NatsRecordBuilder(data).setHeaders(toNatsHeaders(headers)).build();
      const serialized = this.serializer.serialize({ ...packet, data: record }) as {
        data: Uint8Array;
        headers?: ReturnType<typeof toNatsHeaders>;
      };
      let finished = false;
      const onPacket = (result: WritePacket) => {
        if (result.isDisposed || result.err) finished = true;
        callback(result);
      };
      const handler = this.createSubscriptionHandler(packet, onPacket) as (
        error: unknown,
        msg: Msg,
      ) => Promise<unknown>;
      const inbox = this.#replyInbox(nc);
      const reply = inbox.open((error: NatsError | null, msg: Msg) => {
        if (!error && msg.data.length === 0 && msg.headers?.code === 503) {
          finished = true;
          return callback({
            err: new GatewayError('service_unavailable', `No service answers ${subject}.`).toWire(),
            isDisposed: true,
          });
        }
        void handler(error ?? undefined, msg);
      });
      const options = serialized.headers ? { reply, headers: serialized.headers } : { reply };
      nc.publish(subject, serialized.data, options);
      return () => {
        if (!finished && !nc.isClosed()) nc.publish(cancelSubject(reply));
        inbox.release(reply);
      };
    } catch (err) {
      callback({ err });
      return () => undefined;
    }
  }

  /**
   * Every message of an event subject, outside any queue group: each subscriber (each replica) gets
   * its own copy, as a broadcast needs. The payload is the event's data (Nest's `{ pattern, data }`).
   */
  listen(subject: string, handler: (data: unknown, headers: HeaderRecord) => void): () => void {
    const nc = this.natsClient as NatsConnection | null;
    if (!nc) throw new GatewayError('service_unavailable', 'The message bus is not connected.');
    const codec = JSONCodec<{ data?: unknown }>();
    const subscription = nc.subscribe(namespaced(this.busOptions.namespace, subject), {
      callback: (error, msg) => {
        if (error) return;
        let packet: { data?: unknown };
        try {
          packet = codec.decode(msg.data);
        } catch {
          return;
        }
        handler(packet.data, fromNatsHeaders(msg.headers));
      },
    });
    return () => subscription.unsubscribe();
  }

  protected override dispatchEvent<T = void>(packet: ReadPacket): Promise<T> {
    const nc = this.natsClient as NatsConnection | null;
    if (!nc)
      return Promise.reject(new GatewayError('service_unavailable', 'The message bus is not connected.'));
    const subject = namespaced(this.busOptions.namespace, this.normalizePattern(packet.pattern as MsPattern));
    const { data, headers } = splitRecord(packet.data);
    const record = new NatsRecordBuilder(data).setHeaders(toNatsHeaders(headers)).build();
    const serialized = this.serializer.serialize({ ...packet, data: record }) as {
      data: Uint8Array;
      headers?: ReturnType<typeof toNatsHeaders>;
    };
    nc.publish(subject, serialized.data, serialized.headers ? { headers: serialized.headers } : {});
    return Promise.resolve() as Promise<T>;
  }
}
