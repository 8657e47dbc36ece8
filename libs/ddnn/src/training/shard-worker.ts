/**
 * Entry point of a training thread (worker_threads): its own tfjs backend (its own WASM
 * instance), a model of the run's config and the run's data (shared memory). For each step it
 * receives the current weights and a shard of the batch, and replies with the shard's gradients,
 * losses and BatchNorm statistics. trainModel reduces them (data-parallel-steps.ts).
 */
import { parentPort, type TransferListItem } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initEngineBackend } from '../backend/engine-backend';
import { setSimdKernelsEnabled } from '../backend/simd-kernels';
import { PreparedData } from '../data/prepared-data';
import { DdnnModel } from '../model/ddnn-model';
import type {
  ShardGradients,
  ShardInit,
  ShardReply,
  ShardRequest,
  ShardStep,
} from './shard-protocol';
import { stepGradients, trainableEntries } from './step-gradients';
import { timelineNow, type TimelineMark } from './step-timeline';

interface Run {
  model: DdnnModel;
  data: PreparedData;
  hp: ShardInit['hp'];
}

let run: Run | null = null;

async function init(message: ShardInit): Promise<void> {
  await initEngineBackend(message.backend);
  setSimdKernelsEnabled(message.simd);
  run?.model.dispose();
  run = null;
  // the seed does not matter: every step brings the weights
  run = {
    model: DdnnModel.create(message.config, 0),
    data: PreparedData.fromParts(message.data),
    hp: message.hp,
  };
}

function step(message: ShardStep): ShardGradients {
  const timeline: TimelineMark[] | undefined = message.timeline
    ? [['worker received', timelineNow()]]
    : undefined;
  if (!run) throw new Error('the training thread got a step before its init');
  const { model, data, hp } = run;
  const variables = trainableEntries(model);
  if (message.weights.length !== variables.length) {
    throw new Error(`expected ${variables.length} weight arrays, got ${message.weights.length}`);
  }
  tf.tidy(() => {
    variables.forEach(([, v], i) => v.assign(tf.tensor(message.weights[i], v.shape, 'float32')));
  });
  timeline?.push(['worker assigned weights', timelineNow()]);
  const g = stepGradients(
    model,
    data,
    message.indices,
    hp,
    message.droppedDevice,
    message.denominators,
  );
  // copies: the CPU backend hands out its own arrays, and the reply transfers these buffers
  const read = (t: tf.Tensor) => (t.dataSync() as Float32Array).slice();
  timeline?.push(['worker computed', timelineNow()]);
  try {
    return {
      type: 'gradients',
      timeline,
      grads: variables.map(([, v]) => {
        const grad = g.grads[v.name];
        return grad ? read(grad) : new Float32Array(v.size);
      }),
      bn: g.bnUpdates.map((u) => ({
        mean: read(u.mean),
        variance: read(u.variance),
        count: u.count,
      })),
      losses: g.losses,
      correct: g.correct,
      counted: g.counted,
    };
  } finally {
    tf.dispose(g.grads);
    for (const u of g.bnUpdates) tf.dispose([u.mean, u.variance]);
  }
}

function transferables(reply: ShardReply): TransferListItem[] {
  if (reply.type !== 'gradients') return [];
  return [
    ...reply.grads.map((a) => a.buffer),
    ...reply.bn.flatMap((s) => [s.mean.buffer, s.variance.buffer]),
  ] as TransferListItem[];
}

const port = parentPort;
if (!port) throw new Error('shard-worker runs as a worker thread (trainModel starts it)');
// one message at a time, in order: each reply answers the request before it
let queue = Promise.resolve();
port.on('message', (message: ShardRequest) => {
  queue = queue.then(async () => {
    let reply: ShardReply;
    try {
      if (message.type === 'init') {
        await init(message);
        reply = { type: 'ready' };
      } else if (message.type === 'reset') {
        run?.model.dispose();
        run = null;
        reply = { type: 'ready' };
      } else {
        reply = step(message);
      }
    } catch (error) {
      reply = { type: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    if (reply.type === 'gradients') reply.timeline?.push(['worker replied', timelineNow()]);
    port.postMessage(reply, transferables(reply));
  });
});
