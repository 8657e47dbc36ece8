export * from './device-runtime';
export * from './device-runtime-error';
export * from './local-aggregator-runtime';
export * from './exit-decision';
export * from './cloud-runtime';
export { cloudUnsupportedReason } from './cloud-layout';
export * from './hierarchy-runtime';
