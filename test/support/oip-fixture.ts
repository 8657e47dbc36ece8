import { insertEmptyDataset, publishUntrainedVersion } from './publish-test-version';
import type { TestPlatform } from './test-platform';

/** Three 8x8 binary cameras, three classes: a model small enough to serve in any test. */
export const OIP_MODEL_CONFIG = {
  numDevices: 3,
  inputShape: [8, 8, 1],
  numClasses: 3,
  device: { blocks: 1, filters: 2, poolStride: 2, binary: true },
  localAggregator: 'MP',
  cloudAggregator: 'CC',
  cloud: { blocks: 1, filters: 4, poolStride: 1, binary: true },
};

/**
 * Model `name` with versions 1 and 2 (untrained weights from two seeds, cut as the worker cuts
 * them) and the alias "production" on version 1. Needs initEngineBackend first.
 */
export async function createOipModel(platform: TestPlatform, name: string): Promise<void> {
  const prisma = platform.prisma;
  const dataset = await insertEmptyDataset(
    prisma,
    { name: `${name}-fixture`, viewCount: 3, viewShape: [8, 8, 1], classNames: ['x', 'y', 'z'] },
    ['a', 'b', 'c'],
  );
  const created = await platform.http('/models', {
    method: 'POST',
    admin: true,
    json: { name, config: OIP_MODEL_CONFIG },
  });
  if (created.status !== 201) throw new Error(`POST /models: ${created.status} ${created.text}`);
  const model = await prisma.model.findUniqueOrThrow({ where: { name } });
  for (const seed of [1, 2]) {
    await publishUntrainedVersion(prisma, {
      modelId: model.id,
      datasetId: dataset.id,
      config: model.config,
      seed,
    });
  }
  const alias = await platform.http(`/models/${name}/aliases/production`, {
    method: 'PUT',
    admin: true,
    json: { version: 1 },
  });
  if (alias.status !== 200) throw new Error(`PUT alias: ${alias.status} ${alias.text}`);
}

/** `n` deterministic samples of views, FP32 [n, 3, 8, 8, 1] flattened, values in [0, 1). */
export function sampleViews(n: number): number[] {
  return Array.from({ length: n * 3 * 64 }, (_, i) => ((i * 7919) % 256) / 256);
}
