import { z } from 'zod';

export type TelemetryEnv = Readonly<Record<string, string | undefined>>;

/** OpenTelemetry's boolean variables: only `true` (any case) is true; anything else is false. */
const flag = z
  .string()
  .optional()
  .transform((value) => value?.trim().toLowerCase() === 'true');

/**
 * The standard OpenTelemetry variables this project acts on (the SDK reads the rest itself:
 * `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_BSP_*`, `OTEL_RESOURCE_ATTRIBUTES`…).
 */
export const TracingEnvSchema = z.object({
  OTEL_SDK_DISABLED: flag,
  OTEL_TRACES_EXPORTER: z.string().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** Opt-in to prompt and completion text on GenAI spans (the name OpenTelemetry's GenAI instrumentations use). */
  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: flag,
});

export interface TracingSettings {
  /** An exporter is configured: the SDK records and exports spans. */
  readonly enabled: boolean;
  readonly serviceName: string;
  readonly captureMessageContent: boolean;
  /** `OTEL_TRACES_EXPORTER`'s names (empty: the SDK's default, `otlp`). */
  readonly exporters: readonly string[];
}

/**
 * Tracing is on when the environment names an exporter: `OTEL_TRACES_EXPORTER` (other than `none`) or
 * an OTLP endpoint. With neither, no SDK starts and no span is recorded (the SDK's own default would
 * export OTLP to localhost, which is never what an unconfigured process wants).
 */
export function tracingSettings(service: string, env: TelemetryEnv): TracingSettings {
  const parsed = TracingEnvSchema.parse(env);
  const exporters = (parsed.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const named = exporters.length > 0 && !exporters.includes('none');
  const endpoint = Boolean(parsed.OTEL_EXPORTER_OTLP_ENDPOINT || parsed.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const refused = exporters.includes('none');
  return {
    enabled: !parsed.OTEL_SDK_DISABLED && !refused && (named || endpoint),
    serviceName: parsed.OTEL_SERVICE_NAME ?? `aigw-${service}`,
    captureMessageContent: parsed.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT,
    exporters,
  };
}
