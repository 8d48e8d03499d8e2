import { cappedMaxTokens, mergeEndpointOptions } from './endpoint-body.mapper';

describe('cappedMaxTokens', () => {
  it.each([
    [null, undefined, null],
    [500, undefined, 500],
    [null, 100, 100],
    [500, 100, 100],
    [50, 100, 50],
  ])('%s under a cap of %s → %s', (requested, cap, expected) => {
    expect(cappedMaxTokens(requested, cap)).toBe(expected);
  });
});

describe('mergeEndpointOptions', () => {
  it.each([
    ['no options', { a: 1 }, undefined, { a: 1 }],
    [
      'options override the body',
      { temperature: 0.9, n: 1 },
      { temperature: 0.2 },
      { temperature: 0.2, n: 1 },
    ],
    [
      'objects merge key by key',
      { generationConfig: { temperature: 0.9, topP: 1 } },
      { generationConfig: { temperature: 0.1, topK: 20 } },
      { generationConfig: { temperature: 0.1, topP: 1, topK: 20 } },
    ],
    ['arrays are replaced', { stop: ['a', 'b'] }, { stop: ['c'] }, { stop: ['c'] }],
    ['null replaces', { seed: 1 }, { seed: null }, { seed: null }],
  ])('%s', (_name, body, options, expected) => {
    expect(mergeEndpointOptions(body, options)).toEqual(expected);
  });

  it('does not mutate the body, and keeps a __proto__ key a plain field', () => {
    const body = { generationConfig: { temperature: 1 } };
    const options = JSON.parse('{"generationConfig":{"topK":1},"__proto__":{"polluted":true}}') as Parameters<
      typeof mergeEndpointOptions
    >[1];
    const merged = mergeEndpointOptions(body, options);
    expect(body).toEqual({ generationConfig: { temperature: 1 } });
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(merged))).toEqual({
      generationConfig: { temperature: 1, topK: 1 },
      ['__proto__']: { polluted: true },
    });
  });
});
