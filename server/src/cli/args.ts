import { parseArgs } from 'node:util';

/** `--name value` options of a CLI command; unknown options are an error. */
export const cliOptions = (names: readonly string[]): Record<string, string | undefined> => {
  const options: Record<string, { type: 'string' }> = {};
  for (const name of names) options[name] = { type: 'string' };
  const { values } = parseArgs({ options, strict: true, allowPositionals: false });
  return values;
};

export const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(1);
};
