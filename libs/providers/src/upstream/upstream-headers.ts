/** Response headers as undici reports them: lower-case names, repeated headers as arrays. */
export type UpstreamHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The first value of a (lower-case) response header. */
export function headerValue(headers: UpstreamHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
