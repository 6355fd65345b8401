import { z } from 'zod';
import { visitEventTypes } from '../domain/state-machine.js';
import { IsoDateTime } from './common.js';
import { Queue } from './department.contract.js';
import { Visit } from './visit.contract.js';

/**
 * What the live streams take and carry (docs/api.md, Live updates). The server writes each
 * payload field by field (presentation/http/stream-frames.ts) and a test holds those
 * frames to these schemas, so only these fields can reach a screen; the web app parses
 * them on the way in.
 */

/** `?ticket=` (EventSource cannot send headers) and `?lastEventId=` (a resume). */
export const StreamQuery = z.strictObject({
  ticket: z.string().min(16).max(128).optional(),
  lastEventId: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
});

/** The EventSource's own resume header; it wins over `?lastEventId=`. */
export const LastEventIdHeader = z.looseObject({
  'last-event-id': z
    .string()
    .regex(/^\d{1,10}$/)
    .optional(),
});

export const TicketParams = z.strictObject({
  publicToken: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
});

export const StreamTicket = z
  .object({ ticket: z.string(), expiresInSeconds: z.number().int() })
  .meta({ id: 'StreamTicket' });

/** A patient's ticket (GET /tickets/:publicToken and `ticket.updated`): no patient data. */
export const TicketView = z
  .object({
    ticket: z.string(),
    departmentName: z.string(),
    state: z.string(),
    position: z.number().int().nullable(),
    estimatedWaitMinutes: z.number().nullable(),
    roomName: z.string().nullable(),
  })
  .meta({ id: 'TicketView' });

export const BoardCall = z.object({
  ticket: z.string(),
  roomName: z.string().nullable(),
  calledAt: z.string(),
});

/** A board's `snapshot` and `board.updated` data: tickets, rooms, counts and waits only. */
export const BoardState = z
  .object({
    departments: z.array(
      z.object({
        departmentId: z.string(),
        departmentName: z.string(),
        nowServing: z.array(BoardCall),
        recentlyCalled: z.array(BoardCall),
        waitingCount: z.number().int(),
        estimatedWaitMinutes: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'BoardState' });

/** A department stream event's data (`id:` is `eventId`). */
export const DepartmentEvent = z
  .object({
    eventId: z.number().int(),
    type: z.enum(visitEventTypes),
    visit: Visit,
    occurredAt: IsoDateTime,
  })
  .meta({ id: 'DepartmentEvent' });

/**
 * One event of a stream as the OpenAPI document describes it: its `event:` name, its `id:`
 * and its JSON `data:`. OpenAPI 3.1 has no schema for an event stream, so the document
 * gives `text/event-stream` the schema of one event (what OpenAPI 3.2 calls an itemSchema).
 */
const streamEvent = <E extends z.ZodType, I extends z.ZodType, D extends z.ZodType>(
  event: E,
  id: I,
  data: D,
) => z.object({ event, id, data });

export const DepartmentStreamEvent = z
  .union([
    streamEvent(
      z.literal('snapshot'),
      z.number().int().describe('The last event number the queue includes'),
      Queue,
    ),
    streamEvent(
      z.enum(visitEventTypes),
      z.number().int().describe("`eventId`: the department's event number, gap-free"),
      DepartmentEvent,
    ),
  ])
  .meta({ id: 'DepartmentStreamEvent' });

export const BoardStreamEvent = streamEvent(
  z.enum(['snapshot', 'board.updated']),
  z.string().describe('Opaque; a board stream is not resumed'),
  BoardState,
).meta({ id: 'BoardStreamEvent' });

export const TicketStreamEvent = streamEvent(
  z.literal('ticket.updated'),
  z.string().describe('Opaque; a ticket stream is not resumed'),
  TicketView,
).meta({ id: 'TicketStreamEvent' });
