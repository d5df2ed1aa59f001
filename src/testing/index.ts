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
export { HOSTILE_VALUES } from './hostile-values.js';
export { completeToken, zohoLikeToken, uniqueUser } from './conformance/fixtures.js';
