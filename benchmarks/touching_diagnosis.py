"""Which step loses each object of a synthetic layout scene, and why a pose is off.

    PYTHONPATH=src .venv/bin/python benchmarks/touching_diagnosis.py --layout touching \
        $(seq 41100010 41100049)

For every object of every scene (the calls of ``benchmarks/layout_seeds.py``: ``propose``
at 32 proposals, ``proposal_pose``, IoU >= 0.5) one line when it is missed or posed more
than ``--pose-mm`` off, with the cause:

- misses: ``cap`` (a box at IoU 0.5 ranks past 32: ``propose`` at 1000 proposals finds it),
  ``nms`` (only with NMS off), ``iou<0.5`` (the best box of all, NMS off, at IoU 0.4-0.5),
  ``merged`` (the depth region holding most of its pixels holds as many of a neighbour's),
  ``split`` (the best depth region holds under half of its pixels, and of no one else's),
  ``no region`` (none of that).
- poses: ``neighbour`` (over 10% of the refined mask's pixels are another object's),
  ``own mask ok`` (posed from its own pixels only, the error is under ``--pose-mm``:
  the mask is the cause), then the error split into its part along the view ray, across
  it, and along the support's normal, and the pose method.

Ends with the counts per cause.
"""

import argparse
from collections import Counter

import cv2
import numpy as np

from clip_perception.geometry import box_iou
from clip_perception.geometry import estimate_pose
from clip_perception.pipeline import proposal_pose
from clip_perception.proposals import propose
from clip_perception.proposals import refine_mask
from clip_perception.world.scenes import generate_layout_scene


def _best(objs, props):
    iou = box_iou(np.array([o.box for o in objs], float), props.boxes)
    return iou


def _miss_cause(i, objs, scene):
    rgb, depth, intr = scene.rgb, scene.depth, scene.intrinsics
    wide = propose(rgb, depth, intr, max_proposals=1000)
    iou = _best(objs, wide)[i]
    if iou.max() >= 0.5:
        return f'cap (rank {int(np.argmax(iou >= 0.5))})'
    open_ = propose(rgb, depth, intr, max_proposals=1000, nms_iou=1.01)
    iou = _best(objs, open_)[i]
    if iou.max() >= 0.5:
        return 'nms'
    mask = objs[i].mask
    best_d = None
    for k, m in enumerate(open_.masks):
        if m is None:
            continue
        share = (m & mask).sum() / max(mask.sum(), 1)
        if best_d is None or share > best_d[0]:
            best_d = (share, k, m)
    others = [o.mask for j, o in enumerate(objs) if j != i]
    note = f'best box IoU {iou.max():.2f}'
    if best_d is not None and best_d[0] > 0.5:
        m = best_d[2]
        other = max((float((m & o).sum()) for o in others), default=0.0)
        if other > 0.3 * (m & mask).sum():
            return f'merged ({note}; region holds {best_d[0]:.2f} of it, ' \
                   f'{other / max(mask.sum(), 1):.2f} of a neighbour)'
    if 0.4 <= iou.max() < 0.5:
        return f'iou<0.5 ({note})'
    if best_d is not None and best_d[0] > 0.05:
        return f'split ({note}; best region holds {best_d[0]:.2f})'
    return f'no region ({note})'


def _pose_cause(i, objs, props, k, scene, pose):
    depth, intr = scene.depth, scene.intrinsics
    obj = objs[i]
    d = pose.position - obj.centre
    ray = obj.centre / np.linalg.norm(obj.centre)
    along = float(d @ ray)
    n = props.plane[0] if props.plane is not None else np.array([0.0, -1.0, 0.0])
    up = float(d @ n)
    parts = f'ray {1000 * along:+.1f} across {1000 * np.linalg.norm(d - along * ray):.1f} ' \
            f'normal {1000 * up:+.1f} mm, {pose.method}'
    mask = props.masks[k]
    if mask is not None and props.plane is not None:
        mask = refine_mask(depth, intr, props.surface or props.plane, mask, props.boxes[k],
                           no_higher=bool(props.carrying and props.carrying[k])
                           if getattr(props, 'carrying', ()) else False)
    tags = []
    if mask is not None:
        foreign = float((mask & ~obj.mask).sum()) / max(mask.sum(), 1)
        lost = float((obj.mask & ~mask).sum()) / max(obj.mask.sum(), 1)
        tags.append(f'foreign {foreign:.2f} missing {lost:.2f}')
        if foreign > 0.1:
            tags.insert(0, 'neighbour')
    own = obj.mask if mask is None else (mask & obj.mask)
    if own.sum() >= 10:
        p = estimate_pose(depth, props.boxes[k], intr, props.plane, mask=own,
                          surface=props.surface)
        e = 1000 * float(np.linalg.norm(p.position - obj.centre))
        tags.append(f'own-pixels pose {e:.1f} mm')
        if e < 15:
            tags.insert(0, 'own mask ok')
    if mask is None:
        tags.insert(0, 'image box')
    return '; '.join(tags) + '; ' + parts


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('seeds', type=int, nargs='+', help='scene seeds')
    p.add_argument('--layout', default='touching')
    p.add_argument('--pose-mm', type=float, default=15.0)
    args = p.parse_args()
    cv2.setNumThreads(1)
    misses, poses = Counter(), Counter()
    found = total = 0
    errs = []
    for seed in args.seeds:
        scene, objs = generate_layout_scene(seed, args.layout)
        props = propose(scene.rgb, scene.depth, scene.intrinsics, max_proposals=32)
        iou = _best(objs, props)
        for i, obj in enumerate(objs):
            total += 1
            k = int(np.argmax(iou[i]))
            if iou[i, k] < 0.5:
                cause = _miss_cause(i, objs, scene)
                misses[cause.split(' (')[0]] += 1
                print(f'{seed} obj {i} ({obj.name}) MISS: {cause}', flush=True)
                continue
            found += 1
            pose = proposal_pose(props, k, scene.depth, scene.intrinsics)
            if pose is None or obj.transparent:
                continue
            e = 1000 * float(np.linalg.norm(pose.position - obj.centre))
            errs.append(e)
            if e > args.pose_mm:
                cause = _pose_cause(i, objs, props, k, scene, pose)
                poses[cause.split(';')[0]] += 1
                print(f'{seed} obj {i} ({obj.name}) POSE {e:.1f} mm (rank {k}, '
                      f'{props.sources[k]}): {cause}', flush=True)
    print(f'found {found}/{total}; pose median {np.median(errs):.1f} p95 '
          f'{np.percentile(errs, 95):.1f} max {max(errs):.1f} mm over {len(errs)}')
    print('misses by cause:', dict(misses.most_common()))
    print(f'poses over {args.pose_mm:g} mm by cause:', dict(poses.most_common()))


if __name__ == '__main__':
    main()
