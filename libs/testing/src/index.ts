export * from './gateway-harness';
export * from './node-process';
export * from './repo-paths';
export * from './dashboard-queries';
export * from './otlp-receiver';
export * from './throwaway-redis';
export * from './pglite-process';
export * from './prometheus-server';
