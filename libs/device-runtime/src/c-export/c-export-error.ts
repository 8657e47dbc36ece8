/** A partition the C export cannot turn into C (e.g. a float device, too many channels). */
export class CExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CExportError';
  }
}
