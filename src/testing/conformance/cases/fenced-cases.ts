import { supportsFencedSave, type FencedSaveProvider } from '../../../contract/fenced-save.js';
import { OAuthToken } from '../../../token/oauth-token.js';
import { NotApplicable } from '../capabilities.js';
import type { ConformanceCase } from '../conformance-case.js';
import { completeToken, fieldsOf, zohoLikeToken } from '../fixtures.js';
import { expectCount, expectStored, save } from '../store-calls.js';
import { ConformanceViolation, ensure, mustSucceed } from '../violation.js';

function fenced(store: Parameters<ConformanceCase['run']>[0], rule: string, declared: boolean | undefined): FencedSaveProvider {
  if (supportsFencedSave(store)) return store;
  if (declared === true) throw new ConformanceViolation(rule, 'the store is declared to have saveTokenIf, but it has none.');
  throw new NotApplicable(`${rule}: the store has no saveTokenIf`);
}

/** The new values of a refresh: a new access token and expiry, by id. */
const refreshOf = (id: string): OAuthToken => new OAuthToken({ id, accessToken: zohoLikeToken(), expiresAt: Date.now() + 3_600_000 });

export const fencedCases: ConformanceCase[] = [
  {
    rule: 'fenced.saves-when-unchanged',
    title: 'saveTokenIf updates the token while it holds the access and refresh tokens read, keeping its other fields',
    async run(store, settings) {
      const writer = fenced(store, this.rule, settings.capabilities.fencedSave);
      const token = await save(store, this.rule, completeToken());
      const refresh = refreshOf(String(token.id));
      const result = await mustSucceed(this.rule, 'saveTokenIf', () =>
        writer.saveTokenIf(refresh, { accessToken: token.accessToken, refreshToken: token.refreshToken }),
      );
      ensure(this.rule, result === 'saved', `saveTokenIf of an unchanged token must resolve to "saved"; it resolved to ${String(result)}.`);
      await expectStored(
        store,
        this.rule,
        String(token.id),
        { ...fieldsOf(token), accessToken: refresh.accessToken, expiresAt: refresh.expiresAt },
        'a fenced save',
      );
    },
  },
  {
    rule: 'fenced.refuses-changed',
    title: 'saveTokenIf writes nothing and resolves "changed" once another save stored a newer token',
    async run(store, settings) {
      const writer = fenced(store, this.rule, settings.capabilities.fencedSave);
      const token = await save(store, this.rule, completeToken());
      const read = { accessToken: token.accessToken, refreshToken: token.refreshToken };
      const newer = refreshOf(String(token.id));
      await save(store, this.rule, newer); // another holder's refresh, committed first
      const result = await mustSucceed(this.rule, 'saveTokenIf', () => writer.saveTokenIf(refreshOf(String(token.id)), read));
      ensure(
        this.rule,
        result === 'changed',
        `saveTokenIf after another save must resolve to "changed"; it resolved to ${String(result)}.`,
      );
      await expectStored(
        store,
        this.rule,
        String(token.id),
        { accessToken: newer.accessToken, expiresAt: newer.expiresAt },
        'a refused fenced save',
      );
    },
  },
  {
    rule: 'fenced.never-recreates',
    title: 'saveTokenIf of a deleted token writes nothing and resolves "gone"',
    async run(store, settings) {
      const writer = fenced(store, this.rule, settings.capabilities.fencedSave);
      const token = await save(store, this.rule, completeToken());
      const read = { accessToken: token.accessToken, refreshToken: token.refreshToken };
      await mustSucceed(this.rule, 'deleteToken', () => store.deleteToken(String(token.id)));
      const result = await mustSucceed(this.rule, 'saveTokenIf', () => writer.saveTokenIf(refreshOf(String(token.id)), read));
      ensure(this.rule, result === 'gone', `saveTokenIf of a deleted token must resolve to "gone"; it resolved to ${String(result)}.`);
      await expectCount(store, this.rule, 0, 'a fenced save of a deleted token');
    },
  },
];
