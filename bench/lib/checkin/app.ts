import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { recreateDatabase } from '../db.js';
import { expectJson } from '../http.js';
import { checkinTarget } from '../load.js';
import { createAdmin, freePort, startServer } from '../server.js';
import { log, resultsDir, serverDir, type Run } from './context.js';

/** Above the config's maximum (1,000,000/min) the server refuses to start. */
const NO_RATE_LIMIT = '1000000';

/**
 * 2. The application: fresh database, admin from the CLI (which also migrates), the server
 * as a child process (`--cpu-prof` with BENCH_CPU_PROF=1).
 */
export const startApp = async (run: Run, startedAt: Date) => {
  const { cfg } = run;
  await recreateDatabase(run.adminUrl, cfg.appDatabase);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: run.appUrl,
    JWT_SECRET: randomBytes(36).toString('base64url'),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    DB_POOL_SIZE: String(cfg.poolSize),
    RATE_LIMIT_CHECKIN_PER_MINUTE: NO_RATE_LIMIT,
    RATE_LIMIT_GLOBAL_PER_MINUTE: NO_RATE_LIMIT,
    WEB_CONCURRENCY: String(cfg.webConcurrency),
  };
  delete env.REDIS_URL;
  if (cfg.redisUrl !== null) env.REDIS_URL = cfg.redisUrl;
  const username = 'bench';
  const password = `Mq-${randomBytes(12).toString('base64url')}-7a!`;
  log('creating the admin with src/cli/admin-create.ts (migrates the database) …');
  await createAdmin(serverDir, env, username, password);

  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const profileDir = path.join(resultsDir, `cpu-profile-${stamp}`);
  const server = await startServer({
    serverDir,
    env,
    port: await freePort(),
    nodeFlags: cfg.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  run.servers.push(server);
  log(
    `server pid ${server.pid} ready on port ${server.port} (pool ${cfg.poolSize} per process, ${cfg.webConcurrency} process${cfg.webConcurrency > 1 ? 'es' : ''}, ${cfg.redisUrl === null ? 'no Redis' : `Redis ${cfg.redisUrl}`})`,
  );
  return {
    server,
    env,
    username,
    password,
    /** Stops the server (the profile is written on exit); returns the end of its log. */
    stop: async (): Promise<string> => {
      const serverLog = server.logTail();
      await server.stop();
      run.servers.splice(run.servers.indexOf(server), 1);
      if (cfg.cpuProfile)
        log(`CPU profile written to ${path.relative(process.cwd(), profileDir)}/`);
      return serverLog;
    },
  };
};
export type App = Awaited<ReturnType<typeof startApp>>;

export interface Department {
  readonly id: string;
  readonly code: string;
  readonly kioskAuth: string;
  readonly kioskId: string;
}

/** Department `B<A+i>` with one room and one kiosk, through the admin API. */
const createDepartment = async (
  run: Run,
  agent: http.Agent,
  port: number,
  asAdmin: { authorization: string },
  i: number,
): Promise<Department> => {
  const code = `B${String.fromCharCode(65 + i)}`;
  const { department } = await expectJson<{ department: { id: string } }>(
    agent,
    port,
    'POST',
    '/api/v1/admin/departments',
    201,
    { headers: asAdmin, json: { code, name: `Bench ${code}` } },
  );
  await expectJson(agent, port, 'POST', `/api/v1/admin/departments/${department.id}/rooms`, 201, {
    headers: asAdmin,
    json: { name: `Room ${code}1` },
  });
  const kiosk = await expectJson<{ token: string; kiosk: { id: string } }>(
    agent,
    port,
    'POST',
    '/api/v1/admin/kiosks',
    201,
    { headers: asAdmin, json: { name: `Kiosk ${code}`, departmentIds: [department.id] } },
  );
  run.credentials.push(`kiosk:${kiosk.kiosk.id}`);
  return { id: department.id, code, kioskAuth: `Bearer ${kiosk.token}`, kioskId: kiosk.kiosk.id };
};

/**
 * The clinic: 10 departments `BA`…`BJ`, each with a room and a kiosk; the check-in targets
 * use the kiosk's token or the admin's JWT (BENCH_AUTH). Scenario A uses the first.
 */
export const setUpClinic = async (run: Run, app: App) => {
  const { cfg } = run;
  const { port } = app.server;
  const setupAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const login = await expectJson<{ accessToken: string; user: { id: string } }>(
    setupAgent,
    port,
    'POST',
    '/api/v1/auth/login',
    200,
    { json: { username: app.username, password: app.password } },
  );
  const adminAuth = `Bearer ${login.accessToken}`;
  run.credentials.push(`staff:${login.user.id}`);
  const departments: Department[] = [];
  for (let i = 0; i < cfg.departments; i++) {
    departments.push(
      await createDepartment(run, setupAgent, port, { authorization: adminAuth }, i),
    );
  }
  setupAgent.destroy();
  const targets = departments.map((d) =>
    checkinTarget(d.id, cfg.auth === 'kiosk' ? d.kioskAuth : adminAuth),
  );
  const targetA = targets[0];
  if (targetA === undefined) throw new Error('no department was created');
  log(
    `created ${departments.length} departments (${departments.map((d) => d.code).join(', ')}) with a room and a kiosk each; check-ins use the ${cfg.auth} credential`,
  );
  return { adminAuth, departments, targets, targetA };
};
export type Clinic = Awaited<ReturnType<typeof setUpClinic>>;
