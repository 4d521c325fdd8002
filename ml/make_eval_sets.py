"""Held-out evaluation folders (symlinks to ../shared) from a run's split.csv, for
`npm run eval:detector`: DFDC test (by source video), UTK test, and the video-faces items the model
never trained on (all fakes; reals of identities in the test half), as crops and as clips.

  /usr/bin/python3 ml/make_eval_sets.py --split ml/work/run3/split.csv --out ml/work/evalsets
"""
import argparse
import csv
import os
import shutil

ap = argparse.ArgumentParser()
ap.add_argument('--split', default='ml/work/run3/split.csv')
ap.add_argument('--shared', default='../shared/datasets')
ap.add_argument('--out', default='ml/work/evalsets')
args = ap.parse_args()
shared = os.path.abspath(args.shared)
shutil.rmtree(args.out, ignore_errors=True)


def link(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if not os.path.exists(dst):
        os.symlink(src, dst)


rows = list(csv.DictReader(open(args.split)))
vf_test_ids = set()
for r in rows:
    stem = os.path.splitext(os.path.basename(r['crop']))[0]
    if r['dataset'] == 'dfdc' and r['split'] == 'test':
        link(f'{shared}/dfdc-faces/{r["label"]}/{stem}.jpg', f'{args.out}/dfdc-test/{r["label"]}/{stem}.jpg')
    elif r['dataset'] == 'utk' and r['split'] == 'test':
        link(f'{shared}/utkface-adults/{stem}.jpg', f'{args.out}/utk-test/{stem}.jpg')
    elif r['dataset'] == 'vf' and r['split'] == 'test':
        vf_test_ids.add((r['label'], r['group'][3:]))
        src = f'{shared}/video-faces/{r["label"]}/{stem}.jpg'
        if os.path.exists(src):  # crops of the dataset (frames extracted from clips are not)
            link(src, f'{args.out}/vf-test-crops/{r["label"]}/{stem}.jpg')
for label, vid in sorted(vf_test_ids):
    src = f'{shared}/video-faces/clips/{label}/{vid}.mp4'
    if os.path.exists(src):
        link(src, f'{args.out}/vf-test-clips/{label}/{vid}.mp4')
for d in sorted(os.listdir(args.out)):
    for root, _, files in os.walk(os.path.join(args.out, d)):
        if files:
            print(root, len(files))
