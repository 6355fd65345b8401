import { z } from 'zod';
import type { VisitEvent } from '../../domain/events.js';
import { visitEventTypes } from '../../domain/state-machine.js';
import { priorities, visitStates } from '../../domain/visit.js';

/**
 * The pub/sub message for a committed event. Whatever arrives on a channel is parsed
 * before use: a malformed or foreign message is dropped, never trusted.
 */
const date = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const nullableDate = date.nullable();

const visitMessage = z.object({
  id: z.uuid(),
  departmentId: z.uuid(),
  serviceDay: z.iso.date(),
  seq: z.number().int(),
  ticket: z.string(),
  publicToken: z.string(),
  priority: z.enum(priorities),
  state: z.enum(visitStates),
  version: z.number().int(),
  roomId: z.uuid().nullable(),
  calledBy: z.string().nullable(),
  callCount: z.number().int(),
  patient: z.object({ displayName: z.string().nullable(), phone: z.string().nullable() }),
  checkedInAt: date,
  queuedAt: date,
  calledAt: nullableDate,
  startedAt: nullableDate,
  endedAt: nullableDate,
  transferredFromVisitId: z.uuid().nullable(),
  transferredToVisitId: z.uuid().nullable(),
  cancelReason: z.string().nullable(),
});

const eventMessage = z.object({
  departmentId: z.uuid(),
  eventId: z.number().int().min(1),
  type: z.enum(visitEventTypes),
  serviceDay: z.iso.date(),
  occurredAt: date,
  visit: visitMessage,
});

/** Dates become ISO strings through JSON.stringify. */
export const encodeEvent = (event: VisitEvent): string => JSON.stringify(event);

export const decodeEvent = (raw: string): VisitEvent | null => {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = eventMessage.safeParse(json);
  return parsed.success ? parsed.data : null;
};

export const visitFromJson = (json: unknown) => {
  const parsed = visitMessage.safeParse(json);
  return parsed.success ? parsed.data : null;
};
