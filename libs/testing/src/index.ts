export * from './gateway-harness';
export * from './node-process';
export * from './repo-paths';
export * from './throwaway-redis';
export * from './pglite-process';
