import { useDeviceCredential } from '../shared/device/use-device-credential';
import { PairingForm } from '../shared/ui/PairingForm';
import { KioskFlow } from './KioskFlow';

/**
 * `/kiosk` — the patients' check-in screen (docs/screens.md "Kiosk"). Unpaired (or revoked) it
 * shows the setup form; paired from `#pair=<mqk_…>` or a typed code, the check-in flow.
 */
export const KioskScreen = () => {
  const credential = useDeviceCredential('kiosk');
  if (credential.token === null) {
    return (
      <PairingForm
        kind="kiosk"
        revoked={credential.revoked}
        onPair={(token) => credential.pair(token)}
      />
    );
  }
  // Keyed by token: pairing again starts from a clean slate.
  return (
    <KioskFlow
      key={credential.token}
      token={credential.token}
      onRevoked={() => credential.revoke()}
    />
  );
};
