// The JavaScript and TypeScript blocks of the README and the docs, as test/docs/snippets.test.ts runs them.
// A block runs; the line before it may be a marker (CONTRIBUTING.md, "Code in the docs"):
//   <!-- snippet: type-check -->                 only type-checked
//   <!-- snippet: saved as json-file-store.ts -->  runs, saved under that name so later blocks can import it
//   <!-- snippet: excerpt of src/x/y.ts -->        never run: its lines must appear in that file, in order, as written
import { readFileSync } from 'node:fs';

export type SnippetMode = 'run' | 'type-check' | 'excerpt';

export interface Snippet {
  /** e.g. `docs/lifecycle.md:9`: the document and the line of the opening fence. */
  readonly name: string;
  readonly language: 'js' | 'ts';
  readonly mode: SnippetMode;
  readonly code: string;
  /** Line of the document that holds the block's first line of code. */
  readonly firstLine: number;
  /** `saved as`: the file name other blocks import it by. */
  readonly savedAs?: string;
  /** `excerpt of`: the repository file whose lines the block shows. */
  readonly excerptOf?: string;
}

interface Marker {
  readonly mode: SnippetMode;
  readonly savedAs?: string;
  readonly excerptOf?: string;
}

function parseMarker(where: string, text: string): Marker {
  if (text === 'type-check') return { mode: 'type-check' };
  const saved = /^saved as ([\w.-]+\.(?:ts|js))$/.exec(text);
  if (saved) return { mode: 'run', savedAs: saved[1]! };
  const excerpt = /^excerpt of ([\w./-]+)$/.exec(text);
  if (excerpt && !excerpt[1]!.includes('..')) return { mode: 'excerpt', excerptOf: excerpt[1]! };
  throw new Error(
    `${where}: unknown snippet marker "${text}" (the markers are "type-check", "saved as <name>.ts" and "excerpt of <path>")`,
  );
}

const LANGUAGES: Record<string, 'js' | 'ts'> = { js: 'js', javascript: 'js', mjs: 'js', ts: 'ts', typescript: 'ts', mts: 'ts' };
const MARKER = /^<!--\s*snippet:\s*(.*?)\s*-->$/;

/** Every js/ts block of a Markdown document, in order. A marker names its mode; an unknown marker is an error. */
export function snippetsIn(name: string, text: string): Snippet[] {
  const lines = text.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^(```+)\s*([\w-]*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((line, j) => j > i && line.trim() === open[1]);
    if (end < 0) throw new Error(`${name}:${i + 1}: a code block is never closed`);
    const language = LANGUAGES[open[2]!.toLowerCase()];
    const markerText = MARKER.exec(
      lines
        .slice(0, i)
        .reverse()
        .find((line) => line.trim() !== '')
        ?.trim() ?? '',
    )?.[1];
    const marker = markerText === undefined ? { mode: 'run' as const } : parseMarker(`${name}:${i}`, markerText);
    if (markerText !== undefined && language === undefined)
      throw new Error(`${name}:${i}: a snippet marker before a block that is not js or ts`);
    if (language !== undefined) {
      snippets.push({
        name: `${name}:${i + 1}`,
        language,
        ...marker,
        code: `${lines.slice(i + 1, end).join('\n')}\n`,
        firstLine: i + 2,
      });
    }
    i = end;
  }
  return snippets;
}

export function snippetsOf(file: string): Snippet[] {
  return snippetsIn(file, readFileSync(file, 'utf8'));
}

/** Whether the excerpt's lines (indentation aside) appear one after another in the text of the file it names. */
export function excerptMatches(excerpt: string, file: string): boolean {
  const trimmed = (text: string): string[] => text.split('\n').map((line) => line.trim());
  const wanted = trimmed(excerpt).filter((line) => line !== '');
  const source = trimmed(file).filter((line) => line !== '');
  return source.some((_, start) => wanted.every((line, k) => source[start + k] === line));
}
