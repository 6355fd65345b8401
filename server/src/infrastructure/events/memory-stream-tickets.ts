import type { Clock, StreamTicketStore } from '../../application/ports.js';
import type { Actor } from '../../domain/actor.js';

/** Embedded mode's stream tickets: one process, so memory is enough. */
export const makeMemoryStreamTickets = (clock: Clock): StreamTicketStore => {
  const now = (): number => clock.now().getTime();
  const tickets = new Map<string, { actor: Actor; expiresAt: number }>();
  return {
    put: async (ticket, actor, ttlSeconds) => {
      for (const [k, v] of tickets) if (v.expiresAt <= now()) tickets.delete(k);
      tickets.set(ticket, { actor, expiresAt: now() + ttlSeconds * 1000 });
    },
    take: async (ticket) => {
      const entry = tickets.get(ticket);
      tickets.delete(ticket);
      return entry !== undefined && entry.expiresAt > now() ? entry.actor : null;
    },
  };
};
