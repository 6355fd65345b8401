import { sql, type Kysely } from 'kysely';
import type { Transactor, TxStores } from '../../application/ports.js';
import { makeAuditLog, makeAuditReader } from './audit.repository.js';
import { makeCallQueueStore } from './call-queue.repository.js';
import { makeDepartmentStore } from './department.repository.js';
import { makeDeviceStore } from './device.repository.js';
import { makeIdempotencyStore } from './idempotency.repository.js';
import { makeQueueReader } from './queue.repository.js';
import type { Database } from './schema.js';
import { makeLoginThrottle, makeSessionStore } from './session.repository.js';
import { makeUserStore } from './user.repository.js';
import { makeVisitStore } from './visit.repository.js';

const storesOn = (db: Kysely<Database>) => ({
  visits: makeVisitStore(db),
  callQueue: makeCallQueueStore(db),
  idempotency: makeIdempotencyStore(db),
  audit: makeAuditLog(db),
  auditReader: makeAuditReader(db),
  departments: makeDepartmentStore(db),
  users: makeUserStore(db),
  devices: makeDeviceStore(db),
  queue: makeQueueReader(db),
  sessions: makeSessionStore(db),
  loginThrottle: makeLoginThrottle(db),
});

export type AllStores = ReturnType<typeof storesOn>;
const _check: (s: AllStores) => TxStores = (s) => s;
void _check;

/**
 * Every use case's writes go through one Kysely transaction whose stores are all bound to
 * it (on PGlite, touching the outer handle inside a transaction would deadlock).
 */
export const makeTransactor = (db: Kysely<Database>): Transactor => ({
  read: (work) => work(storesOn(db)),
  run: (work, options) => {
    const builder = db.transaction();
    return (
      options?.snapshot === true ? builder.setIsolationLevel('repeatable read') : builder
    ).execute((trx) => work(storesOn(trx)));
  },
});

export { sql };
