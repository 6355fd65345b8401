import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { unwrap } from '../../shared/api/client';
import {
  adminKeys,
  useAdminApi,
  useAllDepartments,
  useAllDevices,
  useAllUsers,
} from '../common/admin-api';
import { ListState, Pager } from '../common/Pager';
import { SectionHeader } from '../common/SectionHeader';
import { PAGE_SIZE, usePagedList } from '../common/use-paged-list';
import { filtersFromSearch, searchFromFilters } from './audit-filters';
import { AuditFiltersForm } from './AuditFiltersForm';
import { AuditTable } from './AuditTable';

/** `/admin/audit`: who changed what, when, newest first; filtered, paged, before/after. */
export const AuditSection = () => {
  const { t } = useTranslation('admin');
  const api = useAdminApi();
  const users = useAllUsers();
  const departments = useAllDepartments();
  const kiosks = useAllDevices('kiosk');
  const boards = useAllDevices('board');
  const [params, setParams] = useSearchParams();
  const filters = filtersFromSearch(params);
  const list = usePagedList(adminKeys.audit(filters), async (cursor) => {
    const d = await unwrap(
      api.GET('/api/v1/admin/audit', {
        params: { query: { ...filters, cursor, limit: PAGE_SIZE } },
      }),
    );
    return { items: d.events, nextCursor: d.nextCursor };
  });
  const filtered = Object.keys(filters).length > 0;

  return (
    <>
      <SectionHeader title={t('audit.title')} intro={t('audit.intro')} />
      <AuditFiltersForm
        // New filters from the address (Back, a visit link) reset what the form shows.
        key={params.toString()}
        filters={filters}
        users={users.data ?? []}
        onApply={(next) => setParams(searchFromFilters(next))}
      />
      <ListState list={list} empty={filtered ? t('audit.emptyFiltered') : t('audit.empty')} />
      {list.items.length > 0 && (
        <AuditTable
          events={list.items}
          directory={{
            users: users.data ?? [],
            departments: departments.data ?? [],
            devices: [...(kiosks.data ?? []), ...(boards.data ?? [])],
          }}
          onVisit={(visitId) => setParams(searchFromFilters({ visitId }))}
        />
      )}
      <Pager list={list} label={t('audit.pager')} />
    </>
  );
};
