/**
 * The shell blocks of a Markdown file, as the README test runs them.
 *
 * Convention (documented in README.md, "Tests and benchmarks"): every fenced block whose info
 * string starts with `bash` or `sh` is run, in file order, unless the info string also holds
 * `readme-test:skip` (installing packages, `npm start`/`npm test` themselves, long runs).
 * GitHub shows such blocks like any other: only the first word of an info string names the
 * language.
 */
export interface ShellBlock {
  /** 1-based line of the opening fence, for messages. */
  line: number;
  info: string;
  code: string;
  run: boolean;
}

export const SKIP_MARK = 'readme-test:skip';
const SHELLS = new Set(['bash', 'sh']);

export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const info = open[2].trim();
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j].startsWith(fence) && lines[j].trim() === fence)) {
      body.push(lines[j]);
      j++;
    }
    if (j === lines.length) throw new Error(`line ${i + 1}: code block is never closed`);
    const words = info.split(/\s+/);
    if (SHELLS.has(words[0])) {
      blocks.push({ line: i + 1, info, code: body.join('\n'), run: !words.includes(SKIP_MARK) });
    }
    i = j;
  }
  return blocks;
}

/** A textual rewrite the test applies to every block; `from` must occur in the file. */
export interface Rewrite {
  from: string;
  to: string;
  why: string;
}

export function applyRewrites(code: string, rewrites: readonly Rewrite[]): string {
  return rewrites.reduce((text, r) => text.split(r.from).join(r.to), code);
}
