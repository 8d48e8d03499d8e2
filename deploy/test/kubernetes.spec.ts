import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IContainer, IProbe, IService } from 'kubernetes-models/v1';
import { isBusService } from './support/app-env';
import type { Workload } from './support/k8s-models';
import { containersOf, schemaProblems, selects, workloadsOf } from './support/k8s-models';
import type { K8sObject, Overlay } from './support/kustomize';
import { kubectlAvailable, ofKind, OVERLAYS, renderOverlay } from './support/kustomize';
import { gatewayConfigOf } from './support/overlay-config';

const HAVE_KUBECTL = kubectlAvailable();
if (!HAVE_KUBECTL)
  describe('deploy/k8s', () => {
    it.skip('is not checked: kubectl is not on PATH (install it to render the overlays with `kubectl kustomize`)', () => {});
  });

const NAMESPACES: Record<Overlay, string> = { dev: 'aigw-dev', prod: 'aigw' };
const APP_IMAGE = /^ai-gateway:[\w.-]+$/;
const appName = (w: Workload) => w.template.metadata?.labels?.['app.kubernetes.io/name'] ?? w.name;
const isAppContainer = (c: IContainer) => APP_IMAGE.test(c.image ?? '');

/** The named container port an httpGet probe or a Service targets, resolved to its number. */
function portNumber(container: IContainer, port: string | number | undefined): number | undefined {
  return typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;
}
function envValue(container: IContainer, name: string): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}
function httpProbe(container: IContainer, probe: IProbe | undefined): string | null {
  if (!probe?.httpGet) return null;
  return `${probe.httpGet.path ?? '/'} on ${portNumber(container, probe.httpGet.port) ?? 'an unknown port'}`;
}

(HAVE_KUBECTL ? describe.each : describe.skip.each)(OVERLAYS.map((o) => [o]))(
  'deploy/k8s overlay %s',
  (overlay) => {
    const objects: K8sObject[] = HAVE_KUBECTL ? renderOverlay(overlay) : [];
    const workloads = workloadsOf(objects);
    const deployments = workloads.filter((w) => w.kind === 'Deployment');
    const services = ofKind<IService>(objects, 'Service');
    const config = HAVE_KUBECTL ? gatewayConfigOf(objects) : null;

    it('renders, and every object is valid against the Kubernetes schemas', () => {
      expect(objects.length).toBeGreaterThan(10);
      expect(
        objects.map((o) => ({ object: `${o.kind}/${o.metadata.name}`, problems: schemaProblems(o) })),
      ).toEqual(objects.map((o) => ({ object: `${o.kind}/${o.metadata.name}`, problems: [] })));
    });

    it('puts everything in its namespace, which enforces the restricted Pod Security Standard', () => {
      const namespace = NAMESPACES[overlay];
      for (const object of objects.filter((o) => o.kind !== 'Namespace'))
        expect(`${object.kind}/${object.metadata.name} in ${object.metadata.namespace}`).toBe(
          `${object.kind}/${object.metadata.name} in ${namespace}`,
        );
      const [ns] = objects.filter((o) => o.kind === 'Namespace');
      expect(ns?.metadata).toMatchObject({
        name: namespace,
        labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
      });
    });

    describe('every pod', () => {
      it.each(workloads.map((w) => [`${w.kind}/${w.name}`, w]))(
        '%s meets the restricted Pod Security Standard, with a read-only root and /tmp on an emptyDir',
        (_name, workload) => {
          const { pod } = workload;
          expect(pod).toMatchObject({
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          });
          expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
          expect(pod.hostNetwork ?? false).toBe(false);
          expect(pod.hostPID ?? false).toBe(false);
          expect(pod.hostIPC ?? false).toBe(false);
          for (const volume of pod.volumes ?? [])
            expect(Object.keys(volume).filter((k) => k !== 'name')).toEqual([
              expect.stringMatching(
                /^(configMap|secret|emptyDir|persistentVolumeClaim|projected|downwardAPI)$/,
              ),
            ]);
          for (const container of containersOf(pod)) {
            expect(container.securityContext).toMatchObject({
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            });
            expect(container.securityContext?.privileged ?? false).toBe(false);
            expect(container.securityContext?.capabilities?.add ?? []).toEqual([]);
            const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
            expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
          }
        },
      );

      it.each(workloads.map((w) => [`${w.kind}/${w.name}`, w]))(
        '%s requests CPU and memory and limits memory',
        (_name, { pod }) => {
          for (const container of containersOf(pod))
            expect(container.resources).toMatchObject({
              requests: { cpu: expect.any(String) as unknown, memory: expect.any(String) as unknown },
              limits: { memory: expect.any(String) as unknown },
            });
        },
      );

      it('runs images with a version tag; the apps from the one app image, by an argument it knows', () => {
        for (const { pod } of workloads)
          for (const container of containersOf(pod)) {
            expect(container.image).toMatch(/^[\w./-]+:[\w.-]+$/);
            expect(container.image).not.toMatch(/:latest$/);
            if (isAppContainer(container))
              expect([
                'gateway',
                'router',
                'cache',
                'memory',
                'metrics',
                'admin',
                'mock-llm',
                'migrate',
              ]).toContain(container.args?.[0]);
          }
      });
    });

    describe('every Deployment', () => {
      it.each(deployments.map((d) => [d.name, d]))(
        '%s has liveness and readiness probes on its health endpoints',
        (_n, d) => {
          const app = appName(d);
          const container = d.pod.containers[0];
          const ports: Record<string, string | undefined> = {
            gateway: envValue(container, 'GATEWAY_PORT'),
            'mock-llm': envValue(container, 'MOCK_LLM_PORT'),
          };
          const port = isBusService(app) ? envValue(container, 'HEALTH_PORT') : ports[app];
          const [live, ready] =
            app === 'mock-llm' ? ['/_mock/health', '/_mock/health'] : ['/healthz', '/readyz'];
          expect({
            liveness: httpProbe(container, container.livenessProbe),
            readiness: httpProbe(container, container.readinessProbe),
          }).toEqual({ liveness: `${live} on ${port}`, readiness: `${ready} on ${port}` });
          if (container.startupProbe)
            expect(httpProbe(container, container.startupProbe)).toBe(`${live} on ${port}`);
        },
      );

      it.each(deployments.filter((d) => appName(d) !== 'mock-llm').map((d) => [d.name, d]))(
        '%s is scraped where it serves /metrics: METRICS_PORT for the gateway, HEALTH_PORT for a bus service',
        (_n, d) => {
          const container = d.pod.containers[0];
          const metricsPort = envValue(container, appName(d) === 'gateway' ? 'METRICS_PORT' : 'HEALTH_PORT');
          expect(metricsPort).toBeDefined();
          expect(d.template.metadata?.annotations).toMatchObject({
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': metricsPort,
            'prometheus.io/path': '/metrics',
          });
          expect(container.ports?.map((p) => p.containerPort)).toContain(Number(metricsPort));
        },
      );

      it.each(deployments.map((d) => [d.name, d]))('%s has exactly one PodDisruptionBudget', (_n, d) => {
        const budgets = ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').filter((b) =>
          selects(b.spec?.selector?.matchLabels, d.template.metadata?.labels),
        );
        expect(budgets).toHaveLength(1);
        // Never blocks a node drain, whatever the replica count.
        expect(budgets[0].spec?.maxUnavailable).toBe(1);
      });

      it.each(deployments.map((d) => [d.name, d]))(
        '%s is reached through a Service on a port it serves',
        (_n, d) => {
          const matching = services.filter((s) => selects(s.spec?.selector, d.template.metadata?.labels));
          expect(matching).toHaveLength(1);
          for (const port of matching[0].spec?.ports ?? [])
            expect(portNumber(d.pod.containers[0], port.targetPort)).toBeDefined();
        },
      );
    });

    it('every Service selects the pods of exactly one workload', () => {
      for (const service of services) {
        const selected = workloads.filter((w) =>
          selects(service.spec?.selector, w.template.metadata?.labels),
        );
        expect({ service: service.metadata?.name, selected: selected.length }).toEqual({
          service: service.metadata?.name,
          selected: 1,
        });
      }
    });

    it('autoscales the gateway and the router, and leaves their replica count to the autoscaler', () => {
      const autoscalers = ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
      expect(
        autoscalers.map((h) => h.spec?.scaleTargetRef).sort((a, b) => a!.name.localeCompare(b!.name)),
      ).toEqual([
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' },
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'router' },
      ]);
      for (const autoscaler of autoscalers) {
        const target = deployments.find((d) => d.name === autoscaler.spec?.scaleTargetRef.name)!;
        expect(target.replicas).toBeUndefined();
        expect(target.pod.containers[0].resources?.requests?.['cpu']).toBeDefined();
        expect(autoscaler.spec!.maxReplicas).toBeGreaterThan(autoscaler.spec!.minReplicas ?? 1);
      }
    });

    describe('graceful shutdown', () => {
      it('the gateway drains: preStop until it leaves the endpoints, then a grace period longer than any request', () => {
        const gateway = deployments.find((d) => d.name === 'gateway')!;
        const preStop = gateway.pod.containers[0].lifecycle?.preStop?.exec?.command ?? [];
        expect(preStop[0]).toBe('sleep');
        const requestSeconds = config!.server.requestTimeoutMs / 1000;
        expect(gateway.pod.terminationGracePeriodSeconds).toBeGreaterThan(
          Number(preStop[1]) + requestSeconds,
        );
      });

      it('the router finishes its streams in flight before it is killed', () => {
        const router = deployments.find((d) => d.name === 'router')!;
        expect(router.pod.terminationGracePeriodSeconds).toBeGreaterThan(
          config!.server.requestTimeoutMs / 1000,
        );
      });

      it('every preStop delay is shorter than its grace period; no rollout removes a serving pod first', () => {
        for (const d of deployments) {
          const sleep = Number(d.pod.containers[0].lifecycle?.preStop?.exec?.command?.[1] ?? 0);
          expect(d.pod.terminationGracePeriodSeconds).toBeGreaterThan(sleep);
          const strategy = (
            objects.find((o) => o.kind === 'Deployment' && o.metadata.name === d.name)!['spec'] as {
              strategy?: { rollingUpdate?: { maxUnavailable?: number } };
            }
          ).strategy;
          if (d.name !== 'mock-llm') expect(strategy?.rollingUpdate?.maxUnavailable).toBe(0);
        }
      });
    });

    it('exposes the gateway through an Ingress to its Service port', () => {
      const ingresses = ofKind<IIngress>(objects, 'Ingress');
      expect(ingresses).toHaveLength(1);
      const backends = (ingresses[0].spec?.rules ?? []).flatMap((r) =>
        r.http?.paths.map((p) => p.backend.service),
      );
      expect(backends).toEqual([{ name: 'gateway', port: { name: 'http' } }]);
      const gatewayService = services.find((s) => s.metadata?.name === 'gateway')!;
      expect(gatewayService.spec?.ports?.map((p) => p.name)).toContain('http');
      if (overlay === 'prod') expect(ingresses[0].spec?.tls?.[0]?.secretName).toBeDefined();
    });

    it('probes the liveness and readiness of every StatefulSet', () => {
      for (const w of workloads.filter((x) => x.kind === 'StatefulSet'))
        for (const container of w.pod.containers)
          expect({
            name: w.name,
            live: !!container.livenessProbe,
            ready: !!container.readinessProbe,
          }).toEqual({
            name: w.name,
            live: true,
            ready: true,
          });
    });

    it('has NATS, Redis and Postgres as StatefulSets in dev only', () => {
      const statefulSets = workloads.filter((w) => w.kind === 'StatefulSet').map((w) => w.name);
      expect(statefulSets.sort()).toEqual(overlay === 'dev' ? ['nats', 'postgres', 'redis'] : []);
    });
  },
);

describe('the schema validation', () => {
  it('rejects an invalid object (so a pass means something)', () => {
    const bad: K8sObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: {
        selector: {},
        template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: '80' }] }] } },
      },
    };
    expect(schemaProblems(bad).join()).toMatch(/containerPort must be integer/);
    expect(schemaProblems({ apiVersion: 'v9', kind: 'Nope', metadata: { name: 'x' } })).toEqual([
      'no model for v9 Nope',
    ]);
  });
});
