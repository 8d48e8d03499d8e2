import type { Span } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Usage } from '@aigw/contracts';
import { genAiTimeToFirstToken, initTelemetry, upstreamErrors } from '@aigw/observability';
import type { ProviderAdapter, ProviderResponse, ProviderStream } from '../provider-adapter.interface';
import { endpointFixture } from '../test/endpoint.fixture';
import { UpstreamFailure } from '../upstream/upstream-failure.error';
import { traceProviderAdapter } from './traced-provider.adapter';

const exporter = new InMemorySpanExporter();
const USAGE: Usage = { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 };
const SIGNAL = new AbortController().signal;
const PROMPT = 'a prompt that must stay private';

beforeAll(() => {
  initTelemetry();
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
});
beforeEach(() => exporter.reset());

/** An adapter whose calls do what the case says, and note the span active while they run. */
function fakeAdapter(behaviour: {
  unary?: () => Promise<ProviderResponse>;
  stream?: () => Promise<ProviderStream>;
}): { adapter: ProviderAdapter; activeSpans: Array<Span | undefined> } {
  const activeSpans: Array<Span | undefined> = [];
  const unary = () => {
    activeSpans.push(trace.getActiveSpan());
    return behaviour.unary?.() ?? Promise.reject(new Error('no unary behaviour'));
  };
  const stream = () => {
    activeSpans.push(trace.getActiveSpan());
    return behaviour.stream?.() ?? Promise.reject(new Error('no stream behaviour'));
  };
  return {
    activeSpans,
    adapter: {
      provider: 'openai-compatible',
      endpointId: 'primary',
      chat: unary,
      completions: unary,
      embeddings: unary,
      chatStream: stream,
      completionsStream: stream,
      probe: async () => 200,
    },
  };
}

const reply = (model = 'gpt-x-2026'): ProviderResponse => ({
  status: 200,
  model,
  usage: USAGE,
  body: { id: 'chatcmpl-1', choices: [{ finish_reason: 'stop', message: { content: 'hi' } }] },
});

function streamOf(chunks: string[], usage: Usage | null = USAGE): ProviderStream {
  return {
    status: 200,
    model: 'gpt-x',
    chunks: (async function* () {
      for (const chunk of chunks) yield [chunk];
    })(),
    usage: () => usage,
  };
}

const endpoint = endpointFixture({ model: 'gpt-x', url: 'https://llm.example/v1' });
const body = {
  model: 'chat-app',
  messages: [{ role: 'user', content: PROMPT }],
  max_tokens: 64,
  temperature: 0.2,
};
const finished = () => exporter.getFinishedSpans();

async function counterValue(labels: Record<string, string>): Promise<number> {
  const { values } = await upstreamErrors.get();
  const labelled = values as ReadonlyArray<{
    labels: Readonly<Record<string, string | number>>;
    value: number;
  }>;
  return labelled.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
}

describe('TracedProviderAdapter', () => {
  it('makes a GenAI client span of a call, child of the active span and active while the call runs', async () => {
    const { adapter, activeSpans } = fakeAdapter({ unary: async () => reply() });
    const traced = traceProviderAdapter(adapter, endpoint, 'chat-app');
    const parent = trace.getTracer('spec').startSpan('parent');
    await context.with(trace.setSpan(context.active(), parent), () => traced.chat(body, SIGNAL));
    parent.end();

    const span = finished().find((s) => s.name === 'chat gpt-x');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(activeSpans[0]?.spanContext().spanId).toBe(span?.spanContext().spanId);
    expect(span?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai-compatible',
      'gen_ai.request.model': 'gpt-x',
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.response.model': 'gpt-x-2026',
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 7,
      'server.address': 'llm.example',
      'aigw.application.id': 'chat-app',
      'aigw.endpoint.id': 'primary',
      'aigw.stream': false,
    });
    expect(JSON.stringify(span?.attributes)).not.toContain(PROMPT);
  });

  it.each([
    ['completions', 'text_completion'],
    ['embeddings', 'embeddings'],
  ] as const)('names a %s call by its operation, %s', async (operation, name) => {
    const { adapter } = fakeAdapter({ unary: async () => reply() });
    await traceProviderAdapter(adapter, endpoint, 'app')[operation](body, SIGNAL);
    expect(finished().map((s) => [s.name, s.attributes['gen_ai.operation.name']])).toEqual([
      [`${name} gpt-x`, name],
    ]);
  });

  it.each([
    [new UpstreamFailure('server_error', 'HTTP 500', 500), 'server_error', 1],
    [new UpstreamFailure('rate_limited', 'HTTP 429', 429, 1000), 'rate_limited', 1],
    [new UpstreamFailure('timeout', 'no answer'), 'timeout', 1],
  ])(
    'marks a failed call %#: error.type %s, counted as an upstream error',
    async (failure, type, counted) => {
      const labels = { application: 'failing', endpoint: 'primary', error_type: type };
      const before = await counterValue(labels);
      const { adapter } = fakeAdapter({ unary: () => Promise.reject(failure) });
      await expect(traceProviderAdapter(adapter, endpoint, 'failing').chat(body, SIGNAL)).rejects.toBe(
        failure,
      );
      const [span] = finished();
      expect(span?.status.code).toBe(SpanStatusCode.ERROR);
      expect(span?.attributes['error.type']).toBe(type);
      expect((await counterValue(labels)) - before).toBe(counted);
    },
  );

  it('keeps a stream’s span open until its last chunk, then records the usage and the time to first token', async () => {
    const ttftBefore = (await genAiTimeToFirstToken.get()).values.find(
      (v) => v.metricName === 'gen_ai_server_time_to_first_token_seconds_count',
    );
    const { adapter } = fakeAdapter({ stream: async () => streamOf(['a', 'b', 'c']) });
    const stream = await traceProviderAdapter(adapter, endpoint, 'chat-app').chatStream(body, SIGNAL);
    expect(finished()).toHaveLength(0);
    const received: string[] = [];
    for await (const batch of stream.chunks) received.push(...batch);
    expect(received).toEqual(['a', 'b', 'c']);
    const [span] = finished();
    expect(span?.attributes).toMatchObject({
      'aigw.stream': true,
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 7,
    });
    expect(span?.events.map((e) => e.name)).toEqual(['gen_ai.first_token']);
    const ttftAfter = (await genAiTimeToFirstToken.get()).values.find(
      (v) => v.metricName === 'gen_ai_server_time_to_first_token_seconds_count',
    );
    expect((ttftAfter?.value ?? 0) - (ttftBefore?.value ?? 0)).toBe(1);
  });

  it('ends a stream’s span as cancelled when the consumer stops early, without counting an upstream error', async () => {
    const labels = { application: 'cancelled', endpoint: 'primary', error_type: 'cancelled' };
    const { adapter } = fakeAdapter({ stream: async () => streamOf(['a', 'b', 'c']) });
    const stream = await traceProviderAdapter(adapter, endpoint, 'cancelled').chatStream(body, SIGNAL);
    for await (const _chunk of stream.chunks) break;
    const [span] = finished();
    expect(span?.attributes['error.type']).toBe('cancelled');
    expect(await counterValue(labels)).toBe(0);
  });

  it('marks a stream cut after it started as failed', async () => {
    const cut: ProviderStream = {
      status: 200,
      model: 'gpt-x',
      chunks: (async function* () {
        yield ['a'];
        throw new UpstreamFailure('connection_error', 'cut');
      })(),
      usage: () => null,
    };
    const { adapter } = fakeAdapter({ stream: async () => cut });
    const stream = await traceProviderAdapter(adapter, endpoint, 'chat-app').chatStream(body, SIGNAL);
    await expect(
      (async () => {
        for await (const _chunk of stream.chunks);
      })(),
    ).rejects.toThrow('cut');
    expect(finished().map((s) => [s.status.code, s.attributes['error.type']])).toEqual([
      [SpanStatusCode.ERROR, 'connection_error'],
    ]);
  });
});
