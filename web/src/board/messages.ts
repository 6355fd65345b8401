import type { Namespace } from '../shared/i18n/messages';

const en = {
  defaultTitle: 'Waiting room',
  nowServing: 'Now serving',
  nobodyCalled: 'No one has been called yet.',
  goTo: 'go to',
  department: 'Department',
  recentCalls: 'Recent calls',
  noRecentCalls: 'None yet',
  waiting: 'Waiting',
  estimatedWait: 'Estimated wait',
  departments: 'Queues',
  noDepartments: 'This board shows no department yet. Ask an administrator to add one.',
  turnOnAnnouncements: 'Turn on announcements',
  // Spoken: ticket and room only (SPEC, "Announcement queue"). `ticket` is already spelt
  // out for speech (see spoken-ticket.ts).
  announcement: 'Ticket {{ticket}}, {{room}}',
  announcementNoRoom: 'Ticket {{ticket}}',
  loadFailed: 'This board could not load its settings. Reload the page, or ask an administrator.',
} as const;

const fr = {
  defaultTitle: 'Salle d’attente',
  nowServing: 'Appels en cours',
  nobodyCalled: 'Personne n’a encore été appelé.',
  goTo: 'aller en',
  department: 'Service',
  recentCalls: 'Appels récents',
  noRecentCalls: 'Aucun pour l’instant',
  waiting: 'En attente',
  estimatedWait: 'Attente estimée',
  departments: 'Files d’attente',
  noDepartments:
    'Ce tableau n’affiche encore aucun service. Demandez à un administrateur d’en ajouter un.',
  turnOnAnnouncements: 'Activer les annonces',
  announcement: 'Ticket {{ticket}}, {{room}}',
  announcementNoRoom: 'Ticket {{ticket}}',
  loadFailed:
    'Ce tableau n’a pas pu charger ses réglages. Rechargez la page ou prévenez un administrateur.',
};

export const board: Namespace<typeof en> = { en, fr };
