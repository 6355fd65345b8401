import type { Namespace } from './messages';

const en = {
  appName: 'MediQue',
  language: 'Language',
  english: 'English',
  french: 'Français',
  loading: 'Loading…',
  reload: 'Reload',
  goHome: 'Go to the start page',
  crashTitle: 'Something went wrong on this screen',
  crashBody: 'Reloading usually fixes it. If it happens again, tell the reception desk.',
  notFoundTitle: 'Page not found',
  notFoundBody: 'There is no page at this address.',
  online: 'Live',
  offline: 'Reconnecting…',
  offlineDetail: 'The connection was lost. The last known information is shown.',
  minutes_one: '{{count}} minute',
  minutes_other: '{{count}} minutes',
  waitUnknown: 'not known yet',
  pairing: {
    title: 'Set up this screen',
    intro:
      'Open the pairing link shown in the admin console on this device, or type the pairing code here.',
    code: 'Pairing code',
    submit: 'Pair this screen',
    invalid: 'This is not a pairing code for this kind of screen.',
    revoked:
      'The server refused this screen’s pairing code: it was revoked by an administrator, or it is not current. Pair this screen again with the code from the admin console.',
  },
  home: {
    title: 'MediQue',
    intro: 'Patient queues for clinics. Choose a screen:',
    kiosk: 'Check-in kiosk',
    login: 'Staff sign-in',
    docs: 'API documentation',
  },
} as const;

const fr = {
  appName: 'MediQue',
  language: 'Langue',
  english: 'English',
  french: 'Français',
  loading: 'Chargement…',
  reload: 'Recharger',
  goHome: 'Aller à la page d’accueil',
  crashTitle: 'Un problème est survenu sur cet écran',
  crashBody: 'Recharger suffit en général. Si cela se reproduit, prévenez l’accueil.',
  notFoundTitle: 'Page introuvable',
  notFoundBody: 'Il n’y a pas de page à cette adresse.',
  online: 'En direct',
  offline: 'Reconnexion…',
  offlineDetail: 'La connexion a été perdue. Les dernières informations connues sont affichées.',
  minutes_one: '{{count}} minute',
  minutes_other: '{{count}} minutes',
  waitUnknown: 'pas encore connue',
  pairing: {
    title: 'Configurer cet écran',
    intro:
      'Ouvrez sur cet appareil le lien d’appairage affiché dans la console d’administration, ou saisissez le code d’appairage ici.',
    code: 'Code d’appairage',
    submit: 'Appairer cet écran',
    invalid: 'Ce n’est pas un code d’appairage pour ce type d’écran.',
    revoked:
      'Cet écran a été déconnecté par un administrateur. Appairez-le à nouveau pour l’utiliser.',
  },
  home: {
    title: 'MediQue',
    intro: 'Files d’attente des patients pour les cliniques. Choisissez un écran :',
    kiosk: 'Borne d’enregistrement',
    login: 'Connexion du personnel',
    docs: 'Documentation de l’API',
  },
};

export const common: Namespace<typeof en> = { en, fr };
