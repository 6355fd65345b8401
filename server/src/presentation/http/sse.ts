import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Server-Sent Events on a hijacked reply. Each frame (id, event, data, blank line) goes out
 * in one write; a `: ping` comment keeps proxies from timing the connection out; `retry:`
 * tells EventSource how soon to come back. Open streams are ended on shutdown (preClose),
 * so clients reconnect to another instance instead of holding this one open.
 */
export interface SseStream {
  send(frame: { id?: string | number; event: string; data: unknown }): void;
  close(): void;
  readonly closed: boolean;
  onClose(listener: () => void): void;
}

export interface SseRegistry {
  open(request: FastifyRequest, reply: FastifyReply): SseStream;
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
    open: (request, reply) => {
      void reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
        'x-request-id': String(request.id),
      });
      res.write(`retry: ${RETRY_MS}\n\n`);
      const listeners: (() => void)[] = [];
      let closed = false;
      const ping = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
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
        send: ({ id, event, data }) => {
          if (closed) return;
          const idLine = id === undefined ? '' : `id: ${id}\n`;
          res.write(`${idLine}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
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
