import { freshPglite } from '../support/pglite.js';
import { describeStoreContract } from './stores.contract.js';

describeStoreContract('pglite', async () => {
  const handle = await freshPglite();
  return { handle, close: () => handle.close() };
});
