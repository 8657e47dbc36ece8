export * from './bit-pack';
export * from './partition-manifest';
export * from './partition-file';
export * from './partition-signature';
