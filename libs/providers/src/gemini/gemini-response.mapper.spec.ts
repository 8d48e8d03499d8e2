import { fixedContext, fixtureJson } from '../test/fixtures';
import type { OpenAiChatCompletionOut } from '../translation/openai-chat.types';
import { thoughtSignatureOf } from './gemini-tool-call.mapper';
import { fromGeminiResponse, geminiFinishReason, geminiUsage } from './gemini-response.mapper';

describe('fromGeminiResponse', () => {
  it.each([
    'generate-text',
    'generate-function-call',
    'generate-safety',
    'generate-blocked-prompt',
    'generate-two-candidates',
  ])('%s → chat.completion', (name) => {
    const expected = fixtureJson<OpenAiChatCompletionOut>(__dirname, `${name}.openai-completion.json`);
    const result = fromGeminiResponse(
      fixtureJson(__dirname, `${name}.response.json`),
      'gemini',
      fixedContext(),
    );
    expect(result.body).toEqual(expected);
    expect(result.model).toBe(expected.model);
    const { prompt_tokens, completion_tokens, total_tokens } = expected.usage ?? {};
    expect(result.usage).toEqual({ prompt_tokens, completion_tokens, total_tokens });
  });

  it('carries the thought signature in the tool-call id, for the next turn', () => {
    const result = fromGeminiResponse(
      fixtureJson(__dirname, 'generate-function-call.response.json'),
      'gemini',
      fixedContext(),
    );
    const [first, second] = result.body.choices[0].message.tool_calls ?? [];
    expect(thoughtSignatureOf(first.id)).toBe('CiQB0e2Kb3lWQ0xVa9CzJq1pHh7yXoT8uR1dS5kPz2mN3bF4cGIKYgHR7Yr');
    expect(thoughtSignatureOf(second.id)).toBeUndefined();
  });

  it('falls back to the requested model and a fresh id, without usage', () => {
    const result = fromGeminiResponse({ candidates: [] }, 'gemini-x', fixedContext());
    expect(result.body).toMatchObject({
      id: 'chatcmpl-0001',
      model: 'gemini-x',
      choices: [{ finish_reason: 'stop' }],
    });
    expect(result.usage).toBeNull();
  });
});

describe('geminiFinishReason', () => {
  it.each<[string | undefined, boolean, string]>([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', false, 'length'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'stop'],
    ['OTHER', false, 'stop'],
    [undefined, true, 'tool_calls'],
  ])('%s (function called: %s) → %s', (reason, called, expected) => {
    expect(geminiFinishReason(reason, called)).toBe(expected);
  });
});

describe('geminiUsage', () => {
  it.each([
    [
      { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
      { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    ],
    [
      { promptTokenCount: 10, toolUsePromptTokenCount: 4, candidatesTokenCount: 5, thoughtsTokenCount: 20 },
      {
        prompt_tokens: 14,
        completion_tokens: 25,
        total_tokens: 39,
        completion_tokens_details: { reasoning_tokens: 20 },
      },
    ],
    [
      { promptTokenCount: 8, totalTokenCount: 8 },
      { prompt_tokens: 8, completion_tokens: 0, total_tokens: 8 },
    ],
    [{ candidatesTokenCount: 5 }, null],
    [undefined, null],
  ])('%j → %j', (usage, expected) => {
    expect(geminiUsage(usage)).toEqual(expected);
  });
});
