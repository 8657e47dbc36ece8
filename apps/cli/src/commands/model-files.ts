import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CutPartition, DdnnModel, deserializeModel, serializeModel } from '@ddnn/engine';

/** Where a run's data came from, recorded so that `ddnn eval` uses the same dataset. */
export interface DatasetSource {
  dataset: string;
  seed: number;
  testFraction: number;
  trainSize?: number;
  testSize?: number;
}

/** What `ddnn train` writes: the whole model, each partition, and the metrics. */
export function runPaths(dir: string) {
  return {
    model: join(dir, 'model.ddnn'),
    metrics: join(dir, 'metrics.json'),
    partitions: join(dir, 'partitions'),
  };
}

export function partitionFileName(p: CutPartition): string {
  return p.manifest.tier === 'device'
    ? `device${p.manifest.deviceIndex}.ddnnp`
    : `${p.manifest.tier}.ddnnp`;
}

export async function writeRun(
  dir: string,
  model: DdnnModel,
  partitions: CutPartition[],
  metrics: unknown,
): Promise<string[]> {
  const paths = runPaths(dir);
  await mkdir(paths.partitions, { recursive: true });
  await writeFile(paths.model, serializeModel(model));
  const written = [paths.model];
  for (const p of partitions) {
    const file = join(paths.partitions, partitionFileName(p));
    await writeFile(file, p.bytes);
    written.push(file);
  }
  await writeFile(paths.metrics, JSON.stringify(metrics, null, 2) + '\n');
  written.push(paths.metrics);
  return written;
}

/** Loads a model file, or the model.ddnn inside a run directory. */
export async function readModel(path: string): Promise<DdnnModel> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path.endsWith('.ddnn') ? path : runPaths(path).model);
  } catch (err) {
    throw new Error(`cannot read model ${path}: ${(err as Error).message}`);
  }
  return deserializeModel(new Uint8Array(bytes));
}
