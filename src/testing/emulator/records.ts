import { newNumericId } from './identifiers.js';

/** A CRM record as the Records API answers it: its fields, an `id`, and the owner Zoho adds. */
export type CrmRecord = Readonly<Record<string, unknown>> & { readonly id: string };

/**
 * CRM records seeded per user and module (module API names compare case-insensitively, as Zoho's do). A module
 * becomes a records module once anything is seeded into it; other paths keep the emulator's generic answer.
 */
export class RecordBook {
  readonly #records = new Map<string, CrmRecord[]>();
  readonly #modules = new Set<string>();

  add(
    owner: { readonly id: string; readonly email: string; readonly fullName: string },
    module: string,
    fields: readonly Readonly<Record<string, unknown>>[],
  ): CrmRecord[] {
    this.#modules.add(module.toLowerCase());
    const key = recordsKey(owner.id, module);
    const added = fields.map((record) =>
      Object.freeze({
        ...record,
        id: typeof record.id === 'string' ? record.id : newNumericId(19),
        Owner: { id: owner.id, name: owner.fullName, email: owner.email },
      }),
    );
    this.#records.set(key, [...(this.#records.get(key) ?? []), ...added]);
    return added;
  }

  isRecordsModule(module: string): boolean {
    return this.#modules.has(module.toLowerCase());
  }

  /** The user's records of a module, oldest first. */
  list(userId: string, module: string): readonly CrmRecord[] {
    return this.#records.get(recordsKey(userId, module)) ?? [];
  }
}

const recordsKey = (userId: string, module: string): string => `${userId}\n${module.toLowerCase()}`;
