"""Back-projection, plane fitting and the mesh-free pose, on rendered and real depth."""

from pathlib import Path
import threading

import numpy as np
import pytest

from clip_perception import geometry
from clip_perception.geometry import back_project
from clip_perception.geometry import box_iou
from clip_perception.geometry import column_medians
from clip_perception.geometry import depth_kind_hint
from clip_perception.geometry import depth_mirror_hint
from clip_perception.geometry import depth_to_metres
from clip_perception.geometry import estimate_pose
from clip_perception.geometry import fit_plane_ransac
from clip_perception.geometry import front_arc
from clip_perception.geometry import Intrinsics
from clip_perception.geometry import pixel_box
from clip_perception.geometry import ray_to_z
from clip_perception.pipeline import proposal_pose
from clip_perception.proposals import mask_in_box
from clip_perception.proposals import propose
from clip_perception.world.scenes import _hit_box
from clip_perception.world.scenes import generate_layout_scene
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import ObjectSpec
from conftest import SHARED_DATA
from other_renderer import flying_pixels
from other_renderer import tabletop
from other_renderer import Thing


def test_intrinsics_from_k_rejects_bad_matrices():
    intr = Intrinsics.from_k([525, 0, 319.5, 0, 525, 239.5, 0, 0, 1], 640, 480)
    assert intr.fx == 525 and intr.cy == 239.5
    for k in ([0, 0, 1, 0, 1, 1, 0, 0, 1], [np.nan] * 9, [1, 2, 3]):
        with pytest.raises(ValueError):
            Intrinsics.from_k(k, 640, 480)
    with pytest.raises(ValueError):
        Intrinsics.from_k(intr.k(), 0, 480)


def test_depth_to_metres_marks_missing_readings_nan():
    mm = np.array([[0, 1000], [65535, 250]], np.uint16)
    m = depth_to_metres(mm)
    assert np.isnan(m[0, 0]) and m[0, 1] == pytest.approx(1.0)
    f = depth_to_metres(np.array([[np.inf, -1.0, 0.0, 2.5]], np.float32))
    assert np.isnan(f[0, :3]).all() and f[0, 3] == 2.5


def test_box_iou():
    iou = box_iou([[0, 0, 10, 10]], [[0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30]])
    assert iou[0].tolist() == pytest.approx([1.0, 1 / 3, 0.0])


def test_plane_fit_finds_the_table():
    scene = generate_scene(5)
    normal, offset = fit_plane_ransac(scene.depth, scene.intrinsics)
    assert offset > 0.3  # camera height-ish, in metres
    # Table pixels (no object, lower half) lie on it within a few mm.
    h, w = scene.depth.shape
    owned = np.zeros((h, w), bool)
    for o in scene.objects:
        owned |= o.mask
    vs, us = np.nonzero(~owned[h // 2:, :] & np.isfinite(scene.depth[h // 2:, :]))
    vs = vs + h // 2
    pts = back_project(us, vs, scene.depth[vs, us], scene.intrinsics)
    assert np.median(np.abs(pts @ normal + offset)) < 0.003


def test_pose_from_depth_is_within_a_centimetre_on_rendered_objects():
    errors = []
    for seed in range(12):
        scene = generate_scene(300 + seed)
        plane = fit_plane_ransac(scene.depth, scene.intrinsics)
        for obj in scene.targetable(0.8):
            pose = estimate_pose(scene.depth, obj.box, scene.intrinsics, plane, obj.mask)
            errors.append(np.linalg.norm(pose.position - obj.centre))
    errors = np.array(errors)
    assert len(errors) > 30
    assert np.median(errors) < 0.01
    assert np.percentile(errors, 95) < 0.02


def test_stacked_cube_stands_on_the_cube_below_not_on_the_table():
    """A cube on a cube, given its own mask: its height is measured from the top below.

    Measured from the table its centre came out 2-4 cm low and its height doubled (the
    issue's p95 miss); the face below it is found in all but the scenes where almost
    none of it is visible (measured 10 of 12).
    """
    errors, heights = [], []
    for seed in range(800, 812):
        scene, objs = generate_layout_scene(seed, 'touching')
        props = propose(scene.rgb, scene.depth, scene.intrinsics)
        top = objs[2]  # generate_layout_scene: the third object stands on the first
        pose = estimate_pose(scene.depth, top.box, scene.intrinsics, mask=top.mask,
                             surface=props.surface)
        errors.append(np.linalg.norm(pose.position - top.centre))
        heights.append(abs(pose.dimensions[2] - top.dimensions[2]))
    errors, heights = np.array(errors), np.array(heights)
    assert np.median(errors) < 0.006
    assert (errors < 0.01).sum() >= 9
    assert (heights < 0.01).sum() >= 9


@pytest.mark.parametrize('seed', [802, 41_200_000])
def test_a_cube_on_a_cube_is_lifted_where_it_hides_most_of_the_face_it_stands_on(seed):
    """The face under the stacked cube shows only as a rim: it is searched wider.

    In the box grown by a quarter the rim covered too little to be a face, and the cube
    was posed on the table: 31.1 and 29.0 mm off (the held-out seeds 41100010-049: 7
    of 40 such scenes). Seen from the side, its lowest points float with no face under
    them, so the faces are searched in a wider window, those touching it kept: 3.5 and
    3.2 mm. (Seen steeply from above, as seed 800, it is not: a packed box's neighbours.)
    """
    scene, objs = generate_layout_scene(seed, 'touching')
    props = propose(scene.rgb, scene.depth, scene.intrinsics)
    top = objs[2]  # generate_layout_scene: the third object stands on the first
    pose = estimate_pose(scene.depth, top.box, scene.intrinsics, mask=top.mask,
                         surface=props.surface)
    assert np.linalg.norm(pose.position - top.centre) < 0.01
    assert abs(pose.dimensions[2] - top.dimensions[2]) < 0.01


@pytest.mark.parametrize('seed', [801, 803])
def test_the_box_of_a_stack_is_posed_as_the_cube_it_fits(seed):
    """A box around a cube and the one on it (IoU 0.74-0.78 with the lower cube's box).

    The column's box fitted the column best, and the lower cube was posed at the
    column's middle: 22.3 and 29.0 mm off. Its own part fits the box at IoU 0.5 or more
    (geometry.STACK_PART_FIT): 4.5 and 4.3 mm.
    """
    scene, objs = generate_layout_scene(seed, 'touching')
    props = propose(scene.rgb, scene.depth, scene.intrinsics)
    low, top = objs[0], objs[2]
    box = (min(low.box[0], top.box[0]), min(low.box[1], top.box[1]),
           max(low.box[2], top.box[2]), max(low.box[3], top.box[3]))
    assert box_iou(np.array([box], float), np.array([low.box], float))[0, 0] >= 0.5
    mask = mask_in_box(scene.depth, scene.intrinsics, props.surface, box)
    pose = estimate_pose(scene.depth, box, scene.intrinsics, mask=mask, surface=props.surface)
    assert np.linalg.norm(pose.position - low.centre) < 0.01



def test_a_stack_seen_as_one_region_is_also_proposed_as_its_cubes():
    """Proposals split a column at the face between its cubes; each part's pose is right.

    Before, the column's box was the only proposal over the stacked cube and its pose
    put it at half the column's height (3-4 cm off). Measured 7 of 12 within 15 mm;
    the rest are scenes where the cube below is not proposed apart from its neighbour.
    """
    good = 0
    for seed in range(800, 812):
        scene, objs = generate_layout_scene(seed, 'touching')
        props = propose(scene.rgb, scene.depth, scene.intrinsics)
        top = objs[2]
        iou = box_iou(np.array([top.box], float), props.boxes)[0]
        pose = proposal_pose(props, int(np.argmax(iou)), scene.depth, scene.intrinsics)
        good += int(iou.max() >= 0.5 and pose is not None and
                    np.linalg.norm(pose.position - top.centre) < 0.015)
    assert good >= 6

def _render_boxes(boxes, pitch_deg=45.0, height=0.4, w=640, h=480, seed=0):
    """Table + upright boxes ``(centre_world, half_sizes)``, seen from ``height`` m.

    :return: depth (with the sigma(z) = 1.5 mm + 2.5 mm z^2 noise), intrinsics, the
        table plane in the camera frame, the owner of each pixel (-1 table) and the
        boxes' centres in the camera frame.
    """
    intr = Intrinsics.default(w, h)
    pitch = np.deg2rad(pitch_deg)
    cam = np.array([0.0, -height / np.tan(pitch), height])
    fwd = np.array([0.0, np.cos(pitch), -np.sin(pitch)])
    right = np.array([1.0, 0.0, 0.0])
    r_wc = np.stack([right, np.cross(fwd, right), fwd], axis=1)
    vs, us = np.mgrid[0:h, 0:w]
    d = np.stack([(us - intr.cx) / intr.fx, (vs - intr.cy) / intr.fy, np.ones((h, w))],
                 axis=-1).reshape(-1, 3) @ r_wc.T
    o = np.broadcast_to(cam, d.shape).copy()
    t = np.where(d[:, 2] < 0, -cam[2] / d[:, 2], np.inf)
    owner = np.full(len(d), -1)
    for k, (c, half) in enumerate(boxes):
        tk, _ = _hit_box(o, d, np.array(c, float), np.array(half, float), 0.0)
        closer = tk < t
        t[closer], owner[closer] = tk[closer], k
    z = t.reshape(h, w)  # the camera-frame z of each ray is 1: t is the optical depth
    rng = np.random.default_rng(seed)
    z = (z + rng.normal(0, 1, z.shape) * (0.0015 + 0.0025 * z ** 2)).astype(np.float32)
    up = r_wc.T @ np.array([0.0, 0.0, 1.0])
    centres = [r_wc.T @ (np.array(c, float) - cam) for c, _ in boxes]
    return z, intr, (up, float(cam[2])), owner.reshape(h, w), centres



def _pose_of_box(boxes, k, **view):
    """estimate_pose of box ``k`` of :func:`_render_boxes`' scene from its own pixels.

    :return: ``(PoseEstimate, its true centre (3,) m)``.
    """
    depth, intr, plane, owner, centres = _render_boxes(boxes, **view)
    mask = owner == k
    ys, xs = np.nonzero(mask)
    box = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    return estimate_pose(depth, box, intr, plane, mask=mask), centres[k]

@pytest.mark.parametrize('stacked', [True, False])
def test_box_on_a_box_is_lifted_and_a_box_hidden_behind_one_is_not(stacked):
    """An 8 cm box on a 3 cm box stands on it; the same box behind it stands on the table.

    Both show their lowest points at the low box's top; only on the stack does that top
    continue under the tall box. Measured 2.1-2.3 mm in both; measured from the table
    the stacked box was 14 mm off and 11 cm tall.
    """
    low = ((0.0, 0.10, 0.015), (0.05, 0.03, 0.015))
    tall = ((0.0, 0.10, 0.07) if stacked else (0.0, 0.155, 0.04), (0.03, 0.025, 0.04))
    pose, centre = _pose_of_box([low, tall], 1)
    assert np.linalg.norm(pose.position - centre) < 0.006
    assert abs(pose.dimensions[2] - 0.08) < 0.006


def test_a_tall_box_between_two_lower_ones_stands_on_the_table_not_on_their_tops():
    """A 9 cm box touching a 6 cm box on each side, seen 70 degrees down, its own mask.

    The two tops are one face level whose hull holds the tall box's footprint, and its
    part above them fitted its box: it was set on them, 32.8 mm high (the pile layout's
    items beside taller neighbours, 29-47 mm). Its sides go on down past that level
    under its own footprint, which a face it stood on would hide
    (geometry._goes_through): 3.4 mm.
    """
    boxes = [((-0.045, 0.12, 0.03), (0.02, 0.04, 0.03)),
             ((0.0, 0.12, 0.045), (0.025, 0.035, 0.045)),
             ((0.045, 0.12, 0.03), (0.02, 0.04, 0.03))]
    pose, centre = _pose_of_box(boxes, 1, pitch_deg=70.0, height=0.7)
    assert np.linalg.norm(pose.position - centre) < 0.006
    assert abs(pose.dimensions[2] - 0.09) < 0.006

def test_pose_without_depth_points_is_none():
    intr = Intrinsics.default()
    depth = np.full((480, 640), np.nan, np.float32)
    assert estimate_pose(depth, (10, 10, 50, 50), intr) is None


def _kinect_frame():
    from rosbags.highlevel import AnyReader
    from rosbags.typesys import get_typestore
    from rosbags.typesys import Stores

    path = Path(SHARED_DATA) / 'moveit_perception_can' / 'perception_tutorial.bag'
    with AnyReader([path], default_typestore=get_typestore(Stores.ROS1_NOETIC)) as reader:
        conn = reader.connections[0]
        _, _, raw = next(reader.messages(connections=[conn]))
        msg = reader.deserialize(raw, conn.msgtype)
    assert (msg.height, msg.width, msg.point_step) == (480, 640, 32)
    cells = np.frombuffer(msg.data, np.uint8).reshape(480, 640, 32)
    xyz = cells[..., :12].copy().view(np.float32).reshape(480, 640, 3)
    return xyz


def test_real_kinect_can_position_matches_the_recorded_point_cloud():
    """moveit2_tutorials' Kinect cloud: depth image + default intrinsics vs the points."""
    xyz = _kinect_frame()
    depth = xyz[..., 2].copy()  # organised cloud: z is the depth image, NaN = none
    intr = Intrinsics.default()  # fx = fy = 525, cx = 319.5, cy = 239.5
    box = (268, 283, 306, 360)  # the can, read off the colour image
    plane = fit_plane_ransac(depth, intr)
    assert plane is not None
    pose = estimate_pose(depth, box, intr, plane)
    x0, y0, x1, y1 = box
    cloud = xyz[y0:y1, x0:x1].reshape(-1, 3)
    cloud = cloud[np.isfinite(cloud).all(axis=1)]
    on_can = cloud[cloud @ plane[0] + plane[1] > 0.008]  # the can, not the floor
    assert np.linalg.norm(pose.surface_point - np.median(on_can, axis=0)) < 0.01
    assert np.linalg.norm(pose.surface_point - np.median(cloud, axis=0)) < 0.01
    # The can stands about 0.93 m in front of the camera; its centre lies behind its
    # visible surface by about its radius (a soda can: 3.3 cm).
    assert 0.85 < pose.position[2] < 1.02
    assert 0.01 < pose.position[2] - pose.surface_point[2] < 0.05


def test_depth_to_metres_scales_integer_depth_and_drops_its_no_reading_codes():
    raw = np.array([[1000, 0, 65535]], np.uint16)
    np.testing.assert_allclose(depth_to_metres(raw)[0, :1], [1.0])
    tenths = depth_to_metres(raw, 0.0001)
    assert tenths[0, 0] == pytest.approx(0.1) and np.isnan(tenths[0, 1:]).all()
    assert depth_to_metres(np.array([[0.5]], np.float32), 0.0001)[0, 0] == pytest.approx(0.5)


def ray_lengths(scene):
    """Return the scene's depth as each pixel's range from the optical centre (metres)."""
    intr = scene.intrinsics
    h, w = scene.depth.shape
    x = (np.arange(w) - intr.cx) / intr.fx
    y = (np.arange(h) - intr.cy) / intr.fy
    return (scene.depth * np.sqrt(1.0 + x[None, :] ** 2 + y[:, None] ** 2)).astype(np.float32)


def test_ray_length_depth_is_converted_to_z_exactly():
    """Isaac Sim's distance_to_camera, AirSim's DepthPerspective: a range, not z.

    z = r / sqrt(1 + ((u - cx) / fx)^2 + ((v - cy) / fy)^2) gives the rendered z back, NaN
    kept; the centre pixel's range is its z.
    """
    scene = generate_scene(4242)
    ray = ray_lengths(scene)
    z = ray_to_z(ray, scene.intrinsics)
    assert z.dtype == np.float32 and z.shape == scene.depth.shape
    assert np.array_equal(np.isnan(z), np.isnan(scene.depth))
    assert np.nanmax(np.abs(z - scene.depth)) < 1e-5
    one = np.full((3, 3), 2.0, np.float32)
    centred = Intrinsics(100.0, 100.0, 1.0, 1.0, 3, 3)
    assert ray_to_z(one, centred)[1, 1] == 2.0
    assert ray_to_z(one, centred)[0, 0] == pytest.approx(2.0 / np.sqrt(1.0 + 2e-4))


@pytest.mark.parametrize('where', ['left_edge', 'right_corner'])
def test_ray_length_depth_poses_off_towards_the_edges_unless_converted(where):
    """A range read as z puts an object near the image edge too far along its ray.

    The toy scene's red ball at the left edge, then at the far right (x 0.30 m): its pose
    from range depth read as z, then from the same depth through :func:`ray_to_z`.
    """
    x = -0.30 if where == 'left_edge' else 0.30
    scene = generate_scene(4242, specs=[ObjectSpec('red', 'ball', 'large', (x, 0.10))])
    red = scene.objects[0]
    ray = ray_lengths(scene)

    def pose(depth_m):
        props = propose(scene.rgb, depth_m, scene.intrinsics)
        i = int(np.argmax(box_iou(props.boxes, [red.box])[:, 0]))
        return proposal_pose(props, i, depth_m, scene.intrinsics).position
    as_z, converted = pose(ray), pose(ray_to_z(ray, scene.intrinsics))
    assert np.linalg.norm(as_z - red.centre) > 0.03, (as_z, red.centre)
    assert np.linalg.norm(converted - red.centre) < 0.01, (converted, red.centre)


def test_each_cameras_ray_factor_is_kept_with_several_cameras_in_one_process():
    """``depth_kind:=ray`` cameras of one process (clip_perception_cameras) share the cache.

    It kept the first-made 4 and dropped the oldest: with 5 cameras answered in turn, each
    frame found its camera's factor dropped and made it again (0.22 -> 0.98 ms a 640x480
    frame), and the check-then-pop could drop one key twice from two workers. Kept as the
    least recently used, for up to 8 cameras (functools.lru_cache, safe across threads).
    """
    cams = [(525.0 + i, 525.0 + i, 320.0, 240.0, 480, 640) for i in range(8)]
    first = [geometry._ray_factor(*c) for c in cams[:5]]
    again = [geometry._ray_factor(*c) for c in cams[:5]]
    assert sum(a is b for a, b in zip(first, again)) == 5  # 0 of 5 kept before
    # A sixth to eighth camera, and a resolution switch of one: the busiest are kept.
    for _ in range(3):
        made = [geometry._ray_factor(*c) for c in cams]
    assert all(geometry._ray_factor(*c) is m for c, m in zip(cams, made))
    errors = []

    def worker(k):
        try:
            for n in range(200):
                c = cams[(k + n) % 8][:4] + (60 + k, 80)  # 8 threads, 16 sizes
                ref = 1.0 / np.sqrt(1.0 + ((np.arange(80) - c[2]) / c[0])[None, :] ** 2 +
                                    ((np.arange(c[4]) - c[3]) / c[1])[:, None] ** 2)
                assert np.allclose(geometry._ray_factor(*c), ref, atol=1e-6)
        except Exception as exc:  # noqa: BLE001 - any error in a worker fails the test
            errors.append(repr(exc))
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_a_range_read_as_z_is_told_by_its_bowed_table_and_real_depth_is_not():
    """Ranges read as z (depth_kind z) bow the table: ``ray`` is suggested, and back.

    The toy scenes' tables, given as ranges and read as z, hold 0.00-0.26 of the sampled
    points on one plane and 0.81-0.88 converted: 0/6 suggested before, 6/6 now. Real z
    depth (shared/data/real_rgbd, 16 frames of three cameras) is never taken for ranges,
    and z read as ranges (depth_kind ray on a REP 118 camera) suggests ``z``.
    """
    for seed in (1, 2, 3, 7, 11, 4242):
        scene = generate_scene(seed)
        hint = depth_kind_hint(ray_lengths(scene), scene.intrinsics, 'z')
        assert hint is not None and hint[0] == 'ray', (seed, hint)
        assert depth_kind_hint(scene.depth, scene.intrinsics, 'z') is None, seed
        back = depth_kind_hint(ray_to_z(scene.depth, scene.intrinsics), scene.intrinsics,
                               'ray')
        assert back is not None and back[0] == 'z', (seed, back)
    frames = sorted((Path(SHARED_DATA) / 'real_rgbd').glob('*.npz'))
    assert len(frames) >= 10
    for path in frames:
        frame = np.load(path)
        depth = frame['depth'].astype(np.float32)
        depth[~(depth > 0)] = np.nan
        intr = Intrinsics.from_k(frame['K'].ravel(), depth.shape[1], depth.shape[0])
        assert depth_kind_hint(depth, intr, 'z') is None, path.name


@pytest.mark.parametrize('elevation, width, height', [(30, 640, 480), (45, 640, 480),
                                                      (70, 640, 480), (70, 1280, 720)])
def test_a_range_of_a_wide_view_read_as_z_is_told_though_its_table_is_small(elevation, width,
                                                                            height):
    """Another renderer's 110-degree view given as ranges (AirSim's DepthPerspective).

    The floor beyond the table fills much of a wide view, so converted to z the table
    holds only 0.36-0.50 of the sampled lower image, under DEPTH_KIND_PLANE_SHARE: ray was
    suggested for 1 of these 4 views (helper-110). Read as z no plane holds any of it
    (0.00): the conversion made the plane. Now 4/4; the same views in z suggest nothing.
    """
    frame = tabletop(width, height, hfov_deg=110.0, elevation_deg=elevation, depth_noise=0.0)
    ranges = (frame.depth / ray_to_z(np.ones_like(frame.depth), frame.intrinsics))
    hint = depth_kind_hint(ranges.astype(np.float32), frame.intrinsics, 'z')
    assert hint is not None and hint[0] == 'ray', hint
    assert depth_kind_hint(frame.depth, frame.intrinsics, 'z') is None


@pytest.mark.parametrize('hfov, elevation, width, height', [
    (45.0, 30, 1280, 720), (40.0, 30, 640, 480), (45.0, 20, 640, 480), (50.0, 20, 1280, 720),
    (40.0, 20, 640, 480), (40.0, 20, 1280, 720), (45.0, 15, 640, 480), (45.0, 15, 1280, 720),
    (35.0, 30, 1280, 720)])
def test_a_range_of_a_narrow_view_read_as_z_is_told_though_its_table_barely_bows(
        hfov, elevation, width, height):
    """Another renderer's 35-50 degree view given as ranges (Isaac Sim's default lens: 47).

    Its table, read as z, still held 0.50-0.58 of the sampled lower image on one plane
    (0.94-0.97 converted): under twice the share, ray was not suggested (0/4, helper-110).
    Now 4/4; the same views in z suggest nothing. helper-118: seen from 15-20 degrees (and
    35 degrees across from 30) a view's ranges held 0.64-0.67 read as z and 0.92-0.95
    converted, under 1.5 times the share: 0/5 -> 5/5 at 1.3 times.
    """
    frame = tabletop(width, height, hfov_deg=hfov, elevation_deg=elevation, depth_noise=0.0)
    ranges = (frame.depth / ray_to_z(np.ones_like(frame.depth), frame.intrinsics))
    hint = depth_kind_hint(ranges.astype(np.float32), frame.intrinsics, 'z')
    assert hint is not None and hint[0] == 'ray', hint
    assert depth_kind_hint(frame.depth, frame.intrinsics, 'z') is None


def _posed(width, height, things, distance):
    """Pose of each thing of another renderer's frame, from its best proposal."""
    frame = tabletop(width, height, distance=distance, things=things, depth_noise=0.0)
    props = propose(frame.rgb, frame.depth, frame.intrinsics)
    out = []
    for k in range(len(things)):
        i = int(np.argmax(box_iou(props.boxes, frame.boxes[k:k + 1])[:, 0]))
        out.append((proposal_pose(props, i, frame.depth, frame.intrinsics), frame.centres[k]))
    return out


@pytest.mark.parametrize('things, distance', [
    ((Thing('cube', 'blue', (0.0, 0.0), 0.12, yaw=0.3),), 0.3),
    ((Thing('ball', 'red', (-0.08, 0.0), 0.06), Thing('cylinder', 'yellow', (0.06, 0.05),
                                                       0.05, height=0.09)), 0.6)],
    ids=['close_cube', 'ball_and_cylinder'])
def test_a_large_frame_is_posed_from_as_many_points_as_a_640_one(things, distance):
    """The pose reads depth about POSE_WIDTH pixels across, whatever the resolution.

    Every pixel of the box went through the pose: a cube filling half a 1920x1080 frame
    took 0.57 s a pose (test/other_renderer.py's frames; benchmarks/other_renderer.py
    latency), with no gain in accuracy. The same view at 640x480, 1280x960 and 1920x1440:
    about the same number of points and the same position, within 3 mm.
    """
    base = _posed(640, 480, things, distance)
    for width, height in ((1280, 960), (1920, 1440)):
        for (pose, truth), (ref, _) in zip(_posed(width, height, things, distance), base):
            assert pose.num_points <= 1.3 * ref.num_points, (width, pose.num_points,
                                                             ref.num_points)
            assert np.linalg.norm(pose.position - ref.position) < 0.003
            assert np.linalg.norm(pose.position - truth) < 0.015


@pytest.mark.parametrize('size, distance, elevation, edges', [
    (0.06, 0.8, 45.0, 'mixed'), (0.06, 0.8, 45.0, 'dropped'), (0.08, 0.6, 45.0, 'mixed'),
    (0.06, 0.5, 30.0, 'mixed'), (0.10, 0.7, 45.0, 'dropped'), (0.14, 1.0, 45.0, 'clean'),
    (0.06, 0.8, 60.0, 'clean'), (0.06, 0.8, 60.0, 'mixed'), (0.14, 1.0, 60.0, 'clean')])
def test_a_ball_is_centred_from_its_front_arc_whatever_its_edges_lost(size, distance,
                                                                       elevation, edges):
    """A ball seen from the side is centred within 5.5 mm, its depth edges mixed or lost.

    The centre was put half the points' spread behind the front; that spread shrinks
    when a time-of-flight camera's mixed pixels are dropped from the region (or a
    driver's filter removes them) and, for a large ball, where few pixels fall near its
    limb: 6.0-8.7 mm off on these views (another renderer's frames, test/other_renderer.py),
    3.9 mm with clean edges. The circle through the front outline (geometry.front_arc):
    1.1-5.1 mm. Seen from 60 degrees up (the camera within 35 degrees of the normal) the
    footprint of the visible points lay toward the camera: 8.5, 10.3 and 18.9 mm off,
    from the front outline 2.8, 4.8 and 2.5 mm.
    """
    things = (Thing('ball', 'red', (0.0, 0.02), size),
              Thing('cube', 'blue', (0.17, 0.06), 0.05, yaw=0.4))
    frame = tabletop(640, 480, distance=distance, elevation_deg=elevation, things=things)
    if edges != 'clean':
        flying_pixels(frame, drop=edges == 'dropped')
    props = propose(frame.rgb, frame.depth, frame.intrinsics)
    iou = box_iou(np.asarray(props.boxes, float), frame.boxes[:1])[:, 0]
    assert iou.max() >= 0.7, iou.max()
    pose = proposal_pose(props, int(np.argmax(iou)), frame.depth, frame.intrinsics)
    assert np.linalg.norm(pose.position - frame.centres[0]) < 0.0055, \
        (pose.position - frame.centres[0], pose.dimensions)


def _box_front(rng, size, yaw_deg, n=1500):
    """(lateral, forward) m of the visible front of a box footprint, centred at 0.

    ``size`` (m, m) turned by ``yaw_deg``: the nearest of its outline's points in each
    0.5 mm slice across the view, ``n`` of them drawn at random.
    """
    t, side = rng.uniform(-0.5, 0.5, 20000), rng.integers(0, 4, 20000)
    a, b = size
    pts = np.where((side < 2)[:, None],
                   np.stack([t * a, np.where(side == 0, -b, b) / 2], axis=1),
                   np.stack([np.where(side == 2, -a, a) / 2, t * b], axis=1))
    th = np.deg2rad(yaw_deg)
    pts = pts @ np.array([[np.cos(th), np.sin(th)], [-np.sin(th), np.cos(th)]])
    slices = np.round(pts[:, 0] / 0.0005).astype(int)
    order = np.lexsort((pts[:, 1], slices))
    front = pts[order][np.r_[True, slices[order][1:] != slices[order][:-1]]]
    return front[rng.integers(0, len(front), n)].T


def _ball_front(rng, radius, n=1500):
    """(lateral, forward) m of a ball's points seen from the side, centred at 0."""
    rho, ang = radius * np.sqrt(rng.uniform(0, 1, n)), rng.uniform(0, 2 * np.pi, n)
    lat, up = rho * np.cos(ang), rho * np.sin(ang)
    return lat, -np.sqrt(np.maximum(radius ** 2 - lat ** 2 - up ** 2, 0))


def _centre_error(lat, fwd):
    """(arc's centre error or None, the width rule's) in mm for points centred at 0."""
    lo, hi = np.percentile(lat, [1, 99])
    arc = front_arc(lat, fwd, 0.5 * (hi - lo))
    width = np.hypot(0.5 * (lo + hi), np.percentile(fwd, 1) + 0.5 * (hi - lo)) * 1000
    return (None if arc is None else np.hypot(arc[0], arc[1]) * 1000), width


def test_a_noisy_flat_front_fits_no_arc_that_moves_it():
    """A box's faces under Kinect v1 depth noise are not taken for a ball's front.

    Noise of 0.00285 z^2 m (Khoshelham and Elberink 2012: 0.0015-0.003 z^2 for a Kinect
    v1) at 1-3 m on 5 box footprints seen at 0-90 degrees: before ARC_OVER_LINE, 13 of
    1500 such fronts fitted a circle whose centre lay 10-50 mm further from the box's
    than the width rule's; now none. Balls of 3-7 cm under the same noise at 0.8-1.5 m
    keep their arc (within 10 mm).
    """
    moved = []
    for seed in range(6):
        rng = np.random.default_rng(seed + 10)
        for z in (1.0, 1.5, 2.0, 2.5, 3.0):
            for size in ((0.1, 0.1), (0.2, 0.1), (0.06, 0.15), (0.3, 0.2), (0.05, 0.05)):
                for yaw in range(0, 91, 10):
                    lat, fwd = _box_front(rng, size, yaw)
                    fwd = fwd + rng.normal(0, 1, fwd.size) * 0.00285 * (z + fwd) ** 2
                    arc, width = _centre_error(lat, fwd)
                    if arc is not None and arc > width + 10:
                        moved.append((seed, z, size, yaw, round(arc), round(width)))
    assert not moved, moved
    rng = np.random.default_rng(3)
    for z in (0.8, 1.5):
        for radius in (0.03, 0.05, 0.07):
            lat, fwd = _ball_front(rng, radius)
            fwd = fwd + rng.normal(0, 1, fwd.size) * 0.00285 * (z + fwd) ** 2
            arc, width = _centre_error(lat, fwd)
            assert arc is not None and arc < 10, (z, radius, arc, width)


def test_a_flat_front_or_a_corner_fits_no_arc():
    """A box's flat face or corner seen from the side keeps the width rule (no arc).

    Points of a straight front, and of two faces meeting at a right angle, fit no circle
    within ARC_MAX_RESIDUAL (or give a radius out of scale): front_arc answers None. A
    quarter of a circle of 4 cm, 5 mm noise free, answers its centre and radius.
    """
    rng = np.random.default_rng(0)
    lat = rng.uniform(-0.03, 0.03, 2000)
    flat = 0.5 + rng.normal(0, 0.0005, lat.size)
    corner = 0.5 + np.abs(lat)
    assert front_arc(lat, flat, 0.03) is None
    assert front_arc(lat, corner, 0.03) is None
    ang = rng.uniform(-np.pi / 4, np.pi / 4, 2000)
    cl, cf, r = front_arc(0.04 * np.sin(ang), 0.6 - 0.04 * np.cos(ang), 0.028)
    assert abs(cl) < 1e-3 and abs(cf - 0.6) < 1e-3 and abs(r - 0.04) < 1e-3, (cl, cf, r)


def test_depth_mirrored_against_its_colour_is_told_by_its_edges_and_sound_depth_is_not():
    """Depth mirrored left-right against colour (fsstudio-team/ZeroSimROSUnity#6) is told.

    Before, nothing looked: every pose took its depth from the other side of the image.
    Its edges lie on colour edges only mirrored back: the toy world's scenes 0-11 mirrored
    told 12/12, and a renderer's other tabletops 2/5 (the rest near symmetric); as sent, 0
    of the toy scenes, the other renderer's views and the 16 real frames are told
    (shared/data/real_rgbd; mirrored, 2 of them were). helper-126: the mean distance from
    depth edges to colour edges, not the share within two samples (which near-symmetric
    views and real misregistration blur): tabletops 2/5 -> 4/5, real frames 2/16 -> 6/16
    (8 of the 16 have the depth edges to judge), as sent still 0 everywhere
    (also with depth 8 px off its colour; benchmarks/input_checks.py: 0 of 40 toy scenes
    and 30 random tabletops as sent or 4 px off).
    """
    import glob
    import os

    def told(rgb, depth):
        return depth_mirror_hint(rgb, depth) is not None

    def mirrored(depth):
        return np.ascontiguousarray(depth[:, ::-1])
    scenes = [generate_scene(seed) for seed in range(12)]
    assert sum(told(s.rgb, mirrored(s.depth)) for s in scenes) == 12
    assert not any(told(s.rgb, s.depth) for s in scenes)
    views = [tabletop(w, h, elevation_deg=el, distance=d) for w, h, el, d in (
        (640, 480, 45, 0.8), (1280, 720, 30, 1.0), (640, 480, 70, 0.6), (848, 480, 20, 1.2),
        (640, 480, 90, 0.7))]
    assert sum(told(v.rgb, mirrored(v.depth)) for v in views) == 4
    assert not any(told(v.rgb, v.depth) for v in views)
    paths = sorted(glob.glob(os.path.join(SHARED_DATA, 'real_rgbd', '*.npz')))
    assert len(paths) == 16
    real = [np.load(path) for path in paths]
    assert not any(told(f['rgb'], f['depth']) for f in real)
    assert sum(told(f['rgb'], mirrored(f['depth'])) for f in real) == 6
    for shift in (8, -8):  # registered 8 px off (no reading where none was sent)
        off = [np.full(f['depth'].shape, np.nan, np.float32) for f in real]
        for o, f in zip(off, real):
            o[:, max(shift, 0):o.shape[1] + min(shift, 0)] = f['depth'][
                :, max(-shift, 0):o.shape[1] - max(shift, 0)]
        assert not any(told(f['rgb'], o) for f, o in zip(real, off)), shift
    sent, back = depth_mirror_hint(scenes[0].rgb, mirrored(scenes[0].depth))
    assert sent >= 2 * back + 0.2 and back < 0.1
    assert depth_mirror_hint(scenes[0].rgb, scenes[0].depth[::2, ::2]) is None  # other size


def test_z_depth_of_narrow_and_low_views_never_reads_flatter_as_ranges():
    """The depth_kind check's flat rule (DEPTH_KIND_FLAT_RATIO) on z depth: never told.

    Another renderer's views 35-50 degrees across seen from 15-45 degrees at 640x480, in z
    (REP 118): converting z as if it were ranges bows the table, so it never holds more of
    the points than read as z (at most 0.97 times, 35 degrees from 15); none suggests ray
    (0/16), the ranges of the same views 12/16 (10 before helper-118).
    """
    told = ranges_told = 0
    for hfov in (35.0, 40.0, 45.0, 50.0):
        for elevation in (15, 20, 30, 45):
            frame = tabletop(640, 480, hfov_deg=hfov, elevation_deg=elevation,
                             depth_noise=0.0)
            told += depth_kind_hint(frame.depth, frame.intrinsics, 'z') is not None
            ranges = frame.depth / ray_to_z(np.ones_like(frame.depth), frame.intrinsics)
            ranges_told += depth_kind_hint(ranges.astype(np.float32), frame.intrinsics,
                                           'z') is not None
    assert told == 0
    assert ranges_told == 12


@pytest.mark.parametrize('box, expected', [
    ((10.4, 20.6, 30.5, 40.49), (10, 21, 30, 40)),     # rounded to the nearest pixel
    ((-5, -3, 700, 500), (0, 0, 640, 480)),           # clipped to the image
    ((650.0, 10.0, 700.0, 20.0), (650, 10, 640, 20)),  # outside: empty (x1 <= x0)
])
def test_pixel_box_rounds_and_clips_a_box_to_the_image(box, expected):
    assert pixel_box(box, (480, 640, 3)) == expected


def test_column_medians_are_numpys_median_bit_for_bit():
    """geometry.column_medians (the stack check's viewing ray): np.median(a, axis=0)'s bytes.

    float32 and float64 arrays of 1 to 30,000 rows of 1 to 3 columns, odd and even
    counts; with ties (rounded to 0.1, zeros of both signs among them) the same values,
    where a zero median may take the other zero's sign (which of the equal zeros lands
    in the middle is the partition's own choice; the object points it serves hold no
    -0.0).
    """
    rng = np.random.default_rng(3)
    for t in range(400):
        n = int(rng.integers(1, 30_000)) if t % 4 else int(rng.integers(1, 6))
        a = rng.standard_normal((n, 1 + t % 3)).astype((np.float32, np.float64)[t % 2])
        ties = t % 5 == 0
        if ties:
            a = np.round(a, 1)
        want, got = np.median(a, axis=0), column_medians(a)
        assert got.dtype == want.dtype, (n, t)
        if ties:
            assert np.array_equal(got, want), (n, t)
        else:
            assert got.tobytes() == want.tobytes(), (n, t)


def test_hull_contains_is_the_share_inside_every_grown_edge():
    """``_hull_contains``: the share of the (subsampled) points within ``margin`` of the hull.

    The edges test only the points still inside (issue 11, helper-h163); the share is
    that of an (N, edges) test of every point against every edge, on random faces and
    clouds around, inside and off them.
    """
    import cv2

    from clip_perception.geometry import _hull_contains

    rng = np.random.default_rng(3)
    for k in range(40):
        face = rng.normal(0, 0.05, (int(rng.integers(3, 400)), 2))
        pts = rng.normal(rng.normal(0, 0.05, 2), rng.uniform(0.01, 0.1),
                         (int(rng.integers(1, 5000)), 2))
        margin = float(rng.uniform(0, 0.01))
        sub = pts[::len(pts) // 2000 + 1]
        hull = cv2.convexHull(face.astype(np.float32)).reshape(-1, 2).astype(np.float64)
        edge = np.roll(hull, -1, axis=0) - hull
        length = np.linalg.norm(edge, axis=1)
        hull, edge, length = hull[length > 1e-9], edge[length > 1e-9], length[length > 1e-9]
        sign = 1.0 if np.sum(hull[:, 0] * np.roll(hull[:, 1], -1) -
                             np.roll(hull[:, 0], -1) * hull[:, 1]) > 0 else -1.0
        dist = sign * ((edge[:, 0] * (sub[:, 1:2] - hull[:, 1]) -
                        edge[:, 1] * (sub[:, 0:1] - hull[:, 0])) / length)
        expected = float(np.mean((dist >= -margin).all(axis=1))) if len(hull) >= 3 else 0.0
        assert _hull_contains(face, pts, margin) == expected, k
    assert _hull_contains(np.zeros((2, 2)), np.zeros((5, 2)), 0.01) == 0.0
