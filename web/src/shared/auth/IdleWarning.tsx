import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import styles from './idle-warning.module.css';

/** The minute before an idle sign-out: says so, and offers to stay (focus on the button). */
export const IdleWarning = ({ onStay }: { readonly onStay: () => void }) => {
  const { t } = useTranslation('staff');
  const titleId = useId();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <div className={styles.backdrop}>
      <div role="alertdialog" aria-modal="true" aria-labelledby={titleId} className={styles.dialog}>
        <h2 id={titleId}>{t('idle.title')}</h2>
        <p>{t('idle.body')}</p>
        <button ref={button} type="button" className={styles.stay} onClick={onStay}>
          {t('idle.stay')}
        </button>
      </div>
    </div>
  );
};
