import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { APPS, ONE_SHOTS } from './support/app-env';
import { copyOf, dockerignoreAllows, execForm, parseDockerfile } from './support/dockerfile';
import { readRepoFile, repoFileExists, repoPath } from './support/repo-files';

const run = promisify(execFile);
const ENTRYPOINT = repoPath('deploy', 'docker', 'aigw.sh');

describe('Dockerfile', () => {
  const dockerfile = parseDockerfile('Dockerfile');
  const runtime = dockerfile.stages.at(-1)!;
  const stageNames = dockerfile.stages.map((s) => s.name);

  it('is multi-stage, and the last stage (what `docker build` makes) is `runtime`', () => {
    expect(stageNames).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
  });

  it('builds every stage on the Node line package.json declares, slim variant', () => {
    const engine = (JSON.parse(readRepoFile('package.json')) as { engines: { node: string } }).engines.node;
    const major = /(\d+)/.exec(engine)![1];
    expect(dockerfile.globalArgs['NODE_IMAGE']).toMatch(new RegExp(`^node:${major}-[a-z]+-slim$`));
    dockerfile.stages.forEach((stage, i) =>
      expect(['${NODE_IMAGE}', ...stageNames.slice(0, i)]).toContain(stage.from),
    );
  });

  it('installs from the lock file only (npm ci), without install scripts, production deps apart', () => {
    const runs = dockerfile.stages.flatMap((s) =>
      s.instructions.filter((i) => i.keyword === 'RUN').map((i) => ({ stage: s.name, args: i.args })),
    );
    expect(runs.filter((r) => /\bnpm (install|i)\b/.test(r.args))).toEqual([]);
    const installs = runs.filter((r) => /\bnpm ci\b/.test(r.args));
    expect(installs.map((r) => r.stage)).toEqual(['deps', 'prod-deps']);
    for (const install of installs) expect(install.args).toContain('--ignore-scripts');
    expect(installs[1].args).toContain('--omit=dev');
  });

  it('runs as a numeric non-root user, so Kubernetes can verify runAsNonRoot', () => {
    const user = runtime.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args ?? '';
    const [uid, gid] = user.split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    expect(gid).toBeGreaterThan(0);
  });

  it('ships only the compiled code, production node_modules and config, with no npm to fetch anything', () => {
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map(copyOf);
    const fromStages = copies.filter((c) => c.from !== null);
    for (const copy of fromStages) expect(['build', 'prod-deps']).toContain(copy.from);
    expect(fromStages.find((c) => c.destination === 'node_modules')?.from).toBe('prod-deps');
    expect(fromStages.filter((c) => c.from === 'build').flatMap((c) => c.sources)).toEqual([
      '/app/dist/libs',
      '/app/dist/apps',
      '/app/dist/tools',
    ]);
    const removed = runtime.instructions.find((i) => i.keyword === 'RUN')?.args ?? '';
    for (const tool of ['/usr/local/bin/npm', '/usr/local/bin/npx', '/usr/local/bin/corepack'])
      expect(removed).toContain(tool);
    expect(runtime.instructions.filter((i) => i.keyword === 'RUN')).toHaveLength(1);
    expect(runtime.instructions.find((i) => i.keyword === 'ENV')?.args).toContain('NODE_ENV=production');
  });

  it('starts through deploy/docker/aigw.sh, the gateway unless told otherwise', () => {
    const copy = runtime.instructions
      .filter((i) => i.keyword === 'COPY')
      .map(copyOf)
      .find((c) => c.sources.includes('deploy/docker/aigw.sh'));
    expect(copy?.destination).toBe('/usr/local/bin/aigw');
    expect(execForm(runtime.instructions.find((i) => i.keyword === 'ENTRYPOINT'))).toEqual(['aigw']);
    expect(execForm(runtime.instructions.find((i) => i.keyword === 'CMD'))).toEqual(['gateway']);
  });

  it('exposes the ports the apps listen on in containers (gateway, probes and admin API, admin probes, mock)', () => {
    const exposed = runtime.instructions
      .filter((i) => i.keyword === 'EXPOSE')
      .flatMap((i) => i.args.split(/\s+/).map(Number));
    expect(exposed).toEqual([8080, 8081, 8082, 4010]);
  });

  it('copies from stages that exist, and only files that .dockerignore lets into the context', () => {
    for (const stage of dockerfile.stages)
      for (const copy of stage.instructions.filter((i) => i.keyword === 'COPY').map(copyOf)) {
        if (copy.from !== null) {
          expect(stageNames).toContain(copy.from);
          continue;
        }
        for (const source of copy.sources) {
          expect({ source, exists: repoFileExists(source) }).toEqual({ source, exists: true });
          expect({ source, allowed: dockerignoreAllows(source) }).toEqual({ source, allowed: true });
        }
      }
  });
});

describe('.dockerignore', () => {
  it.each([
    'package.json',
    'package-lock.json',
    'tsconfig.build.json',
    'apps/gateway/src/main.ts',
    'apps/admin/src/migrate.ts',
    'libs/config/src/load-config.ts',
    'tools/keygen.ts',
    'config/gateway.yaml',
    'deploy/docker/aigw.sh',
  ])('sends %s to the builder', (path) => {
    expect(dockerignoreAllows(path)).toBe(true);
  });

  it.each([
    'node_modules/zod/package.json',
    'dist/apps/gateway/src/main.js',
    '.git/config',
    '.env',
    '.data/api-key',
    'e2e/chat.e2e-spec.ts',
    'bench/run.ts',
    'apps/admin/src/migrate.spec.ts',
    'apps/admin/src/migrate.int-spec.ts',
    'apps/router/src/test/router-harness.ts',
    'deploy/k8s/base/gateway.yaml',
    'docker-compose.yml',
  ])('keeps %s out of the build context', (path) => {
    expect(dockerignoreAllows(path)).toBe(false);
  });
});

describe('the image entry point (deploy/docker/aigw.sh)', () => {
  const script = readRepoFile('deploy', 'docker', 'aigw.sh');

  it('runs every app and one-shot, each from a compiled file whose source exists', () => {
    const commands = /^\s*([a-z|\s-]+)\)\s*$/m
      .exec(script)![1]
      .split('|')
      .map((c) => c.trim());
    expect(commands.sort()).toEqual([...APPS].sort());
    for (const [, path] of script.matchAll(/\$root\/dist\/([\w/.$-]+)\.js/g)) {
      const sources = path.includes('$command') ? APPS.map((app) => path.replace('$command', app)) : [path];
      for (const source of sources)
        expect({ source, exists: repoFileExists(`${source}.ts`) }).toEqual({ source, exists: true });
    }
    for (const oneShot of ONE_SHOTS) expect(script).toMatch(new RegExp(`^\\s*${oneShot}\\)`, 'm'));
  });

  describe('run with a stand-in node', () => {
    let root: string;
    let bin: string;
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'aigw-entrypoint-'));
      bin = join(root, 'bin');
      mkdirSync(bin);
      const fakeNode = join(bin, 'node');
      writeFileSync(fakeNode, '#!/bin/sh\necho "node $*"\n');
      chmodSync(fakeNode, 0o755);
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    const aigw = (...args: string[]) =>
      run('sh', [ENTRYPOINT, ...args], { env: { PATH: `${bin}:/usr/bin:/bin`, AIGW_ROOT: '/app' } });

    it.each(APPS.map((app) => [app]))(
      'execs node on dist/apps/%s/src/main.js, passing arguments on',
      async (app) => {
        const { stdout } = await aigw(app, '--flag');
        expect(stdout.trim()).toBe(`node /app/dist/apps/${app}/src/main.js --flag`);
      },
    );

    it.each([
      [['migrate'], 'node /app/dist/apps/admin/src/migrate.js'],
      [['keygen', 'my-app'], 'node /app/dist/tools/keygen.js my-app'],
    ])('%j execs %s', async (args, expected) => {
      const { stdout } = await aigw(...args);
      expect(stdout.trim()).toBe(expected);
    });

    it.each([[[]], [['embedded']], [['sh']], [['probe']]])(
      'refuses %j with a usage line and exit 64',
      async (args) => {
        await expect(aigw(...args)).rejects.toMatchObject({
          code: 64,
          stderr: expect.stringMatching(/^usage: aigw/) as unknown,
        });
      },
    );
  });

  it('probe exits 0 on a 2xx answer and 1 otherwise (the compose healthchecks)', async () => {
    const server = createServer((req, res) => res.writeHead(req.url === '/readyz' ? 200 : 503).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` };
    try {
      await expect(
        run('sh', [ENTRYPOINT, 'probe', `http://127.0.0.1:${port}/readyz`], { env }),
      ).resolves.toBeDefined();
      await expect(
        run('sh', [ENTRYPOINT, 'probe', `http://127.0.0.1:${port}/other`], { env }),
      ).rejects.toMatchObject({
        code: 1,
      });
    } finally {
      server.close();
    }
  });
});
