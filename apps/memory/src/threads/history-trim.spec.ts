import type { ChatMessage } from '@aigw/contracts';
import type { StoredInteraction } from './history-trim';
import { interactionsToKeep, trimHistory } from './history-trim';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });
/** Turn n: "u<n>" asked, "a<n>" answered. */
const turn = (n: number): StoredInteraction => ({ messages: [user(`u${n}`), assistant(`a${n}`)] });
const turns = (count: number) => Array.from({ length: count }, (_, i) => turn(i + 1));
const contents = (messages: readonly ChatMessage[]) => messages.map((m) => m.content);

describe('trimHistory', () => {
  it.each([
    ['no turns yet', [], 3, []],
    ['fewer turns than msgCount', turns(2), 3, ['u1', 'a1', 'u2', 'a2']],
    ['exactly msgCount turns', turns(3), 3, ['u1', 'a1', 'u2', 'a2', 'u3', 'a3']],
    ['one turn over: the first user message stays', turns(4), 3, ['u1', 'u2', 'a2', 'u3', 'a3', 'u4', 'a4']],
    ['many over, msgCount 1', turns(6), 1, ['u1', 'u6', 'a6']],
    ['msgCount 1 and one turn', turns(1), 1, ['u1', 'a1']],
    ['msgCount 1 and two turns', turns(2), 1, ['u1', 'u2', 'a2']],
  ] as const)('%s', (_case, interactions, msgCount, expected) => {
    expect(contents(trimHistory(interactions, msgCount))).toEqual(expected);
  });

  it.each([
    [
      'a first turn of several user messages keeps only its first',
      [{ messages: [user('hi'), user('and more'), assistant('a1')] }, turn(2), turn(3)],
      1,
      ['hi', 'u3', 'a3'],
    ],
    [
      'a first turn that opens with a tool result keeps its first user message',
      [{ messages: [{ role: 'tool', content: 't' }, user('q'), assistant('a1')] }, turn(2)],
      1,
      ['q', 'u2', 'a2'],
    ],
    [
      'a first turn without a user message adds nothing',
      [{ messages: [{ role: 'tool', content: 't' }, assistant('a1')] }, turn(2)],
      1,
      ['u2', 'a2'],
    ],
  ] as const)('%s', (_case, interactions, msgCount, expected) => {
    expect(contents(trimHistory(interactions, msgCount))).toEqual(expected);
  });

  it('keeps the messages verbatim (tool calls, names, extra fields)', () => {
    const call: ChatMessage = {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
    };
    expect(trimHistory([{ messages: [user('u'), call] }], 2)).toEqual([user('u'), call]);
  });
});

describe('interactionsToKeep', () => {
  it.each([
    [0, 3, []],
    [3, 3, [1, 2, 3]],
    [4, 3, [1, 2, 3, 4]],
    [5, 3, [1, 3, 4, 5]],
    [9, 1, [1, 9]],
  ])('of %i turns with msgCount %i keeps %j', (count, msgCount, expected) => {
    expect(
      interactionsToKeep(
        Array.from({ length: count }, (_, i) => i + 1),
        msgCount,
      ),
    ).toEqual(expected);
  });

  it.each([1, 2, 5])('never changes what trimHistory returns (msgCount %i)', (msgCount) => {
    for (let count = 0; count <= 8; count++) {
      const all = turns(count);
      expect(trimHistory(interactionsToKeep(all, msgCount), msgCount)).toEqual(trimHistory(all, msgCount));
    }
  });
});
