import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { unwrap } from '../../shared/api/client';
import { adminKeys, useAdminApi } from '../common/admin-api';
import type { DailyReport, ReportQuery } from './report-days';

const params = (query: ReportQuery) => ({
  query: {
    from: query.from,
    to: query.to,
    ...(query.departmentId !== undefined && { departmentId: query.departmentId }),
  },
});

/** GET /api/v1/reports/daily as JSON: the figures the page draws. */
export const useReport = (query: ReportQuery) => {
  const api = useAdminApi();
  return useQuery({
    queryKey: adminKeys.report(query),
    queryFn: async (): Promise<DailyReport> => {
      const data = await unwrap(api.GET('/api/v1/reports/daily', { params: params(query) }));
      // The path also documents its CSV form; asked without `Accept: text/csv` it is JSON.
      if (typeof data === 'string') throw new Error('The report came back as text, not JSON');
      return data;
    },
  });
};

/**
 * The same report as CSV (`Accept: text/csv`), fetched with the staff token — a plain link
 * could not send it — and offered as an object URL for `<a download>`. The URL is released
 * when the query changes or the page closes.
 */
export const useCsvDownload = (query: ReportQuery, enabled: boolean) => {
  const api = useAdminApi();
  const csv = useQuery({
    queryKey: [...adminKeys.report(query), 'csv'],
    enabled,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/reports/daily', {
          params: params(query),
          headers: { accept: 'text/csv' },
          parseAs: 'blob',
        }),
      ),
  });
  const blob = csv.data;
  const url = useMemo(() => (blob === undefined ? null : URL.createObjectURL(blob)), [blob]);
  useEffect(
    () => () => {
      if (url !== null) URL.revokeObjectURL(url);
    },
    [url],
  );
  return { url, error: csv.error, pending: enabled && csv.isPending };
};
