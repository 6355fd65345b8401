import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** `pgbench` on the PATH, else the Debian/Ubuntu location of the Postgres 15–17 binaries. */
export const findPgbench = (): string => {
  if (spawnSync('pgbench', ['--version']).status === 0) return 'pgbench';
  for (const v of [15, 16, 17, 14]) {
    const candidate = `/usr/lib/postgresql/${v}/bin/pgbench`;
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('pgbench not found (install postgresql-client or put it on the PATH)');
};

const run = (bin: string, args: readonly string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${bin} ${args.join(' ')} exited with ${code}:\n${out.slice(-2000)}`)),
    );
  });

export interface PgbenchResult {
  readonly tps: number;
  readonly latencyAvgMs: number | null;
  readonly transactions: number | null;
  readonly failed: number | null;
  readonly command: string;
}

export const parsePgbench = (output: string): Omit<PgbenchResult, 'command'> => {
  const tps = /^tps = ([\d.]+)/m.exec(output);
  if (tps?.[1] === undefined) throw new Error(`no "tps =" line in pgbench output:\n${output}`);
  const latency = /^latency average = ([\d.]+) ms/m.exec(output);
  const processed = /^number of transactions actually processed: (\d+)/m.exec(output);
  const failed = /^number of failed transactions: (\d+)/m.exec(output);
  return {
    tps: Number(tps[1]),
    latencyAvgMs: latency?.[1] === undefined ? null : Number(latency[1]),
    transactions: processed?.[1] === undefined ? null : Number(processed[1]),
    failed: failed?.[1] === undefined ? null : Number(failed[1]),
  };
};

/** `pgbench -i -s <scale>` then the built-in TPC-B-like script; the URL is libpq's dbname. */
export const runPgbench = async (options: {
  readonly url: string;
  readonly scale: number;
  readonly clients: number;
  readonly threads: number;
  readonly seconds: number;
  /** Called between initialisation and the measured run (e.g. CHECKPOINT). */
  readonly beforeRun?: () => Promise<void>;
}): Promise<PgbenchResult> => {
  const bin = findPgbench();
  await run(bin, ['-i', '-q', '-s', String(options.scale), options.url]);
  await options.beforeRun?.();
  const args = [
    '-c',
    String(options.clients),
    '-j',
    String(options.threads),
    '-T',
    String(options.seconds),
    '-M',
    'prepared',
    options.url,
  ];
  const output = await run(bin, args);
  return { ...parsePgbench(output), command: `pgbench ${args.slice(0, -1).join(' ')}` };
};
