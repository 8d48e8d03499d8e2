/**
 * The Gemini API wire format (https://ai.google.dev/api/generate-content), as far as the gateway writes
 * and reads it. Requests are type aliases so they can be merged as plain records.
 */

export type GeminiRequest = {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
  tools?: { functionDeclarations: GeminiFunctionDeclaration[] }[];
  toolConfig?: { functionCallingConfig: GeminiFunctionCallingConfig };
  generationConfig?: GeminiGenerationConfig;
};

export interface GeminiContent {
  readonly role: 'user' | 'model';
  readonly parts: GeminiPart[];
}

/** One part; exactly one data field is set. */
export interface GeminiPart {
  readonly text?: string;
  /** A thought summary, not part of the answer. */
  readonly thought?: boolean;
  readonly inlineData?: { readonly mimeType: string; readonly data: string };
  readonly fileData?: { readonly fileUri: string; readonly mimeType?: string };
  readonly functionCall?: GeminiFunctionCall;
  readonly functionResponse?: { readonly name: string; readonly response: Readonly<Record<string, unknown>> };
  /** https://ai.google.dev/gemini-api/docs/thought-signatures */
  readonly thoughtSignature?: string;
}

export interface GeminiFunctionCall {
  readonly name?: string;
  readonly args?: Readonly<Record<string, unknown>>;
  readonly id?: string;
}

export interface GeminiFunctionDeclaration {
  readonly name: string;
  readonly description?: string;
  /** Full JSON Schema (the older `parameters` takes only an OpenAPI subset). */
  readonly parametersJsonSchema?: Readonly<Record<string, unknown>>;
}

export interface GeminiFunctionCallingConfig {
  readonly mode: 'AUTO' | 'ANY' | 'NONE';
  readonly allowedFunctionNames?: string[];
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseJsonSchema?: Readonly<Record<string, unknown>>;
}

export interface GeminiCandidate {
  readonly index?: number;
  readonly content?: { readonly role?: string; readonly parts?: readonly GeminiPart[] };
  readonly finishReason?: string;
}

export interface GeminiUsageMetadata {
  readonly promptTokenCount?: number;
  readonly candidatesTokenCount?: number;
  readonly toolUsePromptTokenCount?: number;
  readonly thoughtsTokenCount?: number;
  readonly cachedContentTokenCount?: number;
  readonly totalTokenCount?: number;
}

/** The answer of `generateContent`, and each event of `streamGenerateContent?alt=sse`. */
export interface GeminiResponse {
  readonly candidates?: readonly GeminiCandidate[];
  readonly promptFeedback?: { readonly blockReason?: string };
  readonly usageMetadata?: GeminiUsageMetadata;
  readonly modelVersion?: string;
  readonly responseId?: string;
  /** Sent in place of an answer when generation fails mid-stream. */
  readonly error?: GeminiErrorBody;
}

/** https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes (google.rpc.Status) */
export interface GeminiErrorBody {
  readonly code?: number;
  readonly message?: string;
  readonly status?: string;
  readonly details?: readonly GeminiErrorDetail[];
}

export interface GeminiErrorDetail {
  readonly '@type'?: string;
  /** google.rpc.RetryInfo: a protobuf Duration in JSON, e.g. `"13s"` or `"0.5s"`. */
  readonly retryDelay?: string;
  /** google.rpc.ErrorInfo */
  readonly reason?: string;
}

export type GeminiEmbedRequest = {
  requests: {
    model: string;
    content: { parts: { text: string }[] };
    outputDimensionality?: number;
  }[];
};

export interface GeminiEmbedResponse {
  readonly embeddings?: readonly { readonly values?: readonly number[] }[];
}
