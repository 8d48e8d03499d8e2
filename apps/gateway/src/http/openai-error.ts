import type { ErrorCode } from '@aigw/contracts';
import { GatewayError } from '@aigw/contracts';
import type { OpenAiErrorBody } from '@aigw/openai-schema';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { rateLimitHeaders } from './rate-limit-headers';

export function errorBody(error: GatewayError): OpenAiErrorBody {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

/**
 * Headers that go with an error: retry hints for 429s and 503s, in seconds and in milliseconds; and on a
 * 429 of the gateway's own limits, the `x-ratelimit-*` headers a success would have carried.
 */
export function errorHeaders(error: GatewayError): Record<string, string> {
  const limits = rateLimitHeaders(error.rateLimit);
  if (error.retryAfterMs === undefined) return limits;
  return {
    ...limits,
    'retry-after': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))),
    'retry-after-ms': String(Math.max(0, Math.round(error.retryAfterMs))),
  };
}

export function sendError(reply: FastifyReply, error: GatewayError): void {
  void reply.code(error.status).headers(errorHeaders(error)).send(errorBody(error));
}

/** Fastify's own errors (body parsing, limits) mapped to the explicit list of client-visible errors. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
};

export function fromHttpError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const e = error as { code?: string; statusCode?: number; message?: string };
  const code = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (code === 'invalid_json') return new GatewayError('invalid_json', 'The request body is not valid JSON.');
  if (code === 'payload_too_large')
    return new GatewayError('payload_too_large', 'The request body is larger than this gateway accepts.');
  if (code) return new GatewayError(code, e.message ?? 'Invalid request.');
  if (e instanceof SyntaxError)
    return new GatewayError('invalid_json', 'The request body is not valid JSON.');
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
    return new GatewayError('invalid_request', e.message ?? 'Invalid request.', { status: e.statusCode });
  return GatewayError.from(error);
}

/** A zod failure as OpenAI words it: the first problem, naming the parameter. */
export function validationError(error: z.ZodError, input: unknown): GatewayError {
  const issue = error.issues[0];
  if (!issue) return new GatewayError('invalid_request', 'Invalid request body.');
  const param = issue.path.reduce<string>(
    (acc, part) =>
      typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part),
    '',
  );
  const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
  const message = !param
    ? `Invalid request body: ${issue.message}.`
    : missing
      ? `Missing required parameter: '${param}'.`
      : `Invalid value for '${param}': ${issue.message}.`;
  return new GatewayError('invalid_request', message, { param: param || null });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
