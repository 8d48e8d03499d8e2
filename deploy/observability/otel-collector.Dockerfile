# The upstream collector image is distroless (no shell, no HTTP client), so docker compose could not
# check its health. This keeps the upstream binary unchanged and adds busybox for `wget`.
ARG OTELCOL_IMAGE=otel/opentelemetry-collector-contrib:0.128.0

FROM ${OTELCOL_IMAGE} AS upstream

FROM busybox:1.37 AS otel-collector
COPY --from=upstream /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=upstream /otelcol-contrib /otelcol-contrib
USER 10001:10001
# OTLP gRPC and HTTP, own metrics, Prometheus exporter, health_check
EXPOSE 4317 4318 8888 8889 13133
ENTRYPOINT ["/otelcol-contrib"]
CMD ["--config", "/etc/otelcol-contrib/config.yaml"]
