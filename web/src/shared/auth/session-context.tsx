import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { SessionState, StaffSession } from './staff-session';

const SessionContext = createContext<StaffSession | null>(null);

export const SessionProvider = ({
  session,
  children,
}: {
  readonly session: StaffSession;
  readonly children: ReactNode;
}) => <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;

/** The staff session of this tab (provided by the staff layout). */
export const useStaffSession = (): StaffSession => {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useStaffSession outside the staff layout');
  return session;
};

/** Re-renders when the session signs in or out. */
export const useSessionState = (): SessionState => {
  const session = useStaffSession();
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.state(),
  );
};
