import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCheckInRecorder } from '../../src/infrastructure/postgres/check-in-recorder.js';
import { insertCheckedInBatch } from '../../src/infrastructure/postgres/visit.repository.js';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import {
  bearer,
  createDepartment,
  createKiosk,
  listen,
  startTestApp,
  testConfig,
  type TestApp,
  type VisitBody,
} from '../support/app.js';
import { auditEntry, newVisit, oneToN } from '../support/store-fixtures.js';

/**
 * Group commit (issue 11, ADR 10): check-ins of one department that arrive while its
 * statement runs are written together in the next one. Through real HTTP connections to a
 * listening server on a real Postgres, without Redis, so every same-key twin is decided by
 * the Postgres record — inside one batch or across batches.
 */
let db: TestDatabase;
let t: TestApp;
let base: string;
const METRICS = 'group-commit-metrics-token';

beforeAll(async () => {
  db = await freshPostgres({ poolSize: 10 });
  t = await startTestApp(db.handle, {
    config: testConfig({ CHECKIN_GROUP_COMMIT: 'on', METRICS_TOKEN: METRICS }),
  });
  base = await listen(t.app);
});

afterAll(async () => {
  await t.close();
  await db.drop();
});

interface Answer {
  readonly key: string;
  readonly status: number;
  readonly replayed: boolean;
  readonly body: { visit?: VisitBody; code?: string };
}

const checkIn = async (token: string, key: string, body: unknown): Promise<Answer> => {
  const res = await fetch(`${base}/api/v1/checkins`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key, ...bearer(token) },
    body: JSON.stringify(body),
  });
  return {
    key,
    status: res.status,
    replayed: res.headers.get('idempotent-replayed') === 'true',
    body: (await res.json()) as Answer['body'],
  };
};

/** `mediqueue_checkin_batch_size`: check-ins written (sum) and writes (count) so far. */
const batchMetric = async (): Promise<{ sum: number; count: number }> => {
  const text = await (await fetch(`${base}/metrics`, { headers: bearer(METRICS) })).text();
  const read = (name: string): number =>
    Number(new RegExp(`^mediqueue_checkin_batch_size_${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { sum: read('sum'), count: read('count') };
};

/** In random order, so twins land in the same batch and in different ones. */
const shuffled = <T>(items: T[]): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomBytes(1)[0]! % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

const rowsOf = async (departmentId: string) =>
  (
    await sql<{ id: string; seq: number; ticket: string; tx: string }>`
      SELECT id, seq, ticket, xmin::text AS tx FROM visits WHERE department_id = ${departmentId}
      ORDER BY seq`.execute(db.handle.db)
  ).rows;

describe('group commit: concurrent check-ins of one department', () => {
  it('200 keys, 50 of them sent three times at once: seqs 1..200, one visit per key, each answer its own visit', async () => {
    const dep = await createDepartment(t, 'GRP');
    const kiosk = await createKiosk(t, [dep.id]);
    const before = await batchMetric();
    const keys = Array.from({ length: 200 }, (_, i) => `grp-${i}`);
    const requests = shuffled([...keys, ...keys.slice(0, 50), ...keys.slice(0, 50)]);
    const answers = await Promise.all(
      requests.map((key) => checkIn(kiosk, key, { departmentId: dep.id })),
    );

    expect(answers.filter((a) => a.status !== 201)).toEqual([]);
    const byKey = new Map<string, Answer[]>();
    for (const a of answers) byKey.set(a.key, [...(byKey.get(a.key) ?? []), a]);
    for (const [, same] of byKey) {
      // Twins all get the one visit: one created it, the others are replays of it.
      expect(new Set(same.map((a) => a.body.visit?.id)).size).toBe(1);
      expect(same.filter((a) => !a.replayed)).toHaveLength(1);
    }

    const rows = await rowsOf(dep.id);
    expect(rows.map((r) => r.seq)).toEqual(oneToN(200));
    expect(new Set(rows.map((r) => r.ticket)).size).toBe(200);
    const events = await sql<{ event_id: number; visit_id: string }>`
      SELECT event_id, visit_id FROM visit_events WHERE department_id = ${dep.id}
      ORDER BY event_id`.execute(db.handle.db);
    expect(events.rows.map((r) => r.event_id)).toEqual(oneToN(200));
    expect(new Set(events.rows.map((r) => r.visit_id)).size).toBe(200);

    // Every answer is its own key's visit, exactly as stored.
    const records = await sql<{ key: string; visit_id: string }>`
      SELECT key, visit_id FROM idempotency_keys
      WHERE credential LIKE 'kiosk:%' AND key LIKE 'grp-%'`.execute(db.handle.db);
    const recordOf = new Map(records.rows.map((r) => [r.key, r.visit_id]));
    expect(recordOf.size).toBe(200);
    const rowOf = new Map(rows.map((r) => [r.id, r]));
    for (const a of answers) {
      const visit = a.body.visit as VisitBody;
      expect(visit.id).toBe(recordOf.get(a.key));
      expect({ seq: visit.seq, ticket: visit.ticket }).toEqual({
        seq: rowOf.get(visit.id)?.seq,
        ticket: rowOf.get(visit.id)?.ticket,
      });
    }
    // And they were grouped: visits written by one transaction share its xmin.
    expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(200);
    // The metric counts every request that reached the recorder, twins included, per write.
    const after = await batchMetric();
    expect(after.sum - before.sum).toBe(300);
    expect(after.count - before.count).toBeLessThan(300);
    const audit = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_events a JOIN visits v ON a.entity_id = v.id::text
      WHERE v.department_id = ${dep.id} AND a.action = 'visit.checked_in'`.execute(db.handle.db);
    expect(audit.rows[0]?.n).toBe(200);
  });

  it('the same keys sent to two departments at once: one visit per key, the other body refused', async () => {
    const [a, b] = [await createDepartment(t, 'GRPA'), await createDepartment(t, 'GRPB')];
    const kiosk = await createKiosk(t, [a.id, b.id]);
    const keys = Array.from({ length: 60 }, (_, i) => `both-${i}`);
    const answers = await Promise.all(
      shuffled(
        keys.flatMap((key) => [a.id, b.id].map((departmentId) => ({ key, departmentId }))),
      ).map(({ key, departmentId }) => checkIn(kiosk, key, { departmentId })),
    );
    for (const key of keys) {
      const pair = answers.filter((x) => x.key === key);
      expect(pair.map((x) => x.status).sort()).toEqual([201, 422]);
      expect(pair.find((x) => x.status === 422)?.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    const [ra, rb] = [await rowsOf(a.id), await rowsOf(b.id)];
    expect(ra.length + rb.length).toBe(60);
    expect(ra.map((r) => r.seq)).toEqual(oneToN(ra.length));
    expect(rb.map((r) => r.seq)).toEqual(oneToN(rb.length));
  });
});

describe('group commit: a failing item', () => {
  it('fails alone; the rest of its batch is written', async () => {
    const dep = await createDepartment(t, 'GRPF');
    const recorder = makeCheckInRecorder(db.handle.db, { groupCommit: true });
    const day = new Date().toISOString().slice(0, 10);
    const item = (i: number, transferredFromVisitId: string | null = null) => {
      const visit = {
        ...newVisit(dep, { serviceDay: day, checkedInAt: new Date(Date.UTC(2030, 0, 1, 8, i)) }),
        transferredFromVisitId,
      };
      const claim = { credential: `test:${randomUUID()}`, key: `k-${i}`, fingerprint: 'fp' };
      return recorder.record(visit, auditEntry('visit.checked_in', visit.id), claim);
    };
    // The first is written alone; the next 20 queue behind it and go as one batch, which
    // fails on the one whose transfer source does not exist (a foreign key).
    const results = await Promise.allSettled([
      item(0),
      ...Array.from({ length: 20 }, (_, i) => item(i + 1, i === 7 ? randomUUID() : null)),
    ]);
    expect(results.map((r) => r.status)).toEqual(
      Array.from({ length: 21 }, (_, i) => (i === 8 ? 'rejected' : 'fulfilled')),
    );
    const rows = await rowsOf(dep.id);
    expect(rows.map((r) => r.seq)).toEqual(oneToN(20));
  });
});

describe('the batch statement', () => {
  it('writes several departments at once, each gap-free, with one answer per item in order', async () => {
    const deps = [
      await createDepartment(t, 'BSA'),
      await createDepartment(t, 'BSB'),
      await createDepartment(t, 'BSC'),
    ];
    const day = new Date().toISOString().slice(0, 10);
    const credential = `test:${randomUUID()}`;
    const item = (dep: { id: string; code: string }, i: number, key = `b-${i}`) => {
      const visit = newVisit(dep, {
        serviceDay: day,
        checkedInAt: new Date(Date.UTC(2030, 0, 1, 9, i)),
      });
      return {
        visit,
        audit: auditEntry('visit.checked_in', visit.id),
        claim: { credential, key, fingerprint: 'fp' },
      };
    };
    const recordedBefore = item(deps[1]!, 99, 'taken');
    expect((await insertCheckedInBatch(db.handle.db, day, [recordedBefore]))[0]?.kind).toBe(
      'recorded',
    );

    const items = [
      item(deps[0]!, 0),
      item(deps[1]!, 1),
      item(deps[0]!, 2),
      item({ id: randomUUID(), code: 'NONE' }, 3),
      item(deps[2]!, 4),
      item(deps[0]!, 5, 'b-0'), // a twin of the first, in the same batch
      item(deps[1]!, 6, 'taken'), // recorded by an earlier statement
      item(deps[1]!, 7),
    ];
    const answers = await insertCheckedInBatch(db.handle.db, day, items);
    expect(answers.map((a) => a.kind)).toEqual([
      'recorded',
      'recorded',
      'recorded',
      'no_department',
      'recorded',
      'claim_taken',
      'claim_taken',
      'recorded',
    ]);
    const seqOf = (i: number) => {
      const a = answers[i];
      return a?.kind === 'recorded'
        ? [a.recorded.visit.id, a.recorded.visit.seq, a.recorded.event.eventId]
        : null;
    };
    // Per department, in arrival order; department B already had one.
    expect([0, 2, 1, 7, 4].map(seqOf)).toEqual([
      [items[0]!.visit.id, 1, 1],
      [items[2]!.visit.id, 2, 2],
      [items[1]!.visit.id, 2, 2],
      [items[7]!.visit.id, 3, 3],
      [items[4]!.visit.id, 1, 1],
    ]);
    for (const dep of deps) {
      const rows = await rowsOf(dep.id);
      expect(rows.map((r) => r.seq)).toEqual(oneToN(rows.length));
    }
  });
});
