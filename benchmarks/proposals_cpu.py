"""Thread CPU of region proposals per stage on real frames: a figure a busy machine keeps.

    PYTHONPATH=src .venv/bin/python benchmarks/proposals_cpu.py
    PYTHONPATH=src .venv/bin/python benchmarks/proposals_cpu.py --stages find_support,stack_parts

On a shared machine the wall time of ``benchmarks/proposals.py`` follows the load (the
same code took 38.7 ms at 640x480 idle and 140-170 ms at load 10-20, session 40), while
the CPU time of the calling thread moves by a few percent. This runs
:func:`clip_perception.proposals.propose` without worker threads (``parallel=False``,
every stage on the calling thread), takes for each frame the call with the least
``time.thread_time`` of ``--repeats`` (after one warm-up), and prints the mean over the
frames of one resolution, with the inclusive thread CPU of each function named in
``--stages`` (looked up in :mod:`clip_perception.proposals`, ``.support`` and
``.geometry``, and wrapped where any of them names it) in that same call. With the
proposals' worker threads the calling thread is the critical path (selective search
ends first), so its work is what the wall time of ``propose`` waits for. Compare two
versions by running each in turn, alternating (``PYTHONPATH`` of each's ``src``).
"""

import argparse
import collections
import functools
import os
import sys
import time

from proposals import frame_arguments  # benchmarks/proposals.py

from clip_perception import geometry
from clip_perception import proposals as core
from clip_perception import support
from clip_perception.world.real_eval import load_frames

STAGES = ('depth_regions', 'find_support', '_selective_search', 'saliency_proposals',
          '_image_scores', 'add_stack_parts', 'support_levels', 'stack_parts')
MODULES = (core, support, geometry)


def wrap_stages(names, spent):
    """Wrap the functions ``names`` in every module that names them; add their time to ``spent``.

    :raises ValueError: a name none of the modules defines.
    """
    for name in names:
        fn = next((getattr(m, name) for m in MODULES if hasattr(m, name)), None)
        if fn is None:
            raise ValueError(f'no function {name!r} in proposals, support or geometry')

        @functools.wraps(fn)
        def timed(*args, _fn=fn, _name=name, **kwargs):
            t = time.thread_time()
            try:
                return _fn(*args, **kwargs)
            finally:
                spent[_name] += time.thread_time() - t

        for m in MODULES:
            if getattr(m, name, None) is fn:
                setattr(m, name, timed)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    frame_arguments(p)
    p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--stages', default=','.join(STAGES),
                   help='functions to time inside each call, comma-separated')
    args = p.parse_args(argv)
    spent = collections.defaultdict(float)
    names = [s for s in args.stages.split(',') if s]
    wrap_stages(names, spent)
    per = {}
    for f in load_frames(args.data, args.labels):
        res = f'{f.rgb.shape[1]}x{f.rgb.shape[0]}'
        core.propose(f.rgb, f.depth, f.intrinsics, parallel=False)
        best, stages = float('inf'), {}
        for _ in range(args.repeats):
            spent.clear()
            t = time.thread_time()
            core.propose(f.rgb, f.depth, f.intrinsics, parallel=False)
            took = time.thread_time() - t
            if took < best:
                best, stages = took, dict(spent)
        row = per.setdefault(res, [])
        row.append((best, stages))
    print(f'# thread CPU of propose(parallel=False), least of {args.repeats} calls per frame, '
          f'mean over frames, ms; load average {os.getloadavg()[0]:.1f}')
    for res, rows in sorted(per.items(), key=lambda kv: int(kv[0].split('x')[0])):
        n = len(rows)
        total = 1000 * sum(r[0] for r in rows) / n
        parts = '  '.join(f'{s} {1000 * sum(r[1].get(s, 0.0) for r in rows) / n:.2f}'
                          for s in names)
        print(f'{res:<10} {n:>2} frames  propose {total:6.2f}  {parts}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
