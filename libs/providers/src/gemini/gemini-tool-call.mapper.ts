/**
 * Gemini answers carry no tool-call ids, and thinking models attach a `thoughtSignature` to their
 * function calls that must come back with the call on the next turn
 * (https://ai.google.dev/gemini-api/docs/thought-signatures). OpenAI clients echo tool-call ids
 * verbatim, so the signature travels inside the id we mint.
 */
const SIGNATURE_SEPARATOR = '__thought__';

export function geminiToolCallId(id: string, thoughtSignature: string | undefined): string {
  return thoughtSignature ? `${id}${SIGNATURE_SEPARATOR}${thoughtSignature}` : id;
}

export function thoughtSignatureOf(toolCallId: string): string | undefined {
  const at = toolCallId.indexOf(SIGNATURE_SEPARATOR);
  return at === -1 ? undefined : toolCallId.slice(at + SIGNATURE_SEPARATOR.length) || undefined;
}
