import { sql, type Kysely } from 'kysely';
import type { Clock, Transactor, TxStores } from '../../application/ports.js';
import { makeAuditLog, makeAuditReader } from './audit.repository.js';
import { makeCallQueueStore } from './call-queue.repository.js';
import { makeDepartmentStore } from './department.repository.js';
import { makeDeviceStore } from './device.repository.js';
import { makeIdempotencyStore } from './idempotency.repository.js';
import { makeHousekeeping, makeJobRuns } from './job.repository.js';
import { makeQueueReader } from './queue.repository.js';
import { makeReportReader } from './report.repository.js';
import type { Database } from './schema.js';
import { makeLoginThrottle, makeSessionStore } from './session.repository.js';
import { makeUserStore } from './user.repository.js';
import { makeVisitStore } from './visit.repository.js';

/**
 * The clock is the application's: every "now" a repository stamps or compares with comes
 * from it, never from the database's now() (docs/architecture.md, "One source of time").
 */
const storesOn = (db: Kysely<Database>, clock: Clock) => ({
  visits: makeVisitStore(db),
  callQueue: makeCallQueueStore(db),
  idempotency: makeIdempotencyStore(db),
  audit: makeAuditLog(db, clock),
  auditReader: makeAuditReader(db),
  reports: makeReportReader(db),
  departments: makeDepartmentStore(db, clock),
  users: makeUserStore(db, clock),
  devices: makeDeviceStore(db, clock),
  queue: makeQueueReader(db),
  sessions: makeSessionStore(db, clock),
  loginThrottle: makeLoginThrottle(db),
  jobRuns: makeJobRuns(db),
  housekeeping: makeHousekeeping(db),
});

export type AllStores = ReturnType<typeof storesOn>;
const _check: (s: AllStores) => TxStores = (s) => s;
void _check;

/**
 * Every use case's writes go through one Kysely transaction whose stores are all bound to
 * it (on PGlite, touching the outer handle inside a transaction would deadlock).
 */
export const makeTransactor = (db: Kysely<Database>, clock: Clock): Transactor => ({
  autocommit: (work) => work(storesOn(db, clock)),
  run: (work, options) => {
    const builder = db.transaction();
    return (
      options?.snapshot === true ? builder.setIsolationLevel('repeatable read') : builder
    ).execute((trx) => work(storesOn(trx, clock)));
  },
});

export { sql };
