import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The compiled binary, run as a user would: `node dist/src/cli/main.js …` (the package's `bin`). */
export const BIN = resolve('dist/src/cli/main.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed. */
  readonly input?: string;
}

/** The environment without any ZOHO_TOKENS_* of the developer's shell, plus `extra`. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ZOHO_TOKENS_') && name !== 'BROWSER'));
  return { ...env, ...extra };
}

function run(command: string, args: readonly string[], options: RunOptions): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Runs `zoho-tokens <args>` with pipes (no terminal). */
export function zoho(args: readonly string[], options: RunOptions): Promise<CliResult> {
  return run(process.execPath, [BIN, ...args], options);
}

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `zoho-tokens <args>` on a pseudo-terminal (util-linux `script`), as in an interactive shell: stdin and
 * stderr are TTYs. Both output streams arrive mixed on stdout, with \r\n line ends.
 */
export function zohoOnTerminal(args: readonly string[], options: RunOptions): Promise<CliResult> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  return run('script', ['-q', '-e', '-c', command, '/dev/null'], options);
}

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'zoho-tokens-cli-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A short random suffix for database, table and key-prefix names. */
export const unique = (): string => randomBytes(4).toString('hex');

/** Fails if any secret value appears in the command's output. */
export function assertNoSecrets(result: CliResult, secrets: ReadonlyArray<string | null | undefined>): void {
  for (const secret of secrets) {
    if (!secret) continue;
    assert.ok(
      !result.stdout.includes(secret) && !result.stderr.includes(secret),
      `a secret value leaked into the output:\n${result.stdout}\n${result.stderr}`,
    );
  }
}

export function hex32(): string {
  return randomBytes(16).toString('hex');
}

/** A Zoho-shaped token value: 1000.<32 hex>.<32 hex>. */
export const zohoValue = (): string => `1000.${hex32()}.${hex32()}`;

export interface OfficialRowInit {
  id: string;
  user?: string;
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  accessToken?: string;
  grantToken?: string;
  expiryTime?: string;
  redirectUrl?: string;
  apiDomain?: string;
}

export const OFFICIAL_HEADER_10 =
  'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain';
export const OFFICIAL_HEADER_9 = 'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url';

/** A token file exactly as the official SDKs write it: values joined with commas, no quoting. */
export function officialFile(rows: readonly OfficialRowInit[], columns: 9 | 10 = 10): string {
  const lines = rows.map((row) => {
    const values = [
      row.id,
      row.user,
      row.clientId,
      row.clientSecret,
      row.refreshToken,
      row.accessToken,
      row.grantToken,
      row.expiryTime,
      row.redirectUrl,
    ];
    if (columns === 10) values.push(row.apiDomain);
    return values.map((value) => value ?? '').join(',');
  });
  return `${[columns === 10 ? OFFICIAL_HEADER_10 : OFFICIAL_HEADER_9, ...lines].join('\n')}\n`;
}

/** A complete official row for token number `n`. */
export function officialRow(n: number, expiresAt = Date.now() + 3_600_000): OfficialRowInit {
  return {
    id: String(n),
    user: `user${n}@example.com`,
    clientId: `1000.CLIENT${n % 7}`,
    clientSecret: hex32(),
    refreshToken: zohoValue(),
    accessToken: zohoValue(),
    grantToken: n % 3 === 0 ? zohoValue() : '',
    expiryTime: String(expiresAt + n),
    redirectUrl: `https://app.example.com/callback?n=${n}`,
    apiDomain: n % 2 === 0 ? 'https://www.zohoapis.com' : 'https://www.zohoapis.eu',
  };
}
