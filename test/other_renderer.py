"""Tabletop frames drawn another way than ``clip_perception.world.scenes``: a test helper.

An independent evaluation renders its scenes with its own lighting, textures, image
sizes, camera intrinsics and poses; this module stands in for it so the tests can ask
whether the pipeline (proposals, crops, pose) holds at sizes and cameras the bundled
scenes never use. It shares nothing with ``scenes.py``: a numpy ray caster over a world
whose z axis points up (a table top at z = 0, an optional coloured wall), balls, upright
boxes and cylinders, one directional light casting hard shadows, and a depth image with
its own noise (quantised in disparity, as a structured-light or stereo sensor) and holes.

Not a module of the package: it imports only numpy, OpenCV and the geometry's
``Intrinsics`` the frames are handed with. A :class:`Frame` is published like a scene
(``clip_perception.tools.bags.scene_messages``: rgb, 16UC1 or 32FC1 depth, camera_info).
"""

from dataclasses import dataclass

import cv2
import numpy as np

from clip_perception.geometry import Intrinsics

PALETTE = {'red': (200, 30, 40), 'green': (30, 150, 60), 'blue': (40, 60, 200),
           'yellow': (230, 200, 40), 'orange': (235, 120, 30), 'purple': (120, 40, 160)}


@dataclass(frozen=True)
class Thing:
    """One object on the table.

    ``kind`` ball, cube or cylinder, ``xy`` its footprint centre on the table (m),
    ``size`` its diameter or side (m), ``colour`` a :data:`PALETTE` name; ``base`` the
    height (m) of what it stands on (another thing's top: a stack), 0 on the table.
    """

    kind: str
    colour: str
    xy: tuple
    size: float
    height: float = None
    yaw: float = 0.0
    base: float = 0.0

    @property
    def tall(self):
        """Height above the table (m)."""
        return self.height if self.height is not None else self.size

    def centre(self):
        """World-frame centre (m): the middle of the object's height over its footprint."""
        return np.array([self.xy[0], self.xy[1], self.base + 0.5 * self.tall])


@dataclass
class Frame:
    """One rendered frame and its ground truth.

    ``rgb`` (H, W, 3) uint8, ``depth`` (H, W) float32 m (NaN = none), ``intrinsics``,
    ``ids`` (H, W) int (-1 background, else the index of the thing seen), ``centres``
    (N, 3) camera-frame centres (m), ``boxes`` (N, 4) visible pixel boxes (exclusive
    upper bounds, zeros when unseen), ``things``.
    """

    rgb: np.ndarray
    depth: np.ndarray
    intrinsics: Intrinsics
    ids: np.ndarray
    centres: np.ndarray
    boxes: np.ndarray
    things: tuple
    frame_id: str = 'camera_color_optical_frame'
    distortion: tuple = (0.0, 0.0, 0.0, 0.0, 0.0)

    def depth_16uc1(self):
        """Depth as 16UC1: uint16 millimetres, 0 = no reading."""
        mm = np.nan_to_num(self.depth * 1000.0, nan=0.0)
        return np.clip(np.round(mm), 0, 65535).astype(np.uint16)

    def depth_32fc1(self):
        """Depth as 32FC1: float32 metres, NaN = no reading."""
        return self.depth.astype(np.float32, copy=True)


def look_at(eye, target):
    """Camera-to-world rotation (columns: optical x right, y down, z forward)."""
    eye, target = np.asarray(eye, float), np.asarray(target, float)
    z = target - eye
    z /= np.linalg.norm(z)
    x = np.cross(z, [0.0, 0.0, 1.0])
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    return np.stack([x, y, z], axis=1)


def camera(width, height, hfov_deg=60.0, aspect=1.0, pp=(0.5, 0.5)):
    """Return the intrinsics of a ``width`` x ``height`` image.

    Horizontal field of view ``hfov_deg``, ``fy = fx * aspect``, the principal point at
    ``pp`` (fractions of the width and height).
    """
    fx = 0.5 * width / np.tan(np.deg2rad(0.5 * hfov_deg))
    return Intrinsics(float(fx), float(fx * aspect), pp[0] * width - 0.5,
                      pp[1] * height - 0.5, int(width), int(height))


def _texture(kind, u, v):
    """Table brightness factor of a pattern at table coordinates ``u, v`` (m)."""
    if kind == 'checker':
        return np.where((np.floor(u / 0.05) + np.floor(v / 0.05)) % 2 == 0, 1.0, 0.78)
    if kind == 'wood':
        return 0.85 + 0.15 * np.sin(60.0 * u + 3.0 * np.sin(9.0 * v))
    if kind == 'cloth':
        return 0.9 + 0.1 * np.sign(np.sin(180.0 * u) * np.sin(180.0 * v))
    return np.ones_like(u)


def _hits(o, d, things):
    """Nearest hit distance along rays ``o + t d`` (N,) and the thing hit (-1 none)."""
    n = d.shape[0]
    best = np.full(n, np.inf)
    who = np.full(n, -1)
    normal = np.zeros((n, 3))
    for k, th in enumerate(things):
        c = th.centre()
        if th.kind == 'ball':
            r = 0.5 * th.size
            oc = o - c
            b = np.einsum('ij,ij->i', oc, d)
            disc = b * b - (np.einsum('ij,ij->i', oc, oc) - r * r)
            t = -b - np.sqrt(np.maximum(disc, 0))
            ok = (disc > 0) & (t > 1e-6)
            nrm = (o + t[:, None] * d - c) / r
        elif th.kind == 'cube':
            ca, sa = np.cos(th.yaw), np.sin(th.yaw)
            rot = np.array([[ca, -sa, 0], [sa, ca, 0], [0, 0, 1.0]])
            half = np.array([0.5 * th.size, 0.5 * th.size, 0.5 * th.tall])
            lo_, ld = (o - c) @ rot, d @ rot
            with np.errstate(divide='ignore', invalid='ignore'):
                t1, t2 = (-half - lo_) / ld, (half - lo_) / ld
            tn = np.nanmax(np.minimum(t1, t2), axis=1)
            tf = np.nanmin(np.maximum(t1, t2), axis=1)
            t = tn
            ok = (tn <= tf) & (tn > 1e-6)
            axis = np.nanargmax(np.minimum(t1, t2), axis=1)
            local = np.zeros((n, 3))
            local[np.arange(n), axis] = -np.sign(ld[np.arange(n), axis])
            nrm = local @ rot.T
        else:  # cylinder, upright
            r = 0.5 * th.size
            oc = o[:, :2] - c[:2]
            a = d[:, 0] ** 2 + d[:, 1] ** 2
            b = np.einsum('ij,ij->i', oc, d[:, :2])
            cc = np.einsum('ij,ij->i', oc, oc) - r * r
            disc = b * b - a * cc
            with np.errstate(divide='ignore', invalid='ignore'):
                t = (-b - np.sqrt(np.maximum(disc, 0))) / a
            zt = o[:, 2] + t * d[:, 2]
            z0, z1 = th.base, th.base + th.tall
            ok = (disc > 0) & (t > 1e-6) & (zt >= z0) & (zt <= z1)
            nrm = np.zeros((n, 3))
            p = o + t[:, None] * d
            nrm[:, :2] = (p[:, :2] - c[:2]) / r
            with np.errstate(divide='ignore', invalid='ignore'):
                tt = (z1 - o[:, 2]) / d[:, 2]
            pt = o + tt[:, None] * d
            top = (tt > 1e-6) & (np.hypot(pt[:, 0] - c[0], pt[:, 1] - c[1]) <= r)
            use_top = top & (~ok | (tt < t))
            t = np.where(use_top, tt, t)
            ok = ok | top
            nrm[use_top] = (0.0, 0.0, 1.0)
        take = ok & (t < best)
        best[take], who[take] = t[take], k
        normal[take] = nrm[take]
    return best, who, normal


def render(things, intr, eye, target, table=('wood', (150, 120, 90)), half_extent=(0.6, 0.45),
           wall=(120, 160, 110), wall_y=0.7, light=(0.4, -0.3, 1.0), ambient=0.35,
           depth_noise=0.002, holes=0.0, seed=0, roll_deg=0.0):
    """Render ``things`` on a table from a camera at ``eye`` looking at ``target``.

    :param intr: :class:`Intrinsics` (any size, any fx/fy, principal point anywhere).
    :param table: ``(pattern, rgb)``: pattern ``checker``, ``wood``, ``cloth`` or ``plain``.
    :param half_extent: the table top's half sizes along world x and y (m); beyond it
        the floor 0.75 m lower.
    :param wall: rgb of a wall at ``y = wall_y`` (None: none).
    :param light: direction to the light (world); hard shadows.
    :param depth_noise: sigma of the disparity noise at 1 m (m); z quantised in
        disparity steps of 1/8 px at a 0.05 m baseline.
    :param holes: share of the depth lost in blobs (0..1).
    :param roll_deg: the camera turned about its optical axis (degrees, positive
        clockwise in the image: the world's up leans right).
    :return: :class:`Frame`.
    """
    rng = np.random.default_rng(seed)
    h, w = intr.height, intr.width
    r_wc = look_at(eye, target)
    if roll_deg:
        a = np.deg2rad(roll_deg)
        r_wc = r_wc @ np.array([[np.cos(a), -np.sin(a), 0.0], [np.sin(a), np.cos(a), 0.0],
                                [0.0, 0.0, 1.0]])
    eye = np.asarray(eye, float)
    us, vs = np.meshgrid(np.arange(w, dtype=float), np.arange(h, dtype=float))
    rays_c = np.stack([(us - intr.cx) / intr.fx, (vs - intr.cy) / intr.fy,
                       np.ones_like(us)], -1).reshape(-1, 3)
    d = rays_c @ r_wc.T
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    o = np.broadcast_to(eye, d.shape).copy()
    t_obj, who, n_obj = _hits(o, d, things)
    rgb = np.zeros((h * w, 3))
    tt = np.full(h * w, np.inf)
    # Table top and floor.
    with np.errstate(divide='ignore', invalid='ignore'):
        t_tab = -eye[2] / d[:, 2]
        t_floor = (-0.75 - eye[2]) / d[:, 2]
    p = eye + t_tab[:, None] * d
    on_tab = (t_tab > 0) & (np.abs(p[:, 0]) <= half_extent[0]) & \
        (np.abs(p[:, 1]) <= half_extent[1])
    tt[on_tab] = t_tab[on_tab]
    base = np.array(table[1], float)
    rgb[on_tab] = base * _texture(table[0], p[on_tab, 0], p[on_tab, 1])[:, None]
    fl = ~on_tab & (t_floor > 0)
    tt[fl] = t_floor[fl]
    rgb[fl] = (90, 90, 95)
    normal = np.tile([0.0, 0.0, 1.0], (h * w, 1))
    if wall is not None:
        with np.errstate(divide='ignore', invalid='ignore'):
            t_wall = (wall_y - eye[1]) / d[:, 1]
        pw = eye + t_wall[:, None] * d
        ww = (t_wall > 0) & (t_wall < tt) & (pw[:, 2] > -0.75)
        tt[ww] = t_wall[ww]
        rgb[ww] = wall
        normal[ww] = (0.0, -1.0, 0.0)
    obj = t_obj < tt
    tt[obj] = t_obj[obj]
    normal[obj] = n_obj[obj]
    for k, th in enumerate(things):
        rgb[obj & (who == k)] = PALETTE[th.colour]
    ids = np.where(obj, who, -1)
    # Lambert shading and hard shadows from one directional light.
    lv = np.asarray(light, float) / np.linalg.norm(light)
    lam = np.clip(normal @ lv, 0, 1)
    hit = np.isfinite(tt)
    pts = eye + np.where(hit, tt, 0)[:, None] * d
    t_sh, _, _ = _hits(pts + 1e-4 * normal, np.broadcast_to(lv, d.shape).copy(), things)
    shadow = np.isfinite(t_sh) & hit & ~obj
    shade = ambient + (1 - ambient) * lam * ~shadow
    rgb = np.clip(rgb * shade[:, None] * 1.1, 0, 255).reshape(h, w, 3).astype(np.uint8)
    # Depth along the optical axis, quantised in disparity with noise.
    z = (tt * (d @ r_wc[:, 2])).reshape(h, w)
    z[~hit.reshape(h, w)] = np.nan
    f, base_m = intr.fx, 0.05
    disp = f * base_m / z
    disp = np.round((disp + rng.normal(0, 1, z.shape) * depth_noise * f * base_m) * 8) / 8
    depth = (f * base_m / disp).astype(np.float32)
    depth[(depth > 4.0) | (depth < 0.15)] = np.nan
    if holes > 0:
        blobs = cv2.GaussianBlur(rng.random((h, w)).astype(np.float32), (0, 0),
                                 max(h, w) / 150.0)
        depth[blobs > np.quantile(blobs, 1 - holes)] = np.nan
    # Ground truth.
    centres = np.array([r_wc.T @ (th.centre() - eye) for th in things]).reshape(-1, 3)
    ids = ids.reshape(h, w)
    boxes = np.zeros((len(things), 4))
    for k in range(len(things)):
        ys, xs = np.nonzero(ids == k)
        if len(xs):
            boxes[k] = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    return Frame(rgb, depth, intr, ids, centres, boxes, tuple(things))


def tabletop(width, height, hfov_deg=60.0, aspect=1.0, pp=(0.5, 0.5), distance=0.8,
             elevation_deg=45.0, things=None, **kw):
    """Render a few things seen from ``distance`` (m) at ``elevation_deg``.

    The camera looks at the table centre from the -y side (the wall behind). Other
    keyword arguments go to :func:`render`.
    """
    if things is None:
        things = (Thing('ball', 'red', (-0.08, 0.0), 0.06),
                  Thing('cube', 'blue', (0.09, 0.04), 0.055, yaw=0.4),
                  Thing('cylinder', 'yellow', (0.0, 0.12), 0.05, height=0.09))
    el = np.deg2rad(elevation_deg)
    eye = (0.0, -distance * np.cos(el), distance * np.sin(el))
    intr = camera(width, height, hfov_deg, aspect, pp)
    return render(things, intr, eye, (0.0, 0.02, 0.0), **kw)


def flying_pixels(frame, seed=0, width=2, step=0.03, drop=False):
    """Give ``frame`` a time-of-flight camera's mixed pixels at each depth jump; return it.

    A ToF pixel straddling an edge averages the near and far surface's returns, so
    ``width`` px either side of every jump over ``step`` m read a depth anywhere between
    the two (Azure Kinect, Orbbec Femto, L515). ``drop``: lose them instead, as a
    driver's flying-pixel filter does (NaN).
    """
    z = np.nan_to_num(frame.depth, nan=0.0).astype(np.float32)
    k = np.ones((2 * width + 1, 2 * width + 1), np.uint8)
    near = cv2.erode(np.where(z > 0, z, 99.0).astype(np.float32), k)
    far = cv2.dilate(z, k)
    jump = (far - near > step) & (z > 0)
    out = frame.depth.copy()
    if drop:
        out[jump] = np.nan
    else:
        a = np.random.default_rng(seed).random(int(jump.sum())).astype(np.float32)
        out[jump] = near[jump] + a * (far[jump] - near[jump])
    frame.depth = out
    return frame
