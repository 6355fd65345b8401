import { admin } from '../admin/messages';
import { board } from '../board/messages';
import { dashboard } from '../dashboard/messages';
import { kiosk } from '../kiosk/messages';
import { login } from '../login/messages';
import { staff } from '../shared/auth/staff.messages';
import { common } from '../shared/i18n/common.messages';
import type { Namespace } from '../shared/i18n/messages';
import { ticket } from '../ticket/messages';

/**
 * Every catalogue of the app, for the tests (the French-completeness check, and component
 * tests that render any screen). The app itself loads each one with its screen.
 */
export const allNamespaces: Record<string, Namespace> = {
  common,
  kiosk,
  board,
  ticket,
  staff,
  login,
  dashboard,
  admin,
};
