import { DATA_CENTER_CODES, isDataCenterCode, type DataCenterCode } from '../../accounts/data-centers.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { resolveLimits, type EmulatorLimits } from './limits.js';

export interface EmulatorOptions {
  /** The listeners' address (default '127.0.0.1': loopback only). */
  host?: string;
  /** One listener (port) per data center (default: all nine, `us` first). */
  dataCenters?: DataCenterCode[];
  limits?: Partial<EmulatorLimits>;
  /** The emulated clock's start, epoch ms (default `Date.now()`); it runs with real time from there. */
  startTime?: number;
  /**
   * The first data center's port; each next one listens on the next port (`us` on 8400, `eu` on 8401, …).
   * Default 0: ephemeral ports, what tests want.
   */
  port?: number;
}

export interface ResolvedEmulatorOptions {
  readonly host: string;
  readonly dataCenters: readonly DataCenterCode[];
  readonly limits: Readonly<EmulatorLimits>;
  readonly startTime: number;
  readonly port: number;
}

export const DEFAULT_EMULATOR_DATA_CENTERS: readonly DataCenterCode[] = Object.freeze([
  'us',
  'eu',
  'in',
  'au',
  'jp',
  'ca',
  'sa',
  'cn',
  'uk',
]);

function configError(message: string): TokenStoreError {
  return new TokenStoreError(ErrorCode.INVALID_CONFIG, message);
}

/** Validated, frozen options; nothing is opened before they pass. */
export function resolveEmulatorOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  if (typeof options !== 'object' || options === null) throw configError('Emulator options must be an object.');
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.trim() === '') throw configError('Emulator option host must be a non-empty host name or address.');
  const dataCenters = options.dataCenters ?? DEFAULT_EMULATOR_DATA_CENTERS;
  if (!Array.isArray(dataCenters) || dataCenters.length === 0 || !dataCenters.every(isDataCenterCode)) {
    throw configError(`Emulator option dataCenters must list data center codes (${DATA_CENTER_CODES.join(', ')}).`);
  }
  if (new Set(dataCenters).size !== dataCenters.length) throw configError('Emulator option dataCenters lists a data center twice.');
  const startTime = options.startTime ?? Date.now();
  if (typeof startTime !== 'number' || !Number.isFinite(startTime))
    throw configError('Emulator option startTime must be epoch milliseconds.');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || (port > 0 && port + dataCenters.length - 1 > 65_535)) {
    throw configError(`Emulator option port must be 0 (ephemeral) or a port with room for ${dataCenters.length} consecutive ports.`);
  }
  return Object.freeze({ host, dataCenters: Object.freeze([...dataCenters]), limits: resolveLimits(options.limits), startTime, port });
}
