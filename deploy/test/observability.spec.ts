import { dashboardSeries, seriesOf } from '@aigw/testing';
import { environmentOf, healthcheckCommand, loadCompose } from './support/compose-file';
import { readRepoFile, readRepoYaml } from './support/repo-files';

const compose = loadCompose();
const OBSERVABILITY = 'deploy/observability';

interface Datasource {
  readonly uid: string;
  readonly type: string;
  readonly url: string;
}
interface Panel {
  readonly title: string;
  readonly datasource: { uid: string };
  readonly targets: Array<{ expr: string; datasource: { uid: string } }>;
}
interface CollectorConfig {
  readonly extensions: { health_check: { endpoint: string } };
  readonly receivers: { otlp: { protocols: { grpc: { endpoint: string }; http: { endpoint: string } } } };
  readonly exporters: Record<string, { endpoint: string }>;
  readonly service: {
    readonly telemetry: {
      metrics: { readers: Array<{ pull: { exporter: { prometheus: { port: number } } } }> };
    };
    readonly pipelines: Record<string, { receivers: string[]; exporters: string[] }>;
  };
}

const datasources = (
  readRepoYaml(OBSERVABILITY, 'grafana/provisioning/datasources/datasources.yaml') as {
    datasources: Datasource[];
  }
).datasources;
const dashboard = JSON.parse(readRepoFile(OBSERVABILITY, 'grafana/dashboards/aigw-overview.json')) as {
  uid: string;
  panels: Panel[];
};
const collector = readRepoYaml(OBSERVABILITY, 'otel-collector.yaml') as CollectorConfig;
const prometheus = readRepoYaml(OBSERVABILITY, 'prometheus.yml') as {
  scrape_configs: Array<{
    job_name: string;
    metrics_path?: string;
    static_configs: Array<{ targets: string[] }>;
  }>;
};
const port = (endpoint: string) => Number(endpoint.split(':').at(-1));

describe('observability of the compose stack', () => {
  it('provisions Prometheus and Jaeger with fixed uids, at their compose services', () => {
    expect(datasources.map((d) => [d.uid, d.type, d.url])).toEqual([
      ['aigw-prometheus', 'prometheus', 'http://prometheus:9090'],
      ['aigw-jaeger', 'jaeger', 'http://jaeger:16686'],
    ]);
    for (const d of datasources) expect(Object.keys(compose.services)).toContain(new URL(d.url).hostname);
    expect(compose.services['prometheus'].ports).toEqual(['127.0.0.1:9090:9090']);
    expect(compose.services['jaeger'].ports).toEqual(['127.0.0.1:16686:16686']);
  });

  it('loads the dashboards from the folder compose mounts', () => {
    const provider = (
      readRepoYaml(OBSERVABILITY, 'grafana/provisioning/dashboards/dashboards.yaml') as {
        providers: Array<{ options: { path: string } }>;
      }
    ).providers[0];
    expect(compose.services['grafana'].volumes).toContain(
      `./${OBSERVABILITY}/grafana/dashboards:${provider.options.path}:ro`,
    );
    expect(compose.services['grafana'].volumes).toContain(
      `./${OBSERVABILITY}/grafana/provisioning:/etc/grafana/provisioning:ro`,
    );
  });

  it('queries only provisioned datasources', () => {
    const uids = datasources.map((d) => d.uid);
    for (const panel of dashboard.panels) {
      expect(uids).toContain(panel.datasource.uid);
      for (const target of panel.targets) expect(uids).toContain(target.datasource.uid);
    }
  });

  it('queries only the metric names deploy/observability/README.md lists', () => {
    const listed = [...readRepoFile(OBSERVABILITY, 'README.md').matchAll(/^\| `([a-z_:]+)`/gm)].map(
      (m) => m[1],
    );
    const queried = dashboardSeries();
    expect(queried).toEqual(
      expect.arrayContaining(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => seriesOf(t.expr)))),
    );
    expect(queried.length).toBeGreaterThan(0);
    for (const series of new Set(queried))
      expect({ series, listed: listed.includes(series.replace(/_(bucket|sum|count)$/, '')) }).toEqual({
        series,
        listed: true,
      });
  });

  it.each([
    [
      'histogram_quantile(0.95, sum by (le) (rate(a_seconds_bucket{x!="y"}[$__rate_interval])))',
      ['a_seconds_bucket'],
    ],
    ['sum(rate(a_total{r="hit"}[5m])) / sum(rate(a_total[5m]))', ['a_total', 'a_total']],
    ['max by (queue, state) (q_jobs{state=~"waiting|active"})', ['q_jobs']],
    ['up', ['up']],
  ])('extracts the series of %s', (expr, series) => {
    expect(seriesOf(expr)).toEqual(series);
  });

  it('receives OTLP where the services send it, and sends traces to Jaeger', () => {
    const endpoint = new URL(environmentOf(compose.services['gateway'])['OTEL_EXPORTER_OTLP_ENDPOINT']);
    expect(endpoint.hostname).toBe('otel-collector');
    expect(Number(endpoint.port)).toBe(port(collector.receivers.otlp.protocols.http.endpoint));
    const traces = collector.service.pipelines['traces'];
    expect(traces.receivers).toEqual(['otlp']);
    for (const exporter of traces.exporters)
      expect(collector.exporters[exporter]?.endpoint).toBe('jaeger:4317');
  });

  it('scrapes every app where it exposes /metrics, and the collector where it serves its own', () => {
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((c) => [c.job_name, c]));
    const appTargets = jobs['aigw']?.static_configs.flatMap((s) => s.targets) ?? [];
    const gatewayEnv = environmentOf(compose.services['gateway']);
    const expected = [
      `gateway:${gatewayEnv['METRICS_PORT']}`,
      ...['router', 'cache', 'memory', 'metrics', 'admin'].map(
        (service) => `${service}:${environmentOf(compose.services[service])['HEALTH_PORT']}`,
      ),
    ];
    expect(appTargets.sort()).toEqual(expected.sort());
    expect(jobs['aigw']?.metrics_path ?? '/metrics').toBe('/metrics');
    const collectorTargets = jobs['otel-collector']?.static_configs.flatMap((s) => s.targets) ?? [];
    expect(collectorTargets.map(port)).toEqual([
      collector.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port,
    ]);
    for (const target of [...appTargets, ...collectorTargets])
      expect(Object.keys(compose.services)).toContain(target.split(':')[0]);
    const health = healthcheckCommand(compose.services['otel-collector']).find((w) => w.startsWith('http'));
    expect(Number(new URL(health!).port)).toBe(port(collector.extensions.health_check.endpoint));
  });
});
