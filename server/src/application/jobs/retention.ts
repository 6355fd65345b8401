import { HOUR_MS, hourOf, type ScheduledJob } from './scheduled-job.js';

/**
 * Retention: RETENTION_DAYS × 24 hours after check-in, a visit's name and phone — the only
 * personal data MediQue keeps — are erased from the visit row and from every copy in the
 * event log. The rows stay, so reports and the audit trail (which never held the name or
 * phone) keep their ids and counts. Hourly, so nothing outlives the limit by more than an
 * hour (plus however long every instance was down).
 *
 * Elsewhere: the idempotency record holds only a digest of the check-in body and is pruned
 * after 24 h (pruning.ts); Redis keeps a completed check-in's answer for 24 h at most
 * (infrastructure/redis/keys.ts); logs redact patient fields.
 */
export const makeRetention = ({
  retentionDays,
}: {
  readonly retentionDays: number;
}): ScheduledJob => ({
  name: 'retention',
  period: hourOf,
  run: async ({ housekeeping }, now) => {
    const cutoff = new Date(now.getTime() - retentionDays * 24 * HOUR_MS);
    const erased = await housekeeping.erasePatientData(cutoff);
    return { rows: { visits: erased.visits, events: erased.events }, events: [] };
  },
});
