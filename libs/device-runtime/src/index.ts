export * from './device-runtime';
export * from './device-runtime-error';
export * from './local-aggregator-runtime';
export * from './exit-decision';
export * from './c-export/c-export';
export * from './c-export/c-export-error';
export * from './c-export/mcu-footprint';
