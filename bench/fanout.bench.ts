/**
 * Live fan-out of MediQue's department streams (SSE), against a bare `node:http` SSE hub on
 * the same machine, and the server's memory per idle stream. `npm run bench:fanout` from
 * the repository root; see bench/README.md ("bench:fanout") and docs/performance.md
 * ("Live fan-out").
 *
 * Exit status: 1 on a crash, a stream that could not be opened, an event that did not
 * reach every stream, or a failed check-in; a missed performance target is reported (FAIL
 * in the table) but does not fail the run.
 */
import { startBench } from './lib/fanout/context.js';
import { latencyPhase } from './lib/fanout/latency.js';
import { inspectMachine } from './lib/fanout/machine.js';
import { cyclesPhase, heapSnapshotPhase, idlePhase } from './lib/fanout/memory.js';
import { report } from './lib/fanout/report.js';
import { openRun } from './lib/fanout/run.js';
import { settings } from './lib/fanout/settings.js';
import { warmUpPhase } from './lib/fanout/warm-up.js';

const main = async (): Promise<number> => {
  const cfg = settings();
  const startedAt = new Date();
  const host = inspectMachine(cfg);
  const run = openRun(cfg);
  try {
    const ctx = await startBench(cfg, run, host, startedAt);
    const fdBaseline = await warmUpPhase(ctx);
    const cycles = await cyclesPhase(ctx, fdBaseline);
    const idle = await idlePhase(ctx, fdBaseline);
    const heapBreakdown = await heapSnapshotPhase(ctx, fdBaseline);
    const latency = await latencyPhase(ctx, fdBaseline);
    const serverLog = await ctx.stop();
    report(ctx, { cycles, idle, heapBreakdown, latency, serverLog });
    return run.problems.length === 0 ? 0 : 1;
  } catch (err) {
    run.logServerTail();
    throw err;
  } finally {
    await run.cleanup();
  }
};

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `[fanout] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
