import { z } from 'zod';
import { visitEventTypes } from '../domain/state-machine.js';
import { IsoDateTime } from './common.js';
import { Visit } from './visit.contract.js';

/**
 * What the live streams carry (docs/api.md, Live streams). The server parses public payloads
 * through these on the way out, so only these fields can reach a screen; the web app
 * parses them on the way in.
 */

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
export const BoardState = z.object({
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
});

/** A department stream event's data (`id:` is `eventId`). */
export const DepartmentEvent = z.object({
  eventId: z.number().int(),
  type: z.enum(visitEventTypes),
  visit: Visit,
  occurredAt: IsoDateTime,
});
