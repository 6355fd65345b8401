import { useEffect } from 'react';

/**
 * Keeps the TV from dimming or sleeping while the board is shown (Screen Wake Lock API,
 * where the browser has it). The browser drops the lock whenever the page is hidden, so
 * it is asked for again each time the page becomes visible.
 */
export const useWakeLock = (): void => {
  useEffect(() => {
    if (!('wakeLock' in navigator)) return;
    let sentinel: WakeLockSentinel | null = null;
    let stopped = false;
    const request = async () => {
      if (stopped || document.visibilityState !== 'visible') return;
      if (sentinel !== null && !sentinel.released) return;
      try {
        const lock = await navigator.wakeLock.request('screen');
        if (stopped) void lock.release();
        else sentinel = lock;
      } catch {
        // Refused (power saving, a policy): the TV's own sleep settings apply.
      }
    };
    const onVisibility = () => void request();
    document.addEventListener('visibilitychange', onVisibility);
    void request();
    return () => {
      stopped = true;
      document.removeEventListener('visibilitychange', onVisibility);
      void sentinel?.release().catch(() => undefined);
    };
  }, []);
};
