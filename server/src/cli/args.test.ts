import { describe, expect, it } from 'vitest';
import { DataDirBusyError } from '../infrastructure/embedded/lockfile.js';
import { failureMessage, parseOptions } from './args.js';

const names = ['username', 'password'];

describe('parseOptions (issue 13: every policy-compliant password)', () => {
  it.each([
    ['-8yNThf=k-kfVfRqk#YM'],
    ['--Looks-Like-An-0ption'],
    [`It's "quoted" $HOME \`x\` 9`],
    ['Ünïcødé-Pässwört-7'],
    ['='],
  ])('takes the word after --password verbatim: %s', (password) => {
    expect(parseOptions(names, ['--username', 'admin', '--password', password])).toEqual({
      values: { username: 'admin', password },
    });
  });

  it('accepts --name=value, the value keeping its own = signs', () => {
    expect(parseOptions(names, ['--password=-a=b', '--username=x'])).toEqual({
      values: { username: 'x', password: '-a=b' },
    });
  });

  it.each([
    [['--username'], '--username needs a value.'],
    [['--user', 'x'], 'Unknown option --user.'],
    [['stray-Secret-1'], 'Unexpected argument: every value follows its --option.'],
    [['--username', 'a', '--username', 'b'], '--username is given twice.'],
  ])('refuses %j without repeating any value', (argv, error) => {
    expect(parseOptions(names, argv)).toEqual({ error });
  });
});

describe('failureMessage', () => {
  it('explains a data directory held by the server instead of reporting a lock', () => {
    const message = failureMessage('admin:create', new DataDirBusyError('/srv/mq/data', 4242));
    expect(message).toMatch(/the running MediQue server \(pid 4242\) holds the data directory/);
    expect(message).toMatch(/Stop the server .* run npm run admin:create again, then npm start/);
  });

  it('passes any other failure through', () => {
    expect(failureMessage('migrate', new Error('boom'))).toBe('migrate failed: boom');
  });
});
