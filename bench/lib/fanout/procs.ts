import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientMessage, DriverMessage } from './protocol.js';
import { request } from '../http.js';
import { rssBytes } from '../procfs.js';

/**
 * Child processes of `fanout.bench.ts`: the SSE client, the reference hub, memory samples
 * (the hub and the memory samples also serve `live.bench.ts`).
 */

const exitOf = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

const stopChild = async (child: ChildProcess, graceMs = 10_000): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exitOf(child);
  clearTimeout(timer);
};

export interface ClientHandle {
  readonly pid: number;
  send<T extends ClientMessage['type']>(
    message: DriverMessage,
    expect: T,
  ): Promise<Extract<ClientMessage, { type: T }>>;
  stop(): Promise<void>;
}

/**
 * The SSE client (`client.ts`) as a child process with an IPC channel, under
 * `bash -c 'ulimit -n <fdLimit>; exec node …'` so it may hold more sockets than our limit.
 */
export const startClient = (options: {
  readonly cwd: string;
  readonly script: string;
  readonly fdLimit: number;
}): ClientHandle => {
  const child = spawn(
    'bash',
    [
      '-c',
      `ulimit -n ${options.fdLimit} && exec "$0" --max-old-space-size=4096 --import tsx "$1"`,
      process.execPath,
      options.script,
    ],
    { cwd: options.cwd, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  let pending: {
    expect: string;
    resolve: (m: ClientMessage) => void;
    reject: (e: Error) => void;
  } | null = null;
  child.on('message', (m: ClientMessage) => {
    const p = pending;
    pending = null;
    if (p === null) return;
    if (m.type === 'error') p.reject(new Error(`SSE client: ${m.message}`));
    else if (m.type !== p.expect)
      p.reject(new Error(`SSE client answered ${m.type}, not ${p.expect}`));
    else p.resolve(m);
  });
  child.on('exit', (code, signal) => {
    const p = pending;
    pending = null;
    p?.reject(new Error(`the SSE client exited (${code ?? signal})`));
  });
  return {
    pid: child.pid ?? -1,
    send: (message, expect) =>
      new Promise((resolve, reject) => {
        if (pending !== null) {
          reject(new Error('one request at a time'));
          return;
        }
        if (child.exitCode !== null || child.signalCode !== null || !child.connected) {
          reject(new Error('the SSE client is not running'));
          return;
        }
        pending = {
          expect,
          resolve: resolve as (m: ClientMessage) => void,
          reject,
        };
        child.send(message);
      }),
    stop: async () => {
      if (child.connected) child.send({ type: 'exit' } satisfies DriverMessage);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitOf(child);
      clearTimeout(timer);
    },
  };
};

export interface HubHandle {
  readonly pid: number;
  readonly port: number;
  memory(): Promise<MemorySample>;
  stop(): Promise<void>;
}

export interface MemorySample {
  /** After two full GCs (`--expose-gc`). */
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** VmRSS from /proc, read right after the GCs. */
  readonly rss: number;
  readonly gc: boolean;
}

/** The reference hub (`sse-hub.ts`), with the same fd limit as the client. */
export const startHub = async (options: {
  readonly cwd: string;
  readonly script: string;
  readonly port: number;
  readonly fdLimit: number;
  readonly nodeFlags?: readonly string[];
}): Promise<HubHandle> => {
  const child = spawn(
    'bash',
    [
      '-c',
      `ulimit -n ${options.fdLimit} && exec "$0" --expose-gc "\${@:2}" --import tsx "$1"`,
      process.execPath,
      options.script,
      ...(options.nodeFlags ?? []),
    ],
    {
      cwd: options.cwd,
      env: { ...process.env, PORT: String(options.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const pid = child.pid ?? -1;
  const agent = new http.Agent({ keepAlive: false });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('the reference hub exited during start-up');
    const res = await request(agent, options.port, 'GET', '/health').catch(() => null);
    if (res?.status === 200) break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error('the reference hub did not start');
    }
    await sleep(100);
  }
  return {
    pid,
    port: options.port,
    memory: async () => {
      const res = await request(agent, options.port, 'GET', '/memory');
      const m = JSON.parse(res.text) as Omit<MemorySample, 'rss'>;
      return {
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        gc: m.gc,
        rss: rssBytes(pid) ?? Number.NaN,
      };
    },
    stop: async () => {
      agent.destroy();
      await stopChild(child);
    },
  };
};

/**
 * Talks to `mem-probe.mjs` in the MediQue server: writes the optional command to
 * `<file>.cmd`, sends SIGWINCH, waits for the probe's answer (a new `seq` in `file`).
 */
export const probeCommand = async (
  pid: number,
  file: string,
  command?: string,
): Promise<Record<string, unknown>> => {
  const read = (): Record<string, unknown> | null => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
  };
  const before = Number(read()?.seq ?? 0);
  if (command !== undefined) fs.writeFileSync(`${file}.cmd`, command);
  process.kill(pid, 'SIGWINCH');
  const deadline = Date.now() + 120_000;
  for (;;) {
    const m = read();
    if (m !== null && Number(m.seq) > before) return m;
    if (Date.now() > deadline) throw new Error("the server's probe did not answer SIGWINCH");
    await sleep(20);
  }
};

/** Memory of the MediQue server after two full GCs (RSS from /proc); optionally a heap snapshot. */
export const serverMemory = async (
  pid: number,
  file: string,
  snapshotPath?: string,
): Promise<MemorySample> => {
  const m = (await probeCommand(
    pid,
    file,
    snapshotPath === undefined ? undefined : `snapshot ${snapshotPath}`,
  )) as unknown as Omit<MemorySample, 'rss'>;
  return {
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    gc: m.gc,
    rss: rssBytes(pid) ?? Number.NaN,
  };
};
