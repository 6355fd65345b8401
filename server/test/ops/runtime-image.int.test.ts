import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_KEY, emptyPostgres, fingerprintAt, urlAs } from '../support/backup.js';
import { withAdminClient } from '../support/postgres.js';
import { freePort, PROCESS_JWT_SECRET, serverDir, STRONG_PASSWORD } from '../support/process.js';
import { execIn, replayStage, type RuntimeLayout } from '../support/runtime-layout.js';

/**
 * The image carries its own tools (issue 10, item 5). No Docker engine here, so the
 * Dockerfile's runtime stage is replayed into a temporary directory — its manifests, a
 * production-only `npm ci`, the build stage's compiled output — and the service and its
 * commands run from there as the image runs them: plain `node` on compiled JavaScript, with
 * no dev dependency reachable (the directory is outside the repository, so Node cannot
 * find this checkout's node_modules), NODE_ENV=production, the Postgres client tools the
 * image installs.
 *
 * Spawned processes get a minimal environment (no LD_PRELOAD), so the moved-clock pass
 * does not move their clocks; nothing here compares times.
 */
const repo = path.resolve(serverDir, '..');
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const role = `mediqueue_test_img_${randomBytes(4).toString('hex')}`;
const rolePassword = `img-${randomBytes(6).toString('hex')}`;
const METRICS_TOKEN = 'image-test-metrics-token-0123456789';

/** What a process started here inherits: a path, a home, and where npm keeps its cache. */
const hostEnv = (): NodeJS.ProcessEnv => {
  const keep =
    /^(PATH|HOME|TMPDIR|npm_config_(cache|registry|userconfig)|NPM_CONFIG_(CACHE|REGISTRY|USERCONFIG)|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY)$/;
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => keep.test(k)));
};

let work: string;
let layout: RuntimeLayout;
let db: Awaited<ReturnType<typeof emptyPostgres>>;
let restored: Awaited<ReturnType<typeof emptyPostgres>>;
let server: ChildProcess | undefined;
let serverOutput = '';
let base = '';
let port = 0;

/** The image's environment plus the service's settings, as compose gives them. */
const serviceEnv = (database: { url: string }, extra: NodeJS.ProcessEnv = {}) => ({
  ...hostEnv(),
  ...layout.env,
  DATABASE_URL: urlAs(database.url, role, rolePassword),
  DATABASE_MIGRATION_URL: database.url,
  REDIS_URL: redisUrl,
  JWT_SECRET: PROCESS_JWT_SECRET,
  METRICS_TOKEN,
  BACKUP_ENCRYPTION_KEY: BACKUP_KEY,
  LOG_LEVEL: 'warn',
  ...extra,
});

/** `node …` as the image runs it: from its WORKDIR, on this machine's Node. */
const nodeIn = (argv: readonly string[], env: NodeJS.ProcessEnv): ChildProcess => {
  const [program, ...args] = argv;
  if (program !== 'node') throw new Error(`not a node command: ${argv.join(' ')}`);
  return spawn(process.execPath, args, {
    cwd: layout.root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
};

const runToEnd = (argv: readonly string[], env: NodeJS.ProcessEnv) =>
  new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = nodeIn(argv, env);
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });

const cli = (name: string, args: string[], env: NodeJS.ProcessEnv) =>
  runToEnd(['node', `server/dist/cli/${name}.js`, ...args], env);

const buildOutput = (exec: ReturnType<typeof execIn>) => async (imagePath: string) => {
  switch (imagePath) {
    case '/app/server/dist': {
      // Compiled afresh from this checkout, as the build stage does (not a stale server/dist).
      const out = path.join(work, 'build/server/dist');
      const tsc = path.join(repo, 'node_modules/typescript/bin/tsc');
      await exec([process.execPath, tsc, '-p', 'tsconfig.build.json', '--outDir', out], serverDir);
      return out;
    }
    case '/app/web/dist': {
      // `npm test` builds the web app before the server's tests; build it if it is missing.
      const built = path.join(repo, 'web/dist');
      if (fs.existsSync(path.join(built, 'index.html'))) return built;
      const out = path.join(work, 'build/web/dist');
      const vite = path.join(repo, 'node_modules/vite/bin/vite.js');
      await exec(
        [process.execPath, vite, 'build', '--outDir', out, '--emptyOutDir'],
        path.join(repo, 'web'),
      );
      return out;
    }
    default:
      throw new Error(`teach this test where the build stage's ${imagePath} comes from`);
  }
};

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mediqueue-image-test-'));
  const exec = execIn(hostEnv());
  layout = await replayStage(fs.readFileSync(path.join(repo, 'Dockerfile'), 'utf8'), 'runtime', {
    context: repo,
    root: path.join(work, 'app'),
    buildOutput: buildOutput(exec),
    exec,
    aptPackage: (name) => {
      const major = /^postgresql-client-(\d+)$/.exec(name)?.[1];
      if (major === undefined)
        throw new Error(`apt package ${name}: teach this test what it gives`);
      for (const tool of ['pg_dump', 'pg_restore', 'psql']) {
        const bin = `/usr/lib/postgresql/${major}/bin/${tool}`;
        if (!fs.existsSync(bin))
          throw new Error(`the image installs ${name}; this machine lacks ${bin}`);
      }
    },
  });
  [db, restored] = await Promise.all([emptyPostgres(), emptyPostgres()]);
}, 300_000);

afterAll(async () => {
  if (server !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await db?.drop();
  await restored?.drop();
  await withAdminClient((c) => c.query(`DROP ROLE IF EXISTS ${role}`));
  fs.rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('the production image, rebuilt from the Dockerfile without Docker', () => {
  it('holds compiled code and production dependencies only, and the client tools of the compose Postgres', () => {
    const has = (p: string) => fs.existsSync(path.join(layout.root, p));
    for (const command of ['migrate', 'admin-create', 'backup', 'restore']) {
      expect(has(`server/dist/cli/${command}.js`), command).toBe(true);
    }
    expect(has('server/dist/main.js')).toBe(true);
    expect(has('web/dist/index.html')).toBe(true);
    expect(has('server/src')).toBe(false);
    expect(has('node_modules/fastify')).toBe(true);
    for (const dev of [
      'tsx',
      'typescript',
      'vitest',
      'eslint',
      'dependency-cruiser',
      'playwright-core',
    ]) {
      expect(has(`node_modules/${dev}`), `${dev} is a dev dependency`).toBe(false);
    }
    expect(layout.env.NODE_ENV).toBe('production');
    expect(layout.user).toBe('node');
    const compose = fs.readFileSync(path.join(repo, 'docker-compose.yml'), 'utf8');
    const serverMajor = /image:\s*postgres:(\d+)/.exec(compose)?.[1];
    expect(layout.aptPackages).toContain(`postgresql-client-${serverMajor}`);
  });

  it('migrate.js creates the schema and the application role, as compose runs it', async () => {
    const migrate = await cli('migrate', [], serviceEnv(db));
    expect(migrate.code, migrate.output).toBe(0);
    expect(migrate.output).toMatch(/Applied: 0001-core/);
    expect(migrate.output).toContain(`Application role "${role}": grants set.`);
  }, 60_000);

  it('its CMD serves: /health/ready answers 200 and the HEALTHCHECK passes', async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // The app instances get the application role's URL only (compose's x-app).
    const { DATABASE_MIGRATION_URL: _owner, ...env } = serviceEnv(db, {
      HOST: '127.0.0.1',
      PORT: String(port),
    });
    server = nodeIn(layout.cmd, env);
    server.stdout?.on('data', (d: Buffer) => (serverOutput += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (serverOutput += d.toString()));
    const deadline = Date.now() + 40_000;
    let status = 0;
    while (status !== 200) {
      if (server.exitCode !== null) throw new Error(`the server exited:\n${serverOutput}`);
      if (Date.now() > deadline) throw new Error(`not ready after 40 s:\n${serverOutput}`);
      status = await fetch(`${base}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">/);
    expect(layout.healthcheck).toBeDefined();
    const health = await runToEnd(layout.healthcheck ?? [], { ...hostEnv(), PORT: String(port) });
    expect(health.code, health.output).toBe(0);
  }, 60_000);

  it('admin-create.js makes an admin who can sign in', async () => {
    const created = await cli(
      'admin-create',
      ['--username', 'admin', '--password', STRONG_PASSWORD],
      serviceEnv(db),
    );
    expect(created.code, created.output).toBe(0);
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: STRONG_PASSWORD }),
    });
    expect(login.status).toBe(200);
  }, 60_000);

  it('backup.js and restore.js round-trip the database with the image’s client tools', async () => {
    const file = path.join(work, 'image.mqbak');
    const backup = await cli('backup', ['--out', file], serviceEnv(db));
    expect(backup.code, backup.output).toBe(0);
    const restore = await cli('restore', ['--in', file], serviceEnv(restored));
    expect(restore.code, restore.output).toBe(0);
    expect(restore.output).toContain(`Application role "${role}": grants set.`);
    const users = async (url: string) => (await fingerprintAt(url)).tables.users;
    expect(await users(restored.url)).toEqual(await users(db.url));
  }, 60_000);
});
