import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { unwrap } from '../../shared/api/client';
import {
  adminKeys,
  departmentNames,
  useAdminApi,
  useAllDepartments,
  useAllUsers,
} from '../common/admin-api';
import { ConfirmedAction } from '../common/ConfirmedAction';
import { useFormat } from '../common/format';
import { Notice } from '../common/Pager';
import { ProblemAlert } from '../common/ProblemAlert';
import { SectionHeader } from '../common/SectionHeader';
import common from '../common/common.module.css';
import { describeAgent } from './user-agent';
import styles from './users.module.css';

/**
 * `/admin/users/:userId`: where a user is signed in (device, IP, last use), each session
 * with **Revoke** — its refresh fails at once, so its next action lands on /login.
 */
export const UserSessionsPage = () => {
  const { userId = '' } = useParams();
  const { t } = useTranslation('admin');
  const api = useAdminApi();
  const queryClient = useQueryClient();
  const format = useFormat();
  const users = useAllUsers();
  const departments = useAllDepartments();
  const [notice, setNotice] = useState<string | null>(null);
  const user = users.data?.find((u) => u.id === userId);
  const sessions = useQuery({
    queryKey: adminKeys.sessions(userId),
    queryFn: () =>
      unwrap(api.GET('/api/v1/admin/users/{id}/sessions', { params: { path: { id: userId } } })),
  });
  const username = user?.username ?? '…';

  if (users.isSuccess && user === undefined) {
    return (
      <>
        <p role="alert" className={common.problem}>
          {t('sessions.userNotFound')}
        </p>
        <Link to="/admin/users">{t('sessions.back')}</Link>
      </>
    );
  }

  const device = (agent: string | null) => {
    const described = describeAgent(agent);
    return described === null ? t('sessions.unknownDevice') : t('sessions.agent', described);
  };

  return (
    <>
      <Link to="/admin/users" className={styles.back}>
        {`← ${t('sessions.back')}`}
      </Link>
      <SectionHeader title={t('sessions.title', { username })} intro={t('sessions.intro')}>
        {user !== undefined && (
          <dl className={styles.facts}>
            <dt>{t('fields.role')}</dt>
            <dd>{t(`roles.${user.role}`)}</dd>
            <dt>{t('fields.departments')}</dt>
            <dd>
              {user.role === 'admin'
                ? t('users.allDepartments')
                : departmentNames(user.departmentIds, departments.data) || t('none')}
            </dd>
            <dt>{t('columns.status')}</dt>
            <dd>{user.active ? t('status.active') : t('status.deactivated')}</dd>
          </dl>
        )}
      </SectionHeader>
      <Notice text={notice} />
      <ProblemAlert error={users.error ?? sessions.error} />
      {sessions.isPending ? (
        <p aria-busy="true">{t('common:loading')}</p>
      ) : sessions.data?.sessions.length === 0 ? (
        <p className={common.empty}>{t('sessions.empty', { username })}</p>
      ) : (
        sessions.data !== undefined && (
          <table className={common.table}>
            <caption>{t('sessions.listTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sessions.device')}</th>
                <th scope="col">{t('sessions.ip')}</th>
                <th scope="col">{t('sessions.signedIn')}</th>
                <th scope="col">{t('sessions.lastUsed')}</th>
                <th scope="col">{t('sessions.ends')}</th>
                <th scope="col">{t('columns.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.sessions.map((s) => (
                <tr key={s.id}>
                  <th scope="row" id={`session-${s.id}`}>
                    {device(s.userAgent)}
                    {s.userAgent !== null && <span className={styles.agent}>{s.userAgent}</span>}
                  </th>
                  <td>{s.ip ?? '—'}</td>
                  <td>{format.dateTime(s.createdAt)}</td>
                  <td>{format.dateTime(s.lastUsedAt)}</td>
                  <td>{format.dateTime(s.expiresAt)}</td>
                  <td>
                    <ConfirmedAction
                      label={t('revoke')}
                      describedBy={`session-${s.id}`}
                      title={t('sessions.revokeTitle', { username })}
                      body={
                        <p>{t('sessions.revokeBody', { username, device: device(s.userAgent) })}</p>
                      }
                      run={() =>
                        unwrap(
                          api.DELETE('/api/v1/admin/sessions/{id}', {
                            params: { path: { id: s.id } },
                          }),
                        )
                      }
                      onDone={async () => {
                        setNotice(t('sessions.revoked', { device: device(s.userAgent) }));
                        await queryClient.invalidateQueries({
                          queryKey: adminKeys.sessions(userId),
                        });
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      <div>
        <button type="button" className={common.secondary} onClick={() => void sessions.refetch()}>
          {t('sessions.refresh')}
        </button>
      </div>
    </>
  );
};
