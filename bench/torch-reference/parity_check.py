"""Numerical parity run: the engine's exported weights and batches in, PyTorch's outputs out.

usage: parity_check.py IN.bundle OUT.bundle
IN (magic DDNNPAR1): meta {config, bnEps, learningRate, exitWeights, batches, stepsPerEpoch};
  tensors "w:<engine variable name>", "x:<device>" [N, H, W, C], "labels" [N], "viewLabels" [N, V].
OUT (magic DDNNPAR2): meta {epochLosses, f64EpochLosses}; tensors "eval0:*" (eval-mode exits and
  device feature maps before training), "epoch<k>:<variable>" (weights after epoch k), "eval1:*"
  (after training); the same again prefixed "f64/" from a float64 run of the same steps, which
  shows how far float rounding alone moves PyTorch from itself.
"""
import sys

import torch

from ddnn_torch import TorchDdnn, read_bundle, train_steps, write_bundle

torch.set_num_threads(1)


def eval_outputs(model, inputs, prefix, out):
    with torch.no_grad():
        res = model.forward(inputs, False)
    for v, d in enumerate(res['devices']):
        out[f'{prefix}:device{v}/features'] = d[0].permute(0, 2, 3, 1).numpy()
        out[f'{prefix}:device{v}/scores'] = d[1].numpy()
    out[f'{prefix}:local'] = res['local'].numpy()
    if res['edge'] is not None:
        out[f'{prefix}:edge'] = res['edge'][1].numpy()
    out[f'{prefix}:cloud'] = res['cloud'].numpy()


def run(meta, tensors, dtype, tag, out):
    config = meta['config']
    weights = {k[2:]: v for k, v in tensors.items() if k.startswith('w:')}
    model = TorchDdnn(config, weights, meta['bnEps'], dtype)
    inputs = [torch.tensor(tensors[f'x:{v}']).to(dtype) for v in range(config['numDevices'])]
    labels = torch.tensor(tensors['labels']).long()
    view_labels = torch.tensor(tensors['viewLabels']).long()
    eval_outputs(model, inputs, f'{tag}eval0', out)

    def snapshot(epoch):
        for name, t in model.p.items():
            out[f'{tag}epoch{epoch}:{name}'] = t.detach().numpy().copy()

    epoch_losses = train_steps(model, inputs, labels, view_labels, meta['batches'], meta['learningRate'],
                               meta['exitWeights'], snapshot, meta['stepsPerEpoch'])
    eval_outputs(model, inputs, f'{tag}eval1', out)
    return epoch_losses


def main():
    meta, tensors = read_bundle(sys.argv[1], 'DDNNPAR1')
    out = {}
    losses = run(meta, tensors, torch.float32, '', out)
    losses64 = run(meta, tensors, torch.float64, 'f64/', out)
    write_bundle(sys.argv[2], 'DDNNPAR2',
                 {'epochLosses': losses, 'f64EpochLosses': losses64, 'torch': torch.__version__}, out)


if __name__ == '__main__':
    main()
