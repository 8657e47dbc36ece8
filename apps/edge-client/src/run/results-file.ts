import { createWriteStream, openSync, WriteStream } from 'node:fs';
import { ConfigError } from '../config/client-config';
import type { ClientLog } from '../ui/client-log';

/**
 * The gateway's --results file: one JSON line per sample. Opened before the run starts so a
 * path that cannot be written is a configuration error with the reason, not an unhandled
 * stream 'error' that ends the gateway after its devices connected; a write failure later
 * (disk full) is reported once and the run goes on without the file.
 */
export class ResultsFile {
  private failed = false;

  private constructor(
    private readonly stream: WriteStream,
    readonly path: string,
  ) {}

  static open(path: string, log: ClientLog): ResultsFile {
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (error) {
      throw new ConfigError(
        `cannot write the results file ${path} (--results, EDGE_RESULTS): ${(error as Error).message}`,
      );
    }
    const file = new ResultsFile(createWriteStream('', { fd }), path);
    file.stream.on('error', (error) => {
      if (file.failed) return;
      file.failed = true;
      log.warn('results-file-failed', `writing ${path} failed: ${error.message}; not writing it`);
    });
    return file;
  }

  write(line: unknown): void {
    if (!this.failed) this.stream.write(`${JSON.stringify(line)}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }
}
