/**
 * The paper's published numbers (Teerapittayanon et al., ICDCS 2017, and the authors' result
 * files), as summarised in ddnn-reference.md. Reference values only: printed beside ours, never
 * used as results.
 */

/** Local / cloud accuracy (%) of the nine aggregation schemes, LOCAL-CLOUD. */
export const PAPER_SCHEMES: Readonly<Record<string, { local: number; cloud: number }>> = {
  'MP-MP': { local: 95, cloud: 91 },
  'MP-CC': { local: 98, cloud: 98 },
  'AP-AP': { local: 86, cloud: 98 },
  'AP-CC': { local: 75, cloud: 96 },
  'CC-CC': { local: 85, cloud: 94 },
  'AP-MP': { local: 88, cloud: 93 },
  'MP-AP': { local: 89, cloud: 97 },
  'CC-MP': { local: 77, cloud: 87 },
  'CC-AP': { local: 80, cloud: 94 },
};

/** Threshold sweep on the 6-device MP-CC model: local exit %, overall accuracy %, bytes/device. */
export const PAPER_SWEEP: readonly {
  threshold: number;
  localExit: number;
  overall: number;
  comm: number;
}[] = [
  { threshold: 0.1, localExit: 0.0, overall: 96, comm: 140 },
  { threshold: 0.3, localExit: 0.58, overall: 96, comm: 139 },
  { threshold: 0.5, localExit: 1.75, overall: 96, comm: 138 },
  { threshold: 0.6, localExit: 2.92, overall: 96, comm: 136 },
  { threshold: 0.7, localExit: 22.81, overall: 96, comm: 111 },
  { threshold: 0.8, localExit: 60.82, overall: 97, comm: 62 },
  { threshold: 0.9, localExit: 83.04, overall: 96, comm: 34 },
  { threshold: 1.0, localExit: 100.0, overall: 92, comm: 12 },
];

/** Accuracy (%) against the number of devices: individual / local / cloud / overall. */
export const PAPER_DEVICES: readonly {
  numDevices: number;
  individual: number;
  local: number;
  cloud: number;
  overall: number;
}[] = [
  { numDevices: 1, individual: 37, local: 37, cloud: 55, overall: 58 },
  { numDevices: 2, individual: 37, local: 43, cloud: 77, overall: 80 },
  { numDevices: 3, individual: 46, local: 75, cloud: 87, overall: 88 },
  { numDevices: 4, individual: 52, local: 94, cloud: 95, overall: 96 },
  { numDevices: 5, individual: 60, local: 95, cloud: 97, overall: 99 },
  { numDevices: 6, individual: 73, local: 97, cloud: 99, overall: 99 },
];

/** Accuracy (%) with one device missing (the paper numbers devices 1..6; ours are 0..5). */
export const PAPER_FAULT_TOLERANCE: readonly {
  missingDevice: number;
  local: number;
  cloud: number;
  overall: number;
}[] = [
  { missingDevice: 0, local: 92, cloud: 98, overall: 99 },
  { missingDevice: 1, local: 94, cloud: 98, overall: 99 },
  { missingDevice: 2, local: 97, cloud: 98, overall: 99 },
  { missingDevice: 3, local: 95, cloud: 97, overall: 99 },
  { missingDevice: 4, local: 96, cloud: 96, overall: 96 },
  { missingDevice: 5, local: 94, cloud: 95, overall: 98 },
];

/** The paper's communication claim: raw 32x32x3 image vs 12-140 B of scores and binary features. */
export const PAPER_COMMUNICATION = {
  rawViewBytes: 3072,
  bytesAllOffloaded: 140,
  bytesAllLocal: 12,
  claim: 'over 20x less than offloading raw images',
} as const;

/** The authors' PyTorch release on MNIST split into 6 tiles (float ResNet-style devices). */
export const PAPER_MNIST_OVERALL = 99.17;

export const SCHEME_NAMES = Object.keys(PAPER_SCHEMES);
