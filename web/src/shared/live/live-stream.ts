/**
 * The one live-stream client every screen uses (docs/screens.md, "Behaviour every screen shares").
 *
 * - Staff and board streams need a single-use stream ticket per connection (`ticket`).
 *   The browser's own EventSource reconnect would re-send a spent ticket and get 401, so
 *   this module never lets it: on any error it closes the EventSource and opens a new one
 *   itself, with a fresh ticket.
 * - Department streams resume: the last numeric event id seen goes back as
 *   `?lastEventId=` (a new EventSource cannot send `Last-Event-ID` itself), and the server
 *   answers with exactly the missed events. Board and ticket streams start from a snapshot.
 * - Between attempts it waits with exponential backoff and full jitter, capped at 10 s, so
 *   a hundred screens do not reconnect in the same instant after a restart.
 * - A ticket request answered 401 means the credential itself is gone (revoked device,
 *   ended session): `onUnauthorized`, and no more attempts.
 */

export type LiveStatus = 'connecting' | 'online' | 'offline';

/** The part of EventSource this module uses (tests pass a fake). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

export interface LiveStreamOptions {
  /** Stream path, e.g. `/api/v1/boards/<id>/events`. */
  readonly url: string;
  /** Event name → handler of its parsed JSON data. A handler that throws is reported. */
  readonly on: Readonly<Record<string, (data: unknown, id: string) => void>>;
  /** Fetches a stream ticket (staff and board streams); absent for public streams. */
  readonly ticket?: () => Promise<string>;
  /** Send the last numeric event id seen as `?lastEventId=` when reconnecting. */
  readonly resume?: boolean;
  readonly onStatus?: (status: LiveStatus) => void;
  /** The credential was refused (401 on the ticket request): stop for good. */
  readonly onUnauthorized?: () => void;
  /** A handler threw, or the data was not JSON: the event is skipped. */
  readonly onBadEvent?: (error: unknown, type: string) => void;
  readonly isUnauthorized?: (error: unknown) => boolean;
  /** Injected for tests. */
  readonly createEventSource?: (url: string) => EventSourceLike;
  readonly random?: () => number;
  readonly schedule?: (run: () => void, ms: number) => () => void;
  /** Browser online/offline notifications; absent in tests that drive it by hand. */
  readonly network?: NetworkSignals | null;
}

export interface NetworkSignals {
  isOnline(): boolean;
  /** Calls back when the browser comes back online; returns an unsubscribe. */
  onOnline(callback: () => void): () => void;
  onOffline(callback: () => void): () => void;
}

export interface LiveStream {
  close(): void;
  /** The last numeric event id received (department streams), or null. */
  lastEventId(): number | null;
}

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 10_000;

/** Attempt n (0-based) waits a random time in [cap/2, cap] of min(10 s, 0.5 s × 2ⁿ). */
export const backoffDelay = (attempt: number, random: () => number): number => {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
};

const browserNetwork: NetworkSignals = {
  isOnline: () => navigator.onLine,
  onOnline: (callback) => {
    window.addEventListener('online', callback);
    return () => window.removeEventListener('online', callback);
  },
  onOffline: (callback) => {
    window.addEventListener('offline', callback);
    return () => window.removeEventListener('offline', callback);
  },
};

const defaultSchedule = (run: () => void, ms: number): (() => void) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

export const openLiveStream = (options: LiveStreamOptions): LiveStream => {
  const createEventSource = options.createEventSource ?? ((url: string) => new EventSource(url));
  const random = options.random ?? Math.random;
  const schedule = options.schedule ?? defaultSchedule;
  const network = options.network === undefined ? browserNetwork : options.network;

  let source: EventSourceLike | null = null;
  let lastId: number | null = null;
  let attempt = 0;
  let closed = false;
  let cancelRetry: (() => void) | null = null;
  let status: LiveStatus | null = null;
  /** Bumped per connection: callbacks of an abandoned connection are ignored. */
  let generation = 0;

  const setStatus = (next: LiveStatus) => {
    if (next === status || closed) return;
    status = next;
    options.onStatus?.(next);
  };

  const urlFor = (ticket: string | null): string => {
    const params = new URLSearchParams();
    if (ticket !== null) params.set('ticket', ticket);
    if (options.resume === true && lastId !== null) params.set('lastEventId', String(lastId));
    const query = params.toString();
    return query === '' ? options.url : `${options.url}?${query}`;
  };

  const dropSource = () => {
    if (source !== null) {
      source.onopen = null;
      source.onerror = null;
      source.close();
      source = null;
    }
  };

  const retryLater = () => {
    if (closed) return;
    dropSource();
    setStatus('offline');
    cancelRetry?.();
    const delay = backoffDelay(attempt, random);
    attempt += 1;
    cancelRetry = schedule(() => {
      cancelRetry = null;
      void connect();
    }, delay);
  };

  const listen = (es: EventSourceLike, mine: number) => {
    for (const [type, handle] of Object.entries(options.on)) {
      es.addEventListener(type, (event) => {
        if (mine !== generation) return;
        if (options.resume === true && /^\d+$/.test(event.lastEventId)) {
          lastId = Number(event.lastEventId);
        }
        try {
          handle(JSON.parse(event.data) as unknown, event.lastEventId);
        } catch (err) {
          options.onBadEvent?.(err, type);
        }
      });
    }
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    generation += 1;
    const mine = generation;
    setStatus(status === 'offline' ? 'offline' : 'connecting');
    let ticket: string | null = null;
    if (options.ticket !== undefined) {
      try {
        ticket = await options.ticket();
      } catch (err) {
        if (mine !== generation || closed) return;
        if (options.isUnauthorized?.(err) === true) {
          closed = true;
          dropSource();
          options.onUnauthorized?.();
          return;
        }
        retryLater();
        return;
      }
      if (mine !== generation || closed) return;
    }
    const es = createEventSource(urlFor(ticket));
    source = es;
    es.onopen = () => {
      if (mine !== generation) return;
      attempt = 0;
      setStatus('online');
    };
    // Any error — the server ended the stream, a 401 on a spent ticket, a dropped
    // network — is handled the same way: close, wait, fresh ticket, reopen, resume.
    es.onerror = () => {
      if (mine !== generation) return;
      generation += 1;
      retryLater();
    };
    listen(es, mine);
  };

  const offNetwork: (() => void)[] = [];
  if (network !== null) {
    offNetwork.push(
      network.onOffline(() => {
        generation += 1;
        dropSource();
        cancelRetry?.();
        cancelRetry = null;
        setStatus('offline');
      }),
      network.onOnline(() => {
        if (closed) return;
        cancelRetry?.();
        cancelRetry = null;
        attempt = 0;
        void connect();
      }),
    );
  }

  if (network === null || network.isOnline()) void connect();
  else setStatus('offline');

  return {
    close: () => {
      closed = true;
      generation += 1;
      cancelRetry?.();
      dropSource();
      for (const off of offNetwork) off();
    },
    lastEventId: () => lastId,
  };
};
