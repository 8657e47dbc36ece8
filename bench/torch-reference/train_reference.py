"""The PyTorch reference of `npm run parity`: the same DDNN trained the plain PyTorch way.

usage: train_reference.py IN.bundle  -> one JSON line on stdout
IN (magic DDNNREF1): meta {config, epochs, batchSize, learningRate, seed};
  tensors "train:<device>" / "test:<device>" [N, H, W, C] floats, "train:labels", "train:viewLabels",
  "test:labels".
PyTorch's own choices throughout: its default initialisation (Kaiming-uniform), BatchNorm eps
1e-5, torch.optim.Adam, a torch.Generator shuffle per epoch; all training samples, last epoch
(the usual PyTorch training loop). A lone last sample is folded into the previous batch, as the
engine does, because BatchNorm cannot train on a batch of one.
"""
import json
import sys
import time

import torch

from ddnn_torch import TorchDdnn, exit_losses, exit_weight_list, read_bundle, torch_default_parameters

torch.set_num_threads(1)


def accuracy(scores, labels):
    return float((scores.argmax(1) == labels).float().mean())


def main():
    meta, t = read_bundle(sys.argv[1], 'DDNNREF1')
    config = meta['config']
    V = config['numDevices']
    train_x = [torch.tensor(t[f'train:{v}']) for v in range(V)]
    test_x = [torch.tensor(t[f'test:{v}']) for v in range(V)]
    labels = torch.tensor(t['train:labels']).long()
    view_labels = torch.tensor(t['train:viewLabels']).long()
    test_labels = torch.tensor(t['test:labels']).long()
    model = TorchDdnn(config, torch_default_parameters(config, meta['seed']), 1e-5)
    opt = torch.optim.Adam(model.trainable(), lr=meta['learningRate'])
    weights = exit_weight_list(config, {})
    gen = torch.Generator().manual_seed(meta['seed'])
    n, batch = labels.shape[0], meta['batchSize']
    started = time.time()
    for _ in range(meta['epochs']):
        order = torch.randperm(n, generator=gen)
        start = 0
        while start < n:
            end = n if n - (start + batch) < 2 else start + batch
            idx = order[start:end]
            out = model.forward([x[idx] for x in train_x], True)
            losses = exit_losses(model, out, labels[idx], view_labels[idx])
            total = sum(w * l for w, (l, _) in zip(weights, losses))
            opt.zero_grad()
            total.backward()
            opt.step()
            start = end
    seconds = time.time() - started
    with torch.no_grad():
        out = model.forward(test_x, False)
    print(json.dumps({
        'local': accuracy(out['local'], test_labels),
        'cloud': accuracy(out['cloud'], test_labels),
        'trainSeconds': seconds,
        'torch': torch.__version__,
    }))


if __name__ == '__main__':
    main()
