import { AccountsEmulator, type EmulatorClient, type EmulatorUser } from 'zoho-token-store/testing';
import type { BackendTokenStore } from 'zoho-token-store';
import { CALLBACK_PATH, logKeyOf } from './config.js';
import { startPortal, type RunningPortal } from './server.js';
import { openPortalStore } from './store.js';

export interface Demo {
  readonly emulator: AccountsEmulator;
  /** The portal's client at the emulator (as registered in Zoho's API console). */
  readonly client: EmulatorClient;
  /** Two students, in the US and the EU data centers, each with their own CRM contacts. */
  readonly students: readonly [EmulatorUser, EmulatorUser];
  readonly portal: RunningPortal;
  readonly store: BackendTokenStore;
  /** Closes the portal, the store and the emulator. Safe to call twice. */
  close(): Promise<void>;
}

export interface DemoOptions {
  readonly host?: string;
  readonly port?: number;
  /** See PortalListen.publicUrl. */
  readonly publicUrl?: string;
  readonly storeLocation?: string;
  readonly logKey?: Buffer;
  readonly log?: (line: string) => void;
}

/** The portal against the local Zoho emulator, with two demo students: what `npm run portal` starts. */
export async function startDemo({
  host,
  port = 3000,
  publicUrl,
  storeLocation,
  logKey = logKeyOf(undefined),
  log = (line) => console.log(line),
}: DemoOptions = {}): Promise<Demo> {
  const emulator = await AccountsEmulator.start({ dataCenters: ['us', 'eu'] });
  const closers: Array<() => Promise<void>> = [() => emulator.close()];
  let closed: Promise<void> | null = null;
  const close = () => {
    closed ??= (async () => {
      for (const closer of closers.reverse()) await closer();
    })();
    return closed;
  };
  try {
    const ada = emulator.addUser({ email: 'ada@zylker.example', fullName: 'Ada Lovelace', dataCenter: 'us' });
    const grace = emulator.addUser({ email: 'grace@zylker.example', fullName: 'Grace Hopper', dataCenter: 'eu' });
    emulator.addRecords(ada, 'Contacts', [
      { Full_Name: 'Charles Babbage', Email: 'charles@zylker.example' },
      { Full_Name: 'Mary Somerville', Email: 'mary@zylker.example' },
    ]);
    emulator.addRecords(grace, 'Contacts', [
      { Full_Name: 'Howard Aiken', Email: 'howard@zylker.example' },
      { Full_Name: 'Jean Sammet', Email: 'jean@zylker.example' },
    ]);
    const store = await openPortalStore(storeLocation);
    closers.push(() => store.close());
    let client: EmulatorClient | undefined;
    const portal = await startPortal({
      ...(host === undefined ? {} : { host }),
      port,
      ...(publicUrl === undefined ? {} : { publicUrl }),
      config: (origin) => {
        client = emulator.registerClient({ redirectUri: `${origin}${CALLBACK_PATH}` });
        return {
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          redirectUri: client.redirectUri,
          signInUrl: emulator.accountsUrl('us'),
          environment: emulator.environment('us'),
          environments: emulator.dataCenters.map((dc) => emulator.environment(dc)),
          store,
          scope: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'],
          module: 'Contacts',
          fields: ['Full_Name', 'Email'],
          clock: emulator.clock,
          grantCodeLimit: { perWindow: emulator.limits.grantCodesPerClientWindow, windowMs: emulator.limits.grantCodeWindowMs },
          logKey,
          log,
        };
      },
    });
    closers.push(() => portal.close());
    return { emulator, client: client as EmulatorClient, students: [ada, grace], portal, store, close };
  } catch (error) {
    await close();
    throw error;
  }
}
