import type { Namespace } from '../shared/i18n/messages';

const en = {
  title: 'Dashboard',
} as const;

const fr = {
  title: 'Dashboard',
};

export const dashboard: Namespace<typeof en> = { en, fr };
