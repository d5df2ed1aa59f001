import { customEnvironment, type DataCenterCode, type Environment } from '../../accounts/data-centers.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError } from '../../errors/token-store-error.js';
import { RunningClock, type EmulatorClock } from './emulator-clock.js';
import { grantConsent } from './consent.js';
import type { EmulatorContext } from './context.js';
import { Directory, type EmulatorClient, type EmulatorUser } from './directory.js';
import { FaultSwitches, type EmulatorFaults } from './faults.js';
import { GrantCodeBook } from './grant-codes.js';
import type { EmulatorLimits } from './limits.js';
import { DataCenterListener } from './listener.js';
import { resolveEmulatorOptions, type EmulatorOptions } from './options.js';
import { isPkceMethod, type PkceMethod } from './pkce-verification.js';
import { RecordBook, type CrmRecord } from './records.js';
import { route } from './router.js';
import { Sleeper } from './sleeper.js';
import { StatsRecorder, type EmulatorStats } from './stats.js';
import { TokenLedger } from './token-ledger.js';

export interface IssueGrantCodeOptions {
  client: EmulatorClient;
  user: EmulatorUser;
  /** Default `['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ']`. */
  scope?: string[];
  /** A code from the console's self-client tab (default: whether the client was registered as a self client). */
  selfClient?: boolean;
  /** Default `limits.grantCodeTtlMs`, or `limits.selfClientCodeTtlMs` for a self-client code. */
  ttlMs?: number;
  /** Default 'offline'. */
  accessType?: 'offline' | 'online';
  /** Whether the consent was forced (`prompt=consent`, default true): an offline code then always yields a refresh token. */
  forceConsent?: boolean;
  /** A PKCE challenge the exchange must answer with its `code_verifier`. */
  pkce?: { method: PkceMethod; challenge: string };
}

const DEFAULT_SCOPE = ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'];

function argumentError(message: string): TokenArgumentError {
  return new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, message);
}

/**
 * Zoho's accounts server (and enough of the CRM API to check tokens) on 127.0.0.1, one listener per data center,
 * with Zoho's error bodies, limits and quirks, fault switches, an emulated clock and counters. It logs nothing.
 * See docs/emulator.md.
 */
export class AccountsEmulator {
  readonly clock: EmulatorClock;
  readonly limits: EmulatorLimits;
  readonly faults: EmulatorFaults;
  readonly stats: EmulatorStats;
  readonly #context: EmulatorContext;
  readonly #listeners: ReadonlyMap<DataCenterCode, DataCenterListener>;
  readonly #sleeper = new Sleeper();
  #closed: Promise<void> | null = null;

  /** Starts one listener per data center; resolves once every one is listening. */
  static async start(options: EmulatorOptions = {}): Promise<AccountsEmulator> {
    const resolved = resolveEmulatorOptions(options);
    const emulator = new AccountsEmulator(resolved.dataCenters, resolved.limits, resolved.startTime);
    try {
      const listeners = [...emulator.#listeners.values()];
      await Promise.all(listeners.map((listener, i) => listener.start(resolved.host, resolved.port === 0 ? 0 : resolved.port + i)));
    } catch (error) {
      await emulator.close();
      throw error;
    }
    return emulator;
  }

  private constructor(dataCenters: readonly DataCenterCode[], limits: Readonly<EmulatorLimits>, startTime: number) {
    const clock = new RunningClock(startTime);
    const faults = new FaultSwitches();
    const stats = new StatsRecorder();
    this.clock = clock;
    this.limits = limits;
    this.faults = faults;
    this.stats = stats;
    this.#context = {
      clock,
      limits,
      directory: new Directory(dataCenters),
      codes: new GrantCodeBook(clock, limits),
      ledger: new TokenLedger(clock, limits),
      records: new RecordBook(),
      stats,
      faults,
      modes: { rotateRefreshTokens: false },
      accountsUrl: (dc) => this.accountsUrl(dc),
      apiDomain: (dc) => this.apiDomain(dc),
    };
    const handler = (dc: DataCenterCode, request: Parameters<typeof route>[2]) => route(this.#context, dc, request);
    const beforeReply = () => this.#sleeper.sleep(faults.delayMs);
    this.#listeners = new Map(dataCenters.map((dc) => [dc, new DataCenterListener(dc, handler, beforeReply)]));
  }

  /** The accounts server of a data center (default 'us'), e.g. 'http://127.0.0.1:40123'. */
  accountsUrl(dataCenter: DataCenterCode = 'us'): string {
    return this.#listener(dataCenter).origin;
  }

  /** The API domain of a data center: served by the same listener as its accounts server. */
  apiDomain(dataCenter: DataCenterCode = 'us'): string {
    return this.#listener(dataCenter).origin;
  }

  /** A custom Environment for a data center of the emulator. */
  environment(dataCenter: DataCenterCode = 'us'): Environment {
    return customEnvironment({ accountsUrl: this.accountsUrl(dataCenter), apiDomain: this.apiDomain(dataCenter) });
  }

  /** The data centers this emulator serves, in the order given. */
  get dataCenters(): DataCenterCode[] {
    return [...this.#listeners.keys()];
  }

  registerClient(init: Partial<EmulatorClient> & { selfClient?: boolean } = {}): EmulatorClient {
    return this.#context.directory.registerClient(init);
  }

  addUser(init: Partial<EmulatorUser> = {}): EmulatorUser {
    return this.#context.directory.addUser(init);
  }

  /** Test shortcut for the browser consent (or the console's self-client tab): a fresh single-use grant code. */
  issueGrantCode(options: IssueGrantCodeOptions): string {
    if (typeof options !== 'object' || options === null) throw argumentError('issueGrantCode takes { client, user, ... }.');
    const { directory } = this.#context;
    const client = directory.knownClient(options.client);
    const user = directory.knownUser(options.user);
    const scope = options.scope ?? DEFAULT_SCOPE;
    if (!Array.isArray(scope) || scope.length === 0 || !scope.every((s) => typeof s === 'string' && /^\S+$/.test(s))) {
      throw argumentError('issueGrantCode: scope must be a non-empty list of scope names.');
    }
    if (options.ttlMs !== undefined && (!Number.isSafeInteger(options.ttlMs) || options.ttlMs < 1)) {
      throw argumentError('issueGrantCode: ttlMs must be a whole number of milliseconds ≥ 1.');
    }
    if (options.accessType !== undefined && options.accessType !== 'offline' && options.accessType !== 'online') {
      throw argumentError("issueGrantCode: accessType must be 'offline' or 'online'.");
    }
    if (
      options.pkce !== undefined &&
      (!isPkceMethod(options.pkce?.method) || typeof options.pkce.challenge !== 'string' || options.pkce.challenge === '')
    ) {
      throw argumentError("issueGrantCode: pkce must be { method: 'S256' | 'plain', challenge }.");
    }
    return grantConsent(this.#context, {
      client,
      user,
      scope,
      accessType: options.accessType ?? 'offline',
      forceConsent: options.forceConsent ?? true,
      selfClient: options.selfClient ?? client.selfClient,
      ttlMs: options.ttlMs,
      pkce: options.pkce ?? null,
    });
  }

  /**
   * Seeds CRM records owned by a user into a module (e.g. 'Contacts'): `GET /crm/v8/Contacts` with that user's token
   * then answers them as Zoho's Records API does (each gets an `id` unless it has one, and an `Owner`).
   */
  addRecords(user: EmulatorUser, module: string, records: readonly Readonly<Record<string, unknown>>[]): CrmRecord[] {
    const owner = this.#context.directory.knownUser(user);
    if (typeof module !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(module) || module.toLowerCase() === 'users') {
      throw argumentError('addRecords: module must be a module API name such as Contacts (letters, digits, _).');
    }
    if (!Array.isArray(records) || !records.every((record) => typeof record === 'object' && record !== null && !Array.isArray(record))) {
      throw argumentError('addRecords: records must be a list of objects (field API name → value).');
    }
    return this.#context.records.add(owner, module, records);
  }

  /**
   * Rotating mode, as many standard OAuth 2.0 servers (not Zoho) behave: each refresh answers a new refresh token
   * and retires the one sent; presenting a retired one again is `invalid_grant` (HTTP 400) and revokes every refresh
   * token of that grant (`stats.reusedRefreshTokens()` counts it). Clients must name it: `refreshTokenRotation:
   * 'possible'` on their environment. Off by default.
   */
  rotateRefreshTokens(on: boolean): void {
    if (typeof on !== 'boolean') throw argumentError('rotateRefreshTokens takes true or false.');
    this.#context.modes.rotateRefreshTokens = on;
  }

  /** Whether a refresh token is live now (not revoked, not retired by rotation, not deleted by a cap). */
  refreshTokenIsLive(refreshToken: string): boolean {
    return typeof refreshToken === 'string' && this.#context.ledger.refreshToken(refreshToken) !== null;
  }

  /** Admin-side revoke (the user removed the app): the refresh token and all its access tokens stop working. */
  revokeRefreshToken(refreshToken: string): void {
    if (typeof refreshToken !== 'string' || !this.#context.ledger.revoke(refreshToken)) {
      throw argumentError('revokeRefreshToken: no live refresh token has that value.');
    }
  }

  /**
   * Server-side end of one access token (the user changed their password, an admin ended the session): API calls
   * with it get 401 INVALID_TOKEN from now on; its refresh token, and every other access token, keep working.
   */
  invalidateAccessToken(accessToken: string): void {
    if (typeof accessToken !== 'string' || !this.#context.ledger.invalidateAccessToken(accessToken)) {
      throw argumentError('invalidateAccessToken: no live access token has that value.');
    }
  }

  /** Closes every listener and open socket and cuts injected delays short. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#sleeper.close();
      await Promise.all([...this.#listeners.values()].map((listener) => listener.close()));
    })();
    return this.#closed;
  }

  #listener(dataCenter: DataCenterCode): DataCenterListener {
    const listener = this.#listeners.get(dataCenter);
    if (!listener)
      throw argumentError(`This emulator does not serve data center ${String(dataCenter)}; list it in the dataCenters option.`);
    return listener;
  }
}
