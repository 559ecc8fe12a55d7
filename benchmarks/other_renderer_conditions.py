"""Frames rendered in ways no other test covers: where the pipeline (not the model) misses.

    PYTHONPATH=src .venv/bin/python benchmarks/other_renderer_conditions.py [-n 8] [-v]
        [--only roll,flying]

``test/other_renderer.py`` draws three-object layouts (a ball, a cube and a cylinder in
random colours, ``benchmarks/other_renderer.py``'s ``layouts``) under one condition at a
time; each object is asked for by colour and kind through
:class:`clip_perception.pipeline.Pipeline` with the node's defaults and the bundled model,
and every wrong answer is put in ``benchmarks/other_renderer_misses.py``'s classes: (a)
no proposal covers the object, (b) the selection answered another box while the model
ranked the target first (or a box of no whole object), (c) a box of the target ranked
first but the answer is ``not_found`` / ``ambiguous``, (d) the model ranked another box
first. (a)-(c) are the pipeline's share. The pose of each right answer is measured
against the object's true centre (median, p95 and largest error per condition).

Conditions (each changes one thing from the 640x480, 60 degree, 0.8 m, 45 degree view):

- ``roll20`` / ``roll-30``: the camera turned about its optical axis;
- ``steep``: the camera 65 degrees above the table (within 35 of its normal);
- ``wide`` (110 degree field of view) / ``narrow`` (30 degrees, from 1.4 m);
- ``stereo_edges``: depth lost beside each object's left edge (the occlusion band of a
  stereo pair whose right camera cannot see there), as wide as the disparity step;
- ``smoothed``: depth smoothed across edges (a 9 px median then a 7 px box, as a stereo
  matcher's aggregation window rounds them);
- ``speckle``: 2% of the pixels a random depth between 0.2 and 3 m;
- ``flying``: ToF mixed pixels, 2 px either side of each depth jump, read at a random
  depth between the near and far surface;
- ``border``: two objects cut by the left and right image borders (40 degrees);
- ``occluded``: a cube in front of the others, hiding part of them;
- ``glossy``: a specular highlight on the table (a white blob) and a darker, saturated
  table colour;
- ``tall`` / ``flat``: cylinders three times as tall as wide, cubes a third as tall;
- ``large`` (objects 14 cm across) / ``small`` (2.5 cm).
"""

import argparse
from collections import Counter
import importlib.util
import os
import sys

import cv2
import numpy as np

from clip_perception.config import PipelineConfig
from clip_perception.pipeline import Pipeline
from clip_perception.scorer import ClipScorer
from clip_perception.tracking import FrameReuse
from clip_perception.tracking import Memory

# The renderer is a test helper (test/other_renderer.py), not part of the package; it
# goes first on the path, before benchmarks/other_renderer.py of the same name.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'test'))
from other_renderer import flying_pixels  # noqa: E402, I001
from other_renderer import tabletop  # noqa: E402
from other_renderer import Thing  # noqa: E402
from other_renderer_misses import classify  # noqa: E402
from other_renderer_misses import CLASSES  # noqa: E402
from other_renderer_misses import proposal_cosines  # noqa: E402

_spec = importlib.util.spec_from_file_location('bench_other_renderer',
                                               os.path.join(HERE, 'other_renderer.py'))
_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_bench)
layouts = _bench.layouts


def stereo_edges(frame, rng):
    """Lose depth left of each object's silhouette, as wide as its disparity step."""
    z = frame.depth.copy()
    obj = frame.ids >= 0
    f, base = frame.intrinsics.fx, 0.05
    for k in range(len(frame.things)):
        m = frame.ids == k
        if not m.any():
            continue
        zo = np.nanmedian(z[m])
        band = int(np.clip(f * base * (1.0 / zo - 1.0 / (zo + 0.3)), 2, 40))
        shifted = np.zeros_like(m)
        for s in range(1, band + 1):
            shifted[:, :-s] |= m[:, s:]
        z[shifted & ~obj] = np.nan
    frame.depth = z
    return frame


def smoothed(frame, rng):
    """Round depth edges as a stereo matcher's window does."""
    z = np.nan_to_num(frame.depth, nan=0.0).astype(np.float32)
    z = cv2.blur(cv2.medianBlur(z, 5), (7, 7))
    frame.depth = np.where(z > 0.05, z, np.nan).astype(np.float32)
    return frame


def speckle(frame, rng):
    """Scatter random depths over 2% of the pixels."""
    z = frame.depth.copy()
    m = rng.random(z.shape) < 0.02
    z[m] = rng.uniform(0.2, 3.0, m.sum())
    frame.depth = z
    return frame


def flying(frame, rng):
    """ToF mixed pixels: each pixel by a depth jump reads between the two surfaces."""
    return flying_pixels(frame, seed=int(rng.integers(1 << 30)))


def glossy(frame, rng):
    """Add a white specular blob on the table behind the objects."""
    h, w = frame.depth.shape
    yy, xx = np.mgrid[0:h, 0:w]
    cx, cy = w * rng.uniform(0.3, 0.7), h * rng.uniform(0.25, 0.45)
    g = np.exp(-(((xx - cx) / (0.12 * w)) ** 2 + ((yy - cy) / (0.06 * h)) ** 2))
    g = g * (frame.ids < 0)
    rgb = frame.rgb.astype(float)
    frame.rgb = np.clip(rgb + g[..., None] * (255 - rgb) * 0.95, 0, 255).astype(np.uint8)
    return frame


def _restyle(things, **kw):
    return tuple(Thing(t.kind, t.colour, t.xy, kw.get(t.kind, {}).get('size', t.size),
                       height=kw.get(t.kind, {}).get('height', t.height), yaw=t.yaw)
                 for t in things)


CONDITIONS = {
    'base': {},
    'roll20': {'roll_deg': 20.0},
    'roll-30': {'roll_deg': -30.0},
    'steep': {'elevation_deg': 65.0},
    'wide': {'hfov_deg': 110.0, 'distance': 0.5},
    'narrow': {'hfov_deg': 30.0, 'distance': 1.4},
    'stereo_edges': {'post': stereo_edges},
    'smoothed': {'post': smoothed},
    'speckle': {'post': speckle},
    'flying': {'post': flying},
    'border': {'hfov_deg': 40.0, 'place': [(-0.27, 0.0), (0.27, 0.03), (0.0, 0.1)]},
    'occluded': {'place': [(-0.03, 0.0), (0.04, 0.12), (-0.06, 0.13)]},
    'glossy': {'post': glossy, 'table': ('plain', (60, 40, 90))},
    'tall': {'style': {'cylinder': {'size': 0.035, 'height': 0.13}}},
    'flat': {'style': {'cube': {'size': 0.09, 'height': 0.03}}},
    'large': {'style': {k: {'size': 0.14} for k in ('ball', 'cube', 'cylinder')},
              'place': [(-0.17, 0.0), (0.17, 0.03), (0.0, 0.2)], 'distance': 1.0},
    'small': {'style': {k: {'size': 0.025} for k in ('ball', 'cube', 'cylinder')}},
}


def frames(name, n, seed=5):
    """``n`` frames of condition ``name``."""
    c = dict(CONDITIONS[name])
    post, style, place = c.pop('post', None), c.pop('style', {}), c.pop('place', None)
    rng = np.random.default_rng(seed)
    for j, things in enumerate(layouts(n, seed=seed)):
        if place is not None:
            things = tuple(Thing(t.kind, t.colour, xy, t.size, t.height, t.yaw)
                           for t, xy in zip(things, place))
        things = _restyle(things, **style)
        frame = tabletop(640, 480, things=things, seed=seed + j, **c)
        yield post(frame, rng) if post else frame


def run(names, n, verbose=False, errors=None):
    """Return ``{condition: Counter(right / a..d)}``.

    :param errors: a dict filled with ``{condition: [mm]}``, the distance of each right
        answer's pose from the object's true centre.
    """
    errors = {} if errors is None else errors
    import torch
    torch.set_num_threads(1)
    scorer = ClipScorer('bundled', device='cpu', dtype='float32')
    cfg = PipelineConfig()
    tally = {}
    for name in names:
        tally[name] = Counter()
        for j, frame in enumerate(frames(name, n)):
            memory = Memory(reuse=FrameReuse(cfg.reuse_tolerance, cfg.reuse_box_px))
            pipeline = Pipeline(scorer, cfg)
            image = None
            for i, t in enumerate(frame.things):
                if (frame.ids == i).sum() < 30:
                    continue
                command = f'the {t.colour} {t.kind}'
                res = pipeline.run(frame.rgb, command, frame.depth, frame.intrinsics, memory)
                image, cosine = proposal_cosines(scorer, cfg, frame, res, image)
                got = classify(res, i, frame, cosine)
                err = ''
                if got is None and res.pose is not None:
                    e = 1000 * np.linalg.norm(np.asarray(res.pose.position) - frame.centres[i])
                    errors.setdefault(name, []).append(e)
                    err = f' pose off {e:.0f} mm' if e > 15 else ''
                tally[name]['right' if got is None else got[0]] += 1
                if verbose and (got is not None or err):
                    print(f'  {name} {j} "{command}" box {frame.boxes[i].astype(int)}: '
                          f'{got} | {res.status}{err}: {res.reason[:140]}', flush=True)
    return tally


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('-n', type=int, default=8, help='layouts per condition (default 8)')
    p.add_argument('--only', default='', help='comma-separated conditions')
    p.add_argument('-v', '--verbose', action='store_true')
    args = p.parse_args(argv)
    names = args.only.split(',') if args.only else list(CONDITIONS)
    errors = {}
    tally = run(names, args.n, args.verbose, errors)
    print(f'{"condition":13s} {"right":>9s} ' + ' '.join(f'{c:>3s}' for c in CLASSES) +
          '  pose error of right answers, median / p95 / max (mm)')
    for name, c in tally.items():
        total = sum(c[x] for x in ('right',) + CLASSES)
        e = np.percentile(errors.get(name, [np.nan]), [50, 95, 100])
        print(f'{name:13s} {c["right"]:3d}/{total:<3d}   ' +
              ' '.join(f'{c[x]:3d}' for x in CLASSES) +
              f'  {e[0]:.1f} / {e[1]:.1f} / {e[2]:.1f}', flush=True)


if __name__ == '__main__':
    main()
