/**
 * The hostile input corpus the conformance kit runs on every store. Values here broke token stores before: SQL,
 * CSV and Redis metacharacters, quotes, separators, line breaks, invisible and astral unicode, values at the
 * length limit. The limits (`docs/hostile-input.md`): text fields hold at most 255 code points, ids at most 10.
 */

const repeat = (text: string, times: number): string => text.repeat(times);

/** Values every store must keep verbatim in every text field (user name included) and find again by value. */
export const HOSTILE_VALUES: readonly string[] = [
  // SQL: quotes, comments, statement separators, escapes, LIKE wildcards.
  "O'Brien",
  'say "hello"',
  "'; DROP TABLE oauthtoken; --",
  '"; DROP TABLE oauthtoken; --',
  "x' OR '1'='1",
  "' OR 1=1 --",
  '1 OR 1=1',
  "\\'; SELECT 1; --",
  "\\\\'",
  '`backtick`',
  '$1 $$dollar$$ ?',
  '%',
  '_',
  '%_wildcards_%',
  '/* comment */',
  // CSV: separators, quotes at either end, every line break, spreadsheet formulas.
  'a,b,c',
  '"quoted, with comma"',
  '"',
  '""',
  '"starts with a quote',
  'ends with a quote"',
  'line one\nline two',
  'carriage\r\nreturn',
  'lone\rcarriage return',
  '\n',
  'trailing newline\n',
  'tab\tseparated',
  '=HYPERLINK("http://evil.example")',
  "=cmd|' /C calc'!A0",
  '+1+1',
  '@SUM(A1)',
  '-cmd',
  '\t=1+1',
  '\r=1+1',
  // Redis: key separators, glob and hash-tag characters.
  'key:with:colons',
  'glob*?[chars]',
  '*',
  '?',
  '[',
  ']',
  '{braces}',
  '{hash}tag',
  '\\back\\slash\\',
  '\\',
  '   leading and trailing spaces   ',
  ' ',
  // Unicode: astral, combining, invisible, bidirectional, line separators.
  'émoji 🔑 ünïcödé 日本語',
  '🔑',
  'e\u0301 combining acute',
  '\u200Bzero\u200Bwidth\u200D',
  '\uFEFFbyte order mark',
  '\u202Ebidi override\u202C',
  '\u2066isolate\u2069',
  'line\u2028separator\u2029paragraph',
  '\u0085next line',
  '\u00A0no-break space',
  '\u001B[31mescape',
  '\u0007bell',
  '\uFFFD replacement',
  '\uD83D\uDE00 surrogate pair',
  // Words that readers turn into null, numbers or booleans.
  'null',
  'NULL',
  'undefined',
  '0',
  '-0',
  'NaN',
  'true',
  '1e3',
  '[]',
  '{}',
];

/** Values exactly at the 255-character limit (code points, not UTF-16 units): accepted verbatim everywhere. */
export const LIMIT_VALUES: readonly string[] = [
  repeat('x', 255),
  `${repeat('x', 254)}🔑`,
  repeat('🔑', 255),
  `${repeat('e\u0301', 127)}e`,
  repeat("'", 255),
  repeat('"', 255),
];

/** Values every store must refuse in every text field with `INVALID_ARGUMENT`, changing nothing. */
export const REJECTED_VALUES: readonly string[] = [
  '\0',
  'nul\0inside',
  'trailing nul\0',
  'lone high \uD800 surrogate',
  'lone low \uDC00 surrogate',
  'reversed pair \uDC00\uD800',
  'ends on a high surrogate \uD83D',
  repeat('x', 256),
  `${repeat('x', 255)}🔑`,
  repeat('🔑', 256),
];

/** Expiry values every store must refuse with `INVALID_ARGUMENT` (epoch milliseconds are a non-negative safe integer). */
export const REJECTED_EXPIRIES: readonly unknown[] = [
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.MAX_SAFE_INTEGER + 1,
  '1732312345678',
  '',
  'soon',
  '1e3',
  true,
];

/** Ids a store never generates, shaped to break a careless query, path or key pattern; at most 10 characters. */
export const HOSTILE_IDS: readonly string[] = [
  '1 OR 1=1',
  "1' OR '1'",
  '1; --',
  '../x',
  '..',
  '/',
  '*',
  '?',
  '[1]',
  '{1}',
  '1:2',
  '%',
  '_',
  ' 1',
  '1 ',
  '01',
  '1,2',
  '"1"',
  '1\n2',
  '\\',
  'é',
  '🔑',
  'null',
];

/** Ids every store must refuse with `INVALID_ARGUMENT` (too long, NUL, a lone surrogate). */
export const REJECTED_IDS: readonly string[] = ['12345678901', '1\0', '\0', '\uD800', repeat('9', 11)];
