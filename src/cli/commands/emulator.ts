import { chmod, writeFile } from 'node:fs/promises';
import { DATA_CENTER_CODES, isDataCenterCode, type DataCenterCode } from '../../accounts/data-centers.js';
import { maskSecret } from '../../token/mask.js';
import { usageError } from '../cli-error.js';
import type { CommandContext } from '../command-context.js';
import { DEFAULT_PORT } from './login.js';

export interface EmulatorCommandOptions {
  /** Data centers to serve, comma-separated (default all nine, `us` first). */
  readonly dataCenters?: string;
  /** The first data center's port, the next ones following (default: ephemeral ports). */
  readonly port?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** The client's registered redirect URI (default http://127.0.0.1:8000/callback, what `login` uses). */
  readonly redirectUri?: string;
  /** The user the authorize endpoint consents as (default ada@example.com). */
  readonly user?: string;
  /** Writes {accountsUrl, clientId, clientSecret, redirectUri} to this JSON file (mode 600), for --config. */
  readonly writeConfig?: string;
  /** Print the client secret in clear. */
  readonly reveal?: boolean;
  /** Print what runs as one JSON document on one line, once ready (a script reads one line). */
  readonly json?: boolean;
}

/**
 * `zoho-tokens emulator`: runs the Zoho accounts emulator on 127.0.0.1 (one port per data center) with one
 * registered client and one user, until `stop` settles (SIGINT or SIGTERM in the binary).
 */
export async function emulator(options: EmulatorCommandOptions, context: CommandContext, stop: Promise<unknown>): Promise<void> {
  const dataCenters = (options.dataCenters ?? DATA_CENTER_CODES.join(','))
    .split(',')
    .map((code) => code.trim().toLowerCase())
    .filter(Boolean);
  const unknown = dataCenters.find((code) => !isDataCenterCode(code));
  if (unknown !== undefined) throw usageError(`Unknown data center "${unknown}".`, `use ${DATA_CENTER_CODES.join(', ')}`);
  const port = options.port === undefined ? 0 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port + dataCenters.length - 1 > 65_535) {
    throw usageError(`--port must be a port number with room for ${dataCenters.length} consecutive ports.`, 'e.g. --port 8400');
  }
  const { AccountsEmulator } = await import('../../testing/emulator/accounts-emulator.js');
  const running = await AccountsEmulator.start({ dataCenters: dataCenters as DataCenterCode[], port });
  try {
    const first = dataCenters[0] as DataCenterCode;
    const client = running.registerClient({
      ...(options.clientId ? { clientId: options.clientId } : {}),
      ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
      redirectUri: options.redirectUri ?? `http://127.0.0.1:${DEFAULT_PORT}/callback`,
      dataCenter: first,
    });
    const user = running.addUser({ email: options.user ?? 'ada@example.com', dataCenter: first });
    const accountsUrl = running.accountsUrl(first);
    if (options.writeConfig) {
      const config = { accountsUrl, clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: client.redirectUri };
      await writeFile(options.writeConfig, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
      // `mode` applies only when the file is created: an existing file (say 0644) is narrowed too, as it now holds a secret.
      await chmod(options.writeConfig, 0o600);
    }
    const { terminal } = context;
    if (options.json) {
      terminal.out(
        JSON.stringify({
          accountsUrl,
          dataCenters: (dataCenters as DataCenterCode[]).map((dc) => ({
            dataCenter: dc,
            accountsUrl: running.accountsUrl(dc),
            apiDomain: running.apiDomain(dc),
          })),
          clientId: client.clientId,
          clientSecret: options.reveal ? client.clientSecret : maskSecret(client.clientSecret),
          redirectUri: client.redirectUri,
          user: { email: user.email, dataCenter: user.dataCenter },
          config: options.writeConfig ?? null,
        }),
      );
      await stop;
      return;
    }
    terminal.out(`Zoho accounts emulator running (127.0.0.1 only; Ctrl-C to stop)`);
    for (const dc of dataCenters as DataCenterCode[])
      terminal.out(`  ${dc.padEnd(3)} accounts ${running.accountsUrl(dc)}  api domain ${running.apiDomain(dc)}`);
    terminal.out(`  client id      ${client.clientId}`);
    terminal.out(
      `  client secret  ${options.reveal ? client.clientSecret : maskSecret(client.clientSecret)}${options.reveal ? '' : '  (--reveal prints it)'}`,
    );
    terminal.out(`  redirect uri   ${client.redirectUri}`);
    terminal.out(`  user           ${user.email} (data center ${user.dataCenter})`);
    if (options.writeConfig)
      terminal.out(`  config written to ${options.writeConfig}: zoho-tokens --config ${options.writeConfig} login --store …`);
    terminal.out(`ready ${accountsUrl}`);
    await stop;
  } finally {
    await running.close();
  }
  context.terminal.note('emulator stopped');
}
