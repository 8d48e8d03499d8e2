import type { LoggerService } from '@nestjs/common';
import { resolveConfig } from '@aigw/config';
import type { LogRecord, UsageEvent } from '@aigw/contracts';
import type { HttpExchange } from './access-log';
import { AccessLog, accessRecord } from './access-log';
import type { RequestOutcome } from './request-outcome';

const config = (logging?: { accessLog?: boolean; publish?: boolean }) =>
  resolveConfig(
    {
      auth: { required: false },
      ...(logging ? { logging } : {}),
      applications: [
        { id: 'plain', type: 'chat', endpoints: [{ id: 'm', provider: 'mock' }] },
        {
          id: 'summarised',
          type: 'chat',
          logging: { summaries: true },
          endpoints: [{ id: 'm', provider: 'mock' }],
        },
        {
          id: 'with-payloads',
          type: 'chat',
          logging: { summaries: true, payloads: true },
          endpoints: [{ id: 'm', provider: 'mock' }],
        },
      ],
    },
    {},
  );

const exchange: HttpExchange = {
  requestId: 'req-1',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  method: 'POST',
  route: '/v1/chat/completions',
  status: 200,
  durationMs: 12.345,
};

const event = (overrides: Partial<UsageEvent> = {}): UsageEvent => ({
  requestId: 'req-1',
  applicationId: 'plain',
  endpointId: 'm',
  provider: 'mock',
  model: 'gpt-4o-mini-2024',
  consumerId: 'team-a',
  operation: 'chat',
  stream: false,
  status: 200,
  statusClass: '2xx',
  errorCode: null,
  requestedModel: 'gpt-4o-mini',
  throttled: false,
  promptTokens: 23,
  completionTokens: 8,
  latencyMs: 5765.04,
  timeToFirstTokenMs: null,
  cacheHit: false,
  cacheSimilarity: null,
  retries: 0,
  finishedAt: '2026-03-01T10:00:00.000Z',
  ...overrides,
});

const outcome = (overrides: Partial<UsageEvent> = {}): RequestOutcome => ({
  event: event(overrides),
  upstreamMs: 5700.01,
  payloads: { request: { messages: [{ role: 'user', content: 'secret prompt' }] }, response: { id: 'x' } },
});

function capture(): { logger: LoggerService; lines: Array<[unknown, string]> } {
  const lines: Array<[unknown, string]> = [];
  const log = (message: unknown, context?: unknown) => void lines.push([message, String(context)]);
  return { lines, logger: { log, error: log, warn: log } };
}

describe('accessRecord', () => {
  it.each([
    ['a request with no LLM call', undefined, { request_type: 'traditional_http', llm_model: null }],
    [
      'a chat completion',
      outcome(),
      {
        request_type: 'ai_chat',
        request_llm_model: 'gpt-4o-mini',
        llm_model: 'gpt-4o-mini-2024',
        llm_prompt_tokens: 23,
        llm_completion_tokens: 8,
        upstream_response_time_ms: 5700,
        consumer: 'team-a',
      },
    ],
    [
      'a stream',
      outcome({ stream: true, timeToFirstTokenMs: 2858.04 }),
      { request_type: 'ai_stream', llm_time_to_first_token: 2858 },
    ],
  ])('%s', (_label, given, expected) => {
    expect(accessRecord(exchange, given)).toMatchObject({
      kind: 'access',
      request_id: 'req-1',
      trace_id: exchange.traceId,
      status: 200,
      duration_ms: 12.3,
      ...expected,
    });
  });
});

describe('AccessLog', () => {
  it.each([
    ['plain', ['AccessLog']],
    ['summarised', ['AccessLog', 'RequestLog']],
    ['with-payloads', ['AccessLog', 'RequestLog']],
  ])('writes the access line, and the request log where %s asks for it', (applicationId, contexts) => {
    const { logger, lines } = capture();
    new AccessLog(config(), logger, null).write(exchange, outcome({ applicationId }));
    expect(lines.map(([, context]) => context)).toEqual(contexts);
  });

  it('puts the bodies in the request log only with payloads on', () => {
    const { logger, lines } = capture();
    const log = new AccessLog(config(), logger, null);
    log.write(exchange, outcome({ applicationId: 'summarised' }));
    log.write(exchange, outcome({ applicationId: 'with-payloads' }));
    const [summary, withPayloads] = lines.filter(([, c]) => c === 'RequestLog').map(([m]) => m as LogRecord);
    expect(summary).toMatchObject({ summary: { llm_model: 'gpt-4o-mini-2024', prompt_tokens: 23 } });
    expect(JSON.stringify(summary)).not.toContain('secret prompt');
    expect(JSON.stringify(withPayloads)).toContain('secret prompt');
  });

  it('publishes what it logs when there is a publisher, and skips the access line when it is off', () => {
    const published: LogRecord[] = [];
    const { logger, lines } = capture();
    new AccessLog(config({ accessLog: false, publish: true }), logger, (r) => published.push(r)).write(
      exchange,
      outcome({ applicationId: 'summarised' }),
    );
    expect(lines.map(([, c]) => c)).toEqual(['RequestLog']);
    expect(published.map((r) => r.kind)).toEqual(['request']);
  });
});
