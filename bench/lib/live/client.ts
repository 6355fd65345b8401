import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reply, Request } from './protocol.js';

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../screens-client.ts');

export interface ScreensClient {
  readonly pid: number;
  ask<T extends Reply['type']>(request: Request, expect: T): Promise<Extract<Reply, { type: T }>>;
  stop(): Promise<void>;
}

/**
 * The screens client (`screens-client.ts`) as a child process, under `ulimit -n <fdLimit>`
 * so it may hold more sockets than the driver, one request at a time over IPC.
 */
export const startScreensClient = (cwd: string, fdLimit: number): ScreensClient => {
  const child = spawn(
    'bash',
    [
      '-c',
      `ulimit -n ${fdLimit} && exec "$0" --max-old-space-size=4096 --import tsx "$1"`,
      process.execPath,
      script,
    ],
    { cwd, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  let pending: { expect: string; resolve: (r: Reply) => void; reject: (e: Error) => void } | null =
    null;
  child.on('message', (r: Reply) => {
    const p = pending;
    pending = null;
    if (p === null) return;
    if (r.type === 'error') p.reject(new Error(`screens client: ${r.message}`));
    else if (r.type !== p.expect)
      p.reject(new Error(`screens client answered ${r.type}, not ${p.expect}`));
    else p.resolve(r);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) =>
    pending?.reject(new Error(`screens client exited (${code ?? signal})`)),
  );
  return {
    pid: child.pid ?? -1,
    ask: (request, expect) =>
      new Promise((resolve, reject) => {
        if (pending !== null) return reject(new Error('one request at a time'));
        if (!child.connected) return reject(new Error('the screens client is not running'));
        pending = { expect, resolve: resolve as (r: Reply) => void, reject };
        child.send(request);
      }),
    stop: async () => {
      if (child.connected) child.send({ type: 'exit' } satisfies Request);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
};
