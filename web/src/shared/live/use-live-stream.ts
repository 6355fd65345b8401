import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { openLiveStream, type LiveStatus, type LiveStreamOptions } from './live-stream';

/**
 * Follows one stream while the component is mounted (and `url` is set); reopens when
 * `url` changes. Handlers are read through a ref, so they may change on every render.
 */
export const useLiveStream = (
  options: (Omit<LiveStreamOptions, 'onStatus'> & { readonly url: string }) | null,
): LiveStatus => {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const latest = useRef(options);
  useLayoutEffect(() => {
    latest.current = options;
  });
  const url = options?.url ?? null;

  useEffect(() => {
    const current = latest.current;
    if (url === null || current === null) return;
    setStatus('connecting');
    const ticket = current.ticket;
    const handlers = Object.fromEntries(
      Object.keys(current.on).map((type) => [
        type,
        (data: unknown, id: string) => latest.current?.on[type]?.(data, id),
      ]),
    );
    const stream = openLiveStream({
      ...current,
      url,
      on: handlers,
      ...(ticket !== undefined && { ticket: () => (latest.current?.ticket ?? ticket)() }),
      onStatus: setStatus,
      onUnauthorized: () => latest.current?.onUnauthorized?.(),
    });
    return () => stream.close();
  }, [url]);

  return status;
};
