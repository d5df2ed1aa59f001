import type { DataCenterCode } from '../../accounts/data-centers.js';
import type { EmulatorClock } from './emulator-clock.js';
import type { Directory } from './directory.js';
import type { FaultSwitches } from './faults.js';
import type { GrantCodeBook } from './grant-codes.js';
import type { EmulatorLimits } from './limits.js';
import type { RecordBook } from './records.js';
import type { StatsRecorder } from './stats.js';
import type { TokenLedger } from './token-ledger.js';

/** Everything an endpoint reads or changes: the one state the listeners of every data center share. */
export interface EmulatorContext {
  readonly clock: EmulatorClock;
  readonly limits: Readonly<EmulatorLimits>;
  readonly directory: Directory;
  readonly codes: GrantCodeBook;
  readonly ledger: TokenLedger;
  readonly records: RecordBook;
  readonly stats: StatsRecorder;
  readonly faults: FaultSwitches;
  /** Modes that make the emulator behave like a standard OAuth 2.0 server instead of Zoho. */
  readonly modes: { rotateRefreshTokens: boolean };
  accountsUrl(dataCenter: DataCenterCode): string;
  apiDomain(dataCenter: DataCenterCode): string;
}
