import { isTokenStoreError } from '../../errors/token-store-error.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import type { TokenRecord } from '../../token/token-fields.js';
import type { CliTokenStore } from '../stores/opened-store.js';

export interface CopyFailure {
  /** The source token's id (never a value). */
  readonly sourceId: string | null;
  readonly reason: string;
}

export interface CopySummary {
  copied: number;
  updated: number;
  skipped: number;
  failed: number;
  readonly failures: CopyFailure[];
}

export interface CopyOptions {
  /** Decide and count, write nothing. */
  readonly dryRun?: boolean;
  /** Called after each source token. */
  readonly onProgress?: () => void;
}

type Content = Omit<TokenRecord, 'id'>;

const contentOf = (token: OAuthToken): Content => {
  const { id: _id, ...content } = token.toRecord('');
  return content;
};

const contentKey = (token: OAuthToken): string => JSON.stringify(contentOf(token));

const sameContent = (a: OAuthToken, b: OAuthToken): boolean => contentKey(a) === contentKey(b);

/** True when `stored` has a value `source` lacks: a save keeps stored values, so only delete-and-save can clear it. */
const needsClearing = (source: OAuthToken, stored: OAuthToken): boolean => {
  const from = contentOf(source);
  const to = contentOf(stored);
  return (Object.keys(from) as Array<keyof Content>).some((field) => from[field] === null && to[field] !== null);
};

/**
 * Copies tokens into a store so that, afterwards, the store holds each one exactly as the source has it, and a
 * second run changes nothing. Each source token is matched to a stored one by the library's matching rule (user,
 * else access token, else grant or refresh token with the client credentials) through a `MemoryStore` mirror of
 * the target, so the rule stays written once: a match with the same fields is skipped, a match with other fields is
 * updated (keeping the stored id), no match is copied, keeping the source id when the target does not use it.
 * Tokens the rule cannot match (no user, no client credentials) are matched by their whole content.
 */
export async function copyTokens(source: readonly OAuthToken[], target: CliTokenStore, options: CopyOptions = {}): Promise<CopySummary> {
  const summary: CopySummary = { copied: 0, updated: 0, skipped: 0, failed: 0, failures: [] };
  const mirror = new MemoryStore();
  const unmatchable = new Set<string>();
  for (const token of await target.getTokens()) {
    await mirror.saveToken(token);
    unmatchable.add(contentKey(token));
  }
  // Target ids this run wrote or matched, by the source token that did: a second source token landing on the
  // same stored token is a duplicate in the source, which would make every rerun flip the stored values.
  const claimedBy = new Map<string, string | null>();

  for (const original of source) {
    try {
      const outcome = await copyOne(original, target, mirror, unmatchable, claimedBy, options.dryRun === true);
      summary[outcome] += 1;
    } catch (error) {
      summary.failed += 1;
      summary.failures.push({ sourceId: original.id, reason: reasonOf(error) });
    }
    options.onProgress?.();
  }
  return summary;
}

async function copyOne(
  original: OAuthToken,
  target: CliTokenStore,
  mirror: MemoryStore,
  unmatchable: Set<string>,
  claimedBy: Map<string, string | null>,
  dryRun: boolean,
): Promise<'copied' | 'updated' | 'skipped'> {
  const query = original.clone();
  query.id = null;
  const match = await mirror.findToken(query);
  const stored = match?.id ? await mirror.findTokenById(match.id) : null;
  if (stored?.id) {
    const claimer = claimedBy.get(stored.id);
    if (claimer !== undefined) {
      throw new Error(`it is another copy of source token ${claimer ?? '(no id)'} (same user or refresh token); keep one of them`);
    }
    claimedBy.set(stored.id, original.id);
    if (sameContent(original, stored)) return 'skipped';
    const replacement = original.clone();
    replacement.id = stored.id;
    if (!dryRun) {
      // A save keeps stored values for empty fields; clearing one takes a delete and a save under the same id.
      // Should the save fail, the source still has the token and a rerun restores it.
      if (needsClearing(original, stored)) await target.deleteToken(stored.id);
      await target.saveToken(replacement.clone());
    }
    await mirror.deleteToken(stored.id);
    await mirror.saveToken(replacement);
    return 'updated';
  }
  if (match === null && unmatchable.has(contentKey(original))) return 'skipped';
  const copy = original.clone();
  copy.id = original.id !== null && (await mirror.findTokenById(original.id)) === null ? original.id : null;
  if (!dryRun) {
    await target.saveToken(copy);
  } else if (copy.id === null) {
    copy.id = `dry-run-${unmatchable.size}`;
  }
  await mirror.saveToken(copy.clone());
  unmatchable.add(contentKey(original));
  if (copy.id) claimedBy.set(copy.id, original.id);
  return 'copied';
}

function reasonOf(error: unknown): string {
  if (isTokenStoreError(error)) return `${error.message} [${error.code}]`;
  if (error instanceof Error && error.constructor === Error) return error.message;
  return 'unexpected error (rerun with --debug)';
}
