import type { MsPattern, ReadPacket, WritePacket } from '@nestjs/microservices';
import { ClientNats, NatsRecordBuilder } from '@nestjs/microservices';
import { GatewayError } from '@aigw/contracts';
import type { Msg, NatsConnection, NatsError } from 'nats';
import { createInbox } from 'nats';
import { cancelSubject, namespaced, splitRecord } from '../bus-record';
import { toNatsHeaders } from './nats-headers';

export interface BusNatsClientOptions {
  url: string;
  namespace: string;
  name: string;
}

/**
 * Nest's NATS client with the counterpart of BusNatsServer's additions: namespaced subjects, headers
 * from a BusRecord, a 503 when nobody subscribes (NATS "no responders"), and cancellation — giving up
 * on a reply before it finished publishes `<inbox>.cancel`.
 */
export class BusNatsClient extends ClientNats {
  constructor(private readonly busOptions: BusNatsClientOptions) {
    super({ servers: busOptions.url, name: busOptions.name, maxReconnectAttempts: -1 });
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
      const inbox = createInbox();
      let finished = false;
      const onPacket = (result: WritePacket) => {
        if (result.isDisposed || result.err) finished = true;
        callback(result);
      };
      const handler = this.createSubscriptionHandler(packet, onPacket) as (
        error: unknown,
        msg: Msg,
      ) => Promise<unknown>;
      const subscription = nc.subscribe(inbox, {
        callback: (error: NatsError | null, msg: Msg) => {
          if (!error && msg.data.length === 0 && msg.headers?.code === 503) {
            finished = true;
            return callback({
              err: new GatewayError('service_unavailable', `No service answers ${subject}.`).toWire(),
              isDisposed: true,
            });
          }
          void handler(error ?? undefined, msg);
        },
      });
      const options = serialized.headers ? { reply: inbox, headers: serialized.headers } : { reply: inbox };
      nc.publish(subject, serialized.data, options);
      return () => {
        if (!finished && !nc.isClosed()) nc.publish(cancelSubject(inbox));
        subscription.unsubscribe();
      };
    } catch (err) {
      callback({ err });
      return () => undefined;
    }
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
