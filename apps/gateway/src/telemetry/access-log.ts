import type { LoggerService } from '@nestjs/common';
import type { GatewayConfig } from '@aigw/config';
import { DEFAULT_APPLICATION_LOGGING, LiveConfig } from '@aigw/config';
import type { AccessLogRecord, LogRecord, RequestLogRecord } from '@aigw/contracts';
import type { RequestOutcome } from './request-outcome';

/** Where log records go besides stdout (the bus, when `logging.publish` is on). */
export type LogPublisher = (record: LogRecord) => void;

export interface HttpExchange {
  readonly requestId: string;
  readonly traceId: string | null;
  readonly method: string;
  readonly route: string | null;
  readonly status: number;
  readonly durationMs: number;
}

const round = (ms: number | null): number | null => (ms === null ? null : Math.round(ms * 10) / 10);

/** The access-log line of one HTTP request, with the LLM fields when it was an inference request. */
export function accessRecord(exchange: HttpExchange, outcome: RequestOutcome | undefined): AccessLogRecord {
  const event = outcome?.event;
  return {
    kind: 'access',
    time: new Date().toISOString(),
    request_id: exchange.requestId,
    trace_id: exchange.traceId,
    method: exchange.method,
    route: exchange.route,
    status: exchange.status,
    duration_ms: round(exchange.durationMs) ?? 0,
    request_type: event === undefined ? 'traditional_http' : event.stream ? 'ai_stream' : 'ai_chat',
    application: event?.applicationId ?? null,
    consumer: event?.consumerId ?? null,
    endpoint: event?.endpointId ?? null,
    request_llm_model: event?.requestedModel ?? null,
    llm_model: event?.model ?? null,
    llm_time_to_first_token: round(event?.timeToFirstTokenMs ?? null),
    upstream_response_time_ms: round(outcome?.upstreamMs ?? null),
    llm_prompt_tokens: event?.promptTokens ?? 0,
    llm_completion_tokens: event?.completionTokens ?? 0,
    cache_hit: event?.cacheHit ?? false,
    retries: event?.retries ?? 0,
    error_code: event?.errorCode ?? null,
  };
}

/**
 * Writes the access-log line of every HTTP request and, for applications with `logging.summaries` or
 * `logging.payloads`, its request-log record; both to stdout (the `AccessLog` / `RequestLog` logger
 * contexts) and to the publisher when there is one.
 */
export class AccessLog {
  private readonly live: LiveConfig;
  /** Each application's logging settings, per configuration snapshot. */
  private readonly settings: () => ReadonlyMap<string, { summaries: boolean; payloads: boolean }>;

  /** `source`: the live configuration (its logging settings apply as they change), or a fixed one. */
  constructor(
    source: LiveConfig | GatewayConfig,
    private readonly logger: LoggerService,
    private readonly publish: LogPublisher | null,
  ) {
    this.live = source instanceof LiveConfig ? source : LiveConfig.fromFile(source);
    this.settings = this.live.derive(
      (config) =>
        new Map(config.applications.map((app) => [app.id, app.logging ?? DEFAULT_APPLICATION_LOGGING])),
    );
  }

  private get logging(): ReadonlyMap<string, { summaries: boolean; payloads: boolean }> {
    return this.settings();
  }

  write(exchange: HttpExchange, outcome: RequestOutcome | undefined): void {
    if (this.live.config.logging.accessLog) {
      const record = accessRecord(exchange, outcome);
      this.logger.log(record, 'AccessLog');
      this.publish?.(record);
    }
    if (!outcome) return;
    const settings = this.logging.get(outcome.event.applicationId);
    if (!settings || (!settings.summaries && !settings.payloads)) return;
    const event = outcome.event;
    const record: RequestLogRecord = {
      kind: 'request',
      time: new Date().toISOString(),
      request_id: exchange.requestId,
      trace_id: exchange.traceId,
      application: event.applicationId,
      summary: {
        llm_model: event.model,
        duration_ms: round(event.latencyMs) ?? 0,
        prompt_tokens: event.promptTokens,
        completion_tokens: event.completionTokens,
        status: event.status,
      },
      ...(settings.payloads && outcome.payloads
        ? { request: outcome.payloads.request, response: outcome.payloads.response }
        : {}),
    };
    this.logger.log(record, 'RequestLog');
    this.publish?.(record);
  }

  /** Whether the use case should keep the bodies of this application's requests. */
  logsPayloads(applicationId: string): boolean {
    return this.logging.get(applicationId)?.payloads === true;
  }
}
