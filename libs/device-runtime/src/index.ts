export * from './device-runtime';
export * from './device-runtime-error';
export * from './local-aggregator-runtime';
// The one-tier exit decision lives in @ddnn/model-spec; `decideExit` is its old name here, kept
// so apps/api/src/inference compiles unchanged (@deprecated: import decideTierExit instead).
export {
  decideTierExit,
  decideTierExit as decideExit,
  type TierExitDecision,
  type TierExitDecision as ExitDecision,
} from '@ddnn/model-spec';
export * from './c-export/c-export';
export * from './c-export/c-export-error';
export * from './c-export/mcu-footprint';
export * from './cloud-runtime';
export { cloudUnsupportedReason } from './cloud-layout';
export * from './hierarchy-runtime';
