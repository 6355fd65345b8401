/**
 * The SSE client of `live.bench.ts`: opens many streams (department, ticket or board — any
 * paths), then measures how long an event takes to reach every one of them: after each
 * trigger it waits until every open stream has received a new frame, and reports the
 * moment the last one did, from the trigger's response (one clock: this process's).
 * A child process, driven over IPC (`live/protocol.ts`).
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Opened, Ran, Reply, Request, Sample, Target, Trigger } from './live/protocol.js';

interface Stream {
  req: http.ClientRequest | null;
  res: http.IncomingMessage | null;
  buffer: string;
  ready: boolean;
  ended: boolean;
  /** The run's event this stream last got a frame for. */
  epoch: number;
}

const streams = new Set<Stream>();
let open = 0;
let dropped = 0;
let closing = false;
let agent: http.Agent | null = null;
let epoch = 0;
let wait: { epoch: number; updated: number; first: number; last: number; done: () => void } | null =
  null;

const onFrame = (s: Stream, frame: string, now: number): void => {
  if (!frame.includes('event:')) return; // `retry:` or a `: ping`
  if (!s.ready) {
    s.ready = true;
    open += 1;
    readyWaiters.get(s)?.();
    return;
  }
  const w = wait;
  if (w === null || s.epoch === w.epoch) return;
  s.epoch = w.epoch;
  w.updated += 1;
  if (w.updated === 1) w.first = now;
  w.last = now;
  if (w.updated >= open) w.done();
};

const readyWaiters = new WeakMap<Stream, () => void>();

const onData = (s: Stream, chunk: string): void => {
  const now = performance.now();
  s.buffer += chunk;
  let i = s.buffer.indexOf('\n\n');
  while (i >= 0) {
    onFrame(s, s.buffer.slice(0, i), now);
    s.buffer = s.buffer.slice(i + 2);
    i = s.buffer.indexOf('\n\n');
  }
};

const openOne = (target: Target, localAddress: string | undefined, timeoutMs: number) =>
  new Promise<string | null>((resolve) => {
    const s: Stream = { req: null, res: null, buffer: '', ready: false, ended: false, epoch: 0 };
    let settled = false;
    const settle = (failure: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      readyWaiters.delete(s);
      resolve(failure);
    };
    const timer = setTimeout(() => {
      settle('timeout before the first frame');
      s.req?.destroy();
    }, timeoutMs);
    readyWaiters.set(s, () => settle(null));
    const end = (): void => {
      if (s.ended) return;
      s.ended = true;
      streams.delete(s);
      if (s.ready) {
        open -= 1;
        if (!closing) dropped += 1;
      }
      settle('closed before the first frame');
    };
    const req = http.request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: target.path,
        agent: agent ?? undefined,
        headers: { accept: 'text/event-stream', ...target.headers },
        ...(localAddress !== undefined && { localAddress }),
      },
      (res) => {
        s.res = res;
        res.setEncoding('utf8');
        if (res.statusCode !== 200) {
          let body = '';
          res.on('data', (c: string) => (body += c));
          res.on('end', () => {
            settle(`HTTP ${res.statusCode}: ${body.slice(0, 100)}`);
            end();
          });
          return;
        }
        res.on('data', (c: string) => onData(s, c));
        res.on('close', end);
        res.on('error', end);
      },
    );
    s.req = req;
    streams.add(s);
    req.on('error', (err) => {
      settle((err as NodeJS.ErrnoException).code ?? err.message.slice(0, 80));
      end();
    });
    req.end();
  });

const openAll = async (m: Extract<Request, { type: 'open' }>): Promise<Opened> => {
  closing = false;
  dropped = 0;
  agent ??= new http.Agent({ keepAlive: true, maxSockets: Number.MAX_SAFE_INTEGER });
  const t0 = performance.now();
  const failures: Record<string, number> = {};
  let next = 0;
  let ok = 0;
  const worker = async (): Promise<void> => {
    while (next < m.targets.length) {
      const n = next;
      next += 1;
      const target = m.targets[n] as Target;
      const address = m.localAddresses[n % Math.max(1, m.localAddresses.length)];
      const failure = await openOne(target, address, m.timeoutMs);
      if (failure === null) ok += 1;
      else failures[failure] = (failures[failure] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, m.concurrency) }, worker));
  return {
    type: 'opened',
    ready: ok,
    failed: m.targets.length - ok,
    failures,
    elapsedMs: performance.now() - t0,
  };
};

const fire = (trigger: Trigger, triggerAgent: http.Agent) =>
  new Promise<{ sentAt: number; at: number; status: number; text: string }>((resolve, reject) => {
    const body =
      trigger.kind === 'call' ? JSON.stringify({ roomId: trigger.roomId }) : trigger.body;
    const path =
      trigger.kind === 'call'
        ? `/api/v1/departments/${trigger.departmentId}/call-next`
        : '/publish';
    const sentAt = performance.now();
    const req = http.request(
      {
        host: '127.0.0.1',
        port: trigger.port,
        method: 'POST',
        path,
        agent: triggerAgent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          ...(trigger.kind === 'call' && { authorization: trigger.authorization }),
        },
      },
      (res) => {
        const at = performance.now();
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ sentAt, at, status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const run = async (m: Extract<Request, { type: 'run' }>): Promise<Ran> => {
  const triggerAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples: Sample[] = [];
  const triggerErrors: Record<string, number> = {};
  let incomplete = 0;
  const dropped0 = dropped;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let k = 0; k < m.warmup + m.count; k += 1) {
    epoch += 1;
    let timer: NodeJS.Timeout | undefined;
    const reached = new Promise<boolean>((resolve) => {
      wait = { epoch, updated: 0, first: 0, last: 0, done: () => resolve(true) };
      timer = setTimeout(() => resolve(false), m.timeoutMs);
    });
    const w = wait as unknown as NonNullable<typeof wait>;
    let fired;
    try {
      fired = await fire(m.trigger, triggerAgent);
      if (fired.status >= 300) throw new Error(`${fired.status}: ${fired.text.slice(0, 120)}`);
    } catch (err) {
      const kind = err instanceof Error ? err.message : String(err);
      triggerErrors[kind] = (triggerErrors[kind] ?? 0) + 1;
      clearTimeout(timer);
      wait = null;
      continue;
    }
    const complete = await reached;
    clearTimeout(timer);
    wait = null;
    if (!complete) incomplete += 1;
    if (k >= m.warmup) {
      samples.push({
        triggerMs: fired.at - fired.sentAt,
        firstMs: w.first - fired.at,
        lastMs: w.last - fired.at,
        updated: w.updated,
        open,
      });
    }
    await sleep(m.pauseMs);
  }
  const cpu = process.cpuUsage(cpu0);
  triggerAgent.destroy();
  return {
    type: 'ran',
    samples,
    incomplete,
    triggerErrors,
    dropped: dropped - dropped0,
    clientCpuCores: (cpu.user + cpu.system) / 1000 / (performance.now() - wall0),
  };
};

const closeAll = async (): Promise<Reply> => {
  closing = true;
  for (const s of [...streams]) {
    s.res?.destroy();
    s.req?.destroy();
  }
  const deadline = performance.now() + 30_000;
  while (streams.size > 0 && performance.now() < deadline) await sleep(20);
  agent?.destroy();
  agent = null;
  return { type: 'closed', stillOpen: streams.size };
};

process.on('message', (m: Request) => {
  const handle = async (): Promise<Reply | null> => {
    switch (m.type) {
      case 'open':
        return openAll(m);
      case 'run':
        return run(m);
      case 'close':
        return closeAll();
      case 'exit':
        await closeAll();
        process.exit(0);
    }
    return null;
  };
  handle().then(
    (reply) => {
      if (reply !== null) process.send?.(reply);
    },
    (err: unknown) =>
      process.send?.({
        type: 'error',
        message: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
  );
});
process.on('disconnect', () => process.exit(0));
