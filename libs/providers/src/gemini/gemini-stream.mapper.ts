import type { Usage } from '@aigw/contracts';
import { toUsage } from '../openai-compatible/openai-usage.mapper';
import type { TranslationContext } from '../translation/openai-chat.types';
import { arrayOf } from '../translation/openai-chat.types';
import { OpenAiChunkWriter } from '../translation/openai-chunk.writer';
import type { StreamTranslator } from '../translation/translated-stream.mapper';
import { midStreamFailure, parseEventJson } from '../translation/translated-stream.mapper';
import type { SseEvent } from '../upstream/sse.parser';
import { UpstreamFailure } from '../upstream/upstream-failure.error';
import { answerText, geminiFinishReason, geminiUsage, toolCallOf } from './gemini-response.mapper';
import type { GeminiCandidate, GeminiResponse } from './gemini-wire.types';

interface CandidateState {
  toolCalls: number;
  finished: boolean;
}

/**
 * Translates `streamGenerateContent?alt=sse` (each event a partial `GenerateContentResponse`; the
 * stream just ends, with no terminator) into OpenAI chunks: a role chunk when a candidate first
 * appears, text as content deltas, each `functionCall` (always whole) as one tool-call delta, a finish
 * chunk at its `finishReason`. A body that ends before any finish reason was cut. `usageMetadata` is
 * cumulative: the last one counts.
 */
export class GeminiStreamTranslator implements StreamTranslator {
  readonly done = false;
  private readonly writer: OpenAiChunkWriter;
  private readonly candidates = new Map<number, CandidateState>();
  private lastUsage: GeminiResponse['usageMetadata'];
  private blocked = false;

  constructor(
    model: string,
    private readonly context: TranslationContext,
    private readonly includeUsage: boolean,
  ) {
    this.writer = new OpenAiChunkWriter(context.newId('chatcmpl-'), model, context.created);
  }

  event(event: SseEvent): readonly string[] {
    const data = parseEventJson(event) as GeminiResponse;
    if (data.error !== undefined) throw midStreamFailure(data.error.message ?? data.error.status);
    if (this.candidates.size === 0) this.writer.identify(data.responseId, data.modelVersion);
    if (data.usageMetadata) this.lastUsage = data.usageMetadata;
    const chunks: string[] = [];
    const candidates = arrayOf(data.candidates);
    candidates.forEach((candidate, position) =>
      chunks.push(...this.candidate(candidate, candidate.index ?? position)),
    );
    if (candidates.length === 0 && data.promptFeedback?.blockReason && !this.blocked) {
      this.blocked = true;
      chunks.push(this.writer.role(), this.writer.finish('content_filter'));
    }
    return chunks;
  }

  end(): readonly string[] {
    const finished = [...this.candidates.values()].some((c) => c.finished);
    if (!finished && !this.blocked)
      throw new UpstreamFailure('connection_error', 'the upstream ended the stream before a finish reason');
    const chunks: string[] = [];
    for (const [index, state] of this.candidates)
      if (!state.finished)
        chunks.push(this.writer.finish(geminiFinishReason(undefined, state.toolCalls > 0), index));
    const usage = geminiUsage(this.lastUsage);
    if (this.includeUsage && usage) chunks.push(this.writer.usage(usage));
    return chunks;
  }

  usage(): Usage | null {
    return toUsage(geminiUsage(this.lastUsage));
  }

  private candidate(candidate: GeminiCandidate, index: number): string[] {
    const chunks: string[] = [];
    let state = this.candidates.get(index);
    if (!state) {
      state = { toolCalls: 0, finished: false };
      this.candidates.set(index, state);
      chunks.push(this.writer.role(index));
    }
    if (state.finished) return chunks;
    for (const part of candidate.content?.parts ?? []) {
      const text = answerText([part]);
      if (text !== '') chunks.push(this.writer.content(text, index));
      const call = toolCallOf(part, this.context);
      if (call) chunks.push(this.writer.toolCall({ index: state.toolCalls++, ...call }, index));
    }
    if (candidate.finishReason) {
      state.finished = true;
      chunks.push(this.writer.finish(geminiFinishReason(candidate.finishReason, state.toolCalls > 0), index));
    }
    return chunks;
  }
}
