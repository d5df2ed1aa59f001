import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenWriter } from '../../contract/token-backend.js';
import type { TokenRecord } from '../../token/token-fields.js';
import type { TokenSnapshot } from './file-snapshot.js';

interface DraftMark {
  readonly journalLength: number;
  readonly cleared: boolean;
  readonly maxId: number;
}

/** How to undo one change: the id's previous entry (`undefined`: it had none), or the whole map before a clear. */
type UndoStep =
  | { readonly id: string; readonly previous: TokenRecord | null | undefined }
  | { readonly before: Map<string, TokenRecord | null> };

/**
 * The changes of one batch of writes on top of a snapshot, before they go to the file: inserted and updated
 * records by id (`null` for a deleted one). Each write in the batch can be rolled back alone (`mark`/`restore`),
 * so a failed save leaves the others of its batch intact.
 */
export class TokenDraft implements TokenWriter {
  readonly #base: TokenSnapshot;
  #changes = new Map<string, TokenRecord | null>();
  readonly #journal: UndoStep[] = [];
  #cleared = false;
  #maxId: number;

  constructor(base: TokenSnapshot) {
    this.#base = base;
    this.#maxId = base.maxId;
  }

  get changed(): boolean {
    return this.#cleared || this.#changes.size > 0;
  }

  /** The highest id handed out or stored, for the next snapshot. */
  get maxId(): number {
    return this.#maxId;
  }

  mark(): DraftMark {
    return { journalLength: this.#journal.length, cleared: this.#cleared, maxId: this.#maxId };
  }

  /** Undoes every change made since `mark`. */
  restore(mark: DraftMark): void {
    while (this.#journal.length > mark.journalLength) {
      const step = this.#journal.pop() as UndoStep;
      if ('before' in step) this.#changes = step.before;
      else if (step.previous === undefined) this.#changes.delete(step.id);
      else this.#changes.set(step.id, step.previous);
    }
    this.#cleared = mark.cleared;
    this.#maxId = mark.maxId;
  }

  findBy(field: LookupField, value: string): TokenRecord | null {
    for (const record of this.#changes.values()) if (record !== null && record[field] === value) return record;
    if (this.#cleared) return null;
    const hit = this.#base.findBy(field, value);
    if (hit === null || !this.#changes.has(hit.id)) return hit;
    return this.#base.allWith(field, value).find((record) => !this.#changes.has(record.id)) ?? null;
  }

  nextId(): string {
    this.#maxId += 1;
    while (this.findBy('id', String(this.#maxId))) this.#maxId += 1;
    return String(this.#maxId);
  }

  insert(record: TokenRecord): void {
    this.#set(record.id, record);
  }

  update(record: TokenRecord): void {
    this.#set(record.id, record);
  }

  delete(id: string): void {
    if (this.findBy('id', id)) this.#set(id, null);
  }

  clear(): void {
    this.#journal.push({ before: this.#changes });
    this.#changes = new Map();
    this.#cleared = true;
  }

  /** The records of the new file: stored ones in place (updated or dropped), new ones appended. */
  records(): TokenRecord[] {
    const result: TokenRecord[] = [];
    const pending = new Map(this.#changes);
    if (!this.#cleared) {
      for (const record of this.#base.records) {
        if (!pending.has(record.id)) {
          result.push(record);
          continue;
        }
        const replacement = pending.get(record.id);
        pending.delete(record.id);
        if (replacement) result.push(replacement);
      }
    }
    for (const record of pending.values()) if (record) result.push(record);
    return result;
  }

  #set(id: string, record: TokenRecord | null): void {
    this.#journal.push({ id, previous: this.#changes.get(id) });
    this.#changes.set(id, record);
  }
}
