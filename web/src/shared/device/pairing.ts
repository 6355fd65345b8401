/**
 * Device pairing (docs/screens.md): a kiosk or board is paired by opening
 * `<origin>/kiosk#pair=<mqk_…>` or `<origin>/board/<id>#pair=<mqb_…>`, or by typing the
 * same token. The token is a scoped, revocable device credential kept in this device's
 * localStorage; staff tokens are never stored there. A fragment never reaches a server
 * or its logs, and is removed from the address bar at once.
 */
export type DeviceKind = 'kiosk' | 'board';

const prefix: Record<DeviceKind, string> = { kiosk: 'mqk_', board: 'mqb_' };
const storageKey = (kind: DeviceKind): string => `mq.device.${kind}`;

/** A token of this kind: its prefix, then the URL-safe base64 the server issues. */
export const isDeviceToken = (kind: DeviceKind, value: string): boolean =>
  new RegExp(`^${prefix[kind]}[A-Za-z0-9_-]{16,200}$`).test(value);

export const storedDeviceToken = (kind: DeviceKind): string | null => {
  try {
    const value = localStorage.getItem(storageKey(kind));
    return value !== null && isDeviceToken(kind, value) ? value : null;
  } catch {
    return null;
  }
};

export const storeDeviceToken = (kind: DeviceKind, token: string): void => {
  try {
    localStorage.setItem(storageKey(kind), token);
  } catch {
    // storage disabled: paired for this page load only
  }
};

export const forgetDeviceToken = (kind: DeviceKind): void => {
  try {
    localStorage.removeItem(storageKey(kind));
  } catch {
    // nothing stored
  }
};

/**
 * Takes `#pair=<token>` off the address bar (history.replaceState, so Back does not bring
 * it back) and returns the token if it is one of this kind. Any other fragment is left.
 */
export const takePairingFragment = (
  kind: DeviceKind,
  location: Location = window.location,
): string | null => {
  const match = /^#pair=([^&]+)$/.exec(location.hash);
  if (match?.[1] === undefined) return null;
  const token = decodeURIComponent(match[1]);
  window.history.replaceState(window.history.state, '', location.pathname + location.search);
  return isDeviceToken(kind, token) ? token : null;
};
