import type { MsPattern, ReadPacket, WritePacket } from '@nestjs/microservices';
import { ClientProxy } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import { splitRecord } from '../bus-record';
import type { HeaderRecord } from '@aigw/observability';
import type { UnaryReply, UnaryTransport } from '../unary-transport';
import type { InProcessBroker } from './in-process.broker';

/** The client side of the in-process transport; the teardown it returns is the cancellation. */
export class InProcessClient extends ClientProxy implements UnaryTransport {
  constructor(private readonly broker: InProcessBroker) {
    super();
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {}

  unwrap<T>(): T {
    return this.broker as T;
  }

  requestOnce(subject: string, data: unknown, headers: HeaderRecord, reply: UnaryReply): () => void {
    let waiting = true;
    this.broker.call(subject, data, headers).then(
      (response) => {
        if (waiting) reply(null, response);
      },
      (error: unknown) => {
        if (waiting) reply(error ?? new Error(`no reply on ${subject}`));
      },
    );
    return () => {
      waiting = false;
    };
  }

  /**
   * A stream's messages straight from the server's Observable: Nest's `send` adds a connect step, a
   * mergeMap and a packet callback per message, for a call that crosses no process.
   */
  stream(subject: string, data: unknown, headers: HeaderRecord): Observable<unknown> {
    return this.broker.request(subject, data, headers);
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const { data, headers } = splitRecord(packet.data);
    const subscription = this.broker
      .request(this.normalizePattern(packet.pattern as MsPattern), data, headers)
      .subscribe({
        next: (response) => callback({ response }),
        error: (err: unknown) => callback({ err, isDisposed: true }),
        complete: () => callback({ isDisposed: true }),
      });
    return () => subscription.unsubscribe();
  }

  protected dispatchEvent<T = void>(packet: ReadPacket): Promise<T> {
    const { data, headers } = splitRecord(packet.data);
    return this.broker.emit(this.normalizePattern(packet.pattern as MsPattern), data, headers) as Promise<T>;
  }
}
