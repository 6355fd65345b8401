import type { Namespace } from '../shared/i18n/messages';

const en = {
  title: 'Kiosk',
} as const;

const fr = {
  title: 'Kiosk',
};

export const kiosk: Namespace<typeof en> = { en, fr };
