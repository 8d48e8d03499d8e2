import { parseBase64DataUrl } from '../translation/data-url.mapper';
import { invalidRequest } from '../translation/openai-chat-request.reader';
import type { ChatMessage, ChatRequest, ToolChoice, UserPart } from '../translation/openai-chat.types';
import type {
  AnthropicMessage,
  AnthropicRequest,
  AnthropicRequestBlock,
  AnthropicToolChoice,
} from './anthropic-wire.types';

/** Anthropic requires `max_tokens`; this applies when neither the client nor the endpoint set one. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/**
 * An OpenAI chat request as a Messages API request: system messages hoisted into `system`, tool results
 * sent as `tool_result` blocks of a user turn, consecutive turns of one role merged (the API wants them
 * alternating), and `max_tokens` always set.
 */
export function toAnthropicRequest(request: ChatRequest, stream: boolean): AnthropicRequest {
  if (request.n !== 1) throw invalidRequest('n', 'Anthropic returns a single choice: n must be 1.');
  if (request.responseFormat !== null)
    throw invalidRequest(
      'response_format',
      'Anthropic does not support response_format: use a tool instead.',
    );
  const out: AnthropicRequest = {
    model: request.model,
    max_tokens: request.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages: toMessages(request.messages),
  };
  if (request.system.length > 0) out.system = request.system.join('\n\n');
  if (request.temperature !== null) out.temperature = request.temperature;
  if (request.topP !== null) out.top_p = request.topP;
  if (request.stop.length > 0) out.stop_sequences = [...request.stop];
  if (request.tools.length > 0) {
    out.tools = request.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description === null ? {} : { description: tool.description }),
      input_schema: tool.parameters ?? { type: 'object', properties: {} },
    }));
    const choice = toToolChoice(request.toolChoice, request.parallelToolCalls);
    if (choice) out.tool_choice = choice;
  }
  if (request.user !== null) out.metadata = { user_id: request.user };
  if (stream) out.stream = true;
  return out;
}

function toMessages(messages: readonly ChatMessage[]): AnthropicMessage[] {
  const out: AnthropicMessage[] = [];
  const push = (role: AnthropicMessage['role'], blocks: AnthropicRequestBlock[]) => {
    if (blocks.length === 0) return;
    const last = out.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  messages.forEach((message) => {
    if (message.role === 'user') push('user', message.parts.flatMap(userBlock));
    else if (message.role === 'tool')
      push('user', [
        { type: 'tool_result', tool_use_id: toolUseId(message.toolCallId), content: message.text },
      ]);
    else
      push('assistant', [
        ...textBlock(message.text),
        ...message.toolCalls.map((call): AnthropicRequestBlock => ({
          type: 'tool_use',
          id: toolUseId(call.id),
          name: call.name,
          input: call.arguments,
        })),
      ]);
  });
  return out;
}

/**
 * Tool-use ids must match `^[a-zA-Z0-9_-]+$`; ids minted by other vendors (a conversation that failed
 * over) may not, so other characters become `_`, the same way in the call and in its result.
 */
function toolUseId(id: string): string {
  return id.replace(/[^a-zA-Z0-9_-]/g, '_');
}

/** Empty text blocks are refused by the API, so they are left out. */
function textBlock(text: string): AnthropicRequestBlock[] {
  return text === '' ? [] : [{ type: 'text', text }];
}

function userBlock(part: UserPart): AnthropicRequestBlock[] {
  if (part.type === 'text') return textBlock(part.text);
  if (part.type === 'image') {
    if (/^https?:\/\//i.test(part.url)) return [{ type: 'image', source: { type: 'url', url: part.url } }];
    const inline = parseBase64DataUrl(part.url);
    if (inline === null || !IMAGE_TYPES.has(inline.mediaType))
      throw invalidRequest(
        'messages',
        'Anthropic takes images as https URLs or base64 data URLs of JPEG, PNG, GIF or WebP.',
      );
    return [{ type: 'image', source: { type: 'base64', media_type: inline.mediaType, data: inline.base64 } }];
  }
  const inline = parseBase64DataUrl(part.data);
  const title = part.filename === null ? {} : { title: part.filename };
  if (inline?.mediaType === 'application/pdf')
    return [
      {
        type: 'document',
        source: { type: 'base64', media_type: inline.mediaType, data: inline.base64 },
        ...title,
      },
    ];
  if (inline?.mediaType === 'text/plain') {
    const data = Buffer.from(inline.base64, 'base64').toString('utf8');
    return [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data }, ...title }];
  }
  throw invalidRequest('messages', 'Anthropic takes files as base64 data URLs of PDF or plain text.');
}

/** https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#controlling-claudes-output */
function toToolChoice(choice: ToolChoice | null, parallel: boolean | null): AnthropicToolChoice | null {
  const serial = parallel === false ? { disable_parallel_tool_use: true } : {};
  switch (choice?.type) {
    case undefined:
      return parallel === false ? { type: 'auto', ...serial } : null;
    case 'none':
      return { type: 'none' };
    case 'auto':
      return { type: 'auto', ...serial };
    case 'required':
      return { type: 'any', ...serial };
    case 'function':
      return { type: 'tool', name: choice.name, ...serial };
  }
}
