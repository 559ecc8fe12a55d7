"""Where the ROS evaluation's misses are lost: every wrong answer put in one pipeline stage.

    PYTHONPATH=src .venv/bin/python benchmarks/ros_eval_misses.py [--scenes 60] [-v]
        [--ros RUN.json]

``clip_perception_eval ros`` asks a node over DDS the commands of the shifted suite
(:func:`clip_perception.world.generalisation.suite_scenes`; the ``image_only`` scenes
left out, as the ROS run leaves them out) and its answers agree with the pipeline's
(289 of 289 at 60 scenes). This script asks the same commands of
:class:`clip_perception.pipeline.Pipeline`, as ``evaluate_rules`` does for the ``node``
line (one :class:`~clip_perception.tracking.Memory` per scene: proposals and crops kept
between its commands), and, for every wrong answer, asks in order where it was lost:

1. ``not proposed``: no proposal has IoU >= 0.5 with the object's visible box;
2. ``selection``: the target's box is ranked first by cosine but another box was
   answered, or the answer is a box of the target's object under IoU 0.5 while a good
   one was proposed (grouping, segment ownership, tracking);
3. ``under threshold``: a box of the target is ranked first by cosine and its
   confidence is under ``min_confidence`` (``not_found``);
4. ``ambiguous``: the target's box is ranked first and confident, but another object's
   box is within the ambiguity margin (the note says whose: another whole object, or a
   loose or partial box of the target itself);
5. ``own part first``: a loose or partial box of the target (IoU 0.2-0.5) is ranked
   above every good box of it;
6. ``background first``: a box on no object (IoU < 0.2 with every object) is first;
7. ``other object first``: another object's box (or a box around two) is first.

Absent objects answered ``found`` or ``ambiguous`` are ``absent: on an object`` or
``absent: on background``.

For each miss of a present object it also probes the crop, on the object's
ground-truth box (the pipeline's ``crop_context``): the confidence and cosine rank that
crop would get among the frame's proposals, and the same with other contexts (0.05,
0.3), with the background outside the object's mask set to the normalisation mean,
and with bilinear instead of bicubic resizing. A probe that turns a miss right says
what the crop stage costs; one that does not says the model's reading is the limit.

``--ros RUN.json``: the ``--json`` of ``clip_perception_eval ros`` for the same scenes;
its rows are checked to agree with the pipeline's answers, command by command.
"""

import argparse
from collections import Counter
from dataclasses import replace
import json

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812

from clip_perception.confidence import zero_shot_confidence
from clip_perception.config import PipelineConfig
from clip_perception.crops import integer_squares
from clip_perception.crops import normalise_image
from clip_perception.crops import square_boxes
from clip_perception.crops import value_range
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
from clip_perception.world.generalisation import suite_scenes

STAGES = ('not proposed', 'selection', 'under threshold', 'ambiguous', 'own part first',
          'background first', 'other object first', 'absent: on an object',
          'absent: on background')
PROBES = ('gt box', 'context 0.05', 'context 0.3', 'masked', 'bilinear')


def _crops(scorer, rgb, boxes, context, aspect, mask=None, mode='bicubic'):
    """Crops of ``boxes`` as :meth:`ClipScorer.preprocess` cuts them, with probe changes.

    :param mask: (H, W) bool: pixels outside it set to the normalisation mean (0).
    :param mode: ``bicubic`` (the scorer's) or ``bilinear``.
    :return: (N, 3, S, S) float32 tensor.
    """
    image = normalise_image(rgb, scorer.mean, scorer.std)
    if mask is not None:
        image = image * torch.from_numpy(mask)[None, None].float()
    boxes = square_boxes(boxes, context, pixel_aspect=aspect)
    x0, y0, side = integer_squares(boxes)
    _, _, h, w = image.shape
    out = []
    for i in range(len(boxes)):
        pad = (max(0, -x0[i]), max(0, x0[i] + side[i] - w), max(0, -y0[i]),
               max(0, y0[i] + side[i] - h))
        padded = F.pad(image, tuple(int(p) for p in pad))
        ys, xs = int(y0[i] + pad[2]), int(x0[i] + pad[0])
        view = padded[:, :, ys:ys + side[i], xs:xs + side[i]]
        out.append(F.interpolate(view, size=(scorer.input_size,) * 2, mode=mode,
                                 antialias=True, align_corners=False)[0])
    lo, hi = value_range(scorer.mean, scorer.std)
    out = torch.stack(out)
    return torch.maximum(torch.minimum(out, hi.view(1, -1, 1, 1)), lo.view(1, -1, 1, 1))


def _kind_of(box, gt, target):
    """Name what a box is: ``target``, ``own part``, ``object``, ``background``."""
    iou = box_iou(np.asarray([box], float), gt)[0]
    if target is not None and iou[target] >= 0.5:
        return 'target'
    if iou.max() >= 0.5:
        return 'object'
    if target is not None and iou[target] >= 0.2:
        return 'own part'
    return 'background' if iou.max() < 0.2 else 'object'


def classify(res, target, gt, cosine, conf, threshold):
    """``(stage, note)`` of a wrong answer, None when right (see the module's list)."""
    found = res.status in (FOUND, NO_DEPTH)
    props = res.proposals
    if target is None:
        if res.status == NOT_FOUND:
            return None
        box = res.chosen.box if found else res.ambiguous[0].box
        kind = _kind_of(box, gt, None)
        return ('absent: on background' if kind == 'background' else 'absent: on an object',
                f'{res.status} conf {conf[int(np.argmax(cosine))]:.2f}')
    tbox = gt[[target]]
    if found and box_iou(np.array([res.chosen.box], float), tbox)[0, 0] >= 0.5:
        return None
    iou = box_iou(props, tbox)[:, 0] if len(props) else np.zeros(0)
    if not len(props) or iou.max() < 0.5:
        return 'not proposed', f'best IoU {iou.max() if len(iou) else 0:.2f}'
    order = np.argsort(-cosine)
    top = int(order[0])
    top_kind = _kind_of(props[top], gt, target)
    good = np.flatnonzero(iou >= 0.5)
    best_good = good[np.argmax(cosine[good])]
    rank = int(np.flatnonzero(order == best_good)[0])
    note = (f'target box rank {rank + 1} cos {cosine[best_good]:.3f} conf '
            f'{conf[best_good]:.2f}; first: {top_kind} cos {cosine[top]:.3f} conf '
            f'{conf[top]:.2f}')
    if top_kind == 'target':
        if found:
            return 'selection', note + f'; answered {_kind_of(res.chosen.box, gt, target)}'
        if res.status == AMBIGUOUS:
            others = [_kind_of(a.box, gt, target) for a in res.ambiguous]
            return 'ambiguous', note + f'; with {others}'
        if conf[top] < threshold:
            return 'under threshold', note
        return 'selection', note + f'; {res.status}'
    if found and _kind_of(res.chosen.box, gt, target) in ('own part',):
        return 'selection', note + '; answered a part of the target'
    return {'own part': 'own part first', 'background': 'background first'}.get(
        top_kind, 'other object first'), note + f'; {res.status}'


def probe(scorer, pipeline, scene, obj, res, image, text, what):
    """Probe the target's crop: ``({probe: (confidence, rank)}, (lo, hi))``.

    ``rank`` is among the frame's proposals that are no good box of the target;
    ``(lo, hi)`` the least and most confidence of the true box shifted by 0 or 2 pixels
    each way (nine crops): how far the model's reading moves with a box's placement.
    """
    cfg = pipeline.config
    aspect = pixel_aspect(scene.intrinsics)
    contrast = scorer.text_embeddings(pipeline.contrasts(what), cfg.prompt_template)
    box = np.asarray([obj.box], float)
    out = {}
    for name, ctx, mask, mode in (('gt box', cfg.crop_context, None, 'bicubic'),
                                  ('context 0.05', 0.05, None, 'bicubic'),
                                  ('context 0.3', 0.3, None, 'bicubic'),
                                  ('masked', cfg.crop_context, obj.mask, 'bicubic'),
                                  ('bilinear', cfg.crop_context, None, 'bilinear')):
        emb = scorer.forward(_crops(scorer, scene.rgb, box, ctx, aspect, mask, mode))
        cos = float(emb[0] @ text)
        conf = float(zero_shot_confidence(emb, text, contrast, scorer.logit_scale)[0])
        others = (image @ text).numpy() if len(res.proposals) else np.zeros(0)
        iou = box_iou(res.proposals, box)[:, 0] if len(res.proposals) else np.zeros(0)
        rank = 1 + int((others[iou < 0.5] > cos).sum())
        out[name] = (conf, rank)
    shifts = np.array([(dx, dy, dx, dy) for dx in (-2, 0, 2) for dy in (-2, 0, 2)], float)
    emb = scorer.forward(_crops(scorer, scene.rgb, box + shifts, cfg.crop_context, aspect))
    conf = zero_shot_confidence(emb, text, contrast, scorer.logit_scale)
    return out, (float(conf.min()), float(conf.max()))


class TrueBoxes(Pipeline):
    """The pipeline with every depth-segmented box of an object replaced by its true box.

    An oracle for the proposal boxes: a segmented box with IoU >= 0.5 with an object's
    visible box (``truth``, (M, 4) float) is replaced by that box, masks and ranking
    unchanged. What it answers beyond the pipeline is what the boxes' quality costs.
    """

    truth = np.zeros((0, 4))

    def _proposals(self, rgb, depth_m, intrinsics, reuse, work):
        props = super()._proposals(rgb, depth_m, intrinsics, reuse, work)
        if not len(props) or not len(self.truth):
            return props
        boxes = props.boxes.copy()
        iou = box_iou(boxes, self.truth)
        for i in range(len(boxes)):
            j = int(iou[i].argmax())
            if props.masks[i] is not None and iou[i, j] >= 0.5:
                boxes[i] = self.truth[j]
        return replace(props, boxes=boxes)


def run(scenes, verbose=False, config=None, seed=None, true_boxes=False):
    """Answer the suite's commands; return ``(rows, tally, probes)``.

    :param true_boxes: answer with :class:`TrueBoxes` (the oracle boxes).

    ``rows``: per command ``(kind, command, right, stage or None)``; ``tally``:
    ``{kind: Counter(stage or 'right')}``; ``probes``: ``{probe: Counter}`` of the
    present misses (``right`` when the probe's crop would rank first and pass the
    threshold).
    """
    torch.set_num_threads(1)
    scorer = ClipScorer('bundled', device='cpu', dtype='float32')
    base = config or PipelineConfig()
    rows, tally, probes = [], {}, {p: Counter() for p in PROBES + ('2 px',)}
    for k, scene, shift, use_depth, commands in suite_scenes(range(scenes), 'shifted', seed):
        if not use_depth:
            continue
        cfg = base
        memory = Memory(reuse=FrameReuse(cfg.reuse_tolerance, cfg.reuse_box_px))
        gt = np.array([o.box for o in scene.objects], float)
        pipeline = TrueBoxes(scorer, cfg) if true_boxes else Pipeline(scorer, cfg)
        pipeline.truth = gt
        image = None
        for kind, command, expected in commands:
            res = pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics, memory)
            if image is None and len(res.proposals):
                pixels = scorer.preprocess(scene.rgb, res.proposals, cfg.crop_context,
                                           pixel_aspect(scene.intrinsics))
                image = scorer.forward(pixels)
            text = scorer.text_embedding(res.what, cfg.prompt_template)
            cosine = (image @ text).numpy() if len(res.proposals) else np.zeros(0)
            conf = pipeline.confidence(image, text, cosine, res.what) \
                if len(res.proposals) else np.zeros(0)
            target = None if expected is None else scene.objects.index(expected)
            got = classify(res, target, gt, cosine, conf, cfg.min_confidence)
            rows.append((kind, command, got is None, None if got is None else got[0]))
            tally.setdefault(kind, Counter())['right' if got is None else got[0]] += 1
            line = ''
            if got is not None and target is not None:
                p, (lo, hi) = probe(scorer, pipeline, scene, expected, res, image, text,
                                    res.what)
                for name, (c, r) in p.items():
                    probes[name]['right' if c >= cfg.min_confidence and r == 1
                                 else 'wrong'] += 1
                probes['2 px'][f'spans {cfg.min_confidence}' if lo < cfg.min_confidence <= hi
                               else 'does not'] += 1
                line = ' | ' + ', '.join(f'{n} {c:.2f}/#{r}' for n, (c, r) in p.items()) + \
                    f' | 2 px shifts {lo:.2f}-{hi:.2f}'
            if got is not None and verbose:
                best = res.ranked[0] if res.ranked else None
                said = '' if best is None else \
                    f" (answer's best: #{best.index} {best.cosine:.3f}/{best.confidence:.2f})"
                print(f'  scene {k:2d} {shift:8s} {kind:13s} "{command}": [{got[0]}] '
                      f'{got[1]}{said}{line}', flush=True)
    return rows, tally, probes


def check_ros(rows, path):
    """Count the commands whose right/wrong the ROS run's ``--json`` rows share."""
    with open(path) as f:
        data = json.load(f)
    ros = data['ros']['rows']
    pairs = list(zip(rows, ros))
    same = sum(r[2] == s['right'] for r, s in pairs if r[1] == s['command'])
    asked = sum(r[1] == s['command'] for r, s in pairs)
    return same, asked, len(ros)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--scenes', type=int, default=60)
    p.add_argument('--seed', type=int, default=None)
    p.add_argument('--ros', help='the --json of clip_perception_eval ros, same scenes')
    p.add_argument('--crop-context', type=float, default=None,
                   help="the crop_context parameter (default: the node's)")
    p.add_argument('--true-boxes', action='store_true',
                   help="replace segmented boxes by the objects' true boxes (an oracle)")
    p.add_argument('-v', '--verbose', action='store_true')
    args = p.parse_args(argv)
    cfg = PipelineConfig() if args.crop_context is None else \
        PipelineConfig(crop_context=args.crop_context)
    rows, tally, probes = run(args.scenes, args.verbose, cfg, args.seed, args.true_boxes)
    print(f'shifted suite, {args.scenes} scenes (depth ones), bundled model, crop_context '
          f'{cfg.crop_context}' + (', true boxes for segmented ones' if args.true_boxes
                                   else ''))
    kinds = list(tally)
    print(f'{"stage":22s} ' + ' '.join(f'{k[:13]:>13s}' for k in kinds) + '    all')
    for stage in ('right',) + STAGES:
        n = [tally[k][stage] for k in kinds]
        if sum(n) or stage == 'right':
            print(f'{stage:22s} ' + ' '.join(f'{v:13d}' for v in n) + f' {sum(n):6d}')
    print(f'{"commands":22s} ' + ' '.join(f'{sum(tally[k].values()):13d}' for k in kinds) +
          f' {len(rows):6d}')
    shifts = probes.pop('2 px')
    print('crop probes on the present misses (rank 1 and confidence >= threshold): ' +
          ', '.join(f'{n} {c["right"]}/{sum(c.values())}' for n, c in probes.items()))
    print(f'true box shifted 0 or 2 px each way: confidence spans the threshold in '
          f'{sum(v for k, v in shifts.items() if k != "does not")} of '
          f'{sum(shifts.values())} present misses')
    if args.ros:
        same, asked, n = check_ros(rows, args.ros)
        print(f'ROS run {args.ros}: {same} of {asked} commands scored alike '
              f'({n} ROS rows, {len(rows)} here)')


if __name__ == '__main__':
    main()
