import type { ConfigSnapshot } from './live-config';
import { LiveConfig } from './live-config';
import { parseConfigText } from './load-config';

const configOf = (applicationId: string) =>
  parseConfigText(
    `
auth: { required: false }
applications:
  - id: ${applicationId}
    type: chat
    endpoints: [{ id: main, provider: mock }]
`,
    {},
  );

const snapshot = (revision: number, applicationId = `app-${revision}`): ConfigSnapshot => ({
  revision,
  config: configOf(applicationId),
});

describe('LiveConfig', () => {
  it('starts at the file (revision 0), which any revision of the store replaces', () => {
    const file = configOf('from-file');
    const live = LiveConfig.fromFile(file);
    expect(live.current).toEqual({ revision: 0, config: file });
    const first = snapshot(1);
    expect(live.offer(first)).toBe(true);
    expect(live.current).toBe(first);
    expect(live.config.applications.map((a) => a.id)).toEqual(['app-1']);
  });

  it.each([
    ['a duplicate broadcast', [3, 3], [true, false], 3],
    ['a late, older broadcast', [5, 4], [true, false], 5],
    ['a gap (missed revisions)', [2, 7], [true, true], 7],
    ['revisions out of order', [4, 2, 3, 6, 5], [true, false, false, true, false], 6],
  ])('orders by revision number: %s', (_case, revisions, applied, final) => {
    const live = LiveConfig.fromFile(configOf('from-file'));
    expect(revisions.map((revision) => live.offer(snapshot(revision)))).toEqual(applied);
    expect(live.current.revision).toBe(final);
    expect(live.config.applications[0]?.id).toBe(`app-${final}`);
  });

  it('leaves a reader its snapshot: a swap replaces the reference, never the object it holds', () => {
    const live = LiveConfig.fromFile(configOf('old'));
    const held = live.current;
    live.offer(snapshot(1, 'new'));
    expect(held.config.applications[0]?.id).toBe('old');
    expect(live.config.applications[0]?.id).toBe('new');
  });

  it('tells listeners the new and the previous snapshot, only for applied changes', () => {
    const live = LiveConfig.fromFile(configOf('from-file'));
    const seen: Array<[number, number]> = [];
    const stop = live.onChange((next, previous) => seen.push([next.revision, previous.revision]));
    live.offer(snapshot(2));
    live.offer(snapshot(1));
    live.offer(snapshot(2));
    live.offer(snapshot(3));
    stop();
    live.offer(snapshot(4));
    expect(seen).toEqual([
      [2, 0],
      [3, 2],
    ]);
  });

  it('swaps even when a listener throws, runs the others, then reports the failure', () => {
    const live = LiveConfig.fromFile(configOf('from-file'));
    const after: number[] = [];
    live.onChange(() => {
      throw new Error('listener broke');
    });
    live.onChange((next) => after.push(next.revision));
    expect(() => live.offer(snapshot(1))).toThrow('listener broke');
    expect(live.current.revision).toBe(1);
    expect(after).toEqual([1]);
  });

  it('derives a value once per snapshot, and the one of the snapshot a request started with', () => {
    const live = LiveConfig.fromFile(configOf('old'));
    const build = jest.fn((config: ReturnType<typeof configOf>) => config.applications.map((a) => a.id));
    const ids = live.derive(build);
    const started = live.current;
    expect(ids()).toEqual(['old']);
    expect(ids()).toBe(ids());
    live.offer(snapshot(1, 'new'));
    expect(ids()).toEqual(['new']);
    expect(ids(started)).toEqual(['old']);
    expect(build).toHaveBeenCalledTimes(2);
  });
});
