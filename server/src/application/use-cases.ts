import { makeDepartmentAdmin } from './admin-departments.js';
import { makeDeviceAdmin } from './admin-devices.js';
import { makeSessionAdmin } from './admin-sessions.js';
import { makeUserAdmin } from './admin-users.js';
import { makeAuthenticateDevice, makeAuthenticateStaff } from './authenticate.js';
import { makeCallNext } from './call-next.js';
import { makeCallVisit } from './call-visit.js';
import { makeCheckIn } from './check-in.js';
import { makeDailyReport } from './daily-report.js';
import { makeGetCurrentDevice } from './get-current-device.js';
import { makeGetCurrentUser } from './get-current-user.js';
import { makeGetVisit } from './get-visit.js';
import { makeListAudit } from './list-audit.js';
import { makeListDepartments } from './list-departments.js';
import { makeLogin } from './login.js';
import type { VisitEvent } from '../domain/events.js';
import { makeLiveUseCases } from './live/live-use-cases.js';
import { makeCredentials } from './credentials.js';
import type {
  CheckInRecorder,
  Clock,
  DeviceTokens,
  ControlBus,
  ControlPublisher,
  EventBus,
  EventLog,
  EventPublisher,
  Fingerprinter,
  IdempotencyGuard,
  PasswordHasher,
  Randomness,
  StreamTicketStore,
  Transactor,
} from './ports.js';
import { makeSessions } from './sessions.js';
import { makeStreamTickets } from './stream-tickets.js';
import { makeTransferVisit } from './transfer-visit.js';
import { makeTransitionVisit } from './transition-visit.js';

export interface UseCaseDeps {
  /** Over every store; each use case takes it as the narrower view its own `Deps` declare. */
  readonly tx: Transactor;
  readonly checkIns: CheckInRecorder;
  readonly clock: Clock;
  readonly random: Randomness;
  readonly fingerprints: Fingerprinter;
  readonly events: EventPublisher;
  readonly hasher: PasswordHasher;
  readonly tokens: DeviceTokens;
  readonly idempotencyGuard: IdempotencyGuard;
  readonly log: EventLog;
  readonly bus: EventBus & ControlBus;
  /** Control changes (revocations, department edits), announced to every instance. */
  readonly control: ControlPublisher;
  readonly streamTicketStore: StreamTicketStore;
  readonly timeZone: string;
  /** SESSION_MAX_HOURS: a login ends this long after it began, however often refreshed. */
  readonly sessionMaxHours: number;
  /** Failures in background work (live feeds), which have no request to answer. */
  readonly onBackgroundError: (err: unknown) => void;
  /** Told once per event an instance's live feeds forward. */
  readonly onEventForwarded?: (event: VisitEvent) => void;
}

/** Every use case, wired to the same ports. Each factory takes only what it needs. */
export const makeUseCases = (input: UseCaseDeps) => {
  const credentials = makeCredentials(input);
  const live = makeLiveUseCases({ ...input, credentials });
  // What this instance commits, its live views know of before the bus brings it back:
  // a GET …/queue after one's own change never misses it (read-your-writes).
  const deps: UseCaseDeps = {
    ...input,
    events: {
      publish: (events) => {
        live.noteCommitted(events);
        input.events.publish(events);
      },
    },
  };
  return {
    checkIn: makeCheckIn(deps),
    callNext: makeCallNext(deps),
    callVisit: makeCallVisit(deps),
    transitionVisit: makeTransitionVisit(deps),
    transferVisit: makeTransferVisit(deps),
    getQueue: live.queue,
    getVisit: makeGetVisit(deps),
    listDepartments: makeListDepartments(deps),
    login: makeLogin(deps),
    sessions: makeSessions(deps),
    authenticateStaff: makeAuthenticateStaff({ credentials }),
    authenticateDevice: makeAuthenticateDevice({ credentials, tokens: deps.tokens }),
    getCurrentUser: makeGetCurrentUser(deps),
    getCurrentDevice: makeGetCurrentDevice(deps),
    departmentAdmin: makeDepartmentAdmin(deps),
    userAdmin: makeUserAdmin(deps),
    deviceAdmin: makeDeviceAdmin(deps),
    sessionAdmin: makeSessionAdmin(deps),
    listAudit: makeListAudit(deps),
    dailyReport: makeDailyReport(deps),
    live,
    streamTickets: makeStreamTickets({
      tickets: deps.streamTicketStore,
      newTicket: () => deps.random.publicToken(),
    }),
  };
};

export type UseCases = ReturnType<typeof makeUseCases>;
