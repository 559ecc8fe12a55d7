"""Pose of an object near the image edge through a distorting lens: raw against rectified.

    .venv/bin/python benchmarks/rectify_pose.py    # results/rectify_pose_session33.log

Generated scenes (the bundled model, default parameters) with the red ball placed towards
the left edge, each seen three ways: the pinhole image the renderer makes; the raw image
of a wide-angle lens (plumb_bob k1 -0.35, k2 0.12, k3 -0.02: each raw pixel reads the
pinhole image where cv2.undistortPoints puts it, depth by nearest neighbour), read as
pinhole as the node did before ``rectify``; and that raw image rectified by
:class:`clip_perception.rectify.Rectifier`, as the node does with ``rectify:=auto``.
Columns: the distance (mm) of the posed centre from the ball's true centre. The pinhole
column is the pose's own error at that place in the image; rectified should match it.

A second table names the lens as the drivers do: Kalibr's ``radtan`` and librealsense's
``brown_conrady`` and ``modified_brown_conrady`` (the same coefficients, p1 = p2 = 0), and
librealsense's ``inverse_brown_conrady`` (:data:`INVERSE_LENS`, coefficients that take a
raw point to its ideal one: rsutil.h), each rectified by the model it names: medians over
the same eight scenes. The README quotes both tables.
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
INVERSE_LENS = [0.3, 0.08, 0.0, 0.0, 0.02]  # distorted -> ideal: a barrel lens's raw image
ALIASES = ('plumb_bob', 'radtan', 'brown_conrady', 'modified_brown_conrady')
PLACES = ((-0.30, -0.05), (-0.25, 0.10), (-0.20, -0.10), (-0.32, 0.15))
SEEDS = (4242, 7)


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


def through_inverse_lens(pixels, k, nearest):
    """Return the raw image librealsense's inverse Brown-Conrady with :data:`INVERSE_LENS` makes.

    The coefficients take a raw point to its ideal one by plumb_bob's formula (the SDK's
    deprojection), so each raw pixel reads the pinhole image where cv2.projectPoints puts
    its normalised ray.
    """
    h, w = pixels.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    rays = np.stack([(xs.ravel() - k[0, 2]) / k[0, 0], (ys.ravel() - k[1, 2]) / k[1, 1],
                     np.ones(xs.size)], 1)
    at = cv2.projectPoints(rays, np.zeros(3), np.zeros(3), k, np.array(INVERSE_LENS))[0]
    at = at.reshape(h, w, 2).astype(np.float32)
    return cv2.remap(pixels, at[..., 0], at[..., 1],
                     cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT,
                     borderValue=float('nan') if nearest else 0)


def scenes():
    """Yield ``(place, seed, scene, ball, K 3x3)`` for the eight scenes of both tables."""
    for place in PLACES:
        for seed in SEEDS:
            scene = generate_scene(seed, specs=[
                ObjectSpec('red', 'ball', 'large', place),
                ObjectSpec('blue', 'mug', 'small', (0.02, 0.08)),
                ObjectSpec('green', 'cube', 'small', (0.28, -0.04))])
            intr = scene.intrinsics
            k = np.array([[intr.fx, 0, intr.cx], [0, intr.fy, intr.cy], [0, 0, 1.0]])
            yield place, seed, scene, next(o for o in scene.objects if o.shape == 'ball'), k


def main():
    pipeline = Pipeline(ClipScorer('bundled', device='cpu', dtype='float32'),
                        PipelineConfig())

    def error_mm(scene, ball, colour, depth):
        result = pipeline.run(colour, 'the red ball', depth, scene.intrinsics)
        return float('nan') if result.pose is None else \
            1000 * float(np.linalg.norm(np.asarray(result.pose.position) - ball.centre))

    print('ball at (table x, y) | seed | pinhole mm | raw read as pinhole mm | rectified mm')
    errors = {'pinhole': [], 'raw': [], 'rectified': []}
    by_model = {name: {'raw': [], 'rectified': []}
                for name in ALIASES + ('inverse_brown_conrady',)}
    for place, seed, scene, ball, k in scenes():
        w, h = scene.intrinsics.width, scene.intrinsics.height
        raws = {'plumb_bob': (LENS, through_lens), 'inverse_brown_conrady': (INVERSE_LENS,
                                                                            through_inverse_lens)}
        row = [error_mm(scene, ball, scene.rgb, scene.depth)]
        errors['pinhole'].append(row[0])
        for lens_of, (coefficients, lens) in raws.items():
            rgb = lens(scene.rgb, k, False)
            depth = lens(scene.depth.astype(np.float32), k, True)
            raw = error_mm(scene, ball, rgb, depth)
            for name in (ALIASES if lens_of == 'plumb_bob' else (lens_of,)):
                rect = make_rectifier(k.ravel(), coefficients, np.eye(3).ravel(), name, k, w, h)
                rectified = error_mm(scene, ball, rect.colour(rgb), rect.depth(depth))
                by_model[name]['raw'].append(raw)
                by_model[name]['rectified'].append(rectified)
                if name == 'plumb_bob':
                    row += [raw, rectified]
                    errors['raw'].append(raw)
                    errors['rectified'].append(rectified)
        print(f'{place} | {seed} | ' + ' | '.join(f'{mm:.1f}' for mm in row))
    print('median | | ' + ' | '.join(f'{np.nanmedian(v):.1f}' for v in errors.values()))
    print()
    print('distortion_model (medians of the eight scenes) | raw read as pinhole mm | '
          'rectified mm')
    for name, values in by_model.items():
        print(f'{name} | {np.nanmedian(values["raw"]):.1f} | '
              f'{np.nanmedian(values["rectified"]):.1f}')


if __name__ == '__main__':
    main()
