import { z } from 'zod';
import { reportRangeProblem } from '../domain/report.js';
import { IsoDate, Uuid } from './common.js';

/**
 * GET /api/v1/reports/daily (docs/api.md, Admin). `from` and `to` are service days (dates in
 * CLINIC_TIMEZONE), both included, at most a year apart.
 */
export const DailyReportQuery = z
  .strictObject({
    departmentId: Uuid.optional(),
    from: IsoDate.describe('First service day (YYYY-MM-DD), included'),
    to: IsoDate.describe('Last service day (YYYY-MM-DD), included; at most 366 days in all'),
  })
  .superRefine((q, ctx) => {
    const problem = reportRangeProblem(q.from, q.to);
    if (problem !== null)
      ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
  });

const Minutes = z.number().nonnegative().nullable();

/**
 * One department's service day. The field order is the CSV's column order. Minutes are
 * rounded to 0.1; medians and p90 interpolate between ranks (spreadsheets' MEDIAN and
 * PERCENTILE.INC); null when no visit had that span.
 */
export const DailyReportDay = z
  .object({
    day: IsoDate,
    departmentId: Uuid,
    visits: z.number().int().nonnegative(),
    completed: z.number().int().nonnegative(),
    noShows: z.number().int().nonnegative(),
    cancelled: z.number().int().nonnegative(),
    medianWaitMinutes: Minutes.describe('Check-in → first call'),
    p90WaitMinutes: Minutes.describe('Check-in → first call, 90th percentile'),
    medianServiceMinutes: Minutes.describe('Start → completion'),
  })
  .meta({ id: 'DailyReportDay' });

export const DailyReport = z.object({ days: z.array(DailyReportDay) }).meta({ id: 'DailyReport' });

/** The CSV columns: exactly the JSON fields, in the same order. */
export const dailyReportColumns = Object.keys(DailyReportDay.shape) as (keyof z.infer<
  typeof DailyReportDay
>)[];
