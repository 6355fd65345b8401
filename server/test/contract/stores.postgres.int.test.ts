import { freshPostgres } from '../support/postgres.js';
import { describeStoreContract } from './stores.contract.js';

describeStoreContract('postgres', async () => {
  const db = await freshPostgres({ poolSize: 8 });
  return { handle: db.handle, close: () => db.drop() };
});
