import { useEffect, useEffectEvent } from 'react';

/** docs/screens.md: the kiosk returns to its start after 30 s without a touch. */
export const IDLE_RESET_MS = 30_000;

/**
 * Calls `onIdle` once `ms` pass without a touch or a key press while `active`. `since`
 * restarts the wait when the screen changes by itself (a ticket arriving after retries
 * is a fresh screen, however long ago the patient last touched it).
 */
export const useIdleReset = (
  active: boolean,
  onIdle: () => void,
  since: unknown,
  ms: number = IDLE_RESET_MS,
): void => {
  const fire = useEffectEvent(onIdle);

  useEffect(() => {
    if (!active) return undefined;
    let timer = setTimeout(fire, ms);
    const restart = () => {
      clearTimeout(timer);
      timer = setTimeout(fire, ms);
    };
    // Capture phase: a control that stops propagation still counts as a touch.
    const options = { capture: true, passive: true } as const;
    window.addEventListener('pointerdown', restart, options);
    window.addEventListener('keydown', restart, options);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('pointerdown', restart, options);
      window.removeEventListener('keydown', restart, options);
    };
  }, [active, ms, since]);
};
