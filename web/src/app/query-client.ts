import { QueryClient } from '@tanstack/react-query';
import { ApiProblem } from '../shared/api/problem';

/** A 4xx will not change by asking again; a 5xx or a network failure might. */
const worthRetrying = (failures: number, error: unknown): boolean =>
  failures < 3 && !(error instanceof ApiProblem && error.status < 500);

export const makeQueryClient = (): QueryClient =>
  new QueryClient({
    defaultOptions: {
      // Requests are sent when asked, never held for "when the browser says online":
      // navigator.onLine is unreliable on clinic LANs, and a visit action replayed minutes
      // later would act on a queue nobody is looking at. Failures are shown and retried.
      queries: {
        retry: worthRetrying,
        refetchOnWindowFocus: false,
        staleTime: 10_000,
        networkMode: 'always',
      },
      mutations: { retry: false, networkMode: 'always' },
    },
  });
