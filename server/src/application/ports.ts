import type { Actor, StaffRole } from '../domain/actor.js';
import type { AuditActor, AuditRecord } from '../domain/audit.js';
import type { Department, Room } from '../domain/department.js';
import type { Device, DeviceKind } from '../domain/device.js';
import type { VisitEvent } from '../domain/events.js';
import type { ClassHeads, FairnessPolicy } from '../domain/queue-order.js';
import type { DailyReportRow } from '../domain/report.js';
import type { ActiveSession, SessionRecord } from '../domain/session.js';
import type { StaffUser } from '../domain/staff-user.js';
import type { VisitEventType } from '../domain/state-machine.js';
import type { PatientData, Priority, Visit } from '../domain/visit.js';

/**
 * The application's ports: few and narrow, named by intent, with the shapes they take and
 * return. The entities they carry (visits, departments, users, devices, sessions, audit
 * rows) are in `domain/`. One Kysely implementation serves both Postgres and the embedded
 * PGlite (the dialect is what differs).
 */

export interface Clock {
  now(): Date;
  /**
   * Calls `wake` once, when the clock reaches `at` (soon, if it already has); returns a
   * cancel. For moments of the clock's own time that no event marks — a waiting patient
   * passing the department's limit, a new service day — so that a test clock that jumps
   * fires them too, as the wall clock would.
   */
  wakeAt(at: Date, wake: () => void): () => void;
}

export interface Randomness {
  uuid(): string;
  /** ≥ 128 bits, URL-safe: the patient's ticket link. */
  publicToken(): string;
}

export interface RequestMeta {
  readonly ip: string | null;
  readonly requestId: string | null;
  /** The client's `User-Agent` (shortened), kept with sessions so an admin can tell devices apart. */
  readonly userAgent?: string | null;
}

export interface AuditEntry {
  readonly actor: AuditActor;
  readonly action: string;
  readonly entity: string;
  readonly entityId: string | null;
  /** Never patient data: audit rows are immutable and must outlive retention. */
  readonly before?: unknown;
  readonly after?: unknown;
  readonly meta: RequestMeta;
}

export interface NewVisit {
  readonly id: string;
  readonly departmentId: string;
  readonly serviceDay: string;
  readonly publicToken: string;
  readonly priority: Priority;
  readonly patient: PatientData;
  readonly checkedInAt: Date;
  readonly transferredFromVisitId: string | null;
}

export interface IdempotencyClaim {
  readonly credential: string;
  readonly key: string;
  readonly fingerprint: string;
}

export type CheckInWrite =
  | { readonly kind: 'recorded'; readonly recorded: Recorded }
  /** Nothing written: the key is already recorded (or being recorded and now committed). */
  | { readonly kind: 'claim_taken' }
  /** Nothing written: the department is unknown or inactive. */
  | { readonly kind: 'no_department' };

export interface Recorded {
  readonly visit: Visit;
  readonly event: VisitEvent;
}

/** Visit writes. Every write appends the department's next event and an audit row. */
export interface VisitStore {
  findById(id: string): Promise<Visit | null>;
  findByPublicToken(publicToken: string): Promise<Visit | null>;
  /** Locks the visit row until commit (`FOR UPDATE`). */
  lockById(id: string): Promise<Visit | null>;
  /**
   * Records a check-in: claims the idempotency key (when given), allocates the next ticket
   * of the service day under the department counter's row lock, writes visit, event and
   * audit row — as one atomic statement, so it may run without a surrounding transaction.
   */
  insertCheckedIn(
    visit: NewVisit,
    audit: AuditEntry,
    idempotency: IdempotencyClaim | null,
  ): Promise<CheckInWrite>;
  saveTransition(
    before: Visit,
    after: Visit,
    event: VisitEventType,
    audit: AuditEntry,
    at: Date,
  ): Promise<Recorded>;
  /** The visit as it was right after check-in (what an idempotent replay returns). */
  checkInSnapshot(visitId: string): Promise<Visit | null>;
}

/**
 * Records a kiosk or reception check-in on its own, committed when the promise resolves
 * (what `insertCheckedIn` does in autocommit). On Postgres, check-ins of one department
 * that arrive while its previous write runs are committed together in the next one (group
 * commit, ADR 10), each with its own key, seq, event and answer.
 */
export interface CheckInRecorder {
  record(visit: NewVisit, audit: AuditEntry, idempotency: IdempotencyClaim): Promise<CheckInWrite>;
}

export interface CallQueueStore {
  /** Locks the department's queue state (serializes call-next per department). */
  lockPriorityStreak(departmentId: string): Promise<number>;
  setPriorityStreak(departmentId: string, streak: number): Promise<void>;
  /**
   * Locks several departments' counters in one fixed order. A transfer writes events in two
   * departments; taking both locks up front, sorted, means two opposite transfers cannot
   * deadlock.
   */
  lockCounters(departmentIds: readonly string[]): Promise<void>;
  /**
   * The head of each class among today's WAITING visits, each row locked with
   * `FOR UPDATE SKIP LOCKED` so concurrent callers never take the same patient.
   */
  lockClassHeads(
    departmentId: string,
    serviceDay: string,
    ageingCutoff: Date | null,
  ): Promise<ClassHeads<Visit>>;
}

export interface IdempotencyStore {
  /** The durable record of (credential, key), written by the check-in that claimed it. */
  find(credential: string, key: string): Promise<IdempotencyRecord | null>;
}

export interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly visitId: string | null;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

/** Filters for reading the audit log; every filter is optional and they combine with AND. */
export interface AuditQuery {
  /** Inclusive bounds on when the event was recorded. */
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly actorId?: string | undefined;
  readonly action?: string | undefined;
  /** Events whose entity is this visit. */
  readonly visitId?: string | undefined;
  readonly cursor: string | null;
  readonly limit: number;
}

/** The audit log, read side: newest first, keyset-paged on the row id. */
export interface AuditReader {
  list(query: AuditQuery): Promise<{ items: AuditRecord[]; nextCursor: string | null }>;
}

export interface DepartmentStore {
  findById(id: string): Promise<Department | null>;
  list(filter: {
    readonly ids?: readonly string[] | undefined;
    readonly activeOnly?: boolean;
  }): Promise<Department[]>;
  listPage(page: Page): Promise<{ items: Department[]; nextCursor: string | null }>;
  create(input: {
    code: string;
    name: string;
    policy: FairnessPolicy;
    serviceDay: string;
  }): Promise<Department>;
  update(id: string, patch: DepartmentPatch): Promise<Department | null>;
  findRoom(roomId: string): Promise<Room | null>;
  listRooms(
    departmentId: string,
    page: Page,
  ): Promise<{ items: Room[]; nextCursor: string | null }>;
  createRoom(departmentId: string, name: string): Promise<Room>;
  updateRoom(
    roomId: string,
    patch: { name?: string | undefined; active?: boolean | undefined },
  ): Promise<Room | null>;
}

export interface DepartmentPatch {
  readonly name?: string | undefined;
  readonly active?: boolean | undefined;
  readonly priorityBurst?: number | undefined;
  readonly maxWaitMinutes?: number | null | undefined;
}

/** A visit of the service day that has been called (waits and boards' recent calls). */
export type CalledVisit = Pick<
  Visit,
  'id' | 'seq' | 'ticket' | 'roomId' | 'checkedInAt' | 'calledAt'
>;

/** A completed consultation (the rolling service-time window). */
export interface CompletedVisit {
  readonly id: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
}

export interface QueueSnapshot {
  readonly lastEventId: number;
  /** The service day of event `lastEventId` (null when the department has no event yet). */
  readonly lastEventServiceDay: string | null;
  readonly priorityStreak: number;
  /** Today's WAITING, and CALLED / IN_CONSULTATION of any day, by (queuedAt, seq, id). */
  readonly waiting: Visit[];
  readonly called: Visit[];
  readonly inConsultation: Visit[];
  /** Today's visits whose `calledAt` is set: what the waits and recent calls derive from. */
  readonly calledToday: readonly CalledVisit[];
  /** The last RECENT_SERVICE_WINDOW completed visits, newest `endedAt` first. */
  readonly recentlyCompleted: readonly CompletedVisit[];
  /** Minutes from check-in to first call, today. */
  readonly waitMinutesToday: number[];
  /** Minutes from start to completion, most recent first (rolling window). */
  readonly recentServiceMinutes: number[];
  /** Today's most recent calls, newest first (for boards). */
  readonly recentlyCalled: readonly CalledVisit[];
}

export interface QueueReader {
  snapshot(departmentId: string, serviceDay: string): Promise<QueueSnapshot>;
  /**
   * The department counter as committed now: its last event number and the call-next
   * priority streak (one statement; the live views read it after each call).
   */
  counter(departmentId: string): Promise<{ lastEventId: number; priorityStreak: number }>;
}

export interface UserStore {
  findById(id: string): Promise<StaffUser | null>;
  /** The user, only while the session family is open (not logged out, revoked or expired). */
  findInOpenSession(id: string, sessionFamilyId: string): Promise<StaffUser | null>;
  findCredentials(username: string): Promise<{ user: StaffUser; passwordHash: string } | null>;
  list(page: Page): Promise<{ items: StaffUser[]; nextCursor: string | null }>;
  create(input: {
    username: string;
    passwordHash: string;
    role: StaffRole;
    departmentIds: readonly string[];
  }): Promise<StaffUser>;
  update(id: string, patch: UserPatch): Promise<StaffUser | null>;
  /** For the CLI: create the admin, or reset its password and reactivate it. */
  upsertAdmin(
    username: string,
    passwordHash: string,
  ): Promise<{ user: StaffUser; created: boolean }>;
}

export interface UserPatch {
  readonly role?: StaffRole | undefined;
  readonly active?: boolean | undefined;
  readonly departmentIds?: readonly string[] | undefined;
  readonly passwordHash?: string | undefined;
}

export interface Page {
  readonly cursor: string | null;
  readonly limit: number;
}

export interface DeviceStore {
  findActiveByTokenHash(tokenHash: string): Promise<Device | null>;
  findById(id: string): Promise<Device | null>;
  list(kind: DeviceKind, page: Page): Promise<{ items: Device[]; nextCursor: string | null }>;
  create(input: {
    kind: DeviceKind;
    name: string;
    tokenHash: string;
    language: string | null;
    departmentIds: readonly string[];
  }): Promise<Device>;
  update(
    id: string,
    patch: {
      name?: string | undefined;
      active?: boolean | undefined;
      language?: string | null | undefined;
      departmentIds?: readonly string[] | undefined;
    },
  ): Promise<Device | null>;
}

/** Refresh-token families. Tokens are stored as hashes only. */
export interface SessionStore {
  create(s: {
    id: string;
    familyId: string;
    userId: string;
    tokenHash: string;
    startedAt: Date;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
  }): Promise<void>;
  /** Locks the token's row: two refreshes with one token are decided one after the other. */
  lockByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  markRotated(id: string, at: Date): Promise<void>;
  revokeFamily(familyId: string, at: Date): Promise<void>;
  revokeUserFamiliesExcept(userId: string, keepFamilyId: string | null, at: Date): Promise<void>;
  familyActive(familyId: string, at: Date): Promise<boolean>;
  /** The family's owner, or null when no such family was ever issued. */
  familyOwner(familyId: string): Promise<string | null>;
  /** The user's families that are open at `at` (not revoked, not expired), newest login first. */
  listActive(userId: string, at: Date): Promise<ActiveSession[]>;
}

/** Which departments, which service days (inclusive ISO dates), in which time zone. */
export interface DailyReportQuery {
  /** These departments, or (null) every department. */
  readonly departmentIds: readonly string[] | null;
  /**
   * False: an inactive department is reported only if it had visits in the range (one
   * closed years ago should not fill a report with zeros). True when asked for by id.
   */
  readonly includeInactive: boolean;
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
}

/** Report figures, computed where the visits are (one statement over the range). */
export interface ReportReader {
  /** One row per day in the range per department, ordered by day then department code. */
  daily(query: DailyReportQuery): Promise<DailyReportRow[]>;
}

/** Failed logins per (lower-cased) username, for the lockout. */
export interface LoginThrottle {
  failuresSince(username: string, since: Date): Promise<Date[]>;
  recordFailure(username: string, at: Date): Promise<void>;
  clear(username: string): Promise<void>;
}

/** How a scheduled job's claim on a period came out (ADR 8). */
export type JobClaim = 'claimed' | 'running_elsewhere' | 'already_ran';

/** The bookkeeping that makes each scheduled job run once per period across instances. */
export interface JobRuns {
  /**
   * Claims `job` for `period` in the surrounding transaction, without waiting: another
   * instance running it now, or a run of this period already committed, and the caller
   * does nothing. The claim commits with the job's work or rolls back with it.
   */
  claim(job: string, period: string, at: Date): Promise<JobClaim>;
  /** Notes how many rows the claimed run touched. */
  finish(job: string, period: string, rowsTouched: number): Promise<void>;
  /** Forgets runs started before `before` (the audit trail keeps them). */
  prune(before: Date): Promise<number>;
}

/** The scheduled jobs' bulk reads and writes (close-out, retention, pruning). */
export interface Housekeeping {
  /**
   * Visits left WAITING or CALLED from service days before `serviceDay`, each row locked
   * until commit, ordered by department (so counters are then taken in a fixed order).
   */
  lockLeftOpen(beforeServiceDay: string): Promise<Visit[]>;
  /**
   * Erases the name and phone of visits checked in before `checkedInBefore`: in the visit
   * rows and in every copy the event log holds. Rows stay (reports count them).
   */
  erasePatientData(checkedInBefore: Date): Promise<{ visits: number; events: number }>;
  pruneIdempotencyRecords(createdBefore: Date): Promise<number>;
  pruneLoginFailures(before: Date): Promise<number>;
  /** Deletes refresh-token families whose every token expired before `before`. */
  pruneSessions(expiredBefore: Date): Promise<number>;
}

/**
 * Every store the Transactor hands out. A use case names the few it touches,
 * `Transactor<Pick<TxStores, 'visits' | 'audit'>>`, so its dependencies say what it can read
 * and write, and the compiler refuses any other.
 */
export interface TxStores {
  readonly visits: VisitStore;
  readonly callQueue: CallQueueStore;
  readonly idempotency: IdempotencyStore;
  readonly audit: AuditLog;
  readonly departments: DepartmentStore;
  readonly users: UserStore;
  readonly devices: DeviceStore;
  readonly sessions: SessionStore;
  readonly loginThrottle: LoginThrottle;
  readonly auditReader: AuditReader;
  readonly reports: ReportReader;
  readonly queue: QueueReader;
  readonly jobRuns: JobRuns;
  readonly housekeeping: Housekeeping;
}

/**
 * Hands `work` the stores `S`, bound to one connection. The composition root builds one
 * `Transactor` over every store; each use case receives it typed as the narrower view it
 * declares. Function properties rather than methods: TypeScript checks their parameters
 * strictly, so a view over fewer stores is never accepted where more are needed.
 */
export interface Transactor<S = TxStores> {
  /**
   * Runs `work` in one transaction; commits when it resolves, rolls back when it throws.
   * `snapshot` asks for one consistent view across several reads (REPEATABLE READ).
   */
  readonly run: <T>(
    work: (stores: S) => Promise<T>,
    options?: { readonly snapshot?: boolean },
  ) => Promise<T>;
  /**
   * Runs `work` with no transaction around it (no BEGIN/COMMIT round trips): each statement
   * commits on its own, as Postgres autocommit does. For lookups on the hot path, such as
   * authenticating each request, and for single statements that are atomic on their own
   * (a check-in's `insertCheckedIn`). Never for read-then-write: nothing holds between two
   * statements.
   */
  readonly autocommit: <T>(work: (stores: S) => Promise<T>) => Promise<T>;
}

/** Told about committed changes, after commit. Fire-and-forget: the event log is the record. */
export interface EventPublisher {
  publish(events: readonly VisitEvent[]): void;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Burns the same work as a real verification (unknown usernames must not answer faster). */
  verifyDummy(password: string): Promise<void>;
}

export interface DeviceTokens {
  /** A fresh device token (`mqk_…`/`mqb_…`) and the hash that is stored instead of it. */
  issue(kind: DeviceKind): { token: string; tokenHash: string };
  hash(token: string): string;
}

export interface Fingerprinter {
  /** A stable digest of a request body, key order ignored. */
  fingerprint(body: unknown): string;
}

/** The department event log (the record behind live updates), read side. */
export interface EventLog {
  /** Events numbered above `afterEventId`, in order, at most `limit`. */
  readAfter(departmentId: string, afterEventId: number, limit: number): Promise<VisitEvent[]>;
  /** The department's last event number and the service day it belongs to. */
  head(departmentId: string): Promise<{ lastEventId: number; serviceDay: string | null }>;
  /** The service day event `eventId` belongs to, or null if there is no such event. */
  serviceDayOf(departmentId: string, eventId: number): Promise<string | null>;
}

/**
 * Delivery of committed events to this instance: a doorbell, not a record. It may drop,
 * repeat or reorder; the feeds repair that from the EventLog.
 */
export interface EventBus {
  /** Resolves once the subscription is active; the returned function ends it. */
  subscribe(
    departmentId: string,
    onEvent: (event: VisitEvent) => void,
  ): Promise<() => Promise<void>>;
  /** Called after the bus reconnected: anything published meanwhile may be lost. */
  onReconnect(listener: () => void): void;
  /**
   * Whether deliveries are flowing now. While false, anything published may be lost, so a
   * view kept from the bus is not trusted to be current.
   */
  connected(): boolean;
}

/**
 * A change that ends or narrows credentials, or changes what a department's live view
 * shows without a visit event. Sent to every instance after commit (ADR 11).
 */
export type ControlMessage =
  /** Logout, an admin's revoke, refresh-token reuse: one login ends. */
  | { readonly kind: 'session_revoked'; readonly sessionId: string }
  /** A password change: every login of the user but the one that changed it ends. */
  | {
      readonly kind: 'user_sessions_revoked';
      readonly userId: string;
      readonly exceptSessionId: string | null;
    }
  /** An admin changed the account; `sessionsRevoked`: deactivated or password reset. */
  | {
      readonly kind: 'user_changed';
      readonly userId: string;
      readonly active: boolean;
      readonly role: StaffRole;
      readonly departmentIds: readonly string[];
      readonly sessionsRevoked: boolean;
    }
  /** A kiosk or board was revoked or given other departments. */
  | {
      readonly kind: 'device_changed';
      readonly deviceId: string;
      readonly active: boolean;
      readonly departmentIds: readonly string[];
    }
  /** A department's name, policy, activity or rooms changed. */
  | { readonly kind: 'department_changed'; readonly departmentId: string };

/** Tells every instance (this one first, synchronously) about a committed control change. */
export interface ControlPublisher {
  announce(message: ControlMessage): void;
}

/** Receives control messages from every instance, this one included. */
export interface ControlBus {
  onControl(listener: (message: ControlMessage) => void): void;
}

/** Single-use, short-lived tickets that let an EventSource (no headers) open one stream. */
export interface StreamTicketStore {
  put(ticket: string, actor: Actor, ttlSeconds: number): Promise<void>;
  /** Returns the actor and forgets the ticket (single use), or null. */
  take(ticket: string): Promise<Actor | null>;
}

/**
 * The fast, shared in-flight guard for idempotency keys (Redis `SET NX PX`). The Postgres
 * record behind it stays the truth; losing every key here never yields a second visit.
 */
export interface IdempotencyGuard {
  claim(claim: IdempotencyClaim): Promise<GuardClaim>;
  /** Records the finished answer — only if this caller still owns the claim. */
  complete(claim: IdempotencyClaim, owner: string, visit: Visit): Promise<void>;
  /** Lets go of a claim whose request failed (owner-checked). */
  release(claim: IdempotencyClaim, owner: string): Promise<void>;
}

export type GuardClaim =
  | { readonly kind: 'claimed'; readonly owner: string }
  | { readonly kind: 'in_progress' }
  | { readonly kind: 'completed'; readonly fingerprint: string; readonly visit: Visit };
