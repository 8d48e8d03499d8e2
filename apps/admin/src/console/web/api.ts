/**
 * The admin API as the console calls it. The credential lives in sessionStorage (gone with the tab)
 * and travels only in the `Authorization` header, never in a URL.
 */
const CREDENTIAL_KEY = 'aigw.console.credential';

export const credential = {
  get: (): string | null => sessionStorage.getItem(CREDENTIAL_KEY),
  set: (value: string): void => sessionStorage.setItem(CREDENTIAL_KEY, value),
  clear: (): void => sessionStorage.removeItem(CREDENTIAL_KEY),
};

/** An admin API error: its status and the OpenAI envelope's message and code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }

  /** The credential is missing, wrong, expired or lacks the admin scope. */
  get unauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = credential.get();
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
    });
  } catch {
    throw new ApiError(0, 'The admin API cannot be reached.', null);
  }
  const text = await res.text();
  const parsed: unknown = text === '' ? null : safeJson(text);
  if (!res.ok) {
    const error = (parsed as { error?: { message?: unknown; code?: unknown } } | null)?.error;
    throw new ApiError(
      res.status,
      typeof error?.message === 'string' ? error.message : `${method} ${path}: HTTP ${res.status}`,
      typeof error?.code === 'string' ? error.code : null,
    );
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
