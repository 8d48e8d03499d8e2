import { invalidRequest } from '../translation/openai-chat-request.reader';
import type { ChatMessage, ChatRequest, ToolChoice, UserPart } from '../translation/openai-chat.types';
import { parseBase64DataUrl } from '../translation/data-url.mapper';
import { isPlainObject } from '../endpoint-settings/endpoint-body.mapper';
import { thoughtSignatureOf } from './gemini-tool-call.mapper';
import type {
  GeminiContent,
  GeminiFunctionCallingConfig,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiRequest,
} from './gemini-wire.types';

/**
 * An OpenAI chat request as a `generateContent` request: system messages as `systemInstruction`, the
 * assistant as the `model` role, tool calls as `functionCall` parts and tool results as
 * `functionResponse` parts (named after the call they answer), consecutive turns of one role merged,
 * and the sampling fields in `generationConfig`.
 */
export function toGeminiRequest(request: ChatRequest): GeminiRequest {
  const out: GeminiRequest = { contents: toContents(request.messages) };
  if (request.system.length > 0) out.systemInstruction = { parts: request.system.map((text) => ({ text })) };
  if (request.tools.length > 0) {
    out.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.name,
          ...(tool.description === null ? {} : { description: tool.description }),
          ...(tool.parameters === null ? {} : { parametersJsonSchema: tool.parameters }),
        })),
      },
    ];
    if (request.toolChoice)
      out.toolConfig = { functionCallingConfig: toFunctionCallingConfig(request.toolChoice) };
  }
  const config = generationConfig(request);
  if (Object.keys(config).length > 0) out.generationConfig = config;
  return out;
}

function generationConfig(request: ChatRequest): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (request.temperature !== null) config.temperature = request.temperature;
  if (request.topP !== null) config.topP = request.topP;
  if (request.maxTokens !== null) config.maxOutputTokens = request.maxTokens;
  if (request.stop.length > 0) config.stopSequences = [...request.stop];
  if (request.n !== 1) config.candidateCount = request.n;
  if (request.seed !== null) config.seed = request.seed;
  if (request.presencePenalty !== null) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== null) config.frequencyPenalty = request.frequencyPenalty;
  if (request.responseFormat !== null) {
    config.responseMimeType = 'application/json';
    if (request.responseFormat.type === 'json_schema')
      config.responseJsonSchema = request.responseFormat.schema;
  }
  return config;
}

function toContents(messages: readonly ChatMessage[]): GeminiContent[] {
  const out: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const push = (role: GeminiContent['role'], parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = out.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else out.push({ role, parts });
  };
  for (const message of messages) {
    if (message.role === 'user') push('user', message.parts.flatMap(userPart));
    else if (message.role === 'assistant') {
      const calls = message.toolCalls.map((call): GeminiPart => {
        toolNames.set(call.id, call.name);
        const signature = thoughtSignatureOf(call.id);
        return {
          functionCall: { name: call.name, args: call.arguments },
          ...(signature ? { thoughtSignature: signature } : {}),
        };
      });
      push('model', [...(message.text === '' ? [] : [{ text: message.text }]), ...calls]);
    } else {
      const name = toolNames.get(message.toolCallId);
      if (name === undefined)
        throw invalidRequest(
          'messages',
          `The tool message for ${message.toolCallId} answers no tool call of an earlier assistant message.`,
        );
      push('user', [{ functionResponse: { name, response: functionResponse(message.text) } }]);
    }
  }
  return out;
}

/** A JSON object result is sent as is; anything else under `output`, as the API documents. */
function functionResponse(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isPlainObject(parsed)) return parsed;
  } catch {
    // Plain text.
  }
  return { output: text };
}

function userPart(part: UserPart): GeminiPart[] {
  if (part.type === 'text') return part.text === '' ? [] : [{ text: part.text }];
  const url = part.type === 'image' ? part.url : part.data;
  const inline = parseBase64DataUrl(url);
  if (inline !== null) return [{ inlineData: { mimeType: inline.mediaType, data: inline.base64 } }];
  if (part.type === 'image' && /^(https?|gs):\/\//i.test(url)) return [{ fileData: { fileUri: url } }];
  throw invalidRequest(
    'messages',
    'Gemini takes files and images as base64 data URLs, or images as file URIs.',
  );
}

/** https://ai.google.dev/gemini-api/docs/function-calling#function_calling_modes */
function toFunctionCallingConfig(choice: ToolChoice): GeminiFunctionCallingConfig {
  switch (choice.type) {
    case 'none':
      return { mode: 'NONE' };
    case 'auto':
      return { mode: 'AUTO' };
    case 'required':
      return { mode: 'ANY' };
    case 'function':
      return { mode: 'ANY', allowedFunctionNames: [choice.name] };
  }
}
