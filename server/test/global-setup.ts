import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../src/infrastructure/postgres/migrator.js';
import { assertTestDatabase, urlFor, withAdminClient } from './support/postgres.js';
import { dockerAnswers, startContainers } from './support/test-containers.js';
import { NOTHING_TO_TEST_ON, provideTestServices } from './support/test-services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testRunId: string;
  }
}

/**
 * Once per test run: a freshly migrated template database that every test file clones.
 * Names carry a run id, so two runs on one server (two developers, a helper) never drop
 * each other's databases.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Postgres and Redis: the URLs given, else containers (support/test-services.ts).
  const stopServices = await provideTestServices(process.env, {
    answers: dockerAnswers,
    start: startContainers,
  }).catch((error: unknown) => {
    // Thrown, it would be framed as "No test files found" plus an unhandled error.
    if (error instanceof Error && error.message === NOTHING_TO_TEST_ON) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  });
  const runId = randomBytes(4).toString('hex');
  const template = `mediqueue_test_${runId}_template`;
  try {
    assertTestDatabase(template);
    await withAdminClient((c) => c.query(`CREATE DATABASE ${template}`));
    const pool = new pg.Pool({ connectionString: urlFor(template), max: 1 });
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
  } catch (error) {
    await stopServices();
    throw error;
  }
  project.provide('testRunId', runId);
  return async () => {
    try {
      await withAdminClient(async (c) => {
        const { rows } = await c.query<{ datname: string }>(
          'SELECT datname FROM pg_database WHERE datname LIKE $1',
          [`mediqueue\\_test\\_${runId}\\_%`],
        );
        for (const { datname } of rows) {
          assertTestDatabase(datname);
          await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
        }
      });
    } finally {
      // Started containers stop even if dropping the databases failed.
      await stopServices();
    }
  };
}
