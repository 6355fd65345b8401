import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';

/**
 * The Postgres client programs backup and restore run (pg_dump, pg_restore, psql), found
 * for the server's major version: pg_dump refuses a server newer than itself, and a
 * pg_restore older than the pg_dump that wrote an archive cannot read it.
 */
export type PgTool = 'pg_dump' | 'pg_restore' | 'psql';

const debianBin = (major: number, tool: PgTool) => `/usr/lib/postgresql/${major}/bin/${tool}`;

const versionOf = (command: string): number | null => {
  const run = spawnSync(command, ['--version'], { encoding: 'utf8' });
  if (run.status !== 0) return null;
  const major = /\b(\d+)(?:\.\d+)?/.exec(run.stdout)?.[1];
  return major === undefined ? null : Number(major);
};

/**
 * `/usr/lib/postgresql/<server major>/bin` (Debian's postgresql-client-<v>, what the image
 * installs), else the one on PATH if it is at least as new, else the newest Debian one that is.
 */
export const findPgTool = (tool: PgTool, serverMajor: number): string => {
  const exact = debianBin(serverMajor, tool);
  if (fs.existsSync(exact)) return exact;
  const onPath = versionOf(tool);
  if (onPath !== null && onPath >= serverMajor) return tool;
  const installed = fs.existsSync('/usr/lib/postgresql')
    ? fs
        .readdirSync('/usr/lib/postgresql')
        .map(Number)
        .filter((v) => Number.isInteger(v) && v >= serverMajor)
        .sort((a, b) => b - a)
    : [];
  const newest = installed.map((v) => debianBin(v, tool)).find((f) => fs.existsSync(f));
  if (newest !== undefined) return newest;
  throw new Error(
    `${tool} for PostgreSQL ${serverMajor} or newer was not found${onPath === null ? '' : ` (the one on PATH is ${onPath})`}: ` +
      `install postgresql-client-${serverMajor} (Debian, Ubuntu) or put its bin directory on PATH`,
  );
};

/**
 * libpq's connection for a node-postgres URL: the URL without its password (a command
 * line is visible to every user of the machine), the password in PGPASSWORD.
 */
export const libpqConnection = (url: string): { dbname: string; env: NodeJS.ProcessEnv } => {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return {
    dbname: parsed.toString(),
    env: {
      ...process.env,
      PGAPPNAME: 'mediqueue-backup',
      ...(password !== '' && { PGPASSWORD: password }),
    },
  };
};

/** Runs `work` on one connection of its own. */
export const withClient = async <T>(
  url: string,
  work: (c: pg.Client) => Promise<T>,
): Promise<T> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

export const serverMajorVersion = (url: string): Promise<number> =>
  withClient(url, async (c) => {
    const { rows } = await c.query<{ v: string }>(
      "SELECT current_setting('server_version_num') AS v",
    );
    return Math.floor(Number(rows[0]?.v) / 10_000);
  });

export interface ToolRun {
  readonly child: ChildProcess;
  /** Resolves when the program exited 0; rejects with its last words otherwise. */
  readonly done: Promise<void>;
}

/** Starts a client program; stderr is kept (the tail) for the error message. */
export const startTool = (
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stdio: ['ignore' | 'pipe', 'ignore' | 'pipe'] = ['ignore', 'pipe'],
): ToolRun => {
  const child = spawn(command, args, { env, stdio: [stdio[0], stdio[1], 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const name = command.split('/').pop() ?? command;
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (err) => reject(new Error(`${name} could not run: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${name} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
  return { child, done };
};
