import type { DataCenterCode } from '../../src/accounts/data-centers.js';
import { createPkcePair } from 'zoho-token-store';
import { AccountsEmulator, type EmulatorClient, type EmulatorOptions, type EmulatorUser } from 'zoho-token-store/testing';

export type Encoding = 'query' | 'urlencoded' | 'multipart';
export type Json = Record<string, unknown>;

/** Starts an emulator for one test; `t.after` closes it. Two data centers unless a test asks for more. */
export async function startEmulator(t: { after(fn: () => unknown): void }, options: EmulatorOptions = {}): Promise<AccountsEmulator> {
  const emulator = await AccountsEmulator.start({ dataCenters: ['us', 'eu'], ...options });
  t.after(() => emulator.close());
  return emulator;
}

/** POSTs parameters to a path of the accounts server, in one of the three encodings Zoho accepts. */
export async function post(
  baseUrl: string,
  path: string,
  params: Record<string, string>,
  encoding: Encoding = 'urlencoded',
): Promise<Response> {
  const url = new URL(path, baseUrl);
  if (encoding === 'query') {
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return fetch(url, { method: 'POST' });
  }
  if (encoding === 'urlencoded') return fetch(url, { method: 'POST', body: new URLSearchParams(params) });
  const form = new FormData();
  for (const [name, value] of Object.entries(params)) form.append(name, value);
  return fetch(url, { method: 'POST', body: form });
}

/** POSTs to the token endpoint and returns status and JSON body. */
export async function token(
  baseUrl: string,
  params: Record<string, string>,
  encoding: Encoding = 'urlencoded',
): Promise<{ status: number; body: Json }> {
  const response = await post(baseUrl, '/oauth/v2/token', params, encoding);
  return { status: response.status, body: (await response.json()) as Json };
}

export interface Grant {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly body: Json;
}

/** A client, a user and the tokens of one code exchange, all at data center `dc`. */
export async function grantFor(
  emulator: AccountsEmulator,
  dc: DataCenterCode = 'us',
): Promise<{ client: EmulatorClient; user: EmulatorUser } & Grant> {
  const client = emulator.registerClient({ dataCenter: dc });
  const user = emulator.addUser({ dataCenter: dc });
  return { client, user, ...(await exchange(emulator, client, user)) };
}

/** Exchanges a fresh grant code of that client and user at the user's data center. */
export async function exchange(emulator: AccountsEmulator, client: EmulatorClient, user: EmulatorUser): Promise<Grant> {
  const code = emulator.issueGrantCode({ client, user });
  const { body } = await token(emulator.accountsUrl(user.dataCenter), {
    grant_type: 'authorization_code',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    code,
    redirect_uri: client.redirectUri,
  });
  if (typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string')
    throw new Error(`exchange failed: ${String(body.error)}`);
  return { accessToken: body.access_token, refreshToken: body.refresh_token, body };
}

export function refreshParams(client: EmulatorClient, refreshToken: string): Record<string, string> {
  return { grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refreshToken };
}

/** GETs a CRM path at an API domain with `Authorization: Zoho-oauthtoken <token>` (or the header given). */
export async function crm(apiDomain: string, path: string, authorization: string | null): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = authorization === null ? {} : { authorization };
  const response = await fetch(new URL(path, apiDomain), { headers });
  return { status: response.status, body: (await response.json()) as Json };
}

export const bearer = (accessToken: string): string => `Zoho-oauthtoken ${accessToken}`;

export const TOKEN_SHAPE = /^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/;

export function pkcePair(): { verifier: string; s256: string } {
  const { verifier, challenge } = createPkcePair();
  return { verifier, s256: challenge };
}
