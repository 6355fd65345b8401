import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../../../test/support/pglite.js';
import { openPglite, type PgliteHandle } from './pglite-database.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('PgliteDialect (migrated template clone)', () => {
  let handle: PgliteHandle;
  let departmentId: string;

  beforeAll(async () => {
    handle = await freshPglite();
    ({ id: departmentId } = await handle.db
      .insertInto('departments')
      .values({ code: 'GEN', name: 'General' })
      .returning('id')
      .executeTakeFirstOrThrow());
    await handle.db
      .insertInto('department_counters')
      .values({ department_id: departmentId, service_day: '2026-01-15' })
      .execute();
  });
  afterAll(() => handle?.close());

  it('serializes whole transactions: 50 concurrent FOR UPDATE increments end at 50', async () => {
    const increment = () =>
      handle.db.transaction().execute(async (trx) => {
        const { last_seq } = await trx
          .selectFrom('department_counters')
          .select('last_seq')
          .where('department_id', '=', departmentId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        await sleep(1); // give the other 49 every chance to interleave here
        await trx
          .updateTable('department_counters')
          .set({ last_seq: last_seq + 1 })
          .where('department_id', '=', departmentId)
          .execute();
        return last_seq + 1;
      });

    const seqs = await Promise.all(Array.from({ length: 50 }, increment));

    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const counter = await handle.db
      .selectFrom('department_counters')
      .select('last_seq')
      .where('department_id', '=', departmentId)
      .executeTakeFirstOrThrow();
    expect(counter.last_seq).toBe(50);
  });

  it('makes a query outside a transaction wait for the open transaction', async () => {
    const order: string[] = [];
    let updated!: () => void;
    const hasUpdated = new Promise<void>((resolve) => (updated = resolve));
    class Rollback extends Error {}

    const transaction = handle.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('departments')
        .set({ name: 'Renamed' })
        .where('id', '=', departmentId)
        .execute();
      updated();
      await sleep(50);
      order.push('transaction done');
      throw new Rollback();
    });
    await hasUpdated;
    const outside = await handle.db
      .selectFrom('departments')
      .select('name')
      .where('id', '=', departmentId)
      .executeTakeFirstOrThrow();
    order.push('outside query done');

    await expect(transaction).rejects.toBeInstanceOf(Rollback);
    expect(outside.name).toBe('General');
    expect(order).toEqual(['transaction done', 'outside query done']);
  });

  it('has run the migration and reads pg shapes: date and int8 as strings, bigint counts', async () => {
    const migrations = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(
      handle.db,
    );
    expect(migrations.rows.map((r) => r.name)).toContain('0001-core');

    const counter = await handle.db
      .selectFrom('department_counters')
      .select(['service_day', 'last_seq', sql<string>`count(*) OVER ()`.as('total')])
      .executeTakeFirstOrThrow();
    expect(counter.service_day).toBe('2026-01-15'); // not a Date shifted by the time zone
    expect(typeof counter.last_seq).toBe('number'); // int4
    expect(counter.total).toBe('1'); // int8, a string as pg returns it

    const update = await handle.db
      .updateTable('department_counters')
      .set({ priority_streak: 1 })
      .executeTakeFirstOrThrow();
    expect(update.numUpdatedRows).toBe(1n);
  });

  it('reports a unique violation with code and constraint, and releases the lock', async () => {
    const duplicate = handle.db
      .transaction()
      .execute((trx) =>
        trx.insertInto('departments').values({ code: 'GEN', name: 'Again' }).execute(),
      );
    await expect(duplicate).rejects.toMatchObject({
      code: '23505',
      constraint: 'departments_code_unique',
    });
    await expect(handle.ping()).resolves.toBeUndefined();
  });
});

describe('openPglite on a data directory (lockfile)', () => {
  let dataDir: string;
  let lockfile: string;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediqueue-pglite-test-'));
    lockfile = path.join(dataDir, 'mediqueue.lock');
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  // The one fresh on-disk initdb of this file; the later tests reopen the same directory.
  it('refuses a second handle while the first is open, and opens once it is closed', async () => {
    const first = await openPglite({ dataDir });
    try {
      expect(fs.readFileSync(lockfile, 'utf8').trim()).toBe(String(process.pid));
      await sql`CREATE TABLE kept (n integer)`.execute(first.db);
      await sql`INSERT INTO kept VALUES (7)`.execute(first.db);
      await expect(openPglite({ dataDir })).rejects.toThrow(
        `MediQue is already using ${dataDir} in this process (pid ${process.pid})`,
      );
    } finally {
      await first.close();
    }
    expect(fs.existsSync(lockfile)).toBe(false);

    const second = await openPglite({ dataDir });
    try {
      const kept = await sql<{ n: number }>`SELECT n FROM kept`.execute(second.db);
      expect(kept.rows).toEqual([{ n: 7 }]);
    } finally {
      await second.close();
    }
  });

  it('refuses a lockfile held by another live process, and takes it over once it died', async () => {
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    const pid = other.pid;
    if (pid === undefined) throw new Error('could not spawn a stand-in process');
    try {
      fs.writeFileSync(lockfile, `${pid}\n`);
      await expect(openPglite({ dataDir })).rejects.toThrow(
        `another MediQue process is using ${dataDir} (pid ${pid})`,
      );
    } finally {
      other.kill();
      await once(other, 'exit');
    }

    const handle = await openPglite({ dataDir }); // pid is dead now: the lock is stale
    try {
      expect(fs.readFileSync(lockfile, 'utf8').trim()).toBe(String(process.pid));
    } finally {
      await handle.close();
    }
  });

  it('takes over a lockfile with its own pid left by an earlier run (container restart)', async () => {
    fs.writeFileSync(lockfile, `${process.pid}\n`);
    const handle = await openPglite({ dataDir });
    await handle.close();
    expect(fs.existsSync(lockfile)).toBe(false);
  });
});
