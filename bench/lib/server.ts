import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from './http.js';

/** A free TCP port on the loopback interface. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });

/** The last lines a child printed, for the error report when it fails. */
class Tail {
  private lines: string[] = [];
  constructor(private readonly max = 60) {}
  push(chunk: Buffer): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      this.lines.push(line);
      if (this.lines.length > this.max) this.lines.shift();
    }
  }
  toString(): string {
    return this.lines.join('\n');
  }
}

/**
 * `node --import tsx <script>` in server/, so the server runs the sources with no build; a
 * `.js` script (the production build, `dist/main.js`) runs as it is.
 */
const nodeTsx = (
  serverDir: string,
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  nodeFlags: readonly string[] = [],
): { child: ChildProcess; tail: Tail } => {
  const tail = new Tail();
  const loader = script.endsWith('.js') ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...nodeFlags, ...loader, script, ...args], {
    cwd: serverDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => tail.push(c));
  child.stderr?.on('data', (c: Buffer) => tail.push(c));
  return { child, tail };
};

const exitOf = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

/** `admin-create.ts --username … --password …` (what `npm run admin:create` runs). */
export const createAdmin = async (
  serverDir: string,
  env: NodeJS.ProcessEnv,
  username: string,
  password: string,
): Promise<void> => {
  const { child, tail } = nodeTsx(
    serverDir,
    'src/cli/admin-create.ts',
    ['--username', username, '--password', password],
    env,
  );
  const code = await exitOf(child);
  if (code !== 0) throw new Error(`admin-create exited with ${code}:\n${tail.toString()}`);
};

export interface ServerHandle {
  readonly pid: number;
  readonly port: number;
  logTail(): string;
  /** SIGTERM (graceful: a --cpu-prof profile is written on exit), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

export const startServer = async (options: {
  readonly serverDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly port: number;
  readonly nodeFlags?: readonly string[];
  readonly readyTimeoutMs?: number;
  /** `src/main.ts` (default, under tsx) or `dist/main.js` (the production build). */
  readonly entry?: string;
}): Promise<ServerHandle> => {
  const { child, tail } = nodeTsx(
    options.serverDir,
    options.entry ?? 'src/main.ts',
    [],
    { ...options.env, PORT: String(options.port), HOST: '127.0.0.1' },
    options.nodeFlags,
  );
  const exited = exitOf(child);
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const handle: ServerHandle = {
    pid: child.pid ?? -1,
    port: options.port,
    logTail: () => tail.toString(),
    stop: async () => {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };

  const agent = new http.Agent({ keepAlive: false });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  try {
    while (Date.now() < deadline) {
      if (gone) throw new Error(`the server exited during start-up:\n${tail.toString()}`);
      const res = await request(agent, options.port, 'GET', '/health/ready').catch(() => null);
      if (res?.status === 200) return handle;
      await sleep(200);
    }
    throw new Error(`the server was not ready within the time limit:\n${tail.toString()}`);
  } catch (err) {
    await handle.stop();
    throw err;
  } finally {
    agent.destroy();
  }
};
