"""Message buffers -> arrays: correct on good input, a clear MessageError on anything else.

The hypothesis tests feed arbitrary fields; every case must return an array or raise
MessageError (never anything else), and never allocate past the size caps.
"""

import struct

import cv2
from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
import numpy as np
import pytest

from clip_perception.messages import camera_info_to_intrinsics
from clip_perception.messages import compressed_to_rgb
from clip_perception.messages import depth_to_array
from clip_perception.messages import image_to_rgb
from clip_perception.messages import MAX_PIXELS
from clip_perception.messages import MessageError
from clip_perception.messages import rgb_to_image_fields

FUZZ = settings(max_examples=400, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
CASES = {'count': 0}


def test_colour_encodings_decode_to_rgb():
    rgb = np.random.default_rng(0).integers(0, 255, (4, 5, 3), dtype=np.uint8)
    enc, h, w, step, data = rgb_to_image_fields(rgb)
    assert np.array_equal(image_to_rgb(enc, h, w, step, data), rgb)
    bgr = rgb[..., ::-1].tobytes()
    assert np.array_equal(image_to_rgb('bgr8', 4, 5, 15, bgr), rgb)
    rgba = np.concatenate([rgb, np.full((4, 5, 1), 7, np.uint8)], 2)
    assert np.array_equal(image_to_rgb('rgba8', 4, 5, 20, rgba.tobytes()), rgb)
    bgra = np.concatenate([rgb[..., ::-1], np.full((4, 5, 1), 7, np.uint8)], 2)
    assert np.array_equal(image_to_rgb('bgra8', 4, 5, 20, bgra.tobytes()), rgb)
    mono = image_to_rgb('mono8', 4, 5, 5, rgb[..., 0].tobytes())
    assert np.array_equal(mono[..., 1], rgb[..., 0])


def test_row_padding_is_respected():
    rgb = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    padded = np.zeros((2, 12), np.uint8)
    padded[:, :9] = rgb.reshape(2, 9)
    assert np.array_equal(image_to_rgb('rgb8', 2, 3, 12, padded.tobytes()), rgb)


def test_depth_encodings_and_endianness():
    mm = np.array([[0, 1500]], np.uint16)
    out = depth_to_array('16UC1', 1, 2, 4, mm.tobytes())
    assert np.isnan(out[0, 0]) and out[0, 1] == pytest.approx(1.5)
    big = depth_to_array('16UC1', 1, 2, 4, mm.byteswap().tobytes(), is_bigendian=True)
    assert big[0, 1] == pytest.approx(1.5)
    m = np.array([[np.nan, 0.75]], np.float32)
    out = depth_to_array('32FC1', 1, 2, 8, m.tobytes())
    assert np.isnan(out[0, 0]) and out[0, 1] == pytest.approx(0.75)


@pytest.mark.parametrize('args, kind', [
    (('yuv422', 2, 2, 4, b'\0' * 8), 'encoding'),
    (('rgb8', 2, 2, 6, b'\0' * 11), 'layout'),
    (('rgb8', 2, 2, 5, b'\0' * 10), 'layout'),
    (('rgb8', 0, 2, 6, b''), 'size'),
    (('rgb8', 100000, 100000, 300000, b''), 'size'),
])
def test_bad_images_raise_message_error(args, kind):
    with pytest.raises(MessageError) as err:
        image_to_rgb(*args)
    assert err.value.kind == kind


def test_compressed_jpeg_and_png_decode_and_corrupt_ones_are_refused():
    rgb = np.zeros((20, 30, 3), np.uint8)
    rgb[..., 0] = 200
    for ext in ('.png', '.jpg'):
        ok, buf = cv2.imencode(ext, rgb[..., ::-1])
        out = compressed_to_rgb(ext, buf.tobytes())
        assert out.shape == (20, 30, 3) and abs(int(out[5, 5, 0]) - 200) < 8
        raw = buf.tobytes()
        for cut in range(1, len(raw)):
            with pytest.raises(MessageError):
                compressed_to_rgb(ext, raw[:cut])
    with pytest.raises(MessageError, match='not a readable'):
        compressed_to_rgb('jpeg', b'hello')


def test_png_claiming_a_huge_image_is_refused_before_decoding():
    ok, buf = cv2.imencode('.png', np.zeros((2, 2, 3), np.uint8))
    raw = bytearray(buf.tobytes())
    raw[16:24] = struct.pack('>II', 60000, 60000)
    with pytest.raises(MessageError) as err:
        compressed_to_rgb('png', bytes(raw))
    assert err.value.kind == 'size'


def test_camera_info_validation():
    intr = camera_info_to_intrinsics([525, 0, 319.5, 0, 525, 239.5, 0, 0, 1], 640, 480)
    assert (intr.width, intr.height) == (640, 480)
    for k, w, h in (([0.0] * 9, 640, 480), ([np.nan] * 9, 640, 480),
                    ([525, 0, 1, 0, 525, 1, 0, 0, 1], 0, 0),
                    ([np.inf, 0, 1, 0, 525, 1, 0, 0, 1], 640, 480)):
        with pytest.raises(MessageError):
            camera_info_to_intrinsics(k, w, h)


encodings = st.sampled_from(['rgb8', 'bgr8', 'rgba8', 'bgra8', 'mono8', '16UC1', '32FC1',
                             'mono16', 'yuv422', '', 'RGB8', '8UC3', 'jpeg', '\x00'])
dims = st.one_of(st.integers(-2, 12), st.sampled_from([0, 2 ** 31 - 1, 70000, 4097]))


def _outcome(fn, *args):
    CASES['count'] += 1
    try:
        out = fn(*args)
    except MessageError as exc:
        assert str(exc) and exc.kind
        return None
    assert out.size <= MAX_PIXELS * 3
    return out


@FUZZ
@given(encodings, dims, dims, st.integers(-4, 64), st.binary(max_size=600), st.booleans())
def test_fuzz_image_and_depth(encoding, h, w, step, data, bigendian):
    out = _outcome(image_to_rgb, encoding, h, w, step, data)
    if out is not None:
        assert out.shape == (h, w, 3) and out.dtype == np.uint8
    out = _outcome(depth_to_array, encoding, h, w, step, data, bigendian)
    if out is not None:
        assert out.shape == (h, w) and out.dtype == np.float32
        assert not np.any(np.isfinite(out) & (out <= 0))


def _valid_jpeg():
    ok, buf = cv2.imencode('.jpg', np.full((16, 16, 3), 90, np.uint8))
    return buf.tobytes()


@FUZZ
@given(st.one_of(st.binary(max_size=400),
                 st.integers(1, 600).map(lambda n: _valid_jpeg()[:n]),
                 st.builds(lambda i, b: (lambda j: j[:i] + bytes([b]) + j[i + 1:])(
                     _valid_jpeg()), st.integers(0, 600), st.integers(0, 255))))
def test_fuzz_compressed(data):
    out = _outcome(compressed_to_rgb, 'jpeg', data)
    if out is not None:
        assert out.ndim == 3 and out.shape[2] == 3


floats = st.floats(allow_nan=True, allow_infinity=True)


@FUZZ
@given(st.lists(floats, min_size=0, max_size=12), dims, dims)
def test_fuzz_camera_info(k, w, h):
    out = None
    try:
        out = camera_info_to_intrinsics(k, w, h)
    except MessageError as exc:
        assert str(exc)
    CASES['count'] += 1
    if out is not None:
        assert out.fx > 0 and out.fy > 0 and np.isfinite([out.cx, out.cy]).all()


def test_report_fuzz_case_count():
    """Runs last in this module: the number of fuzz cases executed, for the notes."""
    print(f'\n[fuzz] message conversion cases run: {CASES["count"]}')
    assert CASES['count'] >= 1000
