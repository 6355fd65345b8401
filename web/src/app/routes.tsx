import type { ComponentType } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { CrashScreen } from '../shared/ui/CrashScreen';
import { ErrorBoundary } from '../shared/ui/ErrorBoundary';
import { NotFound } from '../shared/ui/NotFound';
import type { Namespace } from '../shared/i18n/messages';
import { Home } from './Home';
import { addNamespaces } from './i18n';

/**
 * A screen is loaded when its route is first visited (the kiosk never downloads the
 * admin console), and runs inside its own error boundary.
 */
const screen = (
  name: string,
  load: () => Promise<ComponentType>,
  messages: () => Promise<Record<string, Namespace>>,
): RouteObject => ({
  lazy: async () => {
    const [Screen, catalogues] = await Promise.all([load(), messages()]);
    addNamespaces(catalogues);
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

/** docs/screens.md's routes. The server answers index.html for each, so deep links survive a reload. */
export const routes: RouteObject[] = [
  { path: '/', Component: Home, ErrorBoundary: CrashScreen },
  {
    path: '/kiosk',
    ...screen(
      'kiosk',
      () => import('../kiosk/KioskScreen').then((m) => m.KioskScreen),
      () => import('../kiosk/messages'),
    ),
  },
  {
    path: '/board/:boardId',
    ...screen(
      'board',
      () => import('../board/BoardScreen').then((m) => m.BoardScreen),
      () => import('../board/messages'),
    ),
  },
  {
    path: '/t/:publicToken',
    ...screen(
      'ticket',
      () => import('../ticket/TicketScreen').then((m) => m.TicketScreen),
      () => import('../ticket/messages'),
    ),
  },
  {
    // Staff screens share one session per tab (access token in memory, idle sign-out).
    lazy: async () => {
      const [layout, catalogues] = await Promise.all([
        import('./StaffLayout'),
        import('../shared/auth/staff.messages'),
      ]);
      addNamespaces(catalogues);
      return { Component: layout.StaffLayout };
    },
    ErrorBoundary: CrashScreen,
    children: [
      {
        path: '/login',
        ...screen(
          'login',
          () => import('../login/LoginScreen').then((m) => m.LoginScreen),
          () => import('../login/messages'),
        ),
      },
      {
        path: '/dashboard',
        ...screen(
          'dashboard',
          () => import('../dashboard/DashboardScreen').then((m) => m.DashboardScreen),
          () => import('../dashboard/messages'),
        ),
      },
      {
        path: '/admin/*',
        ...screen(
          'admin',
          () => import('../admin/AdminScreen').then((m) => m.AdminScreen),
          () => import('../admin/messages'),
        ),
      },
    ],
  },
  { path: '*', Component: NotFound },
];

export const makeRouter = () => createBrowserRouter(routes);
