"""image_transport's zstd transport (zstd_image_transport): header, codecs, refusals.

ros-drivers/usb_cam#340: Jazzy's drivers publish ``<base>/zstd`` beside ``compressed``,
and bags hold only it; ros-perception/image_transport_plugins#214: Jazzy's plugin
compresses with deflate in a gzip wrapper under that name, the next one with zstd.
"""

import gzip
import struct
import zlib

import numpy as np
import pytest

from clip_perception import zstd_image
from clip_perception.messages import depth_to_array
from clip_perception.messages import image_to_rgb
from clip_perception.messages import MessageError
from clip_perception.messages import zstd_to_depth
from clip_perception.messages import zstd_to_rgb
from clip_perception.zstd_image import ZstdImageError


def _scene(h=48, w=64):
    rng = np.random.default_rng(7)
    return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


@pytest.mark.parametrize('codec', ['gzip', 'zstd'])
def test_colour_of_every_layout_reads_as_the_raw_image(codec):
    rgb = _scene()
    h, w = rgb.shape[:2]
    padded = np.zeros((h, w * 3 + 16), np.uint8)
    padded[:, :w * 3] = rgb[..., ::-1].reshape(h, -1)
    for encoding, step, pixels in (('rgb8', w * 3, rgb.tobytes()),
                                   ('bgr8', w * 3 + 16, padded.tobytes()),
                                   ('mono8', w, rgb[..., 1].tobytes())):
        data = zstd_image.pack(encoding, h, w, step, pixels, codec=codec)
        got = zstd_to_rgb(data)
        assert np.array_equal(got, image_to_rgb(encoding, h, w, step, pixels)), encoding


@pytest.mark.parametrize('codec', ['gzip', 'zstd'])
def test_depth_arrives_lossless_in_16uc1_and_32fc1(codec):
    mm = np.full((30, 40), 800, np.uint16)
    mm[:5] = 0
    got = zstd_to_depth(zstd_image.pack('16UC1', 30, 40, 80, mm.tobytes(), codec=codec))
    assert np.array_equal(got, depth_to_array('16UC1', 30, 40, 80, mm.tobytes()),
                          equal_nan=True)
    metres = np.full((30, 40), 0.8125, np.float32)
    big = metres.astype('>f4').tobytes()
    got = zstd_to_depth(zstd_image.pack('32FC1', 30, 40, 160, big, is_bigendian=True,
                                        codec=codec))
    assert np.allclose(got, 0.8125)
    notes = []
    zstd_to_depth(zstd_image.pack('16uc1', 30, 40, 80, mm.tobytes()), notes=notes)
    assert any('16uc1' in n for n in notes)  # the raw reader's notes come through


def test_a_zlib_stream_without_the_gzip_wrapper_is_read_too():
    rgb = _scene(8, 8)
    head = struct.pack('<IIBII', 8, 8, 0, 24, 4) + b'rgb8'
    assert np.array_equal(zstd_to_rgb(head + zlib.compress(rgb.tobytes())), rgb)


@pytest.mark.parametrize('data, kind, needle', [
    (b'', 'corrupt', 'no room for the 17-byte header'),
    (struct.pack('<IIBII', 8, 8, 0, 24, 0), 'corrupt', 'encoding of 0 characters'),
    (struct.pack('<IIBII', 8, 8, 0, 24, 1000) + b'rgb8', 'corrupt', 'not a zstd_image'),
    (struct.pack('<IIBII', 8, 8, 0, 24, 4) + b'rgb8\xff\xd8\xff\xe0', 'encoding',
     'neither a gzip, zlib nor zstd stream'),
    (struct.pack('<IIBII', 8, 8, 0, 24, 4) + b'rgb8' + gzip.compress(bytes(192), mtime=0)[:20],
     'corrupt', 'cut short'),
    (struct.pack('<IIBII', 8, 8, 0, 24, 4) + b'rgb8' + gzip.compress(bytes(10 ** 6), mtime=0),
     'size', 'decompresses to more than'),
], ids=['empty', 'no_encoding', 'encoding_past_the_end', 'no_stream', 'cut_short', 'too_large'])
def test_what_is_no_zstd_image_is_refused_saying_why(data, kind, needle):
    with pytest.raises(MessageError, match=needle) as err:
        zstd_to_rgb(data)
    assert err.value.kind == kind


def test_a_size_the_pixels_do_not_fill_is_refused_as_a_raw_image_is():
    data = zstd_image.pack('rgb8', 8, 8, 24, bytes(100))
    with pytest.raises(MessageError, match='data is 100 bytes'):
        zstd_to_rgb(data)


def test_a_zstd_frame_without_a_zstd_module_names_the_package(monkeypatch):
    data = zstd_image.pack('rgb8', 8, 8, 24, bytes(192), codec='zstd')
    monkeypatch.setattr(zstd_image, '_zstd_module', lambda: None)
    with pytest.raises(ZstdImageError, match='pip install backports.zstd'):
        zstd_image.unpack(data, 10 ** 6)
