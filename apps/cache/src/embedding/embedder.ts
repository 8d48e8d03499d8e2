/** Turns a request's search text into the vector the semantic tier compares. */
export interface Embedder {
  /** `local`, or the embeddings application's id. */
  readonly name: string;
  readonly dimensions: number;
  /** The request id travels into the embeddings call (logs, traces). */
  embed(text: string, requestId: string): Promise<number[]>;
}
