import { cleanup } from '@testing-library/react';
import { afterEach, beforeAll } from 'vitest';
import { setUpI18n } from '../app/i18n';
import { allNamespaces } from '../app/namespaces';

beforeAll(async () => {
  await setUpI18n('en', allNamespaces);
});

afterEach(() => {
  cleanup();
  localStorage.clear();
});
