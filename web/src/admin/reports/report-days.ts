import type { components } from '../../shared/api/schema';

export type DailyReport = components['schemas']['DailyReport'];
export type ReportDay = components['schemas']['DailyReportDay'];

export interface ReportQuery {
  readonly from: string;
  readonly to: string;
  readonly departmentId?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const isoDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** The last 7 days, today included, in this browser's calendar. */
export const defaultRange = (today = new Date()): { from: string; to: string } => {
  const start = new Date(today);
  start.setDate(start.getDate() - 6);
  return { from: isoDay(start), to: isoDay(today) };
};

export const isIsoDay = (value: string | null): value is string =>
  value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));

/** Every service day from `from` to `to`, both included (UTC arithmetic: no DST surprises). */
export const daysBetween = (from: string, to: string): string[] => {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && days.length <= 366; t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
};

/** The report's rows per department, each department's days in order. */
export const byDepartment = (days: readonly ReportDay[]): Map<string, ReportDay[]> => {
  const groups = new Map<string, ReportDay[]>();
  for (const day of days) {
    const group = groups.get(day.departmentId) ?? [];
    group.push(day);
    groups.set(day.departmentId, group);
  }
  for (const group of groups.values()) group.sort((a, b) => a.day.localeCompare(b.day));
  return groups;
};

export const totals = (days: readonly ReportDay[]) => ({
  visits: days.reduce((sum, d) => sum + d.visits, 0),
  completed: days.reduce((sum, d) => sum + d.completed, 0),
  noShows: days.reduce((sum, d) => sum + d.noShows, 0),
  cancelled: days.reduce((sum, d) => sum + d.cancelled, 0),
});

/** The chart's series over every day of the range: a day without visits counts zero. */
export const series = (days: readonly ReportDay[], from: string, to: string) => {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const all = daysBetween(from, to);
  const pick = (f: (d: ReportDay) => number | null, empty: number | null) =>
    all.map((day) => {
      const d = byDay.get(day);
      return d === undefined ? empty : f(d);
    });
  return {
    labels: all,
    visits: pick((d) => d.visits, 0),
    completed: pick((d) => d.completed, 0),
    noShows: pick((d) => d.noShows, 0),
    cancelled: pick((d) => d.cancelled, 0),
    medianWait: pick((d) => d.medianWaitMinutes, null),
  };
};

export const csvFileName = (query: ReportQuery, code?: string): string =>
  `daily-report-${code !== undefined ? `${code}-` : ''}${query.from}-${query.to}.csv`;
