/**
 * Live fan-out of MediQue's department streams (SSE), against a bare `node:http` SSE hub on
 * the same machine, and the server's memory per idle stream. `npm run bench:fanout` from
 * the repository root; see docs/performance.md ("Live fan-out").
 *
 * Exit status: 1 on a crash, a stream that could not be opened, an event that did not
 * reach every stream, or a failed check-in; a missed performance target is reported (FAIL
 * in the table) but does not fail the run.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { assertBenchName, databaseUrl, dropDatabase, recreateDatabase } from './lib/db.js';
import {
  probeCommand,
  serverMemory,
  startClient,
  startHub,
  type ClientHandle,
  type HubHandle,
  type MemorySample,
} from './lib/fanout-procs.js';
import type {
  EventSample,
  OpenResult,
  RunResult,
  StreamTarget,
  Trigger,
} from './lib/fanout-protocol.js';
import { diffSnapshots, type HeapGroup } from './lib/heap-diff.js';
import { expectJson } from './lib/http.js';
import { cpuSeconds, fdCount, fdLimits, loopbackSocketStates } from './lib/procfs.js';
import { cpuMeter, transactionCounts } from './lib/sysmon.js';
import { createAdmin, freePort, startServer, type ServerHandle } from './lib/server.js';
import { round, summarize, type LatencySummary } from './lib/stats.js';
import { fmt, table } from './lib/table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');
/**
 * BENCH_FANOUT_SERVER_DIR: another copy of server/ (an experiment, e.g. a patched copy in
 * /tmp with node_modules linked); the figures then stay out of docs/performance.md.
 */
const serverDir = path.resolve(
  process.env.BENCH_FANOUT_SERVER_DIR ?? path.join(repoRoot, 'server'),
);
const isProjectServer = serverDir === path.join(repoRoot, 'server');
const resultsDir = path.join(here, 'results');
const docsFile = path.join(repoRoot, 'docs', 'performance.md');
const clientScript = path.join(here, 'lib', 'fanout-client.ts');
const hubScript = path.join(here, 'lib', 'sse-hub.ts');
const memProbe = pathToFileURL(path.join(here, 'lib', 'mem-probe.mjs')).href;

/** p99 of MediQue ≤ this × the reference's, per number of streams. */
const RATIO_TARGETS: Record<number, number> = { 1000: 1.25, 10000: 1.5 };
const HEAP_PER_STREAM_TARGET = 10 * 1024;
/** "No growth" over the connect/disconnect cycles: from the 2nd to the last, at most this. */
const CYCLE_RSS_GROWTH_LIMIT = 4 * 1024 * 1024;
const CYCLE_HEAP_GROWTH_LIMIT = 1024 * 1024;
/** The configuration refuses more (config.ts: perMinute max 1,000,000). */
const NO_RATE_LIMIT = '1000000';

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be an integer ≥ 0`);
  return v;
};

const cfg = {
  databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  database: 'mediqueue_bench_fanout',
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  sizes: (process.env.BENCH_FANOUT_SIZES ?? '1000,10000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0),
  events: int('BENCH_FANOUT_EVENTS', 200),
  warmup: int('BENCH_FANOUT_WARMUP', 20),
  pauseMs: int('BENCH_FANOUT_PAUSE_MS', 20),
  sources: Math.max(1, int('BENCH_FANOUT_SOURCES', 4)),
  concurrency: Math.max(1, int('BENCH_FANOUT_CONCURRENCY', 32)),
  idleStreams: int('BENCH_FANOUT_IDLE_STREAMS', 10000),
  idleSeconds: int('BENCH_FANOUT_IDLE_SECONDS', 35),
  cycles: int('BENCH_FANOUT_CYCLES', 10),
  cycleStreams: int('BENCH_FANOUT_CYCLE_STREAMS', 1000),
  /** Alternating (reference, MediQue) runs per number of streams; samples pooled per side. */
  rounds: Math.max(1, int('BENCH_FANOUT_ROUNDS', 2)),
  /** > 0: heap snapshots before/after opening this many streams, and their difference. */
  heapSnapshotStreams: int('BENCH_FANOUT_HEAP_SNAPSHOT_STREAMS', 0),
  poolSize: int('BENCH_POOL_SIZE', 8),
  cpuProfile: process.env.BENCH_CPU_PROF === '1',
  keepDatabase: process.env.BENCH_KEEP_DB === '1',
  /** Write the figures into docs/performance.md (not for another server copy). */
  writeDocs:
    process.env.BENCH_FANOUT_DOCS !== '0' && isProjectServer && process.env.BENCH_CPU_PROF !== '1',
  serverDir,
  /** Before each measured run, wait up to this long for the machine to be quiet … */
  quietWaitSeconds: int('BENCH_QUIET_WAIT_SECONDS', 60),
  /** … i.e. fewer than this many cores busy outside the benchmark over one second. */
  quietCores: Number(process.env.BENCH_QUIET_CORES ?? 0.3),
};

const log = (message: string): void => {
  process.stdout.write(`[fanout] ${message}\n`);
};

const kib = (bytes: number): number => round(bytes / 1024, 2);
const mib = (bytes: number): number => round(bytes / 1024 / 1024, 1);

/** Average cores busy during a run; other = the machine minus the benchmark's processes. */
interface RunCpu {
  readonly server: number | null;
  readonly postgres: number | null;
  readonly client: number;
  readonly machine: number | null;
  readonly other: number | null;
  readonly busyBefore: number | null;
  readonly waitedForQuietSeconds: number;
}

interface LatencyReport {
  readonly streams: number;
  readonly opened: OpenResult;
  /** The measured events (not the warm-up), kept for pooling rounds (the JSON keeps lastMs). */
  readonly samples: readonly EventSample[];
  /** Events triggered, warm-up included (the CPU per event divides by this). */
  readonly events: number;
  readonly serverCpuSeconds: number | null;
  /** Response → last stream. */
  readonly last: LatencySummary;
  /** Response → first stream. */
  readonly first: LatencySummary;
  /** First → last stream. */
  readonly spread: LatencySummary;
  /** The trigger's own latency (check-in or /publish). */
  readonly trigger: LatencySummary;
  readonly incomplete: number;
  readonly unverified: number;
  readonly outOfOrder: number;
  readonly dropped: number;
  readonly triggerErrors: Record<string, number>;
  readonly frameBytes: number | null;
  /** CPU milliseconds of the server (or hub) per event, and of the client (cores busy). */
  readonly serverCpuMsPerEvent: number | null;
  readonly clientCpuCores: number;
  readonly cpu: RunCpu | null;
  readonly memory?: {
    before: MemorySample;
    after: MemorySample;
    heapPerStream: number;
    rssPerStream: number;
  };
}

const latencyReport = (
  streams: number,
  side: { opened: OpenResult; ran: RunResult; cpuSeconds: number | null; cpu: RunCpu | null },
): LatencyReport => {
  const { opened, ran, cpuSeconds: serverCpuSeconds, cpu } = side;
  const s: readonly EventSample[] = ran.samples;
  const all = ran.warmup.length + ran.samples.length;
  return {
    streams,
    opened,
    samples: s,
    events: all,
    serverCpuSeconds,
    last: summarize(s.map((x) => x.lastMs)),
    first: summarize(s.map((x) => x.firstMs)),
    spread: summarize(s.map((x) => x.lastMs - x.firstMs)),
    trigger: summarize(s.map((x) => x.triggerMs)),
    incomplete: ran.incomplete,
    unverified: s.filter((x) => !x.verified).length,
    outOfOrder: ran.outOfOrder,
    dropped: ran.dropped,
    triggerErrors: ran.triggerErrors,
    frameBytes: ran.frameBytes,
    serverCpuMsPerEvent:
      serverCpuSeconds === null || all === 0 ? null : round((serverCpuSeconds * 1000) / all, 3),
    clientCpuCores: round(ran.clientCpuCores, 2),
    cpu,
  };
};

/** One side's rounds as one: samples pooled, counts summed, CPU averaged (other: the worst). */
const pooledReport = (streams: number, rounds: readonly LatencyReport[]): LatencyReport => {
  const first = rounds[0];
  if (first === undefined) throw new Error('no rounds');
  if (rounds.length === 1) return first;
  const s = rounds.flatMap((r) => r.samples);
  const sum = (f: (r: LatencyReport) => number): number => rounds.reduce((a, r) => a + f(r), 0);
  const mean = (f: (r: LatencyReport) => number | null | undefined): number | null => {
    const v = rounds.map(f).filter((x): x is number => x !== null && x !== undefined);
    return v.length === 0 ? null : round(v.reduce((a, b) => a + b, 0) / v.length, 2);
  };
  const max = (f: (r: LatencyReport) => number | null | undefined): number | null => {
    const v = rounds.map(f).filter((x): x is number => x !== null && x !== undefined);
    return v.length === 0 ? null : Math.max(...v);
  };
  const cpuSeconds = rounds.every((r) => r.serverCpuSeconds !== null)
    ? sum((r) => r.serverCpuSeconds ?? 0)
    : null;
  const events = sum((r) => r.events);
  const triggerErrors: Record<string, number> = {};
  for (const r of rounds) {
    for (const [k, n] of Object.entries(r.triggerErrors))
      triggerErrors[k] = (triggerErrors[k] ?? 0) + n;
  }
  return {
    streams,
    opened: {
      ...first.opened,
      requested: sum((r) => r.opened.requested),
      ready: sum((r) => r.opened.ready),
      failed: sum((r) => r.opened.failed),
      elapsedMs: sum((r) => r.opened.elapsedMs) / rounds.length,
    },
    samples: s,
    events,
    serverCpuSeconds: cpuSeconds,
    last: summarize(s.map((x) => x.lastMs)),
    first: summarize(s.map((x) => x.firstMs)),
    spread: summarize(s.map((x) => x.lastMs - x.firstMs)),
    trigger: summarize(s.map((x) => x.triggerMs)),
    incomplete: sum((r) => r.incomplete),
    unverified: sum((r) => r.unverified),
    outOfOrder: sum((r) => r.outOfOrder),
    dropped: sum((r) => r.dropped),
    triggerErrors,
    frameBytes: first.frameBytes,
    serverCpuMsPerEvent:
      cpuSeconds === null || events === 0 ? null : round((cpuSeconds * 1000) / events, 3),
    clientCpuCores: mean((r) => r.clientCpuCores) ?? 0,
    cpu: {
      server: mean((r) => r.cpu?.server),
      postgres: mean((r) => r.cpu?.postgres),
      client: mean((r) => r.cpu?.client) ?? 0,
      machine: mean((r) => r.cpu?.machine),
      other: max((r) => r.cpu?.other),
      busyBefore: max((r) => r.cpu?.busyBefore),
      waitedForQuietSeconds: sum((r) => r.cpu?.waitedForQuietSeconds ?? 0),
    },
    ...(first.memory !== undefined && { memory: first.memory }),
  };
};

/** Section of docs/performance.md written by this benchmark (between the markers). */
const BEGIN =
  '<!-- bench:fanout:begin (generated by `npm run bench:fanout`; edits here are overwritten) -->';
const END = '<!-- bench:fanout:end -->';

const writeDocs = (generated: string): void => {
  const block = `${BEGIN}\n\n${generated.trim()}\n\n${END}`;
  let doc = fs.existsSync(docsFile) ? fs.readFileSync(docsFile, 'utf8') : '';
  if (doc === '') {
    doc = [
      '# Performance',
      '',
      'Measured on the development machine; each section names the command that produced it.',
      '',
      '## Check-in throughput',
      '',
      'See `npm run bench:checkin` (bench/README.md).',
      '',
    ].join('\n');
  }
  const begin = doc.indexOf(BEGIN.slice(0, 30));
  const end = doc.indexOf(END);
  if (begin >= 0 && end > begin) {
    doc = doc.slice(0, begin) + block + doc.slice(end + END.length);
  } else if (/^## Live fan-out/m.test(doc)) {
    // The section exists without markers: put the figures right under its heading.
    doc = doc.replace(/^## Live fan-out.*$/m, (h) => `${h}\n\n${block}`);
  } else {
    doc = `${doc.trimEnd()}\n\n## Live fan-out\n\n${block}\n\n### Reading\n\n(to be written after a run)\n`;
  }
  fs.mkdirSync(path.dirname(docsFile), { recursive: true });
  fs.writeFileSync(docsFile, doc.endsWith('\n') ? doc : `${doc}\n`);
};

const main = async (): Promise<number> => {
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  fs.mkdirSync(resultsDir, { recursive: true });
  const adminUrl = cfg.databaseUrl;
  const appUrl = databaseUrl(adminUrl, assertBenchName(cfg.database));
  const limits = fdLimits();
  const maxStreams = Math.max(...cfg.sizes, cfg.idleStreams, cfg.cycleStreams);
  const wantFds = Math.min(limits.hard, 65536);
  const machine = {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? '?',
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
    node: process.version,
    fdLimitSoft: limits.soft,
    fdLimitHard: limits.hard,
    /** The code measured: HEAD and how many files differ from it (read-only git). */
    git: (() => {
      try {
        const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot })
          .toString()
          .trim();
        const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: repoRoot })
          .toString()
          .split('\n')
          .filter((l) => l.trim() !== '').length;
        return { head, changedFiles: dirty };
      } catch {
        return null;
      }
    })(),
    /** The server files on the measured path, by content hash (the tree changes often). */
    sources: Object.fromEntries(
      [
        'src/presentation/http/sse.ts',
        'src/presentation/http/routes/streams.routes.ts',
        'src/application/live/department-feeds.ts',
        'src/application/live/live-use-cases.ts',
        'src/infrastructure/redis/redis-bus.ts',
      ].map((f) => {
        try {
          const text = fs.readFileSync(path.join(serverDir, f));
          return [f, createHash('sha256').update(text).digest('hex').slice(0, 12)];
        } catch {
          return [f, null];
        }
      }),
    ),
    ephemeralPorts: (() => {
      try {
        return fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim();
      } catch {
        return '?';
      }
    })(),
  };
  log(
    `${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}; ulimit -n ${limits.soft} (hard ${limits.hard}); ephemeral ports ${machine.ephemeralPorts}`,
  );
  if (wantFds < maxStreams + 256) {
    log(
      `WARNING: the hard fd limit (${limits.hard}) is below ${maxStreams} streams + 256: the client cannot hold them all`,
    );
  }
  if (limits.soft < maxStreams + 256) {
    log(
      `WARNING: the server inherits ulimit -n ${limits.soft} (< ${maxStreams} + 256): it will refuse streams (EMFILE)`,
    );
  }
  // Connections are spread over 127.0.0.1…: each source address has its own ephemeral ports.
  const localAddresses = Array.from({ length: cfg.sources }, (_, i) => `127.0.0.${i + 1}`);

  const memFile = path.join(os.tmpdir(), `mediqueue-bench-fanout-${process.pid}.json`);
  const keyPrefix = `fanout-${randomBytes(4).toString('hex')}`;
  let server: ServerHandle | null = null;
  let client: ClientHandle | null = null;
  let hub: HubHandle | null = null;
  const cleanup = async (): Promise<void> => {
    await client?.stop().catch(() => undefined);
    client = null;
    await hub?.stop().catch(() => undefined);
    hub = null;
    await server?.stop().catch(() => undefined);
    server = null;
    fs.rmSync(memFile, { force: true });
    if (!cfg.keepDatabase) {
      await dropDatabase(adminUrl, cfg.database).catch((err: unknown) =>
        log(`could not drop ${cfg.database}: ${String(err)}`),
      );
    }
    // The check-ins' idempotency records (24 h TTL): ours only.
    const redis = new Redis(cfg.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      let deleted = 0;
      do {
        const [next, keys] = await redis.scan(
          cursor,
          'MATCH',
          `mq:idem:*:${keyPrefix}-*`,
          'COUNT',
          1000,
        );
        cursor = next;
        if (keys.length > 0) deleted += await redis.del(...keys);
      } while (cursor !== '0');
      if (deleted > 0) log(`deleted ${deleted} idempotency keys of this run from Redis`);
    } catch (err) {
      log(`could not clean Redis: ${String(err)}`);
    } finally {
      redis.disconnect();
    }
  };
  const onSignal = (): void => {
    log('interrupted: cleaning up');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let failures = 0;
  const problems: string[] = [];
  const problem = (text: string): void => {
    failures += 1;
    problems.push(text);
    log(`PROBLEM: ${text}`);
  };

  try {
    // 1. MediQue: database, admin (the CLI also migrates), server as a child process.
    await recreateDatabase(adminUrl, cfg.database);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: appUrl,
      REDIS_URL: cfg.redisUrl,
      JWT_SECRET: randomBytes(36).toString('base64url'), // 48 characters
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: String(cfg.poolSize),
      RATE_LIMIT_GLOBAL_PER_MINUTE: NO_RATE_LIMIT,
      RATE_LIMIT_CHECKIN_PER_MINUTE: NO_RATE_LIMIT,
      MEDIQUE_BENCH_MEMORY_FILE: memFile,
    };
    const username = 'bench';
    const password = `Mq-${randomBytes(12).toString('base64url')}-7a!`;
    log('creating the admin with src/cli/admin-create.ts (migrates the database) …');
    await createAdmin(serverDir, env, username, password);
    const profileDir = path.join(resultsDir, `fanout-cpu-profile-${stamp}`);
    server = await startServer({
      serverDir,
      env,
      port: await freePort(),
      nodeFlags: ['--expose-gc', '--import', memProbe],
    });
    const srv: ServerHandle = server;
    log(
      `server pid ${srv.pid} ready on port ${srv.port} (Redis ${cfg.redisUrl}, pool ${cfg.poolSize})`,
    );

    const setup = new http.Agent({ keepAlive: true, maxSockets: 2 });
    /** A fresh access token (they last 15 minutes; each phase logs in again). */
    const login = async (): Promise<string> => {
      const r = await expectJson<{ accessToken: string }>(
        setup,
        srv.port,
        'POST',
        '/api/v1/auth/login',
        200,
        {
          json: { username, password },
        },
      );
      return `Bearer ${r.accessToken}`;
    };
    let departments = 0;
    /** One department with one room; each phase gets its own, so every snapshot is small. */
    const department = async (authorization: string): Promise<string> => {
      const code = `F${String.fromCharCode(65 + Math.floor(departments / 26))}${String.fromCharCode(65 + (departments % 26))}`;
      departments += 1;
      const { department: d } = await expectJson<{ department: { id: string } }>(
        setup,
        srv.port,
        'POST',
        '/api/v1/admin/departments',
        201,
        { headers: { authorization }, json: { code, name: `Fan-out ${code}` } },
      );
      await expectJson(setup, srv.port, 'POST', `/api/v1/admin/departments/${d.id}/rooms`, 201, {
        headers: { authorization },
        json: { name: `Room ${code}1` },
      });
      return d.id;
    };
    const mediqueTarget = (departmentId: string, authorization: string): StreamTarget => ({
      port: srv.port,
      path: `/api/v1/departments/${departmentId}/events`,
      headers: { authorization },
    });

    // 2. The SSE client, in its own process.
    client = startClient({ cwd: serverDir, script: clientScript, fdLimit: wantFds });
    const cl: ClientHandle = client;
    log(
      `SSE client pid ${cl.pid} (ulimit -n ${wantFds}, source addresses ${localAddresses.join(', ')})`,
    );

    const openStreams = async (
      target: StreamTarget,
      count: number,
      what: string,
    ): Promise<OpenResult> => {
      const t0 = performance.now();
      const opened = await cl.send(
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
        problem(
          `${what}: ${opened.failed} of ${count} streams failed to open (${failures}); sockets: ${JSON.stringify(sockets)}`,
        );
      }
      return opened;
    };
    const closeStreams = async (): Promise<void> => {
      const closed = await cl.send({ type: 'close', timeoutMs: 30_000 }, 'closed');
      if (closed.stillOpen > 0)
        log(`WARNING: ${closed.stillOpen} streams did not close within 30 s`);
    };
    /** Waits until the server holds no more descriptors than `baseline` + slack. */
    const serverSettles = async (baseline: number, slack = 8): Promise<number> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const fds = fdCount(srv.pid) ?? 0;
        if (fds <= baseline + slack || Date.now() > deadline) return fds;
        await sleep(50);
      }
    };
    /** Waits (up to BENCH_QUIET_WAIT_SECONDS) until the rest of the machine is quiet. */
    /**
     * Waits (up to BENCH_QUIET_WAIT_SECONDS) until the rest of the machine is quiet: busy
     * cores outside the server (or hub) under test, its Postgres backends and this driver.
     * (The server's own background work, such as heartbeats, is its cost, not noise.)
     */
    const waitQuiet = async (
      what: string,
      pid: number,
    ): Promise<{ waitedSeconds: number; busy: number | null }> => {
      const t0 = performance.now();
      const otherBusy = async (): Promise<number | null> => {
        const meter = cpuMeter(pid, adminUrl, cfg.database);
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
          log(
            `${what}: waiting for the other processes to calm down (${fmt(busy, 2)} cores busy) …`,
          );
          told = true;
        }
        busy = await otherBusy();
      }
      return { waitedSeconds: round((performance.now() - t0) / 1000, 1), busy };
    };
    const runEvents = async (
      trigger: Trigger,
      pid: number,
      warmup = cfg.warmup,
      count = cfg.events,
      around?: { before(): Promise<void>; after(): Promise<void> },
    ): Promise<{ ran: RunResult; cpuSeconds: number | null; cpu: RunCpu | null }> => {
      const quiet = count > 0 ? await waitQuiet(`${trigger.kind} run`, pid) : null;
      await around?.before();
      const cpu0 = cpuSeconds(pid);
      const meter = cpuMeter(pid, adminUrl, cfg.database);
      const ran = await cl.send(
        {
          type: 'run',
          trigger,
          warmup,
          count,
          pauseMs: cfg.pauseMs,
          eventTimeoutMs: 30_000,
          keyPrefix: `${keyPrefix}-${randomBytes(3).toString('hex')}`,
        },
        'ran',
      );
      const use = await meter.stop();
      const cpu1 = cpuSeconds(pid);
      await around?.after();
      const other =
        use.other === null ? null : round(Math.max(0, use.other - ran.clientCpuCores), 2);
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
    const checkRun = (what: string, ran: RunResult): void => {
      const errs = Object.entries(ran.triggerErrors);
      if (errs.length > 0)
        problem(`${what}: trigger errors: ${errs.map(([k, n]) => `${n} × ${k}`).join('; ')}`);
      if (ran.incomplete > 0)
        problem(`${what}: ${ran.incomplete} events did not reach every stream within 30 s`);
      if (ran.outOfOrder > 0) problem(`${what}: ${ran.outOfOrder} frames repeated or out of order`);
      if (ran.dropped > 0) problem(`${what}: ${ran.dropped} streams ended during the run`);
      const unverified = [...ran.warmup, ...ran.samples].filter((s) => !s.verified).length;
      if (unverified > 0)
        problem(`${what}: ${unverified} events whose frame did not carry the triggering visit`);
    };

    // 3. Warm-up of the server's stream and check-in paths (not measured).
    {
      const auth = await login();
      const dept = await department(auth);
      await openStreams(mediqueTarget(dept, auth), 100, 'warm-up');
      const { ran } = await runEvents(
        { kind: 'checkin', port: srv.port, authorization: auth, departmentId: dept },
        srv.pid,
        50,
        0,
      );
      checkRun('warm-up', ran);
      await closeStreams();
    }
    await sleep(1000);
    const fdBaseline = fdCount(srv.pid) ?? 0;
    await serverSettles(fdBaseline);

    // 4. Memory: connect/disconnect cycles, then idle streams.
    const cycles: { cycle: number; rss: number; heapUsed: number; serverFds: number }[] = [];
    let memBaseline: MemorySample | null = null;
    if (cfg.cycles > 0 && cfg.cycleStreams > 0) {
      const auth = await login();
      const dept = await department(auth);
      memBaseline = await serverMemory(srv.pid, memFile);
      log(
        `memory before the cycles: RSS ${mib(memBaseline.rss)} MiB, heap ${mib(memBaseline.heapUsed)} MiB (after GC)`,
      );
      for (let c = 1; c <= cfg.cycles; c++) {
        await openStreams(mediqueTarget(dept, auth), cfg.cycleStreams, `cycle ${c}`);
        await closeStreams();
        const fds = await serverSettles(fdBaseline);
        const m = await serverMemory(srv.pid, memFile);
        cycles.push({ cycle: c, rss: m.rss, heapUsed: m.heapUsed, serverFds: fds });
        log(`cycle ${c}: RSS ${mib(m.rss)} MiB, heap ${mib(m.heapUsed)} MiB, server fds ${fds}`);
      }
    }
    const cycleFrom = cycles[1] ?? cycles[0];
    const cycleTo = cycles[cycles.length - 1];
    const cycleRssGrowth = cycleFrom && cycleTo ? cycleTo.rss - cycleFrom.rss : null;
    const cycleHeapGrowth = cycleFrom && cycleTo ? cycleTo.heapUsed - cycleFrom.heapUsed : null;

    let idle: {
      streams: number;
      opened: OpenResult;
      heldSeconds: number;
      stillOpen: number;
      before: MemorySample;
      after: MemorySample;
      heapPerStream: number;
      rssPerStream: number;
      externalPerStream: number;
      cost: {
        serverCores: number | null;
        postgresCores: number | null;
        otherCores: number | null;
        transactionsPerSecond: number;
      };
    } | null = null;
    if (cfg.idleStreams > 0) {
      const auth = await login();
      const dept = await department(auth);
      const before = await serverMemory(srv.pid, memFile);
      const opened = await openStreams(mediqueTarget(dept, auth), cfg.idleStreams, 'idle streams');
      log(
        `holding ${opened.ready} idle streams for ${cfg.idleSeconds} s (past the 15 s ping and the 30 s requestTimeout) …`,
      );
      // What idle streams cost while nothing happens: CPU (server, Postgres) and queries.
      const xact0 = await transactionCounts(adminUrl, cfg.database);
      const idleMeter = cpuMeter(srv.pid, adminUrl, cfg.database);
      const t0 = performance.now();
      await sleep(cfg.idleSeconds * 1000);
      const idleCpu = await idleMeter.stop();
      const heldMs = performance.now() - t0;
      const status = await cl.send({ type: 'status' }, 'status');
      const after = await serverMemory(srv.pid, memFile);
      await sleep(1100); // backends flush pg_stat_database about once a second
      const xact1 = await transactionCounts(adminUrl, cfg.database);
      const idleCost = {
        serverCores: idleCpu.server === null ? null : round(idleCpu.server, 3),
        postgresCores: idleCpu.postgres === null ? null : round(idleCpu.postgres, 3),
        otherCores: idleCpu.other === null ? null : round(idleCpu.other, 2),
        transactionsPerSecond: round((xact1.commits - xact0.commits) / ((heldMs + 1100) / 1000), 1),
      };
      const n = Math.max(1, opened.ready);
      idle = {
        streams: cfg.idleStreams,
        opened,
        heldSeconds: cfg.idleSeconds,
        stillOpen: status.open,
        before,
        after,
        heapPerStream: (after.heapUsed - before.heapUsed) / n,
        rssPerStream: (after.rss - before.rss) / n,
        externalPerStream: (after.external - before.external) / n,
        cost: idleCost,
      };
      log(
        `idle: ${status.open} still open after ${cfg.idleSeconds} s; heap ${fmt(kib(idle.heapPerStream), 2)} KiB/stream, RSS ${fmt(kib(idle.rssPerStream), 2)} KiB/stream; while idle: server ${fmt(idleCost.serverCores, 2)} cores, Postgres ${fmt(idleCost.postgresCores, 2)} cores, ${fmt(idleCost.transactionsPerSecond, 0)} transactions/s`,
      );
      if (status.open < opened.ready)
        problem(`idle: ${opened.ready - status.open} streams ended while idle`);
      await closeStreams();
      await serverSettles(fdBaseline);
    }

    let heapBreakdown: {
      streams: number;
      files: string[];
      top: HeapGroup[];
      totalPerStream: number;
    } | null = null;
    if (cfg.heapSnapshotStreams > 0) {
      const n = cfg.heapSnapshotStreams;
      const auth = await login();
      const dept = await department(auth);
      const dir = path.join(resultsDir, `fanout-heap-${stamp}`);
      fs.mkdirSync(dir, { recursive: true });
      const files = [
        path.join(dir, 'before.heapsnapshot'),
        path.join(dir, `after-${n}.heapsnapshot`),
      ];
      await serverMemory(srv.pid, memFile, files[0]);
      await openStreams(mediqueTarget(dept, auth), n, 'heap snapshot streams');
      await sleep(2000);
      await serverMemory(srv.pid, memFile, files[1]);
      await closeStreams();
      await serverSettles(fdBaseline);
      const diff = diffSnapshots(files[0] ?? '', files[1] ?? '');
      const total = diff.reduce((sum, g) => sum + g.selfSize, 0);
      heapBreakdown = { streams: n, files, top: diff.slice(0, 40), totalPerStream: total / n };
      log(
        `heap snapshots in ${path.relative(process.cwd(), dir)}/ — what ${n} streams added, per stream:`,
      );
      process.stdout.write(
        `${table([
          ['Heap node (type constructor)', 'count / stream', 'bytes / stream'],
          ...diff.slice(0, 30).map((g) => [g.key, fmt(g.count / n, 2), fmt(g.selfSize / n, 0)]),
          ['(all)', '', fmt(total / n, 0)],
        ])}\n`,
      );
    }

    // 5. Latency: for each number of streams, BENCH_FANOUT_ROUNDS rounds of (reference run,
    // MediQue run), alternating so that a noisy minute on the machine hits both sides; each
    // side's samples are pooled over its rounds.
    const latency: {
      streams: number;
      reference: LatencyReport;
      mediqueue: LatencyReport;
      rounds: { reference: LatencyReport; mediqueue: LatencyReport }[];
    }[] = [];
    type Side = {
      opened: OpenResult;
      ran: RunResult;
      cpuSeconds: number | null;
      cpu: RunCpu | null;
    };
    const referenceRun = async (n: number, round: number): Promise<LatencyReport> => {
      hub = await startHub({
        cwd: serverDir,
        script: hubScript,
        port: await freePort(),
        fdLimit: wantFds,
        nodeFlags: cfg.cpuProfile
          ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, `hub-${n}-${round}`)}`]
          : [],
      });
      const h: HubHandle = hub;
      const hubBefore = await h.memory();
      const opened = await openStreams(
        { port: h.port, path: '/events', headers: {} },
        n,
        `reference, ${n} streams (round ${round})`,
      );
      const hubAfter = await h.memory();
      log(`reference, ${n} streams: ${cfg.warmup} warm-up + ${cfg.events} events …`);
      const r = await runEvents({ kind: 'publish', port: h.port }, h.pid);
      checkRun(`reference ${n}`, r.ran);
      await closeStreams();
      await h.stop();
      hub = null;
      const report: LatencyReport = {
        ...latencyReport(n, { opened, ...r }),
        memory: {
          before: hubBefore,
          after: hubAfter,
          heapPerStream: (hubAfter.heapUsed - hubBefore.heapUsed) / Math.max(1, opened.ready),
          rssPerStream: (hubAfter.rss - hubBefore.rss) / Math.max(1, opened.ready),
        },
      };
      log(
        `reference, ${n} streams: p50 ${fmt(report.last.p50Ms, 2)} ms, p99 ${fmt(report.last.p99Ms, 2)} ms (response → last stream)`,
      );
      return report;
    };
    const mediqueRun = async (n: number, round: number): Promise<Side> => {
      const auth = await login();
      const dept = await department(auth);
      const opened = await openStreams(
        mediqueTarget(dept, auth),
        n,
        `MediQue, ${n} streams (round ${round})`,
      );
      log(`MediQue, ${n} streams: ${cfg.warmup} warm-up + ${cfg.events} check-ins …`);
      // BENCH_CPU_PROF=1: the server is profiled during this run only (through the probe).
      const profileFile = path.join(profileDir, `mediqueue-${n}-${round}.cpuprofile`);
      const r = await runEvents(
        { kind: 'checkin', port: srv.port, authorization: auth, departmentId: dept },
        srv.pid,
        cfg.warmup,
        cfg.events,
        cfg.cpuProfile
          ? {
              before: async () => {
                fs.mkdirSync(profileDir, { recursive: true });
                await probeCommand(srv.pid, memFile, 'profile-start');
              },
              after: async () => {
                await probeCommand(srv.pid, memFile, `profile-stop ${profileFile}`);
              },
            }
          : undefined,
      );
      checkRun(`MediQue ${n}`, r.ran);
      await closeStreams();
      await serverSettles(fdBaseline);
      const report = latencyReport(n, { opened, ...r });
      log(
        `MediQue, ${n} streams: p50 ${fmt(report.last.p50Ms, 2)} ms, p99 ${fmt(report.last.p99Ms, 2)} ms (check-in response → last stream)`,
      );
      return { opened, ...r };
    };
    for (const n of cfg.sizes) {
      const refRounds: LatencyReport[] = [];
      const mqSides: Side[] = [];
      for (let round = 1; round <= cfg.rounds; round++) {
        refRounds.push(await referenceRun(n, round));
        mqSides.push(await mediqueRun(n, round));
      }
      const mqRounds = mqSides.map((side) => latencyReport(n, side));
      latency.push({
        streams: n,
        reference: pooledReport(n, refRounds),
        mediqueue: pooledReport(n, mqRounds),
        rounds: refRounds.map((reference, i) => ({
          reference,
          mediqueue: mqRounds[i] ?? reference,
        })),
      });
    }

    const serverLog = srv.logTail();
    await cl.stop();
    client = null;
    await srv.stop();
    server = null;
    if (cfg.cpuProfile) {
      log(
        `CPU profiles (MediQue: measured runs only; hub: whole process) in ${path.relative(process.cwd(), profileDir)}/`,
      );
    }

    // 6. Report.
    const verdict = (ok: boolean | null): string => (ok === null ? '–' : ok ? 'PASS' : 'FAIL');
    const rows: string[][] = [['Metric', 'Measured', 'Target', 'Result']];
    let contendedRuns = 0;
    const targets: Record<
      string,
      { measured: number | null; target: number | string; pass: boolean | null }
    > = {};
    for (const l of latency) {
      const target = RATIO_TARGETS[l.streams];
      const r99 = l.mediqueue.last.p99Ms / l.reference.last.p99Ms;
      const r50 = l.mediqueue.last.p50Ms / l.reference.last.p50Ms;
      const pass = target === undefined ? null : r99 <= target;
      const contended = [l.reference.cpu?.other, l.mediqueue.cpu?.other].some(
        (o) => o !== null && o !== undefined && o > 0.25,
      );
      if (contended) contendedRuns += 1;
      rows.push([
        `${fmt(l.streams)} streams: reference (bare node:http) p50 / p99`,
        `${fmt(l.reference.last.p50Ms, 2)} / ${fmt(l.reference.last.p99Ms, 2)} ms`,
        'reference',
        '',
      ]);
      rows.push([
        `${fmt(l.streams)} streams: MediQue p50 / p99 (ratio)`,
        `${fmt(l.mediqueue.last.p50Ms, 2)} / ${fmt(l.mediqueue.last.p99Ms, 2)} ms (${fmt(r50, 2)}× / ${fmt(r99, 2)}×)`,
        target === undefined ? '–' : `p99 ≤ ${target}×`,
        `${verdict(pass)}${contended ? ' *' : ''}`,
      ]);
      targets[`p99Ratio${l.streams}`] = { measured: round(r99, 3), target: target ?? '–', pass };
    }
    if (idle !== null) {
      const pass = idle.heapPerStream <= HEAP_PER_STREAM_TARGET;
      rows.push([
        `Heap per idle stream (${fmt(idle.opened.ready)} streams, after GC)`,
        `${fmt(kib(idle.heapPerStream), 2)} KiB`,
        `≤ ${HEAP_PER_STREAM_TARGET / 1024} KiB`,
        verdict(pass),
      ]);
      rows.push([
        `RSS per idle stream (${fmt(idle.opened.ready)} streams)`,
        `${fmt(kib(idle.rssPerStream), 2)} KiB`,
        '(reported)',
        '',
      ]);
      rows.push([
        `${fmt(idle.opened.ready)} idle streams, ${idle.heldSeconds} s: server / Postgres CPU, DB transactions`,
        `${fmt(idle.cost.serverCores, 2)} / ${fmt(idle.cost.postgresCores, 2)} cores, ${fmt(idle.cost.transactionsPerSecond, 0)} /s`,
        '(reported)',
        '',
      ]);
      targets.heapPerIdleStream = {
        measured: round(idle.heapPerStream, 0),
        target: HEAP_PER_STREAM_TARGET,
        pass,
      };
    }
    if (cycleRssGrowth !== null && cycleHeapGrowth !== null) {
      const pass =
        cycleRssGrowth <= CYCLE_RSS_GROWTH_LIMIT && cycleHeapGrowth <= CYCLE_HEAP_GROWTH_LIMIT;
      rows.push([
        `${cycles.length} × connect ${fmt(cfg.cycleStreams)} / disconnect: growth cycle ${cycleFrom?.cycle}→${cycleTo?.cycle}`,
        `RSS ${cycleRssGrowth >= 0 ? '+' : ''}${fmt(mib(cycleRssGrowth), 1)} MiB, heap ${cycleHeapGrowth >= 0 ? '+' : ''}${fmt(kib(cycleHeapGrowth), 0)} KiB`,
        `no growth (RSS ≤ ${mib(CYCLE_RSS_GROWTH_LIMIT)} MiB, heap ≤ ${kib(CYCLE_HEAP_GROWTH_LIMIT)} KiB)`,
        verdict(pass),
      ]);
      targets.cycles = { measured: cycleRssGrowth, target: CYCLE_RSS_GROWTH_LIMIT, pass };
    }
    rows.push([
      'Errors (failed opens, lost/unverified events, drops)',
      fmt(failures),
      '0',
      verdict(failures === 0),
    ]);
    const summaryTable =
      table(rows) +
      (contendedRuns > 0
        ? '\n* other processes used > 0.25 cores during the reference or the MediQue run: the ratio is unreliable (see "other CPU")'
        : '');

    const detailRows: string[][] = [
      [
        'Streams',
        'Side',
        'last p50',
        'last p99',
        'last max',
        'first p50',
        'spread p50',
        'trigger p50',
        'server CPU ms/event',
        'client CPU',
        'other CPU',
        'frame B',
        'open s',
      ],
    ];
    for (const l of latency) {
      for (const [side, r] of [
        ['reference', l.reference],
        ['MediQue', l.mediqueue],
      ] as const) {
        detailRows.push([
          fmt(l.streams),
          side,
          fmt(r.last.p50Ms, 2),
          fmt(r.last.p99Ms, 2),
          fmt(r.last.maxMs, 2),
          fmt(r.first.p50Ms, 2),
          fmt(r.spread.p50Ms, 2),
          fmt(r.trigger.p50Ms, 2),
          fmt(r.serverCpuMsPerEvent, 2),
          fmt(r.clientCpuCores, 2),
          fmt(r.cpu?.other, 2),
          fmt(r.frameBytes),
          fmt(r.opened.elapsedMs / 1000, 1),
        ]);
      }
    }
    const detailTable = table(detailRows);
    // Per-stream CPU cost of one event (server side): slope between the two sizes.
    const slope = (pick: (l: (typeof latency)[number]) => LatencyReport): number | null => {
      const a = latency[0];
      const b = latency[latency.length - 1];
      if (a === undefined || b === undefined || a === b) return null;
      const ca = pick(a).serverCpuMsPerEvent;
      const cb = pick(b).serverCpuMsPerEvent;
      if (ca === null || cb === null) return null;
      return ((cb - ca) / (b.streams - a.streams)) * 1000;
    };
    const perStreamCpuUs = {
      reference: slope((l) => l.reference),
      mediqueue: slope((l) => l.mediqueue),
    };

    const lines = [
      '',
      `MediQue live fan-out benchmark — ${startedAt.toISOString()}`,
      `${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB; Node ${machine.node}; ulimit -n ${limits.soft}/${limits.hard}; client spread over ${localAddresses.length} source addresses`,
      `${cfg.warmup} warm-up + ${cfg.events} events per run, one at a time, ${cfg.pauseMs} ms apart; latency = trigger response → the LAST stream has the frame (one clock, in the client process)`,
      '',
      summaryTable,
      '',
      'Details (ms; first = response → first stream; spread = first → last stream; trigger = the check-in /',
      '/publish request itself; server CPU = the MediQue server or the hub, per event incl. the trigger;',
      'client CPU = cores busy in the client process; other CPU = cores busy outside the benchmark):',
      detailTable,
    ];
    if (perStreamCpuUs.reference !== null && perStreamCpuUs.mediqueue !== null) {
      lines.push(
        `Server CPU per stream per event (slope ${fmt(latency[0]?.streams)} → ${fmt(latency[latency.length - 1]?.streams)}): reference ${fmt(perStreamCpuUs.reference, 2)} µs, MediQue ${fmt(perStreamCpuUs.mediqueue, 2)} µs`,
      );
    }
    for (const l of latency) {
      const m = l.reference.memory;
      if (m !== undefined) {
        lines.push(
          `Reference hub, ${fmt(l.streams)} idle streams: heap ${fmt(kib(m.heapPerStream), 2)} KiB/stream, RSS ${fmt(kib(m.rssPerStream), 2)} KiB/stream`,
        );
      }
    }
    if (cycles.length > 0) {
      lines.push(
        `Cycles (RSS MiB / heap MiB after GC): ${cycles.map((c) => `${c.cycle}: ${fmt(mib(c.rss), 1)}/${fmt(mib(c.heapUsed), 1)}`).join(', ')}`,
      );
    }
    if (problems.length > 0) {
      lines.push(
        'Problems:',
        ...problems.map((p) => `   ${p}`),
        'Server log tail:',
        serverLog.split('\n').slice(-15).join('\n'),
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);

    const file = path.join(resultsDir, `fanout-${stamp}.json`);
    fs.writeFileSync(
      file,
      `${JSON.stringify(
        {
          startedAt: startedAt.toISOString(),
          machine,
          config: { ...cfg, databaseUrl: undefined, localAddresses },
          targets,
          latency,
          perStreamCpuUs,
          memory: {
            idle,
            baselineBeforeCycles: memBaseline,
            cycles,
            cycleRssGrowth,
            cycleHeapGrowth,
            heapBreakdown,
          },
          problems,
        },
        // Raw samples: only each event's latency to the last stream, in ms.
        (key, value: unknown) =>
          key === 'samples' && Array.isArray(value)
            ? (value as EventSample[]).map((x) => round(x.lastMs, 2))
            : value,
        2,
      )}\n`,
    );
    log(`results written to ${path.relative(process.cwd(), file)}`);

    // docs/performance.md: the figures of this run (the reading stays outside the markers).
    const docLines = [
      `Last run: ${startedAt.toISOString()}, \`npm run bench:fanout\` — ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, Postgres and Redis on the same machine. Results: \`bench/results/${path.basename(file)}\`.`,
      '',
      '```',
      summaryTable,
      '',
      detailTable,
      '```',
    ];
    if (perStreamCpuUs.reference !== null && perStreamCpuUs.mediqueue !== null) {
      docLines.push(
        '',
        `Server CPU per stream per event: reference ${fmt(perStreamCpuUs.reference, 2)} µs, MediQue ${fmt(perStreamCpuUs.mediqueue, 2)} µs.`,
      );
    }
    if (cycles.length > 0) {
      docLines.push(
        '',
        `RSS / heap after GC (MiB) after each connect–disconnect cycle: ${cycles.map((c) => `${fmt(mib(c.rss), 1)} / ${fmt(mib(c.heapUsed), 1)}`).join(' · ')}.`,
      );
    }
    if (cfg.writeDocs) {
      writeDocs(docLines.join('\n'));
      log(`figures written to ${path.relative(process.cwd(), docsFile)}`);
    } else {
      log(`docs/performance.md left alone (server: ${serverDir})`);
    }
    return failures === 0 ? 0 : 1;
  } catch (err) {
    const tail = (server as ServerHandle | null)?.logTail();
    if (tail !== undefined && tail !== '') {
      log(`server log tail:\n${tail.split('\n').slice(-20).join('\n')}`);
    }
    throw err;
  } finally {
    await cleanup();
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
