import { createHash, X509Certificate } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { connect as netConnect } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';

/**
 * A client that verifies the proxy's certificate against a given CA (never
 * `rejectUnauthorized: false`) and can speak from another loopback address (127.0.0.2), so
 * the application can tell the client from the proxy (127.0.0.1).
 */
export interface Client {
  readonly ca: string;
  readonly httpsPort: number;
  readonly localAddress?: string;
}

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Header names as sent, in order, repeated ones included (to count duplicates). */
  readonly headerNames: readonly string[];
  readonly body: string;
  /** SHA-256 of the certificate the server presented (DER), hex. */
  readonly certificate: string;
}

const fingerprint = (socket: TLSSocket): string =>
  createHash('sha256').update(socket.getPeerCertificate().raw).digest('hex');

/** SHA-256 of a PEM certificate's DER, as `Answer.certificate` reports it. */
export const pemFingerprint = (pem: string): string =>
  createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');

export const request = (
  client: Client,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port: client.httpsPort,
        ca: client.ca,
        localAddress: client.localAddress,
        agent: false,
        method: options.method ?? 'GET',
        path,
        headers: { host: 'localhost', ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            headerNames: res.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase()),
            body,
            certificate: fingerprint(res.socket as TLSSocket),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });

/** Plain HTTP to the proxy's port 80 equivalent: only ever a redirect. */
export const plainRequest = (
  port: number,
  path: string,
): Promise<{ status: number; headers: IncomingHttpHeaders }> =>
  new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, headers: { host: 'localhost' }, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });

export interface H2Stream {
  readonly status: number;
  readonly headers: http2.IncomingHttpHeaders;
  /** Everything received so far. */
  text(): string;
  /** Resolves with the time (Date.now()) at which `pattern` first appeared in the body. */
  arrival(pattern: RegExp, timeoutMs?: number): Promise<number>;
  close(): void;
}

/** A long-lived GET over HTTP/2, as a browser's EventSource through the proxy makes it. */
export const openH2Stream = async (
  client: Client,
  path: string,
  headers: Record<string, string>,
): Promise<H2Stream> => {
  const session = http2.connect(`https://localhost:${client.httpsPort}`, {
    createConnection: () =>
      connect({
        // tls.connect takes no local address: bind the TCP socket under it.
        socket: netConnect({
          host: '127.0.0.1',
          port: client.httpsPort,
          ...(client.localAddress !== undefined && { localAddress: client.localAddress }),
        }),
        servername: 'localhost',
        ca: client.ca,
        ALPNProtocols: ['h2'],
      }),
  });
  session.on('error', () => undefined);
  const stream = session.request({ ':path': path, ...headers });
  let text = '';
  const waiters = new Set<() => void>();
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
    for (const w of [...waiters]) w();
  });
  stream.on('error', () => undefined);
  const response = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
    stream.once('response', resolve);
    session.once('error', reject);
  });
  return {
    status: Number(response[':status']),
    headers: response,
    text: () => text,
    arrival: (pattern, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (!pattern.test(text)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(Date.now());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; received:\n${text}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => {
      stream.close();
      session.close();
    },
  };
};
