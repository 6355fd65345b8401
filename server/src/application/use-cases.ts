import { makeDepartmentAdmin } from './admin-departments.js';
import { makeDeviceAdmin } from './admin-devices.js';
import { makeUserAdmin } from './admin-users.js';
import { makeAuthenticateDevice, makeAuthenticateStaff } from './authenticate.js';
import { makeCallNext } from './call-next.js';
import { makeCallVisit } from './call-visit.js';
import { makeCheckIn } from './check-in.js';
import { makeGetCurrentDevice } from './get-current-device.js';
import { makeGetCurrentUser } from './get-current-user.js';
import { makeGetQueue } from './get-queue.js';
import { makeGetVisit } from './get-visit.js';
import { makeListAudit } from './list-audit.js';
import { makeListDepartments } from './list-departments.js';
import { makeLogin } from './login.js';
import type { VisitEvent } from '../domain/events.js';
import { makeDepartmentFeeds } from './live/department-feeds.js';
import { makeLiveUseCases } from './live/live-use-cases.js';
import type {
  Clock,
  DeviceTokens,
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
  readonly tx: Transactor;
  readonly clock: Clock;
  readonly random: Randomness;
  readonly fingerprints: Fingerprinter;
  readonly events: EventPublisher;
  readonly hasher: PasswordHasher;
  readonly tokens: DeviceTokens;
  readonly idempotencyGuard: IdempotencyGuard;
  readonly log: EventLog;
  readonly bus: EventBus;
  readonly streamTicketStore: StreamTicketStore;
  readonly timeZone: string;
  /** Failures in background work (live feeds), which have no request to answer. */
  readonly onBackgroundError: (err: unknown) => void;
  /** Told once per event an instance's live feeds forward. */
  readonly onEventForwarded?: (event: VisitEvent) => void;
}

/** Every use case, wired to the same ports. Each factory takes only what it needs. */
export const makeUseCases = (deps: UseCaseDeps) => {
  const getQueue = makeGetQueue(deps);
  const feeds = makeDepartmentFeeds({
    log: deps.log,
    bus: deps.bus,
    onError: deps.onBackgroundError,
    ...(deps.onEventForwarded && { onForward: deps.onEventForwarded }),
  });
  return {
    checkIn: makeCheckIn(deps),
    callNext: makeCallNext(deps),
    callVisit: makeCallVisit(deps),
    transitionVisit: makeTransitionVisit(deps),
    transferVisit: makeTransferVisit(deps),
    getQueue,
    getVisit: makeGetVisit(deps),
    listDepartments: makeListDepartments(deps),
    login: makeLogin(deps),
    sessions: makeSessions(deps),
    authenticateStaff: makeAuthenticateStaff(deps),
    authenticateDevice: makeAuthenticateDevice(deps),
    getCurrentUser: makeGetCurrentUser(deps),
    getCurrentDevice: makeGetCurrentDevice(deps),
    departmentAdmin: makeDepartmentAdmin(deps),
    userAdmin: makeUserAdmin(deps),
    deviceAdmin: makeDeviceAdmin(deps),
    listAudit: makeListAudit(deps),
    live: makeLiveUseCases({ ...deps, feeds, getQueue }),
    streamTickets: makeStreamTickets({
      tickets: deps.streamTicketStore,
      newTicket: () => deps.random.publicToken(),
    }),
    feeds,
  };
};

export type UseCases = ReturnType<typeof makeUseCases>;
