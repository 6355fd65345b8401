import { useTranslation } from 'react-i18next';
import { chooseLanguage, LANGUAGE_KEY } from '../i18n/language';
import { languages, type Language } from '../i18n/messages';
import styles from './language-switch.module.css';

/**
 * docs/screens.md: a group named **Language** with buttons `English` / `Français`. The pressed one
 * is the current language; the choice persists on this device (`storageKey`: boards keep
 * their own, so a board's configured language applies until someone changes it there).
 */
export const LanguageSwitch = ({
  storageKey = LANGUAGE_KEY,
  className,
}: {
  readonly storageKey?: string;
  readonly className?: string;
}) => {
  const { t, i18n } = useTranslation();
  const names: Record<Language, string> = { en: t('english'), fr: t('french') };
  return (
    <div
      role="group"
      aria-label={t('language')}
      className={[styles.group, className].filter(Boolean).join(' ')}
    >
      {languages.map((language) => (
        <button
          key={language}
          type="button"
          lang={language}
          className={styles.option}
          aria-pressed={i18n.language === language}
          onClick={() => void chooseLanguage(language, storageKey)}
        >
          {names[language]}
        </button>
      ))}
    </div>
  );
};
