import type { TopLevelSpec } from 'vega-lite';
import type { OperatingPoint, VersionMetrics } from '../api/types';
import { percent } from '../format';

const SWEEP_WIDTH = 480;
const SWEEP_HEIGHT = 280;
/** A local-exit label's box in pixels (e.g. "100%" at 10 px), for the overlap check. */
const LABEL_W = 30;
const LABEL_H = 13;

/** How a sweep point reads in the plot's mark descriptions (and in the test that checks them). */
export function sweepPointLabel(p: {
  threshold: number;
  commBytesPerDevice: number;
  overallAccuracy: number;
  localExitRate: number;
}): string {
  return (
    `T=${p.threshold.toFixed(2)}; bytes/device=${p.commBytesPerDevice.toFixed(1)}; ` +
    `accuracy=${percent(p.overallAccuracy)}; local exit=${percent(p.localExitRate)}`
  );
}

/**
 * An axis domain that fits the data with a margin (a good model's accuracies sit within a few
 * points of each other: a 0-100 % axis would draw them as one flat line at the top), kept in [0, 1].
 */
export function fittedDomain(values: readonly number[], minSpan = 0.02): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = Math.max((hi - lo) * 0.12, minSpan / 2);
  const domain: [number, number] = [Math.max(0, lo - pad), Math.min(1, hi + pad)];
  return [Math.floor(domain[0] * 100) / 100, Math.ceil(domain[1] * 100) / 100];
}

/**
 * Which points get a text label: the operating point first, then sweep points in order of bytes,
 * each only if its label box does not overlap one already placed (at the plot's pixel scale).
 */
export function labelledPoints(
  points: readonly OperatingPoint[],
  operating: OperatingPoint,
  xDomain: [number, number],
  yDomain: [number, number],
): Set<OperatingPoint> {
  const px = (p: OperatingPoint) => ({
    x: ((p.commBytesPerDevice - xDomain[0]) / (xDomain[1] - xDomain[0] || 1)) * SWEEP_WIDTH,
    y: ((yDomain[1] - p.overallAccuracy) / (yDomain[1] - yDomain[0] || 1)) * SWEEP_HEIGHT,
  });
  const placed: { x: number; y: number }[] = [];
  const kept = new Set<OperatingPoint>();
  const candidates = [
    operating,
    ...[...points].sort((a, b) => a.commBytesPerDevice - b.commBytesPerDevice),
  ];
  for (const p of candidates) {
    const at = px(p);
    if (placed.some((q) => Math.abs(q.x - at.x) < LABEL_W && Math.abs(q.y - at.y) < LABEL_H))
      continue;
    placed.push(at);
    kept.add(p);
  }
  return kept;
}

/** The paper's key figure: overall accuracy against bytes sent per device, labelled with local-exit %. */
export function thresholdSweepSpec(metrics: VersionMetrics): TopLevelSpec {
  const operating = metrics.operatingPoint;
  const all = [...metrics.sweep, operating];
  const xValues = all.map((p) => p.commBytesPerDevice);
  const xDomain: [number, number] = [Math.min(...xValues), Math.max(...xValues)];
  const yDomain = fittedDomain(all.map((p) => p.overallAccuracy));
  const labelled = labelledPoints(metrics.sweep, operating, xDomain, yDomain);
  // The sweep's points, and the version's own operating point (its T is usually not on the grid).
  const values = [
    ...metrics.sweep.map((p) => ({ ...p, label: sweepPointLabel(p), kind: 'sweep', ref: p })),
    {
      ...operating,
      label: `operating point: ${sweepPointLabel(operating)}`,
      kind: 'operating point',
      ref: operating as OperatingPoint,
    },
  ].map(({ ref, ...p }) => ({
    ...p,
    localExit: labelled.has(ref) ? percent(p.localExitRate, 0) : '',
  }));
  const x = {
    field: 'commBytesPerDevice',
    type: 'quantitative' as const,
    title: 'communication per device per sample (bytes)',
    scale: { zero: false, nice: false, padding: 16 },
  };
  const y = {
    field: 'overallAccuracy',
    type: 'quantitative' as const,
    title: 'overall accuracy',
    scale: { domain: yDomain, zero: false },
    axis: { format: '.0%' },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: SWEEP_WIDTH,
    height: SWEEP_HEIGHT,
    title: 'Threshold sweep: accuracy vs communication (labels: local-exit %)',
    data: { values },
    layer: [
      {
        transform: [{ filter: "datum.kind === 'sweep'" }],
        mark: { type: 'line', aria: false },
        encoding: { x, y, order: { field: 'threshold' } },
      },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x,
          y,
          description: { field: 'label' },
          color: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: { domain: ['sweep', 'operating point'], range: ['#4c78a8', '#e45756'] },
          },
        },
      },
      {
        mark: { type: 'text', dy: -10, fontSize: 10, aria: false },
        encoding: { x, y, text: { field: 'localExit' } },
      },
    ],
  };
}

/**
 * Accuracy with each device missing, as points on an axis fitted to the data (bars would have to
 * start at 0 to be honest, which flattens a good model's differences), with each exit's accuracy
 * with every device present as a dashed line for reference.
 */
export function faultToleranceSpec(metrics: VersionMetrics): TopLevelSpec {
  const exits = [
    [
      'local exit',
      (r: VersionMetrics['faultTolerance'][number]) => r.local,
      metrics.exitAccuracy.local,
    ],
    [
      'cloud exit',
      (r: VersionMetrics['faultTolerance'][number]) => r.cloud,
      metrics.exitAccuracy.cloud,
    ],
    [
      'overall',
      (r: VersionMetrics['faultTolerance'][number]) => r.overall,
      metrics.operatingPoint.overallAccuracy,
    ],
  ] as const;
  const values = metrics.faultTolerance.flatMap((row) =>
    exits.map(([exit, pick]) => ({
      device: `device ${row.missingDevice}`,
      exit,
      accuracy: pick(row),
      label: `without device ${row.missingDevice}: ${exit} ${percent(pick(row))}`,
    })),
  );
  const baselines = exits.map(([exit, , accuracy]) => ({
    exit,
    accuracy,
    label: `all devices: ${exit} ${percent(accuracy)}`,
  }));
  const yDomain = fittedDomain(
    [...values, ...baselines].map((v) => v.accuracy),
    0.04,
  );
  const y = {
    field: 'accuracy',
    type: 'quantitative' as const,
    title: 'accuracy',
    scale: { domain: yDomain, zero: false },
    axis: { format: '.0%' },
  };
  const color = { field: 'exit', type: 'nominal' as const, title: 'exit' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: Math.max(240, metrics.faultTolerance.length * 70),
    height: 240,
    title: 'Fault tolerance: accuracy with one device missing (dashed: all devices)',
    layer: [
      {
        data: { values: baselines },
        mark: { type: 'rule', strokeDash: [4, 3] },
        encoding: { y, color, description: { field: 'label' } },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 80 },
        encoding: {
          x: { field: 'device', type: 'nominal', title: 'missing device', axis: { labelAngle: 0 } },
          xOffset: { field: 'exit' },
          y,
          color,
          shape: { field: 'exit', type: 'nominal', title: 'exit', legend: null },
          description: { field: 'label' },
        },
      },
    ],
  };
}

/** Two (or more) versions' sweep curves on one plot, each with its operating point ringed. */
export function comparedSweepSpec(
  versions: readonly { name: string; metrics: VersionMetrics }[],
): TopLevelSpec {
  const values = versions.flatMap(({ name, metrics }) => [
    ...metrics.sweep.map((p) => ({
      ...p,
      version: name,
      kind: 'sweep',
      label: `${name}: ${sweepPointLabel(p)}`,
    })),
    {
      ...metrics.operatingPoint,
      version: name,
      kind: 'operating point',
      label: `${name} operating point: ${sweepPointLabel(metrics.operatingPoint)}`,
    },
  ]);
  const x = {
    field: 'commBytesPerDevice',
    type: 'quantitative' as const,
    title: 'communication per device per sample (bytes)',
    scale: { zero: false, nice: false, padding: 16 },
  };
  const y = {
    field: 'overallAccuracy',
    type: 'quantitative' as const,
    title: 'overall accuracy',
    scale: { domain: fittedDomain(values.map((v) => v.overallAccuracy)), zero: false },
    axis: { format: '.0%' },
  };
  const color = { field: 'version', type: 'nominal' as const, title: 'version' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: SWEEP_WIDTH,
    height: SWEEP_HEIGHT,
    title: 'Threshold sweeps compared (ringed: each version’s operating point)',
    data: { values },
    layer: [
      {
        transform: [{ filter: "datum.kind === 'sweep'" }],
        mark: { type: 'line', aria: false },
        encoding: { x, y, color, order: { field: 'threshold' } },
      },
      {
        transform: [{ filter: "datum.kind === 'sweep'" }],
        mark: { type: 'point', filled: true, size: 40 },
        encoding: { x, y, color, description: { field: 'label' } },
      },
      {
        transform: [{ filter: "datum.kind === 'operating point'" }],
        mark: { type: 'point', filled: false, size: 220, strokeWidth: 2.5 },
        encoding: { x, y, color, description: { field: 'label' } },
      },
    ],
  };
}
