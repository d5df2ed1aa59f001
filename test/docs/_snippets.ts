// The JavaScript and TypeScript blocks of the README and the docs, as test/docs/snippets.test.ts runs them.
// A block runs; one preceded by the line `<!-- snippet: type-check -->` is only type-checked (CONTRIBUTING.md).
import { readFileSync } from 'node:fs';

export type SnippetMode = 'run' | 'type-check';

export interface Snippet {
  /** e.g. `docs/lifecycle.md:9`: the document and the line of the opening fence. */
  readonly name: string;
  readonly language: 'js' | 'ts';
  readonly mode: SnippetMode;
  readonly code: string;
  /** Line of the document that holds the block's first line of code. */
  readonly firstLine: number;
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
    const marker = MARKER.exec(lines.slice(0, i).reverse().find((line) => line.trim() !== '')?.trim() ?? '')?.[1];
    if (marker !== undefined && marker !== 'type-check') throw new Error(`${name}:${i}: unknown snippet marker "${marker}" (the one marker is "type-check")`);
    if (marker !== undefined && language === undefined) throw new Error(`${name}:${i}: a snippet marker before a block that is not js or ts`);
    if (language !== undefined) {
      snippets.push({
        name: `${name}:${i + 1}`,
        language,
        mode: marker ?? 'run',
        code: lines.slice(i + 1, end).join('\n') + '\n',
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
