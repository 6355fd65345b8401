import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { databaseUrl, recreateDatabase } from '../db.js';
import { expectJson } from '../http.js';
import { fdCount, loopbackSocketStates } from '../procfs.js';
import { createAdmin, freePort, startServer, type ServerHandle } from '../server.js';
import { fmt } from '../table.js';
import type { Host } from './machine.js';
import {
  serverMemory,
  startClient,
  startHub,
  type ClientHandle,
  type HubHandle,
  type MemorySample,
} from './procs.js';
import type { OpenResult, RunResult, StreamTarget } from './protocol.js';
import { makeRunEvents } from './run-events.js';
import type { Run } from './run.js';
import {
  clientScript,
  hubScript,
  log,
  memProbe,
  NO_RATE_LIMIT,
  resultsDir,
  type Settings,
} from './settings.js';

/** 1. MediQue: database, admin (the CLI also migrates), server as a child process. */
const startMediQue = async (cfg: Settings, run: Run) => {
  await recreateDatabase(cfg.databaseUrl, cfg.database);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl(cfg.databaseUrl, cfg.database),
    REDIS_URL: cfg.redisUrl,
    JWT_SECRET: randomBytes(36).toString('base64url'), // 48 characters
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DB_POOL_SIZE: String(cfg.poolSize),
    RATE_LIMIT_GLOBAL_PER_MINUTE: NO_RATE_LIMIT,
    RATE_LIMIT_CHECKIN_PER_MINUTE: NO_RATE_LIMIT,
    MEDIQUE_BENCH_MEMORY_FILE: run.memFile,
  };
  const username = 'bench';
  const password = `Mq-${randomBytes(12).toString('base64url')}-7a!`;
  log('creating the admin with src/cli/admin-create.ts (migrates the database) …');
  await createAdmin(cfg.serverDir, env, username, password);
  const server = await startServer({
    serverDir: cfg.serverDir,
    env,
    port: await freePort(),
    nodeFlags: ['--expose-gc', '--import', memProbe],
  });
  run.procs.server = server;
  log(
    `server pid ${server.pid} ready on port ${server.port} (Redis ${cfg.redisUrl}, pool ${cfg.poolSize})`,
  );
  return { server, username, password };
};

/** Logins and departments through the admin API (each phase gets its own department). */
const adminCalls = (server: ServerHandle, username: string, password: string) => {
  const setup = new http.Agent({ keepAlive: true, maxSockets: 2 });
  let departments = 0;
  return {
    /** A fresh access token (they last 15 minutes; each phase logs in again). */
    login: async (): Promise<string> => {
      const r = await expectJson<{ accessToken: string }>(
        setup,
        server.port,
        'POST',
        '/api/v1/auth/login',
        200,
        {
          json: { username, password },
        },
      );
      return `Bearer ${r.accessToken}`;
    },
    /** One department with one room; each phase gets its own, so every snapshot is small. */
    department: async (authorization: string): Promise<string> => {
      const code = `F${String.fromCharCode(65 + Math.floor(departments / 26))}${String.fromCharCode(65 + (departments % 26))}`;
      departments += 1;
      const { department: d } = await expectJson<{ department: { id: string } }>(
        setup,
        server.port,
        'POST',
        '/api/v1/admin/departments',
        201,
        { headers: { authorization }, json: { code, name: `Fan-out ${code}` } },
      );
      await expectJson(setup, server.port, 'POST', `/api/v1/admin/departments/${d.id}/rooms`, 201, {
        headers: { authorization },
        json: { name: `Room ${code}1` },
      });
      return d.id;
    },
  };
};

/** Opening and closing streams in the client process, and waiting for the server to let go. */
const streamCalls = (
  cfg: Settings,
  run: Run,
  server: ServerHandle,
  client: ClientHandle,
  localAddresses: string[],
) => ({
  openStreams: async (target: StreamTarget, count: number, what: string): Promise<OpenResult> => {
    const t0 = performance.now();
    const opened = await client.send(
      {
        type: 'open',
        target,
        count,
        localAddresses,
        concurrency: cfg.concurrency,
        timeoutMs: 120_000,
      },
      'opened',
    );
    const failures = Object.entries(opened.failures)
      .map(([k, n]) => `${n} × ${k}`)
      .join('; ');
    log(
      `${what}: ${opened.ready}/${count} streams open in ${fmt((performance.now() - t0) / 1000, 1)} s${failures === '' ? '' : ` — failed: ${failures}`}`,
    );
    if (opened.failed > 0) {
      const sockets = loopbackSocketStates();
      run.problem(
        `${what}: ${opened.failed} of ${count} streams failed to open (${failures}); sockets: ${JSON.stringify(sockets)}`,
      );
    }
    return opened;
  },
  closeStreams: async (): Promise<void> => {
    const closed = await client.send({ type: 'close', timeoutMs: 30_000 }, 'closed');
    if (closed.stillOpen > 0) log(`WARNING: ${closed.stillOpen} streams did not close within 30 s`);
  },
  /** How many of the client's streams are still open. */
  status: () => client.send({ type: 'status' }, 'status'),
  /** Waits until the server holds no more descriptors than `baseline` + slack. */
  serverSettles: async (baseline: number, slack = 8): Promise<number> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const fds = fdCount(server.pid) ?? 0;
      if (fds <= baseline + slack || Date.now() > deadline) return fds;
      await sleep(50);
    }
  },
});

/** Problems in a run's answer from the client: each one fails the benchmark. */
const checkRun = (run: Run, what: string, ran: RunResult): void => {
  const errs = Object.entries(ran.triggerErrors);
  if (errs.length > 0)
    run.problem(`${what}: trigger errors: ${errs.map(([k, n]) => `${n} × ${k}`).join('; ')}`);
  if (ran.incomplete > 0)
    run.problem(`${what}: ${ran.incomplete} events did not reach every stream within 30 s`);
  if (ran.outOfOrder > 0) run.problem(`${what}: ${ran.outOfOrder} frames repeated or out of order`);
  if (ran.dropped > 0) run.problem(`${what}: ${ran.dropped} streams ended during the run`);
  const unverified = [...ran.warmup, ...ran.samples].filter((s) => !s.verified).length;
  if (unverified > 0)
    run.problem(`${what}: ${unverified} events whose frame did not carry the triggering visit`);
};

/**
 * What every phase of `fanout.bench.ts` shares: the MediQue server and the SSE client
 * (their handles also in `run.procs`, for the clean-up), setup calls, opening and closing
 * streams, running events, the reference hub and the server's memory probe.
 */
export const startBench = async (cfg: Settings, run: Run, host: Host, startedAt: Date) => {
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  // Connections are spread over 127.0.0.1…: each source address has its own ephemeral ports.
  const localAddresses = Array.from({ length: cfg.sources }, (_, i) => `127.0.0.${i + 1}`);
  const profileDir = path.join(resultsDir, `fanout-cpu-profile-${stamp}`);
  const { server, username, password } = await startMediQue(cfg, run);
  const admin = adminCalls(server, username, password);

  // 2. The SSE client, in its own process.
  const client = startClient({ cwd: cfg.serverDir, script: clientScript, fdLimit: host.wantFds });
  run.procs.client = client;
  log(
    `SSE client pid ${client.pid} (ulimit -n ${host.wantFds}, source addresses ${localAddresses.join(', ')})`,
  );
  return {
    cfg,
    run,
    host,
    startedAt,
    stamp,
    profileDir,
    localAddresses,
    server,
    ...admin,
    ...streamCalls(cfg, run, server, client, localAddresses),
    runEvents: makeRunEvents(cfg, run, client),
    checkRun: (what: string, ran: RunResult): void => checkRun(run, what, ran),
    mediqueTarget: (departmentId: string, authorization: string): StreamTarget => ({
      port: server.port,
      path: `/api/v1/departments/${departmentId}/events`,
      headers: { authorization },
    }),
    /** The server's memory after two full GCs (and a heap snapshot to `snapshotPath`). */
    memory: (snapshotPath?: string): Promise<MemorySample> =>
      serverMemory(server.pid, run.memFile, snapshotPath),
    /** A fresh reference hub, with the client's fd limit. */
    startHub: async (nodeFlags: string[]): Promise<HubHandle> => {
      run.procs.hub = await startHub({
        cwd: cfg.serverDir,
        script: hubScript,
        port: await freePort(),
        fdLimit: host.wantFds,
        nodeFlags,
      });
      return run.procs.hub;
    },
    stopHub: async (hub: HubHandle): Promise<void> => {
      await hub.stop();
      run.procs.hub = null;
    },
    /** Stops the client and the server; returns the end of the server's log. */
    stop: async (): Promise<string> => {
      const serverLog = server.logTail();
      await client.stop();
      run.procs.client = null;
      await server.stop();
      run.procs.server = null;
      if (cfg.cpuProfile) {
        log(
          `CPU profiles (MediQue: measured runs only; hub: whole process) in ${path.relative(process.cwd(), profileDir)}/`,
        );
      }
      return serverLog;
    },
  };
};
export type FanoutContext = Awaited<ReturnType<typeof startBench>>;
