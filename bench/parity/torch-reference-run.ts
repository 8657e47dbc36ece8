/** Runs bench/torch-reference/train_reference.py on a dataset the engine's way prepared. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PreparedData, type DdnnConfig } from '../../libs/ddnn/src/index';
import { encodeBundle, type BundleEntry } from '../../libs/ddnn/src/model/tensor-bundle';
import type { MultiViewData } from '../../libs/model-spec/src/data/multi-view-data';

/** Debian's python3 (python3-torch); a pyenv python3 earlier on PATH has no torch. */
const PYTHON = '/usr/bin/python3';
const DIR = resolve(__dirname, '../../../../bench/torch-reference');

export interface TorchRun {
  local: number;
  cloud: number;
  trainSeconds: number;
  torch: string;
}

export function runTorchReference(
  config: DdnnConfig,
  train: MultiViewData,
  test: MultiViewData,
  hp: { epochs: number; batchSize: number; learningRate: number; seed: number },
  scriptDir = DIR,
): TorchRun {
  const entries: BundleEntry[] = [];
  for (const [split, data] of [
    ['train', train],
    ['test', test],
  ] as const) {
    const prepared = new PreparedData(data, config.numClasses);
    prepared.perDevice.forEach((x, v) =>
      entries.push({ name: `${split}:${v}`, shape: [data.numSamples, ...data.viewShape], data: x }),
    );
    entries.push({
      name: `${split}:labels`,
      shape: [data.numSamples],
      data: Float32Array.from(data.labels),
    });
  }
  entries.push({
    name: 'train:viewLabels',
    shape: [train.numSamples, train.numViews],
    data: Float32Array.from(train.viewLabels),
  });
  const dir = mkdtempSync(join(tmpdir(), 'ddnn-parity-ref-'));
  try {
    const file = join(dir, 'in.bundle');
    writeFileSync(file, encodeBundle('DDNNREF1', { config, ...hp }, entries));
    const output = execFileSync(PYTHON, [join(scriptDir, 'train_reference.py'), file], {
      cwd: scriptDir,
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      maxBuffer: 1 << 20,
    });
    return JSON.parse(output.trim().split('\n').pop()!) as TorchRun;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
