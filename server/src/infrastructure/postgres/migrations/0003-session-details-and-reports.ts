import { sql, type Kysely } from 'kysely';

/**
 * What an admin needs to recognise and end a login, the absolute session lifetime, and an
 * index for daily reports.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- started_at: the family's login, copied to each of its tokens, so a refresh knows when
    -- the family must end (SESSION_MAX_HOURS) without reading its history.
    -- last_used_at: when the token was issued, and then when it was spent (rotated); the
    -- family's current token therefore holds its last login or refresh.
    -- user_agent, like ip: of the request that issued the token.
    ALTER TABLE sessions
      ADD COLUMN started_at timestamptz,
      ADD COLUMN last_used_at timestamptz,
      ADD COLUMN user_agent text CHECK (length(user_agent) <= 512);

    UPDATE sessions s SET
      started_at = (SELECT min(f.created_at) FROM sessions f WHERE f.family_id = s.family_id),
      last_used_at = coalesce(s.rotated_at, s.created_at);

    ALTER TABLE sessions
      ALTER COLUMN started_at SET NOT NULL,
      ALTER COLUMN last_used_at SET NOT NULL;

    -- An admin lists a user's open logins: each family's current (unrotated) token.
    CREATE INDEX sessions_user_current_idx ON sessions (user_id)
      WHERE rotated_at IS NULL AND revoked_at IS NULL;

    -- Reports select a department's visits by check-in time (service days in the clinic's
    -- time zone are ranges of instants).
    CREATE INDEX visits_checked_in_idx ON visits (department_id, checked_in_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX visits_checked_in_idx;
    DROP INDEX sessions_user_current_idx;
    ALTER TABLE sessions DROP COLUMN user_agent, DROP COLUMN last_used_at, DROP COLUMN started_at;
  `.execute(db);
}
