import type { MessageHandler, NatsOptions, WritePacket } from '@nestjs/microservices';
import { NatsContext, ServerNats } from '@nestjs/microservices';
import type { Span } from '@opentelemetry/api';
import { context } from '@opentelemetry/api';
import type { Msg, NatsConnection } from 'nats';
import type { Observable } from 'rxjs';
import { isObservable } from 'rxjs';
import { EVERY_CANCEL_SUBJECT, cancelSubject, namespaced } from '../bus-record';
import { NO_HANDLER_ERROR } from '../bus-errors';
import { recordSpanError, startConsumerSpan, traceErrors } from '../bus-tracing';
import type { DirectHandlers } from '../direct-handlers';
import { answerDirect } from '../direct-handlers';
import { coalesceWrites } from './coalesced-writes';
import { fromNatsHeaders } from './nats-headers';

export interface BusNatsServerOptions {
  url: string;
  /** Queue group: replicas of one service share the load. */
  queue: string;
  namespace: string;
  name: string;
}

interface IncomingPacket {
  id?: string;
  data: unknown;
}

/**
 * Nest's NATS strategy with three additions, all in the transport so handlers never see them:
 * the deployment namespace on every subject, a consumer span per message (child of the sender's, from
 * the W3C trace context of its headers) active while its handler runs and until its reply ends, and
 * cancellation — a client that goes away publishes `<reply>.cancel`, which
 * unsubscribes the handler's Observable (so a streaming upstream call is aborted by its teardown).
 */
export class BusNatsServer extends ServerNats {
  constructor(
    private readonly busOptions: BusNatsServerOptions,
    private readonly direct: DirectHandlers,
  ) {
    super({
      servers: busOptions.url,
      queue: busOptions.queue,
      name: busOptions.name,
      gracefulShutdown: true,
      gracePeriod: 1000,
    } satisfies NatsOptions['options']);
  }

  /** The streams being relayed, by their cancel subject: a cancel unsubscribes the handler's Observable. */
  readonly #streams = new Map<string, () => void>();

  /** The connection, its replies of one event-loop turn written together (see coalesceWrites). */
  override async createNatsClient(): Promise<NatsConnection> {
    const connection = (await super.createNatsClient()) as NatsConnection;
    coalesceWrites(connection);
    return connection;
  }

  override bindEvents(client: NatsConnection): void {
    client.subscribe(EVERY_CANCEL_SUBJECT, { callback: (_error, msg) => this.#streams.get(msg.subject)?.() });
    for (const [channel, handler] of this.getHandlers()) {
      const queue = (handler.extras?.queue as string | undefined) ?? this.busOptions.queue;
      client.subscribe(namespaced(this.busOptions.namespace, channel), {
        queue,
        callback: (error, msg) => {
          if (error) {
            this.logger.error(error);
            return;
          }
          void this.handleMessage(channel, msg);
        },
      });
    }
  }

  /** Plain-string subjects: read the map directly (Nest's lookup throws a SyntaxError per message). */
  override getHandlerByPattern(pattern: string): MessageHandler | null {
    return this.messageHandlers.get(pattern) ?? super.getHandlerByPattern(pattern);
  }

  override async handleMessage(channel: string, natsMsg: Msg): Promise<unknown> {
    const consumer = startConsumerSpan(channel, fromNatsHeaders(natsMsg.headers));
    return context.with(consumer.context, () =>
      this.dispatch(channel, natsMsg, consumer.span).catch((error: unknown) => {
        recordSpanError(consumer.span, error);
        consumer.span.end();
        throw error;
      }),
    );
  }

  /** Ends `span` once the message is handled: an event's handler returned, a reply (or stream) ended. */
  private async dispatch(channel: string, natsMsg: Msg, span: Span): Promise<unknown> {
    const ctx = new NatsContext([natsMsg.subject, natsMsg.headers]);
    const message = (await this.deserializer.deserialize(natsMsg.data, {
      channel,
      replyTo: natsMsg.reply,
    })) as IncomingPacket;
    if (message.id === undefined) {
      const handled: unknown = await this.handleEvent(channel, message as never, ctx);
      span.end();
      return handled;
    }

    const publish = this.getPublisher(natsMsg, message.id, ctx);
    const direct = this.direct.get(channel);
    if (direct !== undefined) {
      const answer = answerDirect(direct, message.data);
      if (isObservable(answer)) return this.relay(answer, natsMsg, publish, span);
      const reply = await answer;
      if ('err' in reply) recordSpanError(span, reply.err);
      span.end();
      return publish({ id: message.id, ...reply, isDisposed: true });
    }
    const handler = this.getHandlerByPattern(channel);
    if (!handler) {
      span.end();
      return publish({ id: message.id, err: NO_HANDLER_ERROR });
    }
    const result: unknown = await handler(message.data, ctx);
    if (!isObservable(result)) {
      // A request/reply handler's value (Nest resolves an async handler to it): one reply, no stream.
      const response: unknown = await result;
      span.end();
      return publish({ id: message.id, response, isDisposed: true });
    }
    return this.relay(this.transformToObservable(result), natsMsg, publish, span);
  }

  /** A stream's messages as replies until it ends, or until the client publishes `<reply>.cancel`. */
  private relay(
    stream: Observable<unknown>,
    natsMsg: Msg,
    publish: (packet: WritePacket) => Promise<unknown> | void,
    span: Span,
  ): undefined {
    const subscription = this.send(stream.pipe(traceErrors(span)), publish);
    subscription.add(() => span.end());
    if (natsMsg.reply && !subscription.closed) {
      const cancel = cancelSubject(natsMsg.reply);
      this.#streams.set(cancel, () => subscription.unsubscribe());
      subscription.add(() => this.#streams.delete(cancel));
    }
    return undefined;
  }
}
