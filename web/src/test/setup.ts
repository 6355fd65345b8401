import { cleanup } from '@testing-library/react';
import { afterEach, beforeAll } from 'vitest';
import { setUpI18n } from '../app/i18n';

beforeAll(async () => {
  await setUpI18n('en');
});

afterEach(() => {
  cleanup();
  localStorage.clear();
});
