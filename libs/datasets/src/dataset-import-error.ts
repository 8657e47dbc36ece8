/** Why an import was refused; one code per kind of bad input, so callers can map them exhaustively. */
export enum DatasetImportErrorCode {
  FileTooLarge = 'FILE_TOO_LARGE',
  TooManySamples = 'TOO_MANY_SAMPLES',
  /** More decoded pixel values than the limit (ImportLimits.maxPixels). */
  TooManyPixels = 'TOO_MANY_PIXELS',
  CorruptFile = 'CORRUPT_FILE',
  UnsupportedVersion = 'UNSUPPORTED_VERSION',
  MissingEntry = 'MISSING_ENTRY',
  WrongShape = 'WRONG_SHAPE',
  WrongDtype = 'WRONG_DTYPE',
  LabelOutOfRange = 'LABEL_OUT_OF_RANGE',
  NonFiniteValue = 'NON_FINITE_VALUE',
  InconsistentViews = 'INCONSISTENT_VIEWS',
  AbsentViewNotEmpty = 'ABSENT_VIEW_NOT_EMPTY',
  NoPresentView = 'NO_PRESENT_VIEW',
  InvalidManifest = 'INVALID_MANIFEST',
  InvalidImage = 'INVALID_IMAGE',
  ZipEntryEscapes = 'ZIP_ENTRY_ESCAPES',
  ZipBomb = 'ZIP_BOMB',
  ChecksumMismatch = 'CHECKSUM_MISMATCH',
}

/**
 * A user-facing import failure: `code` says what kind, `message` names what is wrong and what was
 * expected. Importers throw only this (never a raw library error) and import nothing when they do.
 */
export class DatasetImportError extends Error {
  constructor(
    readonly code: DatasetImportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DatasetImportError';
  }
}

export function importError(code: DatasetImportErrorCode, message: string, cause?: unknown) {
  return new DatasetImportError(code, message, cause === undefined ? undefined : { cause });
}
