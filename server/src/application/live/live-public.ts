import type { Actor } from '../../domain/actor.js';
import { DomainError, notFound } from '../../domain/errors.js';
import type { Visit } from '../../domain/visit.js';
import type { Transactor, TxStores } from '../ports.js';
import type { Channel, Closable, DepartmentFeeds } from './department-feeds.js';
import type { BoardSink, PublicFanout, TicketSink } from './public-fanout.js';
import type { TicketView } from './public-views.js';

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'visits'>>;
  readonly feeds: DepartmentFeeds;
  readonly fanout: PublicFanout;
}

/**
 * Boards and patients' ticket pages (PHI-free, SPEC invariant 7). Opening one reads nothing
 * from the database when the department's view is in memory and, for a ticket, the visit
 * is waiting or being seen; a finished visit's ticket is looked up once.
 */
export const makeLivePublic = ({ tx, feeds, fanout }: Deps) => {
  /** The channel's view settled: a call's streak read or a reload in flight has finished. */
  const settled = async (ch: Channel): Promise<void> => {
    if (!ch.view.exact()) await feeds.enqueue(ch, async () => {});
  };

  /** The visit behind a patient's link, and its department's channel (acquired). */
  const openTicket = async (publicToken: string): Promise<{ ch: Channel; visit: Visit }> => {
    for (const ch of feeds.all()) {
      const view = ch.view.get();
      const id = view?.byToken.get(publicToken);
      const visit = id === undefined ? undefined : view?.active.get(id);
      if (visit !== undefined) return { ch: await feeds.acquire(ch.departmentId), visit };
    }
    const visit = await tx.autocommit(({ visits }) => visits.findByPublicToken(publicToken));
    if (visit === null) throw notFound('Ticket');
    return { ch: await feeds.acquire(visit.departmentId), visit };
  };

  return {
    ticket: async ({ publicToken }: { publicToken: string }): Promise<TicketView> => {
      const { ch, visit } = await openTicket(publicToken);
      try {
        await settled(ch);
        const view = fanout.ticketNow(ch, visit);
        if (view === null) throw notFound('Ticket');
        return view;
      } finally {
        feeds.release(ch);
      }
    },

    /** The ticket's view at once, then each change of it. */
    followTicket: async ({
      publicToken,
      sink,
    }: {
      publicToken: string;
      sink: TicketSink;
    }): Promise<Closable> => {
      const { ch, visit } = await openTicket(publicToken);
      try {
        await settled(ch);
        const handle = fanout.followTicket(ch, visit, sink);
        return {
          close: () => {
            handle.close();
            feeds.release(ch);
          },
        };
      } catch (err) {
        feeds.release(ch);
        throw err;
      }
    },

    /** A board's departments as the waiting room sees them: a snapshot, then each change. */
    followBoard: async ({
      actor,
      boardId,
      sink,
    }: {
      actor: Actor;
      boardId: string;
      sink: BoardSink;
    }): Promise<Closable> => {
      if (actor.type !== 'board' || actor.id !== boardId) {
        throw new DomainError('FORBIDDEN', 'This stream is for another board');
      }
      const held: Channel[] = [];
      try {
        for (const id of actor.departmentIds) held.push(await feeds.acquire(id));
        for (const ch of held) await settled(ch);
        const handle = fanout.followBoard(
          held.filter((ch) => ch.view.get() !== null),
          sink,
        );
        return {
          close: () => {
            handle.close();
            for (const ch of held) feeds.release(ch);
          },
        };
      } catch (err) {
        for (const ch of held) feeds.release(ch);
        throw err;
      }
    },
  };
};
