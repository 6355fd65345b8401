import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Server-Sent Events on a hijacked reply. Each frame (id, event, data, blank line) goes out
 * in one write; a `: ping` comment keeps proxies from timing the connection out; `retry:`
 * tells EventSource how soon to come back. Open streams are ended on shutdown (preClose),
 * so clients reconnect to another instance instead of holding this one open.
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
  /**
   * Opens a stream. `stillAllowed`, when given, is asked with every heartbeat; a false
   * answer (user deactivated, device revoked) ends the stream.
   */
  open(
    request: FastifyRequest,
    reply: FastifyReply,
    stillAllowed?: () => Promise<boolean>,
  ): SseStream;
  readonly size: number;
}

export const RETRY_MS = 2000;

export const makeSseRegistry = (app: FastifyInstance, heartbeatMs: number): SseRegistry => {
  const streams = new Set<SseStream>();

  app.addHook('preClose', async () => {
    for (const stream of [...streams]) stream.close();
  });

  return {
    get size() {
      return streams.size;
    },
    open: (request, reply, stillAllowed) => {
      // Headers set by hooks so far (CORS, Helmet, request id) go out with the stream too.
      const hooked = reply.getHeaders() as OutgoingHttpHeaders;
      void reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...hooked,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
        'x-request-id': String(request.id),
      });
      res.write(`retry: ${RETRY_MS}\n\n`);
      const listeners: (() => void)[] = [];
      let closed = false;
      const ping = setInterval(() => {
        res.write(': ping\n\n');
        stillAllowed?.().then(
          (ok) => {
            if (!ok) stream.close();
          },
          () => {},
        );
      }, heartbeatMs);
      const cleanup = (): void => {
        if (closed) return;
        closed = true;
        clearInterval(ping);
        streams.delete(stream);
        for (const l of listeners) l();
      };
      const stream: SseStream = {
        get closed() {
          return closed;
        },
        send: (frame) => {
          if (!closed) res.write(formatFrame(frame));
        },
        sendFormatted: (text) => {
          if (!closed) res.write(text);
        },
        close: () => {
          cleanup();
          res.end();
        },
        onClose: (listener) => {
          if (closed) listener();
          else listeners.push(listener);
        },
      };
      streams.add(stream);
      request.raw.on('close', cleanup);
      res.on('error', cleanup);
      return stream;
    },
  };
};
