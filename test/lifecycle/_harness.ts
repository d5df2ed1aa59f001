// Shared fixture of the lifecycle tests: one accounts emulator per test file, managers wired to it, and a capture
// of every log line (debug level), event and error, checked at the end of each file for token and secret values.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import {
  MemoryStore,
  levelLogger,
  OAuthToken,
  TokenManager,
  type LogEntry,
  type TokenManagerOptions,
  type TokenStore,
} from 'zoho-token-store';
import { AccountsEmulator, type EmulatorClient, type EmulatorOptions, type EmulatorUser } from 'zoho-token-store/testing';
import { LeakCheck } from '../hygiene/_leak-check.js';

const SECRET_FIELDS = ['access_token', 'refresh_token'] as const;

export class LifecycleHarness {
  readonly emulator: AccountsEmulator;
  readonly logs: LogEntry[] = [];
  readonly events: Array<{ name: string; payload: unknown }> = [];
  readonly errors: unknown[] = [];
  /** Every token value and client secret seen on the wire or handed out, to look for in the captures. */
  readonly secrets = new Set<string>();
  readonly logger = levelLogger('debug', (entry) => this.logs.push(entry));
  readonly #managers: TokenManager[] = [];

  private constructor(emulator: AccountsEmulator) {
    this.emulator = emulator;
  }

  static async start(options: EmulatorOptions = {}): Promise<LifecycleHarness> {
    return new LifecycleHarness(await AccountsEmulator.start(options));
  }

  /** A fetch that records every token in accounts answers and every access token sent to the API. */
  readonly fetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const sent = /^Zoho-oauthtoken (\S+)$/.exec(headers.get('authorization') ?? '')?.[1];
    if (sent) this.secrets.add(sent);
    const body = init?.body;
    if (body instanceof URLSearchParams) {
      for (const name of ['client_secret', 'code', 'refresh_token', 'token']) {
        const value = body.get(name);
        if (value) this.secrets.add(value);
      }
    }
    const response = await fetch(input, init);
    const text = await response
      .clone()
      .text()
      .catch(() => '');
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      for (const field of SECRET_FIELDS) if (typeof json[field] === 'string') this.secrets.add(json[field]);
    } catch {
      // not JSON: nothing to record
    }
    return response;
  };

  /**
   * The harness's fetch, which runs `run` once, right after the accounts server answered the next successful request
   * of `grantType` (before the manager saves what it got): where a test breaks the store.
   */
  fetchThen(run: () => Promise<void>, grantType = 'refresh_token'): typeof fetch {
    let armed = true;
    return async (input, init) => {
      const response = await this.fetch(input, init);
      const body = init?.body;
      if (armed && body instanceof URLSearchParams && body.get('grant_type') === grantType && response.ok) {
        armed = false;
        await run();
      }
      return response;
    };
  }

  client(init: Partial<EmulatorClient> = {}): EmulatorClient {
    const client = this.emulator.registerClient(init);
    this.secrets.add(client.clientSecret);
    return client;
  }

  user(init: Partial<EmulatorUser> = {}): EmulatorUser {
    return this.emulator.addUser(init);
  }

  grantCode(client: EmulatorClient, user: EmulatorUser): string {
    const code = this.emulator.issueGrantCode({ client, user });
    this.secrets.add(code);
    return code;
  }

  /** Options wiring a manager to the emulator: its clock, its data centers, the capture, short retry delays. */
  options(overrides: TokenManagerOptions = {}): TokenManagerOptions {
    return {
      environment: this.emulator.environment('us'),
      environments: this.emulator.dataCenters.map((dc) => this.emulator.environment(dc)),
      clock: this.emulator.clock,
      logger: this.logger,
      fetch: this.fetch,
      // Short backoffs; a generous timeout per try, since how long a request takes on a loaded machine is not what
      // these tests check (tests about timeouts set their own).
      retry: { baseDelayMs: 5, maxDelayMs: 40, timeoutMs: 10_000 },
      // Not the default (SQLite in the working directory): each test gets its own memory store unless it passes one.
      store: new MemoryStore(),
      ...overrides,
    };
  }

  manager(overrides: TokenManagerOptions = {}): TokenManager {
    const manager = new TokenManager(this.options(overrides));
    for (const name of ['refreshed', 'refreshFailed', 'revoked', 'saved'] as const) {
      manager.on(name, (payload) => this.events.push({ name, payload }));
    }
    this.#managers.push(manager);
    return manager;
  }

  /** Authorizes a user of the client through the manager (grant code → exchange → save). */
  async authorize(manager: TokenManager, client: EmulatorClient, user: EmulatorUser): Promise<OAuthToken> {
    const token = await manager.exchangeGrant({
      code: this.grantCode(client, user),
      accountsServer: this.emulator.accountsUrl(user.dataCenter),
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUri: client.redirectUri,
    });
    this.remember(token);
    return token;
  }

  /** Records a token's secret values (for the leak check). */
  remember(token: OAuthToken | null): void {
    for (const value of [token?.accessToken, token?.refreshToken, token?.grantToken, token?.clientSecret])
      if (value) this.secrets.add(value);
  }

  async rememberStore(store: TokenStore): Promise<void> {
    for (const token of await store.getTokens()) this.remember(token);
  }

  /** Awaits a rejection, checks its code, and keeps the error for the leak check. */
  async rejects(promise: Promise<unknown>, code: string): Promise<Error & { code: string; retryAfterMs?: number | null }> {
    try {
      await promise;
    } catch (error) {
      this.errors.push(error);
      assert.equal((error as { code?: string }).code, code, `expected ${code}, got ${inspect(error)}`);
      return error as Error & { code: string };
    }
    assert.fail(`expected a rejection with ${code}`);
  }

  /** Asserts that no captured log line, event or error contains a token or secret value. */
  assertNoSecretLeaked(): void {
    const leaks = new LeakCheck();
    leaks.secret(...this.secrets);
    for (const entry of this.logs) leaks.text(`log ${entry.level}`, `${entry.message} ${JSON.stringify(entry.fields)}`);
    for (const { name, payload } of this.events) leaks.object(`event ${name}`, payload);
    for (const error of this.errors) leaks.error('error', error);
    leaks.assertClean();
  }

  async close(): Promise<void> {
    for (const manager of this.#managers) {
      await this.rememberStore(manager.store).catch(() => undefined);
      await manager.close();
    }
    await this.emulator.close();
  }
}

/** A token with the client's credentials, as an app configures one. */
export function clientToken(client: EmulatorClient, fields: ConstructorParameters<typeof OAuthToken>[0] = {}): OAuthToken {
  return new OAuthToken({ clientId: client.clientId, clientSecret: client.clientSecret, redirectUrl: client.redirectUri, ...fields });
}
