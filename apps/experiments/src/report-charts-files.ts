/** File names of the report's SVG charts, next to README.md. */
export const CHART_FILES = {
  schemes: 'schemes.svg',
  sweep: 'threshold-sweep.svg',
  accuracyVsBytes: 'accuracy-vs-bytes.svg',
  devices: 'devices.svg',
  faultTolerance: 'fault-tolerance.svg',
} as const;

export type ChartName = keyof typeof CHART_FILES;
