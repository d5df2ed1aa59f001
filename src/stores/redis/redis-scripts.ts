import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CHECKED_FIELDS } from './redis-declared-keys.js';

const CHECKED = CHECKED_FIELDS.map((field) => `'${field}'`).join(', ');

// Shared by the scripts below. Every key a write script touches is in its KEYS (redis-declared-keys.ts says why);
// only the read scripts walk records they cannot know in advance. Scores: a decimal id of at most 15 digits is its
// own score (exact in a double), any other id sorts after them, by member; so the first member of an index is the
// lowest id, as SQL's ORDER BY id gives.
// The score rule alone, also for the hot compare-and-set script.
const SCORE_HELPER = `
local function score(id)
  if #id <= 15 and string.match(id, '^%d+$') then return id end
  return '9007199254740992'
end
`;
// Keys in first-use order with their members, so each index key gets one ZADD or ZREM per script: a ZREM that
// empties a sorted set deletes it, and a later command on it, missing now, would be refused mid-script on a cluster
// node whose slot is migrating.
const HELPERS = `
local CHECKED = {${CHECKED}}
${SCORE_HELPER}local function holds(key, expected, from)
  local now = redis.call('HMGET', key, unpack(CHECKED))
  for i = 1, #CHECKED do
    if (now[i] or '') ~= expected[from + i - 1] then return false end
  end
  return true
end
local function grouped()
  local group = {order = {}, members = {}}
  function group.add(key, ...)
    local members = group.members[key]
    if not members then
      members = {}
      group.members[key] = members
      group.order[#group.order + 1] = key
    end
    for _, member in ipairs({...}) do members[#members + 1] = member end
  end
  function group.each(command)
    for _, key in ipairs(group.order) do redis.call(command, key, unpack(group.members[key])) end
  end
  return group
end
local function find(prefix, zkey, column, value)
  local i = 0
  while true do
    local id = redis.call('ZRANGE', zkey, i, i)[1]
    if not id then return {} end
    local key = prefix .. 'id:' .. id
    if redis.call('HGET', key, column) == value then return redis.call('HGETALL', key) end
    i = i + 1
  end
end
`;

/** A Lua script run with EVALSHA, falling back to EVAL once when the server does not have it cached. */
export class RedisScript {
  readonly #source: string;
  readonly #sha: string;

  /** `helpers`: prepend the shared functions above (each call then defines them: leave them out of hot scripts). */
  constructor(body: string, helpers = true) {
    this.#source = helpers ? HELPERS + body : body;
    this.#sha = createHash('sha1').update(this.#source).digest('hex');
  }

  run(client: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    return client.evalsha(this.#sha, keys.length, ...keys, ...args).catch((error: unknown) => {
      // NOSCRIPT is the protocol's error code (the first word of the reply), not prose: the script cache was
      // flushed or this server never saw the script. EVAL loads it; later calls use EVALSHA again.
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
        return client.eval(this.#source, keys.length, ...keys, ...args);
      }
      throw error;
    });
  }
}

/** KEYS: index key. ARGV: prefix, column, value. The token's hash as a flat array, or an empty array. */
export const FIND = new RedisScript(`return find(ARGV[1], KEYS[1], ARGV[2], ARGV[3])`);

/**
 * What SORT_RO … GET answers, where it cannot run (a cluster refuses SORT's GET): the fields of the index's first
 * member. KEYS: index key. ARGV: prefix, then the fields. Without the helpers, so it costs little more than its two
 * commands; the caller compares the value and asks FIND when the first member does not hold it.
 */
export const FIRST_OF_INDEX = new RedisScript(
  `local id = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
if not id then return {} end
return redis.call('HMGET', ARGV[1] .. 'id:' .. id, unpack(ARGV, 2))`,
  false,
);

/**
 * Takes the write lock and reads in one round trip. KEYS: lock, index key or record key. ARGV: owner, lease ms,
 * prefix, column ('' to read KEYS[2] as a record), value. 0 when another owner holds the lock; else as FIND.
 * The lock is written after the read: a read that a cluster stops midway (a record found through the index, not
 * declared, already moved to another node) leaves no lock behind.
 */
export const LOCK_AND_FIND = new RedisScript(`
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
local found
if ARGV[4] == '' then found = redis.call('HGETALL', KEYS[2]) else found = find(ARGV[3], KEYS[2], ARGV[4], ARGV[5]) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return found`);

/**
 * Writes tokens and releases the write lock, all at once, only while the caller still owns the lock and every
 * token's hash still holds what the caller read (redis-declared-keys.ts, commitPart: an insert requires no hash).
 * KEYS: lock, id set, then per token: its hash, the index keys it leaves, those it joins. ARGV: owner, then per
 * token: id, CHECKED_FIELDS as read, the numbers of index keys left and joined, the number of fields, then field,
 * value, … (the new version among them). 1 done, 0 lock lost, 2 a hash changed since it was read (nothing written).
 * Every check comes before the first write; then adds, then removals, each key once (see grouped()).
 */
export const COMMIT = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local hashes, ids, joins, leaves = {}, {}, grouped(), grouped()
local a, k = 2, 3
while a <= #ARGV do
  local id, key = ARGV[a], KEYS[k]
  if not holds(key, ARGV, a + 1) then return 2 end
  a = a + 1 + #CHECKED
  local left, joined, count = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  for j = 1, left do leaves.add(KEYS[k + j], id) end
  for j = 1, joined do joins.add(KEYS[k + left + j], score(id), id) end
  local set, kept = {'id', id}, {id = true}
  for j = 0, count - 1 do
    local field = ARGV[a + 3 + 2 * j]
    set[#set + 1] = field
    set[#set + 1] = ARGV[a + 4 + 2 * j]
    kept[field] = true
  end
  hashes[#hashes + 1] = {key = key, set = set, kept = kept}
  ids[#ids + 1] = id
  a = a + 3 + 2 * count
  k = k + 1 + left + joined
end
for _, hash in ipairs(hashes) do
  redis.call('HSET', hash.key, unpack(hash.set))
  local gone = {}
  for _, field in ipairs(redis.call('HKEYS', hash.key)) do
    if not hash.kept[field] then gone[#gone + 1] = field end
  end
  if #gone > 0 then redis.call('HDEL', hash.key, unpack(gone)) end
end
joins.each('ZADD')
leaves.each('ZREM')
redis.call('SADD', KEYS[2], unpack(ids))
redis.call('DEL', KEYS[1])
return 1`);

/**
 * Deletes tokens with their index entries, only while each hash still holds what the caller read
 * (redis-declared-keys.ts, deletePart). KEYS: lock, id set, then per token: its hash and its index keys. ARGV: owner
 * ('' when the caller holds no lock: then only while nobody does), lease ms (renewed for an owner), then per token:
 * id, CHECKED_FIELDS as read, the number of its index keys. 1 done, 0 the lock is someone else's, 2 a hash changed
 * since it was read (nothing written).
 */
export const DELETE = new RedisScript(`
local holder = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if holder then return 0 end
elseif holder ~= ARGV[1] then return 0 end
local hashes, ids, leaves = {}, {}, grouped()
local a, k = 3, 3
while a <= #ARGV do
  local id, key = ARGV[a], KEYS[k]
  if not holds(key, ARGV, a + 1) then return 2 end
  local count = tonumber(ARGV[a + 1 + #CHECKED])
  for j = 1, count do leaves.add(KEYS[k + j], id) end
  hashes[#hashes + 1] = key
  ids[#ids + 1] = id
  a = a + 2 + #CHECKED
  k = k + 1 + count
end
if ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
leaves.each('ZREM')
redis.call('DEL', unpack(hashes))
redis.call('SREM', KEYS[2], unpack(ids))
return 1`);

/** Compare-and-extend: moves a lock's expiry only for its owner. KEYS: lock. ARGV: owner, lease ms. 1 extended, 0 not held. */
export const EXTEND = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`);

/** Compare-and-delete: releases a lock only for its owner. KEYS: lock. ARGV: owner. */
export const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * A save without the write lock: writes one token only while its hash still holds the version (`v` field) the
 * caller read, and only while no writer holds the write lock (a locked write may have read the token and be
 * about to commit from that read). Every write of a token's hash sets a new, never reused version (the commit
 * above and this script), so an equal version means the hash holds exactly the values read, and the index keys
 * the caller computed from them are the right ones.
 * KEYS: lock, token hash, then the index keys of redis-declared-keys.ts's compareAndSetPart. ARGV: version read,
 * new version, id, then for each field that changes: its column, '1' when it is indexed, the value read and the new
 * value ('' for absent; a new '' removes the field). 1 written, 0 refused (nothing written). Index entries move only
 * for the changed values (a refresh changes the access token and the expiry alone); each index key is touched once.
 */
export const COMPARE_AND_SET = new RedisScript(
  `${SCORE_HELPER}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('HGET', KEYS[2], 'v') ~= ARGV[1] then return 0 end
local id = ARGV[3]
local set, unset, k = {'v', ARGV[2]}, {}, 3
for i = 4, #ARGV, 4 do
  local column, indexed, before, after = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if after == '' then unset[#unset + 1] = column else
    set[#set + 1] = column
    set[#set + 1] = after
  end
  if indexed ~= '' then
    if before ~= '' then
      redis.call('ZREM', KEYS[k], id)
      k = k + 1
    end
    if after ~= '' then
      redis.call('ZADD', KEYS[k], score(id), id)
      k = k + 1
    end
  end
end
redis.call('HSET', KEYS[2], unpack(set))
if #unset > 0 then redis.call('HDEL', KEYS[2], unpack(unset)) end
return 1`,
  false,
);
