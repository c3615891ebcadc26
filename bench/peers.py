# SPDX-License-Identifier: GPL-3.0-or-later
"""Augur's peers in the benchmark: OpenCV and Pillow, as Albumentations uses them.

    peers.py ops SAMPLES_DIR [--repeats N] [--augur AUGUR_BENCH]
        per-operation latency of OpenCV and Pillow, single thread, on the
        samples decoded once (RGB); the same operation names, parameters and
        JSON lines as `augur-bench ops`, whose passes it interleaves with
        its own when given --augur
    peers.py agree SAMPLES_DIR DUMP_DIR
        how far OpenCV's outputs are from Augur's (`augur-bench dump`)
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


# Operations -----------------------------------------------------------------------
#
# Each maker takes the image (RGB numpy array for OpenCV, PIL image for
# Pillow) and a numpy generator for the values Augur draws once (hole
# positions, noise), and returns the function that is timed.

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


def cv_jpeg(img, quality):
    ok, buf = cv2.imencode('.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def make_cv_ops(img, rng):
    h, w = img.shape[:2]
    rot = cv2.getRotationMatrix2D(centre(w, h), 30, 1.0)
    aff = affine_matrix(w, h)
    boxes = holes(w, h, rng)
    noise_rng = np.random.default_rng(int(rng.integers(1 << 32)))
    ksize = int(2 * 3.5) * 2 + 1  # from sigma, as Albumentations and Augur
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
        'GaussianBlur': lambda: cv2.GaussianBlur(img, (ksize, ksize), 2.0),
        'BrightnessContrast': lambda: cv2.LUT(img, brightness_contrast_lut(1.2, 0.1 * 255)),
        'HueSaturationValue': lambda: cv_hsv(img, 10, 20, 10),
        'ToGray': lambda: cv2.cvtColor(img, cv2.COLOR_RGB2GRAY),
        'GaussNoise': lambda: cv_noise(img, 0.1, noise_rng),
        'CoarseDropout': lambda: cv_dropout(img, boxes),
        'JpegQ50': lambda: cv_jpeg(img, 50),
    }
    ops.update(make_catalogue2_cv_ops(img, rng))
    return ops


# The second catalogue (colour and tone; blur, sharpen and texture), each as
# Albumentations 2.0.8 computes it on uint8 with OpenCV and numpy; the
# values are the ones augur-bench.c collapses its ranges to.

SEPIA = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]])

# Operations that draw at random on each side: timed, not compared.
RANDOM_OPS = ('GaussNoise', 'CoarseDropout', 'ColorJitter', 'ChannelShuffle', 'ChannelDropout',
              'RandomToneCurve', 'FancyPCA', 'GlassBlur', 'AdvancedBlur7')


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
        'InvertImg': lambda: cv2.bitwise_not(img),
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


def make_pil_ops(im, rng):
    w, h = im.size
    m = np.vstack([affine_matrix(w, h), [0, 0, 1]])
    inv = np.linalg.inv(m)[:2].flatten().tolist()  # Pillow maps output to input
    boxes = holes(w, h, rng)
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


def run_ops(args):
    cv2.setNumThreads(1)
    paths = sample_paths(args.samples)
    cv_imgs = [cv2.cvtColor(cv2.imread(p, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB) for p in paths]
    pil_imgs = [Image.fromarray(a) for a in cv_imgs]
    mpix = sum(a.shape[0] * a.shape[1] for a in cv_imgs) / 1e6
    libs = {}
    for lib, imgs, maker in (('opencv', cv_imgs, make_cv_ops), ('pillow', pil_imgs, make_pil_ops)):
        # the same seed per image for both peers: the same hole positions
        libs[lib] = [maker(img, np.random.default_rng(zlib.crc32(os.path.basename(p).encode())))
                     for img, p in zip(imgs, paths)]
    names = list(libs['opencv'][0])
    if args.op:
        names = [args.op]

    # Augur's passes run in `augur-bench serve`, one per request, so that
    # the three libraries take turns pass by pass (A B C, B C A, ...) and a
    # burst of other work on the machine falls on all of them alike.
    augur = None
    contenders = ['opencv', 'pillow']
    if args.augur:
        augur = subprocess.Popen([args.augur, 'serve', args.samples], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, bufsize=1)
        contenders.insert(0, 'augur')

    def augur_pass(name, rep):
        augur.stdin.write(f'{name} {rep}\n')
        augur.stdin.flush()
        line = augur.stdout.readline()
        if not line:
            raise SystemExit('augur-bench serve stopped')
        return line.strip()

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
    amount of work. Random operations draw differently on each side and are
    left out."""
    cv2.setNumThreads(1)
    path = sample_paths(args.samples)[0]
    img = cv2.cvtColor(cv2.imread(path, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    ops = make_cv_ops(img, np.random.default_rng(0))
    for name, fn in ops.items():
        if name in RANDOM_OPS:
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
    p.add_argument('--op')
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
