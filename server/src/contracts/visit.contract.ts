import { z } from 'zod';
import { priorities, visitStates } from '../domain/visit.js';
import { IsoDate, IsoDateTime, Uuid } from './common.js';

export const Priority = z.enum(priorities);
export const VisitState = z.enum(visitStates);

export const Patient = z.object({
  displayName: z.string().nullable(),
  phone: z.string().nullable(),
});

export const Visit = z
  .object({
    id: Uuid,
    departmentId: Uuid,
    serviceDay: IsoDate,
    seq: z.number().int(),
    ticket: z.string(),
    publicToken: z.string(),
    priority: Priority,
    state: VisitState,
    version: z.number().int(),
    roomId: Uuid.nullable(),
    callCount: z.number().int(),
    /** Present only for staff and for the kiosk's own check-in response. */
    patient: Patient.optional(),
    checkedInAt: IsoDateTime,
    queuedAt: IsoDateTime,
    calledAt: IsoDateTime.nullable(),
    startedAt: IsoDateTime.nullable(),
    endedAt: IsoDateTime.nullable(),
    transferredFromVisitId: Uuid.nullable(),
    transferredToVisitId: Uuid.nullable(),
    cancelReason: z.string().nullable(),
  })
  .meta({ id: 'Visit' });

export const VisitEnvelope = z.object({ visit: Visit });

/** Printable ASCII, 1–255 characters (docs/api.md). */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x20-\x7E]{1,255}$/, 'must be 1–255 printable ASCII characters');

export const CheckInHeaders = z.looseObject({ 'idempotency-key': IdempotencyKey });

export const CheckInBody = z.strictObject({
  departmentId: Uuid,
  patient: z
    .strictObject({
      displayName: z.string().trim().min(1).max(80).optional(),
      phone: z
        .string()
        .trim()
        .regex(/^\+?[0-9][0-9 ()./-]{2,31}$/, 'must be a phone number such as +243 81 234 5678')
        .optional(),
    })
    .optional(),
  priority: Priority.optional(),
});

const Version = z.number().int().min(1);

export const VersionBody = z.strictObject({ version: Version });
export const CallBody = z.strictObject({ version: Version, roomId: Uuid });
export const CancelBody = z.strictObject({
  version: Version,
  reason: z.string().trim().min(1).max(200).optional(),
});
export const TransferBody = z.strictObject({
  version: Version,
  toDepartmentId: Uuid,
  priority: Priority.optional(),
});
export const CallNextBody = z.strictObject({ roomId: Uuid });
export const TransferResult = z.object({ visit: Visit, newVisit: Visit });
