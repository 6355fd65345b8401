import { describe, expect, it } from 'vitest';
import {
  applyTransition,
  at,
  checkIn,
  createDepartment,
  minutesAfter,
  type GetContext,
} from '../support/store-fixtures.js';

/**
 * ReportReader on both backends: the same SQL must give the same figures on Postgres and
 * on the embedded PGlite, time zones included (PGlite carries its own zone database).
 */
export const describeReportContract = (ctx: GetContext): void => {
  describe('daily report', () => {
    it('buckets by local check-in day, waits to the first call, interpolated percentiles', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: '2030-06-01' });
      const room = await tx.run(({ departments }) => departments.createRoom(dep.id, 'R1'));
      const call = { type: 'call', roomId: room.id } as const;
      // 03:50 UTC on 1 June is 23:50 on 31 May in New York (EDT, UTC−4).
      const late = await checkIn(tx, dep, {
        serviceDay: '2030-05-31',
        checkedInAt: at('2030-06-01', '03:50'),
      });
      await applyTransition(tx, late.visit.id, call, at('2030-06-01', '04:00'));
      await applyTransition(tx, late.visit.id, { type: 'start' }, at('2030-06-01', '04:05'));
      await applyTransition(tx, late.visit.id, { type: 'complete' }, at('2030-06-01', '04:25'));
      const seen = await checkIn(tx, dep, {
        serviceDay: '2030-06-01',
        checkedInAt: at('2030-06-01', '14:00'),
      });
      await applyTransition(tx, seen.visit.id, call, at('2030-06-01', '14:30'));
      // A recall moves called_at; the wait still ends at the first call.
      await applyTransition(tx, seen.visit.id, { type: 'recall' }, at('2030-06-01', '14:35'));
      await applyTransition(tx, seen.visit.id, { type: 'start' }, at('2030-06-01', '14:36'));
      await applyTransition(
        tx,
        seen.visit.id,
        { type: 'complete' },
        minutesAfter(at('2030-06-01', '14:36'), 10),
      );
      const absent = await checkIn(tx, dep, {
        serviceDay: '2030-06-01',
        checkedInAt: at('2030-06-01', '15:00'),
      });
      await applyTransition(tx, absent.visit.id, call, at('2030-06-01', '15:20'));
      await applyTransition(tx, absent.visit.id, { type: 'no_show' }, at('2030-06-01', '15:30'));

      const query = {
        departmentIds: [dep.id],
        includeInactive: true,
        from: '2030-05-31',
        to: '2030-06-01',
      };
      const row = { departmentId: dep.id, cancelled: 0 };
      expect(
        await tx.autocommit(({ reports }) =>
          reports.daily({ ...query, timeZone: 'America/New_York' }),
        ),
      ).toEqual([
        {
          ...row,
          day: '2030-05-31',
          visits: 1,
          completed: 1,
          noShows: 0,
          medianWaitMinutes: 10,
          p90WaitMinutes: 10,
          medianServiceMinutes: 20,
        },
        // Waits [20, 30]: median 25, p90 = 20 + 0.9 × 10 = 29.
        {
          ...row,
          day: '2030-06-01',
          visits: 2,
          completed: 1,
          noShows: 1,
          medianWaitMinutes: 25,
          p90WaitMinutes: 29,
          medianServiceMinutes: 10,
        },
      ]);
      // In UTC all three are on 1 June.
      expect(
        await tx.autocommit(({ reports }) => reports.daily({ ...query, timeZone: 'UTC' })),
      ).toEqual([
        {
          ...row,
          day: '2030-05-31',
          visits: 0,
          completed: 0,
          noShows: 0,
          medianWaitMinutes: null,
          p90WaitMinutes: null,
          medianServiceMinutes: null,
        },
        // Waits [10, 20, 30]: p90 = 20 + 0.8 × 10 = 28; services [10, 20]: median 15.
        {
          ...row,
          day: '2030-06-01',
          visits: 3,
          completed: 2,
          noShows: 1,
          medianWaitMinutes: 20,
          p90WaitMinutes: 28,
          medianServiceMinutes: 15,
        },
      ]);
    });

    it('no departments in scope: no rows', async () => {
      const { tx } = ctx();
      expect(
        await tx.autocommit(({ reports }) =>
          reports.daily({
            departmentIds: [],
            includeInactive: false,
            from: '2030-06-01',
            to: '2030-06-02',
            timeZone: 'UTC',
          }),
        ),
      ).toEqual([]);
    });
  });
};
