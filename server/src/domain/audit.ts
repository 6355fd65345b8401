import type { Actor } from './actor.js';

/** Who did it, as the audit log records it (a failed login has no actor yet). */
export interface AuditActor {
  readonly type: Actor['type'] | 'anonymous';
  readonly id: string | null;
}

/**
 * One audit row as recorded (ids are bigints, carried as decimal strings). Rows are
 * immutable and outlive retention, so they never hold patient data.
 */
export interface AuditRecord {
  readonly id: string;
  readonly at: Date;
  readonly actor: AuditActor;
  readonly action: string;
  readonly entity: string;
  readonly entityId: string | null;
  readonly before: unknown;
  readonly after: unknown;
  readonly ip: string | null;
  readonly requestId: string | null;
}
