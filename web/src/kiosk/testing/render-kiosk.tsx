import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { afterEach, vi } from 'vitest';
import { makeQueryClient } from '../../app/query-client';
import { KioskScreen } from '../KioskScreen';

/** The kiosk as the app mounts it, its fetch answered by `fetchImpl` (a fake server). */
export const renderKiosk = (fetchImpl: typeof fetch) => {
  // The API client takes globalThis.fetch when the screen creates it.
  vi.stubGlobal('fetch', fetchImpl);
  return render(
    <QueryClientProvider client={makeQueryClient()}>
      <KioskScreen />
    </QueryClientProvider>,
  );
};

/** A patient's touches; also moves fake timers when a test uses them. */
export const patient = () =>
  userEvent.setup({
    advanceTimers: (ms) => {
      if (vi.isFakeTimers()) vi.advanceTimersByTime(ms);
    },
  });

afterEach(async () => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
  await i18next.changeLanguage('en');
});
