/**
 * A staff login is a refresh-token family: each refresh spends the family's current token
 * and issues the next. The family id is the `sid` of the login's access tokens.
 */

/** One refresh token of a family, as stored (only its hash is kept, and not carried here). */
export interface SessionRecord {
  readonly id: string;
  readonly familyId: string;
  readonly userId: string;
  /** When the family's login happened: its absolute lifetime counts from here. */
  readonly startedAt: Date;
  readonly expiresAt: Date;
  readonly rotatedAt: Date | null;
  readonly revokedAt: Date | null;
}

/** One open login as an admin sees it: the family's current refresh token. */
export interface ActiveSession {
  /** The session family id (also the access tokens' `sid`). */
  readonly id: string;
  readonly userId: string;
  /** The login. */
  readonly createdAt: Date;
  /** The last login or refresh (access tokens are not tracked per request). */
  readonly lastUsedAt: Date;
  /** When the current refresh token stops working, if not refreshed (or revoked) before. */
  readonly expiresAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
}
