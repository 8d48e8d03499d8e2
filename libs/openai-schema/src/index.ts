export * from './requests.schema';
export * from './error-envelope';
