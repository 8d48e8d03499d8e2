import type { ServerResponse } from 'node:http';
import type { GatewayError } from '@aigw/contracts';
import { errorBody } from '../http/openai-error';

/**
 * Server-sent events as OpenAI streams them: `data: <json>\n\n` frames and a final `data: [DONE]`.
 * A failure after the first byte cannot change the status any more, so it ends the stream with a
 * terminal `data: {"error": …}` frame and no [DONE]: never a clean-looking end to a truncated answer.
 */
export class SseWriter {
  #corked = false;

  constructor(private readonly res: ServerResponse) {}

  open(headers: Record<string, string>): void {
    this.res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
  }

  /**
   * One `data:` frame a chunk, all in one write (a chunked-encoding chunk each write would add a size
   * line and a CRLF, and a buffer to the socket's writev). Writes of one turn of the event loop leave
   * together too: the socket is corked at the first and uncorked once the turn's callbacks are done, so
   * a `done()` right after joins them.
   */
  data(chunks: readonly string[]): void {
    if (!this.#corked) {
      this.#corked = true;
      this.res.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.res.uncork();
      });
    }
    let frames = '';
    for (const chunk of chunks) frames += `data: ${chunk}\n\n`;
    this.res.write(frames);
  }

  done(): void {
    this.res.end('data: [DONE]\n\n');
  }

  fail(error: GatewayError): void {
    this.res.end(`data: ${JSON.stringify(errorBody(error))}\n\n`);
  }

  get closed(): boolean {
    return this.res.writableEnded || this.res.destroyed;
  }
}
