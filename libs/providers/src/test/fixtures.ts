import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { TranslationContext } from '../translation/openai-chat.types';

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

/** A body that delivers `text` in pieces of `size` bytes (1 splits every event and character). */
export function bodyOf(text: string, size = Number.MAX_SAFE_INTEGER, failAtEnd?: Error): Readable {
  const bytes = Buffer.from(text);
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      if (failAtEnd) throw failAtEnd;
    })(),
    { objectMode: false },
  );
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
