export * from './telemetry';
export * from './trace-headers';
