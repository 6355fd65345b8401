import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { apiTypesFile, renderApiTypes } from '../../scripts/api-types.js';

/**
 * The web app's request and response types are generated from the served OpenAPI document
 * (itself generated from the zod contracts). When a contract changes and the generated
 * file is not regenerated, this fails, and so does nothing else until it is.
 */
describe('web API types', () => {
  it('web/src/shared/api/schema.d.ts is what `npm run api:types` generates today', async () => {
    const committed = await readFile(apiTypesFile, 'utf8');
    const fresh = await renderApiTypes();
    expect(
      committed === fresh,
      'web/src/shared/api/schema.d.ts is stale: run `npm run api:types` and commit it',
    ).toBe(true);
  });
});
