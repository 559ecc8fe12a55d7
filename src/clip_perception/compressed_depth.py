"""image_transport's ``compressedDepth`` codec for ``sensor_msgs/CompressedImage`` depth.

What ``compressed_depth_image_transport`` (ros-perception/image_transport_plugins,
``codec.cpp`` and ``rvl_codec.cpp``) puts on ``<depth topic>/compressedDepth``, decoded
and encoded without ROS, so a robot can send its depth compressed and the tests can
produce exactly what such a publisher sends:

* ``format`` is ``"<encoding>; compressedDepth <png|rvl>"`` (older publishers write
  ``"<encoding>; compressedDepth"`` for PNG);
* ``data`` starts with a 12-byte ``ConfigHeader`` (int32 format, float32
  ``depthParam[2]``, little endian), then the payload: a 16-bit PNG, or RVL (uint32
  width, uint32 height, then the RVL stream of Wilson 2017, "Fast Lossless Depth Image
  Compression");
* ``16UC1`` payloads hold the integer depth itself (millimetres, or the camera's
  ``depth_scale``); ``32FC1`` payloads hold inverse
  depth quantised as ``q = A / z + B`` with ``A, B = depthParam`` (0 = no reading), so
  ``z = A / (q - B)``. The publisher's parameters give ``A = z0 (z0 + 1)`` and
  ``B = 1 - A / depth_max`` (``z0 = depth_quantization``, 100, and ``depth_max``, 10 m,
  by default), and it stores ``q`` in 16 bits without a clamp: depth nearer than
  ``A / (65535 - B)`` (0.152 m by default) wraps past 65535 and decodes as far
  (ros-perception/image_transport_plugins#43), which :func:`decode` reports and drops.

Everything returns arrays or raises :class:`clip_perception.messages.MessageError`.
"""

import math
import struct

import cv2
import numpy as np

HEADER_BYTES = 12
INV_DEPTH = 0  # ConfigHeader.format: the only value the upstream codec writes.
# Most step in q between neighbouring readings of one surface that the wrap check follows
# (q = A / z + B changes by A / z^2 a metre: 449 a millimetre at the default A, 10100, and
# z 0.15 m, where q nears 65535; a surface at 70 degrees to the view moves under a
# millimetre a pixel there). Readings across a wrap differ by about 65536 less this.
WRAP_STEP = 1024



class CompressedDepthError(ValueError):
    """A compressedDepth message that cannot be decoded (``kind`` as in messages)."""

    def __init__(self, kind, text):
        super().__init__(text)
        self.kind = kind


# The encodings a compressedDepth payload holds, by their lower-case form (mono16 is 16UC1).
_ENCODINGS = {'16uc1': '16UC1', 'mono16': '16UC1', '32fc1': '32FC1'}


def depth_encoding(fmt):
    """Return the depth encoding a compressedDepth ``format``'s first word names.

    :param fmt: e.g. ``"32FC1; compressedDepth png"`` (any capitals, spaces around it).
    :return: ``'16UC1'`` (integer depth; also for ``mono16``), ``'32FC1'`` (floats,
        quantised as inverse depth) or None (no depth encoding).
    """
    return _ENCODINGS.get((fmt or '').partition(';')[0].strip().lower())


def parse_format(fmt, notes=None):
    """Split a compressedDepth ``format`` string into ``(encoding, compression)``.

    Read whatever the capitals and the spaces around its words (``"16uc1;
    compresseddepth PNG"``, a hand-made publisher's or a bridge's spelling): only one
    format is spelt so, and readers of ``format`` compare it so (foxglove/foxglove-sdk
    #1373: trimmed and lower-cased, as Foxglove's own frontend reads it; the encodings
    of raw images, strawlab/camera_aravis#3). Before, such a depth stream was refused on
    every message. A line saying it is not written as image_transport writes it is
    added to ``notes``.

    :param fmt: e.g. ``"16UC1; compressedDepth png"``, ``"32FC1; compressedDepth rvl"``
        or the older ``"16UC1; compressedDepth"``.
    :param notes: a list, or None.
    :return: ``(encoding, compression)`` with encoding ``16UC1`` or ``32FC1`` and
        compression ``png`` or ``rvl``.
    :raises CompressedDepthError: any other format.
    """
    written, _, rest = (fmt or '').partition(';')
    encoding, words = depth_encoding(fmt), rest.split()
    if encoding is None:
        raise CompressedDepthError('encoding', f'compressedDepth format "{fmt}": the depth '
                                   'encoding must be 16UC1 or 32FC1')
    if not words or words[0].lower() != 'compresseddepth' or len(words) > 2:
        raise CompressedDepthError('encoding', f'format "{fmt}" is not compressedDepth ('
                                   'expected "16UC1; compressedDepth png"); is this the '
                                   'compressed (colour) transport?')
    compression = words[1].lower() if len(words) == 2 else 'png'
    if compression not in ('png', 'rvl'):
        raise CompressedDepthError('encoding', f'compressedDepth compression "{compression}"'
                                   ' is not supported; use png or rvl')
    if notes is not None and (written.strip() not in ('16UC1', 'mono16', '32FC1') or
                              words[0] != 'compressedDepth' or words[1:] not in (
                                  [], [compression])):
        notes.append(f'compressedDepth format "{fmt}" is not written as image_transport '
                     f'writes it; reading it as "{encoding}; compressedDepth {compression}": '
                     'write that in the publisher')
    return encoding, compression


def decode(fmt, data, max_side, max_pixels, depth_scale=0.001, notes=None, ranges=None):
    """Decode one compressedDepth message to metres.

    ``32FC1`` readings the publisher could not quantise (nearer than its
    ``A / (65535 - B)``: saturated at 65535, or wrapped past it to a small ``q`` that
    decodes metres too far; :func:`out_of_range`) are no reading, and a line saying how
    many, from the header's ``depth_quantization`` and ``depth_max``, is added to
    ``ranges``.

    :param fmt: the message's ``format``.
    :param data: the message's ``data`` (bytes-like).
    :param max_side: most pixels a side; larger images are refused before decoding.
    :param max_pixels: most pixels in all.
    :param depth_scale: metres per unit of a ``16UC1`` payload (0.001: millimetres);
        ``32FC1`` payloads are the publisher's floats (metres, or depth normalised to
        [0, 1] that the caller reads with its clip planes) whatever it is.
    :param notes: a list, or None: as :func:`parse_format`.
    :param ranges: a list, or None: the line on readings out of the quantisation's range.
    :return: (H, W) float32 metres, NaN = no reading.
    :raises CompressedDepthError: wrong format, corrupt or oversized payload.
    """
    encoding, compression = parse_format(fmt, notes)
    raw = bytes(data)
    if len(raw) <= HEADER_BYTES:
        raise CompressedDepthError('corrupt', f'compressedDepth message is {len(raw)} bytes: '
                                   f'no room for the {HEADER_BYTES}-byte header and an image')
    values, sent = _decode_payload(raw[HEADER_BYTES:], compression, max_side, max_pixels)
    if sent != compression and notes is not None:
        notes.append(f'compressedDepth format "{fmt}" says {compression} but its payload is '
                     f'{sent.upper()}: decoded as {sent.upper()} (the data decides); write '
                     f'"{encoding}; compressedDepth {sent}" in the publisher')
    return _to_metres(encoding, raw, values, depth_scale, ranges)


def decode_mislabelled(fmt, data, max_side, max_pixels, depth_scale=0.001, notes=None,
                       ranges=None):
    """Decode a compressedDepth payload sent under a format that is no compressedDepth one.

    A publisher that writes the 12-byte header and the PNG or RVL itself (a hand-made
    republisher, an SDK writing bags: realsenseai/librealsense#15556 writes this wire
    prefix; ros4hri/hri_body_detect#2 decodes it by looking for the PNG signature) may
    leave the format of image_transport's other transport, ``"16UC1; png compressed "``,
    or the encoding alone. Before, each message was refused as "not compressedDepth ...
    is this the compressed (colour) transport?", which it was not. The data decides, as
    for the compression word (:func:`_decode_payload`): a PNG after the header, or an RVL
    stream its size fills, is read with the depth encoding the format's first word names,
    and a line saying so is added to ``notes``.

    :param fmt: the message's ``format``.
    :param data: the message's ``data`` (bytes-like).
    :return: (H, W) float32 metres, NaN = no reading; None when ``fmt`` says
        compressedDepth (its own error stands) or the data holds no compressedDepth
        payload.
    :raises CompressedDepthError: a compressedDepth payload under a format whose first
        word names no depth encoding (``16UC1`` or ``32FC1``), or as :func:`decode`.
    """
    if 'compresseddepth' in (fmt or '').lower():
        return None  # it says compressedDepth: what it says wrong is said by parse_format
    raw = bytes(data)
    payload = raw[HEADER_BYTES:]
    if len(raw) <= HEADER_BYTES:
        return None
    if payload[:8] == b'\x89PNG\r\n\x1a\n':
        sent = 'png'
    else:
        try:
            _decode_rvl(payload, max_side, max_pixels)
        except CompressedDepthError:
            return None
        sent = 'rvl'
    encoding = depth_encoding(fmt)
    if encoding is None:
        raise CompressedDepthError('encoding', f'depth (format "{fmt}") holds a compressedDepth '
                                   f'payload ({HEADER_BYTES}-byte header, then {sent.upper()}), '
                                   'but its format names no depth encoding: write "16UC1; '
                                   f'compressedDepth {sent}" (or 32FC1) in the publisher')
    values, sent = _decode_payload(payload, sent, max_side, max_pixels)
    if notes is not None:
        notes.append(f'depth format "{fmt}" is no compressedDepth format, but its data is a '
                     f'compressedDepth payload ({HEADER_BYTES}-byte header, then '
                     f'{sent.upper()}): decoded as "{encoding}; compressedDepth {sent}"; '
                     'write that in the publisher')
    return _to_metres(encoding, raw, values, depth_scale, ranges)


def _to_metres(encoding, raw, values, depth_scale, ranges=None):
    """Metres of decoded ``values`` ((H, W) uint16) of ``encoding``, with ``raw``'s header.

    :param ranges: a list, or None: as :func:`decode`.
    """
    _, quant_a, quant_b = struct.unpack('<iff', raw[:HEADER_BYTES])
    if encoding == '16UC1':
        out = values.astype(np.float32) * np.float32(depth_scale)
        out[(values == 0) | (values == np.iinfo(np.uint16).max)] = np.nan
        return out
    if not (np.isfinite(quant_a) and np.isfinite(quant_b)) or quant_a == 0:
        raise CompressedDepthError('corrupt', 'compressedDepth 32FC1 header has unusable '
                                   f'quantisation parameters A={quant_a}, B={quant_b}')
    q = values.astype(np.float32)
    with np.errstate(divide='ignore', invalid='ignore'):
        out = np.float32(quant_a) / (q - np.float32(quant_b))
    out[(values == 0) | ~np.isfinite(out) | (out <= 0)] = np.nan
    outside = out_of_range(values)
    if outside.any():
        out[outside] = np.nan
        if ranges is not None:
            ranges.append(_out_of_range_line(int(outside.sum()), values.size, quant_a,
                                             quant_b))
    return out.astype(np.float32, copy=False)


def quantisation(quant_a, quant_b):
    """Return the publisher's parameters and range from a 32FC1 header's ``depthParam``.

    codec.cpp: ``A = z0 (z0 + 1)``, ``B = 1 - A / depth_max``; the nearest depth its 16
    bits hold is ``A / (65535 - B)`` and the farthest ``A / (1 - B)`` = ``depth_max``.

    :param quant_a: ``depthParam[0]`` (A, > 0).
    :param quant_b: ``depthParam[1]`` (B).
    :return: ``(depth_quantization, depth_max, nearest)``, metres for the last two.
    """
    a, b = float(quant_a), float(quant_b)
    z0 = (math.sqrt(1.0 + 4.0 * a) - 1.0) / 2.0
    depth_max = a / (1.0 - b) if b < 1.0 else math.inf
    return z0, depth_max, a / (65535.0 - b)


def _out_of_range_line(count, total, quant_a, quant_b):
    z0, depth_max, nearest = quantisation(quant_a, quant_b)
    return (f'compressedDepth 32FC1: {count} of {total} readings lie nearer than the '
            f"{nearest:.3g} m its quantisation holds (the publisher's depth_quantization "
            f'{z0:.4g}, depth_max {depth_max:.4g} m: q = A / z + B passes 65535 and is stored '
            'wrapped, decoding metres too far, ros-perception/image_transport_plugins#43): '
            "read as no reading. Lower the publisher's depth_quantization (nearest depth "
            'about depth_quantization^2 / 65535 m) or send 16UC1')


def out_of_range(values):
    """Which 32FC1 ``q`` readings the publisher could not store: (H, W) bool.

    codec.cpp stores ``q = A / z + B`` in 16 bits without a clamp, so a reading nearer
    than ``A / (65535 - B)`` (0.152 m at the defaults) wraps past 65535 to a small ``q``
    that decodes far (10 m just past the wrap, 0.29 m at 0.10 m: the artefacts of
    ros-perception/image_transport_plugins#43 on an Azure Kinect; a simulator's depth
    normalised to [0, 1] wraps below 0.152). Such readings are read as no reading: those
    at 65535 (a publisher that saturates instead), and each region of readings reached
    from across a wrap: a neighbour within :data:`WRAP_STEP` of 65535 whose ``q``, less
    65536, is within :data:`WRAP_STEP` of its own, followed over steps of at most
    :data:`WRAP_STEP` (cv2.floodFill) and not over no reading (0).

    :param values: (H, W) uint16 ``q`` as decoded.
    :return: (H, W) bool, True where out of range.
    """
    top = values >= 65536 - WRAP_STEP
    out = values == 65535
    if not top.any():
        return out
    q = values.astype(np.int32)
    seeds = np.zeros(q.shape, bool)
    for axis in (0, 1):
        for near, far in ((slice(None, -1), slice(1, None)), (slice(1, None), slice(None, -1))):
            at, beside = [slice(None)] * 2, [slice(None)] * 2
            at[axis], beside[axis] = near, far
            across = q[tuple(beside)] + 65536 - q[tuple(at)]
            seeds[tuple(beside)] |= top[tuple(at)] & (q[tuple(beside)] > 0) & (
                across <= WRAP_STEP)
    if not seeds.any():
        return out
    h, w = q.shape
    mask = np.zeros((h + 2, w + 2), np.uint8)
    mask[1:-1, 1:-1][values == 0] = 1  # no reading: the fill does not cross it
    img = q.astype(np.float32)
    flags = 4 | cv2.FLOODFILL_MASK_ONLY | (2 << 8)
    for row, col in zip(*np.nonzero(seeds)):
        if not mask[row + 1, col + 1]:
            cv2.floodFill(img, mask, (int(col), int(row)), 0, WRAP_STEP, WRAP_STEP, flags)
    return out | (mask[1:-1, 1:-1] == 2)


def _decode_payload(payload, compression, max_side, max_pixels):
    """Decode a PNG or RVL payload as the data says, whatever ``compression`` says.

    The format's compression word is the only thing a reader of compressedDepth goes on,
    and readers of another version refuse a word they do not know
    (ros-perception/image_transport_plugins#63, introlab/rtabmap_ros#509: every message
    of older bags refused). A publisher or relay that writes one word and sends the other
    payload left this node refusing every message with a wrong reason ("rvl" on a PNG: a
    1196314761x169478669 image; "png" on RVL: not a PNG). A PNG opens with its
    signature; an RVL payload gives a size its stream fills exactly, which a payload of
    neither kind does not (its size check or stream check fails). So a PNG is read as
    PNG, and a payload said to be PNG that is not one is read as RVL if it decodes so.

    :return: ``((H, W) uint16 values, 'png' or 'rvl': what the payload was)``.
    :raises CompressedDepthError: neither a PNG nor RVL (the error of the compression
        the format names), or corrupt.
    """
    if payload[:8] == b'\x89PNG\r\n\x1a\n':
        return _decode_png(payload, max_side, max_pixels), 'png'
    if compression == 'rvl':
        return _decode_rvl(payload, max_side, max_pixels), 'rvl'
    try:
        return _decode_rvl(payload, max_side, max_pixels), 'rvl'
    except CompressedDepthError:
        return _decode_png(payload, max_side, max_pixels), 'png'  # raises: not a PNG


def _check_size(width, height, max_side, max_pixels):
    if width <= 0 or height <= 0:
        raise CompressedDepthError('size', f'compressedDepth image has zero size '
                                   f'({width}x{height})')
    if width > max_side or height > max_side or width * height > max_pixels:
        raise CompressedDepthError('size', f'compressedDepth image is {width}x{height}; the '
                                   f'limit is {max_side} px a side and {max_pixels} px in all')


def _decode_png(payload, max_side, max_pixels):
    if payload[:8] != b'\x89PNG\r\n\x1a\n' or len(payload) < 24 or payload[12:16] != b'IHDR':
        raise CompressedDepthError('corrupt', 'compressedDepth payload is not a PNG')
    width, height = struct.unpack('>II', payload[16:24])
    _check_size(width, height, max_side, max_pixels)
    if b'IEND' not in payload.rstrip(b'\x00')[-12:]:
        raise CompressedDepthError('corrupt', 'compressedDepth PNG is truncated (no IEND)')
    img = cv2.imdecode(np.frombuffer(payload, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None or img.ndim != 2 or img.dtype != np.uint16:
        raise CompressedDepthError('corrupt', 'compressedDepth PNG does not decode to one '
                                   '16-bit channel')
    return img


def _nibbles(words):
    """RVL packs 4-bit nibbles into 32-bit words, the first nibble in the top bits."""
    shifts = np.arange(28, -1, -4, dtype=np.uint32)
    return ((words[:, None] >> shifts[None, :]) & 0xF).astype(np.int64).ravel()


def _vle_values(nibbles):
    """Variable-length values: 3 payload bits per nibble, low bits first, bit 3 = more."""
    more = (nibbles & 8) != 0
    ends = np.flatnonzero(~more)
    if len(ends) == 0:
        return np.zeros(0, np.int64)
    nibbles = nibbles[:ends[-1] + 1]
    more = more[:ends[-1] + 1]
    group = np.concatenate([[0], np.cumsum(~more)[:-1]])
    starts = np.concatenate([[0], ends[:-1] + 1])
    pos = np.arange(len(nibbles)) - starts[group]
    if pos.max(initial=0) > 10:  # > 33 bits: no count or delta of a 16-bit image
        raise CompressedDepthError('corrupt', 'compressedDepth RVL stream holds an '
                                   'impossibly long value')
    parts = (nibbles & 7) << (3 * pos)
    return np.bincount(group, weights=parts).astype(np.int64)


def _decode_rvl(payload, max_side, max_pixels):
    if len(payload) < 8:
        raise CompressedDepthError('corrupt', 'compressedDepth RVL payload has no size')
    width, height = struct.unpack('<II', payload[:8])
    _check_size(width, height, max_side, max_pixels)
    n = width * height
    body = payload[8:]
    # Upstream also refuses more than 5 pixels per payload byte; an all-zero image (a
    # covered lens) legitimately beats that, and the size caps above already bound the
    # work and memory, so that rule is not applied here.
    body = body + b'\x00' * (-len(body) % 4)
    values = _vle_values(_nibbles(np.frombuffer(body, '<u4')))
    out = np.zeros(n, np.uint16)
    # Runs alternate: count of zeros, count of non-zeros, then that many deltas.
    run_out, run_val, run_len = [], [], []
    i = pixel = 0
    nv = len(values)
    while pixel < n:
        if i + 1 >= nv:
            raise CompressedDepthError('corrupt', 'compressedDepth RVL stream ends early')
        zeros, nonzeros = int(values[i]), int(values[i + 1])
        pixel += zeros
        if nonzeros:
            run_out.append(pixel)
            run_val.append(i + 2)
            run_len.append(nonzeros)
        pixel += nonzeros
        i += 2 + nonzeros
        if pixel > n or i > nv:
            raise CompressedDepthError('corrupt', 'compressedDepth RVL stream does not match '
                                       f'its {width}x{height} size')
    if run_len:
        lens = np.array(run_len)
        within = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)
        positive = values[np.repeat(run_val, lens) + within]
        delta = (positive >> 1) ^ -(positive & 1)
        out[np.repeat(run_out, lens) + within] = (np.cumsum(delta) & 0xFFFF).astype(np.uint16)
    return out.reshape(height, width)


def encode(depth, compression='png', encoding='16UC1', depth_max=10.0,
           depth_quantization=100.0):
    """Encode depth as compressed_depth_image_transport's publisher does.

    ``32FC1`` depth nearer than the quantisation holds (``A / (65535 - B)``) is stored
    wrapped, as codec.cpp's float-to-16-bit store leaves it on x86 (the low 16 bits of
    the truncated integer; ros-perception/image_transport_plugins#43).

    :param depth: (H, W) uint16 millimetres (``16UC1``) or float32 metres (``32FC1``;
        NaN or beyond ``depth_max`` = no reading).
    :param compression: ``png`` or ``rvl``.
    :param depth_max: metres; the publisher's ``depth_max`` parameter.
    :param depth_quantization: the publisher's ``depth_quantization`` parameter.
    :return: ``(format, data)`` for a ``sensor_msgs/CompressedImage``.
    """
    quant_a = quant_b = 0.0
    if encoding == '32FC1':
        z = np.asarray(depth, np.float32)
        quant_a = np.float32(depth_quantization * (depth_quantization + 1.0))
        quant_b = np.float32(1.0 - quant_a / np.float32(depth_max))
        with np.errstate(divide='ignore', invalid='ignore'):
            q = quant_a / z + quant_b
        valid = np.isfinite(z) & (z < depth_max) & (z > 0)
        stored = np.where(valid, q, 0).astype(np.int64) & 0xFFFF  # wrapped, as codec.cpp
        values = stored.astype(np.uint16)
    elif encoding == '16UC1':
        values = np.asarray(depth, np.uint16).copy()
        values[values > np.uint16(min(depth_max * 1000.0, 65535))] = 0
    else:
        raise ValueError(f'encoding must be 16UC1 or 32FC1, not {encoding}')
    if compression == 'png':
        ok, buf = cv2.imencode('.png', values)
        if not ok:
            raise ValueError('PNG encoding failed')
        payload = buf.tobytes()
    elif compression == 'rvl':
        payload = struct.pack('<II', values.shape[1], values.shape[0]) + _encode_rvl(values)
    else:
        raise ValueError(f'compression must be png or rvl, not {compression}')
    header = struct.pack('<iff', INV_DEPTH, float(quant_a), float(quant_b))
    return f'{encoding}; compressedDepth {compression}', header + payload


def _encode_rvl(values):
    """Encode a uint16 image as RVL runs: (zeros, non-zeros, zig-zag deltas...)."""
    flat = values.ravel().astype(np.int64)
    nz = flat != 0
    bounds = np.concatenate([[0], np.flatnonzero(np.diff(nz.astype(np.int8))) + 1,
                             [len(flat)]])
    runs = [(bool(nz[a]), int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]
    seq = []
    prev = 0
    i = 0
    while i < len(runs):
        zeros = 0
        if not runs[i][0]:
            zeros = runs[i][2] - runs[i][1]
            i += 1
        seq.append(np.array([zeros], np.int64))
        if i < len(runs):
            _, a, b = runs[i]
            vals = flat[a:b]
            delta = np.diff(np.concatenate([[prev], vals]))
            delta = ((delta + 32768) % 65536) - 32768  # uint16 arithmetic, as upstream
            prev = int(vals[-1])
            seq.append(np.array([b - a], np.int64))
            seq.append((delta << 1) ^ (delta >> 63))
            i += 1
        else:
            seq.append(np.array([0], np.int64))
    v = np.concatenate(seq)
    # Nibbles per value: ceil(bits / 3), at least one.
    bits = np.floor(np.log2(np.maximum(v, 1))).astype(np.int64) + 1
    count = np.maximum((bits + 2) // 3, 1)
    owner = np.repeat(np.arange(len(v)), count)
    pos = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    nib = ((v[owner] >> (3 * pos)) & 7) | np.where(pos < count[owner] - 1, 8, 0)
    nib = np.concatenate([nib, np.zeros(-len(nib) % 8, np.int64)]).reshape(-1, 8)
    shifts = np.arange(28, -1, -4, dtype=np.int64)
    return (nib << shifts).sum(axis=1).astype('<u4').tobytes()
