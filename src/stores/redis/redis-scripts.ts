import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { INDEXES } from './redis-keys.js';

const COLUMNS = Object.values(INDEXES)
  .map(({ column }) => `'${column}'`)
  .join(', ');
const TAGS = Object.values(INDEXES)
  .map(({ tag }) => `'${tag}'`)
  .join(', ');

// Shared by the scripts below. ARGV carries the key prefix; every key is derived from it the same way as in
// redis-keys.ts. Scores: a decimal id of at most 15 digits is its own score (exact in a double), any other id
// sorts after them, by member; so the first member of an index is the lowest id, as SQL's ORDER BY id gives.
// The index rules alone (two small functions), also for the hot compare-and-set script.
const INDEX_HELPERS = `
local function score(id)
  if #id <= 15 and string.match(id, '^%d+$') then return id end
  return '9007199254740992'
end
local function index_key(prefix, tag, value)
  return prefix .. tag .. ':' .. redis.sha1hex(value)
end
`;
const HELPERS = `
local COLUMNS = {${COLUMNS}}
local TAGS = {${TAGS}}
${INDEX_HELPERS}local function unindex(prefix, id)
  local key = prefix .. 'id:' .. id
  local values = redis.call('HMGET', key, unpack(COLUMNS))
  for i = 1, #COLUMNS do
    if values[i] then redis.call('ZREM', index_key(prefix, TAGS[i], values[i]), id) end
  end
  redis.call('DEL', key)
  redis.call('SREM', prefix .. 'ids', id)
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
 */
export const LOCK_AND_FIND = new RedisScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[4] == '' then return redis.call('HGETALL', KEYS[2]) end
return find(ARGV[3], KEYS[2], ARGV[4], ARGV[5])`);

/** KEYS: seq. ARGV: prefix. The next counter value that no stored token has as its id. */
export const NEXT_ID = new RedisScript(`
local n
repeat n = redis.call('INCR', KEYS[1]) until redis.call('EXISTS', ARGV[1] .. 'id:' .. n) == 0
return n`);

/**
 * Writes tokens and releases the write lock, all at once, only while the caller still owns the lock.
 * KEYS: lock. ARGV: owner, prefix, then per token: id, number of fields, field, value, … (the new version among
 * them).  1 done, 0 lock lost.
 * Only index entries whose value changed are moved (a refresh changes the access token alone).
 */
export const COMMIT = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local prefix = ARGV[2]
local i = 3
while i <= #ARGV do
  local id = ARGV[i]
  local count = tonumber(ARGV[i + 1])
  local key = prefix .. 'id:' .. id
  local old = redis.call('HMGET', key, unpack(COLUMNS))
  local args = {'id', id}
  local new = {}
  for j = 0, count - 1 do
    local column, value = ARGV[i + 2 + 2 * j], ARGV[i + 3 + 2 * j]
    args[#args + 1] = column
    args[#args + 1] = value
    new[column] = value
  end
  redis.call('DEL', key)
  redis.call('HSET', key, unpack(args))
  for k = 1, #COLUMNS do
    local before, after = old[k] or nil, new[COLUMNS[k]]
    if before ~= after then
      if before then redis.call('ZREM', index_key(prefix, TAGS[k], before), id) end
      if after then redis.call('ZADD', index_key(prefix, TAGS[k], after), score(id), id) end
    end
  end
  redis.call('SADD', prefix .. 'ids', id)
  i = i + 2 + count * 2
end
redis.call('DEL', KEYS[1])
return 1`);

/**
 * Deletes tokens with their index entries. KEYS: lock. ARGV: owner ('' when the caller holds no lock: then
 * only while nobody does), lease ms (renewed for an owner), prefix, ids…  1 done, 0 the lock is someone else's.
 */
export const DELETE = new RedisScript(`
local holder = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if holder then return 0 end
else
  if holder ~= ARGV[1] then return 0 end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
for i = 4, #ARGV do unindex(ARGV[3], ARGV[i]) end
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
 * above and this script), so an equal version means the hash holds exactly the values read.
 * KEYS: lock, token hash. ARGV: version read, new version, prefix, id, then for each field that changes: its
 * column, its index tag ('' for a column without index), the value read and the new value ('' for absent; a new
 * '' removes the field). 1 written, 0 refused (nothing written). Index entries move only for the changed values
 * (a refresh changes the access token and the expiry alone).
 */
export const COMPARE_AND_SET = new RedisScript(
  `${INDEX_HELPERS}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('HGET', KEYS[2], 'v') ~= ARGV[1] then return 0 end
local prefix, id = ARGV[3], ARGV[4]
local set, unset = {'v', ARGV[2]}, {}
for i = 5, #ARGV, 4 do
  local column, tag, before, after = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if after == '' then unset[#unset + 1] = column else
    set[#set + 1] = column
    set[#set + 1] = after
  end
  if tag ~= '' then
    if before ~= '' then redis.call('ZREM', index_key(prefix, tag, before), id) end
    if after ~= '' then redis.call('ZADD', index_key(prefix, tag, after), score(id), id) end
  end
end
redis.call('HSET', KEYS[2], unpack(set))
if #unset > 0 then redis.call('HDEL', KEYS[2], unpack(unset)) end
return 1`,
  false,
);
