"""Fine-tune the ImageNet MobileNetV2 into a face-swap detector (P(fake) as one logit).

Data: crops made by scripts/prepare-crops.ts (the app's BlazeFace + alignment). Reals = DFDC reals
+ UTKFace adults; fakes = DFDC swaps + self-blended pseudo-fakes (sbi.py) made from every real.
DFDC is split by source_video (a fake stays with its source); UTK by file. Every image gets the
degradations a video call applies (JPEG, down/up-scaling, blur, noise).

  /usr/bin/python3 ml/train.py --crops ml/work/crops --out ml/work/run1 --steps 2000
"""
import argparse
import csv
import json
import math
import os
import random
import sys
import time

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from mobilenet_rebuild import IMAGENET_MEAN, IMAGENET_STD, build_mobilenet_v2, freeze_bn_stats  # noqa: E402
from sbi import self_blend  # noqa: E402


class Detector(torch.nn.Module):
    """Input float32 [N,3,S,S] RGB in [0,1]; ImageNet normalisation lives inside the graph."""

    def __init__(self, backbone):
        super().__init__()
        self.register_buffer('mean', torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer('std', torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))
        self.features = backbone.features
        self.head = torch.nn.Sequential(torch.nn.Dropout(0.2), torch.nn.Linear(1280, 1))

    def forward(self, x):
        x = self.features((x - self.mean) / self.std)
        return self.head(x.mean((2, 3)))


def split_rows(rows, seed=0):
    """train/val/test by group: DFDC source_video 80/10/10, UTK 2500/500/1000."""
    rng = random.Random(seed)
    groups = sorted({r['group'] for r in rows if r['dataset'] == 'dfdc'})
    rng.shuffle(groups)
    n = len(groups)
    part = {g: 'train' if i < 0.8 * n else 'val' if i < 0.9 * n else 'test' for i, g in enumerate(groups)}
    utk = sorted({r['group'] for r in rows if r['dataset'] == 'utk'})
    rng.shuffle(utk)
    for i, g in enumerate(utk):
        part[g] = 'train' if i < 2500 else 'val' if i < 3000 else 'test'
    for r in rows:
        r['split'] = part[r['group']]
    return rows


def degrade(img, rng):
    """What a video call does to a face: rescaling, codec blocks, blur, sensor noise."""
    s = img.shape[0]
    if rng.random() < 0.5:
        f = rng.uniform(0.35, 0.95)
        small = cv2.resize(img, (max(16, int(s * f)),) * 2, interpolation=cv2.INTER_AREA)
        img = cv2.resize(small, (s, s), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.2:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 1.2))
    if rng.random() < 0.2:
        img = np.clip(img.astype(np.float32) + rng.normal(0, rng.uniform(2, 8), img.shape), 0, 255).astype(np.uint8)
    if rng.random() < 0.7:
        ok, enc = cv2.imencode('.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(30, 95))])
        img = cv2.imdecode(enc, cv2.IMREAD_UNCHANGED)
    return img


def load(crops, row, size):
    img = cv2.cvtColor(cv2.imread(os.path.join(crops, row['crop'])), cv2.COLOR_BGR2RGB)
    kps = np.array([float(row[f'k{i}{a}']) for i in range(6) for a in 'xy'], np.float32)
    if img.shape[0] != size:
        kps *= size / img.shape[0]
        img = cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)
    return img, kps


def to_tensor(imgs):
    return torch.from_numpy(np.stack(imgs).transpose(0, 3, 1, 2).astype(np.float32) / 255).contiguous()


def auc(scores, labels):
    s = np.asarray(scores)
    y = np.asarray(labels)
    order = np.argsort(s)
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    # average ranks for ties
    _, inv, counts = np.unique(s, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, ranks)
    ranks = sums[inv] / counts[inv]
    npos = y.sum()
    nneg = len(y) - npos
    return (ranks[y == 1].sum() - npos * (npos + 1) / 2) / (npos * nneg)


@torch.no_grad()
def predict(model, crops, rows, size, bs=64):
    model.eval()
    out = []
    for i in range(0, len(rows), bs):
        out.append(model(to_tensor([load(crops, r, size)[0] for r in rows[i:i + bs]])).squeeze(1).numpy())
    return np.concatenate(out) if out else np.zeros(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--crops', default='ml/work/crops')
    ap.add_argument('--out', default='ml/work/run1')
    ap.add_argument('--size', type=int, default=128)
    ap.add_argument('--steps', type=int, default=2000)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=1e-4)
    ap.add_argument('--degrade', type=float, default=0.6, help='share of images degraded')
    ap.add_argument('--eval-every', type=int, default=250)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--init', help='continue from a checkpoint (same split: same seed)')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    rows = split_rows(list(csv.DictReader(open(os.path.join(args.crops, 'crops.csv')))), args.seed)
    with open(os.path.join(args.out, 'split.csv'), 'w') as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    train = [r for r in rows if r['split'] == 'train']
    reals = [r for r in train if r['label'] == 'real']
    fakes = [r for r in train if r['label'] == 'fake']
    val = [r for r in rows if r['split'] == 'val']
    val_dfdc = [r for r in val if r['dataset'] == 'dfdc']
    val_utk = [r for r in val if r['dataset'] == 'utk']
    print(f'train reals {len(reals)} fakes {len(fakes)}; val dfdc {len(val_dfdc)} utk {len(val_utk)}', flush=True)

    model = Detector(build_mobilenet_v2())
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location='cpu'))
    head = list(model.head.parameters())
    body = [p for n, p in model.named_parameters() if not n.startswith('head.')]
    opt = torch.optim.AdamW([{'params': body, 'lr': args.lr}, {'params': head, 'lr': args.lr * 10}],
                            weight_decay=1e-4)
    base = [g['lr'] for g in opt.param_groups]
    rng = np.random.default_rng(args.seed + (1 if args.init else 0))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    best = -1.0
    log = []
    t0 = time.time()
    avg = None
    for step in range(1, args.steps + 1):
        warm = min(1.0, step / 100)
        cos = 0.5 * (1 + math.cos(math.pi * step / args.steps))
        for g, b in zip(opt.param_groups, base):
            g['lr'] = b * warm * cos
        imgs, labels = [], []
        for _ in range(args.batch):
            kind = rng.random()
            if kind < 0.5:  # real: DFDC or UTK as they come
                img, _ = load(args.crops, reals[rng.integers(len(reals))], args.size)
                y = 0.0
            elif kind < 0.75:  # DFDC swap
                img, _ = load(args.crops, fakes[rng.integers(len(fakes))], args.size)
                y = 1.0
            else:  # self-blended pseudo-fake from any real
                img, kps = load(args.crops, reals[rng.integers(len(reals))], args.size)
                img = self_blend(img, kps, rng)
                y = 1.0
            if rng.random() < 0.5:
                img = np.ascontiguousarray(img[:, ::-1])
            imgs.append(degrade(img, rng) if rng.random() < args.degrade else img)
            labels.append(y)
        model.train()
        freeze_bn_stats(model)
        logits = model(to_tensor(imgs)).squeeze(1)
        loss = loss_fn(logits, torch.tensor(labels))
        opt.zero_grad()
        loss.backward()
        # Folded BNs stay frozen, so nothing re-normalises activations: clip to keep steps sane.
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        avg = loss.item() if avg is None else 0.95 * avg + 0.05 * loss.item()
        if step % 25 == 0:
            el = time.time() - t0
            print(f'step {step} loss {avg:.4f} {el:.0f}s eta {el / step * (args.steps - step):.0f}s', flush=True)
        if step % args.eval_every == 0 or step == args.steps:
            sd = predict(model, args.crops, val_dfdc, args.size)
            su = predict(model, args.crops, val_utk, args.size)
            a = auc(sd, [r['label'] == 'fake' for r in val_dfdc])
            real_d = sd[[r['label'] == 'real' for r in val_dfdc]]
            thr = float(np.quantile(np.concatenate([real_d, su]), 0.99))
            fa_utk = float((su > thr).mean())
            tpr = float((sd[[r['label'] == 'fake' for r in val_dfdc]] > thr).mean())
            rec = {'step': step, 'val_dfdc_auc': float(a), 'thr_1pct': thr, 'utk_fa': fa_utk, 'tpr': tpr}
            log.append(rec)
            print('EVAL', json.dumps(rec), flush=True)
            if a > best:
                best = a
                torch.save(model.state_dict(), os.path.join(args.out, 'best.pt'))
            torch.save(model.state_dict(), os.path.join(args.out, 'last.pt'))
            json.dump(log, open(os.path.join(args.out, 'log.json'), 'w'), indent=1)
    print('done best val auc', best, flush=True)


if __name__ == '__main__':
    main()
