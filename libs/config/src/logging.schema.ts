import { z } from 'zod';

/**
 * Per application, what the request log records (APISIX `ai-proxy` `logging.summaries` /
 * `logging.payloads`): `summaries` adds a request-log record with the LLM summary (model, duration,
 * prompt and completion tokens) to the log sinks; `payloads` adds the request and response bodies to it.
 * Payloads may hold personal data: off by default. The access-log line is written either way.
 */
export const ApplicationLoggingSchema = z.strictObject({
  summaries: z.boolean().default(false),
  payloads: z.boolean().default(false),
});
export type ApplicationLogging = z.infer<typeof ApplicationLoggingSchema>;
export const DEFAULT_APPLICATION_LOGGING: ApplicationLogging = ApplicationLoggingSchema.parse({});

/** The gateway's request logging. */
export const LoggingSettingsSchema = z.strictObject({
  /** One access-log line per HTTP request on stdout. */
  accessLog: z.boolean().default(true),
  /**
   * Also publish access-log lines and request-log records on the bus (`Subjects.logs.requests`), for a
   * log pipeline subscribed to it (core NATS: at most once, never slowing a request).
   */
  publish: z.boolean().default(false),
});
export type LoggingSettings = z.infer<typeof LoggingSettingsSchema>;
export const DEFAULT_LOGGING_SETTINGS: LoggingSettings = LoggingSettingsSchema.parse({});
