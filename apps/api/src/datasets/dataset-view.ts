/** A dataset row without its encoded bytes: what clients see. */
export type { DatasetRecord } from '@ddnn/persistence';
