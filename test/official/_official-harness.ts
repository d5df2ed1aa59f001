// Drives the real @zohocrm/typescript-sdk-8.0 against the accounts emulator: its Initializer, its OAuthBuilder and
// its UsersOperations, with the SDK's own log going to a file that is checked, with every error, for secrets.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import {
  Environment,
  InitializeBuilder,
  Levels,
  LogBuilder,
  OAuthBuilder,
  ParameterMap,
  UserSignature,
  Users,
  type OAuthToken as OfficialOAuthToken,
} from '@zohocrm/typescript-sdk-8.0';
import { levelLogger, TokenManager, type TokenManagerOptions, type TokenStore } from 'zoho-token-store';
import { AccountsEmulator, type EmulatorClient, type EmulatorOptions, type EmulatorUser } from 'zoho-token-store/testing';
import { LeakCheck } from '../hygiene/_leak-check.js';

export type OfficialStore = Parameters<InitializeBuilder['store']>[0];

export interface UsersAnswer {
  readonly status: number;
  readonly emails: string[];
}

export class OfficialHarness {
  readonly emulator: AccountsEmulator;
  readonly leaks = new LeakCheck();
  readonly folder = mkdtempSync(join(tmpdir(), 'zts-official-'));
  readonly logFile = join(this.folder, 'sdk.log');

  private constructor(emulator: AccountsEmulator) {
    this.emulator = emulator;
  }

  static async start(options: EmulatorOptions = {}): Promise<OfficialHarness> {
    return new OfficialHarness(await AccountsEmulator.start({ dataCenters: ['us'], ...options }));
  }

  /** The emulator as an official SDK environment: its CRM API, its token endpoint (the official "accounts URL"). */
  get environment(): Environment {
    return new Environment(
      this.emulator.apiDomain('us'),
      `${this.emulator.accountsUrl('us')}/oauth/v2/token`,
      this.emulator.apiDomain('us'),
    );
  }

  client(): EmulatorClient {
    const client = this.emulator.registerClient();
    this.leaks.secret(client.clientSecret);
    return client;
  }

  user(): EmulatorUser {
    return this.emulator.addUser({ email: `official.${Math.random().toString(36).slice(2, 10)}@example.com` });
  }

  grantCode(client: EmulatorClient, user: EmulatorUser): string {
    const code = this.emulator.issueGrantCode({ client, user, scope: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ', 'ZohoCRM.org.READ'] });
    this.leaks.secret(code);
    return code;
  }

  /** The official token an app configures for a grant code: client id, secret, code and redirect URL. */
  grantToken(client: EmulatorClient, code: string): OfficialOAuthToken {
    return new OAuthBuilder()
      .clientId(client.clientId)
      .clientSecret(client.clientSecret)
      .grantToken(code)
      .redirectURL(client.redirectUri)
      .build() as OfficialOAuthToken;
  }

  userToken(name: string): OfficialOAuthToken {
    return new OAuthBuilder().userSignature(new UserSignature(name)).build() as OfficialOAuthToken;
  }

  idToken(id: string): OfficialOAuthToken {
    return new OAuthBuilder().id(id).build() as OfficialOAuthToken;
  }

  /** A TokenManager on the emulator (its clock too), its log lines and events captured for the leak check. */
  manager(store: TokenStore, client: EmulatorClient, overrides: TokenManagerOptions = {}): TokenManager {
    const manager = new TokenManager({
      store,
      environment: this.emulator.environment('us'),
      client: { clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: client.redirectUri },
      clock: this.emulator.clock,
      logger: levelLogger('debug', (entry) => this.leaks.text(`log ${entry.level}`, `${entry.message} ${JSON.stringify(entry.fields)}`)),
      retry: { baseDelayMs: 5, maxDelayMs: 40, timeoutMs: 2_000 },
      ...overrides,
    });
    for (const name of ['refreshed', 'refreshFailed', 'revoked', 'saved'] as const)
      manager.on(name, (payload) => this.leaks.object(`event ${name}`, payload));
    return manager;
  }

  /** The official `Initializer` with this store and token (the SDK fetches or refreshes the token right away). */
  async initialize(store: OfficialStore, token: OfficialOAuthToken): Promise<void> {
    const logger = new LogBuilder().level(Levels.SILLY).filePath(this.logFile).build();
    try {
      await new InitializeBuilder().environment(this.environment).token(token).store(store).logger(logger).initialize();
    } catch (error) {
      this.leaks.error('Initializer.initialize', error);
      throw error;
    }
  }

  /** A real official API call: `UsersOperations.getUsers` with type=CurrentUser. */
  async currentUser(): Promise<UsersAnswer> {
    const params = new ParameterMap();
    await params.add(Users.GetUsersParam.TYPE, 'CurrentUser');
    try {
      const response = await new Users.UsersOperations().getUsers(params);
      const answer = response.getObject();
      const emails = answer instanceof Users.ResponseWrapper ? answer.getUsers().map((user) => String(user.getEmail())) : [];
      return { status: response.getStatusCode(), emails };
    } catch (error) {
      this.leaks.error('UsersOperations.getUsers', error);
      throw error;
    }
  }

  /** Records every value the store holds as a secret to look for. */
  async rememberSecrets(store: TokenStore): Promise<void> {
    for (const token of await store.getTokens())
      this.leaks.secret(token.accessToken, token.refreshToken, token.grantToken, token.clientSecret);
  }

  /** Checks the SDK's log file and every captured error for any secret seen. */
  assertNoSecretLeaked(): void {
    let log = '';
    try {
      log = readFileSync(this.logFile, 'utf8');
    } catch {
      // no log written
    }
    assert.ok(log.length > 0, 'the official SDK wrote its log');
    this.leaks.text('official SDK log', ...log.split('\n'));
    this.leaks.assertClean();
  }

  async close(): Promise<void> {
    await this.emulator.close();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/**
 * One harness per test file, with a scratch folder that exists from the start (store cases name their paths when
 * tests are declared): started before the file's tests; after them, checked for leaked secrets and closed.
 */
export function officialHarnessForFile(label: string): { readonly folder: string; readonly harness: () => OfficialHarness } {
  const folder = mkdtempSync(join(tmpdir(), `zts-${label}-`));
  let harness: OfficialHarness | null = null;
  before(async () => {
    harness = await OfficialHarness.start();
  });
  after(async () => {
    rmSync(folder, { recursive: true, force: true });
    harness?.assertNoSecretLeaked();
    await harness?.close();
  });
  return {
    folder,
    harness: () => {
      if (harness === null) throw new Error('the official harness starts before the tests');
      return harness;
    },
  };
}
