export * from './config-error';
export * from './env';
export * from './gateway-config.schema';
export * from './load-config';
export * from './secret';
export * from './tokens';
export * from './env-fragments';
export * from './memory-settings.schema';
