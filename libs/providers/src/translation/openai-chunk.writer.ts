import type {
  FinishReason,
  OpenAiChunkOut,
  OpenAiDeltaOut,
  OpenAiToolCallDeltaOut,
  OpenAiUsageOut,
} from './openai-chat.types';

/**
 * Writes the `chat.completion.chunk` JSON texts of one translated stream, in the order OpenAI sends
 * them (https://platform.openai.com/docs/api-reference/chat-streaming): a role chunk per choice, content
 * and tool-call deltas, a finish chunk per choice, then — only if the client asked — a usage chunk with
 * empty `choices`.
 */
export class OpenAiChunkWriter {
  constructor(
    private id: string,
    private model: string,
    private readonly created: number,
  ) {}

  /** The vendor's message id and model, once its first event names them. */
  identify(id: string | undefined, model: string | undefined): void {
    if (id) this.id = id;
    if (model) this.model = model;
  }

  get responseModel(): string {
    return this.model;
  }

  role(index = 0): string {
    return this.delta(index, { role: 'assistant', content: '' });
  }

  content(text: string, index = 0): string {
    return this.delta(index, { content: text });
  }

  toolCall(call: OpenAiToolCallDeltaOut, index = 0): string {
    return this.delta(index, { tool_calls: [call] });
  }

  finish(reason: FinishReason, index = 0): string {
    return this.write([{ index, delta: {}, logprobs: null, finish_reason: reason }]);
  }

  usage(usage: OpenAiUsageOut): string {
    return this.write([], usage);
  }

  private delta(index: number, delta: OpenAiDeltaOut): string {
    return this.write([{ index, delta, logprobs: null, finish_reason: null }]);
  }

  private write(choices: OpenAiChunkOut['choices'], usage?: OpenAiUsageOut): string {
    const chunk: OpenAiChunkOut = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices,
      ...(usage ? { usage } : {}),
    };
    return JSON.stringify(chunk);
  }
}
