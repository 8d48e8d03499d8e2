/** A small fetch client for the admin API that keeps every response body, to check none leaks a secret. */
export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: T;
}

export interface CallOptions {
  readonly body?: unknown;
  /** Sent as is (YAML, malformed JSON…) instead of JSON. */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
  /** The bearer credential; null sends none. Defaults to the client's. */
  readonly credential?: string | null;
}

export class AdminApiClient {
  readonly bodies: string[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly credential: string,
  ) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<ApiResponse<T>> {
    const credential = options.credential === undefined ? this.credential : options.credential;
    const headers: Record<string, string> = { ...options.headers };
    if (credential !== null) headers.authorization = `Bearer ${credential}`;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    this.bodies.push(text);
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, text, body: parsed as T };
  }
}
