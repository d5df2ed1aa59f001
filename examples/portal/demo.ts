import { randomBytes } from 'node:crypto';
import { AccountsEmulator, type EmulatorUser } from 'zoho-token-store/testing';
import { CALLBACK_PATH } from './config.js';
import { startPortal, type RunningPortal } from './server.js';
import type { BackendTokenStore } from 'zoho-token-store';
import { openPortalStore } from './store.js';

export interface Demo {
  readonly emulator: AccountsEmulator;
  /** Two students, in the US and the EU data centers, each with their own CRM contacts. */
  readonly students: readonly [EmulatorUser, EmulatorUser];
  readonly portal: RunningPortal;
  readonly store: BackendTokenStore;
  /** Closes the portal, the store and the emulator. */
  close(): Promise<void>;
}

export interface DemoOptions {
  readonly port?: number;
  readonly storeLocation?: string;
  readonly log?: (line: string) => void;
}

/** The portal against the local Zoho emulator, with two demo students: what `npm run portal` starts. */
export async function startDemo({ port = 3000, storeLocation, log = (line) => console.log(line) }: DemoOptions = {}): Promise<Demo> {
  const emulator = await AccountsEmulator.start({ dataCenters: ['us', 'eu'] });
  const closers: Array<() => Promise<void>> = [() => emulator.close()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
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
    const portal = await startPortal({
      port,
      config: (origin) => {
        const client = emulator.registerClient({ redirectUri: `${origin}${CALLBACK_PATH}` });
        return {
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          redirectUri: client.redirectUri,
          signInUrl: emulator.accountsUrl('us'),
          environment: emulator.environment('us'),
          environments: emulator.dataCenters.map((dc) => emulator.environment(dc)),
          store,
          sessionKey: randomBytes(32),
          scope: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'],
          module: 'Contacts',
          fields: ['Full_Name', 'Email'],
          clock: emulator.clock,
          log,
        };
      },
    });
    closers.push(() => portal.close());
    return { emulator, students: [ada, grace], portal, store, close };
  } catch (error) {
    await close();
    throw error;
  }
}
