import { ErrorCode } from '../../errors/codes.js';
import { isTokenStoreError } from '../../errors/token-store-error.js';
import { supportsRefreshLock, type RefreshLease } from '../../contract/refresh-lock.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import { cliEnvironment } from '../accounts/cli-environment.js';
import { forceRefresh } from '../accounts/force-refresh.js';
import { CliError } from '../cli-error.js';
import type { CommandContext } from '../command-context.js';
import { reportOf } from '../error-report.js';
import { ExitCode } from '../exit-codes.js';
import { required } from '../settings.js';
import { openStore } from '../stores/cli-open-store.js';
import type { CliTokenStore, StoreFinding } from '../stores/opened-store.js';
import { parseStoreLocation } from '../../stores/location/store-location.js';
import { selectToken } from '../tokens/select-token.js';
import { printJson } from '../json-output.js';
import { visible } from '../visible-text.js';

export interface DoctorOptions {
  /** The token whose refresh is tried (id or user); default the first token with a refresh token. */
  readonly token?: string;
  /** Try a refresh against the accounts server (default true; it uses one of Zoho's 10 per 10 minutes). */
  readonly refresh?: boolean;
  /** Print `{ ok, checks: [{ check, status, message, hint }] }` instead of one line per check. */
  readonly json?: boolean;
}

/** A clock further off than this makes tokens look valid after they expired, or expired while valid. */
const MAX_CLOCK_SKEW_MS = 30_000;

type Finding = StoreFinding;

const fromError = (check: string, error: unknown): Finding => {
  const report = reportOf(error);
  return { ok: false, check, message: report.message, ...(report.hint ? { hint: report.hint } : {}) };
};

/**
 * `zoho-tokens doctor`: checks the store (reachable, schema readable, engine findings such as file permissions,
 * the refresh lock), the clock against the accounts server's, and that a stored token can be refreshed. Prints one
 * line per check in plain words; fails (exit 1) when any check failed, warnings aside.
 */
export async function doctor(options: DoctorOptions, context: CommandContext): Promise<Finding[]> {
  const { terminal, settings } = context;
  const findings: Finding[] = [];
  const report = (finding: Finding) => {
    findings.push(finding);
    if (options.json) return;
    const mark = finding.ok ? 'ok  ' : finding.severity === 'warn' ? 'warn' : 'FAIL';
    terminal.out(`${mark}  ${finding.check.padEnd(18)}${visible(finding.message)}`);
    if (!finding.ok && finding.hint) terminal.out(`      ${''.padEnd(18)}hint: ${visible(finding.hint)}`);
  };
  const finish = () => finished(findings, options.json === true, terminal);

  const location = parseStoreLocation(required(settings, 'store', 'doctor'));
  let opened: Awaited<ReturnType<typeof openStore>>;
  try {
    opened = await openStore(location); // a file that does not exist is a FAIL, and is not created
  } catch (error) {
    report(fromError('store', error));
    return finish();
  }
  try {
    const { store } = opened;
    let tokens: OAuthToken[];
    try {
      tokens = await store.getTokens();
      report({
        ok: true,
        check: 'store',
        message: `${location.display} answered and its tokens are readable (${tokens.length} token${tokens.length === 1 ? '' : 's'})`,
      });
    } catch (error) {
      report(fromError('store', error));
      return finish();
    }
    for (const finding of (await opened.inspect?.()) ?? []) report(finding);
    report(await checkRefreshLock(store));
    await checkClock(context, report);
    if (options.refresh !== false) await checkRefresh(store, tokens, options, context, report);
  } finally {
    await opened.close();
  }
  return finish();
}

/** Prints the JSON report (with --json), then fails when any check failed (warnings aside). */
function finished(findings: Finding[], json: boolean, terminal: CommandContext['terminal']): Finding[] {
  const failed = findings.filter((finding) => !finding.ok && finding.severity !== 'warn').length;
  if (json) {
    const checks = findings.map((finding) => ({
      check: finding.check,
      status: finding.ok ? 'ok' : finding.severity === 'warn' ? 'warn' : 'fail',
      message: finding.message,
      hint: finding.hint ?? null,
    }));
    printJson(terminal, { ok: failed === 0, checks });
  }
  if (failed > 0) {
    throw new CliError(ExitCode.FAILED, `doctor found ${failed} problem${failed === 1 ? '' : 's'}.`, 'see the FAIL lines above', {
      inResult: true,
    });
  }
  return findings;
}

async function checkRefreshLock(store: CliTokenStore): Promise<Finding> {
  const check = 'refresh lock';
  if (!supportsRefreshLock(store)) {
    return {
      ok: false,
      severity: 'warn',
      check,
      message: 'this store has no refresh lock: processes sharing it may refresh the same token at once',
    };
  }
  const key = `doctor-${process.pid}`;
  try {
    const first = await store.acquireRefreshLock(key, { waitMs: 2_000, leaseMs: 10_000 });
    if (!first)
      return {
        ok: false,
        check,
        message: 'the refresh lock could not be taken within 2 s',
        hint: 'another process may hold it; check for stuck workers',
      };
    let second: RefreshLease | null;
    try {
      second = await store.acquireRefreshLock(key, { waitMs: 200, leaseMs: 10_000 });
    } finally {
      await first.release();
    }
    if (second) {
      await second.release();
      return {
        ok: false,
        check,
        message: 'the refresh lock let a second holder in while the first held it',
        hint: "the store's lock is broken: report it",
      };
    }
    const again = await store.acquireRefreshLock(key, { waitMs: 2_000, leaseMs: 10_000 });
    if (!again) return { ok: false, check, message: 'the refresh lock was not free again after its release' };
    await again.release();
    return {
      ok: true,
      check,
      message: `works (taken, exclusive, released; covers every ${store.refreshLockScope === 'cluster' ? 'host that reaches the store' : store.refreshLockScope === 'host' ? 'process on this host' : 'caller in one process'})`,
    };
  } catch (error) {
    return fromError(check, error);
  }
}

async function checkClock(context: CommandContext, report: (finding: Finding) => void): Promise<void> {
  const check = 'clock';
  const { environment } = cliEnvironment(context.settings);
  try {
    const sentAt = Date.now();
    const response = await fetch(environment.accountsUrl, { method: 'HEAD', signal: AbortSignal.timeout(5_000), redirect: 'manual' });
    const receivedAt = Date.now();
    const header = response.headers.get('date');
    const serverTime = header ? Date.parse(header) : NaN;
    if (Number.isNaN(serverTime)) {
      report({
        ok: false,
        severity: 'warn',
        check,
        message: `${environment.accountsUrl} sent no usable Date header; the clock was not checked`,
      });
      return;
    }
    // The Date header has whole seconds: allow for that and for the round trip.
    const skew = serverTime - (sentAt + receivedAt) / 2;
    const tolerance = MAX_CLOCK_SKEW_MS + 1_000 + (receivedAt - sentAt);
    report(
      Math.abs(skew) <= tolerance
        ? { ok: true, check, message: `within ${Math.max(1, Math.round(Math.abs(skew) / 1_000))} s of ${environment.accountsUrl}` }
        : {
            ok: false,
            check,
            message: `this machine's clock is ${Math.round(Math.abs(skew) / 1_000)} s ${skew > 0 ? 'behind' : 'ahead of'} ${environment.accountsUrl}: tokens will be refreshed too late or too early`,
            hint: 'synchronise the clock (NTP: timedatectl set-ntp true)',
          },
    );
  } catch {
    report({
      ok: false,
      severity: 'warn',
      check,
      message: `${environment.accountsUrl} could not be reached; the clock was not checked`,
      hint: 'check the network, --dc or --accounts-url',
    });
  }
}

async function checkRefresh(
  store: CliTokenStore,
  tokens: OAuthToken[],
  options: DoctorOptions,
  context: CommandContext,
  report: (finding: Finding) => void,
): Promise<void> {
  const check = 'token refresh';
  let token: OAuthToken | undefined;
  if (options.token !== undefined) {
    try {
      token = await selectToken(store, options.token, 'the store');
    } catch (error) {
      report(fromError(check, error));
      return;
    }
  } else {
    token = tokens.find((candidate) => candidate.refreshToken !== null);
    if (!token) {
      report({ ok: true, check, message: 'no stored token has a refresh token; nothing to try', hint: 'run zoho-tokens login' });
      return;
    }
  }
  const who = `token ${token.id}${token.userName ? ` (${token.userName})` : ''}`;
  try {
    await forceRefresh(store, token, context.settings);
    report({ ok: true, check, message: `${who} was refreshed and saved` });
  } catch (error) {
    const code = isTokenStoreError(error) ? error.code : null;
    const plain: Partial<Record<string, Finding>> = {
      [ErrorCode.REAUTHORIZATION_REQUIRED]: {
        ok: false,
        check,
        message: `Zoho refused the refresh token of ${who}: the user removed the app or the token was revoked`,
        hint: 'run zoho-tokens login for this user',
      },
      [ErrorCode.INVALID_CLIENT]: {
        ok: false,
        check,
        message: `Zoho does not know the client id of ${who} in this data center`,
        hint: 'check the client id and --dc / --accounts-url',
      },
      [ErrorCode.INVALID_CLIENT_SECRET]: {
        ok: false,
        check,
        message: `Zoho refused the client secret stored with ${who}`,
        hint: 'store the right client secret (zoho-tokens login again)',
      },
      [ErrorCode.ACCOUNTS_UNAVAILABLE]: {
        ok: false,
        check,
        message: `the accounts server for ${who} could not be reached`,
        hint: 'check the network, --dc or --accounts-url',
      },
      [ErrorCode.THROTTLED]: {
        ok: false,
        check,
        message: `Zoho throttled ${who} (more than 10 refreshes in 10 minutes)`,
        hint: 'wait 10 minutes; find what refreshes so often',
      },
    };
    report((code && plain[code]) || fromError(check, error));
  }
}
