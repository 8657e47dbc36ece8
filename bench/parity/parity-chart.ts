/** parity.svg: per dataset, mean local and cloud test accuracy of PyTorch, holdout and refit. */
import type { ParityResults, ParityRun } from './parity-report';

const SERIES: {
  label: string;
  colour: string;
  value: (r: ParityRun, exit: 'local' | 'cloud') => number;
}[] = [
  { label: 'PyTorch', colour: '#888888', value: (r, e) => r.torch[e] },
  { label: 'ours: holdout (default)', colour: '#1f77b4', value: (r, e) => r.ours.phaseOne[e] },
  { label: 'ours: refit', colour: '#ff7f0e', value: (r, e) => r.ours[e] },
];

export function renderParityChart(results: ParityResults): string {
  const datasets = results.datasets.filter((d) => results.runs.some((r) => r.dataset === d.name));
  const groups = datasets.flatMap((d) =>
    (['local', 'cloud'] as const).map((exit) => ({
      name: `${d.name} ${exit}`,
      dataset: d.name,
      exit,
    })),
  );
  const bar = 12;
  const groupWidth = SERIES.length * bar + 14;
  const left = 40;
  const top = 30;
  const height = 200;
  const width = left + groups.length * groupWidth + 90;
  const y = (v: number) => top + height * (1 - v);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + height + 120}" font-family="sans-serif" font-size="10">`,
    `<text x="${left}" y="14">Test accuracy, mean over seeds (0-100 %)</text>`,
  ];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      `<line x1="${left}" x2="${width - 10}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`,
      `<text x="${left - 4}" y="${y(t) + 3}" text-anchor="end">${100 * t}</text>`,
    );
  }
  groups.forEach((g, i) => {
    const runs = results.runs.filter((r) => r.dataset === g.dataset);
    const x0 = left + i * groupWidth + 7;
    SERIES.forEach((s, k) => {
      const v = runs.reduce((a, r) => a + s.value(r, g.exit), 0) / runs.length;
      parts.push(
        `<rect x="${x0 + k * bar}" y="${y(v)}" width="${bar - 2}" height="${height - (y(v) - top)}" fill="${s.colour}"><title>${s.label} ${g.name}: ${(100 * v).toFixed(1)} %</title></rect>`,
      );
    });
    const cx = x0 + (SERIES.length * bar) / 2;
    parts.push(
      `<text transform="translate(${cx},${top + height + 8}) rotate(45)" font-size="9">${g.name}</text>`,
    );
  });
  SERIES.forEach((s, k) => {
    parts.push(
      `<rect x="${left + 200 * k}" y="${top + height + 100}" width="10" height="10" fill="${s.colour}"/>`,
      `<text x="${left + 200 * k + 14}" y="${top + height + 109}">${s.label}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
