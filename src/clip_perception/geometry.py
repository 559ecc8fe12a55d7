"""Boxes, pinhole back-projection and the mesh-free pose of a target from aligned depth.

Conventions: pixel boxes are ``(x0, y0, x1, y1)`` with exclusive upper bounds; 3D points
are in the camera optical frame (REP 103: x right, y down, z forward), in metres.
"""

from dataclasses import dataclass

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
    """3D position of a target from depth, camera optical frame, metres.

    ``position`` estimates the object's centre; ``surface_point`` is the median of the
    visible surface points (what a naive back-projection gives); ``covariance`` is the
    3x3 spread of the visible points around ``position`` divided by their count, a
    standard-error-like figure; ``extent`` the robust size of the visible points (m).
    """

    position: np.ndarray
    surface_point: np.ndarray
    covariance: np.ndarray
    extent: np.ndarray
    num_points: int


def object_points(depth_m, box, intrinsics, plane=None, min_height=0.008, mask=None):
    """Back-project the object's pixels inside ``box``.

    Background is removed with the support plane when known (points less than
    ``min_height`` above it), otherwise by keeping the nearest depth cluster.

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param box: ``(x0, y0, x1, y1)`` pixels.
    :param mask: optional (H, W) bool pixel mask of the object.
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
    if plane is not None:
        normal, offset = plane
        above = pts @ normal + offset > min_height
        if above.sum() >= 10:
            sel = above
    if sel is None:
        # No plane (or nothing above it): keep the nearest dense depth layer.
        zs = pts[:, 2]
        near = np.percentile(zs, 10)
        sel = zs < near + 0.6 * max(np.percentile(zs, 90) - near, 0.02)
    return pts[sel]


def estimate_pose(depth_m, box, intrinsics, plane=None, mask=None):
    """Mesh-free centre of the object in ``box`` from aligned depth.

    The camera sees only the front of an object. With a support plane the centre is
    placed from extents, which holds for objects that stand on the plane and whose
    footprint is about as deep as it is wide (balls, boxes, cans, mugs, cones): the
    lateral centre is the middle of the visible points' lateral extent, the height is
    half the object's top above the plane, and the centre lies half a width behind
    the front-most point along the horizontal viewing direction; when the top few
    millimetres form a face at least 60% as wide as the object (boxes, cans, mugs), the
    middle of that face gives the footprint centre instead, unaffected by handles or
    other parts lower down. Without a plane the
    centre is the median visible point pushed back along the viewing ray by 2/3 of the
    half-width (exact for a sphere).

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param box: ``(x0, y0, x1, y1)`` pixels.
    :param plane: ``(normal, offset)`` from :func:`fit_plane_ransac`, or None.
    :return: :class:`PoseEstimate`, or None if the box holds fewer than 10 valid points.
    """
    pts = object_points(depth_m, box, intrinsics, plane, mask=mask)
    if len(pts) < 10:
        return None
    surface = np.median(pts, axis=0)
    ray = surface / np.linalg.norm(surface)
    if plane is not None:
        up = plane[0]
        forward = ray - (ray @ up) * up
        forward /= np.linalg.norm(forward)
        lateral = np.cross(up, forward)
        height = pts @ up + plane[1]
        along_l, along_f = pts @ lateral, pts @ forward
        lo_l, hi_l = np.percentile(along_l, [1, 99])
        half_width = 0.5 * (hi_l - lo_l)
        top = np.percentile(height, 99)
        centre_l = 0.5 * (lo_l + hi_l)
        centre_f = np.percentile(along_f, 1) + half_width
        # A flat top face about as wide as the object (box, can, mug rim) spans the whole
        # footprint: its middle is the centre, whatever sticks out lower down (a handle).
        top_face = height > top - max(0.004, 0.005 * float(np.linalg.norm(surface)))
        if top_face.sum() >= 20:
            tl0, tl1 = np.percentile(along_l[top_face], [2, 98])
            if tl1 - tl0 >= 0.6 * (hi_l - lo_l):
                tf0, tf1 = np.percentile(along_f[top_face], [2, 98])
                centre_l, centre_f = 0.5 * (tl0 + tl1), 0.5 * (tf0 + tf1)
        centre_h = 0.5 * top
        # Back from (lateral, forward, height-above-plane) to camera coordinates.
        position = centre_l * lateral + centre_f * forward + (centre_h - plane[1]) * up
        extent = np.array([2 * half_width, 2 * half_width, top])
    else:
        lateral = np.cross(ray, [0.0, 1.0, 0.0])
        lateral /= np.linalg.norm(lateral)
        lo_l, hi_l = np.percentile(pts @ lateral, [1, 99])
        half_width = 0.5 * (hi_l - lo_l)
        position = surface + ray * (2.0 / 3.0) * half_width
        extent = np.percentile(pts, 99, axis=0) - np.percentile(pts, 1, axis=0)
    diff = pts - position
    covariance = diff.T @ diff / len(pts) / len(pts)
    return PoseEstimate(position=position, surface_point=surface, covariance=covariance,
                        extent=extent, num_points=len(pts))
