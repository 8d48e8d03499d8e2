import { cacheSettings, chatLookup } from '../test/cache-settings.fixture';
import { MAX_SEARCH_TEXT_CHARS, requestKeys } from './request-keys';

const user = (content: unknown) => ({ role: 'user', content });
const system = (content: string) => ({ role: 'system', content });
const keysOf = (...args: Parameters<typeof chatLookup>) => requestKeys(chatLookup(...args), cacheSettings());

describe('requestKeys', () => {
  const base = keysOf([system('Be brief.'), user('What is HNSW?')], { params: { temperature: 0.2 } });

  it.each([
    ['key order', [{ content: 'Be brief.', role: 'system' }, user('What is HNSW?')], { temperature: 0.2 }],
    [
      'stream and stream_options',
      [system('Be brief.'), user('What is HNSW?')],
      { temperature: 0.2, stream: true, stream_options: { include_usage: true } },
    ],
    [
      'the user field',
      [system('Be brief.'), user('What is HNSW?')],
      { temperature: 0.2, user: 'end-user-42' },
    ],
    ['null parameters', [system('Be brief.'), user('What is HNSW?')], { temperature: 0.2, max_tokens: null }],
    [
      'OpenAI defaults sent explicitly',
      [system('Be brief.'), user('What is HNSW?')],
      { temperature: 0.2, n: 1, top_p: 1 },
    ],
    [
      'text parts instead of a string',
      [
        system('Be brief.'),
        user([
          { type: 'text', text: 'What is ' },
          { type: 'text', text: 'HNSW?' },
        ]),
      ],
      { temperature: 0.2 },
    ],
  ])('ignores %s: same exact key', (_case, messages, params) => {
    expect(keysOf(messages, { params }).exactKey).toBe(base.exactKey);
  });

  it.each([
    [
      'another question',
      [system('Be brief.'), user('What is IVFFlat?')],
      { temperature: 0.2 },
      { context: true },
    ],
    [
      'another system prompt',
      [system('Answer in French.'), user('What is HNSW?')],
      { temperature: 0.2 },
      { context: false },
    ],
    [
      'another temperature',
      [system('Be brief.'), user('What is HNSW?')],
      { temperature: 0.7 },
      { context: false },
    ],
    [
      'tools',
      [system('Be brief.'), user('What is HNSW?')],
      { temperature: 0.2, tools: [{ type: 'function', function: { name: 'search' } }] },
      { context: false },
    ],
    [
      'max_tokens',
      [system('Be brief.'), user('What is HNSW?')],
      { temperature: 0.2, max_tokens: 5 },
      { context: false },
    ],
    [
      'the model (an alias may reach another upstream model)',
      [system('Be brief.'), user('What is HNSW?')],
      { temperature: 0.2, model: 'chat-alias' },
      { context: false },
    ],
    [
      'one more turn',
      [
        system('Be brief.'),
        user('What is HNSW?'),
        { role: 'assistant', content: 'A graph.' },
        user('What is HNSW?'),
      ],
      { temperature: 0.2 },
      { context: false },
    ],
  ])(
    'tells %s apart (exact key differs; the context key only when outside the searched text)',
    (_case, messages, params, { context }) => {
      const keys = keysOf(messages, { params });
      expect(keys.exactKey).not.toBe(base.exactKey);
      expect(keys.contextKey === base.contextKey).toBe(context);
    },
  );

  it('scopes by application always, and by consumer only for perConsumer applications', () => {
    const messages = [user('hi')];
    const shared = cacheSettings();
    const own = cacheSettings({ perConsumer: true });
    const a = chatLookup(messages, { consumerId: 'team-a' });
    const b = chatLookup(messages, { consumerId: 'team-b' });
    expect(requestKeys(a, shared).exactKey).toBe(requestKeys(b, shared).exactKey);
    expect(requestKeys(a, own).exactKey).not.toBe(requestKeys(b, own).exactKey);
    expect(requestKeys(a, own).contextKey).not.toBe(requestKeys(b, own).contextKey);
    expect(requestKeys(a, own).consumerScope).toBe('team-a');
    expect(requestKeys(a, shared).consumerScope).toBe('');
    const otherApp = chatLookup(messages, { applicationId: 'other' });
    expect(requestKeys(otherApp, shared).exactKey).not.toBe(requestKeys(a, shared).exactKey);
    expect(requestKeys(otherApp, shared).contextKey).not.toBe(requestKeys(a, shared).contextKey);
  });

  it('embeds the messages of includeRoles only; the others stay exact context', () => {
    const messages = [
      system('Be brief.'),
      user('first question'),
      { role: 'assistant', content: 'an answer' },
      user('second'),
    ];
    expect(requestKeys(chatLookup(messages), cacheSettings()).searchText).toBe(
      'Be brief.\nfirst question\nan answer\nsecond',
    );
    const usersOnly = cacheSettings({ searchContent: { includeRoles: 'user' } });
    expect(requestKeys(chatLookup(messages), usersOnly).searchText).toBe('first question\nsecond');
    const otherSystem = [system('Be verbose.'), ...messages.slice(1)];
    expect(requestKeys(chatLookup(otherSystem), usersOnly).contextKey).not.toBe(
      requestKeys(chatLookup(messages), usersOnly).contextKey,
    );
  });

  it('searches the prompt of a completions request', () => {
    const lookup = {
      ...chatLookup([]),
      operation: 'completions' as const,
      body: { model: 'legacy', prompt: ['Say', 'hi'] },
    };
    const keys = requestKeys(lookup, cacheSettings({ searchContent: { term: 'prompt' } }));
    expect(keys.searchText).toBe('Say\nhi');
    const other = requestKeys({ ...lookup, body: { model: 'legacy', prompt: 'Say bye' } }, cacheSettings());
    expect(other.contextKey).toBe(keys.contextKey);
    expect(other.exactKey).not.toBe(keys.exactKey);
    expect(
      requestKeys({ ...lookup, body: { model: 'legacy', prompt: [1, 2, 3] } }, cacheSettings()).searchText,
    ).toBe('');
  });

  it('leaves an over-long text to the exact tier', () => {
    expect(keysOf([user('x'.repeat(MAX_SEARCH_TEXT_CHARS + 1))]).searchText).toBe('');
  });
});
