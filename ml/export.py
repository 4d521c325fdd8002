"""Export a trained checkpoint to the app's model folder (model.onnx + model.json) and write the
torch reference outputs the parity test compares onnxruntime-node against.

  /usr/bin/python3 ml/export.py --ckpt ml/work/run2/best.pt --threshold P --out resources/models
"""
import argparse
import json
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from mobilenet_rebuild import build_mobilenet_v2  # noqa: E402
from train import Detector  # noqa: E402

PARITY = 'tests/fixtures/detector/parity'


def pattern(size):
    """A deterministic input both Python and TypeScript compute exactly (integer hashing)."""
    c, i, j = np.meshgrid(np.arange(3), np.arange(size), np.arange(size), indexing='ij')
    return (((i * 7919 + j * 104729 + c * 15485863) % 1000) / 999).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', required=True)
    ap.add_argument('--out', default='resources/models')
    ap.add_argument('--size', type=int, default=128)
    ap.add_argument('--crop-scale', type=float, default=1.1)
    ap.add_argument('--threshold', type=float, required=True, help='P(fake) for "High"')
    ap.add_argument('--elevated', type=float)
    ap.add_argument('--version', default='2.0.0')
    ap.add_argument('--evidence', help='the "High" evidence rule, JSON from scripts/calibrate-risk.ts')
    args = ap.parse_args()
    model = Detector(build_mobilenet_v2())
    model.load_state_dict(torch.load(args.ckpt, map_location='cpu'))
    model.eval()
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, 'model.onnx')
    x = torch.rand(1, 3, args.size, args.size)
    torch.onnx.export(model, x, onnx_path, opset_version=13, input_names=['input'],
                      output_names=['logit'], dynamic_axes={'input': {0: 'n'}, 'logit': {0: 'n'}},
                      do_constant_folding=True)
    cal = {'threshold': args.threshold, 'logitBias': 0.0}
    if args.elevated is not None:
        cal['elevated'] = args.elevated
    if args.evidence:
        cal['evidence'] = json.loads(args.evidence)
    sidecar = {
        'specVersion': 1,
        'name': 'veracall-mobilenetv2-sbi',
        'version': args.version,
        'licence': 'Weights: non-commercial research use only (trained on DFDC, UTKFace and '
                   'video-faces sources, several non-commercial or unlicensed; see MODEL_CARD.md). '
                   'Backbone MobileNetV2 (ONNX model zoo): Apache-2.0.',
        'source': 'ml/train.py + ml/export.py in this repository; see MODEL_CARD.md',
        'inputSize': args.size,
        'cropScale': args.crop_scale,
        'output': 'logit1',
        'calibration': cal,
    }
    with open(os.path.join(args.out, 'model.json'), 'w') as f:
        json.dump(sidecar, f, indent=2)
        f.write('\n')
    # Parity references: a real face crop made by the app's pipeline + an exact pattern.
    crop = cv2.cvtColor(cv2.imread(os.path.join(PARITY, 'face-crop.png')), cv2.COLOR_BGR2RGB)
    if crop.shape[:2] != (args.size, args.size):  # a new input size: the same face, resampled
        crop = cv2.resize(crop, (args.size, args.size), interpolation=cv2.INTER_AREA)
        cv2.imwrite(os.path.join(PARITY, 'face-crop.png'), cv2.cvtColor(crop, cv2.COLOR_RGB2BGR))
    xs = np.stack([crop.transpose(2, 0, 1).astype(np.float32) / 255, pattern(args.size)])
    with torch.no_grad():
        ys = model(torch.from_numpy(xs)).squeeze(1).numpy()
    ref = {'model': sidecar['name'], 'version': args.version,
           'inputs': ['face-crop.png', 'pattern'], 'logits': [float(v) for v in ys]}
    with open(os.path.join(PARITY, 'reference.json'), 'w') as f:
        json.dump(ref, f, indent=2)
        f.write('\n')
    print('exported', onnx_path, os.path.getsize(onnx_path), 'bytes; torch logits', ys.tolist())


if __name__ == '__main__':
    main()
