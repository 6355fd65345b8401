import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { postCheckin } from '../http.js';
import { checkinTarget, type CheckinTarget } from '../load.js';
import { startCountingProxy } from '../pg-proxy.js';
import { freePort, startServer, type ServerHandle } from '../server.js';
import { round, summarize } from '../stats.js';
import { cpuMeter } from '../sysmon.js';
import { fmt } from '../table.js';
import type { App, Clinic } from './app.js';
import { clip, log, noteError, serverDir, type Run, type Tally } from './context.js';

/** Measured check-ins of the serial probe (after 50 of warm-up). */
export const SERIAL_CHECKINS = 300;

/** Sequential check-ins on one keep-alive connection: the unloaded latency. */
const serialCheckins = async (
  tally: Tally,
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
      if (out.status === 201) tally.createdVisits += 1;
      else noteError(tally, out.problem ?? String(out.status));
    }
  } finally {
    agent.destroy();
  }
  return latencies;
};

/**
 * Serial probe: unloaded latency and CPU per check-in (and JIT warm-up of the hot path).
 * If any check-in fails here, the run stops with the server's log.
 */
export const serialPhase = async (run: Run, server: ServerHandle, target: CheckinTarget) => {
  const { tally } = run;
  const serialCount = SERIAL_CHECKINS;
  await serialCheckins(tally, server.port, target, 50, `warm-${randomBytes(4).toString('hex')}`);
  const serialCpu = cpuMeter(server.pid, run.adminUrl, run.cfg.appDatabase);
  const serialLatencies = await serialCheckins(
    tally,
    server.port,
    target,
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
  if (tally.totalErrors > 0) {
    throw new Error(
      `check-ins fail before any load (${tally.totalErrors} of ${serialCount + 50}):\n${[
        ...tally.errorKinds,
      ]
        .map(([k, n]) => `   ${n} × ${k}`)
        .join('\n')}\nServer log tail:\n${clip(server.logTail())}`,
    );
  }
  log(`serial (1 connection): p50 ${fmt(serial.p50Ms, 2)} ms, p99 ${fmt(serial.p99Ms, 2)} ms`);
  return serial;
};
export type Serial = Awaited<ReturnType<typeof serialPhase>>;

export interface RoundTripReport {
  readonly credential: 'kiosk' | 'admin';
  readonly checkins: number;
  readonly roundTripsPerCheckin: number;
  readonly statementsPerCheckin: Record<string, number>;
}

/**
 * Round-trip probe (BENCH_ROUNDTRIPS): a second server instance (same database, one process)
 * whose Postgres connections go through a counting proxy: exact round trips and statements
 * per check-in, for each credential.
 */
export const roundTripPhase = async (
  run: Run,
  app: App,
  clinic: Clinic,
): Promise<RoundTripReport[]> => {
  if (!run.cfg.roundTripProbe) return [];
  log(
    'round-trip probe: a second server through a counting proxy, 100 serial check-ins per credential …',
  );
  const probeDept = clinic.departments[1] ?? clinic.departments[0];
  if (probeDept === undefined) throw new Error('no department');
  const targets = {
    kiosk: checkinTarget(probeDept.id, probeDept.kioskAuth),
    admin: checkinTarget(probeDept.id, clinic.adminAuth),
  };
  const upstream = new URL(run.appUrl);
  const proxy = await startCountingProxy({
    host: upstream.hostname,
    port: Number(upstream.port || 5432),
  });
  const proxied = new URL(run.appUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  let probe: ServerHandle | null = null;
  try {
    probe = await startServer({
      serverDir,
      env: {
        ...app.env,
        WEB_CONCURRENCY: '1',
        DATABASE_URL: proxied.toString(),
        DB_POOL_SIZE: '2',
      },
      port: await freePort(),
    });
    const reports: RoundTripReport[] = [];
    const n = 100;
    for (const credential of ['kiosk', 'admin'] as const) {
      const prefix = `probe-${credential}-${randomBytes(4).toString('hex')}`;
      await serialCheckins(run.tally, probe.port, targets[credential], 10, `${prefix}-warm`);
      proxy.reset();
      await serialCheckins(run.tally, probe.port, targets[credential], n, prefix);
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
