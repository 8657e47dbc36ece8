/**
 * The report's charts: Vega-Lite specs built from the results (pure) and rendered to SVG with
 * Vega's headless renderer (no canvas needed).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ExperimentResults } from './experiment-results';
import {
  PAPER_DEVICES,
  PAPER_FAULT_TOLERANCE,
  PAPER_SCHEMES,
  PAPER_SWEEP,
} from './paper-reference';
import { CHART_FILES, type ChartName } from './report-charts-files';

const WIDTH = 420;
const HEIGHT = 260;
const pct = (x: number) => Math.round(1000 * x) / 10;

export function chartSpecs(r: ExperimentResults): Record<ChartName, TopLevelSpec> {
  return {
    schemes: schemesSpec(r),
    sweep: sweepSpec(r),
    accuracyVsBytes: accuracyVsBytesSpec(r),
    devices: devicesSpec(r),
    faultTolerance: faultToleranceSpec(r),
  };
}

function schemesSpec(r: ExperimentResults): TopLevelSpec {
  const values = r.schemes.flatMap((s) => {
    const paper = PAPER_SCHEMES[s.scheme];
    return [
      { scheme: s.scheme, exit: 'local', source: 'ours', accuracy: pct(s.local.mean) },
      { scheme: s.scheme, exit: 'cloud', source: 'ours', accuracy: pct(s.cloud.mean) },
      ...(paper
        ? [
            { scheme: s.scheme, exit: 'local', source: 'paper', accuracy: paper.local },
            { scheme: s.scheme, exit: 'cloud', source: 'paper', accuracy: paper.cloud },
          ]
        : []),
    ];
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Aggregation schemes: test accuracy (%)',
    data: { values },
    mark: 'bar',
    width: 200,
    height: HEIGHT,
    encoding: {
      column: { field: 'exit', type: 'nominal', title: null },
      x: { field: 'scheme', type: 'nominal', sort: null, title: null },
      xOffset: { field: 'source', type: 'nominal' },
      y: {
        field: 'accuracy',
        type: 'quantitative',
        scale: { domain: [0, 100] },
        title: 'accuracy %',
      },
      color: { field: 'source', type: 'nominal', title: null },
    },
  };
}

function sweepSpec(r: ExperimentResults): TopLevelSpec {
  const values = r.paperModel.sweep.flatMap((p) => [
    { T: p.threshold, series: 'local exits % (ours)', value: pct(p.localExitRate.mean) },
    { T: p.threshold, series: 'overall accuracy % (ours)', value: pct(p.overallAccuracy.mean) },
  ]);
  for (const p of PAPER_SWEEP) {
    values.push({ T: p.threshold, series: 'local exits % (paper)', value: p.localExit });
    values.push({ T: p.threshold, series: 'overall accuracy % (paper)', value: p.overall });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Threshold sweep, MP-CC, 6 devices',
    data: { values },
    mark: { type: 'line', point: true },
    width: WIDTH,
    height: HEIGHT,
    encoding: {
      x: { field: 'T', type: 'quantitative', title: 'entropy threshold T' },
      y: { field: 'value', type: 'quantitative', scale: { domain: [0, 100] }, title: '%' },
      color: { field: 'series', type: 'nominal', title: null },
      strokeDash: {
        field: 'series',
        type: 'nominal',
        legend: null,
        scale: {
          domain: [
            'local exits % (ours)',
            'overall accuracy % (ours)',
            'local exits % (paper)',
            'overall accuracy % (paper)',
          ],
          range: [
            [1, 0],
            [1, 0],
            [4, 3],
            [4, 3],
          ],
        },
      },
    },
  };
}

function accuracyVsBytesSpec(r: ExperimentResults): TopLevelSpec {
  const values = r.paperModel.sweep.map((p) => ({
    bytes: Math.round(10 * p.commBytesPerDevice.mean) / 10,
    accuracy: pct(p.overallAccuracy.mean),
    T: p.threshold,
    source: 'ours',
  }));
  for (const p of PAPER_SWEEP) {
    values.push({ bytes: p.comm, accuracy: p.overall, T: p.threshold, source: 'paper' });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Overall accuracy against bytes per device',
    data: { values },
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'bytes', type: 'quantitative', title: 'bytes per device per sample' },
          y: {
            field: 'accuracy',
            type: 'quantitative',
            scale: { zero: false },
            title: 'overall accuracy %',
          },
          color: { field: 'source', type: 'nominal', title: null },
          order: { field: 'T', type: 'quantitative' },
        },
      },
      {
        mark: { type: 'text', dy: -9, fontSize: 9 },
        transform: [{ filter: "datum.source === 'ours'" }],
        encoding: {
          x: { field: 'bytes', type: 'quantitative' },
          y: { field: 'accuracy', type: 'quantitative' },
          text: { field: 'T', type: 'quantitative', format: '.1f' },
        },
      },
    ],
  };
}

function devicesSpec(r: ExperimentResults): TopLevelSpec {
  const values = r.devices.flatMap((d) => [
    {
      devices: d.numDevices,
      series: 'mean device',
      source: 'ours',
      accuracy: pct(d.meanDevice.mean),
    },
    { devices: d.numDevices, series: 'local', source: 'ours', accuracy: pct(d.local.mean) },
    { devices: d.numDevices, series: 'cloud', source: 'ours', accuracy: pct(d.cloud.mean) },
    { devices: d.numDevices, series: 'overall', source: 'ours', accuracy: pct(d.overall.mean) },
  ]);
  for (const p of PAPER_DEVICES) {
    values.push({ devices: p.numDevices, series: 'local', source: 'paper', accuracy: p.local });
    values.push({ devices: p.numDevices, series: 'cloud', source: 'paper', accuracy: p.cloud });
    values.push({ devices: p.numDevices, series: 'overall', source: 'paper', accuracy: p.overall });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Accuracy against the number of devices (MP-CC)',
    data: { values },
    mark: { type: 'line', point: true },
    width: WIDTH,
    height: HEIGHT,
    encoding: {
      x: { field: 'devices', type: 'ordinal', title: 'number of devices' },
      y: {
        field: 'accuracy',
        type: 'quantitative',
        scale: { domain: [0, 100] },
        title: 'accuracy %',
      },
      color: { field: 'series', type: 'nominal', title: null },
      strokeDash: { field: 'source', type: 'nominal', title: null },
      detail: { field: 'source', type: 'nominal' },
    },
  };
}

function faultToleranceSpec(r: ExperimentResults): TopLevelSpec {
  const values = r.paperModel.faultTolerance.flatMap((f) => {
    const missing = f.missingDevice === null ? 'none' : `device ${f.missingDevice}`;
    return [
      { missing, exit: 'local', source: 'ours', accuracy: pct(f.local.mean) },
      { missing, exit: 'cloud', source: 'ours', accuracy: pct(f.cloud.mean) },
      { missing, exit: 'overall', source: 'ours', accuracy: pct(f.overall.mean) },
    ];
  });
  for (const p of PAPER_FAULT_TOLERANCE) {
    const missing = `device ${p.missingDevice}`;
    values.push({ missing, exit: 'local', source: 'paper', accuracy: p.local });
    values.push({ missing, exit: 'cloud', source: 'paper', accuracy: p.cloud });
    values.push({ missing, exit: 'overall', source: 'paper', accuracy: p.overall });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Accuracy with one device missing (MP-CC)',
    data: { values },
    mark: 'bar',
    width: 160,
    height: HEIGHT,
    encoding: {
      column: { field: 'exit', type: 'nominal', title: null },
      x: { field: 'missing', type: 'nominal', sort: null, title: 'missing device' },
      xOffset: { field: 'source', type: 'nominal' },
      y: {
        field: 'accuracy',
        type: 'quantitative',
        scale: { domain: [0, 100] },
        title: 'accuracy %',
      },
      color: { field: 'source', type: 'nominal', title: null },
    },
  };
}

/** Renders one Vega-Lite spec to an SVG document string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Every chart of the report as [file name, SVG]. */
export async function renderCharts(r: ExperimentResults): Promise<[string, string][]> {
  const specs = chartSpecs(r);
  const out: [string, string][] = [];
  for (const name of Object.keys(specs) as ChartName[]) {
    out.push([CHART_FILES[name], await renderSvg(specs[name])]);
  }
  return out;
}
