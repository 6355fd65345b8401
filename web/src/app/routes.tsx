import type { ComponentType } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { CrashScreen } from '../shared/ui/CrashScreen';
import { ErrorBoundary } from '../shared/ui/ErrorBoundary';
import { NotFound } from '../shared/ui/NotFound';
import { Home } from './Home';

/**
 * A screen is loaded when its route is first visited (the kiosk never downloads the
 * admin console), and runs inside its own error boundary.
 */
const screen = (name: string, load: () => Promise<ComponentType>): RouteObject => ({
  lazy: async () => {
    const Screen = await load();
    return {
      Component: () => (
        <ErrorBoundary screen={name}>
          <Screen />
        </ErrorBoundary>
      ),
    };
  },
  // A screen's code that fails to load (a deploy replaced it) also gets Reload.
  ErrorBoundary: CrashScreen,
});

/** UI.md's routes. The server answers index.html for each, so deep links survive a reload. */
export const routes: RouteObject[] = [
  { path: '/', Component: Home, ErrorBoundary: CrashScreen },
  {
    path: '/kiosk',
    ...screen('kiosk', () => import('../kiosk/KioskScreen').then((m) => m.KioskScreen)),
  },
  {
    path: '/board/:boardId',
    ...screen('board', () => import('../board/BoardScreen').then((m) => m.BoardScreen)),
  },
  {
    path: '/t/:publicToken',
    ...screen('ticket', () => import('../ticket/TicketScreen').then((m) => m.TicketScreen)),
  },
  {
    // Staff screens share one session per tab (access token in memory, idle sign-out).
    lazy: async () => ({ Component: (await import('./StaffLayout')).StaffLayout }),
    ErrorBoundary: CrashScreen,
    children: [
      {
        path: '/login',
        ...screen('login', () => import('../login/LoginScreen').then((m) => m.LoginScreen)),
      },
      {
        path: '/dashboard',
        ...screen('dashboard', () =>
          import('../dashboard/DashboardScreen').then((m) => m.DashboardScreen),
        ),
      },
      {
        path: '/admin/*',
        ...screen('admin', () => import('../admin/AdminScreen').then((m) => m.AdminScreen)),
      },
    ],
  },
  { path: '*', Component: NotFound },
];

export const makeRouter = () => createBrowserRouter(routes);
