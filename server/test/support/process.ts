import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Real server processes for tests that need them (durability, embedded mode, config refusal). */
export const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });

export interface Spawned {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/**
 * Load tests send far more than the default rate limits allow from one IP or kiosk
 * (durability: hundreds of check-ins a minute); security.int.test.ts tests the limits.
 */
const unreachableRateLimits = {
  RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000',
  RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
  RATE_LIMIT_CHECKIN_PER_MINUTE: '1000000',
};

/** Runs `node --import tsx <script>` from server/, collecting stdout+stderr. */
export const runTs = (script: string, args: string[], env: NodeJS.ProcessEnv): Spawned => {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: serverDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...unreachableRateLimits, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
};

export const waitForReady = async (
  base: string,
  spawned: Spawned,
  timeoutMs = 40_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawned.child.exitCode !== null)
      throw new Error(`server exited early:\n${spawned.output()}`);
    try {
      const res = await fetch(`${base}/health/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`server not ready after ${timeoutMs} ms:\n${spawned.output()}`);
};

/**
 * `src/main.ts` as its own process on a free port of 127.0.0.1, ready (`/health/ready` 200)
 * when this resolves. The caller stops it (`child.kill`) — keep `server` for that.
 */
export const startServer = async (
  env: NodeJS.ProcessEnv,
  readyTimeoutMs?: number,
): Promise<{ server: Spawned; base: string }> => {
  const port = await freePort();
  const server = runTs('src/main.ts', [], { ...env, PORT: String(port), HOST: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForReady(base, server, readyTimeoutMs);
  } catch (err) {
    server.child.kill('SIGKILL');
    throw err;
  }
  return { server, base };
};

export const STRONG_PASSWORD = 'Process-Test-Pa55!';
export const PROCESS_JWT_SECRET = 'process-test-jwt-key-0123456789abcdefghijk';

export const login = async (base: string, username: string): Promise<string> => {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: STRONG_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
};

export const postJson = async (
  base: string,
  url: string,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  const res = await fetch(`${base}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
