import type { ProviderKind } from '@aigw/config';
import type { OpenAiCompatibleEndpoint } from '../openai-compatible/openai-compatible.adapter';
import { OpenAiCompatibleAdapter } from '../openai-compatible/openai-compatible.adapter';
import type { OpenAiDialect } from '../openai-compatible/openai-dialect.types';
import type { UpstreamHttpClient } from '../upstream/upstream-http.client';
import type { PresetKind } from './openai-compatible.presets';
import { OPENAI_COMPATIBLE_PRESETS } from './openai-compatible.presets';

/** DeepSeek, Mistral, OpenRouter, vLLM, Ollama: the OpenAI-compatible base with a preset's defaults. */
export class OpenAiCompatiblePresetAdapter extends OpenAiCompatibleAdapter {
  override readonly provider: ProviderKind;
  protected override readonly dialect: OpenAiDialect;

  /** `url` overrides the preset's default base URL; a preset without one needs it. */
  constructor(http: UpstreamHttpClient, endpoint: OpenAiCompatibleEndpoint, kind: PresetKind, url?: string) {
    const preset = OPENAI_COMPATIBLE_PRESETS[kind];
    const baseUrl = url ?? preset.defaultUrl;
    if (baseUrl === null) throw new Error(`endpoint ${endpoint.id}: provider ${kind} needs a url`);
    super(http, endpoint, baseUrl);
    this.provider = kind;
    this.dialect = preset.dialect;
  }
}
