/**
 * Check-in throughput and latency of MediQue on Postgres, against pgbench TPC-B on the
 * same machine. `npm run bench:checkin` from the repository root; see bench/README.md.
 *
 * Exit status: 1 on any non-201 check-in, an integrity failure or a crash; a missed
 * performance target is reported (FAIL in the table) but does not fail the run.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadBenchConfig, type BenchConfig } from './lib/config.js';
import {
  assertBenchName,
  checkpoint,
  databaseUrl,
  dropDatabase,
  recreateDatabase,
  withClient,
} from './lib/db.js';
import { expectJson, postCheckin } from './lib/http.js';
import { verifyIntegrity, type IntegrityReport } from './lib/integrity.js';
import {
  checkinTarget,
  closedLoop,
  openLoop,
  type CheckinTarget,
  type LoadResult,
} from './lib/load.js';
import { startCountingProxy } from './lib/pg-proxy.js';
import { deleteIdempotencyKeys } from './lib/redis-cleanup.js';
import { runPgbench, type PgbenchResult } from './lib/pgbench.js';
import { createAdmin, freePort, startServer, type ServerHandle } from './lib/server.js';
import { round, summarize, type LatencySummary } from './lib/stats.js';
import {
  activitySampler,
  cpuMeter,
  machineLoad,
  transactionCounts,
  type CpuUse,
} from './lib/sysmon.js';
import { fmt, table } from './lib/table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** `BENCH_SERVER_DIR`: measure another copy of server/ (e.g. a commit, or a patched copy). */
const serverDir = path.resolve(
  process.env.BENCH_SERVER_DIR?.trim() || path.resolve(here, '../server'),
);
const resultsDir = path.join(here, 'results');

const TARGET_A = 0.6;
const TARGET_B = 1.0;
const TARGET_P99_MS = 50;
/** Above the config's maximum (1,000,000/min) the server refuses to start. */
const NO_RATE_LIMIT = '1000000';

/** The last lines of a log, each cut short (stack traces in JSON logs are long). */
const clip = (text: string, lines = 12, width = 400): string =>
  text
    .split('\n')
    .slice(-lines)
    .map((l) => (l.length > width ? `${l.slice(0, width)}…` : l))
    .join('\n');

/** Server settings given through the environment that change what is measured. */
const serverEnvNotes = (): string => {
  const notes = ['CHECKIN_GROUP_COMMIT', 'DB_PREPARED_STATEMENTS']
    .filter((k) => process.env[k] !== undefined)
    .map((k) => `${k}=${process.env[k]}`);
  return notes.length === 0 ? '' : ` (${notes.join(', ')})`;
};

const log = (message: string): void => {
  process.stdout.write(`[bench] ${message}\n`);
};

interface PhaseReport {
  readonly name: string;
  readonly checkinsPerSecond: number;
  readonly latency: LatencySummary;
  readonly errors: number;
  readonly errorKinds: Record<string, number>;
  readonly cpu: CpuUse;
  /** Server CPU milliseconds per check-in, Postgres CPU milliseconds per check-in. */
  readonly cpuMsPerCheckin: { server: number | null; postgres: number | null };
  /** ≈ (pg_stat_database is flushed about once a second per backend). */
  readonly transactionsPerCheckin: number | null;
  /** Average number of the server's Postgres connections in each state. */
  readonly connectionStates: Record<string, number>;
}

interface RoundTripReport {
  readonly credential: 'kiosk' | 'admin';
  readonly checkins: number;
  readonly roundTripsPerCheckin: number;
  readonly statementsPerCheckin: Record<string, number>;
}

/** Every 201 anywhere in the run: the integrity check expects exactly this many visits. */
let createdVisits = 0;
let totalErrors = 0;
const errorKinds = new Map<string, number>();
const noteError = (kind: string, n = 1): void => {
  totalErrors += n;
  errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + n);
};

const absorb = (r: LoadResult): void => {
  createdVisits += r.totalOk;
  for (const [kind, n] of r.errorKinds) noteError(kind, n);
};

/** Runs one measured load phase with CPU, transaction and connection-state monitoring. */
const measuredPhase = async (
  cfg: BenchConfig,
  adminUrl: string,
  server: ServerHandle,
  name: string,
  run: () => Promise<LoadResult>,
): Promise<{ report: PhaseReport; result: LoadResult }> => {
  await checkpoint(adminUrl);
  const xactBefore = await transactionCounts(adminUrl, cfg.appDatabase);
  const sampler = await activitySampler(adminUrl, cfg.appDatabase);
  const cpu = cpuMeter(server.pid, adminUrl, cfg.appDatabase);
  sampler.start();
  const result = await run();
  const cpuUse = await cpu.stop();
  const states = await sampler.stop();
  // Let idle backends flush their statistics (PG 15 flushes at most once a second).
  await new Promise((r) => setTimeout(r, 1100));
  const xactAfter = await transactionCounts(adminUrl, cfg.appDatabase);
  absorb(result);
  const rate = result.measuredOk / result.measuredSeconds;
  const perCheckin = (cores: number | null): number | null =>
    cores === null || rate === 0 ? null : round((cores / rate) * 1000, 3);
  return {
    result,
    report: {
      name,
      checkinsPerSecond: round(rate, 1),
      latency: summarize(result.latenciesMs),
      errors: result.errors,
      errorKinds: Object.fromEntries(result.errorKinds),
      cpu: cpuUse,
      cpuMsPerCheckin: { server: perCheckin(cpuUse.server), postgres: perCheckin(cpuUse.postgres) },
      transactionsPerCheckin:
        result.totalSent === 0
          ? null
          : round((xactAfter.commits - xactBefore.commits) / result.totalSent, 2),
      connectionStates: states,
    },
  };
};

/** Sequential check-ins on one keep-alive connection: the unloaded latency. */
const serialCheckins = async (
  port: number,
  target: CheckinTarget,
  count: number,
  keyPrefix: string,
): Promise<number[]> => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const out = await postCheckin(
        agent,
        port,
        target.authorization,
        `${keyPrefix}-${i}`,
        target.body,
      );
      latencies.push(performance.now() - t0);
      if (out.status === 201) createdVisits += 1;
      else noteError(out.problem ?? String(out.status));
    }
  } finally {
    agent.destroy();
  }
  return latencies;
};

/**
 * A second server instance (same database) whose Postgres connections go through a
 * counting proxy: exact round trips and statements per check-in, for each credential.
 */
const roundTripProbe = async (
  appUrl: string,
  env: NodeJS.ProcessEnv,
  targets: { kiosk: CheckinTarget; admin: CheckinTarget },
): Promise<RoundTripReport[]> => {
  const upstream = new URL(appUrl);
  const proxy = await startCountingProxy({
    host: upstream.hostname,
    port: Number(upstream.port || 5432),
  });
  const proxied = new URL(appUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  let probe: ServerHandle | null = null;
  try {
    probe = await startServer({
      serverDir,
      env: { ...env, DATABASE_URL: proxied.toString(), DB_POOL_SIZE: '2' },
      port: await freePort(),
    });
    const reports: RoundTripReport[] = [];
    const n = 100;
    for (const credential of ['kiosk', 'admin'] as const) {
      const prefix = `probe-${credential}-${randomBytes(4).toString('hex')}`;
      await serialCheckins(probe.port, targets[credential], 10, `${prefix}-warm`);
      proxy.reset();
      await serialCheckins(probe.port, targets[credential], n, prefix);
      const statements: Record<string, number> = {};
      for (const [sql, count] of [...proxy.counts.statements].sort((a, b) => b[1] - a[1])) {
        statements[sql] = round(count / n, 2);
      }
      reports.push({
        credential,
        checkins: n,
        roundTripsPerCheckin: round(proxy.counts.roundTrips / n, 2),
        statementsPerCheckin: statements,
      });
    }
    return reports;
  } finally {
    await probe?.stop();
    await proxy.close();
  }
};

const postgresVersion = (url: string): Promise<string> =>
  withClient(url, async (c) => {
    const { rows } = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return rows[0]?.v ?? '?';
  });

const main = async (): Promise<number> => {
  const cfg = loadBenchConfig();
  const adminUrl = cfg.databaseUrl;
  const appUrl = databaseUrl(adminUrl, assertBenchName(cfg.appDatabase));
  const pgbenchUrl = databaseUrl(adminUrl, assertBenchName(cfg.pgbenchDatabase));
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  fs.mkdirSync(resultsDir, { recursive: true });

  const machine = {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? '?',
    loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
    busyCoresBeforeStart: await machineLoad(2000).then((v) => (v === null ? null : round(v, 2))),
    node: process.version,
    postgres: await postgresVersion(adminUrl),
  };
  log(
    `${machine.cores} cores (${fmt(machine.busyCoresBeforeStart, 2)} busy before start), load average ${machine.loadAverageAtStart.join(' ')}, Node ${machine.node}, Postgres ${machine.postgres}`,
  );

  const servers: ServerHandle[] = [];
  /** `kiosk:<id>` / `staff:<id>`: whose idempotency keys to delete from Redis afterwards. */
  const credentials: string[] = [];
  const cleanup = async (): Promise<void> => {
    for (const s of servers.splice(0)) await s.stop().catch(() => undefined);
    if (cfg.redisUrl !== null && credentials.length > 0) {
      await deleteIdempotencyKeys(cfg.redisUrl, credentials.splice(0)).then(
        (n) => log(`deleted the run's ${n} idempotency keys from Redis`),
        (err: unknown) => log(`could not delete the run's Redis keys: ${String(err)}`),
      );
    }
    if (!cfg.keepDatabases) {
      for (const name of [cfg.appDatabase, cfg.pgbenchDatabase]) {
        await dropDatabase(adminUrl, name).catch((err: unknown) =>
          log(`could not drop ${name}: ${String(err)}`),
        );
      }
    }
  };
  const onSignal = (): void => {
    log('interrupted: cleaning up');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // 1. Reference: pgbench TPC-B on its own database.
    let pgbench: (PgbenchResult & { given: boolean }) | null = null;
    if (cfg.pgbench.givenTps !== null) {
      pgbench = {
        tps: cfg.pgbench.givenTps,
        latencyAvgMs: null,
        transactions: null,
        failed: null,
        command: 'given by BENCH_PGBENCH_TPS',
        given: true,
      };
      log(`pgbench skipped: using BENCH_PGBENCH_TPS=${cfg.pgbench.givenTps}`);
    } else {
      log(`pgbench: initialising scale ${cfg.pgbench.scale} in ${cfg.pgbenchDatabase} …`);
      await recreateDatabase(adminUrl, cfg.pgbenchDatabase);
      const t0 = performance.now();
      const result = await runPgbench({
        url: pgbenchUrl,
        ...cfg.pgbench,
        beforeRun: async () => {
          log(
            `pgbench: initialised in ${fmt((performance.now() - t0) / 1000, 1)} s; running -c ${cfg.pgbench.clients} -j ${cfg.pgbench.threads} -T ${cfg.pgbench.seconds} -M prepared …`,
          );
          await checkpoint(adminUrl);
        },
      });
      pgbench = { ...result, given: false };
      log(`pgbench: ${fmt(result.tps, 1)} tps`);
      await dropDatabase(adminUrl, cfg.pgbenchDatabase);
    }

    // 2. The application: fresh database, admin from the CLI, server as a child process.
    await recreateDatabase(adminUrl, cfg.appDatabase);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: appUrl,
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

    const profileDir = path.join(resultsDir, `cpu-profile-${stamp}`);
    const server = await startServer({
      serverDir,
      env,
      port: await freePort(),
      nodeFlags: cfg.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    servers.push(server);
    log(
      `server pid ${server.pid} ready on port ${server.port} (pool ${cfg.poolSize} per process, ${cfg.webConcurrency} process${cfg.webConcurrency > 1 ? 'es' : ''}, ${cfg.redisUrl === null ? 'no Redis' : `Redis ${cfg.redisUrl}`})`,
    );

    const setupAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const login = await expectJson<{ accessToken: string; user: { id: string } }>(
      setupAgent,
      server.port,
      'POST',
      '/api/v1/auth/login',
      200,
      { json: { username, password } },
    );
    const adminAuth = `Bearer ${login.accessToken}`;
    credentials.push(`staff:${login.user.id}`);
    const asAdmin = { authorization: adminAuth };
    const departments: { id: string; code: string; kioskAuth: string; kioskId: string }[] = [];
    for (let i = 0; i < cfg.departments; i++) {
      const code = `B${String.fromCharCode(65 + i)}`;
      const { department } = await expectJson<{ department: { id: string } }>(
        setupAgent,
        server.port,
        'POST',
        '/api/v1/admin/departments',
        201,
        { headers: asAdmin, json: { code, name: `Bench ${code}` } },
      );
      await expectJson(
        setupAgent,
        server.port,
        'POST',
        `/api/v1/admin/departments/${department.id}/rooms`,
        201,
        { headers: asAdmin, json: { name: `Room ${code}1` } },
      );
      const kiosk = await expectJson<{ token: string; kiosk: { id: string } }>(
        setupAgent,
        server.port,
        'POST',
        '/api/v1/admin/kiosks',
        201,
        { headers: asAdmin, json: { name: `Kiosk ${code}`, departmentIds: [department.id] } },
      );
      credentials.push(`kiosk:${kiosk.kiosk.id}`);
      departments.push({
        id: department.id,
        code,
        kioskAuth: `Bearer ${kiosk.token}`,
        kioskId: kiosk.kiosk.id,
      });
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

    // Unloaded latency and CPU per check-in (and JIT warm-up of the hot path).
    const serialCount = 300;
    await serialCheckins(server.port, targetA, 50, `warm-${randomBytes(4).toString('hex')}`);
    const serialCpu = cpuMeter(server.pid, adminUrl, cfg.appDatabase);
    const serialLatencies = await serialCheckins(
      server.port,
      targetA,
      serialCount,
      `serial-${randomBytes(4).toString('hex')}`,
    );
    const serialUse = await serialCpu.stop();
    const serialRate = serialCount / (serialLatencies.reduce((x, y) => x + y, 0) / 1000);
    const serial = {
      ...summarize(serialLatencies),
      checkinsPerSecond: round(serialRate, 1),
      cpu: serialUse,
      cpuMsPerCheckin: {
        server: serialUse.server === null ? null : round((serialUse.server / serialRate) * 1000, 3),
        postgres:
          serialUse.postgres === null ? null : round((serialUse.postgres / serialRate) * 1000, 3),
      },
    };
    if (totalErrors > 0) {
      throw new Error(
        `check-ins fail before any load (${totalErrors} of ${serialCount + 50}):\n${[...errorKinds]
          .map(([k, n]) => `   ${n} × ${k}`)
          .join('\n')}\nServer log tail:\n${clip(server.logTail())}`,
      );
    }
    log(`serial (1 connection): p50 ${fmt(serial.p50Ms, 2)} ms, p99 ${fmt(serial.p99Ms, 2)} ms`);

    const loadAgent = new http.Agent({
      keepAlive: true,
      maxSockets: cfg.connections,
      maxFreeSockets: cfg.connections,
    });
    const load = {
      agent: loadAgent,
      port: server.port,
      warmupSeconds: cfg.warmupSeconds,
      seconds: cfg.seconds,
    };

    log(
      `scenario A: ${cfg.connections} connections → 1 department, ${cfg.warmupSeconds} s warm-up + ${cfg.seconds} s …`,
    );
    const a = await measuredPhase(cfg, adminUrl, server, 'A: 1 department', () =>
      closedLoop({ ...load, connections: cfg.connections, pick: () => targetA }),
    );
    log(`scenario A: ${fmt(a.report.checkinsPerSecond, 1)} check-ins/s, ${a.report.errors} errors`);

    log(`scenario B: ${cfg.connections} connections → ${targets.length} departments round-robin …`);
    const b = await measuredPhase(cfg, adminUrl, server, `B: ${targets.length} departments`, () =>
      closedLoop({
        ...load,
        connections: cfg.connections,
        pick: (i) => targets[i % targets.length] ?? targetA,
      }),
    );
    log(`scenario B: ${fmt(b.report.checkinsPerSecond, 1)} check-ins/s, ${b.report.errors} errors`);

    const openRate = Math.max(1, round(a.report.checkinsPerSecond * cfg.openLoopFraction, 1));
    log(
      `open loop: scenario A at ${fmt(openRate, 1)} /s (${cfg.openLoopFraction * 100} % of its peak) for ${cfg.openLoopSeconds} s …`,
    );
    let lateSchedules = 0;
    const o = await measuredPhase(
      cfg,
      adminUrl,
      server,
      `A open loop @ ${Math.round(cfg.openLoopFraction * 100)} %`,
      async () => {
        const r = await openLoop({
          ...load,
          seconds: cfg.openLoopSeconds,
          ratePerSecond: openRate,
          pick: () => targetA,
        });
        lateSchedules = r.lateSchedules;
        return r;
      },
    );
    log(
      `open loop: p50 ${fmt(o.report.latency.p50Ms, 2)} ms, p99 ${fmt(o.report.latency.p99Ms, 2)} ms`,
    );

    // The latency target (issue 11): p99 at 70 % of the ten-department peak.
    const openRateB = Math.max(1, round(b.report.checkinsPerSecond * cfg.openLoopFraction, 1));
    log(
      `open loop: scenario B at ${fmt(openRateB, 1)} /s (${cfg.openLoopFraction * 100} % of its peak) for ${cfg.openLoopSeconds} s …`,
    );
    let lateSchedulesB = 0;
    const ob = await measuredPhase(
      cfg,
      adminUrl,
      server,
      `B open loop @ ${Math.round(cfg.openLoopFraction * 100)} %`,
      async () => {
        const r = await openLoop({
          ...load,
          seconds: cfg.openLoopSeconds,
          ratePerSecond: openRateB,
          pick: (i) => targets[i % targets.length] ?? targetA,
        });
        lateSchedulesB = r.lateSchedules;
        return r;
      },
    );
    log(
      `open loop B: p50 ${fmt(ob.report.latency.p50Ms, 2)} ms, p99 ${fmt(ob.report.latency.p99Ms, 2)} ms`,
    );
    loadAgent.destroy();

    let roundTrips: RoundTripReport[] = [];
    if (cfg.roundTripProbe) {
      log(
        'round-trip probe: a second server through a counting proxy, 100 serial check-ins per credential …',
      );
      const probeDept = departments[1] ?? departments[0];
      if (probeDept === undefined) throw new Error('no department');
      roundTrips = await roundTripProbe(
        appUrl,
        { ...env, WEB_CONCURRENCY: '1' },
        {
          kiosk: checkinTarget(probeDept.id, probeDept.kioskAuth),
          admin: checkinTarget(probeDept.id, adminAuth),
        },
      );
    }

    const serverLog = server.logTail();
    await server.stop();
    servers.splice(servers.indexOf(server), 1);
    if (cfg.cpuProfile) log(`CPU profile written to ${path.relative(process.cwd(), profileDir)}/`);

    // 3. Integrity.
    const integrity: IntegrityReport = await verifyIntegrity(appUrl, createdVisits);

    // 4. Report.
    const tps = pgbench.tps;
    const ratioA = a.report.checkinsPerSecond / tps;
    const ratioB = b.report.checkinsPerSecond / tps;
    const passA = ratioA >= TARGET_A;
    const passB = ratioB >= TARGET_B;
    const passP99 = ob.report.latency.p99Ms <= TARGET_P99_MS;
    const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
    const pg = cfg.pgbench;

    const summaryTable = table([
      ['Metric', 'Measured', 'Target', 'Result'],
      [
        pgbench.given
          ? 'pgbench TPC-B (given)'
          : `pgbench TPC-B (s=${pg.scale}, -c ${pg.clients} -j ${pg.threads}, ${pg.seconds} s, prepared)`,
        `${fmt(tps, 0)} tps`,
        'reference',
        '',
      ],
      [
        `A: check-ins/s, 1 department, ${cfg.connections} connections`,
        `${fmt(a.report.checkinsPerSecond, 0)} /s = ${fmt(ratioA, 2)}×`,
        `≥ ${TARGET_A}× (${fmt(tps * TARGET_A, 0)} /s)`,
        verdict(passA),
      ],
      [
        `B: check-ins/s, ${targets.length} departments, ${cfg.connections} connections`,
        `${fmt(b.report.checkinsPerSecond, 0)} /s = ${fmt(ratioB, 2)}×`,
        `≥ ${TARGET_B}× (${fmt(tps * TARGET_B, 0)} /s)`,
        verdict(passB),
      ],
      [
        `A open loop at ${Math.round(cfg.openLoopFraction * 100)} % of A (${fmt(openRate, 0)} /s, ${cfg.openLoopSeconds} s): p50 / p99`,
        `${fmt(o.report.latency.p50Ms, 1)} / ${fmt(o.report.latency.p99Ms, 1)} ms`,
        '(reported)',
        '',
      ],
      [
        `B open loop at ${Math.round(cfg.openLoopFraction * 100)} % of B (${fmt(openRateB, 0)} /s, ${cfg.openLoopSeconds} s): p50 / p99`,
        `${fmt(ob.report.latency.p50Ms, 1)} / ${fmt(ob.report.latency.p99Ms, 1)} ms`,
        `p99 ≤ ${TARGET_P99_MS} ms`,
        verdict(passP99),
      ],
      ['Errors (non-201 check-ins, whole run)', fmt(totalErrors), '0', verdict(totalErrors === 0)],
      [
        'Integrity (seq 1..N, unique tickets, event ids 1..M, 201s = rows)',
        integrity.ok
          ? `OK (${fmt(integrity.visits)} visits)`
          : `${integrity.problems.length} problems`,
        'OK',
        verdict(integrity.ok),
      ],
    ]);

    const phases = [a.report, b.report, o.report, ob.report];
    const detailTable = table([
      [
        'Phase',
        'check-ins/s',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'CPU server',
        'CPU postgres',
        'CPU redis',
        'CPU loadgen',
        'CPU machine',
        'CPU other',
        'xact/check-in',
      ],
      ...phases.map((p) => [
        p.name,
        fmt(p.checkinsPerSecond, 0),
        fmt(p.latency.p50Ms, 1),
        fmt(p.latency.p90Ms, 1),
        fmt(p.latency.p99Ms, 1),
        fmt(p.latency.maxMs, 1),
        `${fmt(p.cpu.server, 2)} (${fmt(p.cpuMsPerCheckin.server, 2)} ms/ci, ${fmt(p.cpu.serverSystem === null || p.cpu.server === null || p.cpu.server === 0 ? null : (p.cpu.serverSystem / p.cpu.server) * 100, 0)} % sys)`,
        `${fmt(p.cpu.postgres, 2)} (${fmt(p.cpuMsPerCheckin.postgres, 2)} ms/ci)`,
        fmt(p.cpu.redis, 2),
        fmt(p.cpu.loadGenerator, 2),
        `${fmt(p.cpu.machine, 2)} / ${p.cpu.cores}`,
        fmt(p.cpu.other, 2),
        `≈${fmt(p.transactionsPerCheckin, 2)}`,
      ]),
    ]);

    const lines: string[] = [
      '',
      `MediQue check-in benchmark — ${startedAt.toISOString()}`,
      `${machine.cores} cores (${machine.cpu}), ${fmt(machine.busyCoresBeforeStart, 2)} cores busy just before start, load average ${machine.loadAverageAtStart.join(' ')}; Node ${machine.node}; Postgres ${machine.postgres}`,
      `server: ${serverDir}${serverEnvNotes()}`,
      `server: ${cfg.webConcurrency} process${cfg.webConcurrency > 1 ? 'es' : ''} (WEB_CONCURRENCY), pool ${cfg.poolSize} each, ${cfg.redisUrl === null ? 'no Redis' : 'Redis'}; ${cfg.connections} keep-alive HTTP/1.1 connections; ${cfg.auth} credential; warm-up ${cfg.warmupSeconds} s, measured ${cfg.seconds} s`,
      '',
      summaryTable,
      '',
      'Details (CPU = average cores busy; ms/ci = CPU milliseconds per check-in; server = all its',
      "processes; postgres = the app database's backends + background processes; redis = every",
      'redis-server; other = everything else on the machine):',
      detailTable,
      `Serial check-ins on 1 connection (unloaded, ${serialCount}): p50 ${fmt(serial.p50Ms, 2)} ms, p99 ${fmt(serial.p99Ms, 2)} ms; CPU per check-in: server ${fmt(serial.cpuMsPerCheckin.server, 2)} ms, postgres ${fmt(serial.cpuMsPerCheckin.postgres, 2)} ms (other load ${fmt(serial.cpu.other, 2)} cores)`,
    ];
    for (const p of phases) {
      if ((p.cpu.other ?? 0) > 0.25) {
        lines.push(
          `WARNING: other processes used ${fmt(p.cpu.other, 2)} cores during "${p.name}": its numbers are pessimistic.`,
        );
      }
    }
    for (const [name, late] of [
      ['A', lateSchedules],
      ['B', lateSchedulesB],
    ] as const) {
      if (late > 0) {
        lines.push(
          `Open loop ${name}: the generator fell > 5 ms behind its schedule ${late} times (latency still counted from the schedule).`,
        );
      }
    }
    for (const p of phases) {
      const states = Object.entries(p.connectionStates)
        .map(([k, v]) => `${k} ${fmt(v, 2)}`)
        .join(', ');
      lines.push(
        `Server's Postgres connections, ${p.name} (avg count per state): ${states || '–'}`,
      );
    }
    for (const r of roundTrips) {
      lines.push(
        `Round trips per check-in (${r.credential} credential): ${fmt(r.roundTripsPerCheckin, 2)}`,
      );
      for (const [sql, n] of Object.entries(r.statementsPerCheckin)) {
        lines.push(`   ${fmt(n, 2)} × ${sql}`);
      }
    }
    if (totalErrors > 0) {
      lines.push('Errors:');
      const kinds = [...errorKinds].sort((x, y) => y[1] - x[1]);
      for (const [kind, n] of kinds.slice(0, 15)) lines.push(`   ${n} × ${kind}`);
      if (kinds.length > 15) lines.push(`   … and ${kinds.length - 15} other kinds`);
      lines.push('Server log tail:', clip(serverLog));
    }
    if (!integrity.ok) {
      lines.push('Integrity problems:');
      for (const p of integrity.problems) lines.push(`   ${p}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);

    const file = path.join(resultsDir, `checkin-${stamp}.json`);
    const json = {
      startedAt: startedAt.toISOString(),
      machine,
      config: { ...cfg, databaseUrl: undefined, serverDir, serverEnv: serverEnvNotes() },
      pgbench,
      serial,
      scenarios: {
        a: a.report,
        b: b.report,
        openLoop: { ...o.report, ratePerSecond: openRate, lateSchedules },
        openLoopB: { ...ob.report, ratePerSecond: openRateB, lateSchedules: lateSchedulesB },
      },
      targets: {
        a: { ratio: round(ratioA, 3), target: TARGET_A, pass: passA },
        b: { ratio: round(ratioB, 3), target: TARGET_B, pass: passB },
        p99: { ms: round(o.report.latency.p99Ms, 2), target: TARGET_P99_MS, pass: passP99 },
      },
      roundTrips,
      errors: { total: totalErrors, kinds: Object.fromEntries(errorKinds) },
      integrity,
    };
    fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
    log(`results written to ${path.relative(process.cwd(), file)}`);

    return totalErrors === 0 && integrity.ok ? 0 : 1;
  } finally {
    await cleanup();
  }
};

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
