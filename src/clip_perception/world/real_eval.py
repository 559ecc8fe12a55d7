"""Proposals and pose measured on real RGB-D frames (``clip_perception_eval real``).

Reads the frames of ``shared/data/real_rgbd`` (one ``.npz`` per frame: ``rgb``, ``depth``
in metres with 0 = no reading, ``K``, optional ``seg`` masks) and the hand-drawn labels
of ``test/data/real_rgbd_labels.json``, and measures, with the pipeline's own
:func:`clip_perception.proposals.propose`:

* proposal recall at IoU >= 0.5 per kind of object (opaque, dark, transparent);
* frames that got no proposal at all;
* the pose error of the proposal that matches each opaque object with a pixel mask,
  against the centroid of that object's own depth points: the lateral part (in the
  support plane, across the viewing direction; the whole in-plane error for views
  within 30 degrees of the surface normal), the in-plane part along the viewing
  direction and the part along the surface normal are reported apart, because the
  centroid of the visible points lies in front of the true centre by up to half the
  object's depth in side views;
* the time of :func:`propose` per frame, by resolution.

Masks come from the frame's ``seg`` (ClearGrasp; labels that cover several touching
objects are replaced by hand boxes without masks) and, for the ARC tote frames, from
the difference with the empty tote (``bg_depth``) inside each hand box.
"""

from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
import glob
import json
import os
import time
import zlib

import cv2
import numpy as np

from clip_perception.geometry import back_project
from clip_perception.geometry import box_iou
from clip_perception.geometry import depth_to_metres
from clip_perception.geometry import fit_plane_ransac
from clip_perception.geometry import Intrinsics

KINDS = ('opaque', 'dark', 'transparent')


@dataclass
class LabelledObject:
    """One labelled object: ``box`` (x0, y0, x1, y1) px, ``kind``, optional (H, W) mask."""

    name: str
    box: tuple
    kind: str
    mask: np.ndarray | None = None
    mask_source: str = ''


@dataclass
class RealFrame:
    """One real frame: RGB, depth (float32 m, NaN = none), intrinsics and its labels."""

    name: str
    rgb: np.ndarray
    depth: np.ndarray
    intrinsics: Intrinsics
    sensor: str
    objects: list = field(default_factory=list)
    reference_plane: tuple | None = None
    # The depth the pose's reference centroid is measured on (float32 m, NaN = none), where
    # it is not ``depth``: a sensor view's frame keeps the recorded depth here, since the
    # view changed the readings, not where the objects are (None: ``depth``).
    reference_depth: np.ndarray | None = None


def load_frames(data_dir, labels_path, names=None):
    """Load every ``*.npz`` of ``data_dir`` that has an entry in the labels file.

    :param data_dir: folder of the real frames.
    :param labels_path: the hand-drawn labels (JSON, see its ``about``).
    :param names: optional subset of frame names.
    :return: list of :class:`RealFrame`, sorted by name.
    :raises FileNotFoundError: missing folder, labels or frame.
    """
    with open(labels_path) as f:
        labels = json.load(f)['frames']
    paths = sorted(glob.glob(os.path.join(data_dir, '*.npz')))
    if not paths:
        raise FileNotFoundError(f'no .npz frames in {data_dir}')
    out = []
    for path in paths:
        name = os.path.basename(path)[:-4]
        if name not in labels or (names and name not in names):
            continue
        d = np.load(path)
        rgb = d['rgb']
        h, w = rgb.shape[:2]
        frame = RealFrame(name, rgb, depth_to_metres(d['depth']),
                          Intrinsics.from_k(d['K'], w, h), str(d['sensor']))
        entry = labels[name]
        seg = d['seg'] if 'seg' in d.files else None
        for label, obj_name in sorted(entry.get('seg', {}).items(), key=lambda kv: kv[0]):
            mask = seg == int(label)
            ys, xs = np.nonzero(mask)
            kind = 'transparent' if 'transparent' in name else 'opaque'
            frame.objects.append(LabelledObject(
                obj_name, (int(xs.min()), int(ys.min()), int(xs.max()) + 1,
                           int(ys.max()) + 1), kind, mask, 'seg'))
        bg = depth_to_metres(d['bg_depth']) if 'bg_depth' in d.files else None
        for o in entry.get('objects', []):
            obj = LabelledObject(o['name'], tuple(o['box']), o['kind'])
            if bg is not None and o['kind'] == 'opaque':
                obj.mask = _background_difference_mask(frame.depth, bg, obj.box)
                obj.mask_source = 'bg_depth' if obj.mask is not None else ''
            frame.objects.append(obj)
        # Reference support plane for splitting the pose error: fitted independently of
        # the proposals under test (the empty tote where there is one).
        frame.reference_plane = fit_plane_ransac(bg if bg is not None else frame.depth,
                                                 frame.intrinsics)
        out.append(frame)
    return out


VIEWS = ('original', 'mirror', 'scale:0.75', 'scale:1.5')

# What another camera or driver does to the same scene, without moving it: the views of
# :func:`sensor_view`, as ``name: (argument, (low, high) bounds of the argument)``.
SENSOR_VIEWS = {
    'depth_mm': ('', None),
    'depth_noise': ('K', (0.0, 0.05)),
    'depth_res': ('N', (1, 8)),
    'jpeg': ('Q', (1, 100)),
    'exposure': ('G', (0.05, 4.0)),
    'white_balance': ('R', (0.25, 4.0)),
    'blur': ('S', (0.0, 10.0)),
    'stereo_shadow': ('B', (0.0, 0.3)),
    'flying_pixels': ('W', (1, 4)),
    'misregister': ('D', (-8, 8)),
    'misregister_y': ('D', (-8, 8)),
    'wfov_corners': ('R', (0.5, 1.0)),
    'depth_upsample': ('N', (1, 8)),
    'roll': ('A', (-45.0, 45.0)),
}

# Sensor views whose argument counts pixels (a whole number).
_WHOLE_ARGS = ('depth_res', 'flying_pixels', 'misregister', 'misregister_y', 'depth_upsample')


def _view_argument(kind, arg):
    """Return the number ``arg`` of sensor view ``kind``, checked against its bounds."""
    if kind not in SENSOR_VIEWS:
        raise ValueError(f'unknown sensor view "{kind}"')
    name, bounds = SENSOR_VIEWS[kind]
    value = 0.0
    if bounds is not None:
        try:
            value = float(arg)
        except ValueError:
            value = float('nan')
        if not bounds[0] <= value <= bounds[1]:
            raise ValueError(f'view "{kind}:{arg}": {name} must be a number in '
                             f'[{bounds[0]}, {bounds[1]}]')
    elif arg:
        raise ValueError(f'view "{kind}" takes no argument, got "{arg}"')
    if kind in _WHOLE_ARGS and int(value) != value:
        raise ValueError(f'view "{kind}:{arg}": {name} must be a whole number')
    return value


def sensor_view(frame, kind, arg=''):
    """Colour and depth of ``frame`` as another sensor or driver delivers the same scene.

    The scene, the intrinsics and the labels stay as they are; only the pixels change.
    Random parts are seeded by the frame's name (CRC-32), so a view is the same on every
    run.

    :param kind: one of :data:`SENSOR_VIEWS`:

        * ``depth_mm``: depth rounded to whole millimetres, as a ``16UC1`` driver
          (RealSense, Orbbec, OpenNI) publishes it;
        * ``depth_noise`` with ``K`` (1/m): Gaussian depth noise of standard deviation
          ``K z^2`` metres, the growth with the square of the distance of stereo and
          structured-light sensors (Khoshelham and Elberink, Sensors 2012: about
          0.0015-0.003 for a Kinect v1);
        * ``depth_res`` with ``N`` (integer): a depth sensor with 1/N of the colour's
          resolution, registered to the colour pixels by nearest neighbour (a low-resolution
          ToF or a depth stream registered to a larger colour stream);
        * ``jpeg`` with ``Q`` (1-100): the colour through JPEG at quality ``Q`` (the
          ``compressed`` transport's ``jpeg_quality``, 95 by default; 30-50 on a
          bandwidth-limited link);
        * ``exposure`` with ``G``: colour intensities times ``G``, clipped to 255 (under-
          and over-exposure), plus 2 levels of sensor noise;
        * ``white_balance`` with ``R``: red times ``R`` and blue divided by ``R``, clipped
          (a warm or cold white balance);
        * ``blur`` with ``S``: Gaussian blur of ``S`` pixels standard deviation (focus,
          motion);
        * ``stereo_shadow`` with ``B`` (m): the depth of an active stereo camera with a
          baseline of ``B`` metres whose left imager is the depth's reference (RealSense
          D4xx: 0.05 for a D435, 0.095 for a D455; ZED 0.12; OAK-D 0.075): a pixel the
          right imager cannot see, because a nearer surface to its right covers it there
          or its match falls off the right image, has no reading. That gives the
          "invalid depth band" of Intel's D400 datasheet (rev. 009, section 4.6 and
          "Left invalid depth band"): a band ``f B (1/z_near - 1/z_far)`` pixels wide
          to the left of every depth edge, and one ``f B / z`` wide at the image's left
          edge;
        * ``flying_pixels`` with ``W`` (integer, pixels): the mixed pixels of a
          time-of-flight camera (Azure Kinect, Helios, Kinect v2): a pixel within ``W``
          of a depth jump over 3 cm sees both surfaces and reads a depth between them
          (here the mean of the readings in its (2W+1)^2 window; a pixel there without
          a reading, a stereo shadow of the stored frame, gets one), the "flying pixels" of
          Sabov and Krüger (2008) and of the Azure Kinect depth camera documentation;
        * ``misregister`` with ``D`` (integer, pixels): depth registered ``D`` pixels
          right of the colour (negative: left), new pixels without reading: a
          depth-to-colour extrinsic off by a few millimetres, or a frame aligned with
          the other stream's time stamp (realsense-ros ``align_depth``, a moving
          camera);
        * ``misregister_y`` with ``D`` (integer, pixels): the same ``D`` pixels down
          (negative: up), an extrinsic off along the other image axis (a depth imager
          beside or above the colour one, a rolling shutter read in rows);
        * ``wfov_corners`` with ``R``: no depth outside a circle about the image centre
          of ``R`` times its half diagonal (the Azure Kinect's wide-field depth modes
          are circular: the corners of the 1024x1024 and 512x512 images hold no
          readings);
        * ``depth_upsample`` with ``N`` (integer): a depth sensor with 1/N of the
          colour's resolution, upsampled bilinearly (a resize with ``INTER_LINEAR``
          before registration): pixels between two readings of different surfaces
          read a depth between them, and a pixel beside a missing reading has none;
        * ``roll`` with ``A`` (degrees, -45 to 45): the image turned ``A`` degrees
          clockwise, as a hand-held or wrist camera rolled ``A`` degrees
          counter-clockwise about its optical axis (seen from behind it) gives it; colour
          and depth turned about the principal point in normalised coordinates (exact
          for ``fx != fy``), corners with nothing behind them black and without depth.
          Use :func:`view_frame` for it: the labels turn too.
    :param arg: the argument as text (empty for ``depth_mm``).
    :return: ``(rgb, depth)``: (H, W, 3) uint8 and (H, W) float32 metres, NaN = none.
    :raises ValueError: an unknown kind, or an argument that is not a number within
        :data:`SENSOR_VIEWS`' bounds.
    """
    value = _view_argument(kind, arg)
    n = int(value)
    rng = np.random.default_rng(zlib.crc32(frame.name.encode()))
    rgb, depth = frame.rgb, frame.depth
    if kind == 'depth_mm':
        depth = (np.round(depth * 1000.0) / 1000.0).astype(np.float32)
    elif kind == 'depth_noise':
        noise = rng.standard_normal(depth.shape).astype(np.float32)
        depth = (depth + np.float32(value) * depth * depth * noise).astype(np.float32)
    elif kind == 'depth_res':
        h, w = depth.shape
        depth = cv2.resize(np.ascontiguousarray(depth[n // 2::n, n // 2::n]), (w, h),
                           interpolation=cv2.INTER_NEAREST)
    elif kind == 'jpeg':
        ok, buf = cv2.imencode('.jpg', np.ascontiguousarray(rgb[..., ::-1]),
                               [cv2.IMWRITE_JPEG_QUALITY, int(round(value))])
        rgb = np.ascontiguousarray(cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1])
    elif kind == 'exposure':
        lit = rgb.astype(np.float32) * value + rng.normal(0.0, 2.0, rgb.shape)
        rgb = np.clip(np.round(lit), 0, 255).astype(np.uint8)
    elif kind == 'white_balance':
        gain = np.array([value, 1.0, 1.0 / value], np.float32)
        rgb = np.clip(np.round(rgb.astype(np.float32) * gain), 0, 255).astype(np.uint8)
    elif kind == 'blur' and value > 0:
        rgb = cv2.GaussianBlur(rgb, (0, 0), value)
    elif kind == 'stereo_shadow':
        depth = _stereo_shadow(depth, frame.intrinsics.fx * value)
    elif kind == 'flying_pixels':
        depth = _mixed_pixels(depth, n)
    elif kind in ('misregister', 'misregister_y'):
        depth = _shifted(depth, n, 1 if kind == 'misregister' else 0)
    elif kind == 'wfov_corners':
        h, w = depth.shape
        vs, us = np.mgrid[0:h, 0:w]
        r2 = ((us - (w - 1) / 2.0) ** 2 + (vs - (h - 1) / 2.0) ** 2) / ((w * w + h * h) / 4.0)
        depth = np.where(r2 <= value * value, depth, np.nan).astype(np.float32)
    elif kind == 'depth_upsample':
        # The readings taken at the same pixels as depth_res's, each colour pixel
        # interpolated between the four around it (NaN where one of them is missing).
        h, w = depth.shape
        low = np.ascontiguousarray(depth[n // 2::n, n // 2::n])
        mx = ((np.arange(w, dtype=np.float32) - n // 2) / n)[None, :].repeat(h, 0)
        my = ((np.arange(h, dtype=np.float32) - n // 2) / n)[:, None].repeat(w, 1)
        depth = cv2.remap(low, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    elif kind == 'roll':
        return _rolled(frame, value)[:2]
    return rgb, depth


def _shifted(image, n, axis):
    """``image`` moved ``n`` pixels along ``axis`` (1: right, 0: down), NaN where it left."""
    out = np.full_like(image, np.nan)
    size = image.shape[axis]
    dst = [slice(None)] * 2
    src = [slice(None)] * 2
    dst[axis] = slice(max(n, 0), size + min(n, 0))
    src[axis] = slice(max(-n, 0), size - max(n, 0))
    out[tuple(dst)] = image[tuple(src)]
    return out


def view_frame(frame, view):
    """Return the same real frame as another camera mounting or driver would deliver it.

    A check that the proposals' rules hold for the kind of frame, not for these pixels:
    a mirrored frame shows the same scene, and a rescaled one the same scene at another
    resolution (a driver's other stream profile), so recall and pose should stay close
    to the original's. The 3D scene is unchanged by either: the intrinsics follow the
    pixels, so every back-projected point stays where it was (mirrored in x for
    ``mirror``).

    :param frame: :class:`RealFrame`.
    :param view: ``original``; ``mirror`` (left-right: pixel ``u -> W - 1 - u``, so
        ``cx -> W - 1 - cx`` with pixel centres at integers as in ``CameraInfo``, box
        edges ``x -> W - x``, the reference plane's normal mirrored in x); or
        ``scale:S`` with ``S`` in (0, 4] (colour resized with ``INTER_AREA`` below 1
        and ``INTER_LINEAR`` above, depth and masks with ``INTER_NEAREST`` so no depth
        is invented between surfaces; intrinsics by :meth:`Intrinsics.scaled` with the
        rounded size's factors, box edges times ``S``); ``rotate:180`` (a camera mounted
        upside down) or ``rotate:90`` (on its side, turned clockwise): pixels, boxes,
        masks, intrinsics and the reference plane's normal turned with the image; or a
        sensor view of :func:`sensor_view` (``depth_mm``, ``depth_noise:K``,
        ``depth_res:N``, ``jpeg:Q``, ``exposure:G``, ``white_balance:R``, ``blur:S``,
        ``stereo_shadow:B``, ``flying_pixels:W``, ``misregister:D``, ``misregister_y:D``,
        ``wfov_corners:R``, ``depth_upsample:N``): the same scene and geometry, the pixels
        as another sensor or driver gives them (the recorded depth kept as the frame's
        ``reference_depth``: the objects did not move, so neither does the reference the
        pose is measured against); or ``roll:A``, the image turned A degrees (-45 to 45)
        clockwise (the camera rolled about its optical axis), labels and reference
        plane turned with it.
    :return: a new :class:`RealFrame` named ``name@view`` (``frame`` itself for
        ``original``).
    :raises ValueError: an unknown view, a scale outside (0, 4] or a sensor view's
        argument outside its bounds.
    """
    if view == 'original':
        return frame
    kind, _, arg = view.partition(':')
    if kind == 'roll':
        rgb, depth, objects, plane = _rolled(frame, _view_argument(kind, arg))
        return RealFrame(f'{frame.name}@{view}', rgb, depth, frame.intrinsics, frame.sensor,
                         objects, plane)
    if kind in SENSOR_VIEWS:
        rgb, depth = sensor_view(frame, kind, arg)
        recorded = frame.depth if frame.reference_depth is None else frame.reference_depth
        return RealFrame(f'{frame.name}@{view}', rgb, depth, frame.intrinsics, frame.sensor,
                         list(frame.objects), frame.reference_plane, recorded)
    h, w = frame.depth.shape
    k = frame.intrinsics
    if view == 'mirror':
        rgb = np.ascontiguousarray(frame.rgb[:, ::-1])
        depth = np.ascontiguousarray(frame.depth[:, ::-1])
        intr = Intrinsics(k.fx, k.fy, (w - 1) - k.cx, k.cy, w, h)
        objects = [replace(o, box=(w - o.box[2], o.box[1], w - o.box[0], o.box[3]),
                           mask=None if o.mask is None else
                           np.ascontiguousarray(o.mask[:, ::-1])) for o in frame.objects]
        plane = None
        if frame.reference_plane is not None:
            n, d = frame.reference_plane
            plane = (np.asarray(n, float) * [-1.0, 1.0, 1.0], d)
    elif view.startswith('scale:'):
        try:
            f = float(view[len('scale:'):])
        except ValueError:
            f = -1.0
        if not 0.0 < f <= 4.0:
            raise ValueError(f'view "{view}": the scale must be a number in (0, 4]')
        nw, nh = max(int(round(w * f)), 1), max(int(round(h * f)), 1)
        rgb = cv2.resize(frame.rgb, (nw, nh),
                         interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR)
        depth = cv2.resize(frame.depth, (nw, nh), interpolation=cv2.INTER_NEAREST)
        intr = k.scaled(nw / w, nh / h)  # the factors the pixels really got
        objects = [replace(o, box=tuple(float(v) * f for v in o.box),
                           mask=None if o.mask is None else cv2.resize(
                               o.mask.astype(np.uint8), (nw, nh),
                               interpolation=cv2.INTER_NEAREST).astype(bool))
                   for o in frame.objects]
        plane = frame.reference_plane
    elif view in ('rotate:180', 'rotate:90'):
        # A camera mounted upside down, or on its side (portrait). 180: pixel (u, v) ->
        # (W-1-u, H-1-v), point (x, y, z) -> (-x, -y, z). 90 (clockwise, np.rot90 k=-1):
        # (u, v) -> (H-1-v, u), point -> (-y, x, z), fx and fy trade places.
        turns = 2 if view == 'rotate:180' else -1

        def turn(a):
            return np.ascontiguousarray(np.rot90(a, turns))
        rgb, depth = turn(frame.rgb), turn(frame.depth)
        if turns == 2:
            intr = Intrinsics(k.fx, k.fy, (w - 1) - k.cx, (h - 1) - k.cy, w, h)

            def box(b):
                return (w - b[2], h - b[3], w - b[0], h - b[1])

            def normal(n):
                return n * [-1.0, -1.0, 1.0]
        else:
            intr = Intrinsics(k.fy, k.fx, (h - 1) - k.cy, k.cx, h, w)

            def box(b):
                return (h - b[3], b[0], h - b[1], b[2])

            def normal(n):
                return np.array([-n[1], n[0], n[2]])
        objects = [replace(o, box=tuple(float(v) for v in box(o.box)),
                           mask=None if o.mask is None else turn(o.mask)) for o in frame.objects]
        plane = None
        if frame.reference_plane is not None:
            n, d = frame.reference_plane
            plane = (normal(np.asarray(n, float)), d)
    else:
        raise ValueError(f'unknown view "{view}": use original, mirror, scale:S, rotate:180, '
                         'rotate:90 or a sensor view (' + ', '.join(
                             f'{k}:{v[0]}' for k, v in SENSOR_VIEWS.items()) + ')')
    return RealFrame(f'{frame.name}@{view}', rgb, depth, intr, frame.sensor, objects, plane)


def _stereo_shadow(depth, fb):
    """Depth as the left imager of a stereo pair with ``fb`` = f * baseline (px m) sees it.

    A pixel at column ``u`` and depth ``z`` lands at ``u - fb / z`` in the right image. It
    has no match, so no reading, when it lands left of the right image, or when a pixel to
    its right lands at or left of it there (a nearer surface covers it in that view);
    half a pixel of slack keeps the noise of one surface from hiding itself.
    """
    h, w = depth.shape
    disparity = np.where(np.isfinite(depth), fb / np.where(depth > 0, depth, np.inf), 0.0)
    x_right = np.arange(w, dtype=np.float64)[None, :] - disparity
    # The leftmost landing of the pixels right of each one: a running minimum from the right.
    cover = np.minimum.accumulate(x_right[:, ::-1], axis=1)[:, ::-1]
    cover = np.concatenate([cover[:, 1:], np.full((h, 1), np.inf)], axis=1)
    hidden = (x_right < 0) | (x_right > cover + 0.5)
    return np.where(hidden, np.nan, depth).astype(np.float32)


def _mixed_pixels(depth, width):
    """Pixels within ``width`` of a depth jump over 3 cm read the mean of their window.

    Pixels without a reading between the two surfaces get one too: a time-of-flight
    pixel sees both, where the stored stereo frames have their shadow bands.
    """
    k = np.ones((2 * width + 1, 2 * width + 1), np.uint8)
    ok = np.isfinite(depth)
    near = cv2.erode(np.where(ok, depth, np.float32(1e6)).astype(np.float32), k)
    far = cv2.dilate(np.where(ok, depth, np.float32(0.0)).astype(np.float32), k)
    total = cv2.boxFilter(np.where(ok, depth, 0.0).astype(np.float32), -1, k.shape,
                          normalize=False)
    count = cv2.boxFilter(ok.astype(np.float32), -1, k.shape, normalize=False)
    mixed = (count > 0) & (far - near > 0.03)
    return np.where(mixed, total / np.maximum(count, 1.0), depth).astype(np.float32)


def _rolled(frame, degrees):
    """``frame`` turned ``degrees`` clockwise about the principal point, as a camera sees it.

    The camera is rolled ``degrees`` counter-clockwise about its optical axis, seen from
    behind it (REP 103 optical frame: z forward, x right, y down), so a point (x, y, z)
    of the camera frame goes to (x c - y s, x s + y c, z), x towards y: pixels are
    turned in normalised coordinates about the principal point, so the intrinsics stay.
    Boxes drawn from a mask (``seg``) are the turned mask's; hand-drawn ones, the box of
    the turned ellipse inscribed in the box (a turned box's own box would be up to twice
    the object's). An object turned more than half out of the image is left out.

    :param degrees: float, -45 to 45; positive turns the image clockwise.
    :return: ``(rgb, depth, objects, reference_plane)``: (H, W, 3) uint8, (H, W) float32
        metres (NaN = none), the objects (``RealFrame.objects``) turned, the ``(normal,
        offset)`` or None.
    """
    k = frame.intrinsics
    h, w = frame.depth.shape
    c, s = np.cos(np.deg2rad(degrees)), np.sin(np.deg2rad(degrees))
    # Pixel of the view -> pixel of the frame (the inverse turn), and back.
    back = np.array([[c, s * k.fx / k.fy], [-s * k.fy / k.fx, c]])
    fwd = np.linalg.inv(back)
    centre = np.array([k.cx, k.cy])
    m = np.hstack([back, (centre - back @ centre)[:, None]])

    def turn(a, interpolation, fill):
        return cv2.warpAffine(a, m, (w, h), flags=interpolation | cv2.WARP_INVERSE_MAP,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=fill)
    rgb = turn(frame.rgb, cv2.INTER_LINEAR, (0, 0, 0))
    depth = turn(frame.depth, cv2.INTER_NEAREST, float('nan'))
    objects = []
    for o in frame.objects:
        mask = None if o.mask is None else \
            turn(o.mask.astype(np.uint8), cv2.INTER_NEAREST, 0).astype(bool)
        if mask is not None and mask.sum() < 0.5 * o.mask.sum():
            continue
        if o.mask_source == 'seg':  # the box is the mask's
            ys, xs = np.nonzero(mask)
            box = (float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))
        else:
            mid = fwd @ (np.array([o.box[0] + o.box[2], o.box[1] + o.box[3]]) / 2.0 - 0.5
                         - centre) + centre + 0.5
            half = np.hypot(fwd[:, 0] * (o.box[2] - o.box[0]) / 2.0,
                            fwd[:, 1] * (o.box[3] - o.box[1]) / 2.0)
            lo, hi = mid - half, mid + half
            inside = np.clip(hi, 0, [w, h]) - np.clip(lo, 0, [w, h])
            if np.prod(np.maximum(inside, 0)) < 0.5 * np.prod(hi - lo):
                continue
            lo, hi = np.clip(lo, 0, [w, h]), np.clip(hi, 0, [w, h])
            box = (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))
        objects.append(replace(o, box=box, mask=mask))
    plane = None
    if frame.reference_plane is not None:
        n, d = frame.reference_plane
        n = np.asarray(n, float)
        plane = (np.array([c * n[0] - s * n[1], s * n[0] + c * n[1], n[2]]), d)
    return rgb, depth, objects, plane


def _background_difference_mask(depth, bg, box, min_rise=0.01):
    """Largest region of ``box`` at least ``min_rise`` m nearer than the empty tote."""
    h, w = depth.shape
    x0, y0, x1, y1 = (int(v) for v in box)
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    rise = bg[y0:y1, x0:x1] - depth[y0:y1, x0:x1]
    fg = (np.nan_to_num(rise, nan=0.0) > min_rise).astype(np.uint8)
    fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
    if n < 2:
        return None
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[best, cv2.CC_STAT_AREA] < 50:
        return None
    mask = np.zeros((h, w), bool)
    mask[y0:y1, x0:x1] = labels == best
    return mask


def reference_centroid(frame, obj):
    """Centroid (3,) of the object's own depth points, flying pixels removed.

    The mask is eroded by two pixels (edge pixels mix object and background), then
    points farther than 3 robust deviations (at least 1 cm) from the median depth go.
    The points are read from the frame's ``reference_depth`` when it has one (a sensor
    view: the recorded depth, where the mask was drawn), else from its ``depth``. A
    reference read from a view's depth moved with what the view did to it: under
    ``misregister:D`` the colour mask over the shifted depth took the object's points
    half-way (``D / 2`` pixels) along, so a pose that followed the depth all the way
    scored half the shift, and a pose off to the right by a millimetre or two scored
    better for one sign of ``D`` than for the other.

    :return: (3,) float64, or None with fewer than 30 points.
    """
    depth = frame.depth if frame.reference_depth is None else frame.reference_depth
    mask = cv2.erode(obj.mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    mask &= np.isfinite(depth)
    vs, us = np.nonzero(mask)
    if len(vs) < 30:
        return None
    z = depth[vs, us]
    med = np.median(z)
    mad = 1.4826 * np.median(np.abs(z - med))
    keep = np.abs(z - med) < max(3 * mad, 0.01) + 0.5 * (np.percentile(z, 95) -
                                                         np.percentile(z, 5))
    pts = back_project(us[keep], vs[keep], z[keep], frame.intrinsics)
    return pts.mean(axis=0) if len(pts) >= 30 else None


def split_error(position, reference, plane):
    """Split ``position - reference`` into lateral, along-view and normal parts (m).

    :param plane: ``(normal, offset)`` of the support surface.
    :return: ``(lateral, along_view, normal)`` magnitudes in metres; lateral is the
        in-plane error across the horizontal viewing direction, or the whole in-plane
        error when the view is within 30 degrees of the surface normal.
    """
    n = np.asarray(plane[0], float)
    e = np.asarray(position, float) - np.asarray(reference, float)
    e_n = float(e @ n)
    e_p = e - e_n * n
    ray = reference / np.linalg.norm(reference)
    fwd = ray - (ray @ n) * n
    if np.linalg.norm(fwd) < np.sin(np.deg2rad(30)):
        return float(np.linalg.norm(e_p)), 0.0, abs(e_n)
    fwd /= np.linalg.norm(fwd)
    along = float(e_p @ fwd)
    return float(np.linalg.norm(e_p - along * fwd)), abs(along), abs(e_n)


def evaluate(frames, propose_fn, pose_fn, repeats=3):
    """Recall, empty frames, pose errors and proposal time over ``frames``.

    :param propose_fn: ``(rgb, depth, intrinsics) -> Proposals``.
    :param pose_fn: ``(frame, proposals, index) -> position (3,) or None``.
    :param repeats: timed calls per frame (the median is kept).
    :return: dict of figures (see :func:`format_report`).
    """
    hits = {k: [0, 0] for k in KINDS}
    empty, times, cpu_times, per_frame, poses = [], {}, {}, {}, []
    for frame in frames:
        props, dts, cpu = None, [], []
        for _ in range(max(repeats, 1)):
            t, c = time.perf_counter(), time.process_time()
            props = propose_fn(frame.rgb, frame.depth, frame.intrinsics)
            dts.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        res = f'{frame.rgb.shape[1]}x{frame.rgb.shape[0]}'
        times.setdefault(res, []).append(float(np.median(dts)))
        cpu_times.setdefault(res, []).append(float(np.median(cpu)))
        if len(props) == 0:
            empty.append(frame.name)
        boxes = np.array([o.box for o in frame.objects], float)
        iou = box_iou(boxes, props.boxes) if len(props) else np.zeros((len(boxes), 0))
        missed = []
        for i, obj in enumerate(frame.objects):
            best = int(np.argmax(iou[i])) if iou.shape[1] else -1
            ok = best >= 0 and iou[i, best] >= 0.5
            hits[obj.kind][0] += int(ok)
            hits[obj.kind][1] += 1
            if not ok:
                missed.append(obj.name)
            if ok and obj.mask is not None and obj.kind == 'opaque' and \
                    frame.reference_plane is not None:
                ref = reference_centroid(frame, obj)
                pos = pose_fn(frame, props, best)
                if ref is not None and pos is not None:
                    lat, along, normal = split_error(pos, ref, frame.reference_plane)
                    poses.append({'frame': frame.name, 'object': obj.name,
                                  'source': obj.mask_source, 'lateral': lat,
                                  'along_view': along, 'normal': normal})
        per_frame[frame.name] = {'proposals': len(props), 'missed': missed}
    return {'recall': {k: tuple(v) for k, v in hits.items()}, 'empty_frames': empty,
            'proposal_seconds': {k: float(np.median(v)) for k, v in times.items()},
            'proposal_cpu_seconds': {k: float(np.median(v)) for k, v in cpu_times.items()},
            'poses': poses, 'frames': per_frame}


def format_report(figures):
    """Human-readable table of :func:`evaluate`'s figures."""
    def pct(pair):
        c, t = pair
        return f'{100.0 * c / t:6.1f}%  ({c}/{t})' if t else 'n/a'

    r = figures['recall']
    opaque = (r['opaque'][0] + r['dark'][0], r['opaque'][1] + r['dark'][1])
    lines = ['Real RGB-D frames: proposal recall at IoU >= 0.5',
             f'  opaque (incl. dark)     {pct(opaque)}   target >= 95%',
             f'    of which dark         {pct(r["dark"])}',
             f'  transparent             {pct(r["transparent"])}   target >= 80%',
             f'  frames with no proposal {len(figures["empty_frames"])} '
             f'{figures["empty_frames"] or ""}  target 0']
    poses = figures['poses']
    if poses:
        lat = np.array([p['lateral'] for p in poses]) * 1000
        along = np.array([p['along_view'] for p in poses]) * 1000
        nrm = np.array([p['normal'] for p in poses]) * 1000
        lines += ["Pose of matched proposals vs centroid of the object's depth points "
                  f'({len(poses)} masked opaque objects)',
                  f'  lateral, median / max   {np.median(lat):5.1f} / {lat.max():5.1f} mm'
                  f'   target <= 10 mm median',
                  f'  along view, median      {np.median(along):5.1f} mm   (centre lies '
                  f'behind the visible surface)',
                  f'  along normal, median    {np.median(nrm):5.1f} mm']
        # By where the reference mask came from: the source's own segmentation (ClearGrasp's
        # tabletops) or the difference from the empty tote (ARC's cluttered totes).
        for source in sorted({p['source'] for p in poses}):
            mine = np.array([p['lateral'] for p in poses if p['source'] == source]) * 1000
            lines.append(f'    masks {source + ":":9s} lateral, median / max '
                         f'{np.median(mine):5.1f} / {mine.max():5.1f} mm ({len(mine)} objects)')
    for res, s in sorted(figures['proposal_seconds'].items()):
        c = figures['proposal_cpu_seconds'][res]
        lines.append(f'Proposals at {res}: {1000 * s:5.1f} ms median per frame '
                     f'(CPU time {1000 * c:5.1f} ms)   target <= 40 ms at 640x480, '
                     '<= 80 ms at 1280x720')
    lines.append('Per frame (proposals, missed objects):')
    for name, f in figures['frames'].items():
        lines.append(f'  {name:28s} {f["proposals"]:3d}  {", ".join(f["missed"])}')
    return '\n'.join(lines)


def format_seeds(per_seed):
    """Recall of one view under several seeds of the support's sample (``--sample-seeds``).

    The support plane is found from a random sample of the depth
    (:func:`clip_perception.support.find_support`), so one seed's recall holds that
    draw's luck: a held-back frame expects the mean. Lists each seed's counts, their mean,
    and the objects found under some seeds only.

    :param per_seed: :func:`evaluate`'s figures of one view, one per seed 0, 1, ...
    :return: str, lines of text.
    """
    opaque = [f['recall']['opaque'][0] + f['recall']['dark'][0] for f in per_seed]
    total = per_seed[0]['recall']['opaque'][1] + per_seed[0]['recall']['dark'][1]
    clear = [f['recall']['transparent'][0] for f in per_seed]
    n = len(per_seed)
    lines = [f'Under sample seeds 0-{n - 1}: opaque (incl. dark) '
             f'{" ".join(map(str, opaque))} /{total} (mean {np.mean(opaque):.2f}, '
             f'{100.0 * np.mean(opaque) / max(total, 1):.1f}%), transparent '
             f'{" ".join(map(str, clear))} /{per_seed[0]["recall"]["transparent"][1]} '
             f'(mean {np.mean(clear):.2f})']
    missed = {}
    for s, f in enumerate(per_seed):
        for name, v in f['frames'].items():
            for m in v['missed']:
                missed.setdefault((name, m), []).append(s)
    flips = sorted(k for k, v in missed.items() if len(v) < n)
    if flips:
        lines.append('  found under some seeds only (missed under):')
        lines += [f'    {k[0]} / {k[1]}: {missed[k]}' for k in flips]
    return '\n'.join(lines)


def draw(frame, props, path):
    """Write ``frame`` with labels (green) and proposals (red, rank shown) to ``path``."""
    img = cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR).copy()
    for rank, box in enumerate(props.boxes):
        x0, y0, x1, y1 = (int(v) for v in box)
        cv2.rectangle(img, (x0, y0), (x1, y1), (0, 0, 255), 1)
        cv2.putText(img, f'{rank}{props.sources[rank][0]}', (x0 + 2, y0 + 12), 0, 0.4,
                    (0, 0, 255), 1)
    for obj in frame.objects:
        x0, y0, x1, y1 = (int(v) for v in obj.box)
        cv2.rectangle(img, (x0, y0), (x1, y1), (0, 255, 0), 2)
        cv2.putText(img, obj.name, (x0, max(y0 - 4, 10)), 0, 0.5, (0, 255, 0), 1)
    cv2.imwrite(path, img)


def pose_of_proposal(frame, props, index):
    """Centre (3,) the pipeline would publish for proposal ``index``, or None."""
    from clip_perception.pipeline import proposal_pose

    pose = proposal_pose(props, index, frame.depth, frame.intrinsics)
    return None if pose is None else pose.position


# First seed of the layouts' scenes that the README's table quotes (`clip_perception_eval
# layouts`); another, such as 41,000,000, is a held-out check (`--seed`).
LAYOUTS_SEED = 40_000_000


def eval_layouts(propose_fn, scenes=10, seed=LAYOUTS_SEED, layouts=None):
    """Recall, pose and yaw errors on the optional synthetic layouts (true centres known).

    :param propose_fn: ``(rgb, depth, intrinsics) -> Proposals``.
    :param scenes: scenes per layout.
    :param layouts: names from :data:`clip_perception.world.scenes.LAYOUTS` and
        ``EXTRA_LAYOUTS``; ``LAYOUTS`` when None. Each layout's scenes are seeded by its
        place in ``LAYOUTS + EXTRA_LAYOUTS``, so a subset gives the same scenes.
    :raises ValueError: an unknown layout.
    :return: dict layout -> figures (recall, empty frames, errors in metres, yaw errors in
        degrees on elongated objects, support-ray placements of transparent objects).
    """
    from clip_perception.pipeline import proposal_pose
    from clip_perception.world.scenes import EXTRA_LAYOUTS
    from clip_perception.world.scenes import generate_layout_scene
    from clip_perception.world.scenes import LAYOUTS

    every = LAYOUTS + EXTRA_LAYOUTS
    for layout in layouts or ():
        if layout not in every:
            raise ValueError(f'unknown layout {layout!r}; one of {", ".join(every)}')
    out = {}
    for layout in layouts or LAYOUTS:
        li = every.index(layout)
        hits = total = empty = 0
        errs, lat, yaw_err, ray_errs = [], [], [], []
        for k in range(scenes):
            scene, objs = generate_layout_scene(seed + 1000 * li + k, layout)
            props = propose_fn(scene.rgb, scene.depth, scene.intrinsics)
            empty += int(len(props) == 0)
            if not objs:
                continue
            iou = box_iou(np.array([o.box for o in objs], float), props.boxes) \
                if len(props) else np.zeros((len(objs), 0))
            for i, obj in enumerate(objs):
                total += 1
                if not iou.shape[1] or iou[i].max() < 0.5:
                    continue
                hits += 1
                pose = proposal_pose(props, int(np.argmax(iou[i])), scene.depth,
                                     scene.intrinsics)
                if pose is None:
                    continue
                e = float(np.linalg.norm(pose.position - obj.centre))
                if obj.transparent:
                    ray_errs.append(e)
                    continue
                errs.append(e)
                if props.plane is not None:
                    n = props.plane[0]
                    d = pose.position - obj.centre
                    lat.append(float(np.linalg.norm(d - (d @ n) * n)))
                if np.isfinite(obj.yaw) and pose.method == 'points':
                    dy = abs(pose.yaw - obj.yaw) % np.pi
                    yaw_err.append(float(np.degrees(min(dy, np.pi - dy))))
        out[layout] = {'recall': (hits, total), 'empty_frames': empty,
                       'position_errors': errs, 'in_plane_errors': lat,
                       'yaw_errors_deg': yaw_err, 'transparent_errors': ray_errs}
    return out


def format_layouts(figures):
    """Table of :func:`eval_layouts`."""
    lines = ['Synthetic layouts: recall @IoU0.5, pose error vs true centre (median / p95), '
             'yaw error on elongated objects (median)',
             f'  {"layout":12s} {"recall":>14s} {"empty":>5s} {"3D error mm":>14s} '
             f'{"in-plane mm":>12s} {"yaw deg":>8s}']
    all_err, all_yaw = [], []
    for layout, f in figures.items():
        c, t = f['recall']
        e = np.array(f['position_errors'] + f['transparent_errors']) * 1000
        lat = np.array(f['in_plane_errors']) * 1000
        y = np.array(f['yaw_errors_deg'])
        all_err += f['position_errors']
        all_yaw += f['yaw_errors_deg']
        lines.append(
            f'  {layout:12s} {100.0 * c / max(t, 1):6.1f}% ({c}/{t}) {f["empty_frames"]:5d} '
            + (f'{np.median(e):6.1f} / {np.percentile(e, 95):5.1f}' if len(e) else
               '      n/a     ')
            + (f' {np.median(lat):11.1f}' if len(lat) else '         n/a')
            + (f' {np.median(y):8.1f}' if len(y) else '      n/a'))
    e = np.array(all_err) * 1000
    if len(e):
        lines.append(f'  all opaque: median {np.median(e):.1f} mm, p95 '
                     f'{np.percentile(e, 95):.1f} mm  (target <= 5 / <= 15 mm); yaw median '
                     f'{np.median(all_yaw) if all_yaw else float("nan"):.1f} deg (target <= 10)')
    return '\n'.join(lines)
