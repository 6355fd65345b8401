import { describe, expect, it } from 'vitest';
import { ApiProblem, NetworkError, isUnauthorized } from '../api/problem';
import {
  BACKOFF_CAP_MS,
  backoffDelay,
  openLiveStream,
  type EventSourceLike,
  type LiveStatus,
  type LiveStreamOptions,
  type NetworkSignals,
} from './live-stream';

/** An EventSource the test drives: open it, send events, fail it. */
class FakeEventSource implements EventSourceLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  emit(type: string, data: unknown, id = ''): void {
    const event = new MessageEvent<string>(type, { data: JSON.stringify(data), lastEventId: id });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
  /** The server ended the stream, or answered 401 to a spent ticket: closed for good. */
  fail(): void {
    this.readyState = 2;
    this.onerror?.(new Event('error'));
  }
}

/** Timers the test runs by hand, recording each delay. */
const manualTimers = () => {
  const pending: { run: () => void; ms: number; cancelled: boolean }[] = [];
  return {
    delays: () => pending.map((p) => p.ms),
    schedule: (run: () => void, ms: number) => {
      const entry = { run, ms, cancelled: false };
      pending.push(entry);
      return () => {
        entry.cancelled = true;
      };
    },
    /** Runs every due timer (all of them: time is whatever the test says). */
    fire: async () => {
      for (const p of pending.splice(0)) if (!p.cancelled) p.run();
      await flush();
    },
    count: () => pending.filter((p) => !p.cancelled).length,
  };
};

const flush = async () => {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
};

const harness = (overrides: Partial<LiveStreamOptions> = {}) => {
  const sources: FakeEventSource[] = [];
  const statuses: LiveStatus[] = [];
  const received: { type: string; data: unknown; id: string }[] = [];
  const timers = manualTimers();
  let tickets = 0;
  const ticketAnswers: (() => Promise<string>)[] = [];
  const stream = openLiveStream({
    url: '/api/v1/departments/d1/events',
    on: {
      snapshot: (data, id) => received.push({ type: 'snapshot', data, id }),
      'visit.called': (data, id) => received.push({ type: 'visit.called', data, id }),
    },
    ticket: () => {
      tickets += 1;
      const next = ticketAnswers.shift();
      return next !== undefined ? next() : Promise.resolve(`ticket-${tickets}`);
    },
    resume: true,
    isUnauthorized,
    onStatus: (s) => statuses.push(s),
    createEventSource: (url) => {
      const es = new FakeEventSource(url);
      sources.push(es);
      return es;
    },
    random: () => 0.5,
    schedule: timers.schedule,
    network: null,
    ...overrides,
  });
  return {
    stream,
    sources,
    statuses,
    received,
    timers,
    ticketAnswers,
    tickets: () => tickets,
    last: () => sources[sources.length - 1] as FakeEventSource,
  };
};

describe('openLiveStream', () => {
  it('opens with a fresh stream ticket, reports online, and hands each event over', async () => {
    const h = harness();
    await flush();
    expect(h.last().url).toBe('/api/v1/departments/d1/events?ticket=ticket-1');
    expect(h.statuses).toEqual(['connecting']);
    h.last().open();
    h.last().emit('snapshot', { lastEventId: 4 }, '4');
    h.last().emit('visit.called', { eventId: 5 }, '5');
    expect(h.statuses).toEqual(['connecting', 'online']);
    expect(h.received).toEqual([
      { type: 'snapshot', data: { lastEventId: 4 }, id: '4' },
      { type: 'visit.called', data: { eventId: 5 }, id: '5' },
    ]);
    expect(h.stream.lastEventId()).toBe(5);
  });

  it('when the server ends the stream: closes it, waits, gets a new ticket and resumes from the last id', async () => {
    const h = harness();
    await flush();
    const first = h.last();
    first.open();
    first.emit('visit.called', {}, '7');
    first.fail();
    // Never the browser's own reconnect: that would re-send the spent ticket.
    expect(first.closed).toBe(true);
    expect(h.statuses.at(-1)).toBe('offline');
    expect(h.sources).toHaveLength(1);
    await h.timers.fire();
    expect(h.sources).toHaveLength(2);
    expect(h.last().url).toBe('/api/v1/departments/d1/events?ticket=ticket-2&lastEventId=7');
    h.last().open();
    expect(h.statuses.at(-1)).toBe('online');
  });

  it('a 401 on the old ticket (an error before open) is retried with a new ticket', async () => {
    const h = harness();
    await flush();
    h.last().fail(); // the server refused the stream: EventSource gives up at once
    await h.timers.fire();
    expect(h.tickets()).toBe(2);
    expect(h.last().url).toContain('ticket=ticket-2');
  });

  it('a 401 on the ticket request means the credential is gone: onUnauthorized, no more attempts', async () => {
    let unauthorized = 0;
    const h = harness({ onUnauthorized: () => (unauthorized += 1) });
    await flush();
    h.last().fail();
    h.ticketAnswers.push(() =>
      Promise.reject(new ApiProblem(401, { code: 'UNAUTHENTICATED' }, null)),
    );
    await h.timers.fire();
    expect(unauthorized).toBe(1);
    expect(h.sources).toHaveLength(1);
    expect(h.timers.count()).toBe(0);
  });

  it('a network drop while fetching tickets backs off with jitter, capped at 10 s, and says offline', async () => {
    const h = harness();
    await flush();
    h.last().fail();
    for (let i = 0; i < 8; i += 1) {
      h.ticketAnswers.push(() => Promise.reject(new NetworkError(new TypeError('fetch failed'))));
    }
    for (let i = 0; i < 8; i += 1) await h.timers.fire();
    expect(h.sources).toHaveLength(1);
    expect(h.statuses.at(-1)).toBe('offline');
    await h.timers.fire(); // the network is back: the next ticket request succeeds
    h.last().open();
    expect(h.statuses.at(-1)).toBe('online');
    expect(h.sources).toHaveLength(2);
  });

  it('uses no lastEventId for streams that start from a snapshot (board ids are opaque)', async () => {
    const h = harness({ resume: false, url: '/api/v1/boards/b1/events' });
    await flush();
    h.last().open();
    h.last().emit('snapshot', {}, 'b1');
    h.last().fail();
    await h.timers.fire();
    expect(h.last().url).toBe('/api/v1/boards/b1/events?ticket=ticket-2');
  });

  it('public streams need no ticket', async () => {
    const h = harness({ ticket: undefined, resume: false, url: '/api/v1/tickets/abc/events' });
    await flush();
    expect(h.last().url).toBe('/api/v1/tickets/abc/events');
    expect(h.tickets()).toBe(0);
  });

  it('a handler that throws, or data that is not JSON, skips that event and keeps the stream', async () => {
    const bad: string[] = [];
    const h = harness({
      on: {
        snapshot: () => {
          throw new Error('boom');
        },
      },
      onBadEvent: (_err, type) => bad.push(type),
    });
    await flush();
    h.last().open();
    h.last().emit('snapshot', {}, '1');
    expect(bad).toEqual(['snapshot']);
    expect(h.last().closed).toBe(false);
  });

  it('close() stops everything: no retry, no events', async () => {
    const h = harness();
    await flush();
    h.last().open();
    h.stream.close();
    expect(h.last().closed).toBe(true);
    h.last().emit('visit.called', {}, '9');
    h.last().fail();
    await h.timers.fire();
    expect(h.received).toEqual([]);
    expect(h.sources).toHaveLength(1);
  });

  it('follows the browser going offline and back online, reconnecting at once', async () => {
    let goOffline = () => {};
    let goOnline = () => {};
    let online = true;
    const network: NetworkSignals = {
      isOnline: () => online,
      onOffline: (cb) => ((goOffline = cb), () => {}),
      onOnline: (cb) => ((goOnline = cb), () => {}),
    };
    const h = harness({ network });
    await flush();
    h.last().open();
    h.last().emit('visit.called', {}, '3');
    online = false;
    goOffline();
    expect(h.statuses.at(-1)).toBe('offline');
    expect(h.last().closed).toBe(true);
    online = true;
    goOnline();
    await flush();
    expect(h.sources).toHaveLength(2);
    expect(h.last().url).toContain('lastEventId=3');
  });
});

describe('backoffDelay', () => {
  it('doubles from 0.5 s, never exceeds 10 s, and spreads within [half, full]', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, () => 1));
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
    expect(backoffDelay(3, () => 0)).toBe(2000);
    for (let n = 0; n < 20; n += 1) {
      expect(backoffDelay(n, Math.random)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
    }
  });
});
