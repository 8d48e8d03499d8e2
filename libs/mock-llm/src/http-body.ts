import type { IncomingMessage } from 'node:http';

/** The request body as text; `null` when the client went away before sending all of it. */
export function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise<string | null>((resolve) => {
    const chunks: Buffer[] = [];
    let ended = false;
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    req.once('close', () => {
      if (!ended) resolve(null);
    });
  });
}
