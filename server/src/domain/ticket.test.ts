import { describe, expect, it } from 'vitest';
import { passwordProblems } from './password-policy.js';
import { formatTicket, isValidTimeZone, serviceDayEndOf, serviceDayOf } from './ticket.js';
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

  it('answers each moment on its own, whatever was asked just before (per-second memo)', () => {
    const beforeMidnight = new Date('2026-11-23T22:59:59.999Z');
    const atMidnight = new Date('2026-11-23T23:00:00.000Z'); // 00:00 in Kinshasa
    expect(serviceDayOf(beforeMidnight, 'Africa/Kinshasa')).toBe('2026-11-23');
    expect(serviceDayOf(beforeMidnight, 'UTC')).toBe('2026-11-23');
    expect(serviceDayOf(atMidnight, 'Africa/Kinshasa')).toBe('2026-11-24');
    expect(serviceDayOf(new Date('2026-11-23T23:00:00.500Z'), 'Africa/Kinshasa')).toBe(
      '2026-11-24',
    );
    expect(serviceDayOf(beforeMidnight, 'Africa/Kinshasa')).toBe('2026-11-23');
  });

  it('ends at the next local midnight, on days of 24 and of 23 hours', () => {
    const end = (iso: string, tz: string) => serviceDayEndOf(new Date(iso), tz).toISOString();
    expect(end('2026-11-23T10:00:00Z', 'UTC')).toBe('2026-11-24T00:00:00.000Z');
    expect(end('2026-11-24T00:00:00Z', 'UTC')).toBe('2026-11-25T00:00:00.000Z');
    expect(end('2026-11-23T23:30:00Z', 'Africa/Kinshasa')).toBe('2026-11-24T23:00:00.000Z');
    // Paris moves to summer time on 2026-03-29: that day lasts 23 hours.
    expect(end('2026-03-29T12:00:00Z', 'Europe/Paris')).toBe('2026-03-29T22:00:00.000Z');
    expect(end('2026-03-28T12:00:00Z', 'Europe/Paris')).toBe('2026-03-28T23:00:00.000Z');
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
