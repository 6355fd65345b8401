import { afterAll, beforeAll, describe } from 'vitest';
import type { DatabaseHandle } from '../../src/infrastructure/postgres/pg-database.js';
import { makeTransactor } from '../../src/infrastructure/postgres/transactor.js';
import { systemClock } from '../../src/infrastructure/time/system-clock.js';
import type { StoreContext } from '../support/store-fixtures.js';
import { describeAccountContract } from './accounts.contract.js';
import { describeDepartmentContract } from './departments.contract.js';
import { describeQueueContract } from './queue.contract.js';
import { describeReportContract } from './reports.contract.js';
import { describeSessionContract } from './sessions.contract.js';
import { describeVisitContract } from './visits.contract.js';

/**
 * The store ports' contract (docs/adr/0001-layers-and-use-case-factories.md: both implementations pass the same suite). It runs
 * through `makeTransactor(handle.db, clock)` and the stores only, plus plain SQL to look at what was
 * written. One database per backend; each test makes its own departments, so tests do not
 * depend on each other or on their order.
 */
export const describeStoreContract = (
  name: string,
  open: () => Promise<{ handle: DatabaseHandle; close(): Promise<void> }>,
): void => {
  describe(`store contract: ${name}`, () => {
    let opened: { handle: DatabaseHandle; close(): Promise<void> } | undefined;
    let context: StoreContext | undefined;

    beforeAll(async () => {
      opened = await open();
      context = { handle: opened.handle, tx: makeTransactor(opened.handle.db, systemClock) };
    });
    afterAll(async () => {
      await opened?.close();
    });

    const ctx = (): StoreContext => {
      if (context === undefined) throw new Error('the database did not open');
      return context;
    };

    describeDepartmentContract(ctx);
    describeVisitContract(ctx);
    describeQueueContract(ctx);
    describeAccountContract(ctx);
    describeReportContract(ctx);
    describeSessionContract(ctx);
  });
};
