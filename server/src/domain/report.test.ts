import { describe, expect, it } from 'vitest';
import { daysInRange, MAX_REPORT_DAYS, reportRangeProblem } from './report.js';

describe('report ranges', () => {
  it.each([
    ['2026-11-23', '2026-11-23', 1],
    ['2026-11-23', '2026-11-24', 2],
    // Across a daylight-saving change (Europe and North America both move in March).
    ['2026-03-01', '2026-03-31', 31],
    ['2028-01-01', '2028-12-31', 366],
    ['2026-11-24', '2026-11-23', 0],
  ])('%s … %s is %i days, both ends included', (from, to, days) => {
    expect(daysInRange(from, to)).toBe(days);
  });

  it('accepts one day and a leap year; refuses a reversed range and one over a year', () => {
    expect(reportRangeProblem('2026-11-23', '2026-11-23')).toBeNull();
    expect(reportRangeProblem('2028-01-01', '2028-12-31')).toBeNull();
    expect(MAX_REPORT_DAYS).toBe(366);
    expect(reportRangeProblem('2026-11-24', '2026-11-23')).toMatchObject({ field: 'from' });
    expect(reportRangeProblem('2027-01-01', '2028-01-02')).toMatchObject({ field: 'to' });
    expect(reportRangeProblem('2026-13-01', '2026-12-01')).toMatchObject({ field: 'from' });
  });
});
