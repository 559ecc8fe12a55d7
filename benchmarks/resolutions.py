"""Grounding and pose at the image sizes cameras stream, not only 640x480.

    .venv/bin/python benchmarks/resolutions.py                 # 60 scenes per size
    .venv/bin/python benchmarks/resolutions.py --scenes 120 --size 424x240

Another renderer or camera need not deliver 640x480: a RealSense streams 424x240 to
1280x720, a simulator whatever it was set to. Each size renders the same scenes (the
pipeline evaluation's seeds, :data:`clip_perception.world.evaluation.PIPELINE_SEED`)
with intrinsics scaled to it, and asks what ``clip_perception_eval pipeline`` asks: a
present object by colour and shape (right: the chosen box at IoU >= 0.5 with it) and an
absent one (right: not found), through :class:`clip_perception.pipeline.Pipeline` with
the node's defaults and the bundled model. Prints, per size, right / absent answered
not_found and the median position error of the right answers (m -> mm).
"""

import argparse

import numpy as np

from clip_perception.config import PipelineConfig
from clip_perception.geometry import box_iou
from clip_perception.pipeline import Pipeline
from clip_perception.scorer import ClipScorer
from clip_perception.world.evaluation import PIPELINE_SEED
from clip_perception.world.scenes import COLOURS
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import SHAPES

SIZES = ('320x240', '640x480', '1280x720')


def measure(pipeline, width, height, scenes, seed=PIPELINE_SEED):
    """Return ``(right, present, not_found, absent, position errors (m))`` at one size."""
    rng = np.random.default_rng(5)
    right = present = not_found = absent = 0
    errors = []
    for k in range(scenes):
        scene = generate_scene(seed + k, width=width, height=height)
        objs = scene.targetable()
        if objs:
            target = objs[rng.integers(len(objs))]
            r = pipeline.run(scene.rgb, f'the {target.colour} {target.shape}', scene.depth,
                             scene.intrinsics)
            present += 1
            if r.found and box_iou(np.array([r.chosen.box]),
                                   np.array([target.box]))[0, 0] >= 0.5:
                right += 1
                if r.pose is not None:
                    errors.append(float(np.linalg.norm(r.pose.position - target.centre)))
        there = {(o.colour, o.shape) for o in scene.objects}
        missing = [(c, s) for c in COLOURS for s in SHAPES if (c, s) not in there]
        c, s = missing[rng.integers(len(missing))]
        r = pipeline.run(scene.rgb, f'the {c} {s}', scene.depth, scene.intrinsics)
        absent += 1
        not_found += not r.found
    return right, present, not_found, absent, errors


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--scenes', type=int, default=60, help='scenes per size (default: 60)')
    p.add_argument('--size', action='append', default=None,
                   help=f'WxH, repeatable (default: {", ".join(SIZES)})')
    args = p.parse_args(argv)
    import torch
    torch.set_num_threads(1)
    pipeline = Pipeline(ClipScorer('bundled', device='cpu', dtype='float32'),
                        PipelineConfig())
    print(f'# grounding by image size, {args.scenes} scenes each (seeds {PIPELINE_SEED}+), '
          'bundled model, node defaults')
    print('size       right            absent -> not_found   position error, median')
    for size in args.size or SIZES:
        w, h = (int(v) for v in size.lower().split('x'))
        right, present, nf, absent, errors = measure(pipeline, w, h, args.scenes)
        err = f'{1000 * np.median(errors):.1f} mm' if errors else 'n/a'
        print(f'{size:10s} {100 * right / max(present, 1):5.1f}% ({right}/{present})   '
              f'{100 * nf / max(absent, 1):5.1f}% ({nf}/{absent})        {err}', flush=True)


if __name__ == '__main__':
    main()
