import type { ColumnType, Generated, Selectable } from 'kysely';

/**
 * Table types for Kysely. `date` columns are read as 'YYYY-MM-DD' strings and `integer`
 * columns as numbers on both pg and PGlite (see `type-parsers.ts`); no bigint counts.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json = ColumnType<unknown, string, string>;
/** Has a default; may be set on update. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface DepartmentsTable {
  id: Generated<string>;
  code: string;
  name: string;
  active: Generated<boolean>;
  priority_burst: Generated<number>;
  max_wait_minutes: number | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface RoomsTable {
  id: Generated<string>;
  department_id: string;
  name: string;
  active: Generated<boolean>;
  created_at: CreatedAt;
}

export interface DepartmentCountersTable {
  department_id: string;
  service_day: string;
  last_seq: Generated<number>;
  last_event_id: Generated<number>;
  priority_streak: Generated<number>;
}

export interface VisitsTable {
  id: string;
  department_id: string;
  service_day: string;
  seq: number;
  ticket: string;
  public_token: string;
  priority: string;
  state: string;
  version: Generated<number>;
  room_id: string | null;
  called_by: string | null;
  call_count: Generated<number>;
  display_name: string | null;
  phone: string | null;
  checked_in_at: Timestamp;
  queued_at: Timestamp;
  called_at: Timestamp | null;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
  transferred_from_visit_id: string | null;
  transferred_to_visit_id: string | null;
  cancel_reason: string | null;
}

export interface VisitEventsTable {
  department_id: string;
  event_id: number;
  type: string;
  visit_id: string;
  visit: Json;
  service_day: string;
  occurred_at: CreatedAt;
}

export interface AuditEventsTable {
  id: Generated<string>;
  at: CreatedAt;
  actor_type: string;
  actor_id: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: Json | null;
  after: Json | null;
  ip: string | null;
  request_id: string | null;
}

export interface IdempotencyKeysTable {
  credential: string;
  key: string;
  fingerprint: string;
  visit_id: string | null;
  response_status: number | null;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  username: string;
  password_hash: string;
  role: string;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
  password_changed_at: DefaultedTimestamp;
}

export interface UserDepartmentsTable {
  user_id: string;
  department_id: string;
}

export interface DevicesTable {
  id: Generated<string>;
  kind: string;
  name: string;
  token_hash: string;
  language: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface DeviceDepartmentsTable {
  device_id: string;
  department_id: string;
}

export interface SessionsTable {
  id: string;
  family_id: string;
  user_id: string;
  token_hash: string;
  /** Stamped from the application clock (not the column default): sessions expire by it. */
  created_at: DefaultedTimestamp;
  /** The family's login (its absolute lifetime counts from here), on every token of it. */
  started_at: Timestamp;
  /** Issued, then spent: the current token's is the family's last login or refresh. */
  last_used_at: Timestamp;
  expires_at: Timestamp;
  rotated_at: Timestamp | null;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginFailuresTable {
  username: string;
  at: Timestamp;
}

export interface JobRunsTable {
  job: string;
  period: string;
  started_at: Timestamp;
  rows_touched: number | null;
}

export interface Database {
  departments: DepartmentsTable;
  rooms: RoomsTable;
  department_counters: DepartmentCountersTable;
  visits: VisitsTable;
  visit_events: VisitEventsTable;
  audit_events: AuditEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  users: UsersTable;
  user_departments: UserDepartmentsTable;
  devices: DevicesTable;
  device_departments: DeviceDepartmentsTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  job_runs: JobRunsTable;
}

export type VisitRow = Selectable<VisitsTable>;
