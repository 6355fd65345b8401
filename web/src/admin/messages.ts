import type { Namespace } from '../shared/i18n/messages';
import { en } from './messages.en';
import { fr } from './messages.fr';

/** The `admin` namespace: English and French, kept in step by their types. */
export const admin: Namespace<typeof en> = { en, fr };
