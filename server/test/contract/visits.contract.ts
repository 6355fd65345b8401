import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { formatTicket } from '../../src/domain/ticket.js';
import { makeEventLog } from '../../src/infrastructure/postgres/event-log.repository.js';
import {
  applyTransition,
  at,
  auditEntry,
  checkIn,
  counterOf,
  countRows,
  createDepartment,
  eventIdsOf,
  holdLocks,
  minutesAfter,
  newVisit,
  oneToN,
  untilWaitingForLocks,
  type GetContext,
} from '../support/store-fixtures.js';
import { recorded } from '../support/store-fixtures.js';

const DAY = '2030-04-01';
const NEXT_DAY = '2030-04-02';

class Rollback extends Error {}

export const describeVisitContract = (ctx: GetContext): void => {
  describe('visits.insertCheckedIn', () => {
    it('numbers 1, 2, 3 per department per service day with CODE-00n tickets', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const other = await createDepartment(tx, { serviceDay: DAY });
      const t0 = at(DAY, '08:00');
      const visits = [];
      for (let i = 0; i < 3; i++) {
        visits.push(
          (await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: minutesAfter(t0, i) })).visit,
        );
        // Another department's check-ins do not touch this department's numbers.
        await checkIn(tx, other, { serviceDay: DAY, checkedInAt: minutesAfter(t0, i) });
      }
      expect(visits.map((v) => [v.seq, v.ticket])).toEqual([
        [1, `${dep.code}-001`],
        [2, `${dep.code}-002`],
        [3, `${dep.code}-003`],
      ]);
      const first = visits[0];
      expect(first).toMatchObject({
        departmentId: dep.id,
        serviceDay: DAY,
        state: 'WAITING',
        version: 1,
        priority: 'normal',
        callCount: 0,
        roomId: null,
        calledAt: null,
        checkedInAt: t0,
        queuedAt: t0,
      });
      expect(await tx.run(({ visits: v }) => v.findById(first?.id ?? ''))).toEqual(first);
    });

    it('keeps what it was given: id, token, priority, patient, transfer link', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const source = (await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '08:00') }))
        .visit;
      const input = {
        ...newVisit(dep, {
          serviceDay: DAY,
          checkedInAt: at(DAY, '08:30'),
          priority: 'emergency',
          displayName: 'Ada L.',
        }),
        patient: { displayName: 'Ada L.', phone: '+15550100' },
        transferredFromVisitId: source.id,
      };
      const { visit } = await tx.run(({ visits }) =>
        recorded(visits.insertCheckedIn(input, auditEntry('visit.checked_in', input.id), null)),
      );
      expect(visit).toMatchObject({
        id: input.id,
        publicToken: input.publicToken,
        priority: 'emergency',
        patient: { displayName: 'Ada L.', phone: '+15550100' },
        transferredFromVisitId: source.id,
        transferredToVisitId: null,
        cancelReason: null,
        seq: 2,
      });
    });

    it('restarts at 1 on a later service day', async () => {
      const { tx, handle } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '08:00') });
      await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '09:00') });
      const next = await checkIn(tx, dep, {
        serviceDay: NEXT_DAY,
        checkedInAt: at(NEXT_DAY, '07:00'),
      });
      expect(next.visit).toMatchObject({ seq: 1, ticket: `${dep.code}-001`, serviceDay: NEXT_DAY });
      // The event number is per department, not per day: it carries on.
      expect(next.event.eventId).toBe(3);
      expect(await counterOf(handle, dep.id)).toEqual({
        service_day: NEXT_DAY,
        last_seq: 1,
        last_event_id: 3,
      });
    });

    it('a service day earlier than the counter (clock skew) counts on the newer day, no reuse', async () => {
      const { tx, handle } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      await checkIn(tx, dep, { serviceDay: NEXT_DAY, checkedInAt: at(NEXT_DAY, '00:00') });
      // An instance whose clock is a little behind still thinks it is DAY.
      const skewed = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '23:59') });
      expect(skewed.visit).toMatchObject({
        seq: 2,
        ticket: `${dep.code}-002`,
        serviceDay: NEXT_DAY,
      });
      const after = await checkIn(tx, dep, {
        serviceDay: NEXT_DAY,
        checkedInAt: at(NEXT_DAY, '00:01'),
      });
      expect(after.visit.seq).toBe(3);
      expect(await counterOf(handle, dep.id)).toMatchObject({ service_day: NEXT_DAY, last_seq: 3 });
      expect(
        await countRows(
          handle,
          sql`SELECT count(*)::int AS n FROM visits
              WHERE department_id = ${dep.id} AND service_day = ${DAY}::date`,
        ),
      ).toBe(0);
    });

    it.each([1, 9, 10, 99, 100, 999, 1000, 12345])(
      'formats seq %i exactly like the domain formatTicket',
      async (seq) => {
        const { tx, handle } = ctx();
        const dep = await createDepartment(tx, { serviceDay: DAY });
        await sql`UPDATE department_counters SET last_seq = ${seq - 1}
                  WHERE department_id = ${dep.id}`.execute(handle.db);
        const { visit } = await checkIn(tx, dep, {
          serviceDay: DAY,
          checkedInAt: at(DAY, '10:00'),
        });
        expect(visit.seq).toBe(seq);
        expect(visit.ticket).toBe(formatTicket(dep.code, seq));
      },
    );

    it('returns the next event (previous + 1, visit.checked_in) and writes event and audit rows', async () => {
      const { tx, handle } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const first = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '08:00') });
      const second = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '08:05') });
      expect(first.event.eventId).toBe(1);
      expect(second.event).toEqual({
        departmentId: dep.id,
        eventId: first.event.eventId + 1,
        type: 'visit.checked_in',
        visit: second.visit,
        serviceDay: DAY,
        occurredAt: at(DAY, '08:05'),
      });
      const { rows } = await sql<{ event_id: number; type: string; visit_id: string }>`
        SELECT event_id, type, visit_id FROM visit_events WHERE department_id = ${dep.id}
        ORDER BY event_id`.execute(handle.db);
      expect(rows).toEqual([
        { event_id: 1, type: 'visit.checked_in', visit_id: first.visit.id },
        { event_id: 2, type: 'visit.checked_in', visit_id: second.visit.id },
      ]);
      const audit = await sql<{ action: string; entity: string; actor_type: string; ip: string }>`
        SELECT action, entity, actor_type, ip FROM audit_events
        WHERE entity_id = ${second.visit.id}`.execute(handle.db);
      expect(audit.rows).toEqual([
        { action: 'visit.checked_in', entity: 'visit', actor_type: 'system', ip: '127.0.0.1' },
      ]);
    });

    it('a transaction that throws after insertCheckedIn leaves no visit, event, audit row or counter change', async () => {
      const { tx, handle } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '08:00') });
      const counterBefore = await counterOf(handle, dep.id);
      const visit = newVisit(dep, { serviceDay: NEXT_DAY, checkedInAt: at(NEXT_DAY, '08:00') });

      await expect(
        tx.run(async ({ visits }) => {
          const written = await recorded(
            visits.insertCheckedIn(visit, auditEntry('visit.checked_in', visit.id), null),
          );
          expect(written.visit.seq).toBe(1);
          throw new Rollback('after the write');
        }),
      ).rejects.toBeInstanceOf(Rollback);

      expect(await counterOf(handle, dep.id)).toEqual(counterBefore);
      expect(
        await countRows(handle, sql`SELECT count(*)::int AS n FROM visits WHERE id = ${visit.id}`),
      ).toBe(0);
      expect(
        await countRows(
          handle,
          sql`SELECT count(*)::int AS n FROM visit_events WHERE visit_id = ${visit.id}`,
        ),
      ).toBe(0);
      expect(
        await countRows(
          handle,
          sql`SELECT count(*)::int AS n FROM audit_events WHERE entity_id = ${visit.id}`,
        ),
      ).toBe(0);
      // And the number it had taken is handed out again: nothing was burnt.
      const next = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '08:10') });
      expect(next.visit.seq).toBe(2);
      expect(next.event.eventId).toBe(2);
    });

    it('30 concurrent check-ins in one department get seqs 1..30 and event ids 1..30', async () => {
      const { tx, handle } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const t0 = at(DAY, '09:00');
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          checkIn(tx, dep, { serviceDay: DAY, checkedInAt: minutesAfter(t0, i) }),
        ),
      );
      expect(results.map((r) => r.visit.seq).sort((a, b) => a - b)).toEqual(oneToN(30));
      expect(results.map((r) => r.event.eventId).sort((a, b) => a - b)).toEqual(oneToN(30));
      expect(new Set(results.map((r) => r.visit.ticket)).size).toBe(30);
      for (const r of results) expect(r.visit.ticket).toBe(formatTicket(dep.code, r.visit.seq));
      expect(await eventIdsOf(handle, dep.id)).toEqual(oneToN(30));
      expect(await counterOf(handle, dep.id)).toEqual({
        service_day: DAY,
        last_seq: 30,
        last_event_id: 30,
      });
    });

    it('checkInSnapshot returns the visit as checked in, even after a transition', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const room = await tx.run(({ departments }) => departments.createRoom(dep.id, 'Room 1'));
      const { visit } = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '08:00') });
      await applyTransition(tx, visit.id, { type: 'call', roomId: room.id }, at(DAY, '08:20'));

      const snapshot = await tx.run(({ visits }) => visits.checkInSnapshot(visit.id));
      expect(snapshot).toEqual(visit);
      expect((await tx.run(({ visits }) => visits.findById(visit.id)))?.state).toBe('CALLED');
      expect(await tx.run(({ visits }) => visits.checkInSnapshot(randomUUID()))).toBeNull();
    });

    it('the event log reads back every event exactly as it was recorded (and published)', async () => {
      const { tx, handle } = ctx();
      const log = makeEventLog(handle.db);
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const room = await tx.run(({ departments }) => departments.createRoom(dep.id, 'Room 1'));
      const checkedIn = await checkIn(tx, dep, {
        serviceDay: DAY,
        checkedInAt: at(DAY, '08:00'),
        displayName: 'Awa Log',
      });
      const id = checkedIn.visit.id;
      const called = await applyTransition(
        tx,
        id,
        { type: 'call', roomId: room.id },
        at(DAY, '08:20'),
      );
      const cancelled = await applyTransition(
        tx,
        id,
        { type: 'cancel', reason: 'left' },
        at(DAY, '08:21'),
      );
      const recordedEvents = [checkedIn.event, called.event, cancelled.event];

      expect(await log.readAfter(dep.id, 0, 10)).toEqual(recordedEvents);
      expect(await log.readAfter(dep.id, 1, 1)).toEqual([called.event]);
      expect(await log.head(dep.id)).toEqual({ lastEventId: 3, serviceDay: DAY });
      expect(await log.serviceDayOf(dep.id, 2)).toBe(DAY);
    });
  });

  describe('visits.lockById / saveTransition', () => {
    it('bumps the version, continues the event sequence and returns the new state', async () => {
      const { tx, handle } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const room = await tx.run(({ departments }) => departments.createRoom(dep.id, 'Room 1'));
      const { visit } = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '08:00') });
      const locked = await tx.run(({ visits }) => visits.lockById(visit.id));
      expect(locked).toEqual(visit);

      const called = await applyTransition(
        tx,
        visit.id,
        { type: 'call', roomId: room.id },
        at(DAY, '08:10'),
      );
      expect(called.visit).toEqual({
        ...visit,
        state: 'CALLED',
        version: 2,
        roomId: room.id,
        callCount: 1,
        calledAt: at(DAY, '08:10'),
      });
      expect(called.event).toEqual({
        departmentId: dep.id,
        eventId: 2,
        type: 'visit.called',
        visit: called.visit,
        serviceDay: DAY,
        occurredAt: at(DAY, '08:10'),
      });
      const started = await applyTransition(tx, visit.id, { type: 'start' }, at(DAY, '08:12'));
      const completed = await applyTransition(tx, visit.id, { type: 'complete' }, at(DAY, '08:30'));
      expect([started.visit.version, completed.visit.version]).toEqual([3, 4]);
      expect([started.event.eventId, completed.event.eventId]).toEqual([3, 4]);
      expect(completed.visit).toMatchObject({
        state: 'COMPLETED',
        startedAt: at(DAY, '08:12'),
        endedAt: at(DAY, '08:30'),
      });
      expect(await tx.run(({ visits }) => visits.findById(visit.id))).toEqual(completed.visit);
      expect(await eventIdsOf(handle, dep.id)).toEqual([1, 2, 3, 4]);
      expect(
        await countRows(
          handle,
          sql`SELECT count(*)::int AS n FROM audit_events WHERE entity_id = ${visit.id}`,
        ),
      ).toBe(4);
      expect(await tx.run(({ visits }) => visits.lockById(randomUUID()))).toBeNull();
    });

    it('a transition that rolls back changes neither the visit nor the event sequence', async () => {
      const { tx, handle } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const { visit } = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '08:00') });
      await expect(
        tx.run(async ({ visits }) => {
          const before = await visits.lockById(visit.id);
          if (before === null) throw new Error('missing');
          const after = { ...before, state: 'CANCELLED' as const, version: 2 };
          await visits.saveTransition(
            before,
            after,
            'visit.cancelled',
            auditEntry('visit.cancelled', visit.id),
            at(DAY, '08:05'),
          );
          throw new Rollback('after the write');
        }),
      ).rejects.toBeInstanceOf(Rollback);
      expect(await tx.run(({ visits }) => visits.findById(visit.id))).toEqual(visit);
      expect(await counterOf(handle, dep.id)).toMatchObject({ last_event_id: 1 });
      expect(await eventIdsOf(handle, dep.id)).toEqual([1]);
    });

    it('a save from a stale version is refused and changes nothing (no lost update)', async () => {
      const { tx, handle } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const { visit } = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '08:00') });
      const cancelled = await applyTransition(
        tx,
        visit.id,
        { type: 'cancel', reason: 'first' },
        at(DAY, '08:01'),
      );
      // A writer that read version 1 before the cancel commits its own change. The error is
      // caught inside the transaction, which then commits: what the store wrote is what stays.
      const outcome = await tx.run(async ({ visits }) => {
        const stale = { ...visit };
        try {
          await visits.saveTransition(
            stale,
            { ...stale, state: 'CALLED', version: 2, callCount: 1, calledAt: at(DAY, '08:02') },
            'visit.called',
            auditEntry('visit.called', visit.id),
            at(DAY, '08:02'),
          );
          return 'saved';
        } catch {
          return 'refused';
        }
      });
      expect(outcome).toBe('refused');
      expect(await tx.run(({ visits }) => visits.findById(visit.id))).toEqual(cancelled.visit);
      expect(await eventIdsOf(handle, dep.id)).toEqual([1, 2]);
      expect(await counterOf(handle, dep.id)).toMatchObject({ last_event_id: 2 });
      expect(
        await countRows(
          handle,
          sql`SELECT count(*)::int AS n FROM audit_events WHERE entity_id = ${visit.id}`,
        ),
      ).toBe(2);
    });

    it('lockById holds the row until commit: a second locker waits, then sees the change', async (test) => {
      const { tx, handle } = ctx();
      if (handle.kind === 'pglite')
        test.skip('PGlite is one connection: no concurrent transactions');
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const room = await tx.run(({ departments }) => departments.createRoom(dep.id, 'Room 1'));
      const { visit } = await checkIn(tx, dep, { serviceDay: DAY, checkedInAt: at(DAY, '08:00') });

      const holder = await holdLocks(
        tx,
        async ({ visits }) => {
          const before = await visits.lockById(visit.id);
          if (before === null) throw new Error('missing');
          return before;
        },
        ({ visits }, before) => {
          const after = {
            ...before,
            state: 'CALLED' as const,
            version: 2,
            roomId: room.id,
            callCount: 1,
            calledAt: at(DAY, '08:05'),
          };
          return visits.saveTransition(
            before,
            after,
            'visit.called',
            auditEntry('visit.called', visit.id),
            at(DAY, '08:05'),
          );
        },
      );
      let secondDone = false;
      const second = tx
        .run(({ visits }) => visits.lockById(visit.id))
        .finally(() => (secondDone = true));
      await untilWaitingForLocks(handle, 1, () => secondDone);
      holder.release();
      await holder.committed;
      expect(await second).toMatchObject({ state: 'CALLED', version: 2, roomId: room.id });
    });

    it('check-ins and transitions interleaved across two departments keep each gap-free', async () => {
      const { tx, handle } = ctx();
      const a = await createDepartment(tx, { serviceDay: DAY });
      const b = await createDepartment(tx, { serviceDay: DAY });
      const roomA = await tx.run(({ departments }) => departments.createRoom(a.id, 'A1'));
      const roomB = await tx.run(({ departments }) => departments.createRoom(b.id, 'B1'));
      const t = (m: number) => minutesAfter(at(DAY, '08:00'), m);

      const a1 = await checkIn(tx, a, { serviceDay: DAY, checkedInAt: t(0) });
      const b1 = await checkIn(tx, b, { serviceDay: DAY, checkedInAt: t(1) });
      const a2 = await applyTransition(tx, a1.visit.id, { type: 'call', roomId: roomA.id }, t(2));
      const b2 = await checkIn(tx, b, { serviceDay: DAY, checkedInAt: t(3) });
      const b3 = await applyTransition(tx, b1.visit.id, { type: 'call', roomId: roomB.id }, t(4));
      const a3 = await checkIn(tx, a, { serviceDay: DAY, checkedInAt: t(5) });
      const a4 = await applyTransition(tx, a1.visit.id, { type: 'recall' }, t(6));
      const b4 = await applyTransition(tx, b1.visit.id, { type: 'no_show' }, t(7));
      const a5 = await applyTransition(tx, a3.visit.id, { type: 'cancel', reason: 'left' }, t(8));

      expect([a1, a2, a3, a4, a5].map((r) => r.event.eventId)).toEqual([1, 2, 3, 4, 5]);
      expect([b1, b2, b3, b4].map((r) => r.event.eventId)).toEqual([1, 2, 3, 4]);
      expect(await eventIdsOf(handle, a.id)).toEqual([1, 2, 3, 4, 5]);
      expect(await eventIdsOf(handle, b.id)).toEqual([1, 2, 3, 4]);
      expect((await counterOf(handle, a.id)).last_event_id).toBe(5);
      expect((await counterOf(handle, b.id)).last_event_id).toBe(4);
      expect(a4.visit).toMatchObject({ state: 'CALLED', callCount: 2, version: 3 });
      expect(a5.visit).toMatchObject({ state: 'CANCELLED', cancelReason: 'left' });
    });
  });
};
