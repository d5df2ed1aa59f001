#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { CommandContext } from './command-context.js';
import { CliError } from './cli-error.js';
import { reportOf, type ErrorReport } from './error-report.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { locationForms } from '../stores/location/store-location.js';
import { errorDocument, printJson } from './json-output.js';
import { packageVersion } from './package-version.js';
import { resolveSettings, type SettingName } from './settings.js';
import { useStoreEncryption } from './stores/cli-encryption.js';
import { processTerminal, type Terminal } from './terminal.js';
import { visible } from './visible-text.js';

/** Options every command accepts (on the program or after the command name). */
interface GlobalFlags {
  readonly config?: string;
  readonly debug?: boolean;
}

type Flags = GlobalFlags & Partial<Record<SettingName, string>> & Record<string, unknown>;

const storeOption = () => new Option('-s, --store <location>', `the token store (${locationForms()})`);
const jsonOption = (what = 'print the result as one JSON document on stdout (secrets masked)') => new Option('--json', what);
const accountsOptions = (command: Command) =>
  command
    .addOption(new Option('--dc <code>', 'the Zoho data center: us, eu, in, au, jp, ca, sa, cn, uk'))
    .addOption(new Option('--accounts-url <url>', 'the accounts server (overrides --dc; e.g. the emulator)'));

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new InvalidArgumentError('a port is a whole number from 1 to 65535.');
  return port;
}

function parsePositive(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a positive number.');
  return number;
}

/**
 * Parses the command line, runs one command, and decides the exit code: the only place that does. Commands are
 * imported when they run, so `list` never loads the login server or a database driver it does not need.
 */
export async function main(argv: readonly string[], terminal: Terminal = processTerminal()): Promise<ExitCodeValue> {
  let debug = argv.includes('--debug');
  // Known before parsing, so that a parse error is reported as JSON too.
  const json = argv.includes('--json');
  let exitCode: ExitCodeValue = ExitCode.OK;

  const program = new Command('zoho-tokens')
    .description('Inspect, move and maintain stored Zoho CRM OAuth tokens.')
    .version(packageVersion(), '-V, --version', 'print the version of zoho-token-store')
    .option('-c, --config <file>', 'a JSON config file (or ZOHO_TOKENS_CONFIG)')
    .option('--debug', 'show stack traces of errors')
    .showHelpAfterError('(run zoho-tokens --help for usage)')
    .configureOutput({
      writeOut: (text) => terminal.out(text.trimEnd()),
      writeErr: (text) => terminal.note(text.trimEnd()),
      // With --json a parse error is one JSON document on stdout, written below.
      outputError: (text, write) => (json ? undefined : write(text)),
    })
    .exitOverride();

  /** Wraps a command's action: settings from flags, env and config file; errors kept for the one exit decision. */
  const action =
    (run: (context: CommandContext, flags: Flags, args: string[]) => Promise<unknown>) =>
    async (...received: unknown[]) => {
      const command = received[received.length - 1] as Command;
      const flags = command.optsWithGlobals<Flags>();
      debug ||= flags.debug === true;
      const settings = await resolveSettings(
        {
          config: flags.config,
          store: flags.store,
          accountsUrl: flags.accountsUrl,
          dataCenter: flags.dc as string | undefined,
          clientId: flags.clientId,
          clientSecret: flags.clientSecret,
          redirectUri: flags.redirectUri,
          scope: flags.scope,
        },
        terminal.env,
      );
      useStoreEncryption(terminal.env);
      const args = received.slice(0, -2).filter((value): value is string => typeof value === 'string');
      const result = await run({ terminal, settings, now: Date.now }, flags, args);
      if (typeof result === 'number') exitCode = result as ExitCodeValue;
    };

  program
    .command('list')
    .description('list the stored tokens: id, user, client id, api domain, expiry status')
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(action(async (context, flags) => (await import('./commands/list.js')).list({ json: flags.json === true }, context)));

  program
    .command('show <id-or-user>')
    .description('show one token; secrets are masked unless --reveal')
    .addOption(storeOption())
    .addOption(jsonOption('print the token as one JSON document on stdout (secrets masked unless --reveal)'))
    .option('--reveal', 'print secrets (client secret, refresh, access and grant tokens) in clear')
    .action(
      action(async (context, flags, [idOrUser]) =>
        (await import('./commands/show.js')).show(
          idOrUser as string,
          { json: flags.json === true, reveal: flags.reveal === true },
          context,
        ),
      ),
    );

  program
    .command('delete [id-or-user]')
    .description('delete one token from the store (Zoho is not told: see revoke), or every token with --all')
    .addOption(storeOption())
    .option('--all', 'delete every token (asks first on a terminal)')
    .option('-y, --yes', 'do not ask for confirmation')
    .addOption(jsonOption())
    .action(
      action(async (context, flags, [idOrUser]) =>
        (await import('./commands/delete.js')).deleteTokens(
          idOrUser,
          { all: flags.all === true, yes: flags.yes === true, json: flags.json === true },
          context,
        ),
      ),
    );

  program
    .command('migrate')
    .description('copy every token from one store to another; a rerun changes nothing')
    .requiredOption('--from <location>', 'the store to read')
    .requiredOption('--to <location>', 'the store to write')
    .option('--dry-run', 'count what would change, write nothing')
    .addOption(jsonOption())
    .action(
      action(async (context, flags) =>
        (await import('./commands/migrate.js')).migrate(
          { from: flags.from as string, to: flags.to as string, dryRun: flags.dryRun === true, json: flags.json === true },
          context,
        ),
      ),
    );

  program
    .command('reencrypt')
    .description('move every stored token to the current encryption key (ZOHO_TOKENS_KEYS, ZOHO_TOKENS_KEY_ID); a rerun changes nothing')
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(action(async (context, flags) => (await import('./commands/reencrypt.js')).reencrypt(context, { json: flags.json === true })));

  program
    .command('import <source>')
    .description('import an official SDK token file (9 or 10 columns) or the official MySQL table (mysql://…?table=oauthtoken)')
    .requiredOption('--to <location>', 'the store to write')
    .option('--dry-run', 'count what would change, write nothing')
    .addOption(jsonOption())
    .action(
      action(async (context, flags, [source]) =>
        (await import('./commands/import.js')).importTokens(
          source as string,
          { to: flags.to as string, dryRun: flags.dryRun === true, json: flags.json === true },
          context,
        ),
      ),
    );

  const clientOptions = (command: Command) =>
    command
      .addOption(new Option('--client-id <id>', 'the client id (or ZOHO_TOKENS_CLIENT_ID)'))
      .addOption(new Option('--client-secret <secret>', 'the client secret (better: ZOHO_TOKENS_CLIENT_SECRET or the config file)'));

  clientOptions(
    accountsOptions(
      program
        .command('refresh <id-or-user>')
        .description('get a new access token for a stored token now, and save it')
        .addOption(storeOption())
        .addOption(jsonOption()),
    ),
  ).action(
    action(async (context, flags, [idOrUser]) =>
      (await import('./commands/refresh.js')).refresh(idOrUser as string, context, { json: flags.json === true }),
    ),
  );

  clientOptions(
    accountsOptions(
      program
        .command('revoke <id-or-user>')
        .description('revoke a token at Zoho (its refresh and access tokens stop working), then delete it from the store')
        .addOption(storeOption())
        .addOption(jsonOption()),
    ),
  ).action(
    action(async (context, flags, [idOrUser]) =>
      (await import('./commands/revoke.js')).revoke(idOrUser as string, context, { json: flags.json === true }),
    ),
  );

  clientOptions(
    accountsOptions(
      program
        .command('login')
        .description('authorize the app for a user in the browser (or with a self-client --code) and save the token')
        .addOption(storeOption())
        .option('--code <grant-code>', "exchange a grant code from the API console's self-client tab instead")
        .option('--open', "open the authorization URL in the browser ($BROWSER, else the system's)")
        .option('--port <port>', 'the local port the redirect comes back to (default 8000)', parsePort)
        .option('--redirect-uri <uri>', 'the registered redirect URI (default http://127.0.0.1:PORT/callback)')
        .option('--scope <scopes>', 'comma-separated scopes (default ZohoCRM.modules.ALL,ZohoCRM.users.READ)')
        .option('--user <name>', "store the token under this name instead of the CRM user's email")
        .option('--timeout <seconds>', 'how long to wait for the browser (default 300)', parsePositive)
        .addOption(
          jsonOption('print the saved token as one JSON document on stdout (secrets masked; the authorization URL goes to stderr)'),
        ),
    ),
  ).action(
    action(async (context, flags) =>
      (await import('./commands/login.js')).login(
        {
          ...(typeof flags.code === 'string' ? { code: flags.code } : {}),
          open: flags.open === true,
          ...(typeof flags.port === 'number' ? { port: flags.port } : {}),
          ...(typeof flags.user === 'string' ? { user: flags.user } : {}),
          ...(typeof flags.timeout === 'number' ? { timeoutSeconds: flags.timeout } : {}),
          json: flags.json === true,
        },
        context,
      ),
    ),
  );

  clientOptions(
    accountsOptions(
      program
        .command('doctor')
        .description('check the store, its refresh lock, the clock, and that a stored token can be refreshed')
        .addOption(storeOption())
        .option('--token <id-or-user>', 'the token whose refresh is tried (default: the first with a refresh token)')
        .option('--no-refresh', 'do not try a refresh')
        .addOption(jsonOption('print the checks as one JSON document on stdout')),
    ),
  ).action(
    action(async (context, flags) =>
      (await import('./commands/doctor.js')).doctor(
        { ...(typeof flags.token === 'string' ? { token: flags.token } : {}), refresh: flags.refresh !== false, json: flags.json === true },
        context,
      ),
    ),
  );

  program
    .command('emulator')
    .description('run the Zoho accounts emulator on 127.0.0.1 for local development (Ctrl-C stops it)')
    .option('--dc <codes>', 'data centers to serve, comma-separated (default all nine)')
    .option('--port <port>', "the first data center's port; the next ones follow (default: ephemeral ports)")
    .option('--client-id <id>', 'the client id to register (default: a generated one)')
    .option('--client-secret <secret>', 'the client secret to register (default: a generated one)')
    .option('--redirect-uri <uri>', "the client's redirect URI (default http://127.0.0.1:8000/callback)")
    .option('--user <email>', 'the user who consents (default ada@example.com)')
    .option('--write-config <file>', 'write accountsUrl, clientId, clientSecret, redirectUri to a JSON file for --config')
    .option('--reveal', 'print the client secret')
    .addOption(jsonOption('print what runs as one JSON document on one line, once ready (client secret masked unless --reveal)'))
    .action(
      action(async (context, flags) => {
        const stop = new Promise((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        const { emulator } = await import('./commands/emulator.js');
        const pick = (name: string) => (typeof flags[name] === 'string' ? { [name]: flags[name] as string } : {});
        return emulator(
          {
            ...(typeof flags.dc === 'string' ? { dataCenters: flags.dc } : {}),
            ...pick('port'),
            ...pick('clientId'),
            ...pick('clientSecret'),
            ...pick('redirectUri'),
            ...pick('user'),
            ...pick('writeConfig'),
            reveal: flags.reveal === true,
            json: flags.json === true,
          },
          context,
          stop,
        );
      }),
    );

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; every other parse failure has been printed by commander already (as
      // text; with --json it is printed here).
      if (error.exitCode === 0) return ExitCode.OK;
      if (json) printJson(terminal, errorDocument(parseErrorReport(error)));
      return ExitCode.USAGE;
    }
    const report = reportOf(error);
    if (json) {
      // A result document that already reports the failure (doctor, migrate) is the one document printed.
      if (!(error instanceof CliError && error.inResult)) printJson(terminal, errorDocument(report));
    } else {
      // A message can quote a stored value or an argument: shown on one line, control characters escaped.
      terminal.note(`zoho-tokens: ${visible(report.message)}`);
      if (report.hint) terminal.note(`hint: ${visible(report.hint)}`);
    }
    if (debug) terminal.note(debugDetails(error));
    return report.exitCode;
  }
}

/** A command-line parse error as an error report (`USAGE`, exit 2), for --json. */
function parseErrorReport(error: CommanderError): ErrorReport {
  const message = error.message.replace(/^error: /, '');
  return { exitCode: ExitCode.USAGE, code: 'USAGE', message, plainMessage: message, hint: 'run zoho-tokens --help for usage' };
}

/** With --debug: the stack and the chain of causes (driver errors included). */
function debugDetails(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    lines.push(depth === 0 ? String((current as Error).stack ?? current) : `caused by: ${String((current as Error).stack ?? current)}`);
    current = (current as { cause?: unknown }).cause;
  }
  return lines.join('\n');
}

/** True when this file is the program node runs (directly, or through npm's `zoho-tokens` link), not an import. */
function isEntryPoint(): boolean {
  const invoked = process.argv[1];
  if (!invoked) return false;
  try {
    return realpathSync(invoked) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // A command may wait on timers a library unref()s (a lock wait, a retry backoff): the process must live until
  // the command settles, so hold one referenced timer meanwhile.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    process.exitCode = await main(process.argv.slice(2));
  } finally {
    clearInterval(keepAlive);
  }
}
