import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceKind } from '../../shared/device/pairing';
import common from '../common/common.module.css';
import { QrCode } from '../../shared/ui/QrCode';
import styles from './devices.module.css';

type Copy = 'idle' | 'copied' | 'failed';

/**
 * A just-created kiosk or board: its pairing link as text and as a link, its QR code, and
 * **Copy link** — shown this once (docs/screens.md). The token lives in this component's state only:
 * **Done**, or leaving the page, forgets it for good.
 */
export const PairingPanel = ({
  kind,
  name,
  link,
  onDone,
}: {
  readonly kind: DeviceKind;
  readonly name: string;
  readonly link: string;
  readonly onDone: () => void;
}) => {
  const { t } = useTranslation('admin');
  const heading = useRef<HTMLHeadingElement>(null);
  const [copy, setCopy] = useState<Copy>('idle');

  // The panel replaces the form the admin was in: bring them (and their screen reader) here.
  useEffect(() => heading.current?.focus(), []);

  const copyLink = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  };

  return (
    <section aria-labelledby="pairing-title" className={`${common.panel} ${styles.pairing}`}>
      <h2 id="pairing-title" ref={heading} tabIndex={-1}>
        {t(`devices.${kind}.createdTitle`, { name })}
      </h2>
      <p className={styles.once}>{t('pairing.once')}</p>
      <div className={styles.pairingBody}>
        <QrCode text={link} label={t('pairing.qr')} className={styles.qr} />
        <div className={styles.pairingText}>
          <p>{t(`devices.${kind}.howTo`)}</p>
          <p className={styles.linkLabel}>{t('pairing.link')}</p>
          {/* A new tab: opening it here would leave this page and lose the link. */}
          <a href={link} target="_blank" rel="noreferrer" className={styles.link}>
            {link}
          </a>
          <div className={common.actions}>
            <button type="button" className={common.secondary} onClick={() => void copyLink()}>
              {t('pairing.copy')}
            </button>
            <button type="button" className={common.secondary} onClick={onDone}>
              {t('pairing.done')}
            </button>
          </div>
          <p role="status" className={copy === 'copied' ? styles.copied : undefined}>
            {copy === 'copied' ? t('pairing.copied') : ''}
          </p>
          {copy === 'failed' && (
            <p role="alert" className={common.problem}>
              {t('pairing.copyFailed')}
            </p>
          )}
          <p className={common.muted}>{t(`devices.${kind}.lost`)}</p>
        </div>
      </div>
    </section>
  );
};
