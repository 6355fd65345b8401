import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { namedStatementPool } from './prepared-statements.js';
import type { Database } from './schema.js';

export interface DatabaseHandle {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Kysely<Database>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  /** Pool usage, for metrics (Postgres only: PGlite is one connection). */
  readonly poolStats?: () => { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

const DATE_OID = 1082;

/** `date` as the 'YYYY-MM-DD' string it is; pg would shift it through a local-time Date. */
const keepDate = (value: string): string => value;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === DATE_OID
      ? keepDate
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

export interface PgOptions {
  readonly connectionString: string;
  /** A hot counter row favours a small pool (docs/adr/0002-one-statement-check-in.md: 4–8 beats 16). */
  readonly poolSize?: number;
  readonly statementTimeoutMs?: number;
  /**
   * Hot statements as named prepared statements (default on); off for a connection pooler
   * that cannot keep them across transactions (prepared-statements.ts).
   */
  readonly preparedStatements?: boolean;
  readonly logger?: Logger;
}

export const openPostgres = (options: PgOptions): DatabaseHandle => {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    types,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'mediqueue',
  });
  // An idle client that loses its connection emits here; unhandled it would crash the process.
  pool.on('error', (err) => options.logger?.error({ err }, 'postgres pool client error'));
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: options.preparedStatements === false ? pool : namedStatementPool(pool),
    }),
  });
  return {
    kind: 'postgres',
    db,
    ping: async () => {
      await pool.query('SELECT 1');
    },
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
    close: () => db.destroy(),
  };
};
