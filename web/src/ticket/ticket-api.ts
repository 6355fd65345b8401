import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { makeApi, unwrap } from '../shared/api/client';
import { TicketView as TicketViewSchema } from '../shared/api/contracts';
import { ApiProblem } from '../shared/api/problem';
import type { TicketView } from '../shared/api/types';
import { useLiveStream } from '../shared/live/use-live-stream';

const api = makeApi();

export const ticketKey = (publicToken: string) => ['ticket', publicToken] as const;

/**
 * The patient's ticket: fetched once, then kept current by its stream (`ticket.updated`
 * carries the whole view). The public token is the only credential; no ticket needed.
 */
export const useTicket = (publicToken: string) => {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ticketKey(publicToken),
    queryFn: () =>
      unwrap(api.GET('/api/v1/tickets/{publicToken}', { params: { path: { publicToken } } })),
  });
  const onUpdate = useCallback(
    (data: unknown) => {
      queryClient.setQueryData<TicketView>(ticketKey(publicToken), TicketViewSchema.parse(data));
    },
    [queryClient, publicToken],
  );
  // An unknown token will not appear later; any other failure is retried by the stream,
  // whose first message is the current view.
  const unknown = query.error instanceof ApiProblem && query.error.status < 500;
  const status = useLiveStream(
    unknown
      ? null
      : {
          url: `/api/v1/tickets/${encodeURIComponent(publicToken)}/events`,
          on: { 'ticket.updated': onUpdate },
        },
  );
  return { query, status, unknown };
};
