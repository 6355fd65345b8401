// `npm run bench:web`: the web app in Chromium, through the DevTools protocol.
//
// 1. Board: event received → DOM updated, p95, with 200 waiting across 5 departments; the
//    reference is a bare page on the same stream, same events, same moment (ratio printed).
// 2. Board: JS heap after 1,000 events, after GC, against before.
// 3. Kiosk: JavaScript of the first load, gzip bytes.
// A quiet-machine check runs first; the figures go to docs/performance.md by hand.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseUrl, recreateDatabase, dropDatabase } from './lib/db.js';
import { createAdmin, freePort, startServer } from './lib/server.js';
import { round } from './lib/stats.js';
import { measureCalls, measureHeap, openBare, openBoard } from './lib/web/board-phases.js';
import { launch } from './lib/web/browser.js';
import { kioskFirstLoad } from './lib/web/kiosk-bytes.js';
import { coresBusy, QUIET_CORES } from './lib/web/quiet.js';
import { report } from './lib/web/report.js';
import { setUpClinic } from './lib/web/setup.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const serverDir = path.resolve(here, '../server');
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'mediqueue_bench_web';
const CALLS = Number(process.env.BENCH_WEB_CALLS ?? 100);
const EVENTS = Number(process.env.BENCH_WEB_EVENTS ?? 1000);

const main = async (): Promise<void> => {
  const busy = await coresBusy();
  console.log(
    `quiet-machine check: ${busy === null ? 'unknown' : `${round(busy, 2)} cores busy`}` +
      (busy !== null && busy > QUIET_CORES ? ' — NOT quiet: treat the timings as rough' : ''),
  );
  await recreateDatabase(adminUrl, DB);
  const password = `Bench-${randomBytes(6).toString('hex')}-Aa1!`;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl(adminUrl, DB),
    JWT_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000',
    RATE_LIMIT_CHECKIN_PER_MINUTE: '1000000',
  };
  await createAdmin(serverDir, env, 'bench-admin', password);
  const server = await startServer({ serverDir, env, port: await freePort() });
  const browser = await launch();
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const clinic = await setUpClinic(server.port, { username: 'bench-admin', password }, 5, 200);
    const app = await openBoard(browser, base, clinic);
    const bare = await openBare(browser, base, clinic);
    const calls = await measureCalls(server.port, clinic, { app, bare }, CALLS, 150);
    const heap = await measureHeap(server.port, clinic, app, EVENTS);
    const kiosk = await kioskFirstLoad(browser, base, clinic.kioskToken);
    await report({ coresBusy: busy, calls, heap, kiosk }, EVENTS, path.resolve(here, 'results'));
  } finally {
    await browser.close();
    await server.stop();
    await dropDatabase(adminUrl, DB);
  }
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
