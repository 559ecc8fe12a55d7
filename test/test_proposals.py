"""Region proposals: determinism, joint ranking, and each failure kind of real depth.

Small synthetic cases, one per kind (:func:`clip_perception.world.scenes.generate_layout_scene`
and hand-built depth images); the real frames are in test_real_eval.py.
"""

import os
import warnings

import cv2
import numpy as np
import pytest

from clip_perception.geometry import box_iou
from clip_perception.geometry import Intrinsics
from clip_perception.geometry import pose_from_support_ray
from clip_perception.pipeline import proposal_pose
from clip_perception.proposals import _image_scores
from clip_perception.proposals import AGREE_WEIGHT
from clip_perception.proposals import agreement_bonus
from clip_perception.proposals import BEHIND_DEPTH
from clip_perception.proposals import container_wall
from clip_perception.proposals import depth_regions
from clip_perception.proposals import flat_groups
from clip_perception.proposals import hole_boxes
from clip_perception.proposals import image_cues
from clip_perception.proposals import image_proposals
from clip_perception.proposals import later_parts_last
from clip_perception.proposals import nms
from clip_perception.proposals import no_image
from clip_perception.proposals import NO_WORK
from clip_perception.proposals import out_of_view
from clip_perception.proposals import past_the_edge
from clip_perception.proposals import pile_mask_in_box
from clip_perception.proposals import pile_surface
from clip_perception.proposals import propose
from clip_perception.proposals import region_mask
from clip_perception.proposals import SOURCE_DEPTH
from clip_perception.proposals import straddling
from clip_perception.proposals import TIER_FLAT
from clip_perception.proposals import TIER_HOLE
from clip_perception.proposals import TIER_IMAGE
from clip_perception.proposals import TIER_JOINED
from clip_perception.proposals import TIER_OBJECT
from clip_perception.proposals import TIER_PART
from clip_perception.proposals import WHOLE_SEEN_PENALTY
from clip_perception.proposals import whole_seen_penalty
from clip_perception.support import depth_sigma
from clip_perception.support import find_support
from clip_perception.support import layer_floor
from clip_perception.support import normals
from clip_perception.support import pixel_spacing
from clip_perception.support import remove_flying_pixels
from clip_perception.support import working_grid
from clip_perception.world.scenes import _hit_box
from clip_perception.world.scenes import _hit_sphere
from clip_perception.world.scenes import generate_layout_scene
from clip_perception.world.scenes import generate_scene
from other_renderer import camera
from other_renderer import render
from other_renderer import tabletop
from other_renderer import Thing


def recall(objs, props):
    iou = box_iou(np.array([o.box for o in objs], float), props.boxes)
    return iou.max(axis=1) >= 0.5


def test_same_frame_same_proposals_same_order():
    scene = generate_scene(11)
    a = propose(scene.rgb, scene.depth, scene.intrinsics)
    b = propose(scene.rgb, scene.depth, scene.intrinsics)
    assert np.array_equal(a.boxes, b.boxes) and a.sources == b.sources
    assert np.array_equal(a.scores, b.scores)
    assert np.array_equal(image_proposals(scene.rgb), image_proposals(scene.rgb))


def test_nms_breaks_ties_by_coordinates_not_input_order():
    boxes = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [50, 50, 60, 60]], float)
    keep = nms(boxes, [1.0, 1.0, 1.0], 0.5)
    keep_rev = nms(boxes[::-1], [1.0, 1.0, 1.0], 0.5)
    assert [tuple(boxes[i]) for i in keep] == [tuple(boxes[::-1][i]) for i in keep_rev]


def test_nms_equals_the_greedy_definition_on_random_boxes():
    """OpenCV's NMSBoxes under our ordering is the textbook greedy pass, ties included.

    Small integer boxes make equal priorities, equal IoUs and IoUs exactly at the
    threshold common; zero-area boxes overlap nothing and are all kept.
    """
    def greedy(boxes, pr, thr):
        order = np.lexsort((boxes[:, 3], boxes[:, 2], boxes[:, 1], boxes[:, 0], -pr))
        keep, gone = [], np.zeros(len(boxes), bool)
        for i in order:
            if not gone[i]:
                keep.append(i)
                gone |= box_iou(boxes[i:i + 1], boxes)[0] > thr
        return np.array(keep, int)

    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(0, 120))
        xy = rng.integers(0, 40, (n, 2))
        boxes = np.hstack([xy, xy + rng.integers(0, 25, (n, 2))]).astype(float)
        pr = rng.integers(0, 4, n).astype(float)
        thr = float(rng.choice([0.3, 0.5, 0.6]))
        assert np.array_equal(nms(boxes, pr, thr), greedy(boxes, pr, thr))


def test_proposals_from_several_threads_at_once_match_one_at_a_time():
    """Pipelines of several cameras share the proposals' worker threads.

    No deadlock, and each frame gets exactly the proposals it gets alone.
    """
    from concurrent.futures import ThreadPoolExecutor

    scenes = [generate_scene(40 + i) for i in range(4)]
    alone = [propose(s.rgb, s.depth, s.intrinsics, parallel=False) for s in scenes]
    with ThreadPoolExecutor(4) as ex:
        together = list(ex.map(lambda s: propose(s.rgb, s.depth, s.intrinsics), scenes * 2))
    for a, b in zip(alone * 2, together):
        assert np.array_equal(a.boxes, b.boxes) and a.sources == b.sources
        assert np.array_equal(a.scores, b.scores)


def test_the_image_proposals_leave_one_core_to_the_calling_thread():
    """One worker thread on two cores, one per selective-search scale on more (session 46).

    On two cores a second worker ran beside the calling thread and the first worker, three
    busy threads on two cores, and took time from the calling thread, whose work is the
    call's wall time. The pool is made with :func:`worker_count` of the process's cores,
    and a frame gets the same proposals from it as without workers.
    """
    from clip_perception.proposals import _pool
    from clip_perception.proposals import SS_SCALES
    from clip_perception.proposals import worker_count

    assert [worker_count(n) for n in (1, 2, 3, 16)] == [1, 1, 2, len(SS_SCALES)]
    assert worker_count() == worker_count(len(os.sched_getaffinity(0)))
    assert _pool()._max_workers == worker_count()
    scene = generate_scene(44)
    a = propose(scene.rgb, scene.depth, scene.intrinsics, parallel=False)
    b = propose(scene.rgb, scene.depth, scene.intrinsics)
    assert np.array_equal(a.boxes, b.boxes) and a.sources == b.sources


def test_overhead_camera_lying_elongated_objects_pose_and_yaw():
    errs, yaws = [], []
    for seed in range(3):
        scene, objs = generate_layout_scene(500 + seed, 'overhead')
        props = propose(scene.rgb, scene.depth, scene.intrinsics)
        assert recall(objs, props).all()
        iou = box_iou(np.array([o.box for o in objs], float), props.boxes)
        for i, o in enumerate(objs):
            pose = proposal_pose(props, int(np.argmax(iou[i])), scene.depth, scene.intrinsics)
            errs.append(np.linalg.norm(pose.position - o.centre))
            if np.isfinite(o.yaw):
                d = abs(pose.yaw - o.yaw) % np.pi
                yaws.append(np.degrees(min(d, np.pi - d)))
                assert np.allclose(np.linalg.norm(pose.orientation), 1.0)
                assert abs(pose.dimensions[0] - o.dimensions[0]) < 0.02
    assert np.median(errs) < 0.006 and max(errs) < 0.015
    assert yaws and np.median(yaws) < 5


def test_tray_on_a_stand_support_is_the_tray_floor_not_the_room_floor():
    for seed in range(2):
        scene, objs = generate_layout_scene(600 + seed, 'bin')
        props = propose(scene.rgb, scene.depth, scene.intrinsics)
        # The camera is 0.55-0.85 m above the tray floor, 1.0-1.3 m above the room's.
        assert 0.5 < props.surface.offset < 0.9
        assert recall(objs, props).all()


def test_small_table_above_a_large_floor_is_the_support():
    scene, objs = generate_layout_scene(700, 'floor_table')
    props = propose(scene.rgb, scene.depth, scene.intrinsics)
    assert 0.45 < props.surface.offset < 0.75  # table, not the floor 0.7 m below
    assert recall(objs, props).all()


def test_touching_and_stacked_objects_are_proposed_one_by_one():
    hits = total = 0
    for seed in range(3):
        scene, objs = generate_layout_scene(800 + seed, 'touching')
        props = propose(scene.rgb, scene.depth, scene.intrinsics)
        ok = recall(objs, props)
        hits += ok.sum()
        total += len(ok)
    # Measured 8 of 12 (the cube under a stacked one merges with it): see NOTES.
    assert hits >= 7 and total == 12


@pytest.mark.parametrize('width,height,kind,distance', [
    (640, 480, 'cube', 0.25),
    (1280, 720, 'cube', 0.25),
    (1280, 720, 'ball', 0.25),
])
def test_without_depth_an_object_filling_most_of_the_frame_is_proposed(width, height, kind,
                                                                       distance):
    """A 12 cm object seen from 0.25 m and no depth: an image box is its box.

    Image boxes were kept up to 0.6 of the frame's width and height, with depth or
    without; this cube spans 0.78 x 0.88 of a 640x480 frame and all the height of a
    1280x720 one, so no box held it (best IoU 0.21 and 0.16, the ball 0.49). With depth
    the depth region is its box and the cap stays (a larger one crowded real objects out).
    """
    thing = Thing(kind, 'blue', (0.0, 0.0), 0.12, yaw=0.3)
    frame = tabletop(width, height, distance=distance, things=(thing,))
    props = propose(frame.rgb, None, None)
    assert box_iou(props.boxes, frame.boxes[:1]).max() >= 0.6
    beside_depth = image_proposals(frame.rgb)
    assert (beside_depth[:, 2:] - beside_depth[:, :2] <= 0.6 * np.array([width, height])).all()
    with_depth = propose(frame.rgb, frame.depth, frame.intrinsics)
    assert box_iou(with_depth.boxes, frame.boxes[:1]).max() >= 0.6


def test_transparent_object_is_proposed_and_placed_by_its_box_bottom():
    """Glass, with depth on its rim only: proposed, and placed by its box bottom.

    The ray through the box bottom meets the support surface at its foot, which places
    it within a few centimetres.
    """
    errs = []
    for seed in range(4):
        scene, objs = generate_layout_scene(900 + seed, 'transparent')
        props = propose(scene.rgb, scene.depth, scene.intrinsics)
        glass = next(o for o in objs if o.transparent)
        assert recall([glass], props).all()
        pose = pose_from_support_ray(glass.box, scene.intrinsics, props.plane)
        assert pose.method == 'support_ray'
        errs.append(np.linalg.norm(pose.position - glass.centre))
        assert abs(pose.dimensions[2] - glass.dimensions[2]) < 0.04
    assert np.median(errs) < 0.035 and max(errs) < 0.05


def test_isolated_far_noise_and_flying_pixels_add_no_depth_proposal():
    scene, _ = generate_layout_scene(1000, 'lying')
    clean = propose(scene.rgb, scene.depth, scene.intrinsics)
    rng = np.random.default_rng(0)
    noisy = scene.depth.copy()
    h, w = noisy.shape
    vs, us = rng.integers(0, h, 300), rng.integers(0, w, 300)
    noisy[vs, us] = rng.uniform(0.8, 3.0, 300)  # single-pixel specks far away
    props = propose(scene.rgb, noisy, scene.intrinsics)

    def depth_boxes(p):
        return p.boxes[[s == SOURCE_DEPTH for s in p.sources]]

    a, b = depth_boxes(clean), depth_boxes(props)
    assert abs(len(a) - len(b)) <= 1
    assert (box_iou(b, a).max(axis=1) > 0.9).mean() >= 0.9


def test_lone_readings_of_a_far_floor_standing_on_it_are_no_objects():
    """The noise of a floor 2.1 m away, seen from overhead, proposes nothing; an object does.

    Issue 11 (far noise; the ``pile`` layout's held-out scenes): the floor's readings that
    noise lifts over the height threshold (0.6% of them, one at a time) were regions of
    their own. A working pixel spans 1.2 cm there, so a lone one measured 3.6 cm across
    with the edge pixels added and 1.4 cm^2, over the minimums; two lone ones within the
    fragment gap were a thin object's group. A region now needs MIN_REGION_PIXELS
    working pixels, and a lone reading is no fragment. Before: 116 regions, 115 of them
    noise; after: the 12 cm square 4 cm high and its parts, and (with flat candidates,
    session 41) a few one-piece flat candidates of the floor's noise, 4+ readings each
    (54 before their pieces needed MIN_REGION_PIXELS), ranked as colour pieces: kept
    only where an image box repeats them, never ahead of an object.
    """
    intr = Intrinsics.default(640, 480)
    rng = np.random.default_rng(1)
    depth = np.full((480, 640), 2.1, np.float32)
    depth[200:230, 300:330] = 2.06
    depth += (rng.normal(0, 1, depth.shape) * depth_sigma(2.1)).astype(np.float32)
    regions = depth_regions(depth, intr)[0]
    ranked = [r for r in regions if not r.get('colour_piece')]
    boxes = np.array([r['box'] for r in ranked])
    # Every region ranked on its own is the thing (its box grown by a working pixel) or a
    # part of it.
    assert len(boxes) and (boxes[:, :2] >= (297, 198)).all() and \
        (boxes[:, 2:] <= (333, 234)).all()
    assert any(r['tier'] == TIER_OBJECT for r in regions)
    assert len(regions) - len(ranked) <= 15


def test_no_plane_at_all_still_gives_proposals_from_discontinuities():
    """A heap of balls filling the view: no support surface, never zero proposals."""
    intr = Intrinsics.default(320, 240)
    rng = np.random.default_rng(3)
    vs, us = np.mgrid[0:240, 0:320]
    d = np.stack([(us - intr.cx) / intr.fx, (vs - intr.cy) / intr.fy,
                  np.ones((240, 320))], -1).reshape(-1, 3)
    o = np.zeros_like(d)
    depth = np.full(len(d), np.inf)
    for _ in range(30):
        c = np.array([rng.uniform(-0.3, 0.3), rng.uniform(-0.2, 0.2),
                      rng.uniform(0.5, 1.3)])
        t, _ = _hit_sphere(o, d, c, rng.uniform(0.03, 0.05))
        depth = np.minimum(depth, t)
    depth = depth.reshape(240, 320).astype(np.float32)
    depth[~np.isfinite(depth)] = np.nan
    rgb = np.full((240, 320, 3), 128, np.uint8)
    props = propose(rgb, depth, intr, use_image=False)
    assert props.surface is None
    assert len(props) >= 5
    assert any('no support surface' in n for n in props.notes)


def test_over_wide_regions_are_split_and_counted_never_dropped_silently():
    scene = generate_scene(21)
    regions, _, dropped, notes, _ = depth_regions(scene.depth, scene.intrinsics, scene.rgb,
                                                  max_size=0.05)
    assert any('split' in n for n in notes)
    full, _, dropped_full, _, _ = depth_regions(scene.depth, scene.intrinsics, scene.rgb)
    assert len(regions) + dropped > 0 and len(full) > 0


def test_every_thin_frame_gets_proposals_without_indexing_past_its_edge():
    """Frames 1-4 px thin (a strip, a line camera, a bad ROI), either way round.

    A 3x54 frame once raised IndexError: an image box at the far edge, grown to one
    working pixel, indexed past the working image.
    """
    for thin in (1, 2, 3, 4):
        for long in list(range(50, 71)) + [99, 640]:
            for h, w in ((thin, long), (long, thin)):
                rng = np.random.default_rng(h * 10007 + w)
                rgb = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
                depth = rng.uniform(0.5, 2.0, (h, w)).astype(np.float32)
                for d in (depth, None):
                    props = propose(rgb, d, Intrinsics.default(w, h), 32)
                    assert np.all(props.boxes[:, 2] <= w) and np.all(props.boxes[:, 3] <= h)
                    assert np.all(props.boxes[:, :2] >= 0)


# ------------------------------------------------------------ ranking (issue 11, round 3)

def _camera_rays(cam, w, h):
    """Rays of a default ``w`` x ``h`` camera at ``cam`` (world, z up) looking at 0.

    :return: ``(intrinsics, cam (3,), rot camera -> world (3, 3), origins (N, 3),
        directions (N, 3), each with camera z 1)``.
    """
    intr = Intrinsics.default(w, h)
    cam = np.asarray(cam, float)
    z = -cam / np.linalg.norm(cam)
    x = np.cross(z, [0.0, 0.0, 1.0])
    x /= np.linalg.norm(x)
    rot = np.stack([x, np.cross(z, x), z], 1)  # camera -> table
    vs, us = np.mgrid[0:h, 0:w]
    d = np.stack([(us - intr.cx) / intr.fx, (vs - intr.cy) / intr.fy, np.ones((h, w))],
                 -1).reshape(-1, 3) @ rot.T
    return intr, cam, rot, np.broadcast_to(cam, d.shape), d


def _tabletop(boxes=(), w=320, h=240, cam=(0.0, -0.55, 0.55), far=None):
    """Depth (H, W) float32 of a table (z = 0) with boxes, seen from ``cam`` looking at 0.

    ``boxes``: ``(centre (3,), half sizes (3,), yaw)`` in table coordinates (z up, m).
    ``far``: readings beyond this distance are missing (the sensor's range).
    """
    intr, cam, _, o, d = _camera_rays(cam, w, h)
    t = np.where(d[:, 2] < 0, -cam[2] / np.minimum(d[:, 2], -1e-9), np.inf)
    for centre, half, yaw in boxes:
        tb, _ = _hit_box(o, d, np.asarray(centre, float), np.asarray(half, float), yaw)
        t = np.minimum(t, tb)
    depth = t.reshape(h, w).astype(np.float32)  # camera z of the point: d's z is 1
    depth[~np.isfinite(depth)] = np.nan
    if far is not None:
        depth[depth > far] = np.nan
    return depth, intr


def test_a_wall_standing_on_the_surface_ranks_with_parts_not_objects():
    """A panel 45 cm wide standing on the table (a tote side, a shelf back) is background.

    It used to be an object like the cubes beside it, so walls and tote sides filled the
    cap in bins (arc_suction) ahead of the items.
    """
    cube = ((0.08, -0.05, 0.03), (0.03, 0.03, 0.03), 0.3)
    panel = ((-0.05, 0.15, 0.1), (0.225, 0.01, 0.1), 0.0)
    depth, intr = _tabletop([cube, panel])
    rgb = np.full(depth.shape + (3,), 128, np.uint8)
    regions, surface, _, _, _ = depth_regions(depth, intr, rgb)
    assert surface is not None
    scores = sorted((r['score'], r['tier']) for r in regions)
    top = [r for r in regions if r['tier'] == TIER_OBJECT]
    assert top, scores
    # The widest region (the panel) is not ranked as an object.
    widest = max(regions, key=lambda r: r['box'][2] - r['box'][0])
    assert widest['tier'] < TIER_OBJECT and widest['score'] < min(r['score'] for r in top)


@pytest.mark.parametrize('side', [-1.0, 1.0])
def test_a_wall_seen_at_a_grazing_angle_is_a_wall_also_cut_into_pieces(side):
    """A side wall seen nearly edge-on is a wall by its own area, not the area it shows.

    ``support._is_large`` wants 0.03 m^2 of a plane's readings, and summed each one's
    frontal area ``(step z / f)^2``: a wall turned 69-77 degrees from the viewing rays
    shows the camera under a third of itself, so this side wall of 50 x 18 cm (0.09 m^2)
    counted 0.027 m^2 and was no wall. Cut by missing readings into pieces under 35 cm (a stereo
    camera's shadows: ``cleargrasp_transparent_123`` through a 12 cm baseline), its pieces
    became objects. Each reading's area is now divided by the cosine of its slant.
    """
    from clip_perception.support import plane_area

    cubes = [((0.05, 0.0, 0.03), (0.03, 0.03, 0.03), 0.3),
             ((-0.08, 0.12, 0.025), (0.025, 0.025, 0.025), 0.0)]
    wall = ((0.22 * side, 0.1, 0.09), (0.005, 0.25, 0.09), 0.0)  # on the left, the right
    depth, intr = _tabletop(cubes + [wall], w=640, h=480)
    bare, _ = _tabletop(cubes, w=640, h=480)
    on_wall = depth < bare - 0.01
    rgb = np.full(depth.shape + (3,), 128, np.uint8)
    _, surface, _, _, work = depth_regions(depth, intr, rgb)
    assert surface is not None
    step = work.step
    mine = on_wall[::step, ::step] & np.isfinite(work.points[..., 2])
    z = np.nan_to_num(work.points[..., 2])
    frontal = np.square(step * z / intr.fx)
    assert frontal[mine].sum() < 0.03
    assert 0.075 < plane_area(work.points[mine], frontal[mine], np.array([1.0, 0.0, 0.0])) < 0.105
    assert work.walls[mine].mean() > 0.8
    # The same wall cut into pieces by a web of missing readings: no piece is an object,
    # and the cubes still are.
    cut = depth.copy()
    cols = np.flatnonzero(on_wall.any(axis=0))
    for c in range(cols.min() + 25, cols.max(), 40):
        cut[:, c:c + 12][on_wall[:, c:c + 12]] = np.nan
    regions, _, _, _, _ = depth_regions(cut, intr, rgb)
    objects = [r['box'] for r in regions if r['tier'] == TIER_OBJECT]
    for x0, y0, x1, y1 in (np.round(b).astype(int) for b in objects):
        assert on_wall[y0:y1, x0:x1].mean() < 0.5, (x0, y0, x1, y1)
    cube_boxes = np.array([[252, 156, 288, 198], [330, 195, 384, 258]], float)
    assert (box_iou(cube_boxes, np.array(objects, float)).max(axis=1) > 0.7).all(), objects


@pytest.mark.parametrize('depth_m', [0.06, 0.03])
def test_a_box_pushed_against_a_wall_keeps_its_pixels_and_its_pose(depth_m):
    """What stands against a wall is not the wall: its pixels stay, and so does its pose.

    Every reading within 2 cm of a large plane, in front of it or behind, was the wall's
    (``support.find_support``), so a box pushed against a wall or a tote side lost the
    back 2 cm of its top face: posed 8.8 mm (6 cm deep) and 8.7 mm (3 cm deep) off here
    (0.8 and 0.5 mm now; the same cube standing free 2.5 mm either way). In front of the
    wall, toward the camera, only the inliers' tolerance (3 sigma, at least 8 mm) is the
    wall's now; behind it the wider band stays for a wall's noisy, curved far end.
    """
    wall_y = 0.2
    box = ((0.0, wall_y - depth_m / 2, 0.04), (0.035, depth_m / 2, 0.04), 0.0)
    wall = ((0.0, wall_y + 0.01, 0.25), (0.5, 0.01, 0.25), 0.0)
    cam = np.array([0.0, -0.45, 0.45])
    depth, intr = _tabletop([box, wall], w=640, h=480, cam=tuple(cam))
    bare, _ = _tabletop([wall], w=640, h=480, cam=tuple(cam))
    mine = depth < bare - 0.002
    ys, xs = np.nonzero(mine)
    true_box = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    rgb = np.full(depth.shape + (3,), 128, np.uint8)
    _, surface, _, _, work = depth_regions(depth, intr, rgb)
    assert surface is not None
    step = work.step
    on_box = mine[::step, ::step] & np.isfinite(work.points[..., 2])
    table, _ = _tabletop([], w=640, h=480, cam=tuple(cam))
    wall_px = ((bare < table - 0.01) | np.isnan(table)) & ~mine
    assert work.walls[wall_px[::step, ::step]].mean() > 0.8
    assert work.walls[on_box].mean() < 0.1, work.walls[on_box].mean()
    props = propose(rgb, depth, intr)
    iou = box_iou(np.array([true_box], float), props.boxes)[0]
    best = int(np.argmax(iou))
    assert iou[best] >= 0.7 and props.sources[best] == SOURCE_DEPTH
    pose = proposal_pose(props, best, depth, intr)
    z = -cam / np.linalg.norm(cam)
    x = np.cross(z, [0.0, 0.0, 1.0])
    x /= np.linalg.norm(x)
    rot = np.stack([x, np.cross(z, x), z], 1)  # camera -> table, as _tabletop
    centre = rot.T @ (np.asarray(box[0]) - cam)
    assert np.linalg.norm(pose.position - centre) < 0.005, pose.position - centre


def test_a_sliver_at_the_frame_edge_is_not_an_object():
    """A rim one working pixel wide along the frame edge ranks below a whole object."""
    cube = ((0.0, 0.0, 0.03), (0.03, 0.03, 0.03), 0.0)
    depth, intr = _tabletop([cube])
    depth[40:90, -4:] -= 0.06  # a rim 4 px wide, 6 cm in front of the table, at the edge
    rgb = np.full(depth.shape + (3,), 128, np.uint8)
    regions, _, _, _, _ = depth_regions(depth, intr, rgb)
    rim = [r for r in regions if r['box'][0] > depth.shape[1] - 12]
    obj = [r for r in regions if r['box'][0] < depth.shape[1] - 12 and r['tier'] == TIER_OBJECT]
    assert rim and obj
    assert max(r['score'] for r in rim) < min(r['score'] for r in obj)
    assert all(r['tier'] < TIER_OBJECT for r in rim)


def _ball_past_the_edge(cam, gap, sink, r=0.035, edge=0.1, w=640, h=480):
    """Render a ball just past a table's side edge, on a post ``sink`` m under its top.

    World z up; the table top (z = 0) ends at x = ``edge``, the floor lies 0.7 m below and
    out of the sensor's 2 m range. The camera at ``cam`` looks at the origin.
    :return: ``(depth, intrinsics, ball box (px), ball mask, ball centre in the camera
    frame (m), table normal in the camera frame)``.
    """
    intr, cam, rot, o, d = _camera_rays(cam, w, h)
    floor = -0.7
    t = np.where(d[:, 2] < 0, (floor - cam[2]) / np.minimum(d[:, 2], -1e-9), np.inf)
    table, _ = _hit_box(o, d, np.array([edge - 0.4, 0.0, floor / 2]),
                        np.array([0.4, 0.5, -floor / 2]), 0.0)
    centre = np.array([edge + gap + r, 0.0, r - sink])
    post, _ = _hit_box(o, d, np.array([centre[0], 0.0, (floor - sink) / 2]),
                       np.array([0.01, 0.01, (-sink - floor) / 2]), 0.0)
    ball, _ = _hit_sphere(o, d, centre, r)
    t = np.minimum(np.minimum(t, table), post)
    mine = (ball < t).reshape(h, w)
    depth = np.minimum(t, ball).reshape(h, w).astype(np.float32)
    depth[~np.isfinite(depth) | (depth > 2.0)] = np.nan
    ys, xs = np.nonzero(mine)
    return (depth, intr, (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1), mine,
            rot.T @ (centre - cam), rot.T @ np.array([0.0, 0.0, 1.0]))


@pytest.mark.parametrize('cam', [(0.0, -0.55, 0.45), (0.2, -0.6, 0.4)])
@pytest.mark.parametrize('gap,sink', [(0.0, 0.0), (0.005, 0.0), (0.0, 0.025),
                                      (0.005, 0.025)])
def test_an_object_past_the_supports_edge_is_proposed_whole(cam, gap, sink):
    """A ball beside the table's edge, on something lower, gets a depth region of its own.

    Only the part of it whose foot falls on the table (within ``FOOT_MARGIN``) and that
    lies above the plane stood on it, so its depth region was a sliver of its near side
    (IoU 0.08-0.26 here) and its pose 30-34 mm off in the table's plane; ``posecnn_2``'s
    red ball, past the table's back corner, 2 cm of it under the plane, kept only its
    cap (IoU 0.41). The standing part now grows into what continues it past the edge
    (:func:`clip_perception.proposals.past_the_edge`): IoU 0.88-0.96, 0.4-1.1 mm. (Its
    height is still measured from the table's plane: sunk 2.5 cm, 9-11 mm off along it.)
    """
    depth, intr, box, mine, centre, up = _ball_past_the_edge(cam, gap, sink)
    rgb = np.full(depth.shape + (3,), 128, np.uint8)
    rgb[mine] = (200, 30, 40)
    props = propose(rgb, depth, intr)
    assert props.surface is not None
    iou = box_iou(np.array([box], float), props.boxes)[0]
    mine_d = [i for i, s in enumerate(props.sources) if s == SOURCE_DEPTH]
    best = mine_d[int(np.argmax(iou[mine_d]))]
    assert iou[best] >= 0.85, iou[mine_d]
    err = proposal_pose(props, best, depth, intr).position - centre
    lateral = err - (err @ up) * up
    assert np.linalg.norm(lateral) < 0.005, err


def _packed_boxes(heights, tilt, seed=0, n=3, side=0.08, gap=0.005, eye_height=0.7):
    """Render a table covered edge to edge by ``n`` x ``n`` boxes ``gap`` m apart, from above.

    Rendered by the test's own renderer (``other_renderer``): the table top is exactly the
    pack's footprint, the room's floor 0.75 m under it; the camera ``eye_height`` m above
    the table, ``tilt * eye_height`` m back from over its centre. Box ``k`` is
    ``heights[k % len(heights)]`` m tall.
    """
    colours = ('red', 'green', 'blue', 'yellow', 'orange', 'purple')
    pitch = side + gap
    things = [Thing('cube', colours[k % len(colours)],
                    ((i - (n - 1) / 2) * pitch, (j - (n - 1) / 2) * pitch), side,
                    height=float(heights[k % len(heights)]))
              for k, (i, j) in enumerate((i, j) for i in range(n) for j in range(n))]
    half = n * pitch / 2 + 0.002
    return render(things, camera(640, 480, 60.0), (0.0, -tilt * eye_height, eye_height),
                  (0.0, 0.0, 0.0), half_extent=(half, half), seed=seed), things


@pytest.mark.parametrize('heights', [(0.06,), (0.05, 0.08)])
@pytest.mark.parametrize('tilt', [0.05, 0.4])
def test_a_layer_of_packed_boxes_is_no_support_the_floor_under_it_is(heights, tilt):
    """The coplanar tops of boxes packed edge to edge are a layer of objects, not a support.

    Issue 11 (ARC's full tote; the ``packed_bin`` layout): the tops hide the floor, and
    the plane through them faces the camera as a table does, but is cut into box-sized
    plateaus by gaps that drop to the floor. Nothing stands on it, so the room's floor
    0.75 m under the table won the support search, every box stood 0.8 m above it (over
    the 0.35 / 0.5 m limits) and was posed 37 cm low (one height) or missed (two heights:
    3 of 9). The floor seen through the gaps is the support now
    (:func:`clip_perception.support.layer_floor`): every box is proposed and posed within
    a few millimetres (0.4-7 mm, one box at the far corner 40 mm: its image box takes in
    a side face).
    """
    frame, things = _packed_boxes(heights, tilt)
    props = propose(frame.rgb, frame.depth, frame.intrinsics)
    normal, offset = props.plane
    # The support is the table: each box's centre half its height above it.
    for centre, thing in zip(frame.centres, things):
        assert abs(centre @ normal + offset - 0.5 * thing.tall) < 0.006
    iou = box_iou(np.asarray(frame.boxes, float), props.boxes)
    assert (iou.max(axis=1) >= 0.5).all()
    errs = [np.linalg.norm(proposal_pose(props, int(np.argmax(row)), frame.depth,
                                         frame.intrinsics).position - c)
            for row, c in zip(iou, frame.centres)]
    assert np.median(errs) < 0.008 and np.percentile(errs, 75) < 0.03, errs


def test_the_floor_under_a_packed_bin_is_seen_through_its_gaps():
    """The ``packed_bin`` layout: a tray filled with boxes of one height, 0.45 m above the room.

    The support is the tray's floor seen between the boxes (within 2 cm; it was the room's
    floor, 45 cm down) and the boxes are posed from it (221.8 -> 4.9 mm median over the
    layout's 10 scenes, ``clip_perception_eval layouts --layouts packed_bin``).
    """
    errs = []
    for k in (0, 3, 9):
        scene, objs = generate_layout_scene(40_006_000 + k, 'packed_bin')
        props = propose(scene.rgb, scene.depth, scene.intrinsics)
        normal, offset = props.plane
        for obj in objs:
            assert abs(obj.centre @ normal + offset - 0.5 * obj.dimensions[2]) < 0.02
        iou = box_iou(np.array([o.box for o in objs], float), props.boxes)
        assert (iou.max(axis=1) >= 0.5).all()
        errs += [np.linalg.norm(proposal_pose(props, int(np.argmax(row)), scene.depth,
                                              scene.intrinsics).position - o.centre)
                 for row, o in zip(iou, objs)]
    assert np.median(errs) < 0.01, errs



def _support_of(boxes, cam, seed=0, search=find_support):
    """``search`` run on a noisy depth frame of :func:`_tabletop` on its working grid.

    Rendered at the working grid's size (214 x 160) with the modelled depth noise, so the
    grid's samples are as noisy as a 640 x 480 frame's every third reading. ``search``
    is :func:`find_support` (its surface returned) or ``_candidates`` (its support
    candidates).
    """
    depth, intr = _tabletop(boxes, 214, 160, cam=cam)
    rng = np.random.default_rng(seed)
    depth = depth + rng.normal(0, 1, depth.shape).astype(np.float32) * depth_sigma(depth)
    pts, step = working_grid(depth, intr)
    remove_flying_pixels(pts, pixel_spacing(step, intr))
    if search is find_support:
        return find_support(pts, normals(pts), step, intr, depth_m=depth)[0]
    return search(pts, normals(pts))[0]


@pytest.mark.parametrize('seed', [0, 1])
def test_a_tote_side_seen_edge_on_is_not_the_support_its_floor_is(seed):
    """A camera 55 cm straight over a tote: its near side, seen edge-on, is no support.

    Issue 11 (the ``pile`` layout's held-out scenes 40_008_031 and 40_008_052): the tote's
    near side faces up in the image, seen almost along its plane, so the feet of everything
    beyond it (the items, the floor's readings that missed its plane) fall into its thin
    image region and it held more standing points than the tote's floor (here 3936 and
    3921 against about 2070); the items were posed 64 and 21 mm off. A candidate seen
    face-on that holds what stands on the edge-on one is the support now
    (:func:`clip_perception.support._not_edge_on`). Before: the side (offset 0.154 m).
    """
    hx, hy, wall = 0.24, 0.19, 0.18
    sides = [((0.0, y, wall / 2), (hx, 0.005, wall / 2), 0.0) for y in (-hy, hy)] + \
        [((x, 0.0, wall / 2), (0.005, hy, wall / 2), 0.0) for x in (-hx, hx)]
    items = [((-0.12, -0.08, 0.03), (0.04, 0.03, 0.03), 0.3),
             ((0.1, 0.07, 0.025), (0.05, 0.03, 0.025), 1.0),
             ((0.02, -0.05, 0.04), (0.03, 0.03, 0.04), 0.0),
             ((-0.08, 0.09, 0.02), (0.06, 0.02, 0.02), 0.5),
             ((0.14, -0.1, 0.035), (0.03, 0.04, 0.035), 0.2)]
    surface = _support_of(sides + items, (0.0, 0.03, 0.55), seed)
    assert surface.normal[2] < -0.95 and abs(surface.offset - 0.55) < 0.01


def test_a_stand_top_holding_two_percent_of_the_depth_is_a_support_candidate():
    """A surface 45 cm over the room floor seen in 2.2% of the depth is a candidate.

    Issue 11 (the ``pile`` layout's held-out scenes 40_008_055 and 40_008_033: a full tote
    on a stand, its floor 2.0-2.2% of the depth): the search for planes stopped at 2% of
    its 2000-point sample, whose share of such a surface's agreeing points falls under
    that by chance, so the room floor was the only candidate and the items, over its
    35 cm, were posed 196 and 33 mm off. Planes parallel to the room floor's candidate
    are looked for down to 1% now (:func:`clip_perception.support._parallel_planes`).
    Before: the room floor only (offset 0.997 m).
    """
    from clip_perception.support import _candidates
    stand = ((0.0, 0.0, 0.225), (0.08, 0.08, 0.225), 0.3)
    found = _support_of([stand], (0.0, -0.7, 1.0), search=_candidates)
    floor = np.hypot(0.7, 1.0) * 0.817  # the camera's height over the floor along its normal
    assert sorted(round(o, 2) for _, o in found) == [round(floor - 0.45, 2), round(floor, 2)]

def _crowded_stand(gap, top=0.45, seed=0):
    """Build a stand ``top`` m high, 52 x 40 cm, holding a 6 x 5 grid of boxes ``gap`` apart.

    The boxes are 4-8 cm high (random, ``seed``): between them the stand's top is seen
    only in gaps, which tall neighbours hide from an oblique camera.
    """
    rng = np.random.default_rng(seed)
    items = []
    for x in np.arange(-0.21, 0.22, 0.084):
        for y in np.arange(-0.15, 0.16, 0.075):
            hz = rng.uniform(0.02, 0.04)
            items.append(((x, y, top + hz), (0.042 - gap / 2, 0.0375 - gap / 2, hz), 0.0))
    return [((0.0, 0.0, top / 2), (0.26, 0.2, top / 2), 0.0)] + items


@pytest.mark.parametrize('cam, top', [((0.0, -0.15, 1.3), 0.45), ((0.0, -0.3, 1.2), 0.45),
                                       ((0.0, -0.6, 1.2), 0.6)])
def test_a_stand_crowded_with_objects_is_their_support_not_the_room_floor(cam, top):
    """A stand 45-60 cm high crowded with boxes 3 cm apart is the support, not the floor.

    Issue 11 (bins and crowded tables seen with the room around them): the stand's top,
    seen in the 3 cm gaps whose normals its neighbours' edges spoil, holds 1.5% of the
    depth with agreeing normals, under the 2% any support must hold, so the room floor
    (68%) was the only candidate judged and the boxes, 45 cm over it, were posed from
    it. A candidate parallel to another and over it (:func:`clip_perception.support.
    _raised`) is judged from :data:`clip_perception.support.PARALLEL_MIN_SHARE` (1%), as
    the search for such planes finds them, when it is one surface 15 cm across (not a
    layer of tops: a layer at 1% in a toy scene turned upside down held more than its
    table, and the image-up hint named nothing). Before: the floor (offsets 1.30, 1.20,
    1.20 m).
    """
    surface = _support_of(_crowded_stand(0.03, top), cam)
    assert abs(surface.offset - (cam[2] - top)) < 0.01


def test_a_bare_floor_a_centimetre_under_its_candidate_plane_is_no_layer():
    """A candidate plane fitted 12 mm over a bare floor is not a layer of objects over it.

    Issue 11 (the ``pile`` layout's held-out scene 40_008_012): one of the room floor's
    candidates lay 12 mm over the floor, so its noise's lower tail (more than 3 sigma
    under that plane) passed for the gaps of a layer, and their 95th percentile drop
    (21 mm) for the floor under it; that "floor" held the noise and the tote, was chosen
    over the tote's floor, and all 8 items were missed. The drop must now clear the gaps'
    own noise threshold by the 2 cm asked; a layer of boxes 5 cm high still gives its
    floor. (Before: a drop of 2.3 cm for the bare floor.)
    """
    rng = np.random.default_rng(5)
    h, w = 160, 213
    z = np.linspace(1.0, 1.4, h, dtype=np.float32)[:, None].repeat(w, 1)
    sigma = depth_sigma(z)
    lo = np.maximum(3 * sigma, 0.006)
    pix_area = np.square(3 * z / 525.0)
    valid, region = np.ones((h, w), bool), np.ones((h, w), bool)

    def drop_of(dist):
        return layer_floor(dist, np.abs(dist) < lo, region, valid, lo, pix_area)

    noise = (rng.normal(0, 1, (h, w)) * sigma).astype(np.float32)
    assert drop_of(noise - 0.012) is None
    # The same floor, seen through the 2-pixel gaps of a layer of boxes 5 cm high.
    gaps = np.zeros((h, w), bool)
    gaps[::12] = gaps[1::12] = gaps[:, ::12] = gaps[:, 1::12] = True
    drop = drop_of(np.where(gaps, -0.05, 0.0).astype(np.float32) + noise)
    assert drop is not None and abs(drop - 0.05) < 0.015


# An object under another (issue 11: stacked objects posed as one object as tall as
# both), drawn by the tests' own renderer: the lower thing, then the one on its top.
STACKS = {
    'a can on a book': (
        Thing('cube', 'blue', (0.0, 0.0), 0.16, height=0.03),
        Thing('cylinder', 'red', (0.01, 0.0), 0.06, height=0.08, base=0.03)),
    'a box on a book': (
        Thing('cube', 'purple', (0.0, 0.0), 0.15, height=0.025),
        Thing('cube', 'orange', (-0.01, 0.01), 0.05, height=0.04, base=0.025, yaw=0.5)),
}


@pytest.mark.parametrize('elevation', [60, 80])
@pytest.mark.parametrize('case', sorted(STACKS))
def test_the_object_under_a_stacked_one_is_posed_as_itself(case, elevation):
    """The object under another is posed at its own height, not as tall as both.

    Seen from above, the box of a book with a can on it is the column's box: the column
    (or its part below, redrawn like a working-grid region, which grew back onto the can)
    was posed 21-41 mm off, 64-110 mm tall for a 25-30 mm book. Now the column's
    proposal takes the part below's mask when the object on top lies inside its box and
    is the smaller part (``Proposals.carrying``): 1.6-7 mm, heights within 7 mm; the
    object on top unchanged. Left (docs/real_depth_cameras.md, helper-124): a box on a
    box at 60 degrees, and a can on a book at 45 degrees, whose column box is taller
    than the book's (23.6 and 28.6 mm).
    """
    things = STACKS[case]
    frame = tabletop(640, 480, distance=0.7, elevation_deg=elevation, things=things)
    props = propose(frame.rgb, frame.depth, frame.intrinsics)
    iou = box_iou(np.asarray(frame.boxes, float), props.boxes)
    assert (iou.max(axis=1) >= 0.5).all(), iou.max(axis=1)
    lower, upper = (proposal_pose(props, int(np.argmax(row)), frame.depth, frame.intrinsics)
                    for row in iou)
    assert np.linalg.norm(lower.position - frame.centres[0]) < 0.01
    assert abs(lower.dimensions[2] - things[0].tall) < 0.01
    assert np.linalg.norm(upper.position - frame.centres[1]) < 0.016
    assert abs(upper.dimensions[2] - things[1].tall) < 0.035


def test_the_stacked_layout_poses_the_lower_objects_at_their_height():
    """The ``stacked`` layout (``clip_perception_eval layouts --layouts stacked``).

    A box on a larger box and a can or small box on a book, from the side or from above.
    Scenes 1, 3 and 8: the book was posed from the whole column, 40-51 mm high along the
    support's normal (23-51 mm off); now within 10 mm.
    """
    for k in (1, 3, 8):
        scene, objs = generate_layout_scene(40_009_000 + k, 'stacked')
        props = propose(scene.rgb, scene.depth, scene.intrinsics)
        iou = box_iou(np.array([o.box for o in objs], float), props.boxes)
        assert (iou.max(axis=1) >= 0.5).all()
        book = objs[2]  # the large flat box that a small object stands on
        pose = proposal_pose(props, int(np.argmax(iou[2])), scene.depth, scene.intrinsics)
        assert np.linalg.norm(pose.position - book.centre) < 0.01, k
        assert abs(pose.dimensions[2] - book.dimensions[2]) < 0.012, k


def test_the_floor_under_narrow_gaps_is_read_at_full_resolution():
    """Gaps one working pixel wide show the boxes' sides on the grid, the floor only at full size.

    ``packed_bin`` scene 7 (4-8 mm gaps, 0.8 m away): the working grid's deepest gap
    readings put the floor 1.7 cm high, so its boxes were posed 12-16 mm off; the frame's
    own depth in the gaps puts it within 4 mm (3.4-9.5 mm poses).
    """
    scene, objs = generate_layout_scene(40_006_007, 'packed_bin')
    pts, step = working_grid(scene.depth, scene.intrinsics)
    remove_flying_pixels(pts, pixel_spacing(step, scene.intrinsics))
    nrm = normals(pts)
    errs = {}
    for full in (None, scene.depth):
        surface, _ = find_support(pts, nrm, step, scene.intrinsics, depth_m=full)
        errs[full is None] = max(abs(float(surface.height(o.centre[None])[0]) -
                                     0.5 * o.dimensions[2]) for o in objs)
    assert errs[False] < 0.006 < 0.012 < errs[True], errs


def test_objects_lying_apart_with_coplanar_tops_leave_the_table_the_support():
    """Tops in one plane with wide table between them are objects on a table, no layer.

    Three bars lying apart (the ``lying`` layout's scene 1): their tops are one plane of
    small parts, cut by drops to the table; but the table between them holds 3.6 times
    their readings, where a packed layer's gaps hold 1-17% (``LAYER_MAX_GAPS``). Taken
    for a layer, the floor under it was a plane 3 cm under the table and tilted 3 degrees.
    """
    scene, objs = generate_layout_scene(40_003_001, 'lying')
    pts, step = working_grid(scene.depth, scene.intrinsics)
    remove_flying_pixels(pts, pixel_spacing(step, scene.intrinsics))
    surface, _ = find_support(pts, normals(pts), step, scene.intrinsics)
    for obj in objs:
        assert abs(float(surface.height(obj.centre[None])[0]) - 0.5 * obj.dimensions[2]) < 0.004


def test_growth_past_the_edge_stays_off_the_support_and_off_the_walls():
    """Only pixels off the support's region join a standing region.

    Never a wall's or the room's under the plane; a region that gains nothing makes no
    new component (so no new proposal).
    """
    h, w = 20, 30
    z = np.full((h, w), 1.0, np.float32)
    height = np.zeros((h, w), np.float32)
    region = np.zeros((h, w), bool)
    region[10:] = True  # the table: the lower half of the image
    fg = np.zeros((h, w), bool)
    fg[6:12, 3:7] = True  # an object standing at the table's back edge
    height[fg] = 0.05
    height[2:6, 3:7] = 0.02  # its far part, past the edge (foot outside the region)
    height[6:10, 7:9] = -0.02  # and a part of it under the plane, past the edge
    fg[6:12, 20:24] = True  # an object standing at the edge ...
    height[6:12, 20:24] = 0.05
    height[2:6, 20:24] = -0.3  # ... with the room under the plane beyond it
    walls = np.zeros((h, w), bool)
    walls[0:2, :] = True  # a wall behind everything
    jumps = np.zeros((h, w), bool)
    fg[14:17, 12:15] = True  # an object in the middle of the table: nothing to grow into
    height[14:17, 12:15] = 0.05
    n, lab, st = past_the_edge(fg, height, region, walls, jumps, z)
    grown = lab > 0
    assert grown[2:6, 3:7].all() and grown[6:10, 7:9].all()
    assert not (grown & region & ~fg).any()  # the table is not taken
    assert not grown[0:2].any()  # nor the wall
    assert not grown[2:6, 20:24].any()  # nor the room beyond
    assert not grown[14:17, 12:15].any()  # nothing gained: no new component
    assert len(np.unique(lab[grown])) == 1


def test_a_few_centimetres_under_the_support_is_scene_tens_are_the_room_beyond():
    """Only readings well under the support's plane mark an image box as background.

    A pile's lower items under a plane through its tops, a ball half below a table's
    back edge: 3 cm down is the same scene; 30 cm down is the floor past the table.
    """
    depth, intr = _tabletop()
    cam_height = 0.55  # _tabletop's camera, above the table's plane

    def sink(cols, metres):  # move the readings along their rays to ``metres`` below
        depth[150:190, cols] *= (cam_height + metres) / cam_height

    assert 0.03 < BEHIND_DEPTH < 0.3
    sink(slice(60, 100), 0.03)
    sink(slice(200, 240), 0.3)
    rgb = np.full(depth.shape + (3,), 128, np.uint8)
    _, surface, _, _, work = depth_regions(depth, intr, rgb)
    assert surface is not None
    boxes = np.array([[60, 150, 100, 190], [200, 150, 240, 190]], float)
    scores, _ = _image_scores(rgb, boxes, work)
    assert scores[0] > scores[1] + 0.3  # the room past the table holds 0.5 x its share


def test_straddling_prefers_boxes_that_hold_their_superpixels_whole():
    lab = np.zeros((40, 60), np.int32)
    lab[10:20, 10:30] = 1
    lab[10:20, 30:50] = 2
    boxes = np.array([[10, 10, 30, 20], [10, 10, 40, 20], [0, 0, 20, 15]])
    s = straddling(lab, boxes)
    assert s[0] == 1.0  # exactly superpixel 1 (the background around it is outside)
    assert s[1] < s[0] and s[2] < s[0]


def test_image_cues_made_ahead_score_the_boxes_as_made_inside():
    """The cues propose makes on a worker thread score the boxes as _image_scores makes them."""
    scene = generate_scene(41)
    work = depth_regions(scene.depth, scene.intrinsics, scene.rgb)[4]
    boxes = image_proposals(scene.rgb)
    cues = image_cues(scene.rgb)
    small, lab, sp, fill = cues
    assert max(small.shape[:2]) == 80 and lab.dtype == np.float64
    assert small.shape[:2] == lab.shape[:2] == sp.shape == fill.shape
    assert len(np.unique(sp)) > 5 and not fill.any()  # superpixels; no black fill
    inside, ahead = _image_scores(scene.rgb, boxes, work), \
        _image_scores(scene.rgb, boxes, work, cues=cues)
    assert np.array_equal(inside[0], ahead[0]) and np.array_equal(inside[1], ahead[1])


def test_a_depth_region_an_image_box_repeats_gets_a_bonus():
    depth_boxes = np.array([[10, 10, 50, 50], [100, 100, 140, 140]], float)
    image_boxes = np.array([[11, 10, 50, 51], [0, 0, 5, 5]], float)
    bonus = agreement_bonus(depth_boxes, image_boxes)
    assert bonus[0] == AGREE_WEIGHT and bonus[1] == 0.0
    assert not agreement_bonus(depth_boxes, np.zeros((0, 4))).any()


def test_a_part_whose_whole_an_image_box_repeats_drops_a_tier():
    whole = (10, 10, 50, 50)
    parents = [None, whole, whole, (100, 100, 140, 140)]
    image_boxes = np.array([[11, 10, 50, 51], [100, 100, 115, 115]], float)
    pen = whole_seen_penalty(parents, image_boxes)
    # The whole itself, and the part of a whole only partly repeated, keep their rank.
    assert pen.tolist() == [0.0, WHOLE_SEEN_PENALTY, WHOLE_SEEN_PENALTY, 0.0]
    assert not whole_seen_penalty(parents, np.zeros((0, 4))).any()
    assert not whole_seen_penalty([None, None], image_boxes).any()


def test_the_later_parts_of_one_region_rank_after_every_other_proposal():
    """One part per cut region keeps its rank; its other parts follow everything else."""
    a, b = (0, 0, 50, 50), (100, 100, 150, 150)

    def part(parent):
        return {'parent': parent}
    regions = [{'parent': None}, part(a), part(a), None, part(b), part(a), None, part(b)]
    order = np.array([0, 1, 2, 3, 4, 5, 6, 7])
    assert later_parts_last(order, regions).tolist() == [0, 1, 3, 4, 6, 2, 5, 7]
    # Another ranking order, the same rule: the first part met is the one that stays.
    assert later_parts_last(order[::-1], regions).tolist() == [7, 6, 5, 3, 0, 4, 2, 1]
    assert later_parts_last(np.zeros(0, int), []).tolist() == []
    # Without parts nothing moves.
    assert later_parts_last(np.array([2, 0, 1]), [None, {'parent': None}, None]).tolist() == \
        [2, 0, 1]


def _coloured_tabletop(objects, card=None):
    """Depth and rgb of :func:`_tabletop` boxes, each painted its colour on a grey table.

    ``objects``: ``(box, (r, g, b))`` with ``box`` as :func:`_tabletop` takes it;
    ``card``: optional ``((x0, y0, x1, y1), colour)``, a flat card (colour, no depth).
    """
    depth, intr = _tabletop([b for b, _ in objects])
    table, _ = _tabletop([])
    rgb = np.full(depth.shape + (3,), 128, np.uint8)
    for b, colour in objects:
        alone, _ = _tabletop([b])
        rgb[(np.abs(alone - table) > 1e-4) & (np.abs(depth - alone) < 1e-4)] = colour
    if card is not None:
        (x0, y0, x1, y1), colour = card
        rgb[y0:y1, x0:x1] = colour
    return rgb, depth, intr


def test_the_faces_of_one_object_rank_below_the_image_boxes_of_others():
    """A box cut into faces at its creases, whole in colour: its faces do not fill the cap.

    On a real frame (cleargrasp_transparent_80) seven faces and face pairs of one wallet
    ranked above the image box of a lying glass bottle and pushed it out of the cap. An
    image box repeats the wallet's whole outline, so its faces are parts of one object.
    """
    box = ((0.05, 0.02, 0.04), (0.06, 0.04, 0.04), 0.5)
    rgb, depth, intr = _coloured_tabletop([(box, (200, 40, 40))],
                                          card=((40, 150, 80, 185), (40, 60, 200)))
    regions, _, _, _, _ = depth_regions(depth, intr, rgb)
    whole = [r for r in regions if r['tier'] == TIER_OBJECT]
    faces = [r for r in regions if r['parent'] is not None]
    assert len(whole) == 1 and len(faces) >= 2
    assert all(r['parent'] == whole[0]['box'] and r['tier'] == TIER_PART for r in faces)
    props = propose(rgb, depth, intr, max_proposals=100)
    ranks = {tuple(b): i for i, b in enumerate(props.boxes.tolist())}
    kept = [ranks[tuple(map(float, r['box']))] for r in faces
            if tuple(map(float, r['box'])) in ranks]
    assert kept
    assert max(props.scores[i] for i in kept) < TIER_IMAGE
    # The whole box stays first, and the card (colour alone) ranks ahead of every face.
    assert box_iou(np.array([whole[0]['box']], float), props.boxes[:1])[0, 0] > 0.9
    card = box_iou(np.array([[40, 150, 80, 185]], float), props.boxes)[0]
    assert card.max() > 0.9 and int(np.argmax(card)) < min(kept)


def test_touching_objects_told_apart_by_colour_stay_proposed_one_by_one():
    """Two touching boxes of two colours: the parts an image box repeats are objects."""
    a = ((0.0, 0.0, 0.04), (0.04, 0.04, 0.04), 0.0)
    b = ((0.08, 0.0, 0.04), (0.04, 0.04, 0.04), 0.0)
    rgb, depth, intr = _coloured_tabletop([(a, (200, 40, 40)), (b, (40, 60, 200))])
    props = propose(rgb, depth, intr, max_proposals=4)
    for colour in ((200, 40, 40), (40, 60, 200)):
        ys, xs = np.nonzero((rgb == colour).all(axis=-1))
        truth = np.array([[xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]], float)
        assert box_iou(truth, props.boxes).max() >= 0.5, colour


# Touching objects of different colours at one height: depth merges them into one region,
# and its face cut (creases and colour edges) gives faces, not objects (issue 11: the
# opaque cup of cleargrasp_opaque_130 merged with the box beside it).
TOUCHING_COLOURS = {
    'two cubes side by side': [
        (((0.0, 0.0, 0.04), (0.04, 0.04, 0.04), 0.0), (200, 40, 40)),
        (((0.08, 0.0, 0.04), (0.04, 0.04, 0.04), 0.0), (230, 210, 40))],
    'a cube against a tall box, turned': [
        (((0.0, 0.0, 0.05), (0.03, 0.05, 0.05), 0.4), (40, 60, 200)),
        (((0.06, -0.03, 0.05), (0.03, 0.03, 0.05), 0.4), (230, 210, 40))],
    'three in a row': [
        (((-0.07, 0.0, 0.035), (0.035, 0.03, 0.035), 0.0), (200, 40, 40)),
        (((0.0, 0.0, 0.035), (0.035, 0.03, 0.035), 0.0), (240, 240, 240)),
        (((0.07, 0.0, 0.035), (0.035, 0.03, 0.035), 0.0), (30, 90, 40))],
    'one behind the other': [
        (((0.0, 0.0, 0.04), (0.06, 0.03, 0.04), 0.0), (200, 40, 40)),
        (((0.0, 0.06, 0.04), (0.06, 0.03, 0.04), 0.0), (230, 210, 40))],
}


def _painted_boxes(rgb, objects):
    """Boxes (N, 4) of each object's painted pixels, and the box of all of them."""
    truth = []
    for _, colour in objects:
        ys, xs = np.nonzero((rgb == colour).all(axis=-1))
        truth.append([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
    truth = np.array(truth, float)
    return truth, np.array([[*truth[:, :2].min(0), *truth[:, 2:].max(0)]])


@pytest.mark.parametrize('case', sorted(TOUCHING_COLOURS))
def test_touching_objects_of_different_colours_are_regions_and_so_is_their_whole(case):
    """Each object a depth region of its own (cut at colour edges alone), the whole too.

    Before, the whole was the only region holding both: its pieces, cut at creases as
    well, were faces (best IoU 0.35-0.49 in three of these cases, 0.71 in the fourth).
    """
    objects = TOUCHING_COLOURS[case]
    rgb, depth, intr = _coloured_tabletop(objects)
    truth, merged = _painted_boxes(rgb, objects)
    regions, _, _, _, _ = depth_regions(depth, intr, rgb)
    boxes = np.array([r['box'] for r in regions], float)
    wholes = [r for r in regions if r['parent'] is None]
    assert box_iou(merged, np.array([r['box'] for r in wholes], float)).max() >= 0.9
    pieces = [r for r in regions if r['colour_piece']]
    iou = box_iou(truth, np.array([r['box'] for r in pieces], float))
    assert (iou.max(axis=1) >= 0.8).all(), iou.max(axis=1)
    assert all(r['tier'] == TIER_PART and r['parent'] is not None for r in pieces)
    # Each piece's mask is its object's pixels, not its neighbour's.
    for k, (_, colour) in enumerate(objects):
        mask = region_mask(pieces[int(np.argmax(iou[k]))], depth.shape)
        painted = (rgb == colour).all(axis=-1)
        assert (mask & painted).sum() >= 0.8 * mask.sum()
    assert len(boxes) >= len(wholes) + len(pieces)
    # Depth alone (no image boxes to confirm them) still proposes every one, and the whole
    # (at the recall's IoU 0.5: NMS at 0.6 keeps the whole over a piece that is most of
    # it, the front box of 'one behind the other'; before, 0.36-0.49 for one of each case).
    props = propose(rgb, depth, intr, use_image=False)
    assert box_iou(truth, props.boxes).max(axis=1).min() >= 0.5
    assert box_iou(merged, props.boxes).max() >= 0.9


def test_touching_objects_of_one_colour_are_not_cut_by_colour():
    """The same objects all of one colour: colour cannot tell them apart, so no colour pieces."""
    for case, objects in TOUCHING_COLOURS.items():
        rgb, depth, intr = _coloured_tabletop([(b, (200, 40, 40)) for b, _ in objects])
        regions, _, _, _, _ = depth_regions(depth, intr, rgb)
        assert not any(r['colour_piece'] for r in regions), case


def test_a_colour_piece_keeps_its_rank_when_an_image_box_repeats_it():
    """Colour and depth agree on a colour piece: it ranks where it scores; alone it goes last.

    It takes no face's place as its region's first part either.
    """
    a = (0, 0, 50, 50)

    def piece(colour_piece=False, repeated=False):
        return {'parent': a, 'colour_piece': colour_piece, 'repeated': repeated}
    regions = [{'parent': None}, piece(True, True), piece(True, False), piece(), None,
               piece(), piece(True, True)]
    order = np.arange(len(regions))
    assert later_parts_last(order, regions).tolist() == [0, 1, 3, 4, 6, 2, 5]
    # Without the face, the colour pieces alone: the repeated ones stay, the other goes last.
    regions[3] = regions[5] = None
    assert later_parts_last(order, regions).tolist() == [0, 1, 3, 4, 5, 6, 2]


def test_holes_in_the_surface_depth_are_boxed_speckle_is_not():
    """Glass on the table returns no depth: its hole is boxed; single-pixel dropouts not."""
    depth, intr = _tabletop([((0.0, 0.0, 0.03), (0.03, 0.03, 0.03), 0.0)])
    rng = np.random.default_rng(5)
    glass = (slice(150, 190), slice(60, 95))
    depth[glass] = np.nan
    speck = (rng.integers(0, 240, 150), rng.integers(0, 320, 150))
    depth[speck] = np.nan
    rgb = np.full(depth.shape + (3,), 128, np.uint8)
    _, surface, _, _, work = depth_regions(depth, intr, rgb)
    holes = hole_boxes(work, intr, depth.shape)
    assert len(holes) >= 1
    iou = box_iou(holes, np.array([[60, 150, 95, 190]], float))[:, 0]
    assert iou.max() > 0.6
    assert (iou < 0.1).sum() <= 1  # speckle adds at most one stray box


def test_readings_outside_the_sensors_view_are_no_glass():
    """Depth missing up to the frame's edge (outside the sensor's view) is no hole.

    A rolled or rectified image's corner, an Azure Kinect WFOV corner, a stereo camera's
    left invalid band: an image box on the table there had its missing readings taken for
    a glass's and ranked in the hole tier, above every plain image box (posecnn_2 with
    the corners of a 15-degree roll: six such boxes at ranks 6-12). A glass inside the
    table, the same size, stays a hole.
    """
    depth, intr = _tabletop()
    h, w = depth.shape
    vs, us = np.mgrid[0:h, 0:w]
    corner = us + (h - vs) < 70  # the bottom-left corner, as a turned image has it
    band = us < 12  # a stereo camera's left invalid band (f B / z px)
    glass = (slice(150, 190), slice(200, 235))
    depth[corner | band] = np.nan
    depth[glass] = np.nan
    rgb = np.full(depth.shape + (3,), 128, np.uint8)
    _, surface, _, _, work = depth_regions(depth, intr, rgb)
    assert surface is not None
    unseen = cv2.resize(work.unseen.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
    assert unseen[corner].mean() > 0.9 and unseen[band].mean() > 0.9
    assert not unseen[glass].any()
    # Boxes along the bottom across the corner, along the band, and around the glass
    # (before: all three in the hole tier, 3.10-3.31).
    boxes = np.array([[0, 200, 120, 240], [0, 195, 100, 240], [0, 40, 30, 140],
                      [195, 145, 240, 195]], float)
    scores, hole = _image_scores(rgb, boxes, work)
    assert hole.tolist() == [False, False, False, True], scores
    assert (scores[:3] < TIER_IMAGE).all() and scores[3] >= TIER_HOLE
    assert len(hole_boxes(work, intr, depth.shape))


def test_out_of_view_keeps_thick_edge_areas_not_lines_or_enclosed_holes():
    missing = np.zeros((60, 80), bool)
    missing[:, :6] = True  # a band along the left edge
    missing[20:30, 30:40] = True  # a hole inside
    missing[40, 40:] = True  # a one-pixel crack reaching the right edge
    vs, us = np.mgrid[0:60, 0:80]
    corner = (79 - us) + (59 - vs) < 14  # a turned image's corner
    missing |= corner
    unseen = out_of_view(missing)
    assert unseen[:, :6].all() and unseen[corner].all()
    assert not unseen[20:30, 30:40].any() and not unseen[40, 40:69].any()
    assert not out_of_view(np.zeros((60, 80), bool)).any()
    assert not (out_of_view(missing) & ~missing).any()


def _cut_by_the_frame(missing, region):
    """Return the unseen share of each object the frame cuts, put in ``missing`` (60, 80)."""
    cut = {'bottom': (slice(50, 60), slice(30, 46)), 'left': (slice(20, 36), slice(0, 10)),
           'corner': (slice(48, 60), slice(0, 14)), 'top': (slice(0, 9), slice(50, 66))}
    for where in cut.values():
        missing[where] = True
    unseen = out_of_view(missing) if region is None else out_of_view(missing, region)
    return {k: unseen[where].mean() for k, where in cut.items()}


def test_objects_the_frame_cuts_are_in_view_bands_and_the_room_beyond_are_not():
    """Out of view is what runs along the frame's edge, or lies off the support.

    A glass or an IR-absorbing black mug the frame cuts leaves a hole that reaches the
    frame's edge too: it meets the edge along its width and the support's readings
    surround the rest of it (before: every thick hole reaching the edge was out of
    view, so the frame cut a glass out of the hole tier).
    """
    # Holes the frame cuts: objects, not out of view, by their shape alone and on a
    # table that fills the view.
    region = np.ones((60, 80), bool)
    for around in (None, region):
        share = _cut_by_the_frame(np.zeros((60, 80), bool), around)
        assert max(share.values()) == 0.0, share
    # Bands along an edge and corners cut off by an arc are out of view.
    vs, us = np.mgrid[0:60, 0:80]
    wfov = (us - 39.5) ** 2 + (vs - 29.5) ** 2 > (0.8 * 50.0) ** 2
    for band in (us < 8, vs < 10, wfov, (us < 8) | wfov):
        assert out_of_view(band, region)[band].mean() > 0.95
    # The room beyond the sensor's range at the top, ragged, off the support: out of view,
    # a glass at the table's edge below it, surrounded by the table, is not.
    rng = np.random.default_rng(5)
    room = (vs < 12 + rng.integers(-3, 4, (1, 80))) & (us > 20) & (us < 50)
    table = ~room & (vs >= 16)  # a wall with readings beside the room
    missing = room.copy()
    missing[40:52, 60:80] = True  # a glass cut by the right edge
    unseen = out_of_view(missing, table)
    assert unseen[room].mean() > 0.9 and not unseen[40:52, 60:80].any()
    # Small parts off the support at the edge, 4 and 5 pixels on it: out of view.
    missing = np.zeros((60, 80), bool)
    missing[56:, 10:14] = missing[56:, 60:65] = True
    assert out_of_view(missing, np.zeros((60, 80), bool))[missing].all()


def test_a_glass_the_frame_cuts_ranks_in_the_hole_tier():
    """The example: a glass standing at the bottom of the view, cut by the frame.

    Before: its missing readings reached the frame's edge, were taken for the sensor's
    view ending there, and its box scored 1.59 (image tier) instead of 3.70.
    """
    table, intr = _tabletop()
    depth, _ = _tabletop([((0.0, -0.36, 0.06), (0.035, 0.035, 0.06), 0.0)])
    glass = np.abs(np.nan_to_num(depth) - np.nan_to_num(table)) > 1e-4
    depth[glass] = np.nan
    ys, xs = np.nonzero(glass)
    assert ys.max() == depth.shape[0] - 1  # the frame cuts it
    rng = np.random.default_rng(0)
    rgb = np.clip(rng.normal(140, 12, depth.shape + (3,)), 0, 255).astype(np.uint8)
    rgb[glass] = np.clip(rgb[glass].astype(int) + 25, 0, 255)
    _, surface, _, _, work = depth_regions(depth, intr, rgb)
    assert surface is not None and not work.unseen.any()
    box = np.array([[xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]], float)
    scores, hole = _image_scores(rgb, box, work)
    assert hole[0] and scores[0] >= TIER_HOLE, scores
    props = propose(rgb, depth, intr, parallel=False)
    assert box_iou(props.boxes[0], box[0]) > 0.5 and props.scores[0] >= TIER_HOLE


def test_black_fill_where_no_camera_looked_ranks_below_the_scene():
    """A turned or rectified image's black corners are no object; dark scenes are not fill.

    The sharp edge between the zero fill and the scene drew image boxes on the corners of
    a rolled view (cleargrasp_transparent_153 at 15 degrees: seven in the top 32, one
    6th), ahead of the lying glass bottle.
    """
    rng = np.random.default_rng(3)
    rgb = rng.integers(90, 160, (240, 320, 3)).astype(np.uint8)
    rgb[60:120, 140:200] = (200, 40, 40)  # an object
    vs, us = np.mgrid[0:240, 0:320]
    rgb[us + (240 - vs) < 80] = 0  # the fill of a turned image
    small = cv2.resize(rgb, (80, 60), interpolation=cv2.INTER_AREA)
    fill = no_image(small)
    assert fill[-1, 0] and not fill[20, 40] and fill.mean() < 0.1
    boxes = np.array([[0, 160, 80, 240], [130, 50, 210, 130]], float)
    scores, _ = _image_scores(rgb, boxes, NO_WORK)
    assert scores[0] < scores[1] - 0.3
    # A dark real scene carries sensor noise: no fill anywhere.
    dark = np.clip(rng.normal(3.0, 2.0, (240, 320, 3)), 0, 255).astype(np.uint8)
    assert not no_image(cv2.resize(dark, (80, 60), interpolation=cv2.INTER_AREA)).any()
    assert not no_image(np.zeros((60, 80, 3), np.uint8)[:, :, :] + 1).any()


def test_a_black_object_the_frame_cuts_is_no_fill():
    """Exact black that follows the scene (a black mug the frame cuts) is no image fill.

    A camera clips its blacks to exact zeros (the Asus Xtion frames: 18-21% of the
    pixels): a black mug at the bottom of the view, cut by the frame, was taken for a
    turned image's fill and its box lost 0.77 (1.96 -> 1.19, behind two plain boxes).
    Its box now scores as the same mug one grey level lighter does; a turned image's
    corner is still fill.
    """
    table, intr = _tabletop()
    depth, _ = _tabletop([((0.0, -0.36, 0.06), (0.035, 0.035, 0.06), 0.0)])
    mug = np.abs(np.nan_to_num(depth) - np.nan_to_num(table)) > 1e-4
    ys, xs = np.nonzero(mug)
    box = np.array([[xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]], float)
    assert box[0, 3] == depth.shape[0]  # the frame cuts it
    rng = np.random.default_rng(0)
    rgb = np.clip(rng.normal(140, 12, depth.shape + (3,)), 0, 255).astype(np.uint8)
    _, _, _, _, work = depth_regions(depth, intr, rgb)
    scores = []
    for level in (0, 1):
        rgb[mug] = level
        scores.append(_image_scores(rgb, box, work)[0][0])
        small = cv2.resize(rgb, (80, 60), interpolation=cv2.INTER_AREA)
        assert not no_image(small).any()
    assert abs(scores[0] - scores[1]) < 0.05, scores
    vs, us = np.mgrid[0:240, 0:320]
    rgb[us + (240 - vs) < 80] = 0  # a turned image's corner beside it
    fill = no_image(cv2.resize(rgb, (80, 60), interpolation=cv2.INTER_AREA))
    assert fill[-1, 0] and fill.mean() < 0.1


def test_stack_pre_check_skips_only_boxes_the_full_check_rejects(monkeypatch):
    """The working-resolution pre-check changes the cost of the stack search, not its result.

    With the pre-check forced open, every touching-and-stacked scene gets exactly the same
    proposals (the stacked parts included) as with it.
    """
    import clip_perception.proposals as proposals_module

    scenes = [generate_layout_scene(820 + seed, 'touching')[0] for seed in range(6)]
    gated = [propose(s.rgb, s.depth, s.intrinsics) for s in scenes]
    assert any('stacked' in note for p in gated for note in p.notes)
    monkeypatch.setattr(proposals_module, '_may_hold_stack', lambda coarse, box: True)
    for s, a in zip(scenes, gated):
        b = propose(s.rgb, s.depth, s.intrinsics)
        assert np.array_equal(a.boxes, b.boxes) and a.notes == b.notes


def test_stack_checks_made_while_waiting_give_the_proposals_made_without(monkeypatch):
    """Stack checks made while the image proposals still run change when, not what.

    ``_stack_checks_while_waiting`` is made to run whatever the workers' pace (a future
    that never ends stands for one still running): every stacked, touching and real frame
    gets exactly the proposals of ``parallel=False`` (no such checks), and on some the
    parts found then are the ones ``add_stack_parts`` adds (issue 11, session 45). Only
    regions among the first ``STACK_CHECKS`` of the depth regions ranked as the pool
    ranks them (NMS at 0.6, later parts last) are checked: one further down is seldom
    among the pool's first (issue 11, helper-h163: two parts of the real posecnn_3 were
    checked for nothing; the 16 real frames' checks were 72 where 49 are used).
    """
    from concurrent.futures import Future

    import clip_perception.proposals as proposals_module
    from clip_perception.proposals import STACK_CHECKS

    made = proposals_module._stack_checks_while_waiting
    used = []

    def always(depth_m, intrinsics, surface, coarse, regions, shape, futures, *rest):
        checked = made(depth_m, intrinsics, surface, coarse, regions, shape, (Future(),),
                       *rest)
        used.append(sum(len(parts) for parts in checked.values()))
        h, w = shape
        boxes = np.clip(np.array([r['box'] for r in regions], float), 0, [w, h, w, h])
        prio = np.array([r['score'] for r in regions]) - 100.0 * np.array(
            [bool(r.get('joined')) for r in regions])
        first = later_parts_last(nms(boxes, prio, 0.6), regions)[:STACK_CHECKS]
        assert set(checked) <= set(first.tolist()), (sorted(checked), first)
        return checked

    monkeypatch.setattr(proposals_module, '_stack_checks_while_waiting', always)
    frames = [(s.rgb, s.depth, s.intrinsics) for s in (
        generate_layout_scene(seed, layout)[0] for layout in ('stacked', 'touching')
        for seed in range(40_000_000, 40_000_002))]
    frames += [(np.full(d.shape + (3,), 128, np.uint8), d, k)
               for _name, d, k in list(_real_depth_frames())[::6]]
    for rgb, depth, intr in frames:
        a = propose(rgb, depth, intr, parallel=False)
        b = propose(rgb, depth, intr)
        assert np.array_equal(a.boxes, b.boxes) and a.sources == b.sources
        assert np.array_equal(a.scores, b.scores) and a.notes == b.notes
        assert all((x is None and y is None) or np.array_equal(x, y)
                   for x, y in zip(a.masks, b.masks))
    assert len(used) == len(frames) and sum(used) > 0, used


def test_box_top_check_skips_only_boxes_without_stack_parts():
    """The full-resolution pre-check (the box's highest reading) rules out no stack.

    Every box of the first ``STACK_CHECKS`` proposals that ``_no_face_under_top`` rules
    out gets no parts from ``stack_parts`` either, with its refined mask, on the stacked
    and touching layouts and the real frames (helper-h133: 6 of 28 real boxes end there,
    none that holds a stack); and some that it lets on do hold a stack.
    """
    from clip_perception.geometry import _height_fn
    from clip_perception.geometry import stack_parts
    from clip_perception.geometry import support_levels
    from clip_perception.proposals import _no_face_under_top
    from clip_perception.proposals import mask_in_box
    from clip_perception.proposals import refine_mask

    frames = [(s.rgb, s.depth, s.intrinsics) for s in (
        generate_layout_scene(seed, layout)[0] for layout in ('stacked', 'touching')
        for seed in range(40_000_000, 40_000_004))]
    for _name, depth, intr in list(_real_depth_frames())[::3]:
        frames.append((np.full(depth.shape + (3,), 128, np.uint8), depth, intr))
    ruled_out = stacks = 0
    for depth, intr, props, i in _first_proposals(frames):
        height_fn = _height_fn(props.surface, props.plane)
        box = props.boxes[i]
        levels = support_levels(depth, box, intr, height_fn)
        if not levels[2][0].size:
            continue
        mask = refine_mask(depth, intr, props.surface, props.masks[i], box,
                           window=levels[2]) if props.masks[i] is not None else \
            mask_in_box(depth, intr, props.surface, box, window=levels[2])
        parts = [] if mask is None else stack_parts(
            depth, box, intr, mask, props.plane, props.surface, levels)
        if _no_face_under_top(levels, box, depth.shape):
            ruled_out += 1
            assert parts == [], box
        stacks += bool(parts)
    assert ruled_out and stacks, (ruled_out, stacks)


def test_the_stack_checks_first_look_every_few_pixels_finds_every_stack():
    """The stack check's first look at a few pixels' blocks lets on every box with a stack.

    On a stacked and a touching layout and three real frames, each of the first
    ``STACK_CHECKS`` proposals' boxes whose pixels are small enough
    (``STACK_CHECK_PITCH``, 2 mm: the YCB frames' 0.74-0.95 mm pixels, the layouts' under
    1 mm, not the ARC frames' from 1 mm up) is checked on the depth averaged over blocks
    of that many pixels: each box with a stack at full resolution holds one there too,
    and ``_stack_check`` returns the full check's parts.
    """
    from dataclasses import replace

    from clip_perception.geometry import binned_frame
    from clip_perception.proposals import _stack_check
    from clip_perception.proposals import _stack_check_at
    from clip_perception.proposals import _stack_check_stride

    frames = [(s.rgb, s.depth, s.intrinsics) for s in (
        generate_layout_scene(seed, layout)[0] for layout, seed in (
            ('stacked', 40_000_003), ('touching', 40_000_001)))]
    real = {n[:-4]: (d, k) for n, d, k in _real_depth_frames() if n in (
        'arc_pj0.npz', 'posecnn_2.npz', 'posecnn_5.npz')}
    for depth, intr in real.values():
        frames.append((np.full(depth.shape + (3,), 128, np.uint8), depth, intr))
    looked = stacks = 0
    for depth, intr, props, i in _first_proposals(frames):
        box, mask = props.boxes[i], props.masks[i]
        full = _stack_check_at(depth, box, mask, intr, props.plane, props.surface)
        got = _stack_check(depth, box, mask, intr, props.plane, props.surface)
        assert len(got) == len(full) and all(
            np.array_equal(a, b) for a, b in zip(got, full)), box
        stride = _stack_check_stride(depth, box, intr)
        if stride == 1:
            continue
        looked += 1
        coarse = replace(props.surface, scale=props.surface.scale * stride)
        d_s, box_s, intr_s, mask_s = binned_frame(depth, box, intr, mask, stride)
        first = _stack_check_at(d_s, box_s, mask_s, intr_s, props.plane, coarse, stride)
        if len(full):
            stacks += 1
            assert len(first), box
    assert looked >= 8 and stacks >= 4, (looked, stacks)
    box = np.array([200.0, 150.0, 300.0, 250.0])
    assert _stack_check_stride(real['posecnn_5'][0], box, real['posecnn_5'][1]) == 2
    assert _stack_check_stride(real['arc_pj0'][0], box, real['arc_pj0'][1]) == 1


def _first_proposals(frames):
    """Yield ``(depth, intrinsics, proposals, i)``: the stack-checked depth proposals.

    The first ``STACK_CHECKS`` of ``propose(use_image=False)`` of each ``(rgb, depth,
    intrinsics)`` frame that has a support surface.
    """
    from clip_perception.proposals import STACK_CHECKS

    for rgb, depth, intr in frames:
        props = propose(rgb, depth, intr, use_image=False)
        if props.surface is not None:
            for i in range(min(len(props), STACK_CHECKS)):
                yield depth, intr, props, i


def test_a_stack_part_box_is_the_box_of_its_pixels():
    """``_mask_box`` (OpenCV's bounding box of a part) gives the box of ``np.nonzero``.

    Full-frame masks of one pixel, of pieces apart and touching the frame's edges, as
    ``add_stack_parts`` boxes the parts that ``stack_parts`` returns.
    """
    from clip_perception.proposals import _mask_box

    rng = np.random.default_rng(7)
    masks = []
    for _ in range(40):
        m = np.zeros((480, 640), bool)
        for _ in range(rng.integers(1, 4)):
            x, y = rng.integers(0, 640), rng.integers(0, 480)
            m[y:y + rng.integers(1, 120), x:x + rng.integers(1, 160)] = True
        masks.append(m)
    one = np.zeros((720, 1280), bool)
    one[719, 1279] = True
    for m in masks + [one, ~np.zeros((5, 7), bool)]:
        ys, xs = np.nonzero(m)
        want = np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], np.float64)
        got = _mask_box(m)
        assert got.dtype == np.float64 and np.array_equal(got, want), (got, want)


# ---------------------------------------- the working grid is metric (issue 11, round 4)

def _cubes_on_a_table(w=640, h=480):
    """Depth, intrinsics, rgb and true boxes of three cubes (6, 4-8 and 2.5 cm) on a table."""
    cubes = [((0.08, -0.05, 0.03), (0.03, 0.03, 0.03), 0.3),
             ((-0.1, 0.02, 0.02), (0.02, 0.04, 0.02), -0.4),
             ((0.0, 0.12, 0.0125), (0.0125, 0.0125, 0.0125), 0.0)]
    table, intr = _tabletop([], w, h)
    truth = []
    for cube in cubes:
        alone, _ = _tabletop([cube], w, h)
        ys, xs = np.nonzero(np.abs(np.nan_to_num(alone) - np.nan_to_num(table)) > 1e-4)
        truth.append([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
    depth, intr = _tabletop(cubes, w, h)
    return depth, intr, np.full(depth.shape + (3,), 128, np.uint8), np.array(truth, float)


def test_a_cube_just_above_the_minimum_size_is_kept():
    """A 2.5 cm cube (minimum 2 cm) is a depth region, not dropped.

    Its size used to be measured without the edge pixels cut away at depth jumps, two
    working pixels short (1.3 cm measured at 213 px), so it was dropped as too small.
    """
    depth, intr, rgb, truth = _cubes_on_a_table()
    for width in (213, 160):
        regions, _, dropped, _, _ = depth_regions(depth, intr, rgb, work_width=width)
        boxes = np.array([r['box'] for r in regions]).reshape(-1, 4)
        assert len(boxes) and box_iou(truth[2:], boxes).max() > 0.6, width
        assert dropped == 0, width


def test_the_same_frame_gives_the_same_objects_on_a_coarser_working_grid():
    """At 213 and 160 working pixels the same cubes are proposed, with boxes on them.

    The rules are in metres or shares of the frame, not working pixels. Boxes sit up to
    half a working pixel right and low of their objects (0.89 IoU on the 4-8 cm cube at
    213 px). Centring them on the samples was tried and reverted: it cost two stacked
    cubes their pose in test_geometry's stack test (7 -> 5 of 12 within 15 mm).
    """
    depth, intr, rgb, truth = _cubes_on_a_table()
    found = {}
    for width in (213, 160):
        regions, surface, dropped, _, work = depth_regions(depth, intr, rgb, work_width=width)
        assert work.step == {213: 3, 160: 4}[width]
        assert surface is not None and abs(surface.offset - 0.55) < 0.01
        boxes = np.array([r['box'] for r in regions]).reshape(-1, 4)
        iou = box_iou(truth, boxes)
        assert sum(r['tier'] == TIER_OBJECT for r in regions) >= 2 and dropped == 0, width
        assert (iou.max(1)[:2] > 0.85).all() and iou.max(1)[2] > 0.6, (width, iou.max(1))
        found[width] = boxes[iou.argmax(1)]
    assert (np.diag(box_iou(found[213], found[160])) > 0.7).all()  # 2.5 cm: 4 px at 160


def test_proposals_take_the_working_width_and_stay_deterministic():
    scene, objs = generate_layout_scene(610, 'bin')
    a = propose(scene.rgb, scene.depth, scene.intrinsics, work_width=160)
    b = propose(scene.rgb, scene.depth, scene.intrinsics, work_width=160)
    assert np.array_equal(a.boxes, b.boxes) and a.sources == b.sources
    assert 0.5 < a.surface.offset < 0.9 and a.surface.scale == 0.25
    assert recall(objs, a).all()


def test_depth_in_micrometres_gives_proposals_not_a_terabyte_structuring_element():
    """Readings 1e3-1e6 times too small (a wrong depth_scale) still give proposals.

    Field report (round 9): the fragment-grouping radius is a metric gap over the metric
    size of a working pixel, so depth of 1e-5 m made it millions of pixels and the
    dilation kernel terabytes: MemoryError on every frame. The radius is now at most the
    working grid's size; on a real scale the proposals are the same.
    """
    scene = generate_scene(4242)
    normal = propose(scene.rgb, scene.depth, scene.intrinsics)
    assert len(normal)
    for scale in (1e-3, 1e-5, 1e-6):
        props = propose(scene.rgb, (scene.depth * scale).astype(np.float32),
                        scene.intrinsics)
        assert len(props) > 0


@pytest.mark.parametrize('image_up, up', [('up', (0, -1, 0)), ('down', (0, 1, 0)),
                                          ('left', (-1, 0, 0)), ('right', (1, 0, 0))])
def test_a_support_faces_the_image_up_of_the_cameras_mounting(image_up, up):
    """image_up: a camera upside down or on its side looks for the table facing that way.

    Turned real frames with the default found no support (opaque 68 -> 63 of 77,
    transparent 14 -> 8 of 17: clip_perception_eval real --views rotate:180).
    """
    from clip_perception.support import upright
    up = np.array(up, float)
    tilted = up * np.cos(0.5) + np.array([0.0, 0.0, -np.sin(0.5)])  # 29 deg to the camera
    assert upright(up, image_up) and upright(tilted, image_up)
    assert not upright(-up, image_up)  # a ceiling, an underside
    side = np.cross(up, [0.0, 0.0, 1.0])
    assert not upright(side, image_up) and not upright(-side, image_up)  # side walls
    assert upright(np.array([0.1, 0.1, -0.99]) / np.linalg.norm([0.1, 0.1, 0.99]), image_up)
    with pytest.raises(KeyError):
        upright(up, 'sideways')


def _real_depth_frames():
    """Yield ``(name, depth, intrinsics)`` of the 16 real frames (NaN = no reading)."""
    import glob
    import os

    from conftest import SHARED_DATA
    paths = sorted(glob.glob(os.path.join(SHARED_DATA, 'real_rgbd', '*.npz')))
    assert len(paths) == 16
    for path in paths:
        frame = np.load(path)
        depth = np.where(frame['depth'] > 0, frame['depth'], np.nan).astype(np.float32)
        k = frame['K']
        yield os.path.basename(path), depth, Intrinsics(
            fx=k[0, 0], fy=k[1, 1], cx=k[0, 2], cy=k[1, 2], width=depth.shape[1],
            height=depth.shape[0])


def _turned(depth, k, intrinsics):
    """``depth`` turned ``k`` quarter turns counter-clockwise, with its intrinsics."""
    h, w = depth.shape
    if k == 2:
        return depth[::-1, ::-1].copy(), Intrinsics(
            fx=intrinsics.fx, fy=intrinsics.fy, cx=w - 1 - intrinsics.cx,
            cy=h - 1 - intrinsics.cy, width=w, height=h)
    turned = np.ascontiguousarray(np.rot90(depth, k))
    cx, cy = (intrinsics.cy, w - 1 - intrinsics.cx) if k == 1 else \
        (h - 1 - intrinsics.cy, intrinsics.cx)
    return turned, Intrinsics(fx=intrinsics.fy, fy=intrinsics.fx, cx=cx, cy=cy, width=h,
                              height=w)


def test_the_support_names_which_way_up_points_in_a_turned_image():
    """image_up_hint: a camera mounted upside down or on its side is named, not turned.

    Session 33's open fault: a colour image turned 180 degrees (camera mounted upside
    down, the flip not applied) answered "not found" for 9 of 12 toy scenes' objects
    (12 of 12 with image_up:=down) and nothing said why. The support surface's normal
    tells: toy scenes turned 180 degrees named ``down`` 11/12, a quarter turn
    counter-clockwise ``left`` 12/12, clockwise ``right`` 12/12; upright 0/12 named. The
    16 real frames upright: none named (ARC's tote, seen straight down, has no up); read
    as upside down, ``up`` named for 9, nothing for 6, ``right`` for one.
    """
    from clip_perception.support import image_up_hint
    named = {0: [], 1: [], 2: [], 3: []}
    for seed in range(12):
        scene = generate_scene(seed)
        for k in named:
            hint = image_up_hint(*_turned(scene.depth, k, scene.intrinsics))
            named[k].append(hint and hint[0])
    assert named[0] == [None] * 12, named[0]
    assert named[1] == ['left'] * 12 and named[3] == ['right'] * 12, named
    assert named[2].count('down') >= 11 and set(named[2]) <= {'down', None}, named[2]
    said = []
    for path, depth, intr in _real_depth_frames():
        assert image_up_hint(depth, intr) is None, path
        told = image_up_hint(depth, intr, 'down')  # read as upside down: up, or nothing
        said.append(told and told[0])
    # One frame (cleargrasp_transparent_130) holds more on a plane facing sideways: named
    # ``right``, the limit of judging by what stands on a surface.
    assert said.count('up') >= 9 and said.count(None) + said.count('up') >= 15, said


def test_a_surface_seen_edge_on_does_not_settle_which_way_up_points():
    """The 16 real frames turned as a camera on its side or upside down sends them.

    Review of 8bc030d: the first look (under ``image_up``) settled the hint whenever it
    found any plane facing that way, even one seen edge-on (its normal within 12 degrees
    of the image plane: a box side, a tote wall), so a real tabletop turned a quarter turn
    counter-clockwise was named ``left`` in 7 of 16 frames (clockwise 12, upside down 8)
    and two frames named a wrong side. A surface seen so (:data:`MIN_SUPPORT_FACING`)
    settles nothing and wins no comparison (the first look's stays a candidate): named
    left 11, down 9, right 13 of 16, none wrong; read as mounted, none of the 64 views
    named (ARC's tote, seen straight down, has no up to tell).
    """
    from clip_perception.support import image_up_hint
    named = {'left': 0, 'down': 0, 'right': 0}
    wrong, as_mounted = [], []
    for path, depth, intr in _real_depth_frames():
        for quarter, up in ((0, 'up'), (1, 'left'), (2, 'down'), (3, 'right')):
            turned, turned_intr = _turned(depth, quarter, intr)
            if image_up_hint(turned, turned_intr, up) is not None:
                as_mounted.append((path, up))
            if quarter:
                hint = image_up_hint(turned, turned_intr)
                named[up] += hint is not None and hint[0] == up
                if hint is not None and hint[0] != up:
                    wrong.append((path, up, hint[0]))
    assert as_mounted == [] and wrong == [], (as_mounted, wrong)
    assert named['left'] >= 11 and named['down'] >= 9 and named['right'] >= 13, named


def test_a_camera_pitched_low_over_the_table_is_not_named_turned():
    """A table seen at 12-18 degrees of pitch faces the camera little, but is the support.

    The edge-on rule (:data:`MIN_SUPPORT_FACING`, sin 11.5 degrees) must leave such a view
    alone: toy scenes at that pitch, read as mounted, none named; turned, named as before.
    """
    from clip_perception.support import image_up_hint
    from clip_perception.world.scenes import Appearance
    named = {1: 0, 3: 0}
    for seed in range(12):
        scene = generate_scene(seed, appearance=Appearance(camera_pitch=(12.0, 18.0)))
        for quarter, up in ((0, 'up'), (1, 'left'), (2, 'down'), (3, 'right')):
            turned, intr = _turned(scene.depth, quarter, scene.intrinsics)
            assert image_up_hint(turned, intr, up) is None, (seed, up)
            if quarter in named:
                hint = image_up_hint(turned, intr)
                named[quarter] += hint is not None and hint[0] == up
    assert named[1] >= 11 and named[3] >= 11, named


def test_nan_box_mean_is_the_mean_of_the_readings_in_each_window_of_the_real_frames():
    """support.nan_box_mean: each pixel's mean of the readings in its k x k window.

    The one NaN-aware window mean of flat_mask_in_box, _coarse_faces and geometry's
    support levels: each pixel's mean of the readings in its
    k x k window (reflected at the border as cv2.blur does), NaN holes neither counted
    nor read as 0, checked against numpy's nanmean on the real frames' holes.
    """
    from numpy.lib.stride_tricks import sliding_window_view

    from clip_perception.support import nan_box_mean
    for name, depth, _ in list(_real_depth_frames())[::5]:
        crop = depth[200:260, 300:380]
        valid = np.isfinite(crop)
        assert not valid.all(), name  # holes to skip
        for k in (3, 7):
            mean, share = nan_box_mean(crop, valid, k)
            r = k // 2
            pad = np.pad(np.where(valid, crop, np.nan), r, mode='reflect')  # = REFLECT_101
            windows = sliding_window_view(pad, (k, k))
            counts = np.isfinite(windows).sum(axis=(2, 3))
            with warnings.catch_warnings():  # all-NaN windows: 'Mean of empty slice'
                warnings.simplefilter('ignore', RuntimeWarning)
                want = np.nanmean(windows, axis=(2, 3))
            assert mean.dtype == np.float32 and share.dtype == np.float32
            assert np.allclose(share, counts / k ** 2, atol=1e-6), (name, k)
            some = counts > 0
            assert np.allclose(mean[some], want[some], rtol=1e-5, atol=1e-6), (name, k)
            assert np.all(mean[~some] == 0), (name, k)


def test_largest_component_keeps_each_callers_connectivity():
    """support.largest_component: the largest part under the connectivity asked for.

    The one "largest connected part" of support (8-connected) and mask_in_box /
    flat_mask_in_box (4-connected): a diagonal chain is one part under
    8-connectivity and single pixels under 4; an empty mask has none.
    """
    from clip_perception.support import largest_component
    mask = np.zeros((8, 8), bool)
    for i in range(4):
        mask[i, i] = True  # a diagonal of 4 pixels
    mask[6, 5:8] = True  # a row of 3
    part, area = largest_component(mask, 8)
    assert area == 4 and part.sum() == 4 and part[0, 0] and not part[6, 5]
    part, area = largest_component(mask, 4)
    assert area == 3 and part[6, 5:8].all() and part.sum() == 3
    part, area = largest_component(np.zeros((5, 5), bool), 4)
    assert area == 0 and part.shape == (5, 5) and part.dtype == bool and not part.any()


def _plane_points(rng, origin, u, v, lu, lv, noise, n=1500):
    a, b = rng.uniform(0, lu, n), rng.uniform(0, lv, n)
    p = np.asarray(origin) + np.outer(a, u) + np.outer(b, v)
    return p + rng.normal(0, noise, p.shape)


def test_a_containers_side_wall_is_one_steep_plane_longer_than_high():
    """:func:`container_wall`: a tote's side, not a box's front or an object seen from above.

    Camera frame, the support's normal pointing up at the camera from 1 m below and 40
    degrees down (issue 11: the tote sides of ARC's frames and of the ``pile`` layout).
    """
    rng = np.random.default_rng(3)
    t = np.deg2rad(40)
    up = np.array([0.0, -np.sin(t), -np.cos(t)])  # the support's normal, camera frame
    along = np.array([1.0, 0.0, 0.0])
    out = np.cross(up, along)  # horizontal, away from the camera
    base = np.array([-0.15, 0.1, 1.0])
    # A tote's far side: 0.34 m long, 0.14 m high, 3 mm noise.
    assert container_wall(_plane_points(rng, base, along, up, 0.34, 0.14, 0.003), up)
    # A standing box's front face, as high as long (posecnn's cracker box: 0.19 x 0.20).
    assert not container_wall(_plane_points(rng, base, along, up, 0.19, 0.2, 0.003), up)
    # Too short (0.15 m) or too low (5 cm) for a container's side.
    assert not container_wall(_plane_points(rng, base, along, up, 0.15, 0.09, 0.003), up)
    assert not container_wall(_plane_points(rng, base, along, up, 0.34, 0.05, 0.003), up)
    # A long box seen from above: its top and its front, not one plane.
    top = _plane_points(rng, base + 0.1 * up, along, out, 0.34, 0.1, 0.003, 800)
    front = _plane_points(rng, base, along, up, 0.34, 0.1, 0.003, 800)
    assert not container_wall(np.concatenate([top, front]), up)
    # The floor itself, and too few points.
    assert not container_wall(_plane_points(rng, base, along, out, 0.34, 0.3, 0.003), up)
    assert not container_wall(_plane_points(rng, base, along, up, 0.34, 0.14, 0.003, 20), up)


def test_a_steep_plane_bounds_a_container_only_with_the_floor_on_one_side_ending_at_it():
    """:func:`container_wall` with the floor: a tote's side, not items amid the floor.

    A container's floor lies on its side's inner side alone and ends at its corners
    (issue 11, helper-h128): items heaped in the middle of a tote made one steep surface
    with the floor on both sides, and a long box seen face-on stands on a table that runs
    on past both its ends.
    """
    rng = np.random.default_rng(5)
    t = np.deg2rad(40)
    up = np.array([0.0, -np.sin(t), -np.cos(t)])
    along = np.array([1.0, 0.0, 0.0])
    out = np.cross(up, along)  # horizontal, away from the camera
    base = np.array([-0.15, 0.1, 1.0])
    side = _plane_points(rng, base, along, up, 0.34, 0.14, 0.003)
    inner = _plane_points(rng, base - 0.3 * out, along, out, 0.34, 0.3, 0.002)  # in front
    beyond = _plane_points(rng, base, along, out, 0.34, 0.3, 0.002)  # behind it
    assert container_wall(side, up, inner)
    assert container_wall(side, up, np.zeros((0, 3)))  # no floor seen: the plane decides
    # The floor on both sides: a surface standing amid the floor, no container's side.
    assert not container_wall(side, up, np.concatenate([inner, beyond]))
    # A few floor points behind (a tote's rim, noise) do not count.
    assert container_wall(side, up, np.concatenate([inner, beyond[:60]]))
    # The floor running on past both ends (a table under a long box seen face-on) ...
    table = _plane_points(rng, base - 0.3 * out - 0.2 * along, along, out, 0.74, 0.3, 0.002)
    assert not container_wall(side, up, table)
    # ... but past one end only (a side cut short by the frame or by an item) it bounds.
    cut = _plane_points(rng, base - 0.3 * out - 0.09 * along, along, out, 0.43, 0.3, 0.002)
    assert container_wall(side, up, cut)


def test_a_long_box_seen_face_on_is_an_object_not_a_containers_side():
    """A shoebox (0.32 x 0.12 m face) seen level with its top: one steep plane, long, low.

    It passed :func:`container_wall` on its shape alone and ranked with the parts (tier
    1.2); the table beside it, past both its ends, says it bounds no container.
    """
    shoebox = ((0.0, 0.0, 0.06), (0.16, 0.05, 0.06), 0.0)
    for cam in ((0.0, -0.9, 0.12), (0.0, -0.8, 0.1), (0.3, -0.8, 0.12)):
        depth, intr = _tabletop([shoebox], cam=cam)
        rgb = np.full(depth.shape + (3,), 128, np.uint8)
        regions, surface, _, _, _ = depth_regions(depth, intr, rgb)
        assert surface is not None
        wholes = [r for r in regions if r['parent'] is None]
        assert len(wholes) == 1 and wholes[0]['tier'] == TIER_OBJECT, (cam, wholes)
        assert not wholes[0]['container_wall']


def test_items_heaped_amid_a_totes_floor_are_no_containers_side():
    """The ``pile`` layout's scene 40_008_007: a cylinder, bars and a lying box amid the floor.

    Their tops and fronts made one steep surface 0.22 m long, flagged as the tote's side,
    which sent its parts behind every other proposal: the white bar (IoU 0.77) fell out
    of the cap. The floor lies on both sides of it. Now no region flagged as a side is
    mostly items, and the white bar is proposed (issue 11, helper-h128).
    """
    from clip_perception.world.scenes import generate_layout_scene

    scene, objs = generate_layout_scene(40_008_007, 'pile')
    items = np.logical_or.reduce([o.mask for o in objs])
    regions, surface, _, _, _ = depth_regions(scene.depth, scene.intrinsics, scene.rgb)
    h, w = scene.depth.shape
    sides = [r for r in regions if r['container_wall'] and r['parent'] is None]
    assert sides  # the tote's far side is still one
    for r in sides:
        assert items[region_mask(r, (h, w))].mean() < 0.5, r['box']
    props = propose(scene.rgb, scene.depth, scene.intrinsics)
    white = [o for o in objs if o.name == 'white bar']
    iou = box_iou(np.array([o.box for o in white], float), props.boxes)
    assert iou.max(1).max() >= 0.5


def test_a_totes_side_walls_rank_after_the_items_heaped_in_it():
    """The ``pile`` layout: the tote's sides stood on its floor and ranked as objects.

    Each side is a steep plane under ``support``'s wall limits (0.45 m across), so it was a
    whole region in the object tier, ranked 3rd-8th above the items (issue 11; ARC's
    ``arc_suction`` had its right side 3rd). Now no proposal of the first eight is mostly
    wall: pixels of no item, 3 cm or more above the tote's floor. (Scene 40_008_009 still
    has a wall piece 4th: the side is cut by an item leaning on it into pieces under
    ``WALL_MIN_LENGTH``.)
    """
    from clip_perception.geometry import back_project
    from clip_perception.world.scenes import generate_layout_scene

    for seed in (40_008_001,):  # the 2nd scene of `layouts --layouts pile`
        scene, objs = generate_layout_scene(seed, 'pile')
        props = propose(scene.rgb, scene.depth, scene.intrinsics)
        items = np.logical_or.reduce([o.mask for o in objs])
        h, w = scene.depth.shape
        vs, us = np.mgrid[0:h, 0:w]
        height = props.surface.height(back_project(
            us.ravel(), vs.ravel(), scene.depth.ravel(), scene.intrinsics)).reshape(h, w)
        wall = ~items & (height > 0.03) & (height < 0.3)
        for k in range(8):
            if props.masks[k] is not None:
                assert wall[props.masks[k]].mean() < 0.6, (seed, k, props.boxes[k])


def test_a_dark_item_among_a_piles_lower_items_is_proposed():
    """A tote heaped with items whose support is a plane through the pile's tops.

    The ``pile`` layout's scene 40_008_020 (a seed past the layout's ten): 13% of the
    support's region lies 1-15 cm under it, and three items 6-9 cm under it, off its region
    (issue 11, ARC's ``arc_suction``). With the orange bar's depth removed (a dark item
    returning none, as a black glove does), its hole was off the support's region, so its
    image box was judged as background and ranked out of the cap (best IoU 0.34); a hole
    in the pile's surface (:func:`pile_surface`) lifts it in (0.73). The six items found
    before stay found (the blue bar, 0.35, stays missed).
    """
    from clip_perception.world.scenes import generate_layout_scene

    scene, objs = generate_layout_scene(40_008_020, 'pile')
    bar = objs[4]
    assert bar.name == 'orange bar'
    depth = scene.depth.copy()
    depth[bar.mask] = np.nan
    work = depth_regions(depth, scene.intrinsics, scene.rgb)[4]
    assert pile_surface(work) is not None
    props = propose(scene.rgb, depth, scene.intrinsics)
    best = box_iou(np.array([o.box for o in objs], float), props.boxes).max(axis=1)
    assert best[4] >= 0.5
    assert (np.delete(best, [3, 4]) >= 0.5).all(), best


def _drill_beside_a_clamp(elevation, distance, side):
    """Render a drill-like object (a body over its handle, towards the camera) and a clamp.

    The body (an 8 cm block on a 12 cm handle, both red) overhangs the handle towards the
    camera, so a depth jump parts the body from the handle it hides the top of; the
    handle stands against a row of yellow blocks (the clamp) at its own depth, so depth
    makes handle and clamp one region. (posecnn_5's power drill, issue 11.)

    :return: ``(Frame, drill box (1, 4) px)``.
    """
    things = (Thing('cube', 'red', (0.0, 0.02), 0.035, height=0.12),
              Thing('cube', 'red', (0.0, 0.0), 0.08, height=0.05, base=0.12),
              *(Thing('cube', 'yellow', (side * 0.035 * k, 0.02), 0.035,
                      height=0.07 if k == 1 else 0.05) for k in range(1, 5)),
              Thing('ball', 'green', (0.15, -0.1), 0.06))
    frame = tabletop(640, 480, distance=distance, elevation_deg=elevation, things=things,
                     seed=1)
    ys, xs = np.nonzero((frame.ids == 0) | (frame.ids == 1))
    return frame, np.array([[xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]], float)


@pytest.mark.parametrize('elevation,distance,side', [(30, 0.8, 1), (40, 0.7, -1),
                                                      (25, 0.9, 1), (45, 0.8, -1)])
def test_a_body_in_front_of_its_handle_is_joined_to_it(elevation, distance, side):
    """One object in two depth regions: the body in front, the handle merged with a clamp.

    No region alone covered the object (best IoU 0.40-0.59 over these cameras: the body,
    or the handle with the clamp); the nearer whole joined to the colour piece behind it
    does (0.94-0.95), ranked in ``TIER_JOINED``, and the object stays proposed.
    """
    frame, drill = _drill_beside_a_clamp(elevation, distance, side)
    regions = depth_regions(frame.depth, frame.intrinsics, frame.rgb)[0]
    alone = max(box_iou(drill, np.array([r['box']]))[0, 0] for r in regions
                if not r.get('joined'))
    joined = [r for r in regions if r.get('joined')]
    best = max(joined, key=lambda r: box_iou(drill, np.array([r['box']]))[0, 0])
    assert alone < 0.6
    assert box_iou(drill, np.array([best['box']]))[0, 0] >= 0.9
    assert best['tier'] == TIER_JOINED and not best['container_wall']
    # Its mask is the body and the handle: mostly the drill's pixels, not the clamp's.
    mask = region_mask(best, frame.depth.shape)
    assert ((frame.ids[mask] == 0) | (frame.ids[mask] == 1)).mean() > 0.8
    props = propose(frame.rgb, frame.depth, frame.intrinsics)
    assert box_iou(drill, props.boxes).max() >= 0.8


def test_a_joined_pair_suppresses_no_box_it_overlaps():
    """A joined pair is kept only where no other box overlaps it past the NMS threshold.

    Without the rule, joined pairs ranked above image boxes of the same object removed
    those boxes at NMS and, less well placed themselves, lost it (a black case in the
    ``blur:2`` view of the real frames).
    """
    frame, drill = _drill_beside_a_clamp(30, 0.8, 1)
    props = propose(frame.rgb, frame.depth, frame.intrinsics, max_proposals=1000)
    joined = [r['box'] for r in depth_regions(frame.depth, frame.intrinsics, frame.rgb)[0]
              if r.get('joined')]
    kept = [k for k in range(len(props)) if props.sources[k] == SOURCE_DEPTH and
            tuple(props.boxes[k]) in joined]
    others = [k for k in range(len(props)) if k not in kept]
    for k in kept:
        assert box_iou(props.boxes[k:k + 1], props.boxes[others]).max() <= 0.6


def test_boxes_packed_side_by_side_at_two_heights_are_not_joined():
    """A tall box beside a lower one is two objects: it does not overhang it.

    ``packed_mixed`` scene 40_011_005 (boxes edge to edge at two heights): a tall box and
    the colour piece of the lower boxes beside it met every other test of a joined pair;
    their union ranked 6th and pushed the white bar's stacked part, the 32nd proposal, out
    of the cap (60 -> 59 of 64). None of the lower boxes' points has its foot under the
    tall box (``JOINED_UNDER``), so no pair is joined and the white bar stays.
    """
    scene, objs = generate_layout_scene(40_011_005, 'packed_mixed')
    regions = depth_regions(scene.depth, scene.intrinsics, scene.rgb)[0]
    assert not any(r.get('joined') for r in regions)
    props = propose(scene.rgb, scene.depth, scene.intrinsics)
    iou = box_iou(np.array([o.box for o in objs], float), props.boxes).max(axis=1)
    white = [k for k, o in enumerate(objs) if o.name == 'white bar']
    assert white and (iou[white] >= 0.5).all()


def test_cross3_is_numpys_cross_bit_for_bit():
    """support.cross3 (the surface frames' and walls' cross products): np.cross's values.

    The bytes, signed zeros included, and the dtype, for float64, float32, mixed and list
    inputs, random and axis-aligned vectors.
    """
    from clip_perception.support import cross3

    rng = np.random.default_rng(3)
    pairs = [(rng.standard_normal(3), rng.standard_normal(3)) for _ in range(200)]
    pairs += [(a.astype(np.float32), b.astype(np.float32)) for a, b in pairs[:50]]
    pairs += [(a.astype(np.float32), b) for a, b in pairs[:50]]
    pairs += [(a, [0.0, 0.0, 1.0]) for a, _ in pairs[:50]]
    pairs += [([0.0, -0.0, 1.0], [1.0, 0.0, 0.0]), ([-0.0, 0.0, -1.0], [0.0, 1.0, 0.0])]
    for a, b in pairs:
        want, got = np.cross(a, b), cross3(a, b)
        assert got.dtype == want.dtype and got.shape == (3,)
        assert got.tobytes() == want.tobytes(), (a, b)


def test_percentile_is_numpys_percentile_bit_for_bit():
    """support.percentile (the plane, stack and saliency tests): np.percentile's bytes.

    The value, dtype and type (numpy scalar for a number, array for a list) for float32
    and float64 arrays of 1 to 3,000 values, with ties, signed zeros and NaN, and the
    percentiles the proposals ask for, 0 and 100 included.
    """
    from clip_perception.support import percentile

    rng = np.random.default_rng(6)
    qs = [99, 1, 2, 98, 50, 75, 88, 0, 100, 95.0, 12.5, np.float64(75.0),
          [1, 99], [2, 98], [5, 95], [0, 100], [10.0, 90.0]]
    for t in range(1500):
        n = int(rng.integers(1, 3000)) if t % 5 else int(rng.integers(1, 6))
        a = (rng.standard_normal(n) * rng.random()).astype((np.float32, np.float64)[t % 2])
        if t % 7 == 0:
            a = np.round(a, 1)  # ties
        if t % 11 == 0:
            a[rng.integers(0, n)] = np.nan
        if t % 13 == 0:
            a[:] = 0.0
            a[::2] = -0.0
        q = qs[t % len(qs)]
        want, got = np.percentile(a, q), percentile(a, q)
        assert type(got) is type(want) and np.asarray(got).dtype == np.asarray(want).dtype
        assert np.asarray(got).tobytes() == np.asarray(want).tobytes(), (n, q)


def test_percentile_rows_is_numpys_percentile_along_the_rows_bit_for_bit():
    """support.percentile_rows (_is_large's extents): np.percentile(a, q, axis=-1)'s bytes.

    Float32 and float64 arrays of 1 to 4 rows of 1 to 3,000 values, with ties, signed
    zeros and NaN, and the pairs of percentiles the proposals ask for; each row also as
    support.percentile gives it, which it replaces there.
    """
    from clip_perception.support import percentile
    from clip_perception.support import percentile_rows

    rng = np.random.default_rng(7)
    qs = [[2, 98], [1, 99], [5, 95], [0, 100], [10.0, 90.0], [50], [2.5, 97.5, 50]]
    for t in range(600):
        n = int(rng.integers(1, 3000)) if t % 5 else int(rng.integers(1, 6))
        k = int(rng.integers(1, 5))
        a = (rng.standard_normal((k, n)) * rng.random()).astype((np.float32, np.float64)[t % 2])
        if t % 7 == 0:
            a = np.round(a, 1)  # ties
        if t % 11 == 0:
            a[rng.integers(0, k), rng.integers(0, n)] = np.nan
        if t % 13 == 0:
            a[:] = 0.0
            a[:, ::2] = -0.0
        q = qs[t % len(qs)]
        want, got = np.percentile(a, q, axis=-1), percentile_rows(a, q)
        rows = np.array([percentile(a[i], q) for i in range(k)]).T
        assert got.dtype == want.dtype and got.shape == want.shape
        assert got.tobytes() == want.tobytes() == rows.tobytes(), (n, k, q)


def test_per_channel_is_the_broadcast_of_an_image_to_three_channels():
    """support._per_channel (normals' masks, divisions and signs): a[..., None]'s values.

    Bool, float32 with NaN and signed zeros, and float64 images of 1-40 x 1-40 pixels,
    a transposed view among them: the (h, w, 3) array equals the broadcast bit for bit
    and is C-contiguous (the point of it).
    """
    from clip_perception.support import _per_channel

    rng = np.random.default_rng(11)
    for t in range(200):
        a = rng.standard_normal(tuple(int(v) for v in rng.integers(1, 40, 2)))
        if t % 3 == 0:
            a = a > 0
        elif t % 3 == 1:
            a = a.astype(np.float32)
            a[rng.random(a.shape) < 0.2] = np.nan
            a[rng.random(a.shape) < 0.1] = -0.0
        if t % 4 == 0:
            a = a.T
        got = _per_channel(a)
        want = np.broadcast_to(a[..., None], a.shape + (3,))
        assert got.dtype == a.dtype and got.flags.c_contiguous
        assert got.tobytes() == np.ascontiguousarray(want).tobytes()


def test_nan_to_is_numpys_nan_to_num_bit_for_bit():
    """support.nan_to (the depth grid's NaN filled): np.nan_to_num(a, nan=v)'s bytes.

    Float32 and float64 arrays of 1 to 3 axes, transposed views among them, with NaN,
    +-inf (np.nan_to_num's largest finite values) and signed zeros, for the values the
    proposals fill with (0, -10, inf).
    """
    from clip_perception.support import nan_to

    rng = np.random.default_rng(9)
    for t in range(600):
        shape = tuple(int(v) for v in rng.integers(1, 30, int(rng.integers(1, 4))))
        a = (rng.standard_normal(shape) * 10).astype((np.float32, np.float64)[t % 2])
        f = a.reshape(-1)
        f[rng.random(f.size) < 0.3 * (t % 3 > 0)] = np.nan
        if t % 5 == 0:
            f[rng.random(f.size) < 0.1] = np.inf
        if t % 7 == 0:
            f[rng.random(f.size) < 0.1] = -np.inf
        if t % 11 == 0:
            f[rng.random(f.size) < 0.3] = -0.0
        if t % 4 == 0:
            a = a.T
        for value in (0.0, -10.0, np.inf):
            want, got = np.nan_to_num(a, nan=value), nan_to(a, value)
            assert got.dtype == want.dtype and got.shape == want.shape
            assert got.tobytes() == want.tobytes(), (shape, value)



def test_working_grid_and_height_are_their_formulas_bit_for_bit():
    """support.working_grid's back-projection and SupportSurface.height, bit for bit.

    The working grid is ((u - cx) z / fx, (v - cy) z / fy, z) of every step-th pixel as
    np.mgrid's grids give it; the height is n . p + d minus the bend c0 + c1 a + c2 b +
    c3 a^2 + c4 a b + c5 b^2, left to right: float32 points in float32, float64 points
    and one point (3,) in float64.
    """
    from clip_perception.support import SupportSurface

    rng = np.random.default_rng(14)
    for shape, width in (((480, 640), None), ((720, 1280), None), ((61, 47), 20)):
        depth = (0.4 + rng.random(shape)).astype(np.float32)
        depth[rng.random(shape) < 0.2] = np.nan
        intr = Intrinsics.default(shape[1], shape[0])
        pts, step = working_grid(depth, intr, width)
        z = depth[::step, ::step]
        vs, us = np.mgrid[0:shape[0]:step, 0:shape[1]:step].astype(np.float32)
        want = np.stack([(us - intr.cx) * z / intr.fx, (vs - intr.cy) * z / intr.fy, z], -1)
        assert pts.dtype == np.float32 and pts.tobytes() == want.astype(np.float32).tobytes()
        normal = rng.standard_normal(3)
        normal /= np.linalg.norm(normal)
        axes = np.linalg.svd(normal[None])[2][1:]
        s = SupportSurface(normal=normal, offset=float(rng.random()), axes=axes,
                           quadratic=rng.standard_normal(6), region=np.ones(z.shape, bool),
                           scale=1.0 / step, inlier_fraction=0.5, support_count=1)
        for p in (pts, pts.astype(np.float64), pts.reshape(-1, 3)[:500], pts[3, 3]):
            f32 = p.dtype == np.float32
            n, ax, q = (x.astype(np.float32) if f32 else x for x in (normal, axes, s.quadratic))
            a, b = p @ ax[0], p @ ax[1]
            want = p @ n + s.offset - \
                (q[0] + q[1] * a + q[2] * b + q[3] * a * a + q[4] * a * b + q[5] * b * b)
            got = s.height(p)
            assert np.asarray(got).dtype == np.asarray(want).dtype
            assert np.asarray(got).tobytes() == np.asarray(want).tobytes(), p.shape

def test_components_are_opencvs_labels_and_stats_in_the_masks_box():
    """proposals._components labels the mask's box only: OpenCV's labels and stats, byte for byte.

    Random masks (empty, full, one pixel missing, foreground in a corner or a band,
    touching each edge or none), the background's row (label 0) included.
    """
    from clip_perception.proposals import _components

    rng = np.random.default_rng(8)
    masks = [np.zeros((30, 40), bool), np.ones((30, 40), bool), np.zeros((1, 1), bool)]
    for t in range(400):
        h, w = (int(v) for v in rng.integers(1, 60, 2))
        m = rng.random((h, w)) < rng.random()
        if t % 3 == 0:
            m[:int(rng.integers(0, h + 1))] = False
        if t % 5 == 0:
            m[:, int(rng.integers(0, w + 1)):] = False
        if t % 7 == 0:
            m[:] = True
            m[rng.integers(0, h), rng.integers(0, w)] = False
        masks.append(m)
    for m in masks:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(m.astype(np.uint8),
                                                               connectivity=4)
        got = _components(m)
        assert got[0] == n
        for a, b in ((got[1], labels), (got[2], stats)):
            assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_unique_rows_is_numpys_unique_along_the_rows():
    """proposals.unique_rows (the image boxes' de-duplication): np.unique(a, axis=0)'s bytes.

    Integer and float rows with many repeats, 0 to 300 rows of 1 to 4 columns.
    """
    from clip_perception.proposals import unique_rows

    rng = np.random.default_rng(5)
    for t in range(300):
        dtype = (np.int32, np.int64, np.float64)[t % 3]
        a = rng.integers(0, rng.integers(1, 20), (rng.integers(0, 300), rng.integers(1, 5)))
        a = (a / 3.0 if dtype is np.float64 else a).astype(dtype)
        want, got = np.unique(a, axis=0), unique_rows(a)
        assert got.dtype == want.dtype and got.shape == want.shape
        assert got.tobytes() == want.tobytes()


def test_labels_and_areas_are_opencvs_labels_and_area_statistics():
    """support._labels_and_areas (large_components, largest_component): OpenCV's with-stats.

    The same count, labels and areas as ``cv2.connectedComponentsWithStats``, 4- and
    8-connected, on random masks of every density, empty and full ones included.
    """
    from clip_perception.support import _labels_and_areas

    rng = np.random.default_rng(7)
    for t in range(100):
        mask = rng.random((int(rng.integers(1, 80)), int(rng.integers(1, 80)))) < t / 99
        for connectivity in (4, 8):
            n, labels, areas = _labels_and_areas(mask, connectivity)
            want = cv2.connectedComponentsWithStats(mask.astype(np.uint8),
                                                    connectivity=connectivity)
            assert n == want[0] and labels.dtype == want[1].dtype
            assert np.array_equal(labels, want[1])
            assert np.array_equal(areas, want[2][:, cv2.CC_STAT_AREA])


def test_large_components_are_the_parts_with_the_share_of_the_largest():
    """support.large_components: the parts of at least ``fraction`` of the largest's area.

    Against OpenCV's with-stats labels and areas picked by indexing, 4- and 8-connected,
    on random masks of every density: fewer than 257 parts (the uint8 labels' table)
    and more (the int32 labels indexed), empty and full ones included.
    """
    from clip_perception.support import large_components

    rng = np.random.default_rng(16)
    counts = set()
    for t in range(100):
        mask = rng.random((int(rng.integers(1, 90)), int(rng.integers(1, 90)))) < t / 99
        for connectivity in (4, 8):
            for fraction in (0.0, 0.15, 0.2, 1.0):
                n, labels, stats, _ = cv2.connectedComponentsWithStats(
                    mask.astype(np.uint8), connectivity=connectivity)
                areas = stats[:, cv2.CC_STAT_AREA]
                keep = np.zeros(n, bool)
                if n > 1:
                    keep[1:] = areas[1:] >= fraction * areas[1:].max()
                got = large_components(mask, fraction, connectivity)
                assert got.dtype == bool and np.array_equal(got, keep[labels])
                counts.add(n > 256)
    assert counts == {False, True}


def test_label_points_are_the_points_of_the_label_in_row_major_order():
    """proposals._label_points: ``pts[labels == label]``, read from the label's box."""
    from clip_perception.proposals import _label_points

    rng = np.random.default_rng(4)
    mask = (rng.random((40, 50)) > 0.5).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    pts = rng.standard_normal((40, 50, 3)).astype(np.float32)
    pts[rng.random((40, 50)) > 0.9] = np.nan
    assert n > 10
    for i in range(n):
        got = _label_points(pts, labels, stats, i)
        want = pts[labels == i]
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()


def test_under_share_is_the_share_of_the_lower_points_under_the_upper_footprint():
    """Points binned in 1 cm cells of the support's plane, whatever their height."""
    from clip_perception.proposals import _under_share

    up = np.array([0.0, 0.0, 1.0])
    g = np.stack(np.meshgrid(np.arange(0.0, 0.05, 0.004), np.arange(0.0, 0.05, 0.004)),
                 -1).reshape(-1, 2)
    top = np.column_stack([g, np.full(len(g), 0.2)])
    under = np.column_stack([g[:, 0] + 0.0205, g[:, 1], np.full(len(g), 0.05)])
    beside = under + [0.06, 0.0, 0.0]
    assert _under_share(top, top - [0, 0, 0.1], up) == 1.0
    assert 0.3 < _under_share(top, under, up) < 0.7
    assert _under_share(top, beside, up) == 0.0
    assert _under_share(top, np.full((3, 3), np.nan), up) == 0.0


def _scissors(elevation, distance, seed, blade=0.007):
    """Render a flat object of two parts on an orange table.

    A handle (a 3.5 cm square, 8 mm thick) and, 5 mm beyond it, a blade (two 1.5 cm
    plates, ``blade`` m thick), orange like the table (ARC's pink scissors on the salmon
    tote): each part under the standing threshold (10-11 mm at 0.7-0.85 m). 320x240 at a
    30 degree field of view: a 640x480 camera's focal length, so its disparity steps and
    noise, in a quarter of the rendering time.

    :return: ``(Frame, the object's box (1, 4) px)``.
    """
    things = (Thing('cube', 'orange', (-0.03, 0.0), 0.035, height=0.008),
              *(Thing('cube', 'orange', (0.0025 + 0.015 * k, 0.0), 0.015, height=blade)
                for k in range(2)))
    frame = tabletop(320, 240, hfov_deg=30.0, distance=distance, elevation_deg=elevation,
                     things=things, seed=seed, table=('plain', (225, 125, 45)))
    ys, xs = np.nonzero(frame.ids >= 0)
    return frame, np.array([[xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]], float)


@pytest.mark.parametrize('elevation,distance,seed', [(45, 0.7, 1), (60, 0.8, 0), (65, 0.85, 3)])
def test_a_flat_object_of_two_low_parts_is_one_depth_proposal(elevation, distance, seed):
    """Two parts of one flat object, both under the standing threshold, are one candidate.

    No depth region reached the object (none at all: every pixel under the threshold);
    only image boxes did (IoU 0.59-0.62). Risen above the table's local level, the handle
    and the blade are two low pieces 5 mm apart, joined (``proposals.flat_groups``, IoU
    0.88-0.96) and ranked in ``TIER_FLAT``, clear of everything else.
    """
    frame, obj = _scissors(elevation, distance, seed)
    regions = depth_regions(frame.depth, frame.intrinsics, frame.rgb)[0]
    flat = [r for r in regions if r.get('flat') and r['tier'] == TIER_FLAT]
    assert flat and max(box_iou(obj, np.array([r['box'] for r in flat]))[0]) >= 0.8
    props = propose(frame.rgb, frame.depth, frame.intrinsics)
    iou = box_iou(obj, props.boxes)[0]
    assert iou.max() >= 0.8 and props.sources[int(np.argmax(iou))] == SOURCE_DEPTH


def test_the_bare_tables_noise_and_a_blade_under_it_make_no_flat_candidate():
    """Nothing risen above the noise is no candidate: the bare table, a 3 mm blade at 1 m.

    The threshold follows the noise model (1.5 sigma(z), 6 mm at 1 m): the blade stays
    under it, so no pair is proposed in ``TIER_FLAT`` (the handle alone is one piece,
    ranked like a colour piece).
    """
    frame, _ = _scissors(50, 1.0, 3, blade=0.003)
    regions = depth_regions(frame.depth, frame.intrinsics, frame.rgb)[0]
    assert not [r for r in regions if r.get('flat') and r['tier'] == TIER_FLAT]
    bare = tabletop(320, 240, hfov_deg=30.0, distance=0.8, elevation_deg=60,
                    things=(), seed=4, table=('plain', (225, 125, 45)))
    assert not [r for r in depth_regions(bare.depth, bare.intrinsics, bare.rgb)[0]
                if r.get('flat')]


def test_a_support_region_without_readings_gives_no_flat_candidate():
    """No reading in the support's region: no level to measure, no candidate, no warning.

    (The median depth of the region was a NaN median: a RuntimeWarning, then a NaN
    window size.)
    """
    nan = np.full((20, 30), np.nan, np.float32)
    pts = np.stack([nan, nan, nan], -1)
    none = np.zeros((20, 30), bool)
    assert flat_groups(pts, nan, none, ~none, none, 0.005, 3, 0.02) == []


def test_a_speck_of_a_glass_beside_a_flat_object_does_not_join_its_candidate():
    """A low speck whose surroundings hold few level readings is no piece of a flat object.

    ARC's ``arc_pj1``: a wine glass lies beside the pink scissors; where its readings are
    missing or scattered, specks of its foot 7-11 mm up had 18-29% of their 5 cm window
    at the table's level, and joined the scissors' pieces into a candidate reaching into
    the glass (IoU 0.38-0.48, missed under 4 of 8 seeds of the support's sample). Here on
    the working grid: a handle and a blade 7-8 mm up, a 1 cm gap, and beyond it a glass
    without readings holding a speck 7.5 mm up, 4 working pixels from the blade. A rise
    counts where the level fills ``FLAT_LEVEL_SHARE`` (0.3) of its window: the candidate
    is the object's box (IoU 0.74, grown a working pixel a side). Before (0.2): it
    reached 8 working pixels up into the glass (IoU 0.40).
    """
    h, w, z, spacing, step = 60, 90, 0.65, 0.005, 3
    rng = np.random.default_rng(0)
    height = rng.normal(0, 0.0008, (h, w)).astype(np.float32)
    height[30:37, 20:41] += 0.008  # the handle
    height[31:35, 43:56] += 0.007  # the blade
    height[5:27, 45:86] = np.nan  # the glass: no readings...
    height[23:27, 52:57] = 0.0075 + rng.normal(0, 0.0008, (4, 5))  # ...but a speck
    ys, xs = np.mgrid[0:h, 0:w]
    px = spacing * z
    pts = np.stack([(xs - w / 2) * px, (ys - h / 2) * px, np.full((h, w), z)],
                   -1).astype(np.float32)
    pts[np.isnan(height)] = np.nan
    fg = np.isfinite(height) & (height > 0.003 + 2.5 * depth_sigma(pts[..., 2]))
    none = np.zeros((h, w), bool)
    out = flat_groups(pts, height, fg, ~none, none, spacing, step, 0.02)
    obj = np.array([[20 * step, 30 * step, 56 * step, 37 * step]], float)
    assert len(out) == 1 and out[0]['tier'] == TIER_FLAT
    assert box_iou(obj, np.array([out[0]['box']]))[0, 0] > 0.7  # grown a pixel a side
    assert out[0]['box'][1] >= 29 * step  # nothing of the glass above the blade


def _looking_down(z):
    """Intrinsics of a camera looking straight down at a depth image ``z`` (m)."""
    h, w = z.shape
    return Intrinsics(500.0, 500.0, w / 2.0, h / 2.0, w, h)


def test_an_item_under_a_plane_through_a_piles_tops_is_its_own_visible_part():
    """A full tote's item under the plane through the pile's tops is its own visible part.

    The support found runs through the pile's tops (z = 0.60 m, the normal towards the
    camera). The item in the box lies 3 cm under it, its neighbours reach the
    plane and one rises 5 mm over it (the rim mask_in_box took instead: `arc_suction`'s
    pack of socks was posed on a mesh cup's rim, 70 mm off). The item is the part of the
    box that explains the box, and its visible part starts 3 cm under the plane.
    """
    z = np.full((120, 160), 0.60, np.float32)
    z[40:80, 50:110] = 0.63                       # the item
    z[30:40, 40:120] = 0.595                      # a neighbour's rim over the plane
    z[80:90, 40:120] = 0.60                       # a neighbour at the plane
    plane = (np.array([0.0, 0.0, -1.0]), 0.60)
    out = pile_mask_in_box(z, _looking_down(z), plane, (45, 35, 115, 85))
    assert out is not None
    mask, base = out
    item = np.zeros(z.shape, bool)
    item[40:80, 50:110] = True
    assert (mask & item).sum() >= 0.9 * item.sum() and (mask & ~item).sum() == 0
    assert abs(base + 0.03) < 0.002


@pytest.mark.parametrize('case', ['standing', 'past_the_edge', 'no_depth'])
def test_a_box_that_is_no_piles_is_left_to_the_standing_object_rules(case):
    """Nothing lying a few cm under the surface in a box: no pile item is found.

    An object standing on a table (at z = 0.70 m) with the table round it, one with the
    floor 80 cm under the table's edge in its box, and a box of missing readings (glass).
    """
    z = np.full((120, 160), 0.70, np.float32)
    z[40:80, 50:110] = 0.65
    if case == 'past_the_edge':
        z[:, 100:] = 1.50
    if case == 'no_depth':
        z[35:85, 45:115] = np.nan
    plane = (np.array([0.0, 0.0, -1.0]), 0.70)
    assert pile_mask_in_box(z, _looking_down(z), plane, (45, 35, 115, 85)) is None


def test_a_flat_object_on_a_noisy_table_is_found_under_every_sample_seed():
    """A 1 cm thin box on a noisy table is proposed whatever points the support sampled.

    The support plane is fitted to a random sample of the depth (its seed
    ``sample_seed``, 0 in the node); on the real frames the seed alone moved the plane
    0.2-3.6 degrees and the thin pink scissors of ``arc_pj1`` were found under 4 of 8
    seeds (benchmarks/results/issue11_session44_h150_seed_robust.log). On a flat table
    with the modelled noise every seed gives the table within 0.1 degree and 1 mm and the
    box, 10 x 4 x 1 cm, is found (IoU >= 0.5) under each of 8 seeds. Before: no
    ``sample_seed`` to ask for another sample.
    """
    thin = ((0.03, -0.02, 0.005), (0.05, 0.02, 0.005), 0.4)
    cam = (0.05, -0.45, 0.5)
    depth, intr = _tabletop([thin], 320, 240, cam=cam)
    bare, _ = _tabletop([], 320, 240, cam=cam)
    ys, xs = np.nonzero(depth < bare - 1e-4)
    box = np.array([[xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]], float)
    rng = np.random.default_rng(0)
    depth = depth + rng.normal(0, 1, depth.shape).astype(np.float32) * depth_sigma(depth)
    rgb = np.full(depth.shape + (3,), 128, np.uint8)
    planes = []
    for seed in range(8):
        props = propose(rgb, depth, intr, use_image=False, sample_seed=seed)
        assert box_iou(box, props.boxes).max() >= 0.5, seed
        planes.append(props.plane)
    normals_, offsets = np.array([p[0] for p in planes]), np.array([p[1] for p in planes])
    assert len({tuple(n) for n in normals_}) > 1  # the seed reaches the sample
    assert np.degrees(np.arccos(np.clip(normals_ @ normals_[0], -1, 1))).max() < 0.1
    assert np.ptp(offsets) < 0.001


def test_box_extent_bounds_the_extent_of_every_region_in_the_box():
    """The depth bound on a box's extent holds for every region in it, and rules many out.

    ``depth_regions`` asks :func:`container_wall` only about regions whose box's readings
    (``_box_extent``) span a wall's length: every region of the 640x480 real frames'
    standing and sliced depth (4-connected parts of depth bands) measures no more than
    its box's bound (the norm of the spans of its points, as ``container_wall``
    measures it), and most are ruled out without gathering their points (issue 11,
    helper-h163).
    """
    from clip_perception.proposals import _box_extent
    from clip_perception.proposals import _components
    from clip_perception.proposals import _label_points
    from clip_perception.proposals import WALL_MIN_LENGTH

    checked = ruled_out = 0
    for _name, depth, intr in list(_real_depth_frames())[::5]:
        pts, step = working_grid(depth, intr)
        z = pts[..., 2]
        for lo in np.arange(0.4, 1.6, 0.1):
            n, lab, st = _components(np.isfinite(z) & (z >= lo) & (z < lo + 0.15))
            for label in range(1, n):
                if st[label, 4] < 30:
                    continue
                own = _label_points(pts, lab, st, label)
                extent = float(np.linalg.norm(np.ptp(own, axis=0)))
                bound = _box_extent(z, tuple(int(v) for v in st[label, :4]), step, intr)
                assert extent <= bound, (lo, label, extent, bound)
                checked += 1
                ruled_out += bound < WALL_MIN_LENGTH
    assert checked > 100 and ruled_out > checked // 4, (checked, ruled_out)
    assert _box_extent(np.full((4, 4), np.nan, np.float32), (0, 0, 4, 4), 3, intr) == 0.0


def test_labels_are_the_labels_of_components():
    """``_labels`` (no statistics) labels as ``_components`` does: the same numbers, pixels.

    On random masks of every fill, an empty and a full one, and one cut off at the
    frame's edges (the labelling runs in the box of the mask's pixels; issue 11,
    helper-h163).
    """
    from clip_perception.proposals import _components
    from clip_perception.proposals import _labels

    rng = np.random.default_rng(7)
    masks = [rng.random((60, 80)) < q for q in (0.0, 0.2, 0.45, 0.6, 0.9, 1.0)]
    edge = np.zeros((60, 80), bool)
    edge[5:30, 10:70] = rng.random((25, 60)) < 0.55
    for mask in masks + [edge, edge.astype(np.uint8)]:
        n, labels, _ = _components(mask)
        n2, labels2 = _labels(mask)
        assert n2 == n and labels2.dtype == labels.dtype and np.array_equal(labels2, labels)
