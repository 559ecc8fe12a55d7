"""image_transport compressedDepth: PNG and RVL, 16UC1 and 32FC1, and corrupt payloads.

The vectorised RVL decoder is checked against a line-by-line reading of the upstream
algorithm (compressed_depth_image_transport's ``rvl_codec.cpp``), written here in plain
Python as the reference.
"""

import struct

import cv2
from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
import numpy as np
import pytest

from clip_perception import compressed_depth
from clip_perception.compressed_depth import CompressedDepthError
from clip_perception.messages import compressed_depth_to_array
from clip_perception.messages import MessageError

CAP = {'max_side': 8192, 'max_pixels': 4096 * 4096}


def reference_rvl_decode(body, num_pixels):
    """Upstream's DecompressRVL, one nibble at a time (the test's oracle)."""
    words = list(np.frombuffer(body + b'\0' * (-len(body) % 4), '<u4'))
    state = {'word': 0, 'left': 0, 'next': 0}

    def vle():
        value, bits = 0, 29
        while True:
            if not state['left']:
                state['word'] = int(words[state['next']])
                state['next'] += 1
                state['left'] = 8
            nibble = state['word'] & 0xF0000000
            value |= ((nibble << 1) & 0xFFFFFFFF) >> bits
            state['word'] = (state['word'] << 4) & 0xFFFFFFFF
            state['left'] -= 1
            bits -= 3
            if not nibble & 0x80000000:
                return value

    out, previous, todo = [], 0, num_pixels
    while todo:
        zeros = vle()
        todo -= zeros
        out += [0] * zeros
        nonzeros = vle()
        todo -= nonzeros
        for _ in range(nonzeros):
            positive = vle()
            previous = (previous + ((positive >> 1) ^ -(positive & 1))) & 0xFFFF
            out.append(previous)
    return np.array(out, np.uint16)


def _mm(rng, h, w, holes):
    mm = rng.integers(300, 5000, (h, w)).astype(np.uint16)
    mm[rng.random((h, w)) < holes] = 0
    return mm


@pytest.mark.parametrize('holes', [0.0, 0.05, 0.5, 1.0])
def test_rvl_matches_the_upstream_algorithm_and_round_trips(holes):
    rng = np.random.default_rng(int(holes * 100))
    for _ in range(20):
        h, w = (int(v) for v in rng.integers(1, 24, 2))
        mm = _mm(rng, h, w, holes)
        fmt, data = compressed_depth.encode(mm, 'rvl', '16UC1', depth_max=60.0)
        assert fmt == '16UC1; compressedDepth rvl'
        body = data[compressed_depth.HEADER_BYTES + 8:]
        assert np.array_equal(reference_rvl_decode(body, h * w).reshape(h, w), mm)
        out = compressed_depth_to_array(fmt, data)
        expected = np.where(mm == 0, np.nan, mm.astype(np.float32) * np.float32(0.001))
        np.testing.assert_allclose(out, expected, equal_nan=True)


@pytest.mark.parametrize('compression', ['png', 'rvl'])
def test_32fc1_inverse_depth_quantisation_round_trips(compression):
    rng = np.random.default_rng(1)
    z = rng.uniform(0.3, 6.0, (48, 64)).astype(np.float32)
    z[0, :5] = np.nan
    z[1, :3] = 20.0  # beyond depth_max: no reading, as the publisher writes it
    fmt, data = compressed_depth.encode(z, compression, '32FC1', depth_max=10.0)
    out = compressed_depth_to_array(fmt, data)
    assert out.dtype == np.float32 and out.shape == z.shape
    assert np.isnan(out[0, :5]).all() and np.isnan(out[1, :3]).all()
    ok = np.isfinite(z) & (z < 10)
    # Quantisation with depth_quantization 100: ~z^2 / 10100 relative steps.
    assert np.nanmax(np.abs(out[ok] - z[ok]) / z[ok]) < 1e-3


def test_png_16uc1_and_format_variants():
    mm = _mm(np.random.default_rng(2), 30, 40, 0.1)
    _, data = compressed_depth.encode(mm, 'png', '16UC1')
    expected = np.where(mm == 0, np.nan, mm * np.float32(0.001))
    # Jazzy writes "<enc>; compressedDepth png"; older publishers "<enc>; compressedDepth".
    for fmt in ('16UC1; compressedDepth png', '16UC1; compressedDepth', 'mono16; compressedDepth'):
        np.testing.assert_allclose(compressed_depth_to_array(fmt, data), expected,
                                   equal_nan=True)


@pytest.mark.parametrize('fmt, needle', [
    ('jpeg', 'names no depth encoding: write "16UC1; compressedDepth png"'),
    ('rgb8; jpeg compressed bgr8', 'names no depth encoding'),
    ('bgr8; compressedDepth', 'depth encoding must be 16UC1 or 32FC1'),
    ('16UC1; compressedDepth png png', 'is not compressedDepth'),
    ('16UC1; compressedDepth zstd', 'zstd" is not supported'),
])
def test_wrong_formats_are_refused_with_the_reason(fmt, needle):
    _, data = compressed_depth.encode(np.ones((4, 4), np.uint16), 'png', '16UC1')
    with pytest.raises(MessageError, match=needle):
        compressed_depth_to_array(fmt, data)


@pytest.mark.parametrize('fmt, compression, encoding', [
    ('16UC1; png compressed ', 'png', '16UC1'),  # the compressed transport's format
    ('16UC1; png compressed ', 'rvl', '16UC1'),
    ('32FC1; png compressed ', 'png', '32FC1'),
    ('16UC1; compressed png', 'png', '16UC1'),
    ('16UC1', 'rvl', '16UC1'),                   # the encoding alone
])
def test_a_compressed_depth_payload_under_another_format_is_read_by_its_payload(
        fmt, compression, encoding):
    """A 12-byte header and a PNG or RVL under a format not saying compressedDepth is read.

    A publisher writing the compressedDepth wire prefix itself (realsenseai/librealsense
    #15556; ros4hri/hri_body_detect#2 reads it by the PNG signature) with the compressed
    transport's format, or the encoding alone. helper-62 left it refused on every message
    as "not compressedDepth ...; is this the compressed (colour) transport?": the payload
    decides, as for the compression word, and the format to write is said.
    """
    rng = np.random.default_rng(5)
    depth = (_mm(rng, 12, 16, 0.1) if encoding == '16UC1' else
             rng.uniform(0.4, 3.0, (12, 16)).astype(np.float32))
    right, data = compressed_depth.encode(depth, compression, encoding)
    expected = compressed_depth_to_array(right, data)
    for transport in ('compressed', 'compressedDepth'):
        notes = []
        out = compressed_depth_to_array(fmt, data, notes=notes, transport=transport)
        np.testing.assert_allclose(out, expected, equal_nan=True)
        assert [n.kind for n in notes] == (['compressed_format'] + (
            ['depth_transport'] if transport == 'compressed' else [])), transport
        assert f'decoded as "{encoding}; compressedDepth {compression}"' in notes[0]
    # A payload that is neither a PNG nor RVL after the header is still refused so.
    with pytest.raises(MessageError, match='not a readable PNG or TIFF|not compressedDepth'):
        compressed_depth_to_array(fmt, data[:12] + b'neither png nor rvl' * 3,
                                  transport='compressed')


@pytest.mark.parametrize('fmt, ext', [
    ('16UC1; png compressed ', '.png'),   # compressed_image_transport's png of a 16-bit image
    ('mono16; png compressed ', '.png'),
    ('png', '.png'),                      # cv_bridge's cv2_to_compressed_imgmsg
    ('16UC1; tiff compressed', '.tiff'),  # iai_kinect2's kinect2_bridge
])
def test_depth_over_the_compressed_transport_is_read_as_its_16_bit_image(fmt, ext):
    """A 16-bit PNG or TIFF on <depth>/compressed is 16UC1 depth.

    RealSense and Orbbec drivers publish depth so (realsense-ros#2361; helper-47: refused
    as "the compressed (colour) transport?").
    """
    mm = _mm(np.random.default_rng(7), 30, 40, 0.1)
    data = cv2.imencode(ext, mm)[1].tobytes()
    expected = np.where(mm == 0, np.nan, mm * np.float32(0.001))
    notes = []
    out = compressed_depth_to_array(fmt, data, notes=notes, transport='compressed')
    np.testing.assert_allclose(out, expected, equal_nan=True)
    assert notes == []
    # depth_scale applies as to raw 16UC1 (a D405's 0.1 mm units).
    np.testing.assert_allclose(
        compressed_depth_to_array(fmt, data, 0.0001, transport='compressed'), expected / 10,
        equal_nan=True, rtol=1e-6)
    # 65535 is a driver's "no reading" code at any scale, as in raw and compressedDepth.
    coded = mm.copy()
    coded[0, :3] = 65535
    out = compressed_depth_to_array(fmt, cv2.imencode(ext, coded)[1].tobytes(), 0.0001,
                                    transport='compressed')
    assert np.isnan(out[0, :3]).all()
    # On the compressedDepth topic (a remap) it is decoded too, and the note names the fix.
    notes = []
    np.testing.assert_allclose(compressed_depth_to_array(fmt, data, notes=notes), expected,
                               equal_nan=True)
    assert [n.kind for n in notes] == ['depth_transport']
    assert 'depth_transport:=compressed' in notes[0]


def test_a_float_tiff_is_metres_and_a_compressed_depth_payload_reads_on_either_topic():
    z = np.random.default_rng(3).uniform(0.3, 4.0, (20, 30)).astype(np.float32)
    z[0, :5] = 0.0
    z[1, :5] = np.nan
    tiff = cv2.imencode('.tiff', z)[1].tobytes()
    out = compressed_depth_to_array('32FC1; tiff compressed', tiff, transport='compressed')
    assert np.isnan(out[:2, :5]).all()
    np.testing.assert_allclose(out[2:], z[2:])
    fmt, data = compressed_depth.encode(_mm(np.random.default_rng(4), 12, 16, 0.0), 'png', '16UC1')
    notes = []
    out = compressed_depth_to_array(fmt, data, notes=notes, transport='compressed')
    np.testing.assert_allclose(out, compressed_depth_to_array(fmt, data))
    assert [n.kind for n in notes] == ['depth_transport']
    assert 'depth_transport:=compressedDepth' in notes[0]


@pytest.mark.parametrize('fmt, image, needle', [
    # JPEG keeps 8 bits: realsense-ros#2140's "16UC1; jpeg compressed " has lost the depth.
    ('16UC1; jpeg compressed ', ('.jpg', np.full((8, 8), 100, np.uint8)),
     'depth it was made from is lost'),
    ('bgr8; png compressed bgr8', ('.png', np.zeros((8, 8, 3), np.uint8)), '3 channels: colour'),
    ('png', ('.png', np.zeros((8, 8), np.uint8)), '8 bits a pixel is an image, not depth'),
    ('16UC1; png compressed ', None, 'not a readable PNG or TIFF'),
])
def test_what_the_compressed_transport_cannot_carry_as_depth_is_refused_saying_why(
        fmt, image, needle):
    data = cv2.imencode(image[0], image[1])[1].tobytes() if image else b'no image here' * 4
    with pytest.raises(MessageError, match=needle):
        compressed_depth_to_array(fmt, data, transport='compressed')
    png16 = cv2.imencode('.png', np.full((64, 64), 900, np.uint16))[1].tobytes()
    with pytest.raises(MessageError, match='truncated'):
        compressed_depth_to_array('16UC1; png compressed ', png16[:-20], transport='compressed')


def test_corrupt_and_oversized_payloads_are_refused():
    fmt, data = compressed_depth.encode(np.full((8, 8), 1000, np.uint16), 'png', '16UC1')
    with pytest.raises(MessageError, match='no room'):
        compressed_depth_to_array(fmt, data[:12])
    with pytest.raises(MessageError, match='truncated'):
        compressed_depth_to_array(fmt, data[:-20])
    with pytest.raises(MessageError, match='not a PNG'):
        compressed_depth_to_array(fmt, data[:12] + b'\xff\xd8' + data[14:])
    # An RVL header claiming a huge image is refused before anything is allocated.
    huge = data[:12] + struct.pack('<II', 100000, 100000) + b'\0' * 16
    with pytest.raises(MessageError, match='limit'):
        compressed_depth_to_array('16UC1; compressedDepth rvl', huge)
    # An RVL stream shorter than its size says.
    fmt, data = compressed_depth.encode(np.full((8, 8), 1000, np.uint16), 'rvl', '16UC1')
    short = data[:12] + struct.pack('<II', 64, 64) + data[20:]
    with pytest.raises(MessageError, match='RVL stream'):
        compressed_depth_to_array(fmt, short)
    # A 32FC1 header whose quantisation cannot be inverted.
    fmt, data = compressed_depth.encode(np.full((4, 4), 1.0, np.float32), 'png', '32FC1')
    bad = struct.pack('<iff', 0, 0.0, 1.0) + data[12:]
    with pytest.raises(MessageError, match='quantisation'):
        compressed_depth_to_array(fmt, bad)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(compression=st.sampled_from(['png', 'rvl']), encoding=st.sampled_from(['16UC1', '32FC1']),
       data=st.binary(max_size=200), cut=st.integers(0, 400), flip=st.integers(0, 400))
def test_fuzz_returns_depth_or_a_clear_error(compression, encoding, data, cut, flip):
    """Arbitrary and damaged payloads: an array or CompressedDepthError, nothing else."""
    fmt, good = compressed_depth.encode(np.full((6, 9), 1234, np.uint16)
                                        if encoding == '16UC1' else
                                        np.full((6, 9), 1.5, np.float32), compression, encoding)
    damaged = bytearray(good[:max(cut, 13)] + data)
    if flip < len(damaged):
        damaged[flip] ^= 0x5A
    for payload in (bytes(damaged), data):
        try:
            out = compressed_depth.decode(fmt, payload, **CAP)
        except CompressedDepthError as exc:
            assert str(exc)
        else:
            assert out.dtype == np.float32 and out.ndim == 2 and out.size <= CAP['max_pixels']


def test_no_reading_codes_are_no_reading_in_compressed_depth_too():
    mm = np.full((6, 8), 900, np.uint16)
    mm[2, 3] = 65535  # a driver's "invalid" code, compressed as it came
    for compression in ('png', 'rvl'):  # (a publisher with depth_max above 65.5 m)
        fmt, data = compressed_depth.encode(mm, compression, '16UC1', depth_max=70.0)
        out = compressed_depth_to_array(fmt, data)
        assert np.isnan(out[2, 3]) and out[0, 0] == pytest.approx(0.9)


@pytest.mark.parametrize('compression', ['png', 'rvl'])
def test_16uc1_compressed_depth_is_read_at_the_given_depth_scale(compression):
    """A RealSense D405's compressedDepth carries its 0.1 mm units (issue #3438)."""
    tenths = np.array([[8000, 3000], [0, 12345]], np.uint16)
    fmt, data = compressed_depth.encode(tenths, compression, '16UC1', depth_max=100.0)
    assert compressed_depth_to_array(fmt, data)[0, 0] == pytest.approx(8.0)
    depth = compressed_depth_to_array(fmt, data, 0.0001)
    np.testing.assert_allclose(depth[[0, 0, 1], [0, 1, 1]], [0.8, 0.3, 1.2345], rtol=1e-6)
    assert np.isnan(depth[1, 0])
    metres = np.array([[0.8, 0.3]], np.float32)
    fmt, data = compressed_depth.encode(metres, compression, '32FC1')
    np.testing.assert_allclose(compressed_depth_to_array(fmt, data, 0.0001), metres,
                               atol=0.01)


@pytest.mark.parametrize('written, canonical', [
    ('16uc1; compressedDepth png', '16UC1; compressedDepth png'),
    ('16UC1; compresseddepth PNG', '16UC1; compressedDepth png'),
    ('32fc1;  CompressedDepth  RVL ', '32FC1; compressedDepth rvl'),
    ('MONO16; compressedDepth', '16UC1; compressedDepth png'),
])
def test_a_format_in_other_capitals_is_read_as_the_one_it_spells(written, canonical):
    # foxglove-sdk#1373 (format strings read trimmed and lower-cased); before, every
    # message of such a stream was refused ("the depth encoding must be 16UC1 or 32FC1").
    z = np.random.default_rng(3).uniform(0.3, 6.0, (24, 32)).astype(np.float32)
    encoding, compression = canonical.split(';')[0], canonical.split()[-1]
    depth = (z * 1000).astype(np.uint16) if encoding == '16UC1' else z
    fmt, data = compressed_depth.encode(depth, compression, encoding)
    notes = []
    out = compressed_depth_to_array(written, data, notes=notes)
    np.testing.assert_array_equal(out, compressed_depth_to_array(fmt, data))
    assert [n.kind for n in notes] == ['compressed_format'] and f'"{canonical}"' in notes[0]
    notes.clear()
    compressed_depth_to_array(fmt, data, notes=notes)
    assert notes == []


@pytest.mark.parametrize('written, sent', [
    ('16UC1; compressedDepth rvl', 'png'),
    ('16UC1; compressedDepth png', 'rvl'),
    ('16UC1; compressedDepth', 'rvl'),   # the pre-RVL format on an RVL payload
    ('32FC1; compressedDepth rvl', 'png'),
    ('32FC1; compressedDepth png', 'rvl'),
])
def test_the_payload_decides_png_or_rvl_and_a_format_it_contradicts_is_noted(written, sent):
    """A format whose compression word the payload contradicts is decoded as the payload is.

    The compression word is all a reader has to go on (ros-perception/
    image_transport_plugins#63, introlab/rtabmap_ros#509: bags refused on every message
    because the reader trusted a format string of another version); a publisher or relay
    that writes one word and sends the other payload leaves it wrong. A PNG opens with its
    signature and an RVL payload with a size its stream fills exactly, so the data tells.
    Before: "rvl" on a PNG was refused as a 1196314761x169478669 image, "png" (or no word)
    on RVL as "not a PNG": 0 of 5 read; now 5 of 5, equal to the right format's reading,
    with a note (warned once by the node, counted ``depth_compressed_format``).
    """
    encoding = written.partition(';')[0]
    depth = _mm(np.random.default_rng(5), 30, 40, 0.1)
    if encoding == '32FC1':
        depth = np.where(depth == 0, np.nan, depth / np.float32(1000.0)).astype(np.float32)
    _, data = compressed_depth.encode(depth, sent, encoding)
    expected = compressed_depth_to_array(f'{encoding}; compressedDepth {sent}', data)
    notes = []
    got = compressed_depth_to_array(written, data, notes=notes)
    np.testing.assert_array_equal(got, expected)
    assert any(f'its payload is {sent.upper()}' in n for n in notes), notes


def test_a_payload_neither_png_nor_rvl_is_still_refused():
    header = struct.pack('<iff', 0, 0.0, 0.0)
    for payload in (b'\x00' * 40, struct.pack('<II', 40, 30) + b'\xff' * 8, b'GIF89a' + bytes(40)):
        for fmt in ('16UC1; compressedDepth png', '16UC1; compressedDepth rvl'):
            with pytest.raises(MessageError):
                compressed_depth_to_array(fmt, header + payload)


@pytest.mark.parametrize('compression', ['png', 'rvl'])
@pytest.mark.parametrize('near, far, buffer', [
    (0.01, 1.0, 'linear'), (0.1, 2.0, 'linear'), (0.05, 3.0, 'z_buffer')])
def test_32fc1_compressed_depth_normalised_between_clip_planes_is_read_with_them(
        compression, near, far, buffer):
    """A simulator's 32FC1 depth in [0, 1] sent over image_transport's compressedDepth.

    The publisher quantises whatever float it is given (``q = A / d + B``): a CoppeliaSim
    view (``z = near + d (far - near)``, stepjam/PyRep#25) or PyBullet's z-buffer
    (bulletphysics/bullet3#1932) keeps its [0, 1] readings through the transport. Raw 32FC1
    was read with ``clip_planes`` (float_depth_near/far/buffer); compressedDepth 32FC1 was
    read as metres whatever they said, the table at about 1 / (far - near) of its distance
    (0/6 -> 6/6 within the transport's quantisation, d^2 / 10100, over a toy scene; what
    lies beyond the far plane, 1.0, is no reading). Without the planes its far plane (1.0
    decodes to exactly 1.0) is noted as raw 32FC1's is (0/2 -> 2/2).
    """
    from clip_perception.world.scenes import generate_scene
    z = generate_scene(3, effects=False).depth
    with np.errstate(divide='ignore', invalid='ignore'):
        d = (z - near) / (far - near) if buffer == 'linear' else \
            (1 / near - 1 / z) / (1 / near - 1 / far)
    d = np.clip(d, 0, 1).astype(np.float32)
    assert float(d.min()) > 0.16  # the publisher's q holds d beyond A / 65535 at depth_max 10
    fmt, data = compressed_depth.encode(d, compression, '32FC1')
    read = compressed_depth_to_array(fmt, data, clip_planes=(near, far, buffer))
    hit = d < 1.0
    # The transport's step in d, d^2 / A, is a step in z of dz/dd times it.
    dz_dd = (far - near) if buffer == 'linear' else z ** 2 * (far - near) / (near * far)
    step = d.astype(np.float64) ** 2 / 10100 * dz_dd
    assert np.all(np.abs(read[hit] - z[hit]) <= 1.01 * step[hit] + 1e-6), \
        float(np.nanmax(np.abs(read - z)))
    assert np.isnan(read[~hit]).all()
    if far == 1.0:  # a far plane in view: 1.0 where the table lies beyond it
        assert 0.05 < float(np.mean(~hit)) < 0.95
        notes = []
        compressed_depth_to_array(fmt, data, notes=notes)
        assert [n.kind for n in notes] == ['far_plane'], notes
        assert 'float_depth_far' in notes[0]


def _real_depth_frames():
    import glob
    import os

    from conftest import SHARED_DATA
    for path in sorted(glob.glob(os.path.join(SHARED_DATA, 'real_rgbd', '*.npz'))):
        depth = np.load(path)['depth']
        yield path, depth.astype(np.float32) * np.float32(
            0.001 if depth.dtype == np.uint16 else 1.0)


def test_32fc1_readings_nearer_than_the_quantisation_holds_are_dropped_and_said():
    """A compressedDepth 32FC1 publisher at its defaults wraps below 0.152 m.

    ros-perception/image_transport_plugins#43 (an Azure Kinect's depth): codec.cpp stores
    ``q = A / z + B`` in 16 bits without a clamp, so nearer than ``A / (65535 - B)``
    (depth_quantization 100, depth_max 10: 0.152 m) ``q`` wraps and decodes metres too far
    (10 m just past the wrap, 0.29 m at 0.10 m). The 16 real frames brought to 0.3 and
    0.15 of their distance (a wrist camera near the table; the encoder here wraps as
    codec.cpp does): before, every wrapped reading was used, more than 1 cm off
    (1,051,702 of 1,051,702 near readings at 0.3, 6,610,162 of 6,610,162 at 0.15); now
    those reached across a wrap are no reading and one line names the header's
    parameters and the nearest depth they hold: wrongly used 21,810 (2.1%) at 0.3,
    1,980,623 (30%) at 0.15 (regions nearer all round, with no wrap to see, stay: left
    open), a reading at 0.152 m or beyond never dropped (16 frames as sent, at 0.3, at
    0.15), nothing said of the frames as sent.
    """
    near_limit = 10100.0 / (65535.0 + 1009.0)
    wrong = {0.3: [0, 0], 0.15: [0, 0]}
    for path, depth in _real_depth_frames():
        for scale in (1.0, 0.3, 0.15):
            z = depth * np.float32(scale)
            fmt, data = compressed_depth.encode(z, 'png', '32FC1')
            notes = []
            out = compressed_depth_to_array(fmt, data, notes=notes)
            valid = np.isfinite(z) & (z > 0)
            near = valid & (z < near_limit)
            assert not (np.isnan(out) & valid & ~near).any(), (path, scale)  # never beyond
            if scale == 1.0:
                assert not [n for n in notes if n.kind == 'quantisation_range'], path
                continue
            wrong[scale][0] += int((near & np.isfinite(out) & (np.abs(out - z) > 0.01)).sum())
            wrong[scale][1] += int(near.sum())
            said = [n for n in notes if n.kind == 'quantisation_range']
            if (near & np.isnan(out)).any():
                assert len(said) == 1, notes
                assert 'depth_quantization 100, depth_max 10 m' in said[0], said
                assert 'nearer than the 0.152 m' in said[0], said
    assert wrong[0.3][0] < 0.05 * wrong[0.3][1], wrong
    assert wrong[0.15][0] < 0.35 * wrong[0.15][1], wrong


def test_32fc1_wrap_is_read_from_the_headers_parameters():
    """Another publisher's depth_quantization and depth_max: the header's A and B decide.

    A surface from 0.05 m to 2 m encoded at depth_quantization 50 and depth_max 4 (the
    nearest it holds: 0.0385 m) keeps every reading; at 300 and 20 m (1.29 m) the
    readings of a surface from 0.3 m, across four wraps, are dropped, the line naming 300
    and 20 m; a publisher that saturates at 65535 instead of wrapping has those readings
    dropped too.
    """
    z = np.tile(np.geomspace(0.05, 2.0, 200, dtype=np.float32), (40, 1))
    fmt, data = compressed_depth.encode(z, 'rvl', '32FC1', depth_max=4.0,
                                        depth_quantization=50.0)
    notes = []
    out = compressed_depth.decode(fmt, data, ranges=notes, **CAP)
    assert np.isfinite(out).all() and notes == []
    np.testing.assert_allclose(out, z, rtol=2e-3)
    z = np.tile(np.geomspace(0.3, 2.0, 2000, dtype=np.float32), (10, 1))  # wraps 4 times
    fmt, data = compressed_depth.encode(z, 'rvl', '32FC1', depth_max=20.0,
                                        depth_quantization=300.0)
    out = compressed_depth.decode(fmt, data, ranges=notes, **CAP)
    _, _, nearest = compressed_depth.quantisation(*struct.unpack('<ff', data[4:12]))
    assert nearest == pytest.approx(1.2891, abs=1e-3)
    assert np.isnan(out[z < nearest]).all() and np.isfinite(out[z >= nearest]).all()
    assert len(notes) == 1 and 'depth_quantization 300, depth_max 20 m' in notes[0], notes
    # Saturated, not wrapped: 65535 is the nearest the 16 bits hold, read as none.
    quant_a, quant_b = 10100.0, 1.0 - 10100.0 / 10.0
    z = np.tile(np.geomspace(0.05, 2.0, 200, dtype=np.float32), (40, 1))
    q = np.clip(quant_a / z + quant_b, 0, 65535).astype(np.uint16)
    data = struct.pack('<iff', 0, quant_a, quant_b) + cv2.imencode('.png', q)[1].tobytes()
    notes = []
    out = compressed_depth.decode('32FC1; compressedDepth png', data, ranges=notes, **CAP)
    assert (q == 65535).any() and np.isnan(out[q == 65535]).all()
    assert np.isfinite(out[q < 65535]).all() and len(notes) == 1, notes
