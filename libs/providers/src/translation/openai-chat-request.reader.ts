import { GatewayError } from '@aigw/contracts';
import { cappedMaxTokens, isPlainObject } from '../endpoint-settings/endpoint-body.mapper';
import type { OpenAiRequestBody } from '../provider-adapter.interface';
import type {
  AssistantMessage,
  ChatMessage,
  ChatRequest,
  ResponseFormat,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  UserPart,
} from './openai-chat.types';

/** The endpoint settings that shape a request before translation. */
export interface ChatRequestSettings {
  readonly model?: string;
  readonly maxTokensCap?: number;
}

/** A request the provider cannot serve as asked: a 400 naming the field, so the client can fix it. */
export function invalidRequest(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}

/**
 * Reads an OpenAI chat request (already validated in shape by the gateway) into the typed form the
 * translators map from. Anything a translator could not carry faithfully is a 400 naming the field.
 */
export function readChatRequest(body: OpenAiRequestBody, settings: ChatRequestSettings): ChatRequest {
  const system: string[] = [];
  const messages: ChatMessage[] = [];
  list(body.messages, 'messages').forEach((raw, i) => {
    const at = `messages[${i}]`;
    const message = object(raw, at);
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(text(message.content, `${at}.content`));
        return;
      case 'user':
        messages.push({ role: 'user', parts: userParts(message.content, `${at}.content`) });
        return;
      case 'assistant':
        messages.push(assistantMessage(message, at));
        return;
      case 'tool':
        messages.push({
          role: 'tool',
          toolCallId: string(message.tool_call_id, `${at}.tool_call_id`),
          text: text(message.content, `${at}.content`),
        });
        return;
      default:
        throw invalidRequest(
          `${at}.role`,
          `Messages with role ${String(message.role)} are not supported by this provider: use tools.`,
        );
    }
  });
  const streamOptions = body.stream_options;
  return {
    model: settings.model ?? (typeof body.model === 'string' ? body.model : ''),
    system,
    messages,
    maxTokens: cappedMaxTokens(
      optionalNumber(body, 'max_completion_tokens') ?? optionalNumber(body, 'max_tokens'),
      settings.maxTokensCap,
    ),
    temperature: optionalNumber(body, 'temperature'),
    topP: optionalNumber(body, 'top_p'),
    stop: stopSequences(body.stop),
    n: optionalNumber(body, 'n') ?? 1,
    seed: optionalNumber(body, 'seed'),
    presencePenalty: optionalNumber(body, 'presence_penalty'),
    frequencyPenalty: optionalNumber(body, 'frequency_penalty'),
    tools: body.tools == null ? [] : list(body.tools, 'tools').map(toolDefinition),
    toolChoice: toolChoice(body.tool_choice),
    parallelToolCalls: typeof body.parallel_tool_calls === 'boolean' ? body.parallel_tool_calls : null,
    responseFormat: responseFormat(body.response_format),
    user: typeof body.user === 'string' ? body.user : null,
    includeUsage: isPlainObject(streamOptions) && streamOptions.include_usage === true,
  };
}

function userParts(content: unknown, at: string): UserPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return list(content, at).map((raw, j): UserPart => {
    const part = object(raw, `${at}[${j}]`);
    switch (part.type) {
      case 'text':
        return { type: 'text', text: string(part.text, `${at}[${j}].text`) };
      case 'image_url': {
        const image = part.image_url;
        const url =
          typeof image === 'string'
            ? image
            : string(object(image, `${at}[${j}].image_url`).url, `${at}[${j}].image_url.url`);
        return { type: 'image', url };
      }
      case 'file': {
        const file = object(part.file, `${at}[${j}].file`);
        if (typeof file.file_data !== 'string')
          throw invalidRequest(
            `${at}[${j}].file`,
            'Only files sent inline (file_data) are supported, not file ids.',
          );
        return {
          type: 'file',
          data: file.file_data,
          filename: typeof file.filename === 'string' ? file.filename : null,
        };
      }
      default:
        throw invalidRequest(
          `${at}[${j}].type`,
          `Content parts of type ${String(part.type)} are not supported by this provider.`,
        );
    }
  });
}

function assistantMessage(message: Record<string, unknown>, at: string): AssistantMessage {
  const content = message.content == null ? '' : text(message.content, `${at}.content`, ['text', 'refusal']);
  const calls = message.tool_calls == null ? [] : list(message.tool_calls, `${at}.tool_calls`);
  return {
    role: 'assistant',
    text: content,
    toolCalls: calls.map((raw, j): ToolCall => {
      const call = object(raw, `${at}.tool_calls[${j}]`);
      const fn = object(call.function, `${at}.tool_calls[${j}].function`);
      return {
        id: string(call.id, `${at}.tool_calls[${j}].id`),
        name: string(fn.name, `${at}.tool_calls[${j}].function.name`),
        arguments: toolArguments(fn.arguments, `${at}.tool_calls[${j}].function.arguments`),
      };
    }),
  };
}

function toolArguments(raw: unknown, at: string): Record<string, unknown> {
  const source = string(raw, at);
  if (source.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch {
    throw invalidRequest(at, 'Tool call arguments must be a JSON object.');
  }
  if (!isPlainObject(parsed)) throw invalidRequest(at, 'Tool call arguments must be a JSON object.');
  return parsed;
}

function toolDefinition(raw: unknown, i: number): ToolDefinition {
  const tool = object(raw, `tools[${i}]`);
  if (tool.type !== 'function')
    throw invalidRequest(
      `tools[${i}].type`,
      `Tools of type ${String(tool.type)} are not supported by this provider.`,
    );
  const fn = object(tool.function, `tools[${i}].function`);
  return {
    name: string(fn.name, `tools[${i}].function.name`),
    description: typeof fn.description === 'string' ? fn.description : null,
    parameters: fn.parameters == null ? null : object(fn.parameters, `tools[${i}].function.parameters`),
  };
}

function toolChoice(raw: unknown): ToolChoice | null {
  if (raw == null) return null;
  if (raw === 'none' || raw === 'auto' || raw === 'required') return { type: raw };
  const choice = object(raw, 'tool_choice');
  if (choice.type === 'function')
    return {
      type: 'function',
      name: string(object(choice.function, 'tool_choice.function').name, 'tool_choice.function.name'),
    };
  throw invalidRequest('tool_choice', 'tool_choice must be none, auto, required or a function.');
}

function responseFormat(raw: unknown): ResponseFormat | null {
  if (raw == null) return null;
  const format = object(raw, 'response_format');
  if (format.type === 'text') return null;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type === 'json_schema') {
    const spec = object(format.json_schema, 'response_format.json_schema');
    return { type: 'json_schema', schema: object(spec.schema, 'response_format.json_schema.schema') };
  }
  throw invalidRequest('response_format.type', `response_format ${String(format.type)} is not supported.`);
}

function stopSequences(raw: unknown): string[] {
  if (raw == null) return [];
  if (typeof raw === 'string') return [raw];
  return list(raw, 'stop').map((s, i) => string(s, `stop[${i}]`));
}

/** A message's text: a string, or text parts (and `allowed` other text-bearing types) joined. */
function text(content: unknown, at: string, allowed: readonly string[] = ['text']): string {
  if (typeof content === 'string') return content;
  return list(content, at)
    .map((raw, j) => {
      const part = object(raw, `${at}[${j}]`);
      if (typeof part.type !== 'string' || !allowed.includes(part.type))
        throw invalidRequest(
          `${at}[${j}].type`,
          `Only text content is supported here, not ${String(part.type)}.`,
        );
      return string(part[part.type], `${at}[${j}].${part.type}`);
    })
    .join('\n');
}

function optionalNumber(body: OpenAiRequestBody, field: string): number | null {
  const value = body[field];
  if (value == null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalidRequest(field, `${field} must be a number.`);
  return value;
}

function list(value: unknown, at: string): readonly unknown[] {
  if (!Array.isArray(value)) throw invalidRequest(at, `${at} must be an array.`);
  return value;
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw invalidRequest(at, `${at} must be an object.`);
  return value;
}

function string(value: unknown, at: string): string {
  if (typeof value !== 'string') throw invalidRequest(at, `${at} must be a string.`);
  return value;
}
