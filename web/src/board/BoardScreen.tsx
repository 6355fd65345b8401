import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useParams } from 'react-router';
import { isUnauthorized } from '../shared/api/problem';
import { useDeviceCredential } from '../shared/device/use-device-credential';
import { PairingForm } from '../shared/ui/PairingForm';
import { BOARD_LANGUAGE_KEY } from './board-language';
import { useBoardApi, useCurrentDevice } from './board-api';
import { useBoardLanguage } from './board-language';
import { BoardFrame } from './BoardFrame';
import { LiveBoard } from './LiveBoard';
import styles from './board.module.css';

/**
 * `/board/:boardId` — the waiting room's TV (docs/screens.md, "Board"). Unpaired: the setup screen.
 * Paired: the board's own settings, then its live stream. A revoked token (401) returns
 * it to setup.
 */
export const BoardScreen = () => {
  const { boardId = '' } = useParams();
  const credential = useDeviceCredential('board');
  if (credential.token === null) {
    return (
      <PairingForm
        kind="board"
        languageKey={BOARD_LANGUAGE_KEY}
        revoked={credential.revoked}
        onPair={(token) => credential.pair(token)}
      />
    );
  }
  return (
    <PairedBoard
      key={credential.token}
      boardId={boardId}
      token={credential.token}
      onRevoked={() => credential.revoke()}
    />
  );
};

const PairedBoard = ({
  boardId,
  token,
  onRevoked,
}: {
  readonly boardId: string;
  readonly token: string;
  readonly onRevoked: () => void;
}) => {
  const { t } = useTranslation('board');
  const { search } = useLocation();
  const api = useBoardApi(token);
  const device = useCurrentDevice(api, token);
  const revoked = isUnauthorized(device.error);
  useEffect(() => {
    if (revoked) onRevoked();
  }, [revoked, onRevoked]);
  useBoardLanguage(device.data?.language ?? null);

  if (device.data !== undefined) {
    // The token decides which board this TV is, not the address: one opened at another
    // board's address (an old bookmark) goes to its own, rather than showing a stream it
    // may not read.
    if (device.data.id !== boardId) {
      return <Navigate replace to={{ pathname: `/board/${device.data.id}`, search }} />;
    }
    return <LiveBoard api={api} device={device.data} onRevoked={onRevoked} />;
  }
  // Still asking: a server that does not answer shows as Reconnecting, as the stream would.
  return (
    <BoardFrame
      title={t('defaultTitle')}
      status={device.failureCount > 0 ? 'offline' : 'connecting'}
    >
      {device.isError && !revoked ? (
        <p role="alert" className={styles.message}>
          {t('loadFailed')}
        </p>
      ) : (
        <p aria-busy="true" className={styles.message}>
          {t('common:loading')}
        </p>
      )}
    </BoardFrame>
  );
};
