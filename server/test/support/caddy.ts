import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'node:tls';
import { freePort, serverDir } from './process.js';

/**
 * The shipped proxy (deploy/Caddyfile, ADR 12) run as it is, by Debian's `caddy`, with the
 * settings compose would pass in its environment pointed at this machine: free ports instead
 * of 80/443, a local MediQue instead of app1/app2, and a data directory of its own (where
 * the internal CA keeps its root).
 */
export const CADDYFILE = path.resolve(serverDir, '../deploy/Caddyfile');

const caddyBinary = (): string => {
  const binary = process.env.CADDY_PATH ?? '/usr/bin/caddy';
  if (!existsSync(binary)) {
    throw new Error(
      `The proxy test runs the shipped Caddyfile with Caddy, not found at ${binary}: ` +
        'apt-get install caddy (Debian), or set CADDY_PATH.',
    );
  }
  return binary;
};

export interface RunningCaddy {
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly dataDir: string;
  /** PEM of the internal CA's root: what a kiosk or phone must trust. */
  rootCertificate(): string;
  /** PEM of the certificate issued for `host` by the internal CA. */
  issuedCertificate(host: string): { cert: string; keyPath: string; certPath: string };
  output(): string;
  stop(): Promise<void>;
}

const waitForTls = async (port: number, ca: () => string | undefined, log: () => string) => {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const trusted = ca();
    if (trusted !== undefined) {
      const ok = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: trusted });
        socket.once('secureConnect', () => {
          socket.end();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (ok) return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Caddy did not serve TLS within 20 s:\n${log()}`);
};

export const startCaddy = async (settings: {
  upstreams: string;
  /** MEDIQUE_TLS; default (unset) is the internal CA. */
  tls?: string;
  /** The CA a client needs for this mode; default: the internal CA's root. */
  trust?: () => string;
}): Promise<RunningCaddy> => {
  const binary = caddyBinary();
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mediqueue-caddy-'));
  const child = spawn(binary, ['run', '--config', CADDYFILE, '--adapter', 'caddyfile'], {
    env: {
      PATH: process.env.PATH,
      HOME: dataDir,
      XDG_DATA_HOME: path.join(dataDir, 'data'),
      XDG_CONFIG_HOME: path.join(dataDir, 'config'),
      MEDIQUE_HOST: 'localhost',
      MEDIQUE_HTTP_PORT: String(httpPort),
      MEDIQUE_HTTPS_PORT: String(httpsPort),
      MEDIQUE_UPSTREAMS: settings.upstreams,
      ...(settings.tls !== undefined && { MEDIQUE_TLS: settings.tls }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const caddyData = path.join(dataDir, 'data', 'caddy');
  const rootPath = path.join(caddyData, 'pki', 'authorities', 'local', 'root.crt');
  const rootCertificate = () => readFileSync(rootPath, 'utf8');
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  const trust = settings.trust ?? rootCertificate;
  try {
    await waitForTls(
      httpsPort,
      () => (existsSync(rootPath) || settings.trust !== undefined ? trust() : undefined),
      () => log,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    httpPort,
    httpsPort,
    dataDir,
    rootCertificate,
    issuedCertificate: (host) => {
      const base = path.join(caddyData, 'certificates', 'local', host, host);
      return {
        cert: readFileSync(`${base}.crt`, 'utf8'),
        certPath: `${base}.crt`,
        keyPath: `${base}.key`,
      };
    },
    output: () => log,
    stop,
  };
};
