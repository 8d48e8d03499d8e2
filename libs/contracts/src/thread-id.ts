import { randomBytes } from 'node:crypto';

/**
 * Thread ids are UUID version 7 (RFC 9562 §5.7): the first 48 bits are the Unix time in milliseconds
 * the gateway minted the id. The memory service reads it back to tell a thread whose first turn is
 * still being appended (minted a moment ago) from an id that never existed.
 */
export function mintThreadId(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** When a version 7 id was minted (ms since the epoch); null for any other UUID. */
export function threadIdTime(threadId: string): number | null {
  const hex = threadId.replace(/-/g, '');
  if (hex.length !== 32 || hex[12] !== '7') return null;
  return parseInt(hex.slice(0, 12), 16);
}
