export * from './bus-errors';
export * from './bus-record';
export * from './bus-transport';
export * from './bus.client';
export * from './health.controller';
export * from './rpc-error.filter';
export * from './start-bus-service';
export { InProcessBroker } from './in-process/in-process.broker';
