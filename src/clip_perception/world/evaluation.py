"""Evaluate a CLIP checkpoint and the whole pipeline on generated scenes.

``clip_perception_eval grounding``: top-1 grounding accuracy on ground-truth boxes,
jittered boxes and held-out colour-shape pairs. ``clip_perception_eval pipeline``:
proposal recall, end-to-end picks, not-found answers, spatial words and pose error.
``clip_perception_eval calibrate``: fit the cosine -> confidence calibration on seeds
disjoint from both and write it next to the model. ``clip_perception_eval shifted`` and
``rules``: every confidence rule on shifted scenes and on our own scenes
(:mod:`clip_perception.world.generalisation`). ``clip_perception_eval ros``: the same
scenes and commands asked of a ``clip_perception_node`` process over DDS, its answers set
beside the pipeline's (:mod:`clip_perception.tools.ros_eval`).

``clip_perception_eval commands``: commands as people say them (filler, negation,
relations between two objects, plural, ordinals, "A and B", ambiguous two of a kind).

Seed ranges (disjoint): training 1,000,000 x (seed + 1) onwards; grounding evaluation
10,000,000+; pipeline evaluation 20,000,000+; calibration 30,000,000+; commands and
shifted scenes (two separate evaluations, neither trained nor calibrated on)
40,000,000+.
"""

import argparse
import dataclasses
from dataclasses import dataclass
import json
import os
import sys
import time

import numpy as np

from clip_perception.geometry import box_iou
from clip_perception.tools import DefaultsHelpFormatter
from clip_perception.world.scenes import COLOURS
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import ObjectSpec
from clip_perception.world.scenes import SHAPES
from clip_perception.world.training import _jitter
from clip_perception.world.training import HELD_OUT
from clip_perception.world.training import SYNONYMS

GROUNDING_SEED, PIPELINE_SEED, CALIBRATION_SEED = 10_000_000, 20_000_000, 30_000_000
COMMANDS_SEED = 40_000_000


# The image_up a camera mounted as each view shows needs (clip_perception_eval real
# --image-up view); the others are upright.
VIEW_IMAGE_UP = {'rotate:180': 'down', 'rotate:90': 'right'}


def _progress(iterable, desc, enabled, total=None):
    from tqdm import tqdm

    return tqdm(iterable, desc=desc, disable=not enabled, file=sys.stderr, total=total,
                mininterval=1.0, dynamic_ncols=True)


def _top1(scorer, scene, boxes, objects, only=None):
    """Correct/total over queries naming each object, scored against ``boxes``."""
    correct = total = 0
    if len(objects) < 1:
        return 0, 0
    image = scorer.forward(scorer.preprocess(scene.rgb, np.array(boxes)))
    for i, obj in enumerate(objects):
        if only is not None and (obj.colour, obj.shape) not in only:
            continue
        text = scorer.text_embedding(obj.name)
        correct += int(int((image @ text).argmax()) == i)
        total += 1
    return correct, total


def eval_grounding(scorer, scenes=500, seed=GROUNDING_SEED, progress=True):
    """Top-1 accuracy among a scene's crops.

    :return: dict of name -> (correct, total).
    """
    rng = np.random.default_rng(seed)
    out = {'gt_boxes': [0, 0], 'jittered_boxes': [0, 0], 'held_out_pairs': [0, 0],
           'all_pairs_gt_boxes': [0, 0]}
    for k in _progress(range(scenes), 'grounding', progress):
        # In-distribution scene (held-out pairs excluded, as in training).
        scene = generate_scene(seed + k, exclude_pairs=HELD_OUT)
        objs = scene.targetable()
        for key, boxes in (('gt_boxes', [o.box for o in objs]),
                           ('jittered_boxes', [_jitter(o.box, rng) for o in objs])):
            c, t = _top1(scorer, scene, boxes, objs)
            out[key][0] += c
            out[key][1] += t
        # Scene drawn from all pairs, with at least one held-out pair in it.
        held = HELD_OUT[k % len(HELD_OUT)]
        scene = generate_scene(seed + scenes + k, specs=_specs_with(held, rng))
        objs = scene.targetable()
        c, t = _top1(scorer, scene, [o.box for o in objs], objs, only=set(HELD_OUT))
        out['held_out_pairs'][0] += c
        out['held_out_pairs'][1] += t
        c, t = _top1(scorer, scene, [o.box for o in objs], objs)
        out['all_pairs_gt_boxes'][0] += c
        out['all_pairs_gt_boxes'][1] += t
    return {k: tuple(v) for k, v in out.items()}


def _specs_with(pair, rng, n=None):
    """Random distinct specs that include ``pair``."""
    n = n or int(rng.integers(2, 8))
    specs = [ObjectSpec(pair[0], pair[1], ('small', 'large')[rng.integers(2)])]
    while len(specs) < n:
        c = list(COLOURS)[rng.integers(len(COLOURS))]
        s = SHAPES[rng.integers(len(SHAPES))]
        if all((c, s) != (o.colour, o.shape) for o in specs):
            specs.append(ObjectSpec(c, s, ('small', 'large')[rng.integers(2)]))
    return specs


@dataclass
class Case:
    """One command on one scene and what the pipeline answered."""

    kind: str  # present | absent | spatial
    command: str
    expected: object  # SceneObject or None
    status: str = ''
    correct: bool = False
    position_error: float = float('nan')
    confidence: float = float('nan')
    cosine: float = float('nan')
    seconds: float = 0.0
    fragment: bool = False  # picked a part of the right object (IoU < 0.5)


def spatial_scene(seed, rng):
    """Two objects of one description side by side, plus distractors; a spatial command."""
    colour = list(COLOURS)[rng.integers(len(COLOURS))]
    shape = SHAPES[rng.integers(len(SHAPES))]
    side = ('left', 'right')[rng.integers(2)]
    twin_y = rng.uniform(0.0, 0.12)
    specs = [ObjectSpec(colour, shape, 'small', position=(-0.12, twin_y)),
             ObjectSpec(colour, shape, 'small', position=(0.12, twin_y))]
    specs += [s for s in _specs_with((colour, shape), rng, 3)[1:]
              if (s.colour, s.shape) != (colour, shape)]
    for i, s in enumerate(specs[2:]):
        specs[2 + i] = ObjectSpec(s.colour, s.shape, s.size, position=(
            rng.uniform(-0.2, 0.2), rng.uniform(-0.16, -0.08) if i == 0 else
            rng.uniform(0.2, 0.28)))
    scene = generate_scene(seed, specs=specs)
    twins = [o for o in scene.objects if (o.colour, o.shape) == (colour, shape)]
    if len(twins) != 2 or min(o.visible_fraction for o in twins) < 0.5:
        return scene, None, None
    target = min(twins, key=lambda o: o.centre[0]) if side == 'left' else \
        max(twins, key=lambda o: o.centre[0])
    return scene, f'the {colour} {shape} on the {side}', target


def eval_pipeline(pipeline, scenes=300, seed=PIPELINE_SEED, progress=True, spatial=60):
    """End-to-end cases over generated scenes.

    :return: ``(cases, recall_hits, recall_total)``.
    """
    from clip_perception.proposals import propose

    rng = np.random.default_rng(seed)
    cases = []
    hits = total = 0
    cfg = pipeline.config
    for k in _progress(range(scenes), 'pipeline', progress):
        scene = generate_scene(seed + k)
        objs = scene.targetable()
        props = propose(scene.rgb, scene.depth, scene.intrinsics, cfg.max_proposals,
                        nms_iou=cfg.nms_iou)
        if objs:
            iou = box_iou(np.array([o.box for o in objs]), props.boxes)
            hits += int((iou.max(axis=1) >= 0.5).sum()) if len(props) else 0
            total += len(objs)
            target = objs[rng.integers(len(objs))]
            words = SYNONYMS.get(target.shape, (target.shape,))
            shape = words[rng.integers(len(words))]
            cases.append(_run(pipeline, scene, 'present', f'the {target.colour} {shape}',
                              target))
        present = {(o.colour, o.shape) for o in scene.objects}
        absent = [(c, s) for c in COLOURS for s in SHAPES if (c, s) not in present]
        c, s = absent[rng.integers(len(absent))]
        cases.append(_run(pipeline, scene, 'absent', f'the {c} {s}', None))
    for k in _progress(range(spatial), 'spatial', progress):
        scene, command, target = spatial_scene(seed + scenes + k, rng)
        if target is not None:
            cases.append(_run(pipeline, scene, 'spatial', command, target))
    return cases, hits, total


def _run(pipeline, scene, kind, command, expected):
    t = time.perf_counter()
    res = pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics)
    case = Case(kind, command, expected, status=res.status, seconds=time.perf_counter() - t)
    if res.ranked:
        case.confidence = res.ranked[0].confidence
        case.cosine = res.ranked[0].cosine
    if expected is None:
        case.correct = not res.found
    elif res.found:
        iou = box_iou(np.array([res.chosen.box]), np.array([expected.box]))[0, 0]
        inside = _centre_in_mask(res.chosen.box, expected.mask)
        case.correct = bool(iou >= 0.5)
        case.fragment = bool(inside and iou < 0.5 and _area(res.chosen.box) <
                             _area(expected.box))
        if res.pose is not None:
            case.position_error = float(np.linalg.norm(res.pose.position - expected.centre))
    return case


def _area(box):
    return (box[2] - box[0]) * (box[3] - box[1])


def _centre_in_mask(box, mask):
    x = int((box[0] + box[2]) / 2)
    y = int((box[1] + box[3]) / 2)
    return 0 <= y < mask.shape[0] and 0 <= x < mask.shape[1] and bool(mask[y, x])


def summarise_pipeline(cases, hits, total):
    """Headline figures of :func:`eval_pipeline`."""
    def rate(kind):
        sel = [c for c in cases if c.kind == kind]
        return sum(c.correct for c in sel), len(sel)

    errs = np.array([c.position_error for c in cases
                     if c.kind == 'present' and c.correct and np.isfinite(c.position_error)])
    lat = np.array([c.seconds for c in cases])
    return {
        'proposal_recall': (hits, total),
        'present_correct': rate('present'),
        'absent_not_found': rate('absent'),
        'spatial_correct': rate('spatial'),
        'fragment_picks': (sum(c.fragment for c in cases if c.kind == 'present'),
                           rate('present')[1]),
        'position_error_median_m': float(np.median(errs)) if len(errs) else float('nan'),
        'position_error_p95_m': float(np.percentile(errs, 95)) if len(errs) else float('nan'),
        'poses': int(len(errs)),
        'seconds_per_command_median': float(np.median(lat)) if len(lat) else float('nan'),
    }


def fit_logistic(x, y, iterations=50, l2=1e-3):
    """1-D logistic regression ``P(y=1) = sigmoid(a x + b)`` by Newton's method."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    w = np.zeros(2)
    xs = np.stack([x, np.ones_like(x)], 1)
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(xs @ w, -60, 60)))
        grad = xs.T @ (p - y) + l2 * w
        hess = (xs * (p * (1 - p))[:, None]).T @ xs + l2 * np.eye(2)
        w -= np.linalg.solve(hess, grad)
    return float(w[0]), float(w[1])


def calibrate(pipeline, scenes=150, seed=CALIBRATION_SEED, progress=True):
    """Fit ``(slope, intercept)`` on the best proposal's cosine: right pick vs absent.

    Positives: the best proposal of a present command when it is the right object.
    Negatives: the best proposal of a command naming an absent object, and the best
    proposal of a present command when it is a wrong object.
    """
    from dataclasses import replace

    loose = replace(pipeline.config, min_confidence=0.0)
    probe = type(pipeline)(pipeline.scorer, loose)
    saved = pipeline.scorer.calibration
    pipeline.scorer.calibration = (1.0, 0.0)
    try:
        cases, _, _ = eval_pipeline(probe, scenes, seed, progress, spatial=0)
    finally:
        pipeline.scorer.calibration = saved
    x, y = [], []
    for c in cases:
        if not np.isfinite(c.cosine):
            continue
        x.append(c.cosine)
        y.append(1.0 if (c.kind == 'present' and c.correct) else 0.0)
    return fit_logistic(x, y), len(x)


# --------------------------------------------------------------- commands as said
FILLER_FORMS = ('could you grab the {}', 'carefully pick up the {}',
                'please fetch me the {}, thanks', 'can you find the {} for me',
                'I want you to gently pick up the {}', 'the {} please')
LINK_FORMS = {
    'next_to': ('next to', 'right next to', 'beside', 'near'),
    'left_of': ('left of', 'to the left of'),
    'right_of': ('right of', 'to the right of'),
    'behind': ('behind',),
    'in_front_of': ('in front of',),
}


def _fullwidth(text):
    """ASCII letters as full-width forms ("the" -> "ｔｈｅ"), which NFKC undoes."""
    return ''.join(chr(ord(c) + 0xFEE0) if '!' <= c <= '~' else c for c in text)


def _kind(rng, avoid=()):
    while True:
        c = list(COLOURS)[rng.integers(len(COLOURS))]
        s = SHAPES[rng.integers(len(SHAPES))]
        if (c, s) not in avoid:
            return c, s


def _plural(shape):
    return shape + ('es' if shape.endswith(('x', 's', 'ch')) else 's')


def _scene_with(seed, placed):
    """Render ``placed`` [(colour, shape, (x, y))]; return (scene, objects in that order).

    None when one of them is less than half visible (the command would be unfair).
    """
    specs = [ObjectSpec(c, s, 'small', position=xy) for c, s, xy in placed]
    scene = generate_scene(seed, specs=specs)
    # Objects are rendered in the order of their specs.
    objs = list(scene.objects)
    if len(objs) != len(placed) or any((o.colour, o.shape) != (c, s) for o, (c, s, _) in
                                       zip(objs, placed)):
        return scene, None
    if min(o.visible_fraction for o in objs) < 0.5:
        return scene, None
    return scene, objs


def _hit(box, obj):
    return box_iou(np.array([box]), np.array([obj.box]))[0, 0] >= 0.5


def command_cases(seed, rng):
    """One scene and command of each form: ``[(kind, scene, command, expected, extra)]``.

    ``expected``: the right object (or list of objects for plural / "A and B", None for a
    refusal); ``extra``: the relation name, or the excluded object for negation.
    """
    out = []
    c, s = _kind(rng)
    r = _kind(rng, {(c, s)})
    d = _kind(rng, {(c, s), r})
    jit = rng.uniform(-0.02, 0.02, 2)
    y0 = float(rng.uniform(0.0, 0.08))

    # Filler: one object among distractors, said politely (and sometimes full-width).
    scene = generate_scene(seed, specs=[ObjectSpec(c, s, 'small', (-0.1 + jit[0], y0)),
                                        ObjectSpec(*r, 'small', (0.1, y0 + jit[1])),
                                        ObjectSpec(*d, 'small', (0.0, y0 + 0.14))])
    target = next((o for o in scene.targetable() if (o.colour, o.shape) == (c, s)), None)
    if target is not None:
        form = FILLER_FORMS[rng.integers(len(FILLER_FORMS))].format(f'{c} {s}')
        out.append(('filler', scene, _fullwidth(form) if rng.random() < 0.25 else form,
                    target, None))

    # Two of a kind with no deciding word: ambiguous.
    scene, objs = _scene_with(seed + 1, [(c, s, (-0.12 + jit[0], y0)),
                                         (c, s, (0.12 + jit[0], y0 + jit[1])),
                                         (*d, (0.0, y0 + 0.15))])
    if objs:
        out.append(('ambiguous', scene, f'the {c} {s}', objs[:2], None))

    # Relation between two objects: two of a kind, a reference that decides.
    link = list(LINK_FORMS)[rng.integers(len(LINK_FORMS))]
    phrase = LINK_FORMS[link][rng.integers(len(LINK_FORMS[link]))]
    rx, ry = r
    if link == 'next_to':
        side = rng.integers(2)
        places = [(c, s, (-0.13, y0)), (c, s, (0.13, y0)),
                  (rx, ry, ((-0.13, 0.13)[side] + jit[0], y0 + 0.11))]
        want = side
    elif link in ('left_of', 'right_of'):
        places = [(c, s, (-0.14, y0 + jit[1])), (c, s, (0.14, y0)), (rx, ry, (jit[0], y0))]
        want = 0 if link == 'left_of' else 1
    else:
        places = [(c, s, (-0.07 + jit[0], y0 - 0.04)), (c, s, (0.07 + jit[0], y0 + 0.16)),
                  (rx, ry, (0.0, y0 + 0.06))]
        want = 1 if link == 'behind' else 0
    scene, objs = _scene_with(seed + 2, places)
    if objs:
        out.append(('relation', scene, f'the {c} {s} {phrase} the {rx} {ry}', objs[want],
                    link))

    # Plural: two or three of a kind among others.
    n = int(rng.integers(2, 4))
    xs = np.linspace(-0.16, 0.16, n) + jit[0]
    places = [(c, s, (float(x), y0 + (0.05 if k % 2 else 0.0))) for k, x in enumerate(xs)]
    places += [(*r, (float(rng.uniform(-0.15, 0.15)), y0 + 0.18)),
               (*d, (float(rng.uniform(-0.15, 0.15)), y0 - 0.1))]
    scene, objs = _scene_with(seed + 3, places)
    if objs:
        form = ('all the {}', 'every {}', 'pick up all of the {}')[rng.integers(3)]
        what = f'{c} {s}' if form.startswith('every') else f'{c} {_plural(s)}'
        out.append(('plural', scene, form.format(what), objs[:n], None))

    # Ordinal: three of a kind in a row.
    places = [(c, s, (float(x), y0 + 0.03 * k)) for k, x in
              enumerate(np.array([-0.16, 0.0, 0.16]) + jit[0])] + [(*d, (0.0, y0 + 0.17))]
    scene, objs = _scene_with(seed + 4, places)
    if objs:
        k = int(rng.integers(3))
        side = ('left', 'right')[rng.integers(2)]
        word = ('first', 'second', 'third')[k]
        order = sorted(objs[:3], key=lambda o: o.centre[0])
        want = order[k] if side == 'left' else order[2 - k]
        out.append(('ordinal', scene, f'the {word} {c} {s} from the {side}', want, None))

    # "A and B".
    scene = generate_scene(seed + 5, specs=[ObjectSpec(c, s, 'small', (-0.12, y0)),
                                            ObjectSpec(*r, 'small', (0.12, y0 + jit[1])),
                                            ObjectSpec(*d, 'small', (0.0, y0 + 0.15))])
    a = next((o for o in scene.targetable() if (o.colour, o.shape) == (c, s)), None)
    b = next((o for o in scene.targetable() if (o.colour, o.shape) == r), None)
    if a is not None and b is not None:
        out.append(('and', scene, f'the {c} {s} and the {rx} {ry}', [a, b], None))

    # Negation: the excluded object is in the scene, next to another of its shape.
    c2 = _kind(rng, {(cc, ss) for cc in COLOURS for ss in SHAPES if ss != s} | {(c, s)})[0]
    scene, objs = _scene_with(seed + 6, [(c, s, (-0.12 + jit[0], y0)),
                                         (c2, s, (0.12, y0 + jit[1])),
                                         (*d, (0.0, y0 + 0.15))])
    if objs:
        form = ('not the {c} {s}', 'anything except the {c} {s}',
                'the {c2} {s}, not the {c} {s}', 'the {s} but not the {c} one',
                'the {c2} {s} except the {c} {s}')[rng.integers(5)]
        want = None if form.startswith(('not', 'anything')) else objs[1]
        out.append(('negation', scene, form.format(c=c, s=s, c2=c2), want, objs[0]))
    return out


def eval_commands(pipeline, scenes=60, seed=COMMANDS_SEED, progress=True):
    """Run :func:`command_cases` for ``scenes`` seeds; return a list of outcome dicts."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in _progress(range(scenes), 'commands', progress):
        for kind, scene, command, expected, extra in command_cases(seed + 10 * k, rng):
            res = pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics)
            row = {'kind': kind, 'command': command, 'status': res.status, 'extra': extra,
                   'reason': res.reason}
            boxes = [tg.candidate.box for tg in res.targets]
            if kind in ('plural', 'and'):
                row['found'] = sum(any(_hit(b, o) for b in boxes) for o in expected)
                row['instances'] = len(expected)
                row['extra_objects'] = sum(not any(_hit(b, o) for o in expected)
                                           for b in boxes)
                row['correct'] = row['found'] == len(expected) and not row['extra_objects']
            elif kind == 'ambiguous':
                amb = [c.box for c in res.ambiguous]
                row['correct'] = res.status == 'ambiguous' and all(
                    any(_hit(b, o) for b in amb) for o in expected)
            elif kind == 'negation':
                row['picked_excluded'] = bool(res.found and any(_hit(b, extra) or
                                              _centre_in_mask(b, extra.mask) for b in boxes))
                row['correct'] = (not res.found) if expected is None else bool(
                    res.found and _hit(res.chosen.box, expected))
                row['extra'] = None
            else:
                row['correct'] = bool(res.found and _hit(res.chosen.box, expected))
            rows.append(row)
    return rows


def summarise_commands(rows):
    """Headline figures of :func:`eval_commands`."""
    def rate(kind, key='correct'):
        sel = [r for r in rows if r['kind'] == kind]
        return sum(bool(r[key]) for r in sel), len(sel)

    plural = [r for r in rows if r['kind'] == 'plural']
    neg = [r for r in rows if r['kind'] == 'negation']
    links = {}
    for r in rows:
        if r['kind'] == 'relation':
            c, n = links.get(r['extra'], (0, 0))
            links[r['extra']] = (c + int(r['correct']), n + 1)
    return {
        'filler_correct': rate('filler'),
        'relation_correct': rate('relation'),
        'relation_by_link': links,
        'plural_found': (sum(r['found'] for r in plural), sum(r['instances'] for r in plural)),
        'plural_extra': sum(r['extra_objects'] for r in plural),
        'plural_commands': len(plural),
        'ordinal_correct': rate('ordinal'),
        'and_correct': rate('and'),
        'ambiguous_reported': rate('ambiguous'),
        'negation_picked_excluded': sum(r['picked_excluded'] for r in neg),
        'negation_commands': len(neg),
        'negation_correct': rate('negation'),
    }


def _pct(pair):
    c, t = pair
    return f'{100.0 * c / t:6.2f}%  ({c}/{t})' if t else 'n/a'


def _rules_main(scorer, cfg, args, show):
    from clip_perception.scorer import bundled_model_dir
    from clip_perception.scorer import load_calibration
    from clip_perception.world import generalisation as gen

    suite = 'shifted' if args.what == 'shifted' else 'own'
    n = args.scenes or 300
    outcomes = gen.evaluate_rules(scorer, cfg, n, suite, shipped_calibration=load_calibration(
        bundled_model_dir()), progress=show)
    rule = gen.configured_rule(cfg, scorer.calibration)
    where = (f'shifted scenes ({n}, seeds {gen.SHIFTED_SEED}+: '
             f'{", ".join(gen.SUITE_KINDS)})' if suite == 'shifted' else
             f'our scenes ({n}, seeds {PIPELINE_SEED}+)')
    vocab = len(scorer.vocabulary) if not cfg.vocabulary else 'given'
    print(f'\nConfidence rules on {where}; threshold {cfg.min_confidence}, '
          f'logit_scale {scorer.logit_scale:.1f}, calibration '
          f'{"own" if scorer.calibration else "none (default)"}, vocabulary {vocab}')
    print(gen.report(outcomes, '', rule, breakdown=suite == 'shifted'))
    return {'rule': list(rule), 'configured': gen.summary(outcomes, rule),
            'node': gen.summary(outcomes, gen.NODE),
            'all': {' / '.join(k): gen.summary(outcomes, k) for k in gen._rules()}}


def _recording_main(scorer, cfg, args):
    from clip_perception.world import generalisation as gen

    if not args.bag or not (args.present or args.absent):
        raise SystemExit('recording needs --bag and at least one --present or --absent '
                         'command')
    frames = gen.recording_frames(args.bag, args.every, args.scenes)
    res = gen.check_recording(scorer, cfg, frames, args.present, args.absent)
    print(f'\nRecording {args.bag}: {len(frames)} frames, threshold {cfg.min_confidence}')
    with_depth = sum(1 for _, depth, intr in frames if depth is not None and intr is not None)
    if with_depth < len(frames):
        # Said, not silent: these frames are proposed from the colour image alone.
        print(f'  {len(frames) - with_depth} of {len(frames)} frames without depth: '
              'image-only proposals (no depth topic, no camera_info, or no depth image '
              'within 50 ms of the colour frame)')
    print(f'  {"confidence":20s} {"present found":17s} {"absent -> n.f.":17s} '
          'median conf present / absent')
    for accept, r in res.items():
        cells = ' '.join(f'{100.0 * c / t:5.1f}% ({c:3d}/{t:3d})' if t else '   n/a          '
                         for c, t in (r['present'], r['absent']))
        print(f'  {accept:20s} {cells} {r["median confidence present"]:.2f} / '
              f'{r["median confidence absent"]:.2f}')
    return res


def _ros_main(scorer, cfg, args, show):
    """``clip_perception_eval ros``: a suite through a node process over DDS."""
    import tempfile

    from clip_perception.tools import ros_eval
    from clip_perception.tools.demo import ros_environment
    from clip_perception.world import generalisation as gen

    ros_environment()
    n = 60 if args.scenes is None else args.scenes
    out = args.out or tempfile.mkdtemp(prefix='clip_perception_ros_eval_')
    # The node gets the pipeline's settings: every one the command line moved from its
    # default (the installed parameter file holds the defaults), and the model.
    node_args = ['-p', f'model:={args.model}']
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        if value != f.default:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            node_args += ['-p', f'{f.name}:={text}']
    rows, info = ros_eval.evaluate_through_ros(n, args.suite, out, node_args=node_args,
                                               jpeg_quality=args.jpeg_quality)
    outcomes = gen.evaluate_rules(scorer, cfg, n, args.suite, progress=show)
    pairs = ros_eval.compare(rows, outcomes)
    where = (f'shifted scenes ({n}, seeds {gen.SHIFTED_SEED}+, image_only left out)'
             if args.suite == 'shifted' else f'our scenes ({n}, seeds {PIPELINE_SEED}+)')
    if args.jpeg_quality is not None:
        where += f', colour as jpeg quality {args.jpeg_quality} (the pipeline: raw)'
    print(ros_eval.format_report(
        rows, pairs, f'\nThrough ROS: {where}, answered by a clip_perception_node process '
        f'(threshold {cfg.min_confidence}); node exit code {info["node_exit_code"]}; '
        f'recording, node log and outputs in {out}'))
    return {'rows': rows, 'agreeing': sum(1 for r, p in pairs if r['right'] == p),
            'compared': len(pairs), 'node_exit_code': info['node_exit_code']}


def main(argv=None):
    """Console entry point ``clip_perception_eval``."""
    import torch

    from clip_perception.config import check_prompt_template
    from clip_perception.config import PARAMETERS
    from clip_perception.config import PipelineConfig
    from clip_perception.pipeline import Pipeline
    from clip_perception.scorer import CALIBRATION_FILE
    from clip_perception.scorer import ClipScorer

    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=DefaultsHelpFormatter)
    p.add_argument('what', choices=('grounding', 'pipeline', 'calibrate', 'commands', 'all',
                                    'real', 'layouts', 'shifted', 'rules', 'recording',
                                    'ros'),
                   help="grounding: top-1 among a scene's crops (500 scenes); pipeline: "
                   'proposals, picks, not found, spatial words and pose error end to end '
                   '(300); calibrate: fit the cosine -> confidence logistic, written next '
                   'to the model (150); commands: commands as people say them (60 per '
                   'form); all: grounding, pipeline and commands; real: proposals and pose '
                   'on the real RGB-D frames of --data; layouts: the same on synthetic '
                   'layouts (10 each); rules, shifted: six commands per scene under each '
                   'confidence rule, on our scenes and on scenes outside the training '
                   'ranges (300); recording: present and absent commands on a rosbag2 '
                   'folder (--bag); ros: the shifted or own suite asked of a '
                   'clip_perception_node process over DDS (60)')
    p.add_argument('--bag', default=None, help='recording: rosbag2 folder')
    p.add_argument('--present', nargs='*', default=[],
                   help='recording: commands naming what is in view throughout')
    p.add_argument('--absent', nargs='*', default=[],
                   help='recording: commands naming what is never in view')
    p.add_argument('--every', type=int, default=1, help='recording: use every n-th frame')
    p.add_argument('--model', default='bundled',
                   help='CLIP checkpoint: hub id, local folder or "bundled", as the node\'s '
                   'model parameter')
    p.add_argument('--scenes', type=int, default=None,
                   help="scenes, or frames of a recording (default: each evaluation's "
                   'own, in brackets above; recording: every frame); 0 only for pipeline, '
                   'which then runs its spatial scenes alone')
    p.add_argument('--seed', type=int, default=None,
                   help='pipeline, commands, layouts: first seed (default: their own '
                        'range; layouts 40000000); another seed is a held-out check '
                        '(layouts: 41000000 in the README)')
    p.add_argument('--threads', type=int, default=1, help='torch CPU threads')
    p.add_argument('--max-proposals', type=int, default=PipelineConfig.max_proposals,
                   help='crops scored per frame, as the node parameter')
    p.add_argument('--no-image-proposals', action='store_true',
                   help='depth proposals only (image_proposals: false)')
    p.add_argument('--no-depth-proposals', action='store_true',
                   help='image proposals only (depth_proposals: false)')
    p.add_argument('--confidence-rule', default=PipelineConfig.confidence_rule,
                   choices=('auto', 'softmax', 'calibration', 'both'),
                   help='as the node parameter confidence_rule')
    p.add_argument('--prompt-template', default='',
                   help="text template(s), several separated by '|' (default: the "
                        "checkpoint's own templates, else 'a photo of a {}')")
    p.add_argument('--vocabulary', default='',
                   help="contrast vocabulary (default: the checkpoint's own)")
    p.add_argument('--min-confidence', type=float, default=PipelineConfig.min_confidence,
                   help='threshold of "found", as the node parameter (default: '
                   f'{PipelineConfig.min_confidence})')
    p.add_argument('--json', default=None, help='also write the figures to this file')
    p.add_argument('--quiet', action='store_true', help='no progress bars')
    p.add_argument('--suite', default='shifted', choices=('shifted', 'own'),
                   help='ros: the scenes of "shifted" or of "rules" (our own)')
    p.add_argument('--out', default=None,
                   help='ros: folder for the recording, node log and outputs (default: a '
                        'new temporary folder)')
    p.add_argument('--jpeg-quality', type=int, default=None,
                   help='ros: publish the colour as CompressedImage jpeg of this quality '
                        '(1-100) and start the node with image_transport:=compressed')
    p.add_argument('--data', default=os.path.join('..', 'shared', 'data', 'real_rgbd'),
                   help='real: folder of the real RGB-D frames')
    p.add_argument('--labels', default=os.path.join('test', 'data', 'real_rgbd_labels.json'),
                   help='real: the hand-drawn labels')
    p.add_argument('--draw', default=None, help='real: write annotated frames to this folder')
    p.add_argument('--image-up', default='up', choices=('up', 'down', 'left', 'right', 'view'),
                   help="real: the node's image_up parameter for the proposals; view: the one "
                   "each view's mounting needs (rotate:180 down, rotate:90 right)")
    p.add_argument('--layouts', default='',
                   help='layouts: comma-separated synthetic layouts (default: overhead, bin, '
                   'touching, lying, transparent, floor_table; on request also packed_bin, '
                   'a tray packed with boxes of one height, thin, flat objects 3-8 mm '
                   'thick on a table, pile, 5-12 items heaped in a tote seen from above, '
                   'touching_pair, objects of different colours touching at one depth, '
                   'stacked, a box on a box and a small object on a flat one, and '
                   'packed_mixed, a tray packed with boxes of two heights)')
    p.add_argument('--sample-seeds', type=int, default=1,
                   help='real: evaluate each view under seeds 0..N-1 of the support '
                   "search's sample of the depth and print each seed's recall and the mean "
                   "(a new frame expects the mean, not seed 0's luck; default 1: seed 0 "
                   'alone, as the node)')
    p.add_argument('--views', default='original',
                   help='real: comma-separated views of each frame to evaluate, from '
                   'original, mirror, scale:S, rotate:180, rotate:90 and the sensor '
                   'views depth_mm, depth_noise:K, depth_res:N, jpeg:Q, exposure:G, '
                   'white_balance:R, blur:S, stereo_shadow:B, flying_pixels:W, misregister:D, '
                   'misregister_y:D, wfov_corners:R, depth_upsample:N, roll:A '
                   '(real_eval.view_frame, '
                   'sensor_view); e.g. '
                   '"original,mirror,scale:0.75,scale:1.5" or "original,depth_mm,jpeg:50"')
    args = p.parse_args(argv)
    if args.scenes is not None and args.scenes < 0:
        p.error(f'--scenes must be 0 or more, got {args.scenes}')
    if args.scenes == 0 and args.what != 'pipeline':
        # Only the pipeline evaluation has cases beside its scenes (the spatial ones);
        # elsewhere 0 read as "the default" (``args.scenes or 300``) ran 300 scenes.
        p.error(f'--scenes 0 leaves {args.what} nothing to evaluate (0 is for pipeline: '
                'its spatial scenes only); leave --scenes out for the default')
    if args.jpeg_quality is not None and not 1 <= args.jpeg_quality <= 100:
        p.error(f'--jpeg-quality must be in 1..100, got {args.jpeg_quality}')
    if not 0.0 <= args.min_confidence <= 1.0:
        p.error(f'--min-confidence must be in [0, 1], got {args.min_confidence}')
    # Checked here, not by torch's RuntimeError, a ZeroDivisionError after the model
    # loaded, or a pipeline run without a crop (helper-70); the node's range for the cap.
    low, high = next((int(q.min), int(q.max)) for q in PARAMETERS if q.name == 'max_proposals')
    for name, value in (('threads', args.threads), ('every', args.every),
                        ('sample-seeds', args.sample_seeds)):
        if value < 1:
            p.error(f'--{name} must be at least 1, got {value}')
    if not low <= args.max_proposals <= high:
        p.error(f'--max-proposals must be in {low}..{high} (the node parameter '
                f'max_proposals), got {args.max_proposals}')
    torch.set_num_threads(args.threads)
    if args.what == 'real' and not os.path.isdir(args.data):
        print(f'no folder of real RGB-D frames at {args.data} (--data; the project keeps '
              'them in ../shared/data/real_rgbd)', file=sys.stderr)
        return 2
    if args.what == 'recording' and args.bag and not os.path.isdir(args.bag):
        # Before the model loads (a hub id retries for 30 s); rosbags would raise.
        print(f'no such bag folder: {args.bag} (--bag: a rosbag2 folder)', file=sys.stderr)
        return 2
    if args.what in ('real', 'layouts'):
        return real_main(args)
    from clip_perception.scorer import ModelLoadError

    try:
        reason = check_prompt_template(args.prompt_template)
        if reason is not None:
            print(reason, file=sys.stderr)
            return 2
        scorer = ClipScorer(args.model, device='cpu', dtype='float32',
                            prompt_template=args.prompt_template)
    except ModelLoadError as exc:
        print(f'cannot load --model {args.model}: {" ".join(str(exc).split())}',
              file=sys.stderr)
        return 2
    cfg = PipelineConfig(max_proposals=args.max_proposals,
                         image_proposals=not args.no_image_proposals,
                         depth_proposals=not args.no_depth_proposals,
                         confidence_rule=args.confidence_rule, vocabulary=args.vocabulary,
                         prompt_template=args.prompt_template,
                         min_confidence=args.min_confidence)
    pipeline = Pipeline(scorer, cfg)
    figures = {'model': scorer.model_path}
    show = not args.quiet
    t0 = time.time()
    if args.what == 'calibrate':
        (slope, intercept), n = calibrate(pipeline, args.scenes or 150, progress=show)
        path = os.path.join(scorer.model_path, CALIBRATION_FILE)
        with open(path, 'w') as f:
            json.dump({'slope': slope, 'intercept': intercept, 'samples': n,
                       'fitted_on': f'{args.scenes or 150} scenes from seed {CALIBRATION_SEED}',
                       'meaning': 'confidence = sigmoid(slope * cosine + intercept)'}, f,
                      indent=2)
        print(f'calibration: slope {slope:.3f} intercept {intercept:.3f} '
              f'(P=0.5 at cosine {-intercept / slope:.3f}) from {n} samples -> {path}')
    if args.what in ('grounding', 'all'):
        g = eval_grounding(scorer, args.scenes or 500, progress=show)
        figures['grounding'] = g
        print(f'\nGrounding, top-1 among the crops of a scene ({args.scenes or 500} scenes, '
              f'seeds {GROUNDING_SEED}+)')
        print(f'  ground-truth boxes          {_pct(g["gt_boxes"])}   target >= 95%')
        print(f'  jittered boxes              {_pct(g["jittered_boxes"])}   target >= 90%')
        print(f'  held-out colour-shape pairs {_pct(g["held_out_pairs"])}')
        print(f'  all pairs, ground-truth     {_pct(g["all_pairs_gt_boxes"])}')
    if args.what in ('pipeline', 'all'):
        n = 300 if args.scenes is None else args.scenes
        seed = PIPELINE_SEED if args.seed is None else args.seed
        cases, hits, total = eval_pipeline(pipeline, n, seed, progress=show)
        s = summarise_pipeline(cases, hits, total)
        figures['pipeline'] = s
        print(f'\nPipeline, end to end ({n} scenes, seeds {seed}+, '
              f'max_proposals {cfg.max_proposals})')
        print(f'  proposal recall @IoU0.5     {_pct(s["proposal_recall"])}   target >= 95%')
        print(f'  right object picked         {_pct(s["present_correct"])}   target >= 90%')
        print(f'  absent object -> not found  {_pct(s["absent_not_found"])}   target >= 90%')
        print(f'  spatial word resolved       {_pct(s["spatial_correct"])}')
        print(f'  picked a fragment of target {_pct(s["fragment_picks"])}')
        print(f'  position error median       {1000 * s["position_error_median_m"]:.1f} mm'
              f'   target < 10 mm')
        print(f'  position error p95          {1000 * s["position_error_p95_m"]:.1f} mm'
              f'   target < 20 mm  ({s["poses"]} poses)')
        print(f'  time per command (median)   {1000 * s["seconds_per_command_median"]:.0f} ms')
    if args.what in ('commands', 'all'):
        n = args.scenes or 60
        seed = COMMANDS_SEED if args.seed is None else args.seed
        s = summarise_commands(eval_commands(pipeline, n, seed, progress=show))
        figures['commands'] = s
        print(f'\nCommands as people say them ({n} scenes per form, seeds {seed}+)')
        print(f'  filler / politeness / NFKC  {_pct(s["filler_correct"])}   '
              f'target: as "right object picked"')
        print(f'  relation between two objects{_pct(s["relation_correct"])}   target >= 90%')
        for link, pair in sorted(s['relation_by_link'].items()):
            print(f'    {link:<26}{_pct(pair)}')
        print(f'  plural: instances found     {_pct(s["plural_found"])}   target >= 90%')
        print(f'  plural: extra objects       {s["plural_extra"]} in {s["plural_commands"]} '
              f'commands   target 0')
        print(f'  ordinal ("second from ...") {_pct(s["ordinal_correct"])}')
        print(f'  "A and B": both right       {_pct(s["and_correct"])}')
        print(f'  two of a kind -> ambiguous  {_pct(s["ambiguous_reported"])}   target >= 90%')
        print(f'  negation picked excluded    {s["negation_picked_excluded"]} of '
              f'{s["negation_commands"]}   target 0')
        print(f'  negation answered right     {_pct(s["negation_correct"])}')
    if args.what in ('shifted', 'rules'):
        figures[args.what] = _rules_main(scorer, cfg, args, show)
    if args.what == 'recording':
        figures['recording'] = _recording_main(scorer, cfg, args)
    if args.what == 'ros':
        figures['ros'] = _ros_main(scorer, cfg, args, show)
    print(f'\n[{time.time() - t0:.0f} s]')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(figures, f, indent=2, default=list)
    return 0


def real_main(args):
    """``clip_perception_eval real|layouts``: real RGB-D frames, or synthetic layouts."""
    import cv2

    from clip_perception.proposals import propose
    from clip_perception.world.real_eval import draw
    from clip_perception.world.real_eval import evaluate
    from clip_perception.world.real_eval import format_report
    from clip_perception.world.real_eval import format_seeds
    from clip_perception.world.real_eval import KINDS
    from clip_perception.world.real_eval import load_frames
    from clip_perception.world.real_eval import pose_of_proposal
    from clip_perception.world.real_eval import view_frame

    cv2.setNumThreads(1)
    frames = load_frames(args.data, args.labels) if args.what == 'real' else []
    views = [v.strip() for v in args.views.split(',') if v.strip()] or ['original']

    def proposer(image_up='up', sample_seed=0):
        def propose_fn(rgb, depth, intrinsics):
            return propose(rgb, depth, intrinsics, max_proposals=args.max_proposals,
                           use_depth=not args.no_depth_proposals,
                           use_image=not args.no_image_proposals, image_up=image_up,
                           sample_seed=sample_seed)
        return propose_fn
    propose_fn = proposer()

    t0 = time.time()
    if args.what == 'layouts':
        from clip_perception.world.real_eval import eval_layouts
        from clip_perception.world.real_eval import format_layouts
        from clip_perception.world.real_eval import LAYOUTS_SEED

        try:
            seed = LAYOUTS_SEED if args.seed is None else args.seed
            figures = eval_layouts(propose_fn, args.scenes or 10, seed=seed, layouts=[
                n.strip() for n in args.layouts.split(',') if n.strip()] or None)
        except ValueError as exc:
            print(f'--layouts: {exc}', file=sys.stderr)
            return 2
        print(format_layouts(figures))
        print(f'\n[{time.time() - t0:.0f} s]')
        if args.json:
            with open(args.json, 'w') as f:
                json.dump(figures, f, indent=2, default=list)
        return 0
    try:  # every view is checked before any is evaluated
        shown_views = {view: [view_frame(frame, view) for frame in frames] for view in views}
    except ValueError as e:
        print(f'clip_perception_eval real: {e}', file=sys.stderr)
        return 2
    out, means = {}, []
    for view, shown in shown_views.items():
        # The node's image_up as set for this view's mounting, or as given.
        image_up = VIEW_IMAGE_UP.get(view, 'up') if args.image_up == 'view' else args.image_up
        propose_fn = proposer(image_up)
        figures = evaluate(shown, propose_fn, pose_of_proposal)
        out[view] = figures
        if len(views) > 1:
            print(f'\n== view: {view}')
        print(format_report(figures))
        if args.sample_seeds > 1:
            # The other seeds are not timed: one call a frame.
            per_seed = [figures] + [evaluate(shown, proposer(image_up, s), pose_of_proposal,
                                             repeats=1) for s in range(1, args.sample_seeds)]
            figures['sample_seeds'] = [f['recall'] for f in per_seed]
            print(format_seeds(per_seed))
            means.append([np.mean([f['recall'][k][0] for f in per_seed]) for k in KINDS])
        if args.draw:
            os.makedirs(args.draw, exist_ok=True)
            for frame in shown:
                draw(frame, propose_fn(frame.rgb, frame.depth, frame.intrinsics),
                     os.path.join(args.draw, frame.name.replace(':', '_') + '.png'))
    if len(means) > 1:
        m = np.sum(means, axis=0)
        print(f'\nAll views, mean over sample seeds 0-{args.sample_seeds - 1}: opaque '
              f'(incl. dark) {m[0] + m[1]:.2f}, transparent {m[2]:.2f}')
    print(f'\n[{time.time() - t0:.0f} s]')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(out if len(views) > 1 else out[views[0]], f, indent=2, default=list)
    return 0


if __name__ == '__main__':
    sys.exit(main())
