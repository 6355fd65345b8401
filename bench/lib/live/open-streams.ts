import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds, fdCount } from '../procfs.js';
import { round } from '../stats.js';
import { fmt } from '../table.js';
import type { Opened, Target } from './protocol.js';
import { startScreensClient } from './client.js';
import { log, serverDir, type LiveContext, type Quiet } from './context.js';

/**
 * Phase "open": 10,000 department streams opened (32 at a time, each waiting for its
 * snapshot) on MediQue and on the bare hub, alternating rounds — a reconnect storm after a
 * deploy. Target: MediQue's time ≤ 2× the hub's. The first MediQue round's streams are then
 * held idle (past the 15 s ping and the 30 s request timeout) for the heap per idle stream
 * of the production build: target ≤ 10 KiB.
 */
export const OPEN_TARGET = 2;
export const HEAP_TARGET = 10 * 1024;

interface Side {
  readonly opened: Opened;
  readonly quiet: Quiet;
  readonly statements: number;
  /** Cores other processes (not the server/hub, Postgres, Redis, the client) used meanwhile. */
  readonly other: number | null;
}

export const openStreamsPhase = async (ctx: LiveContext) => {
  const { cfg } = ctx;
  const n = cfg.openStreams;
  const auth = await ctx.login();
  const dep = await ctx.department(auth, 5);
  const client = startScreensClient(serverDir, ctx.fdLimit);
  const open = async (targets: Target[], pid: number, what: string): Promise<Side> => {
    const quiet = await ctx.quiet(what, pid);
    const s0 = ctx.statements();
    const meter = ctx.meter(pid);
    const client0 = cpuSeconds(client.pid) ?? 0;
    const t0 = performance.now();
    const opened = await client.ask(
      {
        type: 'open',
        targets,
        localAddresses: ctx.localAddresses(),
        concurrency: cfg.concurrency,
        timeoutMs: 120_000,
      },
      'opened',
    );
    log(
      `${what}: ${opened.ready}/${targets.length} open in ${fmt(opened.elapsedMs / 1000, 2)} s${opened.failed > 0 ? ` — failed: ${JSON.stringify(opened.failures)}` : ''}`,
    );
    const use = await meter.stop();
    const clientCores =
      ((cpuSeconds(client.pid) ?? 0) - client0) / ((performance.now() - t0) / 1000);
    const other = use.other === null ? null : round(Math.max(0, use.other - clientCores), 2);
    return { opened, quiet, statements: ctx.statements() - s0, other };
  };
  const close = async (pid: number, baseline: number) => {
    await client.ask({ type: 'close' }, 'closed');
    const deadline = performance.now() + 30_000;
    while ((fdCount(pid) ?? 0) > baseline + 16 && performance.now() < deadline) await sleep(50);
  };
  const mqTargets: Target[] = Array.from({ length: n }, () => ({
    port: ctx.server.port,
    path: `/api/v1/departments/${dep.id}/events`,
    headers: { authorization: auth },
  }));
  const rounds: { reference: Side; mediqueue: Side }[] = [];
  let idle: {
    before: number;
    after: number;
    heapPerStream: number;
    rssPerStream: number;
    heldSeconds: number;
    serverCores: number | null;
    statementsPerSecond: number;
  } | null = null;
  try {
    const serverFds = fdCount(ctx.server.pid) ?? 0;
    for (let i = 1; i <= cfg.rounds; i += 1) {
      const hub = await ctx.hub();
      const hubFds = fdCount(hub.pid) ?? 0;
      const reference = await open(
        Array.from({ length: n }, () => ({ port: hub.port, path: '/events', headers: {} })),
        hub.pid,
        `hub, ${fmt(n)} streams, round ${i}`,
      );
      await close(hub.pid, hubFds);
      await hub.stop();
      const before = i === 1 ? await ctx.memory() : null;
      const mediqueue = await open(
        mqTargets,
        ctx.server.pid,
        `MediQue, ${fmt(n)} department streams, round ${i}`,
      );
      if (before !== null) {
        log(`holding them idle for ${cfg.idleSeconds} s …`);
        const meter = ctx.meter(ctx.server.pid);
        const s0 = ctx.statements();
        await sleep(cfg.idleSeconds * 1000);
        const use = await meter.stop();
        const statements = ctx.statements() - s0;
        const after = await ctx.memory();
        const ready = Math.max(1, mediqueue.opened.ready);
        idle = {
          before: before.heapUsed,
          after: after.heapUsed,
          heapPerStream: (after.heapUsed - before.heapUsed) / ready,
          rssPerStream: (after.rss - before.rss) / ready,
          heldSeconds: cfg.idleSeconds,
          serverCores: use.server === null ? null : round(use.server, 3),
          statementsPerSecond: round(statements / cfg.idleSeconds, 2),
        };
        log(
          `idle: heap ${fmt(idle.heapPerStream / 1024, 2)} KiB/stream, RSS ${fmt(idle.rssPerStream / 1024, 2)} KiB/stream, server ${fmt(idle.serverCores, 3)} cores, ${fmt(idle.statementsPerSecond, 2)} statements/s`,
        );
      }
      await close(ctx.server.pid, serverFds);
      rounds.push({ reference, mediqueue });
    }
  } finally {
    await client.stop();
  }
  const mean = (f: (r: (typeof rounds)[number]) => number) =>
    rounds.reduce((a, r) => a + f(r), 0) / rounds.length;
  const reference = mean((r) => r.reference.opened.elapsedMs);
  const mediqueue = mean((r) => r.mediqueue.opened.elapsedMs);
  const failed = rounds.reduce(
    (a, r) => a + r.reference.opened.failed + r.mediqueue.opened.failed,
    0,
  );
  return {
    streams: n,
    referenceMs: reference,
    mediqueueMs: mediqueue,
    ratio: mediqueue / reference,
    pass: mediqueue / reference <= OPEN_TARGET,
    statementsWhileOpening: rounds.map((r) => r.mediqueue.statements),
    failed,
    idle,
    heapPass: idle === null ? null : idle.heapPerStream <= HEAP_TARGET,
    rounds,
  };
};

export type OpenStreamsResult = Awaited<ReturnType<typeof openStreamsPhase>>;
