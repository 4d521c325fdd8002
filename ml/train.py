"""Fine-tune the ImageNet MobileNetV2 into a face-swap detector (P(fake) as one logit).

Data: crops made by scripts/prepare-crops.ts (the app's BlazeFace + alignment). Reals = DFDC reals
+ UTKFace adults + the call-like real talking heads of video-faces (train clips only). Fakes = DFDC
swaps + self-blended pseudo-fakes (sbi.py) of every real. The video-faces *fakes* (talking-head,
lip-sync, reenactment and GAN families) are never trained on: they measure generalisation to
families the model has not seen (see split_rows).

Every batch is made of **pairs** that differ only in the manipulation: a real face with its own
self-blend, or a DFDC swap with a real frame of its own source video. Both members of a pair get the
same call-like degradation, so neither identity nor image quality separates the classes.

  /usr/bin/python3 ml/train.py --crops ml/work/crops160 --out ml/work/run3 --size 160 --minutes 55
"""
import argparse
import csv
import json
import math
import os
import random
import sys
import time
from collections import defaultdict

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from mobilenet_rebuild import IMAGENET_MEAN, IMAGENET_STD, build_mobilenet_v2, freeze_bn_stats  # noqa: E402
from sbi import self_blend  # noqa: E402
from vf_groups import vf_identity_groups  # noqa: E402


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


def fix_vf_rows(rows, shared):
    """Group and family of video-faces rows from the datasets' own CSVs (quoted fields: family
    names hold commas, which the first crop index split on). Dataset crops are looked up by file,
    frames extracted from clips by their clip (= video_id)."""
    vf_dir = os.path.join(shared, 'video-faces')
    by_file, fam_of_video = {}, {}
    for r in csv.DictReader(open(os.path.join(vf_dir, 'index.csv'))):
        by_file[os.path.splitext(os.path.basename(r['file']))[0] + '|' + r['label']] = r
        fam_of_video[r['video_id']] = r['family']
    for r in csv.DictReader(open(os.path.join(vf_dir, 'clips.csv'))):
        fam_of_video.setdefault(r['video_id'], r['family'])
    clean = lambda f: ''.join(c if c.isalnum() else '_' for c in f)[:40]  # noqa: E731
    for r in rows:
        if r['dataset'] != 'vf':
            continue
        stem = os.path.splitext(os.path.basename(r['crop']))[0]
        src = by_file.get(stem + '|' + r['label'])
        if src is not None and not stem.startswith('vf_'):
            r['group'] = 'vf_' + src['video_id']
        r['family'] = clean(fam_of_video.get(r['group'][3:], ''))
    return rows


def split_rows(rows, seed=0, shared='../shared/datasets'):
    """train/val/test by group: DFDC source_video 80/10/10, UTK 2500/500/1000; video-faces reals
    by identity group 55 % train / 45 % test, video-faces fakes all test (never trained on)."""
    rng = random.Random(seed)
    groups = sorted({r['group'] for r in rows if r['dataset'] == 'dfdc'})
    rng.shuffle(groups)
    n = len(groups)
    part = {g: 'train' if i < 0.8 * n else 'val' if i < 0.9 * n else 'test' for i, g in enumerate(groups)}
    utk = sorted({r['group'] for r in rows if r['dataset'] == 'utk'})
    rng.shuffle(utk)
    for i, g in enumerate(utk):
        part[g] = 'train' if i < 2500 else 'val' if i < 3000 else 'test'
    ident = vf_identity_groups(os.path.join(shared, 'video-faces'))
    idg = lambda r: ident.get(r['group'][3:], r['group'][3:])  # noqa: E731
    with_fake = {idg(r) for r in rows if r['dataset'] == 'vf' and r['label'] == 'fake'}
    # Identities that also appear in a fake (its source clip) stay in test, with their fake.
    vf_real = sorted({idg(r) for r in rows if r['dataset'] == 'vf' and r['label'] == 'real'} - with_fake)
    rng.shuffle(vf_real)
    vf_part = {g: 'train' if i < 0.55 * len(vf_real) else 'test' for i, g in enumerate(vf_real)}
    for r in rows:
        if r['dataset'] == 'vf':
            r['split'] = vf_part.get(idg(r), 'test')
        else:
            r['split'] = part[r['group']]
    return rows


def move_vf_fake_groups(rows, frac, seed, shared):
    """Second stage: a share of the video-faces identity groups that hold fakes (all test in the
    first stage, reals included) moves to train, picked per family so every family keeps videos on
    both sides; the rest stays test, never seen by either stage."""
    ident = vf_identity_groups(os.path.join(shared, 'video-faces'))
    idg = lambda r: ident.get(r['group'][3:], r['group'][3:])  # noqa: E731
    fam_of = defaultdict(set)
    for r in rows:
        if r['dataset'] == 'vf' and r['label'] == 'fake':
            fam_of[r['family']].add(idg(r))
    rng = random.Random(seed + 1)
    moved = set()
    for fam in sorted(fam_of):
        groups = sorted(fam_of[fam] - moved)
        rng.shuffle(groups)
        moved.update(groups[:int(len(groups) * frac)])
    for r in rows:
        if r['dataset'] == 'vf' and idg(r) in moved:
            r['split'] = 'train'
    return rows


def degrade(img, rng):
    """What a video call does to a face: colour/exposure of the camera, rescaling to the face's
    size in the frame, codec blocks, blur, sensor noise. The same rng seed is used for both members
    of a pair."""
    s = img.shape[0]
    out = img.astype(np.float32)
    if rng.random() < 0.3:
        out = out * rng.uniform(0.8, 1.2, 3) + rng.uniform(-15, 15)
        g = rng.uniform(0.8, 1.25)
        out = 255 * (np.clip(out, 0, 255) / 255) ** g
    img = np.clip(out, 0, 255).astype(np.uint8)
    if rng.random() < 0.6:
        f = rng.uniform(0.4, 0.95)
        small = cv2.resize(img, (max(24, int(s * f)),) * 2, interpolation=cv2.INTER_AREA)
        img = cv2.resize(small, (s, s), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.2:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 1.2))
    if rng.random() < 0.25:
        img = np.clip(img.astype(np.float32) + rng.normal(0, rng.uniform(2, 7), img.shape), 0, 255).astype(np.uint8)
    for _ in range(1 + int(rng.random() < 0.3)):
        if rng.random() < 0.75:
            ok, enc = cv2.imencode('.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(25, 92))])
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
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    if y.all() or not y.any():
        return float('nan')
    order = np.argsort(s)
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    _, inv, counts = np.unique(s, return_inverse=True, return_counts=True)
    ranks = (np.bincount(inv, ranks) / counts)[inv]
    npos = y.sum()
    return float((ranks[y].sum() - npos * (npos + 1) / 2) / (npos * (len(y) - npos)))


@torch.no_grad()
def predict(model, crops, rows, size, bs=64):
    model.eval()
    out = []
    for i in range(0, len(rows), bs):
        out.append(model(to_tensor([load(crops, r, size)[0] for r in rows[i:i + bs]])).squeeze(1).numpy())
    return np.concatenate(out) if out else np.zeros(0)


def make_pair(args, rng, pools):
    """Two images that differ only in the manipulation: (real, fake)."""
    kind = rng.random()
    if pools['vf_fakes'] and kind < args.vf_fake_share:
        # A generated face with a real call-like face (its own source where the set pairs them).
        f = pools['vf_fakes'][rng.integers(len(pools['vf_fakes']))]
        mates = pools['vf_real_by_group'].get(f['group']) or pools['vf_reals']
        real, _ = load(args.crops, mates[rng.integers(len(mates))], args.size)
        fake, _ = load(args.crops, f, args.size)
    elif rng.random() < args.sbi_share:
        src = pools['sbi_sources'][rng.choice(len(pools['sbi_sources']))]
        pool = src[rng.integers(len(src))]
        real, kps = load(args.crops, pool, args.size)
        fake = self_blend(real, kps, rng)
    else:
        f = pools['swaps'][rng.integers(len(pools['swaps']))]
        mates = pools['real_by_group'].get(f['group']) or pools['dfdc_reals']
        real, _ = load(args.crops, mates[rng.integers(len(mates))], args.size)
        fake, _ = load(args.crops, f, args.size)
    if rng.random() < 0.5:
        real, fake = np.ascontiguousarray(real[:, ::-1]), np.ascontiguousarray(fake[:, ::-1])
    if rng.random() < args.degrade:
        seed = int(rng.integers(2 ** 31))
        real = degrade(real, np.random.default_rng(seed))
        fake = degrade(fake, np.random.default_rng(seed))
    return real, fake


def evaluate(model, args, val_dfdc, vf_test, step):
    sd = predict(model, args.crops, val_dfdc, args.size)
    y = np.array([r['label'] == 'fake' for r in val_dfdc])
    rec = {'step': step, 'val_dfdc_auc': auc(sd, y)}
    thr = float(np.quantile(sd[~y], 0.99))
    rec['thr_1pct'] = thr
    rec['tpr_at_1pct'] = float((sd[y] > thr).mean())
    if vf_test:
        sv = predict(model, args.crops, vf_test, args.size)
        yv = np.array([r['label'] == 'fake' for r in vf_test])
        rec['vf_heldout_auc'] = auc(sv, yv)  # reported, never used for selection
        rec['vf_real_fa_at_thr'] = float((sv[~yv] > thr).mean())
    return rec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--crops', default='ml/work/crops160')
    ap.add_argument('--shared', default='../shared/datasets')
    ap.add_argument('--out', default='ml/work/run3')
    ap.add_argument('--size', type=int, default=160)
    ap.add_argument('--steps', type=int, default=4000, help='schedule length (cosine)')
    ap.add_argument('--minutes', type=float, default=0, help='stop (and save) after this long')
    ap.add_argument('--batch', type=int, default=32, help='images per batch (pairs = batch / 2)')
    ap.add_argument('--lr', type=float, default=1e-4)
    ap.add_argument('--sbi-share', type=float, default=0.6, help='share of pairs that are self-blends')
    ap.add_argument('--degrade', type=float, default=0.7, help='share of pairs degraded')
    ap.add_argument('--eval-every', type=int, default=500)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--init', help='continue from a checkpoint (same split: same seed)')
    ap.add_argument('--split-from', help="reuse a run's split.csv (a second stage from its checkpoint)")
    ap.add_argument('--vf-train-frac', type=float, default=0.0,
                    help='share of video-faces fake identity groups moved to train (second stage)')
    ap.add_argument('--vf-fake-share', type=float, default=0.0,
                    help='share of pairs that are a video-faces fake with a real')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    if args.split_from:
        rows = fix_vf_rows(list(csv.DictReader(open(args.split_from))), args.shared)
        # A group any row of which was trained on is a training group, whatever the old split said.
        trained = {r['group'] for r in rows if r['split'] == 'train'}
        ident = vf_identity_groups(os.path.join(args.shared, 'video-faces'))
        trained_ids = {ident.get(g[3:], g[3:]) for g in trained if g.startswith('vf_')}
        for r in rows:
            if r['dataset'] == 'vf' and ident.get(r['group'][3:], r['group'][3:]) in trained_ids:
                r['split'] = 'train'
    else:
        crops = list(csv.DictReader(open(os.path.join(args.crops, 'crops.csv'))))
        rows = split_rows(fix_vf_rows(crops, args.shared), args.seed, args.shared)
    if args.vf_train_frac > 0:
        rows = move_vf_fake_groups(rows, args.vf_train_frac, args.seed, args.shared)
    with open(os.path.join(args.out, 'split.csv'), 'w') as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    train = [r for r in rows if r['split'] == 'train']
    by = defaultdict(list)
    for r in train:
        by[(r['dataset'], r['label'])].append(r)
    real_by_group = defaultdict(list)
    for r in by[('dfdc', 'real')]:
        real_by_group[r['group']].append(r)
    vf_real_by_group = defaultdict(list)
    ident = vf_identity_groups(os.path.join(args.shared, 'video-faces'))
    for r in by[('vf', 'real')]:
        vf_real_by_group[ident.get(r['group'][3:], r['group'][3:])].append(r)
    # Fakes are looked up by their identity group (pair=… joins a fake to its source clip).
    vf_fakes = [dict(r, group=ident.get(r['group'][3:], r['group'][3:])) for r in by[('vf', 'fake')]]
    pools = {
        'vf_fakes': vf_fakes,
        'vf_reals': by[('vf', 'real')],
        'vf_real_by_group': vf_real_by_group,
        # SBI sources drawn per collection so the small call-like set is not drowned out.
        'sbi_sources': [by[('dfdc', 'real')], by[('utk', 'real')], by[('vf', 'real')], by[('dfdc', 'real')]],
        'swaps': by[('dfdc', 'fake')],
        'dfdc_reals': by[('dfdc', 'real')],
        'real_by_group': real_by_group,
    }
    val_dfdc = [r for r in rows if r['split'] == 'val' and r['dataset'] == 'dfdc']
    vf_test = [r for r in rows if r['split'] == 'test' and r['dataset'] == 'vf']
    print('train', {f'{k[0]}_{k[1]}': len(v) for k, v in by.items()}, 'val dfdc', len(val_dfdc),
          'vf test', len(vf_test), flush=True)

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
    labels = torch.tensor([0.0, 1.0] * (args.batch // 2))
    for step in range(1, args.steps + 1):
        warm = min(1.0, step / 100)
        # With --minutes the cosine follows the clock, so the run anneals fully before it stops.
        frac = max(step / args.steps, (time.time() - t0) / (args.minutes * 60) if args.minutes else 0)
        cos = 0.5 * (1 + math.cos(math.pi * min(1.0, frac)))
        for g, b in zip(opt.param_groups, base):
            g['lr'] = b * warm * cos
        imgs = []
        for _ in range(args.batch // 2):
            imgs.extend(make_pair(args, rng, pools))
        model.train()
        freeze_bn_stats(model)
        loss = loss_fn(model(to_tensor(imgs)).squeeze(1), labels)
        opt.zero_grad()
        loss.backward()
        # Folded BNs stay frozen, so nothing re-normalises activations: clip to keep steps sane.
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        avg = loss.item() if avg is None else 0.95 * avg + 0.05 * loss.item()
        el = time.time() - t0
        if step % 25 == 0:
            print(f'step {step} loss {avg:.4f} {el:.0f}s', flush=True)
        timeout = frac >= 1.0
        if step % args.eval_every == 0 or step == args.steps or timeout:
            rec = evaluate(model, args, val_dfdc, vf_test, step)
            log.append(rec)
            print('EVAL', json.dumps(rec), flush=True)
            if rec['val_dfdc_auc'] > best:
                best = rec['val_dfdc_auc']
                torch.save(model.state_dict(), os.path.join(args.out, 'best.pt'))
            torch.save(model.state_dict(), os.path.join(args.out, 'last.pt'))
            json.dump(log, open(os.path.join(args.out, 'log.json'), 'w'), indent=1)
        if timeout:
            break
    print('done best val auc', best, flush=True)


if __name__ == '__main__':
    main()
