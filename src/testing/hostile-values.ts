/**
 * Values that broke token stores before: SQL and CSV metacharacters, quotes, separators, newlines, unicode.
 * Every store must keep each of them verbatim in every text field.
 */
export const HOSTILE_VALUES: readonly string[] = [
  "O'Brien",
  'say "hello"',
  "'; DROP TABLE oauthtoken; --",
  "x' OR '1'='1",
  'a,b,c',
  '"quoted, with comma"',
  'line one\nline two',
  'carriage\r\nreturn',
  'tab\tseparated',
  '=HYPERLINK("http://evil.example")',
  '+1+1',
  '@SUM(A1)',
  '-cmd',
  '\\back\\slash\\',
  '%_wildcards_%',
  'key:with:colons',
  'glob*?[chars]',
  '{braces}',
  'émoji 🔑 ünïcödé 日本語',
  '   leading and trailing spaces   ',
  'null',
  'NULL',
  'undefined',
  '0',
];
