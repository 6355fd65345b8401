// `npm run test:moved-clock`: the server's test suites again, with this Node process's
// wall clock moved 400 days forward while Postgres and Redis keep the real one.
//
// Why: a fixed test clock that leaks into a comparison with the database's now() passes on
// the day it is written and fails some days later (issue 7). Under a moved clock the same
// leak fails today. Debian's libfaketime does the moving (LD_PRELOAD); the monotonic clock
// is left alone so timers, timeouts and performance.now() behave.
//
// The browser suites are left out: Chromium under LD_PRELOAD=libfaketime does not start
// reliably, and a browser's time is not the server's clock anyway.
import { spawnSync } from 'node:child_process';

const faketime = spawnSync('faketime', ['--version'], { stdio: 'ignore' });
if (faketime.error !== undefined) {
  console.error('test:moved-clock needs faketime (Debian: apt-get install faketime).');
  process.exit(1);
}

const offset = process.env.MOVED_CLOCK_OFFSET ?? '+400d';
const env = { ...process.env, FAKETIME_DONT_FAKE_MONOTONIC: '1' };

// A check that cannot silently stop checking: the clock under faketime must really move.
const probe = spawnSync('faketime', ['-f', offset, process.execPath, '-p', 'Date.now()'], { env });
const movedDays = (Number(String(probe.stdout).trim()) - Date.now()) / 86_400_000;
if (!(Math.abs(movedDays) > 365)) {
  console.error(
    `test:moved-clock: faketime ${offset} moved the clock ${movedDays} days, not ≥ a year.`,
  );
  process.exit(1);
}
console.log(
  `test:moved-clock: Node's clock moved ${Math.round(movedDays)} days; Postgres keeps the real one.`,
);
const result = spawnSync(
  'faketime',
  [
    '-f',
    offset,
    'npx',
    'vitest',
    'run',
    '--exclude',
    'test/e2e/**',
    // The image test runs everything in child processes started without LD_PRELOAD (real
    // clock): a moved clock could not change it, and it costs a production install.
    '--exclude',
    'test/ops/runtime-image.int.test.ts',
    // Caddy (Go, no libc clock) issues certificates valid from the real now; Node's TLS
    // would judge them by the moved clock and refuse them.
    '--exclude',
    'test/ops/tls-proxy.int.test.ts',
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
    env,
  },
);
process.exit(result.status ?? 1);
