import type { ProviderKind } from '@aigw/config';
import type { OpenAiDialect } from '../openai-compatible/openai-dialect.types';
import { OPENAI_COMPATIBLE_DIALECT } from '../openai-compatible/openai-dialect.types';

export type PresetKind = Extract<ProviderKind, 'deepseek' | 'mistral' | 'openrouter' | 'vllm' | 'ollama'>;

/** A vendor that speaks the OpenAI API: where it lives by default and how its API departs from it. */
export interface OpenAiCompatiblePreset {
  /** Null when every deployment has its own URL (self-hosted servers). */
  readonly defaultUrl: string | null;
  readonly dialect: OpenAiDialect;
}

/** Keys are sent as `Authorization: Bearer` unless the endpoint overrides `authHeader` / `authScheme`. */
export const OPENAI_COMPATIBLE_PRESETS: Readonly<Record<PresetKind, OpenAiCompatiblePreset>> = {
  // https://api-docs.deepseek.com/
  deepseek: { defaultUrl: 'https://api.deepseek.com/v1', dialect: OPENAI_COMPATIBLE_DIALECT },
  // https://docs.mistral.ai/api/ rejects unknown fields with 422 `extra_forbidden`: it has no
  // `stream_options` (the last chunk always carries the usage), no `max_completion_tokens`, and calls
  // the seed `random_seed`.
  mistral: {
    defaultUrl: 'https://api.mistral.ai/v1',
    dialect: {
      maxTokensField: 'max_tokens',
      drop: ['stream_options'],
      rename: { max_completion_tokens: 'max_tokens', seed: 'random_seed' },
    },
  },
  // https://openrouter.ai/docs/api-reference/overview
  openrouter: { defaultUrl: 'https://openrouter.ai/api/v1', dialect: OPENAI_COMPATIBLE_DIALECT },
  // https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html (key only with `--api-key`)
  vllm: { defaultUrl: null, dialect: OPENAI_COMPATIBLE_DIALECT },
  // https://github.com/ollama/ollama/blob/main/docs/openai.md (no key)
  ollama: { defaultUrl: 'http://127.0.0.1:11434/v1', dialect: OPENAI_COMPATIBLE_DIALECT },
};

export function isPresetKind(provider: ProviderKind): provider is PresetKind {
  return Object.hasOwn(OPENAI_COMPATIBLE_PRESETS, provider);
}
