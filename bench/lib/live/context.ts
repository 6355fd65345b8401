import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assertBenchName, databaseUrl, dropDatabase, recreateDatabase } from '../db.js';
import { serverMemory, startHub, type HubHandle, type MemorySample } from '../fanout/procs.js';
import { expectJson } from '../http.js';
import { startCountingProxy } from '../pg-proxy.js';
import { fdLimits } from '../procfs.js';
import { createAdmin, freePort, startServer, type ServerHandle } from '../server.js';
import { round } from '../stats.js';
import { cpuMeter, type CpuUse } from '../sysmon.js';
import { fmt } from '../table.js';

/**
 * What every phase of `live.bench.ts` shares: settings, the MediQue server (the production
 * build, its Postgres connections through a counting proxy), the reference hub, setup calls,
 * the quiet-machine wait and the CPU meter.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
export const serverDir = path.join(repoRoot, 'server');
const hubScript = path.resolve(here, '../sse-hub.ts');
const memProbe = pathToFileURL(path.resolve(here, '../mem-probe.mjs')).href;

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be an integer ≥ 0`);
  return v;
};

export const settings = () => ({
  adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  database: assertBenchName('mediqueue_bench_live'),
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  build: process.env.BENCH_LIVE_BUILD !== '0',
  poolSize: int('BENCH_POOL_SIZE', 8),
  getConnections: int('BENCH_LIVE_GET_CONNECTIONS', 100),
  getSeconds: int('BENCH_LIVE_GET_SECONDS', 10),
  getWaiting: int('BENCH_LIVE_GET_WAITING', 50),
  openStreams: int('BENCH_LIVE_OPEN_STREAMS', 10_000),
  idleSeconds: int('BENCH_LIVE_IDLE_SECONDS', 35),
  tickets: int('BENCH_LIVE_TICKETS', 10_000),
  boards: int('BENCH_LIVE_BOARDS', 50),
  visits: int('BENCH_LIVE_VISITS', 2_000),
  calls: int('BENCH_LIVE_CALLS', 20),
  warmup: int('BENCH_LIVE_WARMUP', 3),
  rounds: Math.max(1, int('BENCH_LIVE_ROUNDS', 2)),
  concurrency: Math.max(1, int('BENCH_LIVE_CONCURRENCY', 32)),
  sources: Math.max(1, int('BENCH_LIVE_SOURCES', 4)),
  quietWaitSeconds: int('BENCH_QUIET_WAIT_SECONDS', 60),
  quietCores: Number(process.env.BENCH_QUIET_CORES ?? 0.3),
  phases: (process.env.BENCH_LIVE_PHASES ?? 'get,open,screens').split(',').map((s) => s.trim()),
});
export type Settings = ReturnType<typeof settings>;

export const log = (message: string): void => {
  process.stdout.write(`[live] ${message}\n`);
};

/** Average cores busy outside the measured processes during a run. */
export interface Quiet {
  readonly waitedSeconds: number;
  /** Other processes' cores just before the run. */
  readonly before: number | null;
}

export const openContext = async (cfg: Settings) => {
  const limits = fdLimits();
  const fdLimit = Math.min(limits.hard, 65_536);
  /**
   * Loopback source addresses for the next batch of streams: a fresh block each time. The
   * client closes its streams, so each leaves a TIME_WAIT socket to the server's port for a
   * minute; reopening 10,000 from the same addresses to the same port (MediQue's, across
   * rounds; a new hub has a new port) makes every connect() search past them — measured:
   * 2.2 s became 14 s. 127.0.<block>.1…sources, block 1, 2, 3…
   */
  let block = 0;
  const localAddresses = (): string[] => {
    block = (block % 250) + 1;
    return Array.from({ length: cfg.sources }, (_, i) => `127.0.${block}.${i + 1}`);
  };
  if (cfg.build) {
    log('building the server (npm run build -w server) …');
    execFileSync('npm', ['run', 'build', '-w', 'server'], { cwd: repoRoot, stdio: 'ignore' });
  }
  await recreateDatabase(cfg.adminUrl, cfg.database);
  const appUrl = new URL(databaseUrl(cfg.adminUrl, cfg.database));
  const proxy = await startCountingProxy({
    host: appUrl.hostname,
    port: Number(appUrl.port || 5432),
  });
  const proxied = new URL(appUrl);
  proxied.port = String(proxy.port);
  const memFile = path.join(os.tmpdir(), `mediqueue-bench-live-${process.pid}.json`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: proxied.toString(),
    REDIS_URL: cfg.redisUrl,
    JWT_SECRET: randomBytes(36).toString('base64url'),
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DB_POOL_SIZE: String(cfg.poolSize),
    RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000',
    RATE_LIMIT_CHECKIN_PER_MINUTE: '1000000',
    MEDIQUE_BENCH_MEMORY_FILE: memFile,
  };
  const username = 'bench';
  const password = `Mq-${randomBytes(12).toString('base64url')}-7a!`;
  await createAdmin(serverDir, { ...env, DATABASE_URL: appUrl.toString() }, username, password);
  const server: ServerHandle = await startServer({
    serverDir,
    env,
    port: await freePort(),
    entry: 'dist/main.js',
    nodeFlags: ['--expose-gc', '--import', memProbe],
  });
  log(`MediQue (dist/main.js) pid ${server.pid} on port ${server.port}; Redis ${cfg.redisUrl}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const json = <T>(method: string, url: string, expected: number, auth?: string, body?: unknown) =>
    expectJson<T>(agent, server.port, method, url, expected, {
      headers: auth === undefined ? {} : { authorization: auth },
      ...(body !== undefined && { json: body }),
    });
  let codes = 0;
  let keys = 0;
  let adminId = '';

  const ctx = {
    cfg,
    server,
    proxy,
    fdLimit,
    localAddresses,
    json,
    /** A fresh access token (15 minutes): each phase logs in again. */
    login: async (): Promise<string> => {
      const r = await json<{ accessToken: string; user: { id: string } }>(
        'POST',
        '/api/v1/auth/login',
        200,
        undefined,
        { username, password },
      );
      adminId = r.user.id;
      return `Bearer ${r.accessToken}`;
    },
    /** A department with one room and `waiting` patients checked in (normal priority). */
    department: async (auth: string, waiting: number) => {
      codes += 1;
      const code = `L${String.fromCharCode(65 + Math.floor(codes / 26))}${String.fromCharCode(65 + (codes % 26))}`;
      const { department } = await json<{ department: { id: string } }>(
        'POST',
        '/api/v1/admin/departments',
        201,
        auth,
        { code, name: `Live ${code}` },
      );
      const { room } = await json<{ room: { id: string } }>(
        'POST',
        `/api/v1/admin/departments/${department.id}/rooms`,
        201,
        auth,
        { name: `Room ${code}` },
      );
      const visits: { id: string; publicToken: string }[] = [];
      for (let i = 0; i < waiting; i += 1) {
        const r = await expectJson<{ visit: { id: string; publicToken: string } }>(
          agent,
          server.port,
          'POST',
          '/api/v1/checkins',
          201,
          {
            headers: { authorization: auth, 'idempotency-key': `live-${(keys += 1)}-${codes}` },
            json: {
              departmentId: department.id,
              patient: { displayName: `Patient ${i}`, phone: '+243 81 234 5678' },
            },
          },
        );
        visits.push(r.visit);
      }
      return { id: department.id, roomId: room.id, visits };
    },
    board: async (auth: string, departmentIds: string[]) => {
      const r = await json<{ board: { id: string }; token: string }>(
        'POST',
        '/api/v1/admin/boards',
        201,
        auth,
        { name: 'Hall', departmentIds },
      );
      return { id: r.board.id, token: r.token };
    },
    hub: async (): Promise<HubHandle> =>
      startHub({ cwd: serverDir, script: hubScript, port: await freePort(), fdLimit }),
    memory: (): Promise<MemorySample> => serverMemory(server.pid, memFile),
    /** Waits (≤ BENCH_QUIET_WAIT_SECONDS) until other processes use < BENCH_QUIET_CORES. */
    quiet: async (what: string, pid: number): Promise<Quiet> => {
      const t0 = performance.now();
      const other = async () => {
        const m = cpuMeter(pid, cfg.adminUrl, cfg.database);
        await sleep(1000);
        return (await m.stop()).other;
      };
      let busy = await other();
      if (busy !== null && busy > cfg.quietCores)
        log(`${what}: waiting for the machine (${fmt(busy, 2)} cores busy elsewhere) …`);
      while (
        busy !== null &&
        busy > cfg.quietCores &&
        (performance.now() - t0) / 1000 < cfg.quietWaitSeconds
      ) {
        busy = await other();
      }
      if (busy !== null && busy > cfg.quietCores)
        log(`${what}: still ${fmt(busy, 2)} cores busy elsewhere: measuring anyway`);
      return {
        waitedSeconds: round((performance.now() - t0) / 1000, 1),
        before: busy === null ? null : round(busy, 2),
      };
    },
    meter: (pid: number): { stop(): Promise<CpuUse> } => cpuMeter(pid, cfg.adminUrl, cfg.database),
    statements: (): number => [...proxy.counts.statements.values()].reduce((a, b) => a + b, 0),
    /** Statements by text so far (a copy), to tell what a phase sent from the difference. */
    shapes: (): Map<string, number> => new Map(proxy.counts.statements),
    close: async (): Promise<void> => {
      agent.destroy();
      await server.stop().catch(() => undefined);
      await proxy.close();
      await dropDatabase(cfg.adminUrl, cfg.database).catch(() => undefined);
      // The check-ins' idempotency answers (kept 24 h): this run's keys only, never FLUSHDB.
      const redis = new Redis(cfg.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        let cursor = '0';
        do {
          const [next, found] = await redis.scan(
            cursor,
            'MATCH',
            `mq:idem:staff:${adminId}:live-*`,
            'COUNT',
            1000,
          );
          cursor = next;
          if (found.length > 0) await redis.unlink(...found);
        } while (cursor !== '0');
      } catch (err) {
        log(`could not clean Redis: ${String(err)}`);
      } finally {
        redis.disconnect();
      }
    },
  };
  return ctx;
};

export type LiveContext = Awaited<ReturnType<typeof openContext>>;
