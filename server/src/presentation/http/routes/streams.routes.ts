import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UseCases } from '../../../application/use-cases.js';
import { BoardState, problems, StreamTicket, TicketView, Uuid } from '../../../contracts/index.js';
import { actorOf } from '../auth.js';
import { queueDto, visitDto } from '../dto.js';
import type { VisitEvent } from '../../../domain/events.js';
import { formatFrame, type SseRegistry, type SseStream } from '../sse.js';

const StreamQuery = z.strictObject({
  ticket: z.string().min(16).max(128).optional(),
  lastEventId: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
});
const LastEventIdHeader = z.looseObject({
  'last-event-id': z
    .string()
    .regex(/^\d{1,10}$/)
    .optional(),
});
const TicketParams = z.strictObject({ publicToken: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });

const sseResponse = { 200: z.string().describe('text/event-stream') };

/**
 * An event is formatted once, however many staff streams it goes to: with thousands of
 * followers, per-follower JSON encoding would dominate the fan-out.
 */
const eventFrames = new WeakMap<VisitEvent, string>();
const eventFrame = (e: VisitEvent): string => {
  let frame = eventFrames.get(e);
  if (frame === undefined) {
    frame = formatFrame({
      id: e.eventId,
      event: e.type,
      data: {
        eventId: e.eventId,
        type: e.type,
        visit: visitDto(e.visit, true),
        occurredAt: e.occurredAt.toISOString(),
      },
    });
    eventFrames.set(e, frame);
  }
  return frame;
};

/** Live streams (API.md): department (staff), board (PHI-free), ticket (PHI-free). */
export const streamRoutes: FastifyPluginAsyncZod<{ useCases: UseCases; sse: SseRegistry }> = async (
  app,
  { useCases, sse },
) => {
  const { live, streamTickets } = useCases;

  app.post(
    '/api/v1/stream-tickets',
    {
      config: { access: ['staff', 'board'] },
      // API.md: "no body, or {}". Fastify validates a missing body as null, so a request
      // without one is given {}; a JSON `null` body is still an error.
      preValidation: async (request) => {
        if (request.body == null && request.headers['content-type'] === undefined)
          request.body = {};
      },
      schema: {
        tags: ['streams'],
        summary: 'A single-use, 30 s ticket for one EventSource',
        body: z.strictObject({}).optional(),
        response: { 201: StreamTicket, ...problems(401, 403) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await streamTickets.issue({ actor: actorOf(request) })),
  );

  app.get(
    '/api/v1/departments/:id/events',
    {
      config: { access: ['staff'], streamTicket: true },
      schema: {
        tags: ['streams'],
        summary: 'Department stream (SSE)',
        params: z.strictObject({ id: Uuid }),
        querystring: StreamQuery,
        headers: LastEventIdHeader,
        response: { ...sseResponse, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      const lastEventId =
        header !== undefined ? Number(header) : (request.query.lastEventId ?? null);
      // Everything that can fail (scope, unknown department) fails before the stream opens,
      // as a problem response; after that, only events flow.
      const out: { stream?: SseStream } = {};
      const pending: Parameters<Parameters<typeof live.followDepartment>[0]['send']>[0][] = [];
      const write = (m: (typeof pending)[number]): void => {
        if (out.stream === undefined) {
          pending.push(m);
          return;
        }
        if (m.kind === 'snapshot') {
          out.stream.send({ id: m.queue.lastEventId, event: 'snapshot', data: queueDto(m.queue) });
        } else {
          out.stream.sendFormatted(eventFrame(m.event));
        }
      };
      const actor = actorOf(request);
      const subscription = await live.followDepartment({
        actor,
        departmentId: request.params.id,
        lastEventId,
        send: write,
      });
      out.stream = sse.open(request, reply, () => live.stillAllowed(actor));
      out.stream.onClose(() => subscription.close());
      for (const m of pending.splice(0)) write(m);
    },
  );

  app.get(
    '/api/v1/boards/:boardId/events',
    {
      config: { access: ['board'], streamTicket: true },
      schema: {
        tags: ['streams'],
        summary: 'Board stream (SSE, no patient data)',
        params: z.strictObject({ boardId: Uuid }),
        querystring: StreamQuery,
        response: { ...sseResponse, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      let sequence = 0;
      const buffered: { kind: 'snapshot' | 'updated'; departments: unknown }[] = [];
      const out: { stream?: SseStream } = {};
      const write = (kind: 'snapshot' | 'updated', departments: unknown): void => {
        if (out.stream === undefined) {
          buffered.push({ kind, departments });
          return;
        }
        sequence += 1;
        out.stream.send({
          id: `b${sequence}`,
          event: kind === 'snapshot' ? 'snapshot' : 'board.updated',
          data: BoardState.parse({ departments }),
        });
      };
      const actor = actorOf(request);
      const subscription = await live.followBoard({
        actor,
        boardId: request.params.boardId,
        send: write,
        onError: (err) => request.log.error({ err }, 'board stream update failed'),
      });
      out.stream = sse.open(request, reply, () => live.stillAllowed(actor));
      out.stream.onClose(() => subscription.close());
      for (const b of buffered.splice(0)) write(b.kind, b.departments);
    },
  );

  app.get(
    '/api/v1/tickets/:publicToken',
    {
      config: { access: 'public' },
      schema: {
        tags: ['tickets'],
        summary: "A patient's ticket (no patient data)",
        params: TicketParams,
        response: { 200: TicketView, ...problems(400, 404) },
      },
    },
    async (request) => live.ticket({ publicToken: request.params.publicToken }),
  );

  app.get(
    '/api/v1/tickets/:publicToken/events',
    {
      config: { access: 'public' },
      schema: {
        tags: ['tickets'],
        summary: "A patient's ticket, live (SSE)",
        params: TicketParams,
        response: { ...sseResponse, ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const out: { stream?: SseStream } = {};
      const buffered: unknown[] = [];
      let sequence = 0;
      const write = (view: unknown): void => {
        if (out.stream === undefined) {
          buffered.push(view);
          return;
        }
        sequence += 1;
        out.stream.send({
          id: `t${sequence}`,
          event: 'ticket.updated',
          data: TicketView.parse(view),
        });
      };
      const subscription = await live.followTicket({
        publicToken: request.params.publicToken,
        send: write,
        onError: (err) => request.log.error({ err }, 'ticket stream update failed'),
      });
      out.stream = sse.open(request, reply);
      out.stream.onClose(() => subscription.close());
      for (const v of buffered.splice(0)) write(v);
    },
  );
};
