"""The engine's DDNN written in plain PyTorch (CPU), for the parity test and `npm run parity`.

Parameters are held in the engine's own names and layouts (channels-last kernels [3, 3, cin, cout],
fully-connected kernels [features, classes], features flattened in H, W, C order), so weights
exported by the engine load as they are and gradients come back in the engine's layout.
Only the arithmetic is PyTorch's: conv2d, max_pool2d, batch_norm, log_softmax, torch.optim.Adam.

Deliberate choices, each matching the engine (see docs/results/parity.md):
- sign(0) = +1 for weights and activations; the activation's straight-through gradient is passed
  where |x| <= 1 (the clipped STE); binary weights pass the gradient unchanged to the real weight.
- ConvP block: conv 3x3 stride 1 pad 1, max-pool 3x3 pad 1 (padding never wins the max), the conv
  bias added after the pool (identical: max(x) + b = max(x + b)), BatchNorm, activation.
- BatchNorm: batch statistics (biased variance) in training, moving averages with momentum 0.1 of
  the new value and the unbiased batch variance; eps is a parameter (engine: 2e-5, Chainer's
  default which the paper's code used; PyTorch's default is 1e-5).
- The loss of an exit is the mean cross-entropy over the rows that have a label (an absent view
  has label -1); an exit with no labelled row in a batch contributes 0 (PyTorch's own
  ignore_index would give NaN there).
"""
import json
import struct

import numpy as np
import torch
import torch.nn.functional as F


# ----------------------------------------------------------------------------- tensor bundles
def read_bundle(path, magic):
    """Reads the engine's tensor bundle (libs/ddnn/src/model/tensor-bundle.ts)."""
    raw = open(path, 'rb').read()
    if raw[:8].decode('ascii') != magic:
        raise ValueError(f'{path}: expected magic {magic}, got {raw[:8]!r}')
    (length,) = struct.unpack('<I', raw[8:12])
    header = json.loads(raw[12:12 + length].decode('utf-8'))
    start = (12 + length + 3) // 4 * 4
    data = np.frombuffer(raw, dtype='<f4', offset=start)
    tensors = {}
    for e in header['entries']:
        tensors[e['name']] = data[e['offset']:e['offset'] + e['length']].reshape(e['shape']).copy()
    return header['meta'], tensors


def write_bundle(path, magic, meta, tensors):
    header_entries, offset, chunks = [], 0, []
    for name, value in tensors.items():
        arr = np.ascontiguousarray(np.asarray(value, dtype='<f4'))
        header_entries.append({'name': name, 'shape': list(arr.shape), 'offset': offset, 'length': int(arr.size)})
        offset += arr.size
        chunks.append(arr.tobytes())
    header = json.dumps({'meta': meta, 'entries': header_entries}).encode('utf-8')
    start = (12 + len(header) + 3) // 4 * 4
    with open(path, 'wb') as f:
        f.write(magic.encode('ascii'))
        f.write(struct.pack('<I', len(header)))
        f.write(header)
        f.write(b'\0' * (start - 12 - len(header)))
        for c in chunks:
            f.write(c)


# ----------------------------------------------------------------------------- binary ops
def sign_pm1(x):
    return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))


class BinaryActivation(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return sign_pm1(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x.abs() <= 1).to(grad.dtype)


def binarize_weights(w):
    return w + (sign_pm1(w) - w).detach()


# ----------------------------------------------------------------------------- geometry
def pooled(size, stride):
    return (size + 2 - 3) // stride + 1


def stack_out(size, stack):
    for _ in range(stack['blocks']):
        size = pooled(size, stack['poolStride'])
    return size


def parameter_shapes(config):
    """Every variable the engine's model has, by name: (shape, trainable, kind)."""
    shapes = {}
    C = config['numClasses']
    V = config['numDevices']
    H, W, Cin = config['inputShape']

    def bn(prefix, ch):
        shapes[f'{prefix}/gamma'] = ([ch], 'gamma')
        shapes[f'{prefix}/beta'] = ([ch], 'beta')
        shapes[f'{prefix}/moving_mean'] = ([ch], 'moving_mean')
        shapes[f'{prefix}/moving_variance'] = ([ch], 'moving_variance')

    def exit_(prefix, features):
        shapes[f'{prefix}/fc/kernel'] = ([features, C], 'fc_kernel')
        shapes[f'{prefix}/fc/bias'] = ([C], ('fc_bias', features))
        bn(f'{prefix}/fc/bn', C)

    def tier(prefix, cin, stack, h, w):
        ch = cin
        for b in range(stack['blocks']):
            shapes[f'{prefix}/block{b}/conv/kernel'] = ([3, 3, ch, stack['filters']], 'conv_kernel')
            shapes[f'{prefix}/block{b}/conv/bias'] = ([stack['filters']], ('conv_bias', 9 * ch))
            bn(f'{prefix}/block{b}/bn', stack['filters'])
            ch = stack['filters']
        exit_(f'{prefix}/exit', stack_out(h, stack) * stack_out(w, stack) * stack['filters'])

    dev = config['device']
    dh, dw = stack_out(H, dev), stack_out(W, dev)
    for v in range(V):
        tier(f'device{v}', Cin, dev, H, W)
    if config['localAggregator'] == 'CC':
        exit_('local/exit', C * V)
    edge = config.get('edge')
    if edge:
        cin = dev['filters'] * V if edge['aggregator'] == 'CC' else dev['filters']
        tier('edge', cin, edge, dh, dw)
        ch, cw, cc = stack_out(dh, edge), stack_out(dw, edge), edge['filters']
    else:
        ch, cw = dh, dw
        cc = dev['filters'] * V if config['cloudAggregator'] == 'CC' else dev['filters']
    tier('cloud', cc, config['cloud'], ch, cw)
    return shapes


def torch_default_parameters(config, seed):
    """PyTorch's own initialisation (nn.Conv2d / nn.Linear defaults: Kaiming-uniform with a=sqrt(5),
    bias uniform in +-1/sqrt(fan_in)); BatchNorm gamma 1, beta 0, moving mean 0, variance 1."""
    gen = torch.Generator().manual_seed(seed)
    out = {}
    for name, (shape, kind) in parameter_shapes(config).items():
        if kind == 'gamma' or kind == 'moving_variance':
            out[name] = torch.ones(shape)
        elif kind == 'beta' or kind == 'moving_mean':
            out[name] = torch.zeros(shape)
        elif kind == 'conv_kernel':
            fan_in = shape[0] * shape[1] * shape[2]
            bound = 1 / np.sqrt(fan_in)  # kaiming_uniform(a=sqrt(5)) = uniform(+-1/sqrt(fan_in))
            out[name] = (torch.rand(shape, generator=gen) * 2 - 1) * bound
        elif kind == 'fc_kernel':
            bound = 1 / np.sqrt(shape[0])
            out[name] = (torch.rand(shape, generator=gen) * 2 - 1) * bound
        else:
            _, fan_in = kind
            bound = 1 / np.sqrt(fan_in)
            out[name] = (torch.rand(shape, generator=gen) * 2 - 1) * bound
    return out


# ----------------------------------------------------------------------------- the model
class TorchDdnn:
    def __init__(self, config, params, bn_eps, dtype=torch.float32):
        self.config = config
        self.eps = bn_eps
        self.p = {}
        for name, value in params.items():
            t = torch.tensor(np.asarray(value, dtype=np.float32)).to(dtype).clone()
            if not (name.endswith('moving_mean') or name.endswith('moving_variance')):
                t.requires_grad_(True)
            self.p[name] = t
        missing = set(parameter_shapes(config)) - set(self.p)
        if missing:
            raise ValueError(f'weights lack {sorted(missing)[:3]}')

    def trainable(self):
        return [t for t in self.p.values() if t.requires_grad]

    def bn(self, x, prefix, training):
        return F.batch_norm(x, self.p[f'{prefix}/moving_mean'], self.p[f'{prefix}/moving_variance'],
                            self.p[f'{prefix}/gamma'], self.p[f'{prefix}/beta'], training, 0.1, self.eps)

    def block(self, x, prefix, stack, training):
        kernel = self.p[f'{prefix}/conv/kernel']
        if stack['binary']:
            kernel = binarize_weights(kernel)
        y = F.conv2d(x, kernel.permute(3, 2, 0, 1), None, 1, 1)
        y = F.max_pool2d(y, 3, stack['poolStride'], 1)
        y = y + self.p[f'{prefix}/conv/bias'].view(1, -1, 1, 1)
        y = self.bn(y, f'{prefix}/bn', training)
        return BinaryActivation.apply(y) if stack['binary'] else F.relu(y)

    def exit(self, flat, prefix, binary, training):
        kernel = self.p[f'{prefix}/fc/kernel']
        if binary:
            kernel = binarize_weights(kernel)
        return self.bn(flat @ kernel + self.p[f'{prefix}/fc/bias'], f'{prefix}/fc/bn', training)

    def tier(self, x, prefix, stack, training):
        for b in range(stack['blocks']):
            x = self.block(x, f'{prefix}/block{b}', stack, training)
        flat = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)  # the engine flattens H, W, C
        return x, self.exit(flat, f'{prefix}/exit', stack['binary'], training)

    @staticmethod
    def aggregate(scheme, items):
        present = [t for t in items if t is not None]
        if scheme == 'MP':
            return present[0] if len(present) == 1 else torch.stack(present).max(0).values
        if scheme == 'AP':
            return present[0] if len(present) == 1 else torch.stack(present).mean(0)
        like = present[0]
        return torch.cat([t if t is not None else torch.zeros_like(like) for t in items], 1)

    def forward(self, inputs, training):
        """inputs: per device an NHWC float tensor or None (missing device)."""
        cfg = self.config
        devices = []
        for v, x in enumerate(inputs):
            if x is None:
                devices.append(None)
                continue
            devices.append(self.tier(x.permute(0, 3, 1, 2), f'device{v}', cfg['device'], training))
        local = self.aggregate(cfg['localAggregator'], [d[1] if d else None for d in devices])
        if cfg['localAggregator'] == 'CC':
            local = self.exit(local, 'local/exit', cfg['device']['binary'], training)
        feats = [d[0] if d else None for d in devices]
        edge = None
        if cfg.get('edge'):
            edge = self.tier(self.aggregate(cfg['edge']['aggregator'], feats), 'edge', cfg['edge'], training)
            cloud_in = edge[0]
        else:
            cloud_in = self.aggregate(cfg['cloudAggregator'], feats)
        _, cloud = self.tier(cloud_in, 'cloud', cfg['cloud'], training)
        return {'devices': devices, 'local': local, 'edge': edge, 'cloud': cloud}


def masked_cross_entropy(scores, labels):
    mask = labels >= 0
    count = int(mask.sum())
    if count == 0:
        return scores.sum() * 0, 0
    logp = F.log_softmax(scores, 1)
    picked = logp[mask].gather(1, labels[mask].long().view(-1, 1))
    return -picked.sum() / count, count


def exit_losses(model, out, global_labels, view_labels):
    """Per exit (devices, local, [edge], cloud): (loss tensor, labelled rows)."""
    losses = []
    for v, d in enumerate(out['devices']):
        losses.append(masked_cross_entropy(d[1], view_labels[:, v]))
    losses.append(masked_cross_entropy(out['local'], global_labels))
    if out['edge'] is not None:
        losses.append(masked_cross_entropy(out['edge'][1], global_labels))
    losses.append(masked_cross_entropy(out['cloud'], global_labels))
    return losses


def exit_weight_list(config, exit_weights):
    names = ['local'] + (['edge'] if config.get('edge') else []) + ['cloud']
    return [exit_weights.get('device', 1.0)] * config['numDevices'] + [exit_weights.get(n, 1.0) for n in names]


def train_steps(model, per_device, global_labels, view_labels, batches, lr, exit_weights, on_epoch_end=None,
                steps_per_epoch=None):
    """Adam steps over the given batches (lists of sample indices). Returns per-epoch mean losses
    per exit (weighted by labelled rows, as the engine's history) if steps_per_epoch is given."""
    opt = torch.optim.Adam(model.trainable(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    weights = exit_weight_list(model.config, exit_weights)
    sums, counts, epochs = None, None, []
    for step, idx in enumerate(batches):
        idx_t = torch.tensor(idx, dtype=torch.long)
        out = model.forward([x[idx_t] for x in per_device], True)
        losses = exit_losses(model, out, global_labels[idx_t], view_labels[idx_t])
        total = sum(w * l for w, (l, _) in zip(weights, losses))
        opt.zero_grad()
        total.backward()
        opt.step()
        if sums is None:
            sums, counts = [0.0] * len(losses), [0] * len(losses)
        for k, (l, c) in enumerate(losses):
            sums[k] += float(l) * c
            counts[k] += c
        if steps_per_epoch and (step + 1) % steps_per_epoch == 0:
            epochs.append([s / c if c else 0.0 for s, c in zip(sums, counts)])
            sums, counts = None, None
            if on_epoch_end:
                on_epoch_end(len(epochs))
    return epochs
