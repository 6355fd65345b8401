import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import { startServer, PROCESS_JWT_SECRET, type Spawned } from '../support/process.js';
import { shellQuote, startSession } from '../support/terminal.js';

/**
 * Issue 13: every password the policy accepts works with the command exactly as docs/api.md
 * writes it, `npm run admin:create -- --username <u> --password <p>`, typed into a shell
 * with the password in single quotes — including one that starts with `-` (node's
 * parseArgs called that "ambiguous"). Weak ones still fail with the policy's words.
 */
const strong = [
  '-8yNThf=k-kfVfRqk#YM', // the issue's own example
  '--Looks-Like-An-0ption',
  `It's "quoted" $HOME \`pwd\` 9`,
  'Ünïcødé Pässwört-7',
  'back\\slash;|&*?~<>(){}[]!# 1Aa',
];
const weak: [password: string, message: RegExp][] = [
  ['-Short1!', /Password rejected: it must be at least 12 characters/],
  [
    '--no-digits-in-here!',
    /Password rejected: it must contain an upper-case letter, must contain a digit/,
  ],
];

let db: TestDatabase;
let server: Spawned | undefined;

beforeAll(async () => {
  db = await freshPostgres();
});

afterAll(async () => {
  server?.child.kill('SIGKILL');
  await db.drop();
});

const adminCreate = async (username: string, password: string) => {
  const session = startSession(
    `npm run admin:create -- --username ${username} --password ${shellQuote(password)}`,
    { terminal: false, env: { DATABASE_URL: db.url, NODE_ENV: 'test' } },
  );
  return { code: await session.exited, output: session.output() };
};

describe('npm run admin:create -- --password … (issue 13)', () => {
  it('accepts every policy-compliant password, and each can log in', async () => {
    // Two at a time: each is an npm, a tsx and an argon2 hash on a two-core machine.
    const results: { code: number | null; output: string }[] = [];
    for (let i = 0; i < strong.length; i += 2) {
      const pair = strong.slice(i, i + 2);
      results.push(...(await Promise.all(pair.map((p, j) => adminCreate(`user${i + j}`, p)))));
    }
    for (const r of results) expect(r.code, r.output).toBe(0);

    let base: string;
    ({ server, base } = await startServer({
      DATABASE_URL: db.url,
      JWT_SECRET: PROCESS_JWT_SECRET,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
    }));
    for (const [i, password] of strong.entries()) {
      const res = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `user${i}`, password }),
      });
      expect(res.status, password).toBe(200);
    }
  }, 180_000);

  it.each(weak)(
    'refuses the weak %j with the policy message',
    async (password, message) => {
      const { code, output } = await adminCreate('weak.user', password);
      expect(code).not.toBe(0);
      expect(output).toMatch(message);
    },
    60_000,
  );
});
