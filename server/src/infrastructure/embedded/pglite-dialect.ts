import type { PGlite, Results } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * Same shapes as pg-database.ts: `date` (1082) stays the 'YYYY-MM-DD' string, `int8` (20)
 * a string as pg returns it (PGlite would give a number). Arrays of both follow these too.
 */
export const PGLITE_PARSERS = {
  1082: (value: string) => value,
  20: (value: string) => value,
};

/**
 * A promise-chain lock, FIFO. PGlite is one session: without it two Kysely transactions
 * interleave their statements inside one BEGIN, and `FOR UPDATE` locks nothing (docs/adr/0004-pglite-dialect.md:
 * kysely-pglite 0.6.1 loses updates that way).
 */
class Lock {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.#tail.then(() => release);
    this.#tail = released;
    return acquired;
  }
}

const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

const toQueryResult = <R>(result: Results<unknown> | undefined): QueryResult<R> => ({
  rows: (result?.rows ?? []) as R[],
  // `rowCount` is per statement; `affectedRows` adds up every statement of an exec().
  ...(result?.command !== undefined && DML.has(result.command)
    ? { numAffectedRows: BigInt(result.rowCount ?? result.affectedRows ?? 0) }
    : {}),
});

class PgliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // No parameters: simple protocol, which also runs multi-statement SQL (migrations).
    const result =
      query.parameters.length === 0
        ? (await this.pglite.exec(query.sql)).at(-1)
        : await this.pglite.query(query.sql, [...query.parameters]);
    return toQueryResult<R>(result);
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streamQuery is not supported by the PGlite dialect');
  }
}

/**
 * Every connection is the one PGlite session, held exclusively from acquire to release:
 * a whole transaction, or a single query outside one, runs alone. Hence a query on the
 * outer `db` inside `db.transaction()` waits for itself forever: always use `trx`.
 */
class PgliteDriver implements Driver {
  readonly #lock = new Lock();
  readonly #releases = new WeakMap<DatabaseConnection, () => void>();
  #destroyed = false;

  constructor(private readonly pglite: PGlite) {}

  init(): Promise<void> {
    return Promise.resolve();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#destroyed) throw new Error('PGlite driver has been destroyed');
    const release = await this.#lock.acquire();
    const connection = new PgliteConnection(this.pglite);
    this.#releases.set(connection, release);
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    const access = settings.accessMode ? ` ${settings.accessMode}` : '';
    await connection.executeQuery(CompiledQuery.raw(`start transaction${isolation}${access}`));
  }

  async commitTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quote(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quote(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quote(name)}`));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    this.#releases.get(connection)?.();
    this.#releases.delete(connection);
    return Promise.resolve();
  }

  /** Waits for the holders already queued, so the caller can close PGlite safely after. */
  async destroy(): Promise<void> {
    this.#destroyed = true;
    const release = await this.#lock.acquire();
    release();
  }
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** Kysely over one PGlite instance the caller owns (and closes after `db.destroy()`). */
export class PgliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}

  createDriver = () => new PgliteDriver(this.pglite);
  createQueryCompiler = () => new PostgresQueryCompiler();
  createAdapter = () => new PostgresAdapter();
  createIntrospector = (db: Kysely<unknown>) => new PostgresIntrospector(db);
}
