import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UseCases } from '../../../application/use-cases.js';
import {
  BoardStreamEvent,
  DepartmentStreamEvent,
  LastEventIdHeader,
  problems,
  StreamQuery,
  StreamTicket,
  TicketParams,
  TicketStreamEvent,
  TicketView,
  Uuid,
} from '../../../contracts/index.js';
import { actorOf } from '../auth.js';
import type { SseRegistry, SseStream } from '../sse.js';
import { BoardStreamSink, DepartmentStreamSink, TicketStreamSink } from '../stream-frames.js';

/** A stream's 200 in the OpenAPI document: the schema of one of its events, and what they are. */
const sseResponse = (event: z.ZodType, events: string) => ({
  200: {
    description:
      `Server-Sent Events (\`text/event-stream\`): ${events} ` +
      'A `: ping` comment comes at least every 15 s.',
    content: { 'text/event-stream': { schema: event } },
  },
});

/** Built here, not in a handler: the closure holds the subscription and nothing of the request. */
const closer = (subscription: { close(): void }) => (): void => subscription.close();

/** Live streams (docs/api.md): department (staff), board (PHI-free), ticket (PHI-free). */
export const streamRoutes: FastifyPluginAsyncZod<{ useCases: UseCases; sse: SseRegistry }> = async (
  app,
  { useCases, sse },
) => {
  const { live, streamTickets } = useCases;
  /** The response opens; the live views' handle ends with it (and nothing else is kept). */
  const open = (
    request: FastifyRequest,
    reply: FastifyReply,
    sink: { attach(stream: SseStream): void },
    subscription: { close(): void },
  ): void => {
    const stream = sse.open(request, reply);
    stream.onClose(closer(subscription));
    sink.attach(stream);
  };

  app.post(
    '/api/v1/stream-tickets',
    {
      config: { access: ['staff', 'board'], limit: 'global' },
      // docs/api.md: "no body, or {}". Fastify validates a missing body as null, so a request
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
      config: { access: ['staff'], limit: 'stream', streamTicket: true },
      schema: {
        tags: ['streams'],
        summary: 'Department stream (SSE)',
        params: z.strictObject({ id: Uuid }),
        querystring: StreamQuery,
        headers: LastEventIdHeader,
        response: {
          ...sseResponse(
            DepartmentStreamEvent,
            'first `snapshot` (data: the Queue), or, resuming with `lastEventId` or ' +
              '`Last-Event-ID`, the events missed since (a fresh `snapshot` when that id is ' +
              'too old, from another service day or in the future); then each `visit.*` ' +
              'event (data: a DepartmentEvent; `id:` its number).',
          ),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      const lastEventId =
        header !== undefined ? Number(header) : (request.query.lastEventId ?? null);
      // Everything that can fail (scope, unknown department) fails before the stream opens,
      // as a problem response; after that, only events flow. Nothing below keeps `request`.
      const sink = new DepartmentStreamSink();
      const subscription = await live.followDepartment({
        actor: actorOf(request),
        departmentId: request.params.id,
        lastEventId,
        sink,
      });
      open(request, reply, sink, subscription);
    },
  );

  app.get(
    '/api/v1/boards/:boardId/events',
    {
      config: { access: ['board'], limit: 'stream', streamTicket: true },
      schema: {
        tags: ['streams'],
        summary: 'Board stream (SSE, no patient data)',
        params: z.strictObject({ boardId: Uuid }),
        querystring: StreamQuery,
        response: {
          ...sseResponse(
            BoardStreamEvent,
            'first `snapshot`, then `board.updated` on each change; data: a BoardState ' +
              '(tickets, rooms, counts and waits; never a name or a phone).',
          ),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const sink = new BoardStreamSink();
      const subscription = await live.followBoard({
        actor: actorOf(request),
        boardId: request.params.boardId,
        sink,
      });
      open(request, reply, sink, subscription);
    },
  );

  app.get(
    '/api/v1/tickets/:publicToken',
    {
      config: { access: 'public', limit: 'global' },
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
      config: { access: 'public', limit: 'stream' },
      schema: {
        tags: ['tickets'],
        summary: "A patient's ticket, live (SSE)",
        params: TicketParams,
        response: {
          ...sseResponse(
            TicketStreamEvent,
            '`ticket.updated` at once and on each change; data: a TicketView (no patient data).',
          ),
          ...problems(400, 404),
        },
      },
    },
    async (request, reply) => {
      const sink = new TicketStreamSink();
      const subscription = await live.followTicket({
        publicToken: request.params.publicToken,
        sink,
      });
      open(request, reply, sink, subscription);
    },
  );
};
