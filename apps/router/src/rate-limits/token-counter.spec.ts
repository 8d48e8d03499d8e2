import { encodeChat } from 'gpt-tokenizer/cjs/encoding/o200k_base';
import {
  StreamOutputTally,
  choiceCount,
  countPromptTokens,
  countText,
  requestedMaxTokens,
} from './token-counter';

const chunk = (delta: Record<string, unknown>) =>
  JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta }] });

describe('token counting', () => {
  it.each([
    ['empty', '', 0],
    ['one word', 'hello', 1],
    ['a sentence', 'hello there mock', 3],
    ['special tokens are text', 'a <|endoftext|> b', 9],
  ])('counts text: %s', (_name, text, tokens) => {
    expect(countText(text)).toBe(tokens);
  });

  it.each<[string, Record<string, unknown>]>([
    ['one user message', { messages: [{ role: 'user', content: 'hello there mock' }] }],
    [
      'system, user and assistant',
      {
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'What is the capital of France?' },
          { role: 'assistant', content: 'Paris.' },
          { role: 'user', content: 'And of Italy?' },
        ],
      },
    ],
  ])('counts a chat as OpenAI frames it (%s)', (_name, body) => {
    // The package's own ChatML encoding of the same messages (framing included), for GPT-4o.
    const messages = body.messages as { role: 'user' | 'system' | 'assistant'; content: string }[];
    expect(countPromptTokens('chat', body)).toBe(encodeChat(messages, 'gpt-4o').length);
  });

  it.each<[string, 'chat' | 'completions' | 'embeddings', Record<string, unknown>, number]>([
    [
      'a name costs one more',
      'chat',
      { messages: [{ role: 'user', name: 'ann', content: 'hi' }] },
      3 + 3 + 1 + 1 + 1 + 1,
    ],
    [
      'content parts: their text',
      'chat',
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }, { type: 'image_url' }] }] },
      3 + 3 + 1 + 1,
    ],
    ['a completions prompt', 'completions', { prompt: 'hello there mock' }, 3],
    ['completions prompts', 'completions', { prompt: ['hello', 'hello there mock'] }, 4],
    ['a token array', 'completions', { prompt: [1, 2, 3, 4] }, 4],
    ['embedding inputs', 'embeddings', { input: ['hello', 'hello'] }, 2],
    ['token arrays', 'embeddings', { input: [[1, 2], [3]] }, 3],
    ['no input at all', 'embeddings', {}, 0],
  ])('%s', (_name, operation, body, tokens) => {
    expect(countPromptTokens(operation, body)).toBe(tokens);
  });

  it.each([
    [{}, null, 1],
    [{ max_tokens: 50 }, 50, 1],
    [{ max_tokens: 50, max_completion_tokens: 20, n: 3 }, 20, 3],
    [{ max_tokens: null, n: 1 }, null, 1],
  ])('reads the completion limit and choice count of %j', (body, max, n) => {
    expect(requestedMaxTokens(body)).toBe(max);
    expect(choiceCount(body)).toBe(n);
  });

  it('tallies what a stream produced: text, tool-call arguments, legacy completions text', () => {
    const tally = new StreamOutputTally();
    tally.add(chunk({ role: 'assistant', content: '' }));
    tally.add(chunk({ content: 'hello' }));
    tally.add(chunk({ content: ' there mock' }));
    tally.add(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] }));
    tally.add(JSON.stringify({ choices: [{ index: 0, text: ' more' }] }));
    tally.add('not json');
    tally.add(JSON.stringify({ choices: [], usage: { total_tokens: 9 } }));
    expect(tally.tokens()).toBe(countText('hello there mock{"a":1} more'));
  });
});
