import type { Namespace } from '../shared/i18n/messages';

const en = {
  title: 'Admin',
} as const;

const fr = {
  title: 'Admin',
};

export const admin: Namespace<typeof en> = { en, fr };
