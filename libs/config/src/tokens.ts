/** Nest injection token of the validated, resolved `GatewayConfig` of the running process. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
