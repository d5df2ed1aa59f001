import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { OAuthToken } from 'zoho-token-store';
import { recordToOfficialRow } from 'zoho-token-store/kernel';
import { RedisStore } from 'zoho-token-store/redis';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';
import { redisTopologiesMissing, startRedisCluster } from '../test/_redis-topologies.js';
import { measure, printComparisons, printFigures, type ComparisonRow, type Measurement } from './harness.js';

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
 * RedisStore on a 3-master Redis Cluster of the bench's own (1,000 tokens) beside the raw ioredis Cluster client doing
 * the same job in one command on the same master in the same run: HGETALL of one hash for a lookup, HSET for a save.
 * The raw keys carry the store's hash tag, so both sides talk to the same master.
 */
export async function benchRedisCluster(): Promise<void> {
  const missing = redisTopologiesMissing();
  if (missing !== null) {
    printFigures('RedisStore on a Redis Cluster vs raw ioredis Cluster', [['skipped', missing]]);
    return;
  }
  const cluster = await startRedisCluster();
  const prefix = `zts-bench:${randomBytes(6).toString('hex')}:`;
  // One Cluster client for both sides, configured as the store configures its own (a per-command timeout).
  const raw = new Cluster([...cluster.nodes], { redisOptions: { commandTimeout: 5_000, maxRetriesPerRequest: 1 } });
  const store = new RedisStore({ client: raw, prefix });
  try {
    const tokens = Array.from({ length: SIZE }, () => completeToken());
    for (let i = 0; i < SIZE; i += 50) await Promise.all(tokens.slice(i, i + 50).map((token) => store.saveToken(token)));
    const rawHash = (i: number) => `{${prefix}}raw:hash:${i}`;
    for (const [i, token] of tokens.entries()) await raw.hset(rawHash(i), fieldsOf(token));
    const byUser = tokens.map((token) => new OAuthToken({ userSignature: token.userName }));
    const byAccess = tokens.map((token) => new OAuthToken({ accessToken: token.accessToken }));
    const updates = tokens.map((token) => new OAuthToken({ userSignature: token.userName, accessToken: token.accessToken }));
    const refreshes = [0, 1].map(() =>
      tokens.map((token) => new OAuthToken({ userSignature: token.userName, accessToken: zohoLikeToken() })),
    );
    const pick = <T>(list: readonly T[], i: number): T => list[i % SIZE] as T;

    type Op = (i: number) => unknown;
    const rows: ComparisonRow[] = [];
    // Measured in alternation (anchor, subject, ×5); each side's figure is the median of its five medians.
    const compare = async (what: string, anchorLabel: string, anchorOp: Op, subjectLabel: string, subjectOp: Op, maxRatio?: number) => {
      const anchors: Measurement[] = [];
      const subjects: Measurement[] = [];
      for (let round = 0; round < 5; round += 1) {
        anchors.push(await measure(anchorLabel, anchorOp, { batches: 7 }));
        subjects.push(await measure(subjectLabel, subjectOp, { batches: 7 }));
      }
      rows.push({ what, subject: medianOf(subjects), anchor: medianOf(anchors), goal: maxRatio === undefined ? undefined : { maxRatio } });
    };
    const hgetall: Op = (i) => raw.hgetall(rawHash(i % SIZE));
    const hset: Op = (i) => raw.hset(rawHash(i % SIZE), fieldsOf(pick(tokens, i)));
    await compare('find by user name', 'HGETALL', hgetall, 'findToken', (i) => store.findToken(pick(byUser, i)), 1.3);
    await compare('find by access token', 'HGETALL', hgetall, 'findToken', (i) => store.findToken(pick(byAccess, i)), 1.3);
    await compare('find by id', 'HGETALL', hgetall, 'findTokenById', (i) => store.findTokenById(String(pick(tokens, i).id)), 1.3);
    await compare('save (update by user name, nothing changed)', 'HSET', hset, 'saveToken', (i) => store.saveToken(pick(updates, i)), 1.3);
    const refreshed: Op = (i) => store.saveToken(pick(refreshes[Math.floor(i / SIZE) % 2] as OAuthToken[], i));
    await compare('save (new access token)', 'HSET', hset, 'saveToken', refreshed, 1.3);
    await compare('drift check (same op twice)', 'HGETALL', hgetall, 'HGETALL', hgetall);
    printComparisons(
      `RedisStore on a 3-master Redis Cluster (${SIZE} tokens) vs raw ioredis Cluster on the same master (median per call)`,
      rows,
    );
  } finally {
    await store.close();
    raw.disconnect();
    await cluster.stop();
  }
}
