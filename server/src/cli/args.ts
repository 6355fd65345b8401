import { DataDirBusyError } from '../infrastructure/embedded/lockfile.js';

/**
 * `--name value` (or `--name=value`) options of a CLI command. The word after `--name` is
 * its value whatever it looks like: a password may start with `-` (issue 13), and node's
 * parseArgs refuses such a value as "ambiguous". Unknown options and stray words are an
 * error; the message never repeats a value, which may be a password.
 */
export const parseOptions = (
  names: readonly string[],
  argv: readonly string[],
): { values: Record<string, string | undefined> } | { error: string } => {
  const values: Record<string, string | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    const option = /^--([^=]+)(?:=(.*))?$/su.exec(argv[i] ?? '');
    const name = option?.[1];
    if (name === undefined)
      return { error: 'Unexpected argument: every value follows its --option.' };
    if (!names.includes(name)) return { error: `Unknown option --${name}.` };
    if (values[name] !== undefined) return { error: `--${name} is given twice.` };
    const value = option?.[2] ?? argv[++i];
    if (value === undefined) return { error: `--${name} needs a value.` };
    values[name] = value;
  }
  return { values };
};

/** `parseOptions` over this process's arguments; exits with `usage` on a mistake. */
export const cliOptions = (
  names: readonly string[],
  usage: string,
): Record<string, string | undefined> => {
  const parsed = parseOptions(names, process.argv.slice(2));
  return 'error' in parsed ? fail(`${parsed.error}\n${usage}`) : parsed.values;
};

export const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(1);
};

/**
 * What a command says when it fails. Embedded mode's data directory belongs to one
 * process at a time (the lockfile), so a command run beside `npm start` explains that
 * rather than reporting a lock.
 */
export const failureMessage = (command: string, err: unknown): string => {
  if (err instanceof DataDirBusyError) {
    return [
      `${command}: the running MediQue server (pid ${err.pid}) holds the data directory ${err.dir}.`,
      'In embedded mode (no DATABASE_URL) one process at a time may use it.',
      `Stop the server (Ctrl+C in its terminal), run npm run ${command} again, then npm start.`,
      ...(command === 'admin:create'
        ? ['With no admin yet, npm start in a terminal also offers to create the first one.']
        : []),
    ].join('\n');
  }
  return `${command} failed: ${err instanceof Error ? err.message : String(err)}`;
};
