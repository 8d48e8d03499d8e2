import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TranslationContext } from '../translation/openai-chat.types';
import type { StreamBody } from '../upstream/upstream-body';

/** A recorded fixture of a provider folder (`<provider>/fixtures/<name>`), as text. */
export function fixtureText(providerDir: string, name: string): string {
  return readFileSync(join(providerDir, 'fixtures', name), 'utf8');
}

export function fixtureJson<T = Record<string, unknown>>(providerDir: string, name: string): T {
  return JSON.parse(fixtureText(providerDir, name)) as T;
}

export const FIXED_CREATED = 1_700_000_000;

/** Ids `<prefix>0001`, `<prefix>0002`… and a fixed `created`, so translated answers match fixtures. */
export function fixedContext(): TranslationContext {
  let next = 0;
  return { created: FIXED_CREATED, newId: (prefix) => `${prefix}${String(++next).padStart(4, '0')}` };
}

/** A stream body delivering each piece as one read (then failing, if told), recording how it was settled. */
export function piecesBody(
  pieces: readonly Uint8Array[],
  failAtEnd?: Error,
): StreamBody & { settled: boolean | null } {
  const reads = (async function* () {
    for (const piece of pieces) yield piece;
    if (failAtEnd) throw failAtEnd;
  })();
  const body = {
    settled: null as boolean | null,
    read: () => reads,
    settle: (answered: boolean) => void (body.settled = answered),
  };
  return body;
}

/** A body that delivers `text` in pieces of `size` bytes (1 splits every event and character). */
export function bodyOf(text: string, size = Number.MAX_SAFE_INTEGER, failAtEnd?: Error): StreamBody {
  const bytes = Buffer.from(text);
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  return piecesBody(pieces, failAtEnd);
}

/** Every chunk a stream yields before it ends or throws (parsed), and how many it yielded in each batch. */
export async function drain(
  source: AsyncIterable<readonly string[]>,
): Promise<{ chunks: unknown[]; batchSizes: number[]; error: unknown }> {
  const chunks: unknown[] = [];
  const batchSizes: number[] = [];
  try {
    for await (const batch of source) {
      batchSizes.push(batch.length);
      for (const text of batch) chunks.push(JSON.parse(text));
    }
    return { chunks, batchSizes, error: null };
  } catch (error) {
    return { chunks, batchSizes, error };
  }
}
