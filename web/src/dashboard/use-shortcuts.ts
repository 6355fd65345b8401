import { useEffect, useRef } from 'react';

/**
 * Single-key shortcuts for the busiest buttons, ignored while typing in a field or with a
 * modifier held (so Ctrl+C still copies) or while a dialog is open.
 */
export const useShortcuts = (handlers: Readonly<Record<string, () => void>>) => {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, select, textarea, dialog, [contenteditable="true"]')) return;
      const handler = latest.current[event.key.toLowerCase()];
      if (handler === undefined) return;
      event.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
};
