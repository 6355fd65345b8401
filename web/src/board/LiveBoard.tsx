import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Api } from '../shared/api/client';
import type { BoardStateData, CurrentDevice } from '../shared/api/types';
import { useAnnouncements } from './announcements/use-announcements';
import { useBoardStream } from './board-api';
import { BoardContent } from './BoardContent';
import { BoardFrame } from './BoardFrame';
import { useWakeLock } from './use-wake-lock';
import styles from './board.module.css';

/**
 * A paired board on its stream. The stream is the only source of what is shown; while it
 * is down the last state it sent stays on screen, under a Reconnecting notice.
 */
export const LiveBoard = ({
  api,
  device,
  onRevoked,
}: {
  readonly api: Api;
  readonly device: CurrentDevice;
  readonly onRevoked: () => void;
}) => {
  const { t } = useTranslation('board');
  const [state, setState] = useState<BoardStateData | null>(null);
  const announcements = useAnnouncements();
  useWakeLock();
  const status = useBoardStream({
    api,
    boardId: device.id,
    onState: (next) => {
      setState(next);
      announcements.hear(next);
    },
    onRevoked,
  });

  return (
    <BoardFrame title={device.name} status={status} announcements={announcements}>
      {state === null ? (
        <p aria-busy="true" className={styles.message}>
          {t('common:loading')}
        </p>
      ) : (
        <BoardContent state={state} />
      )}
    </BoardFrame>
  );
};
