import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  /** The client closed the connection before the response ended. */
  aborted: boolean;
}

export type TestHandler = (req: SeenRequest, res: ServerResponse<IncomingMessage>) => void;

export interface TestUpstream {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Resolves once `predicate` holds, re-checked on every request event (no sleeps). */
  until(predicate: (requests: readonly SeenRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A scripted HTTP upstream for adapter specs (the router's specs use the repo's mock LLM). */
export async function startTestUpstream(handler: TestHandler): Promise<TestUpstream> {
  const requests: SeenRequest[] = [];
  const watchers = new Set<() => void>();
  const changed = () => watchers.forEach((w) => w());
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      const seen: SeenRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text ? (JSON.parse(text) as unknown) : null,
        aborted: false,
      };
      requests.push(seen);
      res.on('close', () => {
        if (!res.writableFinished) seen.aborted = true;
        changed();
      });
      changed();
      handler(seen, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    until: (predicate, timeoutMs = 5_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!predicate(requests)) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`condition not met within ${timeoutMs} ms`));
        }, timeoutMs);
        watchers.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(
  res: ServerResponse<IncomingMessage>,
  status: number,
  body: unknown,
  headers = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
