/**
 * Stored values reach the terminal: a user name holding `ESC[2J` or a CR/LF could clear the screen or print a fake
 * row. Everything the CLI prints for people shows such characters visibly instead, in the notation of JSON strings:
 * `\n`, `\r`, `\t`, and `\u001b` for any other C0 control, DEL, C1 control, line or paragraph separator
 * (U+2028/9) and bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069). `--json` output shows the
 * same escapes, since JSON writes them so. A backslash is printed as it is.
 */
function isHidden(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escaped(text: string, keepNewlines: boolean): string {
  let result = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (!isHidden(code) || (keepNewlines && char === '\n')) result += char;
    else result += NAMED[char] ?? `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return result;
}

/** `text` as one visible line: every control character escaped, new lines included. */
export function visible(text: string): string {
  return escaped(text, false);
}

/**
 * What the terminal finally writes: control characters escaped except the line breaks between lines (a JSON
 * document spans lines). In a JSON document the escapes are JSON's own, so it stays valid and means the same.
 */
export function visibleLines(text: string): string {
  return escaped(text, true);
}
