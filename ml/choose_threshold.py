"""The shipped per-frame threshold, chosen on validation reals only (never test): the larger of
the --quantile quantiles of the DFDC-val and UTK-val real scores, so that about 1 - quantile of real
frames of either collection score "fake". Prints P(fake) for ml/export.py --threshold.

  /usr/bin/python3 ml/choose_threshold.py --ckpt ml/work/run4/best.pt --split ml/work/run4/split.csv
"""
import argparse
import csv
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from mobilenet_rebuild import build_mobilenet_v2  # noqa: E402
from train import Detector, predict  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('--ckpt', required=True)
ap.add_argument('--split', required=True)
ap.add_argument('--crops', default='ml/work/crops160')
ap.add_argument('--size', type=int, default=160)
ap.add_argument('--quantile', type=float, default=0.993)
args = ap.parse_args()
torch.set_num_threads(2)
model = Detector(build_mobilenet_v2())
model.load_state_dict(torch.load(args.ckpt, map_location='cpu'))
rows = list(csv.DictReader(open(args.split)))
out = {}
for ds in ('dfdc', 'utk'):
    reals = [r for r in rows if r['dataset'] == ds and r['label'] == 'real' and r['split'] == 'val']
    s = predict(model, args.crops, reals, args.size)
    out[ds] = {'n': len(s), 'q_logit': float(np.quantile(s, args.quantile))}
logit = max(v['q_logit'] for v in out.values())
out['threshold_logit'] = logit
out['threshold_p'] = float(1 / (1 + np.exp(-logit)))
print(json.dumps(out))
