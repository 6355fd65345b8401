import { describe, expect, it } from 'vitest';
import { backupKey, fromInvocation, parseCommandLine } from './backup-support.js';

const strong = 'Xq3-vT9_pL2mN8rK5wZ1yB7cD4fG6hJ0';

const errorOf = (result: ReturnType<typeof backupKey>): string =>
  'error' in result ? result.error : `no error (key ${result.key})`;

describe('backupKey', () => {
  it.each(['development', 'test', 'production'] as const)(
    'refuses a missing key in %s, for backup and restore alike',
    (env) => {
      for (const key of [undefined, '']) {
        expect(errorOf(backupKey({ env, backupEncryptionKey: key }, 'backup'))).toMatch(
          /^backup: BACKUP_ENCRYPTION_KEY is not set; generate one/,
        );
        expect(errorOf(backupKey({ env, backupEncryptionKey: key }, 'restore'))).toMatch(
          /^restore: BACKUP_ENCRYPTION_KEY is not set: set it to the key the backup was made with/,
        );
      }
    },
  );

  it.each([
    ['short-but-random-key', /shorter than 32 characters/],
    [`${strong}-ChangeMe`, /contains the word "changeme"/],
    [`my-${strong}-password`, /contains the word "password"/],
  ])('stops a production backup with a weak key (%s), naming the variable', (key, why) => {
    const error = errorOf(backupKey({ env: 'production', backupEncryptionKey: key }, 'backup'));
    expect(error).toMatch(/^Refusing to back up in production: BACKUP_ENCRYPTION_KEY/);
    expect(error).toMatch(why);
  });

  it('only warns about a weak key outside production, and restore takes any key', () => {
    const dev = backupKey({ env: 'development', backupEncryptionKey: 'short' }, 'backup');
    expect('key' in dev && dev.key).toBe('short');
    expect('warning' in dev && dev.warning).toMatch(/BACKUP_ENCRYPTION_KEY is shorter than 32/);
    expect(backupKey({ env: 'production', backupEncryptionKey: 'short' }, 'restore')).toEqual({
      key: 'short',
      warning: null,
    });
    expect(backupKey({ env: 'production', backupEncryptionKey: strong }, 'backup')).toEqual({
      key: strong,
      warning: null,
    });
  });
});

describe('parseCommandLine', () => {
  it('takes flags anywhere and values verbatim, even when a value looks like a flag', () => {
    expect(parseCommandLine(['in'], ['force'], ['--force', '--in', 'a.mqbak'])).toEqual({
      values: { in: 'a.mqbak' },
      flags: new Set(['force']),
    });
    expect(parseCommandLine(['in'], ['force'], ['--in', '--force'])).toEqual({
      values: { in: '--force' },
      flags: new Set(),
    });
    expect(parseCommandLine(['in'], ['force'], ['--in=x.mqbak'])).toEqual({
      values: { in: 'x.mqbak' },
      flags: new Set(),
    });
  });

  it.each([
    [['--force', '--force'], '--force is given twice.'],
    [['--force=yes'], 'Unknown option --force.'],
    [['--out', 'x'], 'Unknown option --out.'],
    [['x.mqbak'], 'Unexpected argument: every value follows its --option.'],
    [['--in'], '--in needs a value.'],
  ])('refuses %j', (argv, error) => {
    expect(parseCommandLine(['in'], ['force'], argv)).toEqual({ error });
  });
});

describe('fromInvocation', () => {
  it('resolves against INIT_CWD (where npm started), else the working directory', () => {
    expect(fromInvocation('b.mqbak', { INIT_CWD: '/srv/clinic' })).toBe('/srv/clinic/b.mqbak');
    expect(fromInvocation('/abs/b.mqbak', { INIT_CWD: '/srv/clinic' })).toBe('/abs/b.mqbak');
    expect(fromInvocation('b.mqbak', {})).toBe(`${process.cwd()}/b.mqbak`);
  });
});
