import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/infrastructure/postgres/pg-database.js';
import { makeTransactor } from '../../src/infrastructure/postgres/transactor.js';
import { systemClock } from '../../src/infrastructure/time/system-clock.js';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import { at, checkIn, createDepartment } from '../support/store-fixtures.js';

/**
 * The check-in statement runs as a named prepared statement on Postgres (ADR 10): parsed
 * once per connection, then only bound and executed — in autocommit and inside a
 * transaction alike. `DB_PREPARED_STATEMENTS=off` sends the same text unnamed.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await freshPostgres({ poolSize: 2 });
});
afterAll(async () => {
  await db.drop();
});

const DAY = '2030-05-01';

/** One connection, so the session that prepared is the one we ask. */
const preparedNames = async (preparedStatements: boolean): Promise<string[]> => {
  const handle = openPostgres({ connectionString: db.url, poolSize: 1, preparedStatements });
  try {
    const tx = makeTransactor(handle.db, systemClock);
    const dep = await createDepartment(tx, { serviceDay: DAY });
    const first = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '08:00') });
    const second = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '08:01') });
    const claim = { credential: 'test:prepared', key: `k-${preparedStatements}`, fingerprint: 'f' };
    const claimed = await checkIn(
      tx,
      dep,
      { serviceDay: DAY, checkedInAt: at(DAY, '08:02') },
      claim,
    );
    expect([first, second, claimed].map((r) => r.visit.seq)).toEqual([1, 2, 3]);
    const { rows } = await sql<{ name: string }>`
      SELECT name FROM pg_prepared_statements ORDER BY name`.execute(handle.db);
    return rows.map((r) => r.name);
  } finally {
    await handle.close();
  }
};

describe('prepared check-in statements', () => {
  it('are prepared once per connection, by name', async () => {
    expect(await preparedNames(true)).toEqual(['mq_check_in', 'mq_check_in_claimed']);
  });

  it('are sent unnamed when switched off', async () => {
    expect(await preparedNames(false)).toEqual([]);
  });
});
