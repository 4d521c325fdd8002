"""Self-blended images (SBI; Shiohara & Yamasaki, CVPR 2022), written from the paper's idea.

A real face is blended with a slightly altered copy of itself (colour and frequency jitter, a small
scale/translation warp) inside a soft mask around the face. The result carries the artefacts a face
swap leaves at the blend boundary (colour mismatch, double edges, a frequency seam) without any
identity change, so a detector learns blending rather than one generator's fingerprints.
Our landmarks are BlazeFace's six keypoints, so the mask hull is built from them plus a forehead
and a chin point extrapolated along the face's vertical axis.
"""
import cv2
import numpy as np


def _face_hull(kps, size, rng):
    kps = np.asarray(kps, dtype=np.float32).reshape(6, 2)
    re, le, nose, mouth, rear, lear = kps
    eye_mid = (re + le) / 2
    down = mouth - eye_mid
    chin = mouth + down * rng.uniform(0.45, 0.75)
    brow_up = -down * rng.uniform(0.5, 0.9)
    pts = np.stack([rear, lear, re + brow_up, le + brow_up, eye_mid + brow_up * 1.1, chin,
                    mouth + (rear - eye_mid) * 0.35 + down * 0.3,
                    mouth + (lear - eye_mid) * 0.35 + down * 0.3, nose])
    if rng.random() < 0.25:
        # Lower face only (mouth re-synthesis, lip-sync, expression transfer): cheeks to chin.
        pts = np.stack([rear, lear, nose, chin,
                        mouth + (rear - eye_mid) * 0.35 + down * 0.3,
                        mouth + (lear - eye_mid) * 0.35 + down * 0.3])
        pts[:2] = pts[:2] * 0.6 + nose * 0.4
    pts += rng.normal(0, size * 0.01, pts.shape)
    hull = cv2.convexHull(pts.astype(np.float32)).astype(np.int32)
    mask = np.zeros((size, size), np.float32)
    cv2.fillConvexPoly(mask, hull, 1.0)
    return mask


def _deform(mask, rng):
    """A smooth random displacement of the mask outline (the paper deforms the landmark hull)."""
    size = mask.shape[0]
    g = 4
    field = rng.normal(0, size * 0.03, (g, g, 2)).astype(np.float32)
    field = cv2.resize(field, (size, size), interpolation=cv2.INTER_CUBIC)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    return cv2.remap(mask, xs + field[..., 0], ys + field[..., 1], cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def _soft(mask, rng):
    size = mask.shape[0]
    if rng.random() < 0.5:
        mask = _deform(mask, rng)
    k = int(rng.integers(1, max(2, size // 16))) * 2 + 1
    if rng.random() < 0.5:
        mask = cv2.erode(mask, np.ones((k, k), np.uint8))
    else:
        mask = cv2.dilate(mask, np.ones((k, k), np.uint8))
    b = int(rng.integers(1, max(2, size // 10))) * 2 + 1
    mask = cv2.GaussianBlur(mask, (b, b), 0)
    return mask / max(mask.max(), 1e-6)


def _jitter_colour(img, rng):
    out = img.astype(np.float32)
    out += rng.uniform(-20, 20, 3)  # per-channel shift
    hsv = cv2.cvtColor(np.clip(out, 0, 255).astype(np.uint8), cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[..., 0] = (hsv[..., 0] + rng.uniform(-5, 5)) % 180
    hsv[..., 1] *= rng.uniform(0.85, 1.15)
    hsv[..., 2] *= rng.uniform(0.85, 1.15)
    out = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2RGB).astype(np.float32)
    c = rng.uniform(0.85, 1.15)
    out = (out - out.mean()) * c + out.mean()
    return np.clip(out, 0, 255)


def _jitter_frequency(img, rng):
    if rng.random() < 0.5:
        k = int(rng.choice([3, 5]))
        return cv2.GaussianBlur(img, (k, k), 0)
    blur = cv2.GaussianBlur(img, (0, 0), 1.0)
    a = rng.uniform(0.3, 1.2)
    return np.clip(img * (1 + a) - blur * a, 0, 255)


def _warp(img, rng):
    size = img.shape[0]
    s = rng.uniform(0.94, 1.06)
    tx, ty = rng.uniform(-0.03, 0.03, 2) * size
    m = np.float32([[s, 0, (1 - s) * size / 2 + tx], [0, s, (1 - s) * size / 2 + ty]])
    return cv2.warpAffine(img, m, (size, size), borderMode=cv2.BORDER_REFLECT)


def self_blend(img, kps, rng):
    """img: HxWx3 uint8 RGB (square crop), kps: 12 floats (six keypoints in crop pixels)."""
    size = img.shape[0]
    src = img.astype(np.float32)
    if rng.random() < 0.5:
        src = _jitter_colour(src, rng)
    else:
        src = _jitter_frequency(src, rng)
    if rng.random() < 0.5:
        src = _jitter_colour(src, rng) if rng.random() < 0.5 else _jitter_frequency(src, rng)
    src = _warp(src, rng)
    mask = _soft(_face_hull(kps, size, rng), rng)
    mask *= rng.choice([0.25, 0.5, 0.75, 1, 1, 1])
    if rng.random() < 0.5:  # the paper alters either the source or the target
        img, src = src.astype(np.uint8), img.astype(np.float32)
    out = mask[..., None] * src + (1 - mask[..., None]) * img.astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)
