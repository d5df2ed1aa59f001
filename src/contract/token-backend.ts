import type { RefreshLockProvider } from './refresh-lock.js';
import type { TokenRecord } from '../token/token-fields.js';
import type { LookupField } from './matching-rule.js';

export type MaybePromise<T> = T | Promise<T>;

/** True when a backend answered with a promise rather than a value. */
export const isPromise = <T>(value: MaybePromise<T>): value is Promise<T> => typeof (value as Promise<T> | null)?.then === 'function';

/** Reads a backend offers inside and outside a write. */
export interface TokenReader {
  /** One stored record whose `field` equals `value` exactly, or null. */
  findBy(field: LookupField, value: string): MaybePromise<TokenRecord | null>;
}

/** What a backend offers inside `write`: everything here sees, and is serialised with, the other writes. */
export interface TokenWriter extends TokenReader {
  /** An id no stored record has (stores in this package use decimal ids, as the official SDKs do). */
  nextId(): MaybePromise<string>;
  /** Adds a record whose id is not stored yet. */
  insert(record: TokenRecord): MaybePromise<void>;
  /** Replaces the stored record with the same id. */
  update(record: TokenRecord): MaybePromise<void>;
}

/**
 * The engine-specific part of a store: find by one field, upsert in a serialised write, delete, list, lock.
 * It knows nothing of the matching rule; `BackendTokenStore` applies the rule on top of it, so the rule is
 * written once. Records passed in and handed out are never mutated afterwards.
 */
export interface TokenBackend extends TokenReader, RefreshLockProvider {
  /** Every stored record, in any order. */
  list(): MaybePromise<readonly TokenRecord[]>;
  deleteById(id: string): MaybePromise<void>;
  deleteAll(): MaybePromise<void>;
  /**
   * Runs `work` so that no other write (in this process or, for shared engines, any other) interleaves with it:
   * a transaction, a lock, or a queue. If `work` rejects, nothing it wrote may remain.
   */
  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T>;
  /**
   * Optional, for engines where one statement is atomic on its own: merges `fields` into the stored record whose
   * user name is `fields.userName` (unique), as `write` + `update` would: each non-null field replaces the stored
   * value, a null one keeps it. Writes nothing, and resolves to null, when no such record exists or when it is one
   * the full save must look at (with `plaintextOnly`, a record holding encrypted values; a value the reading rules
   * refuse); the store then runs its full save. Otherwise resolves to the record's id.
   */
  updateByUserName?(fields: Omit<TokenRecord, 'id'>, plaintextOnly: boolean): MaybePromise<string | null>;
  /**
   * The first contact with the engine (load the driver, connect, create the tables, check the file), so that a wrong
   * setting fails when the store opens rather than on first use. Resolves once the backend can serve; safe to call
   * again, and a failed attempt is tried afresh by the next call.
   */
  open?(): Promise<void>;
  /** Releases what the backend opened itself. Safe to call twice. */
  close?(): Promise<void>;
  /**
   * True when this backend decrypts what it reads (an `EncryptingBackend`). A store over a backend without it
   * refuses records holding encrypted values (KEY_INVALID) instead of handing them out as tokens.
   */
  readonly encrypted?: boolean;
  /** Moves every record to the current encryption key (encrypting backends only); see `EncryptingBackend`. */
  reencrypt?(): Promise<ReencryptResult>;
}

/** What a re-encryption did. */
export interface ReencryptResult {
  /** Records rewritten under the current key (0 when all already were). */
  readonly rewritten: number;
}
