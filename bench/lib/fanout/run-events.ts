import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds } from '../procfs.js';
import { round } from '../stats.js';
import { cpuMeter } from '../sysmon.js';
import { fmt } from '../table.js';
import type { ClientHandle } from './procs.js';
import type { RunResult, Trigger } from './protocol.js';
import type { Run } from './run.js';
import { log, type Settings } from './settings.js';

/** Average cores busy during a run; other = the machine minus the benchmark's processes. */
export interface RunCpu {
  readonly server: number | null;
  readonly postgres: number | null;
  readonly client: number;
  readonly machine: number | null;
  readonly other: number | null;
  readonly busyBefore: number | null;
  readonly waitedForQuietSeconds: number;
}

export interface EventsRun {
  readonly ran: RunResult;
  readonly cpuSeconds: number | null;
  readonly cpu: RunCpu | null;
}

/**
 * Waits (up to BENCH_QUIET_WAIT_SECONDS) until the rest of the machine is quiet: busy
 * cores outside the server (or hub) under test, its Postgres backends and this driver.
 * (The server's own background work, such as heartbeats, is its cost, not noise.)
 */
const waitQuiet = async (
  cfg: Settings,
  what: string,
  pid: number,
): Promise<{ waitedSeconds: number; busy: number | null }> => {
  const t0 = performance.now();
  const otherBusy = async (): Promise<number | null> => {
    const meter = cpuMeter(pid, cfg.databaseUrl, cfg.database);
    await sleep(1000);
    return (await meter.stop()).other;
  };
  let busy = await otherBusy();
  let told = false;
  while (busy !== null && busy > cfg.quietCores) {
    if ((performance.now() - t0) / 1000 > cfg.quietWaitSeconds) {
      log(`${what}: other processes still use ${fmt(busy, 2)} cores: measuring anyway`);
      break;
    }
    if (!told) {
      log(`${what}: waiting for the other processes to calm down (${fmt(busy, 2)} cores busy) …`);
      told = true;
    }
    busy = await otherBusy();
  }
  return { waitedSeconds: round((performance.now() - t0) / 1000, 1), busy };
};

/**
 * Runs `warmup` + `count` events through the client (one at a time, BENCH_FANOUT_PAUSE_MS
 * apart) once the machine is quiet, metering the CPU of `pid` (the server or the hub), its
 * Postgres and everything else. `around` brackets the measured part (the CPU profiler).
 */
export const makeRunEvents =
  (cfg: Settings, run: Run, client: ClientHandle) =>
  async (
    trigger: Trigger,
    pid: number,
    warmup = cfg.warmup,
    count = cfg.events,
    around?: { before(): Promise<void>; after(): Promise<void> },
  ): Promise<EventsRun> => {
    const quiet = count > 0 ? await waitQuiet(cfg, `${trigger.kind} run`, pid) : null;
    await around?.before();
    const cpu0 = cpuSeconds(pid);
    const meter = cpuMeter(pid, cfg.databaseUrl, cfg.database);
    const ran = await client.send(
      {
        type: 'run',
        trigger,
        warmup,
        count,
        pauseMs: cfg.pauseMs,
        eventTimeoutMs: 30_000,
        keyPrefix: `${run.keyPrefix}-${randomBytes(3).toString('hex')}`,
      },
      'ran',
    );
    const use = await meter.stop();
    const cpu1 = cpuSeconds(pid);
    await around?.after();
    const other = use.other === null ? null : round(Math.max(0, use.other - ran.clientCpuCores), 2);
    if (other !== null && other > 0.25 && count > 0) {
      log(
        `WARNING: other processes used ${fmt(other, 2)} cores during this run: its latencies are pessimistic`,
      );
    }
    return {
      ran,
      cpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
      cpu:
        quiet === null
          ? null
          : {
              server: use.server === null ? null : round(use.server, 2),
              postgres: use.postgres === null ? null : round(use.postgres, 2),
              client: round(ran.clientCpuCores, 2),
              machine: use.machine === null ? null : round(use.machine, 2),
              other,
              busyBefore: quiet.busy === null ? null : round(quiet.busy, 2),
              waitedForQuietSeconds: quiet.waitedSeconds,
            },
    };
  };
