import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { OAuthToken } from 'zoho-token-store';
import { recordToOfficialRow } from 'zoho-token-store/kernel';
import { RedisStore } from 'zoho-token-store/redis';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';
import { measure, printComparisons, printFigures, type ComparisonRow, type Measurement } from './harness.js';
import { reachable } from './reachable.js';

const HOST = '127.0.0.1';
const PORT = 6379;
const SIZE = 1_000;

const medianOf = (runs: readonly Measurement[]): Measurement => {
  const sorted = [...runs].sort((a, b) => a.medianNs - b.medianNs);
  const middle = sorted[Math.floor(sorted.length / 2)] as Measurement;
  return { ...middle, operations: runs.reduce((sum, run) => sum + run.operations, 0) };
};

const fieldsOf = (token: OAuthToken): Record<string, string> =>
  Object.fromEntries(Object.entries(recordToOfficialRow(token.toRecord(String(token.id)))).filter(([, value]) => value !== null)) as Record<
    string,
    string
  >;

/**
 * RedisStore's findToken and saveToken (1,000 tokens) beside what the same ioredis version does in one command on
 * the same server in the same run: HGETALL / GET of one key for a lookup, HSET / SET of one key for a save.
 */
export async function benchRedisStore(): Promise<void> {
  if (!(await reachable(PORT, HOST))) {
    printFigures('RedisStore vs raw ioredis', [['skipped', `no Redis on ${HOST}:${PORT}`]]);
    return;
  }
  const keyPrefix = `zts-bench:${randomBytes(6).toString('hex')}:`;
  // One ioredis client for both sides, configured as the store configures its own (a per-command timeout, so no
  // command waits forever): the ratio is then the store's own work, not a difference in client settings.
  const raw = new Redis({ host: HOST, port: PORT, commandTimeout: 5_000, maxRetriesPerRequest: 1 });
  const store = new RedisStore({ client: raw, keyPrefix });
  try {
    const tokens = Array.from({ length: SIZE }, () => completeToken());
    for (let i = 0; i < SIZE; i += 50) await Promise.all(tokens.slice(i, i + 50).map((token) => store.saveToken(token)));
    // The raw side gets the same data: one hash and one string per token.
    const rawHash = (i: number) => `${keyPrefix}raw:hash:${i}`;
    const rawString = (i: number) => `${keyPrefix}raw:string:${i}`;
    for (const [i, token] of tokens.entries()) {
      await raw.hset(rawHash(i), fieldsOf(token));
      await raw.set(rawString(i), String(token.accessToken));
    }
    const byUser = tokens.map((token) => new OAuthToken({ userSignature: token.userName }));
    const byAccess = tokens.map((token) => new OAuthToken({ accessToken: token.accessToken }));
    const updates = tokens.map((token) => new OAuthToken({ userSignature: token.userName, accessToken: token.accessToken }));
    const pick = <T>(list: readonly T[], i: number): T => list[i % SIZE] as T;
    // A refresh: a new access token each time a user comes round again (two per user, alternating, made up front).
    const refreshes = [0, 1].map(() =>
      tokens.map((token) => new OAuthToken({ userSignature: token.userName, accessToken: zohoLikeToken() })),
    );

    // This machine's load drifts: each pair is measured in alternation (anchor, subject, ×5), and each side's
    // figure is the median of its five medians.
    type Op = (i: number) => unknown;
    const rows: ComparisonRow[] = [];
    const compare = async (what: string, anchorLabel: string, anchorOp: Op, subjectLabel: string, subjectOp: Op, maxRatio?: number) => {
      const anchors: Measurement[] = [];
      const subjects: Measurement[] = [];
      for (let round = 0; round < 5; round += 1) {
        anchors.push(await measure(anchorLabel, anchorOp, { batches: 7 }));
        subjects.push(await measure(subjectLabel, subjectOp, { batches: 7 }));
      }
      const goal = maxRatio === undefined ? undefined : { maxRatio };
      rows.push({ what, subject: medianOf(subjects), anchor: medianOf(anchors), goal });
    };
    const hgetall: Op = (i) => raw.hgetall(rawHash(i % SIZE));
    const get: Op = (i) => raw.get(rawString(i % SIZE));
    const hset: Op = (i) => raw.hset(rawHash(i % SIZE), fieldsOf(pick(tokens, i)));
    const set: Op = (i) => raw.set(rawString(i % SIZE), String(pick(tokens, i).accessToken));
    const findUser: Op = (i) => store.findToken(pick(byUser, i));
    const save: Op = (i) => store.saveToken(pick(updates, i));
    await compare('find by user name', 'HGETALL', hgetall, 'findToken', findUser, 1.3);
    await compare('find by user name', 'GET', get, 'findToken', findUser);
    await compare('find by access token', 'HGETALL', hgetall, 'findToken', (i) => store.findToken(pick(byAccess, i)), 1.3);
    await compare('find by id', 'HGETALL', hgetall, 'findTokenById', (i) => store.findTokenById(String(pick(tokens, i).id)), 1.3);
    // The same values again: the store only checks the token's version (nothing to write), where HSET rewrites.
    await compare('save (update by user name, nothing changed)', 'HSET', hset, 'saveToken', save, 1.3);
    await compare('save (update by user name, nothing changed)', 'SET', set, 'saveToken', save);
    const refreshed: Op = (i) => store.saveToken(pick(refreshes[Math.floor(i / SIZE) % 2] as OAuthToken[], i));
    await compare('save (new access token)', 'HSET', hset, 'saveToken', refreshed, 1.3);
    // A raw upsert that keeps an index too: the new access token in the hash, its index entry moved (one MULTI).
    const rawAccess = tokens.map((token) => String(token.accessToken));
    const indexed: Op = (i) => {
      const at = i % SIZE;
      const next = (pick(refreshes[Math.floor(i / SIZE) % 2] as OAuthToken[], i).accessToken ?? '') as string;
      const before = rawAccess[at] as string;
      rawAccess[at] = next;
      return raw
        .multi()
        .hset(rawHash(at), 'access_token', next)
        .zrem(`${keyPrefix}raw:access:${before}`, String(at))
        .zadd(`${keyPrefix}raw:access:${next}`, at, String(at))
        .exec();
    };
    await compare('save (new access token)', 'MULTI HSET+ZREM+ZADD', indexed, 'saveToken', refreshed);
    await compare('drift check (same op twice)', 'HGETALL', hgetall, 'HGETALL', hgetall);
    printComparisons(`RedisStore (${SIZE} tokens) vs raw ioredis on the same server (median per call)`, rows);
  } finally {
    await store.deleteTokens().catch(() => undefined);
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await raw.del(...keys);
    } while (cursor !== '0');
    await store.close();
    await raw.quit();
  }
}
