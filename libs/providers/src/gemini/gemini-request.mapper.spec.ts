import { fixtureJson } from '../test/fixtures';
import type { ChatRequestSettings } from '../translation/openai-chat-request.reader';
import { readChatRequest } from '../translation/openai-chat-request.reader';
import { toGeminiRequest } from './gemini-request.mapper';

const map = (body: Record<string, unknown>, settings: ChatRequestSettings = {}) =>
  toGeminiRequest(readChatRequest(body, settings));

const TOOLS = [{ type: 'function', function: { name: 'now' } }];
const BASE = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] };
const SCHEMA = { type: 'object', properties: { answer: { type: 'string' } } };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('toGeminiRequest', () => {
  it('maps the recorded request: systemInstruction, parts, function calls and responses, config', () => {
    const body = fixtureJson(__dirname, 'chat-tools.openai-request.json');
    expect(map(body)).toEqual(fixtureJson(__dirname, 'chat-tools.gemini-request.json'));
  });

  it.each<[string, Record<string, unknown>, ChatRequestSettings, Record<string, unknown>]>([
    ['no generationConfig when nothing is set', {}, {}, { generationConfig: undefined }],
    [
      'max_completion_tokens',
      { max_completion_tokens: 64 },
      {},
      { generationConfig: { maxOutputTokens: 64 } },
    ],
    [
      'the cap when the client sets none',
      {},
      { maxTokensCap: 500 },
      { generationConfig: { maxOutputTokens: 500 } },
    ],
    [
      'the cap over a larger value',
      { max_tokens: 900 },
      { maxTokensCap: 500 },
      { generationConfig: { maxOutputTokens: 500 } },
    ],
    ['n as candidateCount', { n: 2 }, {}, { generationConfig: { candidateCount: 2 } }],
    [
      'penalties',
      { presence_penalty: 0.5, frequency_penalty: -0.5 },
      {},
      { generationConfig: { presencePenalty: 0.5, frequencyPenalty: -0.5 } },
    ],
    [
      'json_object',
      { response_format: { type: 'json_object' } },
      {},
      { generationConfig: { responseMimeType: 'application/json' } },
    ],
    [
      'json_schema',
      { response_format: { type: 'json_schema', json_schema: { name: 'a', schema: SCHEMA } } },
      {},
      { generationConfig: { responseMimeType: 'application/json', responseJsonSchema: SCHEMA } },
    ],
    ['response_format text', { response_format: { type: 'text' } }, {}, { generationConfig: undefined }],
    [
      'tool_choice none',
      { tools: TOOLS, tool_choice: 'none' },
      {},
      { toolConfig: { functionCallingConfig: { mode: 'NONE' } } },
    ],
    [
      'tool_choice auto',
      { tools: TOOLS, tool_choice: 'auto' },
      {},
      { toolConfig: { functionCallingConfig: { mode: 'AUTO' } } },
    ],
    [
      'tool_choice required',
      { tools: TOOLS, tool_choice: 'required' },
      {},
      { toolConfig: { functionCallingConfig: { mode: 'ANY' } } },
    ],
    [
      'a tool without parameters',
      { tools: TOOLS },
      {},
      { tools: [{ functionDeclarations: [{ name: 'now' }] }], toolConfig: undefined },
    ],
  ])('%s', (_name, fields, settings, expected) => {
    const request = map({ ...BASE, ...fields }, settings);
    for (const [key, value] of Object.entries(expected))
      if (value === undefined) expect(request).not.toHaveProperty(key);
      else expect(request).toMatchObject({ [key]: value });
  });

  it.each<[string, unknown[], unknown[]]>([
    [
      'consecutive turns merged, empty text left out',
      [
        { role: 'user', content: 'one' },
        { role: 'user', content: '' },
        { role: 'user', content: 'two' },
      ],
      [{ role: 'user', parts: [{ text: 'one' }, { text: 'two' }] }],
    ],
    [
      'images by URI and inline files',
      [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'gs://bucket/cat.png' } },
            {
              type: 'file',
              file: { file_data: 'data:application/pdf;base64,JVBERi0xLjQK', filename: 'a.pdf' },
            },
          ],
        },
      ],
      [
        {
          role: 'user',
          parts: [
            { fileData: { fileUri: 'gs://bucket/cat.png' } },
            { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0xLjQK' } },
          ],
        },
      ],
    ],
  ])('%s', (_name, messages, contents) => {
    expect(map({ ...BASE, messages }).contents).toEqual(contents);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a tool result that answers no call',
      { messages: [{ role: 'tool', tool_call_id: 'call_x', content: '{}' }] },
      'messages',
    ],
    [
      'a file given by URL',
      { messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: 'https://x/a.pdf' } }] }] },
      'messages',
    ],
    ['an unknown response_format', { response_format: { type: 'grammar' } }, 'response_format.type'],
    ['a tool_choice of another shape', { tool_choice: { type: 'allowed_tools' } }, 'tool_choice'],
  ])('rejects %s with a 400 naming the field', (_name, fields, param) => {
    expect(thrown(() => map({ ...BASE, ...fields }))).toMatchObject({
      code: 'invalid_request',
      status: 400,
      param,
    });
  });
});
