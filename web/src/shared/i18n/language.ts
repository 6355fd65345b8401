import i18next from 'i18next';
import { isLanguage, type Language } from './messages';

/** The device's own choice (docs/screens.md: "the choice persists per device"). */
export const LANGUAGE_KEY = 'mq.lang';

const stored = (key: string): Language | null => {
  try {
    const value = localStorage.getItem(key);
    return isLanguage(value) ? value : null;
  } catch {
    return null; // storage disabled: the choice lasts for this page only
  }
};

const store = (key: string, language: Language): void => {
  try {
    localStorage.setItem(key, language);
  } catch {
    // storage disabled: nothing to keep
  }
};

/**
 * `?lang=fr` wins (and is remembered), then what this device chose before, then the
 * browser's language.
 */
export const initialLanguage = (search = window.location.search): Language => {
  const fromUrl = new URLSearchParams(search).get('lang');
  if (isLanguage(fromUrl)) {
    store(LANGUAGE_KEY, fromUrl);
    return fromUrl;
  }
  return stored(LANGUAGE_KEY) ?? (navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en');
};

/** A choice made on this device, remembered under `key` (boards keep their own). */
export const chooseLanguage = async (language: Language, key = LANGUAGE_KEY): Promise<void> => {
  store(key, language);
  await i18next.changeLanguage(language);
};

export const storedLanguage = stored;

/** `<html lang>` follows the language, so screen readers pronounce it right. */
export const followLanguageInDocument = (): void => {
  const apply = (language: string) => {
    document.documentElement.lang = language;
  };
  apply(i18next.language);
  i18next.on('languageChanged', apply);
};
