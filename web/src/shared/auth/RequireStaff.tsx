import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation } from 'react-router';
import styles from '../ui/screens.module.css';
import { useSessionState, useStaffSession } from './session-context';
import type { StaffUser } from './staff-session';

/**
 * A staff screen: a reload has no access token in memory, so the refresh cookie is tried
 * first; without a session it goes to /login (and back here after signing in).
 */
export const RequireStaff = ({
  roles,
  children,
}: {
  readonly roles?: readonly StaffUser['role'][];
  readonly children: (user: StaffUser) => ReactNode;
}) => {
  const { t } = useTranslation('staff');
  const session = useStaffSession();
  const state = useSessionState();
  const location = useLocation();

  useEffect(() => {
    if (state.kind === 'unknown') void session.resume();
  }, [session, state.kind]);

  if (state.kind === 'unknown') return <p aria-busy="true">{t('checking')}</p>;
  if (state.kind === 'signed-out') {
    const next = encodeURIComponent(location.pathname + location.search);
    const reason =
      state.reason === 'none' || state.reason === 'signed-out' ? '' : `&reason=${state.reason}`;
    return <Navigate replace to={`/login?next=${next}${reason}`} />;
  }
  if (roles !== undefined && !roles.includes(state.user.role)) {
    return (
      <main className={styles.centered}>
        <h1>{t('forbidden')}</h1>
        <Link to="/dashboard">{t('toDashboard')}</Link>
      </main>
    );
  }
  return <>{children(state.user)}</>;
};
