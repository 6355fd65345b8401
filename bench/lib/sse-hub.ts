/**
 * The reference of `fanout.bench.ts`: the least a Node process can do to fan an event out
 * over SSE. Bare `node:http`, one process, no framework, no bus, no auth.
 *
 * - `GET /events`: 200 with the headers MediQue sends (text/event-stream, no-cache,
 *   X-Accel-Buffering: no, keep-alive), `retry: 2000`, a `snapshot` frame, then every event.
 * - `POST /publish` with a JSON body: the body becomes the `data` of frame `id: n`,
 *   `event: <body.type>`. The answer `{"id":n}` is sent FIRST (the "commit"), then the frame is
 *   written to every open stream in one loop, one write per stream (like MediQue: the frame
 *   is formatted once).
 * - `GET /memory`: `process.memoryUsage()` after two full GCs (run with --expose-gc).
 * - `GET /health`: 200. `GET /hello`: `hello` (the bare answer `live.bench.ts` compares with).
 *
 * PORT (required), HOST (default 127.0.0.1).
 */
import http from 'node:http';

const port = Number(process.env.PORT);
const host = process.env.HOST ?? '127.0.0.1';
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('sse-hub: PORT is required\n');
  process.exit(2);
}

const streams = new Set<http.ServerResponse>();
let lastId = 0;

const json = (res: http.ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
};

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  if (req.method === 'GET' && url.startsWith('/events')) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    res.write(`id: ${lastId}\nevent: snapshot\ndata: {"lastEventId":${lastId}}\n\n`);
    streams.add(res);
    const drop = (): void => {
      streams.delete(res);
    };
    req.on('close', drop);
    res.on('error', drop);
    return;
  }
  if (req.method === 'POST' && url === '/publish') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let type = 'message';
      try {
        const parsed = JSON.parse(body) as { type?: unknown };
        if (typeof parsed.type === 'string') type = parsed.type;
      } catch {
        json(res, 400, { error: 'body must be JSON' });
        return;
      }
      lastId += 1;
      const id = lastId;
      json(res, 200, { id, streams: streams.size });
      const frame = `id: ${id}\nevent: ${type}\ndata: ${body}\n\n`;
      for (const s of streams) s.write(frame);
    });
    return;
  }
  if (req.method === 'GET' && url === '/memory') {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    json(res, 200, { gc: gc !== undefined, streams: streams.size, ...process.memoryUsage() });
    return;
  }
  if (req.method === 'GET' && url === '/hello') {
    // The reference of `live.bench.ts`'s queue GET: the least an HTTP answer can cost.
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 5 });
    res.end('hello');
    return;
  }
  if (req.method === 'GET' && url === '/health') {
    json(res, 200, { ok: true });
    return;
  }
  json(res, 404, { error: 'not found' });
});

server.listen({ port, host }, () => {
  process.stdout.write(`sse-hub listening on ${host}:${port}\n`);
});

const stop = (): void => {
  for (const s of streams) s.end();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
