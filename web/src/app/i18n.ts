import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { admin } from '../admin/messages';
import { board } from '../board/messages';
import { dashboard } from '../dashboard/messages';
import { kiosk } from '../kiosk/messages';
import { login } from '../login/messages';
import { staff } from '../shared/auth/staff.messages';
import { common } from '../shared/i18n/common.messages';
import { followLanguageInDocument, initialLanguage } from '../shared/i18n/language';
import type { Namespace } from '../shared/i18n/messages';
import { ticket } from '../ticket/messages';

/** Every namespace of the app. A surface adds its catalogue here. */
export const namespaces: Record<string, Namespace> = {
  common,
  kiosk,
  board,
  ticket,
  staff,
  login,
  dashboard,
  admin,
};

export const setUpI18n = async (language = initialLanguage()): Promise<void> => {
  const resources = {
    en: Object.fromEntries(Object.entries(namespaces).map(([ns, c]) => [ns, c.en])),
    fr: Object.fromEntries(Object.entries(namespaces).map(([ns, c]) => [ns, c.fr])),
  };
  await i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: false,
    defaultNS: 'common',
    ns: Object.keys(namespaces),
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  followLanguageInDocument();
};
