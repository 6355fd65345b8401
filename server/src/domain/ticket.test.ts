import { describe, expect, it } from 'vitest';
import { passwordProblems } from './password-policy.js';
import { formatTicket, isValidTimeZone, serviceDayOf } from './ticket.js';
import { estimateWaitMinutes, median, percentile } from './wait-estimate.js';

describe('formatTicket', () => {
  it.each([
    [1, 'CARD-001'],
    [12, 'CARD-012'],
    [999, 'CARD-999'],
    [1000, 'CARD-1000'],
  ])('seq %i → %s', (seq, ticket) => expect(formatTicket('CARD', seq)).toBe(ticket));
});

describe('serviceDayOf', () => {
  it('is the calendar date in the clinic time zone, not in UTC', () => {
    const lateUtc = new Date('2026-11-23T23:30:00Z');
    expect(serviceDayOf(lateUtc, 'UTC')).toBe('2026-11-23');
    expect(serviceDayOf(lateUtc, 'Africa/Kinshasa')).toBe('2026-11-24'); // UTC+1
    expect(serviceDayOf(new Date('2026-11-23T03:00:00Z'), 'America/New_York')).toBe('2026-11-22');
  });

  it('validates time zone names', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('passwordProblems', () => {
  it('accepts a strong password', () =>
    expect(passwordProblems('Corr3ct-Horse!', 'awa')).toEqual([]));
  it.each([
    ['Sh0rt!', 'at least 12'],
    ['alllowercase1!', 'upper-case'],
    ['ALLUPPERCASE1!', 'lower-case'],
    ['NoDigitsHere!!', 'digit'],
    ['NoSymbols12345', 'symbol'],
    ['Awa.Diallo-2026!', 'username'],
  ])('%s fails: %s', (password, reason) =>
    expect(passwordProblems(password, 'awa.diallo').join(' ')).toContain(reason),
  );
});

describe('wait statistics', () => {
  it('median and nearest-rank percentile', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
  });

  it('estimated wait = position ÷ open rooms × median service time', () => {
    expect(estimateWaitMinutes(6, 2, 10)).toBe(30);
    expect(estimateWaitMinutes(3, 0, 10)).toBeNull();
    expect(estimateWaitMinutes(3, 2, null)).toBeNull();
  });
});
