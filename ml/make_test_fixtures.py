"""Tiny ONNX classifiers for the detector's unit tests (tests/fixtures/detector/): a valid logit1
model, a valid softmax2 model, and one with a wrong output shape. Deterministic weights; a few KB."""
import json
import os

import torch

OUT = 'tests/fixtures/detector'


class Tiny(torch.nn.Module):
    def __init__(self, outputs):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, stride=2)
        self.fc = torch.nn.Linear(4, outputs)

    def forward(self, x):
        return self.fc(torch.relu(self.conv(x)).mean((2, 3)))


def export(name, outputs, output_kind, size=64, extra=None):
    torch.manual_seed(0)
    m = Tiny(outputs).eval()
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    torch.onnx.export(m, torch.rand(1, 3, size, size), os.path.join(d, 'model.onnx'), opset_version=13,
                      input_names=['input'], output_names=['output'],
                      dynamic_axes={'input': {0: 'n'}, 'output': {0: 'n'}})
    side = {'specVersion': 1, 'name': f'test-{name}', 'version': '0.0.1', 'licence': 'MIT',
            'source': 'ml/make_test_fixtures.py', 'inputSize': size, 'cropScale': 1.1,
            'output': output_kind, 'calibration': {'threshold': 0.8, 'logitBias': 0}}
    side.update(extra or {})
    json.dump(side, open(os.path.join(d, 'model.json'), 'w'), indent=2)


export('tiny-logit1', 1, 'logit1')
export('tiny-softmax2', 2, 'softmax2', extra={'fakeIndex': 1, 'mean': [0.5, 0.5, 0.5], 'std': [0.25, 0.25, 0.25]})
export('wrong-output', 3, 'logit1')
