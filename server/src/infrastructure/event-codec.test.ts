import { describe, expect, it } from 'vitest';
import type { VisitEvent } from '../domain/events.js';
import { makeVisit } from '../domain/test-factories.js';
import {
  decodeEvent,
  decodeVisit,
  encodeEvent,
  encodeVisit,
  parseEventMessage,
} from './event-codec.js';

const visit = makeVisit({
  state: 'CALLED',
  version: 2,
  roomId: '00000000-0000-4000-8000-0000000000a1',
  calledBy: '00000000-0000-4000-8000-0000000000b1',
  callCount: 1,
  patient: { displayName: 'Awa', phone: null },
  calledAt: new Date('2026-11-23T08:05:00.123Z'),
});

const event: VisitEvent = {
  departmentId: visit.departmentId,
  eventId: 7,
  type: 'visit.called',
  visit,
  serviceDay: visit.serviceDay,
  occurredAt: new Date('2026-11-23T08:05:00.123Z'),
};

/** A `visit_events` row as the driver reads it: `visit` as `to_jsonb(v)` wrote it. */
const storedRow = {
  department_id: visit.departmentId,
  event_id: 7,
  type: 'visit.called',
  visit_id: visit.id,
  service_day: '2026-11-23',
  occurred_at: new Date('2026-11-23T08:05:00.123Z'),
  visit: {
    id: visit.id,
    department_id: visit.departmentId,
    service_day: '2026-11-23',
    seq: 12,
    ticket: 'CARD-012',
    public_token: 'token',
    priority: 'normal',
    state: 'CALLED',
    version: 2,
    room_id: visit.roomId,
    called_by: visit.calledBy,
    call_count: 1,
    display_name: 'Awa',
    phone: null,
    checked_in_at: '2026-11-23T08:00:00+00:00',
    queued_at: '2026-11-23T09:00:00+01:00',
    called_at: '2026-11-23T08:05:00.123+00:00',
    started_at: null,
    ended_at: null,
    transferred_from_visit_id: null,
    transferred_to_visit_id: null,
    cancel_reason: null,
  },
};

describe('event codec: one format for the log and the bus', () => {
  it('reads a stored row (to_jsonb timestamps, any offset) as the event it records', () => {
    expect(decodeEvent(storedRow)).toEqual(event);
  });

  it('a bus message is the stored row as JSON, and reads back as the same event', () => {
    const message = JSON.parse(encodeEvent(event)) as Record<string, unknown>;
    expect(Object.keys(message).sort()).toEqual(
      Object.keys(storedRow)
        .filter((k) => k !== 'visit_id')
        .sort(),
    );
    expect(Object.keys(message.visit as object).sort()).toEqual(
      Object.keys(storedRow.visit).sort(),
    );
    expect(parseEventMessage(encodeEvent(event))).toEqual(event);
  });

  it('keeps a visit for the idempotency record the same way', () => {
    expect(decodeVisit(JSON.parse(JSON.stringify(encodeVisit(visit))))).toEqual(visit);
    expect(decodeVisit(storedRow.visit)).toEqual(visit);
  });

  it.each([
    ['an unknown event type', { ...storedRow, type: 'visit.rewritten' }],
    ['event id 0', { ...storedRow, event_id: 0 }],
    ['a camelCase visit', { ...storedRow, visit: JSON.parse(JSON.stringify(visit)) as unknown }],
    ['a visit without a state', { ...storedRow, visit: { ...storedRow.visit, state: undefined } }],
    ['a timestamp without an offset', { ...storedRow, occurred_at: '2026-11-23T08:05:00' }],
  ])('refuses %s', (_, row) => {
    expect(decodeEvent(row)).toBeNull();
  });

  it('refuses what is not JSON', () => {
    expect(parseEventMessage('not json')).toBeNull();
  });
});
