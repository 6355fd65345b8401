import { useTranslation } from 'react-i18next';
import styles from './screens.module.css';

export const CrashScreen = () => {
  const { t } = useTranslation();
  return (
    <main className={styles.centered}>
      <h1>{t('crashTitle')}</h1>
      <p>{t('crashBody')}</p>
      <button type="button" className={styles.primary} onClick={() => window.location.reload()}>
        {t('reload')}
      </button>
    </main>
  );
};
