import { isAdmin, type Actor } from '../domain/actor.js';
import { DomainError, notFound } from '../domain/errors.js';
import { reportRangeProblem, type DailyReportRow } from '../domain/report.js';
import { requireCaller, requireScope } from './authorize.js';
import type { Transactor, TxStores } from './ports.js';

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'departments' | 'reports'>>;
  /** CLINIC_TIMEZONE: service days are calendar days there. */
  readonly timeZone: string;
}

/**
 * Daily figures per department (docs/api.md, Admin → reports): admins for any department,
 * reception for its own; doctors and devices are refused. Without a department, each
 * caller gets every department in their scope.
 */
export const makeDailyReport =
  ({ tx, timeZone }: Deps) =>
  async ({
    actor,
    departmentId,
    from,
    to,
  }: {
    actor: Actor;
    departmentId?: string | undefined;
    from: string;
    to: string;
  }): Promise<DailyReportRow[]> => {
    requireCaller(actor, ['admin', 'reception']);
    const problem = reportRangeProblem(from, to);
    if (problem !== null) {
      throw new DomainError('VALIDATION_FAILED', `${problem.field} ${problem.message}`, {
        field: problem.field,
      });
    }
    return tx.autocommit(async ({ departments, reports }) => {
      if (departmentId !== undefined) {
        const department = await departments.findById(departmentId);
        if (department === null) throw notFound('Department');
        requireScope(actor, department.id);
        return reports.daily({
          departmentIds: [department.id],
          includeInactive: true,
          from,
          to,
          timeZone,
        });
      }
      const scope = isAdmin(actor) || actor.type === 'system' ? null : actor.departmentIds;
      return reports.daily({ departmentIds: scope, includeInactive: false, from, to, timeZone });
    });
  };

export type DailyReport = ReturnType<typeof makeDailyReport>;
