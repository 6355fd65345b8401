import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import type { StreamTicketStore } from './ports.js';

export const STREAM_TICKET_SECONDS = 30;

/**
 * `EventSource` cannot send an Authorization header, so a staff or board credential trades
 * itself for a single-use ticket, valid 30 s, carrying the same scope.
 */
export const makeStreamTickets = ({
  tickets,
  newTicket,
}: {
  tickets: StreamTicketStore;
  newTicket: () => string;
}) => ({
  issue: async ({
    actor,
  }: {
    actor: Actor;
  }): Promise<{ ticket: string; expiresInSeconds: number }> => {
    if (actor.type !== 'staff' && actor.type !== 'board') {
      throw new DomainError('FORBIDDEN', 'Only staff and boards open live streams');
    }
    const ticket = newTicket();
    await tickets.put(ticket, actor, STREAM_TICKET_SECONDS);
    return { ticket, expiresInSeconds: STREAM_TICKET_SECONDS };
  },
  redeem: async (ticket: string): Promise<Actor> => {
    const actor = await tickets.take(ticket);
    if (actor === null)
      throw new DomainError('UNAUTHENTICATED', 'The stream ticket is unknown, used or expired');
    return actor;
  },
});
