import { readPrompt } from './completions.handler';
import { readInputs } from './embeddings.handler';
import { contentText, countWords, lastUserText, messagesTokens, replyFor, splitReply } from './reply-text';

describe('reply text', () => {
  it.each([
    ['plain', 'plain'],
    [
      [
        { type: 'text', text: 'a' },
        { type: 'image_url', image_url: { url: 'x' } },
        { type: 'text', text: 'b' },
      ],
      'a b',
    ],
    [null, ''],
    [42, ''],
  ])('contentText(%j) = %j', (content, expected) => {
    expect(contentText(content)).toBe(expected);
  });

  it('finds the last user message', () => {
    const messages = [
      { role: 'user', content: 'first' },
      { role: 'user', content: 'second' },
      { role: 'assistant', content: 'answer' },
      { role: 'tool', content: 'tool output' },
    ];
    expect(lastUserText(messages)).toBe('second');
    expect(lastUserText([{ role: 'system', content: 'only system' }])).toBe('');
    expect(messagesTokens(messages)).toBe(5);
  });

  it.each([
    ['', 0],
    ['   ', 0],
    ['one', 1],
    [' one  two\tthree\nfour ', 4],
    ['a\u00a0b\u3000c', 3],
  ])('countWords(%j) = %i', (text, expected) => {
    expect(countWords(text)).toBe(expected);
  });

  it('echoes at most 200 characters of the prompt, without splitting a code point', () => {
    expect(replyFor('hi', undefined)).toBe('Mock reply to: hi');
    expect(replyFor('hi', 'override')).toBe('override');
    const emoji = '😀'.repeat(250);
    expect(Array.from(replyFor(emoji, undefined).slice('Mock reply to: '.length))).toHaveLength(200);
  });

  it.each([
    ['Mock reply to: a b', undefined, ['Mock ', 'reply ', 'to: ', 'a ', 'b']],
    ['  lead', undefined, ['  lead']],
    ['   ', undefined, ['   ']],
    ['', undefined, []],
    ['abcdef', 2, ['abc', 'def']],
    ['abc', 5, ['a', 'b', 'c']],
    ['abc', 0, []],
    ['😀😀', 2, ['😀', '😀']],
  ])('splitReply(%j, %j)', (text, chunks, expected) => {
    const pieces = splitReply(text, chunks);
    expect(pieces).toEqual(expected);
    expect(pieces.join('')).toBe(pieces.length === 0 ? '' : text);
  });
});

describe('request readers', () => {
  it.each([
    ['a b', { text: 'a b', tokens: 2 }],
    [['a b', 'c'], { text: 'a b c', tokens: 3 }],
    [[1, 2, 3], { text: '', tokens: 3 }],
    [[[1, 2], [3]], { text: '', tokens: 3 }],
    [[], null],
    [[1, 'a'], null],
    [undefined, null],
  ])('readPrompt(%j)', (prompt, expected) => {
    expect(readPrompt(prompt)).toEqual(expected);
  });

  it.each([
    ['a b', [2]],
    [
      ['a', 'b c'],
      [1, 2],
    ],
    [[5, 6, 7], [3]],
    [
      [[5], [6, 7]],
      [1, 2],
    ],
    [[], null],
    [[[]], null],
    [{}, null],
  ])('readInputs(%j) tokens', (input, expected) => {
    expect(readInputs(input)?.map((i) => i.tokens) ?? null).toEqual(expected);
  });
});
