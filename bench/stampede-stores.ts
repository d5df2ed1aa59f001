// The shared stores of the stampede bench, from a plain description a parent hands its child processes. The bench
// uses the six shared stores it can start or reach here; they open exactly as the multi-process tests open them (one opener for both).
import { openStore, type StoreSpec } from '../test/integration/_stores.js';

export type StampedeStore = Extract<StoreSpec, { kind: 'file' | 'sqlite' | 'mysql' | 'postgres' | 'redis' | 'dynamodb' }>;

export const openStampedeStore = (spec: StampedeStore): ReturnType<typeof openStore> => openStore(spec);
