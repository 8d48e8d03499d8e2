import type { RouteRequest } from '@aigw/contracts';
import { GatewayError, RouteRequestSchema } from '@aigw/contracts';

/** Validates a bus payload as a `RouteRequest`; a bad one is the caller's mistake. */
export function parseRouteRequest(payload: unknown): RouteRequest {
  const parsed = RouteRequestSchema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new GatewayError('invalid_request', `Invalid route request: ${problems}`);
}
