import { useCallback, useEffect, useRef, useState } from 'react';

/** SPEC: staff screens end the session after 15 minutes without input… */
export const IDLE_LIMIT_MS = 15 * 60_000;
/** …with a warning one minute before. */
export const IDLE_WARNING_MS = 60_000;

const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;
/** Moving the mouse fires many events; re-arming the timers once a second is enough. */
const REARM_EVERY_MS = 1_000;

/**
 * Watches for input while `active`. Calls `onIdle` after `limitMs` without any, and sets
 * `warning` for the last `warningMs` (any input, or `stay()`, clears it).
 */
export const useIdleLogout = ({
  active,
  onIdle,
  limitMs = IDLE_LIMIT_MS,
  warningMs = IDLE_WARNING_MS,
}: {
  active: boolean;
  onIdle: () => void;
  limitMs?: number;
  warningMs?: number;
}): { warning: boolean; stay: () => void } => {
  const [warning, setWarning] = useState(false);
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  const lastArmed = useRef(0);
  const onIdleRef = useRef(onIdle);
  useEffect(() => {
    onIdleRef.current = onIdle;
  });

  /** (Re)starts both timers; the warning, if shown, is cleared by whoever calls `rearm`. */
  const startTimers = useCallback(() => {
    for (const timer of timers.current) clearTimeout(timer);
    lastArmed.current = Date.now();
    timers.current = [
      setTimeout(() => setWarning(true), limitMs - warningMs),
      setTimeout(() => {
        setWarning(false);
        onIdleRef.current();
      }, limitMs),
    ];
  }, [limitMs, warningMs]);

  const rearm = useCallback(() => {
    setWarning(false);
    startTimers();
  }, [startTimers]);

  useEffect(() => {
    if (!active) return;
    startTimers();
    const onInput = () => {
      if (Date.now() - lastArmed.current >= REARM_EVERY_MS) rearm();
    };
    for (const type of INPUT_EVENTS) window.addEventListener(type, onInput, { passive: true });
    return () => {
      for (const type of INPUT_EVENTS) window.removeEventListener(type, onInput);
      for (const timer of timers.current) clearTimeout(timer);
      timers.current = [];
    };
  }, [active, startTimers, rearm]);

  return { warning: active && warning, stay: rearm };
};
