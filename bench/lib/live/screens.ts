import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fdCount } from '../procfs.js';
import { round, summarize, type LatencySummary } from '../stats.js';
import { fmt } from '../table.js';
import { startScreensClient } from './client.js';
import { log, serverDir, type LiveContext, type Quiet } from './context.js';
import type { Ran, Target, Trigger } from './protocol.js';

/**
 * Phase "screens": 10,000 patients' ticket streams and 50 boards on one department, then
 * calls (call-next), one at a time. Every call moves every waiting patient up one place and
 * changes every board, so each call reaches every screen; latency = the call's response →
 * the last screen's new frame. The reference hub holds as many streams and writes one frame
 * to each per `/publish`. Target: p99 ≤ 1.5× the hub's; and Postgres statements per event
 * ≤ 5 whatever the number of screens, counted at the server's connections (the call's own
 * transaction apart, measured by the same calls with no screen open).
 */
export const SCREENS_TARGET = 1.5;
export const STATEMENTS_TARGET = 5;

/**
 * Statements that look up a credential (a board's, the caller's): the backstop recheck of
 * open streams' credentials and the call's own authentication, each once per credential
 * per few seconds — on a timer, not per event — so they are counted apart.
 */
const isCredentialLookup = (sql: string): boolean =>
  /\bfrom "?(users|devices|sessions|user_departments|device_departments)\b/i.test(sql);

/** What was sent between two `shapes()`: [per event, credential lookups]. */
const split = (before: Map<string, number>, after: Map<string, number>): [number, number] => {
  let events = 0;
  let credentials = 0;
  for (const [sql, n] of after) {
    const d = n - (before.get(sql) ?? 0);
    if (isCredentialLookup(sql)) credentials += d;
    else events += d;
  }
  return [events, credentials];
};

interface Run {
  readonly ran: Ran;
  readonly quiet: Quiet;
  /** Statements sent during the run, credential lookups apart. */
  readonly statements: number;
  readonly credentialLookups: number;
  readonly seconds: number;
  readonly serverCores: number | null;
  readonly other: number | null;
}

/** What a ticket frame carries, for the hub's payload (same size). */
const ticketLike = JSON.stringify({
  ticket: 'LA-1234',
  departmentName: 'Live LA',
  state: 'WAITING',
  position: 1234,
  estimatedWaitMinutes: 96,
  roomName: null,
});

export const screensPhase = async (ctx: LiveContext) => {
  const { cfg } = ctx;
  const auth = await ctx.login();
  const calls = (cfg.warmup + cfg.calls) * cfg.rounds;
  log(`checking in ${fmt(cfg.visits)} patients …`);
  const dep = await ctx.department(auth, cfg.visits);
  const boards = [];
  for (let i = 0; i < cfg.boards; i += 1) boards.push(await ctx.board(auth, [dep.id]));
  // The first patients are the ones called: their phones are not watched, so every watched
  // ticket is still waiting at every call (and gets a frame with its new position).
  const watched = dep.visits.slice(calls + 5);
  if (watched.length === 0) throw new Error('BENCH_LIVE_VISITS too small for the calls');
  const targets: Target[] = [
    ...Array.from({ length: cfg.tickets }, (_, i) => ({
      port: ctx.server.port,
      path: `/api/v1/tickets/${watched[i % watched.length]?.publicToken ?? ''}/events`,
      headers: {},
    })),
    ...boards.map((b) => ({
      port: ctx.server.port,
      path: `/api/v1/boards/${b.id}/events`,
      headers: { authorization: `Bearer ${b.token}` },
    })),
  ];
  const client = startScreensClient(serverDir, ctx.fdLimit);
  const run = async (trigger: Trigger, pid: number, what: string): Promise<Run> => {
    const quiet = await ctx.quiet(what, pid);
    const meter = ctx.meter(pid);
    const t0 = performance.now();
    const s0 = ctx.shapes();
    const ran = await client.ask(
      {
        type: 'run',
        trigger,
        warmup: cfg.warmup,
        count: cfg.calls,
        pauseMs: 100,
        timeoutMs: 60_000,
      },
      'ran',
    );
    const use = await meter.stop();
    const [statements, credentialLookups] = split(s0, ctx.shapes());
    const seconds = (performance.now() - t0) / 1000;
    const last = summarize(ran.samples.map((s) => s.lastMs));
    log(
      `${what}: last screen p50 ${fmt(last.p50Ms, 1)} ms, p99 ${fmt(last.p99Ms, 1)} ms${ran.incomplete > 0 ? `, ${ran.incomplete} incomplete` : ''}`,
    );
    return {
      ran,
      quiet,
      statements,
      credentialLookups,
      seconds,
      serverCores: use.server === null ? null : round(use.server, 2),
      other: use.other === null ? null : round(Math.max(0, use.other - ran.clientCpuCores), 2),
    };
  };
  const rounds: { reference: Run; mediqueue: Run }[] = [];
  let heapPerScreen: number | null = null;
  let openMs = 0;
  try {
    const serverFds = fdCount(ctx.server.pid) ?? 0;
    for (let i = 1; i <= cfg.rounds; i += 1) {
      const hub = await ctx.hub();
      await client.ask(
        {
          type: 'open',
          targets: targets.map(() => ({ port: hub.port, path: '/events', headers: {} })),
          localAddresses: ctx.localAddresses(),
          concurrency: cfg.concurrency,
          timeoutMs: 120_000,
        },
        'opened',
      );
      const reference = await run(
        { kind: 'publish', port: hub.port, body: ticketLike },
        hub.pid,
        `hub, ${fmt(targets.length)} streams, round ${i}`,
      );
      await client.ask({ type: 'close' }, 'closed');
      await hub.stop();
      const before = i === 1 ? await ctx.memory() : null;
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
      openMs = opened.elapsedMs;
      log(
        `MediQue: ${opened.ready}/${targets.length} screens open in ${fmt(opened.elapsedMs / 1000, 1)} s`,
      );
      if (opened.failed > 0)
        throw new Error(`screens failed to open: ${JSON.stringify(opened.failures)}`);
      if (before !== null) {
        const after = await ctx.memory();
        heapPerScreen = (after.heapUsed - before.heapUsed) / opened.ready;
      }
      const mediqueue = await run(
        {
          kind: 'call',
          port: ctx.server.port,
          authorization: auth,
          departmentId: dep.id,
          roomId: dep.roomId,
        },
        ctx.server.pid,
        `MediQue, ${fmt(targets.length)} screens, round ${i}`,
      );
      await client.ask({ type: 'close' }, 'closed');
      const deadline = performance.now() + 30_000;
      while ((fdCount(ctx.server.pid) ?? 0) > serverFds + 16 && performance.now() < deadline)
        await sleep(50);
      rounds.push({ reference, mediqueue });
    }
  } finally {
    await client.stop();
  }

  // The same calls with no screen open: the use case's own statements.
  const quietDep = await ctx.department(auth, calls + 5);
  const s0 = ctx.shapes();
  for (let i = 0; i < calls; i += 1) {
    await ctx.json('POST', `/api/v1/departments/${quietDep.id}/call-next`, 200, auth, {
      roomId: quietDep.roomId,
    });
  }
  const baselinePerCall = split(s0, ctx.shapes())[0] / calls;
  const perEvent = rounds.reduce((a, r) => a + r.mediqueue.statements, 0) / calls;
  const lookups = rounds.reduce((a, r) => a + r.mediqueue.credentialLookups, 0);
  const runSeconds = rounds.reduce((a, r) => a + r.mediqueue.seconds, 0);

  const pooled = (f: (r: (typeof rounds)[number]) => Run): LatencySummary =>
    summarize(rounds.flatMap((r) => f(r).ran.samples.map((s) => s.lastMs)));
  const reference = pooled((r) => r.reference);
  const mediqueue = pooled((r) => r.mediqueue);
  const incomplete = rounds.reduce(
    (a, r) => a + r.mediqueue.ran.incomplete + r.reference.ran.incomplete,
    0,
  );
  return {
    screens: targets.length,
    tickets: cfg.tickets,
    boards: cfg.boards,
    watchedVisits: Math.min(watched.length, cfg.tickets),
    reference,
    mediqueue,
    ratio: mediqueue.p99Ms / reference.p99Ms,
    pass: mediqueue.p99Ms / reference.p99Ms <= SCREENS_TARGET,
    statementsPerEvent: round(perEvent, 2),
    baselinePerCall: round(baselinePerCall, 2),
    liveStatementsPerEvent: round(perEvent - baselinePerCall, 2),
    credentialLookupsPerSecond: round(lookups / runSeconds, 2),
    statementsPass: perEvent - baselinePerCall <= STATEMENTS_TARGET,
    heapPerScreen,
    openMs,
    incomplete,
    rounds,
  };
};

export type ScreensResult = Awaited<ReturnType<typeof screensPhase>>;
