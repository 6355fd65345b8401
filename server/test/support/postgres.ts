import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openPostgres } from '../../src/infrastructure/postgres/pg-database.js';
import type { DatabaseHandle } from '../../src/infrastructure/postgres/pg-database.js';
import { databaseUrlFrom, NOTHING_TO_TEST_ON } from './test-services.js';

/**
 * Integration tests run on a real Postgres: the one named by TEST_DATABASE_URL (what
 * .ci/run sets), else DATABASE_URL; without either, test/global-setup.ts starts one with
 * Testcontainers and sets TEST_DATABASE_URL to it (support/test-services.ts decides).
 *
 * globalSetup migrates one template database per run; each test file gets its own
 * database cloned from it (CREATE DATABASE … TEMPLATE, ~100 ms) and drops it afterwards.
 */
/** This run's template and clone names (see test/global-setup.ts). */
const runPrefix = (): string => `mediqueue_test_${inject('testRunId')}`;

export const adminUrl = (): string => {
  const url = databaseUrlFrom(process.env);
  // Unreachable after global-setup, which stops the run without a URL or containers.
  if (url === undefined) throw new Error(NOTHING_TO_TEST_ON);
  return url;
};

export const urlFor = (database: string): string => {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
};

/** Test code only ever creates or drops databases whose name says "test". */
export const assertTestDatabase = (name: string): void => {
  if (!/test/i.test(name) || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error(
      `refusing to touch database "${name}": test databases must have "test" in their name`,
    );
  }
};

export const withAdminClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly handle: DatabaseHandle;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export const freshPostgres = async (options: { poolSize?: number } = {}): Promise<TestDatabase> => {
  const name = `${runPrefix()}_${randomBytes(4).toString('hex')}`;
  assertTestDatabase(name);
  await withAdminClient((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${runPrefix()}_template`));
  const url = urlFor(name);
  const handle = openPostgres({ connectionString: url, poolSize: options.poolSize ?? 10 });
  return {
    name,
    url,
    handle,
    drop: async () => {
      await handle.close();
      await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
};
