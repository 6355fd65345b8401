/**
 * Check-in throughput and latency of MediQue on Postgres, against pgbench TPC-B on the
 * same machine. `npm run bench:checkin` from the repository root; see bench/README.md.
 *
 * Exit status: 1 on any non-201 check-in, an integrity failure or a crash; a missed
 * performance target is reported (FAIL in the table) but does not fail the run.
 */
import { verifyIntegrity } from './lib/integrity.js';
import { setUpClinic, startApp } from './lib/checkin/app.js';
import { loadBenchConfig } from './lib/checkin/config.js';
import { inspectMachine, openRun } from './lib/checkin/context.js';
import { pgbenchPhase } from './lib/checkin/reference.js';
import { report } from './lib/checkin/report.js';
import { scenariosPhase } from './lib/checkin/scenarios.js';
import { roundTripPhase, serialPhase } from './lib/checkin/serial.js';

const main = async (): Promise<number> => {
  const cfg = loadBenchConfig();
  const startedAt = new Date();
  const machine = await inspectMachine(cfg);
  const run = openRun(cfg);
  try {
    const pgbench = await pgbenchPhase(run);
    const app = await startApp(run, startedAt);
    const clinic = await setUpClinic(run, app);
    const serial = await serialPhase(run, app.server, clinic.targetA);
    const scenarios = await scenariosPhase(run, app.server, clinic);
    const roundTrips = await roundTripPhase(run, app, clinic);
    const serverLog = await app.stop();
    const integrity = await verifyIntegrity(run.appUrl, run.tally.createdVisits);
    report(run, {
      startedAt,
      machine,
      pgbench,
      serial,
      scenarios,
      roundTrips,
      integrity,
      serverLog,
    });
    return run.tally.totalErrors === 0 && integrity.ok ? 0 : 1;
  } finally {
    await run.cleanup();
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
