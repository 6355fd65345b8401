import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { unwrap } from '../shared/api/client';
import { DepartmentEvent, Queue as QueueSchema } from '../shared/api/contracts';
import { isUnauthorized } from '../shared/api/problem';
import type { Queue } from '../shared/api/types';
import { useStaffSession } from '../shared/auth/session-context';
import { useLiveStream } from '../shared/live/use-live-stream';
import { applyEvent } from './queue-model';

export const queueKey = (departmentId: string) => ['queue', departmentId] as const;

/** After a burst of events, ask the server for its own order once (fairness, stats). */
const SETTLE_MS = 400;

/**
 * A department's live queue: the snapshot and every event from the department stream,
 * resumed with `?lastEventId=` after a drop; the REST read fills the screen first and
 * settles the call order after each burst of changes.
 */
export const useDepartmentQueue = (departmentId: string | null) => {
  const session = useStaffSession();
  const queryClient = useQueryClient();
  const settle = useRef<ReturnType<typeof setTimeout> | null>(null);

  const query = useQuery({
    queryKey: queueKey(departmentId ?? 'none'),
    enabled: departmentId !== null,
    queryFn: () =>
      unwrap(
        session.api.GET('/api/v1/departments/{id}/queue', {
          params: { path: { id: departmentId ?? '' } },
        }),
      ),
  });

  const refreshSoon = useCallback(() => {
    if (departmentId === null) return;
    if (settle.current !== null) clearTimeout(settle.current);
    settle.current = setTimeout(() => {
      void queryClient.invalidateQueries({ queryKey: queueKey(departmentId) });
    }, SETTLE_MS);
  }, [departmentId, queryClient]);

  useEffect(
    () => () => {
      if (settle.current !== null) clearTimeout(settle.current);
    },
    [],
  );

  const onSnapshot = useCallback(
    (data: unknown) => {
      if (departmentId === null) return;
      queryClient.setQueryData<Queue>(queueKey(departmentId), QueueSchema.parse(data));
    },
    [departmentId, queryClient],
  );

  const onEvent = useCallback(
    (data: unknown) => {
      if (departmentId === null) return;
      const event = DepartmentEvent.parse(data);
      queryClient.setQueryData<Queue>(queueKey(departmentId), (queue) =>
        queue === undefined ? queue : applyEvent(queue, event),
      );
      refreshSoon();
    },
    [departmentId, queryClient, refreshSoon],
  );

  const eventTypes = DepartmentEvent.shape.type.options;
  const status = useLiveStream(
    departmentId === null
      ? null
      : {
          url: `/api/v1/departments/${departmentId}/events`,
          resume: true,
          ticket: async () =>
            (await unwrap(session.api.POST('/api/v1/stream-tickets', { body: {} }))).ticket,
          isUnauthorized,
          on: {
            snapshot: onSnapshot,
            ...Object.fromEntries(eventTypes.map((type) => [type, onEvent])),
          },
        },
  );

  return { query, status, refreshSoon };
};
