// dynalite (an open-source DynamoDB on LevelDB, in memory here) started by the tests themselves on a free local
// port, and stopped after them; tables named per test.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import dynalite from 'dynalite';

// dynalite checks no signature, but the SDK signs every request: these stand in for real keys. Set here so no
// test's AWS SDK ever asks a metadata service for credentials, and so the SDK's Node-version notice stays quiet.
export const DYNALITE_CREDENTIALS = Object.freeze({ accessKeyId: 'dynalite', secretAccessKey: 'dynalite' });
export const DYNALITE_REGION = 'us-east-1';
export const DYNALITE_ENV: Readonly<Record<string, string>> = Object.freeze({
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: DYNALITE_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DYNALITE_CREDENTIALS.secretAccessKey,
  AWS_REGION: DYNALITE_REGION,
});
Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });

export interface RunningDynalite {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A fresh in-memory dynalite on a free port of 127.0.0.1; tables become ACTIVE at once. */
export async function startDynalite(): Promise<RunningDynalite> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let shared: Promise<RunningDynalite> | null = null;

/** One dynalite for this test process, started on first use; `stopSharedDynalite` (in an `after`) stops it. */
export function sharedDynalite(): Promise<RunningDynalite> {
  shared ??= startDynalite();
  return shared;
}

export async function stopSharedDynalite(): Promise<void> {
  const running = shared;
  shared = null;
  if (running) await (await running).stop();
}

/** A table name no other test uses. */
export const uniqueTable = (label = 't'): string => `zts-${label}-${randomBytes(5).toString('hex')}`;

/** DynamoDBStore options for a table on a dynalite. */
export const dynaliteOptions = (endpoint: string, table: string) => ({
  endpoint,
  table,
  region: DYNALITE_REGION,
  credentials: DYNALITE_CREDENTIALS,
});
