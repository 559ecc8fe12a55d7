"""How much the support plane of a real frame depends on which pixels were sampled (issue #11).

:func:`clip_perception.support.find_support` finds its plane candidates from a sample of
the working grid's points and a few hypotheses drawn among them. The same scene sampled
otherwise -- another seed of that draw, the frame cut ``s`` columns or rows (the working
grid's other sampling phase, :mod:`sampling_phase`), its mirror image, another
resolution -- should give the same plane. For each real frame this prints the planes
found under each variant, in the original camera's frame (a mirror's normal mirrored
back; a cut or rescaled frame's 3D points are the original's), and their spread: the
largest angle between two normals (degrees) and the range of the planes' heights at one
point (mm): the centre of the seed-0 plane's inliers, so a tilt and an offset are measured
together, where the objects are.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/support_phase.py [--seeds N]
[--recall]``; ``--recall`` also runs :func:`clip_perception.proposals.propose` on every
frame under each seed and prints the objects whose hit (IoU >= 0.5) or lateral pose
error (> 5 mm apart) changes with it.
"""
import argparse
from dataclasses import replace
import os

import cv2
import numpy as np

from clip_perception import support
from clip_perception.proposals import propose
from clip_perception.world.real_eval import evaluate
from clip_perception.world.real_eval import load_frames
from clip_perception.world.real_eval import pose_of_proposal
from clip_perception.world.real_eval import RealFrame
from clip_perception.world.real_eval import view_frame


def cut(frame, cols=0, rows=0):
    """``frame`` without its first ``cols`` columns and ``rows`` rows (K moved with them)."""
    if cols == 0 and rows == 0:
        return frame
    depth = np.ascontiguousarray(frame.depth[rows:, cols:])
    h, w = depth.shape
    k = replace(frame.intrinsics, cx=frame.intrinsics.cx - cols,
                cy=frame.intrinsics.cy - rows, width=w, height=h)
    return RealFrame(f'{frame.name}@cut{cols},{rows}', frame.rgb[rows:, cols:], depth, k,
                     frame.sensor, [], frame.reference_plane)


def plane_of(frame, seed=0):
    """Return the support plane ``(normal, offset, inlier centre)`` of ``frame``, or None.

    :param seed: the support search's sample seed (``find_support``'s ``sample_seed``).
    """
    pts, step = support.working_grid(frame.depth, frame.intrinsics)
    support.remove_flying_pixels(pts, support.pixel_spacing(step, frame.intrinsics))
    nrm = support.normals(pts)
    surface, _ = support.find_support(pts, nrm, step, frame.intrinsics,
                                      depth_m=frame.depth, sample_seed=seed)
    if surface is None:
        return None
    on = np.isfinite(pts[..., 2]) & surface.region & \
        (np.abs(pts @ surface.normal.astype(np.float32) + surface.offset) < 0.01)
    centre = pts[on].mean(axis=0) if on.any() else np.zeros(3)
    return np.asarray(surface.normal, float), float(surface.offset), centre


def variants(frame, seeds):
    """``(name, frame, mirrored)`` of each variant: seeds, cuts, mirror, scales."""
    out = [(f'seed{s}', frame, False, s) for s in range(seeds)]
    for c, r in ((1, 0), (2, 0), (3, 0), (0, 1), (0, 2), (4, 4), (5, 0)):
        out.append((f'cut{c},{r}', cut(frame, c, r), False, 0))
    out.append(('mirror', view_frame(frame, 'mirror'), True, 0))
    for s in ('0.75', '1.5'):
        out.append((f'scale{s}', view_frame(frame, f'scale:{s}'), False, 0))
    return out


def spread(planes, ref):
    """Largest angle (deg) between two normals; range (mm) of heights at ``ref``."""
    ns = np.array([p[0] for p in planes])
    cos = np.clip(ns @ ns.T, -1.0, 1.0)
    angle = float(np.degrees(np.arccos(cos.min())))
    # Where each plane meets the ray through ``ref``: its depth along that ray.
    ray = ref / np.linalg.norm(ref)
    t = np.array([-o / (n @ ray) for n, o, _ in planes])
    return angle, float((t.max() - t.min()) * 1000.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, default=8)
    parser.add_argument('--recall', action='store_true')
    parser.add_argument('--frames', default='', help='comma-separated frame names')
    args = parser.parse_args()
    cv2.setNumThreads(1)
    frames = load_frames(os.path.join('..', 'shared', 'data', 'real_rgbd'),
                         os.path.join('test', 'data', 'real_rgbd_labels.json'))
    if args.frames:
        frames = [f for f in frames if f.name in args.frames.split(',')]
    worst = []
    for frame in frames:
        rows = []
        for name, fr, mirrored, seed in variants(frame, args.seeds):
            p = plane_of(fr, seed)
            if p is not None and mirrored:
                p = (p[0] * [-1.0, 1.0, 1.0], p[1], p[2] * [-1.0, 1.0, 1.0])
            rows.append((name, p))
        found = [p for _, p in rows if p is not None]
        if not found:
            print(f'{frame.name}: no support under any variant')
            continue
        ref = rows[0][1][2] if rows[0][1] is not None else found[0][2]
        seed_planes = [p for n, p in rows if n.startswith('seed') and p is not None]
        a_all, d_all = spread(found, ref)
        a_seed, d_seed = spread(seed_planes, ref) if seed_planes else (0.0, 0.0)
        none = [n for n, p in rows if p is None]
        print(f'{frame.name}: all variants {a_all:.2f} deg / {d_all:.1f} mm; '
              f'seeds {a_seed:.2f} deg / {d_seed:.1f} mm'
              + (f'; no support: {none}' if none else ''))
        worst.append((frame.name, a_all, d_all, a_seed, d_seed))
        for name, p in rows:
            if p is not None:
                n, o, _ = p
                print(f'    {name:10s} n=({n[0]:+.4f},{n[1]:+.4f},{n[2]:+.4f}) d={o:.4f}')
    a = np.array([w[1:] for w in worst])
    print(f'over {len(worst)} frames: all variants median {np.median(a[:, 0]):.2f} deg / '
          f'{np.median(a[:, 1]):.1f} mm, max {a[:, 0].max():.2f} deg / {a[:, 1].max():.1f} mm; '
          f'seeds median {np.median(a[:, 2]):.2f} deg / {np.median(a[:, 3]):.1f} mm, '
          f'max {a[:, 2].max():.2f} deg / {a[:, 3].max():.1f} mm')
    if not args.recall:
        return
    hits, lat = {}, {}
    for s in range(args.seeds):
        fig = evaluate(frames, lambda rgb, depth, k, s=s: propose(rgb, depth, k, sample_seed=s),
                       pose_of_proposal, repeats=1)
        r = fig['recall']
        opaque = [sum(r[k][i] for k in r if k != 'transparent') for i in (0, 1)]
        print(f'seed {s}: opaque {opaque[0]}/{opaque[1]}, transparent '
              f'{r["transparent"][0]}/{r["transparent"][1]}')
        for name, v in fig['frames'].items():
            for m in v['missed']:
                hits.setdefault((name, m), set()).add(s)
        for p in fig['poses']:
            lat.setdefault((p['frame'], p['object']), {})[s] = p['lateral']
    flips = sorted(k for k, v in hits.items() if len(v) < args.seeds)
    print('found under some seeds, missed under others (missed under):')
    for k in flips:
        print(f'    {k[0]} / {k[1]}: {sorted(hits[k])}')
    print('lateral pose error moving > 5 mm over the seeds (mm):')
    for k, v in sorted(lat.items()):
        e = [1000.0 * x for x in v.values() if x is not None]
        if e and max(e) - min(e) > 5.0:
            print(f'    {k[0]} / {k[1]}: {min(e):.1f}-{max(e):.1f}')


if __name__ == '__main__':
    main()
