import { cacheSettings } from '../test/cache-settings.fixture';
import { passesThreshold, requestDecision, responseDecision } from './cache-policy';

const answer = (message: Record<string, unknown>, finish = 'stop') => ({
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
});

describe('the cache policy', () => {
  it.each([
    [{}, true],
    [{ temperature: 1 }, true],
    [{ temperature: 1.2 }, false],
    [{ temperature: 0 }, true],
  ])('request %j with maxTemperature 1: cacheable %s', (body, cacheable) => {
    expect(requestDecision(body, cacheSettings()).cacheable).toBe(cacheable);
  });

  it('follows a lower maxTemperature', () => {
    expect(requestDecision({}, cacheSettings({ maxTemperature: 0.5 }))).toEqual({
      cacheable: false,
      reason: 'temperature 1 is above 0.5',
    });
  });

  it.each([
    ['a text answer', answer({ content: 'hi' }), false, true],
    ['a tool call', answer({ content: null, tool_calls: [{ id: 'c1' }] }, 'tool_calls'), false, false],
    [
      'a tool call, cacheToolCalls on',
      answer({ content: null, tool_calls: [{ id: 'c1' }] }, 'tool_calls'),
      true,
      true,
    ],
    ['a filtered answer', answer({ content: '' }, 'content_filter'), true, false],
    ['no choices', { choices: [] }, false, false],
  ])('%s: cacheable %s', (_case, response, cacheToolCalls, cacheable) => {
    expect(responseDecision(response, cacheSettings({ cacheToolCalls })).cacheable).toBe(cacheable);
  });

  it.each([
    ['CS', 0.96, 0.95, true],
    ['CS', 0.94, 0.95, false],
    ['IP', 0.95, 0.95, true],
    ['LS', 0.2, 0.3, true],
    ['LS', 0.4, 0.3, false],
  ] as const)('%s score %s against threshold %s: hit %s', (type, score, threshold, hit) => {
    expect(passesThreshold(type, score, threshold)).toBe(hit);
  });
});
