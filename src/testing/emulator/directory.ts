import type { DataCenterCode } from '../../accounts/data-centers.js';
import { isDataCenterCode } from '../../accounts/data-centers.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError } from '../../errors/token-store-error.js';
import { newClientId, newClientSecret, newNumericId } from './identifiers.js';

/** A client registered in the emulator's developer console. */
export interface EmulatorClient {
  clientId: string;
  clientSecret: string;
  /** The registered redirect URI ('' for a self client, which has none). */
  redirectUri: string;
  /** The data center whose console registered the client (where `client_credentials` works). */
  dataCenter: DataCenterCode;
}

/** A Zoho user of one org in one data center. */
export interface EmulatorUser {
  id: string;
  email: string;
  fullName: string;
  orgId: string;
  dataCenter: DataCenterCode;
}

export interface ClientRecord {
  readonly client: Readonly<EmulatorClient>;
  readonly selfClient: boolean;
}

const DEFAULT_REDIRECT_URI = 'http://127.0.0.1:8000/oauth/callback';

function argumentError(message: string): TokenArgumentError {
  return new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, message);
}

function nonEmptyString(what: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw argumentError(`${what} must be a non-empty string.`);
  return value;
}

/** The emulator's clients and users, with the checks a test mistake should fail on early. */
export class Directory {
  readonly #clients = new Map<string, ClientRecord>();
  readonly #users = new Map<string, Readonly<EmulatorUser>>();
  readonly #servedDataCenters: readonly DataCenterCode[];
  #userCount = 0;

  constructor(servedDataCenters: readonly DataCenterCode[]) {
    this.#servedDataCenters = servedDataCenters;
  }

  registerClient(init: Partial<EmulatorClient> & { selfClient?: boolean } = {}): Readonly<EmulatorClient> {
    const selfClient = init.selfClient === true;
    const client: EmulatorClient = {
      clientId: init.clientId === undefined ? newClientId() : nonEmptyString('registerClient: clientId', init.clientId),
      clientSecret: init.clientSecret === undefined ? newClientSecret() : nonEmptyString('registerClient: clientSecret', init.clientSecret),
      redirectUri: selfClient
        ? (init.redirectUri ?? '')
        : init.redirectUri === undefined
          ? DEFAULT_REDIRECT_URI
          : this.#redirectUri(init.redirectUri),
      dataCenter: this.#dataCenter('registerClient', init.dataCenter),
    };
    if (this.#clients.has(client.clientId)) throw argumentError(`registerClient: client ${client.clientId} is already registered.`);
    const frozen = Object.freeze(client);
    this.#clients.set(client.clientId, { client: frozen, selfClient });
    return frozen;
  }

  addUser(init: Partial<EmulatorUser> = {}): Readonly<EmulatorUser> {
    this.#userCount += 1;
    const n = this.#userCount;
    const user: EmulatorUser = {
      id: init.id === undefined ? newNumericId(19) : nonEmptyString('addUser: id', init.id),
      email: init.email === undefined ? `user${n}.${newNumericId(6)}@example.com` : nonEmptyString('addUser: email', init.email),
      fullName: init.fullName === undefined ? `User ${n}` : nonEmptyString('addUser: fullName', init.fullName),
      orgId: init.orgId === undefined ? newNumericId(9) : nonEmptyString('addUser: orgId', init.orgId),
      dataCenter: this.#dataCenter('addUser', init.dataCenter),
    };
    if (this.#users.has(user.id)) throw argumentError(`addUser: user id ${user.id} is already taken.`);
    if (this.userByEmail(user.email))
      throw argumentError('addUser: a user with that email already exists; emails identify users at login.');
    const frozen = Object.freeze(user);
    this.#users.set(user.id, frozen);
    return frozen;
  }

  client(clientId: string): ClientRecord | null {
    return this.#clients.get(clientId) ?? null;
  }

  /** The record of a client a test passes back in; throws for one this emulator did not register. */
  knownClient(client: EmulatorClient): ClientRecord {
    const record = typeof client?.clientId === 'string' ? this.#clients.get(client.clientId) : undefined;
    if (!record) throw argumentError('The client was not registered with this emulator; use emulator.registerClient().');
    return record;
  }

  knownUser(user: EmulatorUser): Readonly<EmulatorUser> {
    const record = typeof user?.id === 'string' ? this.#users.get(user.id) : undefined;
    if (!record) throw argumentError('The user was not added to this emulator; use emulator.addUser().');
    return record;
  }

  user(id: string): Readonly<EmulatorUser> | null {
    return this.#users.get(id) ?? null;
  }

  userByEmail(email: string): Readonly<EmulatorUser> | null {
    const wanted = email.toLowerCase();
    for (const user of this.#users.values()) if (user.email.toLowerCase() === wanted) return user;
    return null;
  }

  /** Every user, in the order they were added. */
  allUsers(): Readonly<EmulatorUser>[] {
    return [...this.#users.values()];
  }

  firstUser(): Readonly<EmulatorUser> | null {
    return this.#users.values().next().value ?? null;
  }

  /** Users of one org in one data center, in the order they were added. */
  orgUsers(orgId: string, dataCenter: DataCenterCode): Readonly<EmulatorUser>[] {
    return [...this.#users.values()].filter((user) => user.orgId === orgId && user.dataCenter === dataCenter);
  }

  #dataCenter(method: string, value: unknown): DataCenterCode {
    const code = value === undefined ? (this.#servedDataCenters.includes('us') ? 'us' : this.#servedDataCenters[0]) : value;
    if (!isDataCenterCode(code) || !this.#servedDataCenters.includes(code)) {
      throw argumentError(`${method}: dataCenter must be one the emulator serves (${this.#servedDataCenters.join(', ')}).`);
    }
    return code;
  }

  #redirectUri(value: unknown): string {
    const text = nonEmptyString('registerClient: redirectUri', value);
    try {
      new URL(text);
    } catch {
      throw argumentError('registerClient: redirectUri must be an absolute URL.');
    }
    return text;
  }
}
