/**
 * The SSE client of `fanout.bench.ts`, in its own process so that parsing thousands of
 * streams does not run on the server's (or the reference hub's) event loop. Driven over
 * IPC (see protocol.ts): open N streams, run the events, close them.
 *
 * It also triggers the events itself, so every time it reports comes from the same
 * `performance.now()`: latency = (the last open stream got the frame with the event's id)
 * − (the trigger's response arrived). The same code serves MediQue and the reference hub.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ClientMessage,
  CloseResult,
  DriverMessage,
  EventSample,
  OpenResult,
  RunResult,
  StreamTarget,
  Trigger,
} from './protocol.js';

const reply = (m: ClientMessage): void => {
  process.send?.(m);
};

interface Stream {
  readonly n: number;
  req: http.ClientRequest | null;
  res: http.IncomingMessage | null;
  buffer: string;
  ready: boolean;
  ended: boolean;
  lastId: number;
  /** Stream 0 also reads the data lines, to check that the right event arrived. */
  readonly verifier: boolean;
}

interface Arrival {
  count: number;
  first: number;
  last: number;
}

const streams = new Set<Stream>();
let readyCount = 0;
let agent: http.Agent | null = null;
const arrivals = new Map<number, Arrival>();
/** Verifier: event id → the data line it carried. */
const verifierData = new Map<number, string>();
let outOfOrder = 0;
let dropped = 0;
let waiter: { id: number; resolve: () => void } | null = null;
let verifyWaiter: { needle: string; resolve: (id: number) => void } | null = null;
let verifierOpen = false;
/** Streams are being closed on purpose (not counted as dropped). */
let closing = false;

const checkWaiter = (): void => {
  if (waiter === null) return;
  const a = arrivals.get(waiter.id);
  if (a !== undefined && a.count >= readyCount) {
    const w = waiter;
    waiter = null;
    w.resolve();
  }
};

/** One frame (without its blank line): only the `id`, `event` (and, for stream 0, `data`). */
const onFrame = (s: Stream, frame: string, now: number): void => {
  let id = -1;
  let event = '';
  let data: string | null = null;
  let pos = 0;
  const end = frame.length;
  while (pos < end) {
    let nl = frame.indexOf('\n', pos);
    if (nl < 0) nl = end;
    if (frame.startsWith('id:', pos)) id = Number(frame.slice(pos + 3, nl).trim());
    else if (frame.startsWith('event:', pos)) event = frame.slice(pos + 6, nl).trim();
    else if (s.verifier && frame.startsWith('data:', pos)) data = frame.slice(pos + 5, nl).trim();
    pos = nl + 1;
  }
  if (event === '') return; // `retry:` or a `: ping` comment
  if (!s.ready) {
    // The first event frame is the snapshot: from here on the stream is live.
    s.ready = true;
    readyCount += 1;
    if (s.verifier) verifierOpen = true;
    if (Number.isFinite(id) && id >= 0) s.lastId = id;
    onReady.get(s)?.();
    return;
  }
  if (!Number.isFinite(id) || id < 0) return;
  if (id <= s.lastId) {
    outOfOrder += 1;
    return;
  }
  s.lastId = id;
  if (data !== null) {
    verifierData.set(id, `${frame.length + 2}\u0000${data}`);
    if (verifyWaiter !== null && data.includes(verifyWaiter.needle)) {
      const w = verifyWaiter;
      verifyWaiter = null;
      w.resolve(id);
    }
  }
  const a = arrivals.get(id);
  if (a === undefined) arrivals.set(id, { count: 1, first: now, last: now });
  else {
    a.count += 1;
    a.last = now;
  }
  if (waiter !== null && waiter.id === id) checkWaiter();
};

const onReady = new WeakMap<Stream, () => void>();

const onData = (s: Stream, chunk: string): void => {
  const now = performance.now();
  s.buffer = s.buffer === '' ? chunk : s.buffer + chunk;
  let i = s.buffer.indexOf('\n\n');
  while (i >= 0) {
    const frame = s.buffer.slice(0, i);
    s.buffer = s.buffer.slice(i + 2);
    onFrame(s, frame, now);
    i = s.buffer.indexOf('\n\n');
  }
};

const failureKind = (err: unknown): string => {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ?? err.message.slice(0, 80);
  }
  return String(err).slice(0, 80);
};

/** One stream, resolved once its snapshot arrived, or with the reason it failed. */
const openOne = (
  n: number,
  target: StreamTarget,
  localAddress: string | undefined,
  timeoutMs: number,
): Promise<string | null> =>
  new Promise((resolve) => {
    const s: Stream = {
      n,
      req: null,
      res: null,
      buffer: '',
      ready: false,
      ended: false,
      lastId: -1,
      verifier: n === 0,
    };
    let settled = false;
    const settle = (failure: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      onReady.delete(s);
      resolve(failure);
    };
    const timer = setTimeout(() => {
      settle('timeout before the snapshot');
      s.req?.destroy();
    }, timeoutMs);
    onReady.set(s, () => settle(null));
    const end = (): void => {
      if (s.ended) return;
      s.ended = true;
      streams.delete(s);
      if (s.verifier) verifierOpen = false;
      if (s.ready) {
        readyCount -= 1;
        if (!closing) dropped += 1;
        checkWaiter();
      }
      settle('closed before the snapshot');
    };
    const req = http.request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: target.path,
        method: 'GET',
        agent: agent ?? undefined,
        headers: { accept: 'text/event-stream', ...target.headers },
        ...(localAddress !== undefined && { localAddress }),
      },
      (res) => {
        s.res = res;
        if (res.statusCode !== 200) {
          const chunks: string[] = [];
          res.setEncoding('utf8');
          res.on('data', (c: string) => chunks.push(c));
          res.on('end', () => {
            settle(`HTTP ${res.statusCode}: ${chunks.join('').slice(0, 120)}`);
            end();
          });
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (c: string) => onData(s, c));
        res.on('close', end);
        res.on('error', end);
      },
    );
    s.req = req;
    streams.add(s);
    req.on('error', (err) => {
      settle(failureKind(err));
      end();
    });
    req.on('close', end);
    req.end();
  });

const open = async (m: Extract<DriverMessage, { type: 'open' }>): Promise<OpenResult> => {
  closing = false;
  dropped = 0;
  agent ??= new http.Agent({
    keepAlive: true,
    maxSockets: Math.max(1, m.count),
    maxFreeSockets: 16,
  });
  const t0 = performance.now();
  const failures: Record<string, number> = {};
  let next = 0;
  let ok = 0;
  const base = streams.size;
  const worker = async (): Promise<void> => {
    while (next < m.count) {
      const n = base + next;
      next += 1;
      const address =
        m.localAddresses.length === 0 ? undefined : m.localAddresses[n % m.localAddresses.length];
      const failure = await openOne(n, m.target, address, m.timeoutMs);
      if (failure === null) ok += 1;
      else failures[failure] = (failures[failure] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, m.concurrency) }, worker));
  return {
    type: 'opened',
    requested: m.count,
    ready: ok,
    failed: m.count - ok,
    failures,
    elapsedMs: performance.now() - t0,
  };
};

/** The check-in body: a patient with a name and a phone, like a kiosk sends. */
const checkinBody = (departmentId: string, k: number): string =>
  JSON.stringify({
    departmentId,
    patient: {
      displayName: `Bench Patient ${String(k).padStart(4, '0')}`,
      phone: '+243 81 234 5678',
    },
  });

/**
 * The reference payload: the `data` object of a MediQue `visit.checked_in` frame (same
 * fields, same kinds of values), so both sides send frames of about the same size.
 */
const referencePayload = (k: number): { visitId: string; body: string } => {
  const visitId = randomUUID();
  const now = new Date().toISOString();
  const body = JSON.stringify({
    type: 'visit.checked_in',
    visit: {
      id: visitId,
      departmentId: '3f1c2a9e-6b7d-4e2f-9a1b-0c8d7e6f5a4b',
      serviceDay: now.slice(0, 10),
      seq: k + 1,
      ticket: `FA-${String(k + 1).padStart(3, '0')}`,
      publicToken: randomUUID().replace(/-/g, '').slice(0, 22),
      priority: 'normal',
      state: 'WAITING',
      version: 1,
      roomId: null,
      callCount: 0,
      patient: {
        displayName: `Bench Patient ${String(k).padStart(4, '0')}`,
        phone: '+243 81 234 5678',
      },
      checkedInAt: now,
      queuedAt: now,
      calledAt: null,
      startedAt: null,
      endedAt: null,
      transferredFromVisitId: null,
      transferredToVisitId: null,
      cancelReason: null,
    },
    occurredAt: now,
  });
  return { visitId, body };
};

interface Fired {
  readonly sentAt: number;
  readonly at: number;
  readonly status: number;
  readonly text: string;
}

const post = (
  triggerAgent: http.Agent,
  port: number,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<Fired> =>
  new Promise((resolve, reject) => {
    const sentAt = performance.now();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent: triggerAgent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          ...headers,
        },
      },
      (res) => {
        // The response's arrival is the commit time (MediQue answers after the commit).
        const at = performance.now();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            sentAt,
            at,
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });

/** Waits until every open stream has the frame with this id, or the time limit. */
const waitAll = (id: number, timeoutMs: number): Promise<boolean> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiter = null;
      resolve(false);
    }, timeoutMs);
    waiter = {
      id,
      resolve: () => {
        clearTimeout(timer);
        resolve(true);
      },
    };
    checkWaiter();
  });

/** Waits until the verifying stream has a frame whose data names `visitId`; its event id. */
const waitVerifier = (visitId: string, timeoutMs: number): Promise<number | null> => {
  const needle = `"id":"${visitId}"`;
  for (const [id, text] of verifierData) if (text.includes(needle)) return Promise.resolve(id);
  if (!verifierOpen) return Promise.resolve(null);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      verifyWaiter = null;
      resolve(null);
    }, timeoutMs);
    verifyWaiter = {
      needle,
      resolve: (id) => {
        clearTimeout(timer);
        resolve(id);
      },
    };
  });
};

const run = async (m: Extract<DriverMessage, { type: 'run' }>): Promise<RunResult> => {
  const triggerAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const trigger: Trigger = m.trigger;
  const warmup: EventSample[] = [];
  const samples: EventSample[] = [];
  const triggerErrors: Record<string, number> = {};
  let incomplete = 0;
  let frameBytes: number | null = null;
  outOfOrder = 0;
  const dropped0 = dropped;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let lastEventId: number | null = null;

  for (let k = 0; k < m.warmup + m.count; k++) {
    let fired: Fired;
    let eventId: number | null = null;
    let visitId: string;
    try {
      if (trigger.kind === 'checkin') {
        fired = await post(
          triggerAgent,
          trigger.port,
          '/api/v1/checkins',
          { authorization: trigger.authorization, 'idempotency-key': `${m.keyPrefix}-${k}` },
          checkinBody(trigger.departmentId, k),
        );
        if (fired.status !== 201) throw new Error(`check-in → ${fired.status}: ${fired.text}`);
        visitId = (JSON.parse(fired.text) as { visit: { id: string } }).visit.id;
      } else {
        const payload = referencePayload(k);
        visitId = payload.visitId;
        fired = await post(triggerAgent, trigger.port, '/publish', {}, payload.body);
        if (fired.status !== 200) throw new Error(`publish → ${fired.status}: ${fired.text}`);
        eventId = (JSON.parse(fired.text) as { id: number }).id;
      }
    } catch (err) {
      const kind = err instanceof Error ? err.message.slice(0, 160) : String(err);
      triggerErrors[kind] = (triggerErrors[kind] ?? 0) + 1;
      await sleep(m.pauseMs);
      continue;
    }
    // MediQue's answer has no event id: the verifying stream maps the visit to its event.
    const verifiedId = await waitVerifier(visitId, m.eventTimeoutMs);
    // Without the verifying stream, MediQue's events are numbered 1, 2, 3… per department.
    eventId ??= verifiedId ?? (lastEventId === null ? null : lastEventId + 1);
    if (eventId === null) {
      incomplete += 1;
      await sleep(m.pauseMs);
      continue;
    }
    lastEventId = eventId;
    const complete = await waitAll(eventId, m.eventTimeoutMs);
    if (!complete) incomplete += 1;
    const a = arrivals.get(eventId);
    const text = verifierData.get(eventId);
    if (text !== undefined) frameBytes = Number(text.slice(0, text.indexOf('\u0000')));
    const sample: EventSample = {
      eventId,
      triggerMs: fired.at - fired.sentAt,
      firstMs: a === undefined ? Number.NaN : a.first - fired.at,
      lastMs: a === undefined ? Number.NaN : a.last - fired.at,
      received: a?.count ?? 0,
      open: readyCount,
      verified: verifiedId === eventId,
    };
    (k < m.warmup ? warmup : samples).push(sample);
    arrivals.delete(eventId);
    verifierData.clear();
    await sleep(m.pauseMs);
  }
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - wall0;
  triggerAgent.destroy();
  return {
    type: 'ran',
    warmup,
    samples,
    triggerErrors,
    incomplete,
    outOfOrder,
    dropped: dropped - dropped0,
    frameBytes,
    clientCpuCores: (cpu.user + cpu.system) / 1000 / wallMs,
  };
};

const close = async (timeoutMs: number): Promise<CloseResult> => {
  closing = true;
  const all = [...streams];
  for (const s of all) {
    s.res?.destroy();
    s.req?.destroy();
  }
  const deadline = performance.now() + timeoutMs;
  while (streams.size > 0 && performance.now() < deadline) await sleep(20);
  agent?.destroy();
  agent = null;
  arrivals.clear();
  verifierData.clear();
  return { type: 'closed', closed: all.length - streams.size, stillOpen: streams.size };
};

process.on('message', (raw: DriverMessage) => {
  const handle = async (): Promise<ClientMessage | null> => {
    switch (raw.type) {
      case 'open':
        return open(raw);
      case 'run':
        return run(raw);
      case 'status':
        return { type: 'status', open: readyCount, dropped };
      case 'close':
        return close(raw.timeoutMs);
      case 'exit':
        await close(5000);
        process.disconnect?.();
        process.exit(0);
    }
    return null;
  };
  handle().then(
    (m) => {
      if (m !== null) reply(m);
    },
    (err: unknown) =>
      reply({
        type: 'error',
        message: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
  );
});

process.on('disconnect', () => process.exit(0));
