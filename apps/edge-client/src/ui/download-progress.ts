import { SingleBar } from 'cli-progress';
import type { ProgressCallback } from '../platform/platform-api';

/** A progress bar on stderr for a partition download; nothing when not a TTY or with --json. */
export function downloadProgress(json: boolean): {
  onProgress: ProgressCallback;
  stop: () => void;
} {
  if (json || !process.stderr.isTTY) return { onProgress: () => undefined, stop: () => undefined };
  let bar: SingleBar | null = null;
  return {
    onProgress: (received, total) => {
      if (!bar) {
        bar = new SingleBar({
          format: 'partition [{bar}] {percentage}% {value}/{total} bytes',
          stream: process.stderr,
          hideCursor: true,
        });
        bar.start(total ?? 0, 0);
      }
      if (total !== null) bar.setTotal(total);
      bar.update(received);
    },
    stop: () => bar?.stop(),
  };
}
