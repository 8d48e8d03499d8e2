import type { MockExchange } from './mock-exchange';

/**
 * Server-sent events as OpenAI streams them: one `data: <json>\n\n` frame per chunk, then
 * `data: [DONE]\n\n`. https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
export const DONE_FRAME = 'data: [DONE]\n\n';
export const MALFORMED_FRAME = 'data: {not json\n\n';

export function sseFrame(json: string): string {
  return `data: ${json}\n\n`;
}

/**
 * Sends the frames with the exchange's stream behaviour: `firstChunkDelayMs` before frame 0,
 * `chunkDelayMs` between frames, `malformedChunkAt` replaces one frame, `cutAfterChunks` closes the
 * connection after that many frames. Without delays everything goes out in one write.
 */
export async function sendSse(exchange: MockExchange, status: number, frames: string[]): Promise<void> {
  const { firstChunkDelayMs, chunkDelayMs, malformedChunkAt, cutAfterChunks } = exchange.behaviour;
  if (malformedChunkAt !== undefined && malformedChunkAt < frames.length)
    frames[malformedChunkAt] = MALFORMED_FRAME;
  const count = cutAfterChunks === undefined ? frames.length : Math.min(cutAfterChunks, frames.length);
  const cut = cutAfterChunks !== undefined && cutAfterChunks < frames.length;
  const { res } = exchange;
  if (exchange.isClosed) return;
  exchange.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });

  if (!firstChunkDelayMs && !chunkDelayMs) {
    const data = count === frames.length ? frames.join('') : frames.slice(0, count).join('');
    if (!cut) {
      res.end(data);
      return;
    }
    res.flushHeaders();
    if (data) res.write(data);
    exchange.cut();
    return;
  }

  res.flushHeaders();
  for (let i = 0; i < count; i += 1) {
    if (!(await exchange.wait(i === 0 ? firstChunkDelayMs : chunkDelayMs))) return;
    res.write(frames[i]);
  }
  if (cut) exchange.cut();
  else res.end();
}
