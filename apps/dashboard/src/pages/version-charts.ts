import type { TopLevelSpec } from 'vega-lite';
import type { VersionMetrics } from '../api/types';
import { percent } from '../format';

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

/** The paper's key figure: overall accuracy against bytes sent per device, labelled with local-exit %. */
export function thresholdSweepSpec(metrics: VersionMetrics): TopLevelSpec {
  const operating = metrics.operatingPoint;
  // The sweep's points, and the version's own operating point (its T is usually not on the grid).
  const values = [
    ...metrics.sweep.map((p) => ({ ...p, label: sweepPointLabel(p), kind: 'sweep' })),
    {
      ...operating,
      label: `operating point: ${sweepPointLabel(operating)}`,
      kind: 'operating point',
    },
  ].map((p) => ({ ...p, localExit: percent(p.localExitRate, 0) }));
  const x = {
    field: 'commBytesPerDevice',
    type: 'quantitative' as const,
    title: 'communication per device per sample (bytes)',
    scale: { zero: false },
  };
  const y = {
    field: 'overallAccuracy',
    type: 'quantitative' as const,
    title: 'overall accuracy',
    axis: { format: '.0%' },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 480,
    height: 280,
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

export function faultToleranceSpec(metrics: VersionMetrics): TopLevelSpec {
  const values = metrics.faultTolerance.flatMap((row) =>
    [
      ['local exit', row.local],
      ['cloud exit', row.cloud],
      ['overall', row.overall],
    ].map(([exit, accuracy]) => ({
      device: `without device ${row.missingDevice}`,
      exit,
      accuracy,
    })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: { step: 14 },
    height: 220,
    title: 'Fault tolerance: accuracy with one device missing',
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'device', type: 'nominal', title: null },
      xOffset: { field: 'exit' },
      y: {
        field: 'accuracy',
        type: 'quantitative',
        scale: { domain: [0, 1] },
        axis: { format: '.0%' },
      },
      color: { field: 'exit', type: 'nominal' },
    },
  };
}
