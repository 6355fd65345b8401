import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { IdempotencyClaim, VisitStore } from '../../src/application/ports.js';
import type { ClassHeads } from '../../src/domain/queue-order.js';
import type { Visit } from '../../src/domain/visit.js';
import {
  applyTransition,
  at,
  auditEntry,
  checkIn,
  createDepartment,
  holdLocks,
  minutesAfter,
  newVisit,
  sleep,
  untilWaitingForLocks,
  type GetContext,
} from '../support/store-fixtures.js';
import { countRows, recorded } from '../support/store-fixtures.js';
import { sql } from 'kysely';

const YESTERDAY = '2030-05-09';
const DAY = '2030-05-10';

class Rollback extends Error {}

const idsOf = (heads: ClassHeads<Visit>) => ({
  emergency: heads.emergency?.id,
  priority: heads.priority?.id,
  normal: heads.normal?.id,
});

export const describeQueueContract = (ctx: GetContext): void => {
  describe('callQueue', () => {
    it('lockClassHeads: the earliest-queued WAITING visit of each class, today only', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: YESTERDAY });
      const room = await tx.run(({ departments }) => departments.createRoom(dep.id, 'Room 1'));
      const t = (m: number) => minutesAfter(at(DAY, '08:00'), m);
      // Left over from yesterday: queued earliest of all, but another service day.
      await checkIn(tx, dep, { serviceDay: YESTERDAY, checkedInAt: at(YESTERDAY, '16:00') });
      await checkIn(tx, dep, {
        serviceDay: YESTERDAY,
        checkedInAt: at(YESTERDAY, '16:01'),
        priority: 'emergency',
      });
      // Today, earliest, but no longer waiting.
      const called = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(0) });
      await applyTransition(tx, called.visit.id, { type: 'call', roomId: room.id }, t(30));
      const cancelled = await checkIn(tx, dep, {
        serviceDay: DAY,
        checkedInAt: t(1),
        priority: 'priority',
      });
      await applyTransition(tx, cancelled.visit.id, { type: 'cancel', reason: null }, t(31));

      const normal1 = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(2) });
      const prio1 = await checkIn(tx, dep, {
        serviceDay: DAY,
        checkedInAt: t(3),
        priority: 'priority',
      });
      await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(4) });
      await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(5), priority: 'priority' });
      const emerg1 = await checkIn(tx, dep, {
        serviceDay: DAY,
        checkedInAt: t(6),
        priority: 'emergency',
      });
      await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(7), priority: 'emergency' });

      const heads = await tx.run(({ callQueue }) => callQueue.lockClassHeads(dep.id, DAY, null));
      expect(idsOf(heads)).toEqual({
        emergency: emerg1.visit.id,
        priority: prio1.visit.id,
        normal: normal1.visit.id,
      });
      expect(heads.normal).toEqual(normal1.visit);
    });

    it('lockClassHeads orders a class by queuedAt (a requeued visit goes to the back)', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const room = await tx.run(({ departments }) => departments.createRoom(dep.id, 'Room 1'));
      const t = (m: number) => minutesAfter(at(DAY, '08:00'), m);
      const first = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(0) });
      const second = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(1) });
      await applyTransition(tx, first.visit.id, { type: 'call', roomId: room.id }, t(2));
      await applyTransition(tx, first.visit.id, { type: 'no_show' }, t(3));
      await applyTransition(tx, first.visit.id, { type: 'requeue' }, t(4));

      const heads = await tx.run(({ callQueue }) => callQueue.lockClassHeads(dep.id, DAY, null));
      expect(idsOf(heads)).toEqual({
        emergency: undefined,
        priority: undefined,
        normal: second.visit.id,
      });
    });

    it('lockClassHeads with an ageing cutoff counts a long-waiting normal visit as priority', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const t = (m: number) => minutesAfter(at(DAY, '08:00'), m);
      const oldNormal = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(0) });
      const prio = await checkIn(tx, dep, {
        serviceDay: DAY,
        checkedInAt: t(10),
        priority: 'priority',
      });
      const newNormal = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(40) });

      const plain = await tx.run(({ callQueue }) => callQueue.lockClassHeads(dep.id, DAY, null));
      expect(idsOf(plain)).toEqual({
        emergency: undefined,
        priority: prio.visit.id,
        normal: oldNormal.visit.id,
      });

      const aged = await tx.run(({ callQueue }) => callQueue.lockClassHeads(dep.id, DAY, t(30)));
      expect(idsOf(aged)).toEqual({
        emergency: undefined,
        priority: oldNormal.visit.id,
        normal: newNormal.visit.id,
      });

      // Queued exactly at the cutoff counts as aged (waited >= maxWaitMinutes).
      const atCutoff = await tx.run(({ callQueue }) =>
        callQueue.lockClassHeads(dep.id, DAY, t(40)),
      );
      expect(idsOf(atCutoff)).toEqual({
        emergency: undefined,
        priority: oldNormal.visit.id,
        normal: undefined,
      });
    });

    it('lockClassHeads on an empty queue returns no heads', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const heads = await tx.run(({ callQueue }) => callQueue.lockClassHeads(dep.id, DAY, null));
      expect(idsOf(heads)).toEqual({
        emergency: undefined,
        priority: undefined,
        normal: undefined,
      });
    });

    it('lockPriorityStreak / setPriorityStreak round-trip per department', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const other = await createDepartment(tx, { serviceDay: DAY });
      expect(await tx.run(({ callQueue }) => callQueue.lockPriorityStreak(dep.id))).toBe(0);
      await tx.run(async ({ callQueue }) => {
        expect(await callQueue.lockPriorityStreak(dep.id)).toBe(0);
        await callQueue.setPriorityStreak(dep.id, 2);
      });
      expect(await tx.run(({ callQueue }) => callQueue.lockPriorityStreak(dep.id))).toBe(2);
      expect(await tx.run(({ callQueue }) => callQueue.lockPriorityStreak(other.id))).toBe(0);
      // A rolled-back change does not stick.
      await expect(
        tx.run(async ({ callQueue }) => {
          await callQueue.setPriorityStreak(dep.id, 7);
          throw new Rollback();
        }),
      ).rejects.toBeInstanceOf(Rollback);
      expect(await tx.run(({ callQueue }) => callQueue.lockPriorityStreak(dep.id))).toBe(2);
      const snapshot = await tx.run(({ queue }) => queue.snapshot(dep.id, DAY));
      expect(snapshot.priorityStreak).toBe(2);
    });

    it('lockPriorityStreak serializes callers of one department until commit', async (test) => {
      const { tx, handle } = ctx();
      if (handle.kind === 'pglite')
        test.skip('PGlite is one connection: no concurrent transactions');
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const other = await createDepartment(tx, { serviceDay: DAY });
      const holder = await holdLocks(
        tx,
        ({ callQueue }) => callQueue.lockPriorityStreak(dep.id),
        ({ callQueue }) => callQueue.setPriorityStreak(dep.id, 1),
      );
      let secondDone = false;
      const second = tx
        .run(({ callQueue }) => callQueue.lockPriorityStreak(dep.id))
        .finally(() => (secondDone = true));
      // Another department is not held up.
      expect(await tx.run(({ callQueue }) => callQueue.lockPriorityStreak(other.id))).toBe(0);
      await untilWaitingForLocks(handle, 1, () => secondDone);
      holder.release();
      await holder.committed;
      expect(await second).toBe(1);
    });

    it('lockCounters holds every counter it names until commit, and no other', async (test) => {
      const { tx, handle } = ctx();
      if (handle.kind === 'pglite')
        test.skip('PGlite is one connection: no concurrent transactions');
      const a = await createDepartment(tx, { serviceDay: DAY });
      const b = await createDepartment(tx, { serviceDay: DAY });
      const other = await createDepartment(tx, { serviceDay: DAY });
      // Unsorted: the store sorts.
      const holder = await holdLocks(tx, ({ callQueue }) => callQueue.lockCounters([b.id, a.id]));
      // What a check-in or call-next on each department would wait for: its counter row.
      let through = 0;
      const waiters = [a, b].map((dep) =>
        tx
          .run(({ callQueue }) => callQueue.lockPriorityStreak(dep.id))
          .finally(() => (through += 1)),
      );
      try {
        // Another department is not held up.
        expect(await tx.run(({ callQueue }) => callQueue.lockPriorityStreak(other.id))).toBe(0);
        await untilWaitingForLocks(handle, 2, () => through > 0);
      } finally {
        holder.release();
        await holder.committed;
      }
      expect(await Promise.all(waiters)).toEqual([0, 0]);
    });

    it('lockClassHeads skips a visit another transaction holds (SKIP LOCKED) without waiting', async (test) => {
      const { tx, handle } = ctx();
      if (handle.kind === 'pglite')
        test.skip('PGlite is one connection: no concurrent transactions');
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const t = (m: number) => minutesAfter(at(DAY, '08:00'), m);
      const head = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(0) });
      const next = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(1) });
      const prio = await checkIn(tx, dep, {
        serviceDay: DAY,
        checkedInAt: t(2),
        priority: 'priority',
      });

      const holder = await holdLocks(tx, ({ visits }) => visits.lockById(head.visit.id));
      try {
        const started = performance.now();
        const result = await Promise.race([
          tx.run(({ callQueue }) => callQueue.lockClassHeads(dep.id, DAY, null)),
          sleep(3_000).then(() => 'waited' as const),
        ]);
        expect(result).not.toBe('waited');
        if (result === 'waited') return;
        expect(performance.now() - started).toBeLessThan(2_000);
        expect(idsOf(result)).toEqual({
          emergency: undefined,
          priority: prio.visit.id,
          normal: next.visit.id,
        });
      } finally {
        holder.release();
        await holder.committed;
      }
      // Once the holder commits, the head is the head again.
      const heads = await tx.run(({ callQueue }) => callQueue.lockClassHeads(dep.id, DAY, null));
      expect(heads.normal?.id).toBe(head.visit.id);
    });

    it('two open transactions calling heads get different patients', async (test) => {
      const { tx, handle } = ctx();
      if (handle.kind === 'pglite')
        test.skip('PGlite is one connection: no concurrent transactions');
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const t = (m: number) => minutesAfter(at(DAY, '08:00'), m);
      const visits = [];
      for (let i = 0; i < 3; i++) {
        visits.push((await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(i) })).visit);
      }
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let firstHeads!: (h: ClassHeads<Visit>) => void;
      const gotFirst = new Promise<ClassHeads<Visit>>((resolve) => (firstHeads = resolve));
      const holder = tx.run(async ({ callQueue }) => {
        firstHeads(await callQueue.lockClassHeads(dep.id, DAY, null));
        await released;
      });
      try {
        const first = await gotFirst;
        const second = await tx.run(({ callQueue }) => callQueue.lockClassHeads(dep.id, DAY, null));
        expect(first.normal?.id).toBe(visits[0]?.id);
        expect(second.normal?.id).toBe(visits[1]?.id);
      } finally {
        release();
        await holder;
      }
    });
  });

  describe('queue.snapshot', () => {
    it('splits waiting / called / in consultation and derives waits from timestamps', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const room = await tx.run(({ departments }) => departments.createRoom(dep.id, 'Room 1'));
      const t = (m: number) => minutesAfter(at(DAY, '08:00'), m);
      const call = { type: 'call', roomId: room.id } as const;

      const v1 = (await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(0) })).visit;
      const v2 = (await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(1) })).visit;
      const v3 = (await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(2) })).visit;
      const v4 = (await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(3) })).visit;
      await applyTransition(tx, v1.id, call, t(10)); // waited 10
      await applyTransition(tx, v1.id, { type: 'start' }, t(12));
      await applyTransition(tx, v1.id, { type: 'complete' }, t(20)); // served 8
      await applyTransition(tx, v2.id, call, t(16)); // waited 15
      await applyTransition(tx, v3.id, call, t(22)); // waited 20
      const last = await applyTransition(tx, v3.id, { type: 'start' }, t(23));

      const snap = await tx.run(({ queue }) => queue.snapshot(dep.id, DAY), { snapshot: true });
      expect(snap.lastEventId).toBe(last.event.eventId);
      expect(snap.lastEventId).toBe(10);
      expect(snap.priorityStreak).toBe(0);
      expect(snap.waiting.map((v) => v.id)).toEqual([v4.id]);
      expect(snap.waiting[0]).toEqual(v4);
      expect(snap.called.map((v) => v.id)).toEqual([v2.id]);
      expect(snap.inConsultation.map((v) => v.id)).toEqual([v3.id]);
      expect([...snap.waitMinutesToday].sort((a, b) => a - b)).toEqual([10, 15, 20]);
      expect(snap.recentServiceMinutes).toEqual([8]);
    });

    it('lists waiting visits in queue order and leaves out other service days', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: YESTERDAY });
      await checkIn(tx, dep, { serviceDay: YESTERDAY, checkedInAt: at(YESTERDAY, '15:00') });
      const t = (m: number) => minutesAfter(at(DAY, '08:00'), m);
      const a = (await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(5) })).visit;
      const b = (
        await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(1), priority: 'priority' })
      ).visit;
      const snap = await tx.run(({ queue }) => queue.snapshot(dep.id, DAY));
      expect(snap.waiting.map((v) => v.id)).toEqual([b.id, a.id]);
      expect(snap.lastEventId).toBe(3);
      expect(snap.waitMinutesToday).toEqual([]);
      expect(snap.recentServiceMinutes).toEqual([]);
    });

    it('recentServiceMinutes is most recent first', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const room = await tx.run(({ departments }) => departments.createRoom(dep.id, 'Room 1'));
      const t = (m: number) => minutesAfter(at(DAY, '08:00'), m);
      const serve = async (checkInAt: number, startAt: number, endAt: number) => {
        const { visit } = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: t(checkInAt) });
        await applyTransition(tx, visit.id, { type: 'call', roomId: room.id }, t(startAt - 1));
        await applyTransition(tx, visit.id, { type: 'start' }, t(startAt));
        await applyTransition(tx, visit.id, { type: 'complete' }, t(endAt));
      };
      await serve(0, 5, 10); // 5 min, ended first
      await serve(1, 11, 30); // 19 min, ended last
      await serve(2, 20, 22.5); // 2.5 min, ended in between
      const snap = await tx.run(({ queue }) => queue.snapshot(dep.id, DAY));
      expect(snap.recentServiceMinutes).toEqual([19, 2.5, 5]);
      expect([...snap.waitMinutesToday].sort((a, b) => a - b)).toEqual([4, 9, 17]);
    });
  });

  describe('idempotency record (written by the check-in statement)', () => {
    const claimOf = (credential: string) => ({
      credential,
      key: `key-${randomBytes(4).toString('hex')}`,
      fingerprint: `fp-${randomBytes(4).toString('hex')}`,
    });
    const write = (
      visits: VisitStore,
      dep: { id: string; code: string },
      claim: IdempotencyClaim,
    ) => {
      const visit = newVisit(dep, { serviceDay: DAY, checkedInAt: at(DAY, '09:00') });
      return visits.insertCheckedIn(visit, auditEntry('visit.checked_in', visit.id), claim);
    };

    it('claims once, linked to the visit; the same key again writes nothing', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const claim = claimOf(`kiosk:${randomBytes(4).toString('hex')}`);
      const first = await tx.autocommit(({ visits }) => recorded(write(visits, dep, claim)));
      expect(
        await tx.autocommit(({ idempotency }) => idempotency.find(claim.credential, claim.key)),
      ).toEqual({
        fingerprint: claim.fingerprint,
        visitId: first.visit.id,
      });
      expect((await tx.autocommit(({ visits }) => write(visits, dep, claim))).kind).toBe(
        'claim_taken',
      );
      const { handle } = ctx();
      expect(
        await countRows(
          handle,
          sql<{ n: number }>`SELECT count(*)::int AS n FROM visits WHERE department_id = ${dep.id}`,
        ),
      ).toBe(1);
      // Another credential may use the same key.
      const other = { ...claim, credential: `${claim.credential}-b` };
      expect((await tx.autocommit(({ visits }) => write(visits, dep, other))).kind).toBe(
        'recorded',
      );
    });

    it('an unknown or inactive department writes nothing, not even the key', async () => {
      const { tx } = ctx();
      const claim = claimOf(`kiosk:${randomBytes(4).toString('hex')}`);
      const missing = { id: randomUUID(), code: 'NONE' };
      expect((await tx.autocommit(({ visits }) => write(visits, missing, claim))).kind).toBe(
        'no_department',
      );
      expect(
        await tx.autocommit(({ idempotency }) => idempotency.find(claim.credential, claim.key)),
      ).toBeNull();
    });

    it('a check-in whose transaction rolls back leaves the key free', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const claim = claimOf(`kiosk:${randomBytes(4).toString('hex')}`);
      await expect(
        tx.run(async ({ visits }) => {
          await recorded(write(visits, dep, claim));
          throw new Rollback();
        }),
      ).rejects.toBeInstanceOf(Rollback);
      expect(
        await tx.autocommit(({ idempotency }) => idempotency.find(claim.credential, claim.key)),
      ).toBeNull();
      expect((await tx.autocommit(({ visits }) => write(visits, dep, claim))).kind).toBe(
        'recorded',
      );
    });
  });
};
