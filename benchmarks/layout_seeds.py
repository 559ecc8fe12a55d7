"""One line per synthetic layout scene, by scene seed: recall, ranks, pose error, support.

    PYTHONPATH=src .venv/bin/python benchmarks/layout_seeds.py --layout pile 40008010 40008012

The scenes of ``clip_perception_eval layouts`` are seeded ``seed + 1000 * index + k``
(:func:`clip_perception.world.real_eval.eval_layouts`; ``pile`` is 40_008_000 + k at the
default seed): this runs single scenes, such as held-out ones past the default ten, with
the same calls (``propose`` at 32 proposals, ``proposal_pose``, IoU >= 0.5). Each line:
items found of items, the rank of each item's best box ('-': none at IoU 0.5), the median
and largest pose error of the opaque items found (mm), and the support plane chosen.
"""

import argparse
import time

import cv2
import numpy as np

from clip_perception.geometry import box_iou
from clip_perception.pipeline import proposal_pose
from clip_perception.proposals import propose
from clip_perception.world.scenes import generate_layout_scene


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('seeds', type=int, nargs='+', help='scene seeds')
    p.add_argument('--layout', default='pile')
    args = p.parse_args()
    cv2.setNumThreads(1)
    for seed in args.seeds:
        scene, objs = generate_layout_scene(seed, args.layout)
        t0 = time.time()
        props = propose(scene.rgb, scene.depth, scene.intrinsics, max_proposals=32)
        dt = time.time() - t0
        iou = box_iou(np.array([o.box for o in objs], float), props.boxes)
        ranks, errs = [], []
        for i, obj in enumerate(objs):
            best = int(np.argmax(iou[i]))
            if iou[i, best] < 0.5:
                ranks.append('-')
                continue
            ranks.append(str(best))
            pose = proposal_pose(props, best, scene.depth, scene.intrinsics)
            if pose is not None and not obj.transparent:
                errs.append(1000 * float(np.linalg.norm(pose.position - obj.centre)))
        found = sum(r != '-' for r in ranks)
        plane = 'none' if props.plane is None else \
            f'n={np.round(props.plane[0], 2).tolist()} d={props.plane[1]:.3f}'
        pose = f'{np.median(errs):.1f} / {max(errs):.1f}' if errs else 'n/a'
        print(f'{seed}: {found}/{len(objs)} ranks [{", ".join(ranks)}] pose mm {pose} '
              f'support {plane} ({dt:.2f} s)', flush=True)


if __name__ == '__main__':
    main()
