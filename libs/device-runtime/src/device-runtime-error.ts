/** Why a partition or an input was refused; callers can switch on `code`. */
export enum DeviceRuntimeErrorCode {
  /** The partition is not the tier this runtime runs (e.g. a cloud partition on a device). */
  WrongTier = 'WRONG_TIER',
  /** The partition decodes but its tensors or config do not describe a runnable tier. */
  InvalidPartition = 'INVALID_PARTITION',
  /** An input has the wrong length or type. */
  InvalidInput = 'INVALID_INPUT',
}

export class DeviceRuntimeError extends Error {
  constructor(
    readonly code: DeviceRuntimeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DeviceRuntimeError';
  }
}
