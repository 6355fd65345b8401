import type { Namespace } from '../shared/i18n/messages';

const en = {
  title: 'Staff sign-in',
  username: 'Username',
  password: 'Password',
  submit: 'Sign in',
  signingIn: 'Signing in…',
  wrong: 'Wrong username or password.',
  locked: 'Too many failed attempts. Try again after {{time}}.',
  lockedSoon: 'Too many failed attempts. Try again in a few minutes.',
  rateLimited: 'Too many sign-in attempts from this device. Wait a minute and try again.',
  offline: 'The server cannot be reached. Check the connection and try again.',
  failed: 'Signing in failed. Try again; if it keeps failing, call IT support.',
  reason: {
    idle: 'You were signed out after 15 minutes without activity.',
    expired: 'Your session has ended. Sign in again.',
  },
} as const;

const fr = {
  title: 'Connexion du personnel',
  username: 'Nom d’utilisateur',
  password: 'Mot de passe',
  submit: 'Se connecter',
  signingIn: 'Connexion…',
  wrong: 'Nom d’utilisateur ou mot de passe incorrect.',
  locked: 'Trop de tentatives échouées. Réessayez après {{time}}.',
  lockedSoon: 'Trop de tentatives échouées. Réessayez dans quelques minutes.',
  rateLimited: 'Trop de tentatives depuis cet appareil. Attendez une minute et réessayez.',
  offline: 'Le serveur est injoignable. Vérifiez la connexion et réessayez.',
  failed: 'La connexion a échoué. Réessayez ; si cela persiste, appelez le support informatique.',
  reason: {
    idle: 'Vous avez été déconnecté après 15 minutes sans activité.',
    expired: 'Votre session est terminée. Reconnectez-vous.',
  },
};

export const login: Namespace<typeof en> = { en, fr };
