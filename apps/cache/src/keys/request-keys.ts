import type { CacheSettings } from '@aigw/config';
import type { CacheLookupRequest } from '@aigw/contracts';
import { canonicalJson, sha256 } from './canonical-json';

/** Bumped when normalisation changes, so entries written by older code are never matched. */
const KEY_VERSION = 1;

/** Fields that shape the transport or the bookkeeping, not the answer. */
const NOT_ANSWER_CHANGING = new Set(['stream', 'stream_options', 'user', 'metadata', 'store']);

/** Parameters sent with OpenAI's default value answer as if they were absent. */
const OPENAI_DEFAULTS: Readonly<Record<string, unknown>> = {
  temperature: 1,
  top_p: 1,
  n: 1,
  presence_penalty: 0,
  frequency_penalty: 0,
  parallel_tool_calls: true,
};

/** Roles whose messages instruct the model: never compared by similarity alone. */
const INSTRUCTION_ROLES = new Set(['system', 'developer']);

/** Longest text the semantic tier embeds; longer requests are matched by the exact tier only. */
export const MAX_SEARCH_TEXT_CHARS = 16_000;

export interface RequestKeys {
  /** The exact tier's key: scope and the whole normalised request. */
  readonly exactKey: string;
  /**
   * The semantic tier's partition: scope and everything but the searched text (system prompt, tools,
   * every answer-changing parameter, the shape of the conversation). Only entries with the same
   * context key are ever compared by similarity.
   */
  readonly contextKey: string;
  /** Scope of the entry: the consumer id for `perConsumer` applications, else ''. */
  readonly consumerScope: string;
  /** What the semantic tier embeds (`searchContent`); '' when there is nothing to compare. */
  readonly searchText: string;
}

type Message = Record<string, unknown>;

/**
 * The keys of one request. Normalisation: keys sorted, null and default-valued parameters dropped,
 * text-only content part lists read as the string they spell; `model` stays (two aliases of an
 * application may reach different upstream models).
 */
export function requestKeys(request: CacheLookupRequest, settings: CacheSettings): RequestKeys {
  const consumerScope = settings.perConsumer ? (request.consumerId ?? '') : '';
  const scope = {
    v: KEY_VERSION,
    app: request.applicationId,
    consumer: consumerScope,
    op: request.operation,
  };
  const params = answerParameters(request.body);

  let searched: string[];
  let context: unknown;
  if (request.operation === 'chat') {
    const messages = (Array.isArray(request.body['messages']) ? request.body['messages'] : []) as Message[];
    const normalised = messages.map(normaliseMessage);
    params['messages'] = normalised;
    const roles: readonly string[] = settings.searchContent.includeRoles;
    searched = [];
    // A searched message leaves its text to the similarity search and its shape (role, name, tool
    // calls) to the context; any other message (tool results, roles not searched) is context. The
    // system prompt is always context, matched exactly, also when it is searched too.
    const shapes = normalised.map((message) => {
      const content = message['content'];
      const role = String(message['role']);
      if (!roles.includes(role) || typeof content !== 'string') return message;
      searched.push(content);
      if (INSTRUCTION_ROLES.has(role)) return message;
      const { content: _text, ...shape } = message;
      return shape;
    });
    context = { ...params, messages: shapes };
  } else {
    const prompt = request.body['prompt'];
    params['prompt'] = prompt;
    searched = promptTexts(prompt);
    const { prompt: _prompt, ...rest } = params;
    context = rest;
  }
  const text = searched.join('\n').trim();
  return {
    exactKey: sha256(canonicalJson({ scope, request: params })),
    contextKey: sha256(canonicalJson({ scope, context })),
    consumerScope,
    searchText: text.length > MAX_SEARCH_TEXT_CHARS ? '' : text,
  };
}

function answerParameters(body: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === null || value === undefined || NOT_ANSWER_CHANGING.has(key)) continue;
    if (key in OPENAI_DEFAULTS && OPENAI_DEFAULTS[key] === value) continue;
    params[key] = value;
  }
  return params;
}

function normaliseMessage(message: Message): Message {
  const normalised: Message = {};
  for (const [key, value] of Object.entries(message)) {
    if (value === null || value === undefined) continue;
    normalised[key] = key === 'content' ? normaliseContent(value) : value;
  }
  return normalised;
}

/** `[{type:'text',text:'a'},{type:'text',text:'b'}]` is the string `ab`; other part lists stay as they are. */
function normaliseContent(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  const parts = content as Array<Record<string, unknown>>;
  if (!parts.every((p) => p['type'] === 'text' && typeof p['text'] === 'string')) return content;
  return parts.map((p) => p['text'] as string).join('');
}

function promptTexts(prompt: unknown): string[] {
  if (typeof prompt === 'string') return [prompt];
  if (Array.isArray(prompt) && prompt.every((p) => typeof p === 'string')) return prompt;
  // Token arrays: compared exactly (the exact tier), never by similarity.
  return [];
}
