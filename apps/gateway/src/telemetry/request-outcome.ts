import type { UsageEvent } from '@aigw/contracts';
import type { IncomingMessage } from 'node:http';

/** What the inference use case leaves on an HTTP request for its access-log line and request log. */
export interface RequestOutcome {
  readonly event: UsageEvent;
  readonly upstreamMs: number | null;
  /** Only when the application logs payloads. */
  readonly payloads: { readonly request: unknown; readonly response: unknown } | null;
}

const outcomes = new WeakMap<IncomingMessage, RequestOutcome>();

export function setRequestOutcome(request: IncomingMessage, outcome: RequestOutcome): void {
  outcomes.set(request, outcome);
}

export function requestOutcome(request: IncomingMessage): RequestOutcome | undefined {
  return outcomes.get(request);
}
