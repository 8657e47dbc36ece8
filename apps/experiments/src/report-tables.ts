/** Small pure helpers for markdown tables and number formatting. */
import type { SeedStat } from './statistics';

/** A fraction as a percentage; with several seeds, "mean ± std". */
export function pctStat(s: SeedStat, digits = 1): string {
  const mean = (100 * s.mean).toFixed(digits);
  return s.values.length > 1 ? `${mean} ± ${(100 * s.std).toFixed(digits)}` : mean;
}

export function numStat(s: SeedStat, digits = 1): string {
  const mean = s.mean.toFixed(digits);
  return s.values.length > 1 ? `${mean} ± ${s.std.toFixed(digits)}` : mean;
}

export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
