import { useTranslation } from 'react-i18next';
import type { Api } from '../shared/api/client';
import type { Visit } from '../shared/api/types';
import { usePrintOnce } from './print-setting';
import { QueuePlace } from './QueuePlace';
import { QrCode } from '../shared/ui/QrCode';
import styles from './ticket-result.module.css';

/**
 * The result (docs/screens.md): a heading with the ticket, the largest thing on screen; position
 * and estimated wait; a QR code of the patient's own ticket page; **Done**. On paper
 * (`@media print`) only the department, the ticket, the time and the QR code remain.
 */
export const TicketResult = ({
  api,
  visit,
  departmentName,
  paperTickets,
  onDone,
}: {
  readonly api: Api;
  readonly visit: Visit;
  readonly departmentName: string;
  readonly paperTickets: boolean;
  readonly onDone: () => void;
}) => {
  const { t, i18n } = useTranslation('kiosk');
  usePrintOnce(paperTickets, visit.id);
  const checkedInAt = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(visit.checkedInAt));
  const ticketPage = `${window.location.origin}/t/${encodeURIComponent(visit.publicToken)}`;

  return (
    <div className={styles.result}>
      <p className={styles.department}>{departmentName}</p>
      <h1 className={styles.heading}>
        <span className={styles.label}>{t('ticket.yourTicket')}</span>{' '}
        <span className={styles.number}>{visit.ticket}</span>
      </h1>
      <p className={styles.time}>{t('ticket.checkedInAt', { time: checkedInAt })}</p>
      <div className={styles.qr}>
        <QrCode text={ticketPage} label={t('ticket.qrCode')} className={styles.qrCode} />
        <p className={`${styles.note} ${styles.screenOnly}`}>{t('ticket.scan')}</p>
      </div>
      <div className={`${styles.next} ${styles.screenOnly}`}>
        <QueuePlace api={api} publicToken={visit.publicToken} />
        {visit.priority === 'priority' && <p className={styles.note}>{t('ticket.priority')}</p>}
        <p className={styles.whatNext}>{t('ticket.whatNext')}</p>
        {paperTickets && <p className={styles.whatNext}>{t('ticket.takePaper')}</p>}
        <button type="button" className={styles.done} onClick={onDone}>
          {t('ticket.done')}
        </button>
        <p className={styles.note}>{t('ticket.autoReturn')}</p>
      </div>
    </div>
  );
};
