import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

/**
 * Where the CPU went during a phase, from /proc (Linux; elsewhere the numbers are null):
 * the server process, all `postgres` processes, this load generator, and the machine.
 */

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of one process, in seconds, or null if it is gone. */
const processCpu = (
  pid: number | string,
): { comm: string; seconds: number; systemSeconds: number } | null => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { comm, seconds: ticks / clockTicks, systemSeconds: Number(fields[12]) / clockTicks };
  } catch {
    return null;
  }
};

/** The process and its descendants (a clustered server's workers), from each /proc/<pid>/stat ppid. */
const processTree = (root: number): number[] => {
  let dirs: string[];
  try {
    dirs = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [root];
  }
  const children = new Map<number, number[]>();
  for (const pid of dirs) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(pid));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
};

/**
 * CPU of the server: its process and every descendant still alive. A worker that exited
 * during the phase would drop out of the sum; the benchmark's workers live for the run.
 */
const serverCpu = (root: number): { seconds: number; systemSeconds: number } | null => {
  const rootCpu = processCpu(root);
  if (rootCpu === null) return null;
  let seconds = 0;
  let systemSeconds = 0;
  for (const pid of processTree(root)) {
    const p = pid === root ? rootCpu : processCpu(pid);
    if (p === null) continue;
    seconds += p.seconds;
    systemSeconds += p.systemSeconds;
  }
  return { seconds, systemSeconds };
};

/** CPU seconds of every process whose name is `comm` (`postgres`, `redis-server`), by pid. */
const cpuByName = (comm: string): Map<number, number> | null => {
  const out = new Map<number, number>();
  let dirs: string[];
  try {
    dirs = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const pid of dirs) {
    const p = processCpu(pid);
    if (p !== null && p.comm === comm) out.set(Number(pid), p.seconds);
  }
  return out;
};
const postgresCpu = (): Map<number, number> | null => cpuByName('postgres');

/** All redis-server CPU (the benchmark's server uses it in cluster mode; other users too). */
const redisCpu = (): number | null => {
  const m = cpuByName('redis-server');
  return m === null ? null : [...m.values()].reduce((a, b) => a + b, 0);
};

/** Busy (non-idle, non-iowait) CPU seconds of the whole machine. */
const machineBusy = (): number | null => {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = v;
    return (user + nice + system + irq + softirq + steal) / clockTicks;
  } catch {
    return null;
  }
};

interface CpuSnapshot {
  at: number;
  server: number | null;
  serverSystem: number | null;
  postgres: Map<number, number> | null;
  redis: number | null;
  self: number;
  machine: number | null;
}

const snapshot = (serverPid: number): CpuSnapshot => {
  const self = process.cpuUsage();
  const server = serverCpu(serverPid);
  return {
    at: performance.now(),
    server: server?.seconds ?? null,
    serverSystem: server?.systemSeconds ?? null,
    postgres: postgresCpu(),
    redis: redisCpu(),
    self: (self.user + self.system) / 1e6,
    machine: machineBusy(),
  };
};

/** Average cores used by each party over the phase (1.0 = one core fully busy). */
export interface CpuUse {
  readonly cores: number;
  readonly server: number | null;
  /** The part of `server` spent in the kernel (socket reads and writes). */
  readonly serverSystem: number | null;
  /** Backends of the app database plus Postgres' background processes (WAL writer, …). */
  readonly postgres: number | null;
  /** redis-server, whoever used it (only the server uses it when REDIS_URL is set). */
  readonly redis: number | null;
  readonly loadGenerator: number;
  readonly machine: number | null;
  /** machine − the above: other work on the machine during the phase (skews the numbers). */
  readonly other: number | null;
}

/**
 * Postgres processes that count as ours: the app database's backends and the background
 * processes (no database). Other databases' backends (e.g. a test suite running at the
 * same time) are "other".
 */
const ourPostgresPids = (adminUrl: string, database: string): Promise<Set<number>> =>
  (async () => {
    const client = new pg.Client({
      connectionString: adminUrl,
      application_name: 'mediqueue-bench',
    });
    await client.connect();
    try {
      const { rows } = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
          WHERE (datname = $1 OR datname IS NULL) AND pid <> pg_backend_pid()`,
        [database],
      );
      return new Set(rows.map((r) => r.pid));
    } finally {
      await client.end();
    }
  })();

export const cpuMeter = (
  serverPid: number,
  adminUrl: string,
  database: string,
): { stop(): Promise<CpuUse> } => {
  const a = snapshot(serverPid);
  return {
    stop: async () => {
      const b = snapshot(serverPid);
      const ours = await ourPostgresPids(adminUrl, database).catch(() => null);
      const secs = (b.at - a.at) / 1000;
      const rate = (x: number | null, y: number | null): number | null =>
        x === null || y === null ? null : (y - x) / secs;
      let postgres: number | null = null;
      if (a.postgres !== null && b.postgres !== null && ours !== null) {
        let used = 0;
        for (const [pid, after] of b.postgres) {
          if (ours.has(pid)) used += after - (a.postgres.get(pid) ?? 0);
        }
        postgres = used / secs;
      }
      const server = rate(a.server, b.server);
      const loadGenerator = (b.self - a.self) / secs;
      const machine = rate(a.machine, b.machine);
      return {
        cores: os.availableParallelism(),
        server,
        serverSystem: rate(a.serverSystem, b.serverSystem),
        postgres,
        redis: rate(a.redis, b.redis),
        loadGenerator,
        machine,
        other:
          machine === null || server === null || postgres === null
            ? null
            : Math.max(
                0,
                machine - server - postgres - loadGenerator - (rate(a.redis, b.redis) ?? 0),
              ),
      };
    },
  };
};

/** Busy cores of the whole machine over `ms` (before a run: is the machine quiet?). */
export const machineLoad = async (ms: number): Promise<number | null> => {
  const a = machineBusy();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const b = machineBusy();
  return a === null || b === null ? null : (b - a) / ((performance.now() - t0) / 1000);
};

/**
 * Samples what the server's Postgres connections are doing (pg_stat_activity, every
 * 100 ms, from a connection to the maintenance database so the app database's counters
 * stay clean): `active` + wait event = in Postgres; `idle in transaction` = Postgres waits
 * for the server's next statement while the transaction (and any row lock) stays open.
 */
export const activitySampler = async (adminUrl: string, appDatabase: string) => {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'mediqueue-bench' });
  await client.connect();
  let samples = 0;
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  const counts = new Map<string, number>();

  const sample = async (): Promise<void> => {
    const { rows } = await client.query<{ s: string; w: string; n: number }>(
      `SELECT coalesce(state, '?') AS s,
              CASE WHEN state = 'active'
                THEN coalesce(wait_event_type || ':' || wait_event, 'on CPU') ELSE '' END AS w,
              count(*)::int AS n
         FROM pg_stat_activity
        WHERE datname = $1 AND application_name = 'mediqueue' AND pid <> pg_backend_pid()
        GROUP BY 1, 2`,
      [appDatabase],
    );
    samples += 1;
    for (const r of rows) {
      const key = r.w === '' ? r.s : `${r.s} (${r.w})`;
      counts.set(key, (counts.get(key) ?? 0) + r.n);
    }
  };

  return {
    start(): void {
      running = true;
      const loop = (): void => {
        if (!running) return;
        sample().then(
          () => {
            if (running) timer = setTimeout(loop, 100);
          },
          () => undefined,
        );
      };
      loop();
    },
    /** Average number of server connections in each state over the samples. */
    async stop(): Promise<Record<string, number>> {
      running = false;
      if (timer !== null) clearTimeout(timer);
      await client.end();
      const out: Record<string, number> = {};
      for (const [k, n] of [...counts].sort((x, y) => y[1] - x[1])) {
        out[k] = Math.round((n / Math.max(1, samples)) * 100) / 100;
      }
      return out;
    },
  };
};

/** Commits and rollbacks of one database (pg_stat_database; flushed about once a second). */
export const transactionCounts = async (
  adminUrl: string,
  database: string,
): Promise<{ commits: number; rollbacks: number }> => {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'mediqueue-bench' });
  await client.connect();
  try {
    // Reading the view in a fresh transaction sees the latest flushed counters.
    const { rows } = await client.query<{ c: string; r: string }>(
      'SELECT xact_commit AS c, xact_rollback AS r FROM pg_stat_database WHERE datname = $1',
      [database],
    );
    return { commits: Number(rows[0]?.c ?? 0), rollbacks: Number(rows[0]?.r ?? 0) };
  } finally {
    await client.end();
  }
};
