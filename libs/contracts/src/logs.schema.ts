/**
 * One access-log line per HTTP request at the gateway, with the LLM variables of APISIX's access log
 * (`request_type`, `request_llm_model`, `llm_model`, `llm_time_to_first_token`,
 * `apisix_upstream_response_time` as `upstream_response_time_ms`, `llm_prompt_tokens`,
 * `llm_completion_tokens`). Written to stdout, and published on `Subjects.logs.requests` when
 * `logging.publish` is on. Never a key, a header or any text of a prompt.
 */
export interface AccessLogRecord {
  readonly kind: 'access';
  readonly time: string;
  readonly request_id: string;
  readonly trace_id: string | null;
  readonly method: string;
  readonly route: string | null;
  readonly status: number;
  readonly duration_ms: number;
  readonly request_type: 'traditional_http' | 'ai_chat' | 'ai_stream';
  readonly application: string | null;
  readonly consumer: string | null;
  readonly endpoint: string | null;
  readonly request_llm_model: string | null;
  readonly llm_model: string | null;
  readonly llm_time_to_first_token: number | null;
  readonly upstream_response_time_ms: number | null;
  readonly llm_prompt_tokens: number;
  readonly llm_completion_tokens: number;
  readonly cache_hit: boolean;
  readonly retries: number;
  readonly error_code: string | null;
}

/**
 * The per-application request log (`logging.summaries` / `logging.payloads`): the LLM summary, and the
 * request and response bodies when payloads are on (a stream's response is its chunks' text joined).
 */
export interface RequestLogRecord {
  readonly kind: 'request';
  readonly time: string;
  readonly request_id: string;
  readonly trace_id: string | null;
  readonly application: string;
  readonly summary: {
    readonly llm_model: string | null;
    readonly duration_ms: number;
    readonly prompt_tokens: number;
    readonly completion_tokens: number;
    readonly status: number;
  };
  readonly request?: unknown;
  readonly response?: unknown;
}

export type LogRecord = AccessLogRecord | RequestLogRecord;
