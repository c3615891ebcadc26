# SPDX-License-Identifier: GPL-3.0-or-later
"""Augur's peers in the benchmark: OpenCV and Pillow, as Albumentations uses them.

    peers.py ops SAMPLES_DIR [--repeats N] [--augur AUGUR_BENCH]
        per-operation latency of OpenCV and Pillow, single thread, on the
        samples decoded once (RGB); the same operation names, parameters and
        JSON lines as `augur-bench ops`, whose passes it interleaves with
        its own when given --augur; the rows whose work depends on what is
        drawn (DRAWN_OPS) then take Augur's draws, so both sides do the same
        work
    peers.py agree SAMPLES_DIR DUMP_DIR
        how far OpenCV's outputs are from Augur's (`augur-bench dump`), the
        rows of DRAWN_OPS with the draws Augur saved beside its outputs
    peers.py pipeline INPUT_DIR OUTPUT_DIR --workers N --format png|jpeg
        the default recipe (data/recipes/default.json) done with OpenCV and
        numpy's random generator over a folder, in N worker processes
    peers.py e2e --cli AUGUR_CLI --recipe RECIPE SAMPLES_DIR [--copies K] [--runs R]
        whole-process wall time of `augur-cli apply` and of `peers.py
        pipeline` over the samples replicated K times, interleaved

Run it with Debian's /usr/bin/python3 (python3-opencv, python3-pil,
python3-numpy).
"""

import argparse
import io
import json
import math
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zlib

import cv2
import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

SAMPLE_SUFFIXES = ('.png', '.jpg')


def sample_paths(folder):
    return sorted(os.path.join(folder, n) for n in os.listdir(folder)
                  if n.endswith(SAMPLE_SUFFIXES))


# Augur's draws ---------------------------------------------------------------------
#
# A random row times different work on each side when each side draws its
# own values and the values set the amount of work (a crop's size, a hole's
# area). For the rows of DRAWN_OPS the peer therefore takes the values Augur
# drew for the image (`augur-bench serve`'s "draws OP" answer, or the
# OP.json files of `augur-bench dump`: per image, the replay record
# `augur-cli apply --replay` reads) and converts them to its own terms.
# Without Augur each row draws its own values with numpy, as before. The
# other random rows keep their own draws: most cost the same whatever is
# drawn (a colour shift, a noise field, a tile permutation); the weather
# rows and Superpixels draw counts and sizes of their own, not matched yet.

DRAWN_OPS = ('RandomCrop256', 'RandomSizedCrop', 'RandomResizedCrop512', 'RandomCropFromBorders',
             'CoarseDropout', 'Erasing', 'XYMasking', 'GridDropout', 'RandomRotate90', 'D4',
             'Rotate45Nearest', 'AffineFull', 'Perspective', 'CutMix')


def replay_values(record):
    """The values the one step of a bench recipe drew, from a draws record
    ({"image", "seed", "replay"}): the first applied step of the replay."""
    node = record['replay']
    while 'values' not in node:
        steps = [s for s in node.get('steps', []) if s.get('applied', True)]
        if not steps:
            return None
        node = steps[0]
    return node['values']


def draws_by_image(answer, paths):
    """{image key: values} from one "draws OP" answer, checked against the
    samples peers.py loaded (the same files in the same order)."""
    keys = [os.path.basename(p) for p in paths]
    got = [r['image'] for r in answer['draws']]
    if got != keys:
        raise SystemExit(f'peers.py: augur-bench drew for {got}, peers.py loaded {keys}')
    return {r['image']: replay_values(r) for r in answer['draws']}


def drawn_side(value, side):
    # Augur's lrint: round half to even, as Python's round()
    return min(max(int(round(value * side)), 0), side)


def drawn_holes(values, w, h):
    """The "holes" list of CoarseDropout, Erasing and XYMasking (x1, y1, x2,
    y2 as fractions of the side) in pixels as (x, y, width, height), as
    holes_from_drawn in core/transforms/transforms-occlusion.c reads it."""
    v = values['holes']
    out = []
    for i in range(0, len(v) - 3, 4):
        x1, y1, x2, y2 = (drawn_side(f, n) for f, n in zip(v[i:i + 4], (w, h, w, h)))
        if x2 > x1 and y2 > y1:
            out.append((x1, y1, x2 - x1, y2 - y1))
    return out


M64 = (1 << 64) - 1


def rotl64(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class AugurRng:
    """Augur's generator (core/augur-rng.c: xoshiro256** seeded through
    splitmix64), for the values an apply derives from a drawn seed."""

    def __init__(self, seed):
        x, self.s = seed & M64, []
        for _ in range(4):
            x = (x + 0x9e3779b97f4a7c15) & M64
            z = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & M64
            z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
            self.s.append(z ^ (z >> 31))

    def next(self):
        s = self.s
        result = (rotl64((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl64(s[3], 45)
        return result

    def int(self, lo, hi):
        # augur_rng_int: lo..hi inclusive, by rejection
        if hi <= lo:
            return lo
        span = hi - lo + 1
        limit = M64 - M64 % span
        while True:
            x = self.next()
            if x < limit:
                return lo + x % span


def drawn_grid_holes(values, w, h, ratio):
    """GridDropout's holes from its drawn cell edges ("cols", "rows") and
    seed, random_offset on (its default), as gd_holes in
    core/transforms/transforms-occlusion.c: a hole of ratio of each cell's
    side (at least 1, at most the side - 1), placed at random in the cell."""
    def edges(name, side):
        out = []
        for f in values[name]:
            e = drawn_side(f, side)
            if not out or e > out[-1]:
                out.append(e)
        return out

    cols, rows = edges('cols', w), edges('rows', h)
    rng = AugurRng(int(values['seed']) ^ 0x9e3779b97f4a7c15)
    out = []
    for i in range(len(rows) - 1):
        for j in range(len(cols) - 1):
            cell_h, cell_w = rows[i + 1] - rows[i], cols[j + 1] - cols[j]
            hole_h = max(int(min(max(cell_h * ratio, 1), cell_h - 1)), 0)
            hole_w = max(int(min(max(cell_w * ratio, 1), cell_w - 1)), 0)
            off_y = rng.int(0, cell_h - hole_h)
            off_x = rng.int(0, cell_w - hole_w)
            if hole_h and hole_w:
                out.append((min(max(cols[j] + off_x, 0), w - hole_w),
                            min(max(rows[i] + off_y, 0), h - hole_h), hole_w, hole_h))
    return out


# Operations -----------------------------------------------------------------------
#
# Each maker takes the image (RGB numpy array for OpenCV, PIL image for
# Pillow), a numpy generator for the values Augur draws once (hole
# positions, noise), and Augur's draws for this image when there are
# ({op: values}, the rows of DRAWN_OPS), and returns the functions timed.

def centre(w, h):
    # Albumentations' (and Augur's) centre of rotation: pixel-index coordinates.
    return ((w - 1) / 2.0, (h - 1) / 2.0)


def affine_matrix(w, h):
    """Scale 1.2 and shear x by 10 degrees about the centre (forward map),
    with Albumentations' sign for the shear."""
    a = np.array([[1.2, 0.0], [0.0, 1.2]]) @ np.array([[1.0, -math.tan(math.radians(10))], [0.0, 1.0]])
    c = np.array(centre(w, h))
    return np.hstack([a, (c - a @ c)[:, None]])


def holes(w, h, rng, n=4, frac=0.1):
    hh, ww = max(1, int(h * frac)), max(1, int(w * frac))
    return [(int(rng.integers(0, w - ww + 1)), int(rng.integers(0, h - hh + 1)), ww, hh)
            for _ in range(n)]


def brightness_contrast_lut(alpha, beta):
    return np.clip(np.arange(256, dtype=np.float32) * alpha + beta, 0, 255).astype(np.uint8)


def cv_hsv(img, hue, sat, val):
    # Albumentations' shift_hsv for uint8: HSV, one LUT per channel, back.
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    h, s, v = cv2.split(hsv)
    r = np.arange(256, dtype=np.int16)
    h = cv2.LUT(h, ((r + hue) % 180).astype(np.uint8))
    s = cv2.LUT(s, np.clip(r + sat, 0, 255).astype(np.uint8))
    v = cv2.LUT(v, np.clip(r + val, 0, 255).astype(np.uint8))
    return cv2.cvtColor(cv2.merge((h, s, v)), cv2.COLOR_HSV2RGB)


def cv_noise(img, std, rng):
    # numpy normal + add + clip, as Albumentations' GaussNoise does for uint8.
    noise = rng.normal(0.0, std * 255.0, img.shape).astype(np.float32)
    return np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def cv_dropout(img, boxes):
    out = img.copy()
    for x, y, w, h in boxes:
        out[y:y + h, x:x + w] = 0
    return out


def albu_gaussian_blur(img, sigma, ksize):
    # Albumentations 2.0.8's GaussianBlur: draws a 1-D kernel
    # (blur.functional.create_gaussian_kernel_1d: exp(-x^2 / 2 sigma^2) over
    # -(ksize // 2)..ksize // 2, normalised, in float64; ksize 0 gives
    # int(sigma * 3.5) * 2 + 1) and applies it with cv2.sepFilter2D
    # (pixel.functional.separable_convolve), not cv2.GaussianBlur.
    size = int(sigma * 3.5) * 2 + 1 if ksize == 0 else ksize
    size += size % 2 == 0
    x = np.array(list(range(-(size // 2), size // 2 + 1)))
    k = np.exp(-0.5 * (x / sigma) ** 2)
    k = k / k.sum()
    return cv2.sepFilter2D(img, -1, k, k)


def cv_jpeg(img, quality):
    ok, buf = cv2.imencode('.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def coarse_holes(w, h, rng, drawn):
    if 'CoarseDropout' in drawn:
        return drawn_holes(drawn['CoarseDropout'], w, h)
    return holes(w, h, rng)


def make_cv_ops(img, rng, drawn=None):
    drawn = drawn or {}
    h, w = img.shape[:2]
    rot = cv2.getRotationMatrix2D(centre(w, h), 30, 1.0)
    aff = affine_matrix(w, h)
    boxes = coarse_holes(w, h, rng, drawn)
    noise_rng = np.random.default_rng(int(rng.integers(1 << 32)))
    ops = {
        'HorizontalFlip': lambda: cv2.flip(img, 1),
        'Rotate30': lambda: cv2.warpAffine(img, rot, (w, h), flags=cv2.INTER_LINEAR,
                                           borderMode=cv2.BORDER_REFLECT_101),
        'Rotate30Constant': lambda: cv2.warpAffine(img, rot, (w, h), flags=cv2.INTER_LINEAR,
                                                   borderMode=cv2.BORDER_CONSTANT, borderValue=0),
        'Affine': lambda: cv2.warpAffine(img, aff, (w, h), flags=cv2.INTER_LINEAR,
                                         borderMode=cv2.BORDER_CONSTANT, borderValue=0),
        'ResizeLinear': lambda: cv2.resize(img, (256, 256), interpolation=cv2.INTER_LINEAR),
        'ResizeArea': lambda: cv2.resize(img, (256, 256), interpolation=cv2.INTER_AREA),
        'GaussianBlur': lambda: albu_gaussian_blur(img, 2.0, 0),
        'BrightnessContrast': lambda: cv2.LUT(img, brightness_contrast_lut(1.2, 0.1 * 255)),
        'HueSaturationValue': lambda: cv_hsv(img, 10, 20, 10),
        'ToGray': lambda: cv2.cvtColor(img, cv2.COLOR_RGB2GRAY),
        'GaussNoise': lambda: cv_noise(img, 0.1, noise_rng),
        'CoarseDropout': lambda: cv_dropout(img, boxes),
        'JpegQ50': lambda: cv_jpeg(img, 50),
    }
    ops.update(make_catalogue2_cv_ops(img, rng))
    ops.update(make_catalogue3_cv_ops(img, rng, drawn))
    return ops


# The second catalogue (colour and tone; blur, sharpen and texture), each as
# Albumentations 2.0.8 computes it on uint8 with OpenCV and numpy; the
# values are the ones augur-bench.c collapses its ranges to.

SEPIA = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]])

# Operations that draw at random on each side: timed, not compared.
RANDOM_OPS = ('GaussNoise', 'CoarseDropout', 'ColorJitter', 'ChannelShuffle', 'ChannelDropout',
              'RandomToneCurve', 'FancyPCA', 'GlassBlur', 'AdvancedBlur7')
# Of the rest of the catalogue, the operations whose settings the peer
# reproduces exactly: only these are compared (the others draw at random,
# or their random draws are made on each side differently).
COMPARED_CATALOGUE3 = ('VerticalFlip', 'Transpose', 'LongestMaxSize256', 'SmallestMaxSize256',
                       'PadIfNeeded1536', 'CenterCrop256', 'Crop', 'ToGray3', 'GaussianBlurK5',
                       'Downscale', 'OpticalDistortion', 'ChromaticAberration', 'SafeRotate30',
                       'ShiftScaleRotate')


def lut_per_channel(img, tables):
    return cv2.merge([cv2.LUT(c, t) for c, t in zip(cv2.split(img), tables)])


def u8(values):
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def cv_color_jitter(img, b, c, s, h):
    r = np.arange(256, dtype=np.float32)
    img = cv2.LUT(img, u8(r * b))
    mean = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).mean()
    img = cv2.LUT(img, u8(r * c + mean * (1 - c)))
    gray = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    img = cv2.addWeighted(img, s, gray, 1 - s, 0)
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    hsv[..., 0] = cv2.LUT(hsv[..., 0], np.mod(r + 180 * h, 180).astype(np.uint8))
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)


def cv_clahe(img, clip, tiles):
    lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB)
    lab[..., 0] = cv2.createCLAHE(clipLimit=clip, tileGridSize=tiles).apply(lab[..., 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def cv_auto_contrast(img):
    out = []
    for ch in cv2.split(img):
        hist = cv2.calcHist([ch], [0], None, [256], (0, 256)).ravel()
        used = np.flatnonzero(hist)
        cdf = hist.cumsum()
        lo, hi = used[0], used[-1]
        lut = u8((cdf - cdf[lo]) * 255.0 / max(cdf[hi] - cdf[lo], 1))
        lut[:lo + 1], lut[hi:] = 0, 255
        out.append(cv2.LUT(ch, lut))
    return cv2.merge(out)


def cv_fancy_pca(img, alpha):
    f = img.astype(np.float32) / 255
    flat = f.reshape(-1, 3)
    vals, vecs = np.linalg.eigh(np.cov(flat - flat.mean(axis=0), rowvar=False))
    order = vals.argsort()[::-1]
    return u8((f + vecs[:, order] @ (alpha * vals[order])) * 255)


def cv_tone_curve(img, low, high):
    t = np.linspace(0, 1, 256)
    curve = 3 * (1 - t) ** 2 * t * low + 3 * (1 - t) * t ** 2 * high + t ** 3
    return cv2.LUT(img, u8(curve * 255))


def cv_linear_illumination(img, intensity, angle):
    h, w = img.shape[:2]
    y, x = np.mgrid[:h, :w].astype(np.float32)
    g = x / max(w - 1, 1) * math.cos(math.radians(angle)) + y / max(h - 1, 1) * math.sin(math.radians(angle))
    g = cv2.normalize(g, None, 0, 1, cv2.NORM_MINMAX)
    return u8((img.astype(np.float32) / 255 + (intensity * g)[..., None]) * 255)


def defocus_kernel(radius, alias):
    n = max(8, radius)
    x, y = np.meshgrid(np.arange(-n, n + 1), np.arange(-n, n + 1))
    disk = ((x ** 2 + y ** 2) <= radius ** 2).astype(np.float32)
    disk /= disk.sum()
    k = 3 if radius <= 8 else 5
    return cv2.GaussianBlur(disk, (k, k), alias)


def central_zoom(img, z):
    h, w = img.shape[:2]
    hc, wc = math.ceil(h / z), math.ceil(w / z)
    top, left = (h - hc) // 2, (w - wc) // 2
    scaled = cv2.resize(img[top:top + hc, left:left + wc], (int(wc * z), int(hc * z)),
                        interpolation=cv2.INTER_LINEAR)
    t, l = (scaled.shape[0] - h) // 2, (scaled.shape[1] - w) // 2
    return scaled[t:t + h, l:l + w]


def cv_zoom_blur(img, max_factor, step):
    f = img.astype(np.float32) / 255
    out = np.zeros_like(f)
    zooms = np.arange(1.0, max_factor, step)
    for z in zooms:
        out += central_zoom(f, z)
    return u8((f + out) / (len(zooms) + 1) * 255)


def cv_glass_blur(img, sigma, delta, iterations, rng):
    x = cv2.GaussianBlur(img, (0, 0), sigma)
    h, w = img.shape[:2]
    hs, ws = np.arange(h - delta, delta, -1), np.arange(w - delta, delta, -1)
    hh, ww = np.tile(hs, ws.shape[0]), np.repeat(ws, hs.shape[0])
    dxy = rng.integers(-delta, delta, size=(hh.shape[0], iterations, 2))
    for i in range(iterations):
        dy, dx = dxy[:, i, 0], dxy[:, i, 1]
        x[hh, ww], x[hh + dy, ww + dx] = x[hh + dy, ww + dx], x[hh, ww]
    return cv2.GaussianBlur(x, (0, 0), sigma)


def advanced_kernel(k, rng):
    sx, sy, angle, beta = 0.6, 0.9, math.radians(30), 1.5
    ax = np.arange(-k // 2 + 1.0, k // 2 + 1.0)
    grid = np.stack(np.meshgrid(ax, ax), axis=-1)
    u = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    inv = np.linalg.inv(u @ np.diag([sx ** 2, sy ** 2]) @ u.T)
    kernel = np.exp(-0.5 * np.power(np.sum(np.dot(grid, inv) * grid, 2), beta))
    kernel *= rng.uniform(0.9, 1.1, size=(k, k))
    return (kernel / kernel.sum()).astype(np.float32)


def cv_unsharp(img, ksize, sigma, alpha, threshold):
    f = img.astype(np.float32) / 255
    blur = cv2.GaussianBlur(f, (ksize, ksize), sigma)
    residual = f - blur
    mask = (np.abs(residual) * 255 > threshold).astype(np.float32)
    sharp = np.clip(f + alpha * residual, 0, 1)
    soft = cv2.GaussianBlur(mask, (ksize, ksize), sigma)
    return u8((soft * sharp + (1 - soft) * f) * 255)


def blend_kernel(alpha, effect):
    identity = np.zeros((3, 3), np.float32)
    identity[1, 1] = 1
    return ((1 - alpha) * identity + alpha * np.array(effect, np.float32)).astype(np.float32)


def make_catalogue2_cv_ops(img, rng):
    r = np.arange(256, dtype=np.float32)
    ident = np.arange(256, dtype=np.uint8)
    motion = np.zeros((7, 7), np.float32)
    motion[3, :] = 1 / 7
    defocus = defocus_kernel(5, 0.2)
    advanced = advanced_kernel(7, rng)
    glass_rng = np.random.default_rng(int(rng.integers(1 << 32)))
    s = 0.5
    return {
        'ColorJitter': lambda: cv_color_jitter(img, 1.1, 1.1, 1.1, 0.05),
        'RGBShift': lambda: lut_per_channel(img, [u8(r + 20), u8(r - 10), u8(r + 5)]),
        'ChannelShuffle': lambda: np.ascontiguousarray(img[..., [2, 0, 1]]),
        'ChannelDropout': lambda: cv2.merge([img[..., 0], np.zeros_like(img[..., 1]), img[..., 2]]),
        'ToSepia': lambda: cv2.transform(img, SEPIA),
        # albumentations/augmentations/pixel/functional.py, invert(): numpy's
        # MAX_VALUES_BY_DTYPE[img.dtype] - img, not OpenCV's bitwise_not.
        'InvertImg': lambda: 255 - img,
        'Solarize': lambda: cv2.LUT(img, np.where(ident < 127.5, ident, 255 - ident).astype(np.uint8)),
        'Posterize': lambda: cv2.LUT(img, ident & 0xF0),
        'Equalize': lambda: cv2.merge([cv2.equalizeHist(c) for c in cv2.split(img)]),
        'CLAHE': lambda: cv_clahe(img, 2.0, (8, 8)),
        'RandomGamma': lambda: cv2.LUT(img, ((r / 255) ** 1.2 * 255).astype(np.uint8)),
        'RandomToneCurve': lambda: cv_tone_curve(img, 0.3, 0.7),
        'AutoContrast': lambda: cv_auto_contrast(img),
        'FancyPCA': lambda: cv_fancy_pca(img, np.array([0.1, -0.05, 0.02])),
        'PlanckianJitter': lambda: lut_per_channel(img, [u8(r * 0.5376 / 0.4515), ident,
                                                         u8(r * 0.3672 / 0.4515)]),
        'Illumination': lambda: cv_linear_illumination(img, 0.1, 45),
        'Blur5': lambda: cv2.blur(img, (5, 5)),
        'MotionBlur7': lambda: cv2.filter2D(img, -1, motion),
        'MedianBlur3': lambda: cv2.medianBlur(img, 3),
        'MedianBlur5': lambda: cv2.medianBlur(img, 5),
        'MedianBlur7': lambda: cv2.medianBlur(img, 7),
        'GlassBlur': lambda: cv_glass_blur(img, 0.7, 4, 2, glass_rng),
        'Defocus5': lambda: cv2.filter2D(img, -1, defocus),
        'ZoomBlur': lambda: cv_zoom_blur(img, 1.2, 0.02),
        'AdvancedBlur7': lambda: cv2.filter2D(img, -1, advanced),
        'Sharpen': lambda: cv2.filter2D(img, -1, blend_kernel(0.3, [[-1, -1, -1], [-1, 9, -1], [-1, -1, -1]])),
        'UnsharpMask': lambda: cv_unsharp(img, 5, 1.0, 0.5, 10),
        'Emboss': lambda: cv2.filter2D(img, -1, blend_kernel(0.5, [[-1 - s, -s, 0], [-s, 1, s], [0, s, 1 + s]])),
        'Morphological5': lambda: cv2.dilate(img, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))),
    }


# The rest of the catalogue: geometry, crops, distortions, noise, quality,
# weather and occlusion, each as Albumentations 2.0.8 computes it for uint8
# (albumentations/augmentations/*/functional.py and albucore), with the
# settings augur-bench.c gives Augur. Where Albumentations draws its random
# values from the image (crop windows, noise fields, particle positions),
# that drawing is part of the timed call, as it is of every call in a
# training loop. Crops are copied: Albumentations returns a view, which the
# next step or the collate function copies.

def torchvision_crop(h, w, scale, ratio, rng):
    area = h * w
    for _ in range(10):
        target = area * rng.uniform(*scale)
        aspect = math.exp(rng.uniform(math.log(ratio[0]), math.log(ratio[1])))
        cw, ch = int(round(math.sqrt(target * aspect))), int(round(math.sqrt(target / aspect)))
        if 0 < cw <= w and 0 < ch <= h:
            y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
            return y, x, ch, cw
    side = min(h, w)
    return (h - side) // 2, (w - side) // 2, side, side


def affine_about_centre(w, h, angle=0.0, scale=(1.0, 1.0), shear=(0.0, 0.0), shift=(0.0, 0.0)):
    """Albumentations' Affine matrix (forward map): about the centre, scale,
    rotate, shear, then the shift in pixels."""
    cx, cy = centre(w, h)
    # a positive angle turns the picture counter-clockwise on screen (y
    # down), and a positive shear leans it the same way, as in 2.0.8's
    # create_affine_transformation_matrix
    a = math.radians(angle)
    rot = np.array([[math.cos(a), math.sin(a), 0], [-math.sin(a), math.cos(a), 0], [0, 0, 1]])
    sh = np.array([[1, -math.tan(math.radians(shear[0])), 0], [-math.tan(math.radians(shear[1])), 1, 0], [0, 0, 1]])
    sc = np.diag([scale[0], scale[1], 1.0])
    to0 = np.array([[1, 0, -cx], [0, 1, -cy], [0, 0, 1]])
    back = np.array([[1, 0, cx + shift[0]], [0, 1, cy + shift[1]], [0, 0, 1]])
    return (back @ sh @ rot @ sc @ to0)[:2]


def cv_perspective(img, scale, rng, corners=None):
    # corners: Augur's drawn "corners" (each corner's move inwards, a
    # fraction of the side), else drawn here
    h, w = img.shape[:2]
    pts = np.abs(rng.normal(0, scale, (4, 2))) if corners is None else np.reshape(corners, (4, 2))
    pts[:, 0] *= w
    pts[:, 1] *= h
    src = np.float32([[pts[0, 0], pts[0, 1]], [w - 1 - pts[1, 0], pts[1, 1]],
                      [w - 1 - pts[2, 0], h - 1 - pts[2, 1]], [pts[3, 0], h - 1 - pts[3, 1]]])
    tl, tr, br, bl = src
    mw = int(max(np.linalg.norm(br - bl), np.linalg.norm(tr - tl)))
    mh = int(max(np.linalg.norm(tr - br), np.linalg.norm(tl - bl)))
    dst = np.float32([[0, 0], [mw - 1, 0], [mw - 1, mh - 1], [0, mh - 1]])
    m = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(img, m, (mw, mh), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return cv2.resize(warped, (w, h), interpolation=cv2.INTER_LINEAR)


def cv_elastic(img, alpha, sigma, rng):
    h, w = img.shape[:2]
    dx = rng.standard_normal((h, w)).astype(np.float32)
    dy = rng.standard_normal((h, w)).astype(np.float32)
    cv2.GaussianBlur(dx, (0, 0), sigma, dst=dx)
    cv2.GaussianBlur(dy, (0, 0), sigma, dst=dy)
    x, y = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return cv2.remap(img, x + dx * alpha, y + dy * alpha, cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def cv_optical(img, k):
    h, w = img.shape[:2]
    cam = np.array([[w, 0, w / 2], [0, h, h / 2], [0, 0, 1]], np.float32)
    mx, my = cv2.initUndistortRectifyMap(cam, np.array([k, k, 0, 0, 0], np.float32), None, cam,
                                         (w, h), cv2.CV_32FC1)
    return cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def cv_grid_distortion(img, steps, limit, rng):
    h, w = img.shape[:2]
    xs = 1 + rng.uniform(-limit, limit, steps + 1)
    ys = 1 + rng.uniform(-limit, limit, steps + 1)

    def axis(n, stretch):
        step = n // steps
        out = np.zeros(n, np.float32)
        prev = 0.0
        for i in range(0, n, step):
            end = min(i + step, n)
            cur = prev + step * stretch[i // step]
            out[i:end] = np.linspace(prev, cur, end - i)
            prev = cur
        return out * (n - 1) / max(prev, 1)

    mx, my = np.meshgrid(axis(w, xs), axis(h, ys))
    return cv2.remap(img, mx.astype(np.float32), my.astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def cv_piecewise_affine(img, scale, rows, cols, rng):
    h, w = img.shape[:2]
    jitter = rng.normal(0, scale, (rows, cols, 2)).astype(np.float32)
    dx = cv2.resize(jitter[..., 0] * w, (w, h), interpolation=cv2.INTER_LINEAR)
    dy = cv2.resize(jitter[..., 1] * h, (w, h), interpolation=cv2.INTER_LINEAR)
    x, y = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return cv2.remap(img, x + dx, y + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                     borderValue=0)


def tps_kernel(r2):
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.where(r2 > 0, r2 * np.log(np.maximum(r2, 1e-12)) * 0.5, 0.0)


def cv_thin_plate_spline(img, scale, n, rng):
    h, w = img.shape[:2]
    g = np.linspace(0, 1, n)
    src = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    dst = src + rng.normal(0, scale / n, src.shape)
    k = len(src)
    a = np.zeros((k + 3, k + 3))
    a[:k, :k] = tps_kernel(((dst[:, None] - dst[None]) ** 2).sum(-1))
    a[:k, k] = 1
    a[:k, k + 1:] = dst
    a[k, :k] = 1
    a[k + 1:, :k] = dst.T
    b = np.zeros((k + 3, 2))
    b[:k] = src
    weights = np.linalg.solve(a, b)
    y, x = np.mgrid[:h, :w].astype(np.float32)
    pts = np.stack([x.ravel() / (w - 1), y.ravel() / (h - 1)], 1)
    r2 = ((pts[:, None, :] - dst[None].astype(np.float32)) ** 2).sum(-1)
    weights = weights.astype(np.float32)
    mapped = tps_kernel(r2).astype(np.float32) @ weights[:k] + weights[k] + pts @ weights[k + 1:]
    mx = (mapped[:, 0] * (w - 1)).reshape(h, w).astype(np.float32)
    my = (mapped[:, 1] * (h - 1)).reshape(h, w).astype(np.float32)
    return cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def albu_slic(image, n_segments, compactness=10.0, iterations=10):
    """SLIC as Albumentations 2.0.8 runs it: its own numpy slic() in
    albumentations/augmentations/pixel/functional.py, not scikit-image's."""
    if image.ndim == 2:
        image = image[..., None]
    h, w = image.shape[:2]
    norm = image.astype(np.float32) / np.max(image + 1e-6)
    step = int((h * w / n_segments) ** 0.5)
    centres = np.array([(x, y) for y in np.arange(step // 2, h, step)
                        for x in np.arange(step // 2, w, step)])
    labels = np.full((h, w), -1, np.int32)
    dist = np.full((h, w), np.inf)
    for _ in range(iterations):
        for i, (cx, cy) in enumerate(centres):
            cx, cy = int(cx), int(cy)
            y0, y1 = max(0, cy - step), min(h, cy + step + 1)
            x0, x1 = max(0, cx - step), min(w, cx + step + 1)
            colour = np.sum((norm[y0:y1, x0:x1] - norm[cy, cx]) ** 2, axis=-1)
            yy, xx = np.ogrid[y0:y1, x0:x1]
            d = colour + compactness * (((yy - cy) ** 2 + (xx - cx) ** 2) / step ** 2)
            closer = d < dist[y0:y1, x0:x1]
            dist[y0:y1, x0:x1][closer] = d[closer]
            labels[y0:y1, x0:x1][closer] = i
        for i in range(len(centres)):
            mine = labels == i
            if np.any(mine):
                centres[i] = np.mean(np.argwhere(mine), axis=0)[::-1]
    return labels


def cv_superpixels(img, n_segments, p_replace, max_size, rng):
    # Albumentations 2.0.8's superpixels() (pixel/functional.py): its own
    # slic(), then per channel each label of np.unique() (label 0 left out
    # when it comes first) filled with its rounded mean if drawn.
    h, w = img.shape[:2]
    replace = rng.random(n_segments) < p_replace
    if not np.any(replace):
        return img
    small = img
    if max(h, w) > max_size:
        s = max_size / max(h, w)
        small = cv2.resize(img, (int(w * s), int(h * s)), interpolation=cv2.INTER_LINEAR)
    segments = albu_slic(small, n_segments)
    out = small.copy()
    for c in range(out.shape[2]):
        chan = out[..., c]
        labels = np.unique(segments)
        if labels[0] == 0:
            labels = labels[1:]
        for k, label in enumerate(labels):
            if replace[k % n_segments]:
                mine = segments == label
                chan[mine] = min(max(int(np.round(np.mean(chan[mine]))), 0), 255)
    return cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR) if out.shape != img.shape else out


def cv_iso_noise(img, color_shift, intensity, rng):
    # Albumentations 2.0.8's pixel.functional.iso_noise under float32_io
    # (the image in 0..1): Poisson luminance noise of mean std(L) * intensity
    # (not times 255), added as k * intensity * (1 - L); the hue noise added
    # without wrapping; clipped to 0..1 and back to bytes. The hue spread is
    # the documented color_shift * 360 * intensity degrees that Augur takes
    # (2.0.8's code uses color_shift * intensity; the spread does not change
    # the cost of numpy's normal).
    hls = cv2.cvtColor(img.astype(np.float32) / 255, cv2.COLOR_RGB2HLS)
    _, std = cv2.meanStdDev(hls)
    lum_noise = rng.poisson(std[1, 0] * intensity, hls.shape[:2])
    col_noise = rng.normal(0, color_shift * 360 * intensity, hls.shape[:2])
    hls[..., 0] += col_noise
    hls[..., 1] += lum_noise * intensity * (1.0 - hls[..., 1])
    return u8(np.clip(cv2.cvtColor(hls, cv2.COLOR_HLS2RGB), 0, 1) * 255)


def cv_salt_and_pepper(img, amount, salt, rng):
    r = rng.random(img.shape[:2])
    noisy = r < amount
    salt_mask = noisy & (rng.random(img.shape[:2]) < salt)
    out = img.copy()
    out[salt_mask] = 255
    out[noisy & ~salt_mask] = 0
    return out


def cv_shot_noise(img, scale, rng):
    linear = np.power(img.astype(np.float32) / 255, 2.2)
    noisy = rng.poisson(linear / scale).astype(np.float32) * scale
    return u8(np.power(np.clip(noisy, 0, 1), 1 / 2.2) * 255)


def cv_add_float_noise(img, noise):
    return np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def cv_chromatic(img, primary, secondary):
    h, w = img.shape[:2]
    cam = np.array([[w, 0, w / 2], [0, h, h / 2], [0, 0, 1]], np.float32)

    def distort(ch, k1, k2):
        mx, my = cv2.initUndistortRectifyMap(cam, np.array([k1, k2, 0, 0], np.float32), None, cam,
                                             (w, h), cv2.CV_32FC1)
        return cv2.remap(ch, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    return np.dstack([distort(img[..., 0], primary, secondary), img[..., 1],
                      distort(img[..., 2], -primary, -secondary)])


def ringing_kernel(k, cutoff):
    # 2-D sinc (jinc) low-pass; the kernel is drawn once, only the filter timed
    y, x = np.mgrid[:k, :k] - (k - 1) / 2
    r = np.hypot(x, y)
    with np.errstate(divide='ignore', invalid='ignore'):
        kern = np.where(r > 0, np.sinc(cutoff * r / math.pi), 1.0)
    return (kern / kern.sum()).astype(np.float32)


def fog_particles(w, h, fog, rng):
    region = max(1, int(w // 3 * fog))
    max_r = max(2, int(min(w, h) * 0.1 * fog))
    parts = []
    cw, ch = w, h
    for _ in range(10):
        if cw <= region or ch <= region:
            break
        for _ in range(int(cw * ch / region ** 2 * fog * 10)):
            parts.append((int(rng.integers(w // 2 - cw // 2, w // 2 + cw // 2 + 1)),
                          int(rng.integers(h // 2 - ch // 2, h // 2 + ch // 2 + 1)),
                          int(rng.integers(max(1, max_r // 2), max_r))))
        cw, ch = int(cw * 0.9), int(ch * 0.9)
    return parts


def cv_fog(img, fog, alpha_coef, rng):
    # Each particle a white disc blended at alpha_coef * fog. Albumentations
    # blends a copy of the whole image per particle; this peer blends only
    # each disc's bounding box, so it is faster than the code it stands for.
    h, w = img.shape[:2]
    out = img.copy()
    alpha = alpha_coef * fog
    for x, y, r in fog_particles(w, h, fog, rng):
        x0, y0, x1, y1 = max(0, x - r), max(0, y - r), min(w, x + r + 1), min(h, y + r + 1)
        if x0 >= x1 or y0 >= y1:
            continue
        roi = out[y0:y1, x0:x1]
        overlay = roi.copy()
        cv2.circle(overlay, (x - x0, y - y0), r, (255, 255, 255), -1)
        cv2.addWeighted(overlay, alpha, roi, 1 - alpha, 0, dst=roi)
    k = max(3, min(h, w) // 30) | 1
    return cv2.GaussianBlur(out, (k, k), 0)


def cv_rain(img, slant, length, width, color, blur, bright, rng):
    h, w = img.shape[:2]
    out = img.copy()
    n = h * w // 600
    xs = rng.integers(0, w - slant if slant > 0 else w, n) if slant >= 0 else rng.integers(-slant, w, n)
    ys = rng.integers(0, h - length, n)
    for x, y in zip(xs.tolist(), ys.tolist()):
        cv2.line(out, (x, y), (x + slant, y + length), color, width)
    out = cv2.blur(out, (blur, blur))
    hsv = cv2.cvtColor(out, cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[..., 2] *= bright
    return cv2.cvtColor(u8(hsv), cv2.COLOR_HSV2RGB)


def cv_snow_bleach(img, snow_point, coeff):
    hls = cv2.cvtColor(img, cv2.COLOR_RGB2HLS).astype(np.float32)
    threshold = snow_point * 255 / 2 + 255 / 3
    light = hls[..., 1]
    light[light < threshold] *= coeff
    np.clip(light, 0, 255, out=light)
    return cv2.cvtColor(hls.astype(np.uint8), cv2.COLOR_HLS2RGB)


def cv_sun_flare(img, n_circles, src_radius, rng):
    h, w = img.shape[:2]
    overlay, out = img.copy(), img.copy()
    cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h // 2))
    for _ in range(n_circles):
        alpha = rng.uniform(0.05, 0.2)
        p = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        cv2.circle(overlay, p, int(rng.integers(1, max(2, w // 25))), (255, 255, 255), -1)
        out = cv2.addWeighted(overlay, alpha, out, 1 - alpha, 0)
    times = src_radius // 10
    alphas = np.linspace(0.0, 1, num=times)
    radii = np.linspace(1, src_radius, num=times)
    for i in range(times):
        cv2.circle(overlay, (cx, cy), int(radii[i]), (255, 255, 255), -1)
        a = alphas[times - i - 1] ** 3
        out = cv2.addWeighted(overlay, a, out, 1 - a, 0)
    return out


def cv_shadow(img, n_shadows, vertices, intensity, rng):
    h, w = img.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    for _ in range(n_shadows):
        pts = np.stack([rng.integers(0, w, vertices), rng.integers(h // 2, h, vertices)], 1)
        cv2.fillPoly(mask, [pts.astype(np.int32)], 255)
    out = img.copy()
    sel = mask == 255
    out[sel] = (out[sel] * (1 - intensity)).astype(np.uint8)
    return out


def cv_gravel(img, patches, rng):
    h, w = img.shape[:2]
    hls = cv2.cvtColor(img, cv2.COLOR_RGB2HLS)
    for _ in range(patches):
        x0, y0 = int(rng.integers(0, w // 2)), int(rng.integers(h // 2, h - h // 8))
        for _ in range(int(rng.integers(w * h // 4000 + 1, w * h // 2000 + 2))):
            x, y = int(rng.integers(x0, x0 + w // 4)), int(rng.integers(y0, y0 + h // 8))
            hls[y:y + 4, x:x + 4, 1] = int(rng.integers(0, 255))
    return cv2.cvtColor(hls, cv2.COLOR_HLS2RGB)


def cv_spatter_rain(img, mean, std, sigma, cutout, intensity, rng):
    h, w = img.shape[:2]
    liquid = rng.normal(mean, std, (h, w)).astype(np.float32)
    liquid = cv2.GaussianBlur(liquid, (0, 0), sigma)
    liquid[liquid < cutout] = 0
    dist = 255 - cv2.Canny((liquid * 255).astype(np.uint8), 50, 150)
    dist = cv2.distanceTransform(dist, cv2.DIST_L2, 5)
    _, dist = cv2.threshold(dist, 20, 20, cv2.THRESH_TRUNC)
    dist = cv2.blur(dist, (3, 3)).astype(np.uint8)
    dist = cv2.equalizeHist(dist)
    dist = cv2.filter2D(dist, -1, np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], np.float32))
    dist = cv2.blur(dist, (3, 3)).astype(np.float32)
    m = liquid * dist
    m *= 1 / max(float(m.max()), 1e-6)
    drops = m[..., None] * np.array([238, 238, 175], np.float32) * intensity
    return np.clip(img.astype(np.float32) + drops, 0, 255).astype(np.uint8)


def plasma(size, roughness, rng):
    # diamond-square on a (size + 1)² grid, one numpy pass per level
    n = size + 1
    grid = np.zeros((n, n), np.float32)
    grid[::size, ::size] = rng.uniform(0, 1, (2, 2))
    step, amp = size, 1.0
    while step > 1:
        half = step // 2
        c = (grid[:-1:step, :-1:step] + grid[:-1:step, step::step] + grid[step::step, :-1:step]
             + grid[step::step, step::step]) / 4
        grid[half::step, half::step] = c + rng.uniform(-amp, amp, c.shape)
        grid[::step, half::step] = (grid[::step, :-1:step] + grid[::step, step::step]) / 2 \
            + rng.uniform(-amp, amp, grid[::step, half::step].shape)
        grid[half::step, ::step] = (grid[:-1:step, ::step] + grid[step::step, ::step]) / 2 \
            + rng.uniform(-amp, amp, grid[half::step, ::step].shape)
        step, amp = half, amp / roughness * 1.5
    grid -= grid.min()
    return grid / max(float(grid.max()), 1e-6)


def cv_plasma_brightness_contrast(img, brightness, contrast, rng):
    h, w = img.shape[:2]
    p = cv2.resize(plasma(256, 3, rng), (w, h), interpolation=cv2.INTER_LINEAR)[..., None]
    f = img.astype(np.float32) / 255
    mean = f.mean()
    f = (f - mean) * (1 + contrast * p) + mean + brightness * p
    return u8(f * 255)


def cv_plasma_shadow(img, intensity, rng):
    h, w = img.shape[:2]
    p = cv2.resize(plasma(256, 3, rng), (w, h), interpolation=cv2.INTER_LINEAR)[..., None]
    return u8(img.astype(np.float32) * (1 - p * intensity))


def grid_holes(w, h, ratio):
    unit = max(2, min(w, h) // 10)
    hole = max(1, int(unit * ratio))
    return [(x, y, hole, hole) for y in range(0, h, unit) for x in range(0, w, unit)]


def d4_element(img, k):
    # Albumentations' d4 (geometric/functional.py), its elements in the
    # order of D4's group_element: e, r90, r180, r270, v, hvt, h, t
    ops = (lambda a: a, lambda a: np.rot90(a, 1), lambda a: np.rot90(a, 2), lambda a: np.rot90(a, 3),
           lambda a: a[::-1], lambda a: np.rot90(a, 2).transpose(1, 0, 2), lambda a: a[:, ::-1],
           lambda a: a.transpose(1, 0, 2))
    return np.ascontiguousarray(ops[k](img))


def make_catalogue3_cv_ops(img, rng, drawn=None):
    drawn = drawn or {}
    h, w = img.shape[:2]
    d = {k: np.random.default_rng(int(rng.integers(1 << 32))) for k in (
        'rot', 'rrc', 'crop', 'persp', 'el', 'grid', 'pw', 'tps', 'sp', 'iso', 'mul', 'salt',
        'shot', 'add', 'fog', 'rain', 'sun', 'shadow', 'gravel', 'spatter', 'plasma', 'plasma2',
        'pixel', 'erase', 'shuffle')}
    angle45 = d['rot'].uniform(-45, 45)
    full_shear = (d['rot'].uniform(10, 15), d['rot'].uniform(10, 15))
    rot45 = cv2.getRotationMatrix2D(centre(w, h), angle45, 1.0)
    # SafeRotate 30: the rotation shrunk, each axis on its own, to fit
    c, s = abs(math.cos(math.radians(30))), abs(math.sin(math.radians(30)))
    safe = affine_about_centre(w, h, 30, (w / (w * c + h * s), h / (w * s + h * c)))
    full = affine_about_centre(w, h, 25, (2, 2), full_shear, (20, 20))
    ssr = affine_about_centre(w, h, 30, (1.1, 1.1), (0, 0), (0.05 * w, 0.05 * h))
    y, x, ch, cw = torchvision_crop(h, w, (0.08, 1.0), (0.75, 4 / 3), d['rrc'])
    cy, cx = int(d['crop'].integers(0, h - 256 + 1)), int(d['crop'].integers(0, w - 256 + 1))
    sh = int(d['crop'].integers(128, 257))
    sy, sx = int(d['crop'].integers(0, h - sh + 1)), int(d['crop'].integers(0, w - sh + 1))
    sw = sh  # w2h_ratio 1
    b = [int(d['crop'].uniform(0, 0.1) * n) for n in (w, w, h, h)]  # left, right, top, bottom
    long_s, short_s = 256 / max(w, h), 256 / min(w, h)
    pad_h, pad_w = max(0, 1536 - h), max(0, 1536 - w)
    px, py = int(round(0.1 * w)), int(round(0.1 * h))
    tiles = [(ty, tx) for ty in range(3) for tx in range(3)]
    perm = d['shuffle'].permutation(9)
    th, tw = h // 3, w // 3
    ident = np.arange(256, dtype=np.float32)
    mult = d['mul'].uniform(0.9, 1.1)
    add = d['add'].uniform(-0.1, 0.1, 3) * 255
    holes_grid = grid_holes(w, h, 0.5)
    er = torchvision_crop(h, w, (0.02, 0.33), (0.3, 3.3), d['erase'])
    erase_holes = [(er[1], er[0], er[3], er[2])]
    xy_holes = [(int(d['erase'].integers(0, w - 20)), 0, 20, h) for _ in range(2)] + \
        [(0, int(d['erase'].integers(0, h - 20)), w, 20) for _ in range(2)]
    turns, element = 1, 7  # without Augur's draws: a quarter turn, a transpose
    persp_corners = None

    # Augur's draws, where given, in place of the peer's own (see DRAWN_OPS)
    v = drawn.get('Rotate45Nearest')
    if v:
        angle45 = v['angle']
        rot45 = cv2.getRotationMatrix2D(centre(w, h), angle45, 1.0)
    v = drawn.get('AffineFull')
    if v:
        full = affine_about_centre(w, h, 25, (2, 2), (v['shear_x'], v['shear_y']), (20, 20))
    v = drawn.get('RandomResizedCrop512')
    if v:
        y, x, ch, cw = int(v['y']), int(v['x']), int(v['height']), int(v['width'])
    v = drawn.get('RandomCrop256')
    if v:
        cy, cx = int(v['y']), int(v['x'])
    v = drawn.get('RandomSizedCrop')
    if v:
        sy, sx, sh, sw = int(v['y']), int(v['x']), int(v['height']), int(v['width'])
    v = drawn.get('RandomCropFromBorders')
    if v:
        b = [int(v['x_min']), w - int(v['x_max']), int(v['y_min']), h - int(v['y_max'])]
    if 'GridDropout' in drawn:
        holes_grid = drawn_grid_holes(drawn['GridDropout'], w, h, 0.5)
    if 'Erasing' in drawn:
        erase_holes = drawn_holes(drawn['Erasing'], w, h)
    if 'XYMasking' in drawn:
        xy_holes = drawn_holes(drawn['XYMasking'], w, h)
    if 'RandomRotate90' in drawn:
        turns = int(drawn['RandomRotate90']['factor'])
    if 'D4' in drawn:
        element = int(drawn['D4']['group_element'])
    if 'Perspective' in drawn:
        persp_corners = drawn['Perspective']['corners']
    ringing = ringing_kernel(11, 1.0)

    def grid_shuffle():
        out = img.copy()
        for (ty, tx), k in zip(tiles, perm):
            sy_, sx_ = tiles[k]
            out[ty * th:(ty + 1) * th, tx * tw:(tx + 1) * tw] = img[sy_ * th:(sy_ + 1) * th, sx_ * tw:(sx_ + 1) * tw]
        return out

    def warp(m, interp=cv2.INTER_LINEAR):
        return cv2.warpAffine(img, m, (w, h), flags=interp, borderMode=cv2.BORDER_CONSTANT, borderValue=0)

    return {
        'VerticalFlip': lambda: cv2.flip(img, 0),
        'Transpose': lambda: np.ascontiguousarray(img.transpose(1, 0, 2)),
        'RandomRotate90': lambda: np.ascontiguousarray(np.rot90(img, turns)),
        'D4': lambda: d4_element(img, element),
        'Rotate45Nearest': lambda: warp(rot45, cv2.INTER_NEAREST),
        'SafeRotate30': lambda: warp(safe),
        'AffineFull': lambda: warp(full),
        'ShiftScaleRotate': lambda: warp(ssr),
        'Perspective': lambda: cv_perspective(img, 0.075, d['persp'], persp_corners),
        'RandomResizedCrop512': lambda: cv2.resize(img[y:y + ch, x:x + cw], (512, 512),
                                                   interpolation=cv2.INTER_LINEAR),
        'RandomScale': lambda: cv2.resize(img, (int(w * 1.1), int(h * 1.1)), interpolation=cv2.INTER_LINEAR),
        'LongestMaxSize256': lambda: cv2.resize(img, (round(w * long_s), round(h * long_s)),
                                                interpolation=cv2.INTER_LINEAR),
        'SmallestMaxSize256': lambda: cv2.resize(img, (round(w * short_s), round(h * short_s)),
                                                 interpolation=cv2.INTER_LINEAR),
        'PadIfNeeded1536': lambda: cv2.copyMakeBorder(img, pad_h // 2, pad_h - pad_h // 2, pad_w // 2,
                                                      pad_w - pad_w // 2, cv2.BORDER_CONSTANT, value=0),
        'RandomCrop256': lambda: img[cy:cy + 256, cx:cx + 256].copy(),
        'CenterCrop256': lambda: img[(h - 256) // 2:(h - 256) // 2 + 256, (w - 256) // 2:(w - 256) // 2 + 256].copy(),
        'Crop': lambda: img[0:256, 0:256].copy(),
        'RandomSizedCrop': lambda: cv2.resize(img[sy:sy + sh, sx:sx + sw], (256, 256),
                                              interpolation=cv2.INTER_LINEAR),
        'CropAndPad': lambda: cv2.resize(cv2.copyMakeBorder(img, py, py, px, px, cv2.BORDER_CONSTANT, value=0),
                                         (w, h), interpolation=cv2.INTER_LINEAR),
        'RandomCropFromBorders': lambda: img[b[2]:h - b[3], b[0]:w - b[1]].copy(),
        'RandomGridShuffle': grid_shuffle,
        'ElasticTransform': lambda: cv_elastic(img, 50, 5, d['el']),
        'OpticalDistortion': lambda: cv_optical(img, 0.05),
        'GridDistortion': lambda: cv_grid_distortion(img, 5, 0.3, d['grid']),
        'PiecewiseAffine': lambda: cv_piecewise_affine(img, 0.04, 4, 4, d['pw']),
        'ThinPlateSpline': lambda: cv_thin_plate_spline(img, 0.3, 4, d['tps']),
        'ToGray3': lambda: cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB),
        'GaussianBlurK5': lambda: albu_gaussian_blur(img, 2.0, 5),
        'Superpixels': lambda: cv_superpixels(img, 100, 0.1, 128, d['sp']),
        'ISONoise': lambda: cv_iso_noise(img, 0.03, 0.3, d['iso']),
        'MultiplicativeNoise': lambda: cv2.LUT(img, u8(ident * mult)),
        'MultiplicativeNoisePixel': lambda: cv_add_float_noise(
            np.zeros_like(img), img * d['mul'].uniform(0.9, 1.1, img.shape).astype(np.float32)),
        'SaltAndPepper': lambda: cv_salt_and_pepper(img, 0.05, 0.5, d['salt']),
        'ShotNoise': lambda: cv_shot_noise(img, 0.2, d['shot']),
        'AdditiveNoise': lambda: lut_per_channel(img, [u8(ident + a) for a in add]),
        'AdditiveNoisePixel': lambda: cv_add_float_noise(
            img, d['add'].normal(0, 0.1 * 255, img.shape).astype(np.float32)),
        'Downscale': lambda: cv2.resize(cv2.resize(img, (int(w * 0.25), int(h * 0.25)),
                                                   interpolation=cv2.INTER_NEAREST),
                                        (w, h), interpolation=cv2.INTER_NEAREST),
        'RingingOvershoot': lambda: cv2.filter2D(img, -1, ringing),
        'ChromaticAberration': lambda: cv_chromatic(img, 0.02, 0.05),
        'RandomFog': lambda: cv_fog(img, 0.5, 0.08, d['fog']),
        'RandomRain': lambda: cv_rain(img, int(d['rain'].uniform(-10, 10)), max(1, h // 8), 1,
                                      (200, 200, 200), 7, 0.7, d['rain']),
        'RandomSnow': lambda: cv_snow_bleach(img, 0.2, 2.5),
        'RandomSunFlare': lambda: cv_sun_flare(img, int(d['sun'].integers(6, 11)), 400, d['sun']),
        'RandomShadow': lambda: cv_shadow(img, int(d['shadow'].integers(1, 3)), 5, 0.5, d['shadow']),
        'RandomGravel': lambda: cv_gravel(img, 2, d['gravel']),
        'Spatter': lambda: cv_spatter_rain(img, 0.65, 0.3, 2, 0.68, 0.6, d['spatter']),
        'PlasmaBrightnessContrast': lambda: cv_plasma_brightness_contrast(img, 0.15, 0.15, d['plasma']),
        'PlasmaShadow': lambda: cv_plasma_shadow(img, 0.5, d['plasma2']),
        'GridDropout': lambda: cv_dropout(img, holes_grid),
        'PixelDropout': lambda: np.where((d['pixel'].random(img.shape[:2]) < 0.01)[..., None], 0, img).astype(np.uint8),
        'Erasing': lambda: cv_dropout(img, erase_holes),
        'XYMasking': lambda: cv_dropout(img, xy_holes),
    }


def pil_hsv(im, hue, sat, val):
    h, s, v = im.convert('HSV').split()
    # Pillow's hue runs over 0-255 for a full turn; OpenCV's over 0-180.
    dh = round(hue * 256 / 180)
    h = h.point([(i + dh) % 256 for i in range(256)])
    s = s.point([min(255, max(0, i + sat)) for i in range(256)])
    v = v.point([min(255, max(0, i + val)) for i in range(256)])
    return Image.merge('HSV', (h, s, v)).convert('RGB')


def pil_dropout(im, boxes):
    out = im.copy()
    for x, y, w, h in boxes:
        out.paste((0, 0, 0), (x, y, x + w, y + h))
    return out


def pil_jpeg(im, quality):
    buf = io.BytesIO()
    im.save(buf, 'JPEG', quality=quality)
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return out


def make_pil_ops(im, rng, drawn=None):
    w, h = im.size
    m = np.vstack([affine_matrix(w, h), [0, 0, 1]])
    inv = np.linalg.inv(m)[:2].flatten().tolist()  # Pillow maps output to input
    boxes = coarse_holes(w, h, rng, drawn or {})
    return {
        'HorizontalFlip': lambda: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
        # Pillow fills the corners with black: it has no reflecting border, so
        # its one rotation stands for both Rotate30 rows.
        'Rotate30': lambda: im.rotate(30, resample=Image.Resampling.BILINEAR),
        'Rotate30Constant': lambda: im.rotate(30, resample=Image.Resampling.BILINEAR),
        'Affine': lambda: im.transform((w, h), Image.Transform.AFFINE, inv,
                                       resample=Image.Resampling.BILINEAR),
        'ResizeLinear': lambda: im.resize((256, 256), Image.Resampling.BILINEAR),
        'ResizeArea': lambda: im.resize((256, 256), Image.Resampling.BOX),
        'GaussianBlur': lambda: im.filter(ImageFilter.GaussianBlur(2)),
        'BrightnessContrast': lambda: ImageEnhance.Contrast(
            ImageEnhance.Brightness(im).enhance(1.1)).enhance(1.2),
        'HueSaturationValue': lambda: pil_hsv(im, 10, 20, 10),
        'ToGray': lambda: im.convert('L'),
        'CoarseDropout': lambda: pil_dropout(im, boxes),
        'JpegQ50': lambda: pil_jpeg(im, 50),
    }


# Blends: each sample takes the next one (in sorted order) as its
# reference, as augur-bench's pools do. Albumentations 2.0.8 computes
# HistogramMatching, FDA and PixelDistributionAdaptation in
# albumentations/augmentations/mixing/domain_adaptation_functional.py; the
# peers below do the same work with the same libraries (numpy's FFT,
# per-channel bincount and interp, a 3 x 3 PCA). It has no MixUp or CutMix
# class and its Mosaic runs a per-cell pipeline: those peers are the plain
# numpy/OpenCV form of the operation (resize the reference as Augur does,
# then a weighted sum, a box copy, or four cells pasted into the window).

def like(ref, img, interpolation=None):
    """@ref at @img's size: area when shrinking, linear when growing (as
    Augur's blends), unless the transform fixes the interpolation."""
    h, w = img.shape[:2]
    if ref.shape[:2] == (h, w):
        return ref
    if interpolation is None:
        shrink = h <= ref.shape[0] and w <= ref.shape[1]
        interpolation = cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
    return cv2.resize(ref, (w, h), interpolation=interpolation)


def cv_mixup(img, ref, lam):
    return cv2.addWeighted(img, lam, like(ref, img), 1 - lam, 0)


def cv_cutmix(img, ref, lam, rng, box=None):
    # box: (x, y, width, height) as Augur drew it, else drawn here
    h, w = img.shape[:2]
    if box:
        x, y, bw, bh = box
    else:
        cut = np.sqrt(1 - lam)
        bw, bh = int(w * cut), int(h * cut)
        x, y = int(rng.integers(0, w - bw + 1)), int(rng.integers(0, h - bh + 1))
    out = img.copy()
    out[y:y + bh, x:x + bw] = like(ref, img)[y:y + bh, x:x + bw]
    return out


def cover(img, cw, ch):
    h, w = img.shape[:2]
    s = max(cw / w, ch / h)
    rw, rh = max(cw, round(w * s)), max(ch, round(h * s))
    if (rw, rh) != (w, h):
        img = cv2.resize(img, (rw, rh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    x, y = (rw - cw) // 2, (rh - ch) // 2
    return img[y:y + ch, x:x + cw]


def cv_mosaic(images, size=512):
    # the window of the target size centred on the 2 x 2 grid of size-pixel
    # cells: a quarter of each cell, each cell fitted by cover
    out = np.zeros((size, size, 3), np.uint8)
    half = size // 2
    for cell, im in enumerate(images):
        fitted = cover(im, size, size)
        cx, cy = cell % 2, cell // 2
        src = fitted[(1 - cy) * half:(1 - cy) * half + half, (1 - cx) * half:(1 - cx) * half + half]
        out[cy * half:cy * half + half, cx * half:cx * half + half] = src
    return out


def match_cdf(source, template):
    src_counts = np.bincount(source.reshape(-1), minlength=256)
    tmpl_counts = np.bincount(template.reshape(-1), minlength=256)
    tmpl_values = np.nonzero(tmpl_counts)[0]
    src_q = np.cumsum(src_counts) / source.size
    tmpl_q = np.cumsum(tmpl_counts[tmpl_values]) / template.size
    return np.interp(src_q, tmpl_q, tmpl_values)[source].astype(np.uint8)


def cv_histogram_matching(img, ref, blend):
    ref = like(ref, img, cv2.INTER_LINEAR)
    matched = np.empty_like(img)
    for c in range(img.shape[2]):
        matched[..., c] = match_cdf(img[..., c], ref[..., c])
    return cv2.addWeighted(matched, blend, img, 1 - blend, 0)


def cv_fda(img, ref, beta):
    src, trg = img.astype(np.float32), like(ref, img).astype(np.float32)
    h, w = img.shape[:2]
    border = int(np.floor(min(h, w) * beta))
    cy, cx = (h - 1) / 2, (w - 1) / 2
    h1, h2 = max(0, int(cy - border)), min(int(cy + border), h)
    w1, w2 = max(0, int(cx - border)), min(int(cx + border), w)
    out = np.zeros_like(src)
    for c in range(img.shape[2]):
        fs = np.fft.fftshift(np.fft.fft2(src[..., c]))
        ft = np.fft.fftshift(np.fft.fft2(trg[..., c]))
        amp, pha = np.abs(fs), np.angle(fs)
        amp[h1:h2, w1:w2] = np.abs(ft)[h1:h2, w1:w2]
        out[..., c] = np.real(np.fft.ifft2(np.fft.ifftshift(amp * np.exp(1j * pha))))
    return np.clip(out, 0, 255).astype(np.uint8)


def pca_fit(pixels):
    mean, vectors = cv2.PCACompute(pixels, mean=None)
    return mean, vectors


def cv_pixel_distribution(img, ref, blend):
    ref = like(ref, img, cv2.INTER_AREA)
    x = img.reshape(-1, 3).astype(np.float32) / 255
    r = ref.reshape(-1, 3).astype(np.float32) / 255
    m_src, v_src = pca_fit(x)
    m_ref, v_ref = pca_fit(r)
    if np.sign(np.trace(v_src)) != np.sign(np.trace(v_ref)):
        v_ref = -v_ref
    adapted = ((x - m_src) @ v_src.T) @ v_ref + m_ref
    adapted = np.clip(adapted * 255, 0, 255).reshape(img.shape)
    return np.clip(img.astype(np.float32) * (1 - blend) + adapted * blend, 0, 255).astype(np.uint8)


def make_blend_cv_ops(img, refs, rng, drawn=None):
    ref = refs[0]
    lam = float(rng.beta(0.4, 0.4))
    cut_lam = float(rng.beta(1.0, 1.0))
    cut_rng = np.random.default_rng(int(rng.integers(1 << 32)))
    v = (drawn or {}).get('CutMix')
    cut_box = (int(v['x']), int(v['y']), int(v['width']), int(v['height'])) if v else None
    return {
        'MixUp': lambda: cv_mixup(img, ref, lam),
        'CutMix': lambda: cv_cutmix(img, ref, cut_lam, cut_rng, cut_box),
        'Mosaic': lambda: cv_mosaic([img, ref, ref, ref]),
        'HistogramMatching': lambda: cv_histogram_matching(img, ref, 0.5),
        'FDA': lambda: cv_fda(img, ref, 0.05),
        'PixelDistributionAdaptation': lambda: cv_pixel_distribution(img, ref, 0.5),
    }


def run_ops(args):
    cv2.setNumThreads(1)
    paths = sample_paths(args.samples)
    cv_imgs = [cv2.cvtColor(cv2.imread(p, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB) for p in paths]
    pil_imgs = [Image.fromarray(a) for a in cv_imgs]
    mpix = sum(a.shape[0] * a.shape[1] for a in cv_imgs) / 1e6

    # Augur's passes run in `augur-bench serve`, one per request, so that
    # the three libraries take turns pass by pass (A B C, B C A, ...) and a
    # burst of other work on the machine falls on all of them alike.
    augur = None
    contenders = ['opencv', 'pillow']
    if args.augur:
        augur = subprocess.Popen([args.augur, 'serve', args.samples], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, bufsize=1)
        contenders.insert(0, 'augur')

    def augur_ask(request):
        augur.stdin.write(request + '\n')
        augur.stdin.flush()
        line = augur.stdout.readline()
        if not line:
            raise SystemExit('augur-bench serve stopped')
        return line.strip()

    def augur_pass(name, rep):
        return augur_ask(f'{name} {rep}')

    # With Augur, the rows of DRAWN_OPS do the work Augur's draws give them.
    drawn = [{} for _ in paths]
    if augur:
        for name in DRAWN_OPS:
            values = draws_by_image(json.loads(augur_ask('draws ' + name)), paths)
            for i, p in enumerate(paths):
                if values[os.path.basename(p)] is not None:
                    drawn[i][name] = values[os.path.basename(p)]

    libs = {}
    for lib, imgs, maker in (('opencv', cv_imgs, make_cv_ops), ('pillow', pil_imgs, make_pil_ops)):
        # the same seed per image for both peers: the same hole positions
        libs[lib] = [maker(img, np.random.default_rng(zlib.crc32(os.path.basename(p).encode())), dr)
                     for img, p, dr in zip(imgs, paths, drawn)]
    for i, ops in enumerate(libs['opencv']):
        rng = np.random.default_rng(zlib.crc32(os.path.basename(paths[i]).encode()) + 1)
        ops.update(make_blend_cv_ops(cv_imgs[i], [cv_imgs[(i + 1) % len(cv_imgs)]], rng, drawn[i]))
    names = list(libs['opencv'][0])
    if args.op:
        names = args.op.split(',')
        unknown = [n for n in names if n not in libs['opencv'][0]]
        if unknown:
            raise SystemExit('peers.py: unknown operation(s): ' + ', '.join(unknown))

    def peer_pass(lib, name, rep):
        fns = [ops[name] for ops in libs[lib] if name in ops]
        if not fns:
            return None
        total = total_cpu = 0
        for fn in fns:
            c0 = time.thread_time_ns()
            t0 = time.perf_counter_ns()
            out = fn()
            t1 = time.perf_counter_ns()
            c1 = time.thread_time_ns()
            total += t1 - t0
            total_cpu += c1 - c0
            del out
        return json.dumps({'suite': 'ops', 'lib': lib, 'op': name, 'rep': rep,
                           'ms': total / 1e6, 'cpu_ms': total_cpu / 1e6,
                           'mpix': mpix, 'images': len(paths)})

    try:
        for rep in range(-1, args.repeats):
            for i, name in enumerate(names):
                shift = (rep + i) % len(contenders)
                for lib in contenders[shift:] + contenders[:shift]:
                    line = augur_pass(name, rep) if lib == 'augur' else peer_pass(lib, name, rep)
                    if line and rep >= 0:
                        print(line, flush=True)
    finally:
        if augur:
            augur.stdin.close()
            if augur.wait() != 0:
                raise SystemExit('augur-bench serve failed')


def run_agree(args):
    """How far OpenCV's output is from Augur's (augur-bench dump) on the first
    sample: a check that both sides do the same thing, not only the same
    amount of work. The rows of DRAWN_OPS take the draws Augur saved beside
    its outputs (OP.json) and are compared; the other random operations draw
    differently on each side and are left out."""
    cv2.setNumThreads(1)
    paths = sample_paths(args.samples)
    path = paths[0]
    img = cv2.cvtColor(cv2.imread(path, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    drawn = {}
    for name in DRAWN_OPS:
        try:
            with open(os.path.join(args.dump, name + '.json')) as f:
                values = draws_by_image(json.load(f), paths)[os.path.basename(path)]
        except FileNotFoundError:
            continue
        if values is not None:
            drawn[name] = values
    ops = make_cv_ops(img, np.random.default_rng(0), drawn)
    ref = cv2.cvtColor(cv2.imread(paths[1 % len(paths)], cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    ops.update((k, fn) for k, fn in make_blend_cv_ops(img, [ref], np.random.default_rng(0), drawn).items()
               if k in drawn)
    catalogue3 = set(make_catalogue3_cv_ops(img, np.random.default_rng(0)))
    for name, fn in ops.items():
        own_draws = name in RANDOM_OPS or (name in catalogue3 and name not in COMPARED_CATALOGUE3)
        if own_draws and name not in drawn:
            continue
        augur = cv2.imread(os.path.join(args.dump, name + '.png'), cv2.IMREAD_UNCHANGED)
        if augur is None:
            raise SystemExit(f'{args.dump}: no {name}.png')
        if augur.ndim == 3:
            augur = cv2.cvtColor(augur, cv2.COLOR_BGR2RGB)
        peer = fn()
        if augur.ndim == 3 and peer.ndim == 2:
            augur = augur[..., 0]  # PNG has no 1-channel GdkPixbuf: gray was saved as RGB
        if augur.shape != peer.shape:
            print(json.dumps({'suite': 'agree', 'op': name, 'image': os.path.basename(path),
                              'shape': [list(augur.shape), list(peer.shape)]}), flush=True)
            continue
        d = np.abs(augur.astype(np.int16) - peer.astype(np.int16))
        row = {'suite': 'agree', 'op': name, 'image': os.path.basename(path),
               'mean_abs': float(d.mean()), 'max_abs': int(d.max()),
               'over_2': float((d > 2).mean())}
        if name == 'JpegQ50':
            # Two lossy encoders need not agree with each other; how far each
            # moved the input shows whether both did comparable work.
            row['augur_from_input'] = float(np.abs(augur.astype(np.int16) - img).mean())
            row['peer_from_input'] = float(np.abs(peer.astype(np.int16) - img).mean())
        print(json.dumps(row), flush=True)


# The default recipe with OpenCV ---------------------------------------------------------
#
# data/recipes/default.json, step by step, with the same probabilities and
# ranges; numpy's generator seeded per input.

def augment(img, rng):
    h, w = img.shape[:2]
    if rng.random() < 0.5:
        img = cv2.flip(img, 1)
    if rng.random() < 0.7:
        m = cv2.getRotationMatrix2D(centre(w, h), rng.uniform(-15, 15), 1.0)
        img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_REFLECT_101)
    if rng.random() < 0.8:
        alpha = 1.0 + rng.uniform(-0.2, 0.2)
        beta = rng.uniform(-0.2, 0.2) * 255
        img = cv2.LUT(img, brightness_contrast_lut(alpha, beta))
    if rng.random() < 0.4:
        if rng.random() < 0.5:
            sigma = rng.uniform(0.5, 2.0)
            k = int(sigma * 3.5) * 2 + 1
            img = cv2.GaussianBlur(img, (k, k), sigma)
        else:
            img = cv_noise(img, rng.uniform(0.02, 0.08), rng)
    if rng.random() < 0.3:
        boxes = []
        for _ in range(int(rng.integers(1, 4))):
            hh = max(1, int(h * rng.uniform(0.05, 0.15)))
            ww = max(1, int(w * rng.uniform(0.05, 0.15)))
            boxes.append((int(rng.integers(0, w - ww + 1)), int(rng.integers(0, h - hh + 1)), ww, hh))
        img = cv_dropout(img, boxes)
    return img


def pipeline_init():
    cv2.setNumThreads(1)


def pipeline_one(job):
    src, dst, seed, fmt = job
    img = cv2.imread(src, cv2.IMREAD_COLOR)
    img = augment(img, np.random.default_rng(seed))
    if fmt == 'png':
        # Augur writes PNG at zlib level 6 (GdkPixbuf); OpenCV's default is 1.
        params = [cv2.IMWRITE_PNG_COMPRESSION, 6]
    else:
        params = [cv2.IMWRITE_JPEG_QUALITY, 95]
    if not cv2.imwrite(dst, img, params):
        raise RuntimeError(f'{dst}: not written')
    return dst


def run_pipeline(args):
    names = sorted(n for n in os.listdir(args.input) if n.endswith(SAMPLE_SUFFIXES))
    os.makedirs(args.output, exist_ok=True)
    jobs = [(os.path.join(args.input, n), os.path.join(args.output, os.path.splitext(n)[0] + '.' +
                                                        ('png' if args.format == 'png' else 'jpg')),
             zlib.crc32(n.encode()) ^ args.seed, args.format) for n in names]
    with multiprocessing.Pool(args.workers, initializer=pipeline_init) as pool:
        done = sum(1 for _ in pool.imap_unordered(pipeline_one, jobs, chunksize=1))
    if done != len(jobs):
        sys.exit(1)


# End to end ---------------------------------------------------------------------------

def timed_run(cmd, outdir):
    shutil.rmtree(outdir, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode(errors='replace'))
        raise SystemExit(f'failed: {" ".join(cmd)}')
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    n = sum(1 for _, _, files in os.walk(outdir) for f in files if f.endswith(('.png', '.jpg')))
    shutil.rmtree(outdir, ignore_errors=True)
    return wall, cpu, n


def run_e2e(args):
    paths = sample_paths(args.samples)
    tmp = tempfile.mkdtemp(prefix='augur-bench-')
    try:
        inputs = os.path.join(tmp, 'in')
        os.makedirs(inputs)
        for k in range(args.copies):
            for p in paths:
                stem, ext = os.path.splitext(os.path.basename(p))
                os.symlink(os.path.abspath(p), os.path.join(inputs, f'{stem}_{k:02d}{ext}'))
        n_inputs = args.copies * len(paths)
        mpix = args.copies * sum(cv2.imread(p).shape[0] * cv2.imread(p).shape[1] for p in paths) / 1e6
        out = os.path.join(tmp, 'out')
        me = os.path.abspath(__file__)

        def augur_cmd(threads, fmt):
            cmd = [args.cli, 'apply', args.recipe, inputs, '-o', out, f'--threads={threads}',
                   f'--format={fmt}']
            return cmd + (['--quality=95'] if fmt == 'jpeg' else [])

        def opencv_cmd(workers, fmt):
            return [sys.executable, me, 'pipeline', inputs, out, f'--workers={workers}',
                    f'--format={fmt}']

        for run in range(args.runs):
            for fmt in ('png', 'jpeg'):
                for workers in (1, 2):
                    contenders = [('augur', augur_cmd), ('opencv', opencv_cmd)]
                    if (run + workers) % 2:
                        contenders.reverse()
                    for lib, make in contenders:
                        wall, cpu, n = timed_run(make(workers, fmt), out)
                        if n != n_inputs:
                            raise SystemExit(f'{lib}: {n} outputs for {n_inputs} inputs')
                        print(json.dumps({'suite': 'e2e', 'lib': lib, 'format': fmt,
                                          'workers': workers, 'run': run, 'images': n,
                                          'samples': len(paths), 'copies': args.copies,
                                          'mpix': mpix, 'wall_s': wall, 'cpu_s': cpu}),
                              flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    p = sub.add_parser('ops')
    p.add_argument('samples')
    p.add_argument('--repeats', '-r', type=int, default=5)
    p.add_argument('--op', help='only these operations (comma-separated names)')
    p.add_argument('--augur', metavar='AUGUR_BENCH',
                   help='interleave the passes of augur-bench (its serve mode)')
    p.set_defaults(func=run_ops)
    p = sub.add_parser('agree')
    p.add_argument('samples')
    p.add_argument('dump')
    p.set_defaults(func=run_agree)
    p = sub.add_parser('pipeline')
    p.add_argument('input')
    p.add_argument('output')
    p.add_argument('--workers', type=int, default=1)
    p.add_argument('--format', choices=('png', 'jpeg'), default='png')
    p.add_argument('--seed', type=int, default=2024)
    p.set_defaults(func=run_pipeline)
    p = sub.add_parser('e2e')
    p.add_argument('samples')
    p.add_argument('--cli', required=True)
    p.add_argument('--recipe', required=True)
    p.add_argument('--copies', type=int, default=17)
    p.add_argument('--runs', type=int, default=3)
    p.set_defaults(func=run_e2e)
    args = parser.parse_args()
    args.func(args)


if __name__ == '__main__':
    main()
