import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { common } from '../shared/i18n/common.messages';
import { followLanguageInDocument, initialLanguage } from '../shared/i18n/language';
import type { Namespace } from '../shared/i18n/messages';

/**
 * i18next with the `common` catalogue; each screen's own catalogue arrives with the
 * screen's code (`addNamespaces`, from the route loader), so a kiosk never downloads the
 * admin console's words.
 */
export const setUpI18n = async (
  language = initialLanguage(),
  namespaces: Record<string, Namespace> = { common },
): Promise<void> => {
  await i18next.use(initReactI18next).init({
    resources: { en: {}, fr: {} },
    lng: language,
    fallbackLng: false,
    defaultNS: 'common',
    ns: ['common'],
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  addNamespaces(namespaces);
  followLanguageInDocument();
};

export const addNamespaces = (namespaces: Record<string, Namespace>): void => {
  for (const [name, catalogue] of Object.entries(namespaces)) {
    i18next.addResourceBundle('en', name, catalogue.en, true, true);
    i18next.addResourceBundle('fr', name, catalogue.fr, true, true);
  }
};
