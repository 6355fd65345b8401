import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { round, summarize, type LatencySummary } from '../stats.js';
import { fmt } from '../table.js';
import { log, type LiveContext, type Quiet } from './context.js';

/**
 * Phase "get": `GET /api/v1/departments/:id/queue` (a department with 50 waiting) at 100
 * keep-alive connections, closed loop, against a bare `node:http` hello on the same
 * machine, alternating rounds. Target: ≥ 0.25× the hello's requests per second.
 */
export const GET_TARGET = 0.25;

interface Load {
  readonly perSecond: number;
  readonly latency: LatencySummary;
  readonly errors: number;
  readonly bytes: number;
  readonly cpu: {
    server: number | null;
    postgres: number | null;
    driver: number;
    other: number | null;
  };
  readonly quiet: Quiet;
  readonly statements: number;
}

/** N connections, each sending its next GET when the previous one is answered. */
const closedLoop = async (
  port: number,
  path: string,
  headers: Record<string, string>,
  connections: number,
  seconds: number,
) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const warmupEnd = performance.now() + 2000;
  const end = warmupEnd + seconds * 1000;
  let ok = 0;
  let errors = 0;
  let bytes = 0;
  const latencies: number[] = [];
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.request({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => {
          const t1 = performance.now();
          if (t1 >= warmupEnd && t1 < end) {
            if (res.statusCode === 200) ok += 1;
            else errors += 1;
            latencies.push(t1 - t0);
            bytes = n;
          }
          resolve();
        });
      });
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end();
    });
  const worker = async () => {
    while (performance.now() < end) await one();
  };
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
  return { perSecond: ok / seconds, latency: summarize(latencies), errors, bytes };
};

export const queueGetPhase = async (ctx: LiveContext) => {
  const { cfg } = ctx;
  const auth = await ctx.login();
  const dep = await ctx.department(auth, cfg.getWaiting);
  const path = `/api/v1/departments/${dep.id}/queue`;
  const check = await ctx.json<{ waiting: unknown[] }>('GET', path, 200, auth);
  if (check.waiting.length !== cfg.getWaiting)
    throw new Error(`the queue has ${check.waiting.length} waiting`);
  const hub = await ctx.hub();
  const measure = async (
    pid: number,
    port: number,
    url: string,
    headers: Record<string, string>,
    what: string,
  ): Promise<Load> => {
    const quiet = await ctx.quiet(what, pid);
    const meter = ctx.meter(pid);
    const s0 = ctx.statements();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await closedLoop(port, url, headers, cfg.getConnections, cfg.getSeconds);
    const driverCpu = process.cpuUsage(cpu0);
    const use = await meter.stop();
    const driver = (driverCpu.user + driverCpu.system) / 1000 / (performance.now() - t0);
    log(
      `${what}: ${fmt(r.perSecond)} /s, p50 ${fmt(r.latency.p50Ms, 1)} ms, p99 ${fmt(r.latency.p99Ms, 1)} ms, ${r.errors} errors`,
    );
    return {
      ...r,
      quiet,
      statements: ctx.statements() - s0,
      cpu: {
        server: use.server === null ? null : round(use.server, 2),
        postgres: use.postgres === null ? null : round(use.postgres, 2),
        driver: round(driver, 2),
        other: use.other === null ? null : round(use.other, 2),
      },
    };
  };
  const rounds: { reference: Load; mediqueue: Load }[] = [];
  try {
    for (let i = 1; i <= cfg.rounds; i += 1) {
      const reference = await measure(hub.pid, hub.port, '/hello', {}, `hello, round ${i}`);
      const mediqueue = await measure(
        ctx.server.pid,
        ctx.server.port,
        path,
        { authorization: auth },
        `queue GET, round ${i}`,
      );
      rounds.push({ reference, mediqueue });
    }
  } finally {
    await hub.stop();
  }
  const mean = (f: (r: (typeof rounds)[number]) => number) =>
    rounds.reduce((a, r) => a + f(r), 0) / rounds.length;
  const reference = mean((r) => r.reference.perSecond);
  const mediqueue = mean((r) => r.mediqueue.perSecond);
  return {
    reference,
    mediqueue,
    ratio: mediqueue / reference,
    pass: mediqueue / reference >= GET_TARGET,
    rounds,
  };
};

export type QueueGetResult = Awaited<ReturnType<typeof queueGetPhase>>;
