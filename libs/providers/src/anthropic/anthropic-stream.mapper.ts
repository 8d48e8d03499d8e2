import type { Usage } from '@aigw/contracts';
import { toUsage } from '../openai-compatible/openai-usage.mapper';
import type { SseEvent } from '../upstream/sse.parser';
import { UpstreamFailure } from '../upstream/upstream-failure.error';
import type { FinishReason, OpenAiUsageOut } from '../translation/openai-chat.types';
import { OpenAiChunkWriter } from '../translation/openai-chunk.writer';
import type { StreamTranslator } from '../translation/translated-stream.mapper';
import { midStreamFailure, parseEventJson } from '../translation/translated-stream.mapper';
import { anthropicFinishReason, anthropicUsage } from './anthropic-response.mapper';
import type { AnthropicStreamEvent, AnthropicUsage } from './anthropic-wire.types';

/**
 * Translates a Messages API stream (https://docs.anthropic.com/en/api/messages-streaming) into OpenAI
 * chunks: `message_start` → the role chunk, text deltas → content, each `tool_use` block → a tool call
 * (its `input_json_delta`s → argument fragments), `message_delta` → the finish chunk, `message_stop` →
 * the usage chunk if asked, and the end. An `error` event fails the stream; `ping` and event types
 * added later are skipped, as the versioning policy asks.
 */
export class AnthropicStreamTranslator implements StreamTranslator {
  private readonly writer: OpenAiChunkWriter;
  /** OpenAI tool-call index of each `tool_use` content block index. */
  private readonly toolIndexes = new Map<number, number>();
  private usageSoFar: AnthropicUsage = {};
  private finished = false;
  private stopped = false;

  constructor(
    model: string,
    created: number,
    id: string,
    private readonly includeUsage: boolean,
  ) {
    this.writer = new OpenAiChunkWriter(id, model, created);
  }

  get done(): boolean {
    return this.stopped;
  }

  event(event: SseEvent): readonly string[] {
    const data = parseEventJson(event) as AnthropicStreamEvent;
    switch (data.type ?? event.event) {
      case 'message_start':
        this.writer.identify(data.message?.id, data.message?.model);
        this.addUsage(data.message?.usage);
        return [this.writer.role()];
      case 'content_block_start':
        return this.blockStart(data);
      case 'content_block_delta':
        return this.blockDelta(data);
      case 'message_delta':
        this.addUsage(data.usage);
        return this.finish(anthropicFinishReason(data.delta?.stop_reason));
      case 'message_stop':
        this.stopped = true;
        return [];
      case 'error':
        throw midStreamFailure(data.error?.message ?? data.error?.type);
      default:
        return [];
    }
  }

  end(): readonly string[] {
    if (!this.stopped)
      throw new UpstreamFailure('connection_error', 'the upstream ended the stream before message_stop');
    const chunks = [...this.finish('stop')];
    const usage = this.openAiUsage();
    if (this.includeUsage && usage) chunks.push(this.writer.usage(usage));
    return chunks;
  }

  usage(): Usage | null {
    return toUsage(this.openAiUsage());
  }

  private blockStart(data: AnthropicStreamEvent): string[] {
    const block = data.content_block;
    if (block?.type === 'text' && block.text) return [this.writer.content(block.text)];
    if (block?.type !== 'tool_use' || typeof data.index !== 'number') return [];
    const index = this.toolIndexes.size;
    this.toolIndexes.set(data.index, index);
    return [
      this.writer.toolCall({
        index,
        id: block.id ?? '',
        type: 'function',
        function: { name: block.name ?? '', arguments: '' },
      }),
    ];
  }

  private blockDelta(data: AnthropicStreamEvent): string[] {
    const delta = data.delta;
    if (delta?.type === 'text_delta' && delta.text) return [this.writer.content(delta.text)];
    if (delta?.type !== 'input_json_delta' || !delta.partial_json || typeof data.index !== 'number')
      return [];
    const index = this.toolIndexes.get(data.index);
    if (index === undefined) return [];
    return [this.writer.toolCall({ index, function: { arguments: delta.partial_json } })];
  }

  private finish(reason: FinishReason): string[] {
    if (this.finished) return [];
    this.finished = true;
    return [this.writer.finish(reason)];
  }

  /** `message_delta` usage is cumulative: its counts replace the ones from `message_start`. */
  private addUsage(usage: AnthropicUsage | undefined): void {
    if (!usage) return;
    const defined = Object.entries(usage).filter(([, value]) => typeof value === 'number');
    this.usageSoFar = { ...this.usageSoFar, ...Object.fromEntries(defined) };
  }

  private openAiUsage(): OpenAiUsageOut | null {
    return anthropicUsage(this.usageSoFar);
  }
}
