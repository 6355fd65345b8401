import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { Queue } from '../../application/live/queue-view.js';
import type { BoardDepartment, TicketView } from '../../application/live/public-views.js';
import type { Department } from '../../domain/department.js';
import type { VisitEvent } from '../../domain/events.js';
import { makeVisit } from '../../domain/test-factories.js';
import {
  BoardStreamEvent,
  DepartmentStreamEvent,
  TicketStreamEvent,
} from '../../contracts/index.js';
import type { SseStream } from './sse.js';
import { BoardStreamSink, DepartmentStreamSink, TicketStreamSink } from './stream-frames.js';

/**
 * The frames the streams write field by field are what the contracts (and so the OpenAPI
 * document and the web app's parsers) say: every field there, and nothing else.
 */

const department: Department = {
  id: '00000000-0000-4000-8000-0000000000d1',
  code: 'CARD',
  name: 'Cardiology',
  active: true,
  policy: { priorityBurst: 3, maxWaitMinutes: null },
  rooms: [
    {
      id: '00000000-0000-4000-8000-0000000000a1',
      departmentId: '00000000-0000-4000-8000-0000000000d1',
      name: 'Room 1',
      active: true,
    },
  ],
};

const called = makeVisit({
  state: 'CALLED',
  roomId: department.rooms[0]?.id ?? null,
  callCount: 1,
  calledAt: new Date('2026-11-23T08:10:00Z'),
  patient: { displayName: 'Zanele Secretname', phone: '+27 82 000 0000' },
});

const queue: Queue = {
  department,
  serviceDay: '2026-11-23',
  lastEventId: 7,
  waiting: [makeVisit({ id: '00000000-0000-4000-8000-000000000002', seq: 13 })],
  called: [called],
  inConsultation: [],
  stats: { waitingCount: 1, medianWaitMinutes: 10, estimatedWaitMinutes: 12 },
};

const event: VisitEvent = {
  departmentId: department.id,
  eventId: 8,
  type: 'visit.called',
  visit: called,
  serviceDay: '2026-11-23',
  occurredAt: new Date('2026-11-23T08:10:00Z'),
};

const board: BoardDepartment[] = [
  {
    departmentId: department.id,
    departmentName: department.name,
    nowServing: [{ ticket: 'CARD-012', roomName: 'Room 1', calledAt: '2026-11-23T08:10:00.000Z' }],
    recentlyCalled: [],
    waitingCount: 1,
    estimatedWaitMinutes: 12,
  },
];

const ticket: TicketView = {
  ticket: 'CARD-013',
  departmentName: department.name,
  state: 'WAITING',
  position: 1,
  estimatedWaitMinutes: 12,
  roomName: null,
};

/** What a stream was sent, as `{ event, id, data }` (numeric ids as numbers). */
const recorder = () => {
  const frames: unknown[] = [];
  let closed = false;
  const stream: SseStream = {
    send: () => {
      throw new Error('the sinks send preformatted frames');
    },
    sendFormatted: (text) => {
      const fields = new Map(
        text
          .trimEnd()
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
      );
      const id = fields.get('id') ?? '';
      frames.push({
        event: fields.get('event'),
        id: /^\d+$/.test(id) ? Number(id) : id,
        data: JSON.parse(fields.get('data') ?? 'null') as unknown,
      });
    },
    close: () => {
      closed = true;
    },
    get closed() {
      return closed;
    },
    onClose: () => {},
  };
  return { stream, frames, isClosed: () => closed };
};

/** Parsing keeps only the schema's fields: equal means nothing is missing or extra. */
const expectExactly = (schema: z.ZodType, frames: unknown[]) => {
  expect(frames.length).toBeGreaterThan(0);
  for (const frame of frames) expect(schema.parse(frame)).toEqual(frame);
};

describe('stream frames', () => {
  it('department: the snapshot and each event match DepartmentStreamEvent', () => {
    const sink = new DepartmentStreamSink();
    const { stream, frames } = recorder();
    sink.attach(stream);
    sink.snapshot(queue);
    sink.send(event);
    expect(frames.map((f) => (f as { event: string }).event)).toEqual(['snapshot', 'visit.called']);
    expect(frames.map((f) => (f as { id: number }).id)).toEqual([7, 8]);
    expectExactly(DepartmentStreamEvent, frames);
  });

  it('board: snapshot and board.updated match BoardStreamEvent, without patient data', () => {
    const sink = new BoardStreamSink();
    const { stream, frames } = recorder();
    sink.attach(stream);
    sink.send('snapshot', board, 1);
    sink.send('updated', board, 2);
    expectExactly(BoardStreamEvent, frames);
    expect(JSON.stringify(frames)).not.toContain('Secretname');
  });

  it('ticket: ticket.updated matches TicketStreamEvent', () => {
    const sink = new TicketStreamSink();
    const { stream, frames } = recorder();
    sink.attach(stream);
    sink.send(ticket, 1);
    expectExactly(TicketStreamEvent, frames);
  });

  it('what is sent before the stream opens waits, in order; an end before then closes it on opening', () => {
    const sink = new DepartmentStreamSink();
    sink.snapshot(queue);
    sink.send(event);
    sink.end();
    const { stream, frames, isClosed } = recorder();
    sink.attach(stream);
    expect(frames.map((f) => (f as { id: number }).id)).toEqual([7, 8]);
    expect(isClosed()).toBe(true);
  });
});
