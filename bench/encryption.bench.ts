import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, OAuthToken, type EncryptionOptions, type TokenStore } from 'zoho-token-store';
import { RedisStore } from 'zoho-token-store/redis';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { PostgresStore } from 'zoho-token-store/postgres';
import { completeToken } from 'zoho-token-store/testing';
import { measurePair, printComparisons, type ComparisonRow } from './harness.js';
import { reachable } from './reachable.js';

const SIZE = 1_000;
const RING: EncryptionOptions = { keys: { k1: randomBytes(32) }, currentKeyId: 'k1' };
const COLD: EncryptionOptions = { ...RING, cacheSize: 0 };

type Closable = TokenStore & { close(): Promise<void> };
interface Kind {
  readonly name: string;
  /** Opens a store of this kind, encrypted with `encryption` or plain; each call gets its own place. */
  open(encryption?: EncryptionOptions): Promise<Closable>;
  readonly cleanup?: () => Promise<void> | void;
}

async function filled(kind: Kind, tokens: readonly OAuthToken[], encryption?: EncryptionOptions): Promise<Closable> {
  const store = await kind.open(encryption);
  for (let i = 0; i < tokens.length; i += 50) await Promise.all(tokens.slice(i, i + 50).map((token) => store.saveToken(token.clone())));
  return store;
}

/** findToken on a store with encryption beside the same store without it, same data, same run. */
async function compare(kind: Kind, rows: ComparisonRow[], size: number): Promise<void> {
  const tokens = Array.from({ length: size }, () => completeToken());
  const plain = await filled(kind, tokens);
  const encrypted = await filled(kind, tokens, RING);
  const cold = await filled(kind, tokens, COLD);
  try {
    const byUser = tokens.map((token) => new OAuthToken({ userSignature: token.userName }));
    const byAccess = tokens.map((token) => new OAuthToken({ accessToken: token.accessToken }));
    const pick = (queries: OAuthToken[], i: number) => queries[i % size] as OAuthToken;
    const pairs: Array<[string, Closable, OAuthToken[], string]> = [
      ['by user name', encrypted, byUser, 'encrypted'],
      ['by access token', encrypted, byAccess, 'encrypted'],
      ['by access token, cache off', cold, byAccess, 'encrypted, no cache'],
    ];
    for (const [what, subject, queries, label] of pairs) {
      const result = await measurePair(
        [label, (i) => subject.findToken(pick(queries, i))],
        ['plain', (i) => plain.findToken(pick(queries, i))],
        { batches: 15, targetBatchMs: 15 },
      );
      rows.push({ what: `${kind.name} findToken ${what}`, ...result, goal: label === 'encrypted' ? { maxRatio: 2 } : undefined });
    }
  } finally {
    await Promise.all([plain.close(), encrypted.close(), cold.close()]);
    await kind.cleanup?.();
  }
}

/**
 * findToken with encryption on vs off (1,000 tokens), per store, beside the same store without encryption in the
 * same run. "cache off" shows the cryptography itself (cacheSize 0): one AES-GCM encryption for the lookup form
 * and four decryptions per call.
 */
export async function benchEncryption(size = SIZE): Promise<ComparisonRow[]> {
  const rows: ComparisonRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'zts-enc-bench-'));
  let files = 0;
  const kinds: Kind[] = [
    { name: 'MemoryStore', open: async (encryption) => new MemoryStore(encryption ? { encryption } : {}) },
    {
      name: 'SQLiteStore',
      open: (encryption) =>
        SQLiteStore.open({ path: join(dir, `bench-${(files += 1)}.db`), durability: 'normal', ...(encryption ? { encryption } : {}) }),
    },
  ];
  if (await reachable(6379)) {
    const prefixes: string[] = [];
    kinds.push({
      name: 'RedisStore',
      open: async (encryption) => {
        const keyPrefix = `zts-bench-enc:${randomBytes(6).toString('hex')}:`;
        prefixes.push(keyPrefix);
        const store = new RedisStore({ url: 'redis://127.0.0.1:6379', keyPrefix, ...(encryption ? { encryption } : {}) });
        return store;
      },
      cleanup: async () => {
        const { Redis } = await import('ioredis');
        const client = new Redis({ host: '127.0.0.1', port: 6379 });
        for (const prefix of prefixes.splice(0)) {
          const keys = await client.keys(`${prefix}*`);
          if (keys.length > 0) await client.del(...keys);
        }
        client.disconnect();
      },
    });
  }
  if (await reachable(5432)) {
    const schemas: string[] = [];
    kinds.push({
      name: 'PostgresStore',
      open: async (encryption) => {
        const schema = `zts_bench_enc_${randomBytes(5).toString('hex')}`;
        schemas.push(schema);
        return PostgresStore.open({
          connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 4 },
          schema,
          ...(encryption ? { encryption } : {}),
        });
      },
      cleanup: async () => {
        const { default: pg } = await import('pg');
        const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
        await client.connect();
        for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      },
    });
  }
  try {
    for (const kind of kinds) await compare(kind, rows, size);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printComparisons(`findToken with encryption on vs off, ${size.toLocaleString('en')} tokens (median per call)`, rows);
  return rows;
}
