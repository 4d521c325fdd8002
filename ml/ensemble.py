"""Two detectors in one ONNX graph: the earlier 128 px DFDC-strong model and the new 160 px
self-blend model, on one 160 px crop (the earlier model sees the centre region its own crop scale
covers, resized to its input), their log-odds mixed with weights chosen on validation data only.

  # choose the weight from eval dumps of both models on validation images
  /usr/bin/python3 ml/ensemble.py weigh --a ml/work/eval/old-val/dfdc-val-dump.json \
      --b ml/work/eval/new-val/dfdc-val-dump.json
  # build the combined graph
  /usr/bin/python3 ml/ensemble.py build --old ml/work/old-model --new /tmp/m4 --wa 0.5 --wb 0.5 \
      --out /tmp/ens
"""
import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, compose, helper, numpy_helper


def auc(pos, neg):
    s = np.concatenate([pos, neg])
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))])
    order = np.argsort(s, kind='mergesort')
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    _, inv, counts = np.unique(s, return_inverse=True, return_counts=True)
    ranks = (np.bincount(inv, ranks) / counts)[inv]
    return (ranks[y == 1].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def paired(a_dump, b_dump):
    """Items scored by both models (same file, one valid frame each): (label, a, b)."""
    a = {i['id']: i for i in json.load(open(a_dump))['items']}
    out = []
    for i in json.load(open(b_dump))['items']:
        j = a.get(i['id'])
        if j and i.get('logits') and j.get('logits'):
            out.append((i['label'], j['logits'][0], i['logits'][0]))
    return np.array(out)


def weigh(args):
    rows = np.concatenate([paired(a, b) for a, b in zip(args.a, args.b)])
    y, a, b = rows[:, 0] == 1, rows[:, 1], rows[:, 2]
    # Standardise each model's logits on the real faces so a weight means the same for both.
    za = (a - a[~y].mean()) / a[~y].std()
    zb = (b - b[~y].mean()) / b[~y].std()
    for w in np.linspace(0, 1, 11):
        s = w * za + (1 - w) * zb
        print(f'w_old {w:.1f}: auc {auc(s[y], s[~y]):.4f}')
    print(json.dumps({'old_real_mean': float(a[~y].mean()), 'old_real_std': float(a[~y].std()),
                      'new_real_mean': float(b[~y].mean()), 'new_real_std': float(b[~y].std())}))


def half_weights(graph):
    """Stores large float weights as float16 with a Cast back to float32 in front: the file halves,
    and onnxruntime folds the casts when it loads the model, so inference still runs in float32
    (int8 would erase the blending cues; float16 rounding of weights moves logits by ~1e-3)."""
    inits, casts = [], []
    for t in graph.initializer:
        a = numpy_helper.to_array(t)
        if a.dtype == np.float32 and a.size >= 256:
            inits.append(numpy_helper.from_array(a.astype(np.float16), t.name + '/f16'))
            casts.append(helper.make_node('Cast', [t.name + '/f16'], [t.name], to=TensorProto.FLOAT))
        else:
            inits.append(t)
    return helper.make_graph(casts + list(graph.node), graph.name, graph.input, graph.output,
                             initializer=inits)


def build(args):
    old = onnx.load(os.path.join(args.old, 'model.onnx'))
    new = onnx.load(os.path.join(args.new, 'model.onnx'))
    old_side = json.load(open(os.path.join(args.old, 'model.json')))
    new_side = json.load(open(os.path.join(args.new, 'model.json')))
    s_new, s_old = new_side['inputSize'], old_side['inputSize']
    side = round(s_new * old_side['cropScale'] / new_side['cropScale'])
    start = (s_new - side) // 2
    old = compose.add_prefix(old, 'o/')
    new = compose.add_prefix(new, 'n/')
    c = lambda name, v, t=np.int64: numpy_helper.from_array(np.array(v, dtype=t), name)  # noqa: E731
    inits = [c('e/starts', [start, start]), c('e/ends', [start + side, start + side]),
             c('e/axes', [2, 3]),
             c('e/wa', [args.wa], np.float32), c('e/wb', [args.wb], np.float32),
             c('e/bias', [args.bias], np.float32)]
    # Resize needs the batch size in `sizes`: take it from the input's shape.
    nodes = [
        helper.make_node('Slice', ['input', 'e/starts', 'e/ends', 'e/axes'], ['e/centre']),
        helper.make_node('Shape', ['input'], ['e/shape']),
        helper.make_node('Slice', ['e/shape', 'e/zero', 'e/one'], ['e/n']),
        helper.make_node('Concat', ['e/n', 'e/chw'], ['e/size'], axis=0),
        helper.make_node('Resize', ['e/centre', '', '', 'e/size'], [old.graph.input[0].name],
                         mode='linear', coordinate_transformation_mode='half_pixel'),
        helper.make_node('Identity', ['input'], [new.graph.input[0].name]),
        *old.graph.node, *new.graph.node,
        helper.make_node('Mul', [old.graph.output[0].name, 'e/wa'], ['e/a']),
        helper.make_node('Mul', [new.graph.output[0].name, 'e/wb'], ['e/b']),
        helper.make_node('Add', ['e/a', 'e/b'], ['e/ab']),
        helper.make_node('Add', ['e/ab', 'e/bias'], ['logit']),
    ]
    inits += [c('e/zero', [0]), c('e/one', [1]), c('e/chw', [3, s_old, s_old])]
    graph = helper.make_graph(
        nodes, 'veracall-ensemble',
        [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['n', 3, s_new, s_new])],
        [helper.make_tensor_value_info('logit', TensorProto.FLOAT, ['n', 1])],
        initializer=inits + list(old.graph.initializer) + list(new.graph.initializer))
    if args.fp16:
        graph = half_weights(graph)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    model.ir_version = min(old.ir_version, new.ir_version)
    onnx.checker.check_model(model)
    os.makedirs(args.out, exist_ok=True)
    onnx.save(model, os.path.join(args.out, 'model.onnx'))
    side_out = dict(new_side)
    json.dump(side_out, open(os.path.join(args.out, 'model.json'), 'w'), indent=2)
    print('built', os.path.join(args.out, 'model.onnx'), os.path.getsize(os.path.join(args.out, 'model.onnx')))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    w = sub.add_parser('weigh')
    w.add_argument('--a', nargs='+', required=True, help='dumps of the earlier model')
    w.add_argument('--b', nargs='+', required=True, help='dumps of the new model')
    b = sub.add_parser('build')
    b.add_argument('--old', required=True)
    b.add_argument('--new', required=True)
    b.add_argument('--wa', type=float, required=True)
    b.add_argument('--wb', type=float, required=True)
    b.add_argument('--bias', type=float, default=0.0)
    b.add_argument('--out', required=True)
    b.add_argument('--fp16', action='store_true', help='store weights as float16 (half the size)')
    args = ap.parse_args()
    weigh(args) if args.cmd == 'weigh' else build(args)


if __name__ == '__main__':
    main()
