import { tracingSettings } from './tracing-settings';

describe('tracingSettings', () => {
  it.each([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'console,otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
    [{ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
    [{ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '' }, false],
  ])('%j → tracing %s', (env, enabled) => {
    expect(tracingSettings('router', env).enabled).toBe(enabled);
  });

  it('names the service aigw-<service> unless OTEL_SERVICE_NAME says otherwise', () => {
    expect(tracingSettings('router', {}).serviceName).toBe('aigw-router');
    expect(tracingSettings('router', { OTEL_SERVICE_NAME: 'router' }).serviceName).toBe('router');
  });

  it('records prompt text only when opted in', () => {
    expect(tracingSettings('router', {}).captureMessageContent).toBe(false);
    expect(
      tracingSettings('router', { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' })
        .captureMessageContent,
    ).toBe(true);
  });

  it.each(['TRUE', ' true '])('reads %j as true, as the OpenTelemetry spec does', (value) => {
    expect(
      tracingSettings('router', { OTEL_SDK_DISABLED: value, OTEL_TRACES_EXPORTER: 'otlp' }).enabled,
    ).toBe(false);
  });

  it.each(['yes', '1', 'on'])('reads %j as false, as the OpenTelemetry spec does', (value) => {
    expect(
      tracingSettings('router', { OTEL_SDK_DISABLED: value, OTEL_TRACES_EXPORTER: 'otlp' }).enabled,
    ).toBe(true);
  });
});
