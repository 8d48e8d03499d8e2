/** Deterministic reply text and token counts; the same request always gets the same answer. */

export const PROMPT_ECHO_LIMIT = 200;

/** Text of a message `content`: a string, or the `text` of its `{type:'text'}` parts joined by a space. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join(' ');
}

export function lastUserText(messages: readonly unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i];
    if (isRecord(message) && message.role === 'user') return contentText(message.content);
  }
  return '';
}

/** Mock tokens are whitespace-separated words. */
export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i += 1) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord) count += 1;
    inWord = !space;
  }
  return count;
}

export function messagesTokens(messages: readonly unknown[]): number {
  let total = 0;
  for (const message of messages) if (isRecord(message)) total += countWords(contentText(message.content));
  return total;
}

export function replyFor(prompt: string, override: string | undefined): string {
  if (override !== undefined) return override;
  return `Mock reply to: ${truncate(prompt, PROMPT_ECHO_LIMIT)}`;
}

/**
 * Splits the reply into stream pieces whose concatenation is the reply. Without `chunks`, one piece per
 * word (each word keeps the whitespace that follows it); with `chunks`, that many pieces of near-equal
 * length (fewer when the text is shorter than `chunks` characters).
 */
export function splitReply(text: string, chunks?: number): string[] {
  if (chunks === undefined) return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
  if (chunks <= 0 || text === '') return [];
  const chars = Array.from(text);
  const count = Math.min(chunks, chars.length);
  const pieces: string[] = [];
  for (let i = 0; i < count; i += 1) {
    pieces.push(
      chars
        .slice(Math.floor((i * chars.length) / count), Math.floor(((i + 1) * chars.length) / count))
        .join(''),
    );
  }
  return pieces;
}

function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return Array.from(text).slice(0, limit).join('');
}

/** The characters of the RegExp class `\s`, so counts agree with `splitReply`. */
function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
