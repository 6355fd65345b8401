import { sql, type Kysely } from 'kysely';

/**
 * Staff sessions (refresh-token families) and failed-login records for the lockout.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One row per refresh token. Tokens of one login share a family; using a token
    -- rotates it (rotated_at set, a new row issued). Presenting a rotated token again means
    -- it was stolen or replayed, and the whole family is revoked.
    CREATE TABLE sessions (
      id uuid PRIMARY KEY,
      family_id uuid NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      token_hash text NOT NULL CONSTRAINT sessions_token_hash_unique UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      rotated_at timestamptz,
      revoked_at timestamptz,
      ip text
    );
    CREATE INDEX sessions_family_idx ON sessions (family_id);
    CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

    -- Failed logins per username (lower-cased, existing or not): 5 in 15 minutes lock it.
    CREATE TABLE login_failures (
      username text NOT NULL,
      at timestamptz NOT NULL
    );
    CREATE INDEX login_failures_idx ON login_failures (username, at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE login_failures, sessions`.execute(db);
}
