"""One digest of everything region proposals return, to check a speed change changes nothing.

    PYTHONPATH=src .venv/bin/python benchmarks/proposals_fingerprint.py
    PYTHONPATH=src .venv/bin/python benchmarks/proposals_fingerprint.py --each   # per frame

Runs :func:`clip_perception.proposals.propose` with the node's defaults on the 16 real
RGB-D frames of ``../shared/data/real_rgbd`` (as read by
:func:`clip_perception.world.real_eval.load_frames`) and on ``--scenes`` synthetic scenes
of every layout (:data:`clip_perception.world.scenes.LAYOUTS` and ``EXTRA_LAYOUTS``, from
:data:`clip_perception.world.real_eval.LAYOUTS_SEED`, as ``clip_perception_eval layouts``
draws them), each with the image proposals on worker threads and without, and hashes
the bytes of every field of each result: boxes, sources, masks, scores, plane, the
support surface (normal, offset, axes, quadratic, region, scale, inlier share, standing
count), dropped, notes and carrying. It prints one SHA-256 digest over all of them: a
change that keeps it is bit-identical on these inputs (issue 11, speed work of
helper-h133). ``--each`` prints each input's digest too, to find the one that moved.
"""

import argparse
import hashlib
import sys

import numpy as np
from proposals import frame_arguments  # benchmarks/proposals.py

from clip_perception.proposals import propose
from clip_perception.world.real_eval import LAYOUTS_SEED
from clip_perception.world.real_eval import load_frames
from clip_perception.world.scenes import EXTRA_LAYOUTS
from clip_perception.world.scenes import generate_layout_scene
from clip_perception.world.scenes import LAYOUTS


def _feed(h, value):
    """Add ``value``'s type, shape and exact bytes (arrays, numbers, strings, None) to ``h``."""
    if value is None:
        h.update(b'None')
    elif isinstance(value, (tuple, list)):
        h.update(f'seq{len(value)}('.encode())
        for v in value:
            _feed(h, v)
        h.update(b')')
    elif isinstance(value, str):
        h.update(b's' + value.encode())
    else:
        a = np.asarray(value)
        h.update(f'{a.dtype.str}{a.shape}'.encode())
        h.update(np.ascontiguousarray(a).tobytes())


def digest(props):
    """SHA-256 hex digest of every field of a :class:`~clip_perception.proposals.Proposals`."""
    h = hashlib.sha256()
    _feed(h, props.boxes)
    _feed(h, props.sources)
    _feed(h, [None if m is None else np.packbits(m) for m in props.masks])
    _feed(h, [None if m is None else m.shape for m in props.masks])
    _feed(h, props.plane)
    s = props.surface
    _feed(h, None if s is None else (s.normal, s.offset, s.axes, s.quadratic, s.region,
                                     s.scale, s.inlier_fraction, s.support_count))
    _feed(h, props.scores)
    _feed(h, props.dropped)
    _feed(h, props.notes)
    _feed(h, props.carrying)
    return h.hexdigest()


def inputs(data, labels, scenes):
    """Yield ``(name, rgb, depth, intrinsics)``: the real frames, then the layouts' scenes."""
    for f in load_frames(data, labels):
        yield f.name, f.rgb, f.depth, f.intrinsics
    every = LAYOUTS + EXTRA_LAYOUTS
    for li, layout in enumerate(every):
        for k in range(scenes):
            scene, _ = generate_layout_scene(LAYOUTS_SEED + 1000 * li + k, layout)
            yield f'{layout}_{k}', scene.rgb, scene.depth, scene.intrinsics


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    frame_arguments(p)
    p.add_argument('--scenes', type=int, default=3, help='scenes per layout (default 3)')
    p.add_argument('--each', action='store_true', help="print each input's digest")
    args = p.parse_args(argv)
    total = hashlib.sha256()
    count = 0
    for name, rgb, depth, intr in inputs(args.data, args.labels, args.scenes):
        parts = [digest(propose(rgb, depth, intr, parallel=parallel))
                 for parallel in (True, False)]
        if args.each:
            print(f'{name:24s} {parts[0][:16]} {parts[1][:16]}')
        for d in parts:
            total.update(d.encode())
        count += 1
    print(f'{count} inputs, {2 * count} calls: {total.hexdigest()}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
