"""Camera message buffers <-> numpy, validated, with sizes capped.

Takes the plain fields of ``sensor_msgs`` messages (encoding, sizes, bytes), never the
message types, so it is tested and fuzzed without ROS. Every function returns an array
or raises :class:`MessageError` whose text says what was wrong; nothing here allocates
more than :data:`MAX_PIXELS` pixels.
"""

import base64
from dataclasses import dataclass
from functools import lru_cache
import math
import re
import struct
import sys

import cv2
import numpy as np

from clip_perception import compressed_depth
from clip_perception import zstd_image
from clip_perception.geometry import DEFAULT_DEPTH_SCALE
from clip_perception.geometry import depth_to_metres
from clip_perception.geometry import Intrinsics
from clip_perception.rectify import has_distortion

MAX_SIDE = 8192
MAX_PIXELS = 4096 * 4096
MAX_COMPRESSED_BYTES = 64 * 1024 * 1024
# Bytes per pixel of the colour encodings read directly (sensor_msgs/image_encodings.hpp
# names; 8UC3/8UC4 are taken as BGR/BGRA, as cv_bridge does).
COLOUR_ENCODINGS = {'rgb8': 3, 'bgr8': 3, 'rgba8': 4, 'bgra8': 4, 'mono8': 1, '8UC3': 3,
                    '8UC1': 1, '8UC4': 4, 'rgbx8': 4, 'bgrx8': 4, 'xrgb8': 4, 'xbgr8': 4,
                    'argb8': 4, 'abgr8': 4}
# Pixels of 4 bytes whose 4th is padding (x) or alpha (a) at either end: a frame buffer's,
# a render target's, a GPU texture's (GStreamer's RGBx, BGRx, xRGB, xBGR, ARGB, ABGR;
# FFmpeg's rgb0, bgr0, 0rgb, 0bgr, argb, abgr). No sensor_msgs encoding names them, so
# bridges and simulators pass the name through, written as ROS writes rgba8: the channels
# in byte order, 8 bits each. The bytes of red, green and blue in each, by name.
PADDED_RGB_BYTES = {'rgbx8': (0, 1, 2), 'bgrx8': (2, 1, 0), 'xrgb8': (1, 2, 3),
                    'argb8': (1, 2, 3), 'xbgr8': (3, 2, 1), 'abgr8': (3, 2, 1)}
# 16-bit colour, scaled to 8 bits by the bits the frame uses (to_8_bits; full range: value / 256).
COLOUR16_ENCODINGS = {'rgb16': 3, 'bgr16': 3, 'rgba16': 4, 'bgra16': 4, 'mono16': 1,
                      '16UC1': 1, '16UC3': 3, '16UC4': 4}
# Floating-point colour under OpenCV's type names (BGR(A), as 8UC3/16UC3 are read):
# cv_bridge.cv2_to_imgmsg names a float array so when given no encoding, and simulators'
# and renderers' float render targets go out so. Scaled to 8 bits by float_colour_to_8_bits.
FLOAT_COLOUR_ENCODINGS = {'32FC3': (3, np.float32), '32FC4': (4, np.float32),
                          '64FC3': (3, np.float64), '64FC4': (4, np.float64)}
# Packed YUV 4:2:2 (2 bytes a pixel): image_transport / usb_cam names -> OpenCV codes.
# ROS "yuv422" is UYVY byte order; "yuv422_yuy2" and "yuyv" are YUYV (YUY2); "yvyu"
# (V4L2_PIX_FMT_YVYU) swaps the chroma bytes of YUYV; "vyuy" (V4L2_PIX_FMT_VYUY, GStreamer's
# VYUY: bytes V, Y, U, Y; a Jetson's and an i.MX CSI's 4:2:2) is YVYU with each byte pair
# swapped, which OpenCV has no code for: its pairs are swapped, then read as YVYU.
YUV422_ENCODINGS = {'yuv422': cv2.COLOR_YUV2RGB_UYVY, 'uyvy': cv2.COLOR_YUV2RGB_UYVY,
                    'yuv422_yuy2': cv2.COLOR_YUV2RGB_YUY2, 'yuyv': cv2.COLOR_YUV2RGB_YUY2,
                    'yvyu': cv2.COLOR_YUV2RGB_YVYU, 'vyuy': cv2.COLOR_YUV2RGB_YVYU}
# RGB in one 16-bit word a pixel, 5 or 6 bits a channel: a display's, a microcontroller
# camera's (OV7670, ESP32-CAM), Unity's and Android's RGB565 texture. Named by the word's
# channels from the top bit, as V4L2 (RGB565 'RGBP', RGB555 'RGBO'), FFmpeg (rgb565le) and
# GStreamer (RGB16) name them: rgb565 is red in bits 15-11, green 10-5, blue 4-0 (what
# OpenCV calls BGR565: its name lists the bytes of the little-endian word); bgr565 has blue
# on top; 555 leaves bit 15 unused. The word is little-endian, big-endian with is_bigendian
# (V4L2's RGB565X, FFmpeg's rgb565be). Each channel's bits become the top of a byte, as
# OpenCV converts them. -> the OpenCV code that reads the little-endian word into RGB.
PACKED16_RGB_ENCODINGS = {'rgb565': cv2.COLOR_BGR5652RGB, 'bgr565': cv2.COLOR_BGR5652BGR,
                          'rgb555': cv2.COLOR_BGR5552RGB, 'bgr555': cv2.COLOR_BGR5552BGR}
# Bayer mosaics -> RGB, with the code pairing cv_bridge uses (OpenCV names a pattern by
# the second row's first two pixels, so ROS "rggb" is OpenCV "BG").
BAYER_ENCODINGS = {'bayer_rggb': cv2.COLOR_BayerBG2RGB, 'bayer_bggr': cv2.COLOR_BayerRG2RGB,
                   'bayer_gbrg': cv2.COLOR_BayerGR2RGB, 'bayer_grbg': cv2.COLOR_BayerGB2RGB}
# 4:2:0 semi-planar: a Y plane, then one interleaved chroma plane at half resolution;
# nv12 (U first: OAK/depthai-ros, hardware video decoders) is in sensor_msgs since
# Kilted, nv21 (V first) since Humble.
NV420_ENCODINGS = {'nv12': cv2.COLOR_YUV2RGB_NV12, 'nv21': cv2.COLOR_YUV2RGB_NV21}
# 4:2:0 planar: a Y plane, then a U and a V plane at half resolution each (i420; yv12: V
# first). No sensor_msgs encoding; video pipelines and bridges send them under these names
# (copper-project/copper-rs#1217; libcamera's YUV420; helper-47's field round: refused
# while nv12 was read).
PLANAR420_ENCODINGS = {'i420': cv2.COLOR_YUV2RGB_I420, 'yv12': cv2.COLOR_YUV2RGB_YV12}
YUV420_ENCODINGS = {**NV420_ENCODINGS, **PLANAR420_ENCODINGS}
# 4:2:2 and 4:4:4 in planes: a Y plane, then chroma at half width and full height (nv16: U
# and V interleaved, as V4L2's NV16 and NVIDIA's NvBuffer NV16; nv61: V first; i422: a U
# plane then a V plane, FFmpeg's yuv422p, GStreamer's Y42B, V4L2's YUV422P; yv16: V first),
# or at full size (i444: FFmpeg's yuv444p, GStreamer's Y444). Camera ISPs (Rockchip's HAL
# "nv16", Jetson's NvBuffer) and decoders hand them out; no sensor_msgs encoding names
# them. -> the 4:2:0 encoding whose chroma is laid out in the same order (_chroma_planes).
PLANAR422_ENCODINGS = {'nv16': 'nv12', 'nv61': 'nv21', 'i422': 'i420', 'yv16': 'yv12'}
# 4:4:4 semi-planar: a Y plane, then U and V interleaved at full size (nv24), or V and U
# (nv42: V4L2_PIX_FMT_NV42, FFmpeg's nv42). Rows of the chroma plane are twice luma's.
NV444_ENCODINGS = ('nv24', 'nv42')
# 4:1:1 in planes: a Y plane, then a U and a V plane at a quarter width and full height
# (V4L2_PIX_FMT_YUV411P '411P', FFmpeg's yuv411p, GStreamer's Y41B: DV cameras' sampling),
# chroma rows padded a quarter as much as luma's (V4L2's pixfmt-yuv411p).
PLANAR411_ENCODINGS = ('yuv411p',)
SEMI_PLANAR_ENCODINGS = (*YUV420_ENCODINGS, *NV444_ENCODINGS, *PLANAR422_ENCODINGS, 'i444',
                         *PLANAR411_ENCODINGS)
# 16SC1: signed millimetres, which a stereo pipeline's disparity-to-depth step and its
# simulator twin published (innate-inc/innate-os#536, "the signed 16SC1 encoding is
# nonstandard enough that stock viewers refuse it"), and DepthSense cameras, whose
# negative values are error codes (Myzhar/ros_depthsense_camera#9: -32768, -32767...).
# 16FC1: half-precision metres, which Gazebo's R_FLOAT16 depth is as the ros_gz image
# bridge names it, and flightmare's Unity depth as flightros publishes it (cv_bridge
# "16FC1"); read as 32FC1 is, to half precision (0.2 mm at 0.8 m, 4 mm at 10 m).
DEPTH_ENCODINGS = {'16UC1': np.uint16, 'mono16': np.uint16, '32FC1': np.float32,
                   '64FC1': np.float64, '16SC1': np.int16, '16FC1': np.float16}
HOST_BIG_ENDIAN = sys.byteorder == 'big'
# Largest median depth reading taken as metres (RGB-D cameras read up to about 20 m;
# beyond this it is millimetres sent as 32FC1; see check_depth_units).
MAX_PLAUSIBLE_DEPTH_M = 100.0
# Farthest median reading (m) of floating-point depth taken as metres when its readings
# are whole sixteenths: RGB-D cameras read up to about 20 m, and depth in metres is no
# multiple of 1/16 m (0.2-0.8% of readings by chance, shared/data/real_rgbd, 16 frames),
# while millimetres cast to float are whole numbers and a stereo matcher's disparity is
# whole pixels or sixteenths of one (OpenCV's StereoBM/SGBM fixed point, OAK subpixel
# eighths). See check_depth_units.
MAX_CAMERA_RANGE_M = 20.0
# Share of the readings that must be whole sixteenths for that rule.
SIXTEENTHS_SHARE = 0.99
# Nearest median reading (m) of integer depth taken as read: no depth camera reads nearer
# than a few centimetres (a RealSense D405 from 7 cm), while metres cast to integers and
# read as millimetres lie within 20 mm (zed-ros-wrapper#25: "integers in [0, 10]").
MIN_PLAUSIBLE_DEPTH_M = 0.02
# Fewest non-zero readings (of the subsample) for a frame's whole-number share to count.
MIN_UNITS_READINGS = 100
# Farthest single reading kept (m). Beyond it a value is a driver's "no reading" code,
# not a distance: 65535 in 16UC1 (65.535 m; ToF and stereo drivers that mark invalid or
# saturated pixels with the type's maximum), FLT_MAX or 1e10 in 32FC1. No RGB-D camera
# measures half as far; scattered on an object's pixels, such codes moved its pose 3 to 5
# times farther from the truth than holes of 0 did.
MAX_DEPTH_READING_M = 65.0
# Most a registered depth's resolution may differ from the colour image's, either way
# (depth_to_image_size): drivers publish depth at a half or a quarter of the colour size.
MAX_DEPTH_SCALE = 8
# Rows a buffer may run on past an image's last row. Camera ISPs allocate frames in
# blocks of 16 or 32 rows and some drivers publish the whole allocation: raspicam_node
# sent 1080-row images in buffers of 1088 (dganbold/raspicam_node#4: "height * step !=
# size"; raspberrypi/userland#329: buffers padded vertically to a multiple of 16), which
# cv_bridge, rviz and this node refused on every frame. The image is the first
# ``step * height`` bytes; the rest is padding.
MAX_PADDING_ROWS = 64


def supported_colour_encodings():
    """Every ``sensor_msgs/Image`` colour encoding :func:`image_to_rgb` reads (sorted)."""
    names = set(COLOUR_ENCODINGS) | set(COLOUR16_ENCODINGS) | set(YUV422_ENCODINGS)
    names |= set(PACKED16_RGB_ENCODINGS) | set(FLOAT_COLOUR_ENCODINGS)
    names |= {f'{b}{bits}' for b in BAYER_ENCODINGS for bits in (8, 16)}
    names |= set(SEMI_PLANAR_ENCODINGS)
    return sorted(names)


# Video libraries' names of layouts read here (GStreamer's YUY2 and I420, FFmpeg's
# yuv420p, V4L2's and Windows' IYUV), by lower-case name: a driver built on one of them
# writes its name into ``encoding`` (helper-47's field round: "YUY2" refused, "YUYV" read).
# GStreamer's and FFmpeg's names of the 4-byte orders (PADDED_RGB_BYTES: 8 bits a channel
# in both) too.
_VIDEO_NAMES = {'yuy2': 'yuyv', 'yuv420': 'i420', 'yuv420p': 'i420', 'iyuv': 'i420',
                **{name[:4]: name for name in PADDED_RGB_BYTES},
                'rgb0': 'rgbx8', 'bgr0': 'bgrx8', '0rgb': 'xrgb8', '0bgr': 'xbgr8',
                'yuv422p': 'i422', 'y42b': 'i422', 'yuv444p': 'i444', 'y444': 'i444',
                'y41b': 'yuv411p', '411p': 'yuv411p'}


# Encodings by their lower-case form: a name written in other capitals or with spaces
# around it is that name (see read_encoding).
_COLOUR_NAMES = {name.lower(): name for name in supported_colour_encodings()}
_DEPTH_NAMES = {name.lower(): name for name in DEPTH_ENCODINGS}
# What pads a string field around its text: whitespace, and the NUL bytes a driver
# copying a fixed-size C buffer into the message leaves after it ("rgb8\0\0\0": helper-42's
# field round, refused as an unsupported encoding shown as "rgb8   ").
PADDING = ' \t\r\n\x0b\x0c\x00'


def unpadded(text):
    """Return the string field ``text`` without :data:`PADDING` around it (str)."""
    return str(text).strip(PADDING)


def optical_frame_note(frame_id):
    """Say that ``frame_id`` is not named as a camera optical frame, or return None.

    Every pose this node publishes is in optical-frame axes (REP 103: z forward, x right,
    y down), in the frame its header names. REP 103 marks such frames with the suffix
    ``_optical``; a camera's body frame (x forward, z up: ``camera_link``, Gazebo's
    ``camera_rgb_frame``, a ros_gz ``model/link/sensor`` frame) is another frame at the
    same place. A simulated camera that stamps its images with the body frame
    (ROBOTIS-GIT/turtlebot3#662, gazebosim/gz-sensors#488; helper-47's field round) had
    its target 0.78 m ahead published as 0.78 m above, with nothing said. Only the name
    can be checked here (no tf2), so a name without ``optical`` is reported, not changed;
    the line gives the static transform that adds the optical frame REP 103 defines
    (``rpy = (-pi/2, 0, -pi/2)`` from the body frame) where the simulator publishes none.

    :param frame_id: the outputs' frame (str); '' gives None (reported elsewhere).
    :return: one line (str) or None.
    """
    if not frame_id or 'optical' in frame_id.lower():
        return None
    return (f'outputs are in frame "{frame_id}", whose name does not mark a camera optical '
            'frame (REP 103: z forward, x right, y down, named with "_optical", e.g. '
            'camera_color_optical_frame); the poses are in optical axes, so if '
            f'"{frame_id}" is a body frame (x forward, z up: camera_link, a simulated '
            'sensor link) tf2 places every target wrongly: have the driver stamp images '
            'with its optical frame, or set frame_id to it; none in tf (a simulated '
            "sensor's link, gazebosim/gz-sensors#488)? Publish one, turned from it by roll "
            '-90 and yaw -90 degrees (REP 103): ros2 run tf2_ros static_transform_publisher '
            f'--roll -1.5708 --yaw -1.5708 --frame-id {frame_id} --child-frame-id '
            f'{frame_id}_optical, and set frame_id:={frame_id}_optical; if it is an optical '
            "frame under another name (Azure Kinect's rgb_camera_link), set frame_id:="
            f'{frame_id} to say so')


def is_rect_topic(image_topic):
    """Return True if a topic's name says its images are rectified (``image_rect``...).

    image_proc publishes ``image_rect`` (``image_rect_color``); drivers that rectify on the
    device name theirs so too (RealSense's ``depth/image_rect_raw``).
    """
    return any(re.search(r'(^|_)rect(ified)?(_|$)', part) for part in image_topic.split('/'))


def rectified_here(rectify, topic):
    """Return True if the node rectifies the images of ``topic`` (given distortion).

    :param rectify: the ``rectify`` parameter: ``always`` rectifies every topic, ``auto``
        those not named rect (:func:`is_rect_topic`), ``never`` none. Asked of colour and
        depth each: a depth already rectified (depth_image_proc's
        ``depth_registered/image_rect``) beside a raw colour image is not rectified twice.
    :param topic: the subscription's resolved topic name (str).
    """
    return rectify == 'always' or (rectify == 'auto' and not is_rect_topic(topic))


def distortion_note(d, model, image_topic, rectify='never'):
    """Say that distortion coefficients will not be applied, or return None.

    The node projects with ``P`` (the rectified image's camera matrix), as image_geometry
    and depth_image_proc do, so its image must be rectified. A rectified stream's
    camera_info keeps the raw camera's ``D`` (image_proc republishes the camera_info as
    it is), so non-zero coefficients beside an ``image_rect`` topic are normal: there the
    note is not given (helper-47: the warning fired, and /diagnostics stayed WARN, for a
    correctly rectified stream). Where the node rectifies itself (``rectify`` auto on a
    topic not named rect, or always: :mod:`clip_perception.rectify`) there is nothing to
    say either.

    :param d: the camera_info's ``D`` (sequence of float; NaN counts as non-zero).
    :param model: its ``distortion_model`` (str).
    :param image_topic: the colour subscription's resolved topic name.
    :param rectify: the node's ``rectify`` parameter (auto, always, never).
    :return: one line (str) or None.
    """
    if not has_distortion(d) or is_rect_topic(image_topic) or rectify != 'never':
        return None
    return (f'camera_info has non-zero (or NaN) {model or "distortion"} coefficients: the '
            "node projects with P, the rectified image's camera matrix, as image_geometry "
            'and depth_image_proc do, so the image must be rectified (an image_rect topic); '
            'poses of raw, distorted images are off towards the edges (rectify is never: '
            'set rectify:=auto to rectify here)')


def shown(text):
    """Quote a string field for a log line: its repr when it holds control characters."""
    text = str(text)
    return repr(text) if any(ord(c) < 32 or ord(c) == 127 for c in text) else f'"{text}"'
# GenICam pixel format names (PFNC, and GigE Vision 1.x's "...Packed" names) a machine
# vision driver writes into ``encoding`` as its camera SDK names the format: "BayerRG8"
# (SherifN/peak_cam#35), "bayerrg8" (strawlab/camera_aravis#3: "Unrecognized image
# encoding [bayerrg8]"), GenAPI names beside ROS ones (basler/pylon-ros-camera#225). Each
# names one layout of sensor_msgs/image_encodings.hpp: a PFNC Bayer name gives the first
# row's two colours as ROS does (BayerRG = bayer_rggb), 10 to 14 bits are unpacked into
# 16-bit words (read by the bits the frame uses, to_8_bits), PFNC's YUV422_8 is YUYV order
# and GigE Vision's YUV422Packed UYVY. By lower-case name.
_GENICAM_NAMES = {
    **{f'bayer{p[:2]}{bits}': f'bayer_{p}{8 if bits == 8 else 16}'
       for p in ('rggb', 'bggr', 'gbrg', 'grbg') for bits in (8, 10, 12, 14, 16)},
    **{f'mono{bits}': 'mono16' for bits in (10, 12, 14)},
    **{f'{c}{bits}': f'{c}16' for c in ('rgb', 'bgr') for bits in (10, 12, 14)},
    'rgb8packed': 'rgb8', 'bgr8packed': 'bgr8', 'rgba8packed': 'rgba8', 'bgra8packed': 'bgra8',
    'yuv422_8': 'yuyv', 'yuv422_8_uyvy': 'uyvy', 'yuv422packed': 'uyvy',
    'yuv422_yuyv_packed': 'yuyv'}
# Bits packed across bytes (PFNC "Mono12p", "BayerRG10p"; GigE Vision "Mono12Packed"; the
# same written ROS's way, "bayer_rggb12p"; V4L2's "Y10P", librealsense's "Y10BPACK"): no
# encoding of sensor_msgs holds them, and read as bytes they are noise. Those whose names
# say how they are packed are unpacked (_GENICAM_UNPACKED, looked up first); the rest are
# refused saying so.
_GENICAM_BIT_PACKED = re.compile(
    r'(?:mono|y|bayer(?:rg|bg|gb|gr)|bayer_(?:rggb|bggr|gbrg|grbg)|rgb|bgr)1[0-4]'
    r'(?:p|packed|bpack)$')
# Formats of 10 to 14 bits packed across bytes whose names say how, unpacked here into
# 16-bit words (unpack_genicam_bits) and read as the 16-bit encoding:
# - GenICam's (FLIR's ImageFormatControl: "The USB3 Vision method is designated with a p",
#   the GigE Vision one with Packed; Lucid Arena's and Spinnaker's BayerRG12p,
#   BayerRG12Packed; PFNC's Mono14p, BayerRG14p): 'p' and 'packed';
# - MIPI CSI-2's RAW10/RAW12/RAW14 as V4L2 names them (pixfmt-srggb10p, -srggb12p,
#   -srggb14p, -y10p: "Each of the first 4 bytes contain the 8 high order bits of the
#   pixels, and the 5th byte contains the 2 least significants bits of each pixel, in the
#   same order"; SRGGB10P, Y10P) and libcamera (SRGGB10_CSI2P, R10_CSI2P: a Raspberry Pi
#   camera's raw stream), and Android's RAW10/RAW12 (a Bayer mosaic whose pattern the
#   name does not give: read as grey, _mosaic_as_grey): 'csi2';
# - V4L2's Y10BPACK (pixfmt-y10b: "a bit-packed array of 10bit bits per pixel ... with the
#   most significant bits coming first from the left"; librealsense's infrared): 'msb'.
# By lower-case name: (that encoding, bits, how). Other packed names stay refused (above):
# a ROS-style "bayer_rggb12p" names no packing of the three.
_BAYER_TO_16 = tuple((p, f'bayer_{p}16') for p in ('rggb', 'bggr', 'gbrg', 'grbg'))
_GENICAM_UNPACKED = {
    **{f'{c}{bits}{how}': (to, bits, how)
       for c, to in (('mono', 'mono16'), *((f'bayer{p[:2]}', to) for p, to in _BAYER_TO_16))
       for bits, hows in ((10, ('p', 'packed')), (12, ('p', 'packed')), (14, ('p',)))
       for how in hows},
    **{name: (to, bits, 'csi2') for bits in (10, 12, 14)
       for name, to in ((f'y{bits}p', 'mono16'), (f'r{bits}_csi2p', 'mono16'),
                        *((f's{p}{bits}p', to) for p, to in _BAYER_TO_16),
                        *((f's{p}{bits}_csi2p', to) for p, to in _BAYER_TO_16))},
    'raw10': ('mono16', 10, 'csi2'), 'raw12': ('mono16', 12, 'csi2'),
    'y10bpack': ('mono16', 10, 'msb'), 'y10b': ('mono16', 10, 'msb')}
# Camera drivers' and SDKs' names of layouts read here: librealsense's stream formats
# (RS2_FORMAT_Y8, Y16 and Z16, which realsense-ros maps to mono8, mono16 and 16UC1 but
# bridges and custom wrappers pass through: librealsense#10789, realsense-ros#2837 "Y8, Y16";
# Z16 is its depth, millimetres), V4L2's 16-bit grey formats (Y10, Y12, Y14, Y16: the
# sensor's bits low-aligned in 16-bit words), FFmpeg's and V4L2's packed RGB (rgb24, bgr24:
# bytes R, G, B and B, G, R), FFmpeg's 4:2:2 names (yuyv422, uyvy422, yvyu422) and 16-bit
# ones (gray10-gray16 grey in 16-bit words, rgb48, bgr48, rgba64, bgra64: 16 bits a
# channel; with a byte order after them, gray16le, GStreamer's GRAY16_BE: _NAMED_ORDER); and a
# sensor's bit depth written in a ROS Bayer name (uEye's and Basler drivers'
# "bayer_rggb12", a driver's Raw12: 12 bits in 16-bit words), read as the 16-bit encoding
# by the bits the frame uses (to_8_bits). By lower-case name.
_DRIVER_NAMES = {
    'y8': 'mono8', 'gray8': 'mono8', 'z16': '16UC1',
    **{f'y{bits}': 'mono16' for bits in (10, 12, 14, 16)},
    'rgb24': 'rgb8', 'bgr24': 'bgr8',
    'yuyv422': 'yuyv', 'uyvy422': 'uyvy', 'yvyu422': 'yvyu',
    **{f'gray{bits}': 'mono16' for bits in (10, 12, 14, 16)},
    'rgb48': 'rgb16', 'bgr48': 'bgr16', 'rgba64': 'rgba16', 'bgra64': 'bgra16',
    **{f'bayer_{p}{bits}': f'bayer_{p}16'
       for p in ('rggb', 'bggr', 'gbrg', 'grbg') for bits in (10, 12, 14)}}
# A byte order written after a name of 16-bit words (FFmpeg's gray16le, rgb565be,
# bayer_rggb16le, rgb48le; GStreamer's GRAY16_LE): the name says it, whatever is_bigendian
# says (bridges leave it at 0). The name before it, and 'le' or 'be'.
_NAMED_ORDER = re.compile(r'(.+?)_?([lb]e)$')
# Depth under a camera SDK's name: librealsense's Z16 (16-bit depth, as 16UC1).
_DEPTH_DRIVER_NAMES = {'z16': '16UC1'}


# Other names of colour layouts read here, and whose names they are (read_encoding).
_ALIASES = ((_VIDEO_NAMES, "a video library's name (GStreamer, FFmpeg, V4L2)"),
            (_GENICAM_NAMES, 'a GenICam pixel format name'),
            (_DRIVER_NAMES, "a camera driver's or SDK's name (librealsense, V4L2, FFmpeg)"))


class Note(str):
    """A line saying what was read otherwise than a message states it.

    A ``str`` (the line) with ``kind``: ``'byte_order'``, ``'encoding_name'``,
    ``'bit_depth'``, ``'step_unset'``, ``'step_wrong'``, ``'buffer_size'``, ``'planar_422'``,
    ``'pixel_size'``,
    ``'bayer_mosaic'``, ``'base64'``, ``'compressed_format'``,
    ``'compressed_payload'`` or ``'compressed_base64'``, so the node counts and warns each
    kind once.
    """

    kind: str

    def __new__(cls, kind, text):
        note = super().__new__(cls, text)
        note.kind = kind
        return note


def _say(notes, kind, text):
    """Append a :class:`Note` of ``kind`` saying ``text`` to ``notes`` (None: nothing)."""
    if notes is not None:
        notes.append(Note(kind, text))


class MessageError(ValueError):
    """A message that cannot be used; ``kind`` groups errors for throttled logging."""

    def __init__(self, kind, text):
        super().__init__(text)
        self.kind = kind


def _check_size(height, width, what):
    """Refuse a size of zero, or over :data:`MAX_SIDE` a side or :data:`MAX_PIXELS` in all.

    A real camera over the limit (a 20 MP machine-vision camera, 5472x3648: helper-57)
    is told how to come under it: image_proc's crop_decimate (or resize) node halves the
    image and scales its camera_info alike, which this node reads (binning).

    :raises MessageError: kind ``size``.
    """
    if height <= 0 or width <= 0:
        raise MessageError('size', f'{what} has zero size ({width}x{height})')
    if height > MAX_SIDE or width > MAX_SIDE or height * width > MAX_PIXELS:
        raise MessageError('size', f'{what} is {width}x{height}; the limit is '
                           f'{MAX_SIDE} px a side and {MAX_PIXELS} px in all: decimate it '
                           "upstream (image_proc's crop_decimate node, decimation_x/y 2, "
                           'scales camera_info with it), or set the camera to a lower '
                           'resolution')


def _view(data, height, width, step, channels, dtype, what, rows=None):
    """Zero-copy (rows, W, C) view of a row-padded buffer, after checking its length.

    A buffer of one plane (``rows`` not given) may run on past its last row by less than
    :data:`MAX_PADDING_ROWS` rows: the pixels are its first ``step * height`` bytes (see
    :data:`MAX_PADDING_ROWS`). Planar layouts (``rows`` given) must be exact: padding after
    the luma plane would move the chroma plane.
    """
    padded = rows is None
    rows = height if rows is None else rows
    itemsize = np.dtype(dtype).itemsize
    row = width * channels * itemsize
    if step < row:
        raise MessageError('layout', f'{what} step {step} is smaller than width x pixel '
                           f'size = {row}')
    size = step * rows
    if len(data) != size and not (padded and size < len(data) < size + MAX_PADDING_ROWS * step):
        # Planes: the rows of all of them, not "step x height" (which said 3110400 of a
        # 1920x1080 nv12 frame whose step x height is 2073600).
        planes = '' if rows == height else f', and its planes {rows} rows of it = {size}'
        raise MessageError('layout', f'{what} data is {len(data)} bytes; step x height = '
                           f'{step * height}{planes}')
    buf = np.frombuffer(data, dtype=np.uint8, count=size).reshape(rows, step)[:, :row]
    return buf.view(dtype).reshape(rows, width, channels)


def read_encoding(encoding, names, what, notes=None):
    """Return ``encoding`` as sensor_msgs/image_encodings.hpp spells it, or None.

    REP 104 and cv_bridge compare encodings as exact strings, but drivers and hand-made
    publishers write them otherwise: ``"RGB8"``, ``"16uc1"``, ``" bgr8 "``, ``"Mono16"``
    (a Python publisher filling the field from its own constant or a config file;
    cv_bridge answers ``Unrecognized image encoding``, strawlab/camera_aravis#3). A name
    that differs from one the node reads only in case or in spaces around it names that
    encoding and nothing else, so it is read as that one, and a line saying so is added
    to ``notes``. A colour encoding written as its GenICam pixel format name
    (:data:`_GENICAM_NAMES`: ``"BayerRG8"``, ``"Mono12"``, ``"YUV422Packed"``), as a
    video library's name (:data:`_VIDEO_NAMES`: ``"YUY2"``, ``"yuv420p"``) or as a camera
    driver's or SDK's (:data:`_DRIVER_NAMES`: ``"Y16"``, ``"Z16"``, ``"rgb24"``,
    ``"bayer_rggb12"``; on the depth topic ``"Z16"``) is read as the encoding of the same
    layout, with a note. Anything else (``"rgb"``, no bit depth;
    ``"yuv411p"``; ``"Mono12p"``, bits packed across bytes) is not guessed.

    :param encoding: the message's ``encoding`` (str).
    :param names: dict of the encodings read, by their lower-case form.
    :param what: ``'image'`` or ``'depth'``, for the note.
    :param notes: a list, or None.
    :return: the encoding's name (str) or None when it names none of ``names``.
    """
    key = unpadded(encoding).lower()
    name = names.get(key)
    aliases_of = {id(_COLOUR_NAMES): _ALIASES, id(_DEPTH_NAMES): (
        (_DEPTH_DRIVER_NAMES, "a camera SDK's name (librealsense)"),)}
    for aliases, whose in aliases_of.get(id(names), ()):
        if name is None and key in aliases:
            name = aliases[key]
            if notes is not None:
                notes.append(Note('encoding_name', f'{what} encoding {shown(encoding)} is '
                                  f'{whose}, not a sensor_msgs/image_encodings.hpp one '
                                  '(cv_bridge, RViz and image_pipeline refuse it); reading it '
                                  f'as "{name}", the same layout: write "{name}" in the driver'))
            return name
    if name is not None and name != encoding and notes is not None:
        notes.append(Note('encoding_name', f'{what} encoding {shown(encoding)} is not written as '
                          'sensor_msgs/image_encodings.hpp spells it (cv_bridge, RViz and '
                          f'image_pipeline refuse it); reading it as "{name}": write "{name}" '
                          'in the driver'))
    return name


# The encodings a pixel of so many bytes may be, by what it arrives on. Depth is one
# channel, so its size names it; colour of one size is several encodings whose colours
# differ (rgb8 and bgr8 swap red and blue; a mono8 frame may be a Bayer mosaic).
_DEPTH_BY_SIZE = {2: '16UC1', 4: '32FC1', 8: '64FC1'}
_COLOUR_BY_SIZE = {
    2: 'packed 4:2:2 (yuv422 = UYVY, yuv422_yuy2 = YUYV, yvyu, vyuy), RGB in a 16-bit word '
       '(rgb565, bgr565, rgb555, bgr555), mono16 or a bayer_*16 mosaic',
    3: 'rgb8 or bgr8', 4: 'rgba8 or bgra8, or 8-bit RGB with padding or alpha at either end '
                          '(rgbx8, bgrx8, xrgb8, xbgr8, argb8, abgr8)',
    6: 'rgb16 or bgr16', 8: 'rgba16 or bgra16', 12: '32FC3 (floats, BGR) or rgb/bgr of 32-bit '
                                                   'floats', 16: '32FC4 or 64-bit floats'}
# Colour layouts of one byte a pixel in the first plane and chroma planes after it, by the
# data's size over the first plane's (step x height).
_COLOUR_BY_PLANES = {1.5: '4:2:0 in planes (nv12, nv21, i420, yv12) or 4:1:1 (yuv411p)',
                     2.0: '4:2:2 in planes (nv16, nv61, i422, yv16)',
                     3.0: '4:4:4 in planes (nv24, nv42, i444)'}


def _unset_encoding(height, width, step, data, what, notes=None):
    """Name the encoding of an image whose ``encoding`` is empty, where its size tells.

    Drivers and simulators publish images without setting ``encoding``
    (lucidvisionlabs/arena_camera_ros#6: the rectified image went out with an empty one;
    morse-simulator/morse#555 and #579: depth sent under another encoding than its 32FC1
    data). cv_bridge and this node refused every frame ('unsupported depth encoding ""'),
    with no word of what the data is. On the depth topic the bytes a pixel (``step /
    width``, or the data over the pixels when ``step`` is 0) name one encoding: 2 is
    16UC1, 4 is 32FC1, 8 is 64FC1; it is read so, with a :class:`Note` of kind
    ``encoding_unset``. A colour image of one byte a pixel in one plane is grey, ``mono8``
    (the only such colour layout but a Bayer mosaic, which :func:`_mosaic_as_grey` finds
    and reads as grey, naming the patterns), and is read so with the same note. Other
    colour sizes name several encodings whose colours differ (rgb8 and bgr8 swap red and
    blue; 2 bytes a pixel are packed 4:2:2, rgb565 or mono16; 4 are RGBA, BGRA or padding
    at either end; data of 1.5, 2 or 3 times one byte a pixel's plane is YUV in planes),
    so they are refused naming them.

    :param what: ``'depth'`` or ``'image'``.
    :return: the encoding read (str): a depth encoding for ``'depth'``, ``'mono8'`` for
        ``'image'``.
    :raises MessageError: kind ``encoding``: colour of any other size, or a size no depth
        encoding has.
    """
    pixels = height * width
    size = step // width if step else (len(data) // pixels if len(data) % pixels == 0 else 0)
    planes = len(data) / (step * height) if step else len(data) / pixels
    planar = _COLOUR_BY_PLANES.get(planes) if size <= 1 or not step else None
    if what == 'depth' and size in _DEPTH_BY_SIZE:
        name = _DEPTH_BY_SIZE[size]
        _say(notes, 'encoding_unset', f'depth encoding is empty (not set by the publisher); '
             f'its {size} bytes a pixel are {name} depth, the only depth encoding of that '
             f'size: reading it as {name}; set encoding in the publisher')
        return name
    if what == 'image' and size == 1 and planar is None and (step or planes == 1):
        _say(notes, 'encoding_unset', 'image encoding is empty (not set by the publisher); '
             f'its 1 byte a pixel (step {step}, width {width}) in one plane is grey, mono8, '
             'the only colour layout of that size but a Bayer mosaic (said if it is one): '
             'reading it as mono8; set encoding in the publisher')
        return 'mono8'
    packed = _COLOUR_BY_SIZE.get(size) if size > 1 else None  # step 0: 2 or 3 bytes either
    could = ', or '.join(c for c in (packed, planar) if c) if what == 'image' else None
    said = (f'{len(data)} bytes, {planes:g} times a plane of 1 byte a pixel (step {step}, '
            f'width {width}, height {height})' if planar and not packed else
            f'{size} byte{"" if size == 1 else "s"} a pixel (step {step}, width {width})')
    raise MessageError('encoding', f'{what} encoding is empty (not set by the publisher): '
                       f'{said} ' +
                       (f'could be {could}, whose colours differ, so it is not guessed'
                        if could else f'is no {"depth" if what == "depth" else "colour"} '
                        'encoding this node reads') + ': set encoding in the publisher')



# cv_bridge's argument for "keep the pixels' type" (cv2_to_imgmsg's and imgmsg_to_cv2's
# default), which cv_bridge itself replaces by the type's name (8UC3, 16UC1) in the message.
PASSTHROUGH = 'passthrough'
_UNSET_SAID = 'encoding is empty (not set by the publisher)'


def passthrough_encoding(encoding, height, width, step, data, what, notes=None):
    """Read cv_bridge's ``"passthrough"`` written as an encoding as an encoding not set.

    ``"passthrough"`` names no layout: it asks cv_bridge to keep whatever type the pixels
    have, and cv_bridge writes that type's name in its place. Hand-written replacements
    of ``cv2_to_imgmsg`` (the widely copied one taking ``encoding="passthrough"`` and
    assigning it to ``msg.encoding``) and publishers that set ``msg.encoding =
    "passthrough"`` on depth send the word itself; cv_bridge, RViz and this node refused
    every such frame ('unsupported depth encoding "passthrough"', and on the colour topic
    a list of 70 encodings with no word of why). It tells as much as an empty encoding, so
    it is read as one (:func:`_unset_encoding`: depth by its bytes a pixel, 2 = 16UC1,
    4 = 32FC1; colour of one byte a pixel as mono8; other colour sizes refused naming the
    encodings they could be), each line naming the word instead of an empty field. Its
    notes keep the kind ``encoding_unset``.

    :param encoding: the message's ``encoding`` (str).
    :param height: rows (px).
    :param width: columns (px).
    :param step: bytes a row as the message gives it.
    :param data: the message's bytes.
    :param what: ``'image'`` or ``'depth'``.
    :param notes: a list, or None.
    :return: the encoding to read (str): ``encoding`` itself unless it is
        ``"passthrough"`` in any case or with spaces around it.
    :raises MessageError: kind ``encoding``, as :func:`_unset_encoding` raises it.
    """
    if unpadded(encoding).lower() != PASSTHROUGH:
        return encoding
    said = (f"encoding {shown(encoding)} is cv_bridge's argument for keeping the pixel type, "
            'no encoding (cv_bridge writes the type, such as 8UC3 or 16UC1, in its place)')
    own = []
    try:
        name = _unset_encoding(height, width, step, data, what, own)
    except MessageError as exc:
        raise MessageError(exc.kind, str(exc).replace(_UNSET_SAID, said)) from None
    for note in own:
        _say(notes, note.kind, note.replace(_UNSET_SAID, said))
    return name

def _packed(encoding, height, width):
    """``(row bytes, rows)`` of a packed image in ``encoding``, or None if not known."""
    for table, size in ((COLOUR_ENCODINGS, 1), (COLOUR16_ENCODINGS, 2)):
        if encoding in table:
            return width * table[encoding] * size, height
    if encoding in YUV422_ENCODINGS or encoding in PACKED16_RGB_ENCODINGS:
        return 2 * width, height
    if encoding in YUV420_ENCODINGS or encoding in PLANAR411_ENCODINGS:
        return width, height * 3 // 2
    if encoding in NV444_ENCODINGS or encoding == 'i444':
        return width, height * 3
    if encoding in PLANAR422_ENCODINGS:
        return width, height * 2
    if encoding in DEPTH_ENCODINGS:
        return width * np.dtype(DEPTH_ENCODINGS[encoding]).itemsize, height
    if encoding in FLOAT_COLOUR_ENCODINGS:
        channels, dtype = FLOAT_COLOUR_ENCODINGS[encoding]
        return width * channels * np.dtype(dtype).itemsize, height
    if encoding.startswith('bayer_') and encoding.endswith(('8', '16')):
        return width * (2 if encoding.endswith('16') else 1), height
    return None


def _step_of(encoding, height, width, step, data, what, notes=None):
    """``step``, or the packed row size when ``step`` is 0 or describes no row of the data.

    Simulators and hand-written publishers leave ``step`` at 0 (o3de-ros2-gem#251: its
    camera published without it; image_view: "Image is wrongly formed: height > step",
    strands_perception_people#49). Every frame was refused ("step 0 is smaller than
    width x pixel size"). A step of 0 is no layout at all, so when the data holds exactly
    the packed image the rows are taken as packed and a line saying so is added to
    ``notes`` (kind ``step_unset``); any other length is refused with both sizes.

    A step that is set but is no row length of the data is the same fault: bytes a pixel
    (Unity-Technologies/ROS-TCP-Connector#246: ``step = 4`` whatever the width, "step <
    width * byte_depth * num_channels or 4 != 691 * 1 * 4"), the width in pixels
    (srv/avt_vimba_camera#6: ``step = width`` for a 3-byte encoding), or the step of
    another image copied with its header (moveit/moveit#1652: a debug image given the
    depth image's step). Such a step is smaller than a row of the encoding, or
    ``step * height`` is more bytes than the data holds, so no layout it describes fits;
    when the data is exactly the packed image, it is read packed, with a note of kind
    ``step_wrong``. A step that fits the data (row padding, a buffer padded past its last
    row: :func:`_view`) is used as given.

    :param encoding: the encoding as :func:`read_encoding` names it.
    :param step: the message's ``step`` (bytes a row, as it says).
    :param data: the message's ``data`` (any buffer).
    :param what: ``'image'`` or ``'depth'``, for messages.
    :param notes: a list, or None.
    :return: the row length to read the data with (bytes, int).
    :raises MessageError: step 0 and a data length that is not the packed image's.
    """
    packed = _packed(encoding, height, width)
    if packed is None:
        return step
    row, rows = packed
    if step != 0:
        size = step * rows
        padded = encoding not in SEMI_PLANAR_ENCODINGS  # one plane: padding after it is fine
        fits = step >= row and (len(data) == size or padded and
                                size < len(data) < size + MAX_PADDING_ROWS * step)
        if fits or len(data) != row * rows:
            return step  # as stated: read, or refused by _view naming both sizes
        _say(notes, 'step_wrong', f'{what} step {step} is not the row length of its data: '
             f'{len(data)} bytes are a packed {width}x{height} {encoding} image ({row} bytes '
             f'a row), which step x height ({size}) does not describe, so rows are read as '
             f'{row} bytes: set step = {row} (bytes a row, not pixels or bytes a pixel) in '
             'the publisher (cv_bridge and RViz refuse this step)')
        return row
    if len(data) != row * rows:
        raise MessageError('layout', f'{what} step is 0 (not set) and its data is '
                           f'{len(data)} bytes, not the {row * rows} of a packed {width}x'
                           f'{height} {encoding} image: set step (bytes a row) in the '
                           'publisher')
    _say(notes, 'step_unset', f'{what} step is 0 (not set by the publisher); its '
         f'{len(data)} bytes are a packed {width}x{height} {encoding} image, so rows are '
         f'read as {row} bytes: set step = {row} in the publisher (cv_bridge and RViz refuse '
         'step 0)')
    return row


def image_to_rgb(encoding, height, width, step, data, is_bigendian=False, notes=None):
    """Decode a raw ``sensor_msgs/Image`` into RGB; a compressed image in it is decoded too.

    See :func:`_raw_to_rgb` for the encodings read. A message whose ``data`` is not the
    pixels its encoding and size describe but a compressed stream (ros-misc-utilities/
    ffmpeg_image_transport#35: an H.264 stream carried in ``sensor_msgs/Image``; a
    driver passing its camera's MJPEG frames through as the raw image, ``encoding:
    jpeg``) was refused as an unsupported encoding or a wrong data length, which did not
    say what the data was. A JPEG, PNG or TIFF (told by its signature) is decoded as
    :func:`compressed_to_rgb` decodes it, with a :class:`Note` of kind
    ``compressed_in_raw``; an H.264 or H.265 stream, which needs the frames before it to
    decode, is refused saying so.

    :return: (H, W, 3) uint8 RGB, C-contiguous (a compressed image's own size when the
        message leaves width and height 0).
    :raises MessageError: as :func:`_raw_to_rgb`; a compressed image of another size than
        the message's; an H.264/H.265 stream.
    """
    try:
        return _raw_to_rgb(encoding, height, width, step, data, is_bigendian, notes)
    except MessageError as exc:
        unsized = exc.kind == 'size' and width == 0 and height == 0  # sizes left unset
        if (exc.kind not in ('encoding', 'layout') and not unsized) or \
                len(data) > MAX_COMPRESSED_BYTES:
            raise
        head = bytes(data[:16])
        codec = _image_signature(head)
        if codec is None:
            video = _video_stream(head)
            if video is None:
                raise
            raise MessageError('encoding', f'image (encoding "{encoding}") holds an {video} '
                               'video stream, not pixels: a video frame needs the frames '
                               'before it to decode; decode it before this node (e.g. '
                               'ffmpeg_image_transport, or publish the raw image)') from None
        rgb = compressed_to_rgb('', data)
        if not unsized and rgb.shape[:2] != (height, width):
            raise MessageError('layout', f'image (encoding "{encoding}") holds a '
                               f'{codec.upper()} image of {rgb.shape[1]}x{rgb.shape[0]}, but '
                               f'the message says {width}x{height}') from None
        if notes is not None:
            notes.append(Note('compressed_in_raw', f'image (encoding "{encoding}", '
                              f'{width}x{height}) holds a {codec.upper()} image, not raw '
                              f'pixels: decoded ({rgb.shape[1]}x{rgb.shape[0]}); publish it '
                              'as sensor_msgs/CompressedImage on image/compressed, or '
                              'decoded'))
        return rgb


PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'


def _compressed_depth_png(raw):
    """Whether ``raw`` is a compressedDepth payload: its 12-byte header, then a PNG."""
    start = compressed_depth.HEADER_BYTES
    return raw[start:start + len(PNG_SIGNATURE)] == PNG_SIGNATURE


# Most bytes skipped before a JPEG's or PNG's own start in a compressed colour image
# (helper-h152's brief): a camera's FIFO that sends a spurious 0xFF before the JPEG's
# FF D8 (ArduCAM/Arduino#85, ESP32 and Arduino cameras published through micro-ROS), a
# length prefix written by a socket or serial relay, the part header of an MJPEG HTTP
# stream relayed whole ("--boundary\r\nContent-Type: image/jpeg\r\nContent-Length: N
# \r\n\r\n", some 60-120 bytes; TheSpaghettiDetective/OctoPrint-Obico#149, "invalid
# starting bytes in mjpeg stream reader"). libjpeg-turbo decodes such a file with a
# warning (etemesi254/zune-image#261); here every frame was refused as "not a readable
# JPEG". 512 bytes hold any of these and are far less than any image's own length.
MAX_LEADING_BYTES = 512


def _without_leading_bytes(raw, fmt, notes=None):
    """Return ``raw`` from the JPEG or PNG that begins within its first bytes.

    Only data that opens as no image (:func:`_image_signature`) and no other known
    payload (:func:`_payload_hint`) is searched, for a JPEG's start of image followed by
    a marker (FF D8 FF) or the PNG signature within :data:`MAX_LEADING_BYTES`; the
    image found is decoded and checked as any other, and a :class:`Note` of kind
    ``compressed_leading_bytes`` names how many bytes were skipped and how they open.

    :param raw: the message's data (``bytes``).
    :param fmt: the message's ``format``, for the note.
    :param notes: a list, or None.
    :return: ``bytes``: ``raw``, or its tail from the image's start.
    """
    if _image_signature(raw[:16]) is not None or _payload_hint(raw):
        return raw
    head = raw[:MAX_LEADING_BYTES + len(PNG_SIGNATURE)]
    starts = [i for i in (head.find(b'\xff\xd8\xff'), head.find(PNG_SIGNATURE))
              if 0 < i <= MAX_LEADING_BYTES]
    if not starts:
        return raw
    skip = min(starts)
    codec = _image_signature(raw[skip:skip + 16])
    shown = ascii(raw[:min(skip, 40)])[1:] + ('...' if skip > 40 else '')
    _say(notes, 'compressed_leading_bytes', f'compressed image (format "{fmt}") has {skip} '
         f'byte{"s" if skip > 1 else ""} ({shown}) before its {codec.upper()} image begins: a '
         "camera's stray 0xFF, a length prefix or an MJPEG stream's part header, which "
         "image_transport's decoder refuses; decoded from the image's start: publish the "
         'image alone')
    return raw[skip:]


def _image_signature(head):
    """Return the codec whose file ``head`` (its first 12 bytes or more) opens, else None.

    ``'jpeg'``, ``'png'``, ``'tiff'`` (compressed_image_transport's codecs), ``'webp'``
    (a RIFF file of form WEBP) or ``'avif'`` (an ISO BMFF ``ftyp`` box of brand avif or
    avis): the formats of Foxglove's CompressedImage (:data:`COMPRESSED_CODECS`).
    """
    if head[:8] == PNG_SIGNATURE:
        return 'png'
    if head[:3] == b'\xff\xd8\xff':
        return 'jpeg'
    if head[:4] == b'RIFF' and head[8:12] == b'WEBP':
        return 'webp'
    if head[4:8] == b'ftyp' and head[8:12] in (b'avif', b'avis'):
        return 'avif'
    return 'tiff' if head[:4] in (b'II*\x00', b'MM\x00*') else None


def _video_stream(head):
    """Return ``'H.264 or H.265'`` when ``head`` opens an Annex B stream, else None.

    Annex B (ITU-T H.264 B.1, H.265 B.2): a start code 00 00 01 (or 00 00 00 01), then a
    NAL unit header whose first bit is 0. Only asked of data that is no image its
    encoding describes: raw pixels may begin with these bytes too.
    """
    for start in (b'\x00\x00\x00\x01', b'\x00\x00\x01'):
        if head.startswith(start) and len(head) > len(start) and not head[len(start)] & 0x80:
            return 'H.264 or H.265'
    return None


def _raw_to_rgb(encoding, height, width, step, data, is_bigendian=False, notes=None):
    """Decode a raw ``sensor_msgs/Image`` into RGB, as cv_bridge's ``rgb8`` conversion does.

    Reads every colour encoding of ``sensor_msgs/image_encodings.hpp`` a camera driver
    sends (see :func:`supported_colour_encodings`): 8- and 16-bit RGB/BGR(A) and mono,
    RGB in a 16-bit word (``rgb565``, ``bgr565``, ``rgb555``, ``bgr555``:
    :data:`PACKED16_RGB_ENCODINGS`), 4-byte pixels with padding or alpha at either end
    (:data:`PADDED_RGB_BYTES`), packed YUV 4:2:2 (``yuv422``/``uyvy``,
    ``yuv422_yuy2``/``yuyv``: usb_cam's default;
    ``yvyu``), ``nv12``/``nv21``, planar ``i420``/``yv12`` (also under the video
    libraries' names ``yuv420p``, ``yuy2``...: :data:`_VIDEO_NAMES`), 4:2:2 and 4:4:4 in
    planes (``nv16``/``nv61``, ``i422``/``yv16``, ``i444``: :func:`_yuv_planes_to_rgb`),
    ``nv24`` and the four
    Bayer patterns (8 and 16 bit, demosaiced bilinearly by OpenCV). ``16UC1`` is read as
    16-bit grey, with a note of kind ``depth_encoding``. 16-bit values keep the top 8 of
    the bits the sensor fills (:func:`to_8_bits`).

    :param data: ``bytes`` (or any buffer) of ``step * height`` bytes (``nv12``/``nv21``,
        ``i420``/``yv12``: ``step * height * 3 / 2``; ``nv24``: ``step * height * 3``).
        For the planar encodings ``step`` is the Y plane's, and the chroma planes' rows are
        padded as V4L2 lays them out: as much (``nv12``/``nv21``), half as much
        (``i420``/``yv12``) or twice as much (``nv24``).
    :param is_bigendian: byte order of 16-bit encodings (and of rgb565's word).
    :param notes: a list, or None; a line is appended for each thing read otherwise than
        the message states it: an encoding in other capitals or with spaces around it
        (:func:`read_encoding`), a ``step`` of 0 or one that is no row length of the data
        (:func:`_step_of`).
    :return: (H, W, 3) uint8 RGB, C-contiguous.
    :raises MessageError: unsupported encoding, bad size, step or data length.
    """
    _check_size(height, width, 'image')
    encoding = passthrough_encoding(encoding, height, width, step, data, 'image', notes)
    if not unpadded(encoding):  # mono8 when its size says so, else refused naming what
        encoding = _unset_encoding(height, width, step, data, 'image', notes)
    encoding, is_bigendian = _byte_order_named(encoding, is_bigendian, notes)
    unpacked = _GENICAM_UNPACKED.get(unpadded(encoding).lower())
    if unpacked is not None:
        given, (encoding, bits, how) = encoding, unpacked
        words = unpack_genicam_bits(data, height, width, step, bits, how, given)
        data, step = words.tobytes(), 2 * width
        is_bigendian = HOST_BIG_ENDIAN
        _say(notes, 'encoding_name', f'image encoding {shown(given)} names {bits} bits a pixel '
             f'packed across bytes ({_PACKINGS[how]}), which no sensor_msgs encoding holds '
             '(cv_bridge, RViz and image_pipeline refuse it): unpacked and read as '
             f'"{encoding}"; set the camera or driver to the unpacked format ({bits} bits '
             f"in 16-bit words: Mono{bits}, V4L2's Y{bits} or SRGGB{bits}) and write "
             f'"{encoding}" in the driver')
    encoding = _bit_depth_of_bare_name(encoding, height, width, step, data, notes)
    given, encoding = encoding, read_encoding(encoding, _COLOUR_NAMES, 'image', notes) or encoding
    data = _from_base64_pixels(encoding, height, width, step, data, 'image', notes)
    _check_not_bit_packed(given, encoding, height, width, step, data)
    rgb = _planar422_as_420(encoding, height, width, step, data, notes)
    if rgb is not None:
        return rgb
    step, data = _sized_two_bytes_a_pixel(encoding, height, width, step, data, notes)
    encoding = _pixel_size_of_rows(encoding, height, width, step, data, is_bigendian, notes)
    step = _step_of(encoding, height, width, step, data, 'image', notes)
    if encoding == '16UC1':
        _say(notes, 'depth_encoding', _DEPTH_ON_COLOUR.format(what='encoding "16UC1"'))
    if encoding in COLOUR_ENCODINGS:
        px = _view(data, height, width, step, COLOUR_ENCODINGS[encoding], np.uint8, 'image')
        if encoding in ('mono8', '8UC1'):
            px = _mosaic_as_grey(px, encoding, notes)
        return _to_rgb(encoding, px)
    if encoding in COLOUR16_ENCODINGS:
        px = _view(data, height, width, step, COLOUR16_ENCODINGS[encoding], np.uint16,
                   'image')
        if bool(is_bigendian) != HOST_BIG_ENDIAN:
            px = px.byteswap()
        px = _colour16_byte_order(px, encoding, is_bigendian, notes)
        px = to_8_bits(px)
        if encoding == 'mono16':
            px = _mosaic_as_grey(px, encoding, notes)
        return _to_rgb(encoding.replace('16', '8'), px)
    if encoding in FLOAT_COLOUR_ENCODINGS:
        channels, dtype = FLOAT_COLOUR_ENCODINGS[encoding]
        px = _view(data, height, width, step, channels, dtype, 'image')
        if bool(is_bigendian) != HOST_BIG_ENDIAN:
            px = px.byteswap()
        px = float_colour_to_8_bits(px, encoding, notes)
        return np.ascontiguousarray(px[..., 2::-1])  # BGR(A), as 8UC3 and 16UC3
    if encoding in PACKED16_RGB_ENCODINGS:
        px = _view(data, height, width, step, 2, np.uint8, 'image')
        if bool(is_bigendian) != HOST_BIG_ENDIAN:  # OpenCV reads the word in host order
            px = px[..., ::-1]
        return cv2.cvtColor(np.ascontiguousarray(px), PACKED16_RGB_ENCODINGS[encoding])
    if encoding in YUV422_ENCODINGS:
        if width % 2:
            raise MessageError('layout', f'{encoding} image width {width} is odd; 4:2:2 '
                               'packs two pixels in four bytes')
        px = _view(data, height, width, step, 2, np.uint8, 'image')
        swap = encoding == 'vyuy'  # VYUY is YVYU with each byte pair swapped
        if _luma_at_the_other_bytes(px, _LUMA_BYTE[encoding]):
            swap = not swap
            _say(notes, 'yuv_order', _yuv_order_note(encoding))
        if swap:
            px = px[..., ::-1]  # each byte pair swapped: YUYV <-> UYVY, YVYU <-> VYUY
        return cv2.cvtColor(np.ascontiguousarray(px), YUV422_ENCODINGS[encoding])
    if encoding[:-1] in BAYER_ENCODINGS or encoding[:-2] in BAYER_ENCODINGS:
        sixteen = encoding.endswith('16')
        pattern = encoding[:-2] if sixteen else encoding[:-1]
        if encoding[len(pattern):] not in ('8', '16'):
            raise MessageError('encoding', _unsupported(encoding))
        if width < 2 or height < 2:
            raise MessageError('size', f'{encoding} image is {width}x{height}; a Bayer '
                               'mosaic needs at least 2x2 pixels')
        px = _view(data, height, width, step, 1, np.uint16 if sixteen else np.uint8,
                   'image')[..., 0]
        if sixteen:
            if bool(is_bigendian) != HOST_BIG_ENDIAN:
                px = px.byteswap()
            px = to_8_bits(_colour16_byte_order(px, encoding, is_bigendian, notes))
        return cv2.cvtColor(np.ascontiguousarray(px), BAYER_ENCODINGS[pattern])
    if encoding in YUV420_ENCODINGS:
        if width % 2 or height % 2:
            raise MessageError('layout', f'{encoding} image is {width}x{height}; 4:2:0 needs '
                               'even sides')
        rows = _luma_rows_in_buffer(encoding, height, step, data, notes)
        if rows != height:  # the ISP's frame: its padding rows cut off below the image
            return np.ascontiguousarray(_raw_to_rgb(encoding, rows, width, step, data)[:height])
        if encoding in PLANAR420_ENCODINGS and step != width:
            return cv2.cvtColor(_padded_planar420(data, height, width, step, encoding),
                                YUV420_ENCODINGS[encoding])
        px = _view(data, height, width, step, 1, np.uint8, 'image', rows=height * 3 // 2)
        return cv2.cvtColor(np.ascontiguousarray(px[..., 0]), YUV420_ENCODINGS[encoding])
    if encoding in PLANAR422_ENCODINGS or encoding == 'i444' or encoding in PLANAR411_ENCODINGS:
        return _yuv_planes_to_rgb(encoding, height, width, step, data)
    if encoding in NV444_ENCODINGS:
        # Y plane, then one interleaved U, V plane at full resolution (4:4:4), whose rows
        # are twice luma's, padding included (V4L2's pixfmt-nv24: "twice as many pad
        # bytes"): H rows of 2 x step bytes. Read at luma's stride, each chroma row's
        # second half came from the padding (helper-62's left-alone).
        px = _view(data, height, width, step, 1, np.uint8, 'image', rows=height * 3)[..., 0]
        y = px[:height]
        uv = np.frombuffer(data, np.uint8, count=2 * step * height, offset=step * height)
        uv = uv.reshape(height, 2 * step)[:, :2 * width].reshape(height, width, 2)
        u, v = (0, 1) if encoding == 'nv24' else (1, 0)  # nv42: V first
        return _ycbcr601_to_rgb(y, uv[..., u], uv[..., v])
    raise MessageError('encoding', _unsupported(encoding))


def _byte_order_named(encoding, is_bigendian, notes=None):
    """Return ``(encoding, is_bigendian)`` read from a name that ends in its byte order.

    FFmpeg's pixel format names end in ``le`` or ``be`` (``gray16le``, ``rgb565be``,
    ``bayer_rggb16le``, ``rgb48be``), GStreamer's in ``_LE``/``_BE`` (``GRAY16_LE``); a
    bridge built on either writes them into ``encoding`` and leaves ``is_bigendian`` at 0.
    When the name before the suffix is a layout of words of 16 bits or more read here, it
    is read with the order the suffix says, and a :class:`Note` of kind
    ``encoding_name`` says so (and that ``is_bigendian`` disagrees, if it does).

    :param encoding: the message's ``encoding``; ``is_bigendian``: its flag.
    :return: ``(the encoding the name before the suffix names, bool)``, or
        ``(encoding, is_bigendian)``.
    """
    named = _NAMED_ORDER.match(unpadded(encoding).lower())
    if named is None:
        return encoding, is_bigendian
    stem, order = named.groups()
    name = _COLOUR_NAMES.get(stem) or _DRIVER_NAMES.get(stem) or _GENICAM_NAMES.get(stem)
    words = name is not None and (name in COLOUR16_ENCODINGS or name.endswith('16') or
                                  name in PACKED16_RGB_ENCODINGS or
                                  name in FLOAT_COLOUR_ENCODINGS)
    if not words:
        return encoding, is_bigendian
    big = order == 'be'
    _say(notes, 'encoding_name', f"image encoding {shown(encoding)} is a video library's name "
         f'(FFmpeg, GStreamer) with its byte order: read as "{name}", '
         f'{"big" if big else "little"}-endian' +
         (f', though is_bigendian is {int(bool(is_bigendian))}'
          if bool(is_bigendian) != big else '') +
         f'; write "{name}" and is_bigendian={int(big)} in the driver')
    return name, big


# Names of a layout without its bit depth, as drivers and bridges write them: V4L2's GREY
# fourcc and GStreamer's GRAY8/GRAY16 families shortened to "gray"/"grey", a hand-made
# publisher's "mono" or "rgb", a Bayer pattern without its bits. By lower-case name: (the
# encoding at 8 bits, at 16, channels a pixel). See _bit_depth_of_bare_name.
_BARE_NAMES = {
    **dict.fromkeys(('mono', 'gray', 'grey', 'y', 'luma'), ('mono8', 'mono16', 1)),
    **{c: (f'{c}8', f'{c}16', len(c)) for c in ('rgb', 'bgr', 'rgba', 'bgra')},
    **{f'bayer_{p}': (f'bayer_{p}8', f'bayer_{p}16', 1)
       for p in ('rggb', 'bggr', 'gbrg', 'grbg')},
    **{f'bayer{p[:2]}': (f'bayer_{p}8', f'bayer_{p}16', 1)
       for p in ('rggb', 'bggr', 'gbrg', 'grbg')}}


def _bits_by_rows(height, width, channels, step, data):
    """Return ``(bits, rows_are)``: 8 or 16 bits a channel by the size of the rows, else 0.

    A row of ``width * channels`` bytes plus less than a row of padding is 8 bits a
    channel, one of twice that plus less than a row of padding 16 (the ranges do not
    meet); with ``step`` 0, data of exactly ``height`` packed rows of either.
    ``rows_are`` says what was measured, for a note or an error ("its rows of step 1280
    bytes for 640 pixels of 1 channel").
    """
    row = width * channels
    if step:
        bits = 8 if row <= step < 2 * row else 16 if 2 * row <= step < 4 * row else 0
        return bits, (f'its rows of step {step} bytes for {width} pixels of {channels} '
                      f'channel{"s" if channels > 1 else ""}')
    bits = {row * height: 8, 2 * row * height: 16}.get(len(data), 0)
    return bits, f'its step is 0 and its {len(data)} bytes for {width}x{height} pixels'


def _bit_depth_of_bare_name(encoding, height, width, step, data, notes=None):
    """Return the encoding a name without its bit depth has at the size of its rows.

    ``"gray"``, ``"grey"``, ``"mono"``, ``"rgb"``, ``"bayer_rggb"`` (:data:`_BARE_NAMES`):
    a driver or bridge that shortens V4L2's ``GREY`` or GStreamer's ``GRAY8``/``GRAY16_LE``,
    or a hand-made publisher, names the layout but not its bits, which cv_bridge refuses
    and which were refused here on every frame ("no bit depth"). The rows tell: a row of
    ``width * channels`` bytes plus less than a row of padding is 8 bits a channel, one of
    twice that plus less than a row of padding 16 (the two ranges do not meet); with
    ``step`` 0, data of exactly ``height`` packed rows of either. Read so, with a
    :class:`Note` of kind ``bit_depth`` naming the depth inferred and why; 16 bits are
    read as the 16-bit encoding is (little-endian unless ``is_bigendian``, scaled by the
    bits used: :func:`to_8_bits`). A kind of its own, so that the node logs the depth
    inferred even after another name was warned of.

    :param encoding: the message's ``encoding`` (str).
    :param step: its ``step``; ``data``: its ``data`` (any buffer).
    :param notes: a list, or None.
    :return: ``encoding`` unchanged when it is no bare name, else the encoding with its bits.
    :raises MessageError: kind ``encoding``, when the rows are neither size, naming both and
        what to set.
    """
    bare = _BARE_NAMES.get(unpadded(encoding).lower())
    if bare is None:
        return encoding
    eight, sixteen, channels = bare
    row = width * channels
    bits, rows_are = _bits_by_rows(height, width, channels, step, data)
    if not bits:
        raise MessageError('encoding', f'image encoding {shown(encoding)} names no bit depth, '
                           f'and {rows_are} are neither 8 bits a channel ({row} bytes a row, '
                           f'"{eight}") nor 16 ({2 * row}, "{sixteen}") with less than a row '
                           f'of padding: set encoding to "{eight}" or "{sixteen}" (and step '
                           'to the bytes a row) in the publisher')
    name = eight if bits == 8 else sixteen
    _say(notes, 'bit_depth', f'image encoding {shown(encoding)} names no bit depth; '
         f'{rows_are} are {bits} bits a channel ({row * bits // 8} bytes a row of pixels), '
         f'so it is read as "{name}": write "{name}" in the driver (cv_bridge, RViz and '
         'image_pipeline refuse the bare name)')
    return name


_PACKINGS = {'p': "PFNC's, one bit stream, least significant bits first",
             'packed': "GigE Vision's", 'csi2': "MIPI CSI-2's, each pixel's high 8 bits a "
             'byte, then the low bits of the group',
             'msb': "V4L2's Y10BPACK, one bit stream, most significant bits first"}


def unpack_genicam_bits(data, height, width, step, bits, how, encoding):
    """Unpack pixels of 10 to 14 bits packed across bytes into 16-bit words.

    Four packings, by ``how`` (:data:`_GENICAM_UNPACKED`):

    - ``'p'``, PFNC's (Mono12p, BayerRG10p, Mono14p: USB3 Vision's): one bit stream, each
      pixel's least significant bit first: 12 bits are two pixels in 3 bytes (p0 bits 0-7;
      p0 bits 8-11 and p1 bits 0-3; p1 bits 4-11), 10 and 14 bits four in 5 and 7.
    - ``'packed'``, GigE Vision's (10 or 12 bits): two pixels in 3 bytes, their high 8 bits
      in the first and third, their low bits in the second's low and high nibble (FLIR's
      ImageFormatControl pages for the Blackfly S; Basler's and Lucid's pixel format docs).
    - ``'csi2'``, MIPI CSI-2's RAW10/12/14 (V4L2's pixfmt-srggb10p, -srggb12p, -srggb14p):
      a group of 4 pixels (2 for 12 bits) is their high 8 bits a byte each, in order, then
      their low bits in one little-endian stream, the first pixel's at bit 0 (10 bits: 5
      bytes; 12: 3; 14: 7).
    - ``'msb'``, V4L2's Y10BPACK (pixfmt-y10b): one bit stream, each pixel's most
      significant bit first: four 10-bit pixels in 5 bytes.

    :param data: the message's ``data`` (any buffer): ``step * height`` bytes (or at most
        :data:`MAX_PADDING_ROWS` rows more), each row ``width * bits / 8`` (p, csi2, msb)
        or ``width * 3 / 2`` (packed) bytes of pixels, then padding.
    :param step: bytes a row; 0: rows packed.
    :param bits: 10, 12 or 14; ``how``: ``'p'``, ``'packed'``, ``'csi2'`` or ``'msb'``;
        ``encoding``: for messages.
    :return: (H, W) uint16 in host order, values below ``2 ** bits`` (low-aligned).
    :raises MessageError: kind ``layout``: a width whose rows end inside a byte or a group
        of pixels (4 pixels for 10 and 14 bits, 2 for 12 and for Packed), a step shorter
        than a row, or a data length ``step * height`` does not describe.
    """
    group = 2 if bits == 12 or how == 'packed' else 4  # pixels a group of bytes holds
    size = group * bits // 8 if how != 'packed' else 3
    if width % group:
        raise MessageError('layout', f'{encoding} image of width {width}: its pixels are '
                           f'packed {group} to {size} bytes, so a row of {width} ends inside '
                           f'a group; the width must be a multiple of {group}')
    row = width // group * size
    raw = _view(data, height, row, step or row, 1, np.uint8, 'image')[..., 0]
    b = raw.reshape(height, width // group, size).astype(np.uint64)
    mask = (1 << bits) - 1
    if how == 'packed':
        low = bits - 8
        low_mask = (1 << low) - 1
        pixels = [b[..., 0] << low | b[..., 1] & low_mask,
                  b[..., 2] << low | b[..., 1] >> 4 & low_mask]
    elif how == 'csi2':
        low = bits - 8
        lows = sum(b[..., group + k] << 8 * k for k in range(size - group))
        pixels = [b[..., i] << low | lows >> low * i & (1 << low) - 1 for i in range(group)]
    else:  # one bit stream of the group: least (p) or most (msb) significant bits first
        first = how == 'p'
        stream = sum(b[..., k] << 8 * (k if first else size - 1 - k) for k in range(size))
        pixels = [stream >> bits * (i if first else group - 1 - i) & mask
                  for i in range(group)]
    return np.stack(pixels, axis=2).reshape(height, width).astype(np.uint16)


def _check_not_bit_packed(given, encoding, height, width, step, data):
    """Refuse pixels of 10 to 14 bits packed across bytes under a name read as 16-bit words.

    A name that gives a sensor's bit depth (``bayer_rggb12``, ``Mono12``, ``Y10``) is read as
    those bits in 16-bit words (:data:`_DRIVER_NAMES`, :data:`_GENICAM_NAMES`), as V4L2's
    SRGGB12 and PFNC's BayerRG12 lay them out; but a driver that passes the sensor's raw
    buffer on sends them packed, 1.25 to 1.75 bytes a pixel (V4L2's SRGGB12P, MIPI CSI-2
    RAW12; PFNC's BayerRG12p; GigE Vision's BayerRG12Packed), three packings no field tells
    apart. Read as words, such rows were refused as "step is smaller than width x pixel
    size", which did not say why.

    :param given: the message's ``encoding``; ``encoding``: as :func:`read_encoding` reads it.
    :raises MessageError: kind ``layout``, when ``given`` ends in 10 to 14 bits, is read as
        a 16-bit encoding, and its rows (``step``, or the data over ``height`` when ``step``
        is 0) hold from those bits to less than 16 bits a pixel.
    """
    bits = re.search(r'1[0-4]$', unpadded(given).lower())
    if bits is None or not (encoding in COLOUR16_ENCODINGS or encoding.endswith('16')):
        return
    bits = int(bits.group())
    row = step or (len(data) // height if height and len(data) % height == 0 else 0)
    if not -(-width * bits // 8) <= row < 2 * width:
        return
    raise MessageError('layout', f'image encoding {shown(given)} is read as {bits}-bit values '
                       f'in 16-bit words ("{encoding}"), but its rows are {row} bytes for '
                       f'{width} pixels, {8 * row / width:.3g} bits a pixel: the bits are packed '
                       'across bytes (V4L2/MIPI CSI-2 RAW, PFNC "p" and GigE Vision "Packed" '
                       'formats pack them three ways, and no field says which), so it is not '
                       'guessed: set the camera or the driver to the unpacked format (16-bit '
                       f'words: Mono{bits}, BayerRG{bits}), read as "{encoding}"')


# base64's 64 characters in the order of their values (RFC 4648, table 1).
_B64_ALPHABET = b'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'


def _strict_b64decode(text):
    """Return the bytes ``text`` encodes as canonical base64 (RFC 4648), or None.

    ``base64.b64decode(text, validate=True)`` refuses a character outside the alphabet or
    misplaced padding, but not pad bits that are set: "QUF=" decodes to ``b'AA'`` as
    "QUE=" does, though no encoder writes it (RFC 4648 section 3.5: pad bits are zero;
    a decoder MAY reject data whose are not). The data taken for base64 text of an
    image's bytes (:func:`_from_base64_pixels`, :func:`_from_base64_text`,
    :func:`_depth_from_base64_text`) must be what an encoder wrote: bytes that merely
    happen to be base64 characters are read as bytes (review of 935f817, helper-87).

    :param text: bytes (no whitespace; a length that is a multiple of 4).
    :return: the decoded bytes, or None when ``text`` is not canonical base64.
    """
    try:
        decoded = base64.b64decode(text, validate=True)
    except ValueError:  # binascii.Error: not base64 text
        return None
    pad = len(text) - len(text.rstrip(b'='))
    if pad and _B64_ALPHABET.index(text[-pad - 1]) & (0x0F if pad == 2 else 0x03):
        return None  # set pad bits: no encoder's output
    return decoded


def _from_base64_pixels(encoding, height, width, step, data, what, notes=None):
    """Return ``data``, or the pixels its base64 text encodes when it is that text.

    rosbridge writes ``uint8[]`` as base64 text (RobotWebTools/rosbridge_suite#1086, #1121:
    undocumented), so a web or game-engine client that takes the text for the bytes and
    publishes it back sends a raw image 4/3 its size: rosbridge_suite#380 (a bgr8 image of
    921600 bytes received as 1228800), siemens/ros-sharp#389 (Unity through
    ros2-web-bridge: "divided by 3 and multiplied by 4"), RosLibRust/roslibrust#278
    ("some kind of alignment issue"). Such a message was refused on every frame ("data is
    N bytes; step x height = M"), or, under 192 rows, read as a padded buffer: false
    pixels, nothing said. Data exactly as long as the base64 text of the image's bytes
    (``step * rows`` or the packed size, :func:`_packed`) that decodes as canonical
    base64 (:func:`_strict_b64decode`) to that many bytes is read as those bytes, with a
    note of kind ``base64``. Pixels are no such text by chance: each of their bytes would
    have to be one of base64's 64 characters. Data of the image's own length is never
    looked at.

    :param encoding: the encoding as :func:`read_encoding` names it.
    :param step: the message's ``step``; ``data``: its ``data`` (any buffer).
    :param what: ``'image'`` or ``'depth'``, for the note.
    :param notes: a list, or None.
    :return: ``data``, or ``bytes`` of the decoded pixels.
    """
    packed = _packed(encoding, height, width)
    if packed is None:
        return data
    row, rows = packed
    sizes = {row * rows, step * rows} - {0}
    if len(data) in sizes or not any(len(data) == 4 * -(-n // 3) for n in sizes):
        return data
    pixels = _strict_b64decode(bytes(data))
    if pixels is None or len(pixels) not in sizes:
        return data
    _say(notes, 'base64', f'{what} data is {len(data)} bytes of base64 text, not the '
         f'{len(pixels)} bytes of a {width}x{height} {encoding} image: decoded (rosbridge '
         'writes uint8[] as base64 text, RobotWebTools/rosbridge_suite#380; a client that '
         'publishes that text back sends it as the data): publish the bytes, not the text')
    return pixels


# Colour encodings by their channel order, bit depth and channels: the encoding of a row
# of pixels in the same order and depth with 3 or 4 channels (_pixel_size_of_rows).
_SAME_ORDER = {name: {3: three, 4: four} for three, four in (
    ('rgb8', 'rgba8'), ('bgr8', 'bgra8'), ('8UC3', '8UC4'),
    ('rgb16', 'rgba16'), ('bgr16', 'bgra16'), ('16UC3', '16UC4')) for name in (three, four)}
# How many times rougher (mean step between neighbouring pixels of a colour channel) the
# pixels must read at the encoding's size than at the size step gives them for the rows to
# be read at the latter. Over the 16 real frames of shared/data/real_rgbd and two toy
# scenes: RGBA read as RGB (alpha 255, 0 or noise) 3.5 to 94 times rougher, RGB read as
# mono8 1.6 to 28 times; rows padded to that size read 0.04 to 0.58 times as rough (RGB
# padded to 4 bytes a pixel) and 0.45 to 0.83 (grey padded to 3).
PIXEL_SIZE_RATIO = 1.25


def _roughness(rows, channels, pixels):
    """Mean step between neighbouring pixels of each of the first 3 channels (float).

    :param rows: (R, N) uint8 or uint16 rows of channel values; ``channels`` a pixel,
        ``pixels`` read.
    """
    px = rows[:, :pixels * channels].reshape(rows.shape[0], pixels, channels)[..., :3]
    return float(np.abs(np.diff(px.astype(np.int32), axis=1)).mean())


def _pixel_size_of_rows(encoding, height, width, step, data, is_bigendian=False, notes=None):
    """Return the encoding to read rows with when ``step`` gives pixels another size.

    A publisher that copies a 4-channel render target or frame buffer (RGBA, BGRA) into a
    message labelled ``rgb8`` or ``bgr8`` with ``step = 4 * width`` (left open by session
    32's camera round; the same fault as shaozilee/bmp-js#9, a row's pixel size assumed,
    and woltapp/blurhash#251, which infers it from the bytes a row) sends a layout that
    reads, as row padding, so every pixel's bytes were taken from its neighbours' (alpha
    read as colour, the image sheared into three strips of false colours) and nothing was
    said. Rows of ``4 * width`` channels are pixels of 4 when they read
    :data:`PIXEL_SIZE_RATIO` times smoother so than as 3-channel pixels and padding: read
    as ``rgba8`` (``bgra8``; ``rgba16`` for ``rgb16``), the order and depth the encoding
    states, alpha dropped, with a note of kind ``pixel_size``. With ``step`` left at 0
    (o3de-ros2-gem#251) the rows are sized by the data's length: ``3`` or ``4`` x width x
    height channels are rows of that many a pixel, judged the same way (before, refused on
    every frame as a step-0 image whose data is not the packed rgb8 one). The other way round,
    ``rgba8``/``bgra8`` (16) data of exactly 3 channels a pixel at step ``3 * width``
    channels (or 0) holds no layout of 4: read as ``rgb8`` (``bgr8``; 16). Grey rows of 3
    or 4 channels a pixel under ``mono8``/``8UC1``/``mono16`` are colour in an order no
    field gives: refused saying so.

    :param encoding: the encoding as :func:`read_encoding` names it.
    :param step: the message's ``step`` (after :func:`_sized_two_bytes_a_pixel`).
    :param data: the message's ``data`` (any buffer).
    :param is_bigendian: byte order of 16-bit channels as flagged.
    :param notes: a list, or None.
    :return: the encoding to read the data as (str): ``encoding`` or one of the same order.
    :raises MessageError: kind ``encoding``: colour pixels under a grey encoding.
    """
    grey = encoding in ('mono8', '8UC1', 'mono16')
    if encoding not in _SAME_ORDER and not grey or width < 8:
        return encoding
    item = 2 if encoding in COLOUR16_ENCODINGS else 1
    size = (COLOUR16_ENCODINGS if item == 2 else COLOUR_ENCODINGS)[encoding]
    if size == 4 and step in (0, 3 * width * item) and len(data) == 3 * width * height * item:
        read = _SAME_ORDER[encoding][3]
        _say(notes, 'pixel_size', f'image encoding "{encoding}" is 4 channels a pixel, but '
             f'its {len(data)} bytes at step {step} are {width}x{height} pixels of 3: read as '
             f'"{read}"; write "{read}" in the publisher (cv_bridge and RViz refuse it)')
        return read
    unset = not step  # step 0: the data's length is all there is to size pixels by
    if unset and len(data) % (width * height * item) == 0:
        step = len(data) // height if len(data) // (width * height * item) in (3, 4) else 0
    wide = step // (width * item) if step and step % (width * item) == 0 else 0
    if wide not in (3, 4) or wide <= size or not step * height <= len(data) < \
            step * (height + MAX_PADDING_ROWS):
        return encoding
    dtype = np.dtype(np.uint8) if item == 1 else np.dtype('>u2' if is_bigendian else '<u2')
    rows = np.frombuffer(data, dtype, count=step * height // item).reshape(height, -1)
    rows = rows[::max(1, height // 64)]
    as_given = _roughness(rows, size, width)
    as_wide = _roughness(rows, wide, size * width // wide)  # the same bytes
    if as_given < PIXEL_SIZE_RATIO * max(as_wide, 0.5):
        return encoding  # row padding, or a frame that reads the same either way
    rows_are = (f'its step is 0 (not set) and its {len(data)} bytes are {height} rows of '
                f'{step} = {wide * item} x width, which' if unset else
                f'its rows of step {step} = {wide * item} x width')
    why = (f'image encoding "{encoding}" is {size} channel{"s" if size > 1 else ""} a '
           f'pixel, but {rows_are} hold {width} pixels '
           f'of {wide} channels (they read {as_given / max(as_wide, 0.5):.0f} times smoother '
           f'so than as {size}-channel pixels and padding)')
    if grey:
        bits = 8 * item
        raise MessageError('encoding', f'{why}: colour sent as grey, in an order no field '
                           f'gives (rgb{"a" * (wide - 3)}{bits} or bgr{"a" * (wide - 3)}'
                           f'{bits}, whose colours differ), so it is not guessed: set '
                           'encoding in the publisher')
    read = _SAME_ORDER[encoding][wide]
    _say(notes, 'pixel_size', f'{why}: read as "{read}", the 4th channel (alpha) dropped; '
         f'write "{read}" in the publisher, or publish {size}-channel pixels (RViz and '
         'cv_bridge read them as padding: the picture sheared in false colours)')
    return read


def _sized_two_bytes_a_pixel(encoding, height, width, step, data, notes=None):
    """``(step, data)`` of a semi-planar frame whose buffer was sized at two bytes a pixel.

    ``sensor_msgs/image_encodings.hpp`` up to Jazzy gives ``nv21`` and ``nv24`` two
    channels of 8 bits (``numChannels``; ros2/common_interfaces#264 made nv12 and nv21
    one channel in Rolling, with a height scaling of 1.5), so a publisher that sizes its
    message as ``step = width * numChannels * bitDepth / 8`` and ``data = step * height``
    sends ``2 * width * height`` bytes (isaac-sim/IsaacSim#807: "nv21/nv24 mis-sized";
    rerun-io/rerun#9885 expected 2 bytes a pixel of NV12; ros-drivers/usb_cam#79 a 4:2:2
    buffer for 4:2:0 frames). No 4:2:0 layout is that long at step ``width`` (1.5 bytes a
    pixel) or ``2 * width`` (3), so every frame was refused ("image data is N bytes;
    step x height = M"). The packed image lies at the start of such a buffer, so for
    4:2:0 (``nv12``, ``nv21``, ``i420``, ``yv12``) its first ``1.5 * width * height``
    bytes are read at step ``width``, with a note of kind ``buffer_size``; ``nv24``
    holds 3 bytes a pixel, so two cut its chroma: refused saying so. Any other length or
    step is left to :func:`_step_of` and :func:`_view`, as before.

    :param encoding: the encoding as :func:`read_encoding` names it.
    :param step: the message's ``step`` (bytes a row, as it says).
    :param data: the message's ``data`` (any buffer).
    :param notes: a list, or None.
    :return: ``(step, data)``: as given, or ``width`` and a zero-copy ``memoryview`` of
        the packed image's bytes.
    :raises MessageError: ``nv24`` in a buffer of two bytes a pixel (kind ``layout``).
    """
    if (encoding not in YUV420_ENCODINGS and encoding not in NV444_ENCODINGS
            or len(data) != 2 * width * height or step not in (width, 2 * width)):
        return step, data
    row, rows = _packed(encoding, height, width)
    packed = row * rows
    why = (f'{encoding} image data is {len(data)} bytes at step {step}, two bytes a pixel, a '
           "buffer sized as a 2-byte encoding's (sensor_msgs numChannels gives nv21 and nv24 "
           f'2 channels up to Jazzy: isaac-sim/IsaacSim#807); {encoding} is {packed} bytes at '
           f'step {width}')
    if encoding in NV444_ENCODINGS:
        raise MessageError('layout', f'{why}, so its UV plane is cut: size data and step as '
                           f'{encoding} lays them out (a Y plane, then the chroma interleaved '
                           'at full size) in the publisher')
    _say(notes, 'buffer_size', f'{why}, so its first {packed} bytes are read as the packed '
         f'image: set step = {width} and data to the {packed} bytes of the image in the '
         'publisher (cv_bridge and RViz refuse this size)')
    return width, memoryview(data).cast('B')[:packed]


# The 4:2:2 layout (chroma at half width and full height, 2 bytes a pixel) of each 4:2:0
# one's planes (chroma at half width and half height): FFmpeg's yuv422p, GStreamer's Y42B
# and V4L2's YUV422P are I422; YV16 is YV12's order; NV16 and NV61 NV12's and NV21's.
_FULL_HEIGHT_CHROMA = {'i420': 'I422 (yuv422p)', 'yv12': 'YV16', 'nv12': 'NV16',
                       'nv21': 'NV61'}
# Least correlation of chroma's edges with luma's, on chroma's grid, for 4:2:2 chroma to be
# told in a buffer labelled 4:2:0; and how far above the 4:2:0 reading's (twice it, plus
# this) it must be. Read in the layout they are in, chroma's edges follow luma's: 0.11 to
# 0.64 over the 16 real frames of shared/data/real_rgbd; read in the other, -0.06 to 0.10
# (a 4:2:0 frame's chroma taken at full height lands on rows twice as far down, 4:2:2
# chroma taken at half height puts the lower half's under the upper half).
MIN_CHROMA_EDGE_AGREEMENT = 0.05


def _chroma_planes(chroma, encoding, rows, width):
    """``(U, V)``, each (rows, W / 2) uint8, of a 4:2:x chroma region in ``encoding``'s order.

    :param chroma: (N,) uint8, the bytes after the Y plane (at least ``rows * width``).
    :param encoding: ``'i420'``, ``'yv12'`` (planar: U then V, or V then U) or ``'nv12'``,
        ``'nv21'`` (one plane, U and V interleaved, or V and U).
    :param rows: chroma rows: the image's height (4:2:2) or half of it (4:2:0).
    """
    half = width // 2
    if encoding in PLANAR420_ENCODINGS:
        first = chroma[:rows * half].reshape(rows, half)
        second = chroma[rows * half:2 * rows * half].reshape(rows, half)
        return (first, second) if encoding == 'i420' else (second, first)
    uv = chroma[:rows * width].reshape(rows, half, 2)
    return (uv[..., 0], uv[..., 1]) if encoding == 'nv12' else (uv[..., 1], uv[..., 0])


def _edge_agreement(y, u, v):
    """Pearson correlation (float) of luma's and chroma's edge strength on chroma's grid.

    :param y: (H, W) uint8 luma; ``u``, ``v``: (R, W / 2) uint8 chroma, R = H or H / 2.
    """
    rows, half = u.shape
    grid = y.reshape(rows, -1, half, 2).mean(axis=(1, 3), dtype=np.float32)

    def edges(a):
        a = a.astype(np.float32)
        return np.abs(np.diff(a, axis=1))[:-1] + np.abs(np.diff(a, axis=0))[:, :-1]
    lum, col = edges(grid).ravel(), (edges(u) + edges(v)).ravel()
    lum, col = lum - lum.mean(), col - col.mean()
    norm = float(np.sqrt(np.dot(lum, lum) * np.dot(col, col)))
    return float(np.dot(lum, col)) / norm if norm > 0 else 0.0


def _planar422_as_420(encoding, height, width, step, data, notes=None):
    """RGB of a 4:2:2 frame whose chroma planes are labelled as 4:2:0's, or None.

    A decoder's planar 4:2:2 (FFmpeg's ``yuv422p``, I422: a Y plane, then U and V planes
    at half width and full height; NV16 semi-planar) handed over under the 4:2:0 name
    (ros-drivers/usb_cam#79: libavcodec gave 4:2:0 where the driver expected
    ``AV_PIX_FMT_YUV422P``, "outbuf size mismatch. pic_size: 720000 bufsize: 960000"; the
    other way round a 4:2:2 frame goes out as ``i420``) is ``2 * width * height`` bytes,
    the size of a 4:2:0 frame in a buffer of two bytes a pixel
    (:func:`_sized_two_bytes_a_pixel`, isaac-sim/IsaacSim#807). Read as that, the
    upper half of the U plane was taken for U and its lower half for V: colours of the
    lower half over the upper, shifted rows, and nothing said. The two are told by where
    chroma's edges lie (:data:`MIN_CHROMA_EDGE_AGREEMENT`): 4:2:2 chroma is read as such
    (each chroma sample over two pixels of a row, BT.601 as OpenCV's 4:2:2 conversions),
    with a note of kind ``planar_422``; anything else is left to the 4:2:0 reading.

    :param encoding: the encoding as :func:`read_encoding` names it.
    :param step: the message's ``step``; ``data``: its ``data`` (any buffer).
    :param notes: a list, or None.
    :return: (H, W, 3) uint8 RGB, or None when the frame is not 4:2:2 so labelled.
    """
    if (encoding not in YUV420_ENCODINGS or width % 2 or height % 2 or width < 4 or
            height < 4 or len(data) != 2 * width * height or step not in (width, 2 * width)):
        return None
    buf = np.frombuffer(data, np.uint8)
    y, chroma = buf[:width * height].reshape(height, width), buf[width * height:]
    full = _edge_agreement(y, *_chroma_planes(chroma, encoding, height, width))
    half = _edge_agreement(y, *_chroma_planes(chroma, encoding, height // 2, width))
    if full < 2 * max(half, 0.0) + MIN_CHROMA_EDGE_AGREEMENT:
        return None
    u, v = _chroma_planes(chroma, encoding, height, width)
    layout = _FULL_HEIGHT_CHROMA[encoding]
    _say(notes, 'planar_422', f'image encoding "{encoding}" is 4:2:0, but its {len(data)} '
         f'bytes at step {step} hold 4:2:2 chroma, at full height ({layout}: chroma edges '
         f"agree with luma's {full:.2f} read so, {half:.2f} read as 4:2:0, which put the "
         "lower half's colours over the upper half): read as 4:2:2; convert to a "
         'sensor_msgs encoding before publishing (yuv422_yuy2, or rgb8), or send 4:2:0')
    return _ycbcr601_to_rgb(y, np.repeat(u, 2, axis=1), np.repeat(v, 2, axis=1))


def _yuv_planes_to_rgb(encoding, height, width, step, data):
    """RGB of 4:2:2, 4:4:4 or 4:1:1 in planes (BT.601).

    :data:`PLANAR422_ENCODINGS`, ``i444`` and :data:`PLANAR411_ENCODINGS`.

    Rows padded as V4L2 lays them out (Documentation/userspace-api/media/v4l/
    pixfmt-yuv-planar.rst): ``step`` is the Y plane's; a semi-planar chroma plane's rows
    (nv16, nv61) and a full-size one's (i444) are padded as much, a half-width plane's
    (i422, yv16) half as much, a quarter-width one's (yuv411p) a quarter as much. Each
    chroma sample of 4:2:2 covers two pixels of a row, of 4:1:1 four.

    :param data: the message's ``data``: ``2 * step * height`` bytes (4:2:2),
        ``3 * step * height`` (i444) or ``1.5 * step * height`` (yuv411p).
    :return: (H, W, 3) uint8 RGB.
    :raises MessageError: kind ``layout``: 4:2:2 of an odd width (no whole chroma sample)
        or, planar, an odd ``step``; 4:1:1 of a width or step no multiple of 4; a data
        length other than those.
    """
    full = encoding == 'i444'
    if encoding in PLANAR411_ENCODINGS:
        if width % 4 or step % 4:
            raise MessageError('layout', f'{encoding} image of width {width}, step {step}: '
                               '4:1:1 shares each chroma sample between four pixels, so the '
                               'width and the step must be multiples of 4')
        if len(data) != step * height * 3 // 2:
            raise MessageError('layout', f'{encoding} image data is {len(data)} bytes; a Y '
                               f'plane of step x height = {step * height} and two chroma '
                               f'planes of {step // 4 * height} make {step * height * 3 // 2}')
        y = np.frombuffer(data, np.uint8, count=step * height).reshape(height, step)[:, :width]
        u, v = (np.frombuffer(data, np.uint8, count=step // 4 * height,
                              offset=step * height + k * (step // 4) * height)
                .reshape(height, step // 4)[:, :width // 4] for k in (0, 1))
        return _ycbcr601_to_rgb(y, np.repeat(u, 4, axis=1), np.repeat(v, 4, axis=1))
    if not full and (width % 2 or step % 2 and encoding in ('i422', 'yv16')):
        raise MessageError('layout', f'{encoding} image of width {width}, step {step}: 4:2:2 '
                           'shares each chroma sample between two pixels, so the width (and '
                           'the step of planes at half width) must be even')
    planes = 3 if full else 2
    y = _view(data, height, width, step, 1, np.uint8, 'image', rows=planes * height)[:height, :, 0]
    if full:
        u, v = (np.frombuffer(data, np.uint8, count=step * height, offset=k * step * height)
                .reshape(height, step)[:, :width] for k in (1, 2))
        return _ycbcr601_to_rgb(y, u, v)
    semi = encoding in ('nv16', 'nv61')
    row, used = (step, width) if semi else (step // 2, width // 2)
    chroma = np.frombuffer(data, np.uint8, count=step * height, offset=step * height)
    chroma = np.ascontiguousarray(chroma.reshape(-1, row)[:, :used]).reshape(-1)
    u, v = _chroma_planes(chroma, PLANAR422_ENCODINGS[encoding], height, width)
    return _ycbcr601_to_rgb(y, np.repeat(u, 2, axis=1), np.repeat(v, 2, axis=1))


# Blocks of rows a camera ISP pads a 4:2:0 frame's height to, planes and all: the
# Raspberry Pi's MMAL (raspicam_node, raspiyuv) "YUV images are always padded to a
# multiple of 32 pixels on width, 16 pixels on height" (raspberrypi/userland#329, #702:
# 3280x2464 in a 3296-wide buffer; anholt/linux#12: 640x200 as 640x208), each chroma
# plane after a luma plane of the padded height; other ISPs align to 32 or 64 rows.
LUMA_ROW_BLOCKS = (16, 32, 64)


def _luma_rows_in_buffer(encoding, height, step, data, notes=None):
    """Rows of the Y plane of a 4:2:0 frame whose buffer is padded to a block of rows.

    Such a frame (:data:`LUMA_ROW_BLOCKS`) is ``step * rows * 3 / 2`` bytes with ``rows``
    the height rounded up to the block: its chroma planes start after ``rows`` rows of
    luma, not ``height``. It was refused ("image data is 3133440 bytes; step x height =
    3110400" for 1920x1080 in 1088 rows), and read at ``height`` rows its chroma would
    have been taken from the padding. A note of kind ``buffer_size`` (a buffer of another
    size than its packed image, as :func:`_sized_two_bytes_a_pixel`'s) says so.

    :param step: the Y plane's row length (bytes, > 0; 0 leaves the height as it is).
    :return: the Y plane's rows (int): ``height`` unless the data is such a frame.
    """
    for block in LUMA_ROW_BLOCKS:
        rows = -(-height // block) * block
        if step and rows > height and len(data) == step * rows * 3 // 2:
            _say(notes, 'buffer_size', f'{encoding} image data is {len(data)} bytes: a Y plane '
                 f'of {rows} rows (the height {height} padded to a multiple of {block}, as a '
                 "camera ISP's buffer is: raspberrypi/userland#329), then its chroma planes; "
                 f'read so and cut to {height} rows (cv_bridge and RViz refuse it): publish '
                 f'the planes without the padding rows')
            return rows
    return height


def _padded_planar420(data, height, width, step, encoding):
    """Return planar 4:2:0 with padded rows as the packed (H * 3 / 2, W) uint8 OpenCV reads.

    V4L2's layout (Documentation/userspace-api/media/v4l/pixfmt-yuv420.rst): "If the Y
    plane has pad bytes after each row, then the Cr and Cb planes have half as many pad
    bytes after their rows", so ``step`` is the Y plane's and each chroma plane's rows are
    ``step / 2`` bytes; ``data`` is ``step * height * 3 / 2`` bytes, as unpadded. Before,
    a padded step was refused although the layout is defined.

    :param data: the message's ``data`` (any buffer).
    :param step: the Y plane's row length in bytes, more than ``width``.
    :param encoding: ``'i420'`` or ``'yv12'``, for messages.
    :return: (H * 3 / 2, W) uint8, C-contiguous: Y, then the two chroma planes packed.
    :raises MessageError: an odd ``step`` (no whole chroma row length), or a data length
        other than ``step * height * 3 / 2``.
    """
    if step % 2:
        raise MessageError('layout', f'{encoding} image with step {step} for width {width}: '
                           'an odd step gives its half-size U and V planes no whole row '
                           'length (V4L2 pads them half as much as the Y plane)')
    y = _view(data, height, width, step, 1, np.uint8, 'image',
              rows=height * 3 // 2)[:height, :, 0]
    chroma = np.frombuffer(data, np.uint8, count=step * height // 2, offset=step * height)
    chroma = chroma.reshape(height, step // 2)[:, :width // 2]
    # OpenCV's packed layout: each chroma plane is (H / 2) x (W / 2) bytes, two of its rows
    # to a W-byte row.
    return np.concatenate([y, chroma.reshape(height // 2, width)])


# The byte of each pair that holds luma in a packed 4:2:2 encoding, and the encoding of
# the same bytes with luma at the other byte (VYUY, YVYU's, has no sensor_msgs name).
_LUMA_BYTE = {'yuv422': 1, 'uyvy': 1, 'yuv422_yuy2': 0, 'yuyv': 0, 'yvyu': 0, 'vyuy': 1}
_OTHER_422 = {'yuv422': 'yuv422_yuy2', 'uyvy': 'yuyv', 'yuv422_yuy2': 'yuv422',
              'yuyv': 'uyvy', 'yvyu': None, 'vyuy': 'yvyu'}


def _luma_at_the_other_bytes(px, luma):
    """Return True when packed 4:2:2 pixels hold luma at the other byte than flagged.

    A driver that flags YUYV bytes ``yuv422`` (UYVY) or the other way round
    (ros-drivers/usb_cam#263: ``pixel_format:=uyvy`` on a camera that only gives YUYV sent
    YUYV flagged ``yuv422``) has them read with luma and chroma swapped: a flat grey image
    in false colours, nothing in it to find, and nothing said. Luma is one channel, each
    byte like its neighbour's (the mean difference to the next luma byte is 0.6 to 0.9 of
    that to the one two on, over 16 real frames of three cameras and the toy scenes);
    chroma is two interleaved channels (U, V), each byte unlike its neighbour and like the
    one two on (3 to 100 times). Swapped when the bytes flagged luma look interleaved (at
    least twice, and a level apart) and those flagged chroma look like one channel (under
    1); a flat or noise-like frame is left as flagged.

    :param px: (H, W, 2) uint8 byte pairs as flagged.
    :param luma: the index (0 or 1) of the byte the encoding says is luma.
    :return: bool.
    """
    if px.shape[1] < 3:
        return False
    rows = px[::max(1, px.shape[0] // 64)].astype(np.int16)

    def steps(seq):
        return (float(np.abs(seq[:, 1:] - seq[:, :-1]).mean()),
                float(np.abs(seq[:, 2:] - seq[:, :-2]).mean()))
    said_luma, said_chroma = steps(rows[..., luma]), steps(rows[..., 1 - luma])
    return (said_luma[0] >= max(2 * said_luma[1], 1.0) and
            said_chroma[0] < said_chroma[1])


def _yuv_order_note(encoding):
    """Say what :func:`_luma_at_the_other_bytes` found in ``encoding``'s bytes (str)."""
    other = _OTHER_422[encoding]
    fix = (f'read as "{other}"; write "{other}" in the driver (or set the camera to the '
           f'format "{encoding}" names)' if other else
           'read with each byte pair swapped (VYUY, which no sensor_msgs encoding names); '
           'set the camera to the format "yvyu" names')
    return (f'image encoding "{encoding}" puts luma at byte {_LUMA_BYTE[encoding]} of each '
            'pair, but the data has it at the other (read as flagged, luma is the flat '
            f'chroma and the colours are the picture: a driver whose pixel format and '
            f'encoding disagree, ros-drivers/usb_cam#263); {fix}')


# 16UC1 is REP 118's depth encoding, and a 16-bit grey image's too (some infrared
# drivers): read as grey, but said (helper-47's field round: depth on the colour topic
# passed as a grey image with only the "no colour" warning).
_DEPTH_ON_COLOUR = ('colour image {what} is the depth encoding of REP 118: read as a 16-bit '
                    'grey image; if image is remapped to a depth stream, remap it to the '
                    "colour camera's topic")


def _ycbcr601_to_rgb(y, cb, cr):
    """BT.601 limited-range Y'CbCr -> RGB, the matrix OpenCV's YUV2RGB_NV21/YUY2 use."""
    y = (y.astype(np.float32) - 16.0) * 1.164
    cb = cb.astype(np.float32) - 128.0
    cr = cr.astype(np.float32) - 128.0
    rgb = np.dstack([y + 1.596 * cr, y - 0.813 * cr - 0.391 * cb, y + 2.018 * cb])
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


# How many times rougher (median step between neighbouring pixels of one channel) 16-bit
# colour must read in its flagged byte order than the other way round to be read the other
# way (_colour16_byte_order). Read in the wrong order a pixel's low byte, which noise moves
# from pixel to pixel, is its high one: the steps grow 3 to 256 times (real frames at 10-16
# bits); read right they are at most 0.4 times the other order's.
COLOUR16_SWAP_RATIO = 4
# Fewest values the high bytes must take for that: a low byte read as the high one is
# noise over all 256 values; a clean frame of exact levels (a renderer's, a gradient)
# whose bytes both read as an image takes fewer, and stays as flagged.
COLOUR16_NOISE_VALUES = 128


def _colour16_byte_order(px, encoding, is_bigendian, notes=None):
    """16-bit colour pixels in the byte order they make an image in, with a note if turned.

    ``is_bigendian`` set wrongly (vision_opencv#7: an IIDC camera's mono16, big-endian by
    its standard; AravisProject/aravis#924 and #1029: a BlackFly's and a FLIR A320G's
    Mono16 sent big-endian; raspberrypi/libcamera#99: 16-bit Bayer) makes each pixel's low
    byte its high one: the frame is noise, and CLIP scored it with nothing said (depth had
    this check, :func:`_in_other_byte_order`; colour had none). Turned when the flagged
    order's high bytes take :data:`COLOUR16_NOISE_VALUES` values or more and it steps
    :data:`COLOUR16_SWAP_RATIO` times more roughly between neighbouring pixels (every 4th
    row and column, so a Bayer mosaic's colours are not mixed) than the other; a frame
    whose bytes read as an image both ways (exact levels without noise, a flat frame,
    MSB-aligned 12 bits, whose low bytes take 16 values) stays as flagged.

    :param px: (H, W) or (H, W, C) uint16 in the flagged byte order, host order.
    :param encoding: for the note.
    :param is_bigendian: as the message flags it, for the note.
    :param notes: a list, or None; a :class:`Note` of kind ``byte_order`` when turned.
    :return: ``px`` or ``px.byteswap()``.
    """
    channels = px.reshape(px.shape[0], px.shape[1], -1)
    code = np.concatenate([channels[..., c] for c in range(channels.shape[2])]).astype(np.int64)
    sample = code[::4, ::4]
    if np.unique(sample >> 8).size < COLOUR16_NOISE_VALUES or np.unique(sample & 0xFF).size < 2:
        return px  # high bytes no noise, or an 8-bit image shifted up: an image either way
    turned = (code >> 8) | ((code & 0xFF) << 8)
    if not _steps_smoother(turned, code, COLOUR16_SWAP_RATIO):
        return px
    said, read = ('big', 'little') if is_bigendian else ('little', 'big')
    _say(notes, 'byte_order', f'{encoding} image is flagged {said}-endian '
         f'(is_bigendian={int(bool(is_bigendian))}) but its pixels are {read}-endian: read '
         "as flagged, each pixel's low byte is its high one and the frame is noise; reading "
         f'them {read}-endian; set is_bigendian right in the driver')
    return px.byteswap()


def to_8_bits(px):
    """16-bit pixels -> uint8, keeping the top 8 of the bits the frame actually uses.

    A 16-bit encoding does not say how many bits the sensor fills: 10-, 12- and 14-bit
    sensors (industrial cameras' Bayer and RGB, a Kinect's or an Astra's mono16 IR)
    write values below 1024-16384 into 16 bits, low-aligned. cv_bridge's value / 256
    turns such a frame nearly black (0-15), and CLIP then finds nothing in it. The bit
    depth is read from the frame (the bit length of its 99.9th percentile, so a few hot
    pixels do not decide it; at least 8), and the frame is shifted by whole bits, so a
    sensor's frames keep one scale and a full-range 16-bit frame is read as before
    (high byte). Values above the chosen depth saturate at 255.

    :param px: uint16 array, any shape.
    :return: uint8 array of the same shape.
    """
    flat = px.reshape(-1)
    sample = flat[::max(1, flat.size // 20000)]
    top = int(np.percentile(sample, 99.9)) if sample.size else 0
    shift = max(8, min(16, top.bit_length())) - 8
    return np.minimum(px >> shift, 255).astype(np.uint8)


# Most a float colour frame's 99.9th percentile may be for its values to be taken as
# [0, 1] (OpenCV's imshow and cv_bridge's cvtColorForDisplay read float colour so), and as
# 8-bit levels kept in floats (an ``img.astype(np.float32)`` sent on); beyond, radiance.
FLOAT_UNIT_TOP = 1.0
FLOAT_LEVELS_TOP = 255.0


# Share of a float colour frame's values that decides its range (float_colour_to_8_bits):
# its 90th percentile, the bulk of the picture, which highlights (a lamp, the sun, a
# specular glint: a few per cent of an HDR render) and hot pixels do not move.
FLOAT_BULK_PERCENTILE = 90.0


def float_colour_to_8_bits(px, encoding, notes=None):
    """Floating-point colour -> uint8, by the range the bulk of its values takes.

    Float colour carries no scale: OpenCV and cv_bridge take it as [0, 1]; a float copy of an
    8-bit image holds levels 0-255; a renderer's HDR target holds linear light with white at
    1 and highlights above it, or radiance in units of its own. The frame's
    :data:`FLOAT_BULK_PERCENTILE` th percentile tells them apart: at most
    :data:`FLOAT_UNIT_TOP`, [0, 1], times 255 (highlights above 1 saturate, as OpenCV shows
    them); at most :data:`FLOAT_LEVELS_TOP`, levels as they are; beyond, radiance, scaled by
    a whole number of stops, ``255 / 2 ** ceil(log2(bulk))``, so that the bulk lands in
    (127.5, 255]. Before (helper-h129's brief, item 5) the 99.9th percentile decided both the
    range and a radiance frame's scale: a render whose highlights crossed 0.1% of the frame
    flipped from x255 to x1 (black) between frames, and radiance was rescaled every frame
    (flicker: the tracker and crop reuse saw a new picture). Now a frame's scale changes only
    when its bulk does, and by whole stops. Beyond [0, 1] it is said (a :class:`Note` of
    kind ``float_range``). NaN, negative values -> 0; values above the top saturate at 255.

    :param px: (H, W, C) float32 or float64, host byte order.
    :param encoding: for the note.
    :param notes: a list, or None.
    :return: (H, W, C) uint8.
    """
    flat = px.reshape(-1)
    sample = flat[::max(1, flat.size // 20000)]
    sample = sample[np.isfinite(sample)]
    with np.errstate(over='ignore', invalid='ignore'):  # huge readings: inf, handled below
        bulk, top = (float(v) for v in np.percentile(sample, (FLOAT_BULK_PERCENTILE, 99.9))) \
            if sample.size else (0.0, 0.0)
    if not math.isfinite(top):  # the percentile of readings near the float's top overflowed
        top = float(sample.max())
    if not math.isfinite(bulk):
        bulk = top
    if bulk <= FLOAT_UNIT_TOP:
        scale = 255.0
        read = 'as light in [0, 1] (its bulk is), highlights above 1 saturating'
    elif bulk <= FLOAT_LEVELS_TOP:
        scale = 1.0
        read = 'as 8-bit levels 0-255 kept in floats'
    else:
        stops = math.ceil(math.log2(bulk))
        scale = 255.0 / 2.0 ** stops
        read = (f'as radiance, scaled by whole stops: 2^{stops} is 255 (its '
                f'{FLOAT_BULK_PERCENTILE:g}th percentile, {bulk:.4g}, lands in (127.5, 255]; '
                'the scale changes only by whole stops, as the bulk does)')
    if top > FLOAT_UNIT_TOP:
        _say(notes, 'float_range', f'{encoding} image holds values up to {top:.4g} (99.9th '
             'percentile), beyond the [0, 1] OpenCV and cv_bridge take float colour in: read '
             f'{read}; publish rgb8 or bgr8 (cv_bridge.cv2_to_imgmsg(img.astype(np.uint8), '
             '"bgr8")), or float colour in [0, 1]')
    with np.errstate(over='ignore', invalid='ignore'):  # inf and overflow saturate: 255
        scaled = np.nan_to_num(px * scale, nan=0.0, posinf=255.0, neginf=0.0)
    return np.rint(np.clip(scaled, 0.0, 255.0)).astype(np.uint8)


def _unsupported(encoding):
    return (f'unsupported image encoding {shown(encoding)}{_encoding_hint(encoding, "image")}; '
            f'supported: {", ".join(supported_colour_encodings())}')


# OpenCV's type names (8UC2, 16SC3, 32FC2...): bits, U/S/F, channels (_encoding_hint).
_CV_TYPE = re.compile(r'(8|16|32|64)([usf])c([1-4])$')
# PFNC's 3D coordinate formats (Coord3D_C16, Coord3D_ABC32f, Coord3D_C16Y8...): what a
# GenICam ToF or stereo camera (LUCID Helios, Basler blaze, Roboception's disparity)
# streams, whose units the camera's nodes say (basler/pylon-ros-camera#221 asked which);
# a driver may pass the name through as the encoding (_encoding_hint).
_COORD3D_NAME = re.compile(r'coord3d_')
# A colour order followed by a word's size (V4L2's ARGB32, DRM's XRGB8888 and RGB888,
# FFmpeg's rgb32): conventions that put its bytes in other orders (_encoding_hint).
_WORD_ORDER_NAME = re.compile(r'[argbx]{3,4}(?:32|8888|888)$')


def _encoding_hint(encoding, what):
    """Why an encoding the node does not read is not one it guesses, or ''."""
    lower = unpadded(encoding).lower()
    if what == 'image' and lower in _DEPTH_NAMES and lower not in _COLOUR_NAMES:
        return ' (a depth encoding on the colour topic: is image remapped to a depth stream?)'
    if what == 'depth' and lower in _COLOUR_NAMES:
        return (' (a colour encoding on the depth topic: is depth remapped to a colour or '
                'infrared stream?)')
    if _COORD3D_NAME.match(lower):
        return (" (a GenICam 3D camera's coordinate format: its values are in units of the "
                "camera's own Scan3dCoordinateScale from its Scan3dCoordinateOffset, or a "
                "stereo camera's disparity (Roboception's Coord3D_C16), so they are not "
                "guessed: convert them with the camera's scale and offset, as its SDK does)")
    if what == 'image' and _GENICAM_BIT_PACKED.match(lower):
        return (' (a GenICam format with its bits packed across bytes: set the camera or the '
                'driver to the unpacked format, e.g. Mono12 or BayerRG12, read as 16 bits)')
    cv_type = _CV_TYPE.match(lower)
    if what == 'image' and cv_type and lower not in _DEPTH_NAMES:
        bits, kind, channels = cv_type.groups()
        said = (' (an OpenCV type, as cv_bridge.cv2_to_imgmsg names an array given no '
                'encoding: ')
        if channels == '2' and (bits, kind) == ('8', 'u'):
            return (said + 'two 8-bit channels a pixel are packed 4:2:2, yuv422 = UYVY or '
                    'yuv422_yuy2 = YUYV, RGB in a 16-bit word, rgb565, or grey and alpha, '
                    'whose colours differ, so it is not guessed: publish it under its '
                    'encoding)')
        if channels == '2':
            return said + 'two channels a pixel are a flow or disparity field, not colour)'
        if kind == 's':
            return (said + "signed channels are no camera's colour: publish rgb8 or bgr8, "
                    "cv2_to_imgmsg(img, 'bgr8'))")
    if what == 'image' and lower in ('yuv444', 'yuv444packed', 'ycbcr8'):
        return (" (4:4:4 without its layout: planar as FFmpeg's yuv444p and NVIDIA's YUV444, "
                "packed U, Y, V as GigE Vision's YUV444Packed or Y, Cb, Cr as PFNC's YCbCr8, "
                'read differently, so it is not guessed: publish i444 (yuv444p: Y, U, V planes), '
                'nv24 (Y plane, then U and V interleaved) or rgb8)')
    if what == 'image' and lower in ('yuv411', 'y411', 'y41p', 'uyyvyy411', 'iyu1'):
        return (" (4:1:1 without its planar layout: IIDC's packed YUV411 (U, Y, Y, V, Y, Y: "
                "camera1394's yuv411), V4L2's Y41P and FFmpeg's uyyvyy411 pack it three ways, "
                'so it is not guessed: publish yuv411p (Y, U, V planes: V4L2 YUV411P, '
                "GStreamer's Y41B), or rgb8 as camera1394 converts it)")
    if what == 'image' and _WORD_ORDER_NAME.match(lower):
        return (' (8-bit channels named as a 24- or 32-bit word: DRM and libcamera name the '
                "word's bits from the top, so their XRGB8888 is bytes B, G, R, X and RGB888 "
                "B, G, R, while V4L2's ARGB32 is bytes A, R, G, B, its ABGR32 B, G, R, A and "
                "FFmpeg's rgb32 the host's order: which bytes are which is not guessed; publish "
                'rgb8, bgr8, rgba8 or bgra8, or xrgb8, argb8, rgbx8...: the bytes in the order '
                'named)')
    return ''


# How many times more neighbouring pixels must differ than pixels two apart, across and
# down, for a grey frame to be a Bayer mosaic (_mosaic_as_grey): the 16 real frames in grey
# 0.88 at most, as mosaics 1.05 at least; noise, where the two are equal, 1.00 +- 0.01 at
# 640x480 (none of 230 noise frames of 64x64 to 640x480 passes; 8 of 400 at 32x32 and 48x64
# did, so frames under MOSAIC_MIN_SIDE pixels a side are not judged).
MOSAIC_STEP_RATIO = 1.03
MOSAIC_MIN_SIDE = 64


def _mosaic_as_grey(px, encoding, notes=None):
    """Grey pixels, with a Bayer mosaic sent as grey read as the mean of each 2x2 block.

    Cameras whose raw Bayer frames the driver labels ``mono8`` (ros-drivers/camera1394#42:
    a Firefly MV and a Basler A102fc, "the encoding reported by camera1394 is mono8, where
    it should be bayer_rggb8") send a mosaic: each pixel one colour of a 2x2 filter
    pattern. Read as grey it is a fine checkerboard over the picture, and the node said
    only that the frames hold no colour, as of a mono camera. In a mosaic neighbouring
    pixels are other colours, so they differ more than pixels two apart, across and down;
    in an image of one channel they differ less (:data:`MOSAIC_STEP_RATIO`). Such a frame
    is read as grey without the checkerboard (each 2x2 block's mean: one red, two green,
    one blue in every pattern), with a note of kind ``bayer_mosaic`` naming the patterns
    its green diagonal allows; its colours need the pattern, which no field gives.

    :param px: (H, W, 1) uint8 as flagged.
    :param encoding: for the note.
    :param notes: a list, or None.
    :return: ``px``, or (H, W, 1) uint8 of the block means (odd last row/column kept).
    """
    h, w = px.shape[:2]
    if h < MOSAIC_MIN_SIDE or w < MOSAIC_MIN_SIDE:
        return px
    # Every few rows across and columns down, an odd number apart so that both rows (and
    # columns) of the pattern count alike: one alone may hold two similar colours.
    rows = px[::h // 128 | 1, :, 0].astype(np.int16)
    cols = px[:, ::w // 128 | 1, 0].astype(np.int16).T

    def ratio(a):  # mean step to the next pixel over that to the one two on
        return np.abs(a[:, 1:] - a[:, :-1]).mean() / max(np.abs(a[:, 2:] - a[:, :-2]).mean(),
                                                         0.5)
    if min(ratio(rows), ratio(cols)) <= MOSAIC_STEP_RATIO:
        return px
    block = px[:h // 2 * 2, :w // 2 * 2, 0].reshape(h // 2, 2, w // 2, 2)
    means = block.mean(axis=(1, 3), dtype=np.float32)
    out = px.copy()
    out[:h // 2 * 2, :w // 2 * 2, 0] = np.rint(np.repeat(np.repeat(means, 2, 0), 2, 1))
    sites = block.astype(np.float32).mean(axis=(0, 2))  # (2, 2) mean of each filter site
    # Green fills two sites on a diagonal: (0, 1) and (1, 0) in rggb and bggr.
    diagonal = abs(sites[0, 0] - sites[1, 1]) <= abs(sites[0, 1] - sites[1, 0])
    could = 'bayer_gbrg or bayer_grbg' if diagonal else 'bayer_rggb or bayer_bggr'
    bits = '16' if encoding == 'mono16' else '8'
    _say(notes, 'bayer_mosaic', f'image encoding "{encoding}" holds a Bayer mosaic '
         '(neighbouring pixels differ more than pixels two apart, across and down: a '
         "colour filter's 2x2 pattern; ros-drivers/camera1394#42): read as grey, each 2x2 "
         f"block's mean; its colours need the pattern, likely {could} (green on that "
         f'diagonal): set encoding to it, e.g. "{could.split()[0]}{bits}", in the driver')
    return out


def _to_rgb(encoding, px):
    """(H, W, C) uint8 in an 8-bit encoding -> (H, W, 3) RGB."""
    if encoding in PADDED_RGB_BYTES:
        return np.ascontiguousarray(px[..., list(PADDED_RGB_BYTES[encoding])])
    if encoding == 'rgb8':
        return np.ascontiguousarray(px)
    if encoding in ('bgr8', '8UC3'):
        return np.ascontiguousarray(px[..., ::-1])
    if encoding == 'rgba8':
        return np.ascontiguousarray(px[..., :3])
    if encoding in ('bgra8', '8UC4'):
        return np.ascontiguousarray(px[..., 2::-1])
    return np.ascontiguousarray(np.repeat(px[..., :1], 3, axis=2))


# A side-by-side stereo pair in one image (SIDE_BY_SIDE_*): the pair is at least this
# many times as wide as high (two 4:3 or 16:9 views give 2.67 or 3.56; a single camera's
# 16:9 is 1.78, the widest webcams' 21:9 2.33), its halves alike once shifted by at most
# a third of a half's width (the disparity of the nearest points), as normalised
# cross-correlation of their grey levels at SIDE_BY_SIDE_COLUMNS columns a half, each
# row's mean removed (a horizon, a floor or a ceiling light is alike in any two halves:
# with whole-image means a panorama with a sky gradient scored 0.87, review session 48).
# Measured with row means removed: rendered pairs of 6 and 12 cm baselines 0.76-0.80,
# real frames beside another scene 0.42 at most, that panorama 0.16.
SIDE_BY_SIDE_MIN_ASPECT = 2.4
SIDE_BY_SIDE_MIN_CORRELATION = 0.6
SIDE_BY_SIDE_COLUMNS = 64
_MIN_SPREAD = 2.0  # grey levels: a flat half tells nothing


def side_by_side_pair(rgb, info_width=0):
    """Whether ``rgb`` is a stereo pair side by side, either camera's view first.

    Cheap stereo USB cameras stream both views as one image (2560x720 of two 1280x720:
    introlab/rtabmap#264, #1634, "for side-by-side format, you should set listed
    width/2"), as do the Raspberry Pi's stereo mode (UbiquityRobotics/raspicam_node#116,
    Arducam) and the ZED wrapper's ``stereo/image_rect_color``
    (stereolabs/zed-ros-wrapper#407). Given to this node as the colour image, each object
    appeared twice and the pair was refused beside a camera_info of one view ("image is
    2560x720 but camera_info says 1280x720"), or answered in 2D on the doubled scene.
    Told by its shape and its halves: at least :data:`SIDE_BY_SIDE_MIN_ASPECT` times as
    wide as high and an even width, one half the other shifted sideways by a disparity
    with a correlation of at least :data:`SIDE_BY_SIDE_MIN_CORRELATION`. A wide image of
    one camera (a panorama, a 21:9 webcam) has halves of different things. Which half is
    the left camera's: :func:`stereo_layout`.

    A camera_info of the whole width (``info_width``) says one camera took it: then it is
    no pair, however alike its halves (a wide view of a repeating shelf or a row of
    boxes); a pair's camera_info is one view's (sensor_msgs/CameraInfo: the size of the
    images the camera produces), and a camera_info of half the width says it is a pair
    whatever the halves show (a plain wall, an object too near to match), so a pair's
    frames do not switch between one view and two. Without a camera_info each frame is
    told by its halves.

    :param rgb: (H, W, 3) uint8.
    :param info_width: the image width, pixels, that the stream's camera_info gives
        (``width`` over ``binning_x``); 0: none received, or one without a size.
    :return: bool.
    """
    return stereo_layout(rgb, info_width) in ('left_right', 'right_left')


# An over-under (top-bottom) pair: two landscape views one above the other, so the image
# is 1.1 to 2 times as high as wide (two 16:9 views 1.125, two 4:3 1.5, two squares 2).
# A single portrait camera (3:4 is 1.33, 9:16 1.78) falls in that range too, and its
# halves can match as well as a pair's (lit from one side): so only a camera_info of one
# view, half the height, says a frame is over and under (stereo_layout).
OVER_UNDER_ASPECT = (1.1, 2.0)
# How much better the halves must match with the first half as the right camera's view
# (the second shifted right, not left) for the pair to be read as swapped; a tie (far
# content, no disparity) is the usual order, the left view first. Measured on rendered
# pairs of 3, 6 and 12 cm baselines (helper-h174, benchmarks/results/
# issue11_session49_h174_stereo.log): the true order beats the other by 0.11 to 0.43.
STEREO_SWAP_MARGIN = 0.05
# What stereo_layout returns: which half is the left camera's view, the pair's reference.
STEREO_LAYOUTS = ('left_right', 'right_left', 'top_bottom', 'bottom_top')


def _halves_correlation(first, second):
    """Return the best correlations of two views with the first as the left one, and not.

    :param first: (h, w, 3) uint8, one half of the pair.
    :param second: (h, w, 3) uint8, the other half, the same size.
    :return: ``(as_left, as_right)``: the best normalised cross-correlation (row means
        removed) over disparities 0 to a third of the width, the second view shifted left
        (the first is the left camera's: a point at column x in it is at x - d in the
        other) or right; -1 where the views are flat.
    """
    h, w = first.shape[:2]
    cols = SIDE_BY_SIDE_COLUMNS
    rows = max(8, round(h * cols / w))
    grey = [cv2.resize(np.ascontiguousarray(half), (cols, rows), interpolation=cv2.INTER_AREA)
            .astype(np.float32).mean(axis=2) for half in (first, second)]
    best = [-1.0, -1.0]
    for d in range(cols // 3 + 1):
        for side, (a, b) in enumerate(((grey[0][:, d:], grey[1][:, :cols - d]),
                                       (grey[0][:, :cols - d], grey[1][:, d:]))):
            a = (a - a.mean(axis=1, keepdims=True)).ravel()
            b = (b - b.mean(axis=1, keepdims=True)).ravel()
            spread = float(np.sqrt((a * a).mean() * (b * b).mean()))
            if spread < _MIN_SPREAD ** 2:
                continue
            best[side] = max(best[side], float((a * b).mean()) / spread)
    return tuple(best)


def stereo_layout(rgb, info_width=0, info_height=0):
    """Return how a stereo pair lies in ``rgb``, or ``''`` for one camera's view.

    Side by side (:func:`side_by_side_pair`: at least 2.4 times as wide as high), or over
    and under (:data:`OVER_UNDER_ASPECT`: a Raspberry Pi stereo mode's top-bottom layout,
    some stereo cameras' and the 3D video "over-under" format), with halves alike at a
    horizontal disparity. Which half is the left camera's is told by the sign of that
    shift: in the left camera's view a point lies further right (x) than in the right
    camera's (x - d), so a pair whose first half matches the second shifted right has its
    halves swapped (a driver or a cable that puts the right camera first; read as given,
    the node posed from the right camera's view with the left's intrinsics). A tie (no
    disparity: all far away) is read the usual way, the left view first.

    A camera_info (``info_width`` x ``info_height``) of the whole image says one camera
    took it: no pair; one of half the width (the same height) or half the height (the
    same width) says it is one, whatever the halves show (its order then still told by
    them where they match). An over-under pair is read ONLY on a camera_info of half the
    height: a portrait frame of one camera lit from one side has halves that match at no
    disparity as well as a pair's do (helper-h181's review, session 49); side by side,
    a frame 2.4 times as wide as high, the halves alone still tell it.

    :param rgb: (H, W, 3) uint8.
    :param info_width: image width, pixels, the stream's camera_info gives (``width`` over
        ``binning_x``); 0: none received, or one without a size.
    :param info_height: its height (``height`` over ``binning_y``); 0: unknown (only the
        width is compared).
    :return: str, one of :data:`STEREO_LAYOUTS` (``left_right``: the left camera's view
        is the left half; ``right_left``: the right half; ``top_bottom``: the top half;
        ``bottom_top``: the bottom half), or ``''``.
    """
    h, w = rgb.shape[:2]
    if h < 8 or w < 8 or (info_width == w and info_height in (0, h)):
        return ''
    if not w % 2 and w >= SIDE_BY_SIDE_MIN_ASPECT * h:
        told = info_width and 2 * info_width == w and info_height in (0, h)
        halves, names = (rgb[:, :w // 2], rgb[:, w // 2:]), ('left_right', 'right_left')
    elif (not h % 2 and OVER_UNDER_ASPECT[0] * w <= h <= OVER_UNDER_ASPECT[1] * w and
          info_width == w and 2 * info_height == h):
        # Only a camera_info of one view says so: an ordinary portrait frame's halves can
        # match as well as a pair's (side light, a row-mean ramp: 8 of 32 real frames
        # turned to portrait and lit from one side scored up to 0.98, helper-h181).
        told = True
        halves, names = (rgb[:h // 2], rgb[h // 2:]), ('top_bottom', 'bottom_top')
    else:
        return ''
    as_left, as_right = _halves_correlation(*halves)
    if not told and max(as_left, as_right) < SIDE_BY_SIDE_MIN_CORRELATION:
        return ''
    return names[1] if as_right > as_left + STEREO_SWAP_MARGIN else names[0]


def holds_no_colour(rgb, spread=12, share=0.002):
    """Tell whether an RGB image holds no colour: its channels equal but for noise.

    A mono stream (an infrared ``infra1/image_rect_raw``, a mono camera, a Bayer mosaic
    sent as ``mono8``) converts to grey RGB, in which "red" and "blue" cannot be told
    apart. Read on every 8th pixel of every 8th row; JPEG of a grey image keeps its
    channels within a few levels. A dim, washed-out colour scene still has far more
    than ``share`` of its pixels ``spread`` levels apart.

    :param rgb: (H, W, 3) uint8 RGB.
    :param spread: channel difference (levels) above which a pixel has colour.
    :param share: fraction of pixels with colour below which the image has none.
    :return: bool.
    """
    px = rgb[::8, ::8].astype(np.int16)
    coloured = (px.max(axis=2) - px.min(axis=2)) > spread
    return bool(coloured.mean() < share)


# Clip planes (near, far) of floating depth that is metres as sent (REP 118): none.
NO_CLIP_PLANES = (0.0, 0.0)
# How readings in [0, 1] lie between the clip planes (the float_depth_buffer parameter).
DEPTH_BUFFERS = ('linear', 'z_buffer')
# Metres a unit of 16-bit depth read while clip planes are set: d = value / 65535, the
# type's whole range being [0, 1] (a renderer's normalised depth scaled to 16 bits).
NORMALISED_16_BIT_UNIT = 1.0 / 65535


def integer_depth_scale(depth_scale, clip_planes):
    """Return the unit to read 16-bit depth at: ``depth_scale``, or d's while planes are set.

    A renderer's depth in [0, 1] scaled to 16 bits (``d * 65535``: a z-buffer,
    bulletphysics/bullet3#1932, or linear between the clip planes) is read as ``d`` and
    then between the planes (:func:`normalised_depth_in_metres`); before, 16-bit depth was
    read at ``depth_scale`` whatever the planes said, and a z-buffer, non-linear, had no
    parameter that read it (refused, :func:`_check_not_sixteen_bit_fraction`).

    :param depth_scale: metres a unit (the node's ``depth_scale``).
    :param clip_planes: as :func:`normalised_depth_in_metres`; far 0: none.
    :return: float, metres a unit (:data:`NORMALISED_16_BIT_UNIT` while far is set).
    """
    return NORMALISED_16_BIT_UNIT if clip_planes[1] else depth_scale


# Most units (1 mm at the default depth_scale, REP 118) a depth camera's 16-bit readings of
# a scene reach: 10 m (the RealSense D435's "ideal range" tops out near 10 m, an Azure
# Kinect's widest mode at 5.5 m, a Kinect v2's at 8 m); shared/data/real_rgbd's frames read
# at most 2.3 m. Depth normalised between clip planes and scaled to 16 bits spans far more
# of 65535: a z-buffer's readings pile up near 65535 (d = 1 - near / z for far >> near: a
# table 1 m off a 1 cm near plane reads 0.99; under 10000 only within 1.18 near planes).
CAMERA_DEPTH_TOP_UNITS = 10000


def camera_units_under_planes(d, clip_planes, what, notes):
    """Say when 16-bit depth read as ``d * 65535`` between clip planes is a camera's units.

    While ``float_depth_far`` is set, 16-bit depth is read as ``value / 65535`` between the
    planes and ``depth_scale`` is not used (:func:`integer_depth_scale`): a real camera's
    millimetres (300-4000 of 65535) left under the parameter were read as a scene at a
    few hundredths of the way from the near plane, with nothing said (helper-118's
    left-alone). When 99 % of the readings lie under :data:`CAMERA_DEPTH_TOP_UNITS`, a note
    of kind ``camera_units_under_planes`` names ``float_depth_far:=0``. The readings are
    still read as the parameters say (a linear renderer whose whole view lies within 15 %
    of its far plane reads so too; a z-buffer's never does).

    :param d: (H, W) float32 readings in units of 1 / 65535 (NaN = none: 0 and 65535).
    :param clip_planes: as :func:`normalised_depth_in_metres`; far 0: nothing is checked.
    :param what: the stream as named in the note.
    :param notes: list the note is added to, or None.
    """
    if notes is None or not clip_planes[1]:
        return
    read = d[np.isfinite(d)]
    if read.size < MIN_UNITS_READINGS:
        return
    top = float(np.percentile(read, 99)) * 65535
    if top >= CAMERA_DEPTH_TOP_UNITS:
        return
    near, far = (float(v) for v in clip_planes[:2])
    notes.append(Note('camera_units_under_planes', f'{what}: 99% of its readings lie under '
                      f'{top:.0f} of 65535, but float_depth_far is {far:g} m, so they are read '
                      f'as depth normalised between the clip planes ({near:g}-{far:g} m; '
                      'depth_scale is not used), where a z-buffer spans most of 65535. They '
                      f"look like a depth camera's millimetres (up to {top / 1000:.1f} m): "
                      'if so, set float_depth_far:=0 to read them at depth_scale'))


def _units_checked(depth_m, encoding, notes):
    """:func:`check_depth_units`; a refusal of a camera's units read between clip planes says so.

    A camera's millimetres read as a z-buffer from a 1 cm near plane land within 2 cm
    and are refused as metres cast to integers: the refusal then carries the
    ``camera_units_under_planes`` note (:func:`camera_units_under_planes`) in ``notes``.
    """
    try:
        return check_depth_units(depth_m, encoding)
    except MessageError as exc:
        said = [n for n in notes or () if n.kind == 'camera_units_under_planes']
        if not said:
            raise
        raise MessageError(exc.kind, f'{said[0]}. Read so, {exc}') from None


def normalised_depth_in_metres(depth, clip_planes, what):
    """Return floating depth normalised to [0, 1] between clip planes as metres.

    A simulator's linear depth is often published normalised: CoppeliaSim's vision
    sensor (and PyRep/RLBench on it) gives ``[0, 1] -> [near, far]``,
    ``z = near + d * (far - near)`` (stepjam/PyRep#25, stepjam/RLBench#125); scripts
    that divide by the far plane give ``z / far`` (near 0). Read as metres, every pose
    lands at ``1 / (far - near)`` of its distance along its ray, and only a far plane in
    view (:func:`_far_plane_at_one`) can show it. An OpenGL depth buffer is not linear:
    ``d = (1/near - 1/z) / (1/near - 1/far)``, so ``z = near far / (far - d (far -
    near))`` (PyBullet's getCameraImage, bulletphysics/bullet3#1932; refused by
    :func:`check_depth_units` when read as metres). The node's ``float_depth_near``,
    ``float_depth_far`` and ``float_depth_buffer`` parameters give the planes and the
    curve. Readings of 1.0 (the far plane: nothing hit) and of 0 or less are no reading.

    :param depth: (H, W) float32 or float64 readings as sent (NaN, inf = none).
    :param clip_planes: ``(near, far)`` or ``(near, far, buffer)`` in metres, ``buffer``
        one of :data:`DEPTH_BUFFERS` (``'linear'`` when not given); far 0
        (:data:`NO_CLIP_PLANES`): the readings are metres, returned as given.
    :param what: the stream as named in errors (``'32FC1 depth'``).
    :return: (H, W) float32 metres, NaN = no reading (``depth`` itself for far 0).
    :raises MessageError: kind ``invalid`` for far not beyond near, or a z-buffer with
        near 0 (its reading would be 0 m everywhere); kind ``units`` for
        readings beyond 1.0, which normalised depth has none of (metres: far is set
        where it should be 0).
    """
    near, far = (float(v) for v in clip_planes[:2])
    buffer = clip_planes[2] if len(clip_planes) > 2 else 'linear'
    if not far:
        return depth
    if far <= near:
        raise MessageError('invalid', f'float_depth_far {far:g} m is not beyond '
                           f'float_depth_near {near:g} m: set the far clip plane beyond the '
                           'near one (float_depth_far 0 reads floating depth as metres). '
                           'Using no depth')
    if buffer == 'z_buffer' and near <= 0:
        # A perspective depth buffer's near plane lies beyond the centre (glFrustum:
        # nearVal must be positive); read with 0, every pixel is z = 0, no reading.
        raise MessageError('invalid', 'float_depth_buffer z_buffer needs the near clip '
                           'plane: float_depth_near is 0, where every depth buffer reading '
                           "would be 0 m. Set float_depth_near to the camera's near plane "
                           "in metres (PyBullet's default 0.01). Using no depth")
    with np.errstate(over='ignore', invalid='ignore'):
        d = depth.astype(np.float32, copy=True)
        finite = d[np.isfinite(d)]
        top = float(finite.max()) if finite.size else 0.0
        if top > 1.0:
            raise MessageError('units', f'{what} readings reach {top:g}, beyond the 1.0 of '
                               'depth normalised to [0, 1] between clip planes, but '
                               f'float_depth_far is {far:g} m: are they metres already? Set '
                               'float_depth_far:=0 to read them as metres. Using no depth')
        d[~np.isfinite(d) | (d <= 0) | (d >= 1.0)] = np.nan
    if buffer == 'z_buffer':  # in float64: 1 - d is a few 1e-3 for a near plane of 1 cm
        return (near * far / (far - d.astype(np.float64) * (far - near))).astype(np.float32)
    return np.float32(near) + d * np.float32(far - near)


def depth_to_array(encoding, height, width, step, data, is_bigendian=False,
                   depth_scale=DEFAULT_DEPTH_SCALE, notes=None, clip_planes=NO_CLIP_PLANES):
    """Decode a depth ``sensor_msgs/Image`` to float32 metres (NaN = no reading).

    :param encoding: ``16UC1``/``mono16`` (``depth_scale`` metres a unit, 0 = none),
        ``16SC1`` (the same units signed: a negative value is an error code, read as none,
        with a note of kind ``signed``) or ``32FC1``/``64FC1``/``16FC1`` (metres; half
        floats are read in their flagged byte order, not guessed). 65535 in 16UC1
        and readings beyond :data:`MAX_DEPTH_READING_M` (FLT_MAX) are "no reading" codes,
        read as none.
    :param is_bigendian: byte order of the readings as the message states it; 16-bit
        readings whose bytes only make depth the other way round are read that way
        (:func:`_in_other_byte_order`) and a line saying so is added to ``notes``.
    :param depth_scale: metres per unit of 16UC1 depth: 0.001 (millimetres, REP 118), or
        0.0001 for a RealSense D405.
    :param notes: a list, or None; a line is appended for each thing read otherwise
        than the message states it (its byte order, an encoding in other capitals or
        with spaces around it: :func:`read_encoding`; a ``step`` of 0 or one that is no row
        length of the data: :func:`_step_of`).
    :param clip_planes: ``(near, far)`` m of 32FC1/64FC1 depth normalised to [0, 1]
        between them (:func:`normalised_depth_in_metres`); far 0: metres, as REP 118.
    :return: (H, W) float32.
    :raises MessageError: unknown encoding, bad size or layout, or readings that cannot
        be metres (:func:`check_depth_units`).
    """
    _check_size(height, width, 'depth')
    encoding = passthrough_encoding(encoding, height, width, step, data, 'depth', notes)
    said, encoding = encoding, _bare_grey_depth(encoding, height, width, step, data, notes)
    name, is_bigendian = _grey16_as_depth(encoding, is_bigendian, depth_scale, notes, said)
    name = name or read_encoding(encoding, _DEPTH_NAMES, 'depth', notes)
    if name is None and not unpadded(encoding):
        name = _unset_encoding(height, width, step, data, 'depth', notes)
    if name is None:
        packed = depth_in_colour_bytes(encoding, height, width, step, data, is_bigendian,
                                       notes)
        if packed is not None:
            return drop_no_reading_codes(check_depth_units(depth_to_metres(packed), encoding))
        raise MessageError('encoding', f'unsupported depth encoding {shown(encoding)}'
                           f'{_encoding_hint(encoding, "depth")}; use 16UC1 (millimetres) '
                           'or 32FC1/64FC1 (metres)')
    encoding, dtype = name, DEPTH_ENCODINGS[name]
    signed = dtype == np.int16
    dtype = np.uint16 if signed else dtype  # the bits, for the byte order's checks
    data = _from_base64_pixels(encoding, height, width, step, data, 'depth', notes)
    arr = _readings_twice_as_wide(encoding, dtype, height, width, step, data, is_bigendian,
                                  notes)
    if arr is None:
        step = _step_of(encoding, height, width, step, data, 'depth', notes)
        arr = _view(data, height, width, step, 1, dtype, 'depth')[..., 0]
        if bool(is_bigendian) != HOST_BIG_ENDIAN:
            arr = arr.byteswap()
    # Before the byte order: negative metres swapped land in a distance's range by chance.
    arr = negative_z_read_positive(arr, encoding, notes)
    other = _in_other_byte_order if dtype == np.uint16 else _floats_in_other_byte_order
    # Not half floats: swapped, their exponent lands in a distance's range as often as not
    # (786.0 reads 0.0173), so the other order tells nothing; they are read as flagged.
    if dtype != np.float16 and other(arr):
        arr = arr.byteswap()
        if notes is not None:
            said, read = ('big', 'little') if is_bigendian else ('little', 'big')
            why = ('its high bytes vary from pixel to pixel and its low bytes hardly at all, '
                   'which no depth does (800 mm reads as 8195 mm)' if dtype == np.uint16 else
                   'most readings are NaN, negative, or far below a millimetre or beyond '
                   f'{MAX_DEPTH_READING_M:g} m (0.8 m in 32FC1 reads as -4.3e8), and they are '
                   'metres the other way')
            notes.append(Note('byte_order', f'{encoding} depth is flagged {said}-endian '
                              f'(is_bigendian={int(bool(is_bigendian))}) but its readings are '
                              f'{read}-endian: read as flagged, {why}; reading them '
                              f'{read}-endian; set is_bigendian right in the driver'))
    if signed:
        arr = _signed_as_unsigned(arr, notes)
    if dtype == np.uint16:  # d * 65535 while the planes are set (integer_depth_scale)
        arr = depth_to_metres(arr, integer_depth_scale(depth_scale, clip_planes))
        camera_units_under_planes(arr, clip_planes, f'{encoding} depth', notes)
    arr = normalised_depth_in_metres(arr, clip_planes, f'{encoding} depth')
    depth_m = _units_checked(depth_to_metres(arr), encoding, notes)
    if dtype != np.uint16 and not clip_planes[1]:
        _far_plane_at_one(depth_m, encoding, notes)
        far_median_note(depth_m, encoding, notes)
    return drop_no_reading_codes(depth_m)


# A 16-bit grey image's names (sensor_msgs' mono16; librealsense's and V4L2's Y16; FFmpeg's
# and GStreamer's gray16, with a byte order after it: gray16le, GRAY16_BE) by lower-case
# name: drivers publish depth in millimetres under them (_grey16_as_depth).
_GREY16_NAMES = ('mono16', 'y16', 'gray16', 'grey16')


def _bare_grey_depth(encoding, height, width, step, data, notes=None):
    """Return ``"mono16"`` for depth under a grey image's name without its bit depth.

    A bridge or hand-made publisher that names V4L2's ``GREY`` or GStreamer's
    ``GRAY16_LE`` shortened (``"gray"``, ``"grey"``, ``"mono"``, ``"y"``: the grey names
    of :data:`_BARE_NAMES`) on the depth topic was refused on every frame ("unsupported
    depth encoding"; session 39's left-alone list), though the colour topic reads the
    same names by the size of their rows (:func:`_bit_depth_of_bare_name`). Rows of 16
    bits a pixel (:func:`_bits_by_rows`) are read as ``mono16`` is
    (:func:`_grey16_as_depth`: 16UC1 in ``depth_scale`` units), with a :class:`Note` of
    kind ``bit_depth`` saying why.

    :param encoding: the message's ``encoding`` (str); ``step``, ``data``: its rows.
    :param notes: a list, or None.
    :return: ``encoding`` unchanged when it is no bare grey name, else ``"mono16"``.
    :raises MessageError: kind ``encoding``, for rows of 8 bits a pixel (no depth in
        millimetres fits in 8 bits: a depth preview scaled for display, or an infrared
        stream) or of neither size, naming what to publish.
    """
    bare = _BARE_NAMES.get(unpadded(encoding).lower())
    if bare is None or bare[0] != 'mono8':
        return encoding
    bits, rows_are = _bits_by_rows(height, width, 1, step, data)
    if bits != 16:
        size = 'are 8 bits a pixel, which holds no depth in millimetres (a depth image ' \
            'scaled to 0-255 for display, or an infrared stream?)' if bits == 8 else \
            f'are neither 8 nor 16 bits a pixel ({width} or {2 * width} bytes a row)'
        raise MessageError('encoding', f'depth encoding {shown(encoding)} names no bit depth, '
                           f'and {rows_are} {size}: publish 16UC1 (millimetres) or '
                           '32FC1 (metres)')
    _say(notes, 'bit_depth', f'depth encoding {shown(encoding)} names no bit depth; '
         f'{rows_are} are 16 bits a pixel, so it is read as "mono16" depth: write "16UC1" '
         'in the driver (REP 118; depth_image_proc refuses the bare name)')
    return 'mono16'


def _grey16_as_depth(encoding, is_bigendian, depth_scale, notes=None, said=None):
    """Return ``('16UC1', is_bigendian)`` for depth under a 16-bit grey image's name.

    Drivers publish depth as ``mono16``: Spot's (heuristicus/spot_ros#7), a ToF camera's
    (ravijo/ros_openpose#80: "The encoding of depth data from ToF camera is MONO16"),
    RealSense's through a bridge (ros-perception/image_pipeline#630: "RealSense depth
    images, which are MONO16"), ZED's OpenNI depth mode (stereolabs/zed-ros-examples#19);
    bridges built on librealsense or FFmpeg write ``Y16`` or ``gray16le``. REP 118 names
    16-bit depth ``16UC1``; the bits are the same, so such an image is read as 16UC1 in
    ``depth_scale`` metres a unit (0.001, millimetres, as REP 118 and those drivers), with
    its checks (:func:`check_depth_units`), and a :class:`Note` of kind ``mono16`` says
    so (the node logs it once, counts ``depth_mono16``). A byte order after the name is
    read as named, whatever ``is_bigendian`` says. Before, ``Y16`` and ``gray16`` were
    refused on every frame ("unsupported depth encoding") and ``mono16`` read unsaid.

    :param encoding: the message's ``encoding`` (str); ``is_bigendian``: its flag.
    :param depth_scale: metres a unit (float), for the note.
    :param notes: a list, or None; ``said``: the name as sent, for the note, where
        ``encoding`` is what :func:`_bare_grey_depth` read it as (None: ``encoding``).
    :return: ``(None, is_bigendian)`` when ``encoding`` is no such name.
    """
    key = unpadded(encoding).lower()
    named = _NAMED_ORDER.match(key)
    big, order = is_bigendian, ''
    if key not in _GREY16_NAMES and named is not None and named.group(1) in _GREY16_NAMES:
        key, big = named.group(1), named.group(2) == 'be'
        order = f', {"big" if big else "little"}-endian as its name says'
    if key not in _GREY16_NAMES:
        return None, is_bigendian
    unit = 'millimetres' if depth_scale == DEFAULT_DEPTH_SCALE else f'{depth_scale:g} m'
    _say(notes, 'mono16', f'depth encoding {shown(said or encoding)} is a 16-bit grey '
         "image's name, "
         "not REP 118's 16UC1 (depth_image_proc refuses it): read as 16UC1 depth, "
         f'depth_scale {depth_scale:g} m a unit ({unit}){order}; publish 16UC1, or set '
         'depth_scale if its unit is not that')
    return '16UC1', big


# Least share of a depth image's non-zero finite 64-bit floats that must be metres (1 mm to
# MAX_DEPTH_READING_M) for 32FC1 data of 8 bytes a reading to be read as float64, and most
# share of its readings as 32FC1 that may be (its rows' first halves: each float64 split
# into two float32s, the low words' garbage, or 0 for float64 made from float32, beside
# high words read 2.3 times too far).
_WIDE_FLOAT_SHARE = 0.99
_SPLIT_FLOAT_SHARE = 0.9


def _readings_twice_as_wide(encoding, dtype, height, width, step, data, is_bigendian,
                            notes=None):
    """Depth of twice the encoding's size a reading, as the encoding's dtype, or None.

    A numpy array of another dtype published under the encoding it was meant to have,
    with ``step`` from its own strides (``arr.strides[0]``) or left at 0: float64 metres
    under 32FC1, int32/uint32 units under 16UC1 (a step computed from the wrong buffer:
    microsoft/AirSim#4479; timetravelCat/GoMavSimulator#7). At step ``2 * item * width``
    such rows read as padded ones: the first half of each row taken, every float64 split
    into two float32s (0.78 m read 1.82 m beside garbage), every int32 into its value and
    a 0, the image squeezed into its left half; nothing was said. At step 0 the frame
    was refused. Read as what they are when the data is exactly ``2 * item * width *
    height`` bytes and only the wider reading is depth: floats nearly all metres
    (:data:`_WIDE_FLOAT_SHARE`) where as 32FC1 they are not (:data:`_SPLIT_FLOAT_SHARE`),
    integers whose high halves are all 0 (or 0xFFFF: negative, no reading). A 32FC1 or
    16UC1 row padded to twice its length reads as neither and is read as before.

    :param dtype: ``np.float32`` (32FC1), ``np.float16`` (16FC1: float32 readings, read
        as float32) or ``np.uint16`` (16UC1, mono16); others: None.
    :param is_bigendian: byte order as flagged.
    :param notes: a list, or None: a note of kind ``item_size``.
    :return: (H, W) array of ``dtype`` (float32 for 16FC1) in host byte order, or None.
    """
    if dtype not in (np.float32, np.uint16, np.float16):
        return None
    item = np.dtype(dtype).itemsize
    row = 2 * item * width
    if step not in (0, row) or len(data) != row * height or width < 2:
        return None
    order = '>' if is_bigendian else '<'
    if dtype != np.uint16:  # float32 under 16FC1 as float64 under 32FC1 (half the item)
        wide = np.frombuffer(data, f'{order}f{2 * item}').reshape(height, width)
        split = np.frombuffer(data, f'{order}f{item}').reshape(height, 2 * width)[:, :width]
        shares = []
        with np.errstate(invalid='ignore', over='ignore'):
            for values in (wide, split):
                v = values.reshape(-1)[::max(1, values.size // 20000)].astype(np.float64)
                v = v[np.isfinite(v) & (v != 0)]
                shares.append(float(np.mean((np.abs(v) >= _MIN_FLOAT_READING_M) &
                                            (np.abs(v) <= MAX_DEPTH_READING_M)))
                              if v.size >= MIN_UNITS_READINGS else 0.0)
        # float64 made from float32 readings has its low words 0: split, every other
        # reading is then 0 (no reading) and the rest in range, so count those zeros too.
        low = np.frombuffer(data, f'{order}u{item}').reshape(height, 2 * width)[:, int(bool(
            is_bigendian))::2]
        with np.errstate(invalid='ignore'):
            read = np.isfinite(wide) & (wide != 0)
        zero_low = float(np.mean(low[read] == 0)) if read.any() else 0.0
        if shares[0] < _WIDE_FLOAT_SHARE or (shares[1] > _SPLIT_FLOAT_SHARE and
                                             zero_low < _SPLIT_FLOAT_SHARE):
            return None
        with np.errstate(over='ignore'):
            out = wide.astype(np.float32)  # float32 under 16FC1 too: not cut to half floats
        what = f'{16 * item}-bit floats (float{16 * item})'
    else:
        words = np.frombuffer(data, order + 'u2').reshape(height, 2 * width)
        high = words[:, 0::2] if is_bigendian else words[:, 1::2]
        low = words[:, 1::2] if is_bigendian else words[:, 0::2]
        if not np.all((high == 0) | (high == 0xFFFF)) or \
                np.count_nonzero(low[high == 0]) < MIN_UNITS_READINGS:
            return None
        out = np.where(high == 0, low, 0).astype(np.uint16)
        what = '32-bit integers (int32 or uint32)'
    _say(notes, 'item_size', f'depth encoding "{encoding}" is {8 * item} bits a reading, but '
         f'its {len(data)} bytes (step {step}) are {width}x{height} {what}: read as such; '
         f'publish {8 * item}-bit readings (convert the array to '
         f'{np.dtype(dtype).name} before filling the message)')
    return out


def _signed_as_unsigned(bits, notes=None):
    """16SC1 depth as 16UC1: negative values (error codes) become 0, no reading.

    :param bits: (H, W) uint16, the readings' bits in host byte order.
    :param notes: a list, or None: a note of kind ``signed`` (once a message).
    :return: (H, W) uint16.
    """
    values = bits.view(np.int16)
    negative = int(np.count_nonzero(values < 0))
    _say(notes, 'signed', 'depth encoding "16SC1" is signed 16-bit, which REP 118, cv_bridge\'s '
         'depth users and viewers do not read as depth: read as 16UC1 in the same units, '
         f'{negative} negative value{"" if negative == 1 else "s"} (error codes) as no '
         'reading; publish 16UC1 (innate-inc/innate-os#536 made that change)')
    return np.where(values < 0, 0, values).astype(np.uint16)


# 8-bit colour encodings depth arrives under, by their lower-case spelling: bytes a pixel
# and whether the first byte is blue (depth_in_colour_bytes). 'rgba' and 'bgra' carry no
# bit depth, but on the depth topic their size does.
_DEPTH_COLOUR_LAYOUTS = {'rgba8': (4, False), 'bgra8': (4, True), '8uc4': (4, True),
                         'rgba': (4, False), 'bgra': (4, True), 'rgb8': (3, False),
                         'bgr8': (3, True), '8uc3': (3, True), 'rgb': (3, False),
                         'bgr': (3, True)}
# CARLA's depth camera: 24 bits over the R, G and B bytes (R least significant) in
# fractions of its far plane, 1000 m (carla.readthedocs.io, "Depth camera").
CARLA_FAR_M = 1000.0
# Least share of a depth image's floats that must be readings in metres (finite, 1 cm to
# MAX_DEPTH_READING_M) for four colour bytes a pixel to be read as 32FC1; 0, NaN and
# inf (no reading) do not count against it.
FLOAT_METRES_SHARE = 0.99
# How many times smaller the step between neighbouring pixels must be (median) read as
# CARLA's code than read with its bytes the other way round, for colour bytes to be read
# as that code: on a surface the code moves by a few units a pixel (1 mm is 17 units)
# and its low byte, R, from pixel to pixel, so read the other way the step is some
# 65536 times larger; a colour image's channels are alike, the ratio near 1.
CARLA_SMOOTHNESS = 64


def depth_in_colour_bytes(encoding, height, width, step, data, is_bigendian=False,
                          notes=None, floats=True):
    """Depth sent under an 8-bit colour encoding, as float32 metres, or None.

    Two simulators publish depth in colour bytes. MORSE sent its 32FC1 depth as
    ``rgba`` (morse-simulator/morse#555 and #579): four bytes a pixel that are a 32-bit
    float in metres. CARLA's depth camera gives BGRA bytes holding a 24-bit code, R
    least significant: ``1000 * (R + G * 256 + B * 65536) / (2**24 - 1)`` metres
    (carla-simulator/carla#26 and #219: a ROS wrapper's author asking how to read it;
    carla-simulator/ros-bridge#194: the bridge's own conversion doubted). Before, both
    were refused on every frame as "a colour encoding on the depth topic" (``rgba``:
    "no bit depth"), and the answers went without depth. Read so, with a :class:`Note`
    of kind ``colour_floats`` or ``carla_code``, when the bytes can only be that: the
    floats are nearly all (:data:`FLOAT_METRES_SHARE`) metres (a colour image's alpha
    byte, 255 or 0, makes them negative or far below a millimetre), or CARLA's code
    steps far more smoothly
    between neighbouring pixels than its bytes read the other way round
    (:data:`CARLA_SMOOTHNESS`; a colour image's channels are alike). Anything else is
    colour on the depth topic: None, for the caller to refuse.

    :param encoding: the message's encoding; one of :data:`_DEPTH_COLOUR_LAYOUTS` in
        any capitals, else None is returned.
    :param is_bigendian: byte order of MORSE-style floats.
    :param notes: a list, or None.
    :param floats: whether four bytes a pixel may be floats; False for a decoded PNG,
        whose channels the codec may have reordered (read as CARLA's code only).
    :return: (H, W) float32 metres, or None (also for a buffer of another size than the
        encoding's). MORSE's 0 and CARLA's 0 are left for the caller's no-reading rules;
        CARLA's readings beyond :data:`MAX_DEPTH_READING_M` (its sky, at the far plane of
        1000 m) are NaN here: the code's unit is fixed, so the unit check
        (:func:`check_depth_units`) must not count them.
    """
    layout = _DEPTH_COLOUR_LAYOUTS.get(unpadded(encoding).lower())
    if layout is None:
        return None
    channels, blue_first = layout
    try:
        px = _view(data, height, width, step, channels, np.uint8, 'depth')
    except MessageError:  # not this layout's size: refused as the encoding it says
        return None
    if channels == 4 and floats:
        floats = np.ascontiguousarray(px).view('>f4' if is_bigendian else '<f4')[..., 0]
        with np.errstate(invalid='ignore'):  # colour bytes make signalling NaNs
            sample = floats.reshape(-1)[::max(1, floats.size // 20000)].astype(np.float64)
            read = sample[np.isfinite(sample) & (sample != 0)]
            metres = (read >= 0.01) & (read <= MAX_DEPTH_READING_M)
        if read.size >= 0.01 * sample.size and metres.mean() >= FLOAT_METRES_SHARE:
            _say(notes, 'colour_floats', f'depth encoding {shown(encoding)} is a colour one, '
                 'but its 4 bytes a pixel are 32-bit floats in metres (MORSE published its depth '
                 'so): reading it as 32FC1; set the encoding to 32FC1 in the publisher')
            with np.errstate(invalid='ignore'):
                return floats.astype(np.float32)
    low, high = (2, 0) if blue_first else (0, 2)
    code = (px[..., low].astype(np.int64) | px[..., 1].astype(np.int64) << 8 |
            px[..., high].astype(np.int64) << 16)
    turned = (px[..., high].astype(np.int64) | px[..., 1].astype(np.int64) << 8 |
              px[..., low].astype(np.int64) << 16)
    if not _steps_smoother(code, turned, CARLA_SMOOTHNESS):
        return None
    _say(notes, 'carla_code', f'depth encoding {shown(encoding)} is a colour one, but its '
         "bytes are CARLA's depth code (R + G * 256 + B * 65536, R least significant, in "
         f'2**24 - 1 parts of {CARLA_FAR_M:g} m): reading it so; publish 32FC1 metres '
         "(carla_ros_bridge converts it)")
    metres = (code * (CARLA_FAR_M / (2 ** 24 - 1))).astype(np.float32)
    # The code's unit is CARLA's, not the publisher's: no reading of it can be millimetres.
    # Its sky (the far plane, 1000 m) and whatever lies beyond a camera's range are no
    # reading here, before check_depth_units: a road view whose upper half is sky had a
    # median of 1000 m, and the whole frame was refused as millimetres.
    metres[metres > MAX_DEPTH_READING_M] = np.nan
    return metres


def _steps_smoother(code, turned, ratio):
    """Whether ``code`` steps ``ratio`` times more smoothly than ``turned`` (medians).

    Steps are taken between horizontal and vertical neighbours on every 4th row and
    column; pairs equal both ways (flat colour, a wall) say nothing and are left out. A
    median step below 1 counts as 1.

    :param code: (H, W) int64, pixels' bytes read one way.
    :param turned: (H, W) int64, the same bytes read the other way round.
    """
    steps = []
    for values in (code, turned):
        sub = values[::4, ::4]
        steps.append(np.concatenate([np.abs(np.diff(sub, axis=1)).ravel(),
                                     np.abs(np.diff(sub, axis=0)).ravel()]))
    moved = (steps[0] > 0) | (steps[1] > 0)
    if moved.sum() < 16:
        return False
    return float(np.median(steps[1][moved])) >= ratio * max(float(np.median(steps[0][moved])), 1.0)


def _in_other_byte_order(raw):
    """Return True when 16-bit depth reads as depth only with its bytes swapped.

    Integer depth in a scene changes its high byte once every 256 units (25.6 cm in
    millimetres) and its low byte from pixel to pixel: a tabletop view's readings take 3
    to 10 high bytes and all 256 low bytes (``shared/data/real_rgbd``, 16 frames). With
    the bytes swapped (a driver that flags big-endian data little-endian, or the other
    way round: AravisProject/aravis#924, a camera sending Mono16 big-endian; cv_bridge
    ignored the flag, ros-perception/vision_opencv#7) the counts swap too, and 0.8 m reads
    8.2 m, a pose 7 m off with nothing to say so. Swapped when the high bytes take at
    least 32 values and four times as many as the low bytes; a scene too flat or too deep
    to tell stays as flagged. 0 and 65535 (no reading) read the same both ways.

    :param raw: (H, W) uint16 readings in the stated byte order.
    :return: bool.
    """
    v = raw.reshape(-1)[::max(1, raw.size // 20000)]
    v = v[(v != 0) & (v != 0xFFFF)]
    if v.size < 1000:
        return False
    high, low = np.unique(v >> 8).size, np.unique(v & 0xFF).size
    return high >= 32 and 4 * low <= high


# Shortest floating-point depth reading taken as a distance when judging byte order (m).
_MIN_FLOAT_READING_M = 1e-3


def _floats_in_other_byte_order(raw):
    """Return True when 32FC1/64FC1 depth reads as metres only with its bytes swapped.

    The same fault as :func:`_in_other_byte_order` for floating-point depth (a flag set
    by hand, or from the host, in a publisher that packs the bytes itself:
    ros-perception/vision_opencv#7, google-ar/arcore-android-sdk#1207: depth documented
    big-endian and sent little-endian). Read in the wrong order, a float's low mantissa
    byte becomes its exponent: 0.8 m reads -4.3e8, others 1e-41 or 3e+25, so about 3% of
    readings land in the range of a distance by chance and a pose is made of them, or
    the whole image is reported as holding no reading. Swapped when, over an even
    subsample, the other order gives at least 500 readings between
    :data:`_MIN_FLOAT_READING_M` and :data:`MAX_DEPTH_READING_M` and four times as many as
    the stated order. 0.0 (no reading) reads the same both ways; a NaN swapped is a
    denormal, no distance either way.

    :param raw: (H, W) float32 or float64 readings in the stated byte order (metres).
    :return: bool.
    """
    v = raw.reshape(-1)[::max(1, raw.size // 20000)]
    counts = []
    with np.errstate(invalid='ignore', over='ignore'):
        for readings in (v, v.byteswap()):
            counts.append(np.count_nonzero((readings >= _MIN_FLOAT_READING_M) &
                                           (readings <= MAX_DEPTH_READING_M)))
    stated, swapped = counts
    return swapped >= 500 and swapped >= 4 * stated


# Most share of the non-zero finite readings of z written negative that may be positive
# (a renderer writes none; left as no reading).
_NEGATIVE_Z_POSITIVE_SHARE = 0.01
# Fewest negative readings, in the subsample, that make a depth image z written negative.
_NEGATIVE_Z_MIN_READINGS = 100
# Most share of those negative readings that one value may hold: a scene's depth varies
# from pixel to pixel (a renderer's float z has hardly two pixels alike), while a code for
# "no reading" is one value everywhere (-1.0 from a stereo matcher or ToF driver with the
# lens covered or nothing in range). Turned, such a frame read as a wall 1 m away.
_NEGATIVE_Z_MAX_ONE_VALUE_SHARE = 0.5


def negative_z_read_positive(raw, encoding, notes=None):
    """Return floating-point depth with its sign turned when it is z written negative.

    Renderers whose camera looks down its -z axis (OpenGL's view space) give each pixel's
    depth negative: Isaac Gym's depth image, which its users multiply by -1
    (CAI23sbP/Isaaclab_Parkour#25). REP 118 depth is positive, and a negative reading is no
    reading, so every frame went out without depth ("holds no reading"). Turned when, over
    an even subsample, at least :data:`_NEGATIVE_Z_MIN_READINGS` finite readings are
    negative with a magnitude between :data:`_MIN_FLOAT_READING_M` and
    :data:`MAX_DEPTH_READING_M`, and at most :data:`_NEGATIVE_Z_POSITIVE_SHARE` of the
    non-zero finite ones positive; a :class:`Note` of kind ``negative`` says so. Depth
    with a few negative readings among positive ones (a stereo matcher's invalid
    pixels), negative readings that are mostly one value (a code for "no reading" over a
    frame with nothing in range: :data:`_NEGATIVE_Z_MAX_ONE_VALUE_SHARE`), integer depth,
    and -inf (REP 117's "too close") are left as they are.

    :param raw: (H, W) readings as the message holds them (uint16, float32 or float64).
    :param encoding: the message's encoding (or compressed format), for the note.
    :param notes: a list, or None.
    :return: ``raw``, or ``-raw`` (a new array).
    """
    if raw.dtype.kind != 'f':
        return raw
    v = raw.reshape(-1)[::max(1, raw.size // 20000)]
    with np.errstate(invalid='ignore'):
        v = v[np.isfinite(v) & (v != 0)]
        negative = np.count_nonzero((v <= -_MIN_FLOAT_READING_M) &
                                    (v >= -MAX_DEPTH_READING_M))
        positive = np.count_nonzero(v > 0)
    if negative < _NEGATIVE_Z_MIN_READINGS or \
            positive > _NEGATIVE_Z_POSITIVE_SHARE * (negative + positive):
        return raw
    _, counts = np.unique(v[v < 0], return_counts=True)
    if counts.max() > _NEGATIVE_Z_MAX_ONE_VALUE_SHARE * negative:
        return raw  # one code for no reading, not a scene
    _say(notes, 'negative', f'{encoding} depth readings are negative '
         f'({float(np.median(v)):.3g} m at the median): z written negative, as a renderer '
         "whose camera looks down -z gives it (Isaac Gym's depth image); read as their "
         'magnitude. REP 118 depth is positive: publish -depth')
    return -raw


def drop_no_reading_codes(depth_m):
    """Set readings beyond :data:`MAX_DEPTH_READING_M` to NaN (no reading), in place.

    Applied after :func:`check_depth_units`, which needs the raw values to tell
    millimetres sent as 32FC1 from metres.

    :param depth_m: (H, W) float32 metres, NaN = no reading; modified and returned.
    :return: ``depth_m``.
    """
    with np.errstate(invalid='ignore'):
        depth_m[depth_m > MAX_DEPTH_READING_M] = np.nan
    return depth_m


def check_depth_units(depth_m, encoding):
    """Return ``depth_m``, or raise when its readings cannot be metres.

    REP 118 depth is millimetres in 16UC1 and metres in 32FC1; a driver or a converter
    that writes millimetre values into 32FC1 turns 0.8 m into 800 "m", and every pose
    lands hundreds of metres away. RGB-D cameras read up to about 20 m: a median
    reading beyond :data:`MAX_PLAUSIBLE_DEPTH_M` is such a unit mistake. So is, in
    floating-point depth (an encoding with ``FC1``), a median beyond
    :data:`MAX_CAMERA_RANGE_M` whose readings are nearly all (:data:`SIXTEENTHS_SHARE`)
    whole sixteenths, the most common value aside: millimetres cast to float, or a stereo
    matcher's disparity in pixels. A view all nearer than 100 mm (a close-range camera
    over a grasp, a D405 at 7-10 cm) read 70-99 "m" and passed (helper-65); so did
    disparity of 20-100 px (a scene 0.5-2 m from a stereo pair). Millimetres or disparity
    with fractions of other sizes, below 100, still pass: their range alone is a far
    outdoor view's in metres. Depth rounded to whole metres (zed-ros-wrapper#25: a float
    cast to an integer type before publishing, "integers in [0, 10]") was posed up to
    half a metre off: floating depth whose readings (at least :data:`MIN_UNITS_READINGS`)
    are nearly all whole numbers, two values or more (a flat wall at exactly 1 m stays),
    the most common value aside (a simulator's far clip at 10.0 m over all but a ball
    stays: :func:`_whole_share`), is refused, and so is integer depth whose median
    reading is nearer than :data:`MIN_PLAUSIBLE_DEPTH_M`
    (such metres in 16UC1, read as millimetres). Floating depth all within [0, 1] whose
    patches fit planes in the readings and not in their reciprocals is a renderer's
    z-buffer (bulletphysics/bullet3#1932), refused (:func:`_planes_in_readings`,
    :data:`ZBUFFER_PLANAR_SHARE`). The statistics are taken over an even
    subsample of at most about 20,000 readings; 0 (no reading) is left out of the share.

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param encoding: the message's encoding (or compressed format), for the message.
    :raises MessageError: kind ``units``.
    """
    sample = depth_m.reshape(-1)[::max(1, depth_m.size // 20000)]
    sample = sample[np.isfinite(sample)]
    median = float(np.median(sample)) if sample.size else 0.0
    if median > MAX_PLAUSIBLE_DEPTH_M:
        raise MessageError('units', f'{encoding} depth has a median reading of '
                           f'{median:.0f} m; REP 118 depth is metres in '
                           '32FC1 (integer units, depth_scale, only in 16UC1): is it '
                           'millimetres or centimetres (or disparity, in pixels)? Using no '
                           'depth')
    floating = 'FC1' in str(encoding).upper()
    read = sample[sample != 0].astype(np.float64)
    # The plain whole share first: a real frame's (~0) sorts nothing.
    if floating and median <= MAX_CAMERA_RANGE_M and read.size >= MIN_UNITS_READINGS and \
            np.mean(read == np.round(read)) >= SIXTEENTHS_SHARE and \
            np.unique(read).size >= 2 and _whole_share(read) >= SIXTEENTHS_SHARE:
        raise MessageError('units', f'{encoding} depth readings are whole numbers '
                           f'({float(read.min()):g} to {float(read.max()):g}), which '
                           'distances in metres are not: depth rounded to whole metres '
                           'before it was published (a cast to an integer type; '
                           'zed-ros-wrapper#25, "integers in [0, 10]") puts poses up to '
                           "half a metre off, and a stereo matcher's disparity is whole "
                           'pixels: publish unrounded metres in 32FC1 (or millimetres in '
                           '16UC1). Using no depth')
    near = float(np.median(read)) if not floating and read.size >= MIN_UNITS_READINGS \
        else 0.0
    if 0 < near < MIN_PLAUSIBLE_DEPTH_M:
        raise MessageError('units', f'{encoding} depth has a median reading of '
                           f'{near * 1000:.3g} mm, nearer than any depth camera reads '
                           f'(under {MIN_PLAUSIBLE_DEPTH_M * 1000:g} mm): metres cast to '
                           'integers and read as millimetres (zed-ros-wrapper#25, '
                           '"integers in [0, 10]"), or depth_scale too small for its '
                           'units? Publish millimetres in 16UC1 or metres in 32FC1. Using '
                           'no depth')
    if not floating and read.size >= MIN_UNITS_READINGS:
        _check_not_sixteen_bit_fraction(read, depth_m, encoding)
    if floating and read.size >= MIN_UNITS_READINGS and 0 <= float(read.min()) and \
            float(read.max()) <= 1.0:
        planar, curved = _planes_in_readings(depth_m)
        # A near plane of 1 cm (PyBullet's default) crowds every reading beyond 10 cm
        # into [0.9, 1], where readings and reciprocals are both near-affine: there a
        # clean plane in the readings is enough (metres would be a 10 cm slab at 1 m).
        crowded = float(read.min()) >= ZBUFFER_CROWDED and 0 < planar and curved <= planar
        if crowded or (planar >= ZBUFFER_PLANAR_SHARE and planar >= ZBUFFER_RATIO * curved):
            raise MessageError('units', f'{encoding} depth readings all lie in [0, 1] '
                               f'({float(read.min()):.4g} to {float(read.max()):.4g}) and are '
                               f'flat in the image where distances are not ({planar:.0%} of '
                               f'patches fit a plane in the readings, {curved:.0%} in their '
                               "reciprocals): a renderer's z-buffer (OpenGL depth, non-linear "
                               'in [0, 1]; bulletphysics/bullet3#1932), not metres. Publish '
                               'metres: z = near * far / (far - d * (far - near)) with the '
                               "camera's clip planes (near, far in m), or have this node read "
                               'it so: set float_depth_near and float_depth_far to them and '
                               'float_depth_buffer:=z_buffer. Using no depth')
    if median > MAX_CAMERA_RANGE_M and floating:
        if np.mean(read * 16 == np.round(read * 16)) >= SIXTEENTHS_SHARE and \
                _whole_share(read * 16) >= SIXTEENTHS_SHARE:
            whole = _whole_share(read) >= SIXTEENTHS_SHARE
            raise MessageError('units', f'{encoding} depth has a median reading of '
                               f"{median:.1f} m, beyond any RGB-D camera's "
                               f'{MAX_CAMERA_RANGE_M:g} m, and its readings are whole '
                               f'{"numbers" if whole else "sixteenths"}, which distances in '
                               'metres are not: is it millimetres (REP 118 depth is metres '
                               'in 32FC1; integer units, depth_scale, only in 16UC1), or a '
                               "stereo matcher's disparity, in pixels? Using no depth")
    off_far = _off_the_far_plane(read) if floating and read.size >= MIN_UNITS_READINGS \
        else read[:0]
    if off_far.size and float(np.median(off_far)) > MAX_DEPTH_READING_M:
        near = float(np.median(off_far))
        raise MessageError('units', f'{encoding} depth has a median reading of {near:.1f} m, '
                           f'beyond the {MAX_DEPTH_READING_M:g} m past which a reading is a '
                           "driver's no-reading code, so most of the view would be dropped, "
                           f"and beyond any RGB-D camera's {MAX_CAMERA_RANGE_M:g} m: is it "
                           f'centimetres (a view {near / 100:.2g} m away sent as {near:.0f})? '
                           'REP 118 depth is metres in 32FC1: divide by 100 before '
                           'publishing (or publish millimetres in 16UC1). Using no depth')
    return depth_m


def far_median_note(depth_m, encoding, notes=None):
    """Note floating depth read as metres whose median lies beyond any RGB-D camera's range.

    Depth in centimetres written into 32FC1 (a converter that scaled millimetres by 0.1,
    or a simulator or learning pipeline in centimetres: microsoft/AirSim#1054 asked which
    it was) reads a view 0.2-0.65 m away as 20-65 "m": every reading kept, every pose 100
    times too far, with no word (helper-h152's open edge). Metres that far are a far
    outdoor view (test_messages keeps one read), so such depth is read as given; this
    line says it once: a median (a simulator's far plane aside,
    :func:`_off_the_far_plane`) beyond :data:`MAX_CAMERA_RANGE_M`. Beyond
    :data:`MAX_DEPTH_READING_M` it is refused (:func:`check_depth_units`).

    :param depth_m: (H, W) float32 metres as read (after :func:`check_depth_units`), NaN =
        no reading.
    :param encoding: the message's encoding (or compressed format); only floating depth
        (``FC1``) is judged: 16UC1 is millimetres by REP 118, whatever its range.
    :param notes: a list, or None; a :class:`Note` of kind ``far_median`` is appended.
    """
    if 'FC1' not in str(encoding).upper():
        return
    sample = depth_m.reshape(-1)[::max(1, depth_m.size // 20000)]
    read = sample[np.isfinite(sample) & (sample > 0)].astype(np.float64)
    if read.size < MIN_UNITS_READINGS:
        return
    off_far = _off_the_far_plane(read)
    median = float(np.median(off_far)) if off_far.size else 0.0
    if MAX_CAMERA_RANGE_M < median <= MAX_DEPTH_READING_M:
        _say(notes, 'far_median', f'{encoding} depth has a median reading of {median:.1f} m, '
             f"beyond any RGB-D camera's {MAX_CAMERA_RANGE_M:g} m: centimetres (a view "
             f'{median / 100:.2g} m away sent as {median:.1f}, every pose 100 times too far)? '
             'Read as metres, as REP 118 says 32FC1 is; if it is centimetres, divide by 100 '
             'before publishing')


def _off_the_far_plane(read):
    """``read`` without its largest value when that value holds a far plane's share.

    A simulator's depth camera reads its far clip plane (Gazebo, Isaac: 10 or 100 m; see
    :func:`_whole_share`) wherever nothing is hit, over the sky or a room's open side:
    the readings nearer than it tell the scene's range.

    :param read: (N,) float readings, none 0 or non-finite.
    :return: (M,) the same dtype, M <= N (all of ``read`` when no far plane holds at least
        :data:`FAR_PLANE_SHARE` of it).
    """
    top = read.max()
    at_top = read == top
    return read[~at_top] if float(np.mean(at_top)) >= FAR_PLANE_SHARE else read


# Patches (of ZBUFFER_PATCHES sample grids) that must fit a plane in the readings, and how
# many times more than fit one in their reciprocals, for floating depth within [0, 1] to
# be refused as a z-buffer (check_depth_units). On a flat surface distance is 1 / (a u + b v
# + c) in the pixel (u, v), and an OpenGL z-buffer (a + b / distance) is affine in (u, v).
# Over the toy world's clean ray-cast scenes in metres, 0 of the patches fit a plane in the
# readings and 33-92% in their reciprocals; as z-buffers with a near plane of 5-10 cm,
# 32-77% fit in the readings and 0 in the reciprocals (a near plane of 1 cm leaves 0-60%:
# a float32 z-buffer that crowded near 1 keeps too little curvature to tell in some
# views, which are read as metres). Real frames (shared/data/real_rgbd, 16) fit neither,
# their noise above either curvature: 0 and 0 in metres and as z-buffers.
ZBUFFER_PLANAR_SHARE = 0.1
ZBUFFER_RATIO = 4
# Sample patches (side, in grid samples; the grid is every min(H, W) / 120-th pixel). 16:
# a z-buffer crowded near 1 (near 1 cm, far 10 m) bends too little over 12 samples for
# float32 to show it in one of 24 toy scenes; over 16 it does (metres: still 0 in readings).
ZBUFFER_PATCHES = (8, 12, 16)
# Least reading of floating depth in [0, 1] above which a single patch that fits a plane
# in the readings (and no more in their reciprocals) is a z-buffer: with a near plane n
# an OpenGL z-buffer reads at least 1 - n / z, 0.9 for n = 1 cm and anything beyond 10 cm
# (PyBullet's default near plane, bulletphysics/bullet3#1932). There the readings span a
# few hundredths, too little curvature for the shares above (toy scenes as such z-buffers:
# 0.01-0.64 of patches fit a plane in the readings, 0 in the reciprocals; 7 of 24 were
# under ZBUFFER_PLANAR_SHARE). Metres so crowded would be a scene all within 10 cm of 1 m, and
# real sensors' noise fits no patch (shared/data/real_rgbd scaled there: 0 and 0): read.
ZBUFFER_CROWDED = 0.9
# 16-bit depth whose readings are a fraction of 65535 (a z-buffer or z / far scaled to
# 16 bits), read as millimetres, lies beyond 20 m for a view of the scene 0.4-1.4 m
# away: a median beyond MAX_CAMERA_RANGE_M with nothing nearer than this (m, the 1st
# percentile) is no depth camera's view in 16UC1 (RealSense, Kinect, Orbbec read to 6-10
# m; a ZED's 20 m view has its ground nearer). See _check_not_sixteen_bit_fraction.
MIN_FRACTION_NEAREST_M = 10.0
# Nearest reading (m, 0.75 of 65535 mm) from which such 16-bit fractions are named a
# z-buffer when their patches tell neither (see _check_not_sixteen_bit_fraction).
ZBUFFER_TOP_M = 0.75 * 65.535
# Most a patch's plane-fit residual may be of the other reading's for it to fit a plane.
_PLANE_FIT_RATIO = 0.25


def _planes_in_readings(depth_m):
    """Shares of sample patches that fit a plane in the readings, and in their reciprocals.

    A patch fits a plane in one when its least-squares plane's RMS residual (in pixel
    coordinates) is under :data:`_PLANE_FIT_RATIO` of the other's (the reciprocal's scaled
    by the squared median reading, to the readings' unit). Patches with a hole, or no
    change across them (1e-6 of their median), count in neither.

    :param depth_m: (H, W) float32 readings, NaN or 0 = none.
    :return: ``(planar, curved)``, each a float in [0, 1]: the larger over
        :data:`ZBUFFER_PATCHES`.
    """
    stride = max(1, min(depth_m.shape) // 120)
    grid = depth_m[::stride, ::stride].astype(np.float64)
    best = (0.0, 0.0)
    for k in ZBUFFER_PATCHES:
        rows, cols = grid.shape[0] // k * k, grid.shape[1] // k * k
        if not rows or not cols:
            continue
        patch = grid[:rows, :cols].reshape(rows // k, k, cols // k, k).swapaxes(1, 2)
        patch = patch.reshape(-1, k * k)
        with np.errstate(invalid='ignore'):
            patch = patch[np.all(patch > 0, axis=1)]  # NaN compares False: holes out
        mid = np.median(patch, axis=1) if patch.size else np.zeros(0)
        patch = patch[np.ptp(patch, axis=1) > 1e-6 * mid]
        if not patch.size:
            continue
        mid = np.median(patch, axis=1)
        v, u = np.mgrid[0:k, 0:k]
        plane = np.stack([np.ones(k * k), u.ravel(), v.ravel()], axis=1)
        fit = plane @ np.linalg.pinv(plane)  # projects a patch onto its plane
        flat, inverse = (np.sqrt(np.mean((values - values @ fit.T) ** 2, axis=1))
                         for values in (patch, 1.0 / patch))
        inverse = inverse * mid ** 2  # in the readings' unit
        shares = (float(np.mean(flat < _PLANE_FIT_RATIO * inverse)),
                  float(np.mean(inverse < _PLANE_FIT_RATIO * flat)))
        best = max(best, shares)
    return best


def _check_not_sixteen_bit_fraction(read, depth_m, encoding):
    """Raise when integer depth holds fractions of 65535, not millimetres.

    A renderer's depth in [0, 1] scaled to 16 bits (a z-buffer, non-linear, or z / far,
    linear) read as millimetres puts a tabletop 0.4-1.4 m away at 14-65 m: a median
    beyond :data:`MAX_CAMERA_RANGE_M` with its 1st percentile beyond
    :data:`MIN_FRACTION_NEAREST_M`. Which of the two it is, the patches tell
    (:func:`_planes_in_readings`); where neither fits (quantised to 16 bits, a near plane
    of 1 cm), both conversions are named. z / far with a far plane beyond about 3 m reads
    as a room in millimetres and is not told from one: it is the scene scaled by
    ``65.535 / far`` about the camera, and back-projected through the same intrinsics a
    scaled scene has the same shape (planes, angles, proportions), so no single frame
    tells it; its far plane, 65535 where nothing is hit, is also a "no reading" code real
    drivers send (DepthAI gen1's invalid value, luxonis/depthai-docs-website#156; a D415's,
    IntelRealSense/librealsense#3508). Where z / far is named, so is the parameter that
    reads it: ``depth_scale = far / 65535`` (metres a unit).

    :param read: (N,) float64 non-zero readings of the subsample, metres.
    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param encoding: the message's encoding (or compressed format), for the message.
    :raises MessageError: kind ``units``.
    """
    read = read[read <= MAX_DEPTH_READING_M]  # "no reading" codes, dropped after this
    if read.size < MIN_UNITS_READINGS:
        return
    median, nearest = float(np.median(read)), float(np.percentile(read, 1))
    if median <= MAX_CAMERA_RANGE_M or nearest <= MIN_FRACTION_NEAREST_M or \
            float(np.min(read)) == float(np.max(read)):
        return  # one value (a wall 30 m away) has no shape to tell it by
    planar, curved = _planes_in_readings(depth_m)
    zbuffer = "a renderer's z-buffer (OpenGL depth, non-linear; z = near * far / (far - d * " \
        '(far - near)))'
    linear = 'z / far (linear; z = d * far)'
    # Undecided by shape (16 bits quantise the curvature away): a z-buffer crowds to its
    # top (d >= 0.8 beyond 0.5 m with a near plane of 10 cm or less), z / far need not.
    what = zbuffer if planar > curved or (planar == curved and nearest >= ZBUFFER_TOP_M) \
        else linear if curved > planar else f'{zbuffer} or {linear}'
    scale = ('' if what == zbuffer else ' (z / far is read as it is with the parameter '
             'depth_scale set to far / 65535 metres a unit: 0.0001526 for far = 10 m)')
    # The parameters that read it as it is (integer_depth_scale): a z-buffer only so.
    planes = ('float_depth_buffer:=z_buffer' if what == zbuffer else
              'float_depth_buffer:=linear' if what == linear else
              'float_depth_buffer:=z_buffer or linear')
    raise MessageError('units', f'{encoding} depth reads {nearest:.1f} to '
                       f'{float(np.max(read)):.1f} m (median {median:.1f} m), beyond any '
                       "depth camera's range: its values are fractions of 65535 (d = "
                       f'value / 65535 in [0, 1]), {what}, with the clip planes near and '
                       'far in m, not millimetres. Publish millimetres in 16UC1 or metres in '
                       f'32FC1{scale}, or have this node read it so: set float_depth_near and '
                       f'float_depth_far to the clip planes and {planes}. Using no depth')


# Least share of floating readings exactly 1.0 (and of readings below it) for depth all
# within [0, 1] to be said to end in a far plane at 1.0 (_far_plane_at_one).
FAR_PLANE_SHARE = 0.05


def _far_plane_at_one(depth_m, encoding, notes):
    """Note floating depth that ends in a plane of readings exactly 1.0 (normalised depth).

    A simulator's linear depth normalised to [0, 1] between its clip planes
    (CoppeliaSim's vision sensor and PyRep/RLBench, "[0, 1] -> [Near Plane, Far Plane]":
    stepjam/PyRep#25, stepjam/RLBench#125; or z / far) is metres scaled: its planes are
    the same planes, so no shape tells it (a 4.5 m far plane puts a table 0.5-1.4 m away
    at 0.11-0.31 "m"). What may tell it is where nothing is hit: the far plane, exactly
    1.0 over part of the view, with every other reading below it. Real depth converted to
    metres reads exactly 1.0 m only at 1000 mm, not as the farthest of a view over
    :data:`FAR_PLANE_SHARE` of it. Read as metres (a simulator clipping at 1 m is not
    refused), with a note of kind ``far_plane``.

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param encoding: the message's encoding, for the note.
    :param notes: a list, or None.
    """
    sample = depth_m.reshape(-1)[::max(1, depth_m.size // 20000)]
    sample = sample[np.isfinite(sample) & (sample > 0)]
    if sample.size < MIN_UNITS_READINGS or float(sample.max()) != 1.0:
        return
    at_one = float(np.mean(sample == 1.0))
    below = sample[sample < 1.0]
    if at_one < FAR_PLANE_SHARE or below.size < FAR_PLANE_SHARE * sample.size or \
            np.unique(below).size < 2:
        return
    _say(notes, 'far_plane', f'{encoding} depth ends in a plane of readings exactly 1.0 '
         f'({at_one:.0%} of the view, every other reading below it, '
         f'{float(np.median(below)):.3g} at the median): the far plane of depth normalised '
         "to [0, 1] (CoppeliaSim's vision sensor, PyRep/RLBench: [0, 1] between the clip "
         'planes, z = near + d * (far - near); or z / far)? Read as metres, poses are off '
         'by that scale: set float_depth_far (and float_depth_near) to the clip planes in '
         'metres, or publish metres (REP 118), with NaN or +inf where nothing is hit')


def _whole_share(read):
    """Return the share of ``read`` that are whole numbers, its most common value aside.

    A simulator's far clip (Gazebo's and Isaac's depth cameras read their far plane, 10
    or 100 m, not inf) or one wall at whole metres can fill 99% of a view that is right:
    the readings off it tell rounded depth (whole too) from such a view (68790b8 refused
    a far clip at 10.0 m with a ball on 0.8% of the view). A view of one value is judged
    by it (a flat wall in millimetres, 800.0 "m", is whole).

    :param read: (N,) float64 readings, N > 0, none 0 or non-finite.
    :return: float in [0, 1].
    """
    values, counts = np.unique(read, return_counts=True)
    off = read[read != values[np.argmax(counts)]] if values.size > 1 else read
    return float(np.mean(off == np.round(off)))


# compressed_image_transport's encodings of the compressed pixels (the part after
# "compressed "), by the channel order cv2.imdecode hands them back in.
RGB_ORDER_ENCODINGS = ('rgb8', 'rgba8', 'rgb16', 'rgba16')
BGR_ORDER_ENCODINGS = ('bgr8', 'bgra8', 'bgr16', 'bgra16', '8UC3', '8UC4')
MONO_ORDER_ENCODINGS = ('mono8', 'mono16', '8UC1', '16UC1')
# The last two are the other formats of Foxglove's CompressedImage ("Supported values:
# jpeg, png, webp, avif", docs.foxglove.dev/docs/sdk/schemas/compressed-image), which
# Foxglove and Lichtblick also read in a sensor_msgs/CompressedImage with a bare format
# (ros2/common_interfaces#231, lichtblick-suite/lichtblick#585); image_transport_plugins
# has an AVIF plugin proposed (#156). JPEG 2000, BMP and GIF no ROS transport or viewer
# publishes: named, not decoded (_payload_hint).
COMPRESSED_CODECS = ('jpeg', 'png', 'tiff', 'webp', 'avif')
_CODECS_SAID = ', '.join(f'"{c}"' for c in COMPRESSED_CODECS)
# Other names of those codecs: file extensions, and MIME types, the way web bridges,
# browsers and Foxglove-style publishers write a format ("image/jpeg"); an MJPEG
# camera's frame is a JPEG.
_CODEC_NAMES = {'jpg': 'jpeg', 'mjpeg': 'jpeg', 'mjpg': 'jpeg', 'tif': 'tiff'}
# Encodings as image_encodings.hpp spells them, by their lower-case form.
_ENCODING_NAMES = {e.lower(): e for e in
                   RGB_ORDER_ENCODINGS + BGR_ORDER_ENCODINGS + MONO_ORDER_ENCODINGS}


def _encoding_name(word):
    """Return ``word`` as image_encodings.hpp spells it, whatever its case (else as is)."""
    lower = word.lower()
    return 'bayer_' + lower[6:] if lower.startswith('bayer_') else \
        _ENCODING_NAMES.get(lower, word)


@dataclass(frozen=True)
class CompressedFormat:
    """What a ``sensor_msgs/CompressedImage`` ``format`` says about its pixels.

    ``original``: the encoding of the image before compression ('' when not said);
    ``codec``: ``jpeg``, ``png`` or '' (not said); ``encoding``: the encoding of the
    compressed pixels ('' when not said, as for mono and Bayer images); ``layout``:
    how decoded pixels become RGB: ``bgr`` (OpenCV's order, the default), ``rgb``
    (kept as decoded) or ``bayer`` (one grey channel demosaiced with the OpenCV code
    ``bayer``); ``note``: one line saying the format was not understood and what is
    assumed, or None; ``depth``: the format is image_transport's compressedDepth (a depth
    image, not colour).
    """

    original: str
    codec: str
    encoding: str
    layout: str = 'bgr'
    bayer: int | None = None
    note: str | None = None
    depth: bool = False


@lru_cache(maxsize=64)
def parse_compressed_format(fmt):
    """Read a ``CompressedImage.format`` as compressed_image_transport writes it.

    The publisher (``compressed_publisher.cpp``) writes ``"<original encoding>; <jpeg|png>
    compressed <encoding>"``: ``<encoding>`` is ``bgr8`` (``bgr16``, ``bgra8``...) for
    colour images and empty for mono and Bayer ones, which are compressed as one grey
    channel (``"bayer_rggb8; jpeg compressed "``; image_transport_plugins issue #68).
    The subscriber swaps channels only for a ``compressed bgr...`` payload, so pixels
    compressed as ``rgb8``/``rgba8`` (publishers that encode an RGB array: jsk
    coral_usb_ros) are in RGB order. Bare ``jpeg``, ``jpg``, ``png``, ``tiff`` and ''
    (older or hand-written publishers) are BGR, as OpenCV decodes them, and so are MIME
    types (``"image/jpeg"``: web bridges and Foxglove-style publishers; before, warned as
    an unknown format though decoded right). ``tiff`` is compressed_image_transport's
    third codec (image_transport_plugins#75). Case is not significant (``"RGB8; JPEG
    compressed RGB8"`` from a hand-made publisher was read as an unknown format and
    decoded as BGR, red and blue swapped: field report). A compressedDepth format
    (``"16UC1; compressedDepth png"``) is marked ``depth``.

    :param fmt: the ``format`` string.
    :return: :class:`CompressedFormat`; anything else is read as BGR (what the node
        did before it read the format) with a ``note`` saying so.
    """
    text = ' '.join(str(fmt).replace('\x00', ' ').split())
    if 'compresseddepth' in text.lower():
        original = text.partition(';')[0].strip() if ';' in text else ''
        return CompressedFormat(_encoding_name(original), 'compressedDepth', '', depth=True)
    original, sep, rest = text.partition(';')
    if not sep:
        codec = _codec_name(text)
        if codec in COMPRESSED_CODECS + ('',):
            return CompressedFormat('', codec, '')
        return CompressedFormat('', '', '', note=_format_note(fmt, f'not {_CODECS_SAID} or '
                                                              '"<encoding>; <codec> '
                                                              'compressed <encoding>"'))
    original = _encoding_name(original.strip())
    words = rest.split()
    codec = _codec_name(words[0]) if words else ''
    encoding = _encoding_name(words[2]) if len(words) == 3 else ''
    if codec not in COMPRESSED_CODECS or len(words) not in (2, 3) or \
            words[1].lower() != 'compressed':
        return CompressedFormat(original, '', encoding, note=_format_note(
            fmt, f'not "<encoding>; <codec> compressed <encoding>" (codec: {_CODECS_SAID})'))
    pattern = original[:-2] if original.endswith('16') else original[:-1]
    if original.startswith('bayer_') and pattern in BAYER_ENCODINGS and \
            encoding in ('',) + MONO_ORDER_ENCODINGS:
        return CompressedFormat(original, codec, encoding, 'bayer', BAYER_ENCODINGS[pattern])
    if encoding in RGB_ORDER_ENCODINGS:
        return CompressedFormat(original, codec, encoding, 'rgb')
    if encoding in BGR_ORDER_ENCODINGS or (encoding in MONO_ORDER_ENCODINGS) or (
            encoding == '' and original in MONO_ORDER_ENCODINGS):
        return CompressedFormat(original, codec, encoding)
    what = (f'compressed encoding "{encoding}" is not one of '
            f'{", ".join(RGB_ORDER_ENCODINGS + BGR_ORDER_ENCODINGS + MONO_ORDER_ENCODINGS)}'
            if encoding else f'no compressed encoding for a "{original}" image')
    return CompressedFormat(original, codec, encoding, note=_format_note(fmt, what))


def _codec_name(word):
    """Return the codec a format's word names (``JPG``, ``image/jpeg`` -> ``jpeg``)."""
    bare = word.lower().lstrip('.')
    bare = bare[len('image/'):] if bare.startswith('image/') else bare
    return _CODEC_NAMES.get(bare, bare)


def _format_note(fmt, what):
    return (f'compressed image format "{fmt}": {what}; decoding it as BGR (red and blue '
            'swap if it holds RGB)')


def empty_compressed_note(what, fmt):
    """Say that a CompressedImage holds no bytes at all: one line (str).

    A camera driver that publishes when its capture or encoder failed sends such frames
    (ros-drivers/usb_cam#222: "No JPEG data found in image"); before, they were refused as
    "not a readable JPEG, PNG or TIFF", which sent the user looking at the codec.

    :param what: the message's kind for the line ("compressed image", ...).
    :param fmt: the message's ``format``.
    """
    return (f'{what} (format "{fmt}") holds no data (0 bytes): the publisher sent an empty '
            'frame (a driver whose capture or encoder failed); check the camera driver')


def compressed_to_rgb(fmt, data, notes=None):
    """Decode a ``sensor_msgs/CompressedImage`` (JPEG, PNG, TIFF, WebP or AVIF) into RGB.

    ``fmt`` is read by :func:`parse_compressed_format`: pixels compressed as
    ``rgb8``/``rgba8`` keep their order, a Bayer mosaic is demosaiced (bilinear, as
    :func:`image_to_rgb` does), mono becomes grey RGB, anything else is taken as BGR.
    16-bit PNG keeps the top 8 of the bits it uses (:func:`to_8_bits`). The header's
    size is checked before decoding, so a tiny file claiming a huge image is refused
    without allocating it. WebP and AVIF are Foxglove's CompressedImage formats
    (:data:`COMPRESSED_CODECS`); JPEG 2000, BMP and GIF, which no ROS transport or
    viewer writes, are refused naming what they are (:func:`_payload_hint`).

    The data's own signature decides the codec: a format that names another (``"png"``
    on a JPEG, a republisher that copied the format of what it re-encoded) is decoded as
    what the data is, and a line saying so is added to ``notes``, as is the format's
    own note when it is not understood (:func:`parse_compressed_format`).

    :param fmt: the message's ``format``.
    :param data: the message's ``data`` (bytes or any buffer).
    :param notes: a list, or None; :class:`Note` lines of kind ``compressed_format``,
        ``compressed_payload``, ``compressed_base64`` (data that is the base64 text of
        an image, decoded: :func:`_from_base64_text`) and ``compressed_leading_bytes``
        (bytes before the image's own start, skipped: :func:`_without_leading_bytes`).
    :return: (H, W, 3) uint8 RGB, C-contiguous.
    :raises MessageError: too large, not a JPEG, PNG, TIFF, WebP or AVIF (a compressedDepth
        image on the colour topic, JPEG 2000, BMP or GIF says so), truncated or corrupt.
    """
    if len(data) > MAX_COMPRESSED_BYTES:
        raise MessageError('size', f'compressed image is {len(data)} bytes; the limit is '
                           f'{MAX_COMPRESSED_BYTES}')
    raw = bytes(data)
    if not raw:
        raise MessageError('corrupt', empty_compressed_note('compressed image', fmt))
    form = parse_compressed_format(fmt)
    decoded = _from_base64_text(raw)
    if decoded is not None:
        raw = decoded
        if notes is not None:
            notes.append(Note('compressed_base64', f'compressed image (format "{fmt}") holds '
                              f'the base64 text of a {_image_signature(raw).upper()} image, not '
                              'its bytes: decoded from base64 (a web client or bridge that '
                              'sent uint8[] as text); send the bytes'))
    raw = _without_leading_bytes(raw, fmt, notes)
    png, tiff, web = _png_size(raw), _tiff_size(raw), _webp_size(raw) or _avif_size(raw)
    size = png or tiff or web or _jpeg_size(raw)
    if form.depth:
        raise MessageError('format', f'compressed image (format "{fmt}") is a compressedDepth '
                           'depth image, not colour: remap image to the colour stream, and '
                           'depth to this one with depth_transport:=compressedDepth')
    if size is None:
        raise MessageError('corrupt', f'compressed image (format "{fmt}") is not a readable '
                           'JPEG, PNG, TIFF, WebP or AVIF image'
                           f'{_payload_hint(raw) or raw_pixels_hint(fmt, raw)}')
    # OpenCV fills a truncated JPEG with grey and only warns: insist on the end marker
    # after the last start-of-scan (an EXIF thumbnail has an end marker of its own, before
    # the main image's scans). Bytes after it are padding some MJPEG cameras add. A TIFF
    # has no end marker: libtiff fails on one cut short (its directory or strips missing)
    # and cv2.imdecode returns None, refused below; so do libwebp and libavif. A WebP
    # says its length (RIFF's size field): one cut short is refused here.
    if (png and not _png_ends(raw)) or (not png and not tiff and not web and
                                        not _jpeg_ends(raw)):
        raise MessageError('corrupt', f'compressed image (format "{fmt}") is truncated (no '
                           'end-of-image marker)')
    if web and raw[:4] == b'RIFF' and len(raw) < 8 + struct.unpack('<I', raw[4:8])[0]:
        raise MessageError('corrupt', f'compressed image (format "{fmt}") is truncated: '
                           f'{len(raw)} bytes of the {8 + struct.unpack("<I", raw[4:8])[0]} '
                           'its WebP header says')
    _check_size(size[1], size[0], 'compressed image')
    actual = 'png' if png else 'tiff' if tiff else _image_signature(raw[:16]) if web else \
        'jpeg'
    if notes is not None:
        if form.note is not None:
            notes.append(Note('compressed_format', form.note))
        if form.original == '16UC1':
            notes.append(Note('depth_encoding', _DEPTH_ON_COLOUR.format(
                what=f'format "{fmt}" names {form.original}, which')))
        if form.codec and form.codec != actual:
            notes.append(Note('compressed_payload', f'compressed image format "{fmt}" says '
                              f'{form.codec} but its data is {_a(actual.upper())} image: decoded '
                              f'as {actual.upper()} (the data decides); fix the format in the '
                              'publisher'))
    # The pixels as sent: an EXIF orientation tag is not applied (compressed_image_
    # transport decodes with IMREAD_UNCHANGED, and camera_info describes them unrotated).
    # A 16-bit PNG or TIFF (compressed_image_transport's png of rgb16, mono16, bayer_*16)
    # is decoded at 16 bits and brought to 8 as a raw 16-bit image is (to_8_bits).
    # An AVIF of 10 or 12 bits decodes to 16 (libavif), brought to 8 the same way.
    deep = cv2.IMREAD_ANYDEPTH if (png and raw[24:25] == b'\x10') or tiff or \
        actual == 'avif' else 0
    if form.layout == 'bayer':
        mosaic = cv2.imdecode(np.frombuffer(raw, np.uint8),
                              cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION | deep)
        if mosaic is None or mosaic.ndim != 2 or mosaic.dtype not in (np.uint8, np.uint16):
            raise MessageError('corrupt', f'compressed image (format "{fmt}") could not be '
                               'decoded (truncated or corrupt)')
        if min(mosaic.shape) < 2:
            raise MessageError('size', f'{form.original} image is {mosaic.shape[1]}x'
                               f'{mosaic.shape[0]}; a Bayer mosaic needs at least 2x2 pixels')
        if mosaic.dtype == np.uint16:
            mosaic = to_8_bits(mosaic)
        return cv2.cvtColor(mosaic, form.bayer)
    px = cv2.imdecode(np.frombuffer(raw, np.uint8),
                      cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION | deep)
    if px is None or px.ndim != 3 or px.dtype not in (np.uint8, np.uint16):
        built = f', or an OpenCV built without {actual.upper()}' if web else ''
        raise MessageError('corrupt', f'compressed image (format "{fmt}") could not be '
                           'decoded (truncated or corrupt, or not 8 or 16 bits a channel'
                           f'{built})')
    if px.dtype == np.uint16:
        px = to_8_bits(px)
    # cv2.imdecode returns the channels in the order they were compressed in.
    return np.ascontiguousarray(px if form.layout == 'rgb' else px[..., ::-1])


# Base64 text of a compressed image where its bytes belong, as a web client or a bridge
# writes uint8[] (RobotWebTools/rosbridge_suite#1086: uint8[] travels as base64 text, "a
# footgun"; #380: data 4/3 as long as the image; michaeljenkin/unityros#3: a Unity client's
# JPEG sent as a Base64 string; RobotWebTools/roslibjs#199: a canvas's toDataURL, a data
# URL, as the frame). The text of a JPEG opens "/9j/", of a PNG "iVBORw0KGgo", of a TIFF
# "SUkqA" or "TU0AK", after an optional "data:image/...;base64," prefix; MIME's line
# breaks are allowed.
_DATA_URL = re.compile(rb'\s*data:image/[\w.+-]+;base64,', re.IGNORECASE)
_BASE64_IMAGE_OPENINGS = (b'/9j/', b'iVBORw0KGgo', b'SUkqA', b'TU0AK')


def _from_base64_text(raw):
    """Return the image bytes that ``raw``, base64 text of a JPEG, PNG or TIFF, encodes.

    :param raw: a compressed image message's data (bytes).
    :return: the decoded bytes, opening with an image signature; None when ``raw`` is not
        base64 text of an image (then it is read as bytes, as always).
    """
    m = _DATA_URL.match(raw[:64])
    text = raw[m.end():] if m else raw.lstrip()
    if not text.startswith(_BASE64_IMAGE_OPENINGS):
        return None
    decoded = _strict_b64decode(re.sub(rb'\s+', b'', text))
    return decoded if decoded is not None and _image_signature(decoded[:8]) else None


def _depth_from_base64_text(fmt, raw):
    """Return the bytes that ``raw``, base64 text of a compressed depth message's data, encodes.

    Either transport's data (:func:`compressed_depth_to_array`): a PNG or TIFF
    (:func:`_from_base64_text`), or a compressedDepth payload, its 12-byte header then a
    PNG or RVL. The same bridges that send a colour image's bytes as text send depth's so
    (rosbridge_suite#1086); before, every such message was refused ("not compressedDepth")
    and the frames answered without depth. The payload's header opens with no fixed text,
    so the whole data must be strict base64 (no line breaks) decoding to a payload with a
    PNG after its header, or to any payload under a format naming compressedDepth (the
    decoder then judges it). Binary data fails at its first byte outside base64's 64
    characters (a compressedDepth header opens with NUL bytes).

    :param fmt: the message's ``format``.
    :param raw: a compressed depth message's data (bytes).
    :return: the decoded bytes, or None when ``raw`` is not such text (read as bytes).
    """
    decoded = _from_base64_text(raw)
    if decoded is not None or len(raw) % 4 or len(raw) < 32:
        return decoded
    decoded = _strict_b64decode(raw)  # binary data fails at its first byte, as always
    if decoded is None:
        return None
    said = 'compresseddepth' in str(fmt).lower()
    return decoded if said or _compressed_depth_png(decoded) else None


def _png_ends(raw):
    """Whether a PNG has its IEND chunk at its end (NUL padding after it allowed)."""
    return b'IEND' in raw.rstrip(b'\x00')[-12:]


def _jpeg_ends(raw):
    """Whether a JPEG has an end-of-image marker after its last start-of-scan marker."""
    sos = raw.rfind(b'\xff\xda')
    return sos >= 0 and raw.find(b'\xff\xd9', sos) >= 0


def _payload_hint(raw):
    """Return what data that is no JPEG, PNG or TIFF looks like, as a clause, or ''."""
    video = _video_stream(raw[:16])
    if video is not None:
        return (f' (it is an {video} video stream, whose frames need the ones before them '
                'to decode: decode it before this node, e.g. with ffmpeg_image_transport)')
    if _compressed_depth_png(raw):
        return (' (it is a compressedDepth PNG behind a 12-byte header: depth, not colour; '
                'remap image to the colour stream)')
    other = _other_image_format(raw)
    if other is not None:
        return (f' (it is a {other} image, which no image_transport plugin or Foxglove '
                'writes, so it is not decoded: publish JPEG or PNG, e.g. through '
                'compressed_image_transport)')
    m = _DATA_URL.match(raw[:64])
    if (raw[m.end():] if m else raw.lstrip()).startswith(_BASE64_IMAGE_OPENINGS):
        return (' (it opens as the base64 text of an image but does not decode: cut short '
                'or not base64; send the bytes, not text)')
    return ''


# Width:height of camera image sizes (VGA 640x480 and the 4:3 family, HD 16:9, WXGA
# 16:10, SXGA 1280x1024 5:4, 3:2) and RealSense's 848x480 / 424x240 (53:30): the
# sizes a buffer of raw pixels is told by (raw_pixels_hint).
_CAMERA_ASPECTS = ((4, 3), (16, 9), (16, 10), (5, 4), (3, 2), (53, 30))
_MAX_RAW_SIZES_SAID = 3
# Bytes a pixel of the encodings a format word may name, as image_encodings.hpp sizes them.
_BYTES_A_PIXEL = {'rgb8': 3, 'bgr8': 3, '8uc3': 3, 'rgba8': 4, 'bgra8': 4, '8uc4': 4,
                  'mono8': 1, '8uc1': 1, 'mono16': 2, '16uc1': 2, '32fc1': 4}
_MIN_RAW_SIDE = 32


def raw_pixels_hint(fmt, raw, sizes=(3, 4, 1, 2)):
    """Say that compressed data is raw pixels of a camera-sized image, as a clause, or ''.

    A publisher that copies an ``Image``'s pixels into a ``CompressedImage`` without
    compressing them (``compressed_msg->data.assign(msg->data...)`` under format "jpeg",
    Davin-Liang/sust_sunrise_smartcar2024's my_opencv.cpp; a Python script setting
    ``data = frame.tobytes()``) sends data that opens with no image file's signature: it
    was refused as "not a readable JPEG ..." (compressed_image_transport's decoder fails
    on it likewise, cv::imdecode returning an empty image), or, read as a compressedDepth
    header, as an image of 52429600x52429600 px, which sent the user looking at the
    codec. Such data is as long as ``width x height x bytes a pixel`` of a camera's size
    (:data:`_CAMERA_ASPECTS`); told here, not decoded, since one length fits several
    sizes (921600 bytes: 640x480 at 3 bytes a pixel or 1280x720 at 1), all named (at
    most :data:`_MAX_RAW_SIZES_SAID`).

    :param fmt: the message's ``format``: an encoding it names (``rgb8``, ``16UC1``: the
        word before ``;`` or the whole) sets the bytes a pixel tried first.
    :param raw: the data (bytes), already found to be no image file.
    :param sizes: bytes a pixel to try, in order (colour: 3, 4, 1, 2; depth: 2, 4).
    :return: str, ' (its N bytes, opening with no image file's signature, ...)', or ''.
    """
    named = _BYTES_A_PIXEL.get(str(fmt).partition(';')[0].strip().lower())
    fits = []
    for size in ((named,) if named else ()) + tuple(s for s in sizes if s != named):
        pixels = len(raw) // size if raw and len(raw) % size == 0 else 0
        for aw, ah in _CAMERA_ASPECTS:
            unit = math.isqrt(pixels // (aw * ah))
            if pixels and unit * unit * aw * ah == pixels and ah * unit >= _MIN_RAW_SIDE:
                fits.append((aw * unit, ah * unit, size))
    if not fits:
        return ''
    (w, h, size), others = fits[0], fits[1:_MAX_RAW_SIZES_SAID]
    others = ', or '.join(f'{ow}x{oh} at {osize}' for ow, oh, osize in others)
    return (f" (its {len(raw)} bytes, opening with no image file's signature, are as many as "
            f'the raw pixels of a {w}x{h} image at {size} '
            f'byte{"s" if size != 1 else ""} a pixel'
            + (f' (or {others})' if others else '') +
            ": raw pixels, not a compressed file, an Image's data copied into a "
            'CompressedImage? Publish them as sensor_msgs/Image (the raw transport), or '
            'compress them: compressed_image_transport, cv2.imencode)')


def _a(name):
    """``name`` after its indefinite article, as said: "a PNG", "an AVIF"."""
    return f'{"an" if name[:1] in "AEIOU" else "a"} {name}'


def _other_image_format(raw):
    """Name the image format ``raw`` opens that no ROS transport publishes, or None.

    JPEG 2000 (a JP2 file's signature box, or a bare codestream: SOC then SIZ markers),
    BMP (``BM``, its header's file size and a DIB header of a known size), GIF, and QOI
    (the Quite OK Image format's 14-byte header, qoiformat.org's specification: "qoif",
    width, height, 3 or 4 channels, colour space 0 or 1), which the unmerged qoi
    transport of ros-perception/image_transport_plugins#103/#104 publishes; before it
    was refused as "not a readable JPEG, PNG, TIFF, WebP or AVIF image" with no name.
    """
    if raw[:12] == b'\x00\x00\x00\x0cjP  \r\n\x87\n' or raw[:4] == b'\xff\x4f\xff\x51':
        return 'JPEG 2000'
    if raw[:4] == b'qoif' and len(raw) >= 14 and raw[12] in (3, 4) and raw[13] in (0, 1):
        return 'QOI'
    if raw[:2] == b'BM' and len(raw) >= 18 and raw[14] in (12, 40, 52, 56, 64, 108, 124) and \
            not any(raw[15:18]):
        return 'BMP'
    return 'GIF' if raw[:6] in (b'GIF87a', b'GIF89a') else None


def _webp_size(raw):
    """(width, height) from a WebP's first chunk (lossy VP8, lossless VP8L, VP8X), or None.

    The layouts are RFC 9649's (WebP Image Format): VP8's frame header after its start
    code 9d 01 2a, 14 bits a side; VP8L's signature byte 0x2f, then width - 1 and height
    - 1 in 14 bits each; VP8X's canvas width - 1 and height - 1 in 24 bits each.
    """
    if raw[:4] != b'RIFF' or raw[8:12] != b'WEBP' or len(raw) < 30:
        return None
    chunk = raw[12:16]
    if chunk == b'VP8 ' and raw[23:26] == b'\x9d\x01\x2a':
        w, h = struct.unpack('<HH', raw[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b'VP8L' and raw[20] == 0x2F:
        bits = int.from_bytes(raw[21:25], 'little')
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b'VP8X':
        return int.from_bytes(raw[24:27], 'little') + 1, int.from_bytes(raw[27:30], 'little') + 1
    return None


# How far into an AVIF its image spatial extents ('ispe') properties are looked for: they
# sit in the meta box, which libavif and other writers put before the media data.
_AVIF_HEADER_BYTES = 1 << 16


def _avif_size(raw):
    """(width, height) of an AVIF's largest image item, from its 'ispe' properties, or None.

    HEIF (ISO/IEC 23008-12, 6.5.3) requires an image spatial extents property on every
    image item: after its box header and 4 bytes of version and flags, width and height,
    32 bits each, big-endian. The largest is taken (a grid's, over its tiles' and a
    thumbnail's), so a file claiming a huge image is refused before it is decoded.
    """
    if _image_signature(raw[:12]) != 'avif':
        return None
    sizes = []
    at = raw.find(b'ispe', 0, _AVIF_HEADER_BYTES)
    while 0 <= at and at + 16 <= len(raw):
        sizes.append(struct.unpack('>II', raw[at + 8:at + 16]))
        at = raw.find(b'ispe', at + 4, _AVIF_HEADER_BYTES)
    return max(sizes, key=lambda wh: wh[0] * wh[1]) if sizes else None


def _tiff_size(raw):
    """(width, height) from a TIFF's first image directory, or None (not a TIFF)."""
    order = {b'II*\x00': '<', b'MM\x00*': '>'}.get(raw[:4])
    if order is None or len(raw) < 8:
        return None
    ifd = struct.unpack(order + 'I', raw[4:8])[0]
    if ifd + 2 > len(raw):
        return None
    size = {}
    for i in range(struct.unpack(order + 'H', raw[ifd:ifd + 2])[0]):
        entry = ifd + 2 + 12 * i
        if entry + 12 > len(raw):
            return None
        tag, kind = struct.unpack(order + 'HH', raw[entry:entry + 4])
        if tag in (256, 257) and kind in (3, 4):  # ImageWidth, ImageLength: SHORT or LONG
            size[tag] = struct.unpack(order + ('H' if kind == 3 else 'I'),
                                      raw[entry + 8:entry + (10 if kind == 3 else 12)])[0]
    return (size[256], size[257]) if len(size) == 2 else None


def _png_size(raw):
    if raw[:8] == PNG_SIGNATURE and len(raw) >= 24 and raw[12:16] == b'IHDR':
        return struct.unpack('>II', raw[16:24])
    return None


def _jpeg_size(raw):
    """(width, height) from the first SOF marker of a JPEG, or None.

    Any number of 0xFF fill bytes may precede a marker (ITU-T T.81, B.1.1.2); libjpeg
    and OpenCV skip them, and so does this.
    """
    if raw[:2] != b'\xff\xd8':
        return None
    i = 2
    while i + 4 <= len(raw):
        if raw[i] != 0xFF:
            return None
        marker = raw[i + 1]
        if marker == 0xFF:  # a fill byte: the marker is further on
            i += 1
            continue
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


def camera_info_to_intrinsics(k, width, height, p=(), binning_x=0, binning_y=0,
                              roi=(0, 0, 0, 0), notes=None, image_size=None, crop=False):
    """``sensor_msgs/CameraInfo`` fields -> :class:`Intrinsics` of the published image.

    Follows image_geometry's ``PinholeCameraModel``, whose ``fx()``, ``cx()``... read
    ``P``, as depth_image_proc does: the left 3x3 of ``P`` is the camera matrix of the
    rectified image (sensor_msgs/CameraInfo: ``K`` is the raw, distorted camera's, which
    image_proc republishes unchanged beside ``image_rect``). ``K`` when ``P`` holds no
    focal length (some drivers fill only ``K``; see :func:`p_is_unset`). Then a
    region of interest shifts the principal point and binning divides focal lengths,
    principal point and size, so the result matches the image that was actually sent.
    Images are assumed rectified (``image_rect`` topics): distortion is not applied. For
    a camera without distortion ``P``'s 3x3 equals ``K``. A ``K`` or ``P`` written
    column-major is read transposed back (:func:`camera_matrix_layout_note`), and one in
    fractions of the image size is read in pixels (:func:`in_pixels`).

    :param k: 9 floats, row-major 3x3.
    :param p: 12 floats, row-major 3x4 (optional).
    :param binning_x: ``binning_x`` (0 and 1 both mean none).
    :param roi: ``(x_offset, y_offset, width, height)`` of ``roi`` (all zero = full; one
        as large as the message's size at an offset: :func:`_principal_point_in_roi`).
    :param notes: a list, or None; a :class:`Note` of kind ``units`` is appended when
        the camera matrix was read in pixels from fractions of the image size.
    :param image_size: ``(width, height)`` of the colour images, or None; used when the
        message's width and height are both 0 (see :func:`with_image_size`), and where
        binning is set beside the images' own size and a K centred in it
        (:func:`_binning_not_the_images`).
    :param crop: a camera matrix of a whole multiple of the image's size is a centred crop
        of that camera (the ``image_from_camera_info`` parameter's ``centre_crop``), not
        the same field of view scaled (:func:`_of_a_larger_resolution`).
    :return: :class:`Intrinsics`; width and height 0 when the message gives none (some
        drivers leave them 0) and ``image_size`` is None: the caller gives them with
        :func:`with_image_size` once it knows the image.
    :raises MessageError: neither P nor K usable, focal lengths that are not pixels, a
        principal point more than half the image outside it, or a bad size.
    """
    if width == 0 and height == 0:
        intr = _camera_matrix(k, p, 1, 1, image_size, notes)
        intr = Intrinsics(intr.fx, intr.fy, intr.cx, intr.cy, 0, 0)
        return intr if image_size is None else with_image_size(intr, *image_size, notes)
    intr = _camera_matrix(k, p, width, height, (width, height), notes)
    _check_size(height, width, 'camera_info')
    x_off, y_off, roi_w, roi_h = (int(v) for v in roi)
    bx, by = max(int(binning_x), 1), max(int(binning_y), 1)
    roi_set = roi_w > 0 and roi_h > 0
    intr = in_pixels(intr, notes)
    if (bx > 1 or by > 1) and not roi_set:
        binned = _size_given_binned(intr, bx, by, notes)
        if binned is not None:
            return binned
        if image_size is not None and tuple(image_size) == (intr.width, intr.height) and \
                centred(intr, intr.width, intr.height):
            return _binning_not_the_images(intr, bx, by, notes)
    intr = _checked_in_pixels(intr, notes, whole=not roi_set and bx == by == 1, crop=crop)
    fx, fy, cx, cy, w, h = intr.fx, intr.fy, intr.cx, intr.cy, intr.width, intr.height
    if roi_w > 0 and roi_h > 0 and (roi_w, roi_h) != (w, h):
        if x_off + roi_w > w or y_off + roi_h > h:
            raise MessageError('invalid', f'camera_info roi {roi_w}x{roi_h}+{x_off}+{y_off} '
                               f'lies outside the {w}x{h} camera')
        cx, cy, w, h = cx - x_off, cy - y_off, roi_w, roi_h
    elif (roi_w, roi_h) == (w, h) and (x_off or y_off):
        cx, cy = _principal_point_in_roi(intr, x_off, y_off, notes)
    if bx > 1 or by > 1:
        if w // bx <= 0 or h // by <= 0:
            raise MessageError('invalid', f'camera_info binning {bx}x{by} leaves no pixels')
        binned = Intrinsics(fx / bx, fy / by, cx / bx, cy / by, w // bx, h // by)
        if roi_w > 0 and roi_h > 0:
            return binned
        return _binned_or_as_given(binned, Intrinsics(fx, fy, cx, cy, w // bx, h // by),
                                   bx, by, notes)
    return Intrinsics(fx, fy, cx, cy, int(w), int(h))


def _size_given_binned(intr, bx, by, notes):
    """Return the camera matrix divided by the binning at the size given, if it is binned.

    sensor_msgs/CameraInfo (REP 104): ``width``, ``height``, ``K`` and ``P`` are the full,
    unbinned camera's, and ``binning_x/y`` divide them to give the image sent. A driver
    that also writes the binned image's size (astuff/avt_vimba_camera#28: binning 2 with
    the size set to half; basler/pylon-ros-camera#143: the width and height divided by
    the binning a second time) sends the full camera's ``K`` beside a size ``b`` times
    too small: its principal point lies at ``b`` times the given size's centre (the
    image's corner at 2x2, far outside it at 4x4), and divided again by the binning every
    frame was refused as half the image's size. When ``K`` divided by the binning is
    centred (:func:`centred`) in the size as given, and ``K`` as given is not, the size is
    read as the binned image's, with a :class:`Note` of kind ``binned_size``.

    :param intr: :class:`Intrinsics` in pixels at the message's width and height.
    :param bx: ``binning_x`` (>= 1).
    :param by: ``binning_y`` (>= 1).
    :param notes: a list, or None.
    :return: :class:`Intrinsics` at the message's size, or None (the size is the full
        camera's, as REP 104 has it).
    """
    w, h = intr.width, intr.height
    binned = Intrinsics(intr.fx / bx, intr.fy / by, intr.cx / bx, intr.cy / by, w, h)
    if w < 2 or h < 2 or centred(intr, w, h) or not centred(binned, w, h):
        return None
    _say(notes, 'binned_size', f'camera_info gives binning {bx}x{by} beside a {w}x{h} size '
         f'and a camera matrix (fx {intr.fx:g}, cx {intr.cx:g}, cy {intr.cy:g}) whose '
         f'principal point is the centre of a camera {bx}x{by} times as large: the size '
         "given is the binned image's already, so K is read divided by the binning at "
         f'{w}x{h} (fx {binned.fx:.6g}, cx {binned.cx:.6g}, cy {binned.cy:.6g}). '
         "sensor_msgs/CameraInfo (REP 104): width and height are the full, unbinned "
         "camera's: publish them so, or binning 0 with the binned K")
    return binned


def _binning_not_the_images(intr, bx, by, notes):
    """Return the camera matrix as given: the image is the size given, binning is not its.

    A driver that bins and loads a calibration made on the binned images writes their
    size and K beside its binning (basler/pylon-ros-camera#143: 1296x972 with binning
    2x2, "the rectified image is cropped to the top left quarter"). From camera_info alone
    that is a REP 104 camera of twice the size, so every frame was refused as "image is
    1296x972 but camera_info says 648x486". The colour image tells them apart: it is the
    size given, and K is centred in it, so the binning says nothing of this image, and K
    is read as given, with a :class:`Note` of kind ``binning_not_applied``.

    :param intr: :class:`Intrinsics` in pixels at the message's width and height, the
        colour image's size.
    :param bx: ``binning_x`` (> 1, or ``by`` is).
    :param by: ``binning_y``.
    :param notes: a list, or None.
    :return: ``intr``.
    """
    _say(notes, 'binning_not_applied', f'camera_info gives binning {bx}x{by} beside a '
         f'{intr.width}x{intr.height} size and a camera matrix centred in it (fx '
         f'{intr.fx:g}, cx {intr.cx:g}, cy {intr.cy:g}), and the images are '
         f'{intr.width}x{intr.height}: the binning is not theirs (a calibration of the binned '
         'images beside the binning), so K is read as given. sensor_msgs/CameraInfo (REP '
         "104): width, height, K and P are the full, unbinned camera's: publish them so, or "
         'binning 0 with the binned ones')
    return intr


def _binned_or_as_given(binned, as_given, bx, by, notes):
    """Return the binned camera matrix, or the one given when it is the binned one already.

    sensor_msgs/CameraInfo: ``K`` and ``P`` are the full, unbinned camera's, and binning
    divides them. A driver that loads a calibration made on the binned images beside the
    full width and height and the binning (astuff/avt_vimba_camera#82: a Mako at 2064x1544
    binned by 4, K with cx 254 of the 516-wide image) has them divided twice: the
    principal point lands in the image's top-left corner and every pose is scaled and
    shifted (the "calibrated at another resolution?" warning named the wrong cause).
    When the binned principal point is far from the binned image's centre and the given
    one is near it (:func:`centred`), the matrix is read as given, with a :class:`Note`
    of kind ``binned_k``.

    :param binned: :class:`Intrinsics` with binning applied.
    :param as_given: the same camera matrix, not divided, at the binned size.
    :return: one of the two.
    """
    w, h = binned.width, binned.height
    if centred(binned, w, h) or not centred(as_given, w, h):
        return binned
    _say(notes, 'binned_k', f'camera_info gives binning {bx}x{by} and a camera matrix (fx '
         f'{as_given.fx:g}, cx {as_given.cx:g}, cy {as_given.cy:g}) whose principal point '
         f'is the centre of the {w}x{h} binned image, not of the full camera: divided by '
         f'the binning it would lie at ({binned.cx:g}, {binned.cy:g}); read as the binned '
         "image's already. sensor_msgs/CameraInfo K and P are the unbinned camera's: "
         'calibrate at full resolution, or publish binning 0 with the binned size')
    return as_given


def _principal_point_in_roi(intr, x_off, y_off, notes):
    """``(cx, cy)`` in a roi image whose camera_info gives the roi's size as its own.

    sensor_msgs/CameraInfo ``width`` and ``height`` are the full camera's, and ``roi``
    a window of it. Some drivers give the roi image's size instead, beside a roi at an
    offset (Baxter's hand cameras: 640x400 with roi 640x400+320+200,
    sniekum/ar_track_alvar#40), so the roi, as large as the camera, lies outside it.
    Their ``K`` is the full camera's (cx 631 of a 1280x800 sensor) and their ``P``
    already the window's (cx 311), or not: the reading that puts the principal point
    nearer the image centre, shifted by the offset (image_geometry's way) or as given,
    is taken. Before, the roi was ignored: a ``K``-only camera_info put the optical axis
    at the window's right edge, with nothing said.

    :param intr: :class:`Intrinsics` as the message gives them, of the roi's size.
    :param notes: a list, or None; a :class:`Note` of kind ``roi_size`` is appended when
        the principal point is shifted.
    :return: ``(cx, cy)`` (px).
    """
    w, h = intr.width, intr.height

    def off(cx, cy):
        return abs(cx - (w - 1) / 2) / w + abs(cy - (h - 1) / 2) / h
    if off(intr.cx - x_off, intr.cy - y_off) >= off(intr.cx, intr.cy):
        return intr.cx, intr.cy
    if notes is not None:
        notes.append(Note('roi_size', f"camera_info gives its roi's size ({w}x{h}) as its "
                          f'width and height, with the roi at offset ({x_off}, {y_off}): '
                          "sensor_msgs/CameraInfo width and height are the full camera's; "
                          f'its principal point ({intr.cx:g}, {intr.cy:g}) is the full '
                          "camera's, so it is read shifted by the roi offset, as "
                          f'image_geometry does: ({intr.cx - x_off:g}, {intr.cy - y_off:g}) '
                          'in the image; fix the publisher'))
    return intr.cx - x_off, intr.cy - y_off


def _far_outside(intr):
    """Whether the principal point lies more than half the image outside it."""
    w, h = intr.width, intr.height
    return not (-0.5 * w <= intr.cx <= 1.5 * w and -0.5 * h <= intr.cy <= 1.5 * h)


def _checked_in_pixels(intr, notes, whole=True, crop=False):
    """``intr`` (size > 0) in pixels (:func:`in_pixels`) with its principal point checked.

    :param whole: neither binning nor a roi is set: a principal point inside the image at
        a whole number of times its centre is read as the camera matrix of that many times
        the image's size (:func:`_of_a_larger_resolution`, :data:`_WHOLE_RATIOS`).
    :param crop: read such a camera matrix as a centred crop's (as
        :func:`_of_a_larger_resolution`).
    :raises MessageError: kind ``invalid``: focal lengths that are not pixels, or a
        principal point more than half the image outside it.
    """
    intr = in_pixels(intr, notes)
    w, h = intr.width, intr.height
    if _far_outside(intr):
        larger = _of_a_larger_resolution(intr, notes, crop=crop)
        if larger is not None:
            return larger
        raise MessageError('invalid', f'camera_info principal point ({intr.cx:g}, '
                           f'{intr.cy:g}) lies far outside the {w}x{h} image (K[2] '
                           'and K[5] are pixels, near the image centre for a real camera)')
    if whole and not centred(intr, w, h):
        return _of_a_larger_resolution(intr, notes, _WHOLE_RATIOS, crop) or intr
    return intr


# Ratios of a camera's resolutions, as a camera matrix of another one is scaled: halves
# from 2 to 8 (sensor modes and binning, 2x2 to 8x8; Orbbec's 6). Only a principal point
# far outside the image is read so: one inside it at up to twice the centre is also a
# full sensor's K beside a ROI (Baxter's, read shifted by its offset). The estimate from
# the principal point must lie within _RESOLUTION_RATIO_FIT of one (a real principal
# point is a few percent off the centre; the Femto Mega's read 5.93 for 6).
_RESOLUTION_RATIOS = tuple(r / 2 for r in range(4, 17))
_RESOLUTION_RATIO_FIT = 0.06
# The ratios read so for a principal point inside the image, where neither binning nor a
# roi is set (REP 104: they would say how the image was made): an image a whole fraction
# of its calibration's size (a 2x2 or 3x3 sensor mode or decimation beside the full
# resolution's K: the point at the image's far corner, or 1.5 times its size).
_WHOLE_RATIOS = (2.0, 3.0)


def _of_a_larger_resolution(intr, notes, ratios=_RESOLUTION_RATIOS, crop=False):
    """``intr`` divided by ``s`` when it is the camera matrix of ``s`` times the image's size.

    orbbec/OrbbecSDK_ROS1#7: a Femto Mega at 3840x2160 published K with fx 13490, cx
    11448, cy 6277 for the camera's fx 2248, cx 1908, cy 1046: six times the camera
    matrix of its own size (the SDK scaled from a wrong base resolution). Refused as a
    principal point far outside the image, nothing was posed. When the principal point
    lies that far outside (:func:`_far_outside`), ``s`` times as far from the origin as
    the image centre on both axes (one least-squares ``s``, within
    :data:`_RESOLUTION_RATIO_FIT` of one of :data:`_RESOLUTION_RATIOS`), and divided by
    ``s`` near the centre (:func:`centred`), it is read so, with a :class:`Note` of kind
    ``resolution``.

    A principal point inside the image at 2 or 3 times its centre, with neither binning
    nor a roi set (``ratios`` :data:`_WHOLE_RATIOS`), is read so too (session 37: only
    warned, "calibrated at another resolution?", and every pose scaled and shifted: the
    red ball 0.3 m off at 640x480 beside a 1280x960 K). A centred crop of the full sensor
    that gives no roi (a camera's crop mode, a digital zoom; REP 104 has the driver give
    the roi) puts the principal point at the same place and no field tells the two apart:
    its focal lengths are the full camera's and its principal point shifted by the crop's
    offset, ``(s - 1) / 2`` times the size. The note names the other reading and the
    ``image_from_camera_info`` parameter; with ``crop`` (its ``centre_crop``) the matrix is
    read as the crop's (helper-h129's brief, item 7: read divided by ``s`` before, every
    pose at ``s`` times its distance from the optical axis and depth alike wrong).

    :param intr: :class:`Intrinsics` in pixels, size > 0.
    :param notes: a list, or None.
    :param ratios: the ratios ``s`` may take.
    :param crop: read it as a centred crop of the camera ``s`` times the image's size.
    :return: :class:`Intrinsics` or None (no such ``s``).
    """
    w, h = intr.width, intr.height
    if w < 2 or h < 2:
        return None
    mid = np.array([(w - 1) / 2, (h - 1) / 2])
    estimate = float(np.dot([intr.cx, intr.cy], mid) / np.dot(mid, mid))
    ratio = min(ratios, key=lambda r: abs(r - estimate))
    if abs(ratio - estimate) > _RESOLUTION_RATIO_FIT * ratio:
        return None
    scaled = Intrinsics(intr.fx / ratio, intr.fy / ratio, intr.cx / ratio, intr.cy / ratio,
                        w, h)
    if not centred(scaled, w, h):
        return None
    cropped = Intrinsics(intr.fx, intr.fy, intr.cx - (ratio - 1) * w / 2,
                         intr.cy - (ratio - 1) * h / 2, w, h)
    where = 'far outside' if _far_outside(intr) else 'off the centre of'
    said = (f'camera_info camera matrix (fx {intr.fx:g}, cx {intr.cx:g}, cy {intr.cy:g}) puts '
            f'the principal point {where} its {w}x{h} image, at {ratio:g} times the centre on '
            f'both axes: the camera matrix of {ratio:g} times this resolution')
    if crop:
        _say(notes, 'resolution', f'{said}, and image_from_camera_info is centre_crop: read '
             f'as the centred {w}x{h} crop of that camera (fx {cropped.fx:.6g}, cx '
             f"{cropped.cx:.6g}, cy {cropped.cy:.6g}): give the crop's roi in the driver's "
             'camera_info (REP 104)')
        return cropped
    _say(notes, 'resolution', f'{said} (orbbec/OrbbecSDK_ROS1#7); read divided by {ratio:g} '
         f'(fx {scaled.fx:.6g}, cx {scaled.cx:.6g}, cy {scaled.cy:.6g}), the same field of '
         'view; if the image is a centred crop of that camera (a crop mode without roi: '
         'focal lengths as given), set image_from_camera_info:=centre_crop. Fix the '
         "driver's camera_info")
    return scaled


def raw_camera_matrix(k, width, height, crop=False):
    """Return the raw (distorted) camera's ``K`` as the node reads camera_info: 3x3 float64.

    What :func:`camera_info_to_intrinsics` reads ``P`` and ``K`` as, the rectification
    maps must read ``K`` as too: written column-major, it is transposed back
    (:func:`camera_matrix_layout_note`); in fractions of the image size, it is read in
    pixels (:func:`in_pixels`). Before, the maps took ``K`` as written: a transposed one
    put the principal point at the image corner and smeared the image (466 px at its
    border) while the pose read it rightly.

    :param k: CameraInfo.K (9 floats).
    :param width: the image width it is read for (px; the image's where camera_info
        gives 0).
    :param height: its height (px).
    :param crop: read a camera matrix of a whole multiple of the image's size as a centred
        crop's, as :func:`camera_info_to_intrinsics` does under the same ``crop``.
    :return: (3, 3) float64; as written (reshaped) where it is no camera matrix at all,
        for :func:`~clip_perception.rectify.make_rectifier` to say why.
    """
    m = np.array(_row_major(k, 3, 3)[0], dtype=np.float64).reshape(-1)
    if m.size != 9:
        return m
    turned = _turned_top_down(m, 3, width, axis=0) if width > 1 else None
    m = m if turned is None else turned  # columns right to left: as the pose reads
    turned = _turned_top_down(m, 3, height) if height > 1 else None
    m = (m if turned is None else turned).reshape(3, 3)  # rows bottom-up: as the pose reads
    try:
        read = in_pixels(Intrinsics.from_k(m.ravel(), width, height))
    except (ValueError, MessageError):
        return m
    if width > 0 and height > 0 and _far_outside(read):
        read = _of_a_larger_resolution(read, None, crop=crop) or read
    elif width > 0 and height > 0 and not centred(read, width, height):
        read = _of_a_larger_resolution(read, None, _WHOLE_RATIOS, crop) or read
    m[0, 0], m[1, 1], m[0, 2], m[1, 2] = read.fx, read.fy, read.cx, read.cy
    return m


def with_image_size(intrinsics, width, height, notes=None):
    """Give a camera_info that states no size the colour image's, checked as if it did.

    Drivers without a calibration publish ``CameraInfo`` with ``width`` and ``height`` 0
    (ros-drivers/gscam#104, ros-drivers/usb_cam#26, willdzeng/zed_cpu_ros#33: "otherwise
    set to 0"), some beside a ``K`` they do fill. Its camera matrix is read for the image
    it comes with, and every check a sized camera_info gets applies at that size: units
    (:func:`in_pixels`), the principal point's place; before, a camera matrix in fractions
    of the image or in millimetres, or a principal point far outside the image, was used
    as given whenever the size was 0.

    :param intrinsics: :class:`Intrinsics` of size 0x0
        (:func:`camera_info_to_intrinsics` of a message without a size).
    :param width: the colour image's width (px, > 0).
    :param height: the colour image's height (px, > 0).
    :param notes: a list, or None: as :func:`in_pixels`.
    :return: :class:`Intrinsics` of ``width`` x ``height`` pixels.
    :raises MessageError: as :func:`in_pixels`, or a principal point more than half the
        image outside it (kind ``invalid``); a bad size (kind ``size``).
    """
    _check_size(height, width, 'camera_info at the image size')
    intr = Intrinsics(intrinsics.fx, intrinsics.fy, intrinsics.cx, intrinsics.cy,
                      int(width), int(height))
    return _checked_in_pixels(intr, notes)


# Widest field of view (degrees, across either side) of a focal length in pixels: a
# pinhole image wider than this is no camera's (fisheye lenses are calibrated to a pinhole
# P of about a third of the image width, 113 degrees). A focal length that gives more is
# not in pixels: millimetres (a lens of 1.9-8 mm), or a fraction of the image size.
MAX_FIELD_OF_VIEW_DEG = 170.0
# Narrowest field of view (degrees, across a side of at least _MIN_JUDGED_SIDE px) of a
# focal length in pixels. A 600 mm telephoto on a full-frame sensor sees 3.4 degrees
# across, a 300 mm lens on a 1" machine-vision sensor 2.5; a focal length that gives
# less is not the camera's: one computed with the pixel size in other units than the
# lens's (fx = focal length / pixel size: 8 mm over 3.75 um taken as 3.75e-6 mm gives
# 2.1e6 px; YuhuaXu/StereoDataset#9 states the formula), or scaled by 100 or 1000
# (helper-h152's open edge: fx 1e9 was read, every ray along the optical axis).
MIN_FIELD_OF_VIEW_DEG = 1.0
# Sides shorter than this are not judged by it: a line-scan camera's one row has any
# focal length across it.
_MIN_JUDGED_SIDE = 16
# A principal point in fractions of the image size lies this close to 0.5 on both axes
# (a fifth of the image, as principal_point_note allows a pixel one).
_NORMALISED_CENTRE = 0.2
# Most two focal lengths of one camera differ (pixels are square to about 1%).
_SQUARE_PIXELS = 0.05


def in_pixels(intrinsics, notes=None):
    """Return ``intrinsics`` in pixels, reading a camera matrix in other units, or raise.

    sensor_msgs/CameraInfo ``K`` and ``P`` are pixels. Drivers and bridges have published
    them otherwise: the principal point in normalised image coordinates, 0 to 1, beside
    focal lengths in pixels (ifm/ifm3d-ros2#18, an O3R camera); all four as fractions of
    the image size, ``[fx/w, fy/h, cx/w, cy/h]`` (lmb-freiburg/lmbspecialops#2: what
    learning code and renderers keep); the focal length in millimetres
    (robotology/yarp#1956). Read as pixels, the optical axis sits at the image corner or
    every ray fans out at nearly 90 degrees, and poses land metres off.

    A principal point within :data:`_NORMALISED_CENTRE` of (0.5, 0.5) of an image at
    least 16 px a side is in fractions of it (a pixel one there is the image corner): it
    is read as ``cx * w - 0.5`` (pixel centres at integers, as image_geometry counts).
    Focal lengths that give a field of view over :data:`MAX_FIELD_OF_VIEW_DEG` across
    both sides are not pixels: beside a fractional principal point they are fractions
    too, read per axis (``fx * w``, ``fy * h``) or both by the width, whichever gives
    square pixels;
    otherwise (millimetres, or fractions that give neither) they cannot be read.

    :param intrinsics: :class:`Intrinsics` as the message gives it (size > 0).
    :param notes: a list, or None; a :class:`Note` of kind ``units`` is appended when
        anything was read in pixels from fractions.
    :return: :class:`Intrinsics` in pixels (``intrinsics`` itself when they are).
    :raises MessageError: kind ``invalid``: focal lengths that are not pixels and cannot
        be read as fractions of the image.
    """
    fx, fy, cx, cy = intrinsics.fx, intrinsics.fy, intrinsics.cx, intrinsics.cy
    w, h = intrinsics.width, intrinsics.height
    fractional = min(w, h) >= 16 and abs(cx - 0.5) <= _NORMALISED_CENTRE and \
        abs(cy - 0.5) <= _NORMALISED_CENTRE
    half = math.tan(math.radians(MAX_FIELD_OF_VIEW_DEG / 2))
    # Judged on both axes: a 1x640 line of pixels may have any focal length across it.
    narrow = fx * half >= w / 2 or fy * half >= h / 2
    said = f'(fx {fx:g}, fy {fy:g}, cx {cx:g}, cy {cy:g})'
    if narrow and not fractional:
        _check_not_too_narrow(fx, fy, w, h, said)
        return intrinsics
    if not narrow:
        reading = [(fx * w, fy * h), (fx * w, fy * w)] if fractional else []
        square = [f for f in reading if abs(f[0] / f[1] - 1) <= _SQUARE_PIXELS]
        if not square:
            view = 2 * math.degrees(math.atan(w / 2 / fx))
            raise MessageError('invalid', f'camera_info camera matrix {said} is not in '
                               f'pixels: a focal length of {fx:g} px gives a {view:.1f} '
                               f'degree view across {w} px, which no pinhole camera has (a '
                               'lens focal length in millimetres?); K and P are pixels '
                               '(fx = focal length / pixel size): using no camera_info')
        fx, fy = square[0]
    if fractional:
        cx, cy = cx * w - 0.5, cy * h - 0.5
    _check_not_too_narrow(fx, fy, w, h, said)
    if notes is not None:
        what = 'principal point is' if narrow else 'principal point and focal lengths are'
        notes.append(Note('units', f'camera_info camera matrix {said}: its {what} in '
                          'fractions of the image size, not pixels; read as fx '
                          f'{fx:g}, fy {fy:g}, cx {cx:g}, cy {cy:g} px for the {w}x{h} image '
                          '(sensor_msgs/CameraInfo K and P are pixels: fix the publisher)'))
    return Intrinsics(fx, fy, cx, cy, w, h)


def _check_not_too_narrow(fx, fy, w, h, said):
    """Raise when a focal length gives a field of view under :data:`MIN_FIELD_OF_VIEW_DEG`.

    :param fx: focal lengths in pixels, as read (their sign aside).
    :param w: the image's size in pixels; a side under :data:`_MIN_JUDGED_SIDE` is not
        judged.
    :param said: the camera matrix as the message gives it, for the reason.
    :raises MessageError: kind ``invalid``.
    """
    for f, size, axis in ((fx, w, 'fx'), (fy, h, 'fy')):
        if size < _MIN_JUDGED_SIDE:
            continue
        view = 2 * math.degrees(math.atan(size / 2 / abs(f))) if f else 180.0
        if view < MIN_FIELD_OF_VIEW_DEG:
            raise MessageError('invalid', f'camera_info camera matrix {said}: {axis} {f:g} px '
                               f'gives a {view:.2g} degree view across {size} px, narrower '
                               f'than any lens (under {MIN_FIELD_OF_VIEW_DEG:g} degree; a 600 '
                               'mm telephoto on a full-frame sensor sees 3.4): every ray would '
                               'run along the optical axis and every pose land on it. A focal '
                               'length computed with the pixel size in other units than the '
                               "lens's (fx = focal length / pixel size, both in mm), or "
                               'scaled by 100 or 1000? K and P are pixels: using no '
                               'camera_info')


# How close fy / fx must come to height / width (relative) for a camera_info to be one
# field of view spread over both sizes (one_field_of_view_note), and how far from square
# the image must be for that to mean anything.
_ONE_FOV_FIT = 0.002
_ONE_FOV_MIN_ASPECT = 0.05


def one_field_of_view_note(intrinsics):
    """Say that a camera_info's ``fy / fx`` is its image's ``height / width``, or None.

    A simulator plugin that derives both focal lengths from one field of view, each over
    its own axis's size (``f = size / 2 / tan(fov / 2)``), publishes pixels that are not
    square by exactly the image's aspect ratio: webots_ros2's RangeFinder and camera gave
    the vertical focal length from the horizontal field of view over the height
    (cyberbotics/webots_ros2#722: "point clouds are skewed"), and a vertical field of
    view (Unity's ``Camera.fieldOfView``, PyBullet's) spread over the width does the same.
    Read as given, pixels are ``h / w`` as tall as wide: crops are cut for that and every
    pose is stretched along one image axis (a 1280x720 view: 1.78 times along y). No
    frame tells which focal length is right, so the camera_info is used as given and this
    line says so. Real non-square pixels are never exactly the image's aspect ratio.

    :param intrinsics: :class:`Intrinsics` with a size (0 gives None).
    :return: one line (str) or None.
    """
    w, h = intrinsics.width, intrinsics.height
    if w <= 0 or h <= 0 or abs(h / w - 1) < _ONE_FOV_MIN_ASPECT:
        return None
    ratio = intrinsics.fy / intrinsics.fx
    if abs(ratio / (h / w) - 1) > _ONE_FOV_FIT:
        return None
    return (f"camera_info fy / fx is {ratio:.4g}, the {w}x{h} image's height / width: "
            'both focal lengths taken from one field of view over their own sizes, as a '
            'simulator plugin did (cyberbotics/webots_ros2#722: fy from the horizontal field '
            'of view over the height; a vertical one, as Unity and PyBullet give it, over '
            f'the width)? Pixels are read as {ratio:.3g} as tall as wide, so crops and poses '
            f'are stretched along one image axis by that ratio; if the pixels are square, '
            f'publish fx = fy (fx {intrinsics.fx:g} for a horizontal field of view, fy '
            f'{intrinsics.fy:g} for a vertical one)')


def principal_point_note(intrinsics, roi_set=False):
    """Return why a camera_info's principal point looks like another resolution's, or None.

    A real camera's principal point lies near the image centre (a few percent off). One
    more than a fifth of the image from it, with no region of interest to explain it, is
    most often the camera matrix of another resolution beside this image's width and
    height: a driver streaming 640x480 that loads the calibration of its 1280x960 mode,
    a resize that rewrites the size but not K. Every size check passes, and poses are
    shifted and scaled across the image (21 cm at 0.8 m in the field repro).

    :param intrinsics: :class:`Intrinsics` of the published image (size > 0).
    :param roi_set: the camera_info sets a region of interest (it moves the point).
    :return: one line naming the point, the centre and the likely resolution, or None.
    """
    w, h = intrinsics.width, intrinsics.height
    cx, cy = intrinsics.cx, intrinsics.cy
    if roi_set or w <= 0 or h <= 0 or centred(intrinsics, w, h):
        return None
    text = (f'camera_info principal point ({cx:g}, {cy:g}) is far from the centre '
            f'({(w - 1) / 2:g}, {(h - 1) / 2:g}) of its {w}x{h} image')
    sx, sy = (cx + 0.5) / (w / 2), (cy + 0.5) / (h / 2)
    if sx > 0 and sy > 0 and abs(sx / sy - 1) < 0.15:
        s = (sx + sy) / 2
        text += (f': K and P look like those of the camera at {round(w * s)}x'
                 f'{round(h * s)} (calibrated at another resolution?)')
    return text + ('; poses are shifted and scaled across the image: publish the '
                   "camera_info of this image's resolution")


def camera_info_size_note(width, height, binning_x=0, binning_y=0, roi=(0, 0, 0, 0)):
    """Say how binning or a region of interest made a camera_info's size, or ''.

    For a size mismatch: "camera_info says 320x240" is what binning made of a message
    that says 640x480; a driver that bins and also gives the binned size (against
    sensor_msgs/CameraInfo: width, height and K are the unbinned camera's) is named so.
    """
    bx, by = max(int(binning_x), 1), max(int(binning_y), 1)
    parts = []
    if any(int(v) for v in roi[2:]):
        parts.append(f'roi {int(roi[2])}x{int(roi[3])}+{int(roi[0])}+{int(roi[1])}')
    if bx > 1 or by > 1:
        parts.append(f'binning {bx}x{by}')
    if not parts:
        return ''
    return (f'camera_info gives {width}x{height} with {" and ".join(parts)}; '
            "sensor_msgs/CameraInfo: width, height and K are the full, unbinned camera's, "
            'and binning and roi are applied to them (a driver that bins should not '
            'also give the binned size)')


def _homogeneous_scale(a, rows, cols):
    """Return ``s`` when ``a`` is ``s`` times a camera matrix, else 1.0.

    A camera matrix is defined up to scale (it maps rays to homogeneous pixels), and one
    taken from a decomposed projection matrix keeps the decomposition's scale and sign
    (yxlao/camtools#15: "normalize by K[2, 2] when decomposing P"; RQ decomposition gives
    K up to the sign of each column). Its last row (last column, written column-major)
    is then ``[0, 0, s]`` (``[0, 0, s, 0]`` for ``P``) with ``s`` not 1: read as is, the
    focal lengths and principal point are ``s`` times the camera's (``s = 2`` put the
    principal point of a 640x480 camera at its corner, 639, 479; ``s = -1`` was refused
    as non-positive focal lengths).

    :param a: ``rows * cols`` finite floats (flat).
    :return: float; 1.0 when the last row and last column are no scaled ``[0, 0, s]``,
        or ``s`` is 0.
    """
    for line in (a[-cols:], a.reshape(cols, rows).T[-1]):
        if line[2] != 0 and not np.any(np.delete(line, 2)):
            return float(line[2])
    return 1.0  # (a scale whose division overflows is left to _row_major's caller)


def _row_major(m, rows, cols):
    """Return ``(matrix, transposed)``: ``m`` as the row-major camera matrix it holds.

    A camera matrix's last row is ``[0, 0, 1]`` (``[0, 0, 1, 0]`` for ``P``). One whose
    last column is that instead, and whose last row is not, was written column-major
    (filled from an Eigen or OpenGL matrix): it is transposed back. One that is a
    multiple of a camera matrix is divided by its scale (:func:`_homogeneous_scale`).

    :param m: ``rows * cols`` floats (anything else is returned as given).
    :return: ``(rows * cols floats or m, bool)``.
    """
    a = np.asarray(m, dtype=np.float64).reshape(-1)
    if a.size != rows * cols or not np.all(np.isfinite(a)):
        return m, False
    scale = _homogeneous_scale(a, rows, cols)
    if scale != 1.0:
        with np.errstate(over='ignore', under='ignore'):
            unscaled = a / scale
        if np.all(np.isfinite(unscaled)):  # else as written, refused by its checks
            a = m = unscaled
    last = np.zeros(cols)
    last[2] = 1.0
    if np.allclose(a[-cols:], last, atol=1e-9):
        return m, False
    t = a.reshape(cols, rows).T
    if np.allclose(t[-1], last, atol=1e-9) and t[0, 0] > 0 and t[1, 1] > 0:
        return t.reshape(-1), True
    return m, False


def camera_matrix_scale_note(k, p=()):
    """Say that a camera_info's ``K`` or ``P`` is a multiple of a camera matrix, or None.

    :func:`camera_info_to_intrinsics` reads it divided by its scale
    (:func:`_homogeneous_scale`); this names it, for the node to warn once.

    :return: one line, or None when both are unscaled (or unset, or not finite).
    """
    said, zero = [], []
    for name, m, rows, cols in (('K', k, 3, 3), ('P', p, 3, 4)):
        a = np.asarray(m, dtype=np.float64).reshape(-1)
        if a.size == rows * cols and np.all(np.isfinite(a)):
            scale = _homogeneous_scale(a, rows, cols)
            if scale != 1.0:
                said.append(f'{name} (its element [2, 2] is {scale:g})')
            elif not np.any(a[-cols:]) and a[0] > 0 and a[cols + 1] > 0:
                zero.append(name)
    if zero:
        # A matrix built from zeros with the 1 left out (Visual-Behavior/aloception-oss#146:
        # "the last element of the diagonal ... was 0 but it should be 1"): its focal
        # lengths and principal point are read as written, as image_geometry reads them.
        return (f'camera_info {" and ".join(zero)} has a last row of zeros, where a camera '
                'matrix has 0, 0, 1 (the 1 left out when it was filled): read with its '
                'focal lengths and principal point as written; publish element [2, 2] as 1')
    if not said:
        return None
    return (f'camera_info {" and ".join(said)} is a multiple of a camera matrix, whose '
            'last row is 0, 0, 1 (a K or P taken from a decomposed projection matrix keeps '
            "the decomposition's scale): read divided by it; publish it normalised")


def camera_matrix_layout_note(k, p=()):
    """Say that a camera_info's ``K`` or ``P`` is written column-major, or return None.

    sensor_msgs/CameraInfo ``K`` and ``P`` are row-major; drivers that filled them from a
    column-major matrix published them transposed (aditof_sdk, image_undistort, morse):
    ``cx, cy`` in ``K[6], K[7]`` and ``K[2] = K[5] = 0``, read as a principal point at the
    image corner (poses 0.6 m off in the field repro). :func:`camera_info_to_intrinsics`
    reads them transposed back; this names it.

    :return: one line, or None when both are row-major (or unset).
    """
    which = [name for name, m, r, c in (('K', k, 3, 3), ('P', p, 3, 4))
             if _row_major(m, r, c)[1]]
    if not which:
        return None
    return (f'camera_info {" and ".join(which)} {"is" if len(which) == 1 else "are"} written '
            'column-major (transposed: cx, cy where the last row should be 0, 0, 1); '
            'sensor_msgs/CameraInfo matrices are row-major: read transposed back, but fix '
            'the publisher')


# What a camera_info of all zeros is (helper-h152's brief): the one a driver publishes
# for a camera it has no calibration of -- usb_cam and uvc_camera without a
# camera_info_url, or with a calibration file they could not open (ros-drivers/usb_cam
# #26: "the camera_info message being published by the driver is all zeros"; #130, #373),
# camera_aravis2 by design (FraunhoferIOSB/camera_aravis2#47). It was refused as
# "non-positive focal lengths fx=0.0, fy=0.0", which said nothing of the cause or the fix.
UNCALIBRATED_NOTE = (': K and P all zero are what a driver publishes for a camera it has no '
                     'calibration of (usb_cam, uvc_camera or camera_aravis2 without a '
                     'camera_info_url, or with a calibration file it could not open): '
                     'calibrate it (ros2 run camera_calibration cameracalibrator) and give '
                     'the driver the file as camera_info_url; until then frames are '
                     'answered without a pose')


def _camera_matrix(k, p, width, height, size=None, notes=None):
    """:class:`Intrinsics` from ``P``'s left 3x3, else ``K`` (no ROI, binning).

    ``P`` whose principal point lies far from the centre of the ``size`` image
    (:func:`centred`) beside a ``K`` whose principal point is near it is ``P`` of
    another resolution, or one left at a default: ``K`` is used and a :class:`Note` of
    kind ``projection`` is appended to ``notes``. gz-sim#705: a Gazebo camera at 640x480
    published ``P`` of the default 320x240 camera (fx 277, cx 160, cy 120) beside a ``K``
    that fitted; read from ``P``, every pose was shifted and scaled across the image,
    and /diagnostics blamed "K and P". Rectification moves the principal point by a few
    percent, never a fifth of the image, so ``P`` of a rectified image is never replaced.

    :param size: ``(width, height)`` of the image the matrix is for, or None: not judged.
    """
    k, p = _row_major(k, 3, 3)[0], _row_major(p, 3, 4)[0]
    k, p = _columns_read_left_to_right(k, p, size[0] if size else width, notes)
    k, p = _rows_read_top_down(k, p, size[1] if size else height, notes)
    try:
        if not p_is_unset(p):
            pm = np.asarray(p, dtype=np.float64).reshape(3, 4)
            from_p = Intrinsics.from_k(pm[:, :3].ravel(), width, height)
            return from_p if size is None else _k_if_p_misfits(k, from_p, size, notes)
        return Intrinsics.from_k(k, width, height)
    except ValueError as exc:
        hint = ' (P is unset too)' if len(p) == 12 else ''
        if not np.any(np.asarray(k, dtype=np.float64)) and p_is_unset(p):
            hint += UNCALIBRATED_NOTE
        raise MessageError('invalid', f'camera_info is unusable: {exc}{hint}') from None


def _turned_top_down(m, cols, height, axis=1):
    """``m`` (row-major, 3 x ``cols``) of rows counted bottom-up read for the rows top-down.

    :param height: the image's extent along ``axis`` (px).
    :param axis: 1: rows (``fy < 0`` beside ``fx > 0``); 0: columns counted right to left
        (``fx < 0`` beside a non-zero ``fy``), read for them left to right with ``width``
        as ``height``.
    :return: the matrix as a flat float64 array, or None when ``m`` is no camera matrix
        with that sign (last row ``[0, 0, 1]``, then zeros).
    """
    a = np.asarray(m, dtype=np.float64).reshape(-1)
    if a.size != 3 * cols or not np.all(np.isfinite(a)):
        return None
    a = a.reshape(3, cols).copy()
    last = np.zeros(cols)
    last[2] = 1.0
    other = a[0, 0] > 0 if axis == 1 else a[1, 1] != 0
    if not (a[axis, axis] < 0 and other and np.allclose(a[2], last, atol=1e-9)):
        return None
    # Row (column) v of the published image is row height - 1 - v of the upright one.
    a[axis] = -a[axis]
    a[axis, 2] += height - 1
    return a.reshape(-1)


def _columns_read_left_to_right(k, p, width, notes):
    """Return ``(k, p)`` of an image whose columns run right to left, read for them turned.

    A camera matrix whose ``fx`` is negative says that image columns count leftwards: the
    image is mirrored left-right (a renderer or a camera in mirror mode that says so in its
    camera_info). It was refused as "non-positive focal lengths", and the frames answered
    in 2D only. As :func:`_rows_read_top_down` reads a negative ``fy``, it is read as the
    camera matrix of the image with its columns turned left to right (``fx -> -fx``,
    ``cx -> width - 1 - cx``, ``Tx -> -Tx``); the node turns the frames' columns (colour
    and depth, :func:`columns_turned_left_to_right`), and a :class:`Note` of kind
    ``columns_right_to_left`` is appended to ``notes``: the rays, so the poses in the
    header's frame, are the same. Both negative is a half turn: columns, then rows.

    :param k: row-major ``K`` (9 floats), :param p: row-major ``P`` (12, or none).
    :param width: the image width (px); 1 or less: nothing is read (no size known).
    :return: ``(k, p)``, each as given or turned.
    """
    if width <= 1:
        return k, p
    k, p, said, (fx, cx) = _camera_matrices_turned(k, p, width, 0)
    if said is not None and notes is not None:
        notes.append(Note('columns_right_to_left', f'camera_info {said} has a negative fx '
                          f'({-fx:g}): the image columns run right to left (the image is '
                          'mirrored left-right); colour and depth are read with their '
                          f'columns turned left to right, and {said} for that image (fx '
                          f'{fx:g}, cx {cx:g}): poses are in the same frame; ~/debug_image '
                          'and the boxes are in the turned image, and "left" and "right" in '
                          'commands are as seen in it. Publish the image unmirrored with a '
                          'positive fx'))
    return k, p


def _camera_matrices_turned(k, p, extent, axis):
    """Return ``K`` and ``P`` read for the image turned along ``axis``, and what says so.

    :param extent: the image's size along ``axis`` (px).
    :param axis: 1 rows, 0 columns (:func:`_turned_top_down`).
    :return: ``(k, p, said, (focal, centre))``: each matrix turned or as given; ``said``
        ``'P'``, ``'K'`` (P unset) or None (no matrix in use is turned); the focal length
        and principal point of that matrix along ``axis`` once turned (None, None without).
    """
    turned_k, turned_p = (_turned_top_down(k, 3, extent, axis),
                          _turned_top_down(p, 4, extent, axis))
    said = 'P' if turned_p is not None else None
    if turned_p is None and p_is_unset(p) and turned_k is not None:
        said = 'K'
    cols = 4 if said == 'P' else 3
    used = turned_p if said == 'P' else turned_k
    read = (None, None) if said is None else (used[axis * cols + axis], used[axis * cols + 2])
    return ((k if turned_k is None else turned_k), (p if turned_p is None else turned_p),
            said, read)


def columns_turned_left_to_right(rgb, depth=None):
    """Return ``(rgb, depth)`` with their columns in the other order (mirrored back).

    For frames whose camera_info has a negative fx (:func:`_columns_read_left_to_right`).

    :param rgb: (H, W, 3) uint8.
    :param depth: (h, w) float32 metres, or None.
    :return: C-contiguous copies (``depth`` None stays None).
    """
    turned = np.ascontiguousarray(rgb[:, ::-1])
    return turned, (None if depth is None else np.ascontiguousarray(depth[:, ::-1]))


def _rows_read_top_down(k, p, height, notes):
    """Return ``(k, p)`` of an image whose rows run bottom-up, read for it turned top-down.

    A camera matrix whose ``fy`` is negative (``fx`` positive) says that image rows count
    upwards: the first row is the bottom one, as OpenGL's ``glReadPixels`` and the
    renderers built on it return a frame (CoppeliaRobotics/simROS#9: CoppeliaSim's vision
    sensor images published upside down; Unity and Blender readbacks). Such a ``K`` was
    refused as "non-positive focal lengths", and the frames answered in 2D only. It is
    read as the camera matrix of the image with its rows turned top-down (``fy -> -fy``,
    ``cy -> height - 1 - cy``, ``Ty -> -Ty``), the node turns the frames' rows (colour and
    depth, :func:`rows_turned_top_down`), and a :class:`Note` of kind ``rows_bottom_up``
    is appended to ``notes``: the rays, so the poses in the header's frame, are the same.

    :param k: row-major ``K`` (9 floats), :param p: row-major ``P`` (12, or none).
    :param height: the image height (px); 1 or less: nothing is read (no size known).
    :return: ``(k, p)``, each as given or turned.
    """
    if height <= 1:
        return k, p
    k, p, said, (fy, cy) = _camera_matrices_turned(k, p, height, 1)
    if said is not None and notes is not None:
        notes.append(Note('rows_bottom_up', f'camera_info {said} has a negative fy '
                          f'({-fy:g}): the image rows run bottom-up '
                          "(the first row is the image's bottom, as an OpenGL, Unity or "
                          'CoppeliaSim readback gives it); colour and depth are read with '
                          f'their rows turned top-down, and {said} for that image (fy '
                          f'{fy:g}, cy {cy:g}'
                          '): poses are in the same frame; ~/debug_image and the boxes are '
                          'in the turned image. sensor_msgs/Image rows run top-down: turn '
                          'them in the publisher'))
    return k, p


def rows_turned_top_down(rgb, depth=None):
    """Return ``(rgb, depth)`` with their rows in the other order (the image turned over).

    For frames whose rows run bottom-up (:func:`_rows_read_top_down`, or the node's
    ``image_rows:=bottom_up``): a vertical flip, not a half turn, which would mirror left
    and right as well.

    :param rgb: (H, W, 3) uint8.
    :param depth: (h, w) float32 metres, or None.
    :return: C-contiguous copies (``depth`` None stays None).
    """
    turned = np.ascontiguousarray(rgb[::-1])
    return turned, (None if depth is None else np.ascontiguousarray(depth[::-1]))


def _k_if_p_misfits(k, from_p, size, notes):
    """``from_p``, or ``K`` read at its size when only ``K`` fits the ``size`` image."""
    try:
        from_k = Intrinsics.from_k(k, from_p.width, from_p.height)
    except ValueError:  # K unset (some drivers fill only P): P it is
        return from_p
    if centred(from_p, *size) or not centred(from_k, *size):
        return from_p
    if notes is not None:
        w, h = size
        notes.append(Note('projection', f'camera_info P (fx {from_p.fx:g}, fy {from_p.fy:g}, '
                          f'cx {from_p.cx:g}, cy {from_p.cy:g}) does not fit its {w}x{h} '
                          'image (its principal point is far from the centre: P of another '
                          'resolution, or left at a default) but K (fx '
                          f'{from_k.fx:g}, fy {from_k.fy:g}, cx {from_k.cx:g}, cy '
                          f"{from_k.cy:g}) does: using K; P's left 3x3 is the camera matrix "
                          "of the image as published (K's for an undistorted camera): fix "
                          'the publisher'))
    return from_k


# Farthest a real camera's principal point lies from its image centre, as a fraction of
# the image size on each axis (a few percent in practice; principal_point_note).
_OFF_CENTRE = 0.2


def centred(intrinsics, width, height):
    """Whether the principal point lies within :data:`_OFF_CENTRE` of the image centre.

    :param width: width of the image the camera matrix is for (px, > 0).
    :param height: its height (px, > 0).
    :return: bool.
    """
    return (abs(intrinsics.cx - (width - 1) / 2) <= _OFF_CENTRE * width and
            abs(intrinsics.cy - (height - 1) / 2) <= _OFF_CENTRE * height)


def p_is_unset(p):
    """Return True when ``P`` (12 floats) gives no camera matrix: then ``K`` is used.

    Unset: the wrong length (none sent), a NaN or inf, or a focal length ``P[0]``,
    ``P[5]`` that is not positive (some drivers send ``P`` all zero and fill only ``K``).
    """
    p = np.asarray(p, dtype=np.float64).reshape(-1)
    return p.size != 12 or not np.all(np.isfinite(p)) or p[0] <= 0 or p[5] <= 0


def compressed_depth_to_array(fmt, data, depth_scale=DEFAULT_DEPTH_SCALE, notes=None,
                              transport='compressedDepth', clip_planes=NO_CLIP_PLANES):
    """Decode a depth ``sensor_msgs/CompressedImage`` to metres, of either transport.

    image_transport carries depth compressed in two ways, and the data tells them apart:

    * ``compressedDepth`` (``<depth>/compressedDepth``): a 12-byte header, then a 16-bit
      PNG or RVL; see :mod:`clip_perception.compressed_depth` (16UC1 integer depth and
      32FC1 quantised inverse depth).
    * ``compressed`` (``<depth>/compressed``): the image file itself, with the format
      ``"16UC1; png compressed "`` that compressed_image_transport writes for a 16-bit
      image, ``"16UC1; tiff compressed"`` (iai_kinect2's kinect2_bridge) or cv_bridge's
      bare ``"png"``. RealSense and Orbbec drivers publish depth so, and bags often hold
      only it (realsenseai/realsense-ros#2361, RayFronts/RayFronts#16; helper-47's field
      round: refused on every message as "the compressed (colour) transport?"). A
      one-channel 16-bit PNG or TIFF is 16UC1 depth (times ``depth_scale``), a 32-bit
      float TIFF 32FC1 metres (:func:`_depth_image`). A JPEG is refused: it keeps 8 bits
      a pixel, so the depth it was made from is lost.

    Data of the other transport than ``transport`` is decoded all the same, with a
    :class:`Note` of kind ``depth_transport`` naming the parameter value that fits it.

    :param depth_scale: metres per unit of 16UC1 depth (0.001: millimetres).
    :param notes: a list, or None; a :class:`Note` of kind ``compressed_format`` is
        appended when ``fmt`` is written otherwise than image_transport writes it (in
        other capitals: :func:`compressed_depth.parse_format`).
    :param transport: ``'compressedDepth'`` or ``'compressed'``: the one subscribed.
    :param clip_planes: as :func:`depth_to_array`, for a float TIFF and compressedDepth's
        32FC1 (its publisher quantises the floats it is given, ``q = A / d + B``: depth
        normalised to [0, 1] arrives so; before, it was read as metres whatever the planes
        said). Without them, 32FC1 compressedDepth ending in a plane of readings exactly
        1.0 is noted as raw 32FC1 is (:func:`_far_plane_at_one`: the publisher's 1.0
        decodes to exactly 1.0).
    :return: (H, W) float32 metres, NaN = no reading.
    :raises MessageError: wrong format, a JPEG, colour or 8-bit image, corrupt or
        oversized payload.
    """
    if len(data) > MAX_COMPRESSED_BYTES:
        raise MessageError('size', f'compressed depth is {len(data)} bytes; the limit is '
                           f'{MAX_COMPRESSED_BYTES}')
    raw = bytes(data)
    if not raw:
        raise MessageError('corrupt', empty_compressed_note('compressed depth', fmt))
    decoded = _depth_from_base64_text(fmt, raw)
    if decoded is not None:
        raw = data = decoded
        if notes is not None:
            notes.append(Note('compressed_base64', f'compressed depth (format "{fmt}") holds '
                              'the base64 text of its data, not its bytes: decoded from '
                              'base64 (a web client or bridge that sent uint8[] as text, '
                              'RobotWebTools/rosbridge_suite#1086); send the bytes'))
    said, ranges, other, floating = [], [], None, False
    what = f'compressed depth "{fmt}"'
    if _image_signature(raw[:16]) is not None:
        depth = _depth_image(fmt, raw, depth_scale, notes, clip_planes)
        if transport != 'compressed':
            other = 'compressed'
    else:
        scale = integer_depth_scale(depth_scale, clip_planes)  # of a 16UC1 payload
        try:
            depth = compressed_depth.decode(fmt, data, MAX_SIDE, MAX_PIXELS, scale, said,
                                            ranges)
        except compressed_depth.CompressedDepthError as exc:
            try:
                depth = _mislabelled_compressed_depth(fmt, raw, scale, said, exc, ranges)
            except MessageError as err:  # raw 16UC1 or 32FC1 readings, uncompressed?
                hint = raw_pixels_hint(fmt, raw, sizes=(2, 4))
                if not hint:
                    raise
                raise MessageError(err.kind, f'{err}{hint}') from None
        # 32FC1 payloads hold the publisher's floats, quantised: normalised depth stays so;
        # 16UC1 ones are d while the planes are set.
        floating = compressed_depth.depth_encoding(fmt) == '32FC1'
        if not floating:
            camera_units_under_planes(depth, clip_planes, what, notes)
        depth = normalised_depth_in_metres(depth, clip_planes, what)
        if transport != 'compressedDepth':
            other = 'compressedDepth'
    if notes is not None:
        notes.extend(Note('compressed_format', line) for line in said)
        notes.extend(Note('quantisation_range', line) for line in ranges)
        if other is not None:
            notes.append(Note('depth_transport', f'depth (format "{fmt}") arrives as image_'
                              f"transport's {other} transport, not {transport}: decoded "
                              f'as {other}; set depth_transport:={other} to say so (it '
                              f'subscribes <depth>/{other}: remap depth to the base topic)'))
    depth = _units_checked(depth, what, notes)
    if floating and not clip_planes[1]:
        _far_plane_at_one(depth, what, notes)
    if not clip_planes[1]:  # a float TIFF's too: judged by the format's FC1, as the units
        far_median_note(depth, what, notes)
    return drop_no_reading_codes(depth)


def _mislabelled_compressed_depth(fmt, raw, depth_scale, said, exc, ranges=None):
    """Metres of a compressedDepth payload under another format, or ``exc`` as refused.

    The payload decides (:func:`compressed_depth.decode_mislabelled`: a 12-byte header,
    then a PNG or RVL, under ``"16UC1; png compressed "`` is read as 16UC1 compressedDepth,
    a line in ``said``). Otherwise ``"16UC1; png compressed "`` on data that is no image and
    no compressedDepth payload either is refused saying what it is not, not "the
    compressed (colour) transport?".

    :param exc: the :class:`compressed_depth.CompressedDepthError` of reading ``raw`` as
        ``fmt`` says.
    :return: (H, W) float32 metres.
    :raises MessageError: always, unless a compressedDepth payload was read.
    """
    try:
        depth = compressed_depth.decode_mislabelled(fmt, raw, MAX_SIDE, MAX_PIXELS,
                                                    depth_scale, said, ranges)
    except compressed_depth.CompressedDepthError as err:
        raise MessageError(err.kind, str(err)) from None
    if depth is not None:
        return depth
    plain = re.search(r'\b(png|tiff?|jpe?g)\s+compressed\b', fmt or '', re.IGNORECASE)
    if plain:
        video = _video_stream(raw[:16])
        raise MessageError('corrupt', f'compressed depth (format "{fmt}") is not a readable '
                           'PNG or TIFF image' +
                           (f' (it is an {video} video stream)' if video else ''))
    raise MessageError(exc.kind, str(exc))


def _depth_image(fmt, raw, depth_scale, notes=None, clip_planes=NO_CLIP_PLANES):
    """Read a whole PNG, TIFF or JPEG file carried as depth (the ``compressed`` transport).

    :param raw: the file's bytes (opening with its signature).
    :param notes: a list, or None: a float TIFF of z written negative is read positive
        and said (:func:`negative_z_read_positive`).
    :return: (H, W) float32 metres (:func:`clip_perception.geometry.depth_to_metres`:
        NaN where it holds 0 or 65535, or a float that is no positive finite reading).
    :raises MessageError: a JPEG (8 bits, lossy), more than one channel (colour, unless
        its bytes are CARLA's depth code: :func:`depth_in_colour_bytes`) or 8 bits a
        pixel, truncated, corrupt or oversized.
    """
    codec = _image_signature(raw[:16])
    if codec == 'jpeg':
        raise MessageError('format', f'compressed depth (format "{fmt}") is a JPEG image: '
                           'JPEG keeps 8 bits a pixel and blurs them, so the depth it was '
                           "made from is lost (image_transport's compressed transport in its "
                           "jpeg format); publish depth as png (that transport's format "
                           'parameter), as compressedDepth, or raw')
    if codec in ('webp', 'avif'):  # Foxglove's colour formats: no depth encoding in them
        raise MessageError('format', f'compressed depth (format "{fmt}") is a '
                           f'{codec.upper()} image, a colour format of 8 to 12 bits a channel '
                           'that holds no depth encoding (is depth remapped to a colour '
                           'stream?); publish depth as png (16 bits), as compressedDepth, or '
                           'raw')
    size = _png_size(raw) or _tiff_size(raw)
    if size is None:
        raise MessageError('corrupt', f'compressed depth (format "{fmt}") is not a readable '
                           f'{codec.upper()} image')
    _check_size(size[1], size[0], 'compressed depth')
    if codec == 'png' and not _png_ends(raw):
        raise MessageError('corrupt', f'compressed depth (format "{fmt}") is truncated (no '
                           'end-of-image marker)')
    img = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise MessageError('corrupt', f'compressed depth (format "{fmt}") could not be '
                           'decoded (truncated or corrupt)')
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[..., 0]
    if img.ndim == 3 and img.shape[2] in (3, 4) and img.dtype == np.uint8:
        h, w, c = img.shape  # cv2 decodes to BGR(A), as a bgr8 / bgra8 image was written
        packed = depth_in_colour_bytes('bgra8' if c == 4 else 'bgr8', h, w, w * c,
                                       img.tobytes(), notes=notes, floats=False)
        if packed is not None:  # CARLA's depth code, PNG-compressed
            return depth_to_metres(packed)
    if img.ndim != 2:
        raise MessageError('encoding', f'compressed depth (format "{fmt}") is a '
                           f'{codec.upper()} image of {img.shape[2]} channels: colour, not '
                           'depth (is depth remapped to a colour stream?)')
    if img.dtype in (np.uint16, np.float32):
        img = negative_z_read_positive(img, f'compressed depth "{fmt}"', notes)
        if img.dtype == np.uint16:  # d * 65535 while the planes are set
            img = depth_to_metres(img, integer_depth_scale(depth_scale, clip_planes))
            camera_units_under_planes(img, clip_planes, f'compressed depth "{fmt}"', notes)
        img = normalised_depth_in_metres(img, clip_planes, f'compressed depth "{fmt}"')
        return depth_to_metres(img)
    raise MessageError('encoding', f'compressed depth (format "{fmt}") is {_a(codec.upper())} '
                       f'image of {img.dtype} pixels: depth is unsigned 16-bit integers '
                       '(16UC1) or 32-bit floats (32FC1)' +
                       ('; 8 bits a pixel is an image, not depth' if img.dtype == np.uint8
                        else ''))


# Most bytes a zstd-transport image may decompress to: the largest image read
# (MAX_PIXELS) at the widest pixel (rgba16, 64FC1: 8 bytes).
MAX_RAW_BYTES = MAX_PIXELS * 8


def _zstd_fields(data, what):
    """:func:`zstd_image.unpack` of ``data``, its errors as :class:`MessageError`."""
    if len(data) > MAX_COMPRESSED_BYTES:
        raise MessageError('size', f'{what} is {len(data)} bytes; the limit is '
                           f'{MAX_COMPRESSED_BYTES}')
    try:
        return zstd_image.unpack(data, MAX_RAW_BYTES)
    except zstd_image.ZstdImageError as exc:
        raise MessageError(exc.kind, str(exc)) from None


def zstd_to_rgb(data, notes=None):
    """Decode a colour image of image_transport's zstd transport into RGB.

    The message holds a raw Image's fields and its pixels, compressed
    (:mod:`clip_perception.zstd_image`); the pixels are read as a raw image is
    (:func:`image_to_rgb`: every encoding, its notes). Its ``format`` (``"zstd"``) says
    nothing more, so it is not read.

    :param data: the message's ``data`` (bytes-like).
    :param notes: a list, or None: as :func:`image_to_rgb`.
    :return: (H, W, 3) uint8 RGB, C-contiguous.
    :raises MessageError: not a zstd-transport message, a codec not installed, cut short
        or corrupt, or as :func:`image_to_rgb`.
    """
    image = _zstd_fields(data, 'zstd image')
    return image_to_rgb(image.encoding, image.height, image.width, image.step, image.data,
                        image.is_bigendian, notes)


def zstd_to_depth(data, depth_scale=DEFAULT_DEPTH_SCALE, notes=None, clip_planes=NO_CLIP_PLANES):
    """Decode a depth image of image_transport's zstd transport to metres.

    Lossless, so 16UC1 and 32FC1 depth arrive as they were sent; read as a raw depth
    image is (:func:`depth_to_array`).

    :param data: the message's ``data`` (bytes-like).
    :param depth_scale: metres per unit of 16UC1 depth (0.001: millimetres).
    :param notes: a list, or None: as :func:`depth_to_array`.
    :param clip_planes: as :func:`depth_to_array`.
    :return: (H, W) float32 metres, NaN = no reading.
    :raises MessageError: as :func:`zstd_to_rgb`, or as :func:`depth_to_array`.
    """
    image = _zstd_fields(data, 'zstd depth')
    return depth_to_array(image.encoding, image.height, image.width, image.step, image.data,
                          image.is_bigendian, depth_scale, notes, clip_planes)


def check_same_size(shape, intrinsics, what):
    """Raise if an image of ``shape`` does not match the camera_info size."""
    h, w = shape[:2]
    if (w, h) != (intrinsics.width, intrinsics.height):
        raise MessageError('mismatch', f'{what} is {w}x{h} but camera_info says '
                           f'{intrinsics.width}x{intrinsics.height}')


def _common_factor(w, h, dw, dh):
    """Return the factor ``s`` with ``dw`` = ``w / s`` and ``dh`` = ``h / s``, or None.

    Each side rounded to a pixel, as a resize or a decimation rounds it: ``|dw - w / s|``
    and ``|dh - h / s|`` at most 1 for one ``s`` (2208x1242 halved is 1104x621).
    """
    low = max(w / (dw + 1), h / (dh + 1))
    high = min(w / (dw - 1) if dw > 1 else math.inf, h / (dh - 1) if dh > 1 else math.inf)
    return None if low > high else max(w / dw, h / dh)


# Least factor an image may be scaled down from its camera_info's size by and still be
# read as that camera scaled (intrinsics_for_image): 1280x960 to 960x720 is 1.33.
MIN_INFO_SCALE = 1.25


def intrinsics_for_image(intrinsics, width, height, notes=None, crop=False):
    """Return the camera_info's :class:`Intrinsics` for an image of ``width`` x ``height``.

    A camera_info of the image's size holds as it is. One of the full camera beside an
    image scaled down from it by one factor on both axes (a decimation or a resize that
    left camera_info alone: ensenso/ros_driver#131, rectified images of 580x364 beside a
    camera_info of 1935x1215, "poses significantly off"; ros-perception/image_pipeline#119,
    decimate's camera_info not updated; realsenseai/realsense-ros#583, the decimation
    filter's) is the same camera binned by that factor: its focal lengths and principal
    point are scaled (pixel centre to pixel centre), as image_geometry applies
    ``binning``, with a :class:`Note` of kind ``info_scaled``. Before, every such frame
    was skipped, no answer at all. An image larger than its camera_info, of another
    aspect ratio, less than :data:`MIN_INFO_SCALE` or more than :data:`MAX_DEPTH_SCALE`
    times smaller (a side a pixel off is a crop or a wrong size, not a resize) is refused
    as before: nothing says how the camera made it.

    :param intrinsics: :class:`Intrinsics` read from camera_info (its binning and roi
        applied).
    :param width: the colour image's width (px).
    :param height: its height (px).
    :param notes: a list, or None.
    :param crop: the image is a centred crop of the camera_info's camera (the
        ``image_from_camera_info`` parameter's ``centre_crop``: a camera's crop mode or
        digital zoom that left camera_info alone): focal lengths as given, the principal
        point shifted by the crop's offset, ``(size - image size) / 2``, any smaller size,
        with a note of kind ``info_scaled``.
    :return: :class:`Intrinsics` of ``width`` x ``height`` px.
    :raises MessageError: kind ``mismatch``, naming both sizes.
    """
    cw, ch = intrinsics.width, intrinsics.height
    if (width, height) == (cw, ch):
        return intrinsics
    if crop and width <= cw and height <= ch:
        cropped = Intrinsics(intrinsics.fx, intrinsics.fy, intrinsics.cx - (cw - width) / 2,
                             intrinsics.cy - (ch - height) / 2, width, height)
        _say(notes, 'info_scaled', f'image is {width}x{height} but camera_info says {cw}x{ch}, '
             'and image_from_camera_info is centre_crop: read as the centred crop of that '
             f'camera, fx {cropped.fx:.1f}, fy {cropped.fy:.1f}, cx {cropped.cx:.1f}, cy '
             f"{cropped.cy:.1f} px; give the crop's roi in the driver's camera_info (REP 104)")
        return cropped
    factor = _common_factor(cw, ch, width, height)
    if factor is None or not MIN_INFO_SCALE <= factor <= MAX_DEPTH_SCALE:
        _check_not_turned(intrinsics, width, height)
        check_same_size((height, width), intrinsics, 'image')  # raises, naming both sizes
    scaled = intrinsics.scaled(width / cw, height / ch)
    scaled = Intrinsics(scaled.fx, scaled.fy, scaled.cx, scaled.cy, width, height)
    _say(notes, 'info_scaled', f'image is {width}x{height} but camera_info says {cw}x{ch}: '
         f'the same camera scaled by 1/{factor:.3g} on both axes (decimated or resized '
         'without its camera_info, which should then give binning or the new size), so its '
         f'camera matrix is scaled alike: fx {scaled.fx:.1f}, fy {scaled.fy:.1f}, cx '
         f'{scaled.cx:.1f}, cy {scaled.cy:.1f} px (a centred crop of that camera instead: set '
         'image_from_camera_info:=centre_crop); publish the camera_info of the image sent '
         '(or its binning; a crop gives its roi)')
    return scaled


def _check_not_turned(intrinsics, width, height):
    """Refuse an image whose sides are its camera_info's swapped, saying it is turned.

    A camera mounted on its side whose driver or an image_rotate node turns the image a
    quarter turn, beside the camera_info of the camera as it is (ApolloAuto/apollo#4211:
    1080x1920 beside a 1920x1080 calibration; PX4/snap_cam#3: the image rotated in the
    node). Refused as any other size (which way it was turned is not known, and the pose
    would be in a frame the header does not name), but said so: before, only "image is
    1080x1920 but camera_info says 1920x1080", leaving the swap to be seen.

    :raises MessageError: kind ``mismatch`` when ``width`` x ``height`` is the
        camera_info's size with its sides swapped (also scaled by one factor, up to
        :data:`MAX_DEPTH_SCALE`); nothing otherwise.
    """
    cw, ch = intrinsics.width, intrinsics.height
    if cw == ch or (width, height) == (cw, ch):
        return
    factor = _common_factor(ch, cw, width, height)
    if factor is None or not 1.0 <= factor <= MAX_DEPTH_SCALE:
        return
    raise MessageError('mismatch', f'image is {width}x{height} but camera_info says {cw}x{ch}'
                       ': its sides swapped, an image turned a quarter turn (a camera '
                       "mounted on its side, image_rotate, a driver's rotation) beside the "
                       "unturned camera's camera_info: publish the turned camera's camera_info "
                       '(fx and fy, cx and cy swapped as the turn moves them) and frame_id, or '
                       'send the image unturned')


def depth_to_image_size(depth, shape):
    """Bring depth registered to the colour camera at another resolution to the image size.

    ZED, OAK-D and RealSense profiles publish depth at a half or a quarter of the colour
    resolution, registered to the colour camera (same frame, same field of view). Such a
    depth is the colour image's scaled by one factor on both axes, each side rounded to a
    pixel (2208x1242 colour, 1104x621 depth). It is resampled to the image size by nearest
    neighbour, pixel centre to pixel centre: each colour pixel takes the reading of the
    depth pixel it lies in. Never interpolated: averaging a foreground and a background
    reading across an object's edge invents a point in mid-air, between the two.

    Only the sizes are compared here; whether the depth is in the colour camera's frame
    is the caller's to check (a depth of another camera is not registered at any size).

    :param depth: (h, w) float32 metres, NaN = no reading.
    :param shape: the colour image's shape, ``(H, W)`` or ``(H, W, 3)``.
    :return: ``(depth, factor)``: (H, W) float32 metres and the colour-to-depth size
        factor (2.0 for half-size depth); ``depth`` itself and 1.0 when the sizes agree.
    :raises MessageError: ``mismatch``: another aspect ratio (a depth of another camera,
        or a profile that crops), or a factor beyond :data:`MAX_DEPTH_SCALE`.
    """
    h, w = shape[:2]
    dh, dw = depth.shape[:2]
    if (dh, dw) == (h, w):
        return depth, 1.0
    factor = _common_factor(w, h, dw, dh)
    if factor is None:
        raise MessageError('mismatch', f'depth is {dw}x{dh} but the image is {w}x{h}: '
                           'another aspect ratio, so the depth is not registered to the '
                           'colour image (remap depth to the depth registered to the colour '
                           'camera, e.g. aligned_depth_to_color/image_raw)')
    if not 1 / MAX_DEPTH_SCALE <= factor <= MAX_DEPTH_SCALE:
        raise MessageError('mismatch', f'depth is {dw}x{dh} but the image is {w}x{h}: '
                           f'scaled by {factor:.3g}, more than {MAX_DEPTH_SCALE} either way')
    rows = np.minimum(((np.arange(h) + 0.5) * (dh / h)).astype(np.intp), dh - 1)
    cols = np.minimum(((np.arange(w) + 0.5) * (dw / w)).astype(np.intp), dw - 1)
    return depth[rows[:, None], cols[None, :]], w / dw


def rgb_to_image_fields(rgb):
    """RGB array -> ``(encoding, height, width, step, bytes)`` for a ``rgb8`` Image.

    Returns ``bytes``: assigning a numpy array to ``msg.data`` is ~300x slower.
    """
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w = rgb.shape[:2]
    return 'rgb8', h, w, w * 3, rgb.tobytes()


def pinhole_camera_info_fields(intrinsics):
    """``sensor_msgs/CameraInfo`` fields of the pinhole model the node posed a frame with.

    Published beside ``~/debug_image`` as ``~/camera_info``: RViz's Camera display and
    Foxglove's Image panel find an image's camera model at its sibling ``camera_info``
    topic (image_transport's ``getCameraInfoTopic``) to draw 3D markers over it, and
    found none (surfertas/ros2_ipcamera#21, "No CameraInfo received on ... Topic may not
    exist"). The debug image is the frame as the node read it: rectified here or upstream,
    or taken as pinhole, at the image's size (a camera_info of the full camera scaled to
    it), so its model is ``intrinsics`` with no distortion: ``D`` zero, ``R`` identity,
    ``K`` and ``P``'s 3x3 the camera matrix (pixels), ``P``'s Tx and Ty 0.

    :param intrinsics: :class:`~clip_perception.geometry.Intrinsics` of the published image
        (width and height in pixels, > 0).
    :return: dict of ``width``, ``height`` (int), ``distortion_model`` (``'plumb_bob'``),
        ``d`` (5 floats), ``k``, ``r`` (9 floats, row-major), ``p`` (12 floats, row-major).
    """
    fx, fy, cx, cy = (float(v) for v in (intrinsics.fx, intrinsics.fy, intrinsics.cx,
                                         intrinsics.cy))
    return {'width': int(intrinsics.width), 'height': int(intrinsics.height),
            'distortion_model': 'plumb_bob', 'd': [0.0] * 5,
            'k': [fx, 0.0, cx, 0.0, fy, cy, 0.0, 0.0, 1.0],
            'r': [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
            'p': [fx, 0.0, cx, 0.0, 0.0, fy, cy, 0.0, 0.0, 0.0, 1.0, 0.0]}


def depth_to_image_fields(depth, encoding='16UC1'):
    """Depth array -> Image fields (16UC1 uint16 mm or 32FC1 float32 m)."""
    dtype = DEPTH_ENCODINGS[encoding]
    arr = np.ascontiguousarray(depth, dtype=dtype)
    h, w = arr.shape
    return encoding, h, w, w * arr.itemsize, arr.tobytes()
