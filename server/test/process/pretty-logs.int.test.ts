import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import { freePort, PROCESS_JWT_SECRET, serverDir, waitForReady } from '../support/process.js';
import { startSession, type Session } from '../support/terminal.js';

/**
 * Issue 13: pretty lines (time, level, request id, message) for a developer at a
 * terminal; one JSON object per line for production and for anything that is not a
 * terminal, where a collector reads them.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let db: TestDatabase;
const sessions: Session[] = [];

beforeAll(async () => {
  db = await freshPostgres();
});

afterAll(async () => {
  for (const session of sessions) session.kill();
  await db.drop();
});

/** The server from its sources, a request with a known id, then its output once `logged`. */
const serverOutput = async (
  env: Record<string, string>,
  terminal: boolean,
  logged: RegExp,
): Promise<string> => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const session = startSession('node --import tsx src/main.ts', {
    terminal,
    cwd: serverDir,
    env: {
      DATABASE_URL: db.url,
      JWT_SECRET: PROCESS_JWT_SECRET,
      LOG_LEVEL: 'info',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
  });
  sessions.push(session);
  await waitForReady(base, session, 60_000);
  await fetch(`${base}/health/live`, { headers: { 'x-request-id': 'pretty-logs-req-1' } });
  await session.waitFor(logged);
  session.kill();
  return session.output();
};

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

describe('log format (issue 13)', () => {
  it('development on a terminal: one readable line per entry, request id included', async () => {
    const out = plain(
      await serverOutput(
        { NODE_ENV: 'development' },
        true,
        /pretty-logs-req-1\S* request completed/,
      ),
    );
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Server listening at /m);
    expect(out).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[pretty-logs-req-1\] request completed/m,
    );
    expect(out).not.toMatch(/\{"level":/);
  }, 90_000);

  it.each([
    [
      'production on a terminal',
      {
        NODE_ENV: 'production',
        REDIS_URL: redisUrl,
        METRICS_TOKEN: 'pretty-logs-metrics-token-0123',
      },
      true,
    ],
    ['development without a terminal', { NODE_ENV: 'development' }, false],
  ])(
    '%s: JSON lines',
    async (_name, env, terminal) => {
      const out = await serverOutput(env, terminal, /"reqId":"pretty-logs-req-1","res"/);
      const lines = out.split(/\r?\n/).filter((l) => l.trim() !== '');
      expect(lines.length).toBeGreaterThan(2);
      for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
      expect(out).toMatch(/"reqId":"pretty-logs-req-1","res":\{"statusCode":200\}/);
    },
    90_000,
  );
});
