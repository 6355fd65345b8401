import argon2 from 'argon2';
import type { PasswordHasher } from '../../application/ports.js';

/**
 * Argon2id with the OWASP-recommended minimum (19 MiB, t=2, p=1): ~20–40 ms here, enough
 * to make offline guessing expensive without turning login into a denial-of-service lever.
 */
const options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const makeArgon2Hasher = (): PasswordHasher => {
  // A real hash to verify against when the username does not exist, so both paths cost the same.
  let dummy: Promise<string> | null = null;
  return {
    hash: (password) => argon2.hash(password, options),
    verify: async (hash, password) => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    },
    verifyDummy: async (password) => {
      dummy ??= argon2.hash('not-a-real-password-Aa1!', options);
      await argon2.verify(await dummy, password).catch(() => false);
    },
  };
};
