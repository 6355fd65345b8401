import http from 'node:http';

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

/** One request; the body is kept (setup calls, error reports). */
export const request = (
  agent: http.Agent,
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; json?: unknown } = {},
): Promise<HttpResponse> =>
  new Promise((resolve, reject) => {
    const body = options.json === undefined ? undefined : JSON.stringify(options.json);
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });

/** `request` for JSON endpoints that must answer `expected`; anything else throws. */
export const expectJson = async <T>(
  agent: http.Agent,
  port: number,
  method: string,
  path: string,
  expected: number,
  options: { headers?: Record<string, string>; json?: unknown } = {},
): Promise<T> => {
  const res = await request(agent, port, method, path, options);
  if (res.status !== expected) {
    throw new Error(`${method} ${path} → ${res.status} (expected ${expected}): ${res.text}`);
  }
  return JSON.parse(res.text) as T;
};

/**
 * A failure's grouping key: status + problem `code` + `detail` (the request id left out,
 * so a thousand identical failures are one line), else the start of the body.
 */
export const problemKey = (status: number, body: string): string => {
  try {
    const p = JSON.parse(body) as { code?: unknown; detail?: unknown };
    if (typeof p.code === 'string') {
      return `${status} ${p.code}${typeof p.detail === 'string' ? `: ${p.detail}` : ''}`;
    }
  } catch {
    // not JSON
  }
  return `${status}: ${body.slice(0, 200)}`;
};

export interface CheckinOutcome {
  readonly status: number;
  /** Grouping key of a non-201 answer (or the network error), for the error report. */
  readonly problem: string | null;
}

/**
 * The hot path of the load generator: a pre-serialised body, the 201 body discarded
 * unread (only a failure's body is kept).
 */
export const postCheckin = (
  agent: http.Agent,
  port: number,
  authorization: string,
  idempotencyKey: string,
  body: string,
): Promise<CheckinOutcome> =>
  new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/checkins',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          authorization,
          'idempotency-key': idempotencyKey,
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status === 201) {
          res.resume();
          res.on('end', () => resolve({ status, problem: null }));
          res.on('error', (err) =>
            resolve({ status: 0, problem: `response error: ${err.message}` }),
          );
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status, problem: problemKey(status, Buffer.concat(chunks).toString('utf8')) }),
        );
        res.on('error', (err) => resolve({ status: 0, problem: `response error: ${err.message}` }));
      },
    );
    req.on('error', (err) => resolve({ status: 0, problem: `network error: ${err.message}` }));
    req.end(body);
  });
