"""MesoNet Meso4 (Afchar et al., WIFS 2018) rebuilt in torch from the authors' Keras weights and
exported as a Veracall model folder, so eval:detector measures it through the same pipeline as the
default model (a baseline, never shipped). Keras output is P(real); the exported logit is
-pre_sigmoid, i.e. log-odds of fake.

  /usr/bin/python3 ml/mesonet_baseline.py --h5 ../shared/models/mesonet/Meso4_DF.h5 --out ml/work/meso4-df
"""
import argparse
import json
import os

import h5py
import numpy as np
import torch
import torch.nn.functional as F


class Meso4(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = torch.nn.ModuleList([
            torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.Conv2d(8, 8, 5, padding=2),
            torch.nn.Conv2d(8, 16, 5, padding=2), torch.nn.Conv2d(16, 16, 5, padding=2)])
        self.bns = torch.nn.ModuleList([torch.nn.BatchNorm2d(c, eps=1e-3) for c in (8, 8, 16, 16)])
        self.fc1 = torch.nn.Linear(1024, 16)
        self.fc2 = torch.nn.Linear(16, 1)

    def forward(self, x):
        for i, (conv, bn) in enumerate(zip(self.convs, self.bns)):
            x = bn(F.relu(conv(x)))
            x = F.max_pool2d(x, 4 if i == 3 else 2)
        x = x.permute(0, 2, 3, 1).flatten(1)  # Keras flattens NHWC
        x = F.leaky_relu(self.fc1(x), 0.1)
        return -self.fc2(x)  # log-odds of fake (Keras: sigmoid = P(real))


def load(h5):
    m = Meso4().eval()
    f = h5py.File(h5, 'r')
    group = lambda prefix: sorted((k for k in f.keys() if k.startswith(prefix)), key=lambda k: int(k.split('_')[-1]))
    with torch.no_grad():
        for conv, name in zip(m.convs, group('conv2d')):
            g = f[name][name]
            conv.weight.copy_(torch.from_numpy(np.array(g['kernel:0']).transpose(3, 2, 0, 1)))
            conv.bias.copy_(torch.from_numpy(np.array(g['bias:0'])))
        for bn, name in zip(m.bns, group('batch_normalization')):
            g = f[name][name]
            bn.weight.copy_(torch.from_numpy(np.array(g['gamma:0'])))
            bn.bias.copy_(torch.from_numpy(np.array(g['beta:0'])))
            bn.running_mean.copy_(torch.from_numpy(np.array(g['moving_mean:0'])))
            bn.running_var.copy_(torch.from_numpy(np.array(g['moving_variance:0'])))
        for fc, name in zip((m.fc1, m.fc2), group('dense')):
            g = f[name][name]
            fc.weight.copy_(torch.from_numpy(np.array(g['kernel:0']).T))
            fc.bias.copy_(torch.from_numpy(np.array(g['bias:0'])))
    return m


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--h5', required=True)
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    m = load(a.h5)
    os.makedirs(a.out, exist_ok=True)
    torch.onnx.export(m, torch.rand(1, 3, 256, 256), os.path.join(a.out, 'model.onnx'), opset_version=13,
                      input_names=['input'], output_names=['logit'], dynamic_axes={'input': {0: 'n'}, 'logit': {0: 'n'}})
    json.dump({'specVersion': 1, 'name': 'mesonet-meso4-' + os.path.basename(a.h5).split('_')[-1][:-3].lower(),
               'version': '2018', 'licence': 'Apache-2.0 (DariusAf/MesoNet)', 'source': a.h5,
               'inputSize': 256, 'cropScale': 1.1, 'output': 'logit1',
               'calibration': {'threshold': 0.5, 'logitBias': 0}}, open(os.path.join(a.out, 'model.json'), 'w'), indent=2)
    # Sanity on the authors' sample frames (file names say the truth).
    import cv2
    d = '/work/shared/datasets/mesonet-samples'
    for fn in sorted(os.listdir(d)):
        img = cv2.resize(cv2.cvtColor(cv2.imread(os.path.join(d, fn)), cv2.COLOR_BGR2RGB), (256, 256))
        with torch.no_grad():
            z = m(torch.from_numpy(img.transpose(2, 0, 1)[None].astype(np.float32) / 255)).item()
        print(fn, 'P(fake)=%.3f' % (1 / (1 + np.exp(-z))))
