import { coversDepartment, credentialKey, type Actor } from '../domain/actor.js';
import { DomainError, notFound } from '../domain/errors.js';
import { serviceDayOf } from '../domain/ticket.js';
import type { Visit, PatientData, Priority } from '../domain/visit.js';
import { requireCaller } from './authorize.js';
import type {
  CheckInRecorder,
  Clock,
  EventPublisher,
  Fingerprinter,
  IdempotencyClaim,
  IdempotencyGuard,
  Randomness,
  RequestMeta,
  Transactor,
  TxStores,
} from './ports.js';

export interface CheckInInput {
  readonly actor: Actor;
  readonly meta: RequestMeta;
  readonly idempotencyKey: string;
  readonly body: {
    readonly departmentId: string;
    readonly patient?: Partial<PatientData> | undefined;
    readonly priority?: Priority | undefined;
  };
}

export interface CheckInResult {
  readonly visit: Visit;
  /** True when this is the stored answer to an earlier request with the same key. */
  readonly replayed: boolean;
}

interface Deps {
  /** Lookups only, in autocommit: the write goes through `checkIns`. */
  readonly tx: Transactor<Pick<TxStores, 'departments' | 'idempotency' | 'visits'>>;
  /** Writes the check-in, committed on return (grouped per department on Postgres). */
  readonly checkIns: CheckInRecorder;
  readonly clock: Clock;
  readonly random: Randomness;
  readonly fingerprints: Fingerprinter;
  readonly events: EventPublisher;
  readonly idempotencyGuard: IdempotencyGuard;
  readonly timeZone: string;
}

const keyReused = (): DomainError =>
  new DomainError(
    'IDEMPOTENCY_KEY_REUSED',
    'This Idempotency-Key was used with a different request body',
  );

export const makeCheckIn = ({
  tx,
  checkIns,
  clock,
  random,
  fingerprints,
  events,
  idempotencyGuard,
  timeZone,
}: Deps) => {
  const checkIn = async ({
    actor,
    meta,
    idempotencyKey,
    body,
  }: CheckInInput): Promise<CheckInResult> => {
    requireCaller(actor, ['kiosk', 'reception', 'admin']);
    const priority = body.priority ?? 'normal';
    if (priority === 'emergency' && actor.type !== 'staff') {
      throw new DomainError('FORBIDDEN', 'Only staff may check in an emergency');
    }
    const claim = {
      credential: credentialKey(actor),
      key: idempotencyKey,
      fingerprint: fingerprints.fingerprint(body),
    };

    // Fast path (Redis, shared by all instances): a twin in flight gets 409 at once, a
    // finished one its stored answer. The Postgres record below stays the truth.
    const guard = await idempotencyGuard.claim(claim);
    if (guard.kind === 'in_progress') {
      throw new DomainError('IDEMPOTENCY_IN_PROGRESS', 'A request with this key is in progress');
    }
    if (guard.kind === 'completed') {
      if (guard.fingerprint !== claim.fingerprint) throw keyReused();
      return { visit: guard.visit, replayed: true };
    }

    // Scope first, from the credential itself; only a refusal needs the department, to
    // tell "unknown" (404) from "not yours" (403).
    if (!coversDepartment(actor, body.departmentId)) {
      // Nothing is in flight any more: a retry with this key gets this refusal, not 409.
      await idempotencyGuard.release(claim, guard.owner);
      const department = await tx.autocommit(({ departments }) =>
        departments.findById(body.departmentId),
      );
      if (department === null || !department.active) throw notFound('Department');
      throw new DomainError('FORBIDDEN', 'This department is outside your assignment');
    }

    const outcome = await record({ actor, meta, body, priority, claim }).catch(
      async (err: unknown) => {
        await idempotencyGuard.release(claim, guard.owner);
        throw err;
      },
    );
    // Best effort: if this fails, the next retry is answered from Postgres.
    await idempotencyGuard.complete(claim, guard.owner, outcome.visit);
    if (!outcome.replayed) events.publish([outcome.event]);
    return { visit: outcome.visit, replayed: outcome.replayed };
  };

  /**
   * One atomic statement (no transaction round trips), possibly shared with other
   * check-ins of the department (group commit); a taken key is answered from its record.
   */
  const record = async ({
    actor,
    meta,
    body,
    priority,
    claim,
  }: Omit<CheckInInput, 'idempotencyKey'> & { priority: Priority; claim: IdempotencyClaim }) => {
    const now = clock.now();
    const id = random.uuid();
    const write = await checkIns.record(
      {
        id,
        departmentId: body.departmentId,
        serviceDay: serviceDayOf(now, timeZone),
        publicToken: random.publicToken(),
        priority,
        patient: {
          displayName: body.patient?.displayName ?? null,
          phone: body.patient?.phone ?? null,
        },
        checkedInAt: now,
        transferredFromVisitId: null,
      },
      {
        actor,
        action: 'visit.checked_in',
        entity: 'visit',
        entityId: id,
        meta,
        after: { departmentId: body.departmentId, priority, state: 'WAITING' },
      },
      claim,
    );
    if (write.kind === 'recorded') {
      return { replayed: false as const, visit: write.recorded.visit, event: write.recorded.event };
    }
    // Nothing was written. A retry is answered from the record — even if the department
    // has been closed since the first attempt.
    const prior = await tx.autocommit(({ idempotency }) =>
      idempotency.find(claim.credential, claim.key),
    );
    if (prior === null) {
      if (write.kind === 'no_department') throw notFound('Department');
      throw new DomainError('IDEMPOTENCY_IN_PROGRESS', 'A request with this key is in progress');
    }
    if (prior.fingerprint !== claim.fingerprint) throw keyReused();
    const original =
      prior.visitId === null
        ? null
        : await tx.autocommit(({ visits }) => visits.checkInSnapshot(prior.visitId as string));
    if (original === null)
      throw new DomainError('IDEMPOTENCY_IN_PROGRESS', 'A request with this key is in progress');
    return { replayed: true as const, visit: original, event: null };
  };

  return checkIn;
};
