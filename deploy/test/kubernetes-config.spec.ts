import type { IConfigMap, IContainer, ISecret } from 'kubernetes-models/v1';
import { posix } from 'node:path';
import { envSchemaOf, envVarsOf, isImageCommand, LISTEN_PORTS, MAY_LEAVE_UNSET } from './support/app-env';
import { readRepoFile } from './support/repo-files';
import type { Workload } from './support/k8s-models';
import { containersOf, workloadsOf } from './support/k8s-models';
import type { K8sObject, Overlay } from './support/kustomize';
import { kubectlAvailable, ofKind, OVERLAYS, renderOverlay } from './support/kustomize';
import {
  configEnvNames,
  gatewayConfigOf,
  generated,
  GATEWAY_CONFIG_MAP,
  secretData,
  usesMockProvider,
} from './support/overlay-config';

const HAVE_KUBECTL = kubectlAvailable();
if (!HAVE_KUBECTL)
  describe('deploy/k8s settings and secrets', () => {
    it.skip('are not checked: kubectl is not on PATH (install it to render the overlays with `kubectl kustomize`)', () => {});
  });

/** The Secrets the base refers to; prod expects them to exist (deploy/k8s/README.md), dev generates them. */
const EXTERNAL_SECRETS = ['aigw-connections', 'aigw-gateway-keys', 'aigw-admin-keys', 'aigw-provider-keys'];
const SECRET_LIKE = /(PASSWORD|SECRET|TOKEN|_KEY|CREDENTIAL)/i;

const stripHash = (name: string) => name.replace(/-[a-z0-9]{10}$/, '');

interface AppContainer {
  readonly workload: Workload;
  readonly container: IContainer;
  readonly command: string;
}

function appContainers(objects: readonly K8sObject[]): AppContainer[] {
  return workloadsOf(objects).flatMap((workload) =>
    containersOf(workload.pod)
      .filter((c) => /^ai-gateway:/.test(c.image ?? ''))
      .map((container) => ({ workload, container, command: container.args?.[0] ?? '' })),
  );
}

/** Every variable a container gets: its own env, plus the keys of the ConfigMaps it takes whole. */
function environmentOf(objects: readonly K8sObject[], container: IContainer): Map<string, string | null> {
  const env = new Map<string, string | null>();
  for (const source of container.envFrom ?? []) {
    if (!source.configMapRef) continue;
    const configMap = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === source.configMapRef!.name,
    ) as IConfigMap | undefined;
    for (const [k, v] of Object.entries(configMap?.data ?? {})) env.set(k, v);
  }
  for (const variable of container.env ?? []) env.set(variable.name, variable.value ?? null);
  return env;
}

function secretRefs(container: IContainer): Array<{ name: string; key: string | null; optional: boolean }> {
  return [
    ...(container.env ?? []).flatMap((e) =>
      e.valueFrom?.secretKeyRef
        ? [
            {
              name: e.valueFrom.secretKeyRef.name!,
              key: e.valueFrom.secretKeyRef.key,
              optional: !!e.valueFrom.secretKeyRef.optional,
            },
          ]
        : [],
    ),
    ...(container.envFrom ?? []).flatMap((e) =>
      e.secretRef ? [{ name: e.secretRef.name!, key: null, optional: !!e.secretRef.optional }] : [],
    ),
  ];
}

(HAVE_KUBECTL ? describe.each : describe.skip.each)(OVERLAYS.map((o) => [o]))(
  'deploy/k8s overlay %s: settings and secrets',
  (overlay: Overlay) => {
    const objects: K8sObject[] = HAVE_KUBECTL ? renderOverlay(overlay) : [];
    const containers = appContainers(objects);
    const secrets = ofKind<ISecret>(objects, 'Secret');
    /** A variable's value from a Secret the overlay generates (dev); undefined when created out of band. */
    const secretValue = (container: IContainer, key: string): string | undefined => {
      const ref = container.env?.find((e) => e.name === key)?.valueFrom?.secretKeyRef;
      const secret = secrets.find((s) => s.metadata?.name === ref?.name);
      return secret && ref ? secretData(secret)[ref.key] : undefined;
    };

    it('keeps secrets out of ConfigMaps', () => {
      for (const configMap of ofKind<IConfigMap>(objects, 'ConfigMap'))
        for (const [key, value] of Object.entries(configMap.data ?? {})) {
          expect({ key, secretLike: SECRET_LIKE.test(key) }).toEqual({ key, secretLike: false });
          // No credentials in URLs (user:password@host) and no key-looking strings.
          expect({ key, value }).toEqual({
            key,
            value: expect.not.stringMatching(/\/\/[^/\s@]+:[^/\s@]+@|\bsk-[\w-]{8,}/) as unknown,
          });
        }
    });

    it('ships a gateway config that the gateway accepts, listening on every interface', () => {
      const config = gatewayConfigOf(objects);
      expect(config.server.host).toBe('0.0.0.0');
      expect(config.applications.length).toBeGreaterThan(0);
    });

    it('mounts the gateway config where GATEWAY_CONFIG points, in every app that loads it', () => {
      for (const { workload, container, command } of containers) {
        if (command === 'migrate' || command === 'mock-llm') continue;
        const path = environmentOf(objects, container).get('GATEWAY_CONFIG');
        expect({ command, path }).toEqual({ command, path: expect.stringMatching(/^\//) as unknown });
        const mount = container.volumeMounts?.find((m) => m.mountPath === posix.dirname(path!));
        const volume = workload.pod.volumes?.find((v) => v.name === mount?.name);
        expect({ command, configMap: stripHash(volume?.configMap?.name ?? '') }).toEqual({
          command,
          configMap: GATEWAY_CONFIG_MAP,
        });
        expect(generated<IConfigMap>(objects, 'ConfigMap', GATEWAY_CONFIG_MAP)?.data).toHaveProperty([
          posix.basename(path!),
        ]);
      }
    });

    it.each(['gateway', 'router', 'cache', 'memory', 'metrics', 'admin', 'mock-llm', 'migrate'])(
      '%s gets every variable it must set in a container',
      async (command) => {
        const matching = containers.filter((c) => c.command === command);
        if (overlay === 'prod' && command === 'mock-llm') return expect(matching).toEqual([]);
        expect(matching).toHaveLength(1);
        if (!isImageCommand(command)) throw new Error(command);
        const env = environmentOf(objects, matching[0].container);
        // MOCK_LLM_URL matters only where the config has `provider: mock` endpoints.
        const mockInUse = usesMockProvider(gatewayConfigOf(objects));
        const missing = envVarsOf(await envSchemaOf(command))
          .filter((v) => v.mustSet !== null && !env.has(v.name) && !(v.name in MAY_LEAVE_UNSET))
          .filter((v) => v.name !== 'MOCK_LLM_URL' || mockInUse)
          .map((v) => `${v.name} (${v.mustSet})`);
        expect(missing).toEqual([]);
      },
    );

    it.each(['gateway', 'router', 'cache', 'memory', 'metrics', 'admin', 'mock-llm', 'migrate'])(
      '%s gets only variables it reads, with values its env schema accepts',
      async (command) => {
        const matching = containers.filter((c) => c.command === command);
        if (matching.length === 0) return expect(overlay === 'prod' && command === 'mock-llm').toBe(true);
        if (!isImageCommand(command)) throw new Error(command);
        const schema = await envSchemaOf(command);
        const env = environmentOf(objects, matching[0].container);
        const { clientKeys, providerKeys } = configEnvNames(objects);
        const readByConfig = 'GATEWAY_CONFIG' in schema.shape ? [...clientKeys, ...providerKeys] : [];
        // Its own variables; the shared settings ConfigMap is checked as a whole below.
        const own = (matching[0].container.env ?? []).map((e) => e.name);
        const unread = own.filter((key) => !(key in schema.shape) && !readByConfig.includes(key));
        expect({ command, unread }).toEqual({ command, unread: [] });
        // Values from Secrets: the generated ones in dev; prod's are created out of band (left out).
        const values = Object.fromEntries(
          [...env].flatMap(([key, value]) => {
            const resolved = value ?? secretValue(matching[0].container, key);
            return resolved === undefined ? [] : [[key, resolved]];
          }),
        );
        const parsed = schema.safeParse(values);
        expect({ command, problems: parsed.error?.issues ?? [] }).toEqual({ command, problems: [] });
      },
    );

    it('holds in the shared settings ConfigMap only variables that some app taking it reads', async () => {
      const settings = generated<IConfigMap>(objects, 'ConfigMap', 'aigw-settings')!;
      const readers = new Set<string>();
      for (const { command, container } of containers) {
        if (!container.envFrom?.some((e) => e.configMapRef?.name === settings.metadata?.name)) continue;
        if (!isImageCommand(command)) throw new Error(command);
        for (const key of Object.keys((await envSchemaOf(command)).shape)) readers.add(key);
      }
      expect(Object.keys(settings.data ?? {}).filter((key) => !readers.has(key))).toEqual([]);
    });

    it('gives each listener of a container a port of its own, declared as a container port', () => {
      for (const { command, container } of containers) {
        const env = environmentOf(objects, container);
        const ports = LISTEN_PORTS.flatMap((key) => (env.get(key) ? [Number(env.get(key))] : []));
        expect({ command, distinct: new Set(ports).size }).toEqual({ command, distinct: ports.length });
        const declared = (container.ports ?? []).map((p) => p.containerPort);
        expect({ command, ports }).toEqual({ command, ports: expect.arrayContaining(declared) as unknown });
        expect({ command, declared: declared.sort() }).toEqual({ command, declared: [...ports].sort() });
      }
    });

    it('serves the admin API on every interface through the admin Service, with its key from a Secret', () => {
      const admin = containers.find((c) => c.command === 'admin')!.container;
      const env = environmentOf(objects, admin);
      expect(env.get('ADMIN_HOST')).toBe('0.0.0.0');
      const service = ofKind<{
        metadata: { name: string };
        spec: { ports: Array<{ name: string; port: number; targetPort: string }> };
      }>(objects, 'Service').find((s) => s.metadata.name === 'admin')!;
      const api = service.spec.ports.find((p) => p.name === 'api');
      expect(api?.port).toBe(8081);
      expect(admin.ports?.find((p) => p.name === api?.targetPort)?.containerPort).toBe(
        Number(env.get('ADMIN_PORT')),
      );
      expect(secretRefs(admin).filter((r) => r.key?.startsWith('ADMIN_'))).toEqual([
        { name: expect.stringMatching(/^aigw-admin-keys/) as unknown, key: 'ADMIN_API_KEY', optional: false },
        {
          name: expect.stringMatching(/^aigw-admin-keys/) as unknown,
          key: 'ADMIN_JWT_SECRET',
          optional: true,
        },
      ]);
    });

    it('every `kubectl port-forward service/…` of deploy/k8s/README.md reaches a port its Service has', () => {
      const forwards = [
        ...readRepoFile('deploy', 'k8s', 'README.md').matchAll(
          /port-forward service\/([a-z-]+) (\d+):(\d+)/g,
        ),
      ];
      expect(forwards.map((f) => f[1]).sort()).toEqual(['admin', 'gateway']);
      for (const [, name, , port] of forwards) {
        const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name) as
          { spec: { ports: Array<{ port: number }> } } | undefined;
        expect({ name, ports: service?.spec.ports.map((p) => p.port) }).toEqual({
          name,
          ports: expect.arrayContaining([Number(port)]) as unknown,
        });
      }
    });

    it("reads the cache's pgvector database from the connections Secret, in the cache and the migration Job", () => {
      for (const command of ['cache', 'migrate']) {
        const container = containers.find((c) => c.command === command)!.container;
        expect({
          command,
          refs: secretRefs(container).filter((r) => /DATABASE_URL$/.test(r.key ?? '')),
        }).toEqual({
          command,
          refs: [
            {
              name: expect.stringMatching(/^aigw-connections/) as unknown,
              key: 'DATABASE_URL',
              optional: false,
            },
            {
              name: expect.stringMatching(/^aigw-connections/) as unknown,
              key: 'CACHE_DATABASE_URL',
              optional: true,
            },
          ],
        });
      }
    });

    it('gives the client key to the gateway only, from a Secret, under the name the config reads', () => {
      const { clientKeys } = configEnvNames(objects);
      for (const { command, container } of containers) {
        const names = (container.env ?? []).map((e) => e.name);
        for (const key of clientKeys) {
          expect({ command, has: names.includes(key) }).toEqual({ command, has: command === 'gateway' });
          if (command === 'gateway')
            expect(container.env?.find((e) => e.name === key)?.valueFrom?.secretKeyRef?.name).toMatch(
              /^aigw-gateway-keys/,
            );
        }
      }
    });

    it('hands provider keys to every app that validates the config, from a Secret', () => {
      for (const { command, container } of containers) {
        if (command === 'migrate' || command === 'mock-llm') continue;
        expect({ command, refs: secretRefs(container).filter((r) => r.key === null) }).toEqual({
          command,
          refs: [{ name: 'aigw-provider-keys', key: null, optional: true }],
        });
      }
    });

    it('reads connection URLs and keys from Secrets, never from plain values', () => {
      for (const { command, container } of containers)
        for (const variable of container.env ?? []) {
          if (
            (/_URL$/.test(variable.name) && variable.name !== 'MOCK_LLM_URL') ||
            SECRET_LIKE.test(variable.name)
          )
            expect({ command, name: variable.name, fromSecret: !!variable.valueFrom?.secretKeyRef }).toEqual({
              command,
              name: variable.name,
              fromSecret: true,
            });
        }
    });

    if (overlay === 'prod')
      it('contains no Secret: each one it refers to is created out of band', () => {
        expect(secrets).toEqual([]);
        const referenced = new Set(containers.flatMap((c) => secretRefs(c.container).map((r) => r.name)));
        expect([...referenced].sort()).toEqual([...EXTERNAL_SECRETS].sort());
      });

    if (overlay === 'dev') {
      it('generates every Secret and key a container requires', () => {
        for (const { workload, container } of workloadsOf(objects).flatMap((w) =>
          containersOf(w.pod).map((c) => ({ workload: w, container: c })),
        ))
          for (const ref of secretRefs(container).filter((r) => !r.optional)) {
            const secret = secrets.find((s) => s.metadata?.name === ref.name);
            expect({ workload: workload.name, secret: ref.name, found: !!secret }).toEqual({
              workload: workload.name,
              secret: ref.name,
              found: true,
            });
            if (ref.key) expect(secretData(secret!)).toHaveProperty([ref.key]);
          }
      });

      it('points the connection URLs at the in-cluster NATS, Redis and Postgres, on the ports they serve', () => {
        const connections = secretData(generated<ISecret>(objects, 'Secret', 'aigw-connections')!);
        const servicePort = (name: string) =>
          (
            (objects.find((o) => o.kind === 'Service' && o.metadata.name === name)?.['spec'] ?? {}) as {
              ports?: Array<{ port: number }>;
            }
          ).ports?.[0]?.port;
        for (const [key, service] of [
          ['NATS_URL', 'nats'],
          ['REDIS_URL', 'redis'],
          ['DATABASE_URL', 'postgres'],
        ] as const) {
          const url = new URL(connections[key]);
          expect({ key, host: url.hostname, port: Number(url.port) }).toEqual({
            key,
            host: service,
            port: servicePort(service),
          });
        }
        const postgres = workloadsOf(objects).find((w) => w.name === 'postgres')!.pod.containers[0];
        const database = new URL(connections['DATABASE_URL']);
        const password = secretData(generated<ISecret>(objects, 'Secret', 'aigw-postgres')!)[
          'POSTGRES_PASSWORD'
        ];
        expect(`${database.username}:${database.password}${database.pathname}`).toBe(
          `${postgres.env?.find((e) => e.name === 'POSTGRES_USER')?.value}:${password}/${
            postgres.env?.find((e) => e.name === 'POSTGRES_DB')?.value
          }`,
        );
        const mockUrl = new URL(
          environmentOf(objects, containers.find((c) => c.command === 'router')!.container).get(
            'MOCK_LLM_URL',
          )!,
        );
        expect(mockUrl.hostname).toBe('mock-llm');
      });

      it('runs NATS with JetStream, Redis without eviction and with an AOF, Postgres with pgvector', () => {
        const container = (name: string) =>
          workloadsOf(objects).find((w) => w.name === name)!.pod.containers[0];
        expect(container('nats').args).toEqual(expect.arrayContaining(['--jetstream', '--store_dir=/data']));
        expect(container('redis').args?.join(' ')).toMatch(
          /--appendonly yes .*--maxmemory-policy noeviction/,
        );
        expect(container('postgres').image).toMatch(/^pgvector\/pgvector:pg\d+$/);
      });
    }

    it('migrates with a Job that runs `aigw migrate` against DATABASE_URL from the connections Secret', () => {
      const jobs = objects.filter((o) => o.kind === 'Job');
      expect(jobs.map((j) => j.metadata.name)).toEqual(['aigw-migrate']);
      const spec = jobs[0]['spec'] as { backoffLimit?: number; ttlSecondsAfterFinished?: number };
      expect(spec.backoffLimit).toBeGreaterThan(0);
      expect(spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
      const migrate = containers.find((c) => c.command === 'migrate')!;
      expect(['Never', 'OnFailure']).toContain(migrate.workload.pod.restartPolicy);
      expect(secretRefs(migrate.container)).toEqual([
        { name: expect.stringMatching(/^aigw-connections/) as unknown, key: 'DATABASE_URL', optional: false },
        {
          name: expect.stringMatching(/^aigw-connections/) as unknown,
          key: 'CACHE_DATABASE_URL',
          optional: true,
        },
      ]);
    });
  },
);
