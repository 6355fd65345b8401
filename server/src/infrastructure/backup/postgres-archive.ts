import type { Readable } from 'node:stream';
import {
  findPgTool,
  libpqConnection,
  serverMajorVersion,
  startTool,
  withClient,
  type ToolRun,
} from './pg-tools.js';

/**
 * A Postgres database as a pg_dump custom-format archive, and back. The dump is one
 * snapshot (pg_dump's repeatable-read transaction), so the tables agree with each other
 * while the service keeps writing. It keeps owners and grants; restore drops both
 * (`--no-owner --no-privileges`): the restoring role owns what it creates, and the
 * application role's grants are set again by the migration that follows (ADR 8).
 */

/** Starts pg_dump; read the archive from `stdout` while `done` is pending. */
export const startDump = async (url: string): Promise<ToolRun & { stdout: Readable }> => {
  const pgDump = findPgTool('pg_dump', await serverMajorVersion(url));
  const { dbname, env } = libpqConnection(url);
  const run = startTool(
    pgDump,
    // A migration holding a table lock makes the dump fail after a minute rather than hang.
    ['--format=custom', '--no-password', '--lock-wait-timeout=60000', `--dbname=${dbname}`],
    env,
    ['ignore', 'pipe'],
  );
  const { stdout } = run.child;
  if (stdout === null) throw new Error('pg_dump has no stdout');
  return { ...run, stdout };
};

/**
 * Up to `limit` relations (tables, views, sequences) the database already holds outside
 * Postgres's own schemas and extensions, and how many there are in all.
 */
export const existingRelations = (
  url: string,
  limit = 5,
): Promise<{ total: number; names: string[] }> =>
  withClient(url, async (c) => {
    const { rows } = await c.query<{ name: string; total: number }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name, count(*) OVER ()::int AS total
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname !~ '^pg_(toast|temp)'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d
                           WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                             AND d.deptype = 'e')
        ORDER BY c.relkind <> 'r', 1
        LIMIT $1`,
      [limit],
    );
    return { total: rows[0]?.total ?? 0, names: rows.map((r) => r.name) };
  });

/** Reads the archive's table of contents: a file pg_restore cannot read fails here. */
export const checkArchive = async (url: string, archive: string): Promise<void> => {
  const pgRestore = findPgTool('pg_restore', await serverMajorVersion(url));
  await startTool(pgRestore, ['--list', archive], process.env, ['ignore', 'ignore']).done;
};

/**
 * `--force`: the schema MediQue lives in is emptied in the same transaction as the restore,
 * and put back as Postgres 15 creates it (owned by the database owner, usable by all).
 * The lock timeout makes a restore beside running instances fail instead of queueing
 * behind them; the archive's own settings follow.
 */
const replaceSchema = [
  "SET lock_timeout = '30s';",
  'DROP SCHEMA IF EXISTS public CASCADE;',
  'CREATE SCHEMA public;',
  'ALTER SCHEMA public OWNER TO pg_database_owner;',
  'GRANT USAGE ON SCHEMA public TO PUBLIC;',
].join('\n');

/**
 * Restores `archive` in ONE transaction: pg_restore writes SQL, psql runs it between our
 * BEGIN and a COMMIT sent only once pg_restore has finished cleanly. Any error — in the
 * SQL, in pg_restore, a dropped connection — ends psql without the COMMIT, and Postgres
 * rolls everything back: the database is as it was.
 */
export const restoreArchive = async (
  url: string,
  archive: string,
  options: { replace: boolean },
): Promise<void> => {
  const major = await serverMajorVersion(url);
  const { dbname, env } = libpqConnection(url);
  const psql = startTool(
    findPgTool('psql', major),
    ['-X', '--quiet', '--no-password', '-v', 'ON_ERROR_STOP=1', `--dbname=${dbname}`],
    env,
    ['pipe', 'ignore'],
  );
  const pgRestore = startTool(
    findPgTool('pg_restore', major),
    ['--no-owner', '--no-privileges', '--file=-', archive],
    process.env,
    ['ignore', 'pipe'],
  );
  const { stdin } = psql.child;
  const { stdout } = pgRestore.child;
  if (stdin === null || stdout === null) throw new Error('psql or pg_restore has no pipe');
  // psql stopping early (an SQL error) closes its stdin: EPIPE here, reported by psql.done.
  stdin.on('error', () => {});
  const abort = () => {
    pgRestore.child.kill('SIGKILL');
    psql.child.kill('SIGKILL'); // no COMMIT was sent: Postgres rolls back
  };
  stdin.write(`BEGIN;\n${options.replace ? `${replaceSchema}\n` : ''}`);
  stdout.pipe(stdin, { end: false });
  try {
    await Promise.race([
      pgRestore.done,
      psql.done.then(() => {
        throw new Error('psql ended before the archive did');
      }),
    ]);
  } catch (err) {
    abort();
    await Promise.allSettled([psql.done, pgRestore.done]);
    throw await betterError(psql, err);
  }
  stdin.end('COMMIT;\n');
  await psql.done;
};

/** psql's own error says more than "pg_restore was killed" when psql stopped first. */
const betterError = async (psql: ToolRun, fallback: unknown): Promise<unknown> => {
  const outcome = await psql.done.then(
    () => null,
    (err: unknown) => err,
  );
  return outcome instanceof Error && !/SIGKILL/.test(outcome.message) ? outcome : fallback;
};
