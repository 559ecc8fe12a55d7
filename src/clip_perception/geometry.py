"""Boxes, pinhole back-projection and the mesh-free pose of a target from aligned depth.

Conventions: pixel boxes are ``(x0, y0, x1, y1)`` with exclusive upper bounds; 3D points
are in the camera optical frame (REP 103: x right, y down, z forward), in metres.
"""

from dataclasses import dataclass
from dataclasses import field

import numpy as np


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


def box_iou(a, b):
    """IoU matrix of two box arrays.

    :param a: (N, 4) boxes ``x0, y0, x1, y1``.
    :param b: (M, 4) boxes.
    :return: (N, M) float64 IoU.
    """
    a = np.asarray(a, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
    ix0 = np.maximum(a[:, None, 0], b[None, :, 0])
    iy0 = np.maximum(a[:, None, 1], b[None, :, 1])
    ix1 = np.minimum(a[:, None, 2], b[None, :, 2])
    iy1 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(ix1 - ix0, 0, None) * np.clip(iy1 - iy0, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def depth_to_metres(depth):
    """Convert a depth image to float32 metres with NaN where there is no reading.

    :param depth: (H, W) uint16 millimetres (0 = no reading) or float32 metres
        (NaN, inf or <= 0 = no reading).
    :return: (H, W) float32 metres.
    """
    if depth.dtype == np.uint16:
        out = depth.astype(np.float32) * 0.001
        out[depth == 0] = np.nan
        return out
    out = depth.astype(np.float32, copy=True)
    out[~np.isfinite(out) | (out <= 0)] = np.nan
    return out


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
    through the bottom of the box meets the support surface) or ``no_surface``.
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
    return ex, np.cross(n, ex)


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
    return lambda p: p @ normal + offset


def object_points(depth_m, box, intrinsics, plane=None, min_height=0.008, mask=None,
                  surface=None):
    """Back-project the object's pixels inside ``box``.

    Background is removed with the support surface when known (points less than
    ``min_height`` above it), otherwise by keeping the nearest depth cluster.

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param box: ``(x0, y0, x1, y1)`` pixels.
    :param mask: optional (H, W) bool pixel mask of the object.
    :param surface: optional :class:`clip_perception.support.SupportSurface` (its bent
        height replaces the flat ``plane``).
    :return: (N, 3) float64 points, possibly empty.
    """
    h, w = depth_m.shape
    x0, y0, x1, y1 = (int(round(c)) for c in box)
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if x1 <= x0 or y1 <= y0:
        return np.zeros((0, 3))
    z = depth_m[y0:y1, x0:x1]
    keep = np.isfinite(z)
    if mask is not None:
        keep &= mask[y0:y1, x0:x1]
    vs, us = np.nonzero(keep)
    if len(vs) == 0:
        return np.zeros((0, 3))
    pts = back_project(us + x0, vs + y0, z[vs, us], intrinsics)
    sel = None
    if plane is not None or surface is not None:
        above = _height_fn(surface, plane)(pts) > min_height
        if above.sum() >= 10:
            sel = above
    if sel is None:
        # No plane (or nothing above it): keep the nearest dense depth layer.
        zs = pts[:, 2]
        near = np.percentile(zs, 10)
        sel = zs < near + 0.6 * max(np.percentile(zs, 90) - near, 0.02)
    return pts[sel]


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


def estimate_pose(depth_m, box, intrinsics, plane=None, mask=None, surface=None):
    """Mesh-free centre, orientation and size of the object in ``box`` from depth.

    With a support surface everything is measured in it: heights along its normal,
    the footprint in its plane. The footprint centre is the middle of the top face's
    points when the top few millimetres form a face at least 60% as wide as the object
    (boxes, cans, mugs: unaffected by a handle lower down), or of all points projected
    onto the surface when the camera looks down within 35 degrees of the normal (the
    visible points then cover the footprint). Otherwise (a side view of a rounded
    object) the camera sees only its front: the centre lies half a width behind the
    front-most point along the surface, the width measured across the viewing
    direction. The height is half the object's top above the surface. The x axis is
    the principal axis of the same points (the footprint's longest horizontal axis).
    Without a surface the centre is the median visible point pushed back along the
    viewing ray by 2/3 of the half-width (exact for a sphere).

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param box: ``(x0, y0, x1, y1)`` pixels.
    :param plane: ``(normal, offset)``, or None.
    :param surface: optional :class:`clip_perception.support.SupportSurface`; its bent
        height is used and ``plane`` defaults to its flat approximation.
    :return: :class:`PoseEstimate`; with fewer than 10 valid points the support-ray
        placement when there is a surface, else None.
    """
    if surface is not None and plane is None:
        plane = surface.plane
    pts = object_points(depth_m, box, intrinsics, plane, mask=mask, surface=surface)
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
    height = _height_fn(surface, plane)(pts)
    p2 = np.stack([pts @ ex, pts @ ey], axis=1)
    top = float(np.percentile(height, 99))
    forward = ray - (ray @ up) * up
    steep = np.linalg.norm(forward) < np.sin(np.deg2rad(35))
    forward = forward / np.linalg.norm(forward) if not steep else ey
    lateral = np.cross(up, forward)
    along_l = pts @ lateral
    lo_l, hi_l = np.percentile(along_l, [1, 99])
    half_width = 0.5 * (hi_l - lo_l)
    # A flat top face about as wide as the object (box, can, mug rim) spans the whole
    # footprint: its middle is the centre, whatever sticks out lower down (a handle).
    top_face = height > top - max(0.004, 0.005 * float(np.linalg.norm(surface_pt)))
    use_top = False
    if top_face.sum() >= 20:
        tl0, tl1 = np.percentile(along_l[top_face], [2, 98])
        use_top = tl1 - tl0 >= 0.6 * (hi_l - lo_l)
    footprint = p2[top_face] if use_top else p2
    major, minor = _oriented(footprint)
    a, b = footprint @ major, footprint @ minor
    a0, a1 = np.percentile(a, [2, 98])
    b0, b1 = np.percentile(b, [2, 98])
    if use_top or steep:
        centre2 = 0.5 * (a0 + a1) * major + 0.5 * (b0 + b1) * minor
        length, width = a1 - a0, b1 - b0
    else:
        along_f = pts @ forward
        centre3 = 0.5 * (lo_l + hi_l) * lateral + (np.percentile(along_f, 1) +
                                                   half_width) * forward
        centre2 = np.array([centre3 @ ex, centre3 @ ey])
        length, width = max(a1 - a0, 2 * half_width), max(b1 - b0, 2 * half_width)
        length, width = max(length, width), min(length, width)
    foot = centre2[0] * ex + centre2[1] * ey - offset * up
    bend = float(surface._correction(foot)) if surface is not None else 0.0
    position = foot + (bend + 0.5 * top) * up
    q, yaw = _frame(up, major, ex, ey)
    dims = np.array([length, width, top])
    diff = pts - position
    covariance = diff.T @ diff / len(pts) / len(pts)
    return PoseEstimate(position=position, surface_point=surface_pt, covariance=covariance,
                        extent=np.array([length, width, top]), num_points=len(pts),
                        orientation=q, dimensions=dims, yaw=yaw, method='points')
