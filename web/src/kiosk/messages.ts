import type { Namespace } from '../shared/i18n/messages';

/**
 * Words for a patient standing at an unattended screen: short sentences, no jargon, one
 * thing to do at a time. The names docs/screens.md fixes (`name`, `priority`, `submit`, `done`,
 * `qrCode`) are what outside tests find controls by: keep them exact.
 */
const en = {
  start: {
    title: 'Welcome. Get your ticket here.',
    choose: 'Touch the department you have come for.',
    none: 'This kiosk is not taking check-ins right now. Please go to the reception desk.',
  },
  form: {
    title: 'Checking in for {{department}}',
    back: 'Back',
    name: 'Your name (optional)',
    nameHint: 'Staff may use it to greet you. You can leave it empty.',
    priority: 'I need priority assistance',
    priorityHint: 'For example if you cannot stand for long or need help to move.',
    submit: 'Get my ticket',
    submitting: 'Getting your ticket…',
  },
  problem: {
    unreachable: 'We could not reach the server. Trying again…',
    busy: 'The system is busy. Trying again…',
    stillWaiting: 'Please wait here. You will get one ticket only.',
    gaveUp:
      'We could not get your ticket. Touch “Get my ticket” to try again, or go to the reception desk.',
    departmentClosed:
      'This department is not taking patients here right now. Please go to the reception desk.',
    other: 'Your ticket could not be made. Please go to the reception desk.',
    reference: 'Reference for staff: {{code}}',
  },
  ticket: {
    yourTicket: 'Your ticket number',
    checkedInAt: 'Checked in {{time}}',
    position: 'Your place in the queue',
    next: 'You are next',
    ahead_one: '{{count}} person before you',
    ahead_other: '{{count}} people before you',
    estimatedWait: 'Estimated wait',
    about: 'about {{minutes}}',
    loading: 'Looking up your place in the queue…',
    unknown: 'Your place in the queue will show on your phone.',
    priority: 'You asked for priority assistance. Staff can see it.',
    qrCode: 'Ticket QR code',
    scan: 'Scan this code with your phone camera to follow your place in the queue.',
    whatNext:
      'Please take a seat. When it is your turn, your number and a room appear on the screen.',
    takePaper: 'Take your paper ticket below.',
    done: 'Done',
    autoReturn: 'This screen goes back to the start by itself after 30 seconds.',
  },
} as const;

const fr = {
  start: {
    title: 'Bienvenue. Prenez votre ticket ici.',
    choose: 'Touchez le service pour lequel vous venez.',
    none: 'Cette borne n’enregistre personne pour le moment. Adressez-vous à l’accueil.',
  },
  form: {
    title: 'Enregistrement pour {{department}}',
    back: 'Retour',
    name: 'Votre nom (facultatif)',
    nameHint: 'Le personnel peut s’en servir pour vous accueillir. Vous pouvez le laisser vide.',
    priority: 'J’ai besoin d’une aide prioritaire',
    priorityHint:
      'Par exemple si vous ne pouvez pas rester debout longtemps ou avez besoin d’aide pour vous déplacer.',
    submit: 'Obtenir mon ticket',
    submitting: 'Votre ticket est en cours de création…',
  },
  problem: {
    unreachable: 'Impossible de joindre le serveur. Nouvel essai en cours…',
    busy: 'Le système est occupé. Nouvel essai en cours…',
    stillWaiting: 'Veuillez patienter ici. Vous n’aurez qu’un seul ticket.',
    gaveUp:
      'Votre ticket n’a pas pu être créé. Touchez « Obtenir mon ticket » pour réessayer, ou adressez-vous à l’accueil.',
    departmentClosed:
      'Ce service ne prend pas de patients ici pour le moment. Adressez-vous à l’accueil.',
    other: 'Votre ticket n’a pas pu être créé. Adressez-vous à l’accueil.',
    reference: 'Référence pour le personnel : {{code}}',
  },
  ticket: {
    yourTicket: 'Votre numéro de ticket',
    checkedInAt: 'Enregistré le {{time}}',
    position: 'Votre place dans la file',
    next: 'Vous êtes le prochain',
    ahead_one: '{{count}} personne avant vous',
    ahead_other: '{{count}} personnes avant vous',
    estimatedWait: 'Attente estimée',
    about: 'environ {{minutes}}',
    loading: 'Recherche de votre place dans la file…',
    unknown: 'Votre place dans la file s’affichera sur votre téléphone.',
    priority: 'Vous avez demandé une aide prioritaire. Le personnel le voit.',
    qrCode: 'QR code du ticket',
    scan: 'Scannez ce code avec l’appareil photo de votre téléphone pour suivre votre place dans la file.',
    whatNext:
      'Installez-vous. Quand c’est votre tour, votre numéro et une salle s’affichent à l’écran.',
    takePaper: 'Prenez votre ticket papier ci-dessous.',
    done: 'Terminé',
    autoReturn: 'Cet écran revient tout seul au début après 30 secondes.',
  },
};

export const kiosk: Namespace<typeof en> = { en, fr };
