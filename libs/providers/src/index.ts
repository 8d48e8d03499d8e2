// The public API of the providers lib: the adapter contract, its factory, and the upstream failure the
// router fails over on. Vendor wire types and mappers stay inside their provider folder.
export type {
  OpenAiRequestBody,
  ProviderAdapter,
  ProviderOperation,
  ProviderResponse,
  ProviderStream,
} from './provider-adapter.interface';
export type { ProviderAdapterFactoryOptions } from './provider-adapter.factory';
export { createProviderAdapter } from './provider-adapter.factory';
export type { UpstreamHttpClientOptions } from './upstream/upstream-http.client';
export { UpstreamHttpClient } from './upstream/upstream-http.client';
export type { UpstreamFailureKind } from './upstream/upstream-failure.error';
export { UpstreamFailure } from './upstream/upstream-failure.error';
export { DEFAULT_RETRY_AFTER_MS } from './upstream/retry-after.mapper';
export { AZURE_OPENAI_DEFAULT_API_VERSION } from './azure-openai/azure-openai.adapter';
export { traceProviderAdapter } from './telemetry/traced-provider.adapter';
