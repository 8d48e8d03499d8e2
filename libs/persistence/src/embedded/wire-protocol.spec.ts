import type { FrontendEvent } from './wire-protocol';
import { BackendTracker, FrontendFramer } from './wire-protocol';

const untyped = (code: number, body = Buffer.alloc(0)): Buffer => {
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(code, 4);
  return Buffer.concat([header, body]);
};
const typed = (type: string, body = ''): Buffer => {
  const payload = Buffer.from(body, 'latin1');
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(payload.length + 4, 1);
  return Buffer.concat([header, payload]);
};
const startup = untyped(196608, Buffer.from('user\0postgres\0\0', 'latin1'));
const kinds = (events: FrontendEvent[]): string[] =>
  events.map((e) => (e.kind === 'unit' ? `unit:${e.bytes.length}` : e.kind));

describe('FrontendFramer', () => {
  it('refuses encryption, then passes the startup message as a unit', () => {
    const framer = new FrontendFramer();
    expect(kinds(framer.push(Buffer.concat([untyped(80877103), startup])))).toEqual([
      'refuse-encryption',
      `unit:${startup.length}`,
    ]);
  });

  it('closes on a CancelRequest', () => {
    expect(kinds(new FrontendFramer().push(untyped(80877102, Buffer.alloc(8))))).toEqual(['close']);
  });

  it('rejects an unknown protocol version', () => {
    expect(kinds(new FrontendFramer().push(untyped(131072)))).toEqual(['protocol-error']);
  });

  it.each([
    ['Query', [typed('Q', 'SELECT 1\0')], 1],
    [
      'Parse..Sync',
      [
        typed('P', '\0SELECT 1\0\0\0'),
        typed('B', 'x'),
        typed('D', 'P\0'),
        typed('E', '\0\0\0\0\0'),
        typed('S'),
      ],
      1,
    ],
    ['two Syncs', [typed('P', 'a'), typed('S'), typed('P', 'b'), typed('S')], 2],
    ['Flush', [typed('P', 'a'), typed('H')], 1],
    ['CopyData..CopyDone', [typed('d', 'row'), typed('d', 'row'), typed('c')], 1],
  ])('groups %s into units that end where the client waits', (_label, messages, units) => {
    const framer = new FrontendFramer();
    framer.push(startup);
    const events = framer.push(Buffer.concat(messages));
    expect(events).toHaveLength(units);
    expect(Buffer.concat(events.map((e) => (e.kind === 'unit' ? e.bytes : Buffer.alloc(0))))).toEqual(
      Buffer.concat(messages),
    );
  });

  it('holds a batch until its Sync arrives, whatever the chunking', () => {
    const framer = new FrontendFramer();
    framer.push(startup);
    const batch = Buffer.concat([
      typed('P', 'SELECT $1'),
      typed('B', 'value'),
      typed('E', '\0\0\0\0\0'),
      typed('S'),
    ]);
    const events: FrontendEvent[] = [];
    for (let i = 0; i < batch.length; i += 3) events.push(...framer.push(batch.subarray(i, i + 3)));
    expect(events).toEqual([{ kind: 'unit', bytes: batch }]);
  });

  it('closes on Terminate without forwarding it', () => {
    const framer = new FrontendFramer();
    framer.push(startup);
    expect(kinds(framer.push(typed('X')))).toEqual(['close']);
  });
});

describe('BackendTracker', () => {
  const ready = (status: string): Buffer => typed('Z', status);
  const dataRow = typed('D', '\0\x01\0\0\0\x01Z');

  it.each([
    ['idle', [typed('C', 'SELECT 1\0'), ready('I')], 'I'],
    ['in a transaction', [typed('C', 'BEGIN\0'), ready('T')], 'T'],
    ['in a failed transaction', [typed('E', 'SERROR\0\0'), ready('E')], 'E'],
    ['not ready after a Flush', [typed('1'), typed('2'), dataRow], null],
    ['not fooled by row bytes that look like ReadyForQuery', [typed('D', 'Z\0\0\0\x05I')], null],
  ])('reports %s', (_label, messages, status) => {
    const bytes = Buffer.concat(messages);
    for (const size of [1, 2, 7, bytes.length]) {
      const tracker = new BackendTracker();
      for (let i = 0; i < bytes.length; i += size) tracker.push(bytes.subarray(i, i + size));
      expect(tracker.readyStatus).toBe(status);
    }
  });
});
