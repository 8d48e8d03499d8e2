import type { OpenAiRequestBody, ProviderOperation } from '../provider-adapter.interface';
import type { OpenAiPath } from './openai-wire.types';

export const OPENAI_PATHS: Readonly<Record<ProviderOperation, OpenAiPath>> = {
  chat: 'chat/completions',
  completions: 'completions',
  embeddings: 'embeddings',
};

export interface UpstreamModelSettings {
  /** The endpoint's `model`: replaces the client's when set. */
  readonly model?: string;
}

/**
 * The body sent to an OpenAI-compatible upstream: the client's, with the endpoint's model, `stream` set
 * by the subject (not by the client), and embeddings always requested as floats.
 */
export function toUpstreamBody(
  operation: ProviderOperation,
  body: OpenAiRequestBody,
  endpoint: UpstreamModelSettings,
  stream: boolean,
): Record<string, unknown> {
  const upstream: Record<string, unknown> = { ...body };
  if (endpoint.model !== undefined) upstream.model = endpoint.model;
  if (stream) upstream.stream = true;
  else {
    delete upstream.stream;
    delete upstream.stream_options;
  }
  if (operation === 'embeddings') upstream.encoding_format = 'float';
  return upstream;
}

/** The model named in a body; empty when it names none. */
export function modelOf(body: Readonly<Record<string, unknown>>): string {
  return typeof body.model === 'string' ? body.model : '';
}
