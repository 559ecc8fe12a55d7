"""How much the proposals' recall depends on the working grid's sampling phase (issue #11).

The depth's working grid samples every ``step``-th pixel from the left edge
(:func:`clip_perception.support.working_grid`): a frame without its first ``s`` columns
(``cx`` and the labelled boxes moved with them) shows the same scene sampled at another
phase (and moved ``s`` pixels: the support's random sample and selective search see
other pixels too). On a 640 px frame (step 3, columns 0..639) a mirror samples the same
columns; on a 1280 px frame (step 6, columns 0..1278) it samples the other phase
(1279 - u). The frame is cut, not padded: a band of invented black pixels and missing
depth changed the image ranking by itself.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/sampling_phase.py [SHIFTS]``
(default ``0,1,2``; 3 is one working pixel of a 640 px frame); prints the recall per
shift and the objects whose hit changes.
"""
from dataclasses import replace
import os
import sys

import cv2
import numpy as np

from clip_perception.proposals import propose
from clip_perception.world.real_eval import evaluate
from clip_perception.world.real_eval import load_frames
from clip_perception.world.real_eval import pose_of_proposal
from clip_perception.world.real_eval import RealFrame


def shifted(frame, s):
    """``frame`` without its first ``s`` columns (``cx`` and the labels moved with them)."""
    if s == 0:
        return frame
    rgb = np.ascontiguousarray(frame.rgb[:, s:])
    depth = np.ascontiguousarray(frame.depth[:, s:])
    h, w = depth.shape
    k = replace(frame.intrinsics, cx=frame.intrinsics.cx - s, width=w)
    objects = [replace(o, box=(max(o.box[0] - s, 0), o.box[1], o.box[2] - s, o.box[3]),
                       mask=None if o.mask is None else np.ascontiguousarray(o.mask[:, s:]))
               for o in frame.objects]
    return RealFrame(f'{frame.name}@shift{s}', rgb, depth, k, frame.sensor, objects,
                     frame.reference_plane)


def main():
    cv2.setNumThreads(1)
    shifts = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else '0,1,2').split(',')]
    frames = load_frames(os.path.join('..', 'shared', 'data', 'real_rgbd'),
                         os.path.join('test', 'data', 'real_rgbd_labels.json'))

    def fn(rgb, depth, k):
        return propose(rgb, depth, k)
    missed = {}
    for s in shifts:
        fig = evaluate([shifted(f, s) for f in frames], fn, pose_of_proposal, repeats=1)
        r = fig['recall']
        opaque = [sum(r[k][i] for k in r if k != 'transparent') for i in (0, 1)]
        print(f'shift {s}: opaque (incl. dark) {opaque[0]}/{opaque[1]}, transparent '
              f'{r["transparent"][0]}/{r["transparent"][1]}')
        missed[s] = {(n.split('@')[0], m) for n, v in fig['frames'].items() for m in v['missed']}
    for s in shifts[1:]:
        print(f'shift {s} against {shifts[0]}: lost {sorted(missed[s] - missed[shifts[0]])}, '
              f'found {sorted(missed[shifts[0]] - missed[s])}')


if __name__ == '__main__':
    main()
