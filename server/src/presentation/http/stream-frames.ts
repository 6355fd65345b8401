import type { Queue } from '../../application/get-queue.js';
import type { BoardDepartment, TicketView } from '../../application/live/public-views.js';
import type { VisitEvent } from '../../domain/events.js';
import { queueDto, visitDto } from './dto.js';
import { formatFrame, type SseStream } from './sse.js';

/**
 * The live streams' frames, each formatted once however many streams it goes to (with
 * thousands of screens, per-stream JSON would dominate the fan-out).
 *
 * Board and ticket payloads are written field by field from types that have no field for
 * a name or a phone (SPEC invariant 7); the contract schemas (`BoardState`, `TicketView`)
 * describe exactly these fields, which a test checks, rather than parsing every frame.
 */
const eventFrames = new WeakMap<VisitEvent, string>();
export const eventFrame = (e: VisitEvent): string => {
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

const snapshotFrames = new WeakMap<Queue, string>();
export const snapshotFrame = (q: Queue): string => {
  let frame = snapshotFrames.get(q);
  if (frame === undefined) {
    frame = formatFrame({ id: q.lastEventId, event: 'snapshot', data: queueDto(q) });
    snapshotFrames.set(q, frame);
  }
  return frame;
};

export const ticketData = (v: TicketView) => ({
  ticket: v.ticket,
  departmentName: v.departmentName,
  state: v.state,
  position: v.position,
  estimatedWaitMinutes: v.estimatedWaitMinutes,
  roomName: v.roomName,
});

const ticketFrames = new WeakMap<TicketView, string>();
const ticketFrame = (v: TicketView, at: number): string => {
  let frame = ticketFrames.get(v);
  if (frame === undefined) {
    frame = formatFrame({ id: `t${at}`, event: 'ticket.updated', data: ticketData(v) });
    ticketFrames.set(v, frame);
  }
  return frame;
};

const call = (c: BoardDepartment['nowServing'][number]) => ({
  ticket: c.ticket,
  roomName: c.roomName,
  calledAt: c.calledAt,
});

export const boardData = (departments: readonly BoardDepartment[]) => ({
  departments: departments.map((d) => ({
    departmentId: d.departmentId,
    departmentName: d.departmentName,
    nowServing: d.nowServing.map(call),
    recentlyCalled: d.recentlyCalled.map(call),
    waitingCount: d.waitingCount,
    estimatedWaitMinutes: d.estimatedWaitMinutes,
  })),
});

/**
 * A stream's side of the live views. What the views send before the response is open
 * (the snapshot: everything that can fail must fail first, as a problem response) waits
 * here; `attach` writes it out. `end` (a revoked credential) closes the stream.
 */
class PendingSink {
  private stream: SseStream | null = null;
  private pending: string[] | null = [];
  private ended = false;

  protected write(text: string): void {
    if (this.stream !== null) this.stream.sendFormatted(text);
    else this.pending?.push(text);
  }

  attach(stream: SseStream): void {
    this.stream = stream;
    for (const text of this.pending ?? []) stream.sendFormatted(text);
    this.pending = null;
    if (this.ended) stream.close();
  }

  end(): void {
    this.ended = true;
    this.stream?.close();
  }
}

export class DepartmentStreamSink extends PendingSink {
  snapshot(queue: Queue): void {
    this.write(snapshotFrame(queue));
  }
  send(event: VisitEvent): void {
    this.write(eventFrame(event));
  }
}

export class TicketStreamSink extends PendingSink {
  send(view: TicketView, at: number): void {
    this.write(ticketFrame(view, at));
  }
}

export class BoardStreamSink extends PendingSink {
  send(kind: 'snapshot' | 'updated', departments: BoardDepartment[], sequence: number): void {
    this.write(
      formatFrame({
        id: `b${sequence}`,
        event: kind === 'snapshot' ? 'snapshot' : 'board.updated',
        data: boardData(departments),
      }),
    );
  }
}
