import { useMutation } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import { unwrap, type Api } from '../shared/api/client';
import type { Visit } from '../shared/api/types';
import { newIdempotencyKey } from '../shared/api/idempotency-key';
import { CHECK_IN_RETRIES, isRetryable, retryDelayMs } from './retry-policy';

/** What the patient asked for on the form. */
export interface CheckInRequest {
  readonly departmentId: string;
  readonly displayName: string;
  readonly priority: boolean;
}

interface Attempt {
  readonly key: string;
  readonly request: CheckInRequest;
}

const sameRequest = (a: CheckInRequest, b: CheckInRequest): boolean =>
  a.departmentId === b.departmentId && a.displayName === b.displayName && a.priority === b.priority;

/**
 * `POST /api/v1/checkins`, retried with the SAME Idempotency-Key while the server cannot
 * be reached or is busy (TanStack Query calls `mutationFn` again with the same variables),
 * so one tap never makes two tickets. A 4xx other than "still in progress" is an answer,
 * not a failure to ask again.
 */
export const useCheckIn = (api: Api, onTicket: (visit: Visit) => void) => {
  // The last attempt that got no definite answer. Its ticket may exist with only the
  // answer lost, so the patient tapping again with the same request reuses its key.
  const unanswered = useRef<Attempt | null>(null);

  const mutation = useMutation({
    mutationFn: ({ key, request }: Attempt) =>
      unwrap(
        api.POST('/api/v1/checkins', {
          params: { header: { 'idempotency-key': key } },
          body: {
            departmentId: request.departmentId,
            ...(request.displayName !== '' && { patient: { displayName: request.displayName } }),
            priority: request.priority ? 'priority' : 'normal',
          },
        }),
      ),
    retry: (failures, error) => failures < CHECK_IN_RETRIES && isRetryable(error),
    retryDelay: (failures, error) => retryDelayMs(failures, error),
    // navigator.onLine is not to be trusted on a kiosk (true behind a dead router, false
    // on some captive networks): always try, the backoff keeps it gentle.
    networkMode: 'always',
    onSuccess: ({ visit }) => {
      unanswered.current = null;
      onTicket(visit);
    },
    onError: (error) => {
      if (!isRetryable(error)) unanswered.current = null;
    },
  });

  const { mutate, reset: resetMutation, isPending } = mutation;

  const submit = useCallback(
    (request: CheckInRequest) => {
      if (isPending) return; // a second tap while the first is on its way
      const previous = unanswered.current;
      const key =
        previous !== null && sameRequest(previous.request, request)
          ? previous.key
          : newIdempotencyKey();
      unanswered.current = { key, request };
      mutate({ key, request });
    },
    [isPending, mutate],
  );

  /** A new patient: forget the last attempt, so nobody is handed someone else's ticket. */
  const reset = useCallback(() => {
    unanswered.current = null;
    resetMutation();
  }, [resetMutation]);

  return { submit, reset, mutation };
};
