import { initEngineBackend } from '@ddnn/engine';
import { TrainingProgressPubSub } from '../apps/api/src/graphql/training-progress-pubsub';
import type { TrainingProgressGql } from '../apps/api/src/graphql/types';
import { createOipModel } from './support/oip-fixture';
import { GraphqlSubscription } from './support/graphql-subscription';
import { TestPlatform, waitFor } from './support/test-platform';

type Progress = { trainingProgress: { status: string; epoch: number; trainingJobId: string } };
const QUERY =
  'subscription P($id: ID!) { trainingProgress(jobId: $id) { trainingJobId status epoch } }';

/**
 * trainingProgress over graphql-transport-ws: it ends with `complete` when the job reaches a
 * terminal state (by its final event, or by re-reading the job when no event comes), a finished
 * job yields its final state and completes, an unknown job is an error.
 */
describe('GraphQL subscriptions end', () => {
  let platform: TestPlatform;
  let ids: { modelId: string; datasetId: string };

  beforeAll(async () => {
    await initEngineBackend('wasm');
    platform = await TestPlatform.start();
    await createOipModel(platform, 'cams');
    const model = await platform.prisma.model.findUniqueOrThrow({ where: { name: 'cams' } });
    const dataset = await platform.prisma.dataset.findUniqueOrThrow({
      where: { name: 'cams-fixture' },
    });
    ids = { modelId: model.id, datasetId: dataset.id };
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
  });

  const job = (status: 'RUNNING' | 'COMPLETED' | 'FAILED', currentEpoch = 0) =>
    platform.prisma.trainingJob.create({
      data: { ...ids, status, params: {}, totalEpochs: 3, currentEpoch },
    });
  const open = (id: string) => GraphqlSubscription.open<Progress>(platform.baseUrl, QUERY, { id });
  const within = <T>(promise: Promise<T>, ms: number, what: string) =>
    Promise.race([
      promise,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what}`)), ms)),
    ]);

  it('forwards events until a terminal one, then completes', async () => {
    const { id } = await job('RUNNING');
    const sub = await open(id);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const pubsub = platform.app.get(TrainingProgressPubSub);
      const event = (status: string, epoch: number): TrainingProgressGql => ({
        trainingJobId: id,
        status: status as TrainingProgressGql['status'],
        epoch,
        epochs: 3,
        progress: epoch / 3,
        losses: null,
        accuracies: null,
        etaMs: null,
        error: null,
      });
      pubsub.publish(id, event('RUNNING', 1));
      pubsub.publish(id, event('COMPLETED', 3));
      await within(sub.completed, 5000, 'complete');
      expect(sub.events.map((e) => [e.trainingProgress.status, e.trainingProgress.epoch])).toEqual([
        ['RUNNING', 1],
        ['COMPLETED', 3],
      ]);
      expect(sub.errors).toEqual([]);
    } finally {
      sub.close();
    }
  });

  it('completes when the job ends without a final event (re-reads the job)', async () => {
    const { id } = await job('RUNNING', 1);
    const sub = await open(id);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await platform.prisma.trainingJob.update({ where: { id }, data: { status: 'CANCELLED' } });
      await within(sub.completed, 8000, 'complete');
      expect(sub.events.map((e) => e.trainingProgress.status)).toEqual(['CANCELLED']);
    } finally {
      sub.close();
    }
  });

  it('yields the final state of a finished job and completes', async () => {
    const { id } = await job('FAILED', 2);
    const sub = await open(id);
    try {
      await within(sub.completed, 5000, 'complete');
      expect(sub.events).toEqual([
        { trainingProgress: { trainingJobId: id, status: 'FAILED', epoch: 2 } },
      ]);
    } finally {
      sub.close();
    }
  });

  it('answers an unknown job with an error', async () => {
    const sub = await open('00000000-0000-0000-0000-000000000000');
    try {
      const errors = await waitFor(
        async () => (sub.errors.length > 0 ? sub.errors : undefined),
        5000,
        'an error',
      );
      expect(JSON.stringify(errors)).toContain(
        'no training job 00000000-0000-0000-0000-000000000000',
      );
      expect(sub.events).toEqual([]);
    } finally {
      sub.close();
    }
  });
});
