"""Rendered RGB-D tabletop scenes with exact ground truth.

Every pixel is ray cast against analytic shapes (sphere, box, cylinder, cone, mug made
of a cylinder and a three-bar handle), a table plane and a wall, so the depth image is
the exact distance along the optical axis of the surface the RGB pixel shows. Used by
the tests, the tiny CLIP's training, the demo recordings and the benchmarks.

World frame: x right, y away from the camera, z up, table top at z = 0. Ground-truth
centres are reported in the camera optical frame (REP 103), metres: the centre of the
object's 3D bounding box (a mug's handle excluded).
"""

from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

import cv2
import numpy as np

from clip_perception.geometry import Intrinsics

COLOURS = {
    'red': (205, 35, 35),
    'green': (40, 165, 55),
    'blue': (35, 70, 215),
    'yellow': (235, 215, 45),
    'orange': (245, 135, 25),
    'purple': (135, 45, 170),
    'white': (238, 238, 238),
    'black': (28, 28, 30),
}
SHAPES = ('ball', 'cube', 'cylinder', 'cone', 'mug')
SIZES = ('small', 'large')
SIZE_SCALE = {'small': 1.0, 'large': 1.55}
FRAME_ID = 'camera_color_optical_frame'
SHADING_STYLES = ('lambert', 'flat', 'toon', 'specular')
TABLE_KINDS = ('neutral', 'flat', 'wood', 'tinted', 'dark', 'bright')

# Base dimensions in metres for a small object (radius, height).
_BASE = {
    'ball': (0.030, 0.060),
    'cube': (0.028, 0.056),  # half side, side
    'cylinder': (0.024, 0.085),
    'cone': (0.034, 0.080),
    'mug': (0.030, 0.075),
}


@dataclass(frozen=True)
class ObjectSpec:
    """What to place: colour, shape, size, and optionally a table position (x, y) in m."""

    colour: str
    shape: str
    size: str = 'small'
    position: tuple | None = None
    yaw: float | None = None


@dataclass
class SceneObject:
    """Ground truth of one rendered object."""

    colour: str
    shape: str
    size: str
    box: tuple  # visible-pixel box (x0, y0, x1, y1), exclusive upper bounds
    mask: np.ndarray  # (H, W) bool, visible pixels
    centre: np.ndarray  # (3,) camera optical frame, metres
    visible_fraction: float  # visible pixels / pixels of the unoccluded silhouette
    radius: float  # footprint radius, metres
    height: float  # metres

    @property
    def name(self):
        """Plain description, e.g. ``red ball``."""
        return f'{self.colour} {self.shape}'

    def to_dict(self):
        """JSON-friendly ground truth without the pixel mask."""
        return {
            'name': self.name, 'colour': self.colour, 'shape': self.shape,
            'size': self.size, 'box': [int(v) for v in self.box],
            'centre': [float(v) for v in self.centre],
            'visible_fraction': float(self.visible_fraction),
        }


@dataclass
class Scene:
    """One rendered RGB-D frame with its camera and ground truth."""

    rgb: np.ndarray  # (H, W, 3) uint8, RGB order
    depth: np.ndarray  # (H, W) float32 metres, NaN = no reading
    intrinsics: Intrinsics
    objects: list
    seed: int
    frame_id: str = FRAME_ID
    distortion: list = field(default_factory=lambda: [0.0] * 5)

    def depth_16uc1(self):
        """Depth as 16UC1: uint16 millimetres, 0 = no reading."""
        mm = np.nan_to_num(self.depth * 1000.0, nan=0.0)
        return np.clip(np.round(mm), 0, 65535).astype(np.uint16)

    def depth_32fc1(self):
        """Depth as 32FC1: float32 metres, NaN = no reading."""
        return self.depth.astype(np.float32, copy=True)

    def targetable(self, min_visible=0.5):
        """Objects visible enough to be asked for."""
        return [o for o in self.objects if o.visible_fraction >= min_visible]


@dataclass(frozen=True)
class Appearance:
    """How a scene looks: ranges every random draw of the look is taken from.

    ``Appearance()`` reproduces the default look of :func:`generate_scene` exactly
    (same random draws). Ranges are ``(low, high)`` uniform draws; ``object_scale`` is
    a tuple of such ranges, one picked at random per object. Extra choices (shading
    style, table kind, tint, object texture, colour variation) come from a second random
    stream so the default stream is unchanged.

    :ivar camera_height: camera height above the table, m.
    :ivar camera_pitch: downward pitch of the optical axis, degrees.
    :ivar ambient: ambient share of the lighting (the rest is one directional light).
    :ivar exposure: overall gain.
    :ivar light_tint: most per-channel gain deviation of the light colour (white balance).
    :ivar shading: styles drawn per scene, from :data:`SHADING_STYLES`.
    :ivar tables: table kinds drawn per scene, from :data:`TABLE_KINDS`.
    :ivar texture_amp: amplitude of the table's procedural texture (``neutral``, ``wood``).
    :ivar object_texture: probability that an object carries a printed pattern.
    :ivar object_patterns: pattern kinds for object textures (0 waves, 1 blotches,
        2 checks).
    :ivar hue_jitter: most hue shift within a colour name, degrees.
    :ivar saturation: saturation gain range within a colour name.
    :ivar value: brightness gain range within a colour name.
    :ivar blur: Gaussian blur sigma range, px (applied above 0.3).
    :ivar noise: sensor noise standard deviation range, 8-bit levels.
    :ivar object_scale: size multipliers on top of small/large.
    """

    camera_height: tuple = (0.42, 0.62)
    camera_pitch: tuple = (34.0, 52.0)
    ambient: tuple = (0.35, 0.5)
    exposure: tuple = (0.85, 1.1)
    light_tint: float = 0.0
    shading: tuple = ('lambert',)
    tables: tuple = ('neutral',)
    texture_amp: tuple = (0.04, 0.14)
    object_texture: float = 0.0
    object_patterns: tuple = (0, 1)
    hue_jitter: float = 0.0
    saturation: tuple = (1.0, 1.0)
    value: tuple = (1.0, 1.0)
    blur: tuple = (0.0, 1.1)
    noise: tuple = (1.0, 6.0)
    object_scale: tuple = ((1.0, 1.0),)

    @classmethod
    def varied(cls):
        """Return the tiny CLIP's training looks: every factor varied around the default."""
        return cls(camera_height=(0.34, 0.85), camera_pitch=(28.0, 70.0),
                   ambient=(0.2, 0.65), exposure=(0.7, 1.25), light_tint=0.12,
                   shading=SHADING_STYLES, tables=TABLE_KINDS, texture_amp=(0.0, 0.3),
                   object_texture=0.3, object_patterns=(0, 1), hue_jitter=7.0,
                   saturation=(0.72, 1.1), value=(0.75, 1.15), blur=(0.0, 1.8),
                   noise=(1.0, 10.0), object_scale=((0.85, 1.2),))

    @classmethod
    def shifted(cls, kind):
        """Return looks outside the training ranges, one factor at a time (or all: ``mixed``).

        :param kind: one of :data:`SHIFTS`.
        :raises ValueError: unknown kind.
        """
        base = cls.varied()
        if kind == 'lighting':  # dim, strongly tinted, glossy
            return replace(base, ambient=(0.12, 0.25), exposure=(0.6, 0.8), light_tint=0.2,
                           shading=('specular', 'toon'))
        if kind == 'texture':  # checked prints on every object, high-contrast tables
            return replace(base, object_texture=1.0, object_patterns=(2,),
                           texture_amp=(0.3, 0.45), tables=('neutral', 'wood', 'tinted'))
        if kind == 'camera':  # high, steep views
            return replace(base, camera_height=(0.85, 1.0), camera_pitch=(66.0, 80.0))
        if kind == 'size':  # objects much smaller or larger than trained
            return replace(base, object_scale=((0.6, 0.75), (1.3, 1.5)))
        if kind == 'mixed':
            return replace(base, ambient=(0.12, 0.3), exposure=(0.6, 1.4), light_tint=0.16,
                           object_texture=0.6, object_patterns=(1, 2),
                           texture_amp=(0.2, 0.45), camera_height=(0.3, 1.1),
                           camera_pitch=(25.0, 80.0), blur=(1.0, 2.5), noise=(6.0, 14.0),
                           object_scale=((0.6, 0.75), (1.3, 1.5)))
        raise ValueError(f'unknown shift "{kind}": use one of {", ".join(SHIFTS)}')


SHIFTS = ('lighting', 'texture', 'camera', 'size', 'mixed')


# ----------------------------------------------------------------------------- ray casting

def _hit_sphere(o, d, centre, r):
    oc = o - centre
    a = np.einsum('ij,ij->i', d, d)
    b = np.einsum('ij,ij->i', d, oc)
    c = np.einsum('ij,ij->i', oc, oc) - r * r
    disc = b * b - a * c
    t = np.full(len(o), np.inf)
    ok = disc >= 0
    t[ok] = (-b[ok] - np.sqrt(disc[ok])) / a[ok]
    t[t <= 1e-6] = np.inf
    p = o + d * t[:, None]
    n = (p - centre) / r
    return t, n


def _hit_box(o, d, centre, half, yaw):
    """Ray against a box with half sizes ``half`` (3,), rotated by ``yaw`` about z.

    ``yaw`` may also be a (3, 3) local-to-world rotation (a box tilted in a pile).
    """
    if np.ndim(yaw) == 2:
        rot = np.asarray(yaw, float)
    else:
        c, s = np.cos(yaw), np.sin(yaw)
        rot = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])  # local -> world
    lo = (o - centre) @ rot
    ld = d @ rot
    with np.errstate(divide='ignore', invalid='ignore'):
        inv = 1.0 / ld
        t1 = (-half - lo) * inv
        t2 = (half - lo) * inv
    tmin = np.minimum(t1, t2)
    tmax = np.maximum(t1, t2)
    tmin = np.nan_to_num(tmin, nan=-np.inf)
    tmax = np.nan_to_num(tmax, nan=np.inf)
    tnear = tmin.max(axis=1)
    tfar = tmax.min(axis=1)
    hit = (tnear <= tfar) & (tnear > 1e-6)
    t = np.where(hit, tnear, np.inf)
    axis = tmin.argmax(axis=1)
    n_local = np.zeros_like(lo)
    n_local[np.arange(len(o)), axis] = -np.sign(ld[np.arange(len(o)), axis])
    return t, n_local @ rot.T


def _hit_cylinder(o, d, base, r, h):
    """Vertical closed cylinder, axis through ``base`` (on its bottom face), height h."""
    q = o[:, :2] - base[:2]
    dq = d[:, :2]
    a = np.einsum('ij,ij->i', dq, dq)
    b = np.einsum('ij,ij->i', dq, q)
    c = np.einsum('ij,ij->i', q, q) - r * r
    disc = b * b - a * c
    t_side = np.full(len(o), np.inf)
    ok = (disc >= 0) & (a > 1e-12)
    t_side[ok] = (-b[ok] - np.sqrt(disc[ok])) / a[ok]
    z = o[:, 2] + d[:, 2] * t_side
    t_side[(z < base[2]) | (z > base[2] + h) | (t_side <= 1e-6)] = np.inf
    with np.errstate(divide='ignore', invalid='ignore'):
        t_top = (base[2] + h - o[:, 2]) / d[:, 2]
    pt = o + d * np.nan_to_num(t_top, nan=0.0, posinf=0.0, neginf=0.0)[:, None]
    inside = np.sum((pt[:, :2] - base[:2]) ** 2, axis=1) <= r * r
    t_top = np.where(inside & (t_top > 1e-6), t_top, np.inf)
    top = t_top < t_side
    t = np.minimum(t_side, t_top)
    p = o + d * np.where(np.isfinite(t), t, 0.0)[:, None]
    n = np.zeros_like(o)
    n[:, :2] = (p[:, :2] - base[:2]) / r
    n[top] = (0.0, 0.0, 1.0)
    return t, n, top, p


def _hit_cone(o, d, base, r, h):
    """Upright cone with its base disc on ``base`` (radius r) and apex h above."""
    k = r / h
    q = o[:, :2] - base[:2]
    dq = d[:, :2]
    z0 = o[:, 2] - base[2]
    dz = d[:, 2]
    w = r - k * z0
    a = np.einsum('ij,ij->i', dq, dq) - k * k * dz * dz
    b = 2 * np.einsum('ij,ij->i', q, dq) + 2 * k * dz * w
    c = np.einsum('ij,ij->i', q, q) - w * w
    disc = b * b - 4 * a * c
    t = np.full(len(o), np.inf)
    ok = (disc >= 0) & (np.abs(a) > 1e-12)
    sq = np.sqrt(np.where(ok, disc, 0.0))
    for sign in (-1.0, 1.0):
        with np.errstate(divide='ignore', invalid='ignore'):
            cand = (-b + sign * sq) / (2 * a)
        z = z0 + dz * cand
        good = ok & (cand > 1e-6) & (z >= 0) & (z <= h) & (cand < t)
        t[good] = cand[good]
    p = o + d * np.where(np.isfinite(t), t, 0.0)[:, None]
    radial = p[:, :2] - base[:2]
    norm = np.linalg.norm(radial, axis=1, keepdims=True) + 1e-9
    n = np.concatenate([radial / norm, np.full((len(o), 1), k)], axis=1)
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    return t, n


@dataclass
class _Placed:
    spec: ObjectSpec
    xy: np.ndarray
    yaw: float
    radius: float  # footprint
    height: float
    colour: np.ndarray
    scale: float = 1.0  # size multiplier on top of SIZE_SCALE (appearance)
    pattern: tuple | None = None  # (kind, amplitude, seed) of a printed texture

    def bounds(self):
        r = self.radius
        lo = np.array([self.xy[0] - r, self.xy[1] - r, 0.0])
        hi = np.array([self.xy[0] + r, self.xy[1] + r, self.height])
        return lo, hi

    def centre_world(self):
        return np.array([self.xy[0], self.xy[1], self.height / 2.0])

    def intersect(self, o, d):
        """Return (t, normal, shade) for rays; shade darkens a mug's inside."""
        shape = self.spec.shape
        s = SIZE_SCALE[self.spec.size] * self.scale
        base = np.array([self.xy[0], self.xy[1], 0.0])
        shade = np.ones(len(o))
        if shape == 'ball':
            r = _BASE['ball'][0] * s
            t, n = _hit_sphere(o, d, base + [0, 0, r], r)
        elif shape == 'cube':
            hs = _BASE['cube'][0] * s
            t, n = _hit_box(o, d, base + [0, 0, hs], np.array([hs, hs, hs]), self.yaw)
        elif shape == 'cylinder':
            r, h = _BASE['cylinder'][0] * s, _BASE['cylinder'][1] * s
            t, n, _, _ = _hit_cylinder(o, d, base, r, h)
        elif shape == 'cone':
            r, h = _BASE['cone'][0] * s, _BASE['cone'][1] * s
            t, n = _hit_cone(o, d, base, r, h)
        else:
            r, h = _BASE['mug'][0] * s, _BASE['mug'][1] * s
            t, n, top, p = _hit_cylinder(o, d, base, r, h)
            rim = np.sum((p[:, :2] - base[:2]) ** 2, axis=1) < (0.82 * r) ** 2
            shade[top & rim] = 0.35  # the open inside of the mug
            # Handle: three thin bars on the side facing self.yaw.
            c, sn = np.cos(self.yaw), np.sin(self.yaw)
            out = np.array([c, sn, 0.0])
            bar = 0.006 * s
            reach = 0.022 * s
            parts = [
                (base + out * (r + reach / 2) + [0, 0, 0.75 * h], (reach / 2 + bar, bar, bar)),
                (base + out * (r + reach / 2) + [0, 0, 0.25 * h], (reach / 2 + bar, bar, bar)),
                (base + out * (r + reach) + [0, 0, 0.5 * h], (bar, bar, 0.25 * h + bar)),
            ]
            for centre, half in parts:
                tb, nb = _hit_box(o, d, centre, np.array(half), self.yaw)
                closer = tb < t
                t = np.where(closer, tb, t)
                n[closer] = nb[closer]
                shade[closer] = 1.0
        return t, n, shade


# ----------------------------------------------------------------------------- generation

def _camera_pose(rng, look=None):
    """Camera centre and camera-to-world rotation (columns: right, down, forward)."""
    look = look or Appearance()
    height = rng.uniform(*look.camera_height)
    pitch = np.deg2rad(rng.uniform(*look.camera_pitch))
    centre = np.array([rng.uniform(-0.03, 0.03), -height / np.tan(pitch), height])
    forward = np.array([0.0, np.cos(pitch), -np.sin(pitch)])
    right = np.array([1.0, 0.0, 0.0])
    down = np.cross(forward, right)
    return centre, np.stack([right, down, forward], axis=1)


def _texture(rng, h, w, base, kind):
    """Make a smooth, desaturated procedural texture (stripes, noise or checks)."""
    vs, us = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == 0:
        f = rng.uniform(0.02, 0.06)
        pattern = 0.5 + 0.5 * np.sin(us * f + 3 * np.sin(vs * f * 0.17))
    elif kind == 1:
        small = rng.normal(0, 1, (h // 16 + 2, w // 16 + 2)).astype(np.float32)
        pattern = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
        pattern = (pattern - pattern.min()) / (np.ptp(pattern) + 1e-6)
    else:
        cell = rng.integers(24, 60)
        pattern = (((us // cell) + (vs // cell)) % 2).astype(np.float32)
    amp = rng.uniform(0.04, 0.14)
    return np.clip(base[None, None, :] * (1 - amp + 2 * amp * pattern[..., None]), 0, 255)


def _neutral(rng, lo, hi):
    grey = rng.uniform(lo, hi)
    tint = rng.normal(0, 8, 3)
    return np.clip(grey + tint, 0, 255)


def random_specs(rng, n):
    """Draw ``n`` object specs with distinct (colour, shape) pairs."""
    pairs = [(c, s) for c in COLOURS for s in SHAPES]
    chosen = rng.choice(len(pairs), n, replace=False)
    return [ObjectSpec(pairs[i][0], pairs[i][1], SIZES[rng.integers(2)]) for i in chosen]


def generate_scene(seed, specs=None, n_objects=None, width=640, height=480,
                   intrinsics=None, effects=True, exclude_pairs=(), appearance=None):
    """Render one scene.

    :param seed: every random choice follows from it (deterministic).
    :param specs: objects to place; random ones when None.
    :param n_objects: how many random objects (1-8); drawn when None.
    :param intrinsics: camera; :meth:`Intrinsics.default` for the size when None.
    :param effects: add shadows, sensor noise, blur and depth holes.
    :param exclude_pairs: (colour, shape) pairs never drawn at random.
    :param appearance: :class:`Appearance` (lighting, shading, textures, camera, colour
        variation, sizes); None or ``Appearance()`` is the default look.
    :return: :class:`Scene`.
    """
    rng = np.random.default_rng(seed)
    look = appearance or Appearance()
    arng = np.random.default_rng([int(seed), 7919])  # draws only appearance adds
    intr = intrinsics or Intrinsics.default(width, height)
    w, h = intr.width, intr.height
    cam, r_wc = _camera_pose(rng, look)
    if specs is None:
        n = int(n_objects or rng.integers(1, 9))
        specs = []
        while len(specs) < n:
            cand = random_specs(rng, 1)[0]
            if (cand.colour, cand.shape) in exclude_pairs:
                continue
            if any((c.colour, c.shape) == (cand.colour, cand.shape) for c in specs):
                continue
            specs.append(cand)

    # Rays through every pixel centre; camera-frame direction has z = 1 so the hit
    # parameter t is the depth along the optical axis.
    vs, us = np.mgrid[0:h, 0:w]
    d_cam = np.stack([(us - intr.cx) / intr.fx, (vs - intr.cy) / intr.fy,
                      np.ones((h, w))], axis=-1).reshape(-1, 3)
    d = d_cam @ r_wc.T
    o = np.broadcast_to(cam, d.shape)

    placed = _place(rng, specs, cam, r_wc, intr, look, arng)

    # Table and wall.
    wall_y = rng.uniform(0.45, 0.9)
    with np.errstate(divide='ignore', invalid='ignore'):
        t_table = np.where(d[:, 2] < 0, -cam[2] / d[:, 2], np.inf)
        t_wall = np.where(d[:, 1] > 0, (wall_y - cam[1]) / d[:, 1], np.inf)
    t_best = np.minimum(t_table, t_wall)
    is_wall = t_wall < t_table
    normal = np.where(is_wall[:, None], [0.0, -1.0, 0.0], [0.0, 0.0, 1.0])
    table_tex = _texture(rng, h, w, _neutral(rng, 95, 185), rng.integers(3))
    wall_tex = _texture(rng, h, w, _neutral(rng, 150, 225), 1)
    if appearance is not None:
        table_tex = _table(arng, h, w, look, table_tex)
    albedo = np.where(is_wall[:, None], wall_tex.reshape(-1, 3), table_tex.reshape(-1, 3))
    owner = np.full(h * w, -1)
    silhouettes = []

    for i, obj in enumerate(placed):
        sel = _project_bounds(obj, cam, r_wc, intr)
        if sel is None:
            silhouettes.append(0)
            continue
        t, n, shade = obj.intersect(o[sel], d[sel])
        silhouettes.append(int(np.isfinite(t).sum()))
        closer = t < t_best[sel]
        idx = sel[closer]
        t_best[idx] = t[closer]
        normal[idx] = n[closer]
        albedo[idx] = obj.colour * shade[closer, None]
        if obj.pattern is not None:
            kind, amp, pseed = obj.pattern
            pat = _pattern(np.random.default_rng(pseed), h, w, kind).reshape(-1)[idx]
            albedo[idx] *= (1 - amp + 2 * amp * pat)[:, None]
        owner[idx] = i

    # Lighting: ambient + Lambert from one directional light, hard shadows on the table.
    az, el = rng.uniform(0, 2 * np.pi), np.deg2rad(rng.uniform(40, 75))
    light = np.array([np.cos(az) * np.cos(el), np.sin(az) * np.cos(el), np.sin(el)])
    ambient = rng.uniform(*look.ambient)
    lambert = np.clip(normal @ light, 0, None)
    style = look.shading[arng.integers(len(look.shading))] if appearance else 'lambert'
    if style == 'flat':  # little shading, as in flat-shaded or diffusely lit renders
        lambert = 0.55 + 0.45 * lambert
    elif style == 'toon':  # banded shading
        lambert = np.floor(lambert * 3.0 + 0.5) / 3.0
    if effects:
        on_table = np.nonzero((owner < 0) & ~is_wall & np.isfinite(t_best))[0]
        p = cam + d[on_table] * t_best[on_table, None]
        shadow = np.zeros(len(on_table), bool)
        ldir = np.broadcast_to(light, p.shape)
        for obj in placed:
            # Only table points near the segment the light projects the object onto.
            a = obj.xy
            b = obj.xy - light[:2] / light[2] * obj.height
            ab = b - a
            s = np.clip(((p[:, :2] - a) @ ab) / max(ab @ ab, 1e-12), 0, 1)
            near = np.linalg.norm(p[:, :2] - (a + s[:, None] * ab), axis=1) < obj.radius + 0.01
            idx = np.nonzero(near)[0]
            t, _, _ = obj.intersect(p[idx], ldir[idx])
            shadow[idx] |= np.isfinite(t)
        lambert[on_table[shadow]] *= 0.25
    colour = albedo * (ambient + (1 - ambient) * lambert[:, None]) * rng.uniform(*look.exposure)
    if style == 'specular':  # Blinn-Phong highlights on the objects
        view = -d / np.linalg.norm(d, axis=1, keepdims=True)
        half = view + light
        half /= np.linalg.norm(half, axis=1, keepdims=True)
        obj_px = owner >= 0
        gloss = np.clip(np.einsum('ij,ij->i', normal[obj_px], half[obj_px]), 0, None)
        colour[obj_px] += 255.0 * arng.uniform(0.3, 0.7) * gloss[:, None] ** arng.uniform(
            12, 60)
    if look.light_tint > 0:
        colour = colour * (1 + arng.uniform(-look.light_tint, look.light_tint, 3))
    rgb = colour.reshape(h, w, 3)
    depth = t_best.reshape(h, w).astype(np.float32)
    depth[~np.isfinite(depth)] = np.nan

    if effects:
        sigma = rng.uniform(*look.blur)
        if sigma > 0.3:
            rgb = cv2.GaussianBlur(rgb, (0, 0), sigma)
        rgb = rgb + rng.normal(0, rng.uniform(*look.noise), rgb.shape)
        holes = rng.random((h, w)) < rng.uniform(0, 0.01)
        depth[holes] = np.nan
    rgb = np.clip(np.round(rgb), 0, 255).astype(np.uint8)

    owner = owner.reshape(h, w)
    objects = []
    for i, obj in enumerate(placed):
        mask = owner == i
        ys, xs = np.nonzero(mask)
        if len(xs) == 0:
            continue
        box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
        centre = r_wc.T @ (obj.centre_world() - cam)
        objects.append(SceneObject(
            colour=obj.spec.colour, shape=obj.spec.shape, size=obj.spec.size, box=box,
            mask=mask, centre=centre, visible_fraction=len(xs) / max(silhouettes[i], 1),
            radius=obj.radius, height=obj.height))
    return Scene(rgb=rgb, depth=depth, intrinsics=intr, objects=objects, seed=int(seed))


# Places said with two directions, and the corner of :func:`two_by_two_scene` each means
# ("{}" the object: "the red ball top left"); front is near, back and far are the top row.
TWO_DIRECTION_FORMS = (('the {} top left', 'top left'),
                       ('the {} in the top right corner', 'top right'),
                       ('the bottom left {}', 'bottom left'),
                       ('the {} in the lower right corner', 'bottom right'),
                       ('the front right {}', 'bottom right'),
                       ('the {} at the back left', 'top left'),
                       ('the upper left {}', 'top left'),
                       ('the far right {}', 'top right'))


def two_by_two_scene(seed, colour, shape, size='small'):
    """Render four like objects two by two on the table, 20 cm apart across, 18 cm deep.

    For places said with two directions ("the red ball top left", helper-88): the far
    row is the image's top row.

    :return: ``(scene, corners)``: the :class:`Scene` and ``{'top left': SceneObject,
        'top right': ..., 'bottom left': ..., 'bottom right': ...}`` (top: the far row, by
        the camera-frame depth of the centres; left: smaller camera-frame x).
    """
    scene = generate_scene(seed, specs=[ObjectSpec(colour, shape, size, (x, y))
                                        for x in (-0.1, 0.1) for y in (-0.04, 0.14)])
    by_depth = sorted(scene.objects, key=lambda o: o.centre[2])  # nearest first
    corners = {}
    for row, pair in (('bottom', by_depth[:2]), ('top', by_depth[2:])):
        left, right = sorted(pair, key=lambda o: o.centre[0])
        corners[f'{row} left'], corners[f'{row} right'] = left, right
    return scene, corners


def _dims(spec, scale=1.0):
    s = SIZE_SCALE[spec.size] * scale
    r, h = _BASE[spec.shape]
    if spec.shape == 'cube':
        return r * np.sqrt(2) * s, h * s
    if spec.shape == 'ball':
        return r * s, 2 * r * s
    if spec.shape == 'mug':
        return (r + 0.028) * s, h * s
    return r * s, h * s


def _place(rng, specs, cam, r_wc, intr, look=None, arng=None):
    look = look or Appearance()
    arng = arng if arng is not None else np.random.default_rng(0)
    placed = []
    for spec in specs:
        ranges = look.object_scale
        scale = float(arng.uniform(*ranges[arng.integers(len(ranges))]))
        radius, height = _dims(spec, scale)
        yaw = spec.yaw if spec.yaw is not None else rng.uniform(0, 2 * np.pi)
        if spec.shape == 'mug' and spec.yaw is None:
            yaw = rng.uniform(-2.6, -0.5)  # handle visible from the camera, mostly
        if spec.position is not None:
            xy = np.asarray(spec.position, float)
        else:
            xy = None
            for _ in range(200):
                u = rng.uniform(0.12, 0.88) * intr.width
                v = rng.uniform(0.35, 0.9) * intr.height
                ray = r_wc @ np.array([(u - intr.cx) / intr.fx, (v - intr.cy) / intr.fy, 1.0])
                if ray[2] >= 0:
                    continue
                cand = (cam + ray * (-cam[2] / ray[2]))[:2]
                if all(np.linalg.norm(cand - p.xy) > radius + p.radius + 0.012 for p in placed):
                    xy = cand
                    break
            if xy is None:
                continue
        jitter = rng.uniform(0.88, 1.08, 3)
        colour = np.clip(np.array(COLOURS[spec.colour], float) * jitter, 0, 255)
        colour = _vary_colour(colour, look, arng)
        pattern = None
        if arng.random() < look.object_texture:
            pattern = (int(look.object_patterns[arng.integers(len(look.object_patterns))]),
                       float(arng.uniform(0.12, 0.3)), int(arng.integers(2**31)))
        placed.append(_Placed(spec, xy, yaw, radius, height, colour, scale, pattern))
    return placed


def _vary_colour(rgb, look, rng):
    """Shift hue, saturation and value of an RGB albedo within one colour name."""
    if look.hue_jitter <= 0 and look.saturation == (1.0, 1.0) and look.value == (1.0, 1.0):
        return rgb
    hsv = cv2.cvtColor(np.clip(rgb, 0, 255).astype(np.float32)[None, None] / 255.0,
                       cv2.COLOR_RGB2HSV)[0, 0]
    hsv[0] = (hsv[0] + rng.uniform(-look.hue_jitter, look.hue_jitter)) % 360.0
    hsv[1] = np.clip(hsv[1] * rng.uniform(*look.saturation), 0, 1)
    hsv[2] = np.clip(hsv[2] * rng.uniform(*look.value), 0, 1)
    out = cv2.cvtColor(hsv[None, None].astype(np.float32), cv2.COLOR_HSV2RGB)[0, 0]
    return np.clip(out * 255.0, 0, 255).astype(float)


def _pattern(rng, h, w, kind):
    """(H, W) float32 pattern in [0, 1]: 0 waves, 1 blotches, 2 checks."""
    vs, us = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == 0:
        f = rng.uniform(0.15, 0.4)
        a = rng.uniform(0, np.pi)
        return 0.5 + 0.5 * np.sin(f * (us * np.cos(a) + vs * np.sin(a)))
    if kind == 1:
        small = rng.normal(0, 1, (h // 6 + 2, w // 6 + 2)).astype(np.float32)
        pat = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
        return (pat - pat.min()) / (np.ptp(pat) + 1e-6)
    cell = int(rng.integers(4, 10))
    return (((us // cell) + (vs // cell)) % 2).astype(np.float32)


def _table(rng, h, w, look, default):
    """Return the table albedo for the appearance's table kinds (``neutral``: default)."""
    kind = look.tables[rng.integers(len(look.tables))]
    amp = rng.uniform(*look.texture_amp)
    if kind == 'neutral':
        base = None
    elif kind == 'flat':
        return np.broadcast_to(_neutral(rng, 95, 200), (h, w, 3)).astype(float)
    elif kind == 'wood':
        base = np.array([150.0, 108.0, 68.0]) * rng.uniform(0.7, 1.2)
    elif kind == 'tinted':  # a desaturated coloured mat
        hsv = np.array([[[rng.uniform(0, 360), rng.uniform(0.1, 0.3),
                          rng.uniform(0.45, 0.8)]]], np.float32)
        base = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0].astype(float) * 255.0
    elif kind == 'dark':
        base = _neutral(rng, 45, 85)
    else:  # bright
        base = _neutral(rng, 195, 235)
    if base is None:
        if amp <= 0.14:
            return default
        base = _neutral(rng, 95, 185)
    pat = _pattern(rng, h, w, int(rng.integers(3)) if kind != 'wood' else 0)
    return np.clip(base[None, None, :] * (1 - amp + 2 * amp * pat[..., None]), 0, 255)


def _project_bounds(obj, cam, r_wc, intr):
    """Flat indices of pixels inside the projection of the object's bounding box."""
    lo, hi = obj.bounds()
    corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1])
                        for z in (lo[2], hi[2])])
    pc = (corners - cam) @ r_wc
    if np.any(pc[:, 2] <= 0.01):
        return None
    u = intr.fx * pc[:, 0] / pc[:, 2] + intr.cx
    v = intr.fy * pc[:, 1] / pc[:, 2] + intr.cy
    x0, x1 = int(max(np.floor(u.min()) - 2, 0)), int(min(np.ceil(u.max()) + 3, intr.width))
    y0, y1 = int(max(np.floor(v.min()) - 2, 0)), int(min(np.ceil(v.max()) + 3, intr.height))
    if x1 <= x0 or y1 <= y0:
        return None
    vs, us = np.mgrid[y0:y1, x0:x1]
    return (vs * intr.width + us).reshape(-1)


# ----------------------------------------------------------------------------- layouts
# Optional layouts that teach what real depth cameras show and the default scenes do
# not: steep overhead views, objects in a tray, touching and stacked objects, elongated
# objects lying down, transparent objects without depth, a small table above a large
# floor, and depth noise that grows with the square of the distance. The default
# scenes above are unchanged.

LAYOUTS = ('overhead', 'bin', 'touching', 'lying', 'transparent', 'floor_table')
# Layouts rendered on request only (not in :data:`LAYOUTS`, so ``clip_perception_eval
# layouts`` keeps its figures): ``packed_bin``, the tray filled edge to edge with boxes of
# one height, whose tops are coplanar and hide its floor (issue 11: a plane through a
# pile's tops passed for the support of ARC's tote); ``thin``, flat objects 3-8 mm thick
# lying on a table, under the depth noise's threshold (issue 11: ARC's pink scissors).
# ``pile``: 5-12 boxes, bars, cylinders and balls of mixed sizes and colours heaped in a
# tote, touching, some lying tilted with one end on another item or flat on its top, seen
# from 0.6-1.0 m above at 0-30 degrees off vertical (issue 11: ARC's ``arc_suction`` tote,
# whose items came out neither as depth regions nor as well-ranked image boxes).
# Two objects that make one depth region (issue 11: posecnn_5's power drill merged with
# the clamp beside it; a box on a box posed as one object as tall as both):
# ``touching_pair``, two or three objects of different colours touching side by side at
# one depth, from the side or from above; ``stacked``, a box on a larger box and a small
# object (a can, a small box) on a large flat one (a book); ``packed_mixed``, a tray
# packed edge to edge with boxes of two heights. (A layout's scenes follow from its seed
# alone, so the order here changes none.)
EXTRA_LAYOUTS = ('packed_bin', 'thin', 'pile', 'touching_pair', 'stacked', 'packed_mixed')


@dataclass
class LayoutObject:
    """Ground truth of one object of a layout scene (camera optical frame, metres).

    ``yaw`` the angle (rad, in (-pi/2, pi/2]) of the object's long horizontal axis from
    the camera's x axis projected onto the table (NaN for round footprints);
    ``dimensions`` (length, width, height); ``transparent`` whether its depth is missing;
    ``tilt`` the angle (rad) between its own up axis and the world's (a bar of the ``pile``
    layout lying with one end on another item).
    """

    name: str
    box: tuple
    mask: np.ndarray
    centre: np.ndarray
    yaw: float
    dimensions: np.ndarray
    visible_fraction: float
    transparent: bool = False
    tilt: float = 0.0


def _layout_camera(rng, layout):
    if layout in ('touching_pair', 'stacked'):
        # Half the scenes from above (68-89 degrees down), half from the side.
        layout = 'overhead' if rng.random() < 0.5 else 'side'
    if layout == 'pile':
        height, pitch = rng.uniform(0.6, 1.0), np.deg2rad(rng.uniform(60, 90))
    elif layout in ('overhead', 'bin', 'packed_bin', 'packed_mixed'):
        height, pitch = rng.uniform(0.55, 0.85), np.deg2rad(rng.uniform(68, 89))
    elif layout == 'floor_table':
        height, pitch = rng.uniform(0.5, 0.7), np.deg2rad(rng.uniform(40, 60))
    else:
        height, pitch = rng.uniform(0.42, 0.62), np.deg2rad(rng.uniform(34, 60))
    centre = np.array([rng.uniform(-0.03, 0.03), -height / np.tan(pitch), height])
    forward = np.array([0.0, np.cos(pitch), -np.sin(pitch)])
    right = np.array([1.0, 0.0, 0.0])
    return centre, np.stack([right, np.cross(forward, right), forward], axis=1)


def _layout_objects(rng, layout):
    """(kind, centre_world, half_sizes or (r, h), yaw, colour name) of each object."""
    objs = []
    colours = list(COLOURS)
    pick = rng.permutation(len(colours))
    if layout == 'touching':
        a = rng.uniform(0.03, 0.045)
        x0, y0 = rng.uniform(-0.06, 0.0), rng.uniform(0.0, 0.08)
        objs.append(('box', (x0, y0, a), (a, a, a), 0.0, colours[pick[0]]))
        objs.append(('box', (x0 + 2 * a, y0, a), (a, a, a), 0.0, colours[pick[1]]))
        b = a * rng.uniform(0.6, 0.8)  # stacked on the first
        objs.append(('box', (x0, y0, 2 * a + b), (b, b, b), rng.uniform(-0.3, 0.3),
                     colours[pick[2]]))
        r = rng.uniform(0.025, 0.035)
        objs.append(('cylinder', (x0 + 3 * a + r, y0 + rng.uniform(-0.01, 0.01), 0.0),
                     (r, rng.uniform(0.06, 0.1)), 0.0, colours[pick[3]]))
        return objs
    if layout == 'touching_pair':
        return _touching_pair(rng, colours, pick)
    if layout == 'stacked':
        return _stacked(rng, colours, pick)
    if layout in ('packed_bin', 'packed_mixed'):
        # A grid of boxes of one height filling the tray (19 x 14 cm half sizes), 4-8 mm
        # apart: their tops are one plane and hide the floor. ``packed_mixed``: each box
        # one of two heights 3-5 cm apart, at least one of each.
        nx, ny = int(rng.integers(2, 4)), int(rng.integers(2, 4))
        gap, top = rng.uniform(0.004, 0.008), rng.uniform(0.05, 0.09)
        tops = np.full(nx * ny, top)
        if layout == 'packed_mixed':
            low = rng.uniform(0.04, 0.06)
            tops = np.where(rng.random(nx * ny) < 0.5, low, low + rng.uniform(0.03, 0.05))
            tops[0], tops[-1] = low, low + 0.04
        cw, ch = (0.38 - 0.012 - gap * (nx + 1)) / nx, (0.28 - 0.012 - gap * (ny + 1)) / ny
        for i in range(nx):
            for j in range(ny):
                x = -0.184 + gap + cw / 2 + i * (cw + gap)
                y = -0.134 + gap + ch / 2 + j * (ch + gap)
                t = tops[i * ny + j]
                objs.append(('box', (x, y, t / 2), (cw / 2, ch / 2, t / 2), 0.0,
                             colours[pick[(i * ny + j) % len(colours)]]))
        return objs
    if layout == 'pile':
        return _pile_objects(rng, colours)
    if layout == 'thin':
        n = int(rng.integers(2, 4))
        for k in range(n):
            xy = np.array([rng.uniform(-0.14, 0.14), -0.06 + 0.1 * k + rng.uniform(-0.01, 0.01)])
            half = (rng.uniform(0.03, 0.06), rng.uniform(0.012, 0.02), rng.uniform(0.0015, 0.004))
            objs.append(('box', (xy[0], xy[1], half[2]), half, rng.uniform(-0.5, 0.5),
                         colours[pick[k]]))
        return objs
    n = int(rng.integers(2, 5))
    placed = []
    for k in range(n):
        for _ in range(50):
            xy = np.array([rng.uniform(-0.16, 0.16), rng.uniform(-0.08, 0.14)])
            if layout == 'bin':
                xy = np.array([rng.uniform(-0.12, 0.12), rng.uniform(-0.08, 0.08)])
            if all(np.linalg.norm(xy - p) > 0.11 for p in placed):
                break
        placed.append(xy)
        if layout == 'lying' or (layout in ('overhead', 'bin') and k % 2 == 0):
            half = (rng.uniform(0.05, 0.09), rng.uniform(0.015, 0.025),
                    rng.uniform(0.015, 0.025))
            objs.append(('box', (xy[0], xy[1], half[2]), half, rng.uniform(-np.pi, np.pi),
                         colours[pick[k]]))
        else:
            r, h = rng.uniform(0.025, 0.04), rng.uniform(0.06, 0.12)
            objs.append(('cylinder', (xy[0], xy[1], 0.0), (r, h), 0.0, colours[pick[k]]))
    return objs


# The tote of the ``bin``, ``packed_bin`` and ``pile`` layouts: inner half sizes (m) and
# wall height; its floor is the world's z = 0.
_TOTE_HALF = (0.19, 0.14)
_TOTE_WALL = 0.12
_PILE_TOTE_HALF = (0.24, 0.17)  # a pile's tote: 48 x 34 cm, 15 cm deep (ARC's, smaller)
_PILE_TOTE_WALL = 0.15
# A pile's item under a quarter seen is left out of its ground truth (as the hand labels of
# ARC's tote leave out what lies buried).
PILE_MIN_VISIBLE = 0.25
_PILE_CELL = 0.002  # the grid (m) on which the pile's footprints are kept apart


def _footprint(grid_xy, kind, c, size, yaw):
    """(N,) bool: the grid points under an upright object's footprint."""
    d = grid_xy - np.asarray(c[:2], float)
    if kind == 'box':
        cy, sy = np.cos(yaw), np.sin(yaw)
        u = d[:, 0] * cy + d[:, 1] * sy
        v = -d[:, 0] * sy + d[:, 1] * cy
        return (np.abs(u) <= size[0]) & (np.abs(v) <= size[1])
    return np.hypot(d[:, 0], d[:, 1]) <= size[0]


def _tilted_frame(u, theta):
    """Local-to-world rotation of a bar whose local x rises by ``theta`` against -u."""
    x = np.array([-u[0] * np.cos(theta), -u[1] * np.cos(theta), np.sin(theta)])
    z = np.array([u[0] * np.sin(theta), u[1] * np.sin(theta), np.cos(theta)])
    return np.stack([x, np.cross(z, x), z], axis=1)


def _pile_objects(rng, colours):
    """Items heaped in a tote: a floor layer, touching, and items lying on the others.

    The floor layer is placed one item at a time, most of them against an item already
    there (within 3 mm); then 1-4 items go on top: a bar tilted with one end on a lower
    item and the other on the floor, or a small box flat on a lower item's top.
    """
    hx, hy = _PILE_TOTE_HALF
    gx, gy = np.meshgrid(np.arange(-hx, hx, _PILE_CELL), np.arange(-hy, hy, _PILE_CELL))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    taken = np.zeros(len(grid), bool)
    near = np.zeros(len(grid), bool)  # within 3 mm of an item: touching
    n = int(rng.integers(5, 13))
    n_top = min(int(rng.integers(1, 6)), n // 2)
    objs, lower = [], []
    for _ in range(n - n_top):
        colour = colours[int(rng.integers(len(colours)))]
        shape = rng.choice(['box', 'bar', 'cylinder', 'ball'], p=[0.35, 0.3, 0.2, 0.15])
        if shape == 'box':
            half = (rng.uniform(0.03, 0.07), rng.uniform(0.025, 0.05), rng.uniform(0.015, 0.05))
        elif shape == 'bar':
            half = (rng.uniform(0.05, 0.09), rng.uniform(0.012, 0.025),
                    rng.uniform(0.01, 0.025))
        elif shape == 'cylinder':
            half = (rng.uniform(0.025, 0.045), rng.uniform(0.04, 0.12))
        else:
            half = (rng.uniform(0.025, 0.045),)
        kind = 'box' if shape in ('box', 'bar') else str(shape)
        for attempt in range(80):
            yaw = float(rng.uniform(-np.pi, np.pi))
            c = (rng.uniform(-hx, hx), rng.uniform(-hy, hy))
            foot = _footprint(grid, kind, c, half, yaw)
            area = 4 * half[0] * half[1] if kind == 'box' else np.pi * half[0] ** 2
            inside = foot.sum() >= 0.97 * area / _PILE_CELL ** 2  # within the tote
            if not inside or (foot & taken).any():
                continue
            # Most items touch one already placed (the pile), the last tries take any place.
            if objs and attempt < 60 and not (foot & near).any() and rng.random() < 0.85:
                continue
            break
        else:
            continue
        taken |= foot
        near |= _footprint(grid, kind, c, tuple(np.add(half[:2], 0.003)), yaw)
        if kind == 'box':
            objs.append(('box', (c[0], c[1], half[2]), half, yaw, colour))
            lower.append((c, 2 * half[2], min(half[:2])))
        elif kind == 'cylinder':
            objs.append(('cylinder', (c[0], c[1], 0.0), half, 0.0, colour))
            lower.append((c, half[1], half[0]))
        else:
            objs.append(('ball', (c[0], c[1], half[0]), half, 0.0, colour))
    for _ in range(n_top):
        if not lower:
            break
        (cx, cy), top, reach = lower[int(rng.integers(len(lower)))]
        colour = colours[int(rng.integers(len(colours)))]
        if rng.random() < 0.65:
            # A bar lying from the floor up onto the item: its upper end over the item.
            a = rng.uniform(max(0.05, 0.8 * top), max(0.1, 1.2 * top))
            half = (a, rng.uniform(0.012, 0.03), rng.uniform(0.01, 0.02))
            if top >= 1.8 * a:
                continue
            phi = rng.uniform(-np.pi, np.pi)
            u = np.array([np.cos(phi), np.sin(phi)])
            up_end = np.array([cx, cy]) + u * rng.uniform(0.0, 0.5) * reach
            theta = float(np.arcsin(top / (2 * a)))
            low_end = up_end + u * 2 * a * np.cos(theta)
            if np.any(np.abs(low_end) > np.array([hx, hy]) - half[1]):
                continue
            rot = _tilted_frame(u, theta)
            mid = np.array([(up_end[0] + low_end[0]) / 2, (up_end[1] + low_end[1]) / 2,
                            top / 2])
            objs.append(('box', tuple(mid + half[2] * rot[:, 2]), half, rot, colour))
        else:
            # A small box flat on the item's top.
            half = (rng.uniform(0.02, 0.04), rng.uniform(0.015, 0.03), rng.uniform(0.01, 0.03))
            off = rng.uniform(-0.5, 0.5, 2) * reach
            objs.append(('box', (cx + off[0], cy + off[1], top + half[2]), half,
                         float(rng.uniform(-np.pi, np.pi)), colour))
    return objs


def _touching_pair(rng, colours, pick):
    """Return one or two groups of 2-3 objects touching side by side, each of its own colour.

    The objects of a group stand on the table along the camera's x axis (about one depth
    from a side view), each against the next: boxes of different sizes and heights, or a
    can against a box. The groups lie 15 cm or more apart.
    """
    objs, k = [], 0
    n_groups = int(rng.integers(1, 3))
    for g in range(n_groups):
        y = (-0.06 + 0.16 * g if n_groups == 2 else 0.02) + rng.uniform(-0.01, 0.01)
        x = rng.uniform(-0.12, -0.06)
        for m in range(int(rng.integers(2, 4))):
            colour = colours[pick[k % len(colours)]]
            k += 1
            if rng.random() < 0.3 and m > 0:
                r, h = rng.uniform(0.025, 0.04), rng.uniform(0.06, 0.12)
                objs.append(('cylinder', (x + r, y, 0.0), (r, h), 0.0, colour))
                x += 2 * r
            else:
                hx, hy = rng.uniform(0.025, 0.05), rng.uniform(0.025, 0.045)
                hz = rng.uniform(0.025, 0.06)
                objs.append(('box', (x + hx, y, hz), (hx, hy, hz), 0.0, colour))
                x += 2 * hx
    return objs


def _stacked(rng, colours, pick):
    """Return a box on a larger box and a small object on a large flat box (a can on a book)."""
    objs = []
    # A box on a box: the upper one smaller, turned a little, not centred.
    x, y = rng.uniform(-0.14, -0.06), rng.uniform(-0.02, 0.08)
    a = (rng.uniform(0.04, 0.06), rng.uniform(0.035, 0.05), rng.uniform(0.025, 0.05))
    objs.append(('box', (x, y, a[2]), a, rng.uniform(-0.3, 0.3), colours[pick[0]]))
    b = (a[0] * rng.uniform(0.5, 0.75), a[1] * rng.uniform(0.5, 0.75),
         rng.uniform(0.02, 0.04))
    off = rng.uniform(-0.3, 0.3, 2) * np.array(a[:2])
    objs.append(('box', (x + off[0], y + off[1], 2 * a[2] + b[2]), b, rng.uniform(-0.4, 0.4),
                 colours[pick[1]]))
    # A small object on a large flat box (a book): a can or a small box.
    x, y = rng.uniform(0.06, 0.14), rng.uniform(-0.02, 0.08)
    book = (rng.uniform(0.07, 0.1), rng.uniform(0.05, 0.07), rng.uniform(0.01, 0.02))
    objs.append(('box', (x, y, book[2]), book, rng.uniform(-0.3, 0.3), colours[pick[2]]))
    off = rng.uniform(-0.25, 0.25, 2) * np.array(book[:2])
    if rng.random() < 0.5:
        r, h = rng.uniform(0.022, 0.035), rng.uniform(0.05, 0.1)
        objs.append(('cylinder', (x + off[0], y + off[1], 2 * book[2]), (r, h), 0.0,
                     colours[pick[3]]))
    else:
        s = (rng.uniform(0.02, 0.035), rng.uniform(0.02, 0.035), rng.uniform(0.02, 0.04))
        objs.append(('box', (x + off[0], y + off[1], 2 * book[2] + s[2]), s,
                     rng.uniform(-0.5, 0.5), colours[pick[3]]))
    return objs


def generate_layout_scene(seed, layout, width=640, height=480, noise=True):
    """Render one scene of an optional layout (see :data:`LAYOUTS`).

    :param seed: every random choice follows from it (deterministic).
    :param layout: ``overhead`` (camera 68-89 degrees down), ``bin`` (a tray whose floor
        covers little of the image, seen from above, 0.45 m above the room's floor),
        ``touching`` (two touching cubes,
        a third stacked on one, a can against them), ``lying`` (elongated boxes lying
        at random yaw), ``transparent`` (one object returns no depth except on its rim
        and shows the table through), ``floor_table`` (a small table top 0.7 m above
        a floor that fills more of the image).
    :param noise: add depth noise ``sigma(z) = 1.5 mm + 2.5 mm z^2``, flying pixels
        at depth edges and specks of far noise, as real depth cameras do.
    :return: ``(Scene, [LayoutObject])``; ``Scene.objects`` is empty.
    :raises ValueError: unknown layout.
    """
    if layout not in LAYOUTS + EXTRA_LAYOUTS:
        raise ValueError(f'unknown layout {layout!r}; one of '
                         f'{", ".join(LAYOUTS + EXTRA_LAYOUTS)}')
    rng = np.random.default_rng(seed)
    intr = Intrinsics.default(width, height)
    cam, r_wc = _layout_camera(rng, layout)
    vs, us = np.mgrid[0:height, 0:width]
    d_cam = np.stack([(us - intr.cx) / intr.fx, (vs - intr.cy) / intr.fy,
                      np.ones((height, width))], axis=-1).reshape(-1, 3)
    d = d_cam @ r_wc.T
    o = np.broadcast_to(cam, d.shape).copy()
    n_px = len(d)
    with np.errstate(divide='ignore', invalid='ignore'):
        floor_z = {'floor_table': -0.7, 'bin': -0.45, 'packed_bin': -0.45,
                   'pile': -0.45, 'packed_mixed': -0.45}.get(layout, 0.0)
        t_best = np.where(d[:, 2] < 0, (floor_z - cam[2]) / d[:, 2], np.inf)
    owner = np.full(n_px, -1)
    albedo = np.tile(_neutral(rng, 95, 185), (n_px, 1))
    shade = np.clip(-d[:, 2], 0.3, 1.0)
    solids = []
    if layout == 'floor_table':
        solids.append(('box', (0.0, 0.05, -0.01), (0.3, 0.22, 0.01), 0.0, None, 'table'))
    if layout in ('bin', 'packed_bin', 'pile', 'packed_mixed'):
        wall_h, (hx, hy) = (_PILE_TOTE_WALL, _PILE_TOTE_HALF) if layout == 'pile' else (
            _TOTE_WALL, _TOTE_HALF)
        # The tray stands on a stand above the room's floor (which fills more image).
        solids.append(('box', (0.0, 0.0, -0.005), (hx, hy, 0.005), 0.0, None, 'wall'))
        for c, half in (((0, hy, wall_h / 2), (hx, 0.006, wall_h / 2)),
                        ((0, -hy, wall_h / 2), (hx, 0.006, wall_h / 2)),
                        ((hx, 0, wall_h / 2), (0.006, hy, wall_h / 2)),
                        ((-hx, 0, wall_h / 2), (0.006, hy, wall_h / 2))):
            solids.append(('box', c, half, 0.0, None, 'wall'))
    specs = _layout_objects(rng, layout)
    transparent = int(rng.integers(len(specs))) if layout == 'transparent' else -1
    for k, (kind, c, size, yaw, colour) in enumerate(specs):
        solids.append((kind, c, size, yaw, colour, k))
    see_through = np.zeros(n_px, bool)
    silhouette = {}
    d_unit = d / np.linalg.norm(d, axis=1, keepdims=True)
    for kind, c, size, yaw, colour, tag in solids:
        c = np.array(c, float)
        # A pile's items are cast only along the rays near their bounding sphere (the
        # same hits, a fraction of the time); the other layouts cast every ray.
        sel = slice(None)
        if layout == 'pile' and isinstance(tag, int):
            mid = c + ([0.0, 0.0, size[1] / 2] if kind == 'cylinder' else 0.0)
            reach = float(np.linalg.norm(size)) + 0.005
            to = mid - cam
            dist = float(np.linalg.norm(to))
            cone = np.cos(np.arcsin(min(reach / dist, 1.0)) + 0.02)
            sel = np.nonzero(d_unit @ (to / dist) >= cone)[0]
        t = np.full(n_px, np.inf)
        n = np.zeros((n_px, 3))
        if kind == 'box':
            t[sel], n[sel] = _hit_box(o[sel], d[sel], c, np.array(size, float), yaw)
        elif kind == 'ball':
            t[sel], n[sel] = _hit_sphere(o[sel], d[sel], c, size[0])
        else:
            t[sel], n[sel], _, _ = _hit_cylinder(o[sel], d[sel], c, size[0], size[1])
        if isinstance(tag, int):
            silhouette[tag] = int(np.isfinite(t).sum())
        closer = t < t_best
        t_best[closer] = t[closer]
        lam = np.clip(-(n * d).sum(axis=1) / np.linalg.norm(d, axis=1), 0.2, 1.0)
        shade[closer] = lam[closer]
        if isinstance(tag, int):
            owner[closer] = tag
            albedo[closer] = COLOURS[colour]
            see_through[closer] = tag == transparent
        else:
            owner[closer] = -2
            albedo[closer] = _neutral(rng, 60, 120) if tag == 'wall' else (150, 110, 70)
    rgb = albedo * (0.35 + 0.65 * shade[:, None])
    depth = t_best.reshape(height, width).astype(np.float32)
    depth[~np.isfinite(depth)] = np.nan
    if transparent >= 0:
        # Glass: mostly the table seen through it, holes, a rim that returns depth.
        obj_px = (owner == transparent).reshape(height, width)
        rim = obj_px & ~cv2.erode(obj_px.astype(np.uint8), np.ones((5, 5), np.uint8)
                                  ).astype(bool)
        inner = obj_px & ~rim
        with np.errstate(divide='ignore', invalid='ignore'):
            behind = np.where(d[:, 2] < 0, -cam[2] / d[:, 2], np.nan).reshape(height, width)
        depth[inner] = behind[inner]
        depth[inner & (rng.random((height, width)) < 0.5)] = np.nan
        rgb_img = rgb.reshape(height, width, 3)
        rgb_img[inner] = 0.75 * rgb_img[inner] + 0.25 * 230.0
    if noise:
        z = depth
        sigma = 0.0015 + 0.0025 * np.square(np.nan_to_num(z, nan=0.0))
        depth = z + rng.normal(0, 1, z.shape).astype(np.float32) * sigma.astype(np.float32)
        # Flying pixels: a third of the pixels on a depth edge take a value in between.
        zf = np.nan_to_num(z, nan=0.0)
        edge = np.abs(zf - cv2.dilate(zf, np.ones((3, 3), np.float32))) > 0.03
        fly = edge & (rng.random(z.shape) < 0.33)
        depth[fly] = (z[fly] + cv2.dilate(zf, np.ones((3, 3), np.float32))[fly]) / 2
        specks = rng.random(z.shape) < 0.0005
        depth[specks] = rng.uniform(1.0, 3.0, specks.sum())
        depth[rng.random(z.shape) < 0.005] = np.nan
    rgb = np.clip(np.round(rgb.reshape(height, width, 3) + rng.normal(0, 3, (height, width, 3))),
                  0, 255).astype(np.uint8)
    up = r_wc.T @ np.array([0.0, 0.0, 1.0])
    ex = np.array([1.0, 0.0, 0.0]) - up[0] * up
    ex /= np.linalg.norm(ex)
    ey = np.cross(up, ex)
    owner_img = owner.reshape(height, width)
    out = []
    for k, (kind, c, size, yaw, colour) in enumerate(specs):
        mask = owner_img == k
        ys, xs = np.nonzero(mask)
        if len(xs) < 30:
            continue
        if layout == 'pile' and len(xs) < PILE_MIN_VISIBLE * silhouette.get(k, 0):
            continue  # buried under the others: no one would label it
        c = np.array(c, float)
        if kind == 'box':
            centre_w = c
            dims = np.array(sorted(size[:2], reverse=True) + [size[2]]) * 2
            rot = np.asarray(yaw, float) if np.ndim(yaw) == 2 else np.array(
                [[np.cos(yaw), -np.sin(yaw), 0.0], [np.sin(yaw), np.cos(yaw), 0.0],
                 [0.0, 0.0, 1.0]])
            axis_w = rot[:, 0] if size[0] >= size[1] else rot[:, 1]
            axis_w = np.array([axis_w[0], axis_w[1], 0.0]) / max(np.hypot(*axis_w[:2]), 1e-9)
            round_ = abs(size[0] - size[1]) < 1e-9
            name = f'{colour} {"cube" if round_ else "bar"}'
        elif kind == 'ball':
            centre_w = c
            dims = np.full(3, 2 * size[0])
            axis_w, round_, name = np.array([1.0, 0.0, 0.0]), True, f'{colour} ball'
        else:
            centre_w = c + [0.0, 0.0, size[1] / 2]
            dims = np.array([2 * size[0], 2 * size[0], size[1]])
            axis_w, round_, name = np.array([1.0, 0.0, 0.0]), True, f'{colour} cylinder'
        axis_c = r_wc.T @ axis_w
        yaw_c = float(np.arctan2(axis_c @ ey, axis_c @ ex))
        if yaw_c > np.pi / 2:
            yaw_c -= np.pi
        elif yaw_c <= -np.pi / 2:
            yaw_c += np.pi
        out.append(LayoutObject(
            name=name, box=(int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1),
            mask=mask, centre=r_wc.T @ (centre_w - cam), yaw=float('nan') if round_ else yaw_c,
            dimensions=dims, visible_fraction=len(xs) / max(silhouette.get(k, 0), len(xs)),
            transparent=k == transparent,
            tilt=float(np.arccos(np.clip(yaw[2, 2], -1, 1))) if np.ndim(yaw) == 2 else 0.0))
    scene = Scene(rgb=rgb, depth=depth, intrinsics=intr, objects=[], seed=int(seed))
    return scene, out
