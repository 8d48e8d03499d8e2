import { fixtureJson } from '../test/fixtures';
import type { ChatRequestSettings } from '../translation/openai-chat-request.reader';
import { readChatRequest } from '../translation/openai-chat-request.reader';
import { ANTHROPIC_DEFAULT_MAX_TOKENS, toAnthropicRequest } from './anthropic-request.mapper';

const map = (body: Record<string, unknown>, settings: ChatRequestSettings = {}, stream = false) =>
  toAnthropicRequest(readChatRequest(body, settings), stream);

const TOOLS = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
const BASE = { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] };
const PDF = 'data:application/pdf;base64,JVBERi0xLjQK';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('toAnthropicRequest', () => {
  it('maps the recorded request: system, parts, tool calls and results, sampling, tools', () => {
    const body = fixtureJson(__dirname, 'chat-tools.openai-request.json');
    expect(map(body, {}, true)).toEqual(fixtureJson(__dirname, 'chat-tools.anthropic-request.json'));
  });

  it.each<[string, Record<string, unknown>, ChatRequestSettings, Record<string, unknown>]>([
    ['max_tokens is required: a default', {}, {}, { max_tokens: ANTHROPIC_DEFAULT_MAX_TOKENS }],
    ['max_tokens', { max_tokens: 100 }, {}, { max_tokens: 100 }],
    ['max_completion_tokens first', { max_tokens: 100, max_completion_tokens: 50 }, {}, { max_tokens: 50 }],
    ['the cap when the client sets none', {}, { maxTokensCap: 1_000 }, { max_tokens: 1_000 }],
    ['the cap over a larger value', { max_tokens: 2_000 }, { maxTokensCap: 1_000 }, { max_tokens: 1_000 }],
    ['the endpoint model', {}, { model: 'claude-haiku-4-5' }, { model: 'claude-haiku-4-5' }],
    ['a stop string', { stop: 'END' }, {}, { stop_sequences: ['END'] }],
    ['tool_choice required', { tools: TOOLS, tool_choice: 'required' }, {}, { tool_choice: { type: 'any' } }],
    ['tool_choice none', { tools: TOOLS, tool_choice: 'none' }, {}, { tool_choice: { type: 'none' } }],
    [
      'tool_choice of a function',
      { tools: TOOLS, tool_choice: { type: 'function', function: { name: 'get_weather' } } },
      {},
      { tool_choice: { type: 'tool', name: 'get_weather' } },
    ],
    [
      'parallel_tool_calls false alone',
      { tools: TOOLS, parallel_tool_calls: false },
      {},
      { tool_choice: { type: 'auto', disable_parallel_tool_use: true } },
    ],
    [
      'a tool without parameters',
      { tools: [{ type: 'function', function: { name: 'now' } }] },
      {},
      { tools: [{ name: 'now', input_schema: { type: 'object', properties: {} } }] },
    ],
  ])('%s', (_name, fields, settings, expected) => {
    expect(map({ ...BASE, ...fields }, settings)).toMatchObject(expected);
  });

  it.each<[string, unknown[], unknown[]]>([
    [
      'consecutive user turns are merged',
      [
        { role: 'user', content: 'one' },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
      ],
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'one' },
            { type: 'text', text: 'two' },
          ],
        },
      ],
    ],
    [
      'an assistant turn of tool calls only, with empty text left out',
      [
        { role: 'user', content: 'time?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'now', arguments: '' } }],
        },
      ],
      [
        { role: 'user', content: [{ type: 'text', text: 'time?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'now', input: {} }] },
      ],
    ],
    [
      'tool ids of other vendors made valid, in the call and in its result',
      [
        {
          role: 'assistant',
          tool_calls: [
            { id: 'call_1__thought__Ci+Q/B=', type: 'function', function: { name: 'f', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1__thought__Ci+Q/B=', content: 'ok' },
      ],
      [
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'call_1__thought__Ci_Q_B_', name: 'f', input: {} }],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'call_1__thought__Ci_Q_B_', content: 'ok' }],
        },
      ],
    ],
    [
      'a refusal part of an assistant turn is text',
      [{ role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot.' }] }],
      [{ role: 'assistant', content: [{ type: 'text', text: 'I cannot.' }] }],
    ],
    [
      'a PDF and a text file become documents',
      [
        {
          role: 'user',
          content: [
            { type: 'file', file: { file_data: PDF, filename: 'report.pdf' } },
            { type: 'file', file: { file_data: 'data:text/plain;base64,aGVsbG8=' } },
          ],
        },
      ],
      [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' },
              title: 'report.pdf',
            },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'hello' } },
          ],
        },
      ],
    ],
  ])('%s', (_name, messages, expected) => {
    expect(map({ ...BASE, messages }).messages).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['n above 1', { n: 2 }, 'n'],
    ['response_format', { response_format: { type: 'json_object' } }, 'response_format'],
    [
      'an audio part',
      { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] },
      'messages[0].content[0].type',
    ],
    [
      'tool arguments that are not JSON',
      {
        messages: [
          {
            role: 'assistant',
            tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{' } }],
          },
        ],
      },
      'messages[0].tool_calls[0].function.arguments',
    ],
    [
      'tool arguments that are not an object',
      {
        messages: [
          {
            role: 'assistant',
            tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1]' } }],
          },
        ],
      },
      'messages[0].tool_calls[0].function.arguments',
    ],
    [
      'a legacy function message',
      { messages: [{ role: 'function', name: 'f', content: 'x' }] },
      'messages[0].role',
    ],
    [
      'an SVG image',
      {
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'data:image/svg+xml;base64,PHN2Zz4=' } }],
          },
        ],
      },
      'messages',
    ],
    [
      'a file by id',
      { messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-abc' } }] }] },
      'messages[0].content[0].file',
    ],
    ['a non-function tool', { tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0].type'],
    ['a temperature that is not a number', { temperature: 'hot' }, 'temperature'],
  ])('rejects %s with a 400 naming the field', (_name, fields, param) => {
    expect(thrown(() => map({ ...BASE, ...fields }))).toMatchObject({
      code: 'invalid_request',
      status: 400,
      param,
    });
  });
});
