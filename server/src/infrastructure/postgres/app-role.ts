import { sql, type Kysely, type Transaction } from 'kysely';

/**
 * The application's database role (ADR 8): the rights the service uses and nothing more.
 * Migrations run as the owner; the application connects as this role, which therefore
 * cannot alter or disable the audit trigger, update, delete or truncate audit rows, or
 * change the schema — whatever a compromised or buggy process asks for.
 *
 * Every table of the schema needs an entry here: `ensureAppRole` refuses to finish while a
 * table has none, so a migration that adds a table also decides what the service may do
 * with it (and the least-privilege test fails until it does).
 */
type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

interface TableGrant {
  readonly privileges: readonly Privilege[];
  /** UPDATE on these columns only. */
  readonly updateColumns?: readonly string[];
}

const read: TableGrant = { privileges: ['SELECT'] };
const append: TableGrant = { privileges: ['SELECT', 'INSERT'] };
const change: TableGrant = { privileges: ['SELECT', 'INSERT', 'UPDATE'] };
const churn: TableGrant = { privileges: ['SELECT', 'INSERT', 'DELETE'] };

export const appGrants: Readonly<Record<string, TableGrant>> = {
  departments: change,
  rooms: change,
  department_counters: change,
  visits: change,
  // Events are appended; retention may only blank the patient fields of their visit copy.
  visit_events: { privileges: ['SELECT', 'INSERT'], updateColumns: ['visit'] },
  // Append-only, on top of the trigger: no UPDATE, DELETE or TRUNCATE to refuse.
  audit_events: append,
  idempotency_keys: churn,
  users: change,
  user_departments: churn,
  devices: change,
  device_departments: churn,
  sessions: { privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
  login_failures: churn,
  job_runs: { privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
  // The service checks at start-up that nothing is pending; only the owner migrates.
  kysely_migration: read,
  kysely_migration_lock: read,
};

/** Serializes role changes (two instances migrating at once would race on the catalogue). */
const ROLE_LOCK = sql`pg_advisory_xact_lock(${0x4d51}, 0)`;

const tablePrivileges = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'TRUNCATE',
  'REFERENCES',
  'TRIGGER',
];

export interface AppRole {
  readonly name: string;
  /** Set (or reset) on every run when given; absent for trust/peer/certificate setups. */
  readonly password: string | null;
}

/** The role a connection URL logs in as, or null when the URL names no user. */
export const roleOfUrl = (url: string): AppRole | null => {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.username) || parsed.searchParams.get('user') || '';
  if (name === '') return null;
  const password = decodeURIComponent(parsed.password) || parsed.searchParams.get('password');
  return { name, password: password === '' ? null : password };
};

/**
 * Runs a utility statement with quoted identifiers and literals. CREATE ROLE and GRANT take
 * no bind parameters, so Postgres's own format() quotes them (%I, %L) from parameters.
 */
const exec = async <DB>(
  trx: Transaction<DB>,
  template: string,
  ...args: readonly string[]
): Promise<void> => {
  const params = args.map((a) => sql`${a}::text`);
  const built = await sql<{ statement: string }>`
    SELECT format(${template}::text, ${sql.join(params)}) AS statement`.execute(trx);
  const statement = built.rows[0]?.statement;
  if (statement === undefined) throw new Error('format() returned nothing');
  await sql.raw(statement).execute(trx);
};

/**
 * Creates the application role if it is missing (LOGIN, with the URL's password), resets
 * its password, and sets its rights on every table to exactly `appGrants`: everything it
 * had before is revoked first, so a right removed here is removed there. Then checks the
 * effective rights (which include PUBLIC's and inherited ones) and refuses a role that is a
 * superuser, owns the tables or could create objects. Idempotent; run by every migration.
 */
export const ensureAppRole = async <DB>(ownerDb: Kysely<DB>, role: AppRole): Promise<void> => {
  await ownerDb.transaction().execute(async (trx) => {
    await sql`SELECT ${ROLE_LOCK}`.execute(trx);
    await createOrUpdateRole(trx, role);
    const tables = await grantTables(trx, role.name);
    await verify(trx, role.name, tables);
  });
};

const createOrUpdateRole = async <DB>(trx: Transaction<DB>, role: AppRole): Promise<void> => {
  const existing = await sql<{ rolsuper: boolean }>`
    SELECT rolsuper FROM pg_roles WHERE rolname = ${role.name}`.execute(trx);
  const found = existing.rows[0];
  if (found === undefined) {
    await (role.password === null
      ? exec(trx, 'CREATE ROLE %I LOGIN', role.name)
      : exec(trx, 'CREATE ROLE %I LOGIN PASSWORD %L', role.name, role.password));
  } else {
    if (found.rolsuper) throw roleRefused(role.name, 'is a superuser');
    if (role.password !== null) {
      await exec(trx, 'ALTER ROLE %I WITH LOGIN PASSWORD %L', role.name, role.password);
    }
  }
  const owners = await sql<{ tablename: string }>`
    SELECT tablename FROM pg_tables
    WHERE schemaname = 'public' AND pg_has_role(${role.name}, tableowner, 'MEMBER')
    LIMIT 1`.execute(trx);
  if (owners.rows.length > 0) {
    throw roleRefused(role.name, 'owns the tables (or is a member of their owner)');
  }
};

/** Sets the role's rights on the schema and on every table; returns the tables. */
const grantTables = async <DB>(trx: Transaction<DB>, role: string): Promise<string[]> => {
  await exec(trx, 'GRANT CONNECT ON DATABASE %I TO %I', await currentDatabase(trx), role);
  await exec(trx, 'REVOKE ALL ON SCHEMA public FROM %I', role);
  await exec(trx, 'GRANT USAGE ON SCHEMA public TO %I', role);
  // Postgres 15's default; older clusters let every role create tables in public.
  await sql`REVOKE CREATE ON SCHEMA public FROM PUBLIC`.execute(trx);

  const { rows } = await sql<{ tablename: string }>`
    SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`.execute(trx);
  const tables = rows.map((t) => t.tablename);
  const undecided = tables.filter((t) => !(t in appGrants));
  if (undecided.length > 0) {
    throw new Error(
      `No grants decided for table(s) ${undecided.join(', ')}: add them to appGrants (infrastructure/postgres/app-role.ts)`,
    );
  }
  for (const table of tables) {
    const grant = appGrants[table] as TableGrant;
    await exec(trx, 'REVOKE ALL ON TABLE %I FROM %I', table, role);
    await exec(trx, `GRANT ${grant.privileges.join(', ')} ON TABLE %I TO %I`, table, role);
    for (const column of grant.updateColumns ?? []) {
      await exec(trx, 'GRANT UPDATE (%I) ON TABLE %I TO %I', column, table, role);
    }
  }
  return tables;
};

const currentDatabase = async <DB>(trx: Transaction<DB>): Promise<string> => {
  const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(trx);
  return rows[0]?.name ?? '';
};

const roleRefused = (name: string, why: string): Error =>
  new Error(
    `The application role "${name}" (DATABASE_URL's user) ${why}: it would be able to change ` +
      'the schema and switch off the audit trail. Give DATABASE_URL a role of its own; ' +
      'DATABASE_MIGRATION_URL keeps the owner (docs/operations.md).',
  );

/**
 * What the role can really do, granted to it, to PUBLIC or to a role it belongs to, must be
 * exactly the table above, and nothing may be created.
 */
const verify = async <DB>(
  trx: Transaction<DB>,
  role: string,
  tables: readonly string[],
): Promise<void> => {
  const problems: string[] = [];
  for (const table of tables) {
    const grant = appGrants[table] as TableGrant;
    const { rows } = await sql<{ privilege: string; granted: boolean }>`
      SELECT p AS privilege, has_table_privilege(${role}, ${`public.${table}`}, p) AS granted
      FROM unnest(${tablePrivileges}::text[]) AS p`.execute(trx);
    for (const { privilege, granted } of rows) {
      const wanted = grant.privileges.includes(privilege as Privilege);
      if (granted !== wanted) problems.push(`${wanted ? 'lacks' : 'has'} ${privilege} on ${table}`);
    }
  }
  const { rows } = await sql<{ schema_create: boolean; database_create: boolean }>`
    SELECT has_schema_privilege(${role}, 'public', 'CREATE') AS schema_create,
      has_database_privilege(${role}, current_database(), 'CREATE') AS database_create`.execute(
    trx,
  );
  if (rows[0]?.schema_create === true) problems.push('can CREATE in schema public');
  if (rows[0]?.database_create === true) problems.push('can CREATE schemas in the database');
  if (problems.length > 0) {
    throw new Error(
      `The application role "${role}" ${problems.join('; ')} — granted to it, to PUBLIC or to a ` +
        'role it belongs to. Revoke that as the owner and run the migration again.',
    );
  }
};

/**
 * Whether the connection's user could switch off the audit trail: a superuser, or the owner
 * of `audit_events` (or a member of it). The service warns about it at start in production.
 */
export const connectedAsOwner = async <DB>(db: Kysely<DB>): Promise<boolean> => {
  const { rows } = await sql<{ owner: boolean }>`
    SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)
      OR coalesce((SELECT pg_has_role(current_user, tableowner, 'MEMBER') FROM pg_tables
        WHERE schemaname = 'public' AND tablename = 'audit_events'), false) AS owner`.execute(db);
  return rows[0]?.owner === true;
};
