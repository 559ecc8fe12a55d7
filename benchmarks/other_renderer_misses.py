"""Why the pipeline misses on another renderer's frames: every wrong answer classified.

    PYTHONPATH=src .venv/bin/python benchmarks/other_renderer_misses.py [--scenes 40] [-v]
        [--first K]

An independent evaluation renders its tabletop scenes its own way and drives the node
over its topics; ``test/other_renderer.py`` stands in for it (its own ray caster,
patterned tables, coloured walls, hard shadows, disparity-quantised depth noise, any
image size and field of view). Each scene (2-4 of a ball, a cube and a cylinder in
:data:`PALETTE` colours, a random camera, table, wall and light) is asked four kinds of
command through :class:`clip_perception.pipeline.Pipeline` with the node's defaults and
the bundled model, the frame's proposals and crops kept between its commands as the node
keeps an unchanged frame:

- ``full``: every object by colour and kind ("the red ball"), but one more than half
  hidden behind another;
- ``absent``: a colour and kind not in view (right only when ``not_found``);
- ``shape``: the kind alone ("the ball") where only one object is of it;
- ``colour``: the colour alone ("the red one") where only one object has it.

A present object is right when found with its box (IoU >= 0.5 with the object's
visible box). Every wrong answer is put in one class, from what the proposals and the
model say of the same crops (cosine and confidence of every proposal, as the pipeline
computes them):

- ``a``: no proposal covers the object (best IoU < 0.5);
- ``b``: a proposal covers it, but the selection answered with a box of another object
  while the model ranked a box of the target first, or with a box that is no whole
  object (a part, a loose box, a box around two);
- ``c``: a box of the target is ranked first by cosine, but the answer is
  ``not_found`` or ``ambiguous`` (the confidence or ambiguity rule);
- ``d``: the model ranks a box of another object (or a piece of one) first.

Absent objects answered ``found`` or ``ambiguous`` are ``d`` when the answer is a whole
object's box, ``b`` otherwise. ``-v`` prints every wrong answer.
"""

import argparse
from collections import Counter
import os
import sys

import numpy as np

from clip_perception.config import PipelineConfig
from clip_perception.crops import upright_crops
from clip_perception.geometry import box_iou
from clip_perception.pipeline import AMBIGUOUS
from clip_perception.pipeline import FOUND
from clip_perception.pipeline import NO_DEPTH
from clip_perception.pipeline import NOT_FOUND
from clip_perception.pipeline import Pipeline
from clip_perception.pipeline import pixel_aspect
from clip_perception.scorer import ClipScorer
from clip_perception.tracking import FrameReuse
from clip_perception.tracking import Memory

# The renderer is a test helper (test/other_renderer.py), not part of the package.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                'test'))
from other_renderer import _hits  # noqa: E402
from other_renderer import camera  # noqa: E402
from other_renderer import look_at  # noqa: E402
from other_renderer import PALETTE  # noqa: E402
from other_renderer import tabletop  # noqa: E402
from other_renderer import Thing  # noqa: E402

KINDS = ('ball', 'cube', 'cylinder')
ABSENT_KINDS = KINDS + ('cone', 'mug')
SIZES = ((640, 480), (848, 480), (512, 384), (960, 720), (1280, 720), (800, 600))
TABLES = ('wood', 'checker', 'cloth', 'plain')
TABLE_RGB = ((150, 120, 90), (190, 185, 175), (110, 110, 115), (200, 170, 130),
             (90, 70, 55), (160, 160, 150))
WALLS = ((120, 160, 110), (170, 120, 120), (110, 130, 170), (200, 200, 190), None)
CLASSES = ('a', 'b', 'c', 'd')
SEED = 77_000_000


def scene(k, seed=SEED):
    """Scene ``k``: ``(frame, things, seen)``, 2-4 objects of distinct colour and kind.

    ``seen`` (N,) float: the share of each object's silhouette not hidden by another.
    """
    rng = np.random.default_rng(seed + k)
    n = int(rng.integers(2, 5))
    colours = list(PALETTE)
    pairs = [(c, kd) for c in colours for kd in KINDS]
    picked = [pairs[i] for i in rng.choice(len(pairs), n, replace=False)]
    things, placed = [], []
    for colour, kind in picked:
        size = float(rng.uniform(0.045, 0.08))
        for _ in range(100):
            xy = rng.uniform((-0.16, -0.08), (0.16, 0.16))
            if all(np.hypot(*(xy - p)) > 0.5 * (size + s) + 0.025 for p, s in placed):
                break
        placed.append((xy, size))
        height = float(size * rng.uniform(1.0, 1.8)) if kind == 'cylinder' else None
        things.append(Thing(kind, colour, (float(xy[0]), float(xy[1])), size, height=height,
                            yaw=float(rng.uniform(0, np.pi))))
    w, h = SIZES[int(rng.integers(len(SIZES)))]
    light = (float(rng.uniform(-0.6, 0.6)), float(rng.uniform(-0.6, 0.3)), 1.0)
    hfov, distance, elevation = (float(rng.uniform(45, 80)), float(rng.uniform(0.5, 0.95)),
                                 float(rng.uniform(35, 70)))
    frame = tabletop(w, h, hfov_deg=hfov, distance=distance, elevation_deg=elevation,
                     things=tuple(things),
                     table=(TABLES[int(rng.integers(len(TABLES)))],
                            TABLE_RGB[int(rng.integers(len(TABLE_RGB)))]),
                     wall=WALLS[int(rng.integers(len(WALLS)))], light=light,
                     ambient=float(rng.uniform(0.25, 0.5)),
                     depth_noise=float(rng.uniform(0.001, 0.004)),
                     holes=float(rng.choice([0.0, 0.0, 0.03])), seed=seed + k)
    # Each object's silhouette alone (tabletop's camera: from -y, looking at (0, 0.02, 0)).
    el = np.deg2rad(elevation)
    eye = np.array([0.0, -distance * np.cos(el), distance * np.sin(el)])
    intr = camera(w, h, hfov)
    us, vs = np.meshgrid(np.arange(w, dtype=float), np.arange(h, dtype=float))
    rays = np.stack([(us - intr.cx) / intr.fx, (vs - intr.cy) / intr.fy,
                     np.ones_like(us)], -1).reshape(-1, 3) @ look_at(eye, (0, 0.02, 0)).T
    rays /= np.linalg.norm(rays, axis=1, keepdims=True)
    origin = np.broadcast_to(eye, rays.shape).copy()
    seen = np.array([(frame.ids == i).sum() / max((_hits(origin, rays, (t,))[1] == 0).sum(), 1)
                     for i, t in enumerate(things)])
    return frame, tuple(things), seen


def commands(things, seen, rng):
    """``[(kind, command, index of the object asked for or None)]`` for one scene.

    Objects more than half hidden behind another (``seen`` < 0.5) are not asked for.
    """
    out = [('full', f'the {t.colour} {t.kind}', i) for i, t in enumerate(things)
           if seen[i] >= 0.5]
    present = {(t.colour, t.kind) for t in things}
    absent = [(c, kd) for c in PALETTE for kd in ABSENT_KINDS if (c, kd) not in present]
    c, kd = absent[int(rng.integers(len(absent)))]
    out.append(('absent', f'the {c} {kd}', None))
    kinds = [t.kind for t in things]
    colours = [t.colour for t in things]
    out += [('shape', f'the {t.kind}', i) for i, t in enumerate(things)
            if kinds.count(t.kind) == 1 and seen[i] >= 0.5]
    out += [('colour', f'the {t.colour} one', i) for i, t in enumerate(things)
            if colours.count(t.colour) == 1 and seen[i] >= 0.5]
    return out


def box_labels(boxes, gt):
    """Per proposal: the index of the object whose box it is (IoU >= 0.5), else -1."""
    if not len(boxes):
        return np.zeros(0, int)
    iou = box_iou(np.asarray(boxes, float), gt)
    return np.where(iou.max(axis=1) >= 0.5, iou.argmax(axis=1), -1)


def classify(res, target, frame, cosine):
    """Class of a wrong answer (``a``..``d``) and a short note; None when right.

    :param res: the pipeline's :class:`~clip_perception.pipeline.Result`.
    :param target: index of the object asked for, None for an absent one.
    :param frame: the rendered frame (ground-truth boxes).
    :param cosine: (N,) cosine of every proposal with the command's phrase.
    """
    gt = frame.boxes
    labels = box_labels(res.proposals, gt)
    found = res.status in (FOUND, NO_DEPTH)
    chosen = None
    if found:
        chosen = int(box_labels(np.array([res.chosen.box]), gt)[0])
    if target is None:
        if res.status == NOT_FOUND:
            return None
        if found:
            return ('d', 'on an object') if chosen >= 0 else ('b', 'on a non-object box')
        return 'd', 'ambiguous'
    if found and chosen == target:
        return None
    if not len(res.proposals) or labels.max() < 0 or not (labels == target).any():
        return 'a', f'best IoU {box_iou(res.proposals, gt[[target]]).max():.2f}' \
            if len(res.proposals) else 'no proposals'
    top = int(labels[int(np.argmax(cosine))])
    if found:
        if chosen < 0:
            return 'b', 'answered a non-object box (part / loose / two)'
        if top == target:
            return 'b', 'model ranked the target first, selection chose another object'
        return 'd', 'another object ranked first' if top >= 0 else 'a piece ranked first'
    if top == target:
        return 'c', res.status
    if top < 0:
        best = int(np.argmax(cosine))
        inside = box_iou(res.proposals[[best]], gt[[target]])[0, 0]
        if inside > 0.2:
            return 'c', f'{res.status}; a loose or partial box of the target first ' \
                f'(IoU {inside:.2f})'
        return 'd', f'{res.status}; a non-object box first'
    return 'd', f'{res.status}; another object first'


def proposal_cosines(scorer, cfg, frame, res, image=None):
    """``(image, cosine)``: the proposals' (N, D) embeddings and (N,) cosines with the command.

    ``image`` is computed once per frame (the proposals are kept between its commands);
    pass back what the last call returned.
    """
    if image is None and len(res.proposals):
        pixels = scorer.preprocess(frame.rgb, res.proposals, cfg.crop_context,
                                   pixel_aspect(frame.intrinsics))
        image = scorer.forward(upright_crops(pixels, cfg.image_up))
    text = scorer.text_embedding(res.what, cfg.prompt_template)
    return image, (image @ text).numpy() if len(res.proposals) else np.zeros(0)


def run(scenes, verbose=False, config=None, first=0):
    """Run scenes ``first`` .. ``first + scenes - 1``; return ``{kind: Counter(class)}``.

    The class is ``a``..``d``, or ``right``.
    """
    import torch
    torch.set_num_threads(1)
    scorer = ClipScorer('bundled', device='cpu', dtype='float32')
    cfg = config or PipelineConfig()
    tally = {k: Counter() for k in ('full', 'absent', 'shape', 'colour')}
    rng = np.random.default_rng(SEED - 1 + first)
    for k in range(first, first + scenes):
        frame, things, seen = scene(k)
        memory = Memory(reuse=FrameReuse(cfg.reuse_tolerance, cfg.reuse_box_px))
        pipeline = Pipeline(scorer, cfg)
        image = None
        for kind, command, target in commands(things, seen, rng):
            res = pipeline.run(frame.rgb, command, frame.depth, frame.intrinsics, memory)
            image, cosine = proposal_cosines(scorer, cfg, frame, res, image)
            got = classify(res, target, frame, cosine)
            tally[kind]['right' if got is None else got[0]] += 1
            if got is not None and verbose:
                amb = '' if res.status != AMBIGUOUS else \
                    f' {[a.box for a in res.ambiguous]}'
                print(f'  scene {k:2d} {frame.rgb.shape[1]}x{frame.rgb.shape[0]} {kind:6s} '
                      f'"{command}": ({got[0]}) {got[1]} | {res.status}{amb}: '
                      f'{res.reason[:160]}', flush=True)
    return tally


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--scenes', type=int, default=40)
    p.add_argument('--first', type=int, default=0, help='first scene (default 0)')
    p.add_argument('-v', '--verbose', action='store_true')
    args = p.parse_args(argv)
    tally = run(args.scenes, args.verbose, first=args.first)
    print(f'{args.scenes} scenes of test/other_renderer.py from scene {args.first}, bundled '
          'model, default parameters')
    print(f'{"kind":8s} {"right":>11s} ' + ' '.join(f'{c:>4s}' for c in CLASSES))
    for kind, c in tally.items():
        n = sum(c.values())
        print(f'{kind:8s} {c["right"]:4d}/{n:<3d} {100 * c["right"] / max(n, 1):3.0f}% ' +
              ' '.join(f'{c[x]:4d}' for x in CLASSES))
    total = sum(tally.values(), Counter())
    print('wrong answers by class: ' + ', '.join(f'({x}) {total[x]}' for x in CLASSES))


if __name__ == '__main__':
    main()
