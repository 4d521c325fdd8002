"""Rebuild torchvision's MobileNetV2 from the ONNX model zoo's int8 model.

The zoo model was quantized from torchvision's MobileNetV2 with every BatchNorm folded into its
convolution. We dequantize each QLinearConv weight ((q - zero_point) * scale, per output channel)
and bias (int32 with scale = input_scale * weight_scale), load them into the torchvision graph in
order, and turn each BatchNorm into an identity whose bias carries the folded bias. The BN layers
stay in eval mode during fine-tuning (frozen statistics, trainable affine), since the folded
weights expect no re-normalisation.
"""
import numpy as np
import onnx
import torch
import torchvision
from onnx import numpy_helper

ZOO = '/work/shared/models/imagenet-mobilenetv2/mobilenetv2-12-int8.onnx'
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def _dequant(q, scale, zp, axis=0):
    q = q.astype(np.float32)
    zp = zp.astype(np.float32)
    if scale.ndim == 1 and scale.size > 1:
        shape = [1] * q.ndim
        shape[axis] = -1
        return (q - zp.reshape(shape)) * scale.reshape(shape)
    return (q - zp) * scale


def load_zoo_weights(path=ZOO):
    m = onnx.load(path)
    init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    convs, fc = [], None
    for n in m.graph.node:
        if n.op_type == 'QLinearConv':
            x_scale = init[n.input[1]]
            w = _dequant(init[n.input[3]], init[n.input[4]], init[n.input[5]])
            b = init[n.input[8]].astype(np.float32) * (x_scale * init[n.input[4]]) if len(n.input) > 8 else None
            convs.append((w, b))
        elif n.op_type == 'QLinearMatMul':
            w = _dequant(init[n.input[3]], init[n.input[4]], init[n.input[5]], axis=1)
            fc = {'w': w}
    # The FC bias is added by the QLinearAdd that follows the MatMul.
    for n in m.graph.node:
        if n.op_type == 'QLinearAdd' and any(i in init and init[i].ndim == 1 and init[i].size == 1000 for i in n.input):
            q = [i for i in n.input if i in init and init[i].ndim == 1 and init[i].size == 1000][0]
            idx = list(n.input).index(q)
            fc['b'] = _dequant(init[q], init[n.input[idx + 1]], init[n.input[idx + 2]])
    return convs, fc


def build_mobilenet_v2(path=ZOO):
    model = torchvision.models.mobilenet_v2(weights=None)
    convs, fc = load_zoo_weights(path)
    pairs = []
    mods = list(model.features.modules())
    for i, mod in enumerate(mods):
        if isinstance(mod, torch.nn.Conv2d):
            bn = next(m for m in mods[i + 1:] if isinstance(m, torch.nn.BatchNorm2d))
            pairs.append((mod, bn))
    assert len(pairs) == len(convs), (len(pairs), len(convs))
    with torch.no_grad():
        for (conv, bn), (w, b) in zip(pairs, convs):
            assert tuple(conv.weight.shape) == w.shape, (conv.weight.shape, w.shape)
            conv.weight.copy_(torch.from_numpy(w))
            bn.weight.fill_(1.0)
            bn.bias.copy_(torch.from_numpy(b) if b is not None else torch.zeros_like(bn.bias))
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)  # exact identity: (x - 0) / sqrt(var + eps) = x
        lin = model.classifier[1]
        wt = fc['w']
        lin.weight.copy_(torch.from_numpy(wt.T if wt.shape == (1280, 1000) else wt))
        lin.bias.copy_(torch.from_numpy(fc['b']))
    return model


def freeze_bn_stats(model):
    """Keep every BatchNorm in eval mode (call after model.train())."""
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.eval()


if __name__ == '__main__':
    # Check the rebuild against the int8 graph on real photos: same top-1, close logits.
    import sys
    import cv2

    out = sys.argv[1] if len(sys.argv) > 1 else '/tmp/mbv2-check'
    photos = sys.argv[2:] or [f'node_modules/@vladmandic/face-api/demo/sample{i}.jpg' for i in range(1, 7)]
    xs = []
    for p in photos:
        img = cv2.cvtColor(cv2.imread(p), cv2.COLOR_BGR2RGB)
        img = cv2.resize(img, (224, 224), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
        xs.append((img - IMAGENET_MEAN) / IMAGENET_STD)
    x = torch.from_numpy(np.stack(xs).transpose(0, 3, 1, 2).astype(np.float32)).contiguous()
    model = build_mobilenet_v2().eval()
    with torch.no_grad():
        y = model(x)
    x.numpy().tofile(out + '-x.f32')
    y.numpy().astype(np.float32).tofile(out + '-y.f32')
    print('top1', y.argmax(1).tolist(), 'shape', tuple(x.shape))
    print(f'npx tsx scripts/onnx-parity.ts --model {ZOO} --input {out}-x.f32 '
          f'--shape {",".join(map(str, x.shape))} --expected {out}-y.f32')
