"""Proposals and pose on real RGB-D frames from real depth cameras (issue 11 targets).

Frames: ``../shared/data/real_rgbd`` (RealSense D435 and SR300, Asus Xtion); labels:
``test/data/real_rgbd_labels.json``, drawn by hand (see test/data/README.md). The
thresholds sit a margin below what ``clip_perception_eval real`` measures (README).
"""

import json
import os

import cv2
import numpy as np
import pytest

from clip_perception.geometry import box_iou
from clip_perception.proposals import image_proposals
from clip_perception.proposals import propose
from clip_perception.proposals import SOURCE_DEPTH
from clip_perception.world.evaluation import VIEW_IMAGE_UP
from clip_perception.world.real_eval import eval_layouts
from clip_perception.world.real_eval import evaluate
from clip_perception.world.real_eval import load_frames
from clip_perception.world.real_eval import pose_of_proposal
from clip_perception.world.real_eval import split_error
from clip_perception.world.real_eval import view_frame
from conftest import REPO
from conftest import SHARED_DATA

DATA = os.path.join(SHARED_DATA, 'real_rgbd')
LABELS = os.path.join(REPO, 'test', 'data', 'real_rgbd_labels.json')


@pytest.fixture(scope='module')
def frames():
    return load_frames(DATA, LABELS)


@pytest.fixture(scope='module')
def figures(frames):
    return evaluate(frames, propose, pose_of_proposal, repeats=1)


def test_every_frame_is_labelled_inside_its_image(frames):
    assert len(frames) == 16
    for f in frames:
        h, w = f.rgb.shape[:2]
        assert f.objects, f.name
        for o in f.objects:
            x0, y0, x1, y1 = o.box
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h, (f.name, o.name)
            assert o.kind in ('opaque', 'dark', 'transparent')


def test_recall_on_real_frames(figures):
    r = figures['recall']
    opaque = (r['opaque'][0] + r['dark'][0]) / (r['opaque'][1] + r['dark'][1])
    transparent = r['transparent'][0] / r['transparent'][1]
    print('\n[real recall]', r, figures['empty_frames'])
    assert opaque >= 0.80
    assert transparent >= 0.75
    assert figures['empty_frames'] == []


def test_pose_on_real_opaque_masked_objects(figures):
    poses = figures['poses']
    lateral = np.array([p['lateral'] for p in poses])
    print('\n[real pose] lateral mm', np.round(1000 * lateral, 1))
    assert len(poses) >= 10
    assert np.median(lateral) <= 0.005
    assert np.percentile(lateral, 90) <= 0.03


def test_view_frame_keeps_the_scene_in_3d(frames):
    """Mirrored and rescaled frames back-project to the same (x-mirrored) points."""
    from clip_perception.geometry import back_project

    f = frames[0]
    h, w = f.depth.shape
    vs, us = np.mgrid[8:h - 8:37, 8:w - 8:41]
    z = f.depth[vs, us]
    ok = np.isfinite(z)
    ref = back_project(us[ok], vs[ok], z[ok], f.intrinsics)
    m = view_frame(f, 'mirror')
    assert m.name == f.name + '@mirror' and m.rgb.shape == f.rgb.shape
    um = (w - 1) - us[ok]  # pixel centres: u + 0.5 -> W - (u + 0.5)
    pts = back_project(um, vs[ok], m.depth[vs[ok], um], m.intrinsics)
    assert np.allclose(pts * [-1, 1, 1], ref, atol=1e-3 * np.abs(ref[:, 2:]).max())
    for o, om in zip(f.objects, m.objects):
        assert om.box[0] == w - o.box[2] and om.box[2] == w - o.box[0]
    # A camera mounted upside down, or on its side: the same points, turned about z.
    r = view_frame(f, 'rotate:180')
    ur, vr = (w - 1) - us[ok], (h - 1) - vs[ok]
    pts = back_project(ur, vr, r.depth[vr, ur], r.intrinsics)
    assert np.allclose(pts * [-1, -1, 1], ref, atol=1e-3 * np.abs(ref[:, 2:]).max())
    q = view_frame(f, 'rotate:90')
    assert q.depth.shape == (w, h) and q.intrinsics.fx == f.intrinsics.fy
    uq, vq = (h - 1) - vs[ok], us[ok]
    pts = back_project(uq, vq, q.depth[vq, uq], q.intrinsics)
    assert np.allclose(np.stack([pts[:, 1], -pts[:, 0], pts[:, 2]], 1), ref,
                       atol=1e-3 * np.abs(ref[:, 2:]).max())
    for o, o2, o9 in zip(f.objects, r.objects, q.objects):
        assert o2.box == (w - o.box[2], h - o.box[3], w - o.box[0], h - o.box[1])
        assert o9.box == (h - o.box[3], o.box[0], h - o.box[1], o.box[2])
        if o.mask is not None:
            assert o9.mask.sum() == o.mask.sum() and o2.mask[::-1, ::-1].tolist() == \
                o.mask.tolist()
    s = view_frame(f, 'scale:0.5')
    assert s.depth.shape == (h // 2, w // 2) and s.intrinsics.fx == f.intrinsics.fx / 2
    assert view_frame(f, 'original') is f
    for bad in ('sideways', 'scale:0', 'scale:abc', 'scale:9', 'rotate:45'):
        with pytest.raises(ValueError, match='view'):
            view_frame(f, bad)


def test_sensor_views_change_the_pixels_not_the_scene(frames):
    """Each sensor view does what its docstring says, the same on every call."""
    f = frames[0]
    ok = np.isfinite(f.depth)
    mm = view_frame(f, 'depth_mm')
    assert mm.intrinsics == f.intrinsics and mm.objects == f.objects
    assert mm.reference_plane is f.reference_plane and mm.rgb is f.rgb
    assert np.allclose(mm.depth[ok] * 1000.0, np.round(mm.depth[ok] * 1000.0), atol=1e-3)
    assert np.abs(mm.depth[ok] - f.depth[ok]).max() <= 0.0005 + 1e-6
    noisy = view_frame(f, 'depth_noise:0.003')
    err = (noisy.depth[ok] - f.depth[ok]) / (0.003 * f.depth[ok] ** 2)
    assert abs(err.std() - 1.0) < 0.05 and abs(err.mean()) < 0.05
    assert np.array_equal(noisy.depth, view_frame(f, 'depth_noise:0.003').depth, equal_nan=True)
    low = view_frame(f, 'depth_res:4')
    assert low.depth.shape == f.depth.shape
    # Each 4x4 block holds the reading at its centre (nearest-neighbour registration).
    src = f.depth[2::4, 2::4]
    assert np.array_equal(low.depth[::4, ::4][:src.shape[0], :src.shape[1]],
                          src[:low.depth[::4, ::4].shape[0], :low.depth[::4, ::4].shape[1]],
                          equal_nan=True)
    assert np.array_equal(low.depth[3::4, 3::4][:src.shape[0], :src.shape[1]],
                          src[:low.depth[3::4, 3::4].shape[0], :low.depth[3::4, 3::4].shape[1]],
                          equal_nan=True)
    dark = view_frame(f, 'exposure:0.5')
    assert abs(float(dark.rgb.mean()) / float(f.rgb.mean()) - 0.5) < 0.02
    assert np.array_equal(dark.depth, f.depth, equal_nan=True)
    warm = view_frame(f, 'white_balance:1.25').rgb.reshape(-1, 3).astype(float).mean(0)
    base = f.rgb.reshape(-1, 3).astype(float).mean(0)
    assert warm[0] > base[0] and warm[2] < base[2] and warm[1] == pytest.approx(base[1])
    jpeg = view_frame(f, 'jpeg:30').rgb
    assert jpeg.shape == f.rgb.shape and 0 < np.abs(jpeg.astype(int) - f.rgb).mean() < 8
    assert view_frame(f, 'blur:2').rgb.std() < f.rgb.std()
    for bad in ('depth_mm:3', 'depth_noise:-1', 'depth_res:2.5', 'depth_res:0', 'jpeg:0',
                'jpeg:x', 'exposure:9', 'white_balance:0', 'blur:-1', 'blur:nan'):
        with pytest.raises(ValueError, match='view'):
            view_frame(f, bad)


def test_stereo_shadow_hides_what_the_right_imager_cannot_see(frames):
    """A band ``f B (1/z_near - 1/z_far)`` wide left of each depth edge loses its readings.

    A synthetic step first: a near plate (0.5 m) in front of a far wall (1.0 m), f 600 px,
    B 0.05 m: 600 * 0.05 * (2 - 1) = 30 px left of the plate (its first column lands on the
    plate's own edge in the right image, so 29 are lost), and 600 * 0.05 / 1.0 = 30 px at
    the image's left edge.
    """
    from clip_perception.geometry import Intrinsics
    from clip_perception.world.real_eval import RealFrame

    depth = np.full((40, 200), 1.0, np.float32)
    depth[10:30, 100:150] = 0.5
    step = RealFrame('step', np.zeros((40, 200, 3), np.uint8), depth,
                     Intrinsics(600.0, 600.0, 99.5, 19.5, 200, 40), 'synthetic')
    shadow = view_frame(step, 'stereo_shadow:0.05').depth
    assert np.isnan(shadow[20, 71:100]).all() and np.isfinite(shadow[20, 100:150]).all()
    assert np.isfinite(shadow[20, 150:]).all() and np.isfinite(shadow[20, 30:71]).all()
    for row in (5, 20):
        assert np.isnan(shadow[row, :30]).all() and np.isfinite(shadow[5, 30:]).all()
    # On the real frames: readings only go, more with a longer baseline, the same each call.
    f = next(f for f in frames if f.name == 'posecnn_2')
    d435, zed = (view_frame(f, f'stereo_shadow:{b}').depth for b in (0.05, 0.12))
    kept = np.isfinite(d435)
    assert np.array_equal(d435[kept], f.depth[kept])
    assert np.isfinite(f.depth).sum() > kept.sum() > np.isfinite(zed).sum()
    assert np.array_equal(d435, view_frame(f, 'stereo_shadow:0.05').depth, equal_nan=True)


@pytest.mark.parametrize('view', ['stereo_shadow:0.12', 'stereo_shadow:0.15'])
def test_a_wall_a_wide_stereo_baseline_halves_stays_a_wall(frames, view):
    """A side wall that loses half its readings to a stereo camera's shadows is a wall.

    ``cleargrasp_transparent_123`` through a ZED-like baseline: the wall on the left, 0.47 m
    away, loses its near half to the left invalid band (``f B / z``, 235 px). What was left
    showed the camera 0.026 m^2 (seen about 60 degrees from its rays), under the 0.03 m^2
    a wall needs, so it was no wall, and the pieces its missing readings cut it into
    became 10 more depth objects (13 -> 23) that pushed the blue box and the blue notebook
    out of the cap (at 0.15 m: 0.021 m^2, 13 -> 21, the blue box). A wall's area is now its
    own, not what it shows the camera (:func:`clip_perception.support.plane_area`): 0.061
    and 0.052 m^2 (0.109 m^2 on the stored frame).
    """
    from clip_perception.proposals import depth_regions
    from clip_perception.proposals import TIER_OBJECT

    stored = next(f for f in frames if f.name == 'cleargrasp_transparent_123')
    seen = {}
    for f in (stored, view_frame(stored, view)):
        regions, _, _, _, work = depth_regions(f.depth, f.intrinsics, f.rgb)
        s = work.step
        seen[f.name] = (work.walls[:, 216 // s:660 // s].mean(),
                        sum(r['tier'] == TIER_OBJECT for r in regions))
    (wall0, objects0), (wall, objects) = seen.values()
    assert wall0 > 0.2 and wall > 0.5 * wall0, seen
    assert objects <= objects0 + 2, seen
    f = view_frame(stored, view)
    props = propose(f.rgb, f.depth, f.intrinsics)
    for name in ('blue box', 'blue notebook'):
        box = next(o.box for o in f.objects if o.name == name)
        assert box_iou(np.array([box], float), props.boxes).max() >= 0.5, name


def test_other_sensors_views_change_depth_as_their_cameras_do(frames):
    """Flying pixels, misregistration, WFOV corners and bilinear upsampling, as documented."""
    f = next(f for f in frames if f.name == 'posecnn_2')
    ok = np.isfinite(f.depth)
    h, w = f.depth.shape
    tof = view_frame(f, 'flying_pixels:2')
    assert tof.rgb is f.rgb and tof.objects == f.objects
    changed = ok & ~np.isclose(tof.depth, f.depth)
    # Mixed pixels lie between the surfaces around them, never outside their range.
    assert 0 < changed.mean() < 0.1
    windows = np.lib.stride_tricks.sliding_window_view(
        np.pad(f.depth, 2, constant_values=np.nan), (5, 5))
    lo = np.where(np.isnan(windows), np.inf, windows).min(axis=(2, 3))
    hi = np.where(np.isnan(windows), -np.inf, windows).max(axis=(2, 3))
    assert (tof.depth[changed] >= lo[changed] - 1e-6).all()
    assert (tof.depth[changed] <= hi[changed] + 1e-6).all()
    right = view_frame(f, 'misregister:3').depth
    assert np.isnan(right[:, :3]).all()
    assert np.array_equal(right[:, 3:], f.depth[:, :-3], equal_nan=True)
    left = view_frame(f, 'misregister:-3').depth
    assert np.isnan(left[:, -3:]).all()
    assert np.array_equal(left[:, :-3], f.depth[:, 3:], equal_nan=True)
    down = view_frame(f, 'misregister_y:3').depth
    assert np.isnan(down[:3]).all()
    assert np.array_equal(down[3:], f.depth[:-3], equal_nan=True)
    up = view_frame(f, 'misregister_y:-3').depth
    assert np.isnan(up[-3:]).all()
    assert np.array_equal(up[:-3], f.depth[3:], equal_nan=True)
    wfov = view_frame(f, 'wfov_corners:0.8').depth
    assert np.isnan(wfov[:20, :20]).all() and np.isnan(wfov[-20:, -20:]).all()
    assert np.array_equal(wfov[h // 4:3 * h // 4, w // 4:3 * w // 4],
                          f.depth[h // 4:3 * h // 4, w // 4:3 * w // 4], equal_nan=True)
    up = view_frame(f, 'depth_upsample:4').depth
    # At the readings taken, the reading (none beside a missing one); between two readings
    # of one surface, between them.
    at, taken = up[2::4, 2::4], f.depth[2::4, 2::4]
    assert np.array_equal(at[np.isfinite(at)], taken[np.isfinite(at)])
    assert 0.8 * np.isfinite(taken).sum() < np.isfinite(at).sum() < np.isfinite(taken).sum()
    a, b, mid = f.depth[2::4, 2:-4:4], f.depth[2::4, 6::4], up[2::4, 4:-2:4]
    both = np.isfinite(a) & np.isfinite(b) & np.isfinite(mid)
    assert both.mean() > 0.5 and np.allclose(mid[both], (a[both] + b[both]) / 2, atol=1e-4)
    assert np.array_equal(up, view_frame(f, 'depth_upsample:4').depth, equal_nan=True)
    for bad in ('stereo_shadow:-0.1', 'stereo_shadow:1', 'flying_pixels:0', 'flying_pixels:1.5',
                'misregister:9', 'misregister:x', 'misregister_y:-9', 'misregister_y:1.5',
                'wfov_corners:0.2', 'depth_upsample:0',
                'depth_upsample:2.5', 'roll:60', 'roll:', 'roll:nan'):
        with pytest.raises(ValueError, match='view'):
            view_frame(f, bad)


def _layout_frame(layout, seed):
    """Return a synthetic layout scene as a :class:`RealFrame`, its opaque objects masked."""
    from clip_perception.geometry import fit_plane_ransac
    from clip_perception.world.real_eval import LabelledObject
    from clip_perception.world.real_eval import RealFrame
    from clip_perception.world.scenes import generate_layout_scene

    scene, objs = generate_layout_scene(seed, layout)
    objects = [LabelledObject(o.name, o.box, 'opaque', o.mask, 'synthetic')
               for o in objs if not o.transparent]
    return RealFrame(f'{layout}_{seed}', scene.rgb, scene.depth, scene.intrinsics, 'synthetic',
                     objects, fit_plane_ransac(scene.depth, scene.intrinsics))


MISREGISTERED = ('misregister:4', 'misregister:-4', 'misregister_y:4', 'misregister_y:-4')


@pytest.mark.parametrize('layout, seed', [('lying', 40_003_001), ('floor_table', 40_005_002)])
def test_a_pose_the_depth_did_not_move_scores_the_same_in_every_sensor_view(layout, seed):
    """The pose's reference is where the object is, not where a view's depth puts it.

    A sensor view changes the readings, not the scene. The reference centroid was read
    from the view's depth under the colour mask, so under ``misregister:D`` it moved
    ``D / 2`` pixels with the depth (1-2.4 mm here): a pose that followed the depth all
    the way scored half its shift, and one off to the right scored better for ``D < 0``
    than for ``D > 0`` (real frames, lateral median 2.3 mm, 4.2 at ``misregister:4``
    and 2.3 at ``-4``). The pose of the frame as recorded, scored in each view, now
    scores the same as in the frame itself.
    """
    from clip_perception.world.real_eval import reference_centroid

    frame = _layout_frame(layout, seed)
    props = propose(frame.rgb, frame.depth, frame.intrinsics)

    def recorded_pose(shown, _props, index):
        return pose_of_proposal(frame, props, index)

    def recorded_proposals(*_):
        return props

    base = evaluate([frame], recorded_proposals, recorded_pose, repeats=1)['poses']
    assert len(base) >= 2
    for view in MISREGISTERED + ('flying_pixels:2', 'stereo_shadow:0.05', 'depth_noise:0.003'):
        shown = view_frame(frame, view)
        for obj in frame.objects:
            ref, ref0 = reference_centroid(shown, obj), reference_centroid(frame, obj)
            assert (ref is None) == (ref0 is None), (view, obj.name)
            if ref0 is not None:
                assert np.array_equal(ref, ref0), (view, obj.name)
        got = evaluate([shown], recorded_proposals, recorded_pose, repeats=1)['poses']
        assert [p['lateral'] for p in got] == [p['lateral'] for p in base], view


@pytest.mark.parametrize('layout, seed', [('lying', 40_003_001), ('floor_table', 40_005_002)])
def test_pose_follows_misregistered_depth_alike_either_way(layout, seed):
    """Depth D px off the colour moves the pose about ``D z / f`` either way, no more.

    The pose is made from the depth, so it can follow the shift but must not grow it or
    favour one side: each sign's lateral median stays within ``D z / f`` + 2 mm of the
    true place, and the two signs within 2.5 mm of each other, along x and along y.
    """
    frame = _layout_frame(layout, seed)
    z = np.median([np.nanmedian(frame.depth[o.mask]) for o in frame.objects])
    shift = 4 * z / frame.intrinsics.fx
    medians = {}
    for view in MISREGISTERED:
        fig = evaluate([view_frame(frame, view)], propose, pose_of_proposal, repeats=1)
        assert len(fig['poses']) >= 2, view
        medians[view] = float(np.median([p['lateral'] for p in fig['poses']]))
    print(f'\n[misregistered pose, {layout}] D z / f {1000 * shift:.1f} mm, lateral medians',
          {k: round(1000 * v, 1) for k, v in medians.items()})
    for axis in ('misregister', 'misregister_y'):
        plus, minus = medians[f'{axis}:4'], medians[f'{axis}:-4']
        assert max(plus, minus) <= shift + 0.002, medians
        assert abs(plus - minus) <= 0.0025, medians


def test_roll_turns_the_image_clockwise_for_a_positive_angle():
    """``roll:A``, A > 0: the image turns clockwise (the camera counter-clockwise).

    A spot right of the principal point moves down, one below it moves left; A < 0 the
    other way. The docstrings said the camera rolled clockwise.
    """
    from clip_perception.geometry import Intrinsics
    from clip_perception.world.real_eval import RealFrame

    rgb = np.zeros((101, 101, 3), np.uint8)
    rgb[48:53, 88:93, 0] = 255  # right of the centre
    rgb[88:93, 48:53, 1] = 255  # below it
    f = RealFrame('spots', rgb, np.ones((101, 101), np.float32),
                  Intrinsics(100.0, 100.0, 50.0, 50.0, 101, 101), 'synthetic')
    for degrees, sign in ((20, 1), (-20, -1)):
        r = view_frame(f, f'roll:{degrees}').rgb
        right, below = (np.argwhere(r[..., c] > 128).mean(axis=0) for c in (0, 1))
        assert sign * (right[0] - 50) > 10 and sign * (below[1] - 50) < -10


@pytest.mark.parametrize('degrees', [20.0, -30.0])
def test_a_rolled_camera_sees_the_same_points_turned_about_its_axis(frames, degrees):
    """``roll:A``: each pixel back-projects to the original's point turned A about z."""
    from clip_perception.geometry import back_project

    f = next(f for f in frames if f.name == 'cleargrasp_opaque_80')
    r = view_frame(f, f'roll:{degrees}')
    assert r.intrinsics == f.intrinsics and r.rgb.shape == f.rgb.shape
    c, s = np.cos(np.deg2rad(degrees)), np.sin(np.deg2rad(degrees))
    h, w = f.depth.shape
    vs, us = np.mgrid[8:h - 8:23, 8:w - 8:29]
    z = r.depth[vs, us]
    ok = np.isfinite(z)
    pts = back_project(us[ok], vs[ok], z[ok], r.intrinsics)
    # Turned back, each lands on a pixel of the frame holding the same depth.
    x = c * pts[:, 0] + s * pts[:, 1]
    y = -s * pts[:, 0] + c * pts[:, 1]
    k = f.intrinsics
    u0 = np.round(k.fx * x / pts[:, 2] + k.cx).astype(int)
    v0 = np.round(k.fy * y / pts[:, 2] + k.cy).astype(int)
    assert ok.mean() > 0.5
    assert np.mean(np.isclose(f.depth[v0, u0], z[ok], atol=1e-6)) > 0.97
    # The corners turned in from outside the frame are black and without depth.
    corner = (0, 0) if degrees > 0 else (0, w - 1)
    assert np.isnan(r.depth[corner]) and not r.rgb[corner].any()
    n, n_r = np.asarray(f.reference_plane[0]), r.reference_plane[0]
    assert np.allclose(n_r, [c * n[0] - s * n[1], s * n[0] + c * n[1], n[2]])
    # Masked objects: the turned mask's box, about as many pixels.
    for o in (o for o in r.objects if o.mask is not None):
        ys, xs = np.nonzero(o.mask)
        assert o.box == (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
        assert any(0.5 * p.mask.sum() <= o.mask.sum() <= 1.02 * p.mask.sum()
                   for p in f.objects if p.name == o.name)
    assert len(r.objects) >= len(f.objects) - 1
    again = view_frame(f, f'roll:{degrees}')
    assert np.array_equal(again.rgb, r.rgb) and [o.box for o in again.objects] == \
        [o.box for o in r.objects]


@pytest.mark.parametrize('name, view', [('posecnn_2', 'roll:15'),
                                        ('cleargrasp_transparent_153', 'roll:15'),
                                        ('posecnn_2', 'wfov_corners:0.8')])
def test_what_no_sensor_saw_is_not_ranked_as_an_object(frames, name, view):
    """The corners of a rolled image, or of a wide-field depth, hold no glass and no object.

    Before helper-85: ``posecnn_2`` rolled 15 degrees had six image boxes on its corners
    at ranks 6-12 in the hole tier (their missing depth taken for a glass's), and
    ``cleargrasp_transparent_153`` seven image boxes on its black fill in the top 32, one
    6th. Now no box mostly on what the sensor did not see ranks above a plain image box.
    """
    from clip_perception.proposals import TIER_HOLE

    f = view_frame(next(f for f in frames if f.name == name), view)
    props = propose(f.rgb, f.depth, f.intrinsics)
    outside = np.isnan(view_frame(next(g for g in frames if g.name == name), view).depth)
    if view.startswith('roll'):
        outside &= f.rgb.max(axis=2) == 0
    assert outside.mean() > 0.03
    for box, score in zip(props.boxes, props.scores):
        x0, y0, x1, y1 = (int(v) for v in box)
        if outside[y0:y1, x0:x1].mean() > 0.3:
            assert score < TIER_HOLE, (box, score)


@pytest.mark.parametrize('name', ['posecnn_1', 'posecnn_2'])
def test_a_cameras_clipped_blacks_are_no_fill(frames, name):
    """An Asus Xtion's blacks clipped to exact zeros are the scene, not a turned image's fill.

    Before: ``proposals.no_image`` marked 5% (``posecnn_1``) and 10% (``posecnn_2``) of
    the 80 px thumbnail, the dark room and a black chair reaching the frame's edge, and
    every image box there lost its share. The same frames rolled 15 degrees keep their
    black corners as fill.
    """
    from clip_perception.proposals import no_image

    def thumbnail(rgb):
        h, w = rgb.shape[:2]
        return cv2.resize(rgb, (80, round(80 * h / w)), interpolation=cv2.INTER_AREA)

    f = next(f for f in frames if f.name == name)
    small = thumbnail(f.rgb)
    assert (small.max(axis=2) == 0).mean() > 0.05  # exact black in the stored frame
    assert not no_image(small).any()
    rolled = thumbnail(view_frame(f, 'roll:15').rgb)
    fill = no_image(rolled)
    assert fill.mean() > 0.05 and not (fill & (rolled.max(axis=2) > 0)).any()


@pytest.mark.parametrize('view', ['depth_mm', 'jpeg:50'])
def test_recall_and_pose_hold_on_frames_as_drivers_send_them(frames, figures, view):
    """The real frames as drivers send them: recall and pose hold.

    Depth rounded to millimetres (16UC1, as RealSense and OpenNI drivers publish it)
    and colour through the compressed transport at JPEG quality 50: measured
    (``clip_perception_eval real --views original,depth_mm,jpeg:50``, session 24) 68 and
    66 of 77 opaque, 12 of 17 transparent each (14 on the frames as stored: two glasses at
    the cap's edge, ranked 30th and 31st of 32, fall just past it), lateral
    pose median 1.9-2.0 mm. Since helper-h132 (session 40) the original view has the power
    drill too (72 of 77), which ``jpeg:50`` had already (67 of 77 before and after): 5 below.
    Since helper-h138 (session 41) both have ARC's flat pink scissors, and ``jpeg:50`` loses
    a black earphone case to a fragment of the blue notebook beside it (73 and 67): 6 below.
    """
    fig = evaluate([view_frame(f, view) for f in frames], propose, pose_of_proposal,
                   repeats=1)
    r, r0 = fig['recall'], figures['recall']
    print(f'\n[real recall, {view}]', r, 'original', r0)
    assert r['opaque'][0] + r['dark'][0] >= r0['opaque'][0] + r0['dark'][0] - 6
    assert r['transparent'][0] >= r0['transparent'][0] - 2
    assert fig['empty_frames'] == []
    lateral = np.array([p['lateral'] for p in fig['poses']])
    assert len(lateral) >= 10 and np.median(lateral) <= 0.006


def test_the_pieces_of_one_object_do_not_push_another_out_of_the_cap(frames):
    """Depth in millimetres cuts a black case into five pieces; a lying bottle stays in.

    ``cleargrasp_transparent_80`` as a 16UC1 driver sends it (``depth_mm``): the case's
    depth region comes in pieces (creases, colour edges) ranked 15th and 23rd-26th, and
    the lying glass bottle's image box, 31st on the stored depth, fell to 36th, past the
    cap of 32. Each cut region now brings its best piece into the ranking and the others
    after every other proposal (:func:`clip_perception.proposals.later_parts_last`).
    """
    f = view_frame(next(f for f in frames if f.name == 'cleargrasp_transparent_80'),
                   'depth_mm')
    bottle = next(o for o in f.objects if o.name == 'glass bottle lying')
    props = propose(f.rgb, f.depth, f.intrinsics)
    assert len(props) == 32
    assert box_iou(np.array([bottle.box], float), props.boxes).max() >= 0.5


def test_a_ball_past_the_tables_edge_is_proposed_whole(frames):
    """``posecnn_2``'s red ball sits past the table's back corner, 2 cm of it under the plane.

    Only its cap stood on the table (foot inside the region, above the plane): its depth
    region had IoU 0.41 with it and its image box ranked 64th, out of the cap. Its
    standing part now grows into what continues it past the support's edge
    (:func:`clip_perception.proposals.past_the_edge`), proposed beside the cap.
    """
    f = next(f for f in frames if f.name == 'posecnn_2')
    ball = next(o for o in f.objects if o.name == 'red ball')
    props = propose(f.rgb, f.depth, f.intrinsics)
    iou = box_iou(np.array([ball.box], float), props.boxes)[0]
    depth = [i for i, s in enumerate(props.sources) if s == SOURCE_DEPTH]
    assert iou[depth].max() >= 0.7, iou[depth].max()


@pytest.mark.parametrize('view', ['mirror', 'scale:0.75', 'scale:1.5', 'rotate:180',
                                  'rotate:90'])
def test_recall_and_pose_hold_on_mirrored_and_rescaled_frames(frames, figures, view):
    """The rules hold for the kind of frame, not for these pixels.

    The same scenes mirrored, and at 0.75x and 1.5x their resolution (another stream
    profile): measured (``clip_perception_eval real --views ...``) within 2 opaque and
    1 transparent objects of the original view, lateral pose median 2.2-4.2 mm. Turned,
    as a camera mounted upside down or on its side gives them, with ``image_up`` set to
    that mounting (session 23; with the default ``up``: 63/77 and 8-9/17, 6-8 mm): 67
    and 64 of 77, 13 and 14 of 17, 2.0-2.1 mm. Within 5 opaque objects since session 41:
    the original view gained ARC's flat scissors and the deodorant pack of the full tote
    (72 -> 74/77), which ``scale:1.5`` and ``rotate:90`` do not (69/77 each, as before
    them; `benchmarks/results/issue11_session41_combined_views.log`).
    """
    image_up = VIEW_IMAGE_UP.get(view, 'up')
    fig = evaluate([view_frame(f, view) for f in frames],
                   lambda rgb, depth, k: propose(rgb, depth, k, image_up=image_up),
                   pose_of_proposal, repeats=1)
    r, r0 = fig['recall'], figures['recall']
    opaque = r['opaque'][0] + r['dark'][0]
    opaque0 = r0['opaque'][0] + r0['dark'][0]
    print(f'\n[real recall, {view}]', r, 'original', r0)
    assert opaque >= opaque0 - 5
    assert r['transparent'][0] >= r0['transparent'][0] - 2
    assert fig['empty_frames'] == []
    lateral = np.array([p['lateral'] for p in fig['poses']])
    assert len(lateral) >= 10 and np.median(lateral) <= 0.006


def test_same_real_frame_gives_the_same_proposals_in_the_same_order(frames):
    for f in frames[::5]:
        a = propose(f.rgb, f.depth, f.intrinsics)
        b = propose(f.rgb, f.depth, f.intrinsics)
        assert np.array_equal(a.boxes, b.boxes) and a.sources == b.sources, f.name
        assert np.array_equal(a.scores, b.scores) and a.dropped == b.dropped
        for ma, mb in zip(a.masks, b.masks):
            assert (ma is None and mb is None) or np.array_equal(ma, mb)


def test_parallel_proposals_equal_sequential_ones(frames):
    """Work on the proposals' worker threads changes the wall time, never the output.

    The image proposals run there; every real frame gets the same boxes, scores, masks
    and notes as one thread gives it, the stacked parts included (posecnn_1, _3 and _5
    have them).
    """
    stacked = 0
    for f in frames:
        a = propose(f.rgb, f.depth, f.intrinsics, parallel=True)
        b = propose(f.rgb, f.depth, f.intrinsics, parallel=False)
        assert np.array_equal(a.boxes, b.boxes) and a.sources == b.sources, f.name
        assert np.array_equal(a.scores, b.scores) and a.dropped == b.dropped, f.name
        assert a.notes == b.notes, f.name
        for ma, mb in zip(a.masks, b.masks):
            assert (ma is None and mb is None) or np.array_equal(ma, mb), f.name
        stacked += any('stacked part' in n for n in a.notes)
    assert stacked >= 2


def test_image_candidate_pool_holds_the_labelled_objects(frames):
    """Selective search's pool (before ranking and the cap) covers the real objects.

    Measured 88 of 94 labelled objects at IoU >= 0.5 (75 with OpenCV's single strategy,
    min_size 100 px, texture on): what the ranking can choose from.
    """
    hit = total = 0
    for f in frames:
        pool = image_proposals(f.rgb)
        gt = np.array([o.box for o in f.objects], float)
        hit += int((box_iou(gt, pool).max(axis=1) >= 0.5).sum())
        total += len(gt)
    print(f'\n[image pool recall] {hit}/{total}')
    assert hit / total >= 0.85


def test_the_faces_of_a_wallet_leave_room_for_a_lying_glass_bottle(frames):
    """ClearGrasp 80: the lying bottle's image box is in the cap, ahead of the wallet's faces.

    Before, seven depth faces and face pairs of the wallet ranked above it (rank 39 of
    63); an image box repeats the wallet's whole outline, so its faces now drop a tier.
    """
    f = next(f for f in frames if f.name == 'cleargrasp_transparent_80')
    bottle = next(o for o in f.objects if o.name == 'glass bottle lying')
    props = propose(f.rgb, f.depth, f.intrinsics)
    assert box_iou(np.array([bottle.box], float), props.boxes).max() >= 0.5
    # Every other object of the frame is still proposed.
    gt = np.array([o.box for o in f.objects], float)
    assert (box_iou(gt, props.boxes).max(axis=1) >= 0.5).all()


def test_a_cup_merged_with_the_box_beside_it_is_proposed_apart(frames):
    """ClearGrasp opaque 130: the opaque cup and its neighbours are one depth region.

    Its face pieces (creases and colour edges) reached IoU 0.33 with it and its best image
    box ranked 47th. Cut at colour edges alone, its piece (IoU 0.51) is repeated by an
    image box and keeps its rank (22nd of 32); the whole stays too.
    """
    _found_by_depth_beside_the_rest(frames, 'cleargrasp_opaque_130', 'opaque cup', 0.5)


def _found_by_depth_beside_the_rest(frames, frame_name, object_name, min_iou):
    """Assert a depth proposal covers the object at ``min_iou``, and every object 0.5."""
    f = next(f for f in frames if f.name == frame_name)
    obj = next(o for o in f.objects if o.name == object_name)
    props = propose(f.rgb, f.depth, f.intrinsics)
    iou = box_iou(np.array([obj.box], float), props.boxes)[0]
    assert iou.max() >= min_iou
    assert props.sources[int(np.argmax(iou))] == 'depth'
    gt = np.array([o.box for o in f.objects], float)
    assert (box_iou(gt, props.boxes).max(axis=1) >= 0.5).all()


def test_a_drills_body_in_front_of_its_handle_is_proposed_with_it(frames):
    """posecnn_5: the power drill's body hides its handle's top; the handle meets a clamp.

    Depth gave the body a region of its own (IoU 0.44 with the drill) and the handle one
    with the clamp beside it (0.40); no image box reached 0.5 within the cap. The body
    joined to the handle's colour piece behind it (``proposals.TIER_JOINED``) is the drill
    (IoU 0.89), repeated by an image box, inside the cap; every other object of the frame
    stays proposed.
    """
    _found_by_depth_beside_the_rest(frames, 'posecnn_5', 'power drill', 0.8)


def test_a_dark_item_under_a_full_totes_top_is_proposed(frames):
    """arc_suction: a full tote whose support is a plane through the pile's tops.

    The deodorant pack lies 2 cm under that plane, off its region, its black stick a hole
    in the depth; its image box (IoU 0.57) was judged as background beside the support and
    ranked 70th. A hole in the pile's surface (``proposals.pile_surface``) lifts it into
    the cap; every item found before stays found. The pile is recognised in this frame
    alone (ARC's other totes show their floor; a table). Before: the deodorant pack missed.
    """
    from clip_perception.proposals import depth_regions
    from clip_perception.proposals import pile_surface

    for f in frames:
        if f.name.startswith('arc') or f.name == 'posecnn_1':  # ARC's totes and a table
            work = depth_regions(f.depth, f.intrinsics, f.rgb)[4]
            assert (pile_surface(work) is not None) == (f.name == 'arc_suction'), f.name
    f = next(f for f in frames if f.name == 'arc_suction')
    props = propose(f.rgb, f.depth, f.intrinsics)
    best = {o.name: box_iou(np.array([o.box], float), props.boxes).max() for o in f.objects}
    missed = {'toothbrush pack', 'aluminium foil box', 'measuring spoons'}
    assert all(v >= 0.5 for k, v in best.items() if k not in missed), best


def test_the_items_of_a_full_tote_are_posed_from_their_own_visible_parts(figures):
    """arc_suction: the support is a plane through the pile's tops; the items lie under it.

    Before, their image boxes were posed by what rose above that plane (a neighbour's rim:
    the pack of socks 70 mm off in the plane) or by the ray through the box's bottom onto
    the plane (soap pack 41 mm in the plane and 83 mm off along its normal, deodorant pack
    27 / 33 mm, roll of tape 26 mm). Now from their own visible part
    (``proposals.pile_mask_in_box``): each within 25 mm in the plane and along the normal.
    """
    mine = [p for p in figures['poses'] if p['frame'] == 'arc_suction']
    print('\n[pile poses] mm', [(p['object'], round(1000 * p['lateral'], 1),
                                 round(1000 * p['normal'], 1)) for p in mine])
    assert len(mine) >= 5
    assert all(p['lateral'] <= 0.025 and p['normal'] <= 0.025 for p in mine), mine


def test_flat_scissors_in_pieces_are_proposed_whole(frames):
    """arc_pj1: the pink scissors lie flat on the tote, 6-13 mm above its bowed floor.

    Their standing specks were a blade and a handle (depth regions IoU 0.12-0.38), their
    best image box ranked 65th. Risen above the floor's local level, the handles and the
    blade are one candidate (``proposals.flat_groups``, IoU 0.78) without the lying wine
    glass beside them, ranked in ``TIER_FLAT``; every other object of the frame stays
    proposed.
    """
    _found_by_depth_beside_the_rest(frames, 'arc_pj1', 'pink scissors', 0.7)


def test_tote_support_is_its_floor_not_a_wall(frames):
    """ARC: the empty tote's floor lies on the surface found with objects in it."""
    from clip_perception.geometry import back_project

    arc = [f for f in frames if f.name.startswith('arc_pj')]
    for f in arc:
        props = propose(f.rgb, f.depth, f.intrinsics)
        assert props.surface is not None, f.name
        # The floor of the empty tote, in its middle (the walls are at the sides).
        bg = np.load(os.path.join(DATA, f.name + '.npz'))['bg_depth']
        h, w = bg.shape
        vs, us = np.mgrid[h // 3:2 * h // 3:4, w // 3:2 * w // 3:4]
        z = bg[vs, us]
        ok = z > 0
        pts = back_project(us[ok], vs[ok], z[ok], f.intrinsics)
        assert np.median(np.abs(props.surface.height(pts))) < 0.02, f.name


def test_split_error_separates_lateral_from_along_view():
    plane = (np.array([0.0, -0.7071, -0.7071]), 0.5)
    ref = np.array([0.0, 0.1, 0.6])
    # 1 cm behind the reference along the horizontal viewing direction, 3 mm sideways.
    n = plane[0] / np.linalg.norm(plane[0])
    ray = ref / np.linalg.norm(ref)
    fwd = ray - (ray @ n) * n
    fwd /= np.linalg.norm(fwd)
    side = np.cross(n, fwd)
    lat, along, normal = split_error(ref + 0.01 * fwd + 0.003 * side, ref, (n, 0.5))
    assert lat == pytest.approx(0.003, abs=1e-6) and along == pytest.approx(0.01, abs=1e-6)
    assert normal == pytest.approx(0.0, abs=1e-9)


def test_the_evaluation_cli_refuses_bad_inputs_with_one_line(tmp_path, capsys):
    """Bad inputs to clip_perception_eval get one line and exit 2.

    A tester got tracebacks for a missing --data folder and a --model folder that is not
    a checkpoint, and "n/a" with exit 0 for --scenes -1.
    """
    from clip_perception.world.evaluation import main as eval_main

    assert eval_main(['real', '--data', str(tmp_path / 'nothing')]) == 2
    assert 'no folder of real RGB-D frames' in capsys.readouterr().err
    (tmp_path / 'notes.txt').write_text('not a checkpoint')
    assert eval_main(['grounding', '--model', str(tmp_path), '--quiet']) == 2
    err = capsys.readouterr().err
    assert err.startswith('cannot load --model') and err.count('\n') == 1, err
    with pytest.raises(SystemExit) as exit_:
        eval_main(['pipeline', '--scenes', '-1'])
    assert exit_.value.code == 2 and '--scenes must be 0 or more' in capsys.readouterr().err
    # helper-70: --threads 0 was torch's RuntimeError traceback, --every 0 a
    # ZeroDivisionError once the model had loaded, and --max-proposals 0 or -3 (the node
    # parameter takes 1..256) ran the pipeline without a crop, exit 0: 0/4 -> 4/4 refused.
    for args, said in ((['real', '--threads', '0'], '--threads must be at least 1'),
                       (['recording', '--bag', str(tmp_path), '--present', 'x', '--every',
                         '0'], '--every must be at least 1'),
                       (['pipeline', '--max-proposals', '0'], '--max-proposals must be in 1..256'),
                       (['pipeline', '--max-proposals', '-3'],
                        '--max-proposals must be in 1..256'),
                       # --scenes 0 ran each suite's default (300 scenes for rules and
                       # shifted, ``args.scenes or 300``) where it asked for none.
                       (['rules', '--scenes', '0'], '--scenes 0 leaves rules nothing'),
                       (['shifted', '--scenes', '0'], '--scenes 0 leaves shifted nothing'),
                       (['ros', '--scenes', '0'], '--scenes 0 leaves ros nothing'),
                       (['grounding', '--scenes', '0'], '--scenes 0 leaves grounding')):
        with pytest.raises(SystemExit) as exit_:
            eval_main(args)
        assert exit_.value.code == 2 and said in capsys.readouterr().err, args


def test_layouts_on_request_run_alone_and_an_unknown_one_is_refused():
    """``--layouts``: a subset runs only what it names; a typo is refused before any scene."""
    calls = []

    def counting(rgb, depth, intrinsics):
        calls.append(rgb.shape)
        return propose(rgb, depth, intrinsics)

    with pytest.raises(ValueError, match='unknown layout .packed_bins.; one of .*packed_bin'):
        eval_layouts(counting, 1, layouts=['packed_bin', 'packed_bins'])
    assert not calls
    figures = eval_layouts(counting, 1, layouts=['thin'])
    assert list(figures) == ['thin'] and len(calls) == 1
    hits, total = figures['thin']['recall']
    assert total >= 2 and hits == total



def test_layouts_take_a_held_out_seed(tmp_path, capsys):
    """``clip_perception_eval layouts --seed N`` renders the scenes of seed N (issue 11).

    The README's held-out line (seed 41,000,000) is printed this way: the default table
    had been measured on its own seeds only (touching 40/40 there, 35/40 held out).
    """
    from clip_perception.world.evaluation import main as eval_main

    out = tmp_path / 'held_out.json'
    assert eval_main(['layouts', '--layouts', 'thin', '--scenes', '1', '--seed', '41000000',
                      '--quiet', '--json', str(out)]) == 0
    assert 'thin' in capsys.readouterr().out
    printed = json.loads(out.read_text())['thin']
    held_out = eval_layouts(propose, 1, seed=41_000_000, layouts=['thin'])['thin']
    own = eval_layouts(propose, 1, layouts=['thin'])['thin']
    assert printed['recall'] == list(held_out['recall'])
    assert np.allclose(printed['position_errors'], held_out['position_errors'])
    # Other scenes than the default seed's: other objects, or the same count elsewhere.
    mine, theirs = np.sort(printed['position_errors']), np.sort(own['position_errors'])
    assert len(mine) != len(theirs) or not np.allclose(mine, theirs)


def test_a_pile_in_a_tote_comes_apart_into_its_items():
    """The ``pile`` layout (issue 11, ARC's ``arc_suction``): items heaped in a tote.

    Recall at IoU 0.5 and the lateral pose (in the support's plane) on its first three
    scenes; ``clip_perception_eval layouts --layouts pile`` prints the ten (80% there,
    5.7 mm lateral median, log ``benchmarks/results/issue11_pile_layout_h123.log``).
    """
    figures = eval_layouts(propose, 3, layouts=['pile'])['pile']
    hits, total = figures['recall']
    assert total >= 15 and figures['empty_frames'] == 0
    assert hits >= 0.85 * total
    assert np.median(figures['in_plane_errors']) <= 0.010
    assert np.median(figures['position_errors']) <= 0.020


def test_a_totes_side_ranks_after_the_items_in_it(frames):
    """ARC's ``arc_pj1``: the tote's side ranks after the items, not 3rd as an object.

    A steep plane 0.29-0.33 m long and 0.10 m high, it stood on the tote's floor (issue
    11; the ``pile`` layout's tote sides alike). The empty tote (``bg_depth``) shows where
    its sides are: pixels the items left as they were, 3 cm or more above the empty tote's
    floor. No proposal of the first twelve is mostly side now. (``arc_suction``'s right
    side still has a region 5th, ``arc_pj0`` its rim strip at the frame's top 5th.)
    """
    from clip_perception.geometry import back_project

    f = next(f for f in frames if f.name == 'arc_pj1')
    bg = np.load(os.path.join(DATA, f.name + '.npz'))['bg_depth'].astype(np.float32)
    empty = propose(f.rgb, np.where(bg > 0, bg, np.nan).astype(np.float32), f.intrinsics,
                    use_image=False)
    h, w = bg.shape
    vs, us = np.mgrid[0:h, 0:w]
    height = empty.surface.height(back_project(us.ravel(), vs.ravel(), bg.ravel(),
                                               f.intrinsics)).reshape(h, w)
    side = np.isfinite(f.depth) & (bg > 0) & (np.abs(f.depth - bg) < 0.01) & (height > 0.03)
    assert side.mean() > 0.05
    props = propose(f.rgb, f.depth, f.intrinsics)
    for k in range(12):
        if props.masks[k] is not None:
            assert side[props.masks[k]].mean() < 0.6, (k, props.boxes[k])


def _labels_of_one_frame(tmp_path, name):
    """Write the hand-drawn labels of frame ``name`` alone; return the file's path."""
    labels = tmp_path / 'labels.json'
    with open(LABELS) as f:
        every = json.load(f)
    every['frames'] = {name: every['frames'][name]}
    labels.write_text(json.dumps(every))
    return labels


def test_the_real_evaluation_averages_recall_over_sample_seeds(tmp_path, capsys):
    """``clip_perception_eval real --sample-seeds N``: each seed's recall and the mean.

    The support plane comes from a random sample of the depth
    (:func:`clip_perception.support.find_support`); over seeds 0-7 the 16 frames' opaque
    recall is 71-74 of 77 (mean 72.6; seed 0, what the node and the gate use, one of the
    luckiest; benchmarks/results/issue11_session44_h150_seed_robust.log), and the team's
    held-back frames expect the mean. Before: no such option (and no ``sample_seed`` for
    :func:`propose`); after: seed 0's figures as before, each further seed's as
    ``propose(..., sample_seed=s)`` gives them, on one frame (posecnn_2, 640x480).
    """
    from clip_perception.world.evaluation import main as eval_main

    labels = _labels_of_one_frame(tmp_path, 'posecnn_2')
    out = tmp_path / 'seeds.json'
    assert eval_main(['real', '--data', DATA, '--labels', str(labels), '--sample-seeds', '2',
                      '--json', str(out)]) == 0
    assert 'Under sample seeds 0-1: opaque (incl. dark)' in capsys.readouterr().out
    printed = json.loads(out.read_text())
    assert printed['sample_seeds'][0] == printed['recall']  # seed 0's, as without it
    seed_1 = evaluate(load_frames(DATA, str(labels)),
                      lambda rgb, depth, k: propose(rgb, depth, k, sample_seed=1),
                      pose_of_proposal, repeats=1)['recall']
    assert {k: list(v) for k, v in seed_1.items()} == printed['sample_seeds'][1]
    with pytest.raises(SystemExit) as exit_:
        eval_main(['real', '--sample-seeds', '0'])
    assert exit_.value.code == 2 and '--sample-seeds must be at least 1' in \
        capsys.readouterr().err


def test_the_real_evaluation_draws_each_view_of_each_frame(tmp_path):
    """``clip_perception_eval real --draw DIR``: one image per frame and view, seeds or not.

    Session 44's ``--sample-seeds`` left the drawing after the loop over views, inside
    the "mean of every view" branch: without ``--sample-seeds`` and two views or more
    nothing was drawn, and with them only the last view (0 of 2 images before, 2 after).
    """
    from clip_perception.world.evaluation import main as eval_main

    labels = _labels_of_one_frame(tmp_path, 'posecnn_2')
    drawn = tmp_path / 'drawn'
    assert eval_main(['real', '--data', DATA, '--labels', str(labels), '--views',
                      'original,mirror', '--draw', str(drawn), '--quiet']) == 0
    assert sorted(os.listdir(drawn)) == ['posecnn_2.png', 'posecnn_2@mirror.png']
    assert cv2.imread(str(drawn / 'posecnn_2@mirror.png')).shape == (480, 640, 3)
