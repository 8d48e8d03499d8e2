import { z } from 'zod';

/**
 * The control plane's bus contract. The admin service owns the configuration (one document, the
 * YAML file's schema, versioned in Postgres); every committed change is announced as `config.changed`
 * and the active document is served on `admin.v1.config.get`, so services can fetch and apply it.
 */
export const ConfigChangedEventSchema = z.object({
  /**
   * The store's revision number: strictly increasing, one per committed change (a document that
   * comes back, e.g. an activated older version, is a new revision). Services order events by it.
   */
  revision: z.number().int().positive(),
  /** Content hash of the new active document (`GatewayConfig.version`). */
  version: z.string().min(1),
  /** The version it replaced; null for the first one. */
  previousVersion: z.string().min(1).nullable(),
});
export type ConfigChangedEvent = z.infer<typeof ConfigChangedEventSchema>;

export const ConfigGetReplySchema = z.object({
  /** The active revision's number (see `ConfigChangedEvent.revision`). */
  revision: z.number().int().positive(),
  version: z.string().min(1),
  /**
   * The active document as stored (the YAML file's schema, as JSON). Each service validates it with
   * `resolveConfig` in its own environment (provider keys are env-variable names, never values).
   */
  document: z.record(z.string(), z.unknown()),
  activatedAt: z.string(),
});
export type ConfigGetReply = z.infer<typeof ConfigGetReplySchema>;
