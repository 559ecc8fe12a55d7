"""Pose error when the depth is the depth camera's own image, not registered to colour.

    PYTHONPATH=src .venv/bin/python benchmarks/unregistered_depth.py 12
    (issue11_session47_h165_inputs.log holds its output; helper-h165)

RealSense D435 at 640x480: colour fx = fy = 615 px, depth fx = fy = 385 px (typical
realsense-ros camera_info of both streams), depth camera 15 mm beside the colour camera
(the D435's depth-to-colour extrinsics, ~0.0147 m along x). A wide scene is rendered
with the colour focal length (so it covers the depth camera's field of view); the colour
frame is its centre 640x480; the depth camera's image is the scene's points moved by
the baseline and projected with the depth camera's K (z-buffered). Each frame is answered
by the pipeline with (a) the aligned depth, (b) the depth camera's image at the same
size (depth/image_rect_raw beside color/image_raw, no align_depth), (c) no depth.
"""
import sys

import numpy as np

from clip_perception.config import PipelineConfig
from clip_perception.geometry import Intrinsics
from clip_perception.pipeline import Pipeline
from clip_perception.scorer import ClipScorer
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import ObjectSpec

FC, FD, BASE = 615.0, 385.0, 0.015
W, H = 640, 480
BW, BH = 1100, 840
big_intr = Intrinsics(FC, FC, (BW - 1) / 2, (BH - 1) / 2, BW, BH)
x0, y0 = (BW - W) // 2, (BH - H) // 2
col_intr = Intrinsics(FC, FC, big_intr.cx - x0, big_intr.cy - y0, W, H)
dep_intr = Intrinsics(FD, FD, (W - 1) / 2, (H - 1) / 2, W, H)


def depth_camera_image(depth, intr):
    h, w = depth.shape
    v, u = np.mgrid[0:h, 0:w]
    z = depth.reshape(-1)
    ok = np.isfinite(z)
    x = ((u.reshape(-1) - intr.cx) / intr.fx * z)[ok] + BASE
    y = ((v.reshape(-1) - intr.cy) / intr.fy * z)[ok]
    z = z[ok]
    ud = np.round(FD * x / z + dep_intr.cx).astype(int)
    vd = np.round(FD * y / z + dep_intr.cy).astype(int)
    inside = (ud >= 0) & (ud < W) & (vd >= 0) & (vd < H)
    out = np.full((H, W), np.inf, np.float32)
    np.minimum.at(out, (vd[inside], ud[inside]), z[inside].astype(np.float32))
    out[~np.isfinite(out)] = np.nan
    return out


SPECS = [ObjectSpec('red', 'ball', 'small'), ObjectSpec('blue', 'mug', 'small'),
         ObjectSpec('green', 'cube', 'small'), ObjectSpec('yellow', 'cylinder', 'small')]


def _error(pipe, rgb, cmd, depth, truth):
    """``(status, metres from the truth or None)`` of one answer."""
    r = pipe.run(rgb, cmd, depth, col_intr)
    if r.pose is None:
        return r.status, None
    return r.status, float(np.linalg.norm(np.asarray(r.pose.position) - truth))


def main(n):
    pipe = Pipeline(ClipScorer('bundled', device='cpu', dtype='float32'), PipelineConfig())
    rows = []
    for seed in range(n):
        scene = generate_scene(9000 + seed, specs=SPECS, intrinsics=big_intr)
        rgb = np.ascontiguousarray(scene.rgb[y0:y0 + H, x0:x0 + W])
        aligned = np.ascontiguousarray(scene.depth[y0:y0 + H, x0:x0 + W])
        other = depth_camera_image(scene.depth, big_intr)
        for o in scene.objects:
            bx = o.box
            inside = x0 + 20 <= bx[0] and bx[2] <= x0 + W - 20 and y0 + 20 <= bx[1] and \
                bx[3] <= y0 + H - 20
            if not inside or o.visible_fraction < 0.6:
                continue
            cmd = f'the {o.colour} {o.shape}'
            errs = [_error(pipe, rgb, cmd, d, o.centre) for d in (aligned, other, None)]
            rows.append(errs)
            u = (bx[0] + bx[2]) / 2 - x0
            print(seed, cmd, f'u={u:.0f}', ' | '.join(
                f'{s} {e * 100:.1f} cm' if e is not None else s for s, e in errs), flush=True)
    for k, name in enumerate(('aligned depth', 'depth camera image (other frame)', 'no depth')):
        e = np.array([r[k][1] for r in rows if r[k][1] is not None and r[0][0] == 'found'])
        statuses = {}
        for r in rows:
            statuses[r[k][0]] = statuses.get(r[k][0], 0) + 1
        if len(e):
            print(f'{name}: n={len(e)} posed; median {np.median(e) * 100:.1f} cm, p90 '
                  f'{np.percentile(e, 90) * 100:.1f} cm, max {e.max() * 100:.1f} cm; over 2 cm '
                  f'{int((e > 0.02).sum())}; statuses {statuses}')
        else:
            print(f'{name}: none posed; statuses {statuses}')

if __name__ == '__main__':
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
