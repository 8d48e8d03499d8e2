export * from './telemetry';
export * from './trace-headers';
export * from './logger';
