// What a documentation snippet finds around it (CONTRIBUTING.md, "Code in the docs"): Zoho (the accounts emulator
// behind the public URLs), an app's registered client and signed-in users, the official token file and a SQLite
// database holding their tokens, and — when the snippet reads the variable — a fresh PostgreSQL or MySQL database,
// a Redis server of its own, and a standard OAuth 2.0 server at https://auth.example.com.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { OAuthToken, zohoEnvironment } from 'zoho-token-store';
import { FileStore } from 'zoho-token-store/file';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { AccountsEmulator, type EmulatorClient, type EmulatorUser } from 'zoho-token-store/testing';
import type { OidcServer } from '../oauth-servers/_oidc-server.js';
import { freePort } from '../_free-port.js';
import { SERVICES } from '../_services.js';

/** The users the docs name; each has a valid token in the fixture files and CRM leads at the emulator. */
export const SIGNED_IN_USERS = ['ada@example.com', 'ada@zylker.example'];
const FIXTURE_FILES = ['sdk_tokens.txt', 'zohooauth.db'];
const STANDARD_SERVER = { issuer: 'https://auth.example.com', api: 'https://api.example.com' };

export interface SnippetRun {
  readonly env: NodeJS.ProcessEnv;
  /** Drops what was made for this snippet (databases, Redis keys). */
  cleanup(): Promise<void>;
}

export interface SnippetWorld {
  /** Copies the fixture files into the snippet's folder and makes what its code asks for. */
  prepare(code: string, folder: string): Promise<SnippetRun>;
  close(): Promise<void>;
}

const uses = (code: string, variable: string): boolean => code.includes(`process.env.${variable}`);
const uniqueName = (): string => `docs_${randomBytes(5).toString('hex')}`;

async function exchange(zoho: AccountsEmulator, client: EmulatorClient, user: EmulatorUser): Promise<OAuthToken> {
  const code = zoho.issueGrantCode({ client, user, selfClient: true });
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    code,
  });
  const response = await fetch(`${zoho.accountsUrl('us')}/oauth/v2/token`, { method: 'POST', body });
  const grant = (await response.json()) as { access_token: string; refresh_token: string; expires_in: number };
  return new OAuthToken({
    userSignature: user.email,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    refreshToken: grant.refresh_token,
    accessToken: grant.access_token,
    expiresAt: Date.now() + grant.expires_in * 1_000,
    redirectUrl: client.redirectUri,
    apiDomain: zohoEnvironment('us').apiDomain,
  });
}

/** The official token file and a SQLite database, both holding the signed-in users' tokens. */
async function writeFixtures(folder: string, tokens: readonly OAuthToken[]): Promise<void> {
  const file = await FileStore.open({ path: join(folder, 'sdk_tokens.txt') });
  const sqlite = await SQLiteStore.open({ path: join(folder, 'zohooauth.db') });
  for (const token of tokens) {
    await file.saveToken(token.clone());
    await sqlite.saveToken(token.clone());
  }
  await file.close();
  await sqlite.close();
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(true));
      socket.once('error', () => resolve(false));
      socket.once('connect', () => socket.destroy());
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A Redis server of the snippets' own, so the key prefixes the docs show never meet another test's keys. */
async function startRedis(): Promise<{ url: string; flush(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  await waitForPort(port, 30_000);
  const { Redis } = await import('ioredis');
  const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  return {
    url: `redis://127.0.0.1:${port}`,
    flush: async () => void (await admin.flushall()),
    stop: async () => {
      admin.disconnect();
      server.kill();
      await exited;
    },
  };
}

export async function startSnippetWorld(): Promise<SnippetWorld> {
  const zoho = await AccountsEmulator.start();
  const client = zoho.registerClient({ redirectUri: 'http://localhost:3000/oauth/callback' });
  const users = SIGNED_IN_USERS.map((email) => zoho.addUser({ email, dataCenter: 'us' }));
  for (const user of users) zoho.addRecords(user, 'Leads', [{ Last_Name: 'Lovelace', Email: user.email }]);
  const tokens = await Promise.all(users.map((user) => exchange(zoho, client, user)));
  const template = await mkdtemp(join(tmpdir(), 'zoho-token-store-snippet-fixtures-'));
  await writeFixtures(template, tokens);
  const tokenKey = randomBytes(32).toString('base64');

  let redis: Awaited<ReturnType<typeof startRedis>> | null = null;
  let oidc: OidcServer | null = null;
  const requests: Array<[string, string]> = [];
  const answers: Array<[string, string]> = [];
  for (const dc of zoho.dataCenters) {
    const environment = zohoEnvironment(dc);
    requests.push([environment.accountsUrl, zoho.accountsUrl(dc)], [environment.apiDomain, zoho.apiDomain(dc)]);
    answers.push([zoho.apiDomain(dc), environment.apiDomain]);
  }

  const pgAdmin = async (sql: string) => {
    const admin = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: 'test' });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  const mysqlAdmin = async (sql: string) => {
    const admin = await mysql.createConnection({ host: SERVICES.mariadb.host, port: SERVICES.mariadb.port, user: 'root' });
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };

  return {
    async prepare(code, folder) {
      for (const file of FIXTURE_FILES) await copyFile(join(template, file), join(folder, file));
      const env: NodeJS.ProcessEnv = {
        ZOHO_CLIENT_ID: client.clientId,
        ZOHO_CLIENT_SECRET: client.clientSecret,
        ZOHO_REDIRECT_URI: client.redirectUri,
        TOKEN_KEY: tokenKey,
      };
      // What the API console's Self Client hands out for the first signed-in user (Zoho allows a client 10 codes in
      // 10 minutes: only for the blocks that exchange one).
      if (uses(code, 'ZOHO_GRANT_CODE')) env.ZOHO_GRANT_CODE = zoho.issueGrantCode({ client, user: users[0]!, selfClient: true });
      const drops: Array<() => Promise<void>> = [];
      if (uses(code, 'DATABASE_URL') || uses(code, 'TOKEN_STORE')) {
        const database = uniqueName();
        await pgAdmin(`CREATE DATABASE ${database}`);
        drops.push(() => pgAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
        env.DATABASE_URL = `postgres://postgres@${SERVICES.postgres.host}:${SERVICES.postgres.port}/${database}`;
        env.TOKEN_STORE = `${env.DATABASE_URL}?schema=zoho`;
      }
      if (uses(code, 'MYSQL_URL')) {
        const database = uniqueName();
        await mysqlAdmin(`CREATE DATABASE ${database}`);
        drops.push(() => mysqlAdmin(`DROP DATABASE IF EXISTS ${database}`));
        env.MYSQL_URL = `mysql://root@${SERVICES.mariadb.host}:${SERVICES.mariadb.port}/${database}`;
      }
      if (uses(code, 'REDIS_URL')) {
        redis ??= await startRedis();
        env.REDIS_URL = redis.url;
        const server = redis;
        drops.push(() => server.flush());
      }
      if (code.includes(STANDARD_SERVER.issuer)) {
        // Loaded only when a block needs it: oidc-provider is a large module.
        oidc ??= await (await import('../oauth-servers/_oidc-server.js')).startOidcServer({ issuer: STANDARD_SERVER.issuer });
        env.OAUTH_CLIENT_ID = oidc.clientId;
        env.OAUTH_CLIENT_SECRET = oidc.clientSecret;
      }
      const network = {
        requests: [
          ...requests,
          ...(oidc
            ? [
                [STANDARD_SERVER.issuer, oidc.url],
                [STANDARD_SERVER.api, oidc.apiUrl],
              ]
            : []),
        ],
        answers,
      };
      env.SNIPPET_NETWORK = JSON.stringify(network);
      return {
        env,
        cleanup: async () => {
          for (const drop of drops) await drop();
        },
      };
    },
    async close() {
      await Promise.all([zoho.close(), redis?.stop(), oidc?.close(), rm(template, { recursive: true, force: true })]);
    },
  };
}
