"""Average each crop's embedding over shifted views: the node line, and the time it costs.

    PYTHONPATH=src .venv/bin/python benchmarks/crop_views.py shifted|own [--scenes 300]
        [--views 5] [--depth-only]
    PYTHONPATH=src .venv/bin/python benchmarks/crop_views.py latency [--scenes 20]
        [--rounds 5]
    PYTHONPATH=src .venv/bin/python benchmarks/crop_views.py swing shifted|own
        [--scenes 100] [--model DIR]

The bundled model reads a crop differently when its box moves by two pixels (the true
box of a textured white ball reads 0.04 to 0.99 over a +-4-pixel grid of shifts,
``benchmarks/ros_eval_misses.py``): its 64-pixel input is cut into 4 x 4 patches of 16,
and a shift of part of a patch changes what each patch holds. The ``crop_views``
parameter cuts every box as itself and shifted by
:data:`clip_perception.crops.VIEW_SHIFT` of the square crop's side left, right, up and
down (a quarter of a patch), and averages the five unit embeddings (renormalised). This
runs :func:`clip_perception.world.generalisation.evaluate_rules` on the suite with
``crop_views`` ``--views`` (the pipeline's own views) and prints the ``node`` line
(right / total per case kind). ``latency`` times ``Pipeline.run`` per command (no crop
cache, one torch thread, generated 640x480 scenes) at 1 and 5 views, alternating the two
``--rounds`` times on the same scenes (the machine is shared), and prints each round's
median and the spread. ``swing`` measures the swing itself, one view: every object of
the suite's scenes that may be asked for (``Scene.targetable``) is cut from its true
box moved by -2 to 2 pixels each way (25 boxes) at the node's ``crop_context``, and
read as its full description ("red ball") and as its shape alone ("ball") against the
pipeline's contrasts (the default rule, the zero-shot softmax); it prints, per reading, the mean
and 90th percentile of the spread (most minus least confidence over the 25 boxes), the
mean change from the box itself for 1 and for 2 pixel shifts, and the share of objects
whose confidence crosses ``min_confidence`` within the grid (the box that moves by a
pixel or two and a right answer turns into ``not_found``, or back). ``--model`` reads
another checkpoint (all three modes).

Measured for issue #13 (helper-94, then built in as ``crop_views``, helper-97).
"""

import argparse
import statistics
import time

import numpy as np

from clip_perception.confidence import zero_shot_confidence
from clip_perception.config import PipelineConfig
from clip_perception.crops import VIEW_SHIFT
from clip_perception.pipeline import Pipeline
from clip_perception.scorer import ClipScorer
from clip_perception.world.generalisation import evaluate_rules
from clip_perception.world.generalisation import suite_scenes
from clip_perception.world.scenes import generate_scene

COMMAND = 'the red ball'
SWING_PIXELS = (-2, -1, 0, 1, 2)  # box shifts of the swing grid, each way


def node_line(scorer, args):
    """Print the ``node`` line of ``evaluate_rules`` on ``args.suite`` at ``args.views``."""
    start = time.time()
    outcomes = evaluate_rules(scorer, PipelineConfig(crop_views=args.views), args.scenes,
                              suite=args.suite, progress=False)
    tally = {}
    for o in outcomes:
        if args.depth_only and o.shift == 'image_only':
            continue
        right, total = tally.setdefault(o.kind, [0, 0])
        tally[o.kind] = [right + bool(o.node), total + 1]
    shift = VIEW_SHIFT if args.views > 1 else 0.0
    print(f'{args.suite} {args.scenes} scenes, views {args.views}, shift {shift}, node line: '
          + ', '.join(f'{k} {r}/{t} {100 * r / t:.1f}%' for k, (r, t) in tally.items()) +
          f'; right {sum(r for r, _ in tally.values())} ({time.time() - start:.0f} s)')


def latency(scorer, args):
    """Print the median time per command at 1 and 5 views, alternated ``args.rounds`` times."""
    scenes = [generate_scene(i) for i in range(args.scenes)]
    pipelines = {v: Pipeline(scorer, PipelineConfig(crop_views=v)) for v in (1, 5)}
    for p in pipelines.values():
        p.warm_up()
    rounds = {v: [] for v in pipelines}
    crops = {v: [] for v in pipelines}
    encode = {v: [] for v in pipelines}  # crop + preprocess + image encoder, s
    for _ in range(args.rounds):
        for v, pipeline in pipelines.items():
            times = []
            for scene in scenes:
                t = time.perf_counter()
                res = pipeline.run(scene.rgb, COMMAND, scene.depth, scene.intrinsics)
                times.append(time.perf_counter() - t)
                crops[v].append(len(res.proposals) * v)
                encode[v].append(res.timings['preprocess'] + res.timings['encode'])
            rounds[v].append(statistics.median(times))
    for v, meds in rounds.items():
        print(f'crop_views {v}: median per command {1e3 * statistics.median(meds):.1f} ms '
              f'(rounds {", ".join(f"{1e3 * m:.1f}" for m in meds)}; spread '
              f'{1e3 * (max(meds) - min(meds)):.1f} ms); of it crops + encoder, median '
              f'{1e3 * statistics.median(encode[v]):.1f} ms; crops encoded per command '
              f'{statistics.mean(crops[v]):.1f}')
    ratio = [b / a for a, b in zip(rounds[1], rounds[5])]
    print(f'5 views / 1 view per round: {", ".join(f"{r:.2f}" for r in ratio)}')


def swing(scorer, args):
    """Print how far one crop's confidence moves when its true box moves by 1-2 pixels."""
    cfg = PipelineConfig()
    pipeline = Pipeline(scorer, cfg)
    grid = np.array([(dx, dy) for dy in SWING_PIXELS for dx in SWING_PIXELS], float)
    step = np.abs(grid).max(1)  # 0 for the box itself, 1 or 2 pixels
    spread = {'full': [], 'shape': []}
    moved = {(k, s): [] for k in spread for s in (1, 2)}
    cross = dict.fromkeys(spread, 0)
    for _, scene, _, _, _ in suite_scenes(range(args.scenes), args.suite):
        for obj in scene.targetable():
            boxes = np.asarray(obj.box, float)[None] + np.concatenate([grid, grid], 1)
            image = scorer.forward(scorer.preprocess(scene.rgb, boxes, cfg.crop_context))
            for kind, what in (('full', f'{obj.colour} {obj.shape}'), ('shape', obj.shape)):
                text = scorer.text_embedding(what, cfg.prompt_template)
                contrast = scorer.text_embeddings(pipeline.contrasts(what), cfg.prompt_template)
                conf = zero_shot_confidence(image, text, contrast, scorer.logit_scale)
                spread[kind].append(conf.max() - conf.min())
                for s in (1, 2):
                    moved[kind, s].append(np.abs(conf[step == s] - conf[step == 0]).mean())
                cross[kind] += bool(conf.min() < cfg.min_confidence <= conf.max())
    n = len(spread['full'])
    print(f'swing, {args.suite} {args.scenes} scenes, {n} objects, true box moved '
          f'{SWING_PIXELS[0]}..{SWING_PIXELS[-1]} px each way, crop_context '
          f'{cfg.crop_context}, threshold {cfg.min_confidence}:')
    for kind in spread:
        print(f'  {kind:5s} spread mean {np.mean(spread[kind]):.3f}, p90 '
              f'{np.percentile(spread[kind], 90):.3f}; mean change 1 px '
              f'{np.mean(moved[kind, 1]):.3f}, 2 px {np.mean(moved[kind, 2]):.3f}; crosses '
              f'the threshold {cross[kind]}/{n} ({100 * cross[kind] / n:.1f}%)')


def main(argv=None):
    import torch

    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('suite', choices=('shifted', 'own', 'latency', 'swing'),
                   help='evaluate_rules suite, latency, or swing (then the suite)')
    p.add_argument('swing_suite', nargs='?', choices=('shifted', 'own'), default='shifted',
                   help='swing: the suite (default shifted)')
    p.add_argument('--model', default='bundled', help='checkpoint folder (default bundled)')
    p.add_argument('--scenes', type=int, default=None,
                   help='scenes (default 300; latency: 20)')
    p.add_argument('--views', type=int, default=5, choices=(1, 5),
                   help='crop_views (default 5)')
    p.add_argument('--rounds', type=int, default=5, help='latency: rounds (default 5)')
    p.add_argument('--depth-only', action='store_true',
                   help='leave out image_only scenes, as clip_perception_eval ros does')
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    scorer = ClipScorer(args.model, device='cpu', dtype='float32')
    if args.suite == 'swing':
        args.suite, args.scenes = args.swing_suite, args.scenes or 100
        swing(scorer, args)
    elif args.suite == 'latency':
        args.scenes = args.scenes or 20
        latency(scorer, args)
    else:
        args.scenes = args.scenes or 300
        node_line(scorer, args)


if __name__ == '__main__':
    main()
