export * from './subjects';
export * from './errors';
export * from './router.schema';
export * from './health.schema';
export * from './usage.schema';
export * from './metrics.schema';
