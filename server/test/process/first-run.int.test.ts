import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/infrastructure/embedded/pglite-database.js';
import { pgliteTemplate } from '../support/pglite.js';
import { freePort, PROCESS_JWT_SECRET, waitForReady } from '../support/process.js';
import { shellQuote, startSession, type Session } from '../support/terminal.js';

/**
 * Issue 13: `npm start` on a database with no admin. In a terminal it asks for the first
 * admin (password not echoed, the policy enforced) and then serves; without one it says
 * how to make one and serves. `admin:create` beside the running server explains why it
 * cannot run rather than reporting a lock.
 *
 * The first `npm start` of a fresh checkout builds the server, hence the long timeouts.
 * Data directories are copies of one migrated template (a fresh PGlite takes 10–16 s).
 */
const templateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediqueue-first-run-'));
const sessions: Session[] = [];
const PASSWORD = `-Ünïcødé 'pa$$' "wörd" 9`;

beforeAll(async () => {
  const handle = await openPglite({
    dataDir: path.join(templateDir, 'template'),
    loadDataDir: await pgliteTemplate(),
  });
  await handle.close();
}, 120_000);

afterAll(() => {
  for (const session of sessions) session.kill();
  fs.rmSync(templateDir, { recursive: true, force: true });
});

/** A data directory with a migrated database and no admin. */
const emptyDataDir = (name: string): string => {
  const dir = path.join(templateDir, name);
  fs.cpSync(path.join(templateDir, 'template'), dir, { recursive: true });
  return dir;
};

const npmStart = async (dataDir: string, terminal: boolean) => {
  const port = await freePort();
  const env = {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'development',
    JWT_SECRET: PROCESS_JWT_SECRET,
    LOG_LEVEL: 'info',
  };
  const session = startSession('npm start', { terminal, env });
  sessions.push(session);
  return { session, base: `http://127.0.0.1:${port}` };
};

const loginStatus = async (base: string, username: string, password: string) =>
  (
    await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
  ).status;

describe('first run of npm start (issue 13)', () => {
  it('in a terminal: asks for the first admin, refuses a weak password, then serves', async () => {
    const dataDir = emptyDataDir('terminal');
    const { session, base } = await npmStart(dataDir, true);

    await session.waitFor(/Admin username: /, 240_000);
    session.type('first.admin\r');
    await session.waitFor(/not shown\): /);
    session.type('Too-weak-1\r');
    await session.waitFor(
      /must be at least 12 characters\. Try again\.\s+Password .*not shown\): /,
    );
    session.type(`${PASSWORD}\r`);
    await session.waitFor(/Same password again: /);
    session.type(`${PASSWORD}\r`);
    await session.waitFor(/Created admin "first\.admin"/);
    await waitForReady(base, session, 60_000);

    expect(await loginStatus(base, 'first.admin', PASSWORD)).toBe(200);
    expect(session.output()).not.toContain('Ünïcødé'); // typed, never echoed

    // The server holds the data directory: admin:create says so and what to do.
    const beside = startSession(
      `npm run admin:create -- --username x.admin --password ${shellQuote(PASSWORD)}`,
      { terminal: false, env: { DATA_DIR: dataDir, NODE_ENV: 'development' } },
    );
    sessions.push(beside);
    expect(await beside.exited).not.toBe(0);
    expect(beside.output()).toMatch(
      /admin:create: the running MediQue server \(pid \d+\) holds the data directory[\s\S]*Stop the server/,
    );

    // Ctrl+C at the terminal: a clean stop that releases the data directory (npm then
    // exits as interrupted, 130, as it does for any script stopped by Ctrl+C).
    session.type('\x03');
    expect([0, 130]).toContain(await session.exited);
    expect(session.output()).toMatch(/shutting down/);
    expect(fs.existsSync(path.join(dataDir, 'mediqueue.lock'))).toBe(false);
  }, 360_000);

  it('Ctrl+C at the question stops at once and releases the data directory', async () => {
    const dataDir = emptyDataDir('interrupted');
    const { session } = await npmStart(dataDir, true);
    await session.waitFor(/Admin username: /, 240_000);
    session.type('adm\x03');
    expect(await session.exited).toBe(130);
    expect(session.output()).not.toMatch(/Server listening/);
    expect(fs.existsSync(path.join(dataDir, 'mediqueue.lock'))).toBe(false);
  }, 300_000);

  it('without a terminal: says how to make the first admin, and serves', async () => {
    const { session, base } = await npmStart(emptyDataDir('pipe'), false);
    await waitForReady(base, session, 240_000);
    expect(session.output()).toMatch(/No admin yet\. Embedded mode: .*npm run admin:create/);
    expect(session.output()).not.toContain('Admin username');
    expect(await loginStatus(base, 'admin', PASSWORD)).toBe(401);
    session.kill();
  }, 300_000);
});
