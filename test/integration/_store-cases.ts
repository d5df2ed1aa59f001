// The stores several processes can share, each with a fresh location per test and its clean-up: the cases of the
// multi-process tests.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ServiceName } from '../_services.js';
import type { StoreSpec } from './_stores.js';

export interface StoreCase {
  readonly kind: StoreSpec['kind'];
  readonly service?: ServiceName;
  /** A new place for one test (DynamoDB's starts this process's dynalite first). */
  spec(): StoreSpec | Promise<StoreSpec>;
  cleanUp(spec: StoreSpec): Promise<void>;
}

const suffix = () => randomBytes(5).toString('hex');

/** File and SQLite in `folder`, then MySQL, PostgreSQL, Redis and DynamoDB (on dynalite) with names carrying `label`. */
export function sharedStoreCases(folder: string, label: string): StoreCase[] {
  return [
    { kind: 'file', spec: () => ({ kind: 'file', path: join(folder, `tokens-${suffix()}.txt`) }), cleanUp: async () => {} },
    { kind: 'sqlite', spec: () => ({ kind: 'sqlite', path: join(folder, `tokens-${suffix()}.db`) }), cleanUp: async () => {} },
    {
      kind: 'mysql',
      service: 'mariadb',
      spec: () => ({ kind: 'mysql', database: `zts_${label}_${suffix()}` }),
      async cleanUp(spec) {
        const { admin } = await import('../stores/_mysql-databases.js');
        await admin(`DROP DATABASE IF EXISTS \`${(spec as { database: string }).database}\``);
      },
    },
    {
      kind: 'postgres',
      service: 'postgres',
      spec: () => ({ kind: 'postgres', schema: `zts_${label}_${suffix()}` }),
      async cleanUp(spec) {
        const { adminPool, dropSchema } = await import('../stores/_postgres.js');
        const pool = adminPool();
        await dropSchema(pool, (spec as { schema: string }).schema);
        await pool.end();
      },
    },
    {
      kind: 'redis',
      service: 'redis',
      spec: () => ({ kind: 'redis', keyPrefix: `zts-test:${label}:${suffix()}:` }),
      async cleanUp(spec) {
        const { adminClient, dropPrefix } = await import('../stores/_redis-support.js');
        const client = adminClient();
        await dropPrefix(client, (spec as { keyPrefix: string }).keyPrefix);
        await client.quit();
      },
    },
    {
      kind: 'dynamodb',
      async spec() {
        const { sharedDynalite } = await import('../stores/_dynalite.js');
        return { kind: 'dynamodb', endpoint: (await sharedDynalite()).endpoint, table: `zts-${label}-${suffix()}` };
      },
      // The table lives in this test process's in-memory dynalite, which ends with it.
      cleanUp: async () => {},
    },
  ];
}
