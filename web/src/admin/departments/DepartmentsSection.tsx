import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap } from '../../shared/api/client';
import { adminKeys, useAdminApi } from '../common/admin-api';
import { ListState, Notice, Pager } from '../common/Pager';
import { SectionHeader } from '../common/SectionHeader';
import { PAGE_SIZE, usePagedList } from '../common/use-paged-list';
import { CreateDepartmentForm } from './CreateDepartmentForm';
import { DepartmentCard } from './DepartmentCard';
import styles from './departments.module.css';

/** `/admin/departments`: create departments, and give each its rooms. */
export const DepartmentsSection = () => {
  const { t } = useTranslation('admin');
  const api = useAdminApi();
  const [notice, setNotice] = useState<string | null>(null);
  const list = usePagedList(adminKeys.departments, async (cursor) => {
    const d = await unwrap(
      api.GET('/api/v1/admin/departments', { params: { query: { cursor, limit: PAGE_SIZE } } }),
    );
    return { items: d.departments, nextCursor: d.nextCursor };
  });

  return (
    <>
      <SectionHeader title={t('departments.title')} intro={t('departments.intro')} />
      <CreateDepartmentForm
        onCreated={(d) => setNotice(t('departments.created', { name: d.name, code: d.code }))}
      />
      <Notice text={notice} />
      <section aria-labelledby="departments-list" className={styles.list}>
        <h2 id="departments-list">{t('departments.listTitle')}</h2>
        <ListState list={list} empty={t('departments.empty')} />
        <ul className={styles.cards}>
          {list.items.map((department) => (
            <li key={department.id}>
              <DepartmentCard department={department} onNotice={setNotice} />
            </li>
          ))}
        </ul>
        <Pager list={list} label={t('departments.pager')} />
      </section>
    </>
  );
};
