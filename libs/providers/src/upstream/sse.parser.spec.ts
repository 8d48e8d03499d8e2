import type { SseEvent } from './sse.parser';
import { SseParser } from './sse.parser';

function parseAll(pieces: readonly string[]): SseEvent[] {
  const parser = new SseParser();
  return [...pieces.flatMap((p) => parser.push(p)), ...parser.end()];
}

const msg = (data: string, event = 'message'): SseEvent => ({ event, data });

describe('SseParser', () => {
  it.each<[string, string[], SseEvent[]]>([
    ['one event', ['data: {"a":1}\n\n'], [msg('{"a":1}')]],
    ['two events in one piece', ['data: 1\n\ndata: 2\n\n'], [msg('1'), msg('2')]],
    ['multi-line data joined with LF', ['data: a\ndata: b\n\n'], [msg('a\nb')]],
    ['no space after the colon', ['data:x\n\n'], [msg('x')]],
    ['only one leading space is stripped', ['data:  x\n\n'], [msg(' x')]],
    ['comments are ignored', [': keep-alive\n\ndata: x\n: between\n\n'], [msg('x')]],
    ['CRLF line ends', ['data: a\r\ndata: b\r\n\r\n'], [msg('a\nb')]],
    ['CR line ends', ['data: a\rdata: b\r\r'], [msg('a\nb')]],
    ['CRLF split across pieces', ['data: a\r', '\n\r', '\n'], [msg('a')]],
    ['a line split across pieces', ['da', 'ta: {"x"', ':1}\n', '\n'], [msg('{"x":1}')]],
    ['byte-at-a-time', [...'data: hi\n\n'], [msg('hi')]],
    ['event field', ['event: error\ndata: {}\n\n'], [msg('{}', 'error')]],
    ['event without data is not dispatched', ['event: ping\n\n'], []],
    ['id and retry are ignored', ['id: 7\nretry: 10\ndata: x\n\n'], [msg('x')]],
    ['field without colon', ['data\n\n'], [msg('')]],
    ['leading BOM', ['\uFEFFdata: x\n\n'], [msg('x')]],
    ['[DONE] is just data', ['data: [DONE]\n\n'], [msg('[DONE]')]],
    ['unterminated last event is flushed at end', ['data: 1\n\ndata: 2'], [msg('1'), msg('2')]],
    ['empty pieces change nothing', ['data: a\r', '', '\n\n'], [msg('a')]],
  ])('%s', (_name, pieces, expected) => {
    expect(parseAll(pieces)).toEqual(expected);
  });

  it('returns events as soon as their blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('data: 1\n')).toEqual([]);
    expect(parser.push('\ndata: 2\n')).toEqual([msg('1')]);
    expect(parser.push('\n')).toEqual([msg('2')]);
  });
});
