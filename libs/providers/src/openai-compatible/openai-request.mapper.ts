import type { EndpointOptions } from '../endpoint-settings/endpoint-body.mapper';
import { cappedMaxTokens, mergeEndpointOptions } from '../endpoint-settings/endpoint-body.mapper';
import type { OpenAiRequestBody, ProviderOperation } from '../provider-adapter.interface';
import type { OpenAiDialect } from './openai-dialect.types';
import { OPENAI_COMPATIBLE_DIALECT } from './openai-dialect.types';
import type { OpenAiPath } from './openai-wire.types';

export const OPENAI_PATHS: Readonly<Record<ProviderOperation, OpenAiPath>> = {
  chat: 'chat/completions',
  completions: 'completions',
  embeddings: 'embeddings',
};

export interface UpstreamModelSettings {
  /** The endpoint's `model`: replaces the client's when set. */
  readonly model?: string;
  readonly maxTokensCap?: number;
  readonly options?: EndpointOptions;
}

const MAX_TOKEN_FIELDS = ['max_tokens', 'max_completion_tokens'] as const;

/**
 * The body sent to an OpenAI-compatible upstream: the client's, with the endpoint's model, `stream` set
 * by the subject (not by the client), embeddings always requested as floats, `max_tokens` under the
 * endpoint's cap, the vendor's dialect applied, and the endpoint's `options` merged last.
 */
export function toUpstreamBody(
  operation: ProviderOperation,
  body: OpenAiRequestBody,
  endpoint: UpstreamModelSettings,
  stream: boolean,
  dialect: OpenAiDialect = OPENAI_COMPATIBLE_DIALECT,
): Record<string, unknown> {
  const upstream: Record<string, unknown> = { ...body };
  if (endpoint.model !== undefined) upstream.model = endpoint.model;
  if (stream) upstream.stream = true;
  else {
    delete upstream.stream;
    delete upstream.stream_options;
  }
  if (operation === 'embeddings') upstream.encoding_format = 'float';
  else if (endpoint.maxTokensCap !== undefined)
    capMaxTokens(operation, upstream, endpoint.maxTokensCap, dialect);
  applyDialect(upstream, dialect);
  return mergeEndpointOptions(upstream, endpoint.options);
}

function capMaxTokens(
  operation: ProviderOperation,
  body: Record<string, unknown>,
  cap: number,
  dialect: OpenAiDialect,
): void {
  let capped = false;
  for (const field of MAX_TOKEN_FIELDS) {
    const value = body[field];
    if (typeof value !== 'number') continue;
    body[field] = cappedMaxTokens(value, cap);
    capped = true;
  }
  if (!capped) body[operation === 'chat' ? dialect.maxTokensField : 'max_tokens'] = cap;
}

function applyDialect(body: Record<string, unknown>, dialect: OpenAiDialect): void {
  for (const field of dialect.drop ?? []) delete body[field];
  for (const [from, to] of Object.entries(dialect.rename ?? {})) {
    if (!(from in body)) continue;
    if (!(to in body)) body[to] = body[from];
    delete body[from];
  }
}

/** The model named in a body; empty when it names none. */
export function modelOf(body: Readonly<Record<string, unknown>>): string {
  return typeof body.model === 'string' ? body.model : '';
}
