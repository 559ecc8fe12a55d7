"""Rectification of raw (distorted) colour and aligned depth images, as image_proc does.

A camera driver publishes ``image_raw`` with the lens distortion in its pixels and the
coefficients in ``CameraInfo.D``; image_proc's rectify node removes it and publishes
``image_rect``, whose camera matrix is ``P``'s left 3x3. The core projects with one pinhole
matrix, so a raw image of a lens with distortion placed targets off towards the edges
(a wide-angle lens, k1 = -0.3: a point at the image corner is seen tens of pixels from
where the pinhole puts it, centimetres at a metre). :class:`Rectifier` does image_proc's
work in the node: the same maps as image_geometry's ``PinholeCameraModel.rectifyImage``
(``cv2.initUndistortRectifyMap`` with ``K``, ``D``, ``R`` and the new camera matrix; the
fisheye module for the ``equidistant`` model), bilinear for colour as image_proc's
default, nearest for depth (depth_image_proc: interpolating depth across an object's
edge makes points in mid-air).

Pure numpy and OpenCV; no ROS types.
"""

from dataclasses import dataclass

import cv2
import numpy as np

# sensor_msgs/distortion_models.hpp names, and the coefficient counts OpenCV's pinhole
# model reads (k1 k2 p1 p2 [k3 [k4 k5 k6 [s1 s2 s3 s4 [tx ty]]]]).
PINHOLE_MODELS = ('plumb_bob', 'rational_polynomial')
FISHEYE_MODELS = ('equidistant',)
PINHOLE_COEFFICIENTS = (4, 5, 8, 12, 14)
FISHEYE_COEFFICIENTS = (4,)
# Other names drivers and tools give OpenCV's fisheye (Kannala-Brandt, 4 coefficients)
# model: camera_calibration's fisheye files of Melodic said 'fisheye'
# (ros-perception/image_pipeline#682), librealsense calls it Kannala Brandt4.
FISHEYE_ALIASES = ('fisheye', 'kannala_brandt', 'kannala_brandt4', 'pinhole-equi')
# Kalibr's names of plumb_bob (radial-tangential: k1 k2 p1 p2, k3 zero when left out), as
# ethz-asl/image_undistort writes them into the camera_info it publishes (ethz-asl/kalibr#39:
# "radTan model compatible with image_proc?"); 'pinhole-equi' above is its fisheye.
PINHOLE_ALIASES = ('radtan', 'radial-tangential', 'radial_tangential', 'pinhole-radtan')
# librealsense's name of the same model (RS2_DISTORTION_BROWN_CONRADY: k1 k2 p1 p2 k3 in
# OpenCV's order, which plumb_bob names), as drivers built on librealsense write it into
# camera_info (IntelRealSense/realsense-ros#818 asked for the SDK's own names;
# ros/common_msgs#89).
BROWN_CONRADY_ALIASES = ('brown_conrady', 'brown-conrady', 'brownconrady')
# librealsense's two other Brown-Conrady models, which ros/common_msgs#89 asked ROS to read
# ("the distortion models in two of our cameras use Modified Brown-Conrady and Inverse
# Brown-Conrady"). Both take k1 k2 p1 p2 k3 in plumb_bob's order, but OpenCV has neither,
# so their maps are made here (:func:`_librealsense_maps`) from the SDK's own formulas
# (rsutil.h, quoted in realsenseai/librealsense#939): MODIFIED applies the tangential terms
# to the radially distorted point (with the undistorted radius); INVERSE's coefficients
# take a distorted point to its ideal one, the other way than plumb_bob's.
MODIFIED_MODELS = ('modified_brown_conrady', 'modified-brown-conrady')
INVERSE_MODELS = ('inverse_brown_conrady', 'inverse-brown-conrady')
LIBREALSENSE_MODELS = ('modified_brown_conrady', 'inverse_brown_conrady')
LIBREALSENSE_COEFFICIENTS = (4, 5)
# Steps and the largest residual (normalised image units, ~1e-4 px at f 500) of the
# inverse model's inversion: a lens converges in under 10 steps; a pixel that does not is
# read as outside the raw image (black, no depth).
INVERSE_STEPS = 30
INVERSE_TOLERANCE = 2e-7
# Spacing (px) of the coarse grid on which the inverse model is inverted first: its
# distorted points, interpolated, start every pixel's steps within ~1e-5 of its own (the
# map is smooth at this scale), so one step over the whole image then converges nearly
# all of them. Inverting every pixel from its ideal point took 0.6-1.0 s at 1920x1080.
INVERSE_COARSE_STEP = 8
# Rows of the image stepped at a time, so that the formula's temporaries stay in the cache.
INVERSE_BAND = 32
# Largest element of |R^T R - I| for R to be taken as a rotation: calibration files print
# R with 6-8 decimals (camera_calibration's ost.yaml), off by ~1e-6.
ROTATION_TOLERANCE = 1e-3
# What a lens's rectification maps look like, rectified onto its own camera matrix: most
# of the view kept (0.85 to 1.0 of the pixels read from inside the raw image) and no fold
# (each row's raw x, each column's raw y increasing: 0 pixels otherwise), for a strong
# barrel (k1 -0.35, -0.45), a pincushion (k1 +0.3), an Azure Kinect's rational_polynomial,
# a RealSense D455's plumb_bob, a T265 fisheye, a wide 1280x720 barrel. D that is no lens
# reads the view from outside the image (coefficients in the 1000s,
# orbbec/OrbbecSDK_ROS2#15: 0.02 inside; a fisheye D in the 100s: 0.08) or folds it (a
# rational lens's k3 k4 written as plumb_bob's p1 p2, orbbec/OrbbecSDK_ROS1#8: 0.57 of the
# pixels inside folded).
MIN_SHARE_INSIDE = 0.5
MAX_SHARE_FOLDED = 0.05
# The same lenses' maps read a span of 0.78 to 1.0 of the raw image (width x height of what
# they read), of what their camera matrices read without distortion (1.0 where P is K; a P
# zoomed in 2x reads 0.25 by itself: _pinhole_span); an inverse model's D in the 1000s
# (librealsense's inverse Brown-Conrady, whose coefficients undistort) reads 0.016 of it:
# the whole view from a speck at the centre.
MIN_RAW_SPAN = 0.25


class NoLensError(ValueError):
    """CameraInfo.D whose rectification reads mostly from outside the raw image."""


def has_distortion(d):
    """Return True if ``d`` (sequence of float, CameraInfo.D) holds a non-zero coefficient.

    NaN counts as non-zero (it is no statement of "no distortion").
    """
    return any(not abs(float(v)) <= 1e-9 for v in d)


@dataclass(frozen=True, eq=False)
class Rectifier:
    """Maps that take a raw image of one camera to its rectified image.

    :ivar width: the raw (and rectified) image width (px).
    :ivar height: its height (px).
    :ivar new_k: the rectified image's 3x3 camera matrix (float64): what the core projects
        with (``P``'s left 3x3, or ``K`` where P is not used).
    :ivar model: the distortion model the maps were made for.
    :ivar max_shift: the largest distance (px, float) between a raw pixel and where the
        same ray falls in the rectified image, over the image border: how far off the
        edges a pinhole reading of the raw image was.
    :ivar note: '' or why CameraInfo.R was not used (:func:`rotation`): to warn once.
    """

    width: int
    height: int
    new_k: np.ndarray
    model: str
    max_shift: float
    _fixed: tuple
    _float: tuple
    note: str = ''

    def colour(self, image):
        """Rectify a colour image: (H, W, C) or (H, W) uint8 -> the same shape and dtype.

        Bilinear, as image_proc's default; pixels no raw pixel maps to are black.

        :raises ValueError: an image of another size than the maps'.
        """
        self._check(image)
        return cv2.remap(image, self._fixed[0], self._fixed[1], cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=0)

    def depth(self, depth):
        """Rectify a depth image: (H, W) float32 metres, NaN = no reading -> the same.

        Nearest neighbour: no depth between an object and what lies behind it. Pixels no
        raw pixel maps to are NaN.

        :raises ValueError: a depth image of another size than the maps'.
        """
        self._check(depth)
        return cv2.remap(np.asarray(depth, np.float32), self._float[0], self._float[1],
                         cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=float('nan'))

    def made_for(self, fx, fy, cx, cy):
        """Return True if the rectified image's camera matrix is this one (pixels)."""
        k = self.new_k
        return bool(np.allclose((k[0, 0], k[1, 1], k[0, 2], k[1, 2]), (fx, fy, cx, cy)))

    def _check(self, image):
        if image.shape[:2] != (self.height, self.width):
            raise ValueError(f'image is {image.shape[1]}x{image.shape[0]}, the rectification '
                             f'maps {self.width}x{self.height}')


def model_coefficients(d, model):
    """Return ``(model, d)`` as OpenCV reads them, or raise saying why it cannot.

    The model's name is matched without case or surrounding space, the fisheye aliases
    (:data:`FISHEYE_ALIASES`) are read as ``equidistant`` and Kalibr's radial-tangential
    (:data:`PINHOLE_ALIASES`) and librealsense's ``brown_conrady``
    (:data:`BROWN_CONRADY_ALIASES`) as ``plumb_bob``; librealsense's
    ``modified_brown_conrady`` and ``inverse_brown_conrady`` (:data:`MODIFIED_MODELS`,
    :data:`INVERSE_MODELS`, 4 or 5 coefficients) keep their names; an empty name with a
    pinhole coefficient count is ``plumb_bob``. Zeros after the coefficients a model
    reads are dropped: a zero coefficient is OpenCV's "absent", and drivers pad D so
    (RealSense's equidistant D of 5, k1..k4 and a 0: IntelRealSense/realsense-ros#1989,
    where image_proc asserted).

    :param d: CameraInfo.D, (N,) float64, finite.
    :param model: CameraInfo.distortion_model (str).
    :return: ``(name, d)``: one of :data:`PINHOLE_MODELS`, :data:`FISHEYE_MODELS` or
        :data:`LIBREALSENSE_MODELS`, and
        D as (n,) float64 with n a count the model takes.
    :raises ValueError: an unknown model, or a count the model does not take with a
        non-zero coefficient beyond it.
    """
    name = str(model).strip().lower()
    if name in FISHEYE_ALIASES:
        name = 'equidistant'
    elif name in PINHOLE_ALIASES + BROWN_CONRADY_ALIASES:
        name = 'plumb_bob'
    elif name in MODIFIED_MODELS:
        name = 'modified_brown_conrady'
    elif name in INVERSE_MODELS:
        name = 'inverse_brown_conrady'
    if not name and d.size in PINHOLE_COEFFICIENTS:
        name = 'plumb_bob'
    if name in FISHEYE_MODELS:
        counts = FISHEYE_COEFFICIENTS
    elif name in PINHOLE_MODELS:
        counts = PINHOLE_COEFFICIENTS
    elif name in LIBREALSENSE_MODELS:
        counts = LIBREALSENSE_COEFFICIENTS
    else:
        raise ValueError(f'distortion model "{model}" is not one of '
                         f'{", ".join(PINHOLE_MODELS + FISHEYE_MODELS + FISHEYE_ALIASES)}, '
                         f'{", ".join(PINHOLE_ALIASES + BROWN_CONRADY_ALIASES)}, '
                         f'{", ".join(LIBREALSENSE_MODELS)}')
    used = int(np.flatnonzero(d)[-1]) + 1 if np.any(d) else 0
    for n in counts:
        if used <= n <= d.size:
            return name, d[:n]
    wanted = ', '.join(str(n) for n in counts)
    raise ValueError(f'{model or "the pinhole model"} takes {wanted} coefficients, D has '
                     f'{d.size}' + (f' ({used} of them used)' if used != d.size else ''))


def turned_over(d, r, model, columns=False):
    """Return ``(d, r)`` of the same lens for its image turned over: rows (y -> -y) or columns.

    An image published with its rows bottom-up beside a camera_info whose fy is negative
    (messages._rows_read_top_down), or with its columns right to left beside a negative fx
    (messages._columns_read_left_to_right), is turned back before it is rectified, so its
    D and R must be the upright image's. In OpenCV's pinhole model (and librealsense's
    Brown-Conrady) the terms odd in the turned axis change sign, radial terms do not: for
    rows the tangential p1 (D[2]) and the thin prism's y terms s3, s4 (D[10], D[11]); for
    columns p2 (D[3]) and its x terms s1, s2 (D[8], D[9]) (OpenCV's calib3d "Detailed
    Description": x'' holds 2 p1 x' y' + p2 (r^2 + 2 x'^2) + s1 r^2 + s2 r^4). The fisheye
    model is radial only. R becomes F R F, F = diag(1, -1, 1) for rows, diag(-1, 1, 1) for
    columns. Both negative (a half turn): apply one, then the other.

    A tilted sensor (14 coefficients, OpenCV's ``CALIB_TILTED_MODEL``: tau_x D[12], tau_y
    D[13]) is a valid calibration of a turned image too: its tilt, ``matTilt(tau_x,
    tau_y)`` of ``computeTiltProjectionMatrix`` (``Rot_y(tau_y) Rot_x(tau_x)`` and its
    projection back to z = 1), becomes ``F matTilt F`` = ``matTilt(-tau_x, tau_y)`` for
    rows (a turn about the x axis mirrored in y) and ``matTilt(tau_x, -tau_y)`` for
    columns, the image's axes as REP 103's optical frame has them (x right, y down).
    Before (session 37) it was refused, and such frames went out unrectified.

    :param d: CameraInfo.D (sequence of float).
    :param r: CameraInfo.R (9 floats, row-major; all zero stays all zero).
    :param model: CameraInfo.distortion_model.
    :param columns: turn the columns (x -> -x) instead of the rows.
    :return: ``(d, r)``: (N,) float64 and (9,) float64.
    """
    d = np.asarray(d, np.float64).reshape(-1).copy()
    flip = np.diag([-1.0, 1.0, 1.0] if columns else [1.0, -1.0, 1.0])
    r = np.asarray(r, np.float64).reshape(-1)
    r = (flip @ r.reshape(3, 3) @ flip).reshape(-1) if r.size == 9 else r
    if str(model).strip().lower() in FISHEYE_MODELS + FISHEYE_ALIASES:
        return d, r
    for i in ((3, 8, 9, 13) if columns else (2, 10, 11, 12)):
        if i < d.size:
            d[i] = -d[i]
    return d, r


def make_rectifier(k, d, r, model, new_k, width, height):
    """Build the :class:`Rectifier` of a camera, or say why it cannot be built.

    :param k: the raw camera matrix, CameraInfo.K (9 floats, row-major).
    :param d: the distortion coefficients, CameraInfo.D (sequence of float).
    :param r: the rectification rotation, CameraInfo.R (9 floats, row-major; identity for
        a monocular camera; all zero, as some drivers leave it, is read as identity; one
        that is no rotation is read as identity and said in ``note``: :func:`rotation`).
    :param model: CameraInfo.distortion_model (str): ``plumb_bob``,
        ``rational_polynomial`` (OpenCV's pinhole model with 4, 5, 8, 12 or 14
        coefficients), ``equidistant`` (OpenCV's fisheye model, 4 coefficients) or
        librealsense's ``modified_brown_conrady`` or ``inverse_brown_conrady`` (4 or 5), as
        :func:`model_coefficients` reads them (its aliases; trailing zeros dropped).
    :param new_k: the rectified image's 3x3 camera matrix (array-like, pixels).
    :param width: image width (px, > 0).
    :param height: image height (px, > 0).
    :return: :class:`Rectifier`.
    :raises NoLensError: D that is no lens: rectified with it, less than
        :data:`MIN_SHARE_INSIDE` of the image would read from inside the raw one, more
        than :data:`MAX_SHARE_FOLDED` of it folded back, or it would read a span of less
        than :data:`MIN_RAW_SPAN` of the raw image the same K, R and ``new_k`` read without
        distortion (:func:`_pinhole_span`: a ``new_k`` zoomed in 2x reads a quarter of it
        by itself) (a driver's D in other units or
        another order than its model, orbbec/OrbbecSDK_ROS2#15: before, the node rectified
        the frames into a smear without a word).
    :raises ValueError: an unknown model, a coefficient count the model does not have,
        NaN or inf coefficients, a K that is not a camera matrix, or a size of zero. The
        message says which.
    """
    d = np.asarray(d, np.float64).reshape(-1)
    k = np.asarray(k, np.float64).reshape(3, 3)
    new_k = np.asarray(new_k, np.float64).reshape(3, 3)
    width, height = int(width), int(height)
    if width <= 0 or height <= 0:
        raise ValueError(f'image size {width}x{height}')
    if not np.isfinite(d).all():
        raise ValueError(f'D holds NaN or inf: {d.tolist()}')
    if not (np.isfinite(k).all() and k[0, 0] > 0 and k[1, 1] > 0):
        raise ValueError('K is not a camera matrix (fx, fy must be > 0)')
    rot, note = rotation(r)
    size = (width, height)
    model, d = model_coefficients(d, model)
    if model in FISHEYE_MODELS:
        maps = cv2.fisheye.initUndistortRectifyMap(k, d, rot, new_k, size, cv2.CV_32FC1)
    elif model in LIBREALSENSE_MODELS:
        maps = _librealsense_maps(k, d, rot, new_k, size, model)
    else:
        maps = cv2.initUndistortRectifyMap(k, d, rot, new_k, size, cv2.CV_32FC1)
    map_x, map_y = maps
    why = _no_lens(map_x, map_y, _pinhole_span(k, rot, new_k, width, height))
    if why:
        raise NoLensError(f'D [{", ".join(f"{v:g}" for v in d)}] is no {model} lens: '
                          f'rectified with it, {why}; coefficients in other units or another '
                          'order than the model takes')
    shift = _border_shift(map_x, map_y)
    # A ray with no raw pixel (NaN) reads outside the image: remap has no NaN convention.
    map_x, map_y = (np.where(np.isfinite(m), m, np.float32(-1.0)) for m in (map_x, map_y))
    fixed = cv2.convertMaps(map_x, map_y, cv2.CV_16SC2)
    return Rectifier(width, height, new_k, model, shift, fixed, (map_x, map_y), note)


def rotation(r):
    """Return the rectification rotation of CameraInfo.R and what was wrong with it.

    An R all zero (drivers that leave it unset) or of another length than 9 is a
    monocular camera's identity, as camera_calibration writes it. An R that is no rotation
    (NaN or inf, not orthonormal within :data:`ROTATION_TOLERANCE`, a reflection of
    det -1) would warp the image by a shear or mirror it (``cv2.initUndistortRectifyMap``
    takes any 3x3): it is read as identity too, and the note says why, for the node to
    warn once. Before, such an R was taken as identity without a word.

    :param r: CameraInfo.R, 9 floats row-major (any sequence).
    :return: ``(rot, note)``: (3, 3) float64 rotation, and '' or a clause saying what R
        was and that identity is used instead.
    """
    values = np.asarray(r, np.float64).reshape(-1)
    if values.size != 9 or (np.isfinite(values).all() and not np.any(values)):
        return np.eye(3), ''
    rot = values.reshape(3, 3)
    if not np.isfinite(rot).all():
        why = 'holds NaN or inf'
    else:
        off = float(np.abs(rot.T @ rot - np.eye(3)).max())
        det = float(np.linalg.det(rot))
        if off > ROTATION_TOLERANCE:
            why = f'is not orthonormal (R^T R is off the identity by {off:.3g})'
        elif det < 0:
            why = f'is a reflection (det {det:.3f}), not a rotation'
        else:
            return rot, ''
    row = ', '.join(f'{v:g}' for v in values)
    return np.eye(3), (f'camera_info R [{row}] {why}: rectified with R = identity '
                       "(a monocular camera's); recalibrate or fix the R the driver sends")


def _no_lens(map_x, map_y, pinhole_span=1.0):
    """Say how rectification maps are no lens's (str), or '' when they may be one.

    :param map_x: (H, W) float32, the raw x each rectified pixel reads (NaN: none).
    :param map_y: (H, W) float32, its raw y.
    :param pinhole_span: the span of the raw image the same camera matrices read without
        distortion (:func:`_pinhole_span`, in (0, 1]): a rectified camera matrix zoomed
        in 2x reads a quarter of it with no lens at all, so the maps' span is judged
        against it (:data:`MIN_RAW_SPAN` of it).
    """
    h, w = map_x.shape
    with np.errstate(invalid='ignore'):
        inside = (map_x >= 0) & (map_x <= w - 1) & (map_y >= 0) & (map_y <= h - 1)
        folded = np.zeros_like(inside)
        folded[:, 1:] |= np.diff(map_x, axis=1) <= 0
        folded[1:, :] |= np.diff(map_y, axis=0) <= 0
    share = float(inside.mean())
    if share < MIN_SHARE_INSIDE:
        return (f'{share:.0%} of the image reads from inside the raw one (a lens keeps over '
                f'{MIN_SHARE_INSIDE:.0%})')
    fold = float((folded & inside).sum()) / max(int(inside.sum()), 1)
    if fold > MAX_SHARE_FOLDED:
        return (f'{fold:.0%} of the image reads the raw one folded back (a lens maps each '
                'row and column of it in order)')
    span = float(np.ptp(map_x[inside]) / max(w - 1, 1) * np.ptp(map_y[inside]) / max(h - 1, 1))
    if span < MIN_RAW_SPAN * pinhole_span:
        return (f'the image reads {span:.1%} of the raw one (a lens reads over '
                f'{MIN_RAW_SPAN:.0%} of the {pinhole_span:.0%} its camera matrices read '
                'without distortion)')
    return ''


def _pinhole_span(k, rot, new_k, width, height):
    """Return the span of the raw image that ``k``, ``rot``, ``new_k`` read with D = 0.

    Width x height of the raw pixels (as shares of the image's) that a 33 x 33 grid over
    the rectified image reads through the pinhole alone, clipped to the image: 1.0 where
    ``new_k`` is ``k`` (R = I), 0.25 where ``new_k`` zooms in 2x.

    :param k: (3, 3) float64 raw camera matrix.
    :param rot: (3, 3) float64 rectification rotation.
    :param new_k: (3, 3) float64 rectified camera matrix.
    :param width: image width (px).
    :param height: image height (px).
    :return: float in (0, 1]; 1.0 where the grid reads nothing inside (no reference).
    """
    us, vs = np.meshgrid(np.linspace(0, width - 1, 33), np.linspace(0, height - 1, 33))
    rays = np.linalg.inv(new_k @ rot) @ np.stack([us.ravel(), vs.ravel(), np.ones(us.size)])
    with np.errstate(divide='ignore', invalid='ignore'):
        raw = k @ (rays / rays[2])
    x = np.clip(raw[0], 0, width - 1)
    y = np.clip(raw[1], 0, height - 1)
    ahead = np.isfinite(x) & np.isfinite(y) & (rays[2] > 0)
    if not ahead.any():
        return 1.0
    span = float(np.ptp(x[ahead]) / max(width - 1, 1) * np.ptp(y[ahead]) / max(height - 1, 1))
    return span if span > 0 else 1.0


def _border_shift(map_x, map_y):
    """Return the largest distance (px) between a rectified pixel and the raw one it reads.

    Taken over the image border, where distortion is largest; NaN shifts are skipped.
    """
    h, w = map_x.shape
    xs, ys = np.arange(w, dtype=np.float64), np.arange(h, dtype=np.float64)
    edges = ((np.s_[0, :], xs, 0.0), (np.s_[-1, :], xs, h - 1.0),  # (pixels, x, y)
             (np.s_[:, 0], 0.0, ys), (np.s_[:, -1], w - 1.0, ys))
    shift = np.concatenate([np.hypot(map_x[at] - np.float64(x), map_y[at] - np.float64(y))
                            for at, x, y in edges])
    shift = shift[np.isfinite(shift)]
    return float(shift.max()) if shift.size else 0.0


def _librealsense_maps(k, d, rot, new_k, size, model):
    """Make the maps of librealsense's modified or inverse Brown-Conrady model.

    Each rectified pixel's ray is found as ``cv2.initUndistortRectifyMap`` finds it
    (``(new_k R)^-1 (u, v, 1)``), then distorted by the SDK's formula (rsutil.h,
    realsenseai/librealsense#939) and put through K's fx, fy, cx, cy, as OpenCV does.
    ``modified_brown_conrady``: the radial factor of the undistorted radius, then the
    tangential terms on the radially distorted point, still with the undistorted radius
    (the SDK's projection, which #939 found differs from its own comment).
    ``inverse_brown_conrady``: the coefficients take a distorted point to its ideal one by
    plumb_bob's formula (the SDK's deprojection), so the distorted point of each ray is
    found by steps (:data:`INVERSE_STEPS`, Newton's for the radial term); a ray that does
    not converge to
    :data:`INVERSE_TOLERANCE` reads from outside the raw image (NaN).

    :param k: (3, 3) float64 raw camera matrix.
    :param d: (4,) or (5,) float64, k1 k2 p1 p2 [k3].
    :param rot: (3, 3) float64 rectification rotation.
    :param new_k: (3, 3) float64 rectified camera matrix.
    :param size: ``(width, height)`` (px).
    :param model: one of :data:`LIBREALSENSE_MODELS`.
    :return: ``(map_x, map_y)``, each (H, W) float32: the raw pixel each rectified one reads.
    """
    k1, k2, p1, p2, k3 = np.concatenate([d, np.zeros(5 - d.size)])
    width, height = size
    to_ray = np.linalg.inv(new_k @ rot)
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        x, y = _ideal_points(to_ray, np.arange(width, dtype=np.float64),
                             np.arange(height, dtype=np.float64))
        if model == 'modified_brown_conrady':
            r2 = x * x + y * y
            f = 1 + k1 * r2 + k2 * r2 * r2 + k3 * r2 * r2 * r2
            xr, yr = x * f, y * f
            xd = xr + 2 * p1 * xr * yr + p2 * (r2 + 2 * xr * xr)
            yd = yr + 2 * p2 * xr * yr + p1 * (r2 + 2 * yr * yr)
        else:
            xd, yd = _invert_inverse_model(x, y, to_ray, (k1, k2, p1, p2, k3))
        map_x = k[0, 0] * xd + k[0, 2]
        map_y = k[1, 1] * yd + k[1, 2]
    return map_x.astype(np.float32), map_y.astype(np.float32)


def _ideal_points(pixel_to_ray, u, v):
    """Return the normalised ideal points ``(x, y)`` (each (len(v), len(u)) float64).

    ``pixel_to_ray`` (3, 3) is ``(new_k R)^-1``; ``u`` (W,) and ``v`` (H,) the pixel
    columns and rows: the ray of ``(u, v, 1)`` over its z, broadcast, not a (3, H W) stack.
    """
    (a, b, c), (d, e, f), (g, h, i) = pixel_to_ray
    u, v = u[None, :], v[:, None]
    z = g * u + h * v + i
    return (a * u + b * v + c) / z, (d * u + e * v + f) / z


def _inverse_ideal(xd, yd, coeffs):
    """Return the ideal point of distorted ``(xd, yd)``: plumb_bob's formula, as rsutil.h."""
    k1, k2, p1, p2, k3 = coeffs
    r2 = xd * xd + yd * yd
    f = 1 + r2 * (k1 + r2 * (k2 + r2 * k3))
    return (xd * f + 2 * p1 * xd * yd + p2 * (r2 + 2 * xd * xd),
            yd * f + 2 * p2 * xd * yd + p1 * (r2 + 2 * yd * yd))


def _inverse_step(xd, yd, ex, ey, coeffs):
    """Take Newton's step of the radial term (d(r f(r))/dr) towards residual ``(ex, ey)``.

    The tangential terms, a few thousandths, are left to the next steps; past a fold
    (slope under 0.1) the step is a plain one. Returns the new ``(xd, yd)``.
    """
    k1, k2, _, _, k3 = coeffs
    r2 = xd * xd + yd * yd
    slope = 1 + r2 * (3 * k1 + r2 * (5 * k2 + r2 * 7 * k3))
    slope = np.where(slope > 0.1, slope, 1.0)
    return xd + ex / slope, yd + ey / slope


def _invert_steps(x, y, xd, yd, coeffs, steps):
    """Step ``(xd, yd)`` (flat float64, changed in place) until ``(x, y)`` is their ideal.

    A point whose residual is still over :data:`INVERSE_TOLERANCE` after ``steps`` steps
    is set to NaN (reads from outside the raw image). Only the points not converged yet
    take a step.
    """
    ix, iy = _inverse_ideal(xd, yd, coeffs)  # all points at once: no gather
    ex, ey = x - ix, y - iy
    left = np.flatnonzero(~(np.hypot(ex, ey) <= INVERSE_TOLERANCE))
    ex, ey = ex[left], ey[left]
    for _ in range(steps):
        if not left.size:
            break
        xd[left], yd[left] = _inverse_step(xd[left], yd[left], ex, ey, coeffs)
        ix, iy = _inverse_ideal(xd[left], yd[left], coeffs)
        ex, ey = x[left] - ix, y[left] - iy
        keep = ~(np.hypot(ex, ey) <= INVERSE_TOLERANCE)
        left, ex, ey = left[keep], ex[keep], ey[keep]
    xd[left] = yd[left] = np.nan


def _invert_inverse_model(x, y, pixel_to_ray, coeffs):
    """Return the distorted point whose ideal point (:func:`_inverse_ideal`) is ``(x, y)``.

    The points of every :data:`INVERSE_COARSE_STEP`-th pixel (a grid one spacing beyond
    the image) are inverted from their ideal points, as every pixel once was; their
    displacement, interpolated bilinearly, starts each pixel, which takes one Newton step
    over the whole image, and the few not converged then (a fold, a grid point that did
    not converge) go on from there, or from their ideal point where the grid has none,
    for up to :data:`INVERSE_STEPS` steps; a pixel that still does not converge is tried
    again from its ideal point. Same points as inverting each pixel alone (to
    :data:`INVERSE_TOLERANCE`), about 2 evaluations of the formula per pixel instead of
    about 5, in bands of rows: 0.6-1.0 s -> 0.13-0.15 s at 1920x1080.

    :param x: (H, W) float64 ideal normalised x (may hold inf/NaN: never converges).
    :param y: (H, W) float64 ideal normalised y.
    :param pixel_to_ray: (3, 3) float64 ``(new_k R)^-1``, which made ``x``, ``y`` of the
        pixels; the grid's points are made by it too.
    :param coeffs: ``(k1, k2, p1, p2, k3)``.
    :return: ``(xd, yd)``, each (H, W) float64; NaN where the steps did not converge.
    """
    height, width = x.shape
    step = INVERSE_COARSE_STEP
    u = np.arange(-(-(width - 1) // step) + 1, dtype=np.float64) * step
    v = np.arange(-(-(height - 1) // step) + 1, dtype=np.float64) * step
    cx, cy = (a.ravel() for a in _ideal_points(pixel_to_ray, u, v))
    rows, cols = v.size, u.size
    gx, gy = cx.copy(), cy.copy()
    _invert_steps(cx, cy, gx, gy, coeffs, INVERSE_STEPS)
    shift_x = (gx - cx).reshape(rows, cols).astype(np.float32)
    shift_y = (gy - cy).reshape(rows, cols).astype(np.float32)
    xd, yd = np.empty_like(x), np.empty_like(y)
    at_u = np.broadcast_to(np.arange(width, dtype=np.float32) / step, (INVERSE_BAND, width))
    for top in range(0, height, INVERSE_BAND):  # bands: temporaries stay in the cache
        rows = slice(top, min(top + INVERSE_BAND, height))
        n = rows.stop - top
        at_v = np.broadcast_to(np.arange(top, rows.stop, dtype=np.float32)[:, None] / step,
                               (n, width))
        guess = [cv2.remap(s, np.ascontiguousarray(at_u[:n]), np.ascontiguousarray(at_v),
                           cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
                 for s in (shift_x, shift_y)]
        bx, by = x[rows].ravel(), y[rows].ravel()
        gx = bx + np.where(np.isfinite(guess[0]), guess[0], 0.0).ravel()
        gy = by + np.where(np.isfinite(guess[1]), guess[1], 0.0).ravel()
        ix, iy = _inverse_ideal(gx, gy, coeffs)
        gx, gy = _inverse_step(gx, gy, bx - ix, by - iy, coeffs)
        _invert_steps(bx, by, gx, gy, coeffs, INVERSE_STEPS - 1)
        # Near a fold the start decides whether the steps converge: what did not from the
        # grid's start is tried from its ideal point, as every pixel once was.
        lost = np.flatnonzero(np.isnan(gx))
        if lost.size:
            again_x, again_y = bx[lost].copy(), by[lost].copy()
            _invert_steps(bx[lost], by[lost], again_x, again_y, coeffs, INVERSE_STEPS)
            gx[lost], gy[lost] = again_x, again_y
        xd[rows], yd[rows] = gx.reshape(n, width), gy.reshape(n, width)
    return xd.reshape(height, width), yd.reshape(height, width)
