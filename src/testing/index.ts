export {
  testTokenStore,
  checkTokenStore,
  conformanceCases,
  type StoreFactory,
  type ConformanceOptions,
  type ConformanceReport,
  type ConformanceFailure,
  type TestFunction,
} from './conformance/suite.js';
export type { ConformanceCase, ConformanceSettings } from './conformance/conformance-case.js';
export { ConformanceViolation } from './conformance/violation.js';
export { HOSTILE_VALUES, LIMIT_VALUES, REJECTED_VALUES, REJECTED_EXPIRIES, HOSTILE_IDS, REJECTED_IDS } from './hostile-values.js';
export { completeToken, zohoLikeToken, uniqueUser, fieldsOf } from './conformance/fixtures.js';

export { AccountsEmulator, type IssueGrantCodeOptions } from './emulator/accounts-emulator.js';
export { type EmulatorOptions, DEFAULT_EMULATOR_DATA_CENTERS } from './emulator/options.js';
export { type EmulatorLimits, DEFAULT_LIMITS as DEFAULT_EMULATOR_LIMITS } from './emulator/limits.js';
export type { EmulatorClock } from './emulator/emulator-clock.js';
export type { EmulatorClient, EmulatorUser } from './emulator/directory.js';
export type { CrmRecord } from './emulator/records.js';
export type { EmulatorFaults } from './emulator/faults.js';
export type { EmulatorStats } from './emulator/stats.js';
export type { PkceMethod } from './emulator/pkce-verification.js';
export { THROTTLE_BODY } from './emulator/responses.js';
export { runDevEmulator, type DevEmulator } from './emulator/dev-server.js';
