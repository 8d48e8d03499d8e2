import { trace } from '@opentelemetry/api';

/** Span attributes naming the configuration that served an operation. */
export const ConfigAttributes = {
  version: 'aigw.config.version',
  revision: 'aigw.config.revision',
} as const;

/** Tags the active span (the request's server or consumer span) with the configuration serving it. */
export function tagConfigSnapshot(snapshot: {
  readonly revision: number;
  readonly config: { readonly version: string };
}): void {
  trace.getActiveSpan()?.setAttributes({
    [ConfigAttributes.version]: snapshot.config.version,
    [ConfigAttributes.revision]: snapshot.revision,
  });
}
