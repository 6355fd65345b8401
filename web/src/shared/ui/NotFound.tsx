import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import styles from './screens.module.css';

export const NotFound = () => {
  const { t } = useTranslation();
  return (
    <main className={styles.centered}>
      <h1>{t('notFoundTitle')}</h1>
      <p>{t('notFoundBody')}</p>
      <Link className={styles.primary} to="/">
        {t('goHome')}
      </Link>
    </main>
  );
};
