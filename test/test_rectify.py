"""Rectification of raw images: points land where the pinhole model puts them."""

import cv2
import numpy as np
import pytest

from clip_perception.messages import camera_info_to_intrinsics
from clip_perception.messages import raw_camera_matrix
from clip_perception.rectify import has_distortion
from clip_perception.rectify import make_rectifier
from clip_perception.rectify import NoLensError
from clip_perception.rectify import turned_over

W, H = 640, 480
K = np.array([[520.0, 0.0, 322.0], [0.0, 515.0, 236.0], [0.0, 0.0, 1.0]])
# A wide-angle webcam's plumb_bob (usb_cam calibrations of k1 -0.3..-0.4 are common), a
# rational_polynomial of the Azure Kinect colour camera's kind, a fisheye lens.
LENSES = {
    'plumb_bob': [-0.32, 0.11, 0.001, -0.0008, -0.015],
    'rational_polynomial': [0.55, -2.6, 0.0007, -0.0003, 1.5, 0.43, -2.4, 1.43],
    'equidistant': [-0.02, 0.01, -0.004, 0.0005],
}


def scene_points():
    """3D points (N, 3) in the optical frame, spread to the image's corners."""
    xs, ys = np.meshgrid(np.linspace(-0.55, 0.55, 9), np.linspace(-0.4, 0.4, 7))
    return np.stack([xs.ravel(), ys.ravel(), np.full(xs.size, 1.0)], 1)


def raw_pixels(points, model, d):
    """Where the distorting lens puts ``points`` (N, 2): OpenCV's forward models."""
    zero = np.zeros(3)
    if model == 'equidistant':
        px, _ = cv2.fisheye.projectPoints(points[None], zero, zero, K, np.array(d))
    else:
        px, _ = cv2.projectPoints(points, zero, zero, K, np.array(d))
    return px.reshape(-1, 2)


def dots(pixels, radius=3):
    """Return a black uint8 (H, W, 3) image with a white dot at each pixel inside it."""
    image = np.zeros((H, W, 3), np.uint8)
    for u, v in pixels:
        cv2.circle(image, (int(round(u * 16)), int(round(v * 16))), radius * 16,
                   (255, 255, 255), -1, cv2.LINE_AA, shift=4)
    return image


def centroids(image):
    """Intensity-weighted centres (N, 2) of the bright blobs of ``image``."""
    grey = image[..., 0].astype(np.float64)
    count, labels = cv2.connectedComponents((grey > 20).astype(np.uint8))
    ys, xs = np.mgrid[0:H, 0:W]
    out = []
    for i in range(1, count):
        w = grey * (labels == i)
        out.append(((w * xs).sum() / w.sum(), (w * ys).sum() / w.sum()))
    return np.array(out)


@pytest.mark.parametrize('model', sorted(LENSES))
def test_points_of_a_raw_image_land_where_the_pinhole_puts_them(model):
    """Rectified, each lens's dots sit at P's pinhole projection (within 0.5 px).

    The raw dots are drawn where OpenCV's forward models put them (cv2.projectPoints,
    cv2.fisheye.projectPoints): an independent check of the maps. Read as pinhole, the
    raw image put them up to tens of pixels off.
    """
    points, d = scene_points(), LENSES[model]
    raw = raw_pixels(points, model, d)
    inside = (raw[:, 0] > 8) & (raw[:, 0] < W - 8) & (raw[:, 1] > 8) & (raw[:, 1] < H - 8)
    new_k = K.copy()
    new_k[0, 0] *= 0.9  # a P of its own (image_proc's P keeps the view inside the frame)
    new_k[1, 1] *= 0.9
    want = (new_k @ points.T).T
    want = want[:, :2] / want[:, 2:]
    keep = inside & (want[:, 0] > 8) & (want[:, 0] < W - 8) & (want[:, 1] > 8) & \
        (want[:, 1] < H - 8)
    assert keep.sum() >= 40, model
    rect = make_rectifier(K.ravel(), d, np.eye(3).ravel(), model, new_k, W, H)
    found = centroids(rect.colour(dots(raw[keep])))
    assert len(found) == keep.sum(), model
    # each wanted position has a found dot within 0.5 px
    gap = np.linalg.norm(want[keep][:, None] - found[None], axis=2).min(axis=1)
    assert gap.max() < 0.5, (model, gap.max())
    before = np.linalg.norm(raw[keep] - want[keep], axis=1)
    assert before.max() > 10, (model, before.max())
    assert rect.max_shift > 10 and rect.made_for(new_k[0, 0], new_k[1, 1], 322.0, 236.0)


def test_depth_is_rectified_by_nearest_neighbour_with_nan_where_nothing_maps():
    """No depth between an object and its background; NaN where no raw pixel maps."""
    depth = np.full((H, W), 1.2, np.float32)
    depth[150:330, 200:420] = 0.8
    depth[:, :40] = np.nan
    rect = make_rectifier(K.ravel(), LENSES['plumb_bob'], [0.0] * 9, 'plumb_bob', K, W, H)
    out = rect.depth(depth)
    assert out.shape == (H, W) and out.dtype == np.float32
    values = set(np.unique(out[np.isfinite(out)]).tolist())
    assert values <= {np.float32(0.8), np.float32(1.2)}, values
    assert np.isnan(out).any() and (out == np.float32(0.8)).sum() > 0.9 * 180 * 220
    with pytest.raises(ValueError, match='320x240'):
        rect.depth(np.zeros((240, 320), np.float32))


@pytest.mark.parametrize('model, d, why', [
    ('kannala_brandt_x', [0.1, 0.0, 0.0, 0.0], 'is not one of'),
    ('plumb_bob', [0.1, 0.0, 0.0], 'D has 3'),
    ('equidistant', [0.1, 0.0, 0.0, 0.0, 0.2], 'D has 5'),
    ('plumb_bob', [0.1, 0.0, 0.0, 0.0, 0.0, 0.3], 'D has 6'),
    ('plumb_bob', [float('nan')] * 5, 'NaN'),
])
def test_a_camera_info_that_cannot_be_rectified_says_why(model, d, why):
    with pytest.raises(ValueError, match=why):
        make_rectifier(K.ravel(), d, np.eye(3).ravel(), model, K, W, H)
    with pytest.raises(ValueError, match='camera matrix'):
        make_rectifier([0.0] * 9, LENSES['plumb_bob'], [], 'plumb_bob', K, W, H)


@pytest.mark.parametrize('model, d', [
    # orbbec/OrbbecSDK_ROS2#15: a Gemini 2's D "in the 1000s and 100s" for a barely
    # distorted image
    ('plumb_bob', [1500.0, -800.0, 0.5, 0.3, 200.0]),
    # orbbec/OrbbecSDK_ROS1#8: (k1, k2, k3, k4, k5) written into plumb_bob's (k1, k2, p1, p2,
    # k3): a rational lens's k3 and k4 read as tangential terms
    ('plumb_bob', [0.55, -2.6, 1.5, 0.43, -2.4]),
    ('equidistant', [120.0, -40.0, 8.0, 1.0]),
    # the same thousands under librealsense's inverse model: its inversion diverges
    ('inverse_brown_conrady', [1500.0, -800.0, 0.5, 0.3, 200.0]),
], ids=['thousands', 'rational_in_plumb_bob_order', 'fisheye_hundreds', 'inverse_thousands'])
def test_a_d_that_is_no_lens_is_refused_saying_so(model, d):
    """D that no lens has is refused, not made into maps that smear the image.

    Rectified with such a D, 2-8% of the image reads from inside the raw one, or 57% of
    what does reads it folded back; the node rectified the frames into a smear (the red
    ball lost or posed off) with only an INFO line, "up to 1602 px at the image border".
    """
    with pytest.raises(NoLensError, match=f'is no {model} lens: rectified with it, '):
        make_rectifier(K.ravel(), d, np.eye(3).ravel(), model, K, W, H)


@pytest.mark.parametrize('model, d', [
    *LENSES.items(),
    ('plumb_bob', [0.3, 0.1, 0.0, 0.0, 0.0]),  # a pincushion: 85% inside, black corners
    ('plumb_bob', [-0.2, 0.05, 0.05, 0.0, 0.0]),  # a strong tangential term: no fold
    # a rational_polynomial whose large numerator and denominator terms cancel: a lens
    ('rational_polynomial', [120.0, 45.0, 0.0, 0.0, 3.0, 120.3, 60.0, 5.0]),
])
def test_lenses_with_large_or_outward_distortion_are_still_lenses(model, d):
    rect = make_rectifier(K.ravel(), d, np.eye(3).ravel(), model, K, W, H)
    assert rect.model == model


def test_distortion_is_any_coefficient_not_zero_nan_included():
    assert not has_distortion([]) and not has_distortion([0.0] * 5)
    assert has_distortion([0.0, 0.0, 0.0, 0.0, 1e-4]) and has_distortion([float('nan')])


def test_plumb_bob_with_eight_coefficients_is_read_as_its_five():
    """Orbbec's wrapper publishes plumb_bob with 8 coefficients, the last 3 zero.

    orbbec/OrbbecSDK_ROS2#216 (REP 104 says 5). OpenCV reads 8 as the rational model,
    whose k4..k6 of zero make it the same lens: the maps equal those of the first 5.
    """
    d5 = LENSES['plumb_bob']
    five = make_rectifier(K.ravel(), d5, np.eye(3).ravel(), 'plumb_bob', K, W, H)
    eight = make_rectifier(K.ravel(), d5 + [0.0, 0.0, 0.0], np.eye(3).ravel(), 'plumb_bob',
                           K, W, H)
    image = dots(raw_pixels(scene_points(), 'plumb_bob', d5))
    assert np.array_equal(five.colour(image), eight.colour(image))
    assert five.max_shift == pytest.approx(eight.max_shift)


@pytest.mark.parametrize('lens, model, d', [
    # IntelRealSense/realsense-ros#1989: equidistant with k1..k4 and a 0 (image_proc
    # asserted in OpenCV's fisheye module)
    ('equidistant', 'equidistant', LENSES['equidistant'] + [0.0]),
    # ros-perception/image_pipeline#682: camera_calibration's fisheye file said 'fisheye'
    ('equidistant', 'fisheye', LENSES['equidistant']),
    ('equidistant', 'Kannala_Brandt4 ', LENSES['equidistant']),
    # a plumb_bob of 6 whose sixth is zero: the same lens as its first five
    ('plumb_bob', 'plumb_bob', LENSES['plumb_bob'] + [0.0]),
    # Kalibr's names, as ethz-asl/image_undistort publishes them (ethz-asl/kalibr#39): before,
    # 'distortion model "radtan" is not one of ...' and the frames went out unrectified
    ('plumb_bob', 'radtan', LENSES['plumb_bob']),
    ('plumb_bob', 'Pinhole-RadTan', LENSES['plumb_bob']),
    ('equidistant', 'pinhole-equi', LENSES['equidistant']),
    # librealsense's name of plumb_bob, as drivers on librealsense write it
    # (IntelRealSense/realsense-ros#818, ros/common_msgs#89): before, 'distortion model
    # "brown_conrady" is not one of ...' and the frames went out unrectified
    ('plumb_bob', 'brown_conrady', LENSES['plumb_bob']),
    ('plumb_bob', 'Brown-Conrady', LENSES['plumb_bob']),
])
def test_a_calibration_as_drivers_send_it_is_rectified_as_its_model(lens, model, d):
    """Model names and zero-padded D that drivers send: rectified, not refused.

    Before, each raised (unknown model; 'takes 4 coefficients, D has 5') and the node
    posed the raw image through the pinhole model (up to 60 px off at the border).
    """
    plain = make_rectifier(K.ravel(), LENSES[lens], np.eye(3).ravel(), lens, K, W, H)
    sent = make_rectifier(K.ravel(), d, np.eye(3).ravel(), model, K, W, H)
    image = dots(raw_pixels(scene_points(), lens, LENSES[lens]))
    assert sent.model == lens
    assert np.array_equal(plain.colour(image), sent.colour(image))


# librealsense's other Brown-Conrady models (ros/common_msgs#89: "the distortion models in
# two of our cameras use Modified Brown-Conrady and Inverse Brown-Conrady"), with a
# tangential term large enough to tell them from plumb_bob.
REALSENSE_LENSES = {
    'modified_brown_conrady': [-0.32, 0.11, 0.004, -0.003, -0.015],
    'inverse_brown_conrady': [0.3, 0.08, 0.003, -0.002, 0.02],
}


def _ideal(points, d):
    """plumb_bob's formula on normalised points (N, 2): the SDK's inverse (deprojection)."""
    k1, k2, p1, p2, k3 = d
    x, y = points[:, 0], points[:, 1]
    r2 = x * x + y * y
    f = 1 + k1 * r2 + k2 * r2 ** 2 + k3 * r2 ** 3
    return np.stack([x * f + 2 * p1 * x * y + p2 * (r2 + 2 * x * x),
                     y * f + 2 * p2 * x * y + p1 * (r2 + 2 * y * y)], 1)


def _modified(points, d):
    """Project normalised points (N, 2) by the SDK's modified Brown-Conrady model.

    rsutil.h as realsenseai/librealsense#939 quotes it: radial with the undistorted
    radius, then the tangential terms on the radially distorted point, same radius.
    """
    k1, k2, p1, p2, k3 = d
    x, y = points[:, 0], points[:, 1]
    r2 = x * x + y * y
    f = 1 + k1 * r2 + k2 * r2 ** 2 + k3 * r2 ** 3
    x, y = x * f, y * f
    return np.stack([x + 2 * p1 * x * y + p2 * (r2 + 2 * x * x),
                     y + 2 * p2 * x * y + p1 * (r2 + 2 * y * y)], 1)


def _pixels(normalised, k):
    return normalised * (k[0, 0], k[1, 1]) + (k[0, 2], k[1, 2])


@pytest.mark.parametrize('model', sorted(REALSENSE_LENSES))
def test_librealsense_modified_and_inverse_brown_conrady_are_rectified_by_their_formulas(
        model):
    """Lenses in librealsense's modified and inverse Brown-Conrady rectify to the pinhole.

    ros/common_msgs#89 (cameras whose calibration is in these models); the formulas are the
    SDK's (rsutil.h, realsenseai/librealsense#939). Raw dots are placed by each model's
    direct formula: the modified model projects scene points; the inverse model's
    coefficients take raw points to ideal ones, so dots on a raw grid are expected at the
    pinhole projection of their ideal points. Rectified, each sits within 0.5 px of it.
    Before, both were refused ('distortion model "modified_brown_conrady" is not one of
    ...'; inverse: "... rectify upstream") and the frames went out unrectified: 0/2 -> 2/2.
    """
    d = REALSENSE_LENSES[model]
    new_k = K.copy()
    new_k[0, 0] *= 0.9
    new_k[1, 1] *= 0.9
    if model == 'modified_brown_conrady':
        points = scene_points()[:, :2]
        raw = _pixels(_modified(points, d), K)
    else:
        xs, ys = np.meshgrid(np.linspace(30, W - 30, 9), np.linspace(30, H - 30, 7))
        raw = np.stack([xs.ravel(), ys.ravel()], 1)
        points = _ideal((raw - (K[0, 2], K[1, 2])) / (K[0, 0], K[1, 1]), d)
    want = _pixels(points, new_k)
    keep = ((raw > 8) & (raw < (W - 8, H - 8)) & (want > 8) & (want < (W - 8, H - 8))).all(1)
    assert keep.sum() >= 40, model
    rect = make_rectifier(K.ravel(), d, np.eye(3).ravel(), model, new_k, W, H)
    assert rect.model == model
    found = centroids(rect.colour(dots(raw[keep])))
    assert len(found) == keep.sum(), model
    gap = np.linalg.norm(want[keep][:, None] - found[None], axis=2).min(axis=1)
    assert gap.max() < 0.5, (model, gap.max())
    # plumb_bob's maps of the same D put them farther off: the model's own formula counts
    plumb = make_rectifier(K.ravel(), d, np.eye(3).ravel(), 'plumb_bob', new_k, W, H)
    found = centroids(plumb.colour(dots(raw[keep])))
    off = np.linalg.norm(want[keep][:, None] - found[None], axis=2).min(axis=1)
    assert off.max() > 2 * gap.max(), (model, off.max(), gap.max())


def test_modified_brown_conrady_without_tangential_terms_is_plumb_bob():
    """With p1 = p2 = 0 the modified model is plumb_bob: the maps agree (1e-3 px)."""
    d = [-0.32, 0.11, 0.0, 0.0, -0.015]
    ours = make_rectifier(K.ravel(), d, _turn(2.0).ravel(), 'Modified_Brown_Conrady', K, W, H)
    cv = make_rectifier(K.ravel(), d, _turn(2.0).ravel(), 'plumb_bob', K, W, H)
    for a, b in zip(ours._float, cv._float):
        assert np.abs(a - b).max() < 1e-3


def _turn(degrees):
    """Return a rotation about y by ``degrees``, rounded to 6 decimals as ost.yaml prints."""
    a = np.radians(degrees)
    return np.round([[np.cos(a), 0.0, np.sin(a)], [0.0, 1.0, 0.0],
                     [-np.sin(a), 0.0, np.cos(a)]], 6)


@pytest.mark.parametrize('r, why', [
    ([[1.0, 0.2, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], 'not orthonormal'),  # det 1
    ([[2.0, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 1.0]], 'not orthonormal'),  # det 1
    ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]], 'reflection'),
    ([[float('nan')] * 3] * 3, 'NaN'),
    ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]], 'not orthonormal'),
])
def test_an_r_that_is_no_rotation_is_read_as_identity_and_said(r, why):
    """An R that is no rotation is not used, and the Rectifier's note says why.

    Before, a shear or scaling of det 1 warped the image by it (cv2 takes any 3x3), and
    a reflection, NaN or det off 1 was taken as identity without a word.
    """
    d = LENSES['plumb_bob']
    rect = make_rectifier(K.ravel(), d, np.ravel(r), 'plumb_bob', K, W, H)
    plain = make_rectifier(K.ravel(), d, np.eye(3).ravel(), 'plumb_bob', K, W, H)
    assert why in rect.note and 'identity' in rect.note, rect.note
    assert np.array_equal(rect._float[0], plain._float[0])


@pytest.mark.parametrize('r', [np.zeros(9), np.eye(3).ravel(), _turn(2.5).ravel(),
                               _turn(-30).ravel()])
def test_a_rotation_or_an_unset_r_is_taken_without_a_note(r):
    """All zero (unset by the driver) is identity; a rotation, even rounded, is used."""
    d = LENSES['plumb_bob']
    rect = make_rectifier(K.ravel(), d, r, 'plumb_bob', K, W, H)
    plain = make_rectifier(K.ravel(), d, np.eye(3).ravel(), 'plumb_bob', K, W, H)
    assert rect.note == ''
    turned = np.any(r) and not np.allclose(np.reshape(r, (3, 3)), np.eye(3))
    assert np.array_equal(rect._float[0], plain._float[0]) != turned


def _inverse_pixel_by_pixel(d, k, rot, new_k, width, height, steps=30, tol=2e-7):
    """Return the inverse model's maps as 34b083a made them: each pixel stepped alone.

    The oracle for the faster inversion; ``(map_x, map_y)`` float64, NaN not converged.
    """
    with np.errstate(all='ignore'):  # rays past a fold overflow: they read nothing
        return _inverse_steps(d, k, rot, new_k, width, height, steps, tol)


def _inverse_steps(d, k, rot, new_k, width, height, steps, tol):
    k1, k2, _, _, k3 = d
    us, vs = np.meshgrid(np.arange(width, dtype=float), np.arange(height, dtype=float))
    rays = np.linalg.inv(new_k @ rot) @ np.stack([us.ravel(), vs.ravel(), np.ones(us.size)])
    ideal = np.stack([rays[0] / rays[2], rays[1] / rays[2]], 1)
    distorted = ideal.copy()
    left = np.arange(len(ideal))
    for _ in range(steps + 1):
        err = ideal[left] - _ideal(distorted[left], d)
        keep = ~(np.hypot(err[:, 0], err[:, 1]) <= tol)
        left, err = left[keep], err[keep]
        if not left.size:
            break
        r2 = (distorted[left] ** 2).sum(1)
        slope = 1 + 3 * k1 * r2 + 5 * k2 * r2 ** 2 + 7 * k3 * r2 ** 3
        distorted[left] += err / np.where(slope > 0.1, slope, 1.0)[:, None]
    distorted[left] = np.nan
    px = _pixels(distorted, k)
    return px[:, 0].reshape(height, width), px[:, 1].reshape(height, width)


@pytest.mark.parametrize('d, degrees, focal', [
    (REALSENSE_LENSES['inverse_brown_conrady'], 0.0, 520.0),
    ([-0.3, 0.1, 0.002, 0.001, 0.0], 2.0, 150.0),  # a wide barrel lens, a stereo pair's R
    ([-0.45, 0.25, 0.004, -0.003, -0.08], 2.0, 150.0),  # folds: a fifth of rays read nothing
], ids=['realsense', 'barrel_rotated', 'folding'])
def test_inverse_brown_conrady_maps_are_the_pixel_by_pixel_inversion(d, degrees, focal):
    """The inverse model's maps, started from a coarse grid, are each pixel's own inversion.

    34b083a stepped every pixel from its ideal point (~5 evaluations of the formula per
    pixel, gathers included): 0.6-1.0 s at 1920x1080 on the camera_info callback, at the
    first camera_info and at each recalibration or resolution switch. Started from a
    coarse grid's inversion, the maps agree with that to 0.05 px (float32 rounding,
    ~1e-3 px), and the same pixels read nothing.
    """
    width, height = 203, 157  # not multiples of the grid's spacing
    k = np.array([[focal, 0.0, width / 2], [0.0, focal, height / 2], [0.0, 0.0, 1.0]])
    new_k = k.copy()
    new_k[0, 0] *= 0.9
    new_k[1, 1] *= 0.9
    want = _inverse_pixel_by_pixel(np.array(d), k, _turn(degrees), new_k, width, height)
    rect = make_rectifier(k.ravel(), d, _turn(degrees).ravel(), 'inverse_brown_conrady',
                          new_k, width, height)
    for got, ref in zip(rect._float, want):
        nothing = np.isnan(ref) | (ref < 0)
        assert np.array_equal(got < 0, nothing), (int((got < 0).sum()), int(nothing.sum()))
        assert np.abs(got - ref)[~nothing].max() < 0.05
    if d[0] == -0.45:
        assert np.isnan(want[0]).sum() > 0.1 * width * height  # the folds were tried


def test_inverse_brown_conrady_evaluates_its_formula_about_twice_per_pixel(monkeypatch):
    """At 1920x1080 the inverse model's formula runs on ~2 points per pixel, not ~5.

    34b083a's maps took 0.6-1.0 s at 1920x1080 (medians of 7, 2 loaded cores), each camera's
    first camera_info and each recalibration or resolution switch holding the executor
    that long; now 0.13-0.15 s (plumb_bob's, OpenCV's: 0.03 s). Counted, not timed:
    points put through the formula per pixel.
    """
    from clip_perception import rectify
    counted = []
    formula = rectify._inverse_ideal

    def counting(xd, yd, coeffs):
        counted.append(np.size(xd))
        return formula(xd, yd, coeffs)
    monkeypatch.setattr(rectify, '_inverse_ideal', counting)
    width, height = 1920, 1080
    k = np.array([[1380.0, 0.0, 960.0], [0.0, 1380.0, 540.0], [0.0, 0.0, 1.0]])
    rect = make_rectifier(k.ravel(), REALSENSE_LENSES['inverse_brown_conrady'],
                          np.eye(3).ravel(), 'inverse_brown_conrady', k, width, height)
    assert rect.width == width
    assert sum(counted) / (width * height) < 2.2, sum(counted) / (width * height)


@pytest.mark.parametrize('model, zoom', [('plumb_bob', 2.0), ('plumb_bob', 2.5),
                                         ('equidistant', 2.0)])
def test_a_rectified_camera_matrix_that_zooms_in_is_rectified_not_refused(model, zoom):
    """A P whose focal length is 2-2.5x K's (its view the raw image's middle) is a lens.

    34b083a refused maps that read under a quarter of the raw image as no lens
    (:data:`~clip_perception.rectify.MIN_RAW_SPAN`, for an inverse D in the 1000s), but a
    rectified camera matrix zoomed in 2x reads a quarter of it with no lens at all: a
    webcam's plumb_bob with such a P was used unrectified, warned "fix D in the driver".
    The span is now judged against what the same K, R and P read without distortion;
    the maps are OpenCV's, as image_proc's.
    """
    d = LENSES[model]
    new_k = K.copy()
    new_k[0, 0] *= zoom
    new_k[1, 1] *= zoom
    rect = make_rectifier(K.ravel(), d, np.eye(3).ravel(), model, new_k, W, H)
    if model == 'equidistant':
        want = cv2.fisheye.initUndistortRectifyMap(K, np.array(d), np.eye(3), new_k, (W, H),
                                                   cv2.CV_32FC1)
    else:
        want = cv2.initUndistortRectifyMap(K, np.array(d), np.eye(3), new_k, (W, H),
                                           cv2.CV_32FC1)
    for got, ref in zip(rect._float, want):
        assert np.abs(got - ref).max() < 1e-3


def _dots_in_view(model):
    """``(d, raw, want, keep)`` of :func:`scene_points` through ``model``'s lens.

    ``raw`` (N, 2): where the lens puts them; ``want`` (N, 2): where the pinhole does;
    ``keep`` (N,) bool: both at least 8 px inside the image.
    """
    points, d = scene_points(), LENSES[model]
    raw = raw_pixels(points, model, d)
    inside = (raw[:, 0] > 8) & (raw[:, 0] < W - 8) & (raw[:, 1] > 8) & (raw[:, 1] < H - 8)
    want = (K @ points.T).T
    want = want[:, :2] / want[:, 2:]
    keep = inside & (want[:, 0] > 8) & (want[:, 0] < W - 8) & (want[:, 1] > 8) & \
        (want[:, 1] < H - 8)
    return d, raw, want, keep


@pytest.mark.parametrize('model', sorted(LENSES))
def test_a_raw_image_whose_rows_run_bottom_up_is_rectified_once_turned_over(model):
    """A lens's raw image published bottom-up with fy < 0, D and R for that image (helper-110).

    The node turns such rows over (CoppeliaRobotics/simROS#9, an OpenGL readback) and reads
    the camera_info for the turned image; the maps were made from K as published and
    refused ("K is not a camera matrix"), the frames sent on unrectified. Now K, D (p1,
    the thin prism's y terms change sign with y; the fisheye model is radial) and R are
    turned too: the turned image's dots land where the pinhole puts them, as the upright
    camera's do (0/3 -> 3/3).
    """
    d, raw, want, keep = _dots_in_view(model)
    stored = dots(raw[keep])[::-1]  # the rows as the renderer sends them
    k_stored = K.copy()
    k_stored[1, 1], k_stored[1, 2] = -K[1, 1], (H - 1) - K[1, 2]
    d_stored = list(d)
    if model != 'equidistant':
        d_stored[2] = -d_stored[2]
    r_stored = np.eye(3).ravel()
    intr = camera_info_to_intrinsics(k_stored.ravel(), W, H, [0.0] * 12)
    new_k = [[intr.fx, 0.0, intr.cx], [0.0, intr.fy, intr.cy], [0.0, 0.0, 1.0]]
    assert np.allclose(new_k, K)
    d_up, r_up = turned_over(d_stored, r_stored, model)
    assert np.allclose(d_up, d) and np.allclose(r_up, np.eye(3).ravel())
    rect = make_rectifier(raw_camera_matrix(k_stored.ravel(), W, H), d_up, r_up, model, new_k,
                          W, H)
    found = centroids(rect.colour(np.ascontiguousarray(stored[::-1])))
    assert len(found) == keep.sum(), model
    gap = np.linalg.norm(want[keep][:, None] - found[None], axis=2).min(axis=1)
    assert gap.max() < 0.5, (model, gap.max())


@pytest.mark.parametrize('turn', ['columns', 'half'])
@pytest.mark.parametrize('model', sorted(LENSES))
def test_a_raw_image_whose_columns_run_right_to_left_is_rectified_once_mirrored_back(model,
                                                                                   turn):
    """A lens's raw image published mirrored left-right with fx < 0 (helper-118's left-alone).

    The node mirrors such columns back (a camera in mirror mode, a renderer) and reads the
    camera_info for the mirrored-back image, but with lens distortion it sent the frames
    on unrectified ("its lens is not mirrored here"). Now D (p2 and the thin prism's x
    terms change sign with x; the fisheye model is radial) and R (F R F, F = diag(-1, 1,
    1)) are turned too: the mirrored-back image's dots land where the pinhole puts them, as
    the upright camera's do; both fx and fy negative (a half turn) turns both ways.
    """
    d, raw, want, keep = _dots_in_view(model)
    half = turn == 'half'
    upright = dots(raw[keep])
    stored = upright[::-1, ::-1] if half else upright[:, ::-1]  # as the camera sends them
    k_stored = K.copy()
    k_stored[0, 0], k_stored[0, 2] = -K[0, 0], (W - 1) - K[0, 2]
    d_stored = np.array(d, np.float64)
    odd = [3, 8, 9] + ([2, 10, 11] if half else [])
    if model != 'equidistant':
        d_stored[[i for i in odd if i < d_stored.size]] *= -1
    if half:
        k_stored[1, 1], k_stored[1, 2] = -K[1, 1], (H - 1) - K[1, 2]
    a = np.radians(3.0)  # a stereo camera's small rectifying rotation, mirrored too
    r_up = np.array([[np.cos(a), 0, np.sin(a)], [0, 1.0, 0], [-np.sin(a), 0, np.cos(a)]])
    flip = np.diag([-1.0, -1.0 if half else 1.0, 1.0])
    r_stored = (flip @ r_up @ flip).ravel()
    intr = camera_info_to_intrinsics(k_stored.ravel(), W, H, [0.0] * 12)
    new_k = [[intr.fx, 0.0, intr.cx], [0.0, intr.fy, intr.cy], [0.0, 0.0, 1.0]]
    assert np.allclose(new_k, K)
    d_got, r_got = turned_over(d_stored, r_stored, model, columns=True)
    if half:
        d_got, r_got = turned_over(d_got, r_got, model)
    assert np.allclose(d_got, d) and np.allclose(r_got, r_up.ravel())
    rect = make_rectifier(raw_camera_matrix(k_stored.ravel(), W, H), d_got, np.eye(3).ravel(),
                          model, new_k, W, H)
    back = stored[::-1, ::-1] if half else stored[:, ::-1]  # the node's mirroring back
    found = centroids(rect.colour(np.ascontiguousarray(back)))
    assert len(found) == keep.sum(), model
    gap = np.linalg.norm(want[keep][:, None] - found[None], axis=2).min(axis=1)
    assert gap.max() < 0.5, (model, gap.max())
    # against OpenCV's own undistortion of the upright image with the upright lens
    if model == 'equidistant':
        maps = cv2.fisheye.initUndistortRectifyMap(K, np.array(d), np.eye(3), K, (W, H),
                                                   cv2.CV_32FC1)
    else:
        maps = cv2.initUndistortRectifyMap(K, np.array(d), np.eye(3), K, (W, H), cv2.CV_32FC1)
    for got, ref in zip(rect._float, maps):
        assert np.abs(got - ref).max() < 1e-3, model


def test_a_tilted_sensor_is_turned_over_and_r_is_mirrored():
    """D[12], D[13] (a tilted sensor) change sign with y and x; R becomes F R F.

    Session 37 refused a tilted sensor (OpenCV's 14-coefficient model) under a negative fx
    or fy: the frames went out unrectified. Mirrored in an image axis (REP 103's x right,
    y down), the tilt ``matTilt(tau_x, tau_y)`` is ``matTilt(-tau_x, tau_y)`` for rows and
    ``matTilt(tau_x, -tau_y)`` for columns: OpenCV's own projection of points mirrored in
    x (y, both) with the turned D and K lands where the upright camera's lands mirrored,
    within 1e-6 px: 0/3 -> 3/3 (rows, columns, half turn).
    """
    a = np.radians(5.0)
    r = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1.0]])
    d, turned = turned_over([0.0] * 12 + [0.0, 0.0], r.ravel(), 'rational_polynomial')
    assert np.allclose(turned.reshape(3, 3), np.diag([1, -1, 1]) @ r @ np.diag([1, -1, 1]))
    d, _ = turned_over(np.arange(1.0, 13.0), np.eye(3).ravel(), 'plumb_bob')
    assert d[2] == -3.0 and d[10] == -11.0 and d[11] == -12.0 and d[3] == 4.0
    d, turned = turned_over(np.arange(1.0, 13.0), r.ravel(), 'plumb_bob', columns=True)
    assert d[3] == -4.0 and d[8] == -9.0 and d[9] == -10.0 and d[2] == 3.0 and d[10] == 11.0
    assert np.allclose(turned.reshape(3, 3), np.diag([-1, 1, 1]) @ r @ np.diag([-1, 1, 1]))
    upright = np.array([-0.2, 0.05, 0.001, -0.002, 0.01, 0.1, 0.02, 0.005,
                        0.001, -0.0005, 0.002, 0.0003, 0.03, -0.02])
    rng = np.random.default_rng(4)
    points = np.column_stack([rng.uniform(-0.4, 0.4, (200, 2)), np.ones(200)])
    zero = np.zeros(3)
    want, _ = cv2.projectPoints(points, zero, zero, K, upright)
    want = want.reshape(-1, 2)
    for axes in ((0,), (1,), (0, 1)):
        d_sent, k_sent, seen, mirrored = upright.copy(), K.copy(), points.copy(), want.copy()
        for axis in axes:  # the lens as a camera that sends the turned image calibrates it
            d_sent, _ = turned_over(d_sent, np.eye(3).ravel(), 'rational_polynomial',
                                    columns=axis == 0)
            k_sent[axis, axis] = -k_sent[axis, axis]
            k_sent[axis, 2] = (W, H)[axis] - 1 - k_sent[axis, 2]
            seen[:, axis] = -seen[:, axis]
            mirrored[:, axis] = (W, H)[axis] - 1 - mirrored[:, axis]
        # The camera sending the turned image: the mirrored scene through the turned lens,
        # with the positive focal lengths of that image (its K as read back).
        k_read = np.abs(k_sent) * np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1]])
        got, _ = cv2.projectPoints(seen, zero, zero, k_read, d_sent)
        assert np.abs(got.reshape(-1, 2) - mirrored).max() < 1e-6, axes
        back, _ = turned_over(d_sent, np.eye(3).ravel(), 'rational_polynomial',
                              columns=axes[0] == 0)
        if len(axes) == 2:
            back, _ = turned_over(back, np.eye(3).ravel(), 'rational_polynomial')
        assert np.allclose(back, upright), axes  # turning twice gives the lens back
        # The node's maps for the turned-back image are OpenCV's for the upright lens.
        rect = make_rectifier(raw_camera_matrix(k_sent.ravel(), W, H), back,
                              np.eye(3).ravel(), 'rational_polynomial', K, W, H)
        maps = cv2.initUndistortRectifyMap(K, upright, np.eye(3), K, (W, H), cv2.CV_32FC1)
        for mine, ref in zip(rect._float, maps):
            assert np.abs(mine - ref).max() < 1e-3, axes
