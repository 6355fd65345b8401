import { useCallback, useState } from 'react';
import {
  forgetDeviceToken,
  storeDeviceToken,
  storedDeviceToken,
  takePairingFragment,
  type DeviceKind,
} from './pairing';

export interface DeviceCredential {
  /** The paired token, or null: the screen shows its setup form. */
  readonly token: string | null;
  /** Why the screen is unpaired, when it was paired before. */
  readonly revoked: boolean;
  readonly pair: (token: string) => void;
  /** The server refused the token (401): back to setup. */
  readonly revoke: () => void;
}

/** Reads a pairing link's fragment once, then keeps the device's token in localStorage. */
export const useDeviceCredential = (kind: DeviceKind): DeviceCredential => {
  const [token, setToken] = useState<string | null>(() => {
    const fromLink = takePairingFragment(kind);
    if (fromLink !== null) storeDeviceToken(kind, fromLink);
    return fromLink ?? storedDeviceToken(kind);
  });
  const [revoked, setRevoked] = useState(false);

  const pair = useCallback(
    (value: string) => {
      storeDeviceToken(kind, value);
      setRevoked(false);
      setToken(value);
    },
    [kind],
  );
  const revoke = useCallback(() => {
    forgetDeviceToken(kind);
    setRevoked(true);
    setToken(null);
  }, [kind]);

  return { token, revoked, pair, revoke };
};
