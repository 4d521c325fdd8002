"""Leave-one-family-out on the data we have: the stand-in for generator families nobody has shown
the model. Full retraining per family does not fit two CPU cores, so this probes the trained
backbone: its pooled features are frozen and a logistic head is fitted per protocol.

For each video-faces fake family F (grouped by video, test split only):
  - `model`: the shipped end-to-end model (never saw any video-faces fake): F vs held-out reals;
  - `probe_no_vf`: a head fitted on the training reals + DFDC swaps + self-blends (same as model,
    re-fitted on frozen features: checks the probe itself);
  - `probe_lofo`: the same plus every *other* video-faces fake family: does seeing other
    generator families help on an unseen one?
Held-out reals = video-faces test reals (identities never trained on) + DFDC test reals.
AUCs with a bootstrap interval over videos.

  /usr/bin/python3 ml/lofo.py --ckpt ml/work/run3/best.pt --split ml/work/run3/split.csv
"""
import argparse
import csv
import json
import os
import sys
from collections import defaultdict

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from mobilenet_rebuild import build_mobilenet_v2  # noqa: E402
from sbi import self_blend  # noqa: E402
from train import Detector, auc, load, to_tensor  # noqa: E402


@torch.no_grad()
def features(model, crops, rows, size, transform=None, rng=None, bs=64):
    model.eval()
    out, logits = [], []
    for i in range(0, len(rows), bs):
        imgs = []
        for r in rows[i:i + bs]:
            img, kps = load(crops, r, size)
            imgs.append(transform(img, kps, rng) if transform else img)
        x = to_tensor(imgs)
        f = model.features((x - model.mean) / model.std).mean((2, 3))
        out.append(f.numpy())
        logits.append(model.head(f).squeeze(1).numpy())
    return np.concatenate(out), np.concatenate(logits)


def fit_head(x, y, wd=1e-3, steps=300):
    x = torch.from_numpy(x).float()
    y = torch.from_numpy(y).float()
    mu, sd = x.mean(0), x.std(0) + 1e-6
    w = torch.zeros(x.shape[1], requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=steps, line_search_fn='strong_wolfe')

    def closure():
        opt.zero_grad()
        z = ((x - mu) / sd) @ w + b
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y) + wd * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return lambda f: (((torch.from_numpy(f).float() - mu) / sd) @ w + b).detach().numpy()


def boot_auc(scores, labels, units, reps=500, seed=1):
    rng = np.random.default_rng(seed)
    by = defaultdict(list)
    for i, u in enumerate(units):
        by[(labels[i], u)].append(i)
    pos = [v for (lab, _), v in by.items() if lab]
    neg = [v for (lab, _), v in by.items() if not lab]
    draws = []
    for _ in range(reps):
        p = np.concatenate([pos[j] for j in rng.integers(len(pos), size=len(pos))])
        n = np.concatenate([neg[j] for j in rng.integers(len(neg), size=len(neg))])
        draws.append(auc(np.concatenate([scores[p], scores[n]]), [1] * len(p) + [0] * len(n)))
    return [float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', default='ml/work/run3/best.pt')
    ap.add_argument('--split', default='ml/work/run3/split.csv')
    ap.add_argument('--crops', default='ml/work/crops160')
    ap.add_argument('--size', type=int, default=160)
    ap.add_argument('--per-source', type=int, default=1200)
    ap.add_argument('--out', default='ml/work/lofo.json')
    args = ap.parse_args()
    torch.set_num_threads(2)
    rng = np.random.default_rng(0)
    model = Detector(build_mobilenet_v2())
    model.load_state_dict(torch.load(args.ckpt, map_location='cpu'))
    rows = list(csv.DictReader(open(args.split)))
    pick = lambda rs, n: [rs[i] for i in rng.permutation(len(rs))[:n]]  # noqa: E731
    sel = lambda **kw: [r for r in rows if all(r[k] == v for k, v in kw.items())]  # noqa: E731
    train_reals = (pick(sel(dataset='dfdc', label='real', split='train'), args.per_source)
                   + pick(sel(dataset='utk', label='real', split='train'), args.per_source // 2)
                   + sel(dataset='vf', label='real', split='train'))
    swaps = pick(sel(dataset='dfdc', label='fake', split='train'), args.per_source)
    sbi_src = pick(train_reals, args.per_source)
    vf_fakes = sel(dataset='vf', label='fake', split='test')
    held_reals = sel(dataset='vf', label='real', split='test') + pick(
        sel(dataset='dfdc', label='real', split='test'), 400)

    print('extracting features', flush=True)
    f_real, _ = features(model, args.crops, train_reals, args.size)
    f_swap, _ = features(model, args.crops, swaps, args.size)
    f_sbi, _ = features(model, args.crops, sbi_src, args.size, self_blend, rng)
    f_vf, l_vf = features(model, args.crops, vf_fakes, args.size)
    f_held, l_held = features(model, args.crops, held_reals, args.size)
    base_x = np.concatenate([f_real, f_swap, f_sbi])
    base_y = np.array([0] * len(f_real) + [1] * (len(f_swap) + len(f_sbi)))
    probe_no_vf = fit_head(base_x, base_y)
    held_units = [r['group'] for r in held_reals]

    families = sorted({r['family'] for r in vf_fakes})
    table = {}
    for fam in families:
        idx = np.array([r['family'] == fam for r in vf_fakes])
        units = [r['group'] for r in vf_fakes if r['family'] == fam]
        if len(set(units)) < 2:
            continue
        lofo = fit_head(np.concatenate([base_x, f_vf[~idx]]),
                        np.concatenate([base_y, np.ones((~idx).sum())]))
        y = np.array([1] * idx.sum() + [0] * len(held_reals))
        u = units + held_units
        row = {'videos': len(set(units)), 'crops': int(idx.sum())}
        for name, s in (('model', np.concatenate([l_vf[idx], l_held])),
                        ('probe_no_vf', np.concatenate([probe_no_vf(f_vf[idx]), probe_no_vf(f_held)])),
                        ('probe_lofo', np.concatenate([lofo(f_vf[idx]), lofo(f_held)]))):
            row[name] = {'auc': auc(s, y), 'ci95': boot_auc(s, y, u)}
        table[fam] = row
        print(fam, json.dumps(row), flush=True)
    json.dump(table, open(args.out, 'w'), indent=1)


if __name__ == '__main__':
    main()
