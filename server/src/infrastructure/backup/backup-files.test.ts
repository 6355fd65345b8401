import { describe, expect, it } from 'vitest';
import { backupFileName, expiredBackups } from './backup-files.js';

const at = (iso: string) => backupFileName('postgres', new Date(iso));

describe('backup file names', () => {
  it('carry the kind and the UTC time to the millisecond, and sort in time order', () => {
    expect(backupFileName('embedded', new Date('2026-11-30T02:00:00.123Z'))).toBe(
      'mediqueue-embedded-20261130T020000.123Z.mqbak',
    );
    const names = ['2026-12-01T00:00:00Z', '2026-11-30T23:59:59.999Z', '2027-01-01T00:00:00Z'].map(
      at,
    );
    expect([...names].sort()).toEqual([names[1], names[0], names[2]]);
  });
});

describe('expiredBackups', () => {
  const days = ['01', '02', '03', '04', '05'].map((d) => at(`2026-11-${d}T02:00:00Z`));

  it('keeps the newest `keep` of the kind and expires the rest, whatever order they come in', () => {
    expect(
      expiredBackups([days[2], days[0], days[4], days[1], days[3]] as string[], 'postgres', 3),
    ).toEqual([days[1], days[0]]);
    expect(expiredBackups(days, 'postgres', 5)).toEqual([]);
    expect(expiredBackups(days, 'postgres', 14)).toEqual([]);
  });

  it('never touches other files: other kinds, look-alikes, partial files, notes', () => {
    const others = [
      backupFileName('embedded', new Date('2020-01-01T00:00:00Z')),
      'mediqueue-postgres-latest.mqbak',
      `${days[0]}.bak`,
      `.${days[0]}.1a2b3c4d.partial`,
      'README.txt',
      `copy of ${days[0]}`,
    ];
    expect(expiredBackups([...others, ...days], 'postgres', 1)).toEqual([
      days[3],
      days[2],
      days[1],
      days[0],
    ]);
  });

  it('always keeps the backup just written, even with keep below 1', () => {
    expect(expiredBackups(days, 'postgres', 0)).toHaveLength(4);
  });
});
