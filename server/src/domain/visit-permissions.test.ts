import { describe, expect, it } from 'vitest';
import { allowedActions } from './visit-permissions.js';

describe('allowedActions', () => {
  it.each([
    ['doctor', 'WAITING', ['call', 'transfer']],
    ['doctor', 'CALLED', ['recall', 'start', 'no_show', 'return_to_queue', 'transfer']],
    ['doctor', 'IN_CONSULTATION', ['complete', 'transfer']],
    ['doctor', 'NO_SHOW', []],
    ['reception', 'WAITING', ['call', 'cancel', 'transfer']],
    ['reception', 'CALLED', ['recall', 'no_show', 'return_to_queue', 'cancel', 'transfer']],
    ['reception', 'IN_CONSULTATION', ['transfer']],
    ['reception', 'NO_SHOW', ['requeue']],
    ['admin', 'CALLED', ['recall', 'start', 'no_show', 'return_to_queue', 'cancel', 'transfer']],
    ['admin', 'COMPLETED', []],
  ] as const)('%s on a %s visit: %j', (role, state, expected) => {
    expect(allowedActions(role, state)).toEqual(expected);
  });
});
