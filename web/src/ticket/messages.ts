import type { Namespace } from '../shared/i18n/messages';

const en = {
  title: 'Your ticket',
  department: 'Department',
  position: 'Position',
  next: 'You are next',
  ahead_one: '{{count}} person ahead of you',
  ahead_other: '{{count}} people ahead of you',
  estimatedWait: 'Estimated wait',
  called: 'Go to {{room}} now',
  calledNoRoom: 'You are being called. Go to the reception desk now',
  inConsultation: 'You are with the doctor in {{room}}',
  inConsultationNoRoom: 'You are with the doctor',
  completed: 'Your visit is complete. Thank you.',
  cancelled: 'This ticket was cancelled. Please ask at the reception desk if this is a mistake.',
  noShow: 'You were called but did not come. Please go to the reception desk.',
  transferred: 'You were sent to another department. Follow the new ticket you were given.',
  keepOpen: 'Keep this page open: it updates by itself.',
  notFound: 'This ticket was not found. Check the link, or ask at the reception desk.',
  loadFailed: 'Your ticket could not be loaded. Check your connection; this page will try again.',
} as const;

const fr = {
  title: 'Votre ticket',
  department: 'Service',
  position: 'Position',
  next: 'Vous êtes le prochain',
  ahead_one: '{{count}} personne avant vous',
  ahead_other: '{{count}} personnes avant vous',
  estimatedWait: 'Attente estimée',
  called: 'Présentez-vous en {{room}} maintenant',
  calledNoRoom: 'C’est votre tour. Présentez-vous à l’accueil maintenant',
  inConsultation: 'Vous êtes en consultation en {{room}}',
  inConsultationNoRoom: 'Vous êtes en consultation',
  completed: 'Votre visite est terminée. Merci.',
  cancelled: 'Ce ticket a été annulé. Adressez-vous à l’accueil s’il s’agit d’une erreur.',
  noShow: 'Vous avez été appelé mais ne vous êtes pas présenté. Adressez-vous à l’accueil.',
  transferred: 'Vous avez été orienté vers un autre service. Suivez le nouveau ticket remis.',
  keepOpen: 'Gardez cette page ouverte : elle se met à jour toute seule.',
  notFound: 'Ce ticket est introuvable. Vérifiez le lien ou adressez-vous à l’accueil.',
  loadFailed:
    'Votre ticket n’a pas pu être chargé. Vérifiez votre connexion ; la page va réessayer.',
};

export const ticket: Namespace<typeof en> = { en, fr };
