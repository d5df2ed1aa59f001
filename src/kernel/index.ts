// zoho-token-store/kernel: what a store is built from. For store authors: the backend seam and the class that applies
// the contract on it, the kernel's lock and write loops, the pieces engines share, and encryption for any store.
// Applications use the package's root; docs/writing-a-store.md walks through a complete store.

export type { TokenBackend, TokenReader, TokenWriter, MaybePromise, ReencryptResult } from '../contract/token-backend.js';
export { BackendTokenStore } from './backend-token-store.js';
export { storeParts, type StoreSpec, type StoreParts } from './store-parts.js';
export type { StoreEngine, StoreLocation, LocationKind } from './store-engine.js';

export {
  matchKeyOf,
  matchFieldOf,
  matchValueOf,
  saveKeysOf,
  LOOKUP_FIELDS,
  type MatchKey,
  type MatchField,
  type LookupField,
} from '../contract/matching-rule.js';
export { compareIds } from '../contract/compare-ids.js';
export { type TokenRecord, SECRET_FIELDS, type SecretField } from '../token/token-fields.js';
export {
  OFFICIAL_COLUMNS,
  type OfficialColumn,
  type OfficialRow,
  COLUMN_OF_FIELD,
  FIELD_OF_COLUMN,
  recordToOfficialRow,
  officialRowToRecord,
} from '../token/official-columns.js';

export { supportsFencedSave, type FencedSaveProvider, type FencedSaveResult, type SaveCondition } from '../contract/fenced-save.js';
export {
  supportsRefreshLock,
  type RefreshLockProvider,
  type RefreshLease,
  type RefreshLockOptions,
  type RefreshLockScope,
} from '../contract/refresh-lock.js';
export { InProcessLock } from './lock/in-process-lock.js';
export { SerialQueue } from './lock/serial-queue.js';
export { EngineLock, type EngineLockOptions } from './lock/engine-lock.js';
export { BUSY, isBusy, type LockEngine, type HeldLock, type LockBusy, type LockAttemptOptions } from './lock/lock-engine.js';
export type { LockWakeChannel, LockWatch, WakeOutcome } from './lock/wake-channel.js';
export { WakeHub } from './lock/wake-hub.js';
export { DirectoryWakeChannel } from './lock/directory-wake.js';
export { HostWakeChannel } from './lock/host-wake.js';
export { LOCK_WAIT_CHANNEL, type LockWaitMessage } from './lock/lock-events.js';
export { Poller, pollFor, type PollerOptions, type PollAttempt } from './lock/poller.js';
export { LeaseBook } from './lock/lease-book.js';
export { checkRefreshLockOptions } from './lock/lock-options.js';

export {
  OptimisticWrites,
  type OptimisticEngine,
  type OptimisticWritesOptions,
  type CompareAndSetOutcome,
  type LockedWrite,
} from './write/optimistic-writes.js';
export type { VersionedRow } from './write/version-cache.js';

export { loadOptional } from '../drivers/load-optional.js';
export { EncryptingBackend } from '../encryption/encrypting-backend.js';
export { encryptTokenStore, EncryptedTokenStore } from './encrypted-token-store.js';
export { MAX_ENCRYPTED_SECRET_BYTES } from '../encryption/envelope.js';
