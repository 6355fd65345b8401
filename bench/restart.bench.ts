/**
 * `npm run bench:restart`: how long the embedded mode takes to serve again after a
 * restart on an already built checkout (issue 13; target: ready ≤ 3 s after `npm start`).
 *
 * One data directory with an admin (PGlite initialised once, 10–20 s), then, round-robin
 * so that a burst of load from elsewhere hits every command alike, BENCH_RUNS starts of:
 * - `npm start`                  what a person types (the figure the target is about);
 * - `node scripts/start.mjs`     the same without npm's own start-up;
 * - `node server/dist/main.js`   the server alone (no staleness check).
 * "ready" is the first 200 from GET /health/ready, polled every 10 ms from the spawn.
 * Each server is stopped with SIGTERM (a clean PGlite close, as Ctrl+C does) before the
 * next start, so every run reopens a cleanly closed database.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { cpuSeconds } from './lib/procfs.js';
import { freePort } from './lib/server.js';
import { fmt, table } from './lib/table.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 7);
const commands: Record<string, string[]> = {
  'npm start': ['npm', 'start'],
  'node scripts/start.mjs': [process.execPath, 'scripts/start.mjs'],
  'node server/dist/main.js': [process.execPath, 'server/dist/main.js'],
};
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediqueue-bench-restart-'));
const lockfile = path.join(dataDir, 'mediqueue.lock');
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DATA_DIR: dataDir,
  NODE_ENV: 'development',
  JWT_SECRET: 'bench-restart-jwt-key-0123456789abcdefghijk',
  LOG_LEVEL: 'info',
  HOST: '127.0.0.1',
};

interface Run {
  readonly readyMs: number;
  readonly pgliteMs: number | null;
  readonly serverCpuS: number | null;
}

const waitFor = async (what: string, done: () => boolean | Promise<boolean>, ms: number) => {
  const deadline = performance.now() + ms;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
};

/** One start: spawn, poll until ready, SIGTERM the server, wait until the group is gone. */
const startOnce = async (argv: string[]): Promise<Run> => {
  const port = await freePort();
  const [file = '', ...args] = argv;
  const startedAt = performance.now();
  const child = spawn(file, args, {
    cwd: root,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: npm, sh and node are all waited for below
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const ready = async () => {
    if (child.exitCode !== null) throw new Error(`${argv.join(' ')} exited:\n${out}`);
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null);
    return res?.status === 200;
  };
  await waitFor('ready', ready, 180_000);
  const readyMs = performance.now() - startedAt;
  // The lockfile names the process that serves (npm and sh only wait for it).
  const serverPid = Number.parseInt(fs.readFileSync(lockfile, 'utf8'), 10);
  const serverCpuS = cpuSeconds(serverPid);
  const pglite = /"ms":(\d+),"msg":"pglite opened"/.exec(out);
  process.kill(serverPid, 'SIGTERM');
  await waitFor('the process group to end', () => !groupAlive(child.pid ?? 0), 30_000);
  return { readyMs, pgliteMs: pglite ? Number(pglite[1]) : null, serverCpuS };
};

const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

const main = async (): Promise<void> => {
  console.log(`bench:restart: ${runs} runs per command, data in ${dataDir}`);
  // Builds what is stale and initialises PGlite, outside the measured runs.
  console.log('warm-up: npm start (builds what is stale, creates the database)');
  await startOnce(commands['npm start'] ?? []);
  const admin = spawn(
    process.execPath,
    ['server/dist/cli/admin-create.js', '--username', 'bench', '--password', 'Restart-Timing-9!'],
    { cwd: root, env, stdio: 'inherit' },
  );
  const code = await new Promise((resolve) => admin.on('exit', resolve));
  if (code !== 0) throw new Error(`admin-create exited with ${String(code)}`);

  const results = new Map<string, Run[]>(Object.keys(commands).map((name) => [name, []]));
  const loadBefore = os.loadavg()[0] ?? 0;
  for (let i = 0; i < runs; i++) {
    for (const [name, argv] of Object.entries(commands)) {
      const run = await startOnce(argv);
      results.get(name)?.push(run);
      console.log(`  ${name}: ready in ${fmt(run.readyMs)} ms`);
    }
  }
  const loadAfter = os.loadavg()[0] ?? 0;

  const rows = [['command', 'ready: median', 'min – max', 'PGlite open', 'server CPU']];
  for (const [name, list] of results) {
    const ready = list.map((r) => r.readyMs);
    const pglite = list.flatMap((r) => (r.pgliteMs === null ? [] : [r.pgliteMs]));
    const cpu = list.flatMap((r) => (r.serverCpuS === null ? [] : [r.serverCpuS]));
    rows.push([
      name,
      `${fmt(median(ready))} ms`,
      `${fmt(Math.min(...ready))} – ${fmt(Math.max(...ready))} ms`,
      pglite.length > 0 ? `${fmt(median(pglite))} ms` : '–',
      cpu.length > 0 ? `${fmt(median(cpu), 2)} s` : '–',
    ]);
  }
  console.log(table(rows));
  console.log(
    `${os.cpus().length} CPUs; load average ${fmt(loadBefore, 1)} before, ${fmt(loadAfter, 1)} after ` +
      '(above the CPU count, other work shares the machine and every figure is pessimistic).',
  );
  console.log('Target: npm start ready ≤ 3,000 ms (median).');
};

try {
  await main();
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
