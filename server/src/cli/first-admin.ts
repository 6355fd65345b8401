import type { Logger } from 'pino';
import type { DatabaseHandle } from '../infrastructure/postgres/pg-database.js';
import { systemClock } from '../infrastructure/time/system-clock.js';
import {
  createOrResetAdmin,
  hasActiveAdmin,
  passwordProblem,
  usernameProblem,
} from './admin-account.js';
import { makeLineReader, type LineReader, type Terminal } from './terminal-prompt.js';

/**
 * `npm start` on a database with no admin (issue 13). In embedded mode the data directory
 * belongs to the server, so `admin:create` cannot run beside it: on a terminal the server
 * asks for the first admin itself, before it serves; without one (a service, a pipe) it
 * says how. With Postgres `admin:create` runs beside the servers, and a question would hold
 * back an instance started with a terminal attached: only the hint. Never over HTTP.
 */
export const offerFirstAdmin = async (
  database: DatabaseHandle,
  logger: Logger,
  terminal: Terminal | undefined = processTerminal(),
): Promise<void> => {
  if (await hasActiveAdmin(database.db)) return;
  if (database.kind !== 'pglite') {
    logger.info(`No admin yet: create one with ${command} (it can run while the server does).`);
    return;
  }
  if (terminal === undefined || !(await askForAdmin(database, terminal))) {
    logger.info(
      `No admin yet. Embedded mode: the data directory belongs to this server, so stop it ` +
        `(Ctrl+C), then either npm start in a terminal (it asks for the first admin) or ` +
        `${command} and npm start again.`,
    );
  }
};

const command = `npm run admin:create -- --username admin --password '<a strong password>'`;

/** stdin and stdout both a terminal: someone is there to answer. */
const processTerminal = (): Terminal | undefined =>
  process.stdin.isTTY && process.stdout.isTTY
    ? { input: process.stdin, output: process.stdout }
    : undefined;

/** Asks until an admin is made (true) or the person skips (false). */
const askForAdmin = async (database: DatabaseHandle, terminal: Terminal): Promise<boolean> => {
  const reader = makeLineReader(terminal);
  try {
    return await dialogue(database, reader);
  } catch (err) {
    if (!(err instanceof Interrupted)) throw err;
    // Raw mode turned Ctrl+C into a key, and nothing that would stop the server gently
    // is in place yet: close the database (its lock with it) and leave as Ctrl+C does.
    reader.close();
    await database.close();
    process.exit(130);
  } finally {
    reader.close();
  }
};

class Interrupted extends Error {}

const dialogue = async (database: DatabaseHandle, reader: LineReader): Promise<boolean> => {
  reader.say('\nNo admin account yet. Create the first one now (Enter on an empty name skips).');
  for (;;) {
    const name = await answer(reader, 'Admin username: ', true);
    if (name === null || name === '') return false;
    const nameProblem = usernameProblem(name);
    if (nameProblem !== null) {
      reader.say(nameProblem);
      continue;
    }
    const password = await askPassword(reader, name);
    if (password === null) return false;
    const { user } = await createOrResetAdmin(database.db, systemClock, {
      username: name,
      password,
    });
    reader.say(`Created admin "${user.username}". Starting the server…`);
    return true;
  }
};

const policy = '12+ characters: upper and lower case, a digit, a symbol';

const askPassword = async (reader: LineReader, username: string): Promise<string | null> => {
  for (;;) {
    const password = await answer(reader, `Password (${policy}; not shown): `, false);
    if (password === null) return null;
    const problem = passwordProblem(password, username);
    const again = problem === null ? await answer(reader, 'Same password again: ', false) : '';
    if (again === null) return null;
    if (problem === null && again === password) return password;
    reader.say(`${problem ?? 'The two passwords differ.'} Try again.`);
  }
};

/** One line, or `null` when the person ended the input (Ctrl+D). */
const answer = async (reader: LineReader, question: string, echo: boolean) => {
  const { text, end } = await reader.ask(question, { echo });
  if (end === 'interrupt') throw new Interrupted();
  return end === 'enter' ? text : null;
};
