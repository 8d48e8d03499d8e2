import { z } from 'zod';

/**
 * The OpenAI request bodies the gateway accepts, validated at the edge so a client's mistake is a 400
 * naming the field, never a 5xx from an upstream. Objects are loose: fields the gateway does not know
 * are passed through to the provider unchanged (new OpenAI parameters keep working).
 * Reference: https://platform.openai.com/docs/api-reference
 */
const TextPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const ContentPart = z.looseObject({ type: z.string() });
const Content = z.union([z.string(), z.array(ContentPart)]);

export const ChatMessageSchema = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content: z.union([z.string(), z.array(TextPart)]) }),
  z.looseObject({ role: z.literal('developer'), content: z.union([z.string(), z.array(TextPart)]) }),
  z.looseObject({ role: z.literal('user'), content: Content }),
  z.looseObject({ role: z.literal('assistant'), content: Content.nullable().optional() }),
  z.looseObject({ role: z.literal('tool'), content: Content, tool_call_id: z.string() }),
  z.looseObject({ role: z.literal('function'), content: z.string().nullable(), name: z.string() }),
]);

const StreamOptions = z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional();
const Temperature = z.number().min(0).max(2).nullable().optional();
const MaxTokens = z.number().int().positive().nullable().optional();
const Stop = z
  .union([z.string(), z.array(z.string()).max(4)])
  .nullable()
  .optional();

export const ChatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(ChatMessageSchema).min(1, 'messages must contain at least one message'),
  stream: z.boolean().nullable().optional(),
  stream_options: StreamOptions,
  temperature: Temperature,
  top_p: z.number().min(0).max(1).nullable().optional(),
  n: z.number().int().min(1).max(128).nullable().optional(),
  max_tokens: MaxTokens,
  max_completion_tokens: MaxTokens,
  stop: Stop,
  user: z.string().optional(),
  tools: z.array(z.looseObject({ type: z.string() })).optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

const TokenArray = z.array(z.number().int().nonnegative());
export const CompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  prompt: z.union([z.string(), z.array(z.string()), TokenArray, z.array(TokenArray)]),
  stream: z.boolean().nullable().optional(),
  stream_options: StreamOptions,
  temperature: Temperature,
  max_tokens: MaxTokens,
  stop: Stop,
  user: z.string().optional(),
});
export type CompletionRequest = z.infer<typeof CompletionRequestSchema>;

export const EmbeddingRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(2048),
    TokenArray.min(1),
    z.array(TokenArray).min(1).max(2048),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});
export type EmbeddingRequest = z.infer<typeof EmbeddingRequestSchema>;

export type Operation = 'chat' | 'completions' | 'embeddings';

export const REQUEST_SCHEMAS = {
  chat: ChatCompletionRequestSchema,
  completions: CompletionRequestSchema,
  embeddings: EmbeddingRequestSchema,
} as const;

/** Routes that name the application in the path (Azure deployments, the ganrad route) need no `model`. */
export const PATH_ROUTED_SCHEMAS = {
  chat: ChatCompletionRequestSchema.extend({ model: z.string().min(1).optional() }),
  completions: CompletionRequestSchema.extend({ model: z.string().min(1).optional() }),
  embeddings: EmbeddingRequestSchema.extend({ model: z.string().min(1).optional() }),
} as const;
