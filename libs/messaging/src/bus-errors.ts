import { Logger } from '@nestjs/common';
import type { WireError } from '@aigw/contracts';
import { GatewayError } from '@aigw/contracts';

/** Reply of a transport that has no handler for a subject it received. */
export const NO_HANDLER_ERROR = new GatewayError(
  'service_unavailable',
  'No service handles this request.',
).toWire();

/**
 * Maps whatever a transport client surfaced as an error to a GatewayError: wire errors keep their code;
 * Nest's own "no matching message handler" becomes 503; anything else is an opaque internal error.
 */
export function busErrorToGatewayError(error: unknown, subject: string): GatewayError {
  if (error instanceof GatewayError) return error;
  if (GatewayError.isWire(error)) return GatewayError.fromWire(error);
  const message =
    typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : error;
  if (typeof message === 'string' && message.includes('no matching message handler'))
    return new GatewayError('service_unavailable', `No service answers ${subject}.`);
  return GatewayError.from(error);
}

const logger = new Logger('RpcErrorFilter');

/**
 * The one place a service's errors become wire errors: a GatewayError crosses as its code, message and
 * status; anything else is logged here and crosses as an opaque `internal_error`.
 */
export function toWireError(exception: unknown): WireError {
  if (!(exception instanceof GatewayError) && !GatewayError.isWire(exception)) {
    const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
    logger.error(`unexpected error in a bus handler: ${detail}`);
  }
  return GatewayError.from(exception).toWire();
}
