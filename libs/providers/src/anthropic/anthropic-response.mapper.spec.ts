import { fixedContext, fixtureJson } from '../test/fixtures';
import type { OpenAiChatCompletionOut } from '../translation/openai-chat.types';
import { anthropicFinishReason, anthropicUsage, fromAnthropicMessage } from './anthropic-response.mapper';

describe('fromAnthropicMessage', () => {
  it.each(['message-text', 'message-tool-use', 'message-max-tokens'])('%s → chat.completion', (name) => {
    const expected = fixtureJson<OpenAiChatCompletionOut>(__dirname, `${name}.openai-completion.json`);
    const result = fromAnthropicMessage(
      fixtureJson(__dirname, `${name}.response.json`),
      'claude-sonnet-4-5',
      fixedContext(),
    );
    expect(result.body).toEqual(expected);
    expect(result.model).toBe(expected.model);
    const { prompt_tokens, completion_tokens, total_tokens } = expected.usage ?? {};
    expect(result.usage).toEqual({ prompt_tokens, completion_tokens, total_tokens });
  });

  it('falls back to the requested model and a fresh id, without usage', () => {
    const result = fromAnthropicMessage({ content: [] }, 'claude-x', fixedContext());
    expect(result.body).toMatchObject({
      id: 'msg_0001',
      model: 'claude-x',
      choices: [{ message: { content: '' }, finish_reason: 'stop' }],
    });
    expect(result.body.usage).toBeUndefined();
    expect(result.usage).toBeNull();
  });
});

describe('anthropicFinishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['something_new', 'stop'],
    [null, 'stop'],
  ])('%s → %s', (stopReason, finishReason) => {
    expect(anthropicFinishReason(stopReason)).toBe(finishReason);
  });
});

describe('anthropicUsage', () => {
  it.each([
    [
      { input_tokens: 10, output_tokens: 5 },
      { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    ],
    [
      { input_tokens: 10, cache_creation_input_tokens: 100, cache_read_input_tokens: 50, output_tokens: 5 },
      {
        prompt_tokens: 160,
        completion_tokens: 5,
        total_tokens: 165,
        prompt_tokens_details: { cached_tokens: 50 },
      },
    ],
    [{ output_tokens: 7 }, { prompt_tokens: 0, completion_tokens: 7, total_tokens: 7 }],
    [{ input_tokens: -1 }, null],
    [{}, null],
    [undefined, null],
  ])('%j → %j', (usage, expected) => {
    expect(anthropicUsage(usage)).toEqual(expected);
  });
});
