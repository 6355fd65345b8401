import type { Namespace } from '../i18n/messages';

const en = {
  signOut: 'Sign out',
  signedInAs: 'Signed in as {{username}} ({{role}})',
  roles: { admin: 'admin', reception: 'reception', doctor: 'doctor' },
  checking: 'Checking your session…',
  forbidden: 'Your account cannot open this page.',
  toDashboard: 'Go to the dashboard',
  idle: {
    title: 'Are you still there?',
    body: 'For patients’ privacy you will be signed out in one minute.',
    stay: 'Stay signed in',
  },
} as const;

const fr = {
  signOut: 'Se déconnecter',
  signedInAs: 'Connecté en tant que {{username}} ({{role}})',
  roles: { admin: 'administrateur', reception: 'accueil', doctor: 'médecin' },
  checking: 'Vérification de votre session…',
  forbidden: 'Votre compte ne peut pas ouvrir cette page.',
  toDashboard: 'Aller au tableau de bord',
  idle: {
    title: 'Êtes-vous toujours là ?',
    body: 'Pour la confidentialité des patients, vous serez déconnecté dans une minute.',
    stay: 'Rester connecté',
  },
};

export const staff: Namespace<typeof en> = { en, fr };
