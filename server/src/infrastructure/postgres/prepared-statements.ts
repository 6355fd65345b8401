import type pg from 'pg';
import { CompiledQuery, type Kysely, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type { Database } from './schema.js';

/**
 * Named prepared statements for the hot path, without giving up Kysely.
 *
 * A statement registered here is fixed SQL text with `$n` placeholders. Repositories run it
 * with `runStatement(db, statement, params)` — on the pool or inside a transaction alike —
 * and the pool wrapper below recognises the text and sends it as a *named* statement: the
 * first use on a connection parses and plans it (Parse), every later use only binds and
 * executes it. That saves Postgres the parse/analyse/rewrite of a large statement each
 * time (the check-in statement: ~0.35 ms of its ~1.1 ms unloaded), and saves the server
 * compiling a Kysely template. On PGlite, or with `DB_PREPARED_STATEMENTS=off` (a pooler
 * that cannot keep prepared statements), the same text runs unnamed: same result.
 *
 * Keep the final SELECT list of a registered statement explicit (no `*`): a prepared plan
 * whose result columns change (a migration by a newer instance) fails with "cached plan
 * must not change result type".
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** Text → name. Texts are module constants, so the map never grows at run time. */
const registry = new Map<string, string>();

export const defineStatement = (name: string, text: string): Statement => {
  const known = registry.get(text);
  if (known !== undefined && known !== name) {
    throw new Error(`statement text registered twice, as ${known} and ${name}`);
  }
  registry.set(text, name);
  return { name, text };
};

export const runStatement = <R>(
  db: Kysely<Database>,
  statement: Statement,
  params: readonly unknown[],
) => db.executeQuery<R>(CompiledQuery.raw(statement.text, [...params]));

/**
 * A pg pool as Kysely sees it, whose clients send registered texts as named statements
 * (pg keeps them per connection and only sends Parse the first time on each).
 */
export const namedStatementPool = (pool: pg.Pool): PostgresPool => {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  // Kysely only ever calls query(text, values) here (no cursors are configured).
  const query = (client: pg.PoolClient, text: string, values: readonly unknown[]) => {
    const name = registry.get(text);
    return name === undefined
      ? client.query(text, values as unknown[])
      : client.query({ name, text, values: values as unknown[] });
  };
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    query: ((text: string, values: readonly unknown[]) =>
      query(client, text, values)) as unknown as PostgresPoolClient['query'],
    release: () => client.release(),
  });
  return {
    connect: async () => {
      const client = await pool.connect();
      let w = wrapped.get(client);
      if (w === undefined) {
        w = wrap(client);
        // Kysely keeps its connection object per client; return the same wrapper each time.
        wrapped.set(client, w);
      }
      return w;
    },
    end: () => pool.end(),
  };
};
