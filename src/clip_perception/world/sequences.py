"""Frame sequences of one rendered scene: a still camera, a panning camera, twins, occlusion.

One wide scene is rendered once; each frame is a 640x480 window of it, moved by
``pan_px`` pixels per frame (back and forth), with fresh sensor noise every frame (colour
sigma 2 grey levels, depth sigma 1 mm + 1 mm per metre squared), so that no two frames
are identical, as from a real camera. Moving the window shifts the principal point; the
frame's :class:`clip_perception.geometry.Intrinsics` say so. Ground-truth boxes are in
window pixels.

Used by the tracking tests (``test/test_tracking.py``) and the static and moving camera
rows of ``benchmarks/benchmark.py``.
"""

from dataclasses import dataclass
from dataclasses import replace

import numpy as np

from clip_perception.geometry import Intrinsics
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import ObjectSpec

RGB_NOISE = 2.0
DEPTH_NOISE_M = 0.001


@dataclass(frozen=True)
class Frame:
    """One frame of a sequence.

    ``rgb`` (H, W, 3) uint8, ``depth`` (H, W) float32 m,
    ``intrinsics``, ``stamp`` (s), ``boxes`` {object index: ground-truth box in this
    frame or None when out of view} and ``offset`` (window x in the wide render, px).
    """

    rgb: np.ndarray
    depth: np.ndarray
    intrinsics: Intrinsics
    stamp: float
    boxes: dict
    offset: int


class Sequence:
    """A window moving over one wide render.

    :param scene: the wide :class:`clip_perception.world.scenes.Scene`.
    :param width: window width (px); the window height is the scene's.
    :param pan_px: window motion per frame (px), bouncing between the render's ends.
    :param rate: frames per second (stamps).
    :param seed: noise seed (frame ``k``'s noise depends on ``seed`` and ``k`` only).
    """

    def __init__(self, scene, width=640, pan_px=0, rate=30.0, seed=0):
        self.scene = scene
        self.width = width
        self.pan_px = int(pan_px)
        self.rate = rate
        self.seed = seed
        self.span = scene.rgb.shape[1] - width

    def offset(self, k):
        """Window x of frame ``k``: starts in the middle, moves ``pan_px`` a frame."""
        if self.pan_px == 0 or self.span <= 0:
            return max(0, self.span // 2)
        period = 2 * self.span
        x = (self.span // 2 + k * self.pan_px) % period
        return x if x <= self.span else period - x

    def frame(self, k, occlude=()):
        """Frame ``k``; objects whose indices are in ``occlude`` are hidden behind a board.

        The board is a flat grey rectangle 10 cm in front of the object, covering its box
        grown by a third on every side (colour and depth).
        """
        o = self.offset(k)
        s = self.scene
        rgb = s.rgb[:, o:o + self.width].astype(np.float32)
        depth = s.depth[:, o:o + self.width].copy()
        for i in occlude:
            x0, y0, x1, y1 = s.objects[i].box
            gx, gy = (x1 - x0) / 3, (y1 - y0) / 3
            xa, xb = int(max(x0 - gx - o, 0)), int(min(x1 + gx - o, self.width))
            ya, yb = int(max(y0 - gy, 0)), int(min(y1 + gy, rgb.shape[0]))
            if xb > xa and yb > ya:
                rgb[ya:yb, xa:xb] = (118, 112, 104)
                depth[ya:yb, xa:xb] = float(s.objects[i].centre[2]) - 0.1
        rng = np.random.default_rng([self.seed, k])  # frame k is the same on every call
        rgb += rng.normal(0.0, RGB_NOISE, rgb.shape)
        sigma = DEPTH_NOISE_M * (1.0 + np.nan_to_num(depth, nan=0.0) ** 2)
        depth = (depth + rng.normal(0.0, 1.0, depth.shape) * sigma).astype(np.float32)
        intr = replace(s.intrinsics, cx=s.intrinsics.cx - o, width=self.width)
        boxes = {}
        for i, obj in enumerate(s.objects):
            x0, y0, x1, y1 = obj.box
            inside = x0 - o >= 0 and x1 - o <= self.width
            boxes[i] = (x0 - o, y0, x1 - o, y1) if inside and i not in occlude else None
        return Frame(np.clip(np.round(rgb), 0, 255).astype(np.uint8), depth, intr,
                     k / self.rate, boxes, o)


def wide_scene(seed, specs=None, n_objects=6, width=640, height=480, margin=160):
    """Render a scene ``2 * margin`` pixels wider than the window, same focal length.

    :return: :class:`clip_perception.world.scenes.Scene` of ``width + 2 * margin`` x
        ``height`` pixels.
    """
    w = width + 2 * margin
    base = Intrinsics.default(width, height)
    intr = Intrinsics(base.fx, base.fy, (w - 1) / 2.0, base.cy, w, height)
    return generate_scene(seed, specs=specs, n_objects=n_objects, intrinsics=intr)


def twin_scene(seed, colour='red', shape='ball', gap=0.24, without=()):
    """Two identical objects ``gap`` metres apart plus two distractors, rendered wide.

    :param without: indices of objects to leave out (0 the left twin, 1 the right one,
        2 the mug, 3 the cube); the camera is the same.
    :return: ``(scene, twins)``: the scene and the indices of the twins in
        ``scene.objects`` (left one first).
    """
    specs = [ObjectSpec(colour, shape, 'small', position=(-gap / 2, 0.05)),
             ObjectSpec(colour, shape, 'small', position=(gap / 2, 0.05)),
             ObjectSpec('blue', 'mug', 'small', position=(0.0, -0.12)),
             ObjectSpec('green', 'cube', 'small', position=(0.02, 0.25))]
    specs = [sp for i, sp in enumerate(specs) if i not in without]
    scene = wide_scene(seed, specs=specs)
    twins = [i for i, o in enumerate(scene.objects) if (o.colour, o.shape) == (colour, shape)]
    twins.sort(key=lambda i: scene.objects[i].centre[0])
    return scene, twins


def box_owner(box, boxes, min_iou=0.3):
    """Index of the ground-truth box that ``box`` overlaps most (IoU >= ``min_iou``), or None.

    :param boxes: {index: box or None} as in :attr:`Frame.boxes`.
    """
    best, best_iou = None, min_iou
    for i, b in boxes.items():
        if b is None:
            continue
        ix = max(0.0, min(box[2], b[2]) - max(box[0], b[0]))
        iy = max(0.0, min(box[3], b[3]) - max(box[1], b[1]))
        inter = ix * iy
        union = (box[2] - box[0]) * (box[3] - box[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
        iou = inter / union if union > 0 else 0.0
        if iou >= best_iou:
            best, best_iou = i, iou
    return best
