import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's one Prometheus registry: every service of the process registers here, so the embedded
 * mode (all services in one process) exposes everything on one `/metrics`, and each process of the
 * distributed mode exposes its own (the gateway on its HTTP port, bus services on `HEALTH_PORT`).
 * Labels are bounded by the configuration (application, endpoint, provider, model, status class):
 * never a key, a consumer, a request id or any text of a prompt.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

/** The Prometheus text exposition of every metric of the process. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';

/** `2xx`, `4xx`… of an HTTP status (499, a client that went away, is `4xx`). */
export function statusClass(status: number): StatusClass {
  return `${Math.min(Math.max(Math.floor(status / 100), 1), 5)}xx` as StatusClass;
}
