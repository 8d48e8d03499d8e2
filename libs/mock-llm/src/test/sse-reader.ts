/** What a client received of an SSE response: the `data:` payloads, and the error if the body broke off. */
export interface SseRead {
  readonly data: string[];
  readonly error: unknown;
}

/** Reads an SSE body to its end, or until the connection breaks, without throwing. */
export async function readSse(res: Response): Promise<SseRead> {
  const body = res.body;
  if (body === null) return { data: [], error: null };
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let error: unknown = null;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch (e: unknown) {
    error = e;
  }
  const data = text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => frame.slice('data: '.length));
  return { data, error };
}

export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}
