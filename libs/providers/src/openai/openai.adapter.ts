import type { ProviderKind } from '@aigw/config';
import type { OpenAiDialect } from '../openai-compatible/openai-dialect.types';
import { OPENAI_DIALECT } from '../openai-compatible/openai-dialect.types';
import type { OpenAiCompatibleEndpoint } from '../openai-compatible/openai-compatible.adapter';
import { OpenAiCompatibleAdapter } from '../openai-compatible/openai-compatible.adapter';
import type { UpstreamHttpClient } from '../upstream/upstream-http.client';

export const OPENAI_DEFAULT_URL = 'https://api.openai.com/v1';

/** api.openai.com: `{url}/chat/completions` with `Authorization: Bearer`. */
export class OpenAiAdapter extends OpenAiCompatibleAdapter {
  override readonly provider: ProviderKind = 'openai';
  protected override readonly dialect: OpenAiDialect = OPENAI_DIALECT;

  constructor(
    http: UpstreamHttpClient,
    endpoint: OpenAiCompatibleEndpoint,
    url: string = OPENAI_DEFAULT_URL,
  ) {
    super(http, endpoint, url);
  }
}
