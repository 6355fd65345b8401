/**
 * A small, real SSE client over fetch: parses frames as they arrive and can send
 * Last-Event-ID, like a browser's EventSource reconnect. Tests read `frames` and the raw
 * bytes (`raw`) — the latter to prove what never crosses the wire.
 */
export interface SseFrame {
  id?: string;
  event: string;
  data: string;
}

export interface SseConnection {
  readonly status: number;
  readonly headers: Headers;
  readonly frames: SseFrame[];
  raw: string;
  readonly ended: Promise<void>;
  /** Resolves when `predicate` holds for the frames (and raw text) received so far. */
  until(
    predicate: (frames: SseFrame[], raw: string) => boolean,
    timeoutMs?: number,
  ): Promise<SseFrame[]>;
  close(): void;
}

export const connectSse = async (
  url: string,
  headers: Record<string, string> = {},
): Promise<SseConnection> => {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const frames: SseFrame[] = [];
  const waiters = new Set<() => void>();
  const conn: SseConnection = {
    status: res.status,
    headers: res.headers,
    frames,
    raw: '',
    ended: Promise.resolve(),
    until: (predicate, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (predicate(frames, conn.raw)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(frames);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `SSE wait timed out; frames: ${JSON.stringify(frames.map((f) => [f.id, f.event]))}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => controller.abort(),
  };
  if (res.body === null || !res.headers.get('content-type')?.startsWith('text/event-stream')) {
    conn.raw = await res.text();
    return conn;
  }
  const reader: ReadableStreamDefaultReader<Uint8Array> = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  (conn as { ended: Promise<void> }).ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        conn.raw += text;
        buffer += text;
        let split: number;
        while ((split = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const frame: SseFrame = { event: 'message', data: '' };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const [field, ...rest] = line.split(':');
            const value = rest.join(':').replace(/^ /, '');
            if (field === 'id') frame.id = value;
            else if (field === 'event') frame.event = value;
            else if (field === 'data') {
              frame.data += (hasData ? '\n' : '') + value;
              hasData = true;
            }
          }
          if (hasData) frames.push(frame);
        }
        for (const w of [...waiters]) w();
      }
    } catch {
      // aborted by close()
    }
  })();
  return conn;
};

export const eventFrames = (frames: SseFrame[]): SseFrame[] =>
  frames.filter((f) => f.event.startsWith('visit.'));
