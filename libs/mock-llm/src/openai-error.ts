/**
 * OpenAI's error envelope: `{"error":{"message","type","param","code"}}`.
 * https://platform.openai.com/docs/guides/error-codes
 */
export function openAiErrorJson(
  message: string,
  type = 'invalid_request_error',
  param: string | null = null,
  code: string | null = null,
): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

const SCRIPTED: Readonly<Record<number, { message: string; type: string; code: string | null }>> = {
  400: { message: 'Mock: scripted bad request.', type: 'invalid_request_error', code: null },
  401: { message: 'Mock: scripted invalid API key.', type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { message: 'Mock: scripted permission denied.', type: 'permission_error', code: null },
  404: { message: 'Mock: scripted not found.', type: 'invalid_request_error', code: 'model_not_found' },
  408: { message: 'Mock: scripted request timeout.', type: 'timeout', code: null },
  429: { message: 'Mock: scripted rate limit reached.', type: 'requests', code: 'rate_limit_exceeded' },
  500: { message: 'Mock: scripted server error.', type: 'server_error', code: null },
  502: { message: 'Mock: scripted bad gateway.', type: 'server_error', code: null },
  503: { message: 'Mock: scripted overload.', type: 'server_error', code: 'service_unavailable' },
  504: { message: 'Mock: scripted gateway timeout.', type: 'server_error', code: null },
};

const scriptedCache = new Map<number, string>();

/** The body of a scripted error status, shaped like the upstream's own errors. */
export function scriptedErrorJson(status: number): string {
  let json = scriptedCache.get(status);
  if (json === undefined) {
    const known = SCRIPTED[status];
    json = known
      ? openAiErrorJson(known.message, known.type, null, known.code)
      : openAiErrorJson(
          `Mock: scripted status ${status}.`,
          status >= 500 ? 'server_error' : 'invalid_request_error',
        );
    scriptedCache.set(status, json);
  }
  return json;
}
