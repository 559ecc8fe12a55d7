"""image_transport's zstd transport: a raw Image's fields and pixels, compressed whole.

zstd_image_transport (image_transport_plugins 4.x, Jazzy) is installed with
image_transport, so every Jazzy camera driver that publishes through it (usb_cam,
realsense-ros, v4l2_camera...) adds ``<base>/zstd`` beside ``<base>/compressed``
(ros-drivers/usb_cam#340), and bags are recorded with only that topic to save space. Its
``sensor_msgs/CompressedImage`` has ``format`` ``"zstd"`` and ``data``:

* a 17-byte little-endian header: ``height`` and ``width`` (uint32), ``is_bigendian``
  (one byte), ``step`` (uint32), the length of ``encoding`` (uint32);
* the ``encoding``'s characters;
* the raw image's ``data``, compressed. Lossless, so depth (16UC1, 32FC1) travels too.

Despite its name the Jazzy plugin compresses with zlib's deflate in a gzip wrapper
(``zlib_cpp.cpp``; ros-perception/image_transport_plugins#214 replaces it with real
zstd). The data decides: a gzip or zlib stream is inflated with the standard library, a
zstd frame (magic ``28 b5 2f fd``) with ``compression.zstd`` (Python 3.14) or
``backports.zstd`` (installed with rosbags) where one is importable.

Takes bytes, returns plain fields (:class:`RawImage`) for
:func:`clip_perception.messages.image_to_rgb` or
:func:`clip_perception.messages.depth_to_array`; never imports ROS.
"""

from dataclasses import dataclass
import struct
import zlib

HEADER_BYTES = 17
ZSTD_MAGIC = b'\x28\xb5\x2f\xfd'
# Longest encoding name taken from the header (image_encodings.hpp's are under 16).
MAX_ENCODING_CHARS = 64


class ZstdImageError(ValueError):
    """A zstd-transport message that cannot be read; ``kind`` as MessageError's."""

    def __init__(self, kind, text):
        super().__init__(text)
        self.kind = kind


@dataclass(frozen=True)
class RawImage:
    """The ``sensor_msgs/Image`` fields a zstd message carries.

    :ivar encoding: as the publisher wrote it (str).
    :ivar height: rows (px).
    :ivar width: columns (px).
    :ivar step: bytes a row, as written (0 when the publisher left it so).
    :ivar is_bigendian: the byte order of multi-byte pixels (bool).
    :ivar data: the pixels, decompressed (bytes).
    """

    encoding: str
    height: int
    width: int
    step: int
    is_bigendian: bool
    data: bytes


def _zstd_module():
    """Return a module with ``ZstdDecompressor`` (PEP 784's API), or None."""
    try:
        from compression import zstd  # Python 3.14
        return zstd
    except ImportError:
        pass
    try:
        from backports import zstd
        return zstd
    except ImportError:
        return None


def unpack(data, max_bytes):
    """Read one zstd-transport message: its header, encoding and decompressed pixels.

    :param data: the message's ``data`` (bytes-like).
    :param max_bytes: most bytes the pixels may decompress to, and no more than the
        header's ``step`` times three planes of its rows (nv24) and 64 rows of padding;
        more is refused without holding it (a few kB can inflate to gigabytes).
    :return: :class:`RawImage`; its sizes and data length are checked by the reader of
        its encoding, not here.
    :raises ZstdImageError: kind ``corrupt`` (too short for its header, a stream cut short
        or damaged), ``encoding`` (no encoding, or a codec it does not read: says which),
        or ``size`` (more than ``max_bytes``).
    """
    raw = bytes(data)
    if len(raw) < HEADER_BYTES:
        raise ZstdImageError('corrupt', f'zstd image is {len(raw)} bytes: no room for the '
                             f'{HEADER_BYTES}-byte header (height, width, is_bigendian, '
                             'step, encoding length) zstd_image_transport writes')
    height, width, big, step, chars = struct.unpack('<IIBII', raw[:HEADER_BYTES])
    if not 0 < chars <= MAX_ENCODING_CHARS or len(raw) < HEADER_BYTES + chars:
        raise ZstdImageError('corrupt', f'zstd image header gives an encoding of {chars} '
                             'characters: not a zstd_image_transport message (is a '
                             'compressed or compressedDepth stream remapped to the zstd '
                             'topic?)')
    encoding = raw[HEADER_BYTES:HEADER_BYTES + chars].decode('latin-1')
    body = raw[HEADER_BYTES + chars:]
    if step:
        max_bytes = min(max_bytes, step * (3 * height + 64))
    return RawImage(encoding, height, width, step, bool(big),
                    _decompress(body, max_bytes, encoding, width, height))


def _decompress(body, max_bytes, encoding, width, height):
    """Inflate ``body`` (gzip, zlib or zstd, told by its first bytes) to at most ``max_bytes``."""
    what = f'zstd image ({width}x{height} {encoding})'
    if body[:2] == b'\x1f\x8b' or (len(body) >= 2 and body[0] & 0x0F == 8 and
                                   int.from_bytes(body[:2], 'big') % 31 == 0):
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib, by its header
        try:
            out = inflater.decompress(body, max_bytes + 1)
        except zlib.error as exc:
            raise ZstdImageError('corrupt', f'{what} does not inflate: {exc}') from None
        done = inflater.eof
    elif body[:4] == ZSTD_MAGIC:
        module = _zstd_module()
        if module is None:
            raise ZstdImageError('encoding', f'{what} is compressed with zstd (newer '
                                 'zstd_image_transport), and neither compression.zstd '
                                 '(Python 3.14) nor backports.zstd is installed: pip '
                                 'install backports.zstd, or republish it raw')
        decompressor = module.ZstdDecompressor()
        try:
            out = decompressor.decompress(body, max_bytes + 1)
        except module.ZstdError as exc:
            raise ZstdImageError('corrupt', f'{what} does not decompress: {exc}') from None
        done = decompressor.eof
    else:
        raise ZstdImageError('encoding', f'{what}: its pixels are neither a gzip, zlib nor '
                             f'zstd stream (they open {body[:4].hex(" ") or "empty"})')
    if len(out) > max_bytes:
        raise ZstdImageError('size', f'{what} decompresses to more than {max_bytes} bytes, '
                             'the most an image this node reads holds')
    if not done:
        raise ZstdImageError('corrupt', f'{what} is cut short: its compressed stream ends '
                             f'after {len(out)} bytes of pixels')
    return out


def pack(encoding, height, width, step, data, is_bigendian=False, codec='gzip'):
    """Write a raw image as zstd_image_transport does (for tests, tools and bags).

    :param codec: ``gzip`` (what Jazzy's plugin writes) or ``zstd`` (the newer one's;
        needs a zstd module, see :func:`unpack`).
    :return: the message's ``data`` (bytes); its ``format`` is ``"zstd"``.
    """
    name = encoding.encode('latin-1')
    head = struct.pack('<IIBII', height, width, int(bool(is_bigendian)), step, len(name))
    if codec == 'gzip':
        packer = zlib.compressobj(3, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        body = packer.compress(bytes(data)) + packer.flush()
    else:
        body = _zstd_module().compress(bytes(data))
    return head + name + body
