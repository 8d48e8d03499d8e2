/** A JSON object (a configuration document or one of its entries). */
export type JsonObject = { [key: string]: unknown };

/** One immutable version of the configuration document. */
export interface ConfigRevision {
  readonly revision: number;
  /** Content hash of the document (`GatewayConfig.version`). */
  readonly version: string;
  readonly document: JsonObject;
  readonly parentVersion: string | null;
  /** The admin principal (API key or JWT subject), or `config-file` for imports of the file. */
  readonly author: string;
  readonly summary: string;
  readonly createdAt: Date;
}

export type ConfigRevisionSummary = Omit<ConfigRevision, 'document'>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
