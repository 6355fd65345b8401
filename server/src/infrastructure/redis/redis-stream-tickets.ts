import type { Redis } from 'ioredis';
import type { StreamTicketStore } from '../../application/ports.js';
import type { Actor } from '../../domain/actor.js';
import { redisKeys } from './keys.js';

/** Stream tickets in Redis, so a ticket issued by one instance opens a stream on any. */
export const makeRedisStreamTickets = (redis: Redis): StreamTicketStore => ({
  put: async (ticket, actor, ttlSeconds) => {
    await redis.set(redisKeys.streamTicket(ticket), JSON.stringify(actor), 'EX', ttlSeconds);
  },
  // GETDEL: the read and the delete are one step, so a ticket opens exactly one stream.
  take: async (ticket) => {
    const raw = await redis.getdel(redisKeys.streamTicket(ticket));
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as Actor;
    } catch {
      return null;
    }
  },
});
