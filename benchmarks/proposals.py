"""How long region proposals take on real camera frames, per stage (issue 11 target).

    .venv/bin/python benchmarks/proposals.py            # ../shared/data/real_rgbd
    .venv/bin/python benchmarks/proposals.py --repeats 9
    .venv/bin/python benchmarks/proposals.py --work-width 160   # a coarser depth grid

The real RGB-D frames in ``../shared/data/real_rgbd`` come at 640x480 (RealSense SR300,
Asus Xtion) and 1280x720 (RealSense D435). For each resolution it prints the median
wall time of :func:`clip_perception.proposals.propose` with the image proposals on
worker threads (the default) and without, the CPU time, and the stages run alone: depth
segmentation (support surface, cuts), selective search with saliency, and the joint
ranking + NMS + masks (what is left). Targets (issue 11): <= 40 ms median at 640x480 and
<= 80 ms at 1280x720 on 2 cores. OpenCV and torch threads are left at their defaults, as
in the node; ``--threads`` sets both.
"""

import argparse
import functools
import os
import statistics
import sys
import time

import cv2

from clip_perception.proposals import depth_regions
from clip_perception.proposals import image_proposals
from clip_perception.proposals import propose
import clip_perception.support as support
from clip_perception.world.real_eval import load_frames

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS_MS = {'640x480': 40.0, '1280x720': 80.0}


def timed(fn, repeats):
    """Median wall and CPU seconds of ``fn()`` over ``repeats`` calls after one warm-up."""
    fn()
    wall, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def measure(frames, repeats, work_width=None):
    """Per-resolution medians (over frames) of each frame's median times, in seconds.

    :param work_width: the depth working grid (``propose``'s ``work_width``); None: the
        default, :data:`clip_perception.support.WORK_WIDTH`.

    :return: ``{'WxH': {'frames': n, 'parallel': (wall, cpu), 'sequential': ...,
        'depth': ..., 'image': ...}}``.
    """
    per = {}
    for f in frames:
        res = f'{f.rgb.shape[1]}x{f.rgb.shape[0]}'
        row = per.setdefault(res, {})
        runs = {
            'parallel': lambda f: propose(f.rgb, f.depth, f.intrinsics, parallel=True,
                                          work_width=work_width),
            'sequential': lambda f: propose(f.rgb, f.depth, f.intrinsics, parallel=False,
                                            work_width=work_width),
            'depth': lambda f: depth_regions(f.depth, f.intrinsics, f.rgb,
                                             work_width=work_width),
            'image': lambda f: image_proposals(f.rgb),
        }
        for name, fn in runs.items():
            row.setdefault(name, []).append(timed(functools.partial(fn, f), repeats))
    out = {}
    for res, row in per.items():
        out[res] = {'frames': len(row['parallel'])}
        for name, vals in row.items():
            out[res][name] = (statistics.median(v[0] for v in vals),
                              statistics.median(v[1] for v in vals))
    return out


def cpu_name():
    """Return the CPU's model name and widest vector extension, from /proc/cpuinfo (Linux).

    The same code ran 40 ms on an AVX-512 EPYC and 65 ms on an AVX2 one (2026-12-03), so
    a figure means little without the machine it was measured on.

    :return: str, e.g. "AMD EPYC, avx2"; "unknown CPU" where /proc/cpuinfo is missing.
    """
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            info = f.read()
    except OSError:
        return 'unknown CPU'
    name = next((line.split(':', 1)[1].strip() for line in info.splitlines()
                 if line.startswith('model name')), 'unknown CPU')
    flags = next((line.split(':', 1)[1].split() for line in info.splitlines()
                  if line.startswith('flags')), [])
    vector = 'avx512' if 'avx512f' in flags else 'avx2' if 'avx2' in flags else 'no avx2'
    return f'{name}, {vector}'


def frame_arguments(parser):
    """Add ``--data`` (the real frames' folder) and ``--labels`` (their labels) to ``parser``.

    Shared by the proposals' benchmarks (this one, ``proposals_cpu.py``,
    ``proposals_fingerprint.py``): ``../shared/data/real_rgbd`` and
    ``test/data/real_rgbd_labels.json`` by default, for :func:`load_frames`.
    """
    parser.add_argument('--data', default=os.path.join(HERE, '..', '..', 'shared', 'data',
                                                       'real_rgbd'))
    parser.add_argument('--labels', default=os.path.join(HERE, '..', 'test', 'data',
                                                         'real_rgbd_labels.json'))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    frame_arguments(p)
    p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--threads', type=int, default=None,
                   help='OpenCV and torch threads (default: theirs)')
    p.add_argument('--work-width', type=int, default=None,
                   help='depth working grid, pixels on the longer side (default: '
                   f'support.WORK_WIDTH, {support.WORK_WIDTH})')
    args = p.parse_args(argv)
    width = args.work_width or support.WORK_WIDTH
    if args.threads:
        import torch

        cv2.setNumThreads(args.threads)
        torch.set_num_threads(args.threads)
    frames = load_frames(args.data, args.labels)
    load = os.getloadavg()[0]
    print(f'# proposals on {len(frames)} real frames, {os.cpu_count()} CPUs ({cpu_name()}), '
          'load average '
          f'{load:.1f} at start, {args.repeats} repeats per frame (median), depth grid '
          f'{width} px')
    figures = measure(frames, args.repeats, width)
    print(f'{"resolution":<10} {"frames":>6} | {"propose":>8} {"cpu":>7} | '
          f'{"no threads":>10} | {"depth":>7} {"image":>7} | {"target":>7}')
    for res, row in sorted(figures.items(), key=lambda kv: int(kv[0].split('x')[0])):
        target = TARGETS_MS.get(res)
        ms = {k: 1000 * v[0] for k, v in row.items() if k != 'frames'}
        mark = '' if target is None else (' met' if ms['parallel'] <= target else ' NOT met')
        print(f'{res:<10} {row["frames"]:>6} | {ms["parallel"]:6.1f}ms '
              f'{1000 * row["parallel"][1]:5.1f}ms | {ms["sequential"]:8.1f}ms | '
              f'{ms["depth"]:5.1f}ms {ms["image"]:5.1f}ms | '
              f'{"" if target is None else f"{target:.0f} ms"}{mark}   '
              f'(CPU: depth {1000 * row["depth"][1]:.1f} ms, image '
              f'{1000 * row["image"][1]:.1f} ms)')
    print('(wall-clock medians; "cpu" is the process CPU time of one call, all threads)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
