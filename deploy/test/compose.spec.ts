import { parseConfigText } from '@aigw/config';
import {
  configFolderEnvNames,
  envSchemaOf,
  envVarsOf,
  isBusService,
  isImageCommand,
  LISTEN_PORTS,
  MAY_LEAVE_UNSET,
} from './support/app-env';
import type { ComposeService } from './support/compose-file';
import {
  commandOf,
  composeSpecValidator,
  dependenciesOf,
  environmentOf,
  healthcheckCommand,
  interpolate,
  loadCompose,
  loadRawCompose,
  requiredVariables,
  SAMPLE_ENV,
} from './support/compose-file';
import { parseDockerfile } from './support/dockerfile';
import { readRepoFile, repoFileExists } from './support/repo-files';

const compose = loadCompose();
const services = Object.entries(compose.services);
const APP_IMAGE = 'ai-gateway:local';
const appServices = services.filter(([, s]) => s.image === APP_IMAGE);
const oneShots = services.filter(([, s]) => s.restart === 'no').map(([name]) => name);
const commandOfService = (s: ComposeService) => commandOf(s)[0];

/** The URL a healthcheck `aigw probe <url>` or `wget … <url>` fetches. */
function probedUrl(service: ComposeService): URL | null {
  const url = healthcheckCommand(service).find((word) => /^https?:\/\//.test(word));
  return url ? new URL(url) : null;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification', () => {
    expect(composeSpecValidator()(compose)).toEqual([]);
  });

  it('needs exactly the secrets from the environment, and refuses to start without them', () => {
    const text = readRepoFile('docker-compose.yml');
    expect([...new Set(requiredVariables(text))].sort()).toEqual(Object.keys(SAMPLE_ENV).sort());
    for (const name of Object.keys(SAMPLE_ENV))
      expect(() => loadCompose({ ...SAMPLE_ENV, [name]: '' })).toThrow(`required variable ${name}`);
  });

  it('writes no secret value: secret-like variables are interpolated from the environment', () => {
    const raw = loadRawCompose();
    for (const [name, service] of Object.entries(raw.services))
      for (const [key, value] of Object.entries(environmentOf(service))) {
        if (/(PASSWORD|SECRET|TOKEN|_KEY)$/.test(key))
          expect({ name, key, value }).toEqual({
            name,
            key,
            value: expect.stringMatching(/^\$\{[A-Z_]+[:?-]/) as unknown,
          });
        const credentials = /\/\/[^/@\s]*:([^@/\s]+)@/.exec(value)?.[1];
        if (credentials)
          expect({ name, key, credentials }).toEqual({
            name,
            key,
            credentials: expect.stringMatching(/^\$\{/) as unknown,
          });
      }
  });

  it('gives the gateway API key to the gateway only', () => {
    const holders = services.filter(([, s]) => 'GATEWAY_API_KEY' in environmentOf(s)).map(([n]) => n);
    expect(holders).toEqual(['gateway']);
  });

  it('runs the six services, the mock provider and the migration from the one app image', () => {
    const commands = appServices.map(([name, s]) => [name, commandOfService(s)]);
    expect(commands.map(([, c]) => c).sort()).toEqual(
      ['admin', 'cache', 'gateway', 'memory', 'metrics', 'migrate', 'mock-llm', 'router'].sort(),
    );
    for (const [name, command] of commands) expect({ name, command }).toEqual({ name, command: name });
  });

  it.each(appServices.map(([name]) => [name]))(
    'sets every variable %s must set in a container',
    async (name) => {
      const service = compose.services[name];
      const command = commandOfService(service);
      if (!isImageCommand(command)) throw new Error(`${name}: unknown command ${String(command)}`);
      const environment = environmentOf(service);
      const missing = envVarsOf(await envSchemaOf(command))
        .filter((v) => v.mustSet !== null && !environment[v.name] && !(v.name in MAY_LEAVE_UNSET))
        .map((v) => `${v.name} (${v.mustSet})`);
      expect(missing).toEqual([]);
    },
  );

  it.each(appServices.map(([name]) => [name]))(
    'sets only variables %s reads, with values its env schema accepts',
    async (name) => {
      const service = compose.services[name];
      const command = commandOfService(service);
      if (!isImageCommand(command)) throw new Error(`${name}: unknown command ${String(command)}`);
      const schema = await envSchemaOf(command);
      const environment = environmentOf(service);
      // Provider and client keys are read through the config file (`apiKeyEnv`, `auth.keys[].env`).
      const readByConfig = 'GATEWAY_CONFIG' in schema.shape ? configFolderEnvNames() : [];
      const unread = Object.keys(environment).filter(
        (key) => !(key in schema.shape) && !readByConfig.includes(key),
      );
      expect({ name, unread }).toEqual({ name, unread: [] });
      const parsed = schema.safeParse(environment);
      expect({ name, problems: parsed.error?.issues ?? [] }).toEqual({ name, problems: [] });
    },
  );

  it.each(appServices.map(([name]) => [name]))('gives each listener of %s a port of its own', (name) => {
    const environment = environmentOf(compose.services[name]);
    const ports = LISTEN_PORTS.filter((key) => environment[key] !== undefined).map((key) => environment[key]);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('builds every image from a Dockerfile stage that exists', () => {
    const built = services.filter(([, s]) => s.build !== undefined);
    expect(built.length).toBeGreaterThan(0);
    for (const [name, service] of built) {
      const build = typeof service.build === 'string' ? { context: service.build } : service.build!;
      const dockerfile = `${build.context ?? '.'}/${build.dockerfile ?? 'Dockerfile'}`.replace(/^\.\//, '');
      expect({ name, dockerfile, exists: repoFileExists(dockerfile) }).toEqual({
        name,
        dockerfile,
        exists: true,
      });
      const stages = parseDockerfile(dockerfile).stages.map((s) => s.name);
      expect({ name, stages }).toEqual({ name, stages: expect.arrayContaining([build.target]) as unknown });
    }
    // One image name, one build: services sharing an image build it the same way.
    for (const [, service] of appServices) expect(service.build).toEqual(appServices[0][1].build);
  });

  it('has a healthcheck on every long-running service', () => {
    for (const [name, service] of services)
      if (!oneShots.includes(name))
        expect({ name, test: healthcheckCommand(service).length > 1 }).toEqual({ name, test: true });
  });

  it('orders start-up by health: every dependency waits for healthy, or for a one-shot to succeed', () => {
    for (const [name, service] of services)
      for (const [dependency, condition] of Object.entries(dependenciesOf(service))) {
        expect(Object.keys(compose.services)).toContain(dependency);
        const expected = oneShots.includes(dependency) ? 'service_completed_successfully' : 'service_healthy';
        expect({ name, dependency, condition }).toEqual({ name, dependency, condition: expected });
      }
    // `docker compose up --wait` treats an exited one-shot as done only when a service depends on it.
    for (const oneShot of oneShots)
      expect(services.some(([, s]) => dependenciesOf(s)[oneShot] === 'service_completed_successfully')).toBe(
        true,
      );
  });

  it('runs the migrations once, before every service that uses the database', () => {
    expect(oneShots).toEqual(['migrate']);
    expect(dependenciesOf(compose.services['migrate'])).toEqual({ postgres: 'service_healthy' });
    for (const [name, service] of services)
      if (name !== 'migrate' && 'DATABASE_URL' in environmentOf(service))
        expect({ name, migrate: dependenciesOf(service)['migrate'] }).toEqual({
          name,
          migrate: 'service_completed_successfully',
        });
  });

  describe('ports and hostnames agree', () => {
    const env = (service: string) => environmentOf(compose.services[service]);

    it('every URL in an environment names a service of this file', () => {
      for (const [name, service] of services)
        for (const [key, value] of Object.entries(environmentOf(service)))
          if (/^[a-z]+:\/\//.test(value)) {
            const host = new URL(value).hostname;
            expect({ name, key, host, known: host in compose.services }).toEqual({
              name,
              key,
              host,
              known: true,
            });
          }
    });

    it('NATS: the URL points at the server, which runs JetStream on a volume', () => {
      const nats = commandOf(compose.services['nats']);
      expect(nats).toEqual(expect.arrayContaining(['--jetstream', '--store_dir=/data', '--port=4222']));
      expect(compose.services['nats'].volumes).toContain('nats-data:/data');
      for (const [, service] of appServices.filter(([, s]) => environmentOf(s)['NATS_URL']))
        expect(environmentOf(service)['NATS_URL']).toBe('nats://nats:4222');
    });

    it('Redis: the URL points at the server, which never evicts and keeps an append-only file', () => {
      expect(commandOf(compose.services['redis']).join(' ')).toMatch(
        /--appendonly yes.*--maxmemory-policy noeviction|--maxmemory-policy noeviction.*--appendonly yes/,
      );
      for (const [, service] of appServices.filter(([, s]) => environmentOf(s)['REDIS_URL']))
        expect(environmentOf(service)['REDIS_URL']).toBe('redis://redis:6379');
    });

    it('Postgres: pgvector image, and every DATABASE_URL carries its user, password and database', () => {
      const postgres = compose.services['postgres'];
      expect(postgres.image).toMatch(/^pgvector\/pgvector:pg\d+$/);
      const { POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB } = environmentOf(postgres);
      for (const [name, service] of appServices.filter(([, s]) => environmentOf(s)['DATABASE_URL'])) {
        const url = new URL(environmentOf(service)['DATABASE_URL']);
        expect({ name, url: `${url.username}:${url.password}@${url.host}${url.pathname}` }).toEqual({
          name,
          url: `${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgres:5432/${POSTGRES_DB}`,
        });
      }
    });

    it('the mock provider: MOCK_LLM_URL is where it listens, on every interface', () => {
      const mock = env('mock-llm');
      expect(mock['MOCK_LLM_HOST']).toBe('0.0.0.0');
      for (const [, service] of appServices.filter(([, s]) => environmentOf(s)['MOCK_LLM_URL']))
        expect(environmentOf(service)['MOCK_LLM_URL']).toBe(`http://mock-llm:${mock['MOCK_LLM_PORT']}`);
      expect(probedUrl(compose.services['mock-llm'])?.toString()).toBe(
        `http://127.0.0.1:${mock['MOCK_LLM_PORT']}/_mock/health`,
      );
    });

    it('bus services probe readiness on their HEALTH_PORT, served on every interface', () => {
      for (const [name, service] of appServices.filter(([, s]) => isBusService(commandOfService(s) ?? ''))) {
        const { HEALTH_PORT, HEALTH_HOST } = environmentOf(service);
        expect({ name, HEALTH_HOST, probe: probedUrl(service)?.toString() }).toEqual({
          name,
          HEALTH_HOST: '0.0.0.0',
          probe: `http://127.0.0.1:${HEALTH_PORT}/readyz`,
        });
      }
    });

    it('the gateway listens on every interface, probes readiness and is published on loopback only', () => {
      const gateway = compose.services['gateway'];
      const { GATEWAY_HOST, GATEWAY_PORT } = env('gateway');
      expect(GATEWAY_HOST).toBe('0.0.0.0');
      expect(probedUrl(gateway)?.toString()).toBe(`http://127.0.0.1:${GATEWAY_PORT}/readyz`);
      expect(gateway.ports).toEqual([`127.0.0.1:8080:${GATEWAY_PORT}`]);
      expect(dependenciesOf(gateway)['router']).toBe('service_healthy');
    });

    it('the admin API listens on every interface, is published on loopback 8081, apart from its probes', () => {
      const admin = compose.services['admin'];
      const { ADMIN_HOST, ADMIN_PORT, HEALTH_PORT } = env('admin');
      expect(ADMIN_HOST).toBe('0.0.0.0');
      expect(admin.ports).toEqual([`127.0.0.1:8081:${ADMIN_PORT}`]);
      expect(ADMIN_PORT).not.toBe(HEALTH_PORT);
      // Without a credential the admin API refuses every request.
      expect(env('admin')['ADMIN_API_KEY']).toBe(SAMPLE_ENV['ADMIN_API_KEY']);
    });

    it('publishes ports on the host loopback only', () => {
      for (const [name, service] of services)
        for (const port of service.ports ?? [])
          expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:/) as unknown });
    });
  });

  it('mounts only files and folders that exist in the repo', () => {
    for (const [name, service] of services)
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : (volume.source ?? '');
        if (source.startsWith('./'))
          expect({ name, source, exists: repoFileExists(source) }).toEqual({ name, source, exists: true });
      }
  });

  it('serves the README quick start: the default config loads with the compose environment', () => {
    const gateway = environmentOf(compose.services['gateway']);
    const file = gateway['GATEWAY_CONFIG'];
    expect(compose.services['gateway'].volumes).toContain('./config:/app/config:ro');
    const config = parseConfigText(readRepoFile(file), gateway, file);
    expect(config.applications.map((a) => a.id)).toEqual(['gpt-4o-mini', 'text-embedding-3-small']);
    // Every mock endpoint is reached through the router's MOCK_LLM_URL.
    expect(config.applications.flatMap((a) => a.endpoints.map((e) => e.provider))).toContain('mock');
    expect(environmentOf(compose.services['router'])['MOCK_LLM_URL']).toBeTruthy();
  });

  describe('the README section "Docker Compose"', () => {
    const readme = readRepoFile('README.md');
    const section = readme.slice(
      readme.indexOf('## Docker Compose'),
      readme.indexOf('\n## ', readme.indexOf('## Docker Compose') + 1),
    );

    it('exports exactly the variables the file requires', () => {
      const exported = [...section.matchAll(/\b([A-Z][A-Z0-9_]*)=\$\(openssl/g)].map((m) => m[1]);
      expect(exported.sort()).toEqual(Object.keys(SAMPLE_ENV).sort());
      expect(section).toContain('docker compose up --build --detach --wait');
    });

    it('curls the published gateway port with the key clients send, for a model the default config serves', () => {
      const curl = /curl (http:\/\/127\.0\.0\.1:(\d+)\/v1\/chat\/completions)[^]*?"model":"([^"]+)"/.exec(
        section,
      );
      expect(curl).not.toBeNull();
      const [, , port, model] = curl!;
      expect(compose.services['gateway'].ports).toEqual([
        expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${port}:`)),
      ]);
      expect(section).toContain('Authorization: Bearer $GATEWAY_API_KEY');
      const gateway = environmentOf(compose.services['gateway']);
      const config = parseConfigText(readRepoFile(gateway['GATEWAY_CONFIG']), gateway, 'gateway.yaml');
      expect(config.applications.map((a) => a.id)).toContain(model);
    });

    it('names every port the file publishes', () => {
      const published = services.flatMap(([, s]) =>
        (s.ports ?? []).map((p) => (typeof p === 'string' ? p.split(':')[1] : String(p.published))),
      );
      expect(published.length).toBeGreaterThan(0);
      for (const port of published)
        expect({ port, named: new RegExp(`\\son ${port}\\b`).test(section.replace(/\s+/g, ' ')) }).toEqual({
          port,
          named: true,
        });
    });
  });

  it('hardens the app containers: read-only root, /tmp in memory, no capabilities, no privilege gain', () => {
    for (const [name, service] of appServices)
      expect({ name, ...service }).toMatchObject({
        name,
        read_only: true,
        tmpfs: ['/tmp'],
        cap_drop: ['ALL'],
        security_opt: ['no-new-privileges:true'],
      });
  });

  it('interpolates as Compose does', () => {
    const env = { SET: 'x', EMPTY: '' };
    expect(interpolate('${SET} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d} $$ $SET', env)).toBe('x d  d $ x');
    expect(() => interpolate('${EMPTY:?needed}', env)).toThrow(
      'required variable EMPTY is missing a value: needed',
    );
    expect(interpolate('${EMPTY?needed}', env)).toBe('');
  });
});
