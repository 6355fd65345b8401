import path from 'node:path';
import { weakSecretWords, type Config } from '../config.js';
import type { DataDirBusyError } from '../infrastructure/embedded/lockfile.js';
import { parseOptions } from './args.js';

/** What `backup` and `restore` share: the key policy, paths, flags, and their failures. */

const keyHint =
  "generate one with: node -e \"console.log(require('crypto').randomBytes(48).toString('base64url'))\" " +
  'and keep a copy away from this machine: without it no backup can be restored';

/** Why BACKUP_ENCRYPTION_KEY is not good enough to encrypt with, or `null`. */
export const backupKeyProblem = (key: string | undefined): string | null => {
  if (key === undefined || key === '') return 'BACKUP_ENCRYPTION_KEY is not set';
  if (key.length < 32) return 'BACKUP_ENCRYPTION_KEY is shorter than 32 characters';
  const lower = key.toLowerCase();
  const word = weakSecretWords.find((w) => lower.includes(w));
  return word === undefined ? null : `BACKUP_ENCRYPTION_KEY contains the word "${word}"`;
};

/**
 * The key to encrypt or decrypt with, or why there is none. A missing key stops both
 * commands everywhere: a backup nobody can decrypt is worse than none, because it looks
 * like one. A weak key stops `backup` in production and is a warning elsewhere; `restore`
 * takes whatever key the backup was made with.
 */
export const backupKey = (
  config: Pick<Config, 'env' | 'backupEncryptionKey'>,
  command: 'backup' | 'restore',
): { key: string; warning: string | null } | { error: string } => {
  const key = config.backupEncryptionKey;
  const problem = backupKeyProblem(key);
  if (key === undefined || key === '') {
    return command === 'backup'
      ? { error: `backup: ${problem}; ${keyHint}.` }
      : { error: `restore: ${problem}: set it to the key the backup was made with.` };
  }
  if (problem === null || command === 'restore') return { key, warning: null };
  if (config.env === 'production') {
    return { error: `Refusing to back up in production: ${problem}; ${keyHint}.` };
  }
  return { key, warning: `Warning: ${problem} (refused in production).` };
};

/**
 * A path given on the command line. npm runs a workspace's script in the workspace's own
 * directory (server/) and says where it started in INIT_CWD — the repository root, where
 * `npm run backup` is meant to be run, and the directory DATA_DIR is relative to.
 * `node dist/cli/…` run directly (the image) resolves against the working directory.
 */
export const fromInvocation = (p: string, env: NodeJS.ProcessEnv = process.env): string =>
  path.resolve(env.INIT_CWD ?? process.cwd(), p);

/**
 * `parseOptions` plus boolean flags (`--force`), which take no value. The word after a
 * valued option is its value even if it looks like a flag, as in `parseOptions`.
 */
export const parseCommandLine = (
  names: readonly string[],
  flags: readonly string[],
  argv: readonly string[],
): { values: Record<string, string | undefined>; flags: Set<string> } | { error: string } => {
  const rest: string[] = [];
  const set = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? '';
    const flag = /^--([^=]+)$/.exec(word)?.[1];
    if (flag !== undefined && flags.includes(flag)) {
      if (set.has(flag)) return { error: `--${flag} is given twice.` };
      set.add(flag);
      continue;
    }
    rest.push(word);
    if (flag !== undefined && names.includes(flag) && i + 1 < argv.length)
      rest.push(argv[++i] ?? '');
  }
  const parsed = parseOptions(names, rest);
  return 'error' in parsed ? parsed : { values: parsed.values, flags: set };
};

/** Embedded mode's data directory belongs to one process: say what to do instead. */
export const busyMessage = (command: 'backup' | 'restore', err: DataDirBusyError): string =>
  [
    `${command}: a running MediQue server (pid ${err.pid}) holds the data directory ${err.dir}.`,
    'In embedded mode (no DATABASE_URL) the database belongs to one process at a time.',
    `Stop the server (Ctrl+C in its terminal), run npm run ${command} again, then npm start` +
      (command === 'backup' ? ' (a backup takes a few seconds).' : '.'),
  ].join('\n');

/**
 * A command whose work ended without finishing — a promise nothing will ever settle, so
 * Node's event loop simply ran dry — would exit 0. For a backup that is the worst outcome
 * (a scheduler believes it has one), so it exits 1 unless `finished()` was called.
 */
export const exitOneUnlessFinished = (command: string): { finished(): void } => {
  let done = false;
  process.once('beforeExit', () => {
    if (done) return;
    process.stderr.write(`${command}: stopped before finishing (internal error); see above.\n`);
    process.exitCode = 1;
  });
  return {
    finished: () => {
      done = true;
    },
  };
};
