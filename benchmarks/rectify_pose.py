"""Pose of an object near the image edge through a distorting lens: raw against rectified.

    .venv/bin/python benchmarks/rectify_pose.py    # rectify_pose.log

Generated scenes (the bundled model, default parameters) with the red ball placed towards
the left edge, each seen three ways: the pinhole image the renderer makes; the raw image
of a wide-angle lens (plumb_bob k1 -0.35, k2 0.12, k3 -0.02: each raw pixel reads the
pinhole image where cv2.undistortPoints puts it, depth by nearest neighbour), read as
pinhole as the node did before ``rectify``; and that raw image rectified by
:class:`clip_perception.rectify.Rectifier`, as the node does with ``rectify:=auto``.
Columns: the distance (mm) of the posed centre from the ball's true centre. The pinhole
column is the pose's own error at that place in the image; rectified should match it.
"""

import cv2
import numpy as np

from clip_perception.config import PipelineConfig
from clip_perception.pipeline import Pipeline
from clip_perception.rectify import make_rectifier
from clip_perception.scorer import ClipScorer
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import ObjectSpec

LENS = [-0.35, 0.12, 0.0, 0.0, -0.02]


def through_lens(pixels, k, nearest):
    """Return the raw image (same shape, dtype) a lens with :data:`LENS` makes of ``pixels``."""
    h, w = pixels.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    grid = np.stack([xs.ravel(), ys.ravel()], 1)[:, None]
    at = cv2.undistortPoints(grid, k, np.array(LENS), P=k).reshape(h, w, 2)
    return cv2.remap(pixels, at[..., 0], at[..., 1],
                     cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT,
                     borderValue=float('nan') if nearest else 0)


def main():
    pipeline = Pipeline(ClipScorer('bundled', device='cpu', dtype='float32'),
                        PipelineConfig())
    print('ball at (table x, y) | seed | pinhole mm | raw read as pinhole mm | rectified mm')
    errors = {'pinhole': [], 'raw': [], 'rectified': []}
    for place in ((-0.30, -0.05), (-0.25, 0.10), (-0.20, -0.10), (-0.32, 0.15)):
        for seed in (4242, 7):
            scene = generate_scene(seed, specs=[
                ObjectSpec('red', 'ball', 'large', place),
                ObjectSpec('blue', 'mug', 'small', (0.02, 0.08)),
                ObjectSpec('green', 'cube', 'small', (0.28, -0.04))])
            ball = next(o for o in scene.objects if o.shape == 'ball')
            intr = scene.intrinsics
            k = np.array([[intr.fx, 0, intr.cx], [0, intr.fy, intr.cy], [0, 0, 1.0]])
            rgb = through_lens(scene.rgb, k, False)
            depth = through_lens(scene.depth.astype(np.float32), k, True)
            rect = make_rectifier(k.ravel(), LENS, np.eye(3).ravel(), 'plumb_bob', k,
                                  intr.width, intr.height)
            row = []
            for name, (c, d) in (('pinhole', (scene.rgb, scene.depth)), ('raw', (rgb, depth)),
                                 ('rectified', (rect.colour(rgb), rect.depth(depth)))):
                result = pipeline.run(c, 'the red ball', d, intr)
                mm = float('nan') if result.pose is None else \
                    1000 * float(np.linalg.norm(np.asarray(result.pose.position) - ball.centre))
                errors[name].append(mm)
                row.append(f'{mm:.1f}')
            print(f'{place} | {seed} | ' + ' | '.join(row))
    print('median | | ' + ' | '.join(f'{np.nanmedian(v):.1f}' for v in errors.values()))


if __name__ == '__main__':
    main()
