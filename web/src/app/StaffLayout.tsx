import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { IdleWarning } from '../shared/auth/IdleWarning';
import { SessionProvider } from '../shared/auth/session-context';
import { makeStaffSession, type StaffSession } from '../shared/auth/staff-session';
import { useIdleLogout } from '../shared/auth/use-idle-logout';

/**
 * Parent of every staff route (/login, /dashboard, /admin/…): one session per tab, kept
 * across their navigations; the idle sign-out runs on every staff screen but the login.
 */
export const StaffLayout = () => {
  const [session] = useState(makeStaffSession);
  const queryClient = useQueryClient();
  // Signed out (by the button, idle or a revoked session): nothing the last person saw —
  // patients' names included — stays in this tab's memory for the next one.
  useEffect(
    () =>
      session.subscribe(() => {
        if (session.state().kind === 'signed-out') queryClient.clear();
      }),
    [session, queryClient],
  );
  return (
    <SessionProvider session={session}>
      <IdleGuard session={session} />
      <Outlet />
    </SessionProvider>
  );
};

const IdleGuard = ({ session }: { session: StaffSession }) => {
  const location = useLocation();
  const navigate = useNavigate();
  const [signedIn, setSignedIn] = useState(session.state().kind === 'signed-in');
  useEffect(
    () => session.subscribe(() => setSignedIn(session.state().kind === 'signed-in')),
    [session],
  );
  const { warning, stay } = useIdleLogout({
    active: signedIn && location.pathname !== '/login',
    onIdle: () => {
      void session.logout('idle').then(() => navigate('/login?reason=idle', { replace: true }));
    },
  });
  return warning ? <IdleWarning onStay={stay} /> : null;
};
