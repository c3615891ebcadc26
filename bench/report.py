# SPDX-License-Identifier: GPL-3.0-or-later
"""Write docs/benchmarks.md from the JSON lines of one run of bench/run.sh.

    report.py RESULTS.jsonl --build BUILD_DIR --cli AUGUR_CLI -o REPORT.md [...]

Every figure comes from RESULTS; the machine and library versions are read
here, at the end of the same run.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from collections import defaultdict

# What each operation is, in each library (the code is in augur-bench.c
# and peers.py).
OPS = [
    ('HorizontalFlip', 'HorizontalFlip',
     '`cv2.flip(img, 1)`', '`transpose(FLIP_LEFT_RIGHT)`'),
    ('Rotate30', 'Rotate 30°, linear, reflect_101',
     '`warpAffine`, INTER_LINEAR, BORDER_REFLECT_101',
     '`rotate(30, BILINEAR)`: black corners (Pillow cannot reflect), so not the same work'),
    ('Rotate30Constant', 'Rotate 30°, linear, constant border',
     '`warpAffine`, INTER_LINEAR, BORDER_CONSTANT', '`rotate(30, BILINEAR)`'),
    ('Affine', 'Affine, scale 1.2, shear x 10°, linear, constant border',
     '`warpAffine`, INTER_LINEAR, BORDER_CONSTANT', '`transform(AFFINE, BILINEAR)`'),
    ('ResizeLinear', 'Resize 256×256, linear',
     '`resize`, INTER_LINEAR',
     '`resize(BILINEAR)`: antialiased (the filter widens when shrinking), more work'),
    ('ResizeArea', 'Resize 256×256, area',
     '`resize`, INTER_AREA', '`resize(BOX)`'),
    ('GaussianBlur', 'GaussianBlur, sigma 2 (kernel 15)',
     '`GaussianBlur((15, 15), 2)`',
     '`GaussianBlur(2)`: three box-blur passes approximating a Gaussian'),
    ('BrightnessContrast', 'RandomBrightnessContrast, alpha 1.2, beta 0.1',
     'table built and applied (`cv2.LUT`), as Albumentations',
     '`ImageEnhance` Brightness 1.1 then Contrast 1.2: two passes, and contrast about '
     'the mean, so not the same formula'),
    ('HueSaturationValue', 'HueSaturationValue, shifts 10/20/10',
     '`cvtColor` to HSV, three `cv2.LUT`s, back, as Albumentations',
     '`convert("HSV")`, three `point` tables, back'),
    ('ToGray', 'ToGray, 1 channel, weighted average',
     '`cvtColor(RGB2GRAY)`', '`convert("L")`'),
    ('GaussNoise', 'GaussNoise, std 0.1, per channel',
     'numpy `normal` + add + clip in float32, as Albumentations', 'none (no Pillow operation)'),
    ('CoarseDropout', 'CoarseDropout, 4 holes of 10 %',
     'copy + numpy slicing', '`copy` + `paste` of black'),
    ('JpegQ50', 'ImageCompression, JPEG quality 50',
     '`imencode` + `imdecode`', '`save(JPEG, quality=50)` + `open` + `load`'),
]

# The second catalogue: what Albumentations 2.0.8 runs for each (peers.py,
# make_catalogue2_cv_ops); no Pillow peers.
OPS += [(op, label, cv, 'none') for op, label, cv in (
    ('ColorJitter', 'ColorJitter, 1.1 / 1.1 / 1.1, hue 0.05',
     'two `LUT`s, `cvtColor` gray, `addWeighted`, HSV and back'),
    ('RGBShift', 'RGBShift 20 / -10 / 5', 'a `LUT` per channel'),
    ('ChannelShuffle', 'ChannelShuffle', 'numpy fancy indexing'),
    ('ChannelDropout', 'ChannelDropout, one channel', '`merge` with a zero plane'),
    ('ToSepia', 'ToSepia', '`cv2.transform` with the sepia matrix'),
    ('InvertImg', 'InvertImg', '`255 - img`'),
    ('Solarize', 'Solarize 0.5', '`LUT`'),
    ('Posterize', 'Posterize 4 bits', '`LUT`'),
    ('Equalize', 'Equalize, cv, per channel', '`equalizeHist` per channel'),
    ('CLAHE', 'CLAHE, clip 2, 8 x 8 tiles', 'Lab, `createCLAHE().apply` on L, back'),
    ('RandomGamma', 'RandomGamma 120', 'table built and applied (`LUT`)'),
    ('RandomToneCurve', 'RandomToneCurve', 'Bezier table in numpy, `LUT`'),
    ('AutoContrast', 'AutoContrast, cdf', '`calcHist`, cumulative table, `LUT` per channel'),
    ('FancyPCA', 'FancyPCA 0.1', 'numpy float, `cov`, `eigh`, add, clip'),
    ('PlanckianJitter', 'PlanckianJitter 5000 K', 'a `LUT` per channel'),
    ('Illumination', 'Illumination, linear, 0.1 at 45°', 'numpy gradient, `normalize`, float add'),
    ('Blur5', 'Blur 5 x 5', '`blur`'),
    ('MotionBlur7', 'MotionBlur 7, angle 0', '`filter2D`, 7 x 7 line'),
    ('MedianBlur3', 'MedianBlur 3', '`medianBlur(3)`'),
    ('MedianBlur5', 'MedianBlur 5', '`medianBlur(5)`'),
    ('MedianBlur7', 'MedianBlur 7', '`medianBlur(7)`'),
    ('GlassBlur', 'GlassBlur, defaults (fast)', 'two `GaussianBlur`s, numpy swaps'),
    ('Defocus5', 'Defocus, radius 5, alias 0.2', '`filter2D`, 17 x 17 kernel'),
    ('ZoomBlur', 'ZoomBlur 1.2, step 0.02', 'float, 10 `resize`s and adds'),
    ('AdvancedBlur7', 'AdvancedBlur 7', '`filter2D`, 7 x 7'),
    ('Sharpen', 'Sharpen, alpha 0.3, kernel', '`filter2D`, 3 x 3'),
    ('UnsharpMask', 'UnsharpMask 5, sigma 1, alpha 0.5', 'float, two `GaussianBlur`s, numpy blend'),
    ('Emboss', 'Emboss 0.5 / 0.5', '`filter2D`, 3 x 3'),
    ('Morphological5', 'Morphological, dilation 5 x 5', '`dilate`, ellipse'),
)]

# The rest of the catalogue (peers.py, make_catalogue3_cv_ops), with the
# issue's settings for the rows it measured; no Pillow peers.
OPS += [(op, label, cv, 'none') for op, label, cv in (
    ('VerticalFlip', 'VerticalFlip', '`cv2.flip(img, 0)`'),
    ('Transpose', 'Transpose', 'numpy `transpose`, made contiguous'),
    ('RandomRotate90', 'RandomRotate90 (one quarter turn drawn per image)', '`np.rot90`, made contiguous'),
    ('D4', 'D4 (one element drawn per image)', 'Albumentations\' `d4`: `np.rot90`, flip or transpose, made contiguous'),
    ('Rotate45Nearest', 'Rotate ±45°, nearest, constant border', '`warpAffine`, INTER_NEAREST'),
    ('SafeRotate30', 'SafeRotate 30°, linear, constant border', '`warpAffine` of the shrunk rotation'),
    ('AffineFull', 'Affine: rotate 25, translate 20 px, scale 2, shear 10–15', '`warpAffine`, INTER_LINEAR'),
    ('ShiftScaleRotate', 'ShiftScaleRotate: shift 0.05, scale 1.1, rotate 30', '`warpAffine`, INTER_LINEAR'),
    ('Perspective', 'Perspective, defaults (scale 0.05–0.1, keep_size)',
     '`getPerspectiveTransform`, `warpPerspective`, `resize` back, as Albumentations'),
    ('RandomResizedCrop512', 'RandomResizedCrop to 512×512, scale 0.08–1, linear', 'slice + `resize`, INTER_LINEAR'),
    ('RandomScale', 'RandomScale 1.1, linear', '`resize`, INTER_LINEAR'),
    ('LongestMaxSize256', 'LongestMaxSize 256, linear', '`resize`, INTER_LINEAR'),
    ('SmallestMaxSize256', 'SmallestMaxSize 256, linear', '`resize`, INTER_LINEAR'),
    ('PadIfNeeded1536', 'PadIfNeeded to 1536×1536, constant', '`copyMakeBorder`'),
    ('RandomCrop256', 'RandomCrop 256×256', 'slice, copied'),
    ('CenterCrop256', 'CenterCrop 256×256', 'slice, copied'),
    ('Crop', 'Crop (0, 0)–(256, 256)', 'slice, copied'),
    ('RandomSizedCrop', 'RandomSizedCrop 128–256 to 256×256', 'slice + `resize`'),
    ('CropAndPad', 'CropAndPad, pad 10 %, keep_size', '`copyMakeBorder` + `resize` back'),
    ('RandomCropFromBorders', 'RandomCropFromBorders, defaults', 'slice, copied'),
    ('RandomGridShuffle', 'RandomGridShuffle 3×3', 'copy + numpy tile assignments'),
    ('ElasticTransform', 'ElasticTransform, alpha 50, sigma 5',
     'two `standard_normal` fields, two `GaussianBlur`s, `meshgrid`, `remap`'),
    ('OpticalDistortion', 'OpticalDistortion, camera, k 0.05', '`initUndistortRectifyMap` + `remap`'),
    ('GridDistortion', 'GridDistortion, 5 steps, ±0.3', 'numpy map from `linspace` pieces, `remap`'),
    ('PiecewiseAffine', 'PiecewiseAffine, 4×4, scale 0.03–0.05', 'jitter grid, `resize`d to maps, `remap`'),
    ('ThinPlateSpline', 'ThinPlateSpline, 4×4 points, scale 0.2–0.4',
     'numpy solve, r² log r per pixel and point, `remap`'),
    ('ToGray3', 'ToGray, 3 output channels, weighted average', '`cvtColor` to gray and back to RGB'),
    ('GaussianBlurK5', 'GaussianBlur, kernel 5, sigma 2', '`GaussianBlur((5, 5), 2)`'),
    ('Superpixels', 'Superpixels, 100 segments, p 0.1, max size 128',
     '`resize`, Albumentations\' own numpy `slic`, mean fill per label mask, `resize` back'),
    ('ISONoise', 'ISONoise, shift 0.03, intensity 0.3', 'float HLS, numpy `poisson` + `normal`, back'),
    ('MultiplicativeNoise', 'MultiplicativeNoise 0.9–1.1, one factor', '`LUT`'),
    ('MultiplicativeNoisePixel', 'MultiplicativeNoise 0.9–1.1, per pixel and channel',
     'numpy `uniform` field, float multiply, clip'),
    ('SaltAndPepper', 'SaltAndPepper, amount 0.05, half salt', 'numpy `random` masks, copy, masked set'),
    ('ShotNoise', 'ShotNoise, scale 0.2', 'float, `power`, numpy `poisson`, `power` back'),
    ('AdditiveNoise', 'AdditiveNoise, uniform, one value a channel', 'a `LUT` per channel'),
    ('AdditiveNoisePixel', 'AdditiveNoise, gaussian, per pixel', 'numpy `normal` field, float add, clip'),
    ('Downscale', 'Downscale 0.25, nearest / nearest', 'two `resize`s, INTER_NEAREST'),
    ('RingingOvershoot', 'RingingOvershoot 11, cutoff 1', '`filter2D`, 11×11'),
    ('ChromaticAberration', 'ChromaticAberration 0.02 / 0.05', 'two `initUndistortRectifyMap` + `remap`s of one plane'),
    ('RandomFog', 'RandomFog 0.5, alpha 0.08',
     'a disc and `addWeighted` per particle (on its box only: faster than Albumentations), `GaussianBlur`'),
    ('RandomRain', 'RandomRain, defaults', '`line` per drop, `blur`, HSV value scaled'),
    ('RandomSnow', 'RandomSnow, bleach 0.2', 'float HLS, masked scale, back'),
    ('RandomSunFlare', 'RandomSunFlare, defaults (radius 400)', '`circle` + full-image `addWeighted`, 6–10 ghosts and 40 sun rings'),
    ('RandomShadow', 'RandomShadow, defaults', '`fillPoly` mask, masked multiply'),
    ('RandomGravel', 'RandomGravel, 2 patches', 'HLS, stone rectangles, back'),
    ('Spatter', 'Spatter, rain, defaults',
     '`normal`, `GaussianBlur`, `Canny`, `distanceTransform`, `equalizeHist`, `filter2D`, float add'),
    ('PlasmaBrightnessContrast', 'PlasmaBrightnessContrast, defaults', 'numpy diamond-square 257², `resize`, float'),
    ('PlasmaShadow', 'PlasmaShadow, defaults', 'numpy diamond-square 257², `resize`, float'),
    ('GridDropout', 'GridDropout, ratio 0.5', 'copy + numpy slicing'),
    ('PixelDropout', 'PixelDropout 0.01', 'numpy `random` mask, `where`'),
    ('Erasing', 'Erasing, defaults', 'copy + numpy slicing'),
    ('XYMasking', 'XYMasking, 2 + 2 stripes of 20', 'copy + numpy slicing'),
    ('MixUp', 'MixUp, lambda from Beta(0.4, 0.4), the next sample as reference',
     'reference `resize` (area shrinking, linear growing), `addWeighted` (no Albumentations class)'),
    ('CutMix', 'CutMix, lambda from Beta(1, 1), the next sample as reference',
     'reference `resize` as MixUp, copy + box slice (no Albumentations class)'),
    ('Mosaic', 'Mosaic 512², four cells, centre fixed',
     'per cell `resize` to cover + slice into a zero canvas'),
    ('HistogramMatching', 'HistogramMatching, blend 0.5',
     '`resize`, per channel `bincount`, `cumsum`, `interp`, `addWeighted` (as 2.0.8)'),
    ('FDA', 'FDA, beta 0.05', 'float32 `fft2`/`ifft2` per channel (as 2.0.8)'),
    ('PixelDistributionAdaptation', 'PixelDistributionAdaptation, PCA, blend 0.5',
     '`resize` (area), `PCACompute` of both images, project and back, blend'),
)]

# Why Augur is slower where it is. Each note was written from reading the
# code it names and from a profile of augur-bench, and is printed only when
# this run's profile of the operation still shows the symbol the note is
# about (the code moves; a note about a loop that is gone must not stay).
# Otherwise the report gives the profile alone.
WHY_SLOWER = {
    'HorizontalFlip': (('memcpy@plt',), (
        '`core/transforms/transforms-geometry.c`, `horizontal_flip_apply`: a `memcpy (d, s, nc)` per '
        'pixel with the channel count known only at run time, which the compiler leaves as a '
        'call into libc for every pixel. A loop specialised for 1, 3 and 4 channels '
        '(constant-size moves) removes the call.')),
    'GaussianBlur': (('convolve_line',), (
        '`core/transforms/transforms-blur.c`, `convolve_separable`: float arithmetic, four lanes '
        '(`convolve_line`), plus a scalar pass that widens each row to float and a scalar '
        'clamp back to 8 bits. OpenCV\'s 8-bit Gaussian works in 16-bit fixed point with '
        'SIMD chosen at run time.')),
    'HueSaturationValue': (('hsv_apply',), (
        '`core/transforms/transforms-color.c`, `hsv_apply`: the RGB→HSV→RGB round trip per pixel; '
        'OpenCV runs both conversions with SIMD on whole rows.')),
    'ToGray': (('gray_compute', 'luma_rows', 'luma_rows.default'), (
        '`core/transforms/transforms-color.c`: the weighted sum is the same 14-bit fixed point as '
        'OpenCV\'s; what remains is how wide the loop runs (OpenCV deinterleaves RGB with '
        'SIMD).')),
    'CoarseDropout': (('__memmove_avx512_unaligned_erms', '__memmove_avx_unaligned_erms'), (
        'both sides copy the image and blacken four small rectangles, so the copy '
        '(`augur_image_copy`, a `memcpy`) is nearly all of it; the gap is small in '
        'absolute terms.')),
    'JpegQ50': (('libgdk_pixbuf',), (
        'the codec is libjpeg-turbo on every side; Augur reaches it through GdkPixbuf '
        '(`core/transforms/transforms-quality.c`, `round_trip`: a saver writing through a callback, '
        'then a GObject loader), and the GdkPixbuf share of the profile is that route\'s '
        'cost.')),
}

# Where a large share of Augur's own time goes whatever the peers do.
HOT_NOTES = {
    'GaussNoise': (('gn_apply',), (
        '`core/transforms/transforms-noise.c`, `gn_apply` and `fill_normal`: a polar Box–Muller '
        'pair for every two channel values, each pair needing two draws from the scalar '
        'xoshiro generator, a `logf`, a `sqrtf` and a division, with about a fifth of the '
        'pairs rejected and drawn again. numpy\'s generator is slower still; a ziggurat '
        'sampler or a vectorised generator would cut it.')),
}

LIB_NAMES = {'augur': 'Augur', 'opencv': 'OpenCV', 'pillow': 'Pillow'}


def note_for(notes, profiles, op):
    """The note on @op if this run's profile still shows what it is about."""
    if op not in notes:
        return ''
    needles, text = notes[op]
    for t in profiles.get(op) or []:
        if any(n == t['symbol'] or t['dso'].startswith(n) for n in needles):
            return text
    return ''


def profile_text(profiles, name):
    top = profiles.get(name)
    if not top:
        return ''
    return ' Profile in this run (perf, cpu-clock): ' + ', '.join(
        '{} {:.0f} %'.format('`{}`'.format(t['symbol']) if t['symbol'] else
                             '{} (all)'.format(t['dso']), t['percent']) for t in top[:4]) + '.'


def median_range(values, fmt='{:.2f}'):
    if not values:
        return '—'
    return (fmt.format(statistics.median(values)) + ' (' + fmt.format(min(values)) + '–'
            + fmt.format(max(values)) + ')')


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'


def read_file(path):
    try:
        with open(path, encoding='utf-8') as f:
            return f.read()
    except OSError:
        return ''


def machine(args):
    cpu = 'unknown'
    for line in read_file('/proc/cpuinfo').splitlines():
        if line.startswith('model name'):
            cpu = line.split(':', 1)[1].strip()
            break
    mem = 'unknown'
    for line in read_file('/proc/meminfo').splitlines():
        if line.startswith('MemTotal:'):
            mem = '{:.1f} GiB'.format(int(line.split()[1]) / 1024 / 1024)
    os_name = platform.system()
    for line in read_file('/etc/os-release').splitlines():
        if line.startswith('PRETTY_NAME='):
            os_name = line.split('=', 1)[1].strip('"')
    import cv2
    import numpy
    import PIL
    buildtype = 'unknown'
    try:
        with open(os.path.join(args.build, 'meson-info', 'intro-buildoptions.json')) as f:
            opts = {o['name']: o['value'] for o in json.load(f)}
        c_args = ' '.join(opts.get('c_args') or [])
        buildtype = '{} (optimization {}), extra C flags: {}'.format(
            opts.get('buildtype'), opts.get('optimization'),
            '`{}`'.format(c_args) if c_args else 'none')
        # The flags the engine itself was compiled with (core may override
        # the optimisation level), and whether it dispatches SIMD clones.
        with open(os.path.join(args.build, 'meson-info', 'intro-targets.json')) as f:
            for target in json.load(f):
                if target.get('name') == 'augur-core':
                    flags = sorted({a for src in target.get('target_sources', [])
                                    for a in src.get('parameters', [])
                                    if a.startswith(('-O', '-march', '-mtune', '-mavx', '-msse'))})
                    buildtype += '; core (`augur-core`) compiled with `{}`'.format(' '.join(flags))
        src_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        core_dir = os.path.join(src_dir, 'core')
        clones = [n for n in sorted(os.listdir(core_dir)) if n.endswith('.c')
                  and 'AUGUR_SIMD_CLONES' in read_file(os.path.join(core_dir, n))]
        buildtype += (', with run-time SIMD clones (`target_clones`) in {}'.format(
            ', '.join(clones)) if clones else ', no run-time SIMD dispatch')
    except (OSError, ValueError, KeyError):
        pass
    return [
        ('Date (UTC)', args.started),
        ('CPU', cpu),
        ('Cores (nproc)', run(['nproc'])),
        ('Memory', mem),
        ('OS', '{} (kernel {})'.format(os_name, platform.release())),
        ('Load average (1, 5, 15 min) at start / end', '{} / {}'.format(args.load_start, args.load_end)),
        ('Augur', '{}, commit {} (at the start of the run)'.format(
            run([args.cli, '--version']), args.commit)),
        ('Augur build', '{}; compiler: {}'.format(buildtype, run(['cc', '--version']).splitlines()[0])),
        ('GdkPixbuf (Augur\'s codecs)', run(['pkg-config', '--modversion', 'gdk-pixbuf-2.0'])),
        ('OpenCV (cv2.__version__)', cv2.__version__),
        ('Pillow (PIL.__version__)', PIL.__version__),
        ('NumPy', numpy.__version__),
        ('Python', '{} ({})'.format(platform.python_version(), sys.executable)),
        ('Settings', args.settings),
        ('Wall time of the whole run', '{} s'.format(args.seconds)),
    ]


def ops_section(rows, agree, out):
    by = defaultdict(list)
    by_cpu = defaultdict(list)
    for r in rows:
        by[(r['op'], r['lib'])].append(r['ms'] / r['mpix'])
        by_cpu[(r['op'], r['lib'])].append(r['cpu_ms'] / r['mpix'])
    mpix = rows[0]['mpix'] if rows else 0
    n = len(by.get(('HorizontalFlip', 'augur'), []))

    out.append('## 1. Per-operation latency\n')
    out.append('Single thread (OpenCV with `cv2.setNumThreads(1)`), on the {} sample images '
               '({:.2f} megapixels in all) decoded once as RGB. One pass applies the operation '
               'once to every image; the figure is the pass\'s wall time divided by its '
               'megapixels: **milliseconds per megapixel, median (min–max) over {} passes**, '
               'lower is better. The three libraries took turns pass by pass, in rotating '
               'order (Augur\'s passes run in `augur-bench serve`, on request from '
               '`peers.py`). Augur\'s figure is `augur_node_apply` on values drawn once '
               '(ranges collapsed to one value); the peers\' figure is the Python call, '
               'interpreter overhead included, as a training script pays it.\n'
               .format(rows[0].get('images', '?') if rows else 0, mpix, n))
    out.append('Random rows time the same work on each side. Where the drawn values set the '
               'amount of work (the window of a random crop, RandomResizedCrop\'s and '
               'RandomSizedCrop\'s boxes, RandomCropFromBorders\' borders, the holes of '
               'CoarseDropout, Erasing, XYMasking and GridDropout, CutMix\'s box, '
               'Perspective\'s corners) or the shape of it (RandomRotate90\'s turn, D4\'s '
               'element, the random rotation and shear), the peers do not draw their own: '
               '`augur-bench serve` gives `peers.py` the values Augur drew for each image '
               '(the replay record `augur-cli apply --replay` reads), converted to the '
               'peer\'s terms (`DRAWN_OPS` in `bench/peers.py`). The other random rows draw '
               'their own values with numpy: most cost the same whatever is drawn (colour '
               'and tone shifts, noise and displacement fields, RandomGridShuffle\'s tile '
               'permutation, blend weights); the weather rows (RandomSunFlare\'s ghosts, '
               'RandomShadow\'s polygons, RandomGravel\'s stones, RandomRain\'s slant) and '
               'Superpixels\' replaced segments draw counts and sizes that change their work '
               'somewhat, and do not share Augur\'s draws yet.\n')
    out.append('A ratio is the peer\'s median over Augur\'s: **above 1, Augur is faster**; '
               'below 1, the peer is faster.\n')
    out.append('| Operation | Augur | OpenCV | Pillow | OpenCV / Augur | Pillow / Augur |')
    out.append('|---|---:|---:|---:|---:|---:|')
    slower = []
    for op, label, _, _ in OPS:
        a = by.get((op, 'augur'), [])
        cells = [label, median_range(a)]
        ratios = []
        for lib in ('opencv', 'pillow'):
            cells.append(median_range(by.get((op, lib), [])))
        for lib in ('opencv', 'pillow'):
            p = by.get((op, lib), [])
            if a and p:
                ratio = statistics.median(p) / statistics.median(a)
                ratios.append('**{:.2f}**'.format(ratio) if ratio < 1 else '{:.2f}'.format(ratio))
                if ratio < 1:
                    slower.append((op, label, LIB_NAMES[lib], ratio))
            else:
                ratios.append('—')
        out.append('| ' + ' | '.join(cells + ratios) + ' |')
    out.append('')

    out.append('The same ratios from each thread\'s CPU time instead of wall time (less '
               'disturbed by other processes on a shared machine):\n')
    out.append('| Operation | OpenCV / Augur (CPU) | Pillow / Augur (CPU) |')
    out.append('|---|---:|---:|')
    for op, label, _, _ in OPS:
        a = by_cpu.get((op, 'augur'), [])
        cells = [label]
        for lib in ('opencv', 'pillow'):
            p = by_cpu.get((op, lib), [])
            cells.append('{:.2f}'.format(statistics.median(p) / statistics.median(a)) if a and p else '—')
        out.append('| ' + ' | '.join(cells) + ' |')
    out.append('')

    image = next((r.get('image') for r in agree), None)
    out.append('What each peer runs, and how far OpenCV\'s output is from Augur\'s on {} '
               '(mean and largest absolute difference in 8-bit levels; the random rows '
               'that take Augur\'s draws are compared with them, the other random '
               'operations draw differently on each side and are not compared):\n'.format(
                   '`{}`'.format(image) if image else 'the first sample'))
    out.append('| Operation | OpenCV (numpy) | Pillow | OpenCV − Augur, mean (max) |')
    out.append('|---|---|---|---:|')
    by_agree = {r['op']: r for r in agree}
    for op, label, cv, pil in OPS:
        r = by_agree.get(op)
        if r is None:
            diff = '—'
        elif 'mean_abs' in r:
            diff = '{:.2f} ({})'.format(r['mean_abs'], r['max_abs'])
        else:
            diff = 'sizes differ'
        out.append('| {} | {} | {} | {} |'.format(label, cv, pil, diff))
    out.append('')
    out.append('Crops ("slice, copied"): Albumentations 2.0.8 returns a numpy view of the '
               'input (`crop` in `albumentations/augmentations/crops/functional.py` ends in '
               '`return img[y_min:y_max, x_min:x_max]`), which costs nothing until the next '
               'step or the data loader\'s collate makes it contiguous. Augur returns an '
               'image of its own, so the peer is timed with that copy (`.copy()`): both sides '
               'pay for the bytes of the crop, once.\n')
    jpeg = by_agree.get('JpegQ50', {})
    if 'augur_from_input' in jpeg:
        out.append('Two JPEG encoders at the same quality need not agree pixel for pixel; '
                   'each round trip moved the input by a mean of {:.2f} levels (Augur) and '
                   '{:.2f} (OpenCV).\n'.format(jpeg['augur_from_input'], jpeg['peer_from_input']))
    return slower, by


def e2e_section(rows, out):
    by = defaultdict(list)
    by_cpu = defaultdict(list)
    by_run = {}
    images = rows[0]['images'] if rows else 0
    mpix = rows[0]['mpix'] if rows else 0
    for r in rows:
        key = (r['format'], r['workers'], r['lib'])
        by[key].append(r['images'] / r['wall_s'])
        by_cpu[key].append(r['cpu_s'])
        by_run[key + (r['run'],)] = r
    runs = len(by.get(('png', 1, 'augur'), []))
    out.append('## 2. End to end: the default recipe over a folder\n')
    out.append('`data/recipes/default.json` (flip, rotate ±15° reflect_101, brightness/contrast, '
               'one of blur or noise, coarse dropout) over the samples linked {} times '
               '({} inputs, {:.1f} megapixels): `augur-cli apply` with `--threads N` against '
               '`bench/peers.py pipeline`, the same steps at the same probabilities with '
               'OpenCV and numpy\'s generator (`cv2.imread`, `cv2.imwrite`) in N worker '
               'processes (`multiprocessing.Pool`, `cv2.setNumThreads(1)` in each). Both '
               'write PNG at zlib level 6 (GdkPixbuf\'s default, which Augur uses; '
               'OpenCV\'s own default is 1) or JPEG at quality 95; Augur also writes its '
               'manifest. Whole-process wall time, interpreter start-up included: '
               '**images per second, median (min–max) over {} runs**, higher is better. '
               'In each run the two programs ran back to back (their order alternating), '
               'and **Augur / OpenCV** is the median (min–max) of those paired ratios. CPU '
               'is user + system seconds of the process tree (median), and its ratio '
               '(OpenCV\'s CPU seconds over Augur\'s) hardly moves when other processes '
               'compete for the cores.\n'.format(rows[0].get('copies', '?') if rows else 0,
                                                 images, mpix, runs))
    out.append('| Output | Workers | Augur img/s | OpenCV img/s | Augur / OpenCV | '
               'Augur CPU s | OpenCV CPU s | CPU ratio |')
    out.append('|---|---:|---:|---:|---:|---:|---:|---:|')
    findings = []
    for fmt in ('png', 'jpeg'):
        for w in (1, 2):
            a = by.get((fmt, w, 'augur'), [])
            o = by.get((fmt, w, 'opencv'), [])
            if not a or not o:
                continue
            paired = []
            for run in range(runs):
                ra, ro = by_run.get((fmt, w, 'augur', run)), by_run.get((fmt, w, 'opencv', run))
                if ra and ro:
                    paired.append(ro['wall_s'] / ra['wall_s'])
            ratio = statistics.median(paired)
            ca = statistics.median(by_cpu[(fmt, w, 'augur')])
            co = statistics.median(by_cpu[(fmt, w, 'opencv')])
            if ratio < 1:
                findings.append((fmt, w, ratio, co / ca))
            text = median_range(paired)
            out.append('| {} | {} | {} | {} | {} | {:.2f} | {:.2f} | {:.2f} |'.format(
                fmt.upper(), w, median_range(a, '{:.1f}'), median_range(o, '{:.1f}'),
                '**{}**'.format(text) if ratio < 1 else text, ca, co, co / ca))
    out.append('')
    scaling = []
    poor = False
    for fmt in ('png', 'jpeg'):
        for lib in ('augur', 'opencv'):
            one, two = by.get((fmt, 1, lib)), by.get((fmt, 2, lib))
            if one and two:
                x = statistics.median(two) / statistics.median(one)
                poor = poor or x < 1.5
                scaling.append('{} {} ×{:.2f}'.format(LIB_NAMES[lib], fmt.upper(), x))
    if scaling:
        out.append('From 1 to 2 workers on {} cores: {}.{}\n'.format(
            os.cpu_count(), ', '.join(scaling),
            ' Where a speed-up is well below 2, other processes were most likely using the '
            'second core during those runs (see the load average above and the ranges): '
            'the ratio between the programs at equal workers is the figure to trust.'
            if poor else ''))
    return findings


def preview_section(rows, out):
    by = defaultdict(list)
    by_cpu = defaultdict(list)
    info = {}
    for r in rows:
        by[r['image']].append(r['ms'])
        by_cpu[r['image']].append(r['cpu_ms'])
        info[r['image']] = r
    draws = rows[0]['draws'] if rows else 9
    reps = len(next(iter(by.values()), []))
    out.append('## 3. Preview latency\n')
    out.append('The quick pass of the GUI\'s grid: {} draws of the default recipe (seed '
               'derivation, sample and apply each) on a proxy of each sample whose longest '
               'side is 512 pixels, one thread; decoding, the proxy and texture upload are not '
               'included (the proxy is made once per sample). **Milliseconds for the whole '
               'grid, median (min–max) over {} repeats**; the target is well under 100 ms. '
               'The grid then replaces these with the draws made at full resolution: their '
               'latency, on the samples and on a 24-megapixel photograph, is in '
               '[benchmarks-preview.md](benchmarks-preview.md).\n'.format(draws, reps))
    out.append('| Sample | Proxy | Grid ms | Grid ms (CPU) | Per draw ms |')
    out.append('|---|---|---:|---:|---:|')
    medians = []
    for image in sorted(by):
        r = info[image]
        med = statistics.median(by[image])
        medians.append((med, image))
        out.append('| {} | {}×{} | {} | {:.1f} | {:.1f} |'.format(
            image, r['width'], r['height'], median_range(by[image], '{:.1f}'),
            statistics.median(by_cpu[image]), med / draws))
    out.append('')
    return medians


def opencv_ratios(rows):
    """Each operation's OpenCV / Augur ratio of median wall time per megapixel."""
    by = defaultdict(list)
    for r in rows:
        by[(r['op'], r['lib'])].append(r['ms'] / r['mpix'])
    return {op: statistics.median(by[(op, 'opencv')]) / statistics.median(by[(op, 'augur')])
            for op, _, _, _ in OPS if by.get((op, 'augur')) and by.get((op, 'opencv'))}


# Transforms Albumentations makes slow by design (per-pixel Python-level
# work, or whole-image passes per particle): the issue asks 10x there.
SLOW_BY_DESIGN = ('RandomFog', 'ElasticTransform', 'GlassBlur', 'Superpixels', 'GaussNoise',
                  'ISONoise', 'MultiplicativeNoisePixel', 'SaltAndPepper', 'ShotNoise',
                  'AdditiveNoisePixel', 'PixelDropout')


KEEP_MARKER = ('<!-- The sections below are measured by their own scripts; '
               'make bench keeps them as they are. -->')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('results')
    parser.add_argument('--slower', action='store_true',
                        help='only print the operations whose OpenCV peer was faster (for run.sh)')
    parser.add_argument('--build')
    parser.add_argument('--cli')
    parser.add_argument('--started', default='unknown')
    parser.add_argument('--commit', default='unknown')
    parser.add_argument('--seconds', default='unknown')
    parser.add_argument('--load-start', default='unknown')
    parser.add_argument('--load-end', default='unknown')
    parser.add_argument('--settings', default='')
    parser.add_argument('-o', '--output')
    args = parser.parse_args()

    rows = defaultdict(list)
    with open(args.results, encoding='utf-8') as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                rows[r['suite']].append(r)
    if args.slower:
        for op, ratio in opencv_ratios(rows['ops']).items():
            if ratio < 1:
                print(op)
        return
    if not (args.build and args.cli and args.output):
        parser.error('--build, --cli and -o are needed for a report')

    out = ['<!-- Written by bench/report.py from one run of bench/run.sh: do not edit by hand. -->',
           '# Benchmarks\n',
           'Augur beside OpenCV and Pillow, measured in one run on one machine. The machine '
           'is shared and noisy, so compare **ratios**, not absolute times: contenders were '
           'interleaved (A B A B ...) so that both saw the same disturbances, and every '
           'figure is a median with its min–max.\n',
           'Reproduce with `make bench` from the source tree (it runs '
           '`sh bench/run.sh _build` after building), or with an existing build directory:\n',
           '```sh\nmeson setup _build && ninja -C _build && sh bench/run.sh _build\n```\n',
           '## Machine and versions\n',
           '| | |', '|---|---|']
    for k, v in machine(args):
        out.append('| {} | {} |'.format(k, v))
    out.append('')

    profiles = {r['name']: r['top'] for r in rows['profile']}
    body = []
    slower, ops_by = ops_section(rows['ops'], rows['agree'], body)
    e2e_slower = e2e_section(rows['e2e'], body)
    for fmt in ('png', 'jpeg'):
        text = profile_text(profiles, 'augur-cli-' + fmt)
        if text:
            body.append('`augur-cli apply --threads 1 --format {} --variants 4` on the six '
                        'samples:{}\n'.format(fmt, text))
    top = profiles.get('augur-cli-png')
    if top and top[0]['dso'].startswith('libz'):
        body.append('The PNG rows mostly measure zlib at level 6, which both programs call '
                    '(through libpng); the JPEG rows show more of the augmentation itself.\n')
    top = profiles.get('augur-cli-jpeg')
    if top and top[0]['symbol'] == 'sample_row':
        body.append('In the JPEG run, Augur\'s warp (`sample_row` in '
                    '`core/kernels/augur-resample.c`, here the recipe\'s reflect_101 rotation) leads '
                    'the profile: of Augur\'s own code, the rotation costs the most there.\n')
    previews = preview_section(rows['preview'], body)

    summary = ['## Summary\n']
    ratios = opencv_ratios(rows['ops'])
    if ratios:
        below = sorted((r, op) for op, r in ratios.items() if r < 1)
        summary.append('- Against the OpenCV/numpy code Albumentations 2.0.8 runs: geometric mean '
                       'of the ratios over all {} rows **{:.2f}×** (above 1: Augur faster); {} '
                       'of them below 1{}.'.format(
                           len(ratios), statistics.geometric_mean(ratios.values()), len(below),
                           ': ' + ', '.join('{} {:.2f}'.format(op, r) for r, op in below)
                           if below else ''))
        design = [(op, ratios[op]) for op in SLOW_BY_DESIGN if op in ratios]
        if design:
            summary.append('- Where Albumentations is slow by design (10× asked): {}.'.format(
                ', '.join('{} {:.1f}×{}'.format(op, r, '' if r >= 10 else ' (short of 10×)')
                          for op, r in design)))
    if slower:
        clear = [(op, lib, r) for op, _, lib, r in slower if r < 0.9]
        close = [(op, lib, r) for op, _, lib, r in slower if r >= 0.9]
        if clear:
            summary.append('- Per operation, a peer was clearly faster than Augur (ratio below '
                           '0.9; 0.5 means the peer took half Augur\'s time) in: {}.'.format(
                               ', '.join('{} ({} {:.2f})'.format(*x) for x in clear)))
        if close:
            summary.append('- A peer was slightly faster than Augur, within 10 % (about even on '
                           'a noisy machine, but faster by the median), in: {}.'.format(
                               ', '.join('{} ({} {:.2f})'.format(*x) for x in close)))
        faster = []
        for op, label, _, _ in OPS:
            if not any(o == op for o, _, _, _ in slower):
                faster.append(op)
        if faster:
            summary.append('- Augur was faster than every peer measured in: {}.'.format(
                ', '.join(faster)))
    else:
        summary.append('- Per operation, Augur was at least as fast as both peers everywhere.')
    if e2e_slower:
        summary.append('- End to end, the OpenCV script processed more images per second than '
                       '`augur-cli` in: {}.'.format(
                           ', '.join('{} with {} worker{} (Augur at {:.2f}× its rate{}, '
                                     'while OpenCV used {:.2f}× Augur\'s CPU time)'.format(
                               f.upper(), w, 's' if w > 1 else '', r,
                               ', within 10 %' if r >= 0.9 else '', c)
                               for f, w, r, c in e2e_slower)))
    else:
        summary.append('- End to end, `augur-cli` processed more images per second than the '
                       'OpenCV script in every configuration measured.')
    if previews:
        worst, image = max(previews)
        summary.append('- Preview: the slowest sample\'s 9-draw grid took {:.1f} ms (median, {}); '
                       '{}.'.format(worst, image, 'under the 100 ms target' if worst < 100
                                    else 'over the 100 ms target'))
    summary.append('')
    out += summary + body

    if slower:
        out.append('## Where Augur is slower, and why\n')
        seen = set()
        for op, label, lib, r in slower:
            if op in seen:
                continue
            seen.add(op)
            libs = ' and '.join(l for o, _, l, _ in slower if o == op)
            close = all(r >= 0.9 for o, _, _, r in slower if o == op)
            extra = ''
            if op == 'Rotate30':
                costs = {}
                for lib in ('augur', 'opencv'):
                    a = ops_by.get(('Rotate30', lib))
                    b = ops_by.get(('Rotate30Constant', lib))
                    if a and b:
                        costs[lib] = 100 * (statistics.median(a) / statistics.median(b) - 1)
                if len(costs) == 2:
                    extra = (' Reflecting instead of a constant border changed the time by '
                             'Augur {:+.0f} %, OpenCV {:+.0f} % (medians of the two Rotate '
                             'rows): {}.'.format(
                                 costs['augur'], costs['opencv'],
                                 'about alike, so the gap is the interpolation, not the border'
                                 if costs['augur'] - costs['opencv'] < 15 else
                                 'the reflected border costs Augur clearly more'))
            parts = [note_for(WHY_SLOWER, profiles, op), extra.strip(),
                     profile_text(profiles, op).strip() or
                     'Not profiled in this run (perf unavailable or turned off).']
            out.append('- **{}** ({} faster{}): {}'.format(
                label, libs, ', within 10 %' if close else '',
                ' '.join(p for p in parts if p)))
        out.append('')

    # Augur's most expensive operations per megapixel, whatever the peers do.
    costs = sorted(((statistics.median(v), op) for (op, lib), v in ops_by.items()
                    if lib == 'augur'), reverse=True)
    if costs:
        labels = {op: label for op, label, _, _ in OPS}
        out.append('## Augur\'s largest costs\n')
        out.append('Augur\'s most expensive operations per megapixel in this run, the hot '
                   'spots worth work first:\n')
        for ms, op in costs[:3]:
            note = note_for(HOT_NOTES, profiles, op) or note_for(WHY_SLOWER, profiles, op)
            parts = [note[:1].upper() + note[1:], profile_text(profiles, op).strip()]
            out.append('- **{}**: {:.2f} ms per megapixel (median). {}'.format(
                labels.get(op, op), ms, ' '.join(p for p in parts if p)))
        out.append('')

    text = '\n'.join(out).rstrip() + '\n'
    # Sections measured by their own scripts (bench/leakage.sh,
    # bench/memory.sh) follow a marker; a new report keeps them.
    try:
        with open(args.output, encoding='utf-8') as f:
            old = f.read()
        if KEEP_MARKER in old:
            text += '\n' + old[old.index(KEEP_MARKER):]
    except FileNotFoundError:
        pass
    with open(args.output + '.tmp', 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(args.output + '.tmp', args.output)


if __name__ == '__main__':
    main()
