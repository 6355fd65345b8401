import type { Namespace } from '../shared/i18n/messages';

const en = {
  title: 'Board',
} as const;

const fr = {
  title: 'Board',
};

export const board: Namespace<typeof en> = { en, fr };
