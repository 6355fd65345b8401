import { sql, type RawBuilder } from 'kysely';
import { DomainError } from '../../domain/errors.js';

/**
 * Opaque keyset cursors for admin lists: (created_at, id) of the last row, base64url. A
 * cursor that does not decode is the client's error, not a 500.
 */
export interface CursorKey {
  readonly createdAt: Date;
  readonly id: string;
}

export const encodeCursor = (k: CursorKey): string =>
  Buffer.from(JSON.stringify([k.createdAt.toISOString(), k.id])).toString('base64url');

export const decodeCursor = (cursor: string | null): CursorKey | null => {
  if (cursor === null) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [at, id] = parsed as unknown[];
      if (
        typeof at === 'string' &&
        typeof id === 'string' &&
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
      ) {
        const createdAt = new Date(at);
        if (!Number.isNaN(createdAt.getTime())) return { createdAt, id };
      }
    }
  } catch {
    // fall through
  }
  throw new DomainError('VALIDATION_FAILED', 'cursor is not valid', { field: 'cursor' });
};

/** Takes `limit + 1` rows to learn whether there is a next page. */
export const pageOf = <T extends { createdAt: Date; id: string }>(
  rows: T[],
  limit: number,
): { items: T[]; nextCursor: string | null } => {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null,
  };
};

/** `(created_at, id) > cursor`: the rows after the cursor's row, in (created_at, id) order. */
export const afterKey = (after: CursorKey): RawBuilder<boolean> =>
  sql<boolean>`(created_at, id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`;
