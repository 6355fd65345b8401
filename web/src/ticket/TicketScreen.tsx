import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { TicketView } from '../shared/api/types';
import { ConnectionStatus } from '../shared/ui/ConnectionStatus';
import { LanguageSwitch } from '../shared/ui/LanguageSwitch';
import { useTicket } from './ticket-api';
import styles from './ticket.module.css';

/**
 * `/t/:publicToken` — the patient's own phone, from the kiosk's QR code (docs/screens.md): the
 * ticket as the largest thing on screen, the position and the estimated wait, live; when
 * called, an alert naming the room; a final state said plainly.
 */
export const TicketScreen = () => {
  const { publicToken = '' } = useParams();
  const { t } = useTranslation('ticket');
  const { query, status, unknown } = useTicket(publicToken);

  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <LanguageSwitch />
      </header>
      <main className={styles.main}>
        {query.data !== undefined ? (
          <TicketDetails view={query.data} />
        ) : unknown ? (
          <p role="alert" className={styles.problem}>
            {t('notFound')}
          </p>
        ) : query.isError ? (
          <p role="alert" className={styles.problem}>
            {t('loadFailed')}
          </p>
        ) : (
          <p aria-busy="true">{t('common:loading')}</p>
        )}
      </main>
      {!unknown && (
        <footer className={styles.footer}>
          <ConnectionStatus status={status} />
        </footer>
      )}
    </div>
  );
};

const TicketDetails = ({ view }: { view: TicketView }) => {
  const { t } = useTranslation('ticket');
  return (
    <>
      <p className={styles.department}>
        <span className="visually-hidden">{t('department')}: </span>
        {view.departmentName}
      </p>
      <h1 className={styles.ticket}>
        <span className="visually-hidden">{t('title')}: </span>
        {view.ticket}
      </h1>
      <TicketState view={view} />
    </>
  );
};

const TicketState = ({ view }: { view: TicketView }) => {
  const { t } = useTranslation('ticket');
  switch (view.state) {
    case 'WAITING':
      return <Waiting view={view} />;
    case 'CALLED':
      return (
        <p role="alert" className={styles.called}>
          {view.roomName !== null ? t('called', { room: view.roomName }) : t('calledNoRoom')}
        </p>
      );
    case 'IN_CONSULTATION':
      return (
        <p className={styles.final}>
          {view.roomName !== null
            ? t('inConsultation', { room: view.roomName })
            : t('inConsultationNoRoom')}
        </p>
      );
    case 'COMPLETED':
      return <p className={styles.final}>{t('completed')}</p>;
    case 'CANCELLED':
      return <p className={styles.final}>{t('cancelled')}</p>;
    case 'NO_SHOW':
      return <p className={styles.final}>{t('noShow')}</p>;
    case 'TRANSFERRED':
      return <p className={styles.final}>{t('transferred')}</p>;
    default:
      return null;
  }
};

const Waiting = ({ view }: { view: TicketView }) => {
  const { t } = useTranslation('ticket');
  const position = view.position;
  return (
    <>
      <dl className={styles.facts}>
        <div className={styles.fact}>
          <dt>{t('position')}</dt>
          <dd className={styles.factValue}>{position ?? '–'}</dd>
          {position !== null && (
            <dd className={styles.factNote}>
              {position === 1 ? t('next') : t('ahead', { count: position - 1 })}
            </dd>
          )}
        </div>
        <div className={styles.fact}>
          <dt>{t('estimatedWait')}</dt>
          <dd className={styles.factValue}>
            {view.estimatedWaitMinutes === null
              ? t('common:waitUnknown')
              : t('common:minutes', { count: Math.round(view.estimatedWaitMinutes) })}
          </dd>
        </div>
      </dl>
      <p className={styles.hint}>{t('keepOpen')}</p>
    </>
  );
};
