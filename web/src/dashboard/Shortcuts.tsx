import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import styles from './dashboard.module.css';

/** The keyboard shortcuts, on screen (a nurse should not have to guess them). */
export const Shortcuts = () => {
  const { t } = useTranslation('dashboard');
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className={styles.shortcuts}>
      <h2 id={headingId}>{t('shortcuts.title')}</h2>
      <ul>
        <li>{t('shortcuts.callNext')}</li>
        <li>{t('shortcuts.recall')}</li>
        <li>{t('shortcuts.start')}</li>
        <li>{t('shortcuts.complete')}</li>
      </ul>
    </section>
  );
};
