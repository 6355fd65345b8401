export const visitStates = [
  'WAITING',
  'CALLED',
  'IN_CONSULTATION',
  'COMPLETED',
  'NO_SHOW',
  'CANCELLED',
  'TRANSFERRED',
] as const;
export type VisitState = (typeof visitStates)[number];

export const priorities = ['normal', 'priority', 'emergency'] as const;
export type Priority = (typeof priorities)[number];

/** The only personal data MediQue keeps. Never leaves through public surfaces. */
export interface PatientData {
  readonly displayName: string | null;
  readonly phone: string | null;
}

export interface Visit {
  readonly id: string;
  readonly departmentId: string;
  /** Calendar date (YYYY-MM-DD) in the clinic's time zone. */
  readonly serviceDay: string;
  readonly seq: number;
  readonly ticket: string;
  readonly publicToken: string;
  readonly priority: Priority;
  readonly state: VisitState;
  readonly version: number;
  readonly roomId: string | null;
  readonly calledBy: string | null;
  readonly callCount: number;
  readonly patient: PatientData;
  readonly checkedInAt: Date;
  /** Position key within a priority class: check-in time, or the re-queue time after a no-show. */
  readonly queuedAt: Date;
  readonly calledAt: Date | null;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
  readonly transferredFromVisitId: string | null;
  readonly transferredToVisitId: string | null;
  readonly cancelReason: string | null;
}

/** The cancel reason the end-of-day close-out gives (SPEC, Operations). */
export const DAY_CLOSED = 'day_closed';

/**
 * A reason the system writes is a code; anything else was typed by staff and may name the
 * patient, so it is treated like patient data (kept out of the audit log, erased by
 * retention).
 */
export const isSystemCancelReason = (reason: string | null): boolean => reason === DAY_CLOSED;
