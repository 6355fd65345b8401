import { useEffect, useRef } from 'react';

/** Saved on the device like its language: a kiosk with a receipt printer is set up once. */
export const PRINT_KEY = 'mq.kiosk.print';

/**
 * `?print=1` turns paper tickets on for this device, `?print=0` off; otherwise what was
 * saved before (off by default: most kiosks have no printer).
 */
export const paperTicketsEnabled = (search: string = window.location.search): boolean => {
  const fromUrl = new URLSearchParams(search).get('print');
  try {
    if (fromUrl === '1' || fromUrl === '0') {
      localStorage.setItem(PRINT_KEY, fromUrl);
      return fromUrl === '1';
    }
    return localStorage.getItem(PRINT_KEY) === '1';
  } catch {
    return fromUrl === '1'; // storage disabled: for this page load only
  }
};

/**
 * Prints each ticket once. A browser in kiosk-printing mode sends it to the receipt
 * printer without a dialog. The ref survives React re-running effects (StrictMode, a
 * re-render), so a ticket is never printed twice.
 */
export const usePrintOnce = (enabled: boolean, ticketId: string): void => {
  const printed = useRef<string | null>(null);
  useEffect(() => {
    if (!enabled || printed.current === ticketId) return undefined;
    // After this frame is painted, so the receipt has its QR code laid out. Marked as
    // printed only then: an effect cancelled before the frame must not count.
    const frame = requestAnimationFrame(() => {
      printed.current = ticketId;
      window.print();
    });
    return () => cancelAnimationFrame(frame);
  }, [enabled, ticketId]);
};
