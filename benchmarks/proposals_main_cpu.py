"""The calling thread's CPU of region proposals with their worker threads: the critical path.

    PYTHONPATH=src .venv/bin/python benchmarks/proposals_main_cpu.py
    PYTHONPATH=src .venv/bin/python benchmarks/proposals_main_cpu.py --repeats 9

:func:`clip_perception.proposals.propose` with ``parallel=True`` (the node's default)
runs the image proposals on two worker threads while the calling thread segments the
depth; on two idle cores its wall time is the calling thread's, as long as the workers
finish first. On a shared machine that wall time follows the load, while the calling
thread's CPU (``time.thread_time``) moves by a few percent. For each frame this takes
the least of ``--repeats`` calls (after one warm-up) of the wall time, of the calling
thread's CPU and of the process's CPU (all threads), and prints their means over the
frames of one resolution, with the median wall. Compare two versions by running each in
turn, alternating (``PYTHONPATH`` of each's ``src``). Issue 11, helper-h148's method.
"""

import argparse
import os
import statistics
import sys
import time

from proposals import frame_arguments  # benchmarks/proposals.py

from clip_perception import proposals as core
from clip_perception.world.real_eval import load_frames


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    frame_arguments(p)
    p.add_argument('--repeats', type=int, default=7)
    args = p.parse_args(argv)
    per = {}
    for f in load_frames(args.data, args.labels):
        res = f'{f.rgb.shape[1]}x{f.rgb.shape[0]}'
        core.propose(f.rgb, f.depth, f.intrinsics)
        rows = []
        for _ in range(args.repeats):
            w, t, c = time.perf_counter(), time.thread_time(), time.process_time()
            core.propose(f.rgb, f.depth, f.intrinsics)
            rows.append((time.perf_counter() - w, time.thread_time() - t,
                         time.process_time() - c))
        per.setdefault(res, []).append((min(r[0] for r in rows),
                                        statistics.median(r[0] for r in rows),
                                        min(r[1] for r in rows), min(r[2] for r in rows)))
    print(f'# propose(parallel=True), least of {args.repeats} calls per frame, mean over '
          f'frames, ms; load average {os.getloadavg()[0]:.1f}')
    for res, rows in sorted(per.items(), key=lambda kv: int(kv[0].split('x')[0])):
        n = len(rows)
        wall, med, main_cpu, cpu = (1000 * sum(r[k] for r in rows) / n for k in range(4))
        print(f'{res:<10} {n:>2} frames  wall least {wall:6.2f} median {med:6.2f}  '
              f'calling thread CPU {main_cpu:6.2f}  process CPU {cpu:6.2f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
