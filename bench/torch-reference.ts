import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's python3 (python3-torch); a pyenv python3 earlier on PATH has no torch. */
const PYTHON = '/usr/bin/python3';

export interface TorchFigures {
  version: string;
  threads: number;
  trainSecondsPerEpoch: number;
  inferB1: number;
  inferB64: number;
  /** The reference's own output lines. */
  runs: string[];
}

/** Runs ../shared/bench/ref_ddnn_torch.py (2 threads, 3 epochs, batch 32) and parses its line. */
export function measureTorchReference(script: string): TorchFigures | { skipped: string } {
  if (!existsSync(script)) return { skipped: `${script} not found` };
  if (!existsSync(PYTHON)) return { skipped: `${PYTHON} not found` };
  let version: string;
  try {
    version = execFileSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return { skipped: `torch is not installed for ${PYTHON} (apt-get install python3-torch)` };
  }
  const output = execFileSync(PYTHON, [script, '2', '3', '32'], { encoding: 'utf8' });
  const line = output.split('\n').find((l) => l.startsWith('torch '));
  const field = (name: string) => {
    const match = line?.match(new RegExp(`${name}=([0-9.]+)`));
    if (!match) throw new Error(`cannot read ${name} from the reference's output: ${output}`);
    return Number(match[1]);
  };
  return {
    version,
    threads: field('threads'),
    trainSecondsPerEpoch: field('train_s_per_epoch'),
    inferB1: field('infer_b1_us'),
    inferB64: field('infer_b64_us_per_sample'),
    runs: [line!.trim()],
  };
}
