import { z } from 'zod';

export const HealthReplySchema = z.object({
  service: z.string(),
  instanceId: z.string(),
  status: z.literal('ok'),
  uptimeMs: z.number(),
  configVersion: z.string(),
});
export type HealthReply = z.infer<typeof HealthReplySchema>;

export const ConfigVersionReplySchema = z.object({
  version: z.string(),
  applications: z.number().int(),
  recordedAt: z.string(),
});
export type ConfigVersionReply = z.infer<typeof ConfigVersionReplySchema>;
