/**
 * The bounds of a DDNN config, as plain data: the zod schema (ddnn-config.ts) is built from them,
 * and the dashboard's form imports them as they are (no zod in the browser bundle).
 */
export const DDNN_CONFIG_BOUNDS = {
  numDevices: { min: 1, max: 16 },
  /** Height and width of one view. */
  inputSide: { min: 4, max: 256 },
  inputChannels: { min: 1, max: 16 },
  numClasses: { min: 2, max: 1000 },
  /** Per conv stack (device, edge, cloud). */
  blocks: { min: 1, max: 3 },
  filters: { min: 1, max: 256 },
  poolStride: { min: 1, max: 4 },
} as const;
