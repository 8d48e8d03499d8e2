/** The media type and base64 payload of a `data:` URL (RFC 2397); null for any other URL. */
export interface InlineData {
  readonly mediaType: string;
  readonly base64: string;
}

export function parseBase64DataUrl(url: string): InlineData | null {
  const match = /^data:([^;,]+)((?:;[^;,]*)*);base64,(.*)$/s.exec(url);
  if (!match) return null;
  return { mediaType: match[1].toLowerCase(), base64: match[3] };
}
