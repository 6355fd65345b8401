import type { Kysely } from 'kysely';
import type { CheckInRecorder, CheckInWrite } from '../../application/ports.js';
import type { BatchItem } from './check-in-batch.statement.js';
import { makeGroupCommit } from './group-commit.js';
import type { Database } from './schema.js';
import { insertCheckedInBatch, makeVisitStore } from './visit.repository.js';

/**
 * At most this many check-ins per statement: about twice what one instance's 32 busy
 * connections queue behind a running statement, and a statement of a few milliseconds.
 */
export const MAX_CHECK_IN_BATCH = 64;

/**
 * How check-ins reach Postgres (ADR 10). With `groupCommit`, check-ins that arrive while a
 * statement of their queue runs are written together by the next; `scope` says what a queue
 * covers (one department, or every department of this instance dealt over `shards` queues).
 * Without it (PGlite: one connection, nothing to gain; or `CHECKIN_GROUP_COMMIT=off`) each
 * check-in is its own autocommit statement, as in ADR 2.
 */
export const makeCheckInRecorder = (
  db: Kysely<Database>,
  options: {
    readonly groupCommit: boolean;
    /**
     * What one queue (one statement at a time) covers: each department on its own, or every
     * department of this instance together (one commit for all of them; ADR 10 measures both).
     */
    readonly scope?: 'department' | 'instance';
    /** Statements of one queue in flight at once (group-commit.ts `maxInFlight`). */
    readonly inFlight?: number;
    /**
     * With `scope: 'instance'`: the departments are dealt over this many queues, so
     * batches of different queues touch different counter rows and commit side by side.
     */
    readonly shards?: number;
    readonly maxBatch?: number;
    readonly onBatchError?: (err: unknown, size: number) => void;
    /** The number of check-ins each committed statement wrote. */
    readonly onWritten?: (size: number) => void;
  },
): CheckInRecorder => {
  const visits = makeVisitStore(db);
  const one = ({ visit, audit, claim }: BatchItem): Promise<CheckInWrite> =>
    visits.insertCheckedIn(visit, audit, claim);
  if (!options.groupCommit)
    return { record: (visit, audit, claim) => one({ visit, audit, claim }) };

  const group = makeGroupCommit<BatchItem, CheckInWrite>({
    runOne: one,
    // Every item of a batch has the key's service day.
    runBatch: (items) => {
      const first = items[0];
      if (first === undefined) return Promise.resolve([]);
      return insertCheckedInBatch(db, first.visit.serviceDay, items);
    },
    maxBatch: options.maxBatch ?? MAX_CHECK_IN_BATCH,
    maxInFlight: options.inFlight ?? 1,
    ...(options.onBatchError && { onBatchError: options.onBatchError }),
    ...(options.onWritten && { onWritten: options.onWritten }),
  });
  // One queue per service day (and department): around midnight the old day's queue drains
  // while the new day's starts; both take the same counter rows, one after the other.
  const shardOf = makeShards(Math.max(1, options.shards ?? 1));
  const keyOf =
    options.scope === 'instance'
      ? (v: BatchItem['visit']) => `${v.serviceDay}/${shardOf(v.departmentId)}`
      : (v: BatchItem['visit']) => `${v.departmentId}/${v.serviceDay}`;
  return {
    record: (visit, audit, claim) => group.submit(keyOf(visit), { visit, audit, claim }),
  };
};

/**
 * Departments dealt to `n` queues in the order they are first seen, so a clinic's busy
 * departments spread evenly. Unknown ids (a mistyped department) are dealt too; the map is
 * reset past a bound no clinic reaches, and a reset only moves departments between queues.
 */
const makeShards = (n: number): ((departmentId: string) => number) => {
  const dealt = new Map<string, number>();
  return (departmentId) => {
    if (n === 1) return 0;
    let shard = dealt.get(departmentId);
    if (shard === undefined) {
      if (dealt.size >= 10_000) dealt.clear();
      shard = dealt.size % n;
      dealt.set(departmentId, shard);
    }
    return shard;
  };
};
