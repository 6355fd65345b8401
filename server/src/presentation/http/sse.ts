import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Server-Sent Events on a hijacked reply. Each frame (id, event, data, blank line) goes out
 * in one write; a `: ping` comment keeps proxies from timing the connection out; `retry:`
 * tells EventSource how soon to come back. Open streams are ended on shutdown (preClose),
 * so clients reconnect to another instance instead of holding this one open.
 *
 * An idle stream must cost little (thousands per instance, ADR 11): once open it holds the
 * socket's response and nothing of the request — not Fastify's request and reply, their
 * logger, or closures over them — and one shared timer pings every stream.
 */
export interface SseFrame {
  readonly id?: string | number;
  readonly event: string;
  readonly data: unknown;
}

/** One frame as it goes on the wire: id, event, data and the blank line, in one string. */
export const formatFrame = ({ id, event, data }: SseFrame): string =>
  `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export interface SseStream {
  send(frame: SseFrame): void;
  /** A frame already formatted by `formatFrame` (shared by every follower of an event). */
  sendFormatted(text: string): void;
  close(): void;
  readonly closed: boolean;
  onClose(listener: () => void): void;
}

export interface SseRegistry {
  open(request: FastifyRequest, reply: FastifyReply): SseStream;
  readonly size: number;
}

export const RETRY_MS = 2000;
/** The heartbeat is spread over this many ticks: each pings a quarter of the streams. */
const SLICES = 4;

const kStream = Symbol('mediqueue.sse');
type Tracked = ServerResponse & { [kStream]?: Stream };

/**
 * Fastify keeps the reply (and through it the request, its logger and headers) alive from
 * the response's `finish`/`error` listeners until the response ends — for a stream, for
 * hours. A hijacked reply needs none of it (no onResponse hook runs for a stream).
 */
const detachFastify = (res: ServerResponse): void => {
  for (const event of ['finish', 'error'] as const) {
    for (const listener of res.listeners(event)) {
      if ((listener as { name?: string }).name === 'onResFinished') {
        res.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
};

/**
 * Only what an EventSource needs from the hooks' headers: CORS (a cross-origin screen).
 * Helmet's document headers (CSP and friends) protect pages, not an event stream.
 */
const corsHeaders = (reply: FastifyReply): OutgoingHttpHeaders => {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined && (name.startsWith('access-control-') || name === 'vary')) {
      out[name] = value;
    }
  }
  return out;
};

class Stream implements SseStream {
  closed = false;
  slice = 0;
  private listeners: (() => void)[] | null = null;

  constructor(
    readonly res: ServerResponse,
    private readonly registry: { forget(stream: Stream): void },
  ) {}

  send(frame: SseFrame): void {
    if (!this.closed) this.res.write(formatFrame(frame));
  }

  sendFormatted(text: string): void {
    if (!this.closed) this.res.write(text);
  }

  close(): void {
    this.cleanup();
    this.res.end();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else (this.listeners ??= []).push(listener);
  }

  cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    this.registry.forget(this);
    for (const l of this.listeners ?? []) l();
    this.listeners = null;
  }
}

/** Shared by every stream (no closure per stream): the response ended or failed. */
function onGone(this: Tracked): void {
  this[kStream]?.cleanup();
}

export const makeSseRegistry = (
  app: FastifyInstance,
  heartbeatMs: number,
  /** Called once per heartbeat period (the open streams' credential backstop). */
  onHeartbeat: () => void = () => {},
): SseRegistry => {
  const slices = Array.from({ length: SLICES }, () => new Set<Stream>());
  let size = 0;
  let next = 0;
  let tick = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  const registry = {
    forget: (stream: Stream): void => {
      if (slices[stream.slice]?.delete(stream) === true) size -= 1;
      if (size === 0 && timer !== null) {
        clearInterval(timer);
        timer = null;
      }
    },
  };
  const ping = (): void => {
    tick = (tick + 1) % SLICES;
    for (const s of slices[tick] ?? []) s.sendFormatted(': ping\n\n');
    if (tick === 0) onHeartbeat();
  };

  app.addHook('preClose', async () => {
    for (const slice of slices) for (const stream of [...slice]) stream.close();
  });

  return {
    get size() {
      return size;
    },
    open: (request, reply) => {
      const headers: OutgoingHttpHeaders = {
        ...corsHeaders(reply),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
        'x-request-id': String(request.id),
      };
      void reply.hijack();
      const res = reply.raw as Tracked;
      detachFastify(res);
      // Helmet wrote its headers on the raw response already: a stream sends only these.
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      res.writeHead(200, headers);
      res.write(`retry: ${RETRY_MS}\n\n`);
      const stream = new Stream(res, registry);
      stream.slice = next;
      next = (next + 1) % SLICES;
      slices[stream.slice]?.add(stream);
      size += 1;
      timer ??= setInterval(ping, Math.max(1, Math.floor(heartbeatMs / SLICES)));
      res[kStream] = stream;
      res.once('close', onGone);
      res.once('error', onGone);
      // The client may have left while the stream was being prepared: its 'close' is past.
      if (res.destroyed || res.socket === null || res.socket.destroyed) stream.cleanup();
      return stream;
    },
  };
};
