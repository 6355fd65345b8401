import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LanguageSwitch } from '../shared/ui/LanguageSwitch';
import styles from '../shared/ui/screens.module.css';

/** The start page a newcomer sees at `/`: where each screen lives. */
export const Home = () => {
  const { t } = useTranslation();
  return (
    <main className={styles.centered}>
      <LanguageSwitch className={styles.corner} />
      <h1>{t('home.title')}</h1>
      <p>{t('home.intro')}</p>
      <ul className={styles.links}>
        <li>
          <Link to="/kiosk">{t('home.kiosk')}</Link>
        </li>
        <li>
          <Link to="/login">{t('home.login')}</Link>
        </li>
        <li>
          <a href="/docs">{t('home.docs')}</a>
        </li>
      </ul>
    </main>
  );
};
