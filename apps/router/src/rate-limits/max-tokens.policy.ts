import type { MaxTokensPolicy } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';

const FIELDS = ['max_tokens', 'max_completion_tokens'] as const;

/**
 * An application's `max_tokens` restriction. `cap` lowers a larger limit to the policy's (and sets
 * `max_tokens` when the client sent none, so every answer is bounded); `reject` refuses a larger limit
 * with a 400 naming the field. Returns the body to send upstream (the client's, when unchanged).
 */
export function applyMaxTokensPolicy(
  body: Readonly<Record<string, unknown>>,
  policy: MaxTokensPolicy | undefined,
): Readonly<Record<string, unknown>> {
  if (policy === undefined) return body;
  const given = FIELDS.filter((field) => typeof body[field] === 'number');
  if (policy.action === 'reject') {
    for (const field of given)
      if ((body[field] as number) > policy.limit)
        throw new GatewayError(
          'invalid_request',
          `Invalid value for '${field}': this application allows at most ${policy.limit} tokens, got ${String(body[field])}.`,
          { param: field },
        );
    return body;
  }
  if (given.length === 0) return { ...body, max_tokens: policy.limit };
  const capped: Record<string, unknown> = { ...body };
  for (const field of given) capped[field] = Math.min(body[field] as number, policy.limit);
  return capped;
}
