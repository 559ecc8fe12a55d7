"""What real robots send, through the running node over DDS (issue 12).

Each case comes from a public bug report against a camera or perception node: frames of
degenerate shape, encodings usb_cam and Bayer cameras send, compressedDepth, stamps and
frame ids that drivers leave empty, CameraInfo with only P, integers for doubles, and a
command repeated by ``ros2 topic pub``. Each must be answered, or refused with a reason
that /diagnostics and the log tell the truth about.
"""

import base64
import io
import os
import re
import time

from builtin_interfaces.msg import Time
import cv2
from diagnostic_msgs.msg import DiagnosticArray
from diagnostic_msgs.msg import KeyValue
import numpy as np
from PIL import Image as PILImage
import pytest
from rcl_interfaces.msg import ParameterType
from rcl_interfaces.srv import GetParameters
from rcl_interfaces.srv import SetParameters
import rclpy
from rclpy.parameter import Parameter
from rosgraph_msgs.msg import Clock
from sensor_msgs.msg import CameraInfo
from sensor_msgs.msg import CompressedImage
from sensor_msgs.msg import Image
from std_msgs.msg import Header
from std_msgs.msg import String

from clip_perception import compressed_depth
from clip_perception import zstd_image
from clip_perception.geometry import box_iou
from clip_perception.geometry import Intrinsics
from clip_perception.messages import HOST_BIG_ENDIAN
from clip_perception.tools.bags import scene_messages
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import ObjectSpec
from conftest import cached_scene
from conftest import Camera
from conftest import detections
from conftest import wait_for_node
from other_renderer import flying_pixels
from other_renderer import tabletop
from other_renderer import Thing
from test_geometry import ray_lengths
from test_messages import _ycbcr601
from test_node import bring_up
from test_node import DET
from test_node import listen_all
from test_node import obj
from test_node import POSE
from test_node import SCENE_SPECS
from test_node_process import call

SET = '/clip_perception/set_parameters'


def diag(probe):
    status = probe.messages('/diagnostics')[-1].status[0]
    return status.level[0], status.message, {kv.key: kv.value for kv in status.values}


def status_fits(probe, predicate):
    """Whether the last /diagnostics status's ``(level, message, values)`` fits."""
    return bool(probe.messages('/diagnostics')) and bool(predicate(*diag(probe)))


def wait_diag(probe, predicate, timeout=15.0):
    """Wait for a /diagnostics message whose ``(level, message, values)`` fits."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if status_fits(probe, predicate):
            return diag(probe)
        time.sleep(0.1)
    return diag(probe) if probe.messages('/diagnostics') else None


def position(msg):
    p = msg.pose.position
    return np.array([p.x, p.y, p.z])


def yuyv(rgb):
    """RGB -> packed YUV 4:2:2 in YUYV order (usb_cam's ``yuv422_yuy2``), BT.601."""
    ycc = _ycbcr601(rgb)
    u = (ycc[:, 0::2, 1] + ycc[:, 1::2, 1]) // 2
    v = (ycc[:, 0::2, 2] + ycc[:, 1::2, 2]) // 2
    return np.stack([ycc[:, 0::2, 0], u, ycc[:, 1::2, 0], v], 2).astype(np.uint8).tobytes()


def bayer_rggb(rgb):
    """RGB -> an RGGB Bayer mosaic, one byte a pixel."""
    mosaic = rgb[..., 1].copy()
    mosaic[0::2, 0::2] = rgb[0::2, 0::2, 0]
    mosaic[1::2, 1::2] = rgb[1::2, 1::2, 2]
    return mosaic.tobytes()


def nv12(rgb):
    """RGB -> NV12 (Y plane, then U, V interleaved at half resolution), an OAK's colour."""
    ycc = _ycbcr601(rgb).astype(np.uint8)
    h, w = rgb.shape[:2]
    return np.concatenate([ycc[..., 0], ycc[::2, ::2, 1:].reshape(h // 2, w)]).tobytes()


def publish(camera, scene, colour=None, depth=None, info=None, stamp_ns=None, frame_id=None):
    """Publish one frame of ``scene``; ``colour``/``depth``/``info`` edit the messages."""
    stamp_ns = camera.probe.node.get_clock().now().nanoseconds if stamp_ns is None else stamp_ns
    c, d, i = scene_messages(scene, stamp_ns)
    c, d, i = (f(m) if f else m for f, m in ((colour, c), (depth, d), (info, i)))
    for m in (c, d, i):
        if frame_id is not None and hasattr(m, 'header'):
            m.header.frame_id = frame_id
    if i is not None:
        camera.info.publish(i)
    if d is not None:
        (camera.depth_compressed if isinstance(d, CompressedImage) else camera.depth).publish(d)
    camera.image.publish(c)


def wait_subscribed(*publishers, timeout=30.0):
    """Wait until each publisher has a subscription (the node's) or ``timeout`` passes."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and min(p.get_subscription_count() for p in publishers) == 0:
        time.sleep(0.05)


def refused_colour(probe, camera, scene, colour, text):
    """Publish four frames edited by ``colour``; return the colour refusal naming ``text``."""
    for _ in range(4):
        publish(camera, scene, colour=colour)
        time.sleep(0.2)
    values = wait_diag(probe, lambda lv, m, v: text in v.get('last_refusal_colour', ''))[2]
    return values.get('last_refusal_colour', '')


def feed_until(camera, scene, predicate, timeout=40.0, period=0.25, **kwargs):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        publish(camera, scene, **kwargs)
        time.sleep(period)
        if predicate():
            return True
    return False


def assert_each_posed(probe, node, camera, scene, cases):
    """Feed ``scene`` recoded as each ``(encoding, step, data)``; each poses the red ball.

    Within 1 cm of the truth, from a fresh probe per case.
    """
    red = obj(scene, 'red', 'ball')
    for encoding, step, data in cases:
        def recode(m, encoding=encoding, step=step, data=data):
            m.encoding, m.step, m.data = encoding, step, data
            return m
        probe.clear()
        assert feed_until(camera, scene, lambda: probe.messages(POSE), colour=recode), \
            (encoding, detections(probe)[-1:], node.output())
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01, encoding


def assert_red_ball_posed(probe, node, camera, scene, **edits):
    """Feed ``scene`` (messages edited by ``edits``, as :func:`publish`) until two poses.

    The newest within 1 cm of the red ball; the probe is cleared first.
    """
    probe.clear()
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, **edits), \
        node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) -
                          obj(scene, 'red', 'ball').centre) < 0.01, edits


def test_a_degenerate_frame_is_answered_and_the_node_goes_on(probe, start_node):
    """A 1x640 frame once made image proposals 160x102400 and stalled the worker."""
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.5')
    thin = np.full((640, 1, 3), 200, np.uint8)
    header = Header(stamp=probe.node.get_clock().now().to_msg(), frame_id=scene.frame_id)
    camera.info.publish(CameraInfo(header=header, width=1, height=640,
                                   k=Intrinsics.default(1, 640).k()))
    camera.depth.publish(Image(header=header, encoding='32FC1', width=1, height=640, step=4,
                               data=np.full(640, 0.8, np.float32).tobytes()))
    camera.image.publish(Image(header=header, encoding='rgb8', width=1, height=640, step=3,
                               data=thin.tobytes()))
    assert probe.wait_for(DET, lambda m: m, 20), node.output()
    first = detections(probe)[0]
    assert first['status'] == 'not_found' and first['proposals'] == 0
    probe.clear()
    red = obj(scene, 'red', 'ball')
    assert feed_until(camera, scene, lambda: probe.messages(POSE)), node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    level, message, _ = wait_diag(probe, lambda lv, m, v: lv == 0)
    assert level == 0 and message == 'running'
    assert node.stop() == 0


def test_usb_cam_yuv422_bayer_and_oak_nv12_frames_are_converted_and_answered(probe, start_node):
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    w = scene.rgb.shape[1]
    assert_each_posed(probe, node, camera, scene, (
        ('yuv422_yuy2', 2 * w, yuyv(scene.rgb)), ('bayer_rggb8', w, bayer_rggb(scene.rgb)),
        ('nv12', w, nv12(scene.rgb))))  # depthai-ros issue 20
    assert 'skipped' not in node.output()
    assert node.stop() == 0


def test_4_2_0_frames_in_buffers_sized_at_two_bytes_a_pixel_are_posed_and_named(probe,
                                                                                   start_node):
    """nv21, nv12, i420 in ``2 * width * height`` bytes: posed; nv24 so refused saying why.

    Field report (isaac-sim/IsaacSim#807: "Image publish sizes buffers as
    width*channels*byteDepth: ... nv21/nv24 mis-sized"; Jazzy's sensor_msgs numChannels
    gives nv21 and nv24 two channels, ros2/common_interfaces#264; rerun-io/rerun#9885 and
    ros-drivers/usb_cam#79 sized 4:2:0 frames at two bytes a pixel too). The simulator's
    message has ``step = 2 * width`` and ``data = step * height``. Before: every frame
    refused ("image data is 614400 bytes; step x height = 921600"), 0 answers. Now the
    packed image at the start of the buffer is read: pose within 1 cm, WARN once naming
    the step and size to write, counted ``colour_buffer_size``; nv24, whose three bytes a
    pixel two cannot hold, is refused saying its UV plane is cut.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    h, w = scene.rgb.shape[:2]
    yuv = nv12(scene.rgb)
    planes = np.frombuffer(yuv, np.uint8).reshape(h * 3 // 2, w)
    vu = planes[h:].reshape(h // 2, w // 2, 2)[..., ::-1].reshape(h // 2, w)
    nv21 = np.concatenate([planes[:h], vu]).tobytes()
    i420 = cv2.cvtColor(np.ascontiguousarray(scene.rgb[..., ::-1]),
                        cv2.COLOR_BGR2YUV_I420).tobytes()
    tail = bytes(w * h // 2)
    assert_each_posed(probe, node, camera, scene, (
        ('nv21', 2 * w, nv21 + tail),  # as Isaac Sim sizes it: step = width * 2 channels
        ('nv12', w, yuv + b'\xff' * len(tail)), ('i420', 2 * w, i420 + tail)))
    log = node.output()
    assert log.count("a buffer sized as a 2-byte encoding's") == 1, log
    assert f'set step = {w} and data to the {w * h * 3 // 2} bytes' in log, log
    values = wait_diag(probe, lambda lv, m, v: int(v.get('colour_buffer_size', 0)) >= 3)[2]
    assert int(values['colour_buffer_size']) >= 3, values

    def nv24_two_bytes(m):
        m.encoding, m.step, m.data = 'nv24', 2 * w, yuv + tail
        return m
    refusal = refused_colour(probe, camera, scene, nv24_two_bytes, 'nv24')
    assert 'UV plane is cut' in refusal, refusal
    assert node.stop() == 0


def assert_warned_once_and_counted(probe, node, text, key, count):
    """Assert the log holds ``text`` once and /diagnostics counts ``key`` ``count`` times."""
    log = node.output()
    assert log.count(text) == 1, log
    values = wait_diag(probe, lambda lv, m, v: int(v.get(key, 0)) >= count)[2]
    assert int(values[key]) >= count, values


def i422(rgb):
    """RGB -> planar 4:2:2 (FFmpeg's yuv422p: Y, then U and V at half width), BT.601."""
    ycc = _ycbcr601(rgb)
    chroma = ((ycc[:, 0::2, 1:] + ycc[:, 1::2, 1:]) // 2).astype(np.uint8)
    return b''.join(p.tobytes() for p in (ycc[..., 0].astype(np.uint8), chroma[..., 0],
                                          chroma[..., 1]))


def test_planar_4_2_2_under_a_4_2_0_encoding_is_posed_and_named(probe, start_node):
    """I422 (yuv422p) labelled i420, NV16 labelled nv12: posed, WARN once, counted.

    Session 32's open fault (ros-drivers/usb_cam#79: a decoder's planar 4:2:0 and 4:2:2
    taken for each other). ``2 * width * height`` bytes were read as a 4:2:0 frame in a
    buffer of two bytes a pixel (isaac-sim/IsaacSim#807's reading): the lower half's
    colours over the upper, the WARN blaming the buffer, 0 of 12 frames found (confidence
    0.000). Now read as 4:2:2: 11 of 12 posed, 1 mm off, one WARN naming the layout,
    counted ``colour_planar_422``.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    h, w = scene.rgb.shape[:2]
    planar = i422(scene.rgb)
    half = w // 2
    u = np.frombuffer(planar, np.uint8, count=h * half, offset=h * w).reshape(h, half)
    v = np.frombuffer(planar, np.uint8, count=h * half, offset=h * w + h * half).reshape(h, half)
    nv16 = planar[:h * w] + np.dstack([u, v]).tobytes()
    assert_each_posed(probe, node, camera, scene, (('i420', w, planar), ('nv12', w, nv16)))
    assert_warned_once_and_counted(probe, node, 'hold 4:2:2 chroma, at full height',
                                   'colour_planar_422', 2)
    assert "a buffer sized as a 2-byte encoding's" not in node.output(), node.output()
    assert node.stop() == 0


def test_4_byte_pixels_under_rgb8_are_posed_and_named(probe, start_node):
    """RGBA under rgb8, BGRA under bgr8 at step 4 * width: posed, WARN once, counted.

    Session 32's open fault (a renderer's 4-byte target copied out under a 3-byte
    encoding). Before: each row's first 3w bytes read as pixels, alpha as colour, nothing
    said: 0 of 12 frames found (confidence 0.000). Now read as rgba8 (bgra8): 12 of 12
    posed, 1 mm off, one WARN, counted
    ``colour_pixel_size``; colour at step 3 * width under mono8 is refused saying so.
    The same pixels with step left at 0 were refused on every frame (step 0 and a data
    length not the packed rgb8 image's): now posed too, 1 mm off.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    h, w = scene.rgb.shape[:2]
    alpha = np.full((h, w, 1), 255, np.uint8)
    rgba = np.concatenate([scene.rgb, alpha], 2).tobytes()
    bgra = np.concatenate([scene.rgb[..., ::-1], alpha], 2).tobytes()
    assert_each_posed(probe, node, camera, scene, (('rgb8', 4 * w, rgba),
                                                    ('bgr8', 4 * w, bgra),
                                                    ('rgb8', 0, rgba), ('bgr8', 0, bgra)))
    assert_warned_once_and_counted(probe, node, 'the 4th channel (alpha) dropped',
                                   'colour_pixel_size', 2)

    def colour_as_mono8(m):
        m.encoding, m.step = 'mono8', 3 * w
        return m
    refusal = refused_colour(probe, camera, scene, colour_as_mono8, 'not guessed')
    assert 'colour sent as grey' in refusal, refusal
    assert node.stop() == 0


def test_a_bayer_mosaic_sent_as_mono8_is_read_and_its_pattern_named(probe, start_node):
    """A camera's RGGB mosaic labelled mono8 (ros-drivers/camera1394#42): named, answered.

    Before: read as a grey checkerboard, the only WARN "colour frames hold no colour (a
    mono or infrared stream ...)", which sent the user to another topic. Now one WARN
    names the mosaic and the encodings to set (bayer_rggb8 first: green on the other
    diagonal), counted ``colour_bayer_mosaic``, and every frame is still answered.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    mosaic = bayer_rggb(scene.rgb)

    def as_mono8(m):
        m.encoding, m.step, m.data = 'mono8', m.width, mosaic
        return m
    assert feed_until(camera, scene, lambda: len(detections(probe)) >= 3, colour=as_mono8), \
        node.output()
    assert_warned_once_and_counted(probe, node, 'holds a Bayer mosaic', 'colour_bayer_mosaic',
                                   3)
    assert 'e.g. "bayer_rggb8"' in node.output(), node.output()
    # The no-colour WARN points at the mosaic's WARN, not only at another topic.
    assert 'names a Bayer mosaic in them' in node.output(), node.output()
    assert node.stop() == 0


def test_colour_and_depth_whose_data_is_base64_text_are_posed_and_named(probe, start_node):
    """Raw colour and depth whose ``data`` is the base64 text of their bytes: posed.

    Field report (RobotWebTools/rosbridge_suite#380: a bgr8 image of 921600 bytes
    received as 1228800, "the length ... is exactly 4:3", base64; siemens/ros-sharp#389:
    Unity publishing raw images through ros2-web-bridge, their length "divided by 3 and
    multiplied by 4"; RosLibRust/roslibrust#278 and rosbridge_suite#1121: the text taken
    for the bytes). Before: every colour frame refused ("image data is 1228800 bytes; step
    x height = 921600"), 0 answers, and depth refused likewise. Now the text is decoded:
    the red ball within 1 cm, WARN once per stream, counted ``colour_base64`` and
    ``depth_base64``.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')

    def as_text(m):
        m.data = base64.b64encode(bytes(m.data))
        return m
    assert_red_ball_posed(probe, node, camera, scene, colour=as_text, depth=as_text)
    assert 'no_depth' not in detections(probe)[-1]['status'], detections(probe)[-1]
    log = node.output()
    assert log.count('image data is 1228800 bytes of base64 text') == 1, log
    assert log.count('depth data is') == 1 and 'bytes of base64 text' in log, log
    values = wait_diag(probe, lambda lv, m, v: min(int(v.get('colour_base64', 0)),
                                                   int(v.get('depth_base64', 0))) >= 2)[2]
    assert int(values['colour_base64']) >= 2 and int(values['depth_base64']) >= 2, values
    assert node.stop() == 0


def test_stamps_whose_nanosec_holds_a_truncated_time_are_answered_and_named(probe,
                                                                             start_node):
    """Stamps whose ``nanosec`` is the low 32 bits of the capture time in nanoseconds.

    Field report (ros-drivers/flir_camera_driver#37: ``nsec`` "ranging from 0 to
    4,294,967,295, instead of 0 to 999,999,999"; #95). Before (20 s of frames, measured by
    helper-82): every frame answered, but the WARNs said "stamped 1.1 s in the future ...
    are the clocks synchronised?" and "stamped 4.042 s before the one received before it
    (a driver restart, a bag played in a loop ...)", never naming the field. Now a WARN
    once per stream names ``nanosec``, the truncation and the fix; counted
    ``frames_nanosec_invalid`` and ``depth_nanosec_invalid``; frames still answered.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')

    def truncated(m):
        ns = probe.node.get_clock().now().nanoseconds
        low = ns % 2**32
        if low < 10**9:  # in range by chance: shift the capture time so it is not
            ns += 10**9 - low
        m.header.stamp = Time(sec=ns // 10**9, nanosec=ns % 2**32)
        return m
    probe.clear()
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 3,
                      colour=truncated, depth=truncated, info=truncated), node.output()
    log = node.output()
    assert log.count('colour frames carry header.stamp.nanosec') == 1, log
    assert log.count('depth images carry header.stamp.nanosec') == 1, log
    assert 'flir_camera_driver#37' in log and 'nanosec = t_ns % 1e9' in log, log
    values = wait_diag(probe, lambda lv, m, v: min(int(v.get('frames_nanosec_invalid', 0)),
                                                   int(v.get('depth_nanosec_invalid', 0))) >= 2)
    assert int(values[2]['frames_nanosec_invalid']) >= 2, values
    assert int(values[2]['depth_nanosec_invalid']) >= 2, values
    assert node.stop() == 0


def test_packed_422_flagged_with_its_luma_at_the_other_bytes_is_posed(probe, start_node):
    """YUYV bytes flagged ``yuv422`` (UYVY), and UYVY flagged ``yuv422_yuy2``: posed, warned.

    ros-drivers/usb_cam#263: ``pixel_format:=uyvy`` on a camera that only gives YUYV sends
    YUYV bytes with ``encoding: yuv422``; RViz and Foxglove showed a false-colour image.
    Before, read as flagged: every frame answered not_found (0 of 20 posed), /diagnostics
    "running", nothing logged. Now the data decides which byte is luma
    (``messages._luma_at_the_other_bytes``): the red ball posed within 1 cm either way,
    WARN once naming the encoding to write, counted ``colour_yuv_order``.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.5')
    w = scene.rgb.shape[1]
    yuyv_bytes = yuyv(scene.rgb)
    pairs = np.frombuffer(yuyv_bytes, np.uint8).reshape(-1, 2)
    uyvy_bytes = np.ascontiguousarray(pairs[:, ::-1]).tobytes()
    assert_each_posed(probe, node, camera, scene, (
        ('yuv422', 2 * w, yuyv_bytes), ('yuv422_yuy2', 2 * w, uyvy_bytes)))
    log = node.output()
    assert log.count('image encoding "yuv422" puts luma at byte 1') == 1, log
    assert 'read as "yuv422_yuy2"' in log and 'ros-drivers/usb_cam#263' in log
    _, _, values = wait_diag(probe, lambda lv, m, v: int(v.get('colour_yuv_order', 0)) >= 2)
    assert int(values['colour_yuv_order']) >= 2, values
    assert node.stop() == 0


def test_16_bit_frames_of_a_10_or_12_bit_sensor_are_answered(probe, start_node):
    # A 12-bit industrial camera's rgb16 or bayer_rggb16, low-aligned: black as value /
    # 256 (an IR camera's mono16, Azure_Kinect_ROS_Driver issue 90: test_messages.py).
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    h, w = scene.rgb.shape[:2]
    mosaic = np.frombuffer(bayer_rggb(scene.rgb), np.uint8).reshape(h, w).astype(np.uint16)
    wide = scene.rgb.astype(np.uint16)
    assert_each_posed(probe, node, camera, scene, (
        ('rgb16', 6 * w, (wide << 4).tobytes()), ('bayer_rggb16', 2 * w, (mosaic << 4).tobytes()),
        ('bgr16', 6 * w, (wide[..., ::-1] << 2).tobytes())))
    assert node.stop() == 0


def test_16_bit_colour_flagged_in_the_other_byte_order_is_posed_and_named(probe, start_node):
    """A 12-bit camera's rgb16 and bayer_rggb16 sent little-endian but flagged big-endian.

    vision_opencv#7, AravisProject/aravis#924 and #1029, raspberrypi/libcamera#99: 16-bit
    frames whose ``is_bigendian`` is wrong. Before, each frame went to CLIP as noise with
    nothing said: the red ball posed 0/2 -> 2/2 within 1 cm, WARN once, counted
    ``colour_byte_order``.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    h, w = scene.rgb.shape[:2]
    rng = np.random.default_rng(3)
    wide = np.clip(scene.rgb * 16.0 + rng.normal(0, 4, scene.rgb.shape), 0, 4095)
    wide = wide.astype(np.uint16)  # 12 bits low-aligned, with a sensor's read noise
    mosaic = wide[..., 1].copy()
    mosaic[0::2, 0::2] = wide[0::2, 0::2, 0]
    mosaic[1::2, 1::2] = wide[1::2, 1::2, 2]
    for encoding, px in (('rgb16', wide), ('bayer_rggb16', mosaic)):
        def flagged_big(m, encoding=encoding, px=px):
            m.encoding, m.step, m.data = encoding, px.nbytes // h, px.tobytes()
            m.is_bigendian = 1  # the bytes are little-endian
            return m
        assert_red_ball_posed(probe, node, camera, scene, colour=flagged_big)
    log = node.output()
    assert log.count('image is flagged big-endian (is_bigendian=1) but its pixels are '
                     'little-endian') == 1, log
    values = wait_diag(probe, lambda lv, m, v: int(v.get('colour_byte_order', 0)) >= 4)[2]
    assert 'depth_byte_order_swapped' not in values or \
        values['depth_byte_order_swapped'] == '0', values
    assert node.stop() == 0


def test_refused_colour_frames_are_reported_as_refused_not_stale(probe, start_node):
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3', '-p', 'input_timeout:=1.0')

    def yuv411(m):  # 4:1:1 without its layout (IIDC's packed? planar?): refused
        m.encoding = 'yuv411'
        return m
    # 5 Hz, as in the report, for 3 s and then until the status says so: read after the
    # feed stopped, with input_timeout 1 s, it could already be "input stale" under load.
    end = time.monotonic() + 3.0
    while time.monotonic() < end:
        publish(camera, scene, colour=yuv411)
        time.sleep(0.2)
    assert feed_until(camera, scene, lambda: status_fits(probe, lambda lv, m, v: 'refused' in m),
                      period=0.2, timeout=15, colour=yuv411), diag(probe)
    level, message, values = diag(probe)
    assert level == 2, message
    assert 'colour frames arrive' in message and 'yuv411' in message, message
    assert 'stale' not in message and 'yuv411' in values['last_refusal_colour']
    assert '4:1:1 without its planar layout' in values['last_refusal_colour'], values
    assert detections(probe) == []
    assert node.stop() == 0


def test_zero_stamps_and_empty_frame_ids_are_answered_and_reported(probe, start_node):
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')
    assert feed_until(camera, scene, lambda: probe.messages(POSE), stamp_ns=0, frame_id=''), \
        node.output()
    pose = probe.messages(POSE)[-1]
    assert np.linalg.norm(position(pose) - red.centre) < 0.01
    assert pose.header.stamp == Time() and pose.header.frame_id == ''
    level, message, values = wait_diag(probe, lambda lv, m, v: 'zero header.stamp' in m)
    assert level == 1 and 'zero header.stamp' in message and 'frame_id' in message
    assert int(values['frames_zero_stamp']) >= 1 and int(values['frames_empty_frame_id']) >= 1
    log = node.output()
    assert log.count('empty header.frame_id') == 1 and log.count('zero header.stamp') == 1
    assert 'stale' not in log

    # The frame_id parameter names the outgoing frame.
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('frame_id', value='camera_color_optical_frame').to_parameter_msg()]))
    assert res.results[0].successful
    probe.clear()
    named = 'camera_color_optical_frame'
    assert feed_until(camera, scene, lambda: any(  # frames in flight may still be unnamed
        p.header.frame_id == named for p in probe.messages(POSE)), stamp_ns=0, frame_id='')
    assert probe.messages(POSE)[-1].header.frame_id == named
    assert detections(probe)[-1]['frame_id'] == named

    # A ROS 1 style frame id with a leading slash, which tf2 refuses, loses the slash.
    call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('frame_id', value='').to_parameter_msg()]))
    probe.clear()
    assert feed_until(camera, scene, lambda: any(
        p.header.frame_id == 'camera_link' for p in probe.messages(POSE)), frame_id='/camera_link')
    assert node.output().count('which tf2 refuses') == 1
    assert node.stop() == 0


def test_a_bag_played_at_rate_5_pairs_colour_with_its_depth(probe, start_node):
    """A bag played at --rate 5 pairs each colour frame with its depth.

    ros2 bag play --clock --rate 5 of a recording at 1.5 Hz: each depth 30 ms after its
    colour frame (rosbag2 bursts, ros2/rosbag2#845). The lag was read at rate 1: 111 of
    112 answers no_depth, a WARN that depth came 0.6 s late (helper-48's field round).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'use_sim_time:=true')
    red = obj(scene, 'red', 'ball')
    clock = probe.node.create_publisher(Clock, '/clock', 10)
    rate, t0, bag0 = 5.0, time.monotonic(), 1_700_000_000 * 10**9

    def tick():
        b = bag0 + int((time.monotonic() - t0) * rate * 1e9)
        clock.publish(Clock(clock=Time(sec=b // 10**9, nanosec=b % 10**9)))
        return b
    while time.monotonic() < t0 + 8.0:
        colour, depth, info = scene_messages(scene, tick())
        camera.info.publish(info)
        camera.image.publish(colour)
        time.sleep(0.03)
        tick()
        camera.depth.publish(depth)
        time.sleep(0.1)
    time.sleep(1.5)
    answers = detections(probe)
    late = [d for d in answers[len(answers) // 4:] if d['status'] == 'no_depth']
    assert answers and len(late) <= 2, [d['reason'] for d in late][:3]
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    assert 'depth arrives' not in node.output(), node.output()
    assert node.stop() == 0


def distorted(m, k, d, nearest):
    """Turn a pinhole ``Image`` message into the raw image of a lens with plumb_bob ``d``.

    Each raw pixel reads the pinhole image where OpenCV's model undistorts it to
    (cv2.undistortPoints): what a driver's image_raw of that lens holds.
    """
    item = len(m.data) // (m.height * m.width)
    dtype = np.uint16 if m.encoding == '16UC1' else np.uint8
    px = np.frombuffer(bytes(m.data), dtype).reshape(m.height, m.width, item // dtype().itemsize)
    ys, xs = np.mgrid[0:m.height, 0:m.width].astype(np.float32)
    grid = np.stack([xs.ravel(), ys.ravel()], 1)[:, None]
    at = cv2.undistortPoints(grid, k, np.array(d), P=k).reshape(m.height, m.width, 2)
    out = cv2.remap(px, at[..., 0], at[..., 1],
                    cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR)
    m.data = np.ascontiguousarray(out).tobytes()
    return m


@pytest.mark.parametrize('mirror', [False, True])
def test_a_raw_image_with_lens_distortion_is_rectified_and_posed(probe, start_node, mirror):
    """image_raw of a wide-angle lens (plumb_bob k1 -0.35) is rectified as image_proc does.

    Before, the node read raw pixels through the pinhole K and only warned: the red ball,
    11 px nearer the centre in the raw image than the pinhole puts it, was posed 20.6 mm
    off (this test with rectify:=never). The default rectify:=auto removes the distortion
    from colour and depth (5.5 mm, as the pinhole image itself gives at that place:
    benchmarks/rectify_pose.py), logs it once and counts the frames. ``mirror``: the raw
    frames mirrored left-right beside a camera_info with a negative fx and D of the
    mirrored lens (p2 negated; tangential terms set): before sent on unrectified ("its
    lens is not mirrored here"), now rectified once mirrored back (0/1 -> 1/1).
    """
    node, camera, _ = bring_up(probe, start_node, '-p', 'command:=the red ball',
                               '-p', 'diagnostics_period:=0.3')
    specs = [ObjectSpec('red', 'ball', 'large', (-0.30, -0.05)),
             ObjectSpec('blue', 'mug', 'small', (0.02, 0.08)),
             ObjectSpec('green', 'cube', 'small', (0.28, -0.04))]
    scene = generate_scene(4242, specs=specs)
    red = obj(scene, 'red', 'ball')
    lens = [-0.35, 0.12, 0.002, 0.004, -0.02] if mirror else [-0.35, 0.12, 0.0, 0.0, -0.02]
    k = np.array(scene_messages(scene, 0)[2].k).reshape(3, 3)
    seen = k @ red.centre
    raw = cv2.projectPoints(red.centre[None], np.zeros(3), np.zeros(3), k, np.array(lens))[0]
    assert np.linalg.norm(raw.ravel() - seen[:2] / seen[2]) > 8  # far enough to matter

    turn = _mirrored if mirror else (lambda m: m)

    def info(m):
        m.d, m.distortion_model = lens, 'plumb_bob'
        if mirror:  # the mirrored image's lens: p2 changes sign with x
            m.d = [lens[0], lens[1], lens[2], -lens[3], lens[4]]
        return turn(m)
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, info=info,
                      colour=lambda m: turn(distorted(m, k, lens, False)),
                      depth=lambda m: turn(distorted(m, k, lens, True))), node.output()
    error = np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre)
    assert error < 0.009, (error, node.output())
    values = wait_diag(probe, lambda lv, m, v: int(v.get('frames_rectified', 0)) > 0)[2]
    assert int(values['frames_rectified']) > 0, values
    log = node.output()
    assert log.count('rectifying colour and depth images on /image') == 1, log
    assert 'plumb_bob coefficients' not in log, log  # not warned as unrectified
    assert node.stop() == 0


LENS = [-0.35, 0.12, 0.0, 0.0, -0.02]  # a wide-angle plumb_bob


def lens_scene():
    """``(scene, red ball, K 3x3)``: the ball near the left edge, where the lens moves it."""
    scene = generate_scene(4242, specs=[ObjectSpec('red', 'ball', 'large', (-0.30, -0.05)),
                                        ObjectSpec('blue', 'mug', 'small', (0.02, 0.08)),
                                        ObjectSpec('green', 'cube', 'small', (0.28, -0.04))])
    return scene, obj(scene, 'red', 'ball'), np.array(scene_messages(scene, 0)[2].k).reshape(3, 3)


def float_depth(depth_m):
    """Return an editor that makes a depth message 32FC1 holding ``depth_m`` (H, W metres)."""
    def edit(m):
        m.encoding, m.step = '32FC1', 4 * m.width
        m.data = depth_m.astype(np.float32).tobytes()
        return m
    return edit


def _transposed(m):
    """K and P written column-major, as aditof_sdk and image_undistort published them."""
    m.k = np.array(m.k).reshape(3, 3).T.ravel().tolist()
    m.p = np.array(m.p).reshape(3, 4).T.ravel().tolist()
    return m


def _unsized(m):
    """Width and height 0, as drivers without a stored calibration leave them."""
    m.width = m.height = 0
    return m


def raw_lens_error(probe, node, camera, info):
    """Feed the raw frames of :data:`LENS` until two poses; return the last one's error (m).

    :param info: edits each frame's camera_info (its D and model are set first).
    """
    scene, red, k = lens_scene()

    def lens_info(m):
        m.d, m.distortion_model = LENS, 'plumb_bob'
        return info(m)
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, info=lens_info,
                      colour=lambda m: distorted(m, k, LENS, False),
                      depth=lambda m: distorted(m, k, LENS, True)), node.output()
    return np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre)


def _radtan(m):
    """Kalibr's name of plumb_bob, as ethz-asl/image_undistort publishes it."""
    m.distortion_model = 'radtan'
    return m


def _brown_conrady(m):
    """Name the model as librealsense names plumb_bob, as drivers on librealsense write it."""
    m.distortion_model = 'brown_conrady'
    return m


def _modified_brown_conrady(m):
    """Name the model as librealsense's modified one (ros/common_msgs#89): LENS's p1 = p2 = 0."""
    m.distortion_model = 'modified_brown_conrady'
    return m


@pytest.mark.parametrize('edit', [_transposed, _unsized, _radtan, _brown_conrady,
                                  _modified_brown_conrady],
                         ids=['transposed', 'unsized', 'radtan', 'brown_conrady',
                              'modified_brown_conrady'])
def test_a_distorted_camera_info_read_otherwise_is_rectified_as_it_is_read(
        probe, start_node, edit):
    """camera_info the node reads otherwise than it is written is rectified as it is read.

    K and P written column-major (read transposed back), a camera_info of size 0 (read
    at the image size), plumb_bob under Kalibr's name ``radtan`` (ethz-asl/kalibr#39;
    ethz-asl/image_undistort publishes it so) and under librealsense's ``brown_conrady``
    (IntelRealSense/realsense-ros#818, ros/common_msgs#89) are posed by the node; before,
    the maps were made from K as written (a principal point at the image corner: the
    image rectified into a smear) or not made at all (size 0, or 'distortion model
    "radtan" is not one of ...': "not rectified here"), so the lens's distortion stayed
    in (brown_conrady: 20.6 mm off). librealsense's ``modified_brown_conrady``
    (ros/common_msgs#89) was refused as an unknown model the same way.
    """
    node, camera, _ = bring_up(probe, start_node, '-p', 'command:=the red ball')
    error = raw_lens_error(probe, node, camera, edit)
    assert error < 0.009, (error, node.output())
    assert 'rectifying colour and depth images' in node.output(), node.output()
    assert node.stop() == 0


INVERSE_LENS = [0.3, 0.08, 0.0, 0.0, 0.02]  # distorted -> ideal: a barrel lens's raw image


def inverse_distorted(m, k, d, nearest):
    """Turn a pinhole ``Image`` into the raw image of librealsense's inverse Brown-Conrady.

    The model's coefficients take a raw point to its ideal one by plumb_bob's formula
    (the SDK's deprojection, rsutil.h), so each raw pixel reads the pinhole image where
    cv2.projectPoints puts its normalised ray with ``d``.
    """
    item = len(m.data) // (m.height * m.width)
    dtype = np.uint16 if m.encoding == '16UC1' else np.uint8
    px = np.frombuffer(bytes(m.data), dtype).reshape(m.height, m.width, item // dtype().itemsize)
    ys, xs = np.mgrid[0:m.height, 0:m.width].astype(np.float64)
    rays = np.stack([(xs.ravel() - k[0, 2]) / k[0, 0], (ys.ravel() - k[1, 2]) / k[1, 1],
                     np.ones(xs.size)], 1)
    at, _ = cv2.projectPoints(rays, np.zeros(3), np.zeros(3), k, np.array(d))
    at = at.reshape(m.height, m.width, 2).astype(np.float32)
    out = cv2.remap(px, at[..., 0], at[..., 1],
                    cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR)
    m.data = np.ascontiguousarray(out).tobytes()
    return m


def test_a_raw_image_under_librealsenses_inverse_brown_conrady_is_rectified_and_posed(
        probe, start_node):
    """A camera_info in librealsense's ``inverse_brown_conrady`` is rectified by its formula.

    ros/common_msgs#89: "The distortion models in two of our cameras use Modified
    Brown-Conrady and Inverse Brown-Conrady"; the coefficients take raw points to ideal
    ones (the SDK's rsutil.h, realsenseai/librealsense#939). Before, the model was refused
    ("... gives coefficients that undistort ...: rectify upstream") and the raw frames
    were posed through the pinhole: the red ball near the left edge 17.4 mm off. Now the
    maps invert the formula: within 9 mm, as plumb_bob's lens is.
    """
    node, camera, _ = bring_up(probe, start_node, '-p', 'command:=the red ball')
    scene, red, k = lens_scene()

    def info(m):
        m.d, m.distortion_model = INVERSE_LENS, 'inverse_brown_conrady'
        return m
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, info=info,
                      colour=lambda m: inverse_distorted(m, k, INVERSE_LENS, False),
                      depth=lambda m: inverse_distorted(m, k, INVERSE_LENS, True)), \
        node.output()
    error = np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre)
    assert error < 0.009, (error, node.output())
    assert 'inverse_brown_conrady distortion' in node.output(), node.output()
    assert node.stop() == 0


@pytest.mark.parametrize('depth_topic', ['/camera/depth_registered/image_rect',
                                         '/camera/aligned_depth_to_color/image_rect_raw'])
def test_depth_on_a_rect_topic_beside_a_raw_image_is_not_rectified_again(
        probe, start_node, depth_topic):
    """A raw colour image is rectified; a depth already rectified (named rect) is not.

    depth_image_proc's register node publishes depth_registered/image_rect in the colour
    camera's rectified geometry (its P). rectify:=auto asked only the colour topic's
    name, so such a depth was rectified a second time: its readings moved off the ball
    (up to 59 px at the border of this lens).
    """
    node = start_node('-p', 'command:=the red ball', '-r', f'depth:={depth_topic}')
    listen_all(probe)
    camera = Camera(probe, depth=depth_topic)
    assert wait_for_node(probe) and camera.wait_connected(), node.output()
    scene, red, k = lens_scene()
    lens = LENS

    def info(m):
        m.d, m.distortion_model = lens, 'plumb_bob'
        return m
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, info=info,
                      colour=lambda m: distorted(m, k, lens, False)), node.output()
    error = np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre)
    assert error < 0.009, (error, node.output())
    assert f'depth on {depth_topic} is taken as rectified' in node.output(), node.output()
    assert node.stop() == 0


def test_a_camera_mounted_upside_down_is_answered_with_image_up_down(probe, start_node):
    """image_up:=down: the table faces down in the image of a camera mounted upside down.

    With the default the support search found no table on such frames (real frames turned,
    clip_perception_eval real --views rotate:180: opaque 68 -> 63 of 77, transparent 14 ->
    8 of 17, lateral pose 2.2 -> 8.4 mm; session 23).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'image_up:=down')
    red = obj(scene, 'red', 'ball')

    def turned(m):  # pixels turned 180 degrees, whatever their size
        item = len(m.data) // (m.height * m.width)
        px = np.frombuffer(bytes(m.data), np.uint8).reshape(m.height, m.width, item)
        m.data = np.ascontiguousarray(px[::-1, ::-1]).tobytes()
        return m

    def turned_info(m):
        k, p = list(m.k), list(m.p)
        k[2], k[5] = (m.width - 1) - k[2], (m.height - 1) - k[5]
        p[2], p[6] = (m.width - 1) - p[2], (m.height - 1) - p[6]
        m.k, m.p = k, p
        return m
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, colour=turned,
                      depth=turned, info=turned_info), node.output()
    seen = red.centre * [-1.0, -1.0, 1.0]  # the ball in the turned camera's optical frame
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - seen) < 0.01
    assert node.stop() == 0


def _rows_bottom_up(m):
    """Put the rows in the other order: an OpenGL readback published unturned."""
    item = len(m.data) // (m.height * m.width)
    px = np.frombuffer(bytes(m.data), np.uint8).reshape(m.height, m.width, item)
    m.data = np.ascontiguousarray(px[::-1]).tobytes()
    return m


def _negative_fy(m):
    """camera_info of the image with its rows bottom-up: fy < 0, cy counted from the bottom."""
    k, p = list(m.k), list(m.p)
    k[4], k[5] = -k[4], (m.height - 1) - k[5]
    p[5], p[6] = -p[5], (m.height - 1) - p[6]
    m.k, m.p = k, p
    return m


@pytest.mark.parametrize('said_by', ['camera_info', 'image_rows', 'nothing', 'wrongly'])
def test_frames_whose_rows_run_bottom_up_are_posed_as_the_upright_camera(probe, start_node,
                                                                         said_by):
    """Rows counted from the bottom (an OpenGL, Unity or CoppeliaSim readback) are turned over.

    CoppeliaRobotics/simROS#9: a simulator's vision sensor published its images upside
    down, rows bottom-up. A camera_info that says so with a negative fy was refused
    ("non-positive focal lengths": answered in 2D only); there was no setting for a K of
    the upright image beside such frames, and the image_up WARN named image_up:=down alone,
    a half turn that mirrors left and right. Now a negative fy, or image_rows:=bottom_up,
    turns both images' rows over: the red ball posed where it is in the camera's optical
    frame (the same rays), and with neither the WARN names image_rows:=bottom_up;
    image_rows:=bottom_up beside rows that run top-down already is named as such.
    """
    args = ('-p', 'image_rows:=bottom_up') if said_by in ('image_rows', 'wrongly') else ()
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.5', *args)
    info = _negative_fy if said_by == 'camera_info' else None
    if said_by == 'nothing':
        assert feed_until(camera, scene, lambda: 'image_rows:=bottom_up' in node.output(),
                          colour=_rows_bottom_up, depth=_rows_bottom_up), node.output()
        assert 'a half turn mirrors left and right' in node.output()
        assert node.stop() == 0
        return
    if said_by == 'wrongly':
        assert feed_until(camera, scene, lambda: 'set image_rows:=top_down' in node.output()), \
            node.output()
        assert 'set image_rows:=bottom_up' not in node.output()
        assert node.stop() == 0
        return
    assert_red_ball_posed(probe, node, camera, scene, colour=_rows_bottom_up,
                          depth=_rows_bottom_up, info=info)
    values = wait_diag(probe, lambda lv, m, v: int(v.get('frames_rows_turned', 0)) >= 2)[2]
    assert int(values['frames_rows_turned']) >= 2
    said = int(values['camera_info_rows_bottom_up'])
    assert said >= 1 if said_by == 'camera_info' else said == 0
    if said_by == 'camera_info':
        assert node.output().count('camera_info P has a negative fy') == 1, node.output()
    assert 'frames_image_up_suspect' not in node.output()  # upright once turned
    assert node.stop() == 0


def test_outputs_in_a_frame_not_named_optical_are_published_and_warned(probe, start_node):
    """A frame id not named optical: the pose is published in it, and it is warned.

    A simulated camera stamping its images with its body frame (TurtleBot3's
    camera_rgb_frame: ROBOTIS-GIT/turtlebot3#662; helper-47) had its optical-axis poses
    published in that x-forward frame with nothing said: a target 0.78 m ahead read 0.78 m
    above in tf2. Only the name can be checked (no tf2): one WARN per name and a count in
    /diagnostics, not a WARN level there (some drivers' optical frames lack the suffix:
    Azure Kinect's rgb_camera_link, helper-49); none once frame_id is set.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                      frame_id='camera_rgb_frame'), node.output()
    pose = probe.messages(POSE)[-1]
    assert pose.header.frame_id == 'camera_rgb_frame'
    assert np.linalg.norm(position(pose) - red.centre) < 0.01
    level, message, values = wait_diag(
        probe, lambda lv, m, v: int(v.get('frames_not_optical_frame_id', 0)) >= 1)
    assert int(values['frames_not_optical_frame_id']) >= 1
    assert level == 0 and 'optical' not in message, message
    assert node.output().count('outputs are in frame "camera_rgb_frame", whose name does not '
                               'mark a camera optical frame') == 1
    # The frame_id parameter names the optical frame: published in it, nothing more said
    # or counted (set to a name without the suffix too: the user has said which frame).
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('frame_id', value='rgb_camera_link').to_parameter_msg()]))
    assert res.results[0].successful
    probe.clear()
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2 and all(
        p.header.frame_id == 'rgb_camera_link' for p in probe.messages(POSE)[-2:]),
        frame_id='camera_rgb_frame')
    time.sleep(1.0)  # diagnostics every 0.3 s: the newest holds every frame answered so far
    counted = int(diag(probe)[2]['frames_not_optical_frame_id'])
    feed_until(camera, scene, lambda: False, timeout=1.0, frame_id='camera_rgb_frame')
    time.sleep(1.0)
    assert int(diag(probe)[2]['frames_not_optical_frame_id']) == counted
    assert node.output().count('does not mark a camera optical frame') == 1
    assert node.stop() == 0


def _compressed_depth_node(probe, start_node, transport='compressedDepth'):
    """Start the node on ``depth_transport:=<transport>``; ``(node, camera, scene)``."""
    node = start_node('-p', 'command:=the red ball', '-p', f'depth_transport:={transport}',
                      '-p', 'diagnostics_period:=0.3')
    listen_all(probe)
    camera = Camera(probe)
    camera.depth_compressed = probe.node.create_publisher(CompressedImage,
                                                          f'depth/{transport}', 10)
    assert wait_for_node(probe), node.output()
    wait_subscribed(camera.image, camera.info, camera.depth_compressed)
    assert camera.depth.get_subscription_count() == 0  # raw depth is not subscribed
    return node, camera, cached_scene(4242, specs=SCENE_SPECS)


def test_compressed_depth_png_and_rvl_16uc1_and_32fc1(probe, start_node):
    node, camera, scene = _compressed_depth_node(probe, start_node)
    red = obj(scene, 'red', 'ball')
    for compression, encoding in (('png', '16UC1'), ('png', '32FC1'), ('rvl', '16UC1'),
                                  ('rvl', '32FC1')):
        depth = scene.depth_16uc1() if encoding == '16UC1' else scene.depth_32fc1()
        fmt, data = compressed_depth.encode(depth, compression, encoding)

        def to_compressed(m, fmt=fmt, data=data):
            return CompressedImage(header=m.header, format=fmt, data=data)
        probe.clear()
        assert feed_until(camera, scene, lambda: probe.messages(POSE), depth=to_compressed), \
            (fmt, node.output())
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.012, fmt

    # Colour JPEG sent on the depth topic by mistake: refused, and said so everywhere.
    def jpeg(m):
        return CompressedImage(header=m.header, format='rgb8; jpeg compressed bgr8',
                               data=b'\xff\xd8\xff\xd9')
    probe.clear()
    assert feed_until(camera, scene, lambda: any(
        d['status'] == 'no_depth' for d in detections(probe)), depth=jpeg)
    reason = [d for d in detections(probe) if d['status'] == 'no_depth'][-1]['reason']
    assert 'refused' in reason and 'compressedDepth' in reason, reason
    level, message, _ = wait_diag(probe, lambda lv, m, v: 'depth refused' in m)
    assert level == 1 and 'depth refused' in message
    assert node.stop() == 0


def test_compressed_depth_32fc1_nearer_than_its_quantisation_is_dropped_and_said(probe,
                                                                               start_node):
    """A compressedDepth 32FC1 publisher whose quantisation cannot hold the scene's depth.

    ros-perception/image_transport_plugins#43: codec.cpp stores q = A / z + B in 16 bits
    without a clamp; at depth_quantization 200 and depth_max 10 the nearest depth it holds
    is 0.578 m, so the front of the table (6% of the view, 19,179 readings) wraps and
    decodes metres off. Before, those readings were used with nothing said; now they are
    no reading, one WARN names the header's parameters, counted
    ``depth_quantisation_range`` (0/1 -> 1/1), and the red ball (0.79 m) is posed within
    1.2 cm. An object nearer than the limit all round (the ball at depth_quantization
    250: 0.914 m) shows no wrap and is not caught: left open.
    """
    node, camera, scene = _compressed_depth_node(probe, start_node)
    red = obj(scene, 'red', 'ball')
    fmt, data = compressed_depth.encode(scene.depth_32fc1(), 'png', '32FC1', depth_max=10.0,
                                        depth_quantization=200.0)

    def to_compressed(m):
        return CompressedImage(header=m.header, format=fmt, data=data)
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2 and status_fits(
        probe, lambda lv, m, v: int(v.get('depth_quantisation_range', 0)) >= 1),
        depth=to_compressed), (diag(probe), node.output())
    assert_warned_once_and_counted(probe, node, 'depth_quantization 200, depth_max 10 m',
                                   'depth_quantisation_range', 1)
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.012
    assert node.stop() == 0


def test_depth_as_a_16_bit_png_on_the_compressed_transport_is_posed(probe, start_node):
    """Depth as a 16-bit PNG on <depth>/compressed is read with depth_transport:=compressed.

    realsense-ros and Orbbec publish it so, as "16UC1; png compressed " (realsense-ros#2361;
    helper-47: 0 poses, every answer no_depth "is this the compressed (colour)
    transport?"). A JPEG is refused, saying the depth is lost.
    """
    node, camera, scene = _compressed_depth_node(probe, start_node, 'compressed')
    red = obj(scene, 'red', 'ball')
    png = cv2.imencode('.png', scene.depth_16uc1())[1].tobytes()

    def to_png(m):
        return CompressedImage(header=m.header, format='16UC1; png compressed ', data=png)
    assert feed_until(camera, scene, lambda: probe.messages(POSE), depth=to_png), node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.012
    lossy = cv2.imencode('.jpg', (scene.depth_16uc1() // 16).astype(np.uint8))[1].tobytes()

    def to_jpeg(m):
        return CompressedImage(header=m.header, format='16UC1; jpeg compressed ', data=lossy)
    probe.clear()
    assert feed_until(camera, scene, lambda: any(
        d['status'] == 'no_depth' for d in detections(probe)), depth=to_jpeg)
    reason = [d for d in detections(probe) if d['status'] == 'no_depth'][-1]['reason']
    assert 'JPEG' in reason and 'lost' in reason, reason
    assert node.stop() == 0


def test_camera_info_with_only_p_and_refused_camera_info_is_named(probe, start_node):
    # rectify:=never: the frames are the renderer's pinhole images whatever camera_info's D
    # says (rectify:=auto would undistort them, as it should a raw image: the test above).
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'rectify:=never')
    red = obj(scene, 'red', 'ball')

    def posed_on_red(**edit):
        """Feed frames with ``edit`` until a pose comes; it lies on the red ball."""
        probe.clear()
        assert feed_until(camera, scene, lambda: probe.messages(POSE), **edit), node.output()
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01

    def no_k_no_p(m):
        m.k, m.p = [0.0] * 9, [0.0] * 12
        return m
    assert feed_until(camera, scene, lambda: detections(probe), info=no_k_no_p)
    reason = detections(probe)[-1]['reason']
    assert 'camera_info arrives but is refused' in reason, reason
    assert 'no camera_info received yet' not in reason

    def only_p(m):
        m.k = [0.0] * 9
        return m
    posed_on_red(info=only_p)

    def only_k(m):
        m.p = [0.0] * 12
        return m
    posed_on_red(info=only_k)

    def rectified(m):  # image_proc beside image_rect: K and D of the raw camera, P rectified
        fx, cx, fy, cy = m.p[0], m.p[2], m.p[5], m.p[6]
        m.k = [fx * 1.12, 0.0, cx + 6.0, 0.0, fy * 1.12, cy - 4.0, 0.0, 0.0, 1.0]
        m.d = [-0.28, 0.09, 0.0005, -0.0003, 0.0]
        m.distortion_model = 'plumb_bob'
        return m
    posed_on_red(info=rectified)

    def depth_camera_frame(m):  # /camera/depth/image_rect_raw remapped by mistake
        m.header.frame_id = 'camera_depth_optical_frame'
        return m
    # Not registered to the colour camera (helper-h165's brief: it was used, and the
    # depth camera's own image poses 5 cm off at the median): answered in 2D, saying why,
    # and said in /diagnostics until depth in the colour frame comes again.
    probe.clear()
    assert feed_until(camera, scene, lambda: any(
        d['status'] == 'no_depth' for d in detections(probe)), depth=depth_camera_frame)
    reason = next(d for d in detections(probe) if d['status'] == 'no_depth')['reason']
    assert 'in frame "camera_depth_optical_frame"' in reason, reason
    assert 'not registered to the colour image' in reason, reason
    level, message, values = wait_diag(probe, lambda lv, m, v: 'depth images are in' in m)
    assert 'registered to the colour camera' in message, message
    assert 'answered in 2D until depth in the colour frame' in message, message
    assert int(values['depth_other_frame']) >= 1
    assert node.output().count('depth images are in frame "camera_depth_optical_frame"') == 1
    posed_on_red()  # registered depth again: posed, and the notice is gone
    probe.clear()
    publish(camera, scene)
    found = wait_diag(probe, lambda lv, m, v: 'depth images are in' not in m)
    assert found is not None and 'depth images are in' not in found[1], found

    def no_size(m):  # some drivers leave width and height 0
        m.width = m.height = 0
        return m
    posed_on_red(info=no_size)
    assert node.output().count('camera_info width and height are 0') == 1

    def distorted(m):  # a raw (unrectified) image's camera_info
        m.d = [0.1, -0.05, 0.0, 0.0, 0.01]
        return m
    probe.clear()
    assert feed_until(camera, scene, lambda: probe.messages(POSE), info=distorted)
    assert node.output().count('the image must be rectified') == 1
    assert 'set rectify:=auto to rectify here' in node.output()
    assert node.stop() == 0


def test_depth_labelled_with_the_depth_cameras_frame_is_used_when_said_registered(probe,
                                                                                  start_node):
    # assume_depth_registered:=true: a driver that publishes registered depth under the
    # depth camera's frame_id (realsense-ros#3344) is posed from it, logged once and
    # counted; without the parameter the test above answers such depth in 2D.
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'rectify:=never', '-p', 'assume_depth_registered:=true')
    red = obj(scene, 'red', 'ball')

    def depth_camera_frame(m):
        m.header.frame_id = 'camera_depth_optical_frame'
        return m
    assert feed_until(camera, scene, lambda: probe.messages(POSE), depth=depth_camera_frame), \
        node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    assert not any(d['status'] == 'no_depth' for d in detections(probe))
    said = 'used as registered to the colour camera (assume_depth_registered:=true)'
    # Said once the colour frame's id is known when a depth image arrives (the first
    # depth may come before the first colour frame).
    assert feed_until(camera, scene, lambda: said in node.output(), depth=depth_camera_frame)
    assert node.output().count(said) == 1
    assert node.stop() == 0


def test_integers_for_doubles_are_accepted_and_bad_values_fail_in_one_line(
        probe, start_node, tmp_path):
    params = tmp_path / 'params.yaml'
    with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), 'config',
                           'clip_perception.yaml')) as f:
        text = f.read()
    edited = re.sub(r'spatial_margin: [0-9.]+', 'spatial_margin: 0', text)
    edited = re.sub(r'watchdog_timeout: [0-9.]+', 'watchdog_timeout: 30', edited)
    edited = re.sub(r'max_proposals: [0-9]+', 'max_proposals: 24.0', edited)
    edited = re.sub(r'(top_k: [0-9]+)', r'\1\n    min_confidense: 0.3', edited)
    params.write_text(edited)
    node = start_node('-p', 'min_confidence:=1', params_file=str(params))
    assert wait_for_node(probe), node.output()
    res = call(probe, GetParameters, '/clip_perception/get_parameters', GetParameters.Request(
        names=['min_confidence', 'spatial_margin', 'watchdog_timeout', 'max_proposals']))
    assert [(v.type, v.double_value) for v in res.values[:3]] == [
        (ParameterType.PARAMETER_DOUBLE, 1.0), (ParameterType.PARAMETER_DOUBLE, 0.0),
        (ParameterType.PARAMETER_DOUBLE, 30.0)]
    assert (res.values[3].type, res.values[3].integer_value) == (
        ParameterType.PARAMETER_INTEGER, 24)
    # A typo in the parameters file is not silently ignored.
    assert 'parameter "min_confidense" is not a clip_perception parameter' in node.output()
    assert 'did you mean "min_confidence"' in node.output()
    # `ros2 param set /clip_perception min_confidence 0` sends an integer.
    ok = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('min_confidence', value=0).to_parameter_msg()])).results[0]
    assert ok.successful, ok.reason
    got = call(probe, GetParameters, '/clip_perception/get_parameters',
               GetParameters.Request(names=['min_confidence'])).values[0]
    assert got.type == ParameterType.PARAMETER_DOUBLE and got.double_value == 0.0
    out_of_range = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('min_confidence', value=2).to_parameter_msg()])).results[0]
    assert not out_of_range.successful
    assert node.stop() == 0

    # Values that cannot be used, in the parameters file (rcl keeps the file's value when
    # a `-p` override has another type, so the file is where such values bite).
    for name, bad in (('min_confidence', "'high'"), ('max_proposals', '2.5'),
                      ('min_confidence', '7')):
        params.write_text(re.sub(rf'\n    {name}: [^\n]+', f'\n    {name}: {bad}', text))
        node = start_node(params_file=str(params))
        assert node.proc.wait(60) == 1
        out = node.output()
        fatal = [line for line in out.splitlines() if 'FATAL' in line]
        assert len(fatal) == 1 and name in fatal[0], out
        assert 'Traceback' not in out


def test_a_repeated_command_is_a_no_op(probe, start_node):
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    for _ in range(48):  # `ros2 topic pub` at its default 1 Hz, sped up
        camera.command('the red ball')
        time.sleep(0.02)
    level, message, values = wait_diag(probe, lambda lv, m, v: v['commands_received'] == '48')
    assert values['commands_repeated'] == '47' and values['active_command'] == 'the red ball'
    echoed = [m.data for m in probe.messages('/clip_perception/active_command')]
    assert echoed.count('the red ball') == 1, echoed
    assert node.output().count('command set to "the red ball"') == 1
    assert node.stop() == 0


def test_watchdog_turns_diagnostics_to_error_when_frames_go_unanswered(probe, start_node):
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3', '-p', 'watchdog_timeout:=1.5')
    old = probe.node.get_clock().now().nanoseconds - 10 * 10 ** 9  # 10 s in the past
    end = time.monotonic() + 4.0
    while time.monotonic() < end:
        publish(camera, scene, stamp_ns=old)
        time.sleep(0.2)
    level, message, _ = wait_diag(probe, lambda lv, m, v: 'skipped as stale' in m)
    assert level == 2 and 'max_frame_age' in message  # at once, from the first stale frame
    level, message, _ = wait_diag(probe, lambda lv, m, v: 'none was answered' in m)
    assert level == 2 and 'none was answered' in message and 'max_frame_age' in message
    assert detections(probe) == []
    assert node.stop() == 0


def test_waits_that_do_not_fit_stay_warned_while_set_and_clear_when_set_right(
        probe, start_node):
    """``depth_wait`` not below ``max_frame_age`` is a WARN for as long as it is set.

    helper-71's left-alone: the start-up warning left /diagnostics ``input_timeout`` after
    the start, while every frame held the whole wait for late depth still came out stale;
    and set right live, it stayed until then. Before: gone after 1 s of 3 s of frames,
    and not cleared by the fix; now 3 s of 3 s, cleared at the next tick. max_frame_age is
    4 s, not 1: on a loaded machine a frame waiting over 1 s for the worker was skipped as
    stale, an ERROR beside the WARN (helper-76's review).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3', '-p', 'input_timeout:=1.0',
                                   '-p', 'depth_wait:=5.0', '-p', 'max_frame_age:=4.0')
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 1), node.output()
    end = time.monotonic() + 3.0
    while time.monotonic() < end:  # frames go on: no "input stale" to hide behind
        publish(camera, scene)
        time.sleep(0.2)
    level, message, _ = wait_diag(probe, lambda lv, m, v: 'depth_wait 5 s' in m, timeout=5)
    assert level == 1 and 'max_frame_age 5.5' in message, message
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('depth_wait', value=0.2).to_parameter_msg()]))
    assert res.results[0].successful
    assert feed_until(camera, scene, lambda: status_fits(
        probe, lambda lv, m, v: 'depth_wait' not in m), period=0.2, timeout=10), diag(probe)
    assert node.stop() == 0


def test_unstamped_colour_beside_stamped_depth_pairs_by_arrival(probe, start_node):
    """Colour stamped 0 beside a stamped depth driver, 15 Hz: posed with depth.

    Field report: the colour image went through a republisher that builds a fresh
    Header(); every answer was no_depth ("no depth image within 0.05 s of the frame") and
    no pose came, while the log said depth pairs by arrival.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    red = obj(scene, 'red', 'ball')

    def unstamped(m):
        m.header.stamp = Time()
        return m
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 3, period=1 / 15,
                      colour=unstamped), node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    assert probe.messages(POSE)[-1].header.stamp == Time()
    assert all(d['status'] != 'no_depth' for d in detections(probe)), detections(probe)
    log = node.output()
    assert log.count('zero header.stamp') == 1 and 'its clock is' not in log, log
    assert node.stop() == 0


def test_clock_faults_are_reported_and_diagnostics_go_on_without_a_clock(probe, start_node):
    """Clock faults are answered, named in /diagnostics and logged once.

    Field reports: frames stamped an hour ahead were answered silently (and published
    an hour ahead); depth stamped 0 and colour stamps that go backwards were answered
    "no depth" with no hint why; with use_sim_time and no /clock, /diagnostics stopped.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    now = probe.node.get_clock().now().nanoseconds
    assert feed_until(camera, scene, lambda: probe.messages(POSE),
                      stamp_ns=now + 3600 * 10**9), node.output()
    level, message, values = wait_diag(probe, lambda lv, m, v: 'in the future' in m)
    assert level == 1 and re.search(r'stamped 3[56]\d\d\.\d s in the future', message), message
    assert 'clocks' in message
    assert int(values['frames_future_stamp']) >= 1
    assert node.output().count('in the future') == 1

    def zero_depth_stamp(m):
        m.header.stamp = Time()
        return m
    probe.clear()  # unstamped depth beside stamped colour: paired by arrival, posed
    assert feed_until(camera, scene, lambda: probe.messages(POSE), depth=zero_depth_stamp)
    level, message, values = wait_diag(probe, lambda lv, m, v: 'depth images carry' in m)
    assert 'zero header.stamp' in message and int(values['depth_zero_stamp']) >= 1, message
    assert 'newest depth by arrival' in message, message

    # A colour frame stamped 0.1 s before one answered: delivered out of order, dropped
    # (session 24; before, it was answered and the tracked target dropped), said once.
    t = probe.node.get_clock().now().nanoseconds
    publish(camera, scene, stamp_ns=t)
    time.sleep(0.2)
    publish(camera, scene, stamp_ns=t - 10**8)
    level, message, values = wait_diag(probe, lambda lv, m, v: 'out of order' in m)
    assert 'each is dropped' in message, message
    assert int(values['frames_out_of_order']) >= 1
    # The step back from an hour ahead is a new time (a restarted driver, a looped bag),
    # named as such, not as out-of-order delivery.
    assert int(values['frames_stamp_backwards']) >= 1, values
    assert 's before the one received before it' in message, message

    # use_sim_time without /clock: ROS time stands at 0; diagnostics keep coming.
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('use_sim_time', value=True).to_parameter_msg()]))
    assert res.results[0].successful
    probe.clear()
    assert feed_until(camera, scene, lambda: detections(probe)), node.output()
    level, message, values = wait_diag(probe, lambda lv, m, v: 'no /clock' in m)
    assert 'no /clock has been received' in message, message
    n = len(probe.messages('/diagnostics'))
    time.sleep(1.5)
    assert len(probe.messages('/diagnostics')) >= n + 3
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_frames_stamped_with_the_time_since_boot_are_answered_and_named(probe, start_node):
    """A driver that copies its V4L2 / libcamera capture time (CLOCK_MONOTONIC) into stamps.

    Field report: live frames "stamped in 1970" were all skipped as 1.8e9 s stale, 0
    answers from 63 frames. Their age is now measured on the boot clock: fresh ones are
    answered (WARN, logged once, counted), an old one on that clock is still stale.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')

    def boot_ns():
        return time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    end = time.monotonic() + 40
    while time.monotonic() < end and not probe.messages(POSE):
        publish(camera, scene, stamp_ns=boot_ns())
        time.sleep(0.25)
    pose = probe.messages(POSE)[-1]
    assert np.linalg.norm(position(pose) - red.centre) < 0.01
    assert 0 < pose.header.stamp.sec < 10**9  # outputs carry the stamps, as sent
    end = time.monotonic() + 15
    while time.monotonic() < end and not status_fits(
            probe, lambda lv, m, v: 'time since boot' in m):
        publish(camera, scene, stamp_ns=boot_ns())
        time.sleep(0.25)
    level, message, values = diag(probe)
    assert level == 1 and 'have the driver stamp with ROS time' in message, message
    assert int(values['frames_boot_clock']) >= 1 and int(values['frames_stale']) == 0
    # Five seconds old on the boot clock: stale, as any frame older than max_frame_age.
    end = time.monotonic() + 15
    while time.monotonic() < end and not status_fits(
            probe, lambda lv, m, v: int(v['frames_stale']) > 0):
        publish(camera, scene, stamp_ns=boot_ns() - 5 * 10**9)
        time.sleep(0.25)
    assert int(diag(probe)[2]['frames_stale']) > 0
    log = node.output()
    assert log.count('time since boot') == 1 and 'stamped 5.' in log, log
    assert node.stop() == 0


def test_depth_on_a_lagging_clock_at_30_hz_is_answered_without_depth_not_dropped(
        probe, start_node):
    """Depth on a clock 5 s behind colour at 30 Hz: answered at once without depth.

    Field report (another machine's clock, a depth bag beside a live camera): 1 frame of
    240 was answered, the rest pushed out of the pairing buffer with no log line. Now
    each frame goes on at once without depth, the reason says why, and nothing is
    dropped by the pairing.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')

    def behind(m):
        t = m.header.stamp.sec * 10**9 + m.header.stamp.nanosec - 5 * 10**9
        m.header.stamp = Time(sec=t // 10**9, nanosec=t % 10**9)
        return m
    sent, start = 0, time.monotonic()
    while time.monotonic() - start < 3.0:
        publish(camera, scene, depth=behind)
        sent += 1
        time.sleep(max(0.0, start + sent / 30 - time.monotonic()))
    time.sleep(1.0)
    answered = detections(probe)
    # The worker answers the newest frame and skips frames that came meanwhile, so not
    # every frame is answered; before the fix 1 of 90 was.
    assert len(answered) >= 10, (sent, len(answered), node.output())
    assert all(d['status'] == 'no_depth' for d in answered), answered[-1]
    # Most name the lag; after a gap in arrival (a loaded machine: no colour frame for
    # over depth_wait) the lag is measured afresh from the next depth (session 24), and
    # the frames between say only that no depth paired.
    # The figure is the streams' lag (FrameSync.stream_depth_lag), not less each frame's
    # own delay (4.7-5.0 s on a loaded CI machine, session 25); within 0.3 s on two cores
    # shared with three busy loops.
    figures = [float(m[1]) for d in answered
               if (m := re.search(r'or its clock is ([0-9.]+) s behind', d['reason']))]
    assert len(figures) >= 0.8 * len(answered), answered[-1]
    assert all(abs(f - 5.0) <= 0.3 for f in figures), sorted(set(figures))
    level, message, values = wait_diag(probe, lambda lv, m, v: 'its clock is' in m)
    assert values['frames_dropped_by_sync'] == '0', values
    assert int(values['frames_depth_lagging']) >= 10, values
    assert node.output().count('after the colour frame of the same stamp, or its clock') == 1, \
        node.output()
    assert node.stop() == 0


def test_a_loop_shorter_than_the_depth_wait_is_answered_on_every_pass(probe, start_node):
    """A 0.5 s recording looped at 10 Hz: every pass answered with depth, none dropped.

    Helper-52 (session 24): each stamp going back 0.4 s, within depth_wait (0.5 s), was
    taken for out-of-order delivery; every frame after the first pass was dropped and the
    warning advised reliable QoS. A step back of more than three frame periods is a new
    time (FrameSync._back_limit).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3',
                                   '-p', 'max_frame_age:=30.0')
    red = obj(scene, 'red', 'ball')
    base = probe.node.get_clock().now().nanoseconds
    start = time.monotonic()
    for sent in range(50):  # ten passes of five frames
        publish(camera, scene, stamp_ns=base + (sent % 5) * 10**8)
        time.sleep(max(0.0, start + (sent + 1) / 10 - time.monotonic()))
    time.sleep(1.0)
    answered = detections(probe)
    # How many frames the worker answers depends on the CPU it gets (13 of 50 on a loaded
    # CI machine, 45-49 alone; a frame waiting while the worker is busy is replaced by the
    # next, counted frames_dropped). What the fault did is CPU-free: after the first pass
    # every frame was dropped by the sync, so answers stopped within 0.5 s of the feed.
    with probe._lock:
        arrivals = list(probe.arrived.get('/clip_perception/detection_json', []))
    assert len(answered) >= 8 and arrivals[-1] - arrivals[0] >= 3.0, \
        (len(answered), arrivals[-1] - arrivals[0] if arrivals else None, node.output())
    assert all(d['status'] != 'no_depth' for d in answered[5:]), \
        [d['reason'] for d in answered if d['status'] == 'no_depth'][:3]
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    values = wait_diag(probe, lambda lv, m, v: int(v['frames_stamp_backwards']) >= 5)[2]
    assert values['frames_out_of_order'] == '0' and values['frames_dropped_by_sync'] == '0', \
        values
    # Every frame reached the worker, answered or replaced there by a newer one.
    assert len(answered) + int(values['frames_dropped']) >= 45, (len(answered), values)
    assert 'out of order' not in node.output(), node.output()
    assert node.stop() == 0


def test_one_frame_delivered_late_is_dropped_not_taken_for_a_restart(probe, start_node):
    """One colour frame (with its depth) delivered 0.4 s late in a 10 Hz stream.

    Four periods back, within depth_wait: before session 25 it was taken for a new time
    (a restart, a loop) at once: the depth history was cleared, frames_stamp_backwards
    counted it and the log warned of a restart. It is held until the next frame shows
    the stream went on from the later time, then dropped as out of order, said so; the
    frames after it keep their depth.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3',
                                   '-p', 'max_frame_age:=30.0')
    red = obj(scene, 'red', 'ball')
    base = probe.node.get_clock().now().nanoseconds
    order = list(range(15)) + [16, 17, 18, 19, 15] + list(range(20, 40))
    start = time.monotonic()
    for sent, k in enumerate(order):
        publish(camera, scene, stamp_ns=base + k * 10**8)
        time.sleep(max(0.0, start + (sent + 1) / 10 - time.monotonic()))
    time.sleep(1.0)
    answered = detections(probe)
    stamps = [d['stamp']['sec'] * 10**9 + d['stamp']['nanosec'] - base for d in answered]
    assert stamps == sorted(stamps), stamps  # never an answer back in time
    late = [d for d, t in zip(answered, stamps) if t > 19.5 * 10**8]
    assert len(late) >= 10 and all(d['status'] != 'no_depth' for d in late), \
        [d['reason'] for d in late if d['status'] == 'no_depth'][:3]
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    values = wait_diag(probe, lambda lv, m, v: int(v['frames_out_of_order']) >= 1)[2]
    assert values['frames_stamp_backwards'] == '0', values
    assert 's before the one received before it' not in node.output(), node.output()
    assert node.stop() == 0


def feed_late_depth(camera, scene, delay, seconds, period=0.5):
    """Publish colour and camera_info every ``period`` s, each depth ``delay`` s later.

    One clock: each depth carries its colour frame's stamp, as a stereo-matching node or a
    structured-light camera that publishes depth when it is computed.
    """
    pending, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        c, d, i = scene_messages(scene, camera.probe.node.get_clock().now().nanoseconds)
        camera.info.publish(i)
        camera.image.publish(c)
        pending.append((time.monotonic() + delay, d))
        tick = time.monotonic() + period
        while time.monotonic() < tick or (time.monotonic() >= end and pending):
            while pending and pending[0][0] <= time.monotonic():
                camera.depth.publish(pending.pop(0)[1])
            time.sleep(0.01)


def test_late_depth_on_the_same_clock_is_named_and_pairs_once_depth_wait_covers_it(
        probe, start_node):
    """Depth 0.8 s after its colour frame, same stamps, 2 Hz: named, then paired.

    Field report: every answer was no_depth with no pose, the wait was fixed at
    max(0.5 s, 10 x sync_slop), and the warning blamed the clocks ("depth on another
    clock, or unstamped ... stamp both streams from one clock") though the stamps were
    identical. max_frame_age is raised so that 0.8 s of waiting plus inference on a
    loaded test machine is not skipped as stale.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3', '-p', 'max_frame_age:=3.0')
    red = obj(scene, 'red', 'ball')
    feed_late_depth(camera, scene, 0.8, 4.0)
    answered = detections(probe)
    assert answered and all(d['status'] == 'no_depth' for d in answered), answered
    reason = answered[-1]['reason']
    assert re.search(r'depth arrives (0\.[789]|1\.0) s after the colour frame of the same '
                     r'stamp, or its clock is', reason), reason
    assert 'raise depth_wait' in reason and 'depth wait (0.5 s)' in reason, reason
    log = node.output()
    assert log.count('raise depth_wait if depth is late') == 1, log
    assert 'depth on another clock, or unstamped' not in log

    # depth_wait is live: raised above the latency, frames wait for their own depth; at
    # 15 Hz 12 frames wait at once, more than the pairing buffer holds (10).
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('depth_wait', value=1.5).to_parameter_msg()]))
    assert res.results[0].successful, res.results[0].reason
    probe.clear()
    feed_late_depth(camera, scene, 0.8, 4.0, period=1 / 15)
    end = probe.node.get_clock().now().nanoseconds - int(0.8e9)  # the last colour frame
    time.sleep(1.0)
    # Posed while frames kept coming, not only the last ones once the feed stopped: a
    # full buffer used to push out each frame just before its depth came.
    stamps = [p.header.stamp.sec * 10**9 + p.header.stamp.nanosec for p in probe.messages(POSE)]
    assert sum(s < end - 10**9 for s in stamps) >= 3, (detections(probe), node.output())
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    assert detections(probe)[-1]['status'] != 'no_depth', detections(probe)[-1]
    assert node.stop() == 0


def test_depth_stamped_regularly_beyond_the_sync_slop_names_the_slop_that_pairs_it(probe,
                                                                                     start_node):
    """Depth at the colour rate but out of step with it, 80 ms after each colour frame.

    Field report (realsenseai/librealsense#4723: depth and colour at 6 fps to save bag
    space, the two sensors up to 150 ms apart; depth at a lower fps than colour is the
    same on the frames between two depths). Before, every answer said only "no depth image
    within 0.05 s of the frame" (no pose), and nothing in the log. Now the reason, the log
    (once) and /diagnostics name the depth period and the sync_slop that pairs each frame
    with the nearest depth; set live, every frame is posed.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')

    def later(m):
        ns = m.header.stamp.sec * 10 ** 9 + m.header.stamp.nanosec + 80_000_000
        m.header.stamp = Time(sec=ns // 10 ** 9, nanosec=ns % 10 ** 9)
        return m

    def told():
        return any('set sync_slop to' in d['reason'] for d in detections(probe)) and \
            status_fits(probe, lambda lv, m, v: int(v.get('frames_depth_beyond_slop', 0)) >= 2)
    assert feed_until(camera, scene, told, period=0.2, depth=later), (
        detections(probe)[-1:], diag(probe) if probe.messages('/diagnostics') else None)
    reason = [d for d in detections(probe) if 'set sync_slop to' in d['reason']][-1]['reason']
    assert 'the nearest is 0.08' in reason, reason
    assert not probe.messages(POSE)
    log = node.output()
    assert log.count('colour frames are answered without depth: no depth image within') == 1
    level, message, values = diag(probe)
    assert level == 1 and 'set sync_slop to' in message and 'fastdds' not in message, message
    slop = float(re.search(r'set sync_slop to ([0-9.]+) s', reason)[1])
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('sync_slop', value=slop).to_parameter_msg()]))
    assert res.results[0].successful
    assert_red_ball_posed(probe, node, camera, scene, period=0.2, depth=later)
    assert node.stop() == 0


def test_a_frame_made_stale_by_the_wait_for_depth_names_the_wait_not_the_clocks(
        probe, start_node):
    """depth_wait raised above max_frame_age: the stale reason names the wait.

    Raising depth_wait as the late-depth warning says, with max_frame_age left at 1 s,
    skipped frames with "(camera and node clocks in sync? use_sim_time?)": the clocks
    were blamed again for a wait.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3', '-p', 'depth_wait:=2.0')
    feed_late_depth(camera, scene, 1.2, 3.0)
    level, message, values = wait_diag(probe, lambda lv, m, v: 'stale' in m)
    assert 'for its depth: keep max_frame_age above depth_wait (2 s)' in message, message
    assert 'clocks in sync' not in message and int(values['frames_stale']) >= 1, message
    assert node.stop() == 0


def test_a_camera_info_refused_after_a_good_one_is_said_while_the_old_one_poses(probe,
                                                                               start_node):
    """A driver that sends good camera_info, then one it cannot fill: the old one poses.

    orbbec/OrbbecSDK_ROS2#94 and #171 (K and P all zero at some modes), basler/
    pylon-ros-camera#75 (``set_camera_info`` with zeros while running), luxonis/
    depthai-ros#598 (K all zero). The node goes on posing with the last camera_info it
    accepted. Before: each answer said nothing of it, /diagnostics said "running" for
    ``input_timeout``, then "no 3D pose without intrinsics" while poses went on.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3', '-p', 'input_timeout:=1.0')
    red = obj(scene, 'red', 'ball')
    assert feed_until(camera, scene, lambda: probe.messages(POSE)), node.output()

    def zeros(m):  # K and P all zero: refused
        m.k, m.p = [0.0] * 9, [0.0] * 12
        return m

    def nan_k(m):  # a NaN focal length in both: refused
        m.k[0] = m.p[0] = float('nan')
        return m
    for edit in (zeros, nan_k):
        probe.clear()
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 3, info=edit), \
            node.output()
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
        reason = detections(probe)[-1]['reason']
        assert 'the newest camera_info is refused (' in reason, reason
        assert 'posed with the last accepted one, received' in reason, reason
        # The tick that counts the third frame (one a moment earlier may count two: CI,
        # session 20), frames still flowing: with input_timeout 1 s a status read after
        # the feed stopped could already be "input stale" (CI of 9233f20, under load).
        assert feed_until(camera, scene, lambda: status_fits(
            probe, lambda lv, m, v: 'camera_info' in m and int(
                v.get('frames_old_camera_info', 0)) >= 3), info=edit, timeout=15), diag(probe)
        level, message, values = diag(probe)
        assert level == 1, message
        assert 'poses use the last accepted camera_info' in message or \
            'posed with the last accepted one' in message, message
        assert 'no 3D pose' not in message, message
        assert int(values['frames_old_camera_info']) >= 3
    # Feeding frames for over input_timeout with the refused one: still said truly.
    end = time.monotonic() + 2.5
    while time.monotonic() < end:
        publish(camera, scene, info=zeros)
        time.sleep(0.25)
    level, message, _ = diag(probe)
    assert level == 1 and 'poses use the last accepted camera_info' in message, message
    assert 'no 3D pose' not in message, message
    # A good one again: the notice goes, answers say nothing of it.
    probe.clear()
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2), node.output()
    assert 'camera_info' not in detections(probe)[-1]['reason']
    assert node.stop() == 0


def test_a_latched_camera_info_and_command_published_before_the_node_started_are_received(
        probe, start_node):
    """A camera_info and a command published once, latched, before the node starts.

    Static camera_info publishers and some simulator bridges latch camera_info
    (transient_local); task managers latch the current goal. The VOLATILE subscriptions
    never got the stored samples: every answer stayed 2D, its reason saying "no depth
    image" while depth arrived, and a latched command was lost without a word (nothing
    answered, /diagnostics "running", commands_received 0) (field reports).
    """
    from rclpy.qos import DurabilityPolicy
    from rclpy.qos import QoSProfile
    from rclpy.qos import ReliabilityPolicy

    qos = QoSProfile(depth=1, reliability=ReliabilityPolicy.RELIABLE,
                     durability=DurabilityPolicy.TRANSIENT_LOCAL)
    latched = probe.node.create_publisher(CameraInfo, 'camera_info', qos)
    goal = probe.node.create_publisher(String, 'command', qos)
    scene = cached_scene(4242, specs=SCENE_SPECS)
    latched.publish(scene_messages(scene, probe.node.get_clock().now().nanoseconds)[2])
    goal.publish(String(data='the red ball'))
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')
    assert feed_until(camera, scene, lambda: probe.messages(POSE), info=lambda m: None), \
        node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    assert detections(probe)[-1]['command'] == 'the red ball'
    assert node.output().count('latched (transient_local) publisher') == 2, node.output()
    assert 'no command has arrived: subscribing' in node.output()
    assert 'incompatible' not in node.output()
    probe.node.destroy_publisher(latched)
    probe.node.destroy_publisher(goal)
    assert node.stop() == 0


def test_a_latched_frame_published_once_before_the_node_started_is_answered(
        probe, start_node):
    """A colour image and its depth published once, latched, before the node starts.

    A still published once on a transient_local publisher (as perception_pcl latches its
    one cloud, ros-perception/perception_pcl#212, #459; a rosbridge client's ``latch:
    true``; a script that latches a frame and then a command): the latched camera_info
    and command were taken (their twins), the frame never was, and /diagnostics said
    "waiting for the first colour frame" for good, the publisher in the graph. Now it is
    answered, its age (5 s, past max_frame_age) said in the reason and counted.
    """
    from rclpy.qos import DurabilityPolicy
    from rclpy.qos import QoSProfile
    from rclpy.qos import ReliabilityPolicy

    qos = QoSProfile(depth=1, reliability=ReliabilityPolicy.RELIABLE,
                     durability=DurabilityPolicy.TRANSIENT_LOCAL)
    scene = cached_scene(4242, specs=SCENE_SPECS)
    sent = probe.node.get_clock().now().nanoseconds - 5 * 10 ** 9
    publishers = [probe.node.create_publisher(t, name, qos) for t, name in (
        (CameraInfo, 'camera_info'), (Image, 'depth'), (Image, 'image'), (String, 'command'))]
    colour, depth, info = scene_messages(scene, sent)
    for pub, msg in zip(publishers, (info, depth, colour, String(data='the red ball'))):
        pub.publish(msg)
    node = start_node('-p', 'diagnostics_period:=0.3')
    listen_all(probe)
    assert wait_for_node(probe), node.output()
    poses = probe.wait_for(POSE, lambda m: m, timeout=20.0)
    assert poses, node.output()
    assert np.linalg.norm(position(poses[-1]) - obj(scene, 'red', 'ball').centre) < 0.01
    reason = detections(probe)[-1]['reason']
    assert 'a latched frame' in reason, reason
    values = wait_diag(probe, lambda lv, m, v: int(v.get('frames_latched', 0)) >= 1)[2]
    assert int(values['frames_latched']) >= 1, values
    assert 'colour image has arrived: subscribing transient_local' in node.output()
    assert 'depth image has arrived: subscribing transient_local' in node.output()
    for pub in publishers:
        probe.node.destroy_publisher(pub)
    assert node.stop() == 0


def test_a_stereo_pair_side_by_side_is_answered_on_the_left_view(probe, start_node):
    """A stereo USB camera's two views in one image, beside the left camera's info and depth.

    introlab/rtabmap#264/#1634 (2560x720 side-by-side USB stereo), raspicam_node#116,
    ZED's stereo/image_rect_color. Before: every frame refused ("image is 1280x480 but
    camera_info says 640x480"), no answer. Now the left view is answered: the red ball
    posed within 1 cm, counted as frames_side_by_side.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    h, w = scene.rgb.shape[:2]
    right = np.zeros_like(scene.rgb)
    right[:, :w - 24] = scene.rgb[:, 24:]  # the right camera's view: 24 px of disparity
    pair = np.ascontiguousarray(np.concatenate([scene.rgb, right], 1))

    def side_by_side(m):
        m.width, m.step, m.data = 2 * w, 2 * w * 3, pair.tobytes()
        return m
    assert scene_messages(scene, 0)[0].encoding == 'rgb8'  # the pair is built so
    assert feed_until(camera, scene, lambda: probe.messages(POSE), colour=side_by_side), \
        node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - obj(scene, 'red', 'ball').centre) \
        < 0.01
    values = wait_diag(probe, lambda lv, m, v: int(v.get('frames_side_by_side', 0)) >= 1)[2]
    assert int(values['frames_side_by_side']) >= 1, values
    assert 'stereo pair side by side' in node.output()
    assert node.stop() == 0


@pytest.mark.parametrize('layout', ['right_left', 'top_bottom', 'bottom_top'])
def test_a_swapped_or_over_under_stereo_pair_is_answered_on_the_left_view(
        probe, start_node, layout):
    """A pair whose right view comes first, or one view above the other, beside one view's info.

    Issue 11 (helper-h174). Before: a right|left pair had its right camera's view (the
    first half) posed with the left camera's intrinsics, or was refused as an image of
    another size than camera_info's; an over-under pair (a Raspberry Pi stereo mode's
    top-bottom) was refused every frame ("image is 640x960 but camera_info says
    640x480"). Now the left camera's view is found (by the sign of the shift between the
    halves), the red ball posed within 1 cm, counted.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    h, w = scene.rgb.shape[:2]
    right = np.zeros_like(scene.rgb)
    right[:, :w - 24] = scene.rgb[:, 24:]  # the right camera's view: 24 px of disparity
    first, second = (right, scene.rgb) if layout in ('right_left', 'bottom_top') else \
        (scene.rgb, right)
    pair = np.ascontiguousarray(np.concatenate([first, second],
                                               1 if layout == 'right_left' else 0))

    def stereo(m):
        m.height, m.width = pair.shape[:2]
        m.step, m.data = 3 * pair.shape[1], pair.tobytes()
        return m
    assert feed_until(camera, scene, lambda: probe.messages(POSE), colour=stereo), \
        node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - obj(scene, 'red', 'ball').centre) \
        < 0.01
    counter = 'frames_side_by_side' if layout == 'right_left' else 'frames_over_under'
    values = wait_diag(probe, lambda lv, m, v: int(v.get(counter, 0)) >= 1)[2]
    swapped = int(values.get('frames_stereo_swapped', 0))
    assert (swapped >= 1) == (layout != 'top_bottom'), values
    said = {'right_left': 'halves are swapped', 'top_bottom': 'over and under',
            'bottom_top': 'halves are swapped'}[layout]
    assert said in node.output(), node.output()[-3000:]
    assert node.stop() == 0


def test_without_camera_info_the_reason_says_so_not_no_depth(probe, start_node):
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    assert feed_until(camera, scene, lambda: detections(probe), info=lambda m: None)
    reason = detections(probe)[-1]['reason']
    assert 'no camera_info' in reason and 'no depth image' not in reason, reason
    assert node.stop() == 0


def test_depth_in_millimetres_and_a_wild_principal_point_are_refused_not_posed(
        probe, start_node):
    """Impossible depth units and intrinsics are refused with the reason.

    Field reports: 16UC1 values sent as 32FC1 put the target 783 m away, and K with
    cx = 1e6 put it 1.4 km away, both reported as found and healthy.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')

    def millimetres(m):
        mm = np.frombuffer(bytes(m.data), np.uint16).astype(np.float32)
        m.encoding, m.step, m.data = '32FC1', 4 * m.width, mm.tobytes()
        return m
    assert feed_until(camera, scene, lambda: detections(probe) and status_fits(
        probe, lambda lv, m, v: 'depth refused' in m), depth=millimetres)
    level, message, values = diag(probe)
    assert 'millimetres' in message and 'REP 118' in message, message
    assert 'millimetres' in detections(probe)[-1]['reason']
    assert all(np.linalg.norm(position(p)) < 5.0 for p in probe.messages(POSE))

    def no_readings(m):  # a depth stream that runs but reads nothing
        m.encoding, m.step = '32FC1', 4 * m.width
        m.data = np.full(m.width * m.height, np.nan, np.float32).tobytes()
        return m
    probe.clear()
    assert feed_until(camera, scene, lambda: any(  # frames in flight still had depth
        'holds no reading' in d['reason'] for d in detections(probe)), depth=no_readings)
    level, message, values = wait_diag(probe, lambda lv, m, v: 'holds no reading' in m)
    assert level == 1 and 'answering without depth' in message, message

    def far_principal_point(m):
        m.k = [m.k[0], 0.0, 1e6, 0.0, m.k[4], m.k[5], 0.0, 0.0, 1.0]
        m.p = [m.k[0], 0.0, 1e6, 0.0, 0.0, m.k[4], m.k[5], 0.0, 0.0, 0.0, 1.0, 0.0]
        return m
    probe.clear()
    # Frames keep coming while /diagnostics is awaited: once they stopped, an answer to a
    # frame still in flight ended the feed, and the next diagnostics said "input stale"
    # (most serious first) instead of the refusal (CI flake).
    assert feed_until(camera, scene, lambda: detections(probe) and status_fits(
        probe, lambda lv, m, v: 'camera_info refused' in m), info=far_principal_point)
    level, message, values = diag(probe)
    assert 'principal point' in message and 'principal point' in values[
        'last_refusal_camera_info'], message
    assert all(np.linalg.norm(position(p)) < 5.0 for p in probe.messages(POSE))

    # Frame ids that tf2 cannot use are refused as parameters, whitespace ones in headers
    # are reported as empty.
    for bad in ('/', ' ', 'a b'):
        res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
            Parameter('frame_id', value=bad).to_parameter_msg()]))
        assert not res.results[0].successful and 'tf2' in res.results[0].reason
    probe.clear()
    assert feed_until(camera, scene, lambda: probe.messages(POSE), frame_id='  ')
    assert probe.messages(POSE)[-1].header.frame_id == ''
    assert 'empty header.frame_id' in node.output()
    assert node.stop() == 0


def test_a_qos_mismatch_stays_named_while_no_colour_arrives(probe, start_node):
    """The QoS mismatch stays the named cause of stale input.

    Field report: the QoS reason was logged once, then /diagnostics said only "input
    stale" (DDS reports the mismatch once, at discovery).
    """
    from rclpy.qos import qos_profile_sensor_data

    node = start_node('-p', 'command:=the red ball', '-p', 'qos_reliability:=reliable',
                      '-p', 'diagnostics_period:=0.3', '-p', 'input_timeout:=1.0')
    probe.listen(DiagnosticArray, '/diagnostics')
    assert wait_for_node(probe), node.output()
    pub = probe.node.create_publisher(Image, 'image', qos_profile_sensor_data)
    scene = cached_scene(4242, specs=SCENE_SPECS)
    c, _, _ = scene_messages(scene, probe.node.get_clock().now().nanoseconds)
    end = time.monotonic() + 4.0
    while time.monotonic() < end:
        pub.publish(c)
        time.sleep(0.2)
    level, message, _ = wait_diag(probe, lambda lv, m, v: 'QoS' in m and (
        'waiting' in m or 'stale' in m))
    assert 'incompatible' in message and 'best_effort' in message, message
    assert detections(probe) == []
    assert node.stop() == 0


def test_the_start_up_line_names_the_topics_actually_subscribed(probe, start_node):
    """The start-up log line names the remapped topics the node really listens on.

    Field report: with image_transport compressed and "-r image:=...", the log said
    "listening on /camera/color/image_raw (compressed)" while the node listened on
    /image/compressed (the compressed topic is remapped on its own, as the launch file
    does).
    """
    node = start_node('-p', 'image_transport:=compressed', '-p',
                      'depth_transport:=compressedDepth', '-r', 'image:=/cam/raw', '-r',
                      'image/compressed:=/cam/jpeg', '-r', 'command:=~/command')
    assert wait_for_node(probe), node.output()
    end = time.monotonic() + 30
    while 'listening on' not in node.output() and time.monotonic() < end:
        time.sleep(0.1)
    line = next(x for x in node.output().splitlines() if 'listening on' in x)
    assert 'listening on /cam/jpeg (compressed), /cam/camera_info, /depth/compressedDepth; ' \
        'command on /clip_perception/command' in line, line
    topics = dict(probe.node.get_topic_names_and_types())
    assert 'sensor_msgs/msg/CompressedImage' in topics.get('/cam/jpeg', []), topics
    assert node.stop() == 0


def test_a_compressed_transport_follows_its_remapped_base_topic(probe, start_node):
    """``-r image:=<base>`` with the compressed transport listens on ``<base>/compressed``.

    image_transport subscribers (image_view, image_proc, rqt) name a transport's topic
    from the base topic as remapped. Field report: started that way beside a RealSense,
    the node listened on /image/compressed and /depth/compressedDepth: 32 frames, no
    answer, /diagnostics "waiting for the first colour frame". (A rule for
    ``image/compressed`` itself still wins:
    test_the_start_up_line_names_the_topics_actually_subscribed.)
    """
    base, depth = '/cam/color/image_raw', '/cam/aligned_depth_to_color/image_raw'
    node = start_node('-p', 'command:=the red ball', '-p', 'image_transport:=compressed',
                      '-p', 'depth_transport:=compressedDepth', '-r', f'image:={base}',
                      '-r', f'depth:={depth}')
    listen_all(probe)
    camera = Camera(probe, image=base, info='/cam/color/camera_info', compressed=True)
    camera.depth_compressed = probe.node.create_publisher(CompressedImage,
                                                          depth + '/compressedDepth', 10)
    assert wait_for_node(probe), node.output()
    wait_subscribed(camera.image, camera.info, camera.depth_compressed)
    scene = cached_scene(4242, specs=SCENE_SPECS)

    fmt, data = compressed_depth.encode(scene.depth_16uc1(), 'png', '16UC1')
    c = scene_messages(scene, 0, jpeg_quality=95)[0]
    assert feed_until(camera, scene, lambda: probe.messages(POSE), depth=lambda m: (
        CompressedImage(header=m.header, format=fmt, data=data)), colour=lambda m: (
        CompressedImage(header=m.header, format=c.format, data=c.data))), node.output()
    red = obj(scene, 'red', 'ball')
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.015
    line = next(x for x in node.output().splitlines() if 'listening on' in x)
    assert f'listening on {base}/compressed (compressed), /cam/color/camera_info, ' \
        f'{depth}/compressedDepth;' in line, line
    assert node.stop() == 0


def test_camera_info_beside_the_remapped_image_is_found(probe, start_node):
    """``-r image:=<ns>/image_raw`` alone listens for ``<ns>/camera_info``.

    image_transport's camera subscriber (depth_image_proc, image_proc) takes an image's
    camera_info from beside it. Field report: started with image and depth remapped
    only, beside a RealSense, the node answered 32 frames in 2D only, "no camera_info
    received yet". A rule for camera_info itself still wins (the launch file's).
    """
    image, depth = '/cam/color/image_raw', '/cam/aligned_depth_to_color/image_raw'
    node = start_node('-p', 'command:=the red ball', '-r', f'image:={image}',
                      '-r', f'depth:={depth}')
    listen_all(probe)
    camera = Camera(probe, image=image, depth=depth, info='/cam/color/camera_info')
    assert wait_for_node(probe) and camera.wait_connected(), node.output()
    scene = cached_scene(4242, specs=SCENE_SPECS)
    assert feed_until(camera, scene, lambda: probe.messages(POSE)), node.output()
    red = obj(scene, 'red', 'ball')
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    assert detections(probe)[-1]['status'] == 'found'
    assert node.stop() == 0


def test_camera_info_written_column_major_is_read_transposed_and_named(probe, start_node):
    """K and P filled from a column-major matrix: cx, cy in K[6], K[7] (aditof_sdk #358).

    Field report: read as a principal point at the image corner, the red ball's pose came
    597 mm from the truth, and /diagnostics advised "publish the camera_info of this
    image's resolution".
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')

    def column_major(m, p_zero=False):
        m.k = [float(v) for v in np.reshape(m.k, (3, 3)).T.ravel()]
        m.p = [0.0] * 12 if p_zero else [float(v) for v in np.reshape(m.p, (3, 4)).T.ravel()]
        return m
    for p_zero in (False, True):
        probe.clear()
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                          info=lambda m, z=p_zero: column_major(m, z)), node.output()
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    assert feed_until(camera, scene, lambda: status_fits(  # awaited while frames flow
        probe, lambda lv, m, v: 'column-major' in m), info=lambda m: column_major(m, True))
    level, message, _ = diag(probe)
    assert level == 1 and 'camera_info K is written column-major' in message, message
    assert 'far from the centre' not in message
    assert node.output().count('column-major') == 1, node.output()
    assert node.stop() == 0


def test_camera_info_scaled_as_a_decomposition_leaves_it_is_posed_and_named(probe, start_node):
    """K (P unset) at 2x and -1x its camera matrix, as a decomposed P leaves it.

    yxlao/camtools#15. Before: at 2x the principal point sat at the image's corner and
    the pose came far from the truth; at -1x camera_info was refused and nothing was
    posed. Now both posed within 1 cm, one WARN naming the scale.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')

    def scaled(m, s):
        m.k, m.p = [float(v) * s for v in m.k], [0.0] * 12
        return m
    for s in (2.0, -1.0):
        assert_red_ball_posed(probe, node, camera, scene, info=lambda m, s=s: scaled(m, s))
    assert node.output().count('is a multiple of a camera matrix') == 1, node.output()
    assert node.stop() == 0


def test_camera_info_of_six_times_the_resolution_is_posed_and_named(probe, start_node):
    """K and P six times the image's camera matrix (orbbec/OrbbecSDK_ROS1#7, Femto Mega).

    Before: refused as a principal point far outside the image, nothing posed. Now posed
    within 1 cm, one WARN naming the factor, counted ``camera_info_resolution``.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')

    def six_times(m):
        m.k = [v * 6 if i in (0, 2, 4, 5) else v for i, v in enumerate(m.k)]
        m.p = [v * 6 if i in (0, 2, 5, 6) else v for i, v in enumerate(m.p)]
        return m
    assert_red_ball_posed(probe, node, camera, scene, info=six_times)
    assert_warned_once_and_counted(probe, node, 'read divided by 6', 'camera_info_resolution', 1)
    assert node.stop() == 0


def test_two_nodes_publishing_one_input_are_named(probe, start_node):
    """A bag played beside the live camera: two nodes publish the colour and depth topics.

    Field report: answers switched between the two views, the red ball's pose jumping
    308 mm on 63 of 70 answers, with /diagnostics "running". Now a WARN names the
    topics and nodes while it lasts (logged once), and goes when one stops.
    """
    from rclpy.node import Node

    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3', '-p', 'input_timeout:=1.0')
    bag = Node(f'rosbag2_player_{os.getpid()}')
    image = bag.create_publisher(Image, 'image', 10)
    depth = bag.create_publisher(Image, 'depth', 10)
    # Discovery is gradual: the bag's node name and its second topic can come a few
    # diagnostics later than its first publisher (seen in CI: the name still
    # "_NODE_NAME_UNKNOWN_", /depth not yet listed), so wait for the whole naming.
    named = f'2 nodes (/{probe.node.get_name()}, /{bag.get_name()}) publish /image, /depth: '
    try:
        end = time.monotonic() + 20
        while time.monotonic() < end and not status_fits(
                probe, lambda lv, m, v: named in m):
            publish(camera, scene)
            c, d, _ = scene_messages(scene, probe.node.get_clock().now().nanoseconds)
            depth.publish(d)
            image.publish(c)
            time.sleep(0.25)
        level, message, _ = diag(probe)
        assert level == 1, message
        assert named in message, message  # sorted: probe_... before rosbag2_player_...
        assert 'answers switch between their views' in message and 'camera_info' not in message
    finally:
        bag.destroy_node()
    assert feed_until(camera, scene, lambda: status_fits(probe, lambda lv, m, v: lv == 0))
    assert node.output().count('answers switch between their views') == 1
    assert node.stop() == 0


def test_depth_lost_on_the_way_is_named_in_the_log_not_told_a_slop(probe, start_node):
    """Depth published at the colour rate, four in five lost on the way (10 Hz).

    Helper-56: a camera publisher without the large-data Fast DDS profile lost most
    614 kB depth images; the one log line said "depth images are stamped 1.100 s apart
    ... set sync_slop to 0.578 s" (which pairs frames with depth half a second off), and
    the transport was named only in /diagnostics. Now the log names the loss and the
    profile, once, and no sync_slop is suggested.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    rng = np.random.default_rng(11)
    start = time.monotonic()
    for sent in range(90):
        keep = rng.random() < 0.2 or sent < 3
        publish(camera, scene, depth=None if keep else (lambda m: None))
        time.sleep(max(0.0, start + (sent + 1) / 10 - time.monotonic()))
    level, message, values = wait_diag(probe, lambda lv, m, v: 'lost on the way' in m)
    assert 'FASTRTPS_DEFAULT_PROFILES_FILE' in message, message
    log = node.output()
    assert log.count('are lost on the way or published slower') == 1, log
    assert 'set sync_slop to' not in log, log
    assert node.stop() == 0


def test_disparity_wired_to_the_depth_input_is_named(probe, start_node):
    """A stereo camera's disparity image remapped to depth (a stereo node's ``stereo/disparity``).

    Disparity is pixels of shift, not distance: read as depth, every pose lay along its
    ray at the wrong range, with nothing said. The topic's name tells: warned once, kept
    in /diagnostics and counted (depth_disparity_topic).
    """
    topic = '/oak/stereo/disparity'
    node = start_node('-p', 'command:=the red ball', '-p', 'diagnostics_period:=0.3',
                      '-r', f'depth:={topic}')
    listen_all(probe)
    camera = Camera(probe, depth=topic)
    assert wait_for_node(probe) and camera.wait_connected(), node.output()
    scene = cached_scene(4242, specs=SCENE_SPECS)
    assert feed_until(camera, scene, lambda: status_fits(
        probe, lambda lv, m, v: 'whose name says disparity' in m)), node.output()
    level, message, values = diag(probe)
    assert level >= 1 and f'depth is read from {topic}' in message, message
    assert int(values['depth_disparity_topic']) >= 1, values
    assert node.output().count('whose name says disparity') == 1, node.output()
    assert node.stop() == 0


def start_deaf(probe, start_node, image, published):
    """Start the node on ``image`` and a depth topic; publish CompressedImage elsewhere.

    :param image: the topic ``image`` is remapped to (depth to
        ``/cam/aligned_depth_to_color/image_raw``).
    :param published: the two topics the probe publishes ``CompressedImage`` on.
    :return: ``(node, (colour publisher, depth publisher))``.
    """
    node = start_node('-p', 'command:=the red ball', '-p', 'diagnostics_period:=0.3',
                      '-r', f'image:={image}',
                      '-r', 'depth:=/cam/aligned_depth_to_color/image_raw')
    listen_all(probe)
    publishers = tuple(probe.node.create_publisher(CompressedImage, t, 10) for t in published)
    assert wait_for_node(probe), node.output()
    return node, publishers


def until_both_never_arrive(probe, publish, timeout=20.0):
    """Call ``publish`` every 0.25 s until /diagnostics says colour and depth never arrive.

    :return: the last status's ``(level, message)``.
    """
    end = time.monotonic() + timeout
    while time.monotonic() < end and not status_fits(
            probe, lambda lv, m, v: 'colour never arrives' in m and 'depth never' in m):
        publish()
        time.sleep(0.25)
    return diag(probe)[:2]


def test_an_input_no_message_can_reach_is_named_in_diagnostics(probe, start_node):
    """A topic of another type, or a stream published only under another transport.

    DDS never delivers between a publisher and a subscription of different types, and
    says nothing. Field report: ``-r image:=.../image_raw/compressed`` with the raw
    transport, and raw depth beside a camera (or a bag) that has only compressedDepth,
    were "waiting for the first colour frame" and "no depth image received yet", with no
    word of why or what to set.
    """
    base, depth = '/cam/color/image_raw', '/cam/aligned_depth_to_color/image_raw'
    node, (jpeg, packed) = start_deaf(probe, start_node, f'{base}/compressed',
                                      (base + '/compressed', depth + '/compressedDepth'))
    scene = cached_scene(4242, specs=SCENE_SPECS)
    fmt, data = compressed_depth.encode(scene.depth_16uc1(), 'png', '16UC1')

    def publish_both():
        c, d, _ = scene_messages(scene, probe.node.get_clock().now().nanoseconds,
                                 jpeg_quality=90)
        jpeg.publish(c)
        packed.publish(CompressedImage(header=d.header, format=fmt, data=data))
    level, message = until_both_never_arrive(probe, publish_both)
    assert level == 2, message
    assert f'{base}/compressed is published as sensor_msgs/msg/CompressedImage but the ' \
        'node subscribes sensor_msgs/msg/Image there; set image_transport:=compressed' \
        in message, message
    assert f'nothing is published on {depth}, but {depth}/compressedDepth is ' \
        f'(sensor_msgs/msg/CompressedImage): set depth_transport:=compressedDepth (with -r ' \
        f'depth:={depth})' in message, message
    log = node.output()
    assert log.count('colour never arrives') == 1 and log.count('depth never arrives') == 1
    assert detections(probe) == []
    assert node.stop() == 0


def test_a_stream_only_under_a_transport_the_node_cannot_decode_is_named(probe, start_node):
    """A camera or bag with the stream only as ffmpeg (or theora), or zstd: named, not waited on.

    A bag recorded with only one transport topic, or a remote link that carries only it
    (daniilidis-group/ffmpeg_image_transport#3: only ``image/ffmpeg`` on the remote
    machine; ros-perception/image_transport_plugins#4: ``image_raw/theora``), leaves the
    node deaf. Before: "waiting for the first colour frame", nothing logged, although
    such messages may be ``CompressedImage`` like the ones the node decodes
    (yoshito-n-students/ffmpeg_pipeline's ffmpeg transport). The zstd transport
    (ros-drivers/usb_cam#340: Jazzy's usb_cam adds ``image_raw/zstd``) is decoded now:
    its note names ``depth_transport:=zstd``
    (test_colour_and_depth_on_the_zstd_transport_are_posed).
    """
    base, depth = '/cam/color/image_raw', '/cam/aligned_depth_to_color/image_raw'
    node, publishers = start_deaf(probe, start_node, base, (base + '/ffmpeg', depth + '/zstd'))
    header = Header(stamp=probe.node.get_clock().now().to_msg(), frame_id='cam')
    packet = CompressedImage(header=header, format='h264', data=b'\x00\x00\x00\x01\x67')
    level, message = until_both_never_arrive(probe, lambda: [p.publish(packet)
                                                             for p in publishers])
    assert level == 2, message
    assert f'colour never arrives: nothing is published on {base}, but {base}/ffmpeg is ' \
        '(sensor_msgs/msg/CompressedImage), the ffmpeg image transport, which this node ' \
        'cannot decode: republish it raw first' in message, message
    assert f'depth never arrives: nothing is published on {depth}, but {depth}/zstd is ' \
        f'(sensor_msgs/msg/CompressedImage): set depth_transport:=zstd (with -r ' \
        f'depth:={depth})' in message, message
    log = node.output()
    assert log.count('colour never arrives') == 1 and log.count('depth never arrives') == 1
    assert detections(probe) == []
    assert node.stop() == 0


def test_colour_and_depth_on_the_zstd_transport_are_posed(probe, start_node):
    """A Jazzy camera or bag with only ``<base>/zstd``: ``image_transport:=zstd`` poses it.

    ros-drivers/usb_cam#340: Jazzy's drivers publish ``image_raw/zstd`` (zstd_image_
    transport, installed with image_transport), and bags recorded to save space hold only
    it; ros-perception/image_transport_plugins#214: Jazzy's plugin deflates (gzip) under
    that name, the next one uses zstd. Before, neither parameter took ``zstd``: the node
    could only name the topic and ask for a republish, 0 of 20 frames answered. Now
    ``<base>/zstd`` is subscribed for colour (bgr8 with padded rows) and depth (16UC1,
    lossless), each codec, and the red ball is posed within 1 cm.
    """
    base, depth = '/cam/color/image_raw', '/cam/aligned_depth_to_color/image_raw'
    node = start_node('-p', 'command:=the red ball', '-p', 'image_transport:=zstd',
                      '-p', 'depth_transport:=zstd', '-r', f'image:={base}',
                      '-r', f'depth:={depth}')
    listen_all(probe)
    camera = Camera(probe, image=base, info='/cam/color/camera_info')
    camera.image = probe.node.create_publisher(CompressedImage, base + '/zstd', 10)
    camera.depth_compressed = probe.node.create_publisher(CompressedImage, depth + '/zstd', 10)
    assert wait_for_node(probe), node.output()
    wait_subscribed(camera.image, camera.info, camera.depth_compressed)
    scene = cached_scene(4242, specs=SCENE_SPECS)
    red = obj(scene, 'red', 'ball')
    h, w = scene.rgb.shape[:2]
    rows = np.zeros((h, w * 3 + 32), np.uint8)
    rows[:, :w * 3] = scene.rgb[..., ::-1].reshape(h, -1)
    for codec in ('gzip', 'zstd'):
        colour = zstd_image.pack('bgr8', h, w, w * 3 + 32, rows.tobytes(), codec=codec)
        deep = zstd_image.pack('16UC1', h, w, w * 2, scene.depth_16uc1().tobytes(),
                               codec=codec)
        probe.clear()
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                          colour=lambda m, data=colour: CompressedImage(
                              header=m.header, format='zstd', data=data),
                          depth=lambda m, data=deep: CompressedImage(
                              header=m.header, format='zstd', data=data)), node.output()
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01, codec
    line = next(x for x in node.output().splitlines() if 'listening on' in x)
    assert f'listening on {base}/zstd (zstd), /cam/color/camera_info, {depth}/zstd;' in line
    assert node.stop() == 0


def test_a_stream_on_a_topic_of_nearly_the_remapped_name_is_named(probe, start_node):
    """The camera publishes ``/camera/camera/...`` where the node was remapped to ``/camera/...``.

    Field reports: realsenseai/realsense-ros#2857 (realsense-ros 4.x puts the camera name
    in its topics: ``/camera/camera/color/image_raw``), introlab/rtabmap_ros#1224 ("the
    examples don't work anymore"), v4rl-ucy/covins#44 (remapped to a topic the camera did
    not publish: nothing received). Before: "waiting for the first colour frame", nothing
    logged. Now /diagnostics (ERROR for colour) and the log (once per stream) name the
    topic that carries the stream and the remap to make.
    """
    colour, depth = '/camera/color/image_raw', '/camera/aligned_depth_to_color/image_raw'
    node = start_node('-p', 'command:=the red ball', '-p', 'diagnostics_period:=0.3',
                      '-r', f'image:={colour}', '-r', f'depth:={depth}')
    listen_all(probe)
    camera = Camera(probe, image='/camera/camera/color/image_raw',
                    depth='/camera/camera/aligned_depth_to_color/image_raw',
                    info='/camera/camera/color/camera_info')
    assert wait_for_node(probe), node.output()
    scene = cached_scene(4242, specs=SCENE_SPECS)
    assert feed_until(camera, scene, lambda: status_fits(
        probe, lambda lv, m, v: 'colour never arrives' in m), timeout=20), diag(probe)
    level, message, _ = diag(probe)
    assert level == 2, message
    assert f'colour never arrives: nothing is published on {colour}, but ' \
        '/camera/camera/color/image_raw is (sensor_msgs/msg/Image), a topic of nearly that ' \
        'name (another namespace, or a typo): remap image:=/camera/camera/color/image_raw' \
        in message, message
    log = node.output()
    assert log.count('colour never arrives') == 1 and log.count('depth never arrives') == 1
    assert 'remap depth:=/camera/camera/aligned_depth_to_color/image_raw' in log, log
    assert detections(probe) == []
    assert node.stop() == 0


def test_another_camera_nodes_topic_is_not_named_as_this_ones(probe, start_node):
    """``/cam2/color/image_raw``, which another ``clip_perception`` takes, is cam2's.

    With one node per camera (``cameras:=cam1,cam2``), cam1's camera down: its node must
    not be told to remap to cam2's camera (their names differ by one character). Named
    once no node of that name takes the topic.
    """
    node = start_node('-p', 'command:=the red ball', '-p', 'diagnostics_period:=0.3',
                      '-r', 'image:=/cam1/color/image_raw', '-r', 'depth:=/cam1/depth')
    listen_all(probe)
    context = rclpy.Context()
    rclpy.init(context=context)
    cam2 = rclpy.create_node('clip_perception', namespace='/cam2', context=context)
    try:
        cam2.create_subscription(Image, '/cam2/color/image_raw', lambda m: None, 10)
        camera = Camera(probe, image='/cam2/color/image_raw')
        assert wait_for_node(probe), node.output()
        scene = cached_scene(4242, specs=SCENE_SPECS)
        for _ in range(12):  # four diagnostics ticks
            publish(camera, scene)
            time.sleep(0.25)
        assert 'colour never arrives' not in node.output(), node.output()
        level, message, _ = wait_diag(probe, lambda lv, m, v: 'waiting for the first' in m)
        assert level == 1 and 'waiting for the first colour frame' in message, message
    finally:
        cam2.destroy_node()
        context.try_shutdown()
    assert feed_until(camera, scene, lambda: 'colour never arrives' in node.output(),
                      timeout=20), node.output()
    assert 'remap image:=/cam2/color/image_raw if it is this camera' in node.output()
    assert node.stop() == 0


def test_compressed_formats_in_rgb_order_bayer_and_unknown(probe, start_node):
    """CompressedImage ``format`` is read as compressed_image_transport writes it.

    Field report: "rgb8; jpeg compressed rgb8" (a JPEG in RGB order, jsk coral_usb_ros)
    came out red/blue swapped, and "bayer_rggb8; jpeg compressed " (pylon cameras) was
    used grey. An unknown format is decoded as before (BGR) and warned once.
    """
    import cv2

    node, camera, scene = _compressed_node(probe, start_node)
    red = obj(scene, 'red', 'ball')
    mosaic = scene.rgb[..., 1].copy()  # RGGB: R at even rows/columns, B at odd ones
    mosaic[0::2, 0::2] = scene.rgb[0::2, 0::2, 0]
    mosaic[1::2, 1::2] = scene.rgb[1::2, 1::2, 2]
    unknown = 'rgb8; jpeg compressed yuv9'
    for fmt, pixels, quality in (('rgb8; jpeg compressed rgb8', scene.rgb, 95),
                                 # Written in capitals (a hand-made or non-ROS publisher):
                                 # the same words, read the same (before: a note, and BGR).
                                 ('RGB8; JPEG Compressed RGB8', scene.rgb, 95),
                                 ('bayer_rggb8; jpeg compressed ', mosaic, 100),
                                 (unknown, scene.rgb[..., ::-1], 95)):
        data = cv2.imencode('.jpg', pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()
        probe.clear()
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, colour=lambda m,
                          fmt=fmt, data=data: CompressedImage(header=m.header, format=fmt,
                                                              data=data)), (fmt, node.output())
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.015, fmt
        assert detections(probe)[-1]['status'] == 'found', fmt
    level, message, _ = wait_diag(probe, lambda lv, m, v: unknown in m)
    assert level == 1 and 'decoding it as BGR' in message, message
    assert node.output().count(f'compressed image format "{unknown}"') == 1, node.output()
    assert 'RGB8; JPEG' not in node.output()  # understood, so not warned about
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_compressed_images_sent_as_base64_text_are_decoded_and_named(probe, start_node):
    """A CompressedImage whose ``data`` is the base64 text of its JPEG or PNG.

    Field reports: RobotWebTools/rosbridge_suite#1086 (uint8[] travels as base64 text
    through rosbridge, "a footgun" for every client), #380 (data 4/3 as long as the
    image); michaeljenkin/unityros#3 (a Unity client publishing its JPEG as a Base64
    string); RobotWebTools/roslibjs#199 (a canvas's ``toDataURL``, a data URL, as the
    frame). Before, every frame was refused as "not a readable JPEG, PNG or TIFF", 0
    answers. The text is decoded: pose within 1.5 cm, warned once, counted
    ``colour_compressed_base64``; base64 that does not decode is refused saying so.
    """
    import base64

    import cv2

    node, camera, scene = _compressed_node(probe, start_node)
    bgr = scene.rgb[..., ::-1]
    jpeg = cv2.imencode('.jpg', bgr, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes()
    png = cv2.imencode('.png', bgr)[1].tobytes()
    for fmt, data in (('jpeg', base64.b64encode(jpeg)),
                      ('png', b'data:image/png;base64,' + base64.b64encode(png)),
                      ('jpeg', base64.encodebytes(jpeg))):  # MIME: a line break every 76
        _feed_compressed(probe, node, camera, scene, fmt, data)
    log = node.output()
    assert log.count('holds the base64 text of a') == 1, log
    values = wait_diag(probe, lambda lv, m, v: int(v.get('colour_compressed_base64', 0)) >= 6)
    assert int(values[2]['colour_compressed_base64']) >= 6, values
    cut = base64.b64encode(jpeg)[:-9]
    refusal = refused_colour(probe, camera, scene, lambda m: CompressedImage(
        header=m.header, format='jpeg', data=cut), 'base64')
    assert 'does not decode' in refusal, refusal
    assert node.stop() == 0


def test_compressed_images_behind_stray_bytes_are_posed_and_named(probe, start_node):
    """A JPEG behind a camera FIFO's stray 0xFF or an MJPEG stream's part header.

    helper-h152's brief: ArduCAM/Arduino#85 (a spurious 0xFF before the JPEG's FF D8,
    ESP32 and Arduino cameras published through micro-ROS), an MJPEG HTTP stream relayed
    with each part's header (TheSpaghettiDetective/OctoPrint-Obico#149). Before, every
    frame was refused as "not a readable JPEG", 0 answers. Now the image is decoded from
    its own start: pose within 1.5 cm, warned once, counted
    ``colour_compressed_leading_bytes``.
    """
    import cv2

    node, camera, scene = _compressed_node(probe, start_node)
    jpeg = cv2.imencode('.jpg', scene.rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])[1]
    part = (b'--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n'
            % len(jpeg.tobytes()))
    for lead in (b'\xff', part):
        _feed_compressed(probe, node, camera, scene, 'jpeg', lead + jpeg.tobytes())
    log = node.output()
    assert log.count('before its JPEG image begins') == 1, log
    values = wait_diag(probe,
                       lambda lv, m, v: int(v.get('colour_compressed_leading_bytes', 0)) >= 4)
    assert int(values[2]['colour_compressed_leading_bytes']) >= 4, values
    assert 'Traceback' not in log
    assert node.stop() == 0


def test_a_best_effort_command_publisher_is_named_in_diagnostics_and_the_log(
        probe, start_node):
    """Commands from a best-effort publisher never arrive; the node says so and why.

    Field report: micro-ROS publishes best effort by default; the reliable command
    subscription never matched it, and /diagnostics said "running" with
    commands_received 0. The subscription stays reliable (a dropped command over Wi-Fi
    would be worse); the mismatch is named with the fix until a command arrives.
    """
    from rclpy.qos import qos_profile_sensor_data
    from std_msgs.msg import String

    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    best_effort = probe.node.create_publisher(String, 'command', qos_profile_sensor_data)
    for _ in range(10):
        best_effort.publish(String(data='the red ball'))
        publish(camera, scene)
        time.sleep(0.2)
    level, message, values = wait_diag(probe, lambda lv, m, v: 'command publisher' in m)
    assert level == 1 and 'QoS is incompatible' in message and 'RELIABILITY' in message, \
        message
    assert '--qos-reliability reliable /command' in message, message
    assert values['commands_received'] == '0' and values['active_command'] == ''
    assert values['rejected_command_qos'] == '1', values
    assert detections(probe) == []
    # The best-effort publisher leaves: the warning goes with it (trial 33: it stayed for
    # good, as DDS reports a mismatch when it matches, never when the publisher leaves).
    probe.node.destroy_publisher(best_effort)
    level, message, values = wait_diag(probe, lambda lv, m, v: 'command publisher' not in m)
    assert 'QoS is incompatible' not in message, message
    assert 'no publisher with an incompatible QoS is left on /command' in node.output()
    # It comes back: named again (a WARN line per match, as DDS reports each).
    best_effort = probe.node.create_publisher(String, 'command', qos_profile_sensor_data)
    best_effort.publish(String(data='the red ball'))
    level, message, values = wait_diag(probe, lambda lv, m, v: 'command publisher' in m)
    assert level == 1 and values['rejected_command_qos'] == '2', values
    warned = [x for x in node.output().splitlines() if 'command publisher' in x]
    assert len(warned) == 2 and all('WARN' in x for x in warned), node.output()
    # A reliable publisher on the same topic is heard, and the warning goes.
    camera.command('the red ball')
    assert feed_until(camera, scene, lambda: detections(probe)), node.output()
    level, message, values = wait_diag(probe, lambda lv, m, v: 'command publisher' not in m)
    assert values['active_command'] == 'the red ball'
    assert node.stop() == 0


def assert_named_once_then_gone(probe, node, camera, scene, text, commander):
    """Check ``text`` was logged once, then goes once ``commander``'s command is heard.

    The WARN line is in the log once; a command from ``commander`` is answered, ``text``
    leaves /diagnostics, and the node exits 0.
    """
    lines = [x for x in node.output().splitlines() if text in x]
    assert len(lines) == 1 and 'WARN' in lines[0], node.output()
    commander.command('the red ball')
    assert feed_until(camera, scene, lambda: detections(probe)), node.output()
    level, message, values = wait_diag(probe, lambda lv, m, v: text not in m)
    assert text not in message and values['active_command'] == 'the red ball'
    assert node.stop() == 0


def test_commands_published_where_the_node_does_not_listen_are_named(probe, start_node):
    """Commands on /command beside a node listening on ~/command: named, then heard.

    Field report: the launch file remaps command to ~/command, ``ros2 run`` does not;
    commands published on the other name (the README's /clip_perception/command beside
    ``ros2 run``, a voice node's /command beside the launch file) went nowhere: 0
    answers, /diagnostics "running" (OK), nothing logged. The node now names the
    publishers, both topics and the remap (WARN, logged once) while nothing publishes on
    its own command topic.
    """
    node = start_node('-r', 'command:=~/command', '-p', 'diagnostics_period:=0.3')
    listen_all(probe)
    camera = Camera(probe)  # its command publisher: /command, where the node is not
    assert wait_for_node(probe), node.output()
    scene = _commands_never_arrive(probe, camera, '/clip_perception/command')
    assert detections(probe) == []
    # Published where the node listens: answered, and the warning goes.
    right = Camera(probe, command='/clip_perception/command')
    assert right.wait_connected(), node.output()
    assert_named_once_then_gone(probe, node, camera, scene, 'commands never arrive', right)



@pytest.mark.parametrize('remap', [(), ('-r', 'command:=~/command')])
def test_commands_published_outside_the_nodes_namespace_are_named(probe, start_node, remap):
    """A node in ``/robot`` (``-r __ns:=/robot``, a launch file's namespace) and ``/command``.

    It listens on ``/robot/command`` (or ``/robot/clip_perception/command`` through the
    launch file's remap); ``ros2 topic pub /command ...`` (the README's name without the
    namespace) went nowhere, and only publishers under the namespace were named: 0
    answers, nothing said. Now named with the remap, as for a node outside a namespace.
    """
    node = start_node('-r', '__ns:=/robot', *remap, '-p', 'diagnostics_period:=0.3')
    listened = '/robot/clip_perception/command' if remap else '/robot/command'
    listen_all(probe)
    camera = Camera(probe, image='/robot/image', depth='/robot/depth',
                    info='/robot/camera_info', command='/command')
    assert wait_for_node(probe, '/robot/clip_perception'), node.output()
    _commands_never_arrive(probe, camera, listened)


def _commands_never_arrive(probe, camera, listened):
    """Send frames and commands on /command; check /diagnostics names them; the scene."""
    scene = cached_scene(4242, specs=SCENE_SPECS)
    for _ in range(10):
        camera.command('the red ball')
        publish(camera, scene)
        time.sleep(0.2)
    level, message, values = wait_diag(probe, lambda lv, m, v: 'commands never arrive' in m)
    assert level == 1, message
    assert f'{probe.node.get_fully_qualified_name()} on /command' in message, message
    assert f'listens for commands on {listened}' in message, message
    assert '-r command:=/command' in message and values['commands_received'] == '0', message
    return scene


def test_the_target_is_not_left_drawn_when_the_camera_stops(probe, start_node):
    """Frames stop (a bag ends, a driver dies): the markers go after input_timeout.

    Field report: RViz keeps a marker until it is deleted, and the node deleted its
    markers only with an answer; when the camera stopped the last target stayed drawn
    for good, as if still seen, beside /diagnostics "input stale". Now one DELETEALL
    once no colour frame came for input_timeout (logged), and the next answer draws
    the target again.
    """
    from visualization_msgs.msg import Marker
    from visualization_msgs.msg import MarkerArray

    markers = '/clip_perception/markers'
    probe.listen(MarkerArray, markers)
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'input_timeout:=1.0', '-p', 'diagnostics_period:=0.3')

    def drawn():
        got = probe.messages(markers)
        return bool(got) and Marker.ADD in [m.action for m in got[-1].markers]

    assert feed_until(camera, scene, drawn), node.output()
    end = time.monotonic() + 6.0  # no more frames
    while time.monotonic() < end and drawn():
        time.sleep(0.1)
    assert [m.action for m in probe.messages(markers)[-1].markers] == [Marker.DELETEALL], \
        node.output()
    lines = [x for x in node.output().splitlines() if "the target's markers are deleted" in x]
    assert len(lines) == 1, node.output()
    assert feed_until(camera, scene, drawn), node.output()  # the camera is back
    assert node.stop() == 0


def test_a_command_parameter_it_cannot_clean_does_not_take_the_node_down_at_start(
        probe, start_node):
    """``command:=<600 characters>`` at launch: the node comes up and answers the next one.

    Start-up overrides are not seen by the set-parameters callback; reading the command
    through the cancel-word check once raised in the constructor.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=' + 'a' * 600)
    camera.command('the red ball')
    assert feed_until(camera, scene, lambda: probe.messages(POSE)), node.output()
    assert node.stop() == 0


def test_camera_info_of_another_camera_is_named_not_used_silently(probe, start_node):
    """camera_info remapped to the depth camera's (same size, other focal length).

    Every size check passes and the poses are scaled across the image (6 cm off here);
    its frame_id is the only sign. A slash or an empty frame_id is the same camera.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.5')
    red = obj(scene, 'red', 'ball')

    def framed(frame_id):
        def edit(m):
            m.header.frame_id = frame_id
            return m
        return edit
    for same in ('/' + scene.frame_id, ''):  # the colour camera's own: nothing to say
        probe.clear()
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                          info=framed(same)), node.output()
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    assert 'camera_info is in frame' not in node.output()
    _, _, values = wait_diag(probe, lambda lv, m, v: True)
    assert values['frames_info_other_frame'] == '0'

    def depth_camera_info(m):  # /camera/depth/camera_info: wider field of view
        m.header.frame_id = 'camera_depth_optical_frame'
        m.k = [v * 0.69 if n in (0, 4) else v for n, v in enumerate(m.k)]
        m.p = [v * 0.69 if n in (0, 5) else v for n, v in enumerate(m.p)]
        return m
    probe.clear()
    # Frames keep coming while /diagnostics is awaited: once they stop, the next status
    # says "input stale" (most serious first) instead (CI flake at 019e9e7).
    assert feed_until(camera, scene, lambda: probe.messages(POSE) and status_fits(
        probe, lambda lv, m, v: 'camera_info is in' in m), info=depth_camera_info)
    level, message, values = diag(probe)
    assert level == 1 and ('camera_info is in frame "camera_depth_optical_frame" but colour '
                           f'frames in "{scene.frame_id}"') in message, message
    assert int(values['frames_info_other_frame']) >= 1
    feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 3, info=depth_camera_info)
    assert node.output().count('camera_info is in frame') == 1  # logged once
    assert node.stop() == 0


def test_no_reading_codes_in_depth_do_not_move_the_pose(probe, start_node):
    """65535 in 16UC1 and FLT_MAX in 32FC1 on scattered pixels: no reading, as 0 and NaN.

    ToF and stereo drivers mark invalid or saturated pixels with the type's maximum;
    read as distances they moved the red ball's pose 16.7 mm (FLT_MAX: 20.6 mm) from the
    truth, against 5.7 mm with holes of 0 at the same pixels.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    red = obj(scene, 'red', 'ball')
    holes = np.random.default_rng(1).random(scene.rgb.shape[:2]) < 0.05

    def coded(encoding):
        def edit(m):
            if encoding == '16UC1':
                d = np.frombuffer(bytes(m.data), np.uint16).reshape(m.height, m.width).copy()
                d[holes] = 65535
            else:
                d = scene.depth_32fc1().astype(np.float32)
                d[holes] = np.finfo(np.float32).max
                m.encoding, m.step = '32FC1', 4 * m.width
            m.data = d.tobytes()
            return m
        return edit
    for encoding in ('16UC1', '32FC1'):
        probe.clear()
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                          depth=coded(encoding)), node.output()
        error = np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre)
        assert error < 0.009, (encoding, error)
    assert 'RuntimeWarning' not in node.output()
    assert node.stop() == 0


def test_whitespace_around_a_header_frame_id_is_dropped_from_the_outputs(probe, start_node):
    """A driver's frame_id with a trailing newline or spaces (read from a config string).

    tf2 looks frames up as written: the outputs were in the id plus a newline,
    a frame RViz and tf2 listeners never find.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    for sent in (scene.frame_id + '\n', f' {scene.frame_id} ', f'/{scene.frame_id}\t'):
        probe.clear()
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                          frame_id=sent), node.output()
        assert probe.messages(POSE)[-1].header.frame_id == scene.frame_id, sent
        assert detections(probe)[-1]['frame_id'] == scene.frame_id
    log = node.output()
    assert log.count('has whitespace or NUL padding around it') == 1
    assert log.count('which tf2 refuses') == 1
    # The colour, depth and camera_info ids differ only by the whitespace: one camera.
    assert 'depth images are in frame' not in log and 'camera_info is in frame' not in log
    assert node.stop() == 0


def _depth_at(scene, width, height, frame_id=None):
    """Edit a depth message into ``scene`` rendered at ``width`` x ``height``.

    As a registered depth is: the same camera, intrinsics scaled to the depth's size.
    """
    small = generate_scene(4242, specs=SCENE_SPECS, intrinsics=scene.intrinsics.scaled(
        width / scene.intrinsics.width, height / scene.intrinsics.height))
    mm = small.depth_16uc1()

    def edit(m):
        m.height, m.width, m.step, m.data = height, width, 2 * width, mm.tobytes()
        if frame_id is not None:
            m.header.frame_id = frame_id
        return m
    return edit


def test_depth_at_a_fraction_of_the_colour_resolution_in_its_frame_is_resampled(
        probe, start_node):
    """ZED, OAK-D and RealSense profiles publish depth at 1/2 or 1/4 of the colour size.

    Registered to the colour camera (same frame, same aspect ratio), it was refused on
    every frame ("depth is 320x240 but the image is 640x480"). Now resampled by nearest
    neighbour: on this scene the red ball's pose is as close to the truth as with
    full-size depth; another aspect ratio, or another frame, stays refused with why.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.5')
    red = obj(scene, 'red', 'ball')
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2), node.output()
    full = np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre)
    # Half, a third (640 / 3 = 213.3: rounded sizes), and with an empty depth frame_id.
    for width, height, frame_id in ((320, 240, None), (213, 160, None), (320, 240, '')):
        probe.clear()
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                          depth=_depth_at(scene, width, height, frame_id)), node.output()
        error = np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre)
        assert error < max(0.009, 1.5 * full), (width, height, error, full)
        assert detections(probe)[-1]['status'] == 'found'
    level, message, values = wait_diag(probe, lambda lv, m, v: lv == 0)
    assert (level, message) == (0, 'running'), message  # a supported profile: no WARN
    assert int(values['frames_depth_resampled']) >= 3
    assert 'rejected_depth_mismatch' not in values
    log = node.output()
    assert log.count('resampled to the image size by nearest neighbour') == 1, log
    assert 'depth is 320x240, the 640x480 image scaled by 1/2, in the same frame' in log
    # Not registered: another aspect ratio (a cropping profile), or another camera's frame.
    for width, height, frame_id, why in (
            (320, 180, None, 'depth is 320x180 but the image is 640x480: another aspect'),
            (320, 240, 'camera_depth_optical_frame',
             'depth is 320x240 in frame "camera_depth_optical_frame" but the image is '
             f'640x480 in frame "{scene.frame_id}"')):
        probe.clear()
        assert feed_until(camera, scene, lambda: len(detections(probe)) >= 2,
                          depth=_depth_at(scene, width, height, frame_id)), node.output()
        last = detections(probe)[-1]
        assert last['status'] == 'no_depth' and why in last['reason'], last['reason']
        assert not probe.messages(POSE)
    # Awaited while frames keep coming (once they stop, "input stale" comes first).
    assert feed_until(camera, scene, lambda: status_fits(
        probe, lambda lv, m, v: 'rejected_depth_mismatch' in v and
        'answering without depth' in m), depth=_depth_at(scene, width, height, frame_id))
    _, message, values = diag(probe)
    assert int(values['rejected_depth_mismatch']) >= 2 and 'answering without depth' in message
    assert node.stop() == 0


def _vocabulary(probe):
    got = call(probe, GetParameters, '/clip_perception/get_parameters',
               GetParameters.Request(names=['vocabulary'])).values[0]
    if got.type == ParameterType.PARAMETER_STRING_ARRAY:
        return list(got.string_array_value)
    assert got.type == ParameterType.PARAMETER_STRING, got
    return got.string_value


def test_vocabulary_as_a_list_is_accepted_and_never_silently_emptied(
        probe, start_node, tmp_path):
    """``-p 'vocabulary:=[a, b]'`` and a YAML list, with and without a params file.

    It was declared a string: ``-p`` alone ended the node with a FATAL type error; after
    a params file (the package's, with ``vocabulary: ''``) the node started with the
    empty vocabulary and said nothing, because rcl merges sources by type and rclpy
    reads a string before an array. A list of strings is now taken (joined with ", "),
    the merge's loss is put back and named, and a list of anything else is refused
    with one FATAL line.
    """
    bundled = tmp_path / 'bundled.yaml'  # no vocabulary in it: like `-p` alone
    bundled.write_text("/**:\n  ros__parameters:\n    model: 'bundled'\n")
    user = tmp_path / 'user.yaml'
    user.write_text('/**:\n  ros__parameters:\n    vocabulary: [laptop, coffee mug]\n')
    for args, kwargs, merged in (
            (('-p', 'vocabulary:=[laptop, coffee mug]'), {'params_file': str(bundled)},
             None),
            (('-p', 'vocabulary:=[laptop, coffee mug]'), {}, '-p vocabulary:=[laptop'),
            (('--params-file', str(user)), {}, f'--params-file {user}')):
        node = start_node('-p', 'command:=the red ball', *args, **kwargs)
        assert wait_for_node(probe), node.output()
        assert _vocabulary(probe) == ['laptop', 'coffee mug'], node.output()
        log = node.output()
        if merged:  # the loss is named once, with both sources
            line = next(ln for ln in log.splitlines() if 'parameter vocabulary:' in ln)
            assert merged in line and 'clip_perception.yaml' in line and 'rcl kept' in line
        assert 'FATAL' not in log and 'Traceback' not in log
        assert node.stop() == 0
    # The comma-separated string is as before.
    node = start_node('-p', 'vocabulary:=laptop, coffee mug')
    assert wait_for_node(probe), node.output()
    assert _vocabulary(probe) == 'laptop, coffee mug'
    assert 'parameter vocabulary:' not in node.output()
    # Live: a string array is taken, another type is refused with the reason.
    for value, ok in ((['stapler', 'notebook'], True), (3, False), ([1, 2], False)):
        res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
            Parameter('vocabulary', value=value).to_parameter_msg()])).results[0]
        assert res.successful == ok, (value, res.reason)
        if not ok:
            assert 'vocabulary must be a comma-separated string or a list of strings' in \
                res.reason
    assert _vocabulary(probe) == ['stapler', 'notebook']
    assert node.stop() == 0
    # What cannot be used stops start-up with one FATAL line, never an empty vocabulary.
    ints = tmp_path / 'ints.yaml'
    ints.write_text('/**:\n  ros__parameters:\n    vocabulary: [1, 2]\n')
    # Started together: each pays the imports before it stops (CI: 122 s for this test).
    nodes = [start_node(*args) for args in (('-p', 'vocabulary:=[1, 2]'),
                                            ('--params-file', str(ints)),
                                            ('-p', 'vocabulary:=3'))]
    for node in nodes:
        assert node.proc.wait(90) == 1, node.output()
        fatal = [ln for ln in node.output().splitlines() if 'FATAL' in ln]
        assert len(fatal) == 1 and 'vocabulary must be a comma-separated string or a list ' \
            'of strings' in fatal[0], node.output()
        assert 'Traceback' not in node.output()


def _string_param(probe, name):
    got = call(probe, GetParameters, '/clip_perception/get_parameters',
               GetParameters.Request(names=[name])).values[0]
    assert got.type == ParameterType.PARAMETER_STRING, got
    return got.string_value


def test_a_string_parameter_given_another_type_is_taken_as_its_text(probe, start_node):
    """``-p 'command:=[red ball, blue mug]'``, ``-p command:=42``, ``-p device:=0``.

    YAML reads a list, digits and yes/no/on/off as other types than text: each ended the
    node at start-up with rcl's FATAL "expecting type STRING" (helper-22's report), and
    ``ros2 param set`` refused them. A list for ``command`` is each object named; other
    values are their text, warned once and then judged by the parameter's own rules.
    """
    node = start_node('-p', 'command:=[red ball, blue mug]')
    assert wait_for_node(probe), node.output()
    assert _string_param(probe, 'command') == 'red ball and blue mug'
    log = node.output()
    assert "parameter command: given string_array ['red ball', 'blue mug'] where text is " \
        "expected" in log and "using 'red ball and blue mug'" in log, log
    assert 'FATAL' not in log and 'Traceback' not in log
    # Live, as `ros2 param set /clip_perception command 42` sends it: taken as text, and
    # then refused by the command's own rule: a number names no object (before: three of
    # any object for "3", "42" any object).
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('command', value=42).to_parameter_msg()])).results[0]
    assert not res.successful and '"42" is a number or a true/false value' in res.reason, \
        res.reason
    assert _string_param(probe, 'command') == 'red ball and blue mug'
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('command', value=['the cube', 'the cone']).to_parameter_msg()])).results[0]
    assert res.successful, res.reason
    assert _string_param(probe, 'command') == 'the cube and the cone'
    assert node.stop() == 0
    # Several prompt templates as a YAML list: joined with the parameter's own "|"
    # (helper-48: joined with ", ", then refused as one template with two {}).
    node = start_node('-p', "prompt_template:=['a photo of a {}', 'a picture of a {}']")
    assert wait_for_node(probe), node.output()
    assert _string_param(probe, 'prompt_template') == 'a photo of a {} | a picture of a {}'
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('prompt_template', value=['a {} on a table', 'the {}']).to_parameter_msg()]))
    assert res.results[0].successful, res.results[0].reason
    assert _string_param(probe, 'prompt_template') == 'a {} on a table | the {}'
    assert node.stop() == 0
    node = start_node('-p', 'frame_id:=42')
    assert wait_for_node(probe), node.output()
    assert _string_param(probe, 'frame_id') == '42'
    assert node.stop() == 0
    # A value the parameter's rules refuse stops start-up with its own one FATAL line.
    node = start_node('-p', 'device:=0')
    assert node.proc.wait(60) == 1, node.output()
    fatal = [ln for ln in node.output().splitlines() if 'FATAL' in ln]
    assert len(fatal) == 1 and 'device' in fatal[0] and 'STRING' not in fatal[0], \
        node.output()
    assert 'Traceback' not in node.output()


def test_a_double_override_after_an_integer_in_the_params_file_is_not_lost(
        probe, start_node, tmp_path):
    """The same merge, another type: ``min_confidence: 1`` in a file, then ``-p ...:=0.7``.

    rclpy reads an integer before a double, so the node ran at 1.0 (nothing ever found)
    and said nothing.
    """
    params = tmp_path / 'params.yaml'
    params.write_text("/**:\n  ros__parameters:\n    model: 'bundled'\n"
                      '    min_confidence: 1\n')
    node = start_node('-p', 'min_confidence:=0.7', params_file=str(params))
    assert wait_for_node(probe), node.output()
    got = call(probe, GetParameters, '/clip_perception/get_parameters',
               GetParameters.Request(names=['min_confidence'])).values[0]
    assert (got.type, got.double_value) == (ParameterType.PARAMETER_DOUBLE, 0.7)
    assert 'parameter min_confidence: "-p min_confidence:=0.7" comes after' in node.output()
    assert node.stop() == 0


def test_a_value_given_after_a_section_rcl_applies_later_is_used_or_named(
        probe, start_node, tmp_path):
    """A node's sections apply in the order their keys first appeared (session 34).

    ros2/rclcpp#953. After the shipped file (``/**:``), a file keyed
    ``/**/clip_perception:`` then ``-p min_confidence:=0.3``: rclpy handed 0.6, the file's,
    without a word; the last value given is now used, said once. A file keyed by the
    node's own name then ``-p``: the same rule, ``-p`` used (helper-h112: the node kept
    the file's 0.7 there, as launch_ros#234 documents a name's precedence, while rclpy
    gives the name none: the node's own file given alone before ``-p`` loses to it,
    ``test_param_overrides.py``'s ``['named', '-p min_confidence:=0.3']``; two rules for
    one mechanism, the outcome hanging on whether the shipped ``/**:`` came first).
    """
    cases = (('/**/clip_perception', 0.6, 0.3, 'rclcpp#953',
              ('"-p min_confidence:=0.3" comes after', '.yaml, "/**/clip_perception:"',
               'using 0.3')),
             ('/clip_perception', 0.7, 0.3, 'rclcpp#953',
              ('"-p min_confidence:=0.3" comes after', '.yaml, "/clip_perception:"',
               'in the order their node keys first appeared', 'using 0.3')))
    for key, in_file, used, cited, words in cases:
        params = tmp_path / f'{len(key)}.yaml'
        params.write_text(f'{key}:\n  ros__parameters:\n    min_confidence: {in_file}\n')
        node = start_node('--params-file', str(params), '-p', 'min_confidence:=0.3')
        assert wait_for_node(probe), node.output()
        got = call(probe, GetParameters, '/clip_perception/get_parameters',
                   GetParameters.Request(names=['min_confidence'])).values[0]
        assert got.double_value == used, key
        said = [ln for ln in node.output().splitlines() if cited in ln]
        assert len(said) == 1 and all(w in said[0] for w in words), node.output()
        assert 'whatever their order' not in said[0], said[0]
        assert node.stop() == 0


def test_an_image_scaled_down_from_its_camera_info_is_posed_with_it_scaled(probe, start_node):
    """A 640x480 image beside the camera_info of 1280x960 or 1920x1440 of the same camera.

    ensenso/ros_driver#131: rectified images of 580x364 beside a camera_info of 1935x1215
    ("poses significantly off"); ros-perception/image_pipeline#119: decimate left the
    camera_info alone; realsenseai/realsense-ros#583: so did the decimation filter. Before,
    every frame was skipped ("image is 640x480 but camera_info says 1280x960"): 0 answers.
    Now its camera matrix is scaled by the common factor, as binning would: the red ball
    posed within 1 cm at 2x and 3x, WARN once, counted ``frames_info_scaled``.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.5')
    intr, red = scene.intrinsics, obj(scene, 'red', 'ball')

    def camera_of(scale):
        def edit(m):
            m.width, m.height = intr.width * scale, intr.height * scale
            m.k = [intr.fx * scale, 0.0, (intr.cx + 0.5) * scale - 0.5, 0.0, intr.fy * scale,
                   (intr.cy + 0.5) * scale - 0.5, 0.0, 0.0, 1.0]
            m.p = [0.0] * 12
            return m
        return edit
    for scale in (2, 3):
        probe.clear()
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                          info=camera_of(scale)), node.output()
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01, scale
    log = node.output()
    assert log.count('image is 640x480 but camera_info says 1280x960: the same camera '
                     'scaled by 1/2 on both axes') == 1, log
    assert 'frames skipped' not in log
    _, _, values = wait_diag(probe, lambda lv, m, v: int(v.get('frames_info_scaled', 0)) >= 4)
    assert int(values['frames_info_scaled']) >= 4, values
    assert node.stop() == 0


def test_a_centred_crop_beside_its_cameras_k_is_posed_with_image_from_camera_info(probe,
                                                                                  start_node):
    """The image is the middle of a camera twice its size whose K it was sent with (no roi).

    A camera's crop mode or digital zoom that left camera_info alone (helper-h129's brief,
    item 7): the principal point lies where the K of twice the resolution puts it, so it
    was read divided by 2 (focal lengths halved: the red ball posed centimetres off). With
    image_from_camera_info:=centre_crop the focal lengths are kept and the principal
    point shifted: posed within 1 cm, whether camera_info gives the image's size or the
    camera's; the note says it and asks for the roi.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'image_from_camera_info:=centre_crop')
    intr, red = scene.intrinsics, obj(scene, 'red', 'ball')

    def full_camera(sized_as_camera):
        def edit(m):
            if sized_as_camera:
                m.width, m.height = 2 * intr.width, 2 * intr.height
            m.k = [intr.fx, 0.0, intr.cx + intr.width / 2, 0.0, intr.fy,
                   intr.cy + intr.height / 2, 0.0, 0.0, 1.0]
            m.p = [0.0] * 12
            return m
        return edit
    for sized_as_camera in (False, True):
        probe.clear()
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                          info=full_camera(sized_as_camera)), node.output()
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01, \
            sized_as_camera
    log = node.output()
    assert 'image_from_camera_info is centre_crop: read as the centred' in log, log
    assert node.stop() == 0


def test_a_camera_matrix_already_binned_beside_binning_is_posed_as_given(probe, start_node):
    """The full camera's size and binning 2 (or 3) beside K and P of the binned image.

    astuff/avt_vimba_camera#82: a Mako binned by 4 published the full 2064x1544, binning
    4 and the calibration made on the binned images: divided again, the principal point
    went to the image's corner. Before, the red ball was posed decimetres off (the
    warning blamed "another resolution"); now within 1 cm, WARN once
    (``camera_info_binned_k``).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    intr, red = scene.intrinsics, obj(scene, 'red', 'ball')

    def binned_by(b):
        def edit(m):
            m.width, m.height, m.binning_x, m.binning_y = intr.width * b, intr.height * b, b, b
            return m  # K and P stay the 640x480 image's
        return edit
    for b in (2, 3):
        probe.clear()
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                          info=binned_by(b)), node.output()
        error = np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre)
        assert error < 0.01, (b, error)
    assert node.output().count('read as the binned image') == 1, node.output()
    assert node.stop() == 0


def test_camera_info_of_another_resolution_is_read_as_its_binning_or_scale(probe, start_node):
    """K of the 1280x960 (or 1920x1440) mode beside a 640x480 image, and binning given twice.

    The first passed every check (its width and height are the image's): the red ball
    came 21 cm from the truth with /diagnostics 'running'; session 37 warned it ("camera
    at 1280x960 (calibrated at another resolution?)") and still used it. helper-126: with
    neither binning nor a roi set (REP 104), a principal point at 2 or 3 times the image
    centre is the camera matrix of 2 or 3 times the image's size (the 2x2 sensor mode
    beside the full one's calibration, OTL/cv_camera#10): read divided, posed within 1 cm,
    WARN once, counted ``camera_info_resolution``: 0/2 -> 2/2. A driver that bins and also
    gives the binned size (astuff/avt_vimba_camera#28, basler/pylon-ros-camera#143)
    beside the full camera's K was refused every frame as "camera_info says 320x240":
    now read as the binned image's size, posed, counted ``camera_info_binned_size``:
    0/1 -> 1/1. Binning beside a K of the image's own size was still refused, naming
    the binning; since session 42 the images' size tells it is the calibration of the
    binned images (basler/pylon-ros-camera#143): posed, counted
    ``camera_info_binning_not_applied``.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.5')
    intr = scene.intrinsics

    def k_of(scale, binning=0):
        def edit(m):
            m.k = [intr.fx * scale, 0.0, (intr.cx + 0.5) * scale - 0.5, 0.0, intr.fy * scale,
                   (intr.cy + 0.5) * scale - 0.5, 0.0, 0.0, 1.0]
            m.p = [0.0] * 12
            m.binning_x = m.binning_y = binning
            return m
        return edit
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2), node.output()
    for scale in (2.0, 3.0):
        assert_red_ball_posed(probe, node, camera, scene, info=k_of(scale))
        said = f'read divided by {scale:g}'
        assert said in wait_diag(probe, lambda lv, m, v, said=said: said in m)[1], scale
    assert node.output().count('read divided by 2 (fx 525') == 1, node.output()
    _, message, values = wait_diag(probe, lambda lv, m, v: int(
        v['camera_info_resolution']) >= 2)
    assert int(values['camera_info_resolution']) >= 2, values
    assert 'principal point (639.5, 479.5) is far' not in node.output(), node.output()
    assert values['frames_info_off_centre'] == '0', values
    assert_red_ball_posed(probe, node, camera, scene, info=k_of(2.0, binning=2))
    assert_warned_once_and_counted(probe, node, "the binned image's already",
                                   'camera_info_binned_size', 1)

    def binned(m):
        m.binning_x = m.binning_y = 2
        return m
    # basler/pylon-ros-camera#143 (helper-h144): binning beside the images' own size and a
    # K centred in it, a calibration of the binned images: refused every frame as "camera_info
    # says 320x240" before; the images' size tells it, K read as given.
    assert_red_ball_posed(probe, node, camera, scene, info=binned)
    assert_warned_once_and_counted(probe, node, 'the binning is not theirs',
                                   'camera_info_binning_not_applied', 1)
    # The right camera_info again: answered, and the warning goes with it. Frames keep
    # coming while it goes, as from a camera: waiting without them, a loaded machine
    # reached input_timeout first ('input stale', the fresh-clone CI of session 42).
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2), node.output()
    assert feed_until(camera, scene, lambda: status_fits(probe, lambda lv, m, v: lv == 0)), \
        node.output()
    level, message, _ = diag(probe)
    assert (level, message) == (0, 'running'), message
    assert node.stop() == 0


def test_p_of_another_resolution_beside_a_k_that_fits_is_read_from_k(probe, start_node):
    """gz-sim#705: a Gazebo camera at 640x480 published P of its default 320x240 mode.

    K fitted the image; P (fx 277, principal point (160, 120)) did not. The node read P,
    as image_geometry does: the red ball came metres from the truth, and /diagnostics
    said "K and P look like those of the camera at 320x240". Now K is read, warned once
    and counted (``camera_info_projection``).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.5')
    intr = scene.intrinsics

    def default_p(m):
        m.p = [intr.fx * 0.5, 0.0, intr.width / 4, 0.0, 0.0, intr.fy * 0.5,
               intr.height / 4, 0.0, 0.0, 0.0, 1.0, 0.0]
        return m
    assert_red_ball_posed(probe, node, camera, scene, info=default_p)
    _, message, values = wait_diag(
        probe, lambda lv, m, v: int(v.get('camera_info_projection', 0)) >= 1)
    assert int(values.get('camera_info_projection', 0)) >= 1, values
    assert 'does not fit its 640x480 image' in message and 'using K' in message, message
    assert 'principal point (160' not in message, message
    assert node.output().count('does not fit its 640x480') == 1
    assert node.stop() == 0


def test_a_roi_given_at_the_image_size_is_applied_to_a_full_camera_k(probe, start_node):
    """Baxter's hand cameras give the roi's size as width and height (ar_track_alvar#40).

    A 640x480 window at (320, 240) of a 1280x960 sensor, its camera_info 640x480 with roi
    640x480+320+240 and K of the whole sensor. The roi was ignored (as large as the
    message, it looked like none): the optical axis sat at the window's corner, the red
    ball came 0.5 m off, and a roi being set kept the off-centre warning quiet. Now the
    principal point is shifted by the offset, warned once, counted.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.5')
    intr = scene.intrinsics

    def window(m):
        m.k = [intr.fx, 0.0, intr.cx + 320, 0.0, intr.fy, intr.cy + 240, 0.0, 0.0, 1.0]
        m.p = [0.0] * 12
        m.roi.x_offset, m.roi.y_offset, m.roi.width, m.roi.height = 320, 240, 640, 480
        return m
    assert_red_ball_posed(probe, node, camera, scene, info=window)
    _, message, values = wait_diag(
        probe, lambda lv, m, v: int(v.get('camera_info_roi_size', 0)) >= 1)
    assert int(values.get('camera_info_roi_size', 0)) >= 1, values
    assert "gives its roi's size (640x480)" in message, message
    assert node.output().count("gives its roi's size") == 1
    assert node.stop() == 0


def test_depth_in_tenths_of_a_millimetre_is_posed_right_with_depth_scale(probe, start_node):
    """A RealSense D405 publishes 16UC1 in units of 0.1 mm (realsense-ros issue #3438).

    Read as millimetres (REP 118, the default) every pose came about 10 times too far,
    with no warning. ``depth_scale:=0.0001`` reads it right, set live as at start-up;
    32FC1 stays metres whatever the scale.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    red = obj(scene, 'red', 'ball')
    tenths = (scene.depth_16uc1().astype(np.uint32) * 10).astype(np.uint16)

    def d405(m):
        m.data = tenths.tobytes()
        return m

    def metres(m):
        m.encoding, m.step = '32FC1', 4 * m.width
        m.data = scene.depth_32fc1().astype(np.float32).tobytes()
        return m
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, depth=d405), \
        node.output()
    far = position(probe.messages(POSE)[-1])
    assert 8.0 < np.linalg.norm(far) / np.linalg.norm(red.centre) < 12.0, (far, red.centre)
    assert call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('depth_scale', value=0.0001).to_parameter_msg()])).results[0].successful
    probe.clear()
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, depth=d405), \
        node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    # The track's positions were in the old units: it is dropped with the change, so the
    # target is found on the next frame, not "not seen ... occluded" for track_hold and
    # then re-acquired (trial 33: not_found for up to 1 s after the change).
    answers = [d for d in detections(probe) if d['command'] == 'the red ball']
    assert answers and all(d['status'] == 'found' for d in answers), \
        [(d['status'], d['reason']) for d in answers]
    assert 'the tracked target is dropped (its position was measured in the old units)' \
        in node.output()
    probe.clear()
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, depth=metres), \
        node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    refused = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('depth_scale', value=1.0).to_parameter_msg()])).results[0]
    assert not refused.successful
    assert node.stop() == 0


def test_a_params_file_keyed_by_another_node_name_is_named_not_silently_ignored(
        probe, start_node, tmp_path):
    """A parameters file keyed by the executable's name or another namespace.

    rcl gives a node only the sections keyed by its own name or a wildcard matching it
    (ros2/ros2#569, ros2/launch_ros#55): ``clip_perception_node:`` (the executable, not
    the node) or ``/camera/clip_perception:`` left every parameter of the file at its
    default, ``ros2 param get`` showing the default, and nothing in the log. Now one WARN
    names the keys, the node and the key to write; a file that applies is not named.
    """
    with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), 'config',
                           'clip_perception.yaml')) as f:
        text = f.read().replace('min_confidence: 0.5', 'min_confidence: 0.3')
    for key, applies in (('clip_perception_node', False), ('/camera/clip_perception', False),
                         ('/**/clip_perception', True)):
        params = tmp_path / f'params_{len(key)}.yaml'
        params.write_text(text.replace('/**:', f'{key}:', 1))
        # model:=bundled on the command line: the file's own would be ignored with it.
        node = start_node('-p', 'model:=bundled', params_file=str(params))
        assert wait_for_node(probe), node.output()
        got = call(probe, GetParameters, '/clip_perception/get_parameters',
                   GetParameters.Request(names=['min_confidence'])).values[0]
        assert got.double_value == (0.3 if applies else 0.5)
        log = node.output()
        named = [line for line in log.splitlines() if 'keyed by node' in line]
        if applies:
            assert not named, log
        else:
            assert len(named) == 1 and 'WARN' in named[0], log
            assert f'"/{key.lstrip("/")}", which is not this node (/clip_perception)' in \
                named[0] and 'Key them by "/**:" (any node) or "/clip_perception:"' in \
                named[0], named
            # What the user set and does not get, with the value in use instead.
            assert 'min_confidence 0.3 (0.5 in use)' in named[0], named
            assert "model 'bundled'" not in named[0], named  # -p model:=bundled applies
        assert node.stop() == 0


def test_standard_qos_override_parameters_apply_and_the_rest_are_named(probe, start_node):
    """``qos_overrides.<topic>.subscription.<policy>``, as image_pipeline's nodes take them.

    ROS 2 applies these parameters only to entities created with QoS overriding options
    (ros2/rmw_fastrtps#764); the node created none, so ``qos_overrides./image.subscription
    .reliability:=reliable`` left the subscription best effort, and an override for a
    topic the node does not subscribe was ignored too, both without a word. Now the
    camera subscriptions take them (each its own: /depth stays best effort), the rest
    are named in one WARN, and a value that names no policy stops start-up in one line.
    """
    from rclpy.qos import ReliabilityPolicy
    node = start_node('-p', 'command:=the red ball',
                      '-p', 'qos_overrides./image.subscription.reliability:=reliable',
                      '-p', 'qos_overrides./camera/color/image_raw.subscription.depth:=1')
    assert wait_for_node(probe), node.output()
    end = time.monotonic() + 20
    subs = {}
    while time.monotonic() < end and len(subs) < 2:
        subs = {t: [i.qos_profile.reliability for i in
                    probe.node.get_subscriptions_info_by_topic(t)
                    if i.node_name == 'clip_perception'] for t in ('/image', '/depth')}
        subs = {t: r for t, r in subs.items() if r}
        time.sleep(0.1)
    assert subs == {'/image': [ReliabilityPolicy.RELIABLE],
                    '/depth': [ReliabilityPolicy.BEST_EFFORT]}, subs
    camera = Camera(probe)  # reliable publishers: answered through it
    listen_all(probe)
    assert camera.wait_connected(), node.output()
    scene = cached_scene(4242, specs=SCENE_SPECS)
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2), node.output()
    log = node.output()
    named = [line for line in log.splitlines() if 'match no subscription' in line]
    assert len(named) == 1 and 'WARN' in named[0], log
    assert 'qos_overrides./camera/color/image_raw.subscription.depth' in named[0], named
    assert '/image, /camera_info, /depth' in named[0], named
    assert 'qos_overrides./image.subscription.reliability' not in named[0], named
    assert node.stop() == 0
    node = start_node('-p', 'qos_overrides./image.subscription.reliability:=sometimes')
    assert node.proc.wait(60) == 1
    fatal = [line for line in node.output().splitlines() if 'FATAL' in line]
    assert len(fatal) == 1 and 'sometimes' in fatal[0], node.output()
    assert 'Traceback' not in node.output()


def test_latency_under_sim_time_is_measured_from_arrival_not_the_bag_clock(probe, start_node):
    """A bag replayed with ``--clock``: latency is the node's own, on the steady clock.

    Field report: with use_sim_time, latency_s (and /diagnostics' latency) was the bag's
    clock minus the bag's stamp: 0 while the bag is paused or stepped (its /clock stands
    still), a fifth of the truth at ``--rate 0.2``. It is now measured from the frame's
    arrival on the steady clock, and ``latency_from`` says so.
    """
    from rosgraph_msgs.msg import Clock

    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'use_sim_time:=true', '-p', 'diagnostics_period:=0.3')
    clock = probe.node.create_publisher(Clock, '/clock', 10)
    bag_ns = 1_700_000_000 * 10**9  # the recording's time, paused (a stepped bag)
    sent = {}
    end = time.monotonic() + 40
    while time.monotonic() < end and len(detections(probe)) < 5:
        clock.publish(Clock(clock=Time(sec=bag_ns // 10**9, nanosec=bag_ns % 10**9)))
        time.sleep(0.05)
        sent[bag_ns] = time.monotonic()
        publish(camera, scene, stamp_ns=bag_ns)
        time.sleep(0.3)
        bag_ns += 10**6  # each frame 1 ms later: told apart by stamp in the answers
    answers = detections(probe)
    assert len(answers) >= 5, node.output()
    ours = [d for d in answers
            if d['stamp']['sec'] * 10**9 + d['stamp']['nanosec'] in sent]
    assert len(ours) >= 5, answers[-1]
    for d in ours:
        # On the bag's stopped clock it was 0.0 for every frame: now - stamp, both bag time.
        assert 0.0 < d['latency_s'] < 10.0 and d['latency_from'] == 'arrival', d
    level, message, values = wait_diag(probe, lambda lv, m, v: float(v['latency_median_ms']) > 0)
    assert float(values['latency_median_ms']) > 0, values
    assert values['latency_from'] == 'arrival (use_sim_time)', values
    assert node.stop() == 0


def test_frames_stamped_with_a_simulators_clock_without_use_sim_time_are_answered_and_named(
        probe, start_node):
    """Gazebo's camera plugins stamp with sim time whatever use_sim_time says.

    Field report (gazebo_ros_pkgs issue 1234): a node left on the system clock beside a
    simulator received frames stamped 145 s after 1970; every one was skipped as
    1.7e9 s stale, 0 answers. Their age cannot be known on this clock: they are answered
    as unstamped frames are (max_frame_age not applied), named with what to set.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')
    sim_ns = 145 * 10**9
    sent = 0
    end = time.monotonic() + 40
    while time.monotonic() < end and len(probe.messages(POSE)) < 3:
        publish(camera, scene, stamp_ns=sim_ns)
        sent += 1
        sim_ns += 250 * 10**6
        time.sleep(0.25)
    poses = probe.messages(POSE)
    assert len(poses) >= 3, (sent, node.output())
    assert np.linalg.norm(position(poses[-1]) - red.centre) < 0.01
    assert poses[-1].header.stamp.sec < 1000  # outputs carry the stamps, as sent
    answer = detections(probe)[-1]
    assert answer['status'] == 'found' and answer['latency_from'] == 'arrival', answer
    assert 0.0 < answer['latency_s'] < 10.0, answer
    level, message, values = wait_diag(probe, lambda lv, m, v: 'use_sim_time:=true' in m)
    assert level == 1 and "simulator's" in message, message
    assert int(values['frames_sim_clock']) >= 1 and int(values['frames_stale']) == 0, values
    assert values['latency_from'] == 'arrival (stamps on another clock)', values
    assert node.output().count('use_sim_time:=true') == 1, node.output()
    assert node.stop() == 0


def test_an_image_without_colour_is_named_in_each_answer_and_diagnostics(probe, start_node):
    """An infrared or mono stream remapped to ``image``: colour words cannot be seen.

    Field report: ``-r image:=/camera/infra1/image_rect_raw`` (mono8, the RealSense's
    infrared) answered "the red ball" as found, a confident pose on whatever ball, with
    nothing anywhere saying the image had no colour.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    grey = np.ascontiguousarray(scene.rgb.mean(axis=2).astype(np.uint8))

    def infrared(m):
        return Image(header=m.header, encoding='mono8', height=grey.shape[0],
                     width=grey.shape[1], step=grey.shape[1], data=grey.tobytes())
    assert feed_until(camera, scene, lambda: len(detections(probe)) >= 2, colour=infrared)
    answer = detections(probe)[-1]
    assert 'the image holds no colour' in answer['reason'], answer
    level, message, values = wait_diag(probe, lambda lv, m, v: 'hold no colour' in m)
    assert level == 1 and 'infra1' in message, message
    assert int(values['frames_no_colour']) >= 1, values
    assert node.output().count('hold no colour') == 1, node.output()
    probe.clear()  # the colour camera again: no such note
    assert feed_until(camera, scene, lambda: probe.messages(POSE))
    assert 'no colour' not in detections(probe)[-1]['reason']
    assert feed_until(camera, scene, lambda: status_fits(
        probe, lambda lv, m, v: 'no colour' not in m), timeout=10)  # and diagnostics too
    assert node.stop() == 0


def test_depth_in_the_other_byte_order_than_flagged_is_posed_right_and_named(
        probe, start_node):
    """16UC1 depth whose bytes are in the other order than ``is_bigendian`` says.

    Field report (AravisProject/aravis#924: a camera sending Mono16 big-endian as
    little-endian; cv_bridge ignores the flag, ros-perception/vision_opencv#7): read as
    flagged, 0.8 m is 8.2 m and every pose lands metres away with nothing said. The
    readings are read in the order whose bytes make depth, warned once and counted.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')
    swapped = scene.depth_16uc1().byteswap().tobytes()

    def big_endian_flagged_little(m):
        m.data = swapped
        return m
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                      depth=big_endian_flagged_little), node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    # /diagnostics is a snapshot of its last tick: wait for one taken after both frames.
    level, message, values = wait_diag(
        probe, lambda lv, m, v: 'flagged little-endian' in m and
        int(v.get('depth_byte_order_swapped', 0)) >= 2)
    assert level == 1 and 'is_bigendian=0' in message, message
    assert int(values['depth_byte_order_swapped']) >= 2, values
    assert node.output().count('readings are big-endian') == 1, node.output()
    assert node.stop() == 0


def test_frames_in_buffers_padded_past_their_last_row_are_answered(probe, start_node):
    """Colour and depth in buffers longer than ``step * height`` (rows of ISP padding).

    Field report (dganbold/raspicam_node#4; raspberrypi/userland#329): 1080-row frames in
    1088-row buffers, "height * step != size", were refused on every frame: 0 answers.
    The image is the first ``step * height`` bytes; the padding is left.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    red = obj(scene, 'red', 'ball')

    def padded(rows):
        def edit(m):
            m.data = bytes(m.data) + bytes(m.step * rows)
            return m
        return edit
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                      colour=padded(8), depth=padded(16)), node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    assert 'step x height' not in node.output(), node.output()  # none refused
    assert node.stop() == 0


def test_commands_of_another_type_on_the_command_topic_are_named(probe, start_node):
    """A publisher of another message type on the command topic is named, not ignored.

    Field report: a voice node publishing ``example_interfaces/msg/String`` (or its own
    transcript message) on the command topic: DDS matches no subscription of another
    type and says nothing (ros2/ros2#1600), so 0 answers, /diagnostics "running",
    nothing logged. Named in /diagnostics with the type to publish while it lasts,
    logged once; std_msgs/String commands beside it are still answered.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    # Another participant, as another process would be: one participant cannot publish
    # two types on one topic.
    context = rclpy.Context()
    rclpy.init(context=context)
    voice = rclpy.create_node('voice', context=context)
    try:
        _named_while_another_type_publishes(probe, node, camera, scene, voice)
    finally:
        voice.destroy_node()
        context.try_shutdown()
    assert node.stop() == 0


def _named_while_another_type_publishes(probe, node, camera, scene, voice):
    """Publish KeyValue commands from ``voice``: named; a String beside it is answered."""
    other = voice.create_publisher(KeyValue, '/command', 10)
    for _ in range(5):
        other.publish(KeyValue(key='command', value='the red ball'))
        publish(camera, scene)
        time.sleep(0.2)
    text = 'commands of another type never arrive'
    level, message, values = wait_diag(probe, lambda lv, m, v: text in m)
    assert level == 1, message
    assert '/voice as diagnostic_msgs/msg/KeyValue' in message, message
    assert 'publish std_msgs/msg/String' in message, message
    assert detections(probe) == [] and values['commands_received'] == '0'
    camera.command('the red ball')
    assert feed_until(camera, scene, lambda: probe.messages(POSE)), node.output()
    voice.destroy_publisher(other)
    assert text not in wait_diag(probe, lambda lv, m, v: text not in m)[1]
    assert len([x for x in node.output().splitlines() if text in x]) == 1, node.output()


def test_a_command_in_the_wrapping_it_travelled_in_is_answered(probe, start_node):
    """JSON and YAML around a command (a bridge, an LLM agent) are taken off.

    Field report (rosbridge_suite#767; agents that publish a JSON message as the
    String's data): '{"data": "the red ball"}' was the object "data red ball", and a
    wrapped "stop" was scored as an object. Now the red ball is posed, the active
    command is the words, and the wrapped stop cancels.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')
    camera.command('{"op": "publish", "msg": {"data": "the red ball"}}')
    assert feed_until(camera, scene, lambda: probe.messages(POSE)), node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    assert detections(probe)[-1]['what'] == 'red ball', detections(probe)[-1]
    camera.command('{"command": "stop"}')
    assert feed_until(camera, scene, lambda: any(
        d['status'] == 'cancelled' for d in detections(probe))), node.output()
    assert node.stop() == 0


def test_a_command_replaced_before_any_answer_is_answered_superseded(probe, start_node):
    """Two commands in one spin, before a frame: the first is told it was replaced.

    Field report (as ros-controls/ros2_controllers#2422, where a preempted goal's result
    was never sent and its client waited forever): "the red ball" then "the blue mug"
    sent together (a voice node's partial then final transcript, a script sending a
    list) gave the first no answer at all: a client waiting for it timed out with
    nothing to say why. Now one ``superseded`` answer names the command that replaced
    it, before the new command's answers; an answered command replaced gets none.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    camera.command('the red ball')
    camera.command('the blue mug')  # one spin: no frame comes between them
    assert feed_until(camera, scene, lambda: probe.messages(POSE)), node.output()
    first, then = detections(probe)[0], detections(probe)[-1]
    assert (first['status'], first['command']) == ('superseded', 'the red ball'), first
    assert '"the blue mug" before a frame answered it' in first['reason'], first
    assert (then['command'], then['what']) == ('the blue mug', 'blue mug'), then
    probe.clear()
    camera.command('the green cube')  # the blue mug was answered: nothing to tell
    assert feed_until(camera, scene, lambda: probe.messages(POSE)), node.output()
    assert all(d['status'] != 'superseded' for d in detections(probe)), detections(probe)
    values = wait_diag(probe, lambda lv, m, v: v['commands_superseded'] == '1')[2]
    assert values['commands_superseded'] == '1', values
    assert node.stop() == 0


def test_encodings_written_in_other_capitals_are_read_and_named(probe, start_node):
    """``"RGB8"``, ``" bgr8 "``, ``"16uc1"``: a known encoding written otherwise.

    Field report (cv_bridge: "Unrecognized image encoding", strawlab/camera_aravis#3; a
    Python publisher filling the field from its own constants): every frame was refused
    as an unsupported encoding, 0 answers. A name that differs from one the node reads
    only in case or surrounding spaces is read as that one, warned once, counted; one
    that names no encoding for sure (``"rgb"``: 8 or 16 bits?) is refused saying why.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')
    bgr = scene.rgb[..., ::-1].tobytes()
    # The second depth name is 16UC1 again: "MONO16" on the depth topic is mono16 depth,
    # read and counted as such since helper-h129 (depth_mono16, its own test).
    for colour, depth in (('RGB8', '16uc1'), (' bgr8 ', ' 16UC1 ')):
        def recode(m, encoding=colour):
            m.encoding, m.data = encoding, (bgr if 'bgr' in encoding else m.data)
            return m

        def depth_recode(m, encoding=depth):
            m.encoding = encoding
            return m
        probe.clear()
        assert feed_until(camera, scene, lambda: probe.messages(POSE), colour=recode,
                          depth=depth_recode), (colour, node.output())
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01, colour
    log = node.output()
    assert log.count('image encoding "RGB8" is not written as') == 1, log
    assert log.count('depth encoding "16uc1" is not written as') == 1, log
    # One tick after both streams' second frames (as the step-0 test: a tick taken
    # between a frame's depth and its colour reads them 2 and 1).
    values = wait_diag(probe, lambda lv, m, v: min(int(v.get('depth_encoding_name', 0)), int(
        v.get('colour_encoding_name', 0))) >= 2)[2]
    assert int(values['depth_encoding_name']) >= 2, values
    assert int(values['colour_encoding_name']) >= 2, values

    # A name without its bit depth (helper-h129: "gray", "rgb" refused as "no bit depth"
    # on every frame): read at the depth its rows hold, 8 or 16 bits, warned once naming
    # it, counted; rows that hold neither are refused naming both.
    h, w = scene.rgb.shape[:2]
    bgr16 = (scene.rgb[..., ::-1].astype('>u2') << 8).tobytes()  # big-endian, full range
    for bare, step, data, big in (('rgb', 3 * w, scene.rgb.tobytes(), False),
                                  ('BGR', 6 * w, bgr16, True)):
        def bare_name(m, bare=bare, step=step, data=data, big=big):
            m.encoding, m.step, m.data, m.is_bigendian = bare, step, data, big
            return m
        probe.clear()
        assert feed_until(camera, scene, lambda: probe.messages(POSE), colour=bare_name), \
            (bare, node.output())
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01, bare
    log = node.output()
    assert log.count('names no bit depth') == 1, log
    assert 'read as "rgb8"' in log, log
    values = wait_diag(probe, lambda lv, m, v: int(v.get('colour_bit_depth', 0)) >= 2)[2]
    assert int(values['colour_bit_depth']) >= 2, values

    def no_bit_depth(m):
        m.encoding, m.step = 'gray', m.width // 2  # rows shorter than 8-bit grey's
        return m
    refusal = refused_colour(probe, camera, scene, no_bit_depth, '"gray"')
    assert 'names no bit depth' in refusal and '"mono16"' in refusal, refusal
    assert node.stop() == 0


def test_depth_under_a_16_bit_grey_name_is_posed_as_16uc1_and_said(probe, start_node):
    """Depth as ``Y16`` (big-endian) and ``mono16``: 16-bit grey names drivers publish depth as.

    heuristicus/spot_ros#7 (Spot's depth as mono16), ravijo/ros_openpose#80 (a ToF
    camera's MONO16 depth), ros-perception/image_pipeline#630 (RealSense's as MONO16):
    before, ``Y16`` was refused on every frame ("unsupported depth encoding") and the red
    ball answered without depth; ``mono16`` read unsaid. Both posed within 1 cm as 16UC1
    millimetres, warned once naming the unit, counted ``depth_mono16``.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    mm = scene.depth_16uc1()

    def y16_big(m):
        m.encoding, m.is_bigendian, m.data = 'Y16', 1, mm.astype('>u2').tobytes()
        return m

    def mono16(m):
        m.encoding = 'mono16'
        return m
    for depth in (y16_big, mono16):
        assert_red_ball_posed(probe, node, camera, scene, depth=depth)
    log = node.output()
    assert log.count("is a 16-bit grey image's name") == 1, log
    assert 'depth_scale 0.001 m a unit (millimetres)' in log, log
    values = wait_diag(probe, lambda lv, m, v: int(v.get('depth_mono16', 0)) >= 4)[2]
    assert int(values['depth_mono16']) >= 4, values
    assert 'rejected_depth_encoding' not in values, values
    assert node.stop() == 0


def test_vyuy_nv42_and_4_1_1_in_planes_are_posed(probe, start_node):
    """V4L2's VYUY, NV42 and YUV411P (FFmpeg's yuv411p): refused before helper-h129.

    VYUY is a Jetson's and an i.MX CSI's 4:2:2 (bytes V, Y, U, Y), NV42 NV24 with V first,
    YUV411P a DV camera's 4:1:1 in planes; each pose of the red ball within 1 cm, rows
    padded as V4L2 pads each plane.
    """
    from test_messages import _411_planes
    from test_messages import _packed422
    from test_messages import _rows_of
    from test_messages import _v4l2_planes
    from test_messages import _ycbcr601

    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    h, w = scene.rgb.shape[:2]
    assert w % 4 == 0
    yuv = _ycbcr601(scene.rgb).astype(np.uint8)
    vu = np.dstack([yuv[..., 2], yuv[..., 1]]).reshape(h, 2 * w)
    assert_each_posed(probe, node, camera, scene, (
        ('vyuy', 2 * w + 8, _rows_of(_packed422(scene.rgb, 'VYUY'), 2 * w + 8)),
        ('nv42', w + 16, _v4l2_planes([yuv[..., 0], vu], 16)),
        ('yuv411p', w + 32, _v4l2_planes(_411_planes(scene.rgb), 32))))
    values = wait_diag(probe, lambda lv, m, v: True)[2]  # the probe was cleared per encoding
    assert not any(k.startswith('rejected_colour') for k in values), values
    assert node.stop() == 0


def test_colour_encodings_written_as_genicam_pixel_formats_are_read_and_named(probe,
                                                                           start_node):
    """``"BayerRG8"``, ``"BayerRG12"``, ``"YUV422Packed"``: a camera SDK's format names.

    Field report (strawlab/camera_aravis#3: "Unrecognized image encoding [bayerrg8]";
    SherifN/peak_cam#35: "BayerRG8"; basler/pylon-ros-camera#225: GenAPI names beside
    ROS encodings): a machine vision driver writes the GenICam pixel format into
    ``encoding``. Before, every frame was refused as an unsupported encoding, 0 answers.
    Each names one sensor_msgs layout: read as it, pose within 1 cm, warned once, counted
    ``colour_encoding_name``; bits packed across bytes under a name that says how (PFNC's
    ``BayerRG14p``, libcamera's ``SRGGB10_CSI2P``: posed; V4L2's ``Y10BPACK``, grey:
    answered; all refused before helper-h129) are unpacked; one that does not
    (``BayerRG14Packed``) is refused saying so.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    h, w = scene.rgb.shape[:2]
    mosaic = np.frombuffer(bayer_rggb(scene.rgb), np.uint8).reshape(h, w)
    quads = np.frombuffer(yuyv(scene.rgb), np.uint8).reshape(h, w // 2, 4)
    assert_each_posed(probe, node, camera, scene, (
        ('BayerRG8', w, mosaic.tobytes()),
        ('BayerRG12', 2 * w, (mosaic.astype(np.uint16) << 4).tobytes()),
        ('YUV422Packed', 2 * w, quads[..., [1, 0, 3, 2]].tobytes())))  # UYVY order
    log = node.output()
    assert log.count('image encoding "BayerRG8" is a GenICam pixel format name') == 1, log
    values = wait_diag(probe, lambda lv, m, v: int(v.get('colour_encoding_name', 0)) >= 3)[2]
    assert int(values['colour_encoding_name']) >= 3, values

    # Bits packed across bytes whose names say how: PFNC's BayerRG14p, MIPI CSI-2's RAW10
    # as libcamera names it (a Raspberry Pi camera's raw stream), V4L2's Y10BPACK; refused
    # before helper-h129, now unpacked (counted colour_encoding_name).
    from test_messages import _csi2
    from test_messages import _msb_stream
    from test_messages import _pfnc_p

    assert_each_posed(probe, node, camera, scene, (
        ('BayerRG14p', w * 14 // 8, _pfnc_p(mosaic.astype(np.uint16) << 6, 14).tobytes()),
        ('SRGGB10_CSI2P', w * 10 // 8, _csi2(mosaic.astype(np.uint16) << 2, 10).tobytes())))

    def y10bpack(m):  # grey (no colour to find a red ball by): answered, not refused
        grey = cv2.cvtColor(scene.rgb, cv2.COLOR_RGB2GRAY).astype(np.uint16)
        m.encoding, m.step, m.data = 'Y10BPACK', w * 10 // 8, _msb_stream(grey << 2,
                                                                          10).tobytes()
        return m
    probe.clear()
    assert feed_until(camera, scene, lambda: len(detections(probe)) >= 2, colour=y10bpack)
    assert 'Y10BPACK' not in diag(probe)[2].get('last_refusal_colour', ''), diag(probe)

    def bit_packed(m):  # GigE Vision's Packed has no 14-bit form: which packing?
        m.encoding, m.step = 'BayerRG14Packed', w * 7 // 4
        m.data = bytes(m.step * h)
        return m
    refusal = refused_colour(probe, camera, scene, bit_packed, '"BayerRG14Packed"')
    assert 'packed across bytes' in refusal, refusal
    assert node.stop() == 0


def test_frames_with_step_left_at_zero_are_answered_and_named(probe, start_node):
    """Colour and depth whose ``step`` the publisher left at 0.

    Field report (RobotecAI/o3de-ros2-gem#251: a simulator's camera published without
    step; image_view "Image is wrongly formed: height > step", strands_perception_people
    #49): every frame was refused ("step 0 is smaller than width x pixel size"), 0
    answers. Data that holds exactly the packed image is read as packed, warned once.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')

    def unset(m):
        m.step = 0
        return m
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, colour=unset,
                      depth=unset), node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    log = node.output()
    assert log.count('image step is 0 (not set by the publisher)') == 1, log
    assert log.count('depth step is 0 (not set by the publisher)') == 1, log
    # One tick after both streams' second frames (CI at 09cb98e read a tick taken between
    # a frame's depth and its colour: depth 2, colour 1).
    values = wait_diag(probe, lambda lv, m, v: min(int(v.get('depth_step_unset', 0)), int(
        v.get('colour_step_unset', 0))) >= 2)[2]
    assert int(values['depth_step_unset']) >= 2, values
    assert int(values['colour_step_unset']) >= 2, values
    assert node.stop() == 0


def test_frames_whose_step_is_no_row_length_of_their_data_are_answered_and_named(probe,
                                                                                  start_node):
    """Colour and depth whose ``step`` is set but is no row length of the data.

    Field reports: Unity-Technologies/ROS-TCP-Connector#246 (``step = 4``, bytes a pixel),
    srv/avt_vimba_camera#6 (``step = width``), moveit/moveit#1652 (another image's step
    copied with its header). Before, every frame was refused ("step 4 is smaller than width
    x pixel size", "data is N bytes; step x height = M"), 0 answers. Data that holds
    exactly the packed image is read packed, warned once per stream, counted.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    w = scene.rgb.shape[1]
    rgba = np.dstack([scene.rgb, np.full(scene.rgb.shape[:2], 255, np.uint8)]).tobytes()

    def in_pixels(m):
        m.step = m.width
        return m
    for encoding, step, data in (('rgba8', 4, rgba), ('rgb8', w, None),
                                 ('rgb8', 2 * w, None)):  # the 16UC1 depth's step
        def recode(m, encoding=encoding, step=step, data=data):
            m.encoding, m.step = encoding, step
            m.data = m.data if data is None else data
            return m
        assert_red_ball_posed(probe, node, camera, scene, colour=recode, depth=in_pixels)
    log = node.output()
    assert log.count('image step 4 is not the row length of its data') == 1, log
    assert log.count(f'depth step {w} is not the row length of its data') == 1, log
    values = wait_diag(probe, lambda lv, m, v: min(int(v.get('depth_step_wrong', 0)), int(
        v.get('colour_step_wrong', 0))) >= 6)[2]
    assert int(values['depth_step_wrong']) >= 6, values
    assert int(values['colour_step_wrong']) >= 6, values
    assert 'rejected_image_layout' not in values, values
    assert node.stop() == 0


def _labelled(encoding, scene):
    """Return two :func:`publish` edits giving a message the ``encoding`` word as it is.

    The first keeps the message's own pixels (16UC1 millimetres for depth, rgb8 for
    colour); the second sends ``scene``'s depth as 32FC1 metres. Used for encodings a
    publisher left empty and cv_bridge's ``passthrough`` copied into the field.
    """
    metres = scene.depth_32fc1()

    def as_sent(m):
        m.encoding = encoding
        return m

    def as_float(m):
        m.encoding, m.step, m.data = encoding, 4 * m.width, metres.tobytes()
        return m
    return as_sent, as_float


def test_depth_with_an_empty_encoding_is_read_by_its_pixel_size_and_colour_is_refused_saying_why(
        probe, start_node):
    """Images whose ``encoding`` the publisher left empty.

    Field reports: lucidvisionlabs/arena_camera_ros#6 (image_rect published with an empty
    encoding), morse-simulator/morse#555 and #579 (depth sent without its 32FC1 encoding).
    Before, every depth frame was refused ('unsupported depth encoding ""') and answered
    without depth; colour was refused as 'unsupported image encoding ""' followed by the
    list of encodings. Depth of 2 or 4 bytes a pixel is 16UC1 or 32FC1 and is read so
    (pose within 1 cm, warned once, counted); colour of 3 bytes a pixel is rgb8 or bgr8
    and is refused naming both, of 2 (rgb565 data) naming packed 4:2:2, rgb565 and
    mono16; one byte a pixel is grey, read and said (helper-h129).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    unset, unset_float = _labelled('', scene)
    for depth in (unset, unset_float):
        assert_red_ball_posed(probe, node, camera, scene, depth=depth)
    log = node.output()
    assert log.count('depth encoding is empty (not set by the publisher)') == 1, log
    values = wait_diag(probe, lambda lv, m, v: int(v.get('depth_encoding_unset', 0)) >= 4)[2]
    assert int(values['depth_encoding_unset']) >= 4 and 'rejected_depth_encoding' not in \
        values, values
    refusal = refused_colour(probe, camera, scene, unset, 'image encoding is empty')
    assert 'could be rgb8 or bgr8, whose colours differ, so it is not guessed' in refusal

    def unset_565(m):  # 2 bytes a pixel: packed 4:2:2, rgb565 or mono16 (helper-h129)
        m.encoding, m.step = '', 2 * m.width
        m.data = cv2.cvtColor(scene.rgb, cv2.COLOR_RGB2BGR565).tobytes()
        return m
    refusal = refused_colour(probe, camera, scene, unset_565, 'rgb565')
    assert '2 bytes a pixel' in refusal and 'yuv422' in refusal, refusal

    def unset_grey(m):  # 1 byte a pixel in one plane: grey, read and said (helper-h129)
        m.encoding, m.step = '', m.width
        m.data = cv2.cvtColor(scene.rgb, cv2.COLOR_RGB2GRAY).tobytes()
        return m
    probe.clear()
    assert feed_until(camera, scene, lambda: len(detections(probe)) >= 2, colour=unset_grey)
    assert node.output().count('image encoding is empty (not set by the publisher); its 1 '
                               'byte') == 1, node.output()
    values = wait_diag(probe, lambda lv, m, v: int(v.get('colour_encoding_unset', 0)) >= 2)[2]
    assert int(values['colour_encoding_unset']) >= 2, values
    assert node.stop() == 0


def test_depth_in_colour_bytes_from_carla_or_morse_is_posed_and_named(probe, start_node):
    """Depth under a colour encoding: CARLA's 24-bit BGRA code, MORSE's floats as ``rgba``.

    carla-simulator/carla#26 and #219 (the depth camera's BGRA bytes: ``1000 * (R + G *
    256 + B * 65536) / (2**24 - 1)`` m; a ROS wrapper's author asking how to read them),
    carla-simulator/ros-bridge#194; morse-simulator/morse#555 and #579 (32FC1 depth
    published as ``rgba``). Before, every depth frame was refused as "a colour encoding on
    the depth topic" ("no bit depth" for ``rgba``) and the red ball answered without
    depth: posed 0/2 -> 2/2 within 1 cm, each warned once, counted ``depth_carla_code`` and
    ``depth_colour_floats``.
    """
    from test_messages import carla_depth_bytes

    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    metres = scene.depth_32fc1().astype(np.float64)

    def carla(m):
        m.encoding, m.step, m.data = 'bgra8', 4 * m.width, carla_depth_bytes(metres).tobytes()
        return m

    def morse(m):
        m.encoding, m.step, m.data = 'rgba', 4 * m.width, metres.astype(np.float32).tobytes()
        return m
    for depth in (carla, morse):
        assert_red_ball_posed(probe, node, camera, scene, depth=depth)
    log = node.output()
    assert log.count("bytes are CARLA's depth code") == 1, log
    assert log.count('4 bytes a pixel are 32-bit floats in metres') == 1, log
    values = wait_diag(probe, lambda lv, m, v: int(v.get('depth_carla_code', 0)) >= 2 and
                       int(v.get('depth_colour_floats', 0)) >= 2)[2]
    assert 'rejected_depth_encoding' not in values, values
    assert node.stop() == 0


def _compressed_node(probe, start_node):
    node = start_node('-p', 'image_transport:=compressed', '-p', 'command:=the red ball',
                      '-p', 'diagnostics_period:=0.3')
    listen_all(probe)
    camera = Camera(probe, compressed=True)
    assert wait_for_node(probe) and camera.wait_connected(), node.output()
    return node, camera, cached_scene(4242, specs=SCENE_SPECS)


def _feed_compressed(probe, node, camera, scene, fmt, data):
    probe.clear()
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, colour=lambda m:
                      CompressedImage(header=m.header, format=fmt, data=data)), \
        (fmt, node.output())
    red = obj(scene, 'red', 'ball')
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.015, fmt


def test_compressed_formats_written_as_mime_types_or_not_matching_the_data(probe, start_node):
    """``format`` as web bridges write it, and formats the data contradicts.

    Field report (web_video_server#139 and raspicam_node#79: "jpg" against "jpeg";
    lichtblick#585: a viewer refusing image_transport's own formats): "image/jpeg" was
    decoded right but warned as an unknown format ("red and blue swap"), which was
    untrue; "png" on a JPEG was decoded as JPEG and nothing said the format was wrong;
    a compressedDepth image on the colour topic was refused as "not a readable JPEG or
    PNG". Now the data's signature decides and a mismatch is said once; compressedDepth
    is refused as depth, with the remap to make.
    """
    import cv2

    node, camera, scene = _compressed_node(probe, start_node)
    jpeg = cv2.imencode('.jpg', scene.rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])[1]
    for fmt in ('image/jpeg', 'png'):
        _feed_compressed(probe, node, camera, scene, fmt, jpeg.tobytes())
    log = node.output()
    assert 'compressed image format "image/jpeg"' not in log, log  # understood: no warning
    assert log.count('"png" says png but its data is a JPEG image') == 1, log
    fmt, depth = compressed_depth.encode(scene.depth_16uc1(), 'png', '16UC1')
    for _ in range(4):
        publish(camera, scene, colour=lambda m: CompressedImage(header=m.header, format=fmt,
                                                                data=depth))
        time.sleep(0.2)
    values = wait_diag(probe, lambda lv, m, v: 'compressedDepth' in v.get(
        'last_refusal_colour', ''))[2]
    assert 'is a compressedDepth depth image, not colour' in values['last_refusal_colour'], \
        values
    assert node.stop() == 0


def test_webp_and_avif_frames_are_answered_and_jpeg_2000_is_named(probe, start_node):
    """Foxglove's other formats (``webp``, ``avif``) posed; JPEG 2000 refused by its name.

    docs.foxglove.dev's CompressedImage schema: "jpeg, png, webp, avif"; Foxglove and
    Lichtblick read them in sensor_msgs/CompressedImage (lichtblick-suite/lichtblick#585).
    Before, every WebP and AVIF frame was refused ("not a readable JPEG, PNG or TIFF"):
    0 poses. Now 3/3 formats posed within 1.5 cm, nothing warned; a JPEG 2000 frame is
    refused saying it is one, in /diagnostics' last_refusal_colour.
    """
    node, camera, scene = _compressed_node(probe, start_node)
    bgr = scene.rgb[..., ::-1]
    for fmt, data in (('webp', cv2.imencode('.webp', bgr, [cv2.IMWRITE_WEBP_QUALITY, 90])[1]),
                      ('image/webp', cv2.imencode('.webp', bgr)[1]),
                      ('avif', cv2.imencode('.avif', bgr)[1])):
        _feed_compressed(probe, node, camera, scene, fmt, data.tobytes())
    assert 'compressed image format' not in node.output(), node.output()
    jp2 = cv2.imencode('.jp2', bgr)[1].tobytes()
    refusal = refused_colour(probe, camera, scene, lambda m: CompressedImage(
        header=m.header, format='jp2', data=jp2), 'JPEG 2000')
    assert 'it is a JPEG 2000 image, which no image_transport plugin' in refusal, refusal
    # QOI (image_transport_plugins#104's unmerged qoi transport): named too (helper-h159).
    qoi = io.BytesIO()
    PILImage.fromarray(scene.rgb).save(qoi, 'QOI')
    refusal = refused_colour(probe, camera, scene, lambda m: CompressedImage(
        header=m.header, format='rgb8; qoi compressed rgb8', data=qoi.getvalue()), 'QOI')
    assert 'it is a QOI image, which no image_transport plugin' in refusal, refusal
    assert node.stop() == 0


def test_tiff_compressed_frames_are_answered(probe, start_node):
    """compressed_image_transport's third codec: ``"rgb8; tiff compressed bgr8"``.

    Field report (ros-perception/image_transport_plugins#75, ros2/common_interfaces#154:
    ``format: tiff`` since Humble, lossless for 16-bit cameras): every frame was refused,
    "not a readable JPEG or PNG", 0 answers. TIFF is decoded (its size checked from its
    first directory before), 16-bit too.
    """
    import cv2

    node, camera, scene = _compressed_node(probe, start_node)
    for fmt, pixels in (('rgb8; tiff compressed bgr8', scene.rgb[..., ::-1]),
                        ('rgb16; tiff compressed bgr16',
                         scene.rgb[..., ::-1].astype(np.uint16) << 4)):
        data = cv2.imencode('.tiff', np.ascontiguousarray(pixels))[1].tobytes()
        _feed_compressed(probe, node, camera, scene, fmt, data)
    assert 'compressed image format' not in node.output(), node.output()
    assert node.stop() == 0


def test_a_command_wrapped_twice_or_pasted_from_topic_echo_is_answered(probe, start_node):
    """'data: data: data: the red ball', 'data: {"data": ...}', ``ros2 topic echo`` output.

    Field report (rosbridge_suite#767, wrappers escaped once more per bridge; the output
    of ``ros2 topic echo`` pasted as the command): one JSON layer and one ``data:`` key
    were taken off (twice, once cleaning and once parsing), so a third layer was scored
    ("data red ball"), and the active command and every answer named what was left
    ('{"data": "the blue mug', 'the green cube; ---'). Every layer is taken off now.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    assert_each_found_as_its_words(probe, camera, scene, (
        ('data: data: data: the red ball', 'red ball'),
        ('data: {"data": "the blue mug"}', 'blue mug'),
        ('data: the green cube\n---\n', 'green cube')))
    assert node.stop() == 0


def test_an_llms_python_dict_or_yaml_command_is_answered(probe, start_node):
    """An LLM's structured output that is not strict JSON: a Python dict, YAML pairs.

    Field report (ml-explore/mlx-lm#1004, waybarrios/vllm-mlx#64: models write a Python
    dict, single quotes and None, where JSON was asked for): JSON refused it, so the keys
    were scored ("{'action': 'pick', 'target': 'the red ball'}" the object "action target
    red ball", not_found) and "{'command': 'stop'}" was the object "command stop" where a
    cancel was meant. Now the object is posed within 1 cm and the wrapped stop cancels.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    assert_each_found_as_its_words(probe, camera, scene, (
        ("{'action': 'pick', 'target': 'the red ball'}", 'red ball'),
        ('action: pick\nobject: the blue mug\nconfidence: None', 'blue mug')))
    # helper-h139: JSON nested past the recursion limit (notatallshaw/nab#1007) failed
    # the command callback, no answer; a 104 kB paste held the executor for seconds
    # before its refusal. Both are answered rejected, the active command kept.
    assert_rejected_and_kept(probe, camera, scene, '[' * 1000, 'characters long', 'blue mug')
    assert_rejected_and_kept(probe, camera, scene, 'the red ball ' * 8000, 'as sent',
                             'blue mug')
    assert 'callback failed' not in node.output()
    camera.command("{'command': 'stop'}")
    assert feed_until(camera, scene, lambda: any(
        d['status'] == 'cancelled' for d in detections(probe))), node.output()
    assert node.stop() == 0


def test_a_step_that_moves_the_robot_is_no_object_through_the_node(probe, start_node):
    """A whole task with a step that moves the robot: the object, the step named.

    Field report (OSU-NLP-Group/LLM-Planner#13: an LLM planner's plan mixes "go to" steps
    with pick-ups): "go to the table and pick up the blue mug" looked for the table first,
    "grab the green cube then go home" for a second object "go home"; "go home" alone was
    an object. Now the object is posed within 1 cm, each answer's reason names the step,
    and a command of steps alone is one ``rejected`` answer saying why.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    assert_each_found_as_its_words(probe, camera, scene, (
        ('go to the table and pick up the blue mug', 'blue mug'),
        ('grab the green cube then go home', 'green cube')), words=False)
    assert 'was read as a step for the robot to move' in detections(probe)[-1]['reason']
    probe.clear()
    camera.command('go home')
    assert feed_until(camera, scene, lambda: any(
        'only asks the robot to move' in d.get('reason', '') for d in detections(probe))), \
        detections(probe)[-1:]
    assert node.stop() == 0


def assert_each_found_as_its_words(probe, camera, scene, said_what, words=True):
    """Command each ``(said, what)``: ``what`` found, posed within 1 cm, the command its words.

    With ``words``, the active command is "the <what>" (a full stop kept), not what was
    left around it.
    """
    for said, what in said_what:
        probe.clear()
        camera.command(said)
        assert feed_until(camera, scene, lambda what=what: probe.messages(POSE) and any(
            d.get('what') == what and d['status'] == 'found' for d in detections(probe))), \
            (said, detections(probe)[-1:])
        target = obj(scene, *what.split())
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - target.centre) < 0.01
        assert not words or detections(probe)[-1]['command'].rstrip('.') == f'the {what}', \
            detections(probe)[-1]


def assert_rejected_and_kept(probe, camera, scene, said, why, kept):
    """Command ``said``: one ``rejected`` answer naming ``why``, then ``kept`` is found."""
    probe.clear()
    camera.command(said)
    assert feed_until(camera, scene, lambda: any(
        d['status'] == 'rejected' for d in detections(probe))), detections(probe)[-1:]
    rejected = next(d for d in detections(probe) if d['status'] == 'rejected')
    assert why in rejected['reason'], rejected
    assert feed_until(camera, scene, lambda: detections(probe)[-1]['status'] == 'found')
    assert detections(probe)[-1]['what'] == kept, detections(probe)[-1]


def test_a_command_said_again_in_another_case_or_punctuation_is_a_repeat(probe, start_node):
    """"the red ball", then "The red ball.", "THE RED BALL!": one command, not four.

    Field report: a voice front end republishing each transcript it refines, or a loop
    typing the command again: each was a new command, so the tracked target was dropped
    and acquired afresh, ``~/active_command`` republished and one log line written per
    message, and a flood of them before a frame was answered ``superseded`` one by one.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    camera.command('the red ball')
    assert feed_until(camera, scene, lambda: probe.messages(POSE)), node.output()
    for said in ('The red ball.', 'THE RED BALL!', ' the red ball? ', 'the red ball…'):
        camera.command(said)
        publish(camera, scene)
        time.sleep(0.2)
    values = wait_diag(probe, lambda lv, m, v: v['commands_received'] == '5')[2]
    assert values['commands_repeated'] == '4' and values['active_command'] == 'the red ball', \
        values
    echoed = [m.data for m in probe.messages('/clip_perception/active_command')]
    assert [e for e in echoed if e] == ['the red ball'], echoed  # '' (idle) latched first
    assert node.output().count('command set to') == 1, node.output()
    assert all(d['status'] != 'superseded' for d in detections(probe))
    assert node.stop() == 0


def test_a_camera_matrix_not_in_pixels_is_read_in_pixels_or_refused(probe, start_node):
    """camera_info whose K and P are not in pixels: normalised, or a focal length in mm.

    Field reports: ifm/ifm3d-ros2#18 (an O3R camera's camera_info gave the principal point
    in normalised image coordinates, 0 to 1, beside focal lengths in pixels: point clouds
    overlaid off the image); lmb-freiburg/lmbspecialops#2 (intrinsics normalised by the
    image size, ``[fx/w, fy/h, cx/w, cy/h]``); robotology/yarp#1956 (a camera interface
    giving the focal length in millimetres). Before: a focal length of 1.93 (mm) was taken
    for 1.93 px, a 179.3 degree view, and the red ball answered "found"; a normalised
    principal point put the optical axis at the image corner (back-projection alone moves
    the ball 0.6 m, computed) and /diagnostics advised publishing "the camera_info of this
    image's resolution". Now a principal point (and focal lengths) in fractions of the
    image size are read in pixels, warned once and counted; a focal length no pinhole
    camera has (a view over 170 degrees across both sides) is refused with the reason.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')
    w, h = scene.intrinsics.width, scene.intrinsics.height

    def millimetres(m):  # a 1.93 mm lens (a RealSense D435's colour camera)
        m.k = [1.93, 0.0, m.k[2], 0.0, 1.93, m.k[5], 0.0, 0.0, 1.0]
        m.p = [1.93, 0.0, m.p[2], 0.0, 0.0, 1.93, m.p[6], 0.0, 0.0, 0.0, 1.0, 0.0]
        return m
    assert feed_until(camera, scene, lambda: detections(probe), info=millimetres)
    reason = detections(probe)[-1]['reason']
    assert 'camera_info arrives but is refused' in reason and 'not in pixels' in reason, \
        reason
    assert not probe.messages(POSE)

    def normalised(focal_too):
        def edit(m):
            k, p = list(m.k), list(m.p)
            k[2], k[5] = (k[2] + 0.5) / w, (k[5] + 0.5) / h  # pixel edges: 0 to 1
            if focal_too:
                k[0], k[4] = k[0] / w, k[4] / h
            p[0], p[2], p[5], p[6] = k[0], k[2], k[4], k[5]
            m.k, m.p = k, p
            return m
        return edit
    for focal_too in (False, True):
        probe.clear()
        assert feed_until(camera, scene, lambda: probe.messages(POSE),
                          info=normalised(focal_too)), (focal_too, node.output())
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01, \
            focal_too
    log = node.output()
    assert log.count('in fractions of the image size') == 1, log
    assert 'far from the centre' not in log, log
    values = wait_diag(probe, lambda lv, m, v: int(v.get('camera_info_units', 0)) >= 2)[2]
    assert int(values['camera_info_units']) == 2, values  # two calibrations, many messages
    assert node.stop() == 0


def test_numbers_and_truth_values_given_as_text_are_taken_as_such(probe, start_node, tmp_path):
    """``depth_scale: '1e-4'``, ``max_proposals: '16'``, ``tracking: 'False'``, live too.

    Field reports: ros2/ros2cli#834 and ros2/rclpy#1672 (``ros2 param load`` and ``ros2
    param set`` read ``5e-06``, ``1e-4`` and ``0.00001`` with Python's YAML, which takes
    them for text: "Wrong parameter type ... setting it to {string} is not allowed");
    UniversalRobots/Universal_Robots_ROS2_Driver#265 (doubles handed over as strings); a
    launch file that passes its arguments as strings (``ParameterValue(...,
    value_type=str)``). Before, the node stopped at start-up with rcl's FATAL "expecting
    type DOUBLE" for the D405's ``depth_scale``, and ``ros2 param set`` refused it. Text
    that is exactly a number (an integral one for an integer) or a YAML truth value is
    taken as that value, warned; other text is still refused in one line.
    """
    params = tmp_path / 'params.yaml'
    params.write_text("/**:\n  ros__parameters:\n    model: 'bundled'\n"
                      "    depth_scale: '1e-4'\n    max_proposals: '16'\n"
                      "    tracking: 'False'\n")
    node = start_node(params_file=str(params))
    assert wait_for_node(probe), node.output()
    got = call(probe, GetParameters, '/clip_perception/get_parameters', GetParameters.Request(
        names=['depth_scale', 'max_proposals', 'tracking'])).values
    assert (got[0].type, got[0].double_value) == (ParameterType.PARAMETER_DOUBLE, 1e-4), got
    assert (got[1].type, got[1].integer_value) == (ParameterType.PARAMETER_INTEGER, 16), got
    assert (got[2].type, got[2].bool_value) == (ParameterType.PARAMETER_BOOL, False), got
    log = node.output()
    assert "parameter depth_scale: given text '1e-4' where a double is expected" in log, log
    # Each says why for its own type: the 1e-4 of Python's YAML is a double's reason only
    # (helper-h180 read "use_depth: given text 'yes' where a bool is expected (Python's
    # YAML ... reads 1e-4 as text ...)").
    for name in ('max_proposals', 'tracking'):
        line = next(line for line in log.splitlines() if f'parameter {name}: given text' in line)
        assert '1e-4' not in line and 'unquoted' in line, line
    assert 'FATAL' not in log and 'Traceback' not in log
    # Live, as `ros2 param set /clip_perception min_confidence 7.5e-1` sends it (text).
    for name, text, field, want in (('min_confidence', '7.5e-1', 'double_value', 0.75),
                                    ('image_proposals', 'false', 'bool_value', False),
                                    ('top_k', '3', 'integer_value', 3)):
        res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
            Parameter(name, value=text).to_parameter_msg()])).results[0]
        assert res.successful, (name, res.reason)
        value = call(probe, GetParameters, '/clip_perception/get_parameters',
                     GetParameters.Request(names=[name])).values[0]
        assert getattr(value, field) == want, (name, value)
    for name, text in (('min_confidence', 'high'), ('top_k', '2.5')):
        res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
            Parameter(name, value=text).to_parameter_msg()])).results[0]
        assert not res.successful, (name, text)
    assert node.stop() == 0


def test_numbers_given_as_text_many_times_live_are_warned_once_per_parameter(probe,
                                                                             start_node):
    """A web UI's slider setting ``min_confidence`` as text, many times a second.

    RobotWebTools/roslibjs#847 and rosbridge_suite#1087: a browser's parameter set goes
    through rosapi as text (``"0"``); foxglove/ros-foxglove-bridge#327: one warning per
    repeat drowned the log. Before: one "given text" warning per value, 24 lines for 24
    moves of the slider. Now one per parameter per 5 s, the next saying how many were
    held back; another parameter is warned on its own; every value is applied.
    """
    node = start_node()
    assert wait_for_node(probe), node.output()

    def set_text(name, text):
        res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
            Parameter(name, value=text).to_parameter_msg()])).results[0]
        assert res.successful, (name, text, res.reason)
    values = [f'{0.3 + 0.01 * k:.2f}' for k in range(24)]
    for text in values:
        set_text('min_confidence', text)
    for text in ('12', '13', '14'):
        set_text('max_proposals', text)
    got = call(probe, GetParameters, '/clip_perception/get_parameters', GetParameters.Request(
        names=['min_confidence', 'max_proposals'])).values
    assert (got[0].double_value, got[1].integer_value) == (float(values[-1]), 14), got
    log = node.output()
    assert log.count('parameter min_confidence: given text') == 1, log
    assert log.count('parameter max_proposals: given text') == 1, log
    # The article follows the type (helper-70's trial read "where a integer").
    assert "given text '12' where an integer is expected" in log, log
    time.sleep(5.2)
    set_text('min_confidence', '0.6')
    log = node.output()
    assert log.count('parameter min_confidence: given text') == 2, log
    assert "given text '0.6' where a double is expected" in log, log
    assert '(23 more like it since the last report)' in log, log
    assert node.stop() == 0


def test_a_stamp_that_does_not_change_is_aged_and_paired_by_arrival(probe, start_node):
    """Colour and depth that repeat one ``header.stamp``, frame after frame.

    Field reports: ros-drivers/camera1394#35 (a Flea3's images: "The timestamps do not
    change"); introlab/rtabmap_ros#611 (consecutive frames with the same stamp, dropped
    as "not valid consecutive stamps"); ouster-lidar/ouster-ros#479 (the first messages
    share one stamp). Before: once the frozen stamp was older than max_frame_age, every
    frame was skipped as stale, 0 answers, /diagnostics ERROR asking whether the clocks
    were in sync; depth that repeated its stamp beside stamped colour never paired (2D
    answers only). A stamp repeated on a stream by frames of other pixels tells nothing
    of when they were captured: they are aged and paired by arrival, as unstamped ones,
    warned once per stream and counted (one message delivered twice, same pixels, keeps
    its stamp: the watchdog test's stale frames).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')
    rng = np.random.default_rng(35)

    def live(m):
        """One reading one unit off: a live sensor's noise makes each frame its own."""
        values = np.frombuffer(m.data, np.uint16 if m.encoding == '16UC1' else np.uint8)
        values = values.copy()
        i = rng.choice(np.flatnonzero(values > 1))
        values[i] ^= 1
        m.data = values.tobytes()
        return m
    frozen = probe.node.get_clock().now().nanoseconds
    end = time.monotonic() + 2.0  # past max_frame_age (1 s)
    while time.monotonic() < end:
        publish(camera, scene, colour=live, depth=live, stamp_ns=frozen)
        time.sleep(0.25)
    probe.clear()
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, timeout=15.0,
                      colour=live, depth=live, stamp_ns=frozen), node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    level, message, values = wait_diag(probe, lambda lv, m, v: int(
        v.get('frames_stamp_repeated', 0)) >= 5)
    assert values['frames_stale'] == '0', values
    assert int(values['depth_stamp_repeated']) >= 5, values

    def frozen_depth(m):
        m.header.stamp = Time(sec=frozen // 10**9, nanosec=frozen % 10**9)
        return live(m)
    probe.clear()
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                      depth=frozen_depth), node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    log = node.output()
    assert log.count('colour frames repeat one header.stamp') == 1, log
    assert log.count('depth images repeat one header.stamp') == 1, log
    assert node.stop() == 0


def test_a_compressed_stream_in_a_raw_image_is_decoded_or_named(probe, start_node):
    """``sensor_msgs/Image`` whose data is a JPEG, or an H.264 stream, not pixels.

    Field report: ros-misc-utilities/ffmpeg_image_transport#35 (an H.264 stream carried
    in ``sensor_msgs/Image``, "the data field contains raw data and not pixels"); drivers
    passing a camera's MJPEG frames through as the raw image (``encoding: jpeg``). Before:
    every frame was refused as 'unsupported image encoding "jpeg"' (0 answers), and the
    H.264 frames as an unsupported encoding, with the list of encodings and nothing about
    what the data was. A JPEG, PNG or TIFF (its signature) is decoded, warned once and
    counted; an H.264/H.265 stream is refused saying it is video to decode first.
    """
    import cv2

    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')
    jpeg = cv2.imencode('.jpg', scene.rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])[1]

    def mjpeg(m):
        m.encoding, m.step, m.data = 'jpeg', 0, jpeg.tobytes()
        return m
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, colour=mjpeg), \
        node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.015
    assert node.output().count('holds a JPEG image, not raw pixels') == 1, node.output()
    values = wait_diag(probe, lambda lv, m, v: int(v.get('colour_compressed_in_raw', 0)) >= 2)
    assert int(values[2]['colour_compressed_in_raw']) >= 2, values

    def h264(m):  # an SPS NAL unit after an Annex B start code, as an encoder opens
        m.encoding, m.step = 'h264', 0
        m.data = b'\x00\x00\x00\x01\x67\x42\xc0\x1e' + bytes(range(256)) * 8
        return m
    refusal = refused_colour(probe, camera, scene, h264, 'H.264')
    assert 'video stream, not pixels' in refusal, refusal
    assert node.stop() == 0


def test_camera_info_without_a_size_is_checked_at_the_image_size(probe, start_node):
    """camera_info with width and height 0 gets the checks a sized one gets.

    Field reports: ros-drivers/gscam#104 (without calibration data gscam publishes
    CameraInfo with width and height 0; Foxglove refuses it); ros-drivers/usb_cam#26 (the
    camera_info "does not appear to publish the frame height and width");
    willdzeng/zed_cpu_ros#33 (CameraInfo width and height never assigned, "otherwise set
    to 0"). The node takes such a camera_info at the colour image's size; before, it then
    skipped every check that needs the size: a camera matrix in fractions of the image
    was used as pixels (the optical axis at the image corner), a 1.93 mm focal length and
    a principal point at 10^6 px were used as given. Now each is read in pixels or refused
    as it is when the size is given.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')
    w, h = scene.intrinsics.width, scene.intrinsics.height

    def unsized(k_edit):
        def edit(m):
            k = list(m.k)
            k_edit(k)
            m.k, m.p = k, [k[0], 0.0, k[2], 0.0, 0.0, k[4], k[5], 0.0, 0.0, 0.0, 1.0, 0.0]
            m.width = m.height = 0
            return m
        return edit

    def millimetres(k):  # a 1.93 mm lens
        k[0] = k[4] = 1.93

    def far_point(k):
        k[2] = k[5] = 1e6

    def normalised(k):
        k[2], k[5] = (k[2] + 0.5) / w, (k[5] + 0.5) / h

    for k_edit, text in ((millimetres, 'not in pixels'), (far_point, 'far outside')):
        def refused(text=text):
            return detections(probe) and text in detections(probe)[-1]['reason']
        assert feed_until(camera, scene, refused, info=unsized(k_edit)), (text, node.output())
        assert 'camera_info arrives but is refused' in detections(probe)[-1]['reason']
        assert not probe.messages(POSE), text
    assert feed_until(camera, scene, lambda: probe.messages(POSE), info=unsized(normalised)), \
        node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    values = wait_diag(probe, lambda lv, m, v: int(v.get('camera_info_units', 0)) >= 1)[2]
    assert int(values.get('camera_info_units', 0)) >= 1, values
    assert int(values.get('rejected_camera_info_invalid', 0)) >= 2, values
    log = node.output()
    assert log.count('in fractions of the image size') == 1, log
    assert 'Traceback' not in log, log
    assert node.stop() == 0


def test_float_depth_in_the_other_byte_order_than_flagged_is_posed_right_and_named(
        probe, start_node):
    """32FC1 and 64FC1 depth whose bytes are in the other order than ``is_bigendian`` says.

    Field reports: ros-perception/vision_opencv#7 (cv_bridge ignores ``is_bigendian``:
    publishers flag whatever they like); google-ar/arcore-android-sdk#1207 (depth
    documented big-endian, sent little-endian). The 16UC1 case was read right since round
    12; floating-point depth was read as flagged: 0.8 m read -4.3e8 and about 3% of the
    readings landed between 1e-42 and 65 m by chance (32FC1), or none did (64FC1: "the
    depth image holds no reading"). Now read in the order whose bytes make metres,
    warned once and counted as the 16-bit case is.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')
    h, w = scene.depth.shape
    for encoding, dtype in (('32FC1', np.float32), ('64FC1', np.float64)):
        metres = scene.depth.astype(dtype)
        size = metres.itemsize

        def flagged_big_sent_native(m, metres=metres, encoding=encoding, size=size):
            m.encoding, m.step, m.is_bigendian = encoding, size * w, 1
            m.data = (metres.byteswap() if HOST_BIG_ENDIAN else metres).tobytes()
            return m
        probe.clear()
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                          depth=flagged_big_sent_native), (encoding, node.output())
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01, \
            encoding
        assert 'depth' not in detections(probe)[-1]['reason'], detections(probe)[-1]
    values = wait_diag(probe, lambda lv, m, v: int(v.get('depth_byte_order_swapped', 0))
                       >= 4)[2]
    assert int(values['depth_byte_order_swapped']) >= 4, values
    log = node.output()
    assert log.count('32FC1 depth is flagged big-endian') == 1, log
    assert 'Traceback' not in log, log
    assert node.stop() == 0


def test_a_command_with_a_models_special_tokens_is_the_words_the_model_said(probe, start_node):
    """An LLM's or Whisper's special tokens and segment times around a command.

    Field reports: ggml-org/llama.cpp#6924 (every answer ends with "<|im_end|>");
    mozilla-ai/llamafile#630 ("<|eot_id|>" and "<end_of_turn>" left in the response);
    huggingface/transformers#32378 (Whisper decoded with timestamps keeps "<|0.00|>" and
    "<|startofprev|>"); ggml-org/whisper.cpp#1919 (segment times "[00:00:00.000 -->
    00:00:02.000]" in its output). An LLM planner or voice front end publishing such text
    had the tokens scored as words: "red ball im end", "startoftranscript en transcribe
    green cube endoftext", "00 00.000 00 02.000 blue mug" (not_found). Now the command is
    the words the model said, up to its end of turn; tokens alone are rejected, the
    active command kept.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    assert_each_found_as_its_words(probe, camera, scene, (
        ('<|im_start|>assistant\nthe red ball<|im_end|>\n<|im_start|>user\nthanks',
         'red ball'),
        ('<|startoftranscript|><|en|><|transcribe|><|0.00|> the green cube.<|2.00|>'
         '<|endoftext|>', 'green cube'),
        ('[00:00:00.000 --> 00:00:02.000]   the blue mug', 'blue mug')))
    assert_rejected_and_kept(probe, camera, scene, '<|endoftext|>', 'special tokens',
                             'blue mug')
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_reasoning_models_thinking_and_an_answer_label_are_not_the_command(probe,
                                                                               start_node):
    """A chat model's whole reply: its thinking block, then a label, then the answer.

    Field reports: neuml/txtai#920 and lmstudio-ai/lmstudio-bug-tracker#648 (a thinking
    model's "<think>...</think>" before its answer); langchain-ai/langchain#15586 ("AI:"
    before the answer); openai/evals#1797 ("Answer:"). Before: the reasoning was scored as
    the command ("user wants blue mug moved", the red ball excluded) and a label as a
    word ("answer green cube"): not_found or the wrong object. Now the answer is the
    command; thinking alone is rejected, the active command kept.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    assert_each_found_as_its_words(probe, camera, scene, (
        ('<think>\nThe user wants the blue mug moved? No, not the red ball. Find it.\n'
         '</think>\n\nthe red ball', 'red ball'),
        ('Okay, they asked for the red ball before.\n</think>\n\nAnswer: the green cube',
         'green cube'),
        ('AI: the blue mug', 'blue mug')))
    assert_rejected_and_kept(probe, camera, scene,  # cut off while thinking
                             '<think>The user wants the red ball, or is it',
                             "language model's thinking", 'blue mug')
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_use_sim_time_given_as_text_is_taken_as_its_truth_value(probe, start_node, tmp_path):
    """``use_sim_time: 'true'`` in a parameters file, and set live as text.

    Field reports: ros2/rclcpp#802 (use_sim_time given a value of another type);
    ros2/launch_ros#487 (``<set_use_sim_time value="False"/>``: "Type 'Type.BOOL' and
    value ... do not agree", the value is text). rclpy declares ``use_sim_time`` itself,
    in ``Node.__init__``, before the node types its overrides (round 13 took text for
    its own numbers and booleans): before, ``use_sim_time: 'true'`` stopped the node with
    FATAL "Trying to set parameter 'use_sim_time' to 'true' of type 'STRING', expecting
    type 'BOOL'". Now it is the truth value it spells, warned once; other text is still
    refused in one line.
    """
    params = tmp_path / 'params.yaml'
    params.write_text("/**:\n  ros__parameters:\n    model: 'bundled'\n"
                      "    use_sim_time: 'true'\n")
    node = start_node(params_file=str(params))
    assert wait_for_node(probe), node.output()

    def sim_time():
        return call(probe, GetParameters, '/clip_perception/get_parameters',
                    GetParameters.Request(names=['use_sim_time'])).values[0]
    assert (sim_time().type, sim_time().bool_value) == (ParameterType.PARAMETER_BOOL, True)
    assert "parameter use_sim_time: given text 'true' where a bool is expected" in \
        node.output(), node.output()
    # `ros2 param set /clip_perception use_sim_time "'False'"`, or a tool sending text.
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('use_sim_time', value='False').to_parameter_msg()])).results[0]
    assert res.successful, res.reason
    assert (sim_time().type, sim_time().bool_value) == (ParameterType.PARAMETER_BOOL, False)
    assert node.stop() == 0
    params.write_text("/**:\n  ros__parameters:\n    model: 'bundled'\n"
                      "    use_sim_time: 'sometimes'\n")
    node = start_node(params_file=str(params))
    assert node.proc.wait(60) == 1
    out = node.output()
    fatal = [line for line in out.splitlines() if 'FATAL' in line]
    assert len(fatal) == 1 and 'use_sim_time' in fatal[0], out
    assert 'Traceback' not in out


def test_truth_values_given_as_1_or_0_are_taken_as_such(probe, start_node, tmp_path):
    """``tracking: 0`` in a parameters file, ``-p use_sim_time:=0``, 1 set live.

    Field reports: christianrauch/apriltag_ros#27 (a launch YAML's ``refine: 1``:
    "parameter {detector.refine} is of type {bool}, setting it to {integer} is not
    allowed"); christianrauch/camera_ros#57 (``ros2 param set /camera AeEnable 1``);
    xqms/rosmon#3 (ROS 1 tools wrote booleans as 1). Before, the node stopped at start-up
    with rcl's FATAL "expecting type 'BOOL'", and ``ros2 param set ... tracking 1`` was
    refused. 1 is true and 0 false, warned once per parameter; another integer is
    still refused.
    """
    params = tmp_path / 'params.yaml'
    params.write_text("/**:\n  ros__parameters:\n    model: 'bundled'\n"
                      '    tracking: 0\n    image_proposals: 1\n')
    node = start_node('-p', 'use_sim_time:=0', params_file=str(params))
    assert wait_for_node(probe), node.output()

    def values(*names):
        got = call(probe, GetParameters, '/clip_perception/get_parameters',
                   GetParameters.Request(names=list(names))).values
        return [(v.type, v.bool_value) for v in got]
    bool_type = ParameterType.PARAMETER_BOOL
    assert values('tracking', 'image_proposals', 'use_sim_time') == [
        (bool_type, False), (bool_type, True), (bool_type, False)], node.output()
    log = node.output()
    assert 'parameter tracking: given an integer 0 where a bool is expected' in log, log
    assert 'parameter use_sim_time: given an integer 0' in log, log
    assert 'FATAL' not in log and 'Traceback' not in log
    # Live, as `ros2 param set /clip_perception tracking 1` sends it (an integer).
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('tracking', value=1).to_parameter_msg()])).results[0]
    assert res.successful, res.reason
    assert values('tracking') == [(bool_type, True)]
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('tracking', value=2).to_parameter_msg()])).results[0]
    assert not res.successful and values('tracking') == [(bool_type, True)]
    assert node.stop() == 0


def test_a_compressed_depth_format_in_other_capitals_is_read(probe, start_node):
    """A compressedDepth ``format`` in other capitals: "16uc1; compresseddepth PNG".

    Field reports: foxglove/foxglove-sdk#1373 (format strings are read trimmed and
    lower-cased, as Foxglove's frontend reads them, so publishers that write them so go
    unnoticed there); strawlab/camera_aravis#3 (an encoding in other capitals). Round 12
    read raw encodings and colour formats so; compressedDepth's was compared exactly:
    every depth message was refused ("the depth encoding must be 16UC1 or 32FC1", or "is
    not compressedDepth") and every answer went without depth. Now read as the format
    it spells, pose within 12 mm, warned once, counted ``depth_compressed_format``.
    """
    node = _posed_with_compressed_depth(probe, start_node, 'compressedDepth', (
        ('16uc1; compressedDepth png', '16UC1', 'png'),
        ('32FC1; compresseddepth RVL', '32FC1', 'rvl')))
    assert node.output().count('is not written as image_transport writes it') == 1
    assert node.stop() == 0


def test_compressed_depth_whose_data_is_base64_text_is_posed_and_named(probe, start_node):
    """Payloads of compressedDepth (PNG and RVL) sent as base64 text: decoded, posed.

    rosbridge writes uint8[] as base64 text (RobotWebTools/rosbridge_suite#1086, #1121),
    and a client that publishes it back sends the text; round 16 read a colour
    CompressedImage so, depth's was refused on every message ("not compressedDepth ...")
    and every answer went without depth. Now the red ball is posed within 12 mm, WARN
    once, counted ``depth_compressed_base64``.
    """
    node, camera, scene = _compressed_depth_node(probe, start_node, 'compressedDepth')
    red = obj(scene, 'red', 'ball')
    for compression in ('png', 'rvl'):
        fmt, data = compressed_depth.encode(scene.depth_16uc1(), compression, '16UC1')

        def as_text(m, fmt=fmt, data=data):
            return CompressedImage(header=m.header, format=fmt, data=base64.b64encode(data))
        probe.clear()
        assert feed_until(camera, scene, lambda: probe.messages(POSE), depth=as_text), \
            (compression, node.output())
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.012
        assert 'depth' not in detections(probe)[-1]['reason'], detections(probe)[-1]
    assert node.output().count('holds the base64 text of its data') == 1, node.output()
    values = wait_diag(probe, lambda lv, m, v: int(v.get('depth_compressed_base64', 0)) >= 2)
    assert int(values[2].get('depth_compressed_base64', 0)) >= 2, values
    assert node.stop() == 0


def _posed_with_compressed_depth(probe, start_node, transport, cases):
    """Pose the red ball on compressedDepth payloads sent under each case's format.

    :param cases: ``(format written, encoding, compression)`` triples.
    :return: the node, its ``depth_compressed_format`` counted once a case.
    """
    node, camera, scene = _compressed_depth_node(probe, start_node, transport)
    red = obj(scene, 'red', 'ball')
    for written, encoding, compression in cases:
        depth = scene.depth_16uc1() if encoding == '16UC1' else scene.depth_32fc1()
        data = compressed_depth.encode(depth, compression, encoding)[1]

        def to_compressed(m, written=written, data=data):
            return CompressedImage(header=m.header, format=written, data=data)
        probe.clear()
        assert feed_until(camera, scene, lambda: probe.messages(POSE), depth=to_compressed), \
            (written, node.output())
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.012, \
            written
        assert 'depth' not in detections(probe)[-1]['reason'], detections(probe)[-1]
    values = wait_diag(probe, lambda lv, m, v: int(v.get('depth_compressed_format', 0)) >=
                       len(cases))[2]
    assert int(values.get('depth_compressed_format', 0)) >= len(cases), values
    return node


def test_a_compressed_depth_payload_under_the_compressed_format_is_posed(probe, start_node):
    """A 12-byte header and a PNG or RVL under "16UC1; png compressed " is read as it is.

    A publisher writing compressedDepth's wire prefix itself (realsenseai/librealsense
    #15556) with the compressed transport's format or the encoding alone: before, every
    message was refused ("not compressedDepth ...; is this the compressed (colour)
    transport?", helper-62's left-alone) and every answer was no_depth. Now the payload
    decides: pose within 12 mm, warned once, counted ``depth_compressed_format``.
    """
    node = _posed_with_compressed_depth(probe, start_node, 'compressed', (
        ('16UC1; png compressed ', '16UC1', 'png'), ('16UC1', '16UC1', 'rvl')))
    assert node.output().count('is no compressedDepth format') == 1, node.output()
    assert node.stop() == 0


def test_a_command_in_utf8_read_as_windows_1252_is_read_back(probe, start_node):
    """"whereâ€™s the red ball?": a command whose UTF-8 was read as Windows-1252 on the way.

    Field reports: Miosa-osa/OSA#137 and #234 (LLM backends whose quotes and dashes arrive
    as "â€™", "â€”": UTF-8 bytes read as Windows-1252 and encoded again);
    RobotWebTools/rosbridge_suite#161 (a C++ node's Latin-1 string through a bridge). A
    curly apostrophe, quotes or an ellipsis in such a command made its words unreadable:
    "whereâ tms red ball", "â œblueâ mug" (not_found). Now read back to the text that was
    written, when it reads back as UTF-8 exactly: each object posed within 1 cm.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    assert_each_found_as_its_words(probe, camera, scene, (
        ('where\u00e2\u20ac\u2122s the red ball?', 'red ball'),
        ('the \u00e2\u20ac\u0153blue\u00e2\u20ac\x9d mug', 'blue mug'),
        ('the green cube\u00e2\u20ac\u00a6', 'green cube')), words=False)
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_another_node_of_the_same_name_on_the_domain_is_named(probe, start_node):
    """Two nodes named /clip_perception on one domain: both answer, and nothing said so.

    Trial 38: a quick-start node left running answered the demo's commands; ROS 2 does
    not enforce unique node names (ros2/launch_ros#124) and only ``ros2 node list`` warns
    (ros2/ros2cli#453). Each node now says so in /diagnostics while the other runs, and
    logs it once; the notice clears when the other stops.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3',
                                   '-p', 'input_timeout:=2.0')
    other = start_node('-p', 'diagnostics_period:=0.3')
    text = 'other node(s) named /clip_perception run on ROS_DOMAIN_ID'
    fits = wait_diag(probe, lambda lv, m, v: text in m, timeout=60.0)
    assert fits is not None and text in fits[1], fits
    assert fits[0] == 1 and '-r __node:=name' in fits[1], fits
    # Both nodes publish that status under one name, so it may be the other's: this node's
    # own log line is waited for (a loaded machine's discovery lags by seconds; CI run 51).
    deadline = time.monotonic() + 60.0
    while text not in node.output() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert other.stop() == 0
    for _ in range(20):  # the survivor keeps answering frames; its notice ages out
        publish(camera, scene)
        time.sleep(0.2)
    assert text not in wait_diag(probe, lambda lv, m, v: text not in m)[1]
    assert len([x for x in node.output().splitlines() if text in x]) == 1, node.output()
    assert node.stop() == 0


def test_a_camera_info_r_that_is_no_rotation_is_rectified_with_identity_and_said(
        probe, start_node):
    """A raw image's camera_info R of det 1 that is a shear, not a rotation: said, not used.

    cv2 takes any 3x3 as R: before, this shear warped the rectified image (the red ball
    posed 73.8 mm off, 5.5 mm now) and an R of det off 1 was dropped for identity, both
    without a word.
    """
    node, camera, _ = bring_up(probe, start_node, '-p', 'command:=the red ball',
                               '-p', 'diagnostics_period:=0.3')

    def sheared(m):
        m.r = [1.0, 0.0, 0.1, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]  # x' = x + 0.1 z: det 1
        return m
    error = raw_lens_error(probe, node, camera, sheared)
    assert error < 0.009, (error, node.output())
    values = wait_diag(probe, lambda lv, m, v: int(v.get('camera_info_rotation', 0)) > 0)[2]
    assert int(values['camera_info_rotation']) > 0, values
    assert node.output().count('is not orthonormal') == 1, node.output()
    assert node.stop() == 0


def test_a_camera_info_d_that_is_no_lens_leaves_the_frames_unrectified_and_said(
        probe, start_node):
    """camera_info D that no lens has: the frames are used as they come, and it is said.

    orbbec/OrbbecSDK_ROS2#15: a Gemini 2's D "in the 1000s and 100s" beside images
    "barely visibly distorted"; orbbec/OrbbecSDK_ROS1#8: a rational lens's k3, k4 written
    into plumb_bob's p1, p2. Before, rectify:=auto made maps of it and smeared every frame
    (the red ball, near the left edge, lost), with one INFO line. Now the red ball is posed
    within 1 cm on the pinhole frames, WARN once, counted ``camera_info_no_lens``.
    """
    node, camera, _ = bring_up(probe, start_node, '-p', 'command:=the red ball',
                               '-p', 'diagnostics_period:=0.3')
    scene, red, _ = lens_scene()
    for d in ([1500.0, -800.0, 0.5, 0.3, 200.0], [0.55, -2.6, 1.5, 0.43, -2.4]):

        def no_lens(m, d=d):
            m.d, m.distortion_model = d, 'plumb_bob'
            return m
        probe.clear()
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                          info=no_lens), (d, node.output())
        error = np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre)
        assert error < 0.01, (d, error)
    values = wait_diag(probe, lambda lv, m, v: int(v.get('camera_info_no_lens', 0)) >= 2)[2]
    assert int(values['camera_info_no_lens']) >= 2, values
    log = node.output()
    assert log.count('is no plumb_bob lens') == 1 and 'rectifying colour' not in log, log
    assert node.stop() == 0


DEBUG_IMAGE, DEBUG_INFO = '/clip_perception/debug_image', '/clip_perception/camera_info'


def _debug_pair(probe):
    """``(Image, CameraInfo)`` of the newest debug image with a camera_info of its stamp."""
    infos = {(m.header.stamp.sec, m.header.stamp.nanosec): m
             for m in probe.messages(DEBUG_INFO)}
    for img in reversed(probe.messages(DEBUG_IMAGE)):
        info = infos.get((img.header.stamp.sec, img.header.stamp.nanosec))
        if info is not None:
            return img, info
    return None


def test_the_debug_image_has_the_camera_info_of_its_pixels_beside_it(probe, start_node):
    """``~/camera_info`` beside ``~/debug_image``: the pinhole model the node posed with.

    RViz's Camera display and Foxglove's Image panel look for an image's camera model at
    its sibling ``camera_info`` topic (image_transport's getCameraInfoTopic;
    surfertas/ros2_ipcamera#21: "No CameraInfo received on /ipcamera/camera_info. Topic
    may not exist"; ros2/rviz#207): none was published, so neither could draw ``~/markers``
    over ``~/debug_image`` (0 camera_infos). Now one per debug image, of its stamp, frame
    and size: the camera's for pinhole frames, D zero and P's matrix for frames the node
    rectified, the camera matrix scaled for an image scaled down from its camera_info.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    probe.listen(Image, DEBUG_IMAGE)
    probe.listen(CameraInfo, DEBUG_INFO)
    lens, _, lens_k = lens_scene()
    intr = scene.intrinsics

    def doubled(m):
        m.width, m.height = intr.width * 2, intr.height * 2
        m.k = [intr.fx * 2, 0.0, (intr.cx + 0.5) * 2 - 0.5, 0.0, intr.fy * 2,
               (intr.cy + 0.5) * 2 - 0.5, 0.0, 0.0, 1.0]
        m.p = [0.0] * 12
        return m

    def raw(m):
        m.d, m.distortion_model = LENS, 'plumb_bob'
        return m
    through_lens = {'info': raw, 'colour': lambda m: distorted(m, lens_k, LENS, False),
                    'depth': lambda m: distorted(m, lens_k, LENS, True)}
    for what, shown, kwargs, k in (
            ('pinhole', scene, {}, np.array(scene_messages(scene, 0)[2].k).reshape(3, 3)),
            ('scaled', scene, {'info': doubled}, None),
            ('rectified', lens, through_lens, lens_k)):
        probe.clear()
        assert feed_until(camera, shown, lambda: _debug_pair(probe) is not None, **kwargs), \
            (what, node.output())
        img, info = _debug_pair(probe)
        assert info.header.frame_id == img.header.frame_id, what
        assert (info.width, info.height) == (img.width, img.height), what
        assert not any(info.d) and info.distortion_model == 'plumb_bob', what
        got = np.array(info.k).reshape(3, 3)
        want = k if k is not None else np.array([[intr.fx, 0.0, intr.cx],
                                                 [0.0, intr.fy, intr.cy], [0.0, 0.0, 1.0]])
        np.testing.assert_allclose(got, want, atol=1e-6, err_msg=what)
        np.testing.assert_allclose(np.array(info.p).reshape(3, 4)[:, :3], got, err_msg=what)
        assert list(info.r) == [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0], what
    assert node.stop() == 0


def _other_size(m):
    """Switch the camera to half its resolution (K and P scaled with it)."""
    m.width, m.height = m.width // 2, m.height // 2
    m.k = [v / 2 if i < 6 else v for i, v in enumerate(m.k)]
    m.p = [v / 2 if i < 8 else v for i, v in enumerate(m.p)]
    return m


def _no_distortion(m):
    """Recalibrate as distortion-free (D all zero): nothing to rectify."""
    m.d = [0.0] * 5
    return m


@pytest.mark.parametrize('change', [_other_size, _no_distortion], ids=['resolution', 'recal'])
def test_a_frame_is_rectified_with_the_maps_of_its_own_camera_info(probe, start_node, change):
    """A frame is rectified with its own camera_info's maps, not the newest camera_info's.

    At a resolution switch or a recalibration the next camera_info (a few hundred bytes)
    overtakes the last frame of the old one (an image): the frame is paired with its own
    camera_info by stamp, but the maps were the newest's, of another size (or none), so
    the frame went out unrectified without a word: 0 of the frames processed rectified,
    the red ball posed 20 mm off.
    """
    node, camera, _ = bring_up(probe, start_node, '-p', 'command:=the red ball',
                               '-p', 'diagnostics_period:=0.3')
    scene, red, k = lens_scene()

    def lens_info(m):
        m.d, m.distortion_model = LENS, 'plumb_bob'
        return m
    for _ in range(8):
        stamp = probe.node.get_clock().now().nanoseconds
        camera.info.publish(lens_info(scene_messages(scene, stamp)[2]))
        camera.info.publish(change(lens_info(scene_messages(scene, stamp + 33_000_000)[2])))
        time.sleep(0.02)
        publish(camera, scene, info=lambda m: None, stamp_ns=stamp,
                colour=lambda m: distorted(m, k, LENS, False),
                depth=lambda m: distorted(m, k, LENS, True))
        time.sleep(0.4)
    time.sleep(1.0)
    values = wait_diag(probe, lambda lv, m, v: int(v.get('frames_processed', 0)) >= 4)[2]
    processed, rectified = int(values['frames_processed']), int(values['frames_rectified'])
    error = np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre)
    assert processed >= 4 and rectified == processed, (rectified, processed, error)
    assert error < 0.009 and values['frames_not_rectified'] == '0', (error, values)
    assert node.stop() == 0


# /diagnostics keys whose value is text; every other key is a number.
DIAG_TEXT_KEYS = {'latency_from', 'input_stale', 'last_status', 'last_reason', 'stage',
                  'model', 'device', 'dtype', 'backend', 'active_command', 'tracked_target'}


def test_every_diagnostics_key_says_no_data_as_nan_and_numbers_parse(probe, start_node):
    """Every /diagnostics key, before a frame and after one: no data is ``nan`` in each.

    Numbers parse (``float``). Before, no data was ``nan``, ``n/a``, ``never`` or an
    empty string by key, and ``float`` of two of them raised.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3',
                                   '-p', 'command:=the red ball')
    before = wait_diag(probe, lambda lv, m, v: 'frames_received' in v)[2]
    assert feed_until(camera, scene, lambda: status_fits(
        probe, lambda lv, m, v: v['last_status'] != 'nan')), node.output()
    after = diag(probe)[2]
    for values in (before, after):
        for key, value in values.items():
            if key not in DIAG_TEXT_KEYS and not key.startswith('last_refusal_'):
                float(value)  # a number, or nan
            assert value.lower() not in ('n/a', 'never', 'null'), (key, value)
    no_data = {k for k, v in before.items() if v == 'nan'}
    assert {'latency_median_ms', 'seconds_since_input', 'latency_from', 'last_status',
            'last_reason', 'crops_reused_share'} <= no_data, before
    assert after['latency_from'] != 'nan' and after['seconds_since_input'] != 'nan', after
    assert node.stop() == 0


@pytest.mark.parametrize('compressed', [False, True], ids=['raw', 'compressed'])
def test_a_colour_message_delivered_twice_is_answered_once(probe, start_node, compressed):
    """The same message received twice (a redelivery, two publishers on one topic).

    Helper-65: each copy was answered, two poses and two answers for one capture, and
    nothing said so. The copy is dropped, counted (frames_duplicate) and warned once. A
    one-frame recording looped (its one message again each pass, seconds apart) is still
    answered at every pass.
    """
    args = ('-p', 'command:=the red ball', '-p', 'diagnostics_period:=0.3',
            '-p', 'max_frame_age:=60.0')
    if compressed:
        node = start_node('-p', 'image_transport:=compressed', *args)
        listen_all(probe)
        camera = Camera(probe, compressed=True)
        assert wait_for_node(probe) and camera.wait_connected(), node.output()
        scene = cached_scene(4242, specs=SCENE_SPECS)
    else:
        node, camera, scene = bring_up(probe, start_node, *args)
    base = probe.node.get_clock().now().nanoseconds

    def messages(stamp_ns):
        return scene_messages(scene, stamp_ns, jpeg_quality=95 if compressed else None)
    for k in range(8):
        colour, depth, info = messages(base + k * 5 * 10**8)
        camera.info.publish(info)
        camera.depth.publish(depth)
        camera.image.publish(colour)
        time.sleep(0.005)
        camera.image.publish(colour)
        time.sleep(0.6)
    time.sleep(2.0)
    stamps = [d['stamp']['sec'] * 10**9 + d['stamp']['nanosec'] for d in detections(probe)]
    assert len(set(stamps)) >= 6 and len(stamps) == len(set(stamps)), \
        (len(stamps), len(set(stamps)), node.output())
    values = wait_diag(probe, lambda lv, m, v: int(v.get('frames_duplicate', 0)) >= 8)[2]
    assert values['frames_duplicate'] == '8', values
    assert node.output().count('received twice') == 1, node.output()

    probe.clear()  # one frame looped: the same message once a pass, 1.5 s apart
    colour, depth, info = messages(base + 10 * 10**9)
    for _ in range(4):
        camera.info.publish(info)
        camera.depth.publish(depth)
        camera.image.publish(colour)
        time.sleep(1.5)
    answered = detections(probe)
    assert len(answered) >= 3, (len(answered), node.output())
    assert all(d['status'] != 'no_depth' for d in answered), answered[-1]['reason']
    assert wait_diag(probe, lambda lv, m, v: True)[2]['frames_duplicate'] == '8'
    assert node.stop() == 0


@pytest.mark.parametrize('clock', ['ros', 'sim'])
def test_a_simulator_paused_on_one_frame_is_named_and_commands_are_answered(probe, start_node,
                                                                          clock):
    """A paused simulator republishing its last render: one stamp, the same pixels, 10 Hz.

    Isaac Sim's camera helper publishes at the render rate (isaac-sim/IsaacSim#346); a
    bridge may republish the latest state while paused (osrf/lrauv#91). Before: the copies
    were warned as "received twice ... two publishers on the image topic?", and with stamps
    on the node's clock every copy older than max_frame_age was skipped "(camera and node
    clocks in sync? use_sim_time?)": a new command got no answer and nothing named the
    held frame. Now one WARN names it (a paused simulator, a stalled driver), copies are
    counted ``frames_held``; on the node's clock the stale reason names the held frame,
    not the clocks, and a new frame answers the new command; with a simulator's stamps (no
    /clock, no age) the new command is answered on the held frame. 0/2 -> 2/2.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    stamp = probe.node.get_clock().now().nanoseconds if clock == 'ros' else 100 * 10**9

    def hold(seconds, stamp_ns=stamp):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            publish(camera, scene, stamp_ns=stamp_ns)
            time.sleep(0.1)
    hold(3.0)
    assert node.output().count('colour frames repeat one frame') == 1, node.output()
    assert 'a simulator paused' in node.output()
    values = wait_diag(probe, lambda lv, m, v: int(v.get('frames_held', 0)) >= 10)[2]
    assert int(values['frames_held']) >= 10, values
    assert 'repeat one frame' in diag(probe)[1], diag(probe)
    camera.command('the blue mug')
    hold(3.0)
    mug = [d for d in detections(probe) if d['command'] == 'the blue mug']
    if clock == 'sim':  # no age to it: the held frame answers the new command
        assert mug and mug[-1]['status'] == 'found', (mug[-1:], node.output())
    else:  # stale: said as the held frame, not the clocks; a new frame answers
        assert not mug, mug
        refusal = wait_diag(probe, lambda lv, m, v: 'sent this one frame' in m)[1]
        assert 'sent this one frame' in refusal and 'clocks in sync' not in refusal, refusal
        assert feed_until(camera, scene, lambda: any(
            d['command'] == 'the blue mug' for d in detections(probe))), node.output()
        assert wait_diag(probe, lambda lv, m, v: 'repeat one frame' not in m and
                         'sent this one frame' not in m), diag(probe)
    assert 'two publishers' not in diag(probe)[1], diag(probe)
    assert node.stop() == 0


def test_depth_along_each_ray_is_posed_right_with_depth_kind_ray(probe, start_node):
    """Depth that is each pixel's range from the optical centre, not z (REP 118).

    Isaac Sim's ``distance_to_camera`` ("the distance to camera optical center",
    isaac-sim/IsaacLab#976, #889: "we noticed ... what depth actually meant when converting
    to point cloud"), AirSim's ``DepthPerspective`` (microsoft/AirSim#3316: a curved point
    cloud), a ToF sensor's range (ArduCAM/Arducam_tof_camera#93); introlab/rtabmap#1209
    answers z = the ray's z. Read as z, the red ball near the left edge came centimetres
    too far along its ray, with nothing said. ``depth_kind:=ray`` (live) converts it:
    within 1 cm, as 32FC1 metres and as 16UC1 millimetres; ``z`` reads it as before, now
    with a WARN naming ``depth_kind:=ray`` (the table is flat only read as ranges, counted
    ``frames_depth_kind_suspect``); a value of neither kind is refused.
    """
    node, camera, _ = bring_up(probe, start_node, '-p', 'command:=the red ball')
    scene, red, _ = lens_scene()
    ranges = ray_lengths(scene)
    metres = float_depth(ranges)

    def millimetres(m):
        m.encoding, m.step = '16UC1', 2 * m.width
        m.data = np.round(np.nan_to_num(ranges * 1000.0)).astype(np.uint16).tobytes()
        return m

    def error(depth):
        probe.clear()
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2,
                          depth=depth), node.output()
        return np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre)

    assert error(metres) > 0.02  # read as z: too far along the ray, as before
    # ... but now said: the table is flat only read as ranges.
    assert 'the table bows' in node.output() and 'set depth_kind:=ray' in node.output()
    # Each frame read so is counted, not each check (3 in 10 s, before).
    for _ in range(6):
        publish(camera, scene, depth=metres)
        time.sleep(0.25)
    counted = wait_diag(probe, lambda lv, m, v: int(v['frames_processed']) >= 6 and int(
        v['frames_depth_kind_suspect']) >= int(v['frames_processed']) - 1)[2]
    assert int(counted['frames_depth_kind_suspect']) >= int(counted['frames_processed']) - 1, \
        {k: counted[k] for k in ('frames_processed', 'frames_depth_kind_suspect')}
    for kind in ('ray', 'z', 'ray'):
        assert call(probe, SetParameters, SET, SetParameters.Request(parameters=[
            Parameter('depth_kind', value=kind).to_parameter_msg()])).results[0].successful
        if kind == 'ray':
            assert error(metres) < 0.01 and error(millimetres) < 0.01
    assert "depth is read as the distance along each pixel's ray" in node.output()
    assert 'set depth_kind:=z' not in node.output()
    assert int(wait_diag(probe, lambda lv, m, v: True)[2]['frames_depth_kind_suspect']) >= 1
    refused = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('depth_kind', value='range').to_parameter_msg()])).results[0]
    assert not refused.successful and 'must be one of z, ray' in refused.reason, refused.reason
    assert node.stop() == 0


def test_depth_written_as_negative_z_is_posed_and_named(probe, start_node):
    """32FC1 depth whose readings are negative: z of a camera looking down -z (Isaac Gym).

    CAI23sbP/Isaaclab_Parkour#25: Isaac Gym's depth image is multiplied by -1 before use.
    Before, every reading was no reading: answered without depth ("the depth image holds
    no reading"), 0 poses in 40 s of frames. Now the red ball is posed within 1 cm, WARN
    once, counted ``depth_negative``.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.5')

    def negative(m):
        m.encoding, m.step = '32FC1', 4 * m.width
        m.data = (-scene.depth_32fc1()).tobytes()
        return m
    assert_red_ball_posed(probe, node, camera, scene, depth=negative)
    values = wait_diag(probe, lambda lv, m, v: int(v.get('depth_negative', 0)) >= 1)[2]
    assert int(values.get('depth_negative', 0)) >= 1, values
    assert node.output().count('depth readings are negative') == 1, node.output()
def test_consumers_whose_qos_the_outputs_cannot_serve_are_named_while_they_last(
        probe, start_node):
    """A consumer subscribing with a QoS the outputs do not offer is named in /diagnostics.

    ros2/rclcpp#2499: a transient_local subscription never receives a volatile publisher's
    messages, new ones included (MRPT/mvsim#52: nav2 subscribes its pose transient_local;
    ros-industrial/reach_ros2#36: RViz markers displays set to Transient Local); a
    subscription requesting a deadline matches no publisher offering none. Before: the
    consumer received nothing and /diagnostics said ``running``, with one line from rclpy
    ("requesting incompatible QoS ... Last incompatible policy: DURABILITY") that said not
    what to change: 0 of 2 such consumers named. Now each is a WARN naming the topic, the
    policy, the consumer and the setting to use, until it leaves.
    """
    from geometry_msgs.msg import PoseStamped
    from rclpy.duration import Duration
    from rclpy.qos import DurabilityPolicy
    from rclpy.qos import QoSProfile
    from visualization_msgs.msg import MarkerArray

    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    consumer = rclpy.create_node(f'grasp_planner_{os.getpid()}')
    latched = QoSProfile(depth=1, durability=DurabilityPolicy.TRANSIENT_LOCAL)
    subs = [consumer.create_subscription(PoseStamped, POSE, lambda m: None, latched),
            consumer.create_subscription(MarkerArray, '/clip_perception/markers', lambda m: None,
                                         QoSProfile(depth=1, deadline=Duration(seconds=0.2)))]
    try:
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2), node.output()
        # Named at once, as "a subscription" while discovery names the consumer's node
        # (never "a DDS application, not a ROS node": CI run of 5f625ef), then by its name.
        level, message, _ = wait_diag(
            probe, lambda lv, m, v: '/clip_perception/markers' in m and POSE in m, timeout=10)
        assert level == 1 and 'not a ROS node' not in message, message
        level, message, _ = wait_diag(
            probe, lambda lv, m, v: consumer.get_name() in m and 'markers' in m and POSE in m,
            timeout=15)
        assert level == 1, message
        assert f'{POSE} (DURABILITY' in message and 'transient_local' in message, message
        assert '/clip_perception/markers (DEADLINE' in message, message
        assert probe.node.get_name() not in message, message
        log = node.output()
        assert 'subscribe it volatile' in log and 'without a deadline' in log, log
        assert consumer.get_name() in log, log  # logged again once named
    finally:
        for sub in subs:
            consumer.destroy_subscription(sub)
        consumer.destroy_node()
    # Gone from the graph: no longer named.
    level, message, _ = wait_diag(probe, lambda lv, m, v: 'cannot serve' not in m, timeout=20)
    assert 'cannot serve' not in message, message
    assert node.stop() == 0


def test_depth_that_stops_while_colour_goes_on_is_named_as_stopped_not_lost(probe, start_node):
    """Depth that came with colour and stopped is a stream that died, said so.

    realsenseai/realsense-ros#2897 (depth frames stop after 2-3 minutes, colour goes on)
    and #434 (only the colour stream after a restart); a depth node or bag that ends. Each
    was told "depth images are lost on the way or published slower" with the Fast DDS
    profile to export, although the transport had carried every depth image before: 0 of
    2 cases said the depth had stopped. Now /diagnostics says it stopped, how long ago,
    and whether its topic still has a publisher (the camera stopped sending) or none
    (its publisher has gone).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2), node.output()

    def stopped(publisher):
        return lambda lv, m, v: 'depth stopped' in m and publisher in m
    still = 'still has 1 publisher(s)'
    assert feed_until(camera, scene, lambda: status_fits(probe, stopped(still)),
                      timeout=20, depth=lambda m: None), diag(probe)
    level, message, _ = diag(probe)
    assert level == 1 and 'lost on the way' not in message, message
    assert 'answering without depth' in message and 'realsense-ros#2897' in message, message
    probe.node.destroy_publisher(camera.depth)
    gone = 'nothing publishes /depth any more'
    assert feed_until(camera, scene, lambda: status_fits(probe, stopped(gone)),
                      timeout=20, depth=lambda m: None), diag(probe)
    assert 'lost on the way' not in diag(probe)[1]
    assert node.output().count('depth stopped') == 1, node.output()
    assert node.stop() == 0


def test_depth_on_a_topic_nothing_publishes_is_named_so_not_lost(probe, start_node):
    """An RGB-only camera, or depth remapped to a topic of another name: nothing publishes it.

    /diagnostics and the log said "depth arrives at 0.0 Hz, colour at 3.3 Hz: depth images
    are lost on the way ... export FASTRTPS_DEFAULT_PROFILES_FILE=...", advice for a
    transport, with no depth publisher anywhere (helper-90): now it names the topic, the
    remap and use_depth:=false (a launch argument too); with use_depth false nothing about
    depth is said. 0/2 -> 2/2.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    probe.node.destroy_publisher(camera.depth)  # an RGB-only camera

    def unpublished(lv, m, v):
        return 'nothing publishes /depth' in m
    assert feed_until(camera, scene, lambda: status_fits(probe, unpublished), timeout=20,
                      depth=lambda m: None), diag(probe)
    level, message, _ = diag(probe)
    assert level == 1 and 'lost on the way' not in message, message
    assert ('answering without depth: no depth image received yet; no depth image has '
            'arrived and nothing publishes /depth') in message, message
    assert 'use_depth:=false' in message and '-r depth:=' in message, message
    assert node.output().count('nothing publishes /depth') == 1, node.output()
    assert probe.messages(DET), 'answered in 2D meanwhile'
    assert node.stop() == 0
    probe.clear()

    node = start_node('-p', 'command:=the red ball', '-p', 'diagnostics_period:=0.3',
                      '-p', 'use_depth:=false')
    assert wait_for_node(probe) and feed_until(
        camera, scene, lambda: len(probe.messages(DET)) >= 5 and status_fits(
            probe, lambda lv, m, v: True), depth=lambda m: None), node.output()
    time.sleep(3.0)  # the rates of 2.5 s of frames stand behind the depth notes
    feed_until(camera, scene, lambda: False, timeout=1.0, depth=lambda m: None)
    level, message, _ = diag(probe)
    assert level == 0 and 'depth' not in message, message
    assert 'depth' not in node.output().split('listening on', 1)[1], node.output()
    assert node.stop() == 0


def test_depth_nothing_publishes_is_named_over_a_colour_stream_throttled_to_1_hz(probe,
                                                                                 start_node):
    """The same RGB-only camera, its colour throttled to 1 Hz for CLIP (topic_tools throttle).

    The note was withheld under 2 Hz of colour (a rate threshold for comparing rates, which
    "nothing publishes" does not do): /diagnostics said only "no depth image received
    yet" (helper-96).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    probe.node.destroy_publisher(camera.depth)
    assert feed_until(camera, scene, lambda: status_fits(
        probe, lambda lv, m, v: 'nothing publishes /depth' in m), timeout=25, period=1.0,
        depth=lambda m: None), diag(probe)
    assert 'use_depth:=false' in diag(probe)[1], diag(probe)
    assert node.output().count('nothing publishes /depth') == 1, node.output()
    assert node.stop() == 0


def test_depth_lost_after_a_depth_publisher_appears_is_logged_too(probe, start_node):
    """Nothing publishes depth, then a publisher appears whose depth is mostly lost.

    The "nothing publishes" note was logged under the key of "lost on the way", so the
    loss that followed (another kind, with its own advice: the Fast DDS profile) reached
    /diagnostics but never the log (helper-96's review): each kind has its key now.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    probe.node.destroy_publisher(camera.depth)
    assert feed_until(camera, scene, lambda: 'nothing publishes /depth' in node.output(),
                      timeout=20, depth=lambda m: None), node.output()
    camera.depth = probe.node.create_publisher(Image, 'depth', 10)
    rng = np.random.default_rng(5)
    start = time.monotonic()
    for sent in range(120):  # 10 Hz of colour, one depth image in five
        publish(camera, scene, depth=None if rng.random() < 0.2 else (lambda m: None))
        time.sleep(max(0.0, start + (sent + 1) / 10 - time.monotonic()))
        if 'are lost on the way or published slower' in node.output():
            break
    log = node.output()
    assert log.count('are lost on the way or published slower') == 1, log
    assert log.count('nothing publishes /depth') == 1, log
    assert node.stop() == 0


def test_camera_info_on_a_topic_nothing_publishes_is_named_until_one_does(probe, start_node):
    """camera_info remapped to a topic of another name, or a driver that publishes none.

    Answers in 2D said only "no camera_info received yet", in /diagnostics and every
    answer's reason, and nothing was logged (helper-90): now that nothing publishes the
    topic and the remap, logged once; a publisher that appears clears it and 3D follows.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    probe.node.destroy_publisher(camera.info)
    says = 'no camera_info received yet: nothing publishes /camera_info: remap camera_info'
    assert feed_until(camera, scene, lambda: status_fits(probe, lambda lv, m, v: says in m),
                      timeout=20, info=lambda m: None), diag(probe)
    assert diag(probe)[0] == 1 and '-r camera_info:=' in diag(probe)[1], diag(probe)
    assert says in detections(probe)[-1]['reason'], detections(probe)[-1]
    assert node.output().count('nothing publishes /camera_info') == 1, node.output()
    camera.info = probe.node.create_publisher(CameraInfo, 'camera_info', 10)
    wait_subscribed(camera.info)
    assert feed_until(camera, scene, lambda: probe.messages(POSE)), diag(probe)
    assert 'nothing publishes' not in detections(probe)[-1]['reason']
    assert node.stop() == 0


def test_a_colour_stream_that_went_quiet_says_whether_anything_still_publishes_it(
        probe, start_node):
    """"input stale" says whether the colour topic's publisher is still there.

    realsenseai/realsense-ros#2685 and #3012: the driver's image topics stop after a
    while, the driver node still up; or the driver or bag is gone. /diagnostics said
    "input stale: no colour frame for N s" alike for both: 0 of 2 told apart. Now the
    graph's publishers of the topic are named, or that nothing publishes it any more.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3', '-p', 'input_timeout:=1.0')
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 1), node.output()
    level, message, _ = wait_diag(probe, lambda lv, m, v: 'input stale' in m)
    assert f'/image is still published by /{probe.node.get_name()}, which stopped' in message, \
        message
    probe.node.destroy_publisher(camera.image)
    level, message, _ = wait_diag(probe, lambda lv, m, v: 'nothing publishes' in m)
    assert level == 1 and 'input stale: no colour frame for ' in message, message
    assert 'nothing publishes /image any more (the camera driver, or the bag, has gone)' in \
        message, message
    assert node.stop() == 0


def test_an_output_qos_warning_names_the_consumers_left_not_those_that_left(probe, start_node):
    """The WARN on an output's QoS names the unserved consumers there are now.

    The text was written once, when DDS reported the mismatch, and kept until no such
    subscription was left: with two consumers asking transient_local (nav2 and an RViz
    display) or a deadline, the one that left was still named, and one that discovery
    had not named yet stayed ``a subscription``. Now the graph is read again on each
    /diagnostics tick: after one of two consumers leaves, both outputs name the other only.
    """
    from geometry_msgs.msg import PoseStamped
    from rclpy.duration import Duration
    from rclpy.qos import DurabilityPolicy
    from rclpy.qos import QoSProfile
    from visualization_msgs.msg import MarkerArray

    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    consumers = [rclpy.create_node(f'{who}_{os.getpid()}') for who in ('planner', 'rviz')]
    for consumer in consumers:
        consumer.create_subscription(PoseStamped, POSE, lambda m: None,
                                     QoSProfile(depth=1,
                                                durability=DurabilityPolicy.TRANSIENT_LOCAL))
        consumer.create_subscription(MarkerArray, '/clip_perception/markers', lambda m: None,
                                     QoSProfile(depth=1, deadline=Duration(seconds=0.2)))
    left, stays = (c.get_name() for c in consumers)
    try:
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 1), node.output()
        level, message, _ = wait_diag(probe, lambda lv, m, v: m.count(left) == 2 and
                                      m.count(stays) == 2, timeout=15)
        assert message.count(left) == 2 and message.count(stays) == 2, message
        consumers.pop(0).destroy_node()
        level, message, _ = wait_diag(probe, lambda lv, m, v: left not in m, timeout=15)
        assert left not in message, message
        assert message.count(stays) == 2 and level == 1, message
        assert f'{POSE} (DURABILITY' in message, message
        assert '/clip_perception/markers (DEADLINE' in message, message
    finally:
        for consumer in consumers:
            consumer.destroy_node()
    assert node.stop() == 0


def test_depth_read_as_the_other_depth_kind_stays_warned_while_it_lasts(probe, start_node):
    """The depth_kind WARN lasts in /diagnostics while the depth is read the other way.

    The table is checked on the first 3 frames with depth only (a plane fit each), and the
    WARN was posted on those: ``input_timeout`` later /diagnostics dropped it although
    every pose went on being read from bowed depth, and the count stopped at 3. Now the
    check's finding is kept and said on each frame with depth: ranges read as z name
    ``depth_kind:=ray``, z read as ranges ``depth_kind:=z``, each still in /diagnostics
    3 s (3 x input_timeout) after the checks. Depth that is right as read from then on
    (checked again every 10 s while a finding stands), or depth_kind set right, clears it.
    """
    node, camera, _ = bring_up(probe, start_node, '-p', 'command:=the red ball',
                               '-p', 'diagnostics_period:=0.3', '-p', 'input_timeout:=1.0')
    scene, _, _ = lens_scene()
    metres = float_depth(ray_lengths(scene))

    def set_kind(kind):
        assert call(probe, SetParameters, SET, SetParameters.Request(parameters=[
            Parameter('depth_kind', value=kind).to_parameter_msg()])).results[0].successful

    def lasting(depth, other):
        said = f'set depth_kind:={other}'
        assert feed_until(camera, scene, lambda: said in node.output(), depth=depth), \
            node.output()
        start = time.monotonic()
        return feed_until(camera, scene, lambda: time.monotonic() - start > 3.0 and
                          status_fits(probe, lambda lv, m, v: said in m), timeout=15,
                          depth=depth)

    assert lasting(metres, 'ray'), diag(probe)  # ranges read as z
    # z depth from then on (a bag replaced by the camera): checked again, the WARN goes.
    assert feed_until(camera, scene, lambda: status_fits(
        probe, lambda lv, m, v: 'depth_kind' not in m), timeout=30), diag(probe)
    set_kind('ray')
    assert lasting(None, 'z'), diag(probe)  # z read as ranges
    set_kind('z')
    assert feed_until(camera, scene, lambda: status_fits(
        probe, lambda lv, m, v: 'depth_kind' not in m), timeout=15), diag(probe)
    assert node.stop() == 0


@pytest.mark.parametrize('aspect, hfov, what', [(2.0, 70.0, 'the red ball'),
                                                (0.5, 60.0, 'the red ball')])
def test_non_square_pixels_of_another_renderer_are_posed(probe, start_node, aspect, hfov,
                                                         what):
    """camera_info with fy != fx (another renderer's camera): the object is found and posed.

    Crops were square in pixels, so the ball reached the encoder as an ellipse and the
    node answered not_found (test/other_renderer.py's frame, 640x480).
    """
    node, camera, _ = bring_up(probe, start_node, '-p', f'command:={what}')
    frame = tabletop(640, 480, hfov_deg=hfov, aspect=aspect)
    assert feed_until(camera, frame, lambda: probe.messages(POSE)), \
        (detections(probe)[-1:], node.output())
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - frame.centres[0]) < 0.01
    assert node.stop() == 0


def test_focal_lengths_of_one_field_of_view_over_both_sizes_are_warned(probe, start_node):
    """camera_info whose fy / fx is the image's height / width (webots_ros2#722).

    A simulator plugin that took the vertical focal length from the horizontal field of
    view over the height published pixels 0.75 as tall as wide at 640x480; the node read
    them so, with nothing said. Now one WARN names it and the focal length to publish,
    counted camera_info_one_fov: 0/1 -> 1/1 (the frames are still answered).
    helper-121: counted once per camera_info change, not per message: one calibration
    repeated with every frame counts 1 (before: one per frame, 6 or more), a second
    (another focal length) 2.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')

    def one_fov(scale):
        def edit(m):
            k, p = list(m.k), list(m.p)
            k[0] = p[0] = k[0] * scale
            k[4] = p[5] = k[0] * m.height / m.width
            m.k, m.p = k, p
            return m
        return edit
    assert feed_until(camera, scene, lambda: len(detections(probe)) >= 6, info=one_fov(1.0)), \
        node.output()
    assert_warned_once_and_counted(probe, node, "the 640x480 image's height / width",
                                   'camera_info_one_fov', 1)
    assert int(diag(probe)[2]['camera_info_one_fov']) == 1, diag(probe)
    assert feed_until(camera, scene, lambda: status_fits(probe, lambda lv, m, v: int(
        v['camera_info_one_fov']) >= 2), info=one_fov(1.1)), (diag(probe), node.output())
    for _ in range(4):
        publish(camera, scene, info=one_fov(1.1))
        time.sleep(0.25)
    time.sleep(0.7)
    assert int(diag(probe)[2]['camera_info_one_fov']) == 2, diag(probe)
    assert node.stop() == 0


def test_camera_info_notes_are_counted_per_calibration_with_their_reason(probe, start_node):
    """camera_info D not applied, K column-major, K a multiple of a camera matrix: counted.

    Session 37's open edge: ``camera_info_distortion``, ``_transposed`` and
    ``_scaled_matrix`` were logged once and never counted, so /diagnostics could not say
    how many calibrations had them. helper-126: each counted once per camera_info change,
    its line in the status: 0/3 counters -> 3/3; one calibration over 6+ frames counts 1,
    a second calibration 2.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'rectify:=never', '-p', 'diagnostics_period:=0.3')
    kinds = ('camera_info_distortion', 'camera_info_transposed', 'camera_info_scaled_matrix')

    def odd(scale):
        def edit(m):
            k = np.array(m.k, float).reshape(3, 3) * scale
            k[0, 0] *= 1.0 if scale == 2.0 else 1.01  # the second calibration: another fx
            m.k = list(k.T.ravel())  # column-major
            m.p = [0.0] * 12  # unset: K alone
            m.d = [0.01, 0.0, 0.0, 0.0, 0.0]
            m.distortion_model = 'plumb_bob'
            return m
        return edit
    assert feed_until(camera, scene, lambda: len(detections(probe)) >= 6, info=odd(2.0)), \
        node.output()
    for kind, text in zip(kinds, ('non-zero (or NaN) plumb_bob coefficients',
                                  'column-major', 'is a multiple of a camera matrix')):
        assert_warned_once_and_counted(probe, node, text, kind, 1)
    level, message, values = diag(probe)
    assert [int(values[kind]) for kind in kinds] == [1, 1, 1], values
    assert 'column-major' in message and 'plumb_bob' in message, message
    assert feed_until(camera, scene, lambda: status_fits(probe, lambda lv, m, v: all(
        int(v[kind]) >= 2 for kind in kinds)), info=odd(3.0)), (diag(probe), node.output())
    for _ in range(4):
        publish(camera, scene, info=odd(3.0))
        time.sleep(0.25)
    time.sleep(0.7)
    assert [int(diag(probe)[2][kind]) for kind in kinds] == [2, 2, 2], diag(probe)
    assert node.stop() == 0


def test_a_ball_with_time_of_flight_flying_pixels_is_posed_at_its_centre(probe, start_node):
    """A ToF camera's mixed pixels at the ball's edge: the pose still within 6 mm.

    Pixels straddling a depth jump read between the two surfaces (Azure Kinect, Femto,
    L515); the ball's region lost them, its width read narrow, and its centre came 7.3
    mm off, toward the camera (another renderer's frame, 640x480 with 16UC1 depth). The
    circle through its front outline (geometry.front_arc): 4.3 mm.
    """
    node, camera, _ = bring_up(probe, start_node, '-p', 'command:=the red ball')
    frame = flying_pixels(tabletop(640, 480))
    assert feed_until(camera, frame, lambda: probe.messages(POSE)), \
        (detections(probe)[-1:], node.output())
    err = np.linalg.norm(position(probe.messages(POSE)[-1]) - frame.centres[0])
    assert err < 0.006, err
    assert node.stop() == 0


def test_a_ball_seen_from_above_is_posed_at_its_centre(probe, start_node):
    """A camera 60 degrees above the table (within 35 of the normal): the ball within 5 mm.

    Seen that steeply the footprint of the ball's visible points (its far side hidden,
    its front at a grazing angle) was taken for its footprint, 8.3 mm toward the camera
    (another renderer's frame, 640x480, 16UC1 depth); the circle through its front
    outline (geometry.front_arc): 1.8 mm.
    """
    node, camera, _ = bring_up(probe, start_node, '-p', 'command:=the red ball')
    frame = tabletop(640, 480, elevation_deg=60.0)
    assert feed_until(camera, frame, lambda: probe.messages(POSE)), \
        (detections(probe)[-1:], node.output())
    err = np.linalg.norm(position(probe.messages(POSE)[-1]) - frame.centres[0])
    assert err < 0.005, err
    assert node.stop() == 0


@pytest.mark.parametrize('width, height', [(320, 240), (1920, 1080)])
def test_the_debug_image_is_drawn_to_the_frame_size(probe, start_node, width, height):
    """``~/debug_image`` of another renderer's 320x240 and 1920x1080 frames.

    Its sizes were a 640x480 frame's: at 320x240 the label ran off the right edge (the
    pose cut), at 1920x1080 the banner was 24 rows, 2.2% of the height. Now its right
    edge stays white beside the text, and the banner grows with the frame (72 rows).
    """
    node, camera, _ = bring_up(probe, start_node, '-p',
                               'command:=the red ball left of the blue cube')
    probe.listen(Image, DEBUG_IMAGE)
    wait_subscribed(camera.image)
    frame = tabletop(width, height)
    assert feed_until(camera, frame, lambda: probe.messages(DEBUG_IMAGE), period=0.5), \
        node.output()
    m = probe.messages(DEBUG_IMAGE)[-1]
    img = np.frombuffer(bytes(m.data), np.uint8).reshape(m.height, m.width, -1)
    banner = int(round(24 * max(1.0, width / 640.0) * 0.6))  # at least this many rows
    assert (img[:banner, -3:] == 255).all(), img[:banner, -3:, 0].min(axis=1)
    assert node.stop() == 0


def test_a_looped_bag_whose_clock_follows_slowly_is_answered_at_each_loop_start(
        probe, start_node):
    """``ros2 bag play --loop --clock 4``: frames of a new pass come before /clock steps back.

    A looped recording replays its first frames at once, while rosbag2 publishes /clock
    only at its --clock rate (4 Hz here: up to 0.25 s behind); ROS time still reads the
    end of the last pass, so those frames looked 1.5 s old (a 1.5 s recording) and were
    skipped with an ERROR asking whether the clocks are in sync (helper-69's left-alone;
    ros/ros_comm#1438 and ros/geometry#31: nodes that blocked or dropped at a loop's step
    back). Their age cannot be measured until /clock follows: they are answered, logged
    once. 4 passes of 1.5 s at 10 Hz (57 frames): skipped as stale 3 -> 0 (2 runs each).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'use_sim_time:=true')
    clock = probe.node.create_publisher(Clock, '/clock', 10)
    bag0, length, passes = 1_700_000_000 * 10**9, 1.5, 4
    t0 = time.monotonic()
    last_clock = -1.0

    def bag_now():
        return bag0 + int(((time.monotonic() - t0) % length) * 1e9)
    sent = 0
    while time.monotonic() < t0 + passes * length:
        if time.monotonic() - last_clock >= 0.25:
            b = bag_now()
            clock.publish(Clock(clock=Time(sec=b // 10**9, nanosec=b % 10**9)))
            last_clock = time.monotonic()
        publish(camera, scene, stamp_ns=bag_now())
        sent += 1
        time.sleep(0.1)
    time.sleep(1.5)  # a diagnostics period after the last frame
    stale = int(diag(probe)[2]['frames_stale'])
    assert stale == 0, (sent, node.output())
    assert 'older than max_frame_age' not in node.output(), node.output()
    assert 'before /clock did' in node.output(), node.output()
    assert node.stop() == 0


def test_red_and_blue_swapped_by_a_driver_are_read_right_with_swap_red_blue(
        probe, start_node):
    """BGR pixels labelled rgb8, RGB pixels labelled bgr8: read right with swap_red_blue.

    intel/ros2_intel_realsense#48 ("its encoding is 'rgb8', whereas its actual color format
    is 'bgr8'") and christianrauch/camera_ros#10: no single frame tells red and blue
    swapped (helper-73), so the red ball read as a blue one and "the red ball" was not
    it. With swap_red_blue:=true both labellings are posed within 1 cm (0/2 -> 2/2); left
    false (the default) the red ball of such frames was not posed in 40 s of frames.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'swap_red_blue:=true')

    def bgr_as_rgb8(m):
        px = np.frombuffer(bytes(m.data), np.uint8).reshape(m.height, m.width, 3)
        m.data = np.ascontiguousarray(px[..., ::-1]).tobytes()
        return m

    def rgb_as_bgr8(m):
        m.encoding = 'bgr8'
        return m
    probe.listen(Image, DEBUG_IMAGE)
    red = obj(scene, 'red', 'ball').mask
    for edit in (bgr_as_rgb8, rgb_as_bgr8):
        assert_red_ball_posed(probe, node, camera, scene, colour=edit)
        # ~/debug_image shows the frame as read: the ball red there too, not blue.
        assert feed_until(camera, scene, lambda: probe.messages(DEBUG_IMAGE), colour=edit)
        m = probe.messages(DEBUG_IMAGE)[-1]
        img = np.frombuffer(bytes(m.data), np.uint8).reshape(m.height, m.width, -1)[..., :3]
        r, b = (0, 2) if m.encoding.startswith('rgb') else (2, 0)
        ball = img[red].astype(int)
        assert np.median(ball[:, r] - ball[:, b]) > 40, (m.encoding, np.median(ball, 0))
    assert 'read with red and blue swapped' in node.output(), node.output()


def _grey_as(encoding, grey):
    """Edit for :func:`publish`: the frame as grey ``grey`` (H, W) uint8 under ``encoding``."""
    h, w = grey.shape

    def edit(m):
        if encoding == 'jpeg':
            return CompressedImage(header=m.header, format='jpeg', data=cv2.imencode(
                '.jpg', grey, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes())
        px = {'mono8': grey, 'mono16': grey.astype(np.uint16) << 8,
              'rgb8': np.repeat(grey[..., None], 3, axis=2)}[encoding]
        return Image(header=m.header, encoding=encoding, height=h, width=w,
                     step=px.itemsize * w * (3 if px.ndim == 3 else 1), data=px.tobytes())
    return edit


@pytest.mark.parametrize('encoding', ['mono8', 'mono16', 'rgb8', 'jpeg'])
def test_swap_red_blue_on_a_grey_stream_says_there_is_nothing_to_swap(probe, start_node,
                                                                       encoding):
    """``swap_red_blue:=true`` over a mono stream: said to change nothing, not "swapped".

    Session 33's open fault: over mono8 frames the node logged "colour frames are read
    with red and blue swapped", a fix said to work where it cannot (red equals blue).
    Now each grey stream, mono8, mono16, grey rgb8 and a grey JPEG (compressed transport),
    is answered, WARNs once that there is nothing to swap (in /diagnostics while it lasts,
    counted ``frames_swap_red_blue_no_colour``) and never logs the swap: 0/4 -> 4/4; a
    colour frame after it logs the swap (the fault's other half, the existing test).
    """
    args = ('-p', 'command:=the red ball', '-p', 'swap_red_blue:=true',
            '-p', 'diagnostics_period:=0.3')
    if encoding != 'jpeg':
        node, camera, scene = bring_up(probe, start_node, *args)
    else:  # the compressed transport, as image_transport republishes a grey camera
        node = start_node(*args, '-p', 'image_transport:=compressed')
        listen_all(probe)
        camera = Camera(probe, compressed=True)
        assert wait_for_node(probe), node.output()
        wait_subscribed(camera.image, camera.info, camera.depth)
        scene = cached_scene(4242, specs=SCENE_SPECS)
    grey = np.ascontiguousarray(scene.rgb.mean(axis=2).astype(np.uint8))
    edit = _grey_as(encoding, grey)
    assert feed_until(camera, scene, lambda: len(detections(probe)) >= 2, colour=edit)
    level, message, values = wait_diag(probe, lambda lv, m, v: 'nothing to swap' in m)
    assert level == 1 and int(values['frames_swap_red_blue_no_colour']) >= 1, values
    log = node.output()
    assert log.count('there is nothing to swap') == 1, log
    assert 'read with red and blue swapped' not in log, log
    assert node.stop() == 0


@pytest.mark.parametrize('encoding, near, far', [
    ('32FC1', 0.05, 100.0), ('32FC1', 0.01, 1000.0), ('16UC1', 0.05, 100.0)])
def test_a_renderers_z_buffer_as_depth_is_answered_from_colour_and_said(probe, start_node,
                                                                       encoding, near, far):
    """A simulator's OpenGL z-buffer (non-linear in [0, 1]) as depth: no pose from it.

    Session 32's open fault; bulletphysics/bullet3#1932 (PyBullet's depth image is "non-linear
    z-buffer" in [0, 1]). The scene's clean ray-cast depth as a z-buffer with near 0.05 m,
    far 100 m: before, read as metres and posed (12 of 12 frames answered ``found`` with
    the red ball 162 mm off, nothing said). Now refused as units (0 poses of 11 answers,
    ``no_depth``): answers go on from colour,
    their reasons and /diagnostics (``last_refusal_depth``) name the z-buffer and the
    conversion; no pose from it past the frames in flight. Session 34: the same with
    PyBullet's default near plane of 1 cm, and scaled to 16 bits in 16UC1 (d * 65535,
    before read as millimetres, 55-63 m), said the same way. helper-110: in 32FC1 the
    refusal names float_depth_near/far and float_depth_buffer:=z_buffer, and set live they
    pose the red ball within 1 cm (before: no parameter read it, 0/2 -> 2/2). helper-118:
    the same in 16UC1 (d * 65535), whose refusal named no parameter and which no
    depth_scale reads (0/1 -> 1/1).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    with np.errstate(divide='ignore', invalid='ignore'):
        z_buffer = (1 / near - 1 / scene.depth) / (1 / near - 1 / far)
    z_buffer = np.clip(np.nan_to_num(z_buffer, nan=1.0), 0, 1).astype(np.float32)
    if encoding == '16UC1':
        z_buffer = np.round(z_buffer * 65535).astype(np.uint16)

    def as_z_buffer(m):
        m.encoding, m.step, m.data = encoding, z_buffer.itemsize * m.width, z_buffer.tobytes()
        return m
    assert feed_until(camera, scene, lambda: any(
        'z-buffer' in d['reason'] for d in detections(probe)) and status_fits(
        probe, lambda lv, m, v: 'depth refused' in m), depth=as_z_buffer), node.output()
    values = diag(probe)[2]
    assert 'z-buffer' in values['last_refusal_depth'], values
    assert 'near * far / (far - d * (far - near))' in values['last_refusal_depth'], values
    poses = len(probe.messages(POSE))
    for _ in range(4):
        publish(camera, scene, depth=as_z_buffer)
        time.sleep(0.25)
    time.sleep(1.0)
    assert len(probe.messages(POSE)) <= poses + 1, node.output()  # one frame in flight
    assert 'z-buffer' in detections(probe)[-1]['reason'], detections(probe)[-1]
    # The parameters the refusal names read it (helper-110; 16UC1: helper-118).
    assert 'float_depth_buffer:=z_buffer' in values['last_refusal_depth'], values
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('float_depth_near', value=near).to_parameter_msg(),
        Parameter('float_depth_far', value=far).to_parameter_msg(),
        Parameter('float_depth_buffer', value='z_buffer').to_parameter_msg()]))
    assert all(r.successful for r in res.results), res
    assert_red_ball_posed(probe, node, camera, scene, depth=as_z_buffer)
    # helper-118's left-alone: a camera's millimetres (16UC1) left under the planes were
    # read as d * 65535 with nothing said; a z-buffer never is said so.
    assert 'float_depth_far:=0' not in node.output(), node.output()
    assert int(diag(probe)[2]['depth_camera_units_under_planes']) == 0, diag(probe)
    assert feed_until(camera, scene, lambda: status_fits(probe, lambda lv, m, v: int(
        v['depth_camera_units_under_planes']) >= 1 or 'float_depth_far:=0' in v.get(
            'last_refusal_depth', ''))), (diag(probe), node.output())
    values = diag(probe)[2]
    if int(values['depth_camera_units_under_planes']):  # said once, with a refusal's reason
        said = [line for line in node.output().splitlines()
                if 'set float_depth_far:=0 to read them at depth_scale' in line]
        refused = [line for line in said if 'Read so, ' in line]
        assert len(said) == 1 or refused == said, node.output()
    else:  # 1 cm near plane: under 2 cm, refused (its log line throttled by kind) saying so
        assert 'set float_depth_far:=0' in values['last_refusal_depth'], values
    assert node.stop() == 0


@pytest.mark.parametrize('far', [100.0, 10.0])
def test_a_refused_depth_frames_note_is_counted_and_said_once(probe, start_node, far):
    """A camera's 16UC1 millimetres under float_depth_far with a 1 cm z-buffer near plane.

    Read as d * 65535 between the planes, the scene lands within 2 cm and each frame is
    refused; the conversion's note (``depth_camera_units_under_planes``, naming
    ``float_depth_far:=0``) was dropped with the refused message: counted 0 times, said
    only in ``last_refusal_depth`` and the refusal's log line, throttled by kind. Now it
    is counted per frame and said once in the log (before 0/1 -> after 1/1 a case);
    float_depth_far:=0 set live then poses the red ball.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3',
                                   '-p', 'float_depth_near:=0.01', '-p', f'float_depth_far:={far}',
                                   '-p', 'float_depth_buffer:=z_buffer')
    assert feed_until(camera, scene, lambda: status_fits(probe, lambda lv, m, v: int(
        v['depth_camera_units_under_planes']) >= 3)), (diag(probe), node.output())
    values = diag(probe)[2]
    assert 'set float_depth_far:=0' in values['last_refusal_depth'], values
    assert int(values['rejected_depth_units']) >= 3, values
    assert not probe.messages(POSE), node.output()  # refused: nothing posed from it
    log = node.output()
    # helper-126: said once, in the refusal's line with its reason (before: twice, the note
    # on its own and again in the "skipped" line): 0/2 -> 2/2.
    said = [line for line in log.splitlines() if 'to read them at depth_scale' in line]
    assert said and all('skipped: depth: ' in line and 'Read so, ' in line for line in said), log
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('float_depth_far', value=0.0).to_parameter_msg()]))
    assert all(r.successful for r in res.results), res
    assert_red_ball_posed(probe, node, camera, scene)
    assert node.stop() == 0


@pytest.mark.parametrize('width, height', [(1280, 720), (640, 480)])
def test_without_depth_a_close_object_filling_the_view_gets_its_box(probe, start_node, width,
                                                                    height):
    """Another renderer's camera 0.25 m from a 12 cm cube, no depth topic: its 2D box.

    Image boxes were kept only up to 0.6 of the frame's width and height, so no box held
    a cube spanning 0.78 x 0.88 of the frame (all of a 16:9 frame's height): the node
    answered not_found on both frames (test/other_renderer.py).
    """
    node, camera, _ = bring_up(probe, start_node, '-p', 'command:=the blue cube')
    frame = tabletop(width, height, distance=0.25,
                     things=(Thing('cube', 'blue', (0.0, 0.0), 0.12, yaw=0.3),))
    assert feed_until(camera, frame, lambda: any(d['chosen'] for d in detections(probe)),
                      depth=lambda m: None), (detections(probe)[-1:], node.output())
    d = next(d for d in detections(probe) if d['chosen'])
    assert d['status'] == 'no_depth', d
    box = np.array([d['chosen']['box']], float)
    assert box_iou(box, frame.boxes[:1])[0, 0] >= 0.5, (box, frame.boxes[0])
    assert node.stop() == 0


def test_depth_rounded_to_whole_metres_is_answered_from_colour_and_said(probe, start_node):
    """Depth in whole metres (zed-ros-wrapper#25) is refused; answers go on, said why.

    68790b8 refused it in messages.check_depth_units (unit tests only); through the node
    the answers go on without depth, their reasons and /diagnostics ("depth refused",
    last_refusal_depth) name the whole numbers. A simulator's far clip at exactly 10.0 m
    all round the red ball (its depth on 0.8% of the view) was refused so too, every
    frame; now read (016d18b): no refusal counted past the frames in flight.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')

    def metres(m, edit):
        mm = np.frombuffer(bytes(m.data), np.uint16).astype(np.float32) / 1000.0
        m.encoding, m.step, m.data = '32FC1', 4 * m.width, edit(mm).astype(np.float32).tobytes()
        return m
    def rounded(mm):  # the scene 0.7 m farther (1.3-2.0 m: 1 or 2), holes of 0 kept
        return np.where(mm > 0, np.round(mm + 0.7), 0.0)
    assert feed_until(camera, scene, lambda: any(
        'whole numbers' in d['reason'] for d in detections(probe)) and status_fits(
        probe, lambda lv, m, v: 'depth refused' in m),
        depth=lambda m: metres(m, rounded)), node.output()
    assert 'whole numbers' in diag(probe)[2]['last_refusal_depth'], diag(probe)
    assert not probe.messages(POSE) or all(  # frames in flight may still have had depth
        np.linalg.norm(position(p)) < 5.0 for p in probe.messages(POSE))

    ball = cv2.erode(obj(scene, 'red', 'ball').mask.astype(np.uint8), np.ones((5, 5)))

    def far_clip(mm):  # a simulator's far plane (10.0 m) all round the ball (0.8%)
        return np.where(ball.ravel() > 0, mm, 10.0)
    refused = int(diag(probe)[2].get('rejected_depth_units', 0))
    probe.clear()
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 3 and
                      status_fits(probe, lambda lv, m, v: 'depth refused' not in m),
                      depth=lambda m: metres(m, far_clip)), node.output()
    for _ in range(3):  # a few more frames of it, each read
        publish(camera, scene, depth=lambda m: metres(m, far_clip))
        time.sleep(0.25)
    values = wait_diag(probe, lambda lv, m, v: float(v['seconds_since_input']) > 0.5)[2]
    assert int(values.get('rejected_depth_units', 0)) <= refused + 2, values  # in flight
    assert 'whole numbers' not in detections(probe)[-1]['reason'], detections(probe)[-1]
    assert node.stop() == 0


def _mirrored(m):
    """Edit for :func:`publish`: an Image or a CameraInfo mirrored left-right.

    An Image's columns reversed; a CameraInfo saying so (a negative fx: K and P for the
    mirrored image).
    """
    if isinstance(m, CameraInfo):
        k, p = list(m.k), list(m.p)
        k[0], k[2] = -k[0], m.width - 1 - k[2]
        p[0], p[2], p[3] = -p[0], m.width - 1 - p[2], -p[3]
        m.k, m.p = k, p
        return m
    size = m.step // m.width
    px = np.frombuffer(bytes(m.data), np.uint8).reshape(m.height, m.width, size)
    m.data = np.ascontiguousarray(px[:, ::-1]).tobytes()
    return m


def test_depth_mirrored_against_colour_is_named_and_depth_mirrored_reads_it(probe, start_node):
    """A renderer's depth mirrored left-right against its colour image.

    fsstudio-team/ZeroSimROSUnity#6 ("the depth image is mirrored" in RViz). Nothing in the
    messages says so: before, the red ball took its depth from the other side of the image
    and was posed off with nothing said. Now one WARN names depth_mirrored:=true, each
    frame while it stands is counted ``frames_depth_mirrored_suspect``, and set live the
    red ball is posed within 1 cm and the WARN leaves /diagnostics: 0/1 -> 1/1.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    assert feed_until(camera, scene, lambda: status_fits(
        probe, lambda lv, m, v: 'depth_mirrored:=true' in m), depth=_mirrored), node.output()
    values = wait_diag(probe, lambda lv, m, v: int(v.get('frames_depth_mirrored_suspect', 0)))[2]
    assert int(values['frames_depth_mirrored_suspect']) >= 1, values
    assert node.output().count('depth_mirrored:=true') == 1, node.output()
    assert 'ZeroSimROSUnity#6' in node.output()
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('depth_mirrored', value=True).to_parameter_msg()]))
    assert res.results[0].successful, res
    assert_red_ball_posed(probe, node, camera, scene, depth=_mirrored)
    assert wait_diag(probe, lambda lv, m, v: 'depth_mirrored' not in m), diag(probe)
    assert node.stop() == 0


def test_a_camera_info_with_a_negative_fx_is_read_for_its_mirrored_image(probe, start_node):
    """Colour and depth mirrored left-right beside a camera_info whose fx is negative.

    helper-110's open edge: the camera_info was refused ("non-positive focal lengths") and
    every frame answered in 2D only. Now it is read for the image mirrored back, one WARN
    names the negative fx, counted ``camera_info_columns_right_to_left``; the frames are
    mirrored back (``frames_columns_turned``) and the red ball is posed within 1 cm of where
    it is (the rays are the same): 0/1 -> 1/1.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    mirrored = {'colour': _mirrored, 'depth': _mirrored, 'info': _mirrored}
    assert_red_ball_posed(probe, node, camera, scene, **mirrored)
    assert_warned_once_and_counted(probe, node, 'has a negative fx',
                                   'camera_info_columns_right_to_left', 1)
    values = wait_diag(probe, lambda lv, m, v: int(v.get('frames_columns_turned', 0)) >= 2)[2]
    assert int(values['frames_columns_turned']) >= 2, values
    assert node.stop() == 0


def _turned_half(m):
    """Edit for :func:`publish`: an Image or CameraInfo turned 180 degrees (no flip applied)."""
    if isinstance(m, CameraInfo):
        k, p = list(m.k), list(m.p)
        k[2], k[5] = m.width - 1 - k[2], m.height - 1 - k[5]
        p[2], p[6] = m.width - 1 - p[2], m.height - 1 - p[6]
        m.k, m.p = k, p
        return m
    size = m.step // m.width
    px = np.frombuffer(bytes(m.data), np.uint8).reshape(m.height, m.width, size)
    m.data = np.ascontiguousarray(px[::-1, ::-1]).tobytes()
    return m


@pytest.mark.parametrize('image_up', ['up', 'down'])
def test_a_camera_mounted_upside_down_is_named_and_image_up_down_finds(probe, start_node,
                                                                      image_up):
    """Colour, depth and camera_info of a camera turned 180 degrees, its image not flipped.

    Session 33's open fault. With the default image_up the node answered: the support
    faces down the image, so no table under image_up up, and crops reach CLIP upside down
    (9 of 12 toy scenes not found), with nothing said why. Now one WARN names
    ``image_up:=down`` and what it does not do (frames are not turned; the pose is in
    the frame_id as the pixels are, its tf must hold the mounting; ~/debug_image as the
    frame arrived), counted ``frames_image_up_suspect``, in /diagnostics while it stands;
    0/1 -> 1/1. With ``image_up:=down`` the red ball is posed (x, y of the upright pose
    negated, the frame's 180-degree turn) and nothing is warned.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', f'image_up:={image_up}',
                                   '-p', 'diagnostics_period:=0.3')
    turned = {'colour': _turned_half, 'depth': _turned_half, 'info': _turned_half}
    if image_up == 'up':
        assert feed_until(camera, scene, lambda: status_fits(
            probe, lambda lv, m, v: 'image_up:=down' in m), **turned), node.output()
        # The WARN reaches /diagnostics as it is logged, the frame's count just after: wait
        # for both (a snapshot between them read 0 under load, session 49).
        level, message, values = wait_diag(probe, lambda lv, m, v: 'image_up:=down' in m and int(
            v['frames_image_up_suspect']) >= 1)
        assert level == 1 and int(values['frames_image_up_suspect']) >= 1, values
        assert 'frames are not turned here' in message and 'tf must hold' in message
        assert node.output().count('image_up:=down') == 1, node.output()
        # Counted a frame while the finding stands, not a check: 3 checks in 10 s, before.
        for _ in range(8):
            publish(camera, scene, **turned)
            time.sleep(0.25)
        counted = wait_diag(probe, lambda lv, m, v: int(v['frames_processed']) >= 8 and int(
            v['frames_image_up_suspect']) >= int(v['frames_processed']) - 1)[2]
        assert int(counted['frames_image_up_suspect']) >= int(counted['frames_processed']) - 1, \
            {k: counted[k] for k in ('frames_processed', 'frames_image_up_suspect')}
    else:
        assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, **turned), \
            node.output()
        upright = obj(scene, 'red', 'ball').centre * [-1, -1, 1]  # turned about the axis
        assert np.linalg.norm(position(probe.messages(POSE)[-1]) - upright) < 0.01
        assert 'image_up:=' not in node.output(), node.output()
    assert node.stop() == 0


@pytest.mark.parametrize('transport', ['raw', 'compressedDepth'])
def test_depth_normalised_between_clip_planes_is_answered_and_its_far_plane_named(
        probe, start_node, transport):
    """CoppeliaSim-style depth, linear in [0, 1] between near 1 cm and far 1 m: said once.

    stepjam/PyRep#25 ("[0, 1] -> [Near Plane, Far Plane]"), stepjam/RLBench#125. Metres
    scaled are not refused (a simulator clipping at 1 m is metres): frames are answered,
    and one WARN names the far plane at exactly 1.0 and the conversion, counted
    ``depth_far_plane``: 0/1 -> 1/1. helper-118: sent as image_transport's compressedDepth
    (whose publisher quantises the floats it is given, so they stay in [0, 1]), it was
    read as metres whatever float_depth_near/far said and its far plane was not warned:
    0/1 -> 1/1.
    """
    if transport == 'raw':
        node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                       '-p', 'diagnostics_period:=0.3')
    else:
        node, camera, scene = _compressed_depth_node(probe, start_node)
    d = np.clip((np.nan_to_num(scene.depth, nan=9.0) - 0.01) / (1.0 - 0.01), 0, 1)
    d = d.astype(np.float32)
    assert 0.05 < float(np.mean(d == 1.0)) < 0.95
    fmt, data = compressed_depth.encode(d, 'png', '32FC1')

    def normalised(m):
        if transport == 'compressedDepth':
            return CompressedImage(header=m.header, format=fmt, data=data)
        m.encoding, m.step, m.data = '32FC1', 4 * m.width, d.tobytes()
        return m
    assert feed_until(camera, scene, lambda: len(detections(probe)) >= 2 and status_fits(
        probe, lambda lv, m, v: int(v.get('depth_far_plane', 0)) >= 1), depth=normalised), \
        node.output()
    assert_warned_once_and_counted(probe, node, 'depth ends in a plane of readings exactly 1.0',
                                   'depth_far_plane', 1)
    assert 'set float_depth_far (and float_depth_near) to the clip planes' in node.output()
    # The parameters it names read it: posed where the ball is (helper-110; before, no
    # parameter scaled floating depth and the ball was posed at ~1/1 of its distance
    # less the near plane, a reading in [0, 1] taken for metres).
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('float_depth_near', value=0.01).to_parameter_msg(),
        Parameter('float_depth_far', value=1.0).to_parameter_msg()]))
    assert all(r.successful for r in res.results), res
    assert_red_ball_posed(probe, node, camera, scene, depth=normalised)
    assert node.stop() == 0


@pytest.mark.parametrize('far', [4.0, 20.0])
def test_float_depth_over_its_far_plane_is_posed_with_float_depth_far(probe, start_node, far):
    """32FC1 holding z / far (a simulator script's normalised depth, NaN where nothing is hit).

    Nothing in such a frame tells it from metres (the scene scaled about the camera, no
    far plane in view), so the node can only be told: before, no parameter scaled
    floating depth (depth_scale is integer depth's) and the red ball was posed at 1/far
    of its distance. With float_depth_far set to the far plane it is posed within 1 cm.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', f'float_depth_far:={far}')
    d = (scene.depth / far).astype(np.float32)

    def z_over_far(m):
        m.encoding, m.step, m.data = '32FC1', 4 * m.width, d.tobytes()
        return m
    assert_red_ball_posed(probe, node, camera, scene, depth=z_over_far)
    assert node.stop() == 0


def test_signed_16_bit_depth_is_posed_and_named(probe, start_node):
    """16SC1 depth in millimetres: posed, WARN once, counted.

    innate-inc/innate-os#536 (a robot and its simulator published it); DepthSense's signed
    depth with negative error codes (Myzhar/ros_depthsense_camera#9). Before, every depth
    frame was refused ("unsupported depth encoding"): answered without depth. Now the red
    ball is posed within 1 cm with -32768 codes over 5% of the view, one WARN, counted
    ``depth_signed``: 0/1 -> 1/1.
    """
    def signed(depth_m):
        mm = np.round(np.nan_to_num(depth_m) * 1000).astype(np.int16)
        mm[np.random.default_rng(2).random(mm.shape) < 0.05] = -32768
        return '16SC1', 2, mm
    assert_depth_recoded_posed_and_named(probe, start_node, signed,
                                         'depth encoding "16SC1" is signed 16-bit',
                                         'depth_signed')


def assert_depth_recoded_posed_and_named(probe, start_node, recode, text, key):
    """Feed the scene's depth as ``recode(depth_m) -> (encoding, bytes a pixel, array)``.

    The red ball is posed within 1 cm, ``text`` is warned once and ``key`` counted.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    encoding, size, arr = recode(scene.depth)

    def recoded(m):
        m.encoding, m.step, m.data = encoding, size * m.width, arr.tobytes()
        return m
    assert_red_ball_posed(probe, node, camera, scene, depth=recoded)
    assert_warned_once_and_counted(probe, node, text, key, 1)
    assert node.stop() == 0


def test_16_bit_z_over_far_is_posed_with_the_depth_scale_its_refusal_names(probe, start_node):
    """16UC1 holding z / far * 65535 (far 10 m) posed with depth_scale = far / 65535.

    No frame tells z / far from millimetres beyond a 3 m far plane (the scene scaled about
    the camera; docs/reliability.md): read as millimetres the red ball is posed 6.55 times
    as far, metres off. With depth_scale set live to far / 65535 (the parameter the near
    case's refusal names), it is posed within 1 cm.
    """
    far = 10.0
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    z = np.nan_to_num(scene.depth, nan=far)
    raw = np.round(np.clip(z / far, 0, 1) * 65535).astype(np.uint16)
    red = obj(scene, 'red', 'ball')

    def z_over_far(m):
        m.encoding, m.step, m.data = '16UC1', 2 * m.width, raw.tobytes()
        return m
    assert feed_until(camera, scene, lambda: probe.messages(POSE), depth=z_over_far), \
        node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) > 1.0
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('depth_scale', value=far / 65535).to_parameter_msg()]))
    assert res.results[0].successful, res
    probe.clear()
    assert_red_ball_posed(probe, node, camera, scene, depth=z_over_far)
    assert node.stop() == 0


def test_float64_depth_under_32fc1_is_posed_and_named(probe, start_node):
    """float64 metres published as 32FC1 at the array's step (8 x width): posed, named.

    Before: read as padded rows of float32, silently wrong (each float64 split in two, the
    depth squeezed into the left half), the red ball posed far off or not at all. Now
    posed within 1 cm, one WARN, counted ``depth_item_size``.
    """
    assert_depth_recoded_posed_and_named(
        probe, start_node, lambda depth_m: ('32FC1', 8, depth_m.astype(np.float64)),
        '64-bit floats (float64): read as such', 'depth_item_size')


def test_frames_in_driver_frame_buffer_and_float_layouts_are_posed_and_refusals_said(
        probe, start_node):
    """Layouts real drivers, frame buffers and cv2_to_imgmsg send, over DDS (helper-h125).

    xrgb8 (a frame buffer's X, R, G, B bytes), rgb565 (V4L2 RGB565, red on top), nv16
    (Rockchip's and Jetson's ISPs), bayer_rggb12 (12 bits in 16-bit words, uEye's name),
    rgb24 (FFmpeg's name of rgb8) and 32FC3 (BGR floats in [0, 1] and levels 0-255, as
    cv_bridge names a float array). Before: every frame refused as an unsupported
    encoding, 0 answers. Now each poses the red ball within 1 cm; float levels are warned
    once and counted; 8UC2, which names no one layout, is refused saying why, and the node
    goes on to pose the next good frame.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    rgb = scene.rgb
    h, w = rgb.shape[:2]
    xrgb = np.dstack([np.zeros((h, w), np.uint8), rgb]).tobytes()
    r, g, b = (rgb[..., i].astype(np.uint16) for i in range(3))
    rgb565 = ((r >> 3) << 11 | (g >> 2) << 5 | b >> 3).astype('<u2').tobytes()
    yuy2 = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2YUV_YUY2).reshape(h, 2 * w)
    nv16 = np.concatenate([yuy2[:, 0::2], yuy2[:, 1::2]]).tobytes()  # Y plane, then U, V
    mosaic = np.frombuffer(bayer_rggb(rgb), np.uint8).reshape(h, w).astype('<u2') << 4
    bgr = rgb[..., ::-1].astype(np.float32)
    lamp = bgr / 255  # an HDR render in [0, 1] with a lamp at 4x white in a corner, 3% of
    lamp[:h // 6, :w // 6] = 4.0  # it: read x1 (black) before helper-h129, x255 now
    assert_each_posed(probe, node, camera, scene, (
        ('xrgb8', 4 * w, xrgb), ('rgb565', 2 * w, rgb565), ('nv16', w, nv16),
        ('bayer_rggb12', 2 * w, mosaic.tobytes()), ('rgb24', 3 * w, rgb.tobytes()),
        ('32FC3', 12 * w, (bgr / 255).tobytes()), ('32FC3', 12 * w, bgr.tobytes()),
        ('32FC3', 12 * w, lamp.tobytes())))
    assert_warned_once_and_counted(probe, node, 'read as 8-bit levels 0-255 kept in floats',
                                   'colour_float_range', 1)

    def as_8uc2(m):
        m.encoding, m.step, m.data = '8UC2', 2 * w, yuy2.tobytes()
        return m
    refusal = refused_colour(probe, camera, scene, as_8uc2, 'an OpenCV type')
    assert 'whose colours differ, so it is not guessed' in refusal, refusal
    assert_red_ball_posed(probe, node, camera, scene)  # still up, and answering
    assert node.stop() == 0


def test_32fc1_depth_in_centimetres_is_refused_or_named_over_dds(probe, start_node):
    """Centimetres in 32FC1: refused beyond 65 m at the median, named under it.

    helper-h152's open edge (helper-h155's brief): the scene's depth (0.56-1.33 m, 0.79
    at the median) written as centimetres read 56-133 "m", the readings beyond 65 m
    dropped as no-reading codes and the rest posed there; at half the distance (28-67
    "m") nearly every reading was kept, 50 times too far, with no word either way. Now
    the first is refused (``rejected_depth_units``, ``last_refusal_depth`` naming
    centimetres, nothing posed from it) and the second is answered with one WARN naming
    centimetres, counted ``depth_far_median``: 0/1 -> 1/1 each.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')

    def scaled(scale):
        def convert(m):
            cm = (np.nan_to_num(scene.depth, nan=0.0) * scale).astype(np.float32)
            m.encoding, m.step, m.data = '32FC1', 4 * m.width, cm.tobytes()
            return m
        return convert
    assert feed_until(camera, scene, lambda: status_fits(probe, lambda lv, m, v: int(
        v.get('rejected_depth_units', 0)) >= 2), depth=scaled(100.0)), \
        (diag(probe), node.output())
    assert 'centimetres' in diag(probe)[2]['last_refusal_depth']
    assert not probe.messages(POSE), node.output()  # refused: nothing posed from it
    assert feed_until(camera, scene, lambda: status_fits(probe, lambda lv, m, v: int(
        v.get('depth_far_median', 0)) >= 1), depth=scaled(50.0)), (diag(probe), node.output())
    assert_warned_once_and_counted(probe, node, "beyond any RGB-D camera's 20 m: centimetres",
                                   'depth_far_median', 1)
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def _negative_stamp(sec):
    """Return a :func:`publish` edit stamping a message ``sec`` s (< 0) plus the run time.

    As realsense-ros#1547 echoes a D455's colour (``sec: -1080631866``, the nanoseconds
    advancing frame by frame): the stamps move on, so no frame repeats the one before.
    """
    start = time.monotonic()

    def edit(m):
        t = time.monotonic() - start
        m.header.stamp = Time(sec=sec + int(t), nanosec=int(t % 1 * 1e9))
        return m
    return edit


@pytest.mark.parametrize('sec', [-1080631866, -2**31, -3600])
def test_negative_stamps_are_answered_as_unstamped_and_named(probe, start_node, sec):
    """A negative header.stamp on each stream is answered as unstamped and named.

    realsense-ros#1547 (a D455's colour), PRBonn/kinematic-icp#11 (a 64-bit time cast to
    ``sec``: -2^31), an offset subtracted past zero (-3600). Before: every colour frame
    skipped as stale ("stamped 1796630482 s ago is older than max_frame_age"), 0 answers
    and nothing naming the sign; depth stamped so beside stamped colour never paired ("no
    depth image within 0.05 s of the frame").
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')
    edit = _negative_stamp(sec)
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, timeout=30,
                      colour=edit, depth=edit, info=edit), node.output()
    pose = probe.messages(POSE)[-1]
    assert np.linalg.norm(position(pose) - red.centre) < 0.01
    # No negative stamp reaches a consumer: rclcpp throws on one (sick_scan_xd#479).
    assert pose.header.stamp == Time() and detections(probe)[-1]['status'] == 'found'
    level, message, values = wait_diag(probe, lambda lv, m, v: 'negative header.stamp' in m and
                                       min(int(v.get(k, 0)) for k in (
                                           'frames_negative_stamp', 'depth_negative_stamp')) >= 2)
    assert level == 1 and 'colour frames carry a negative header.stamp' in message, message
    assert int(values['frames_negative_stamp']) >= 2, values
    assert int(values['depth_negative_stamp']) >= 2, values
    assert int(values['frames_stale']) == 0, values

    # Stamped colour beside depth stamped negative: the depth pairs by arrival, posed.
    probe.clear()
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 2, timeout=30,
                      depth=edit), node.output()
    assert np.linalg.norm(position(probe.messages(POSE)[-1]) - red.centre) < 0.01
    assert detections(probe)[-1]['status'] == 'found', detections(probe)[-1]
    assert probe.messages(POSE)[-1].header.stamp != Time()  # the colour's own stamp
    log = node.output()
    assert log.count('colour frames carry a negative header.stamp') == 1, log
    assert log.count('depth images carry a negative header.stamp') == 1, log
    assert 'zero header.stamp' not in log and 'older than max_frame_age' not in log, log
    assert node.stop() == 0


def test_cv_bridges_passthrough_as_the_encoding_is_posed_or_refused_saying_why(probe,
                                                                              start_node):
    """``encoding = "passthrough"`` from a hand-written cv2_to_imgmsg, through the node.

    Before: depth so labelled refused on every frame ('unsupported depth encoding
    "passthrough"'), each answer without depth; colour refused with the list of every
    encoding. Now depth (16-bit millimetres, 32-bit metres) is read by its pixel size and
    posed within 1 cm, said once; rgb8 pixels so labelled are refused naming rgb8 or bgr8.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    passthrough, passthrough_float = _labelled('passthrough', scene)
    for depth in (passthrough, passthrough_float):
        assert_red_ball_posed(probe, node, camera, scene, depth=depth)
        assert detections(probe)[-1]['status'] == 'found', detections(probe)[-1]
    log = node.output()
    assert log.count('depth encoding "passthrough" is cv_bridge\'s argument') == 1, log
    values = wait_diag(probe, lambda lv, m, v: int(v.get('depth_encoding_unset', 0)) >= 4)[2]
    assert int(values['depth_encoding_unset']) >= 4 and 'rejected_depth_encoding' not in \
        values, values
    refusal = refused_colour(probe, camera, scene, passthrough, 'passthrough')
    assert 'could be rgb8 or bgr8' in refusal and 'supported:' not in refusal, refusal
    assert node.stop() == 0


def _every_other_negative(sec):
    """Return a :func:`publish` edit stamping every other message ``sec`` s (< 0), and a count.

    The reviewer's mixed stream: between frames stamped by the clock, one stamped as
    realsense-ros#1547's D455 (``sec: -1080631866``, nanoseconds advancing). The list
    holds how many were stamped so.
    """
    sent, start = [0], time.monotonic()

    def edit(m):
        sent.append(sent.pop() + 1)
        if sent[0] % 2 == 0:
            t = time.monotonic() - start
            m.header.stamp = Time(sec=sec + int(t), nanosec=int(t % 1 * 1e9))
        return m
    edit.negative = lambda: sent[0] // 2
    return edit


def _assert_one_track_and_real_stamps(probe, red):
    """Every pose at a real (nonzero, rising) stamp near the red ball; one track id."""
    poses = probe.messages(POSE)
    stamps = [p.header.stamp.sec + p.header.stamp.nanosec * 1e-9 for p in poses]
    assert all(s > 1e9 for s in stamps), stamps  # no stamp 0 among the real ones
    assert all(b > a for a, b in zip(stamps, stamps[1:])), stamps
    assert all(np.linalg.norm(position(p) - red.centre) < 0.01 for p in poses)
    found = [d for d in detections(probe) if d['status'] == 'found']
    assert len({d['track']['id'] for d in found}) == 1, [d['track'] for d in found]


def test_negative_stamps_among_valid_ones_are_a_time_jump_not_unstamped(probe, start_node):
    """A stream mixing negative and valid stamps: the negative ones skipped as a jump.

    A reviewer's finding at 63d2648, which read every negative stamp as none: with every
    other colour frame at sec -1080631866 and depth stamped by the clock, 24 of 48 poses
    went out stamped 0 among real stamps, the track id changed on nearly every answer
    (1, 2, 2, 3, 3, ... 25), frames_stamp_backwards 0 and only the unstamped warning.
    Now those frames are skipped as 6089426 skipped them: frames_stamp_backwards counts
    each, one warning names the jump, and every pose carries a real stamp under one track.
    Same for depth: a negative depth among valid ones is dropped, the frame pairs with
    its own depth. A stream negative throughout stays unstamped
    (test_negative_stamps_are_answered_as_unstamped_and_named).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    red = obj(scene, 'red', 'ball')
    edit = _every_other_negative(-1080631866)
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 8, timeout=60,
                      colour=edit), node.output()
    _assert_one_track_and_real_stamps(probe, red)
    sent = edit.negative()
    level, message, values = wait_diag(probe, lambda lv, m, v: int(
        v.get('frames_stamp_backwards', 0)) >= sent)
    assert int(values['frames_stamp_backwards']) == sent >= 4, (sent, values)
    assert int(values['frames_negative_stamp']) == 0, values  # not read as unstamped
    assert int(values['frames_zero_stamp']) == 0 and int(values['frames_stale']) == 0, values
    log = node.output()
    assert log.count('a colour frame is stamped sec -10806318') == 1, log
    assert 'a jump of its time' in log and 'not an unstamped stream' in log, log
    assert 'colour frames carry a negative header.stamp' not in log, log

    # Depth: every other depth image stamped negative, colour stamped by the clock.
    probe.clear()
    edit = _every_other_negative(-1080631866)
    assert feed_until(camera, scene, lambda: len(probe.messages(POSE)) >= 8, timeout=60,
                      depth=edit), node.output()
    _assert_one_track_and_real_stamps(probe, red)
    sent = edit.negative()
    values = wait_diag(probe, lambda lv, m, v: int(v.get('depth_negative_stamp', 0)) >= sent)[2]
    assert int(values['depth_negative_stamp']) == sent >= 4, (sent, values)
    log = node.output()
    assert log.count('a depth image is stamped sec -10806318') == 1, log
    assert 'depth images carry a negative header.stamp' not in log, log
    assert 'Traceback' not in log
    assert node.stop() == 0
