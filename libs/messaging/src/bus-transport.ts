import type { CustomTransportStrategy } from '@nestjs/microservices';
import type { BusClientProxy } from './bus.client';
import { DirectHandlers } from './direct-handlers';
import { InProcessBroker } from './in-process/in-process.broker';
import { InProcessClient } from './in-process/in-process.client';
import { InProcessServer } from './in-process/in-process.server';
import { BusNatsClient } from './nats/bus-nats.client';
import { BusNatsServer } from './nats/bus-nats.server';

/** The only thing that differs between the two run modes on the bus. */
export type BusTransport =
  | { readonly kind: 'nats'; readonly url: string; readonly namespace: string }
  | { readonly kind: 'in-process'; readonly broker: InProcessBroker };

export function inProcessTransport(): BusTransport {
  return { kind: 'in-process', broker: new InProcessBroker() };
}

/**
 * The server strategy of a service; on NATS it joins the queue group named after the service.
 * `direct`: handlers to call without Nest's RPC pipeline (filled as the service's module starts).
 */
export function createServerStrategy(
  service: string,
  transport: BusTransport,
  direct: DirectHandlers = new DirectHandlers(),
): CustomTransportStrategy {
  if (transport.kind === 'in-process') return new InProcessServer(transport.broker, direct);
  return new BusNatsServer(
    { url: transport.url, namespace: transport.namespace, queue: service, name: service },
    direct,
  );
}

export function createClientProxy(clientName: string, transport: BusTransport): BusClientProxy {
  if (transport.kind === 'in-process') return new InProcessClient(transport.broker);
  // ClientNats narrows the status type; it is a ClientProxy all the same.
  return new BusNatsClient({
    url: transport.url,
    namespace: transport.namespace,
    name: clientName,
  }) as unknown as BusClientProxy;
}
