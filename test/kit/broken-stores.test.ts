import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTokenStore } from 'zoho-token-store/testing';
import { NaiveStore, type Defects } from './_naive-store.js';

const settings = { scale: 300, concurrency: 50 };

describe('the conformance kit', () => {
  it("passes a hand-written store that keeps the contract (so each failure below is the defect's)", async () => {
    const report = await checkTokenStore(() => new NaiveStore(), settings);
    assert.deepEqual(
      report.failed.map((failure) => failure.message),
      [],
    );
    assert.ok(report.passed.length >= 25, `expected every rule to run, ran ${report.passed.length}`);
  });

  const cases: Array<[string, Defects, string]> = [
    ['matches refresh before grant', { refreshBeforeGrant: true }, 'find.grant-before-refresh'],
    [
      'matches a refresh token without client credentials (the official && / || slip)',
      { refreshWithoutClientCredentials: true },
      'find.refresh-needs-client-credentials',
    ],
    ['duplicates on save', { alwaysInsert: true }, 'save.updates-by-user-name'],
    ['hands out the stored objects', { sharesReferences: true }, 'find.returns-copies'],
    ['throws for an unknown id in findTokenById', { throwsOnUnknownId: true }, 'find-by-id.unknown-is-null'],
    ['throws when deleting an unknown id', { throwsOnUnknownDelete: true }, 'delete.unknown-id'],
    ['erases stored fields on a partial save', { saveOverwritesWithNull: true }, 'save.keeps-unset-fields'],
    ['stores a token with no access, refresh or grant token', { acceptsIncomplete: true }, 'save.incomplete-rejected'],
    ['lists in no particular order', { unordered: true }, 'list.all-ordered-by-id'],
    ['returns empty strings for null fields', { emptyStringsKept: true }, 'values.empty-is-null'],
    ['trims values', { trimsValues: true }, 'values.verbatim'],
    ['gives concurrent saves the same id', { racyIds: true }, 'concurrency.distinct-users'],
    ['stores NUL, lone surrogates and over-long values it was given by hand', { skipsValidation: true }, 'values.rejected-change-nothing'],
    ['compares case- and space-insensitively, as a _ci collation does', { caseInsensitive: true }, 'values.exact-match'],
  ];

  for (const [defect, defects, rule] of cases) {
    it(`fails a store that ${defect}, naming the rule ${rule}`, async () => {
      const report = await checkTokenStore(() => new NaiveStore(defects), settings);
      const failure = report.failed.find((candidate) => candidate.rule === rule);
      assert.ok(failure, `expected rule ${rule} to fail; failed: ${report.failed.map((f) => f.rule).join(', ') || 'none'}`);
      assert.match(failure.message, new RegExp(`^\\[${rule.replace(/\./g, '\\.')}\\] `));
      assert.equal(report.ok, false);
    });
  }
});
