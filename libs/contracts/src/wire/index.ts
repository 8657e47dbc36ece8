export * from './binary-tensor-data';
export * from './oip-names';
export * from './partition-headers';
