export * from './device-runtime';
export * from './device-runtime-error';
export * from './local-aggregator-runtime';
// The one-tier exit decision lives in @ddnn/model-spec; re-exported for the runtimes' users.
export { decideTierExit, type TierExitDecision } from '@ddnn/model-spec';
export * from './c-export/c-export';
export * from './c-export/c-export-error';
export * from './c-export/mcu-footprint';
export * from './cloud-runtime';
export { cloudUnsupportedReason } from './cloud-layout';
export * from './hierarchy-runtime';
