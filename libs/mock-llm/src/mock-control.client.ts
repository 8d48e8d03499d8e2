import type { MockBehaviour } from './mock-behaviour.schema';
import type { RequestsPredicate } from './mock-control';
import { DEFAULT_WAIT_MS } from './mock-control';
import type { RecordedRequest } from './request-log';

const POLL_INTERVAL_MS = 20;

/** `MockControl` over the `/_mock/` HTTP API, for a mock running in another process. */
export class MockControlClient {
  private readonly base: string;

  /** `url` is the mock's base URL, e.g. `http://127.0.0.1:4010`. */
  constructor(url: string) {
    this.base = url.replace(/\/+$/, '');
  }

  async script(instance: string, behaviours: readonly MockBehaviour[]): Promise<void> {
    await this.call('POST', `/_mock/instances/${encodeURIComponent(instance)}/script`, { behaviours });
  }

  async setDefault(instance: string, behaviour: MockBehaviour | null): Promise<void> {
    await this.call('PUT', `/_mock/instances/${encodeURIComponent(instance)}/default`, behaviour);
  }

  async requests(instance?: string): Promise<RecordedRequest[]> {
    const query = instance === undefined ? '' : `?instance=${encodeURIComponent(instance)}`;
    const reply = (await this.call('GET', `/_mock/requests${query}`)) as { requests: RecordedRequest[] };
    return reply.requests;
  }

  async reset(): Promise<void> {
    await this.call('POST', '/_mock/reset');
  }

  /** Polls the request log until `predicate` holds; rejects after `timeoutMs`. */
  async waitFor(predicate: RequestsPredicate, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const requests = await this.requests();
      if (predicate(requests)) return requests;
      if (Date.now() >= deadline) {
        throw new Error(
          `mock-llm waitFor: condition not met within ${timeoutMs} ms (${requests.length} requests recorded)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const res = await fetch(`${this.base}${path}`, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`mock-llm control ${method} ${path} failed with ${res.status}: ${text}`);
    return text === '' ? null : (JSON.parse(text) as unknown);
  }
}
