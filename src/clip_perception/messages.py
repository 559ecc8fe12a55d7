"""Camera message buffers <-> numpy, validated, with sizes capped.

Takes the plain fields of ``sensor_msgs`` messages (encoding, sizes, bytes), never the
message types, so it is tested and fuzzed without ROS. Every function returns an array
or raises :class:`MessageError` whose text says what was wrong; nothing here allocates
more than :data:`MAX_PIXELS` pixels.
"""

import struct
import sys

import cv2
import numpy as np

from clip_perception.geometry import depth_to_metres
from clip_perception.geometry import Intrinsics

MAX_SIDE = 8192
MAX_PIXELS = 4096 * 4096
MAX_COMPRESSED_BYTES = 64 * 1024 * 1024
COLOUR_ENCODINGS = {'rgb8': 3, 'bgr8': 3, 'rgba8': 4, 'bgra8': 4, 'mono8': 1, '8UC3': 3,
                    '8UC1': 1}
DEPTH_ENCODINGS = {'16UC1': np.uint16, 'mono16': np.uint16, '32FC1': np.float32}
HOST_BIG_ENDIAN = sys.byteorder == 'big'


class MessageError(ValueError):
    """A message that cannot be used; ``kind`` groups errors for throttled logging."""

    def __init__(self, kind, text):
        super().__init__(text)
        self.kind = kind


def _check_size(height, width, what):
    if height <= 0 or width <= 0:
        raise MessageError('size', f'{what} has zero size ({width}x{height})')
    if height > MAX_SIDE or width > MAX_SIDE or height * width > MAX_PIXELS:
        raise MessageError('size', f'{what} is {width}x{height}; the limit is '
                           f'{MAX_SIDE} px a side and {MAX_PIXELS} px in all')


def _view(data, height, width, step, channels, dtype, what):
    """Zero-copy (H, W, C) view of a row-padded buffer, after checking its length."""
    itemsize = np.dtype(dtype).itemsize
    row = width * channels * itemsize
    if step < row:
        raise MessageError('layout', f'{what} step {step} is smaller than width x pixel '
                           f'size = {row}')
    if len(data) != step * height:
        raise MessageError('layout', f'{what} data is {len(data)} bytes; step x height = '
                           f'{step * height}')
    buf = np.frombuffer(data, dtype=np.uint8).reshape(height, step)[:, :row]
    return buf.view(dtype).reshape(height, width, channels)


def image_to_rgb(encoding, height, width, step, data):
    """Decode a raw ``sensor_msgs/Image`` into RGB.

    :param data: ``bytes`` (or any buffer) of ``step * height`` bytes.
    :return: (H, W, 3) uint8 RGB, C-contiguous.
    """
    _check_size(height, width, 'image')
    channels = COLOUR_ENCODINGS.get(encoding)
    if channels is None:
        raise MessageError('encoding', f'unsupported image encoding "{encoding}"; use one of '
                           f'{", ".join(sorted(COLOUR_ENCODINGS))}')
    px = _view(data, height, width, step, channels, np.uint8, 'image')
    if encoding == 'rgb8':
        return np.ascontiguousarray(px)
    if encoding in ('bgr8', '8UC3'):
        return np.ascontiguousarray(px[..., ::-1])
    if encoding == 'rgba8':
        return np.ascontiguousarray(px[..., :3])
    if encoding == 'bgra8':
        return np.ascontiguousarray(px[..., 2::-1])
    return np.ascontiguousarray(np.repeat(px, 3, axis=2))


def depth_to_array(encoding, height, width, step, data, is_bigendian=False):
    """Decode a depth ``sensor_msgs/Image`` to float32 metres (NaN = no reading).

    :param encoding: ``16UC1``/``mono16`` (millimetres, 0 = none) or ``32FC1`` (metres).
    :return: (H, W) float32.
    """
    _check_size(height, width, 'depth')
    dtype = DEPTH_ENCODINGS.get(encoding)
    if dtype is None:
        raise MessageError('encoding', f'unsupported depth encoding "{encoding}"; use 16UC1 '
                           '(millimetres) or 32FC1 (metres)')
    arr = _view(data, height, width, step, 1, dtype, 'depth')[..., 0]
    if bool(is_bigendian) != HOST_BIG_ENDIAN:
        arr = arr.byteswap()
    return depth_to_metres(arr)


def compressed_to_rgb(fmt, data):
    """Decode a ``sensor_msgs/CompressedImage`` (JPEG or PNG) into RGB.

    The header's size is checked before decoding, so a tiny file claiming a huge image
    is refused without allocating it.

    :return: (H, W, 3) uint8 RGB.
    """
    if len(data) > MAX_COMPRESSED_BYTES:
        raise MessageError('size', f'compressed image is {len(data)} bytes; the limit is '
                           f'{MAX_COMPRESSED_BYTES}')
    raw = bytes(data)
    png = _png_size(raw)
    size = png or _jpeg_size(raw)
    if size is None:
        raise MessageError('corrupt', f'compressed image (format "{fmt}") is not a readable '
                           'JPEG or PNG')
    # OpenCV fills a truncated JPEG with grey and only warns: insist on the end marker.
    tail = raw.rstrip(b'\x00')
    if (png and b'IEND' not in tail[-12:]) or (not png and not tail.endswith(b'\xff\xd9')):
        raise MessageError('corrupt', f'compressed image (format "{fmt}") is truncated (no '
                           'end-of-image marker)')
    _check_size(size[1], size[0], 'compressed image')
    bgr = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None or bgr.ndim != 3:
        raise MessageError('corrupt', f'compressed image (format "{fmt}") could not be '
                           'decoded (truncated or corrupt)')
    return np.ascontiguousarray(bgr[..., ::-1])


def _png_size(raw):
    if raw[:8] == b'\x89PNG\r\n\x1a\n' and len(raw) >= 24 and raw[12:16] == b'IHDR':
        return struct.unpack('>II', raw[16:24])
    return None


def _jpeg_size(raw):
    """(width, height) from the first SOF marker of a JPEG, or None."""
    if raw[:2] != b'\xff\xd8':
        return None
    i = 2
    while i + 4 <= len(raw):
        if raw[i] != 0xFF:
            return None
        marker = raw[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack('>H', raw[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if i + 9 > len(raw):
                return None
            h, w = struct.unpack('>HH', raw[i + 5:i + 9])
            return w, h
        i += 2 + length
    return None


def camera_info_to_intrinsics(k, width, height):
    """``sensor_msgs/CameraInfo`` K, width, height -> :class:`Intrinsics`.

    Images are assumed rectified (``image_rect`` topics): distortion is not applied.
    """
    try:
        intr = Intrinsics.from_k(k, width, height)
    except ValueError as exc:
        raise MessageError('invalid', f'camera_info is unusable: {exc}') from None
    _check_size(height, width, 'camera_info')
    return intr


def check_same_size(shape, intrinsics, what):
    """Raise if an image of ``shape`` does not match the camera_info size."""
    h, w = shape[:2]
    if (w, h) != (intrinsics.width, intrinsics.height):
        raise MessageError('mismatch', f'{what} is {w}x{h} but camera_info says '
                           f'{intrinsics.width}x{intrinsics.height}')


def rgb_to_image_fields(rgb):
    """RGB array -> ``(encoding, height, width, step, bytes)`` for a ``rgb8`` Image.

    Returns ``bytes``: assigning a numpy array to ``msg.data`` is ~300x slower.
    """
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w = rgb.shape[:2]
    return 'rgb8', h, w, w * 3, rgb.tobytes()


def depth_to_image_fields(depth, encoding='16UC1'):
    """Depth array -> Image fields (16UC1 uint16 mm or 32FC1 float32 m)."""
    dtype = DEPTH_ENCODINGS[encoding]
    arr = np.ascontiguousarray(depth, dtype=dtype)
    h, w = arr.shape
    return encoding, h, w, w * arr.itemsize, arr.tobytes()
