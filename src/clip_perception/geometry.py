"""Boxes, pinhole back-projection and the mesh-free pose of a target from aligned depth.

Conventions: pixel boxes are ``(x0, y0, x1, y1)`` with exclusive upper bounds; 3D points
are in the camera optical frame (REP 103: x right, y down, z forward), in metres.
"""

from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache

import cv2
import numpy as np

from clip_perception.support import cross3
from clip_perception.support import large_components
from clip_perception.support import nan_box_mean
from clip_perception.support import percentile


@dataclass(frozen=True)
class Intrinsics:
    """Pinhole camera model (the parts of ``sensor_msgs/CameraInfo`` the core needs)."""

    fx: float
    fy: float
    cx: float
    cy: float
    width: int
    height: int

    @classmethod
    def from_k(cls, k, width, height):
        """Build from a row-major 3x3 camera matrix ``K`` (9 floats)."""
        k = np.asarray(k, dtype=np.float64).reshape(-1)
        if k.size != 9:
            raise ValueError(f'K must have 9 elements, got {k.size}')
        if not np.all(np.isfinite(k)):
            raise ValueError('K holds NaN or inf')
        if k[0] <= 0 or k[4] <= 0:
            raise ValueError(f'K has non-positive focal lengths fx={k[0]}, fy={k[4]}')
        if width <= 0 or height <= 0:
            raise ValueError(f'camera size must be positive, got {width}x{height}')
        return cls(float(k[0]), float(k[4]), float(k[2]), float(k[5]), int(width), int(height))

    @classmethod
    def default(cls, width=640, height=480):
        """Kinect/RealSense-like defaults: 525 px focal length at 640x480, scaled."""
        f = 525.0 * width / 640.0
        return cls(f, f, (width - 1) / 2.0, (height - 1) / 2.0, width, height)

    def k(self):
        """Row-major 3x3 camera matrix as 9 floats."""
        return [self.fx, 0.0, self.cx, 0.0, self.fy, self.cy, 0.0, 0.0, 1.0]

    def scaled(self, sx, sy):
        """Intrinsics of the same camera after resizing the image by ``(sx, sy)``."""
        return Intrinsics(self.fx * sx, self.fy * sy, (self.cx + 0.5) * sx - 0.5,
                          (self.cy + 0.5) * sy - 0.5, round(self.width * sx),
                          round(self.height * sy))


def _box_intersections(a, b):
    """Return ``(a, b, inter)``: the boxes as (N, 4) and (M, 4) float64, (N, M) overlap areas."""
    a = np.asarray(a, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
    ix0 = np.maximum(a[:, None, 0], b[None, :, 0])
    iy0 = np.maximum(a[:, None, 1], b[None, :, 1])
    ix1 = np.minimum(a[:, None, 2], b[None, :, 2])
    iy1 = np.minimum(a[:, None, 3], b[None, :, 3])
    return a, b, np.clip(ix1 - ix0, 0, None) * np.clip(iy1 - iy0, 0, None)


def box_inside(a, b):
    """Matrix of the share of each box of ``a`` that lies inside each box of ``b``.

    :param a: (N, 4) boxes ``x0, y0, x1, y1``.
    :param b: (M, 4) boxes.
    :return: (N, M) float64 in [0, 1]: overlap area over the area of ``a``'s box (1e-9 at
        least, so an empty box gives 0).
    """
    a, _, inter = _box_intersections(a, b)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    return inter / np.maximum(area_a, 1e-9)[:, None]


def pixel_box(box, shape):
    """Return ``box`` as whole pixels inside an image of ``shape``.

    :param box: ``(x0, y0, x1, y1)`` pixels, floats or ints (rounded to the nearest).
    :param shape: ``(h, w, ...)`` of the image.
    :return: ``(x0, y0, x1, y1)`` ints, clipped to ``[0, w] x [0, h]``; empty
        (``x1 <= x0`` or ``y1 <= y0``) when the box lies outside the image.
    """
    h, w = shape[:2]
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    return max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)


def box_iou(a, b):
    """IoU matrix of two box arrays.

    :param a: (N, 4) boxes ``x0, y0, x1, y1``.
    :param b: (M, 4) boxes.
    :return: (N, M) float64 IoU.
    """
    a, b, inter = _box_intersections(a, b)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


# Metres per unit of integer (16UC1) depth: REP 118 says millimetres. Not every camera
# follows it: a RealSense D405 publishes units of 0.1 mm (depth_units 0.0001), so read as
# millimetres every pose landed 10 times farther (realsense-ros issue #3438).
DEFAULT_DEPTH_SCALE = 0.001


def depth_to_metres(depth, depth_scale=DEFAULT_DEPTH_SCALE):
    """Convert a depth image to float32 metres with NaN where there is no reading.

    :param depth: (H, W) uint16 integer depth (0 and 65535 = no reading) or float32
        metres (NaN, inf or <= 0 = no reading).
    :param depth_scale: metres per unit of uint16 depth (0.001: millimetres, REP 118;
        0.0001 for a RealSense D405). Float depth is metres whatever it is.
    :return: (H, W) float32 metres.
    """
    if depth.dtype == np.uint16:
        out = depth.astype(np.float32) * np.float32(depth_scale)
        # 65535 is a driver's "no reading" code, at any scale (at 0.1 mm it reads 6.55 m,
        # short of MAX_DEPTH_READING_M, where the millimetre 65.5 m was caught).
        out[(depth == 0) | (depth == np.iinfo(np.uint16).max)] = np.nan
        return out
    with np.errstate(over='ignore'):  # 64FC1 beyond float32 (DBL_MAX codes): inf, none
        out = depth.astype(np.float32, copy=True)
    out[~np.isfinite(out) | (out <= 0)] = np.nan
    return out


# What a depth image's pixel measures (the ``depth_kind`` parameter). ``z``: the distance
# along the optical axis, REP 118's depth (Isaac Sim's distance_to_image_plane, AirSim's
# DepthPlanar, every RGB-D camera driver). ``ray``: the distance from the optical centre
# along the pixel's ray, a range (Isaac Sim's distance_to_camera, "the distance to camera
# optical center", isaac-sim/IsaacLab#976; AirSim's DepthPerspective, "the depth from the
# camera using a projection ray that hits that pixel"; Hypersim's depth, apple/ml-hypersim#57).
DEPTH_KINDS = ('z', 'ray')


def ray_to_z(depth_m, intrinsics):
    """Convert depth measured along each pixel's ray to depth along the optical axis.

    A point at range ``r`` seen at pixel ``(u, v)`` lies at
    ``z = r / sqrt(1 + ((u - cx) / fx)^2 + ((v - cy) / fy)^2)``: the ray through the
    pixel is ``((u - cx) / fx, (v - cy) / fy, 1)`` scaled by ``z`` (image_geometry's
    projectPixelTo3dRay, as introlab/rtabmap#1209 answers). Read as z, a range puts every
    point off the optical axis too far along its ray: a flat table bows away from the
    camera towards the image edges (microsoft/AirSim#3316), 6 cm at 0.8 m in a 640x480
    image's corner at 525 px focal length.

    :param depth_m: (H, W) float32 ranges in metres, NaN = no reading, in the image that
        ``intrinsics`` describe (pixel centres at integers).
    :param intrinsics: :class:`Intrinsics` of that image.
    :return: (H, W) float32 depth along the optical axis, metres, NaN where ``depth_m`` is.
    """
    return (depth_m * _ray_factor_of(depth_m, intrinsics)).astype(np.float32, copy=False)


# A table read one way must hold at least this share of the sampled lower image, and
# twice the share read the other way, for the other way to be suggested. Measured at
# stride 12: real z depth (shared/data/real_rgbd, 16 frames) holds 0.00 (no table in
# view) to 0.96 as z and at most 0.42 read as a range; the toy scenes' ranges hold
# 0.00-0.26 as z and 0.81-0.88 converted.
DEPTH_KIND_PLANE_SHARE = 0.5
# Or: read one way no plane holds more than DEPTH_KIND_NO_PLANE of the sampled points, and
# read the other way one holds DEPTH_KIND_SOME_PLANE: the reading made a plane where there
# was none. A wide view (110 degrees across: AirSim's FOV_Degrees set wide) takes in the
# floor beyond the table, so its table converted holds 0.36-0.50 of the lower image and
# the rule above missed 3 of 4 such views given as ranges (helper-110: another renderer's
# frames, test/other_renderer.py); read as z they hold 0.00. Real z depth read as z holds
# 0.25 or more wherever a plane holds any point read as a range (shared/data/real_rgbd:
# arc_suction 0.00 both ways, posecnn_4 0.25 and 0.00).
DEPTH_KIND_NO_PLANE = 0.05
DEPTH_KIND_SOME_PLANE = 0.3
# Or: read the other way one plane holds DEPTH_KIND_FLAT of the points, and
# DEPTH_KIND_FLAT_RATIO times the share read as given. A narrow view (40-50 degrees
# across, Isaac Sim's default 24 mm lens on its 20.955 mm aperture: 47) bows its table
# too little for twice the share: its ranges held 0.47-0.67 read as z and 0.94-0.97
# converted, and 10 of 24 such views of test/other_renderer.py were not told
# (helper-110); then 8 of the 10 are (40 degrees seen from 20: 0.67 and 0.95, not). The
# same views in z hold at most 0.70 converted, the 16 real frames at most 0.42, the toy
# scenes 0.26. helper-118: at 1.5 times, views seen from 15-20 degrees (0.64-0.67 as z,
# 0.92-0.95 converted) were missed; at 1.3 times 25 of 32 views 35-50 degrees across seen
# from 15-45 degrees are told (20 before). Z depth converted as if it were ranges bows, so
# it never holds more than read as z: the same 32 views in z at most 0.97 times (35 degrees
# from 15: 0.94 as z, 0.91 converted), none told; the views still missed are within 1.25
# times (35-40 degrees from 15-20), where a range is within 7% of z at the image's corners.
DEPTH_KIND_FLAT = 0.9
DEPTH_KIND_FLAT_RATIO = 1.3


# Depth mirrored left-right against its colour image (depth_mirror_hint). Edges are found
# on a grid of about MIRROR_GRID_SIDE samples a side: a colour edge where the grey
# gradient is in the top MIRROR_COLOUR_EDGES of the image; a depth edge where log depth
# jumps by more than MIRROR_DEPTH_JUMP (5%) to a neighbour. helper-118 measured the share
# of depth edges within two samples of a colour edge: near-symmetric views keep most of
# it mirrored (another renderer's tabletops 0.73-0.97 mirrored against 0.90-1.00 as sent),
# and real frames' misregistration lowers it as sent (0.62-1.0), so only 2 of 5 (of 36:
# benchmarks/input_checks.py) tabletops and 2 of the 16 real frames mirrored were told.
# helper-126: the mean distance (grid samples) from depth edges to the nearest colour edge
# separates them: as sent 0.0-0.7 on tabletops and toy scenes, 0.7-3.8 on the real frames;
# mirrored 0.2-2.1 on tabletops (0.0-0.7 where the view is symmetric: no way to tell, and
# little to lose), 1.3-2.9 on toy scenes, 1.9-10.3 on real frames. Said mirrored where the
# depth as read lies MIRROR_DISTANCE_RATIO times as far, and MIRROR_DISTANCE_MARGIN more,
# from colour edges as mirrored back; see benchmarks/results/input_checks_session38.log.
MIRROR_GRID_SIDE = 240
MIRROR_COLOUR_EDGES = 0.15
MIRROR_DEPTH_JUMP = 0.05
MIRROR_MIN_EDGES = 50
MIRROR_DISTANCE_RATIO = 2.0
MIRROR_DISTANCE_MARGIN = 0.2


def _depth_edge_distance(to_colour, depth_m):
    """Mean distance (grid samples) from depth edges to the nearest colour edge.

    :param to_colour: (h, w) float32 distance transform to the colour edges.
    :param depth_m: (h, w) float32 metres on the same grid, NaN = no reading.
    :return: float, or None with fewer than :data:`MIRROR_MIN_EDGES` depth edges.
    """
    with np.errstate(invalid='ignore', divide='ignore'):
        log = np.log(np.where(depth_m > 0, depth_m, np.nan))
        edges = np.zeros(depth_m.shape, bool)
        edges[:, 1:] |= np.abs(np.diff(log, axis=1)) > MIRROR_DEPTH_JUMP
        edges[1:, :] |= np.abs(np.diff(log, axis=0)) > MIRROR_DEPTH_JUMP
    if int(edges.sum()) < MIRROR_MIN_EDGES:
        return None
    return float(to_colour[edges].mean())


def depth_mirror_hint(rgb, depth_m):
    """Tell depth whose columns run the other way from its colour image's.

    A renderer may publish depth mirrored left-right against its colour
    (fsstudio-team/ZeroSimROSUnity#6: "the depth image is mirrored" in RViz, Unity's RGB-D
    sensor): nothing in either message says so, and every pose takes its depth from the
    other side of the image, on the table or another object, metres or centimetres off
    with nothing said. Depth edges lie on colour edges in registered depth; mirrored, they
    lie on them only where the scene is symmetric. Said where the depth as read lies
    :data:`MIRROR_DISTANCE_RATIO` times as far from colour edges (and
    :data:`MIRROR_DISTANCE_MARGIN` more) as mirrored back; see the measurements by the
    constants. A view symmetric left-right cannot be told (and mirroring moves little in
    it).

    :param rgb: (H, W, 3) uint8 RGB.
    :param depth_m: (H, W) float32 metres registered to ``rgb`` (NaN = no reading).
    :return: None, or ``(sent, mirrored)``: the mean distances (grid samples, about
        ``min(H, W) / 240`` px each) from depth edges to colour edges, as read and mirrored.
    """
    if depth_m.shape != rgb.shape[:2]:
        return None
    step = max(1, min(depth_m.shape) // MIRROR_GRID_SIDE)
    grey = cv2.cvtColor(np.ascontiguousarray(rgb[::step, ::step]), cv2.COLOR_RGB2GRAY)
    grey = grey.astype(np.float32)
    mag = np.hypot(cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1))
    colour = mag > np.percentile(mag, 100 * (1 - MIRROR_COLOUR_EDGES))
    to_colour = cv2.distanceTransform((~colour).astype(np.uint8), cv2.DIST_L2, 3)
    depth = np.ascontiguousarray(depth_m[::step, ::step], dtype=np.float32)
    sent = _depth_edge_distance(to_colour, depth)
    if sent is None or sent < MIRROR_DISTANCE_MARGIN:
        return None
    mirrored = _depth_edge_distance(to_colour, np.ascontiguousarray(depth[:, ::-1]))
    told = sent >= MIRROR_DISTANCE_RATIO * mirrored + MIRROR_DISTANCE_MARGIN
    return (sent, mirrored) if told else None


def depth_kind_hint(depth_m, intrinsics, kind, stride=12):
    """Return the other ``depth_kind`` when the table is flat only read that way, else None.

    A range read as z bows a flat table away from the camera towards the image edges, so
    the plane that :func:`fit_plane_ransac` finds holds few of the points; converted
    (:func:`ray_to_z`) it is flat again. Depth with no table in view, or too narrow a
    view to bow, suggests nothing.

    :param depth_m: (H, W) float32 metres as read with ``kind``, NaN = no reading.
    :param intrinsics: :class:`Intrinsics` of the image.
    :param kind: ``'z'`` or ``'ray'``, the ``depth_kind`` the depth was read with.
    :param stride: pixels between the points sampled (12: about 50 ms a call on 2 cores).
    :return: ``(other_kind, share_as_read, share_other)`` or None.
    """
    if kind == 'z':
        other = ray_to_z(depth_m, intrinsics)
    else:  # back to the ranges it was converted from
        other = depth_m / _ray_factor_of(depth_m, intrinsics)
    read, alternative = (_plane_share(d, intrinsics, stride) for d in (depth_m, other))
    if (alternative >= DEPTH_KIND_PLANE_SHARE and alternative >= 2 * read) or (
            read <= DEPTH_KIND_NO_PLANE and alternative >= DEPTH_KIND_SOME_PLANE) or (
            alternative >= DEPTH_KIND_FLAT and alternative >= DEPTH_KIND_FLAT_RATIO * read):
        return DEPTH_KINDS[1 - DEPTH_KINDS.index(kind)], read, alternative
    return None


def _plane_share(depth_m, intrinsics, stride):
    """Share of the lower two thirds' sampled points on the dominant plane (0 if none)."""
    plane = fit_plane_ransac(depth_m, intrinsics, stride=stride)
    if plane is None:
        return 0.0
    h, w = depth_m.shape
    vs, us = np.mgrid[h // 3:h:stride, 0:w:stride]
    z = depth_m[vs, us]
    valid = np.isfinite(z)
    pts = back_project(us[valid], vs[valid], z[valid], intrinsics)
    normal, offset = plane
    return float(np.mean(np.abs(pts @ normal + offset) < 0.006))


# Cameras whose ray factors are kept: the cameras of one process (clip_perception_cameras,
# each depth_kind ray) and a resolution switch or recalibration of one; 1.2 MB each at 640x480.
RAY_FACTOR_CAMERAS = 8


def _ray_factor_of(depth_m, intrinsics):
    """``1 / |ray|`` of each pixel of ``depth_m``'s (H, W) image (:func:`_ray_factor`)."""
    h, w = depth_m.shape[:2]
    return _ray_factor(intrinsics.fx, intrinsics.fy, intrinsics.cx, intrinsics.cy, h, w)


@lru_cache(maxsize=RAY_FACTOR_CAMERAS)
def _ray_factor(fx, fy, cx, cy, h, w):
    """``1 / |ray|`` of each pixel, (H, W) float32, read-only; the busiest cameras' kept.

    Least recently used goes (functools.lru_cache, safe across the cameras' worker
    threads): a hand-made cache of the first-made 4 dropped the oldest, so 5 cameras
    answered in turn made each frame's factor again, and two workers could drop one key
    twice (KeyError).
    """
    x = (np.arange(w, dtype=np.float64) - cx) / fx
    y = (np.arange(h, dtype=np.float64) - cy) / fy
    factor = (1.0 / np.sqrt(1.0 + x[None, :] ** 2 + y[:, None] ** 2)).astype(np.float32)
    factor.flags.writeable = False
    return factor


def back_project(us, vs, z, intrinsics):
    """Back-project pixels with depth to camera-frame points.

    :param us: (N,) pixel columns (float, pixel centres at integers).
    :param vs: (N,) pixel rows.
    :param z: (N,) depth along the optical axis, metres.
    :return: (N, 3) float64 points.
    """
    z = np.asarray(z, dtype=np.float64)
    x = (np.asarray(us, dtype=np.float64) - intrinsics.cx) * z / intrinsics.fx
    y = (np.asarray(vs, dtype=np.float64) - intrinsics.cy) * z / intrinsics.fy
    return np.stack([x, y, z], axis=-1)


def fit_plane_ransac(depth_m, intrinsics, iterations=120, tolerance=0.006, stride=6, seed=0):
    """Find the dominant plane (the table) in a depth image.

    Samples every ``stride``-th pixel of the lower two thirds of the image, where a
    tabletop camera sees the support surface, then refines the best RANSAC hypothesis
    by least squares on its inliers.

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :return: ``(normal, offset)`` with ``normal . p + offset = 0`` for points ``p`` on
        the plane and ``normal`` pointing towards the camera, or None if no plane holds
        at least 20% of the sampled points.
    """
    h, w = depth_m.shape
    vs, us = np.mgrid[h // 3:h:stride, 0:w:stride]
    z = depth_m[vs, us]
    valid = np.isfinite(z)
    if valid.sum() < 50:
        return None
    pts = back_project(us[valid], vs[valid], z[valid], intrinsics)
    rng = np.random.default_rng(seed)
    best_count, best = 0, None
    for _ in range(iterations):
        sample = pts[rng.choice(len(pts), 3, replace=False)]
        normal = np.cross(sample[1] - sample[0], sample[2] - sample[0])
        norm = np.linalg.norm(normal)
        if norm < 1e-9:
            continue
        normal /= norm
        offset = -normal @ sample[0]
        count = int((np.abs(pts @ normal + offset) < tolerance).sum())
        if count > best_count:
            best_count, best = count, (normal, offset)
    if best is None or best_count < 0.2 * len(pts):
        return None
    normal, offset = best
    inliers = pts[np.abs(pts @ normal + offset) < tolerance]
    centroid = inliers.mean(axis=0)
    _, _, vt = np.linalg.svd(inliers - centroid, full_matrices=False)
    normal = vt[2]
    offset = -normal @ centroid
    if offset < 0:  # the camera origin must lie on the positive side
        normal, offset = -normal, -offset
    return normal, float(offset)


@dataclass(frozen=True)
class PoseEstimate:
    """3D pose of a target from depth, camera optical frame, metres.

    ``position`` estimates the object's centre; ``surface_point`` is the median of the
    visible surface points (what a naive back-projection gives); ``covariance`` is the
    3x3 spread of the visible points around ``position`` divided by their count, a
    standard-error-like figure; ``extent`` the robust size of the visible points (m).

    With a support surface: ``orientation`` is a unit quaternion ``(x, y, z, w)`` of
    the object frame in the camera optical frame, z along the surface normal (up, away
    from the surface), x along the object's longest horizontal axis (of the two
    directions, the one closer to the camera's x, i.e. to the right in the image);
    ``dimensions`` ``(length, width, height)`` in metres along the object's x, y, z;
    ``yaw`` the angle (rad, in (-pi/2, pi/2]) from the camera's x axis projected onto the
    surface to the object's x, about z. Without a surface: identity orientation, yaw 0,
    ``dimensions`` the visible extent in the camera frame. ``method``: ``points``
    (from the object's depth points), ``support_ray`` (little or no depth: the ray
    through the bottom of the box meets the support surface), ``no_surface`` or ``pile``
    (an item of a pile, from its visible part: :func:`clip_perception.pipeline.proposal_pose`).
    """

    position: np.ndarray
    surface_point: np.ndarray
    covariance: np.ndarray
    extent: np.ndarray
    num_points: int
    orientation: np.ndarray = field(default_factory=lambda: np.array([0.0, 0.0, 0.0, 1.0]))
    dimensions: np.ndarray = field(default_factory=lambda: np.zeros(3))
    yaw: float = 0.0
    method: str = 'points'


def quaternion_from_matrix(r):
    """Return the unit quaternion ``(x, y, z, w)`` of a 3x3 rotation (columns = axes)."""
    r = np.asarray(r, dtype=np.float64)
    t = np.trace(r)
    if t > 0:
        s = 2.0 * np.sqrt(t + 1.0)
        q = [(r[2, 1] - r[1, 2]) / s, (r[0, 2] - r[2, 0]) / s, (r[1, 0] - r[0, 1]) / s, 0.25 * s]
    elif r[0, 0] > r[1, 1] and r[0, 0] > r[2, 2]:
        s = 2.0 * np.sqrt(1.0 + r[0, 0] - r[1, 1] - r[2, 2])
        q = [0.25 * s, (r[0, 1] + r[1, 0]) / s, (r[0, 2] + r[2, 0]) / s, (r[2, 1] - r[1, 2]) / s]
    elif r[1, 1] > r[2, 2]:
        s = 2.0 * np.sqrt(1.0 + r[1, 1] - r[0, 0] - r[2, 2])
        q = [(r[0, 1] + r[1, 0]) / s, 0.25 * s, (r[1, 2] + r[2, 1]) / s, (r[0, 2] - r[2, 0]) / s]
    else:
        s = 2.0 * np.sqrt(1.0 + r[2, 2] - r[0, 0] - r[1, 1])
        q = [(r[0, 2] + r[2, 0]) / s, (r[1, 2] + r[2, 1]) / s, 0.25 * s, (r[1, 0] - r[0, 1]) / s]
    q = np.array(q)
    q /= np.linalg.norm(q)
    return q if q[3] >= 0 else -q


def surface_frame(normal):
    """Two in-plane unit axes ``(ex, ey)``: ex is the camera's x projected onto the plane."""
    n = np.asarray(normal, dtype=np.float64)
    ex = np.array([1.0, 0.0, 0.0]) - n[0] * n
    if np.linalg.norm(ex) < 1e-3:
        ex = np.array([0.0, -1.0, 0.0]) - (-n[1]) * n
    ex /= np.linalg.norm(ex)
    return ex, cross3(n, ex)


# front_arc reads the front outline in ARC_BINS slices across the object (at least
# ARC_BINS - 2 of them holding points) and keeps the circle when the slices lie within
# ARC_MAX_RESIDUAL of its radius (RMS): a flat face or a right-angled corner fits no
# circle that well and keeps the width rule (test_geometry.py's synthetic fronts; set
# once, not tuned to an evaluation).
ARC_BINS = 9
ARC_MAX_RESIDUAL = 0.06
# ... and only when a straight line through the same slices leaves at least ARC_OVER_LINE
# times the circle's RMS residual: a ball's or cylinder's front (a half circle) leaves a
# line about 0.2 r off, a flat face under noise about what the circle leaves (review of
# 2fa0258: depth noise of K z^2 m, K 0.0015-0.003 for a Kinect v1 per Khoshelham and
# Elberink, Sensors 2012, let about 1 % of box fronts at 1-3 m fit a circle and moved
# them 10-50 mm; test_geometry.py's synthetic fronts, not tuned to an evaluation).
ARC_OVER_LINE = 2.5
# With the view within this angle (degrees) of the surface normal -- the camera looking
# nearly straight down -- the front outline is too foreshortened to fit, and the
# visible points cover the footprint anyway.
STEEP_ARC_MIN_DEG = 10.0


def front_arc(along_l, along_f, half_width):
    """Centre and radius of a rounded object's front outline seen from the side, or None.

    A ball's or an upright cylinder's points seen from the side lie, nearest the camera
    in each slice across the view, on a circle of the object's footprint (a ball's
    equator, a cylinder's wall). Its width read from the points' spread shrinks when
    depth is lost at the silhouette -- a time-of-flight camera's mixed ("flying") pixels
    removed, a stereo matcher's eroded edges, a ball's limb where few pixels fall -- and
    the centre, put half that width behind the front, came nearer the camera (a 5.5 cm
    ball: 4 mm -> 8.5 mm off with ToF flying pixels, a 14 cm ball 9 mm off without). A
    least-squares circle (Kasa's algebraic fit) through the nearest point of each slice
    keeps the radius of what remains of the arc.

    :param along_l: (N,) float64 m, the points across the viewing direction (lateral).
    :param along_f: (N,) float64 m, the same points along the viewing direction on the
        surface (forward, away from the camera).
    :param half_width: the half spread of ``along_l`` (m), the scale the fit must agree
        with: a radius outside 0.8-1.6 times it is no arc of this object.
    :return: ``(centre_l, centre_f, radius)`` m, or None (too few slices, a poor fit, a
        radius out of range, or a centre in front of the points).
    """
    if len(along_l) < 4 * ARC_BINS or half_width <= 0:
        return None
    lo, hi = np.percentile(along_l, [1, 99])
    edges = np.linspace(lo, hi, ARC_BINS + 1)
    idx = np.clip(np.searchsorted(edges, along_l, side='right') - 1, 0, ARC_BINS - 1)
    ls, fs = [], []
    for b in range(ARC_BINS):
        sel = idx == b
        if sel.sum() >= 3:
            f = along_f[sel]
            near = f <= np.percentile(f, 10)
            ls.append(float(np.median(along_l[sel][near])))
            fs.append(float(np.median(f[near])))
    if len(ls) < ARC_BINS - 2:
        return None
    ls, fs = np.array(ls), np.array(fs)
    a = np.stack([ls, fs, np.ones_like(ls)], axis=1)
    sol, *_ = np.linalg.lstsq(a, -(ls * ls + fs * fs), rcond=None)
    cl, cf = -0.5 * sol[0], -0.5 * sol[1]
    r2 = cl * cl + cf * cf - sol[2]
    if r2 <= 0:
        return None
    r = float(np.sqrt(r2))
    resid = np.sqrt(np.mean((np.hypot(ls - cl, fs - cf) - r) ** 2))
    if not (0.8 * half_width <= r <= 1.6 * half_width) or resid > ARC_MAX_RESIDUAL * r \
            or cf <= fs.min():
        return None
    # A straight front (a flat face, seen square or slanted) under depth noise fits a
    # circle within ARC_MAX_RESIDUAL too when the noise is a few per cent of the object
    # (Kinect v1 at 2 m: 11 mm): its curve must explain the slices far better than a line.
    line = np.polynomial.polynomial.polyfit(ls, fs, 1)
    flat = np.sqrt(np.mean((np.polynomial.polynomial.polyval(ls, line) - fs) ** 2))
    if flat < ARC_OVER_LINE * resid:
        return None
    return float(cl), float(cf), r


def _oriented(points2d):
    """Principal in-plane axis (unit 2-vector) and robust extents of 2-D points."""
    c = points2d - np.median(points2d, axis=0)
    cov = c.T @ c / max(len(c), 1)
    evals, evecs = np.linalg.eigh(cov)
    major = evecs[:, 1]
    if evals[1] < 1.15 * evals[0]:  # round footprint: no preferred axis
        major = np.array([1.0, 0.0])
    if major[0] < 0 or (major[0] == 0 and major[1] < 0):
        major = -major
    minor = np.array([-major[1], major[0]])
    return major, minor


def _height_fn(surface, plane):
    if surface is not None:
        return surface.height
    normal, offset = plane
    normal32 = np.asarray(normal, np.float32)
    # Float32 points (support_levels' windows) in float32, like SupportSurface.height.
    return lambda p: (p @ normal32 if getattr(p, 'dtype', None) == np.float32
                      else p @ normal) + offset


def window_heights(window, x0, y0, x1, y1):
    """Heights of the pixels ``[x0, x1) x [y0, y1)`` read from a window of heights.

    Lets the stack checks compute each pixel's height above the surface once: the
    window of :func:`support_levels` holds the box it was grown from, and its heights
    are those of the same pixels, taken in float32 (within a micrometre of float64).

    :param window: ``(heights (h, w) float32 m, NaN = no depth, wx0, wy0)`` as
        :func:`support_levels` returns it, or None.
    :return: (y1 - y0, x1 - x0) view of the heights, or None without a window or when it does
        not hold the whole box.
    """
    if window is None:
        return None
    hwin, wx0, wy0 = window
    if x0 < wx0 or y0 < wy0 or x1 > wx0 + hwin.shape[1] or y1 > wy0 + hwin.shape[0]:
        return None
    return hwin[y0 - wy0:y1 - wy0, x0 - wx0:x1 - wx0]


def object_points(depth_m, box, intrinsics, plane=None, min_height=0.008, mask=None,
                  surface=None, return_pixels=False, window=None, return_heights=False):
    """Back-project the object's pixels inside ``box``.

    Background is removed with the support surface when known (points less than
    ``min_height`` above it), otherwise by keeping the nearest depth cluster.

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param box: ``(x0, y0, x1, y1)`` pixels.
    :param mask: optional (H, W) bool pixel mask of the object.
    :param surface: optional :class:`clip_perception.support.SupportSurface` (its bent
        height replaces the flat ``plane``).
    :param return_pixels: also return the points' pixel columns and rows.
    :param window: heights above the same surface around the box, read instead of
        computed when they cover it (:func:`window_heights`).
    :param return_heights: with ``return_pixels``, also return the points' (N,) heights
        above the surface (m; float32 when read from ``window``, else float64; None
        without a surface).
    :return: (N, 3) float64 points, possibly empty; with ``return_pixels``
        ``(points, us, vs)`` with (N,) int pixel columns and rows, and ``heights`` last
        with ``return_heights``.
    """
    h, w = depth_m.shape
    x0, y0, x1, y1 = pixel_box(box, (h, w))
    empty = (np.zeros((0, 3)), np.zeros(0, int), np.zeros(0, int)) + \
        ((np.zeros(0),) if return_heights else ())
    if x1 <= x0 or y1 <= y0:
        return empty if return_pixels else empty[0]
    z = depth_m[y0:y1, x0:x1]
    keep = np.isfinite(z)
    if mask is not None:
        keep &= mask[y0:y1, x0:x1]
    vs, us = np.nonzero(keep)
    if len(vs) == 0:
        return empty if return_pixels else empty[0]
    pts = back_project(us + x0, vs + y0, z[vs, us], intrinsics)
    sel, height = None, None
    if plane is not None or surface is not None:
        known = window_heights(window, x0, y0, x1, y1)
        height = known[vs, us] if known is not None else _height_fn(surface, plane)(pts)
        above = height > min_height
        if above.sum() >= 10:
            sel = above
    if sel is None:
        # No plane (or nothing above it): keep the nearest dense depth layer.
        zs = pts[:, 2]
        near = np.percentile(zs, 10)
        sel = zs < near + 0.6 * max(np.percentile(zs, 90) - near, 0.02)
    if return_pixels:
        out = (pts[sel], us[sel] + x0, vs[sel] + y0)
        if return_heights:
            out += (height[sel] if height is not None else None,)
        return out
    return pts[sel]


def _hull_contains(face2, pts2, margin):
    """Return the share of ``pts2`` (N, 2) inside the convex hull of ``face2`` (M, 2).

    The hull is grown by ``margin`` metres: a point is inside when its signed distance
    to every hull edge is at least ``-margin``.
    """
    if len(pts2) == 0 or len(face2) < 3:
        return 0.0
    # A share: an even subsample of at most 2,000 points estimates it within a few
    # tenths of a percent at a tenth of the cost (a full-resolution object has 20,000).
    pts2 = pts2[::len(pts2) // 2000 + 1]
    hull = cv2.convexHull(face2.astype(np.float32)).reshape(-1, 2).astype(np.float64)
    if len(hull) < 3:
        return 0.0
    edge = np.roll(hull, -1, axis=0) - hull
    length = np.linalg.norm(edge, axis=1)
    ok = length > 1e-9
    hull, edge, length = hull[ok], edge[ok], length[ok]
    # Orientation-free: inside means all signed distances share the hull's sign.
    sign = 1.0 if np.sum(hull[:, 0] * np.roll(hull[:, 1], -1) -
                         np.roll(hull[:, 0], -1) * hull[:, 1]) > 0 else -1.0
    # One edge at a time (10-20 of them): the same distances as an (N, edges) array,
    # without its temporaries (timeit, the stack checks of the 16 real frames: 9.0 ->
    # 5.2 ms in all). A point outside one edge is inside none: the next edges test only
    # the points still inside, each with the same arithmetic, so the share is the same
    # (the stack checks of the 16 real frames: 0.48 -> 0.39 ms a frame; issue 11,
    # helper-h163).
    n = len(pts2)
    px, py = pts2[:, 0], pts2[:, 1]
    for (hx, hy), (ex, ey), ln in zip(hull.tolist(), edge.tolist(), length.tolist()):
        keep = sign * ((ex * (py - hy) - ey * (px - hx)) / ln) >= -margin
        if not keep.all():
            px, py = px[keep], py[keep]
            if not len(px):
                break
    return len(px) / n

def support_levels(depth_m, box, intrinsics, height_fn, margin=0.25, stride=1):
    """Horizontal faces above the support surface around ``box`` (tops of other objects).

    A pixel is on a horizontal face when the height, averaged over a 7x7 window (the
    noise model's sigma(z) shrinks sevenfold), changes by less than 0.3 of the pixel's
    metric size per pixel: a face tilted under about 17 degrees from the surface. Faces
    are grouped by height (gaps wider than the level tolerance, ``max(4 mm, 2 sigma)``)
    and kept when they cover at least 1.5 cm^2 and lie above ``max(1 cm, 3 sigma)``.

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param box: ``(x0, y0, x1, y1)`` pixels; the search window is the box grown by
        ``margin`` of its size on each side.
    :param height_fn: ``points (..., 3) -> heights`` above the support surface (m).
    :param stride: ``depth_m`` is a frame of ``stride`` x ``stride``-pixel blocks
        (:func:`binned_frame`, or read every ``stride`` pixels, :func:`strided_frame`):
        the smoothing window keeps about its extent in the frame's own pixels,
        ``round(7 / stride)`` blocks at 640 wide (4 at stride 2, eight pixels across;
        at least 3).
    :return: ``(levels, tol, window)``: a list of ``(level_m, face_points (M, 3) float32)`` from
        lowest to highest, the level tolerance (m), and ``(heights, x0, y0)``: the
        window's (h, w) float32 heights (NaN = no depth) and its origin in the image.
    """
    h_img, w_img = depth_m.shape
    x0, y0, x1, y1 = (float(v) for v in box)
    mx, my = margin * (x1 - x0), margin * (y1 - y0)
    wx0, wy0 = max(int(x0 - mx), 0), max(int(y0 - my), 0)
    wx1, wy1 = min(int(np.ceil(x1 + mx)), w_img), min(int(np.ceil(y1 + my)), h_img)
    if wx1 - wx0 < 8 or wy1 - wy0 < 8:
        return [], 0.004, (np.zeros((0, 0)), wx0, wy0)
    zwin = depth_m[wy0:wy1, wx0:wx1]
    valid = np.isfinite(zwin)
    z_valid = zwin[valid]
    n = z_valid.size
    z_med = 1.0
    if n:
        # np.median of the float64 copy to the bit (the mean of the two middle values,
        # taken in float64) from a partition of the float32 depths: a third of the time
        # (timeit, 250x200 window: 0.69 -> 0.21 ms). One partition, in place (z_valid is
        # a copy), at the upper middle; the lower middle is the largest value before it.
        # Two kth at once cost several times more on millimetre depths with their ties
        # (issue 11, session 45).
        lower, upper = middle_values(z_valid)
        z_med = (float(upper) + float(lower)) / 2
    sigma = 0.0015 + 0.0025 * z_med ** 2  # the noise model of support.depth_sigma
    tol = max(0.004, 2.0 * sigma)
    # The window's camera-frame points from the separable pixel rays (back_project of
    # every pixel; a pixel without a reading sits at the origin and is masked out), and
    # their heights, in float32, the depth's own precision: the heights differ from
    # float64 ones by under a micrometre (at most 0.2 um on the real frames' boxes) and
    # cost a third as much (timeit, the real frames' windows: 3.6 -> 1.3 ms a frame).
    z0 = np.where(valid, zwin, np.float32(0)).astype(np.float32, copy=False)
    pts = np.empty(zwin.shape + (3,), np.float32)
    pts[..., 0] = (np.arange(wx0, wx1) - intrinsics.cx).astype(np.float32)[None, :] * z0 / \
        np.float32(intrinsics.fx)
    pts[..., 1] = (np.arange(wy0, wy1) - intrinsics.cy).astype(np.float32)[:, None] * z0 / \
        np.float32(intrinsics.fy)
    pts[..., 2] = z0
    # nan_box_mean reads no height where there is no reading.
    hgt = height_fn(pts)
    window = (np.where(valid, hgt, np.nan), wx0, wy0)
    k = 7 * max(1, int(round(w_img * stride / 640.0)))
    if stride > 1:
        k = max(3, int(round(k / stride)))
    hs, den = nan_box_mean(hgt, valid, k)
    d = k // 2
    # The slope test only where the cheap tests pass (the pixels high enough above the
    # surface, inside the margin the smoothing needs): the same slopes and pixel sizes,
    # pixel by pixel, as over the whole window, where about half the pixels are the
    # surface's (issue 11, session 45: the real frames' windows 5.2 -> 4.9 ms a frame).
    flat = valid & (den > 0.8) & (hs > max(0.01, 3.0 * sigma))
    flat[:d], flat[-d:], flat[:, :d], flat[:, -d:] = False, False, False, False
    idx = np.flatnonzero(flat)
    if len(idx) < 10:
        return [], tol, window
    hflat, row = hs.ravel(), hs.shape[1]
    gx = (hflat[idx + d] - hflat[idx - d]) / (2 * d)
    gy = (hflat[idx + d * row] - hflat[idx - d * row]) / (2 * d)
    pix = zwin.ravel()[idx].astype(np.float64) / intrinsics.fx
    level_face = np.hypot(gx, gy) < 0.3 * pix
    if np.count_nonzero(level_face) < 10:
        return [], tol, window
    # The face pixels sorted by height; only the groups kept gather their points.
    idx, pix = idx[level_face], pix[level_face]
    fh = hflat[idx]
    order = np.argsort(fh)
    idx, fh = idx[order], fh[order]
    fa = pix[order] ** 2
    bounds = [0] + (np.flatnonzero(np.diff(fh) > 0.5 * tol) + 1).tolist() + [len(fh)]
    points = pts.reshape(-1, 3)
    levels = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        if fa[lo:hi].sum() >= 1.5e-4:
            # fh is sorted: the median is its middle value, or the float32 mean of the
            # two middle ones, as np.median gives it.
            n = hi - lo
            level = (fh[lo + (n - 1) // 2] + fh[lo + n // 2]) / np.float32(2)
            levels.append((float(level), points[idx[lo:hi]]))
    return levels, tol, window


# An object stacked on a wider one hides most of the face it stands on: what shows of
# that face is a rim around it, a few millimetres to 2 cm wide, which in the box grown by a
# quarter (support_levels' margin) covers less than the 1.5 cm^2 a face needs after the
# 7x7 smoothing eats its edges. When an object's lowest points float above the support
# and no face was found under them, the faces are searched again in the box grown by
# this share of its size on each side. Measured (issue 11, helper-h145; the cube stacked
# on a cube of the ``touching`` layout, held-out seeds 41100010-049): 7 of the 40 were
# posed on the table (29-43 mm low); the face under each was found at 0.5, 0.75 and 1.0,
# with 98-314, 240-570 and 361-829 pixels (0.75: room beside a 1.5 cm^2 minimum).
# Only from the side (estimate_pose's ``steep`` False): looking down within 35 degrees
# of the normal, a box packed among others shows its top and little of its sides, so
# its lowest points float while it stands on the support, and the faces of its lower
# neighbours around it hold its footprint in their hull (``packed_mixed`` held-out
# seeds 41300000-019: 8 poses worse, to 19-57 mm, set on their neighbours' tops).
UNDER_FACE_MARGIN = 0.75
# What "floats" means: the lowest points (2nd percentile of the heights) this high above
# the support (m), the height of the stack member test's touching band
# (:func:`_stack_member`: lowest points within 1.5 cm above a face stand on it).
UNDER_FACE_RISE = 0.015
# A face the wider window adds is kept only where it touches the object: within this
# distance (m) of one of its points (:func:`_faces_under`). Measured: the face under the
# 7 stacked cubes above lay 0-7.7 mm from the cube's points; the top of a cube 17 cm
# from a 14 cm ball (test_geometry's front-arc ball, whose lowest visible points float
# 47 mm up) 129 mm, and setting the ball on it put it 19 mm low. The gap of
# proposals.FRAGMENT_GAP (fragments of one object lie closer than 1.5 cm).
UNDER_FACE_GAP = 0.015


def _face_unseen_under(levels, tol, height):
    """Whether an object's lowest points float with no face found under them.

    :param levels: :func:`support_levels` of its box; ``tol`` their tolerance (m).
    :param height: (N,) float heights (m) of its points above the support.
    :return: bool: the 2nd percentile of ``height`` is over :data:`UNDER_FACE_RISE` and
        no level lies between ``lo - UNDER_FACE_RISE`` and ``lo + tol``.
    """
    if len(height) < 10:
        return False
    lo = float(np.percentile(height, 2))
    return lo > UNDER_FACE_RISE and not any(
        lo - UNDER_FACE_RISE < level < lo + tol for level, _ in levels)


def _faces_under(depth_m, box, intrinsics, height_fn, levels, pts, height):
    """:func:`support_levels` in the box grown by :data:`UNDER_FACE_MARGIN`, for a floating object.

    Of the faces the wider window adds (none found at their level within the tolerance
    before), only those that touch the object are kept: some face point lies within
    :data:`UNDER_FACE_GAP` of one of its points. The wider window reaches other objects'
    tops farther off (a ball 17 cm from a cube was set on the cube's top).

    :param levels: the faces found in the box grown by a quarter (all kept).
    :param pts: (N, 3) float object points (m); ``height`` (N,) their heights (m).
    :return: ``(levels, tol, window)`` as :func:`support_levels` returns them.
    """
    wide, tol, window = support_levels(depth_m, box, intrinsics, height_fn,
                                       margin=UNDER_FACE_MARGIN)
    own = np.asarray(pts[::max(1, len(pts) // 400)], np.float32)
    out = []
    for level, face in wide:
        if not any(abs(level - known) < tol for known, _ in levels):
            f = face[::max(1, len(face) // 400)]
            gap = np.sqrt(((own[:, None, :] - f[None, :, :]) ** 2).sum(-1).min())
            if gap > UNDER_FACE_GAP:
                continue
        out.append((level, face))
    return out, tol, window


def _on_face(face, pts, up, forward, tol, touching=False):
    """Whether an object of points ``pts`` (N, 3) stands on the horizontal ``face`` (M, 3).

    The face lies under it: at least 60% of its points inside the face's convex hull
    grown by ``tol`` (looking down, the face is seen all around what stands on it) or,
    from the side, where the object hides much of the face, the face spans at least
    half the object's width across the view. From the side (``forward`` the unit
    viewing direction along the surface; None looking down) the face must also reach a
    quarter of the object's width (at least ``tol``) behind its front: the top of a
    lower object in front that merely hides the object's bottom ends at its front.
    With ``touching`` (the object's lowest points are at the face's height, so it
    touches the face or is hidden by it) that last test alone decides, from the side:
    the object stacked on a wider one hides most of the face it stands on.
    """
    ex, ey = surface_frame(up)
    under = _hull_contains(np.stack([face @ ex, face @ ey], axis=1),
                           np.stack([pts @ ex, pts @ ey], axis=1), tol) >= 0.6
    if forward is None:
        return under
    lateral = cross3(up, forward)
    under |= touching
    o0, o1 = percentile(pts @ lateral, [1, 99])
    f0, f1 = percentile(face @ lateral, [1, 99])
    width = o1 - o0
    if not under and min(o1, f1) - max(o0, f0) < 0.5 * width:
        return False
    front = percentile(pts @ forward, 1)
    return bool(percentile(face @ forward, 99) >= front + max(tol, 0.25 * width))

def middle_values(a):
    """Return the two middle values of 1-D ``a`` in sorted order, partitioning it in place.

    ``a`` is partitioned at its upper middle; the lower middle is the largest value
    before it (the same value for an odd count). numpy 2.4 partitions for two kth at
    once at several times the cost of one (issue 11, session 45).

    :param a: (N,) float array without NaN, N >= 1; reordered.
    :return: ``(lower, upper)`` numpy scalars of ``a``'s dtype; their mean is the median.
    """
    n = len(a)
    k = n // 2
    a.partition(k)
    return (a[k] if n % 2 else a[:k].max()), a[k]


def column_medians(a):
    """``np.median(a, axis=0)`` of a 2-D float array without NaN, bit for bit.

    Each column copied and partitioned once (:func:`middle_values`); the median is the
    mean of its two middle values, as numpy takes it.
    numpy partitions a (N, 3) array's columns for two or three kth at once at several
    times the cost (numpy 2.4, 20,000 object points: 3.3 ms against 0.5; issue 11,
    session 45). Among zeros of both signs a zero median may take the other sign (which
    of the equal zeros lands in the middle is the partition's choice); back-projected
    points hold no -0.0.

    :param a: (N, C) float array, N >= 1, no NaN (numpy would give NaN, this not).
    :return: (C,) array of ``a``'s dtype.
    """
    n = len(a)
    out = np.empty(a.shape[1], a.dtype)
    for j in range(a.shape[1]):
        lower, upper = middle_values(a[:, j].copy())
        out[j] = upper if n % 2 else (lower + upper) / 2
    return out


def _view_forward(pts, up):
    """Return the unit viewing direction along the surface (None: looking down, 35 deg)."""
    ray = column_medians(pts)
    ray = ray / np.linalg.norm(ray)
    forward = ray - (ray @ up) * up
    if np.linalg.norm(forward) < np.sin(np.deg2rad(35)):
        return None
    return forward / np.linalg.norm(forward)


def stack_parts(depth_m, box, intrinsics, mask, plane=None, surface=None, levels=None):
    """Pixel masks of the objects of a stack seen as one region, or an empty list.

    A region holds a stack when a horizontal face inside it (the top of the object
    below, :func:`support_levels`) carries at least 1.5 cm of points above it that
    stand on it (:func:`_on_face`). The lowest such face splits it into the part above
    and the part below.

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param box: ``(x0, y0, x1, y1)`` pixels of the region.
    :param mask: (H, W) bool pixel mask of the region, or None (the box's depth above
        the surface).
    :param plane: ``(normal, offset)``; ``surface`` optional SupportSurface.
    :param levels: the box's :func:`support_levels` when already computed.
    :return: ``[above_mask, below_mask]`` (H, W) bool, or ``[]``.
    """
    if surface is not None and plane is None:
        plane = surface.plane
    if plane is None:
        return []
    height_fn = _height_fn(surface, plane)
    levels, tol, window = levels or support_levels(depth_m, box, intrinsics, height_fn)
    pts, us, vs, height = object_points(depth_m, box, intrinsics, plane, mask=mask,
                                        surface=surface, return_pixels=True, window=window,
                                        return_heights=True)
    if len(pts) < 40:
        return []
    top = float(percentile(height, 99))
    up = np.asarray(plane[0], dtype=np.float64)
    view = []  # the viewing direction, taken once a face is judged (a median of all points)
    for level, face in levels:
        if level > top - 0.015:
            continue
        above = height > level + tol
        if above.sum() < 20 or (~above).sum() < 20:
            continue
        if not view:
            view.append(_view_forward(pts, up))
        if not _on_face(face, pts[above], up, view[0], tol):
            continue
        out = []
        for sel in (above, ~above):
            # Flying pixels on the other part's rim are not part of this object: keep the
            # connected pieces of at least a fifth of the largest (labelled within the
            # part's bounding box, which holds all of it).
            pu, pv = us[sel], vs[sel]
            u0, v0 = int(pu.min()), int(pv.min())
            m = np.zeros((int(pv.max()) - v0 + 1, int(pu.max()) - u0 + 1), np.uint8)
            m[pv - v0, pu - u0] = 1
            part = np.zeros(depth_m.shape, bool)
            part[v0:v0 + m.shape[0], u0:u0 + m.shape[1]] = large_components(m, 0.2)
            out.append(part)
        return out
    return []

# A box around a stack (the column of a cube and the smaller one on it) is one object's
# box when that object's part of the column fits it at this IoU, the detection
# convention for a box that stands for an object: the column's centre is neither
# object's (the cube below was posed 2-3 cm high, at the middle of the column).
# Only the part that fits the box better than the other part does: seen from above, the
# part below a stacked box is skipped (only its face shows), and the part above took the
# box of the lower box (``stacked`` held-out seeds 41300000-019: 4 poses 27-37 -> 50-68 mm).
# Measured (issue 11, helper-h145; benchmarks/touching_diagnosis.py, held-out seeds
# 41100010-049): lower cubes posed as the column 18 -> 11 of 40 (the 11: the face under
# the stacked cube is seen beside it only, and :func:`_on_face` rejects it); the union of
# the two cubes' boxes on the fresh seeds 41200000-011, 10 of 12 from 21-32 mm to 3-9 mm.
STACK_PART_FIT = 0.5

# A face carries an object's part above it only if that part ends there: nothing of the
# object shows well under the face beneath the part's footprint (the face, and the object
# below it, hide that), unless the face is the top of the object's own part below (a box
# on a box of its size: the lower one's sides lie under the upper's footprint). The
# object's points more than 1.5 cm under the face (the touching band of
# :data:`UNDER_FACE_RISE`), this share or more of them inside the footprint of its part
# above (the hull grown by the level tolerance), and under :data:`STACK_OWN_FACE` of the
# face among the object's own points mean it goes on down past a face that is not its
# own: a neighbour's top beside it, not its support. Measured (issue 11, helper-h151; pile
# seeds 40008010-059, the items set on a neighbour's top, 29-47 mm high): footprint
# shares 0.86-1.0 for 5 of 7 (0.30 for one); the cube under a stacked cube of the
# ``touching`` layout (its sides 3-9 mm outside the stacked cube's footprint): 0.28-0.81;
# a box on a box of its size (``stacked`` seed 41300018): 0.88, its face all its own.
STACK_THROUGH_SHARE = 0.8
# See :data:`STACK_THROUGH_SHARE`: the share of the face's points that are the object's
# own (the face in its mask). Measured: the pile items' neighbours' tops 0 and 0 in clean
# masks, 0.18-0.60 where the mask holds a part of the neighbour; the touching layout's
# columns in an image box 0.11-1.0 (0.42 where the footprint share was 0.81).
STACK_OWN_FACE = 0.25
# See :data:`STACK_THROUGH_SHARE`: the least share of the object's points under the face
# that shows it going on down.
STACK_THROUGH_MIN = 0.03


def _goes_through(pts, p2, height, above, level, face, tol):
    """Whether an object's points go on down past ``face``, under its part ``above``.

    :param pts: (N, 3) float object points (m); ``p2`` (N, 2) the same projected onto
        the support (m); ``height`` (N,) their heights (m); ``above`` (N,) bool, the part
        over the face at ``level`` (m); ``face`` (M, 3) float32 the face's points (m),
        back-projected from the same depths as ``pts``.
    :return: bool: :data:`STACK_THROUGH_MIN` of the points lie 1.5 cm or more under ``level``,
        :data:`STACK_THROUGH_SHARE` of them inside the hull of ``p2[above]`` grown by
        ``tol``, and under :data:`STACK_OWN_FACE` of the face's points are among ``pts``.
    """
    low = height < level - UNDER_FACE_RISE
    # More than the flying pixels along a stacked box's rim (25 of 1,522 points, 1.6%, on
    # a box on a lower item of the pile; the items beside a neighbour 5.5-7.6%).
    if low.sum() < STACK_THROUGH_MIN * len(height) or \
            _hull_contains(p2[above], p2[low], tol) < STACK_THROUGH_SHARE:
        return False
    # A face point is one of the object's when it is the same pixel's point: equal to
    # float32 precision (a micrometre), so the same 1 mm cell but where it straddles one.
    own = set(map(tuple, np.floor(pts * 1000.0).astype(np.int64).tolist()))
    cells = np.floor(np.asarray(face[::max(1, len(face) // 400)], np.float64) * 1000.0)
    mine = sum(c in own for c in map(tuple, cells.astype(np.int64).tolist()))
    return mine < STACK_OWN_FACE * len(cells)


def _stack_member(levels, tol, window, box, pts, us, vs, height, up, forward):
    """Which of the points belong to the object in ``box``, and what it stands on.

    An object stacked on another stands on a horizontal face (the other's top): its
    points rise above the face, lie inside the face's footprint and, in a side view,
    the face continues behind the object's front (:func:`_on_face`).
    When the proposal's box fits the points above such a face (or those below it)
    better than the whole column, or at IoU :data:`STACK_PART_FIT` or more and better
    than the other part, the object is that part (the part below only when
    it shows more than its top face: a quarter of its points 1.5 cm under it). The part
    above is measured whole, beyond the box (the connected pixels above the face in the
    search window): the box of the object below cuts through the one standing on it.
    An object whose points lie on such a face (its lowest points within 1.5 cm above
    it) stands on it; otherwise on the support surface.
    No face carries a part that the object goes on down past under its footprint
    (:func:`_goes_through`: a neighbour's top beside it).

    :param levels: from :func:`support_levels`; ``tol`` its level tolerance (m);
        ``window`` its height window.
    :param us: (N,) pixel columns of ``pts``; ``vs`` rows; ``height`` (N,) metres.
    :param forward: unit viewing direction along the surface, or None (steep view).
    :return: ``(selection (N,) bool, base height m, carries)``; ``carries`` is True when
        the object is the part below (another stands on its top face and hides it).
    """
    whole = np.ones(len(pts), bool)
    if not levels:
        return whole, 0.0, False

    def on_face(face, sel):
        return _on_face(face, pts[sel], up, forward, tol)

    hwin, wx0, wy0 = window

    def extent(sel):
        return np.array([us[sel].min(), vs[sel].min(), us[sel].max() + 1, vs[sel].max() + 1],
                        float)

    def fit(b):
        return float(box_iou(b[None], np.array([box], float))[0, 0])

    def above_extent(level, above):
        """Box of the connected pixels above ``level`` that hold the points above it."""
        if hwin.size == 0:
            return extent(above)
        m = (hwin > level + tol).astype(np.uint8)  # NaN compares False, as -1 did
        _, labels = cv2.connectedComponents(m, connectivity=8)
        iu, iv = us[above] - wx0, vs[above] - wy0
        ok = (iu >= 0) & (iv >= 0) & (iu < m.shape[1]) & (iv < m.shape[0])
        ids = np.unique(labels[iv[ok], iu[ok]])
        ys, xs = np.nonzero(np.isin(labels, ids[ids > 0]))
        if len(xs) == 0:
            return extent(above)
        b = np.array([xs.min() + wx0, ys.min() + wy0, xs.max() + 1 + wx0, ys.max() + 1 + wy0],
                     float)
        return np.concatenate([np.minimum(b[:2], extent(above)[:2]),
                               np.maximum(b[2:], extent(above)[2:])])

    top = float(np.percentile(height, 99))
    ex, ey = surface_frame(up)
    p2 = np.stack([pts @ ex, pts @ ey], axis=1)
    best, best_fit, base = whole, fit(extent(whole)) + 0.05, 0.0
    for level, face in levels:
        if level > top - 0.015:
            continue
        above = height > level + tol
        if above.sum() < 20 or (~above).sum() < 20 or not on_face(face, above) or \
                _goes_through(pts, p2, height, above, level, face, tol):
            continue
        b_above = above_extent(level, above)
        b_whole = np.concatenate([np.minimum(b_above[:2], extent(whole)[:2]),
                                  np.maximum(b_above[2:], extent(whole)[2:])])
        if best is whole:  # the column, measured beyond the box
            best_fit = fit(b_whole) + 0.05
        parts = ((above, level, b_above), (~above, 0.0, extent(~above)))
        fits = [fit(ext) for _, _, ext in parts]
        for (sel, b, _), f in zip(parts, fits):
            if b == 0.0 and np.mean(height[sel] < level - 0.015) < 0.25:
                continue  # only the face itself shows below: no object of its own here
            # Only the part that fits the box better than the other takes it from the
            # column (an object seen from above on a larger one: the box is the lower's).
            if f > best_fit or (best is whole and f >= STACK_PART_FIT and f >= max(fits)):
                best, best_fit, base = sel, f, b
    carries = best is not whole and base == 0.0
    if base == 0.0:
        top = float(np.percentile(height[best], 99))
        lo = float(np.percentile(height[best], 2))
        for level, face in levels:
            if level - tol < lo < level + 0.015 and level < top - 0.015 and \
                    _on_face(face, pts[best], up, forward, tol, touching=True):
                base = level
    return best, base, carries

def _frame(up, major2, ex, ey):
    """Quaternion (x, y, z, w) and yaw of the object frame: z = up, x = major axis."""
    x = major2[0] * ex + major2[1] * ey
    x /= np.linalg.norm(x)
    y = np.cross(up, x)
    return quaternion_from_matrix(np.stack([x, y, up], axis=1)), float(
        np.arctan2(major2[1], major2[0]))


def pose_from_support_ray(box, intrinsics, plane, surface=None):
    """Place an object with little or no depth (glass, black plastic) on the surface.

    The ray through the middle of the box's bottom edge meets the support surface at
    the object's front foot; its depth along the surface is taken equal to its width
    (the box width at that distance), and the ray through the top edge meets the
    vertical through its back foot at its height (looking straight down, within 12
    degrees of the normal, the height is taken equal to the width).

    :param box: ``(x0, y0, x1, y1)`` pixels.
    :param plane: ``(normal, offset)`` of the support surface.
    :return: :class:`PoseEstimate` with ``method='support_ray'``, or None when the ray
        does not meet the surface in front of the camera.
    """
    normal, offset = np.asarray(plane[0], dtype=np.float64), float(plane[1])
    x0, y0, x1, y1 = (float(v) for v in box)
    u = 0.5 * (x0 + x1) - 0.5
    d_bot = np.array([(u - intrinsics.cx) / intrinsics.fx,
                      (y1 - 0.5 - intrinsics.cy) / intrinsics.fy, 1.0])
    denom = float(normal @ d_bot)
    if denom >= -1e-6:
        return None
    foot = d_bot * (-offset / denom)
    if foot[2] <= 0:
        return None
    d_top = np.array([(u - intrinsics.cx) / intrinsics.fx,
                      (y0 + 0.5 - intrinsics.cy) / intrinsics.fy, 1.0])
    width = (x1 - x0) / intrinsics.fx * foot[2]
    ray = foot / np.linalg.norm(foot)
    forward = ray - (ray @ normal) * normal
    # Unless the camera looks straight down, the top of the box is the object's back
    # top edge, about one width (its depth, taken equal to its width) behind the front
    # foot. Looking straight down the box says nothing of the height: taken = width.
    if np.linalg.norm(forward) > np.sin(np.deg2rad(12)):
        back = foot + forward / np.linalg.norm(forward) * width
        # back + s * normal = r * d_top, least squares in (s, r).
        a = np.stack([normal, -d_top], axis=1)
        (s, _), *_ = np.linalg.lstsq(a, -back, rcond=None)
        height = float(np.clip(s, 0.01, 1.0))
    else:
        back, height = foot, float(width)
    position = 0.5 * (foot + back) + 0.5 * height * normal
    ex, ey = surface_frame(normal)
    q, yaw = _frame(normal, np.array([1.0, 0.0]), ex, ey)
    dims = np.array([width, width, height])
    return PoseEstimate(position=position, surface_point=foot, covariance=np.eye(3) * 1e-4,
                        extent=dims.copy(), num_points=0, orientation=q, dimensions=dims,
                        yaw=yaw, method='support_ray')


# The pose reads depth about this many pixels across the frame's longer side, whatever
# the camera's resolution (:func:`pose_stride`). Its statistics are percentiles and
# medians of the object's points, and its windows are already scaled to a 640-wide frame
# (:func:`support_levels`), so more pixels add time, not accuracy: a cube filling half a
# 1920x1080 frame took 0.57 s a pose (1.3 s a command that posed two candidates) against
# 0.05 s at 640x480, with the same error (test/other_renderer.py's frames).
POSE_WIDTH = 640


def pose_stride(shape):
    """Return the pixel stride at which the pose samples a frame of ``shape`` (H, W).

    ``round(longer side / POSE_WIDTH)``, at least 1: 1 up to 959 pixels (640x480,
    848x480), 2 for 1280x720 and 1280x960, 3 for 1920x1080.
    """
    return max(1, int(round(max(shape[:2]) / float(POSE_WIDTH))))


def strided_frame(depth_m, box, intrinsics, mask, stride):
    """Return a frame's depth, box, intrinsics and mask sampled every ``stride`` pixels.

    Sampled pixel ``(i, j)`` is pixel ``(i * stride, j * stride)``, so the principal
    point and the focal lengths divide by the stride exactly; the box keeps its pixel
    edges: an edge at ``x`` (between the centres ``x - 1`` and ``x``) lies at
    ``(x - 0.5) / stride + 0.5``.

    :return: ``(depth (h, w), box (4,) float64, Intrinsics, mask (h, w) or None)``.
    """
    s = int(stride)
    depth = depth_m[::s, ::s]
    h, w = depth.shape
    intr = Intrinsics(intrinsics.fx / s, intrinsics.fy / s, intrinsics.cx / s,
                      intrinsics.cy / s, w, h)
    box = (np.asarray(box, dtype=np.float64) - 0.5) / s + 0.5
    return depth, box, intr, (mask[::s, ::s] if mask is not None else None)


def binned_frame(depth_m, box, intrinsics, mask, stride, margin=0.25):
    """Return the depth around ``box`` averaged over ``stride`` x ``stride`` pixel blocks.

    As :func:`strided_frame`, a frame of ``stride`` times fewer pixels each way, but each
    of its pixels the mean of the readings of one block (NaN where it holds none): the
    noise of a reading shrinks by the block's side, as the averaging it replaces did.
    Only the blocks of the box grown by ``margin`` of its size on each side (and two
    blocks more) are filled (the window :func:`support_levels` reads); the rest is NaN.
    Block ``(i, j)`` covers pixels ``i * stride`` to ``(i + 1) * stride - 1``: its centre,
    where its depth is placed, is pixel ``i * stride + (stride - 1) / 2``; a box edge at
    ``x`` lies at ``x / stride``.

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param mask: (H, W) bool or None; a block is in the mask when its first pixel is.
    :return: ``(depth (H // stride, W // stride) float32, box (4,) float64, Intrinsics,
        mask or None)``.
    """
    s = int(stride)
    h, w = depth_m.shape[0] // s, depth_m.shape[1] // s
    x0, y0, x1, y1 = (float(v) / s for v in box)
    mx, my = margin * (x1 - x0) + 2, margin * (y1 - y0) + 2
    bx0, by0 = max(int(x0 - mx), 0), max(int(y0 - my), 0)
    bx1, by1 = min(int(np.ceil(x1 + mx)), w), min(int(np.ceil(y1 + my)), h)
    out = np.full((h, w), np.nan, np.float32)
    if bx1 > bx0 and by1 > by0:
        # The blocks' means of the readings and of where they are (cv2.resize's area
        # mean at a whole factor: each block's own pixels): a tenth of numpy's sum over
        # the blocks' axes.
        z = depth_m[by0 * s:by1 * s, bx0 * s:bx1 * s]
        valid = np.isfinite(z)
        size = (bx1 - bx0, by1 - by0)
        share = cv2.resize(valid.astype(np.float32), size, interpolation=cv2.INTER_AREA)
        mean = cv2.resize(np.where(valid, z, np.float32(0)), size, interpolation=cv2.INTER_AREA)
        out[by0:by1, bx0:bx1] = np.where(share > 0, mean / np.maximum(share, 1e-6), np.nan)
    half = (s - 1) / 2.0
    intr = Intrinsics(intrinsics.fx / s, intrinsics.fy / s, (intrinsics.cx - half) / s,
                      (intrinsics.cy - half) / s, w, h)
    box = np.asarray(box, dtype=np.float64) / s
    return out, box, intr, (mask[:h * s:s, :w * s:s] if mask is not None else None)


def estimate_pose(depth_m, box, intrinsics, plane=None, mask=None, surface=None,
                  carries=False):
    """Mesh-free centre, orientation and size of the object in ``box`` from depth.

    With a support surface everything is measured in it: heights along its normal, the
    footprint in its plane. The footprint centre is the middle of the top face's points when
    the top few millimetres form a face at least 60% as wide as the object (boxes, cans,
    mugs: unaffected by a handle lower down), or of all points projected onto the surface
    when the camera looks down within 35 degrees of the normal (the visible points then
    cover the footprint) -- but a rounded object seen so (not within
    :data:`STEEP_ARC_MIN_DEG` of straight down) is centred from its front outline, as from
    the side: its visible points lie toward the camera. Otherwise (a side view of a rounded
    object) the camera sees only its front: the centre is that of the circle through the
    front outline (:func:`front_arc`), or, where no circle fits it (a flat face, a corner),
    half a width behind the front-most point along the surface, the width measured across
    the viewing direction. The height is half the object's top above the surface. The x axis
    is the principal axis of the same points (the footprint's longest horizontal axis).
    Without a surface the centre is the median visible point pushed back along the viewing
    ray by 2/3 of the half-width (exact for a sphere).

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param box: ``(x0, y0, x1, y1)`` pixels.
    :param plane: ``(normal, offset)``, or None.
    :param surface: optional :class:`clip_perception.support.SupportSurface`; its bent
        height is used and ``plane`` defaults to its flat approximation.
    :param carries: ``mask`` is the object under another of a stack, cut from it
        (:func:`clip_perception.proposals.add_stack_parts`): what is left of its top face
        around the object on it is not its footprint (as for the part below found here).
    :return: :class:`PoseEstimate`; with fewer than 10 valid points the support-ray
        placement when there is a surface, else None. Frames wider than about
        ``1.5 * POSE_WIDTH`` are read every :func:`pose_stride` pixels.
    """
    if surface is not None and plane is None:
        plane = surface.plane
    stride = pose_stride(depth_m.shape)
    if stride > 1:
        depth_m, box, intrinsics, mask = strided_frame(depth_m, box, intrinsics, mask, stride)
    pts, us, vs = object_points(depth_m, box, intrinsics, plane, mask=mask, surface=surface,
                                return_pixels=True)
    if len(pts) < 10:
        return pose_from_support_ray(box, intrinsics, plane, surface) \
            if plane is not None else None
    surface_pt = np.median(pts, axis=0)
    ray = surface_pt / np.linalg.norm(surface_pt)
    if plane is None:
        lateral = np.cross(ray, [0.0, 1.0, 0.0])
        lateral /= np.linalg.norm(lateral)
        lo_l, hi_l = np.percentile(pts @ lateral, [1, 99])
        half_width = 0.5 * (hi_l - lo_l)
        position = surface_pt + ray * (2.0 / 3.0) * half_width
        extent = np.percentile(pts, 99, axis=0) - np.percentile(pts, 1, axis=0)
        diff = pts - position
        return PoseEstimate(position=position, surface_point=surface_pt,
                            covariance=diff.T @ diff / len(pts) / len(pts), extent=extent,
                            num_points=len(pts), dimensions=extent.copy(),
                            method='no_surface')
    up = np.asarray(plane[0], dtype=np.float64)
    offset = float(plane[1])
    ex, ey = surface_frame(up)
    height_fn = _height_fn(surface, plane)
    height = height_fn(pts)
    forward = ray - (ray @ up) * up
    steep = np.linalg.norm(forward) < np.sin(np.deg2rad(35))
    # Looking down steeply but not straight down, the front outline still shows.
    outline = forward / np.linalg.norm(forward) \
        if np.linalg.norm(forward) >= np.sin(np.deg2rad(STEEP_ARC_MIN_DEG)) else None
    forward = forward / np.linalg.norm(forward) if not steep else ey
    # Stacked objects: the object below is the support (see _stack_member).
    levels, tol, window = support_levels(depth_m, box, intrinsics, height_fn)
    if not steep and _face_unseen_under(levels, tol, height):
        levels, tol, window = _faces_under(depth_m, box, intrinsics, height_fn, levels,
                                           pts, height)
    sel, base, below = _stack_member(levels, tol, window, box, pts, us, vs, height, up,
                                     None if steep else forward)
    carries = carries or below
    if not sel.all():
        pts, height = pts[sel], height[sel]
        surface_pt = np.median(pts, axis=0)
    height = height - base
    p2 = np.stack([pts @ ex, pts @ ey], axis=1)
    top = float(np.percentile(height, 99))
    lateral = np.cross(up, forward)
    along_l = pts @ lateral
    lo_l, hi_l = np.percentile(along_l, [1, 99])
    half_width = 0.5 * (hi_l - lo_l)
    # A flat top face about as wide as the object (box, can, mug rim) spans the whole
    # footprint: its middle is the centre, whatever sticks out lower down (a handle).
    top_face = height > top - max(0.004, 0.005 * float(np.linalg.norm(surface_pt)))
    use_top = False
    if top_face.sum() >= 20 and not carries:  # a carried object hides its top face
        tl0, tl1 = np.percentile(along_l[top_face], [2, 98])
        use_top = tl1 - tl0 >= 0.6 * (hi_l - lo_l)
    footprint = p2[top_face] if use_top else p2
    major, minor = _oriented(footprint)
    a, b = footprint @ major, footprint @ minor
    a0, a1 = np.percentile(a, [2, 98])
    b0, b1 = np.percentile(b, [2, 98])
    arc = None
    if steep and not use_top and outline is not None:
        # The footprint of a ball's points seen from above lies nearer the camera than
        # its centre (its far side hidden, its front seen at a grazing angle).
        side = np.cross(up, outline)
        lo_s, hi_s = np.percentile(pts @ side, [1, 99])
        arc = front_arc(pts @ side, pts @ outline, 0.5 * (hi_s - lo_s))
    if arc is not None:
        centre3 = arc[0] * side + arc[1] * outline
        centre2 = np.array([centre3 @ ex, centre3 @ ey])
        length, width = max(a1 - a0, 2 * arc[2]), max(b1 - b0, 2 * arc[2])
        length, width = max(length, width), min(length, width)
    elif use_top or steep:
        centre2 = 0.5 * (a0 + a1) * major + 0.5 * (b0 + b1) * minor
        length, width = a1 - a0, b1 - b0
    else:
        along_f = pts @ forward
        arc = front_arc(along_l, along_f, half_width)
        if arc is not None:
            # A round side seen: its front outline's circle, not its surviving width.
            centre_l, centre_f, half_width = arc
            centre3 = centre_l * lateral + centre_f * forward
        else:
            centre3 = 0.5 * (lo_l + hi_l) * lateral + (np.percentile(along_f, 1) +
                                                       half_width) * forward
        centre2 = np.array([centre3 @ ex, centre3 @ ey])
        length, width = max(a1 - a0, 2 * half_width), max(b1 - b0, 2 * half_width)
        length, width = max(length, width), min(length, width)
    foot = centre2[0] * ex + centre2[1] * ey - offset * up
    bend = float(surface._correction(foot)) if surface is not None else 0.0
    position = foot + (bend + base + 0.5 * top) * up
    q, yaw = _frame(up, major, ex, ey)
    dims = np.array([length, width, top])
    diff = pts - position
    covariance = diff.T @ diff / len(pts) / len(pts)
    return PoseEstimate(position=position, surface_point=surface_pt, covariance=covariance,
                        extent=np.array([length, width, top]), num_points=len(pts),
                        orientation=q, dimensions=dims, yaw=yaw, method='points')
