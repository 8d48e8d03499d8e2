import { PriorityStrategy } from './priority.strategy';

const target = (id: string, priority: number) => ({ endpoint: { id, priority } });

describe('PriorityStrategy', () => {
  it.each([
    ['already sorted', [target('a', 0), target('b', 1)], ['a', 'b']],
    ['reversed', [target('b', 5), target('a', 1)], ['a', 'b']],
    ['ties keep their configured order', [target('x', 1), target('y', 0), target('z', 1)], ['y', 'x', 'z']],
    ['one endpoint', [target('only', 3)], ['only']],
    ['none', [], []],
  ])('%s', (_name, targets, ids) => {
    expect(new PriorityStrategy().order(targets).map((t) => t.endpoint.id)).toEqual(ids);
  });

  it('does not reorder its input', () => {
    const targets = [target('b', 1), target('a', 0)];
    new PriorityStrategy().order(targets);
    expect(targets.map((t) => t.endpoint.id)).toEqual(['b', 'a']);
  });
});
