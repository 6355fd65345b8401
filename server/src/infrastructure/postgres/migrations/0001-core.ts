import { sql, type Kysely } from 'kysely';

/**
 * The core schema. Written to the Postgres 15 baseline so the embedded PGlite (Postgres 18)
 * runs it too. The database does the guarding: unique constraints for tickets and
 * idempotency keys, a row lock on the per-department counter for gap-free numbers, and a
 * trigger that makes the audit log append-only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE departments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL CONSTRAINT departments_code_unique UNIQUE
        CHECK (code ~ '^[A-Z]{2,6}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      active boolean NOT NULL DEFAULT true,
      priority_burst integer NOT NULL DEFAULT 3 CHECK (priority_burst >= 1),
      max_wait_minutes integer CHECK (max_wait_minutes IS NULL OR max_wait_minutes >= 1),
      -- Millisecond precision: a JS Date holds no more, and keyset cursors carry created_at.
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE rooms (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      department_id uuid NOT NULL REFERENCES departments (id),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      CONSTRAINT rooms_name_unique UNIQUE (department_id, name)
    );

    -- One row per department, the only hot row of a check-in: the ticket counter (reset
    -- each service day) and the department's event number share it, so a check-in takes
    -- one row lock. Held until commit, which is what makes both numbers gap-free.
    CREATE TABLE department_counters (
      department_id uuid PRIMARY KEY REFERENCES departments (id),
      service_day date NOT NULL,
      last_seq integer NOT NULL DEFAULT 0,
      last_event_id integer NOT NULL DEFAULT 0,
      priority_streak integer NOT NULL DEFAULT 0
    );

    CREATE TABLE visits (
      id uuid PRIMARY KEY,
      department_id uuid NOT NULL REFERENCES departments (id),
      service_day date NOT NULL,
      seq integer NOT NULL CHECK (seq >= 1),
      ticket text NOT NULL,
      public_token text NOT NULL CONSTRAINT visits_public_token_unique UNIQUE,
      priority text NOT NULL CHECK (priority IN ('normal', 'priority', 'emergency')),
      state text NOT NULL CHECK (state IN ('WAITING', 'CALLED', 'IN_CONSULTATION', 'COMPLETED',
        'NO_SHOW', 'CANCELLED', 'TRANSFERRED')),
      version integer NOT NULL DEFAULT 1,
      room_id uuid REFERENCES rooms (id),
      called_by uuid,
      call_count integer NOT NULL DEFAULT 0,
      display_name text,
      phone text,
      checked_in_at timestamptz NOT NULL,
      queued_at timestamptz NOT NULL,
      called_at timestamptz,
      started_at timestamptz,
      ended_at timestamptz,
      transferred_from_visit_id uuid REFERENCES visits (id),
      transferred_to_visit_id uuid REFERENCES visits (id),
      cancel_reason text,
      CONSTRAINT visits_ticket_unique UNIQUE (department_id, service_day, seq)
    );
    CREATE INDEX visits_waiting_idx ON visits (department_id, priority, queued_at)
      WHERE state = 'WAITING';
    CREATE INDEX visits_active_idx ON visits (department_id, state)
      WHERE state IN ('CALLED', 'IN_CONSULTATION');

    -- The record behind live updates: every change appends one row, numbered per
    -- department without gaps, in the transaction that makes the change.
    CREATE TABLE visit_events (
      department_id uuid NOT NULL REFERENCES departments (id),
      event_id integer NOT NULL,
      type text NOT NULL,
      visit_id uuid NOT NULL REFERENCES visits (id),
      visit jsonb NOT NULL,
      service_day date NOT NULL,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (department_id, event_id)
    );
    CREATE INDEX visit_events_visit_idx ON visit_events (visit_id, type);

    CREATE TABLE audit_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_type text NOT NULL,
      actor_id text,
      action text NOT NULL,
      entity text NOT NULL,
      entity_id text,
      before jsonb,
      after jsonb,
      ip text,
      request_id text
    );
    CREATE INDEX audit_events_at_idx ON audit_events (at);
    CREATE INDEX audit_events_entity_idx ON audit_events (entity_id);

    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

    -- Durable backstop for kiosk retries: one row per (credential, key), written in the
    -- check-in transaction. A Redis claim in front is only a fast path.
    CREATE TABLE idempotency_keys (
      credential text NOT NULL,
      key text NOT NULL,
      fingerprint text NOT NULL,
      visit_id uuid REFERENCES visits (id),
      response_status integer,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT idempotency_keys_pkey PRIMARY KEY (credential, key)
    );
    CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      username text NOT NULL,
      password_hash text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'reception', 'doctor')),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      password_changed_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_username_unique ON users (lower(username));

    CREATE TABLE user_departments (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      department_id uuid NOT NULL REFERENCES departments (id),
      PRIMARY KEY (user_id, department_id)
    );

    CREATE TABLE devices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('kiosk', 'board')),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      token_hash text NOT NULL CONSTRAINT devices_token_hash_unique UNIQUE,
      language text,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE device_departments (
      device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
      department_id uuid NOT NULL REFERENCES departments (id),
      PRIMARY KEY (device_id, department_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE device_departments, devices, user_departments, users, idempotency_keys,
      audit_events, visit_events, visits, department_counters, rooms, departments;
    DROP FUNCTION audit_events_append_only();
  `.execute(db);
}
