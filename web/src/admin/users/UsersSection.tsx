import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { unwrap } from '../../shared/api/client';
import {
  adminKeys,
  departmentNames,
  useAdminApi,
  useAllDepartments,
  type User,
} from '../common/admin-api';
import { ConfirmedAction } from '../common/ConfirmedAction';
import { ListState, Notice, Pager } from '../common/Pager';
import { SectionHeader } from '../common/SectionHeader';
import { PAGE_SIZE, usePagedList } from '../common/use-paged-list';
import common from '../common/common.module.css';
import { CreateUserForm } from './CreateUserForm';

/** `/admin/users`: staff accounts — create, see their sessions, deactivate. */
export const UsersSection = ({ currentUserId }: { readonly currentUserId: string }) => {
  const { t } = useTranslation('admin');
  const api = useAdminApi();
  const queryClient = useQueryClient();
  const departments = useAllDepartments();
  const [notice, setNotice] = useState<string | null>(null);
  const list = usePagedList(adminKeys.users, async (cursor) => {
    const d = await unwrap(
      api.GET('/api/v1/admin/users', { params: { query: { cursor, limit: PAGE_SIZE } } }),
    );
    return { items: d.users, nextCursor: d.nextCursor };
  });

  const deactivate = (user: User) =>
    unwrap(api.DELETE('/api/v1/admin/users/{id}', { params: { path: { id: user.id } } }));

  return (
    <>
      <SectionHeader title={t('users.title')} intro={t('users.intro')} />
      <CreateUserForm onCreated={(u) => setNotice(t('users.created', { username: u.username }))} />
      <Notice text={notice} />
      <ListState list={list} empty={t('users.empty')} />
      {list.items.length > 0 && (
        <table className={common.table}>
          <caption>{t('users.listTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('fields.username')}</th>
              <th scope="col">{t('fields.role')}</th>
              <th scope="col">{t('fields.departments')}</th>
              <th scope="col">{t('columns.status')}</th>
              <th scope="col">{t('columns.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((user) => (
              <tr key={user.id}>
                <th scope="row" id={`user-${user.id}`}>
                  {user.username}
                  {user.id === currentUserId && (
                    <span className={common.muted}> {t('users.you')}</span>
                  )}
                </th>
                <td>{t(`roles.${user.role}`)}</td>
                <td>
                  {user.role === 'admin'
                    ? t('users.allDepartments')
                    : departmentNames(user.departmentIds, departments.data) || t('none')}
                </td>
                <td>
                  <span className={user.active ? common.statusActive : common.statusInactive}>
                    {user.active ? t('status.active') : t('status.deactivated')}
                  </span>
                </td>
                <td>
                  <div className={common.actions}>
                    <Link to={`/admin/users/${user.id}`} aria-describedby={`user-${user.id}`}>
                      {t('users.sessions')}
                    </Link>
                    {/* Deactivating oneself would leave nobody able to undo it: the server refuses too. */}
                    {user.active && user.id !== currentUserId && (
                      <ConfirmedAction
                        label={t('deactivate')}
                        describedBy={`user-${user.id}`}
                        title={t('users.deactivateTitle', { username: user.username })}
                        body={<p>{t('users.deactivateBody', { username: user.username })}</p>}
                        run={() => deactivate(user)}
                        onDone={async () => {
                          setNotice(t('users.deactivated', { username: user.username }));
                          await queryClient.invalidateQueries({ queryKey: adminKeys.users });
                        }}
                      />
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label={t('users.pager')} />
    </>
  );
};
