"""The ``clip_perception`` node: camera + command in, best target pose out.

The only module that imports rclpy and message types. Callbacks convert messages to
arrays (:mod:`clip_perception.messages`), pair them (:mod:`clip_perception.sync`) and
hand the newest frame to a worker thread, which runs the pure core
(:mod:`clip_perception.pipeline`) and publishes.

Subscribed (relative names, remap them):
  ``image`` (sensor_msgs/Image; every colour encoding cv_bridge converts: 8/16-bit
  RGB/BGR(A)/mono, yuv422 (uyvy), yuv422_yuy2 (yuyv), yvyu, nv12, nv21, i420, yv12, nv24,
  Bayer; a name in other capitals, or a ``step`` of 0, read and warned once) or
  ``image/compressed`` (sensor_msgs/CompressedImage, jpeg/png/tiff, the data's signature
  deciding; ``format`` read as compressed_image_transport writes it, or as a MIME type:
  RGB or BGR order, Bayer, mono) per ``image_transport``;
  ``camera_info`` (sensor_msgs/CameraInfo; P's left 3x3, or K when P is unset; binning and ROI
  applied); ``depth`` (sensor_msgs/Image 16UC1 in ``depth_scale`` metres a unit,
  millimetres by default, or 32FC1 m, aligned to the colour image) or
  ``depth/compressedDepth`` (image_transport compressedDepth, PNG or RVL) or
  ``depth/compressed`` (image_transport compressed, a 16-bit PNG or TIFF) per
  ``depth_transport``, when ``use_depth``; ``command`` (std_msgs/String, reliable;
  empty or a cancel word, :data:`clip_perception.language.CANCEL_WORDS`, clears it).
Published:
  ``~/target_pose`` (geometry_msgs/PoseStamped, the image's stamp and optical frame,
  metres; orientation: z along the support surface's normal, x along the object's
  longest horizontal axis, identity without a surface) when a target is found with depth;
  ``~/target_poses`` (geometry_msgs/PoseArray, same frame) every object answered with
  depth: each match of a plural command ("all the red balls"), each object of "A and B";
  ``~/detection_json`` (std_msgs/String, JSON, every processed frame);
  ``~/detection`` (vision_msgs/Detection2DArray, only where vision_msgs imports);
  ``~/debug_image`` (sensor_msgs/Image rgb8, only computed while subscribed);
  ``~/camera_info`` (sensor_msgs/CameraInfo, the debug image's pinhole model: its stamp,
  frame and size, D zero; while subscribed);
  ``~/markers`` (visualization_msgs/MarkerArray); ``~/active_command`` (std_msgs/String,
  transient local); ``/diagnostics`` (diagnostic_msgs/DiagnosticArray).
Service:
  ``~/reset`` (std_srvs/Trigger): drop the tracked target; the next frame acquires afresh.
Parameters: see :data:`clip_perception.config.PARAMETERS` and the README.
"""

import argparse
import collections
import dataclasses
import difflib
import gc
import json
import math
import os
import re
import signal
import statistics
import sys
import threading
import time

from builtin_interfaces.msg import Time
from diagnostic_msgs.msg import DiagnosticArray
from diagnostic_msgs.msg import DiagnosticStatus
from diagnostic_msgs.msg import KeyValue
from geometry_msgs.msg import Pose
from geometry_msgs.msg import PoseArray
from geometry_msgs.msg import PoseStamped
import numpy as np
from rcl_interfaces.msg import FloatingPointRange
from rcl_interfaces.msg import IntegerRange
from rcl_interfaces.msg import ParameterDescriptor
from rcl_interfaces.msg import SetParametersResult
import rclpy
from rclpy.clock import Clock
from rclpy.clock import ClockType
from rclpy.duration import Infinite
from rclpy.event_handler import PublisherEventCallbacks
from rclpy.event_handler import SubscriptionEventCallbacks
from rclpy.exceptions import ParameterException
from rclpy.executors import ExternalShutdownException
from rclpy.executors import SingleThreadedExecutor
from rclpy.impl.implementation_singleton import rclpy_implementation as _rclpy
from rclpy.lifecycle import LifecycleNode
from rclpy.lifecycle import TransitionCallbackReturn
from rclpy.node import Node
from rclpy.parameter import Parameter
from rclpy.qos import DurabilityPolicy
from rclpy.qos import HistoryPolicy
from rclpy.qos import LivelinessPolicy
from rclpy.qos import qos_check_compatible
from rclpy.qos import QoSCompatibility
from rclpy.qos import QoSPolicyKind
from rclpy.qos import QoSProfile
from rclpy.qos import ReliabilityPolicy
from rclpy.qos_overriding_options import QoSOverridingOptions
from rclpy.signals import SignalHandlerOptions
from rclpy.utilities import remove_ros_args
from sensor_msgs.msg import CameraInfo
from sensor_msgs.msg import CompressedImage
from sensor_msgs.msg import Image
from std_msgs.msg import Header
from std_msgs.msg import String
from std_srvs.srv import Trigger
from visualization_msgs.msg import Marker
from visualization_msgs.msg import MarkerArray

from clip_perception import param_overrides
from clip_perception.config import bool_from_integer
from clip_perception.config import camera_names
from clip_perception.config import camera_namespace
from clip_perception.config import check_qos_override
from clip_perception.config import check_waits
from clip_perception.config import ModelLoadError
from clip_perception.config import PARAMETER_NAMES
from clip_perception.config import PARAMETERS
from clip_perception.config import parameters_help
from clip_perception.config import PipelineConfig
from clip_perception.config import QOS_OVERRIDE_POLICIES
from clip_perception.config import TEMPLATE_SEPARATOR
from clip_perception.config import unmatched_qos_overrides
from clip_perception.config import validate
from clip_perception.config import value_from_text
from clip_perception.debug_image import draw_debug
from clip_perception.geometry import depth_kind_hint
from clip_perception.geometry import depth_mirror_hint
from clip_perception.geometry import ray_to_z
from clip_perception.health import command_flips_note
from clip_perception.health import command_topic_note
from clip_perception.health import command_type_note
from clip_perception.health import disparity_note
from clip_perception.health import ERROR
from clip_perception.health import frame_latency
from clip_perception.health import Health
from clip_perception.health import HeldSince
from clip_perception.health import info_unpublished_note
from clip_perception.health import LogThrottle
from clip_perception.health import namesake_note
from clip_perception.health import output_qos_note
from clip_perception.health import publisher_node
from clip_perception.health import publishers_note
from clip_perception.health import RecheckedFinding
from clip_perception.health import UNDECODABLE_TRANSPORTS
from clip_perception.health import UNNAMED_PUBLISHER
from clip_perception.health import wiring_note
from clip_perception.language import clean_command
from clip_perception.language import CommandError
from clip_perception.language import describe
from clip_perception.language import is_cancel
from clip_perception.language import not_a_command
from clip_perception.language import quoted_as_sent
from clip_perception.language import rejected_goal
from clip_perception.language import same_command
from clip_perception.language import unread_fields
from clip_perception.language import unread_note
from clip_perception.messages import camera_info_size_note
from clip_perception.messages import camera_info_to_intrinsics
from clip_perception.messages import camera_matrix_layout_note
from clip_perception.messages import camera_matrix_scale_note
from clip_perception.messages import columns_turned_left_to_right
from clip_perception.messages import compressed_depth_to_array
from clip_perception.messages import compressed_to_rgb
from clip_perception.messages import depth_to_array
from clip_perception.messages import depth_to_image_size
from clip_perception.messages import distortion_note
from clip_perception.messages import holds_no_colour
from clip_perception.messages import image_to_rgb
from clip_perception.messages import intrinsics_for_image
from clip_perception.messages import MessageError
from clip_perception.messages import Note
from clip_perception.messages import one_field_of_view_note
from clip_perception.messages import optical_frame_note
from clip_perception.messages import PADDING
from clip_perception.messages import pinhole_camera_info_fields
from clip_perception.messages import principal_point_note
from clip_perception.messages import raw_camera_matrix
from clip_perception.messages import rectified_here
from clip_perception.messages import rgb_to_image_fields
from clip_perception.messages import rows_turned_top_down
from clip_perception.messages import stereo_layout
from clip_perception.messages import unpadded
from clip_perception.messages import zstd_to_depth
from clip_perception.messages import zstd_to_rgb
from clip_perception.rectify import has_distortion
from clip_perception.rectify import make_rectifier
from clip_perception.rectify import NoLensError
from clip_perception.rectify import turned_over
from clip_perception.selection import REFUSED
from clip_perception.support import image_up_hint
from clip_perception.sync import boot_clock_age
from clip_perception.sync import ClockBehindStepBack
from clip_perception.sync import duplicate_frame
from clip_perception.sync import DUPLICATE_WINDOW
from clip_perception.sync import FrameSync
from clip_perception.sync import HeldFrame
from clip_perception.sync import nanosec_note
from clip_perception.sync import negative_stamp_note
from clip_perception.sync import NegativeJump
from clip_perception.sync import repeated_stamp
from clip_perception.sync import simulator_stamp
from clip_perception.sync import stale_reason
from clip_perception.vision import detections

try:  # Only on a full ROS install; not installable from PyPI.
    from vision_msgs.msg import Detection2D
    from vision_msgs.msg import Detection2DArray
    from vision_msgs.msg import ObjectHypothesisWithPose
except ImportError:  # pragma: no cover - depends on the install
    Detection2DArray = None

DOUBLES = {p.name for p in PARAMETERS if isinstance(p.default, float)}
# How far in the future (s) a colour frame's stamp may be before the node warns: NTP and
# PTP keep machines within milliseconds; a second is a clock that is not synchronised.
FUTURE_STAMP_TOLERANCE = 1.0
# Frames with depth and camera_info whose table is checked for the other depth_kind
# (geometry.depth_kind_hint: 10-85 ms each on 16 real frames, shared machine): at start
# and after each depth_kind change.
DEPTH_KIND_CHECKS = 3
# Frames with depth and camera_info whose support surface is checked for which way up
# points in the image (support.image_up_hint: 10-125 ms each on 16 real frames upright
# and turned, shared machine): at start.
IMAGE_UP_CHECKS = 3
# Frames with depth whose edges are checked against the colour's for depth mirrored
# left-right (geometry.depth_mirror_hint): at start and after each depth_mirrored change.
DEPTH_MIRROR_CHECKS = 3
# Seconds between runs of either check while its finding stands (it is said until a run
# finds otherwise: depth from another source, a bag replaced by the camera, clears it).
INPUT_RECHECK = 10.0
# Seconds a new command waits for a newer frame before the last one answers it
# (_answer_held_frame); twice the camera's frame interval when that is longer. Above the
# 33-100 ms of cameras at 10-30 Hz, so a streaming camera's next frame always answers.
HELD_FRAME_GRACE = 0.25
# Gaps between frames whose median is the camera's frame interval (_answer_held_frame):
# one late delivery (Wi-Fi, a loaded host) made the last gap alone look like a still
# camera's, and a streaming camera's command was answered on the scene before (a local
# run of test_a_command_after_the_last_frame_is_answered_on_that_frame under load). The
# median of three outvotes one gap off either way (a late frame, two frames back to
# back). Tried in session 19 and not kept: the median of five took three frames to see a
# stream that starts after sporadic frames (CI: a command 0.3 s before the second scene
# was answered on the first); the shortest of three took two frames sent back to back
# for a fast stream.
FRAME_INTERVALS = 3
# Seconds a note waits for a publisher's node name to follow its writer in discovery
# (_named_yet). Fast DDS on one host sends ros_discovery_info within ~100 ms of the
# writer; across a network under load it takes longer.
NAME_DISCOVERY_GRACE = 3.0
INTEGERS = {p.name for p in PARAMETERS if type(p.default) is int}
STRINGS = {p.name for p in PARAMETERS if isinstance(p.default, str) and not p.accepts_list}
# Parameters declared as a number or a boolean, by type: text spelling one is taken as it.
# use_sim_time is rclpy's own (declared by its TimeSource in Node.__init__), a bool.
_TYPED = {p.name: type(p.default) for p in PARAMETERS if type(p.default) in (float, int, bool)}
_TYPED['use_sim_time'] = bool
# The arguments rclpy was initialised with (_run), whose parameter sources
# _restore_lost_overrides replays; sys.argv when the node is made some other way.
_COMMAND_LINE = None
RCLError = _rclpy.RCLError  # what rcl's state machine raises for an unknown transition
# The read-only parameters, which the lifecycle node reads at configure (_descriptor).
READ_ONLY = frozenset(p.name for p in PARAMETERS if p.read_only)
READ_AT_CONFIGURE = 'read at configure: set it while the node is unconfigured'
UnknownROSArgsError = _rclpy.UnknownROSArgsError  # rclpy.init: words rcl cannot place


def _descriptor(p, managed=False):
    """Return ``p``'s ParameterDescriptor; ``managed``: for the lifecycle node.

    A read-only parameter of the lifecycle node is read at ``configure``, so it may be set
    while the node is unconfigured (nav2's way of reconfiguring a node: deactivate,
    cleanup, set, configure; ros-navigation/navigation2#609); the on-set callback refuses
    it in any other state, saying so (:meth:`PerceptionMixin._on_set_parameters`).
    """
    d = ParameterDescriptor(name=p.name, description=p.description,
                            read_only=p.read_only and not managed,
                            dynamic_typing=p.accepts_list)
    constraints = ['one of: ' + ', '.join(map(str, p.choices))] if p.choices else []
    if p.read_only and managed:
        constraints.append(READ_AT_CONFIGURE)
    d.additional_constraints = '; '.join(constraints)
    if p.min is not None:
        if isinstance(p.default, int) and not isinstance(p.default, bool):
            d.integer_range = [IntegerRange(from_value=int(p.min), to_value=int(p.max), step=1)]
        else:
            d.floating_point_range = [FloatingPointRange(
                from_value=float(p.min), to_value=float(p.max), step=0.0)]
    return d


def _stamp_seconds(stamp):
    return stamp.sec + stamp.nanosec * 1e-9


def _as_declared(param):
    """Return ``param`` as its declared type when its value says the same thing.

    ROS users write ``1`` for a double and now and then ``32.0`` for an integer; rclpy
    refuses both. A non-integral double for an integer is left alone (and refused).
    A string parameter given what YAML reads as another type (``-p command:=42``,
    ``-p device:=0``, ``-p command:=yes``: a bool, ``-p 'command:=[red ball, blue mug]'``:
    a string array) ended the node at start-up with rcl's FATAL type error, or was
    refused by ``ros2 param set``; it is taken as its text (a bool as ``true`` /
    ``false``; a list joined with ``' and '`` for ``command``, which then names each
    object, else with ``', '``) and judged by the parameter's own rules. Parameters
    declared to take a list (``vocabulary``) keep theirs. The other way round, text
    given to a number or a boolean (``'1e-4'``, as ``ros2 param load`` reads it; a
    launch argument passed as a string) is the value it spells
    (:func:`~clip_perception.config.value_from_text`), else left alone (and refused);
    an integer 0 or 1 given to a boolean (``tracking: 1``) is false or true
    (:func:`~clip_perception.config.bool_from_integer`).
    """
    kind = _TYPED.get(param.name)
    if kind is not None and param.type_ == Parameter.Type.STRING:
        value = value_from_text(param.value, kind)
        return param if value is None else Parameter(param.name, value=value)
    if kind is bool and param.type_ == Parameter.Type.INTEGER:
        value = bool_from_integer(param.value)
        return param if value is None else Parameter(param.name, Parameter.Type.BOOL, value)
    if param.name in DOUBLES and param.type_ == Parameter.Type.INTEGER:
        return Parameter(param.name, Parameter.Type.DOUBLE, float(param.value))
    if (param.name in INTEGERS and param.type_ == Parameter.Type.DOUBLE
            and float(param.value).is_integer()):
        return Parameter(param.name, Parameter.Type.INTEGER, int(param.value))
    if param.name in STRINGS and param.type_ not in (Parameter.Type.STRING,
                                                     Parameter.Type.NOT_SET):
        return Parameter(param.name, Parameter.Type.STRING, _as_text(param))
    return param


def _as_text(param):
    """Return the text a string parameter given another type stands for (_as_declared)."""
    def one(v):
        return ('true' if v else 'false') if isinstance(v, bool) else str(v)
    value = param.value
    if isinstance(value, (list, tuple)) or hasattr(value, 'tolist'):
        items = [one(v) for v in (value.tolist() if hasattr(value, 'tolist') else value)]
        # Each item as its parameter lists them: several templates are separated by "|"
        # (a YAML list of templates was joined with ", " and refused as one template with
        # two {}: helper-48's field round).
        return {'command': ' and ', 'prompt_template': f' {TEMPLATE_SEPARATOR} '}.get(
            param.name, ', ').join(items)
    return one(value)


class PerceptionMixin:
    """What the plain and the managed node share: parameters, inputs, worker, outputs.

    The node classes call, in order, :meth:`_declare` (parameters and state),
    :meth:`_load` (validated parameters -> model, pipeline, sync), :meth:`_create_outputs`,
    :meth:`_open_inputs` (subscriptions, timers, worker thread); and back:
    :meth:`_close_inputs`, :meth:`_destroy_outputs`, :meth:`_free_model`.
    """

    MANAGED = False  # the lifecycle node: read-only parameters are read at configure

    def declare_parameter(self, name, *args, **kwargs):
        """Declare as rclpy does; ``use_sim_time`` given as text is its truth value first.

        rclpy declares ``use_sim_time`` itself, inside ``Node.__init__`` (its TimeSource),
        before :meth:`_declare` types the overrides: ``use_sim_time: 'true'`` (a launch
        argument handed over as text, a quoted YAML value; ros2/rclcpp#802, ros2/launch_ros
        #487) stopped the node with rclpy's "expecting type 'BOOL'". Its override is taken
        as :meth:`_typed` takes text for any boolean, with one warning; other text still
        stops the node in one line.
        """
        overrides = getattr(self, '_parameter_overrides', None)
        if name == 'use_sim_time' and overrides and name in overrides:
            overrides[name] = self._typed(overrides[name])
        return super().declare_parameter(name, *args, **kwargs)

    def _declare(self):
        # An integer where a double is declared (`min_confidence: 1`, `-p x:=1`) is taken
        # as that double: at start-up by rewriting the override before declaring (rclpy
        # would raise), at run time (`ros2 param set`) by a pre-set callback.
        overrides = getattr(self, '_parameter_overrides', {})
        self._restore_lost_overrides(overrides)
        for name, param in list(overrides.items()):
            overrides[name] = self._typed(param)
            if name in STRINGS and overrides[name] is not param:
                self.get_logger().warning(
                    f'parameter {name}: given {param.type_.name.lower()} {param.value!r} '
                    f'where text is expected (YAML reads yes/no/on/off as booleans, and '
                    f'digits as numbers; quote it to keep it as written): using '
                    f'{overrides[name].value!r}')
        for p in PARAMETERS:
            self.declare_parameter(p.name, p.default, _descriptor(p, self.MANAGED))
        self.add_pre_set_parameters_callback(lambda params: [self._typed(p) for p in params])
        for name in sorted(set(overrides) - set(PARAMETER_NAMES)):
            # rclpy ignores a parameter nobody declares: a typo would go unnoticed. Those
            # rclpy declares on every node (use_sim_time; start_type_description_service
            # since Iron, in every `ros2 param dump`) are taken, not ignored.
            if self.has_parameter(name) or name.startswith('qos_overrides.'):
                continue
            near = difflib.get_close_matches(name, PARAMETER_NAMES, n=1)
            self.get_logger().warning(
                f'parameter "{name}" is not a clip_perception parameter and is ignored'
                + (f' (did you mean "{near[0]}"?)' if near else ''))
        self.health = Health()
        self._throttle = LogThrottle(5.0)
        self._warned_once = set()
        # Note kind: an unnamed publisher seen; image topic: seen as no other node's.
        self._unnamed = HeldSince(NAME_DISCOVERY_GRACE)
        self._untaken = HeldSince(NAME_DISCOVERY_GRACE)
        # camera_info topic: seen without a publisher (discovery may name one late).
        self._unpublished = HeldSince(NAME_DISCOVERY_GRACE)
        self._lock = threading.Lock()
        self._cv = threading.Condition(self._lock)
        # Held while a frame's answer is published and while the command changes, so no
        # answer for a cleared command goes out after the clear ("stop" means stop).
        self._answer_lock = threading.Lock()
        self._cancelled_by = None  # the cancel word being applied (_cancel), for the log
        self._pending = None
        # The last frame handed to the worker (_answer_held_frame may hand it again).
        self._last_frame = None
        # s between the last frames handed over (FRAME_INTERVALS of them; the median is
        # the camera's frame interval, _answer_held_frame).
        self._frame_intervals = collections.deque(maxlen=FRAME_INTERVALS)
        self._stop = threading.Event()
        self._worker = None
        self._inputs = []
        self._streams = {}  # 'colour', 'depth', 'camera_info' -> its subscription
        self._info_sub = self._info_latched = None
        self._info_seen = False
        self._info_width = self._info_height = 0
        # Colour and depth: the transient_local twin of each stream while it waits for a
        # latched publisher's stored image (_adapt_latched), when the inputs opened, and
        # the stamp of the colour frame such a twin handed over (_stored_image).
        self._stored_twins = {}
        self._opened_at = -math.inf
        self._stored_stamp = None
        self._info_frame_id = ''  # frame_id of the last camera_info accepted
        self._info_centre_note = None  # principal_point_note of the last one
        self._info_size_note = ''  # camera_info_size_note of the last one
        # Rectification maps of the last camera_info with distortion (_rectifier_for).
        self._rectifier = self._rectifier_key = None
        self._no_lens_key = None  # the camera_info key whose D is no lens: not made again
        self._info_counted = {}  # camera_info_<kind> -> _camera_info_key last counted
        # (intrinsics, key, Rectifier or None) of the last camera_infos accepted, as many
        # as the sync keeps: a frame is rectified with the maps of the camera_info it is
        # paired with, not the newest (_frame_rectifier). Replaced whole, never mutated:
        # the worker thread reads it.
        self._rectifiers = ()
        # The depth topic when its images are taken as rectified already (named rect under
        # rectify auto): the colour's maps are not applied to them.
        self._depth_rectified_upstream = ''
        # The depth_kind check (_check_depth_kind; its finding (depth_kind, warning) when
        # the table was flat only read the other way) and the image_up check
        # (_check_image_up; its finding the warning): each said on every frame with depth
        # while it stands, checked again every INPUT_RECHECK s until a run finds otherwise
        # or depth_kind changes.
        self._depth_kind_check = RecheckedFinding(DEPTH_KIND_CHECKS, INPUT_RECHECK)
        self._image_up_check = RecheckedFinding(IMAGE_UP_CHECKS, INPUT_RECHECK)
        # The depth_mirrored check (_check_depth_mirror; its finding the warning).
        self._depth_mirror_check = RecheckedFinding(DEPTH_MIRROR_CHECKS, INPUT_RECHECK)
        # What the frame being answered leaves to _check_inputs (worker thread only).
        self._checks_due = None
        # Camera_infos whose negative fy says their images' rows run bottom-up
        # (messages._rows_read_top_down), kept as many as the sync keeps.
        self._bottom_up_infos = ()
        # Camera_infos whose negative fx says their images' columns run right to left
        # (messages._columns_read_left_to_right), kept as many as the sync keeps.
        self._mirrored_infos = ()
        # (width, height) of the last colour frame: the size of a camera_info that gives
        # none (messages.with_image_size); one received before any frame waits for it.
        self._colour_size = None
        self._info_unsized = None
        self._command_sub = self._command_latched = None
        self._command_seen = False  # a command message arrived since the inputs opened
        self._diag_timer = self._sync_timer = None
        self._steady = Clock(clock_type=ClockType.STEADY_TIME)
        self._last_colour_stamp = None
        # A negative stamp among a stream's valid ones is a jump, skipped (NegativeJump).
        self._colour_jump, self._depth_jump = NegativeJump(), NegativeJump()
        # The newest nonzero depth stamp and the last depth frame's array (repeated_stamp).
        self._last_depth_stamp = self._last_depth = None
        # (stamp, arrival, pixels) of the last colour frames taken in (duplicate_frame; the
        # newest's pixels are also the previous frame's for repeated_stamp): a copy comes
        # next or one frame later; each entry holds a frame's pixels (25 MB at 4K).
        self._recent_colour = collections.deque(maxlen=2)
        # One frame sent again and again (a paused simulator): (stamp, s held) or None.
        self._held_frame, self._held = HeldFrame(), None
        self._colour_frame_id = ''
        # The frame_id of the last frame answered: a command's own answers carry it too.
        self._answered_frame_id = ''
        self._outputs = []
        self.command_pub = self.marker_pub = None
        # The outputs publish (the plain node from start-up; the managed one while active):
        # a command taken while inactive is answered once active, not into a disabled
        # lifecycle publisher (rclpy drops it with a warning).
        self._outputs_on = False
        self._marker_frame = None  # frame of the last markers published (to delete them)
        self._markers_shown = False  # the last markers published draw a target
        self.scorer = self.pipeline = self.sync = None
        self.memory = None
        self._memory_key = None
        self._reset_requested = threading.Event()
        self._track = None
        self.reset_srv = None
        self._values_cache = self._values()
        self._command = _command_value(self._values_cache['command'])
        # (command as read, note): fields of the structured command it was read from that
        # the node does not read (_note_unread), named in its answers.
        self._unread = None
        # (command as read, as sent) where they differ (_note_unread): a refusal quotes
        # what was sent (language.quoted_as_sent).
        self._sent = None
        if self._values_cache['command'] != self._command:  # a start-up value
            self._note_unread(self._values_cache['command'], self._command)
        # Whether a frame has answered the active command (under _answer_lock): one
        # replaced before any answer is told so (_after_set_parameters).
        self._answered = True
        self.add_on_set_parameters_callback(self._on_set_parameters)
        self.add_post_set_parameters_callback(self._after_set_parameters)

    def _typed(self, param):
        """Return ``param`` as its declared type (:func:`_as_declared`); say so for text.

        Text taken as a number or a boolean (``depth_scale: '1e-4'``) is logged, so that
        a value read otherwise than it was written is never silent: once per parameter per
        5 s, the next line saying how many were held back. A web UI's slider sends each
        value as text (RobotWebTools/roslibjs#847, rosbridge_suite#1087), many a second;
        each was a warning line of its own (foxglove/ros-foxglove-bridge#327: the same
        parameter's error repeated until it drowned the log). Called from
        ``Node.__init__`` too (``use_sim_time``), before any attribute of ours is set.
        """
        typed = _as_declared(param)
        text = param.type_ == Parameter.Type.STRING and typed.type_ != Parameter.Type.STRING
        if text or (param.type_ == Parameter.Type.INTEGER and
                    typed.type_ == Parameter.Type.BOOL):
            throttle = self.__dict__.setdefault('_text_throttle', LogThrottle(5.0))
            held = throttle.allow(param.name, time.monotonic())
            if held is not None:
                more = f' ({held} more like it since the last report)' if held else ''
                kind = typed.type_.name.lower()
                # Why text came: Python's YAML (ros2 param set and load) reads a double such
                # as 1e-4 as text; any type quoted, or a launch argument, is text.
                why = ("Python's YAML, which ros2 param set and load use, reads 1e-4 as "
                       'text; a launch argument is text') if kind == 'double' else \
                    'a quoted YAML value is text, write it unquoted; a launch argument is text'
                given, why = (('text', why) if text else
                              ('an integer', 'YAML and rcl read 1 and 0 as integers; write '
                               'true or false'))
                self.get_logger().warning(
                    f'parameter {param.name}: given {given} {param.value!r} where '
                    f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} is expected ({why}): "
                    f'using {typed.value!r}{more}')
        return typed

    def _restore_lost_overrides(self, overrides):
        """Put back the override values rcl's merge of the command line lost, saying so.

        rcl merges the sources of ``--ros-args`` by type: a later value of another type
        than an earlier one loses to it (:mod:`clip_perception.param_overrides`), so
        ``--params-file`` with ``vocabulary: ''`` then ``-p 'vocabulary:=[a, b]'`` gave
        the node ``''`` and the list was gone without a word. The last source's value is
        put back into ``overrides`` (then declared, typed and validated as any other:
        one the node cannot use stops it with a FATAL line), and a warning names both
        sources. Only where the replay agrees with what rclpy handed the node.

        A parameters file keyed by other nodes only (the executable's name,
        ``clip_perception_node:``, or another namespace) is ignored by rcl without a word,
        every parameter it sets left at its default: warned, naming the keys and the key
        to write (:func:`~clip_perception.param_overrides.unmatched_files`).
        """
        items = []
        try:
            for kind, arg in param_overrides.sources(_COMMAND_LINE or sys.argv):
                if kind == 'file':
                    with open(arg, encoding='utf-8') as f:
                        items.append((f'--params-file {arg}', kind, f.read()))
                else:
                    items.append((f'-p {arg}', kind, arg))
        except (OSError, UnicodeDecodeError):
            return  # rcl read the files or would have stopped; nothing to compare with
        fqn = self.get_fully_qualified_name()
        for file in param_overrides.unmatched_files(items, fqn):
            ours = [(n, v) for n, v in file.values if n in PARAMETER_NAMES]
            if not ours:
                continue  # a file for other nodes only (one shared by a launch file)
            # What each is instead: another source's value (-p, another file), or the default.
            in_use = {p.name: overrides[p.name].value if p.name in overrides else p.default
                      for p in PARAMETERS}
            differ = [f'{n} {v!r} ({in_use[n]!r} in use)' for n, v in ours if v != in_use[n]]
            keys = ', '.join(f'"{k}"' for k in file.keys)
            self.get_logger().warning(
                f'{file.label}: its parameters are keyed by node {keys}, which is not this '
                f'node ({fqn}), so rcl ignores the whole file: the {len(ours)} parameter(s) '
                'it sets are not set by it' + (f', {len(differ)} of them other than the '
                'file says: ' + '; '.join(differ[:8]) + ('; ...' if len(differ) > 8 else '')
                if differ else '') + f'. Key them by "/**:" (any node) or "{fqn}:"')
        lost = param_overrides.lost_overrides(items, fqn)
        for name, why in sorted(lost.items()):
            given = overrides.get(name)
            if name not in PARAMETER_NAMES or given is None or given.value != why.kept:
                continue
            overrides[name] = Parameter(name, value=why.meant)
            if why.cause == 'order':
                self.get_logger().info(
                    f'parameter {name}: "{why.meant_from}" comes after "{why.kept_from}", '
                    f'whose {why.kept!r} rcl kept instead (it applies the sections of the '
                    'parameters files and -p in the order their node keys first appeared, '
                    f'ros2/rclcpp#953); using {why.meant!r}, the later value')
                continue
            self.get_logger().info(
                f'parameter {name}: "{why.meant_from}" comes after "{why.kept_from}", '
                f'whose {why.kept!r} rcl kept instead (it merges values of different types '
                f'by type, and the earlier one wins); using {why.meant!r}, the later value')

    def _load(self, shared=None):
        """Validate the parameters, load the model; return the parameter values.

        :param shared: ``(scorer, lock)`` of another node in this process to use instead
            of loading a model (:func:`cameras_main`); its model, device and dtype must
            be this node's too.
        :raises ValueError: a parameter is out of range, or differs from the shared model's.
        :raises ModelLoadError: the model cannot be loaded.
        """
        values = self._values()
        for name in values:
            reason = validate(name, values[name])
            if reason:
                raise ValueError(f'parameter {name}: {reason}')
        for name, param in getattr(self, '_parameter_overrides', {}).items():
            reason = check_qos_override(name, param.value) if name.startswith(
                'qos_overrides.') else None
            if reason:
                raise ValueError(f'parameter {reason}')
        self._check_waits(values)
        if values['torch_threads'] > 0:
            import torch
            torch.set_num_threads(values['torch_threads'])
        t0 = time.monotonic()
        if shared is not None:
            self.scorer, self._infer_lock = shared
            if self.scorer.model_name != values['model']:
                raise ValueError(f'parameter model: {values["model"]} differs from the model '
                                 f'shared in this process ({self.scorer.model_name})')
            if self.scorer.backend != values['backend']:
                raise ValueError(f'parameter backend: {values["backend"]} differs from the '
                                 f'backend shared in this process ({self.scorer.backend})')
        else:
            # Imported here, not at the top: torch and transformers take seconds to
            # import, and a parameter refused above stops the node before they load.
            from clip_perception.scorer import ClipScorer

            self.scorer = ClipScorer(values['model'], values['device'], values['dtype'],
                                     values['prompt_template'], values['crop_context'],
                                     backend=values['backend'])
            self._infer_lock = threading.Lock()
        self.get_logger().info(('shares' if shared is not None else 'loaded') +
            f' CLIP "{values["model"]}" from {self.scorer.model_path} '
            f'({self.scorer.num_parameters / 1e6:.2f} M parameters, input '
            f'{self.scorer.input_size} px) on {self.scorer.device} '
            f'{str(self.scorer.dtype).replace("torch.", "")} in '
            f'{time.monotonic() - t0:.1f} s; image encoder: '
            f'{self.scorer.encoder.describe()}'
            + (f' (load {self.scorer.encoder.load_seconds:.1f} s, '
               f'{"from cache" if self.scorer.encoder.cached else "converted"})'
               if self.scorer.backend != 'torch' else '')
            # The rule in effect, not only its setting (auto says nothing by itself).
            + f'; confidence: {_rule_label(values["confidence_rule"], self.scorer)}'
            # The unit of spatial_margin and ambiguity_margin (logits = cosine x this).
            + f'; logit_scale {self.scorer.logit_scale:.1f}'
            + f'; prompt templates: {_templates_label(values["prompt_template"], self.scorer)}')
        from clip_perception.pipeline import Pipeline
        from clip_perception.scorer import native_bf16

        if self.scorer.device == 'cpu' and str(self.scorer.dtype) == 'torch.bfloat16' \
                and not native_bf16():
            self.get_logger().warning(
                'dtype bfloat16 on a CPU without native bf16 (no AVX-512 BF16 or AMX): '
                'torch emulates it, several times slower than float32; use dtype auto')
        self.pipeline = Pipeline(self.scorer, PipelineConfig.from_values(values),
                                 on_stage=lambda stage: self.health.enter_stage(
                                     stage, time.monotonic()))
        with self._infer_lock:
            warm = self.pipeline.warm_up()
        self.get_logger().info(f'warmed up in {warm:.2f} s (contrast prompts, one '
                               'encoder pass, one proposal pass): the first frame '
                               'pays no one-time costs')
        self.memory, self._memory_key = None, None
        self._command = _command_value(values['command'])
        self._values_cache = values
        self._fresh_sync(values)
        return values

    def _fresh_sync(self, values):
        """Start pairing frames anew (at load, and when the inputs close).

        :param values: the parameter values (``sync_slop``, ``use_depth``, ``depth_wait``).
        """
        self.sync = FrameSync(values['sync_slop'], values['use_depth'],
                              depth_timeout=values['depth_wait'], wait_for_info=True)
        self._clock_behind = ClockBehindStepBack()

    def _check_waits(self, values):
        """Warn (log and /diagnostics) when depth_wait is not below max_frame_age."""
        why = check_waits(values)
        if why is None:
            self.health.clear_notice('waits')  # set right live: said no longer
            return
        self.health.notice('waits', why, time.monotonic(), standing=True)
        self.get_logger().warning(why)

    def _free_model(self):
        """Drop the model and everything holding it (memory returns to the allocator)."""
        self.scorer = self.pipeline = self.sync = self.memory = None
        gc.collect()
        if 'torch' in sys.modules and sys.modules['torch'].cuda.is_available():
            sys.modules['torch'].cuda.empty_cache()

    def _create_outputs(self, create_publisher):
        """Create the publishers with ``create_publisher`` (plain or lifecycle ``create_*``).

        Each reports a subscription whose QoS it cannot serve
        (:meth:`_on_output_incompatible_qos`).
        """
        def create(msg_type, topic, qos):
            callbacks = PublisherEventCallbacks(incompatible_qos=lambda event: (
                self._on_output_incompatible_qos(topic, event)))
            return create_publisher(msg_type, topic, qos, event_callbacks=callbacks)
        latched = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=1,
                             reliability=ReliabilityPolicy.RELIABLE,
                             durability=DurabilityPolicy.TRANSIENT_LOCAL)
        self.pose_pub = create(PoseStamped, '~/target_pose', 10)
        self.poses_pub = create(PoseArray, '~/target_poses', 10)
        self.json_pub = create(String, '~/detection_json', 10)
        self.vision_pub = (create(Detection2DArray, '~/detection', 10)
                           if Detection2DArray is not None else None)
        if self.vision_pub is None and 'vision_msgs' not in self._warned_once:
            # Trial 38: a user looked for ~/detection and nothing said why it was absent.
            self._warned_once.add('vision_msgs')
            self.get_logger().info('~/detection (vision_msgs/Detection2DArray) is not '
                                   'published: vision_msgs does not import here (install '
                                   'ros-jazzy-vision-msgs); ~/detection_json carries the '
                                   'same answer')
        self.debug_pub = create(Image, '~/debug_image', 2)
        # The debug image's camera model, at the sibling topic where RViz's Camera display
        # and Foxglove's Image panel look for it (messages.pinhole_camera_info_fields).
        self.debug_info_pub = create(CameraInfo, '~/camera_info', 2)
        self.marker_pub = create(MarkerArray, '~/markers', 10)
        self.command_pub = create(String, '~/active_command', latched)
        self.reset_srv = self.create_service(Trigger, '~/reset', self._on_reset)
        self.diag_pub = create(DiagnosticArray, '/diagnostics', 10)
        self._outputs = [p for p in (self.pose_pub, self.poses_pub, self.json_pub,
                                     self.vision_pub, self.debug_pub, self.debug_info_pub,
                                     self.marker_pub, self.command_pub, self.diag_pub)
                         if p is not None]

    def _destroy_outputs(self, destroy):
        for pub in self._outputs:
            destroy(pub)
        self._outputs = []
        if self.reset_srv is not None:
            self.destroy_service(self.reset_srv)
            self.reset_srv = None
        self.command_pub = self.marker_pub = None

    def _open_inputs(self):
        """Subscribe, start the timers and the worker thread."""
        values = self._values_cache
        reliability = (ReliabilityPolicy.RELIABLE if values['qos_reliability'] == 'reliable'
                       else ReliabilityPolicy.BEST_EFFORT)
        camera_qos = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=values['qos_depth'],
                                reliability=reliability,
                                durability=DurabilityPolicy.VOLATILE)
        subs = []
        if values['image_transport'] == 'compressed':
            subs.append(self._camera_subscription(
                CompressedImage, self._transport_topic('image', 'compressed'),
                self._on_compressed, camera_qos))
        elif values['image_transport'] == 'zstd':
            subs.append(self._camera_subscription(
                CompressedImage, self._transport_topic('image', 'zstd'), self._on_zstd,
                camera_qos))
        else:
            subs.append(self._camera_subscription(Image, 'image', self._on_image, camera_qos))
        self._info_sub = self._camera_subscription(
            CameraInfo, self._info_topic('camera_info', 'image'), self._on_camera_info,
            camera_qos)
        subs.append(self._info_sub)
        if values['use_depth'] and values['depth_transport'] == 'compressedDepth':
            subs.append(self._camera_subscription(
                CompressedImage, self._transport_topic('depth', 'compressedDepth'),
                self._on_compressed_depth, camera_qos))
        elif values['use_depth'] and values['depth_transport'] == 'compressed':
            subs.append(self._camera_subscription(
                CompressedImage, self._transport_topic('depth', 'compressed'),
                self._on_compressed_depth, camera_qos))
        elif values['use_depth'] and values['depth_transport'] == 'zstd':
            subs.append(self._camera_subscription(
                CompressedImage, self._transport_topic('depth', 'zstd'), self._on_zstd_depth,
                camera_qos))
        elif values['use_depth']:
            subs.append(self._camera_subscription(Image, 'depth', self._on_depth, camera_qos))
        self._disparity_note = disparity_note(subs[2].topic_name) if values['use_depth'] \
            else None
        self._check_qos_overrides([sub.topic_name for sub in subs])
        self._open_command()
        self._inputs = subs
        self._opened_at = time.monotonic()
        self._streams = {'colour': subs[0], 'camera_info': self._info_sub}
        if values['use_depth']:
            self._streams['depth'] = subs[2]
        self._depth_rectified_upstream = subs[2].topic_name if values['use_depth'] and \
            not rectified_here(values['rectify'], subs[2].topic_name) else ''
        # Steady-clock timers: with use_sim_time and no /clock, ROS time stands still and
        # timers on it never fire (diagnostics would stop; a monitor would see a dead node).
        self._diag_timer = self.create_timer(values['diagnostics_period'], self._diagnostics,
                                             clock=self._steady)
        self._sync_timer = self.create_timer(0.05, self._poll_sync, clock=self._steady)
        self._echo_command()
        if self._worker is not None:  # a deactivation left it finishing a frame
            self._worker.join()
        self._stop.clear()
        self._worker = threading.Thread(target=self._work, name='clip_worker', daemon=True)
        self._worker.start()
        # The subscriptions' own (remapped) names: "image" resolved alone hides that
        # image_transport compressed listens on image/compressed, remapped on its own.
        names = [sub.topic_name for sub in subs]
        self.get_logger().info(
            f'listening on {names[0]} ({values["image_transport"]}), '
            + ', '.join(names[1:]) + f'; command on {self._command_sub.topic_name}'
            + (f'; active command "{self._command}"' if self._command else ''))

    def _open_command(self):
        """Subscribe to commands, unless subscribed already.

        The managed node subscribes on configure and unsubscribes on cleanup, not on
        deactivate: a command published while it is inactive (a lifecycle manager paused
        it) was never received, and after activate the previous command was answered as
        if it were the new one's, with nothing logged (field report). Inactive, a command
        is taken as ``ros2 param set ... command`` takes it, and answered once active.
        Reliable on purpose (a command dropped over Wi-Fi would go unnoticed): a
        best-effort publisher (micro-ROS's default) never matches, and is reported.
        """
        if self._command_sub is not None:
            return
        self._command_sub = self.create_subscription(
            String, 'command', self._on_command, 10, event_callbacks=SubscriptionEventCallbacks(
                incompatible_qos=self._on_command_incompatible_qos))
        self._command_seen = False

    def _close_command(self):
        """Unsubscribe from commands (and the latched twin, if any)."""
        for sub in (self._command_sub, self._command_latched):
            if sub is not None:
                self.destroy_subscription(sub)
        self._command_sub = self._command_latched = None
        self._command_seen = False

    def _camera_subscription(self, msg_type, topic, callback, qos):
        """Subscribe a camera input, taking ROS 2's standard QoS override parameters.

        ``qos_overrides.<topic>.subscription.<history|depth|reliability>`` (the resolved
        topic), as image_pipeline's nodes take them, apply over ``qos_reliability`` and
        ``qos_depth``. Before, they were ignored without a word (field report:
        ros2/rmw_fastrtps#764, an override has no effect unless the node opts in).

        :raises ValueError: an override value that names no such policy.
        """
        # Each its own profile: rclpy writes the overrides into the one it is given.
        qos = QoSProfile(history=qos.history, depth=qos.depth, reliability=qos.reliability,
                         durability=qos.durability)
        try:
            return self.create_subscription(
                msg_type, topic, callback, qos,
                event_callbacks=SubscriptionEventCallbacks(
                    incompatible_qos=self._on_incompatible_qos),
                qos_overriding_options=QoSOverridingOptions([
                    getattr(QoSPolicyKind, p.upper()) for p in QOS_OVERRIDE_POLICIES]))
        except RuntimeError as exc:  # rclpy's "Unexpected QoS override for policy ..."
            raise ValueError(f'{exc} (history: keep_last or keep_all; reliability: '
                             'reliable or best_effort)') from None

    def _check_qos_overrides(self, topics):
        """Warn once about ``qos_overrides.*`` parameters no camera subscription takes.

        In a process of several cameras (:func:`cameras_main`, ``defer_qos_check``) every
        node is given every ``-p`` override, one camera's among them: the check waits for
        all of them (:func:`warn_unmatched_qos_overrides`).
        """
        self._qos_topics = list(topics)
        if not getattr(self, '_defer_qos_check', False):
            warn_unmatched_qos_overrides([self])

    def _transport_topic(self, base, transport):
        """Return the topic of ``base``'s ``transport``, named as image_transport names it.

        image_transport subscribers (image_view, image_proc, rqt) listen on the base topic
        as remapped, then the transport: ``-r image:=/camera/color/image_raw`` with the
        compressed transport is ``/camera/color/image_raw/compressed``. A rule for
        ``<base>/<transport>`` itself (the launch file's way) wins. Without this the node
        took the remapped base for raw images only and listened on ``/image/compressed``,
        receiving nothing (field report).
        """
        own = f'{base}/{transport}'
        if self.resolve_topic_name(own) != self.resolve_topic_name(own, only_expand=True):
            return own
        return f'{self.resolve_topic_name(base)}/{transport}'

    def _info_topic(self, info, image):
        """Return the camera_info topic: ``info`` as remapped, else beside ``image``'s.

        image_transport's CameraSubscriber (depth_image_proc, image_proc) takes an image's
        camera_info from beside the image topic as remapped: ``-r
        image:=/camera/color/image_raw`` listens on ``/camera/color/camera_info``. A rule
        for ``info`` itself wins, and with neither remapped the name is ``info``'s as
        before (in the node's namespace, beside ``image``). Without this, started so the
        node answered in 2D only, "no camera_info received yet", with the camera's
        camera_info published beside its image (field report).
        """
        if self.resolve_topic_name(info) != self.resolve_topic_name(info, only_expand=True):
            return info
        base = self.resolve_topic_name(image)
        if base == self.resolve_topic_name(image, only_expand=True):
            return info
        return f'{base.rpartition("/")[0]}/{info}'

    def _check_wiring(self, now):
        """Name an input's wiring faults: several publishers; none that can reach it.

        Several nodes publishing one input (a bag played beside the live camera, a second
        driver left running) interleave two views: the target jumped 308 mm between two
        red balls on 63 of 70 answers with /diagnostics "running" (field report). Each
        tick, the publishers of every input are counted (by node,
        :func:`~clip_perception.health.publishers_note`); more than one is a WARN while
        it lasts, logged once.

        DDS never delivers between a publisher and a subscription of different types, and
        says nothing: a raw subscription on a topic that carries CompressedImage, or one on
        a base topic whose stream is only published under a transport (a bag recorded with
        only ``image_raw/compressed``) waited as "waiting for the first colour frame"
        (field report), and so did a camera or bag that has the stream only under a
        transport this node cannot decode (``image_raw/theora``, ``image_raw/ffmpeg``:
        :data:`~clip_perception.health.UNDECODABLE_TRANSPORTS`). While a stream has not
        arrived, its topic's publishers and those of its transport topics are looked at
        (:func:`~clip_perception.health.wiring_note`), and so are the graph's topics of its
        type whose name is nearly its own (realsense-ros 4.x's ``/camera/camera/...``, a
        launch namespace, a typo: :func:`~clip_perception.health.nearby_topic`);
        a finding is logged once and kept in /diagnostics. Commands published on another
        of the names a command goes to (``/command`` against ``~/command``: a start without
        the launch file's remap) while none are on the node's are named the same way
        (:func:`~clip_perception.health.command_topic_note`), and so are publishers of
        another type on its own command topic
        (:func:`~clip_perception.health.command_type_note`). Called on the diagnostics
        timer.
        """
        values = self._values_cache
        publishers = []
        graph = None  # the graph's other topics, read once a tick when a stream is missing
        for stream, sub in self._streams.items():
            topic = sub.topic_name
            want = _type_name(sub.msg_type)
            publishers.append((topic, sorted({
                publisher_node(i.node_namespace, i.node_name)
                for i in self.get_publishers_info_by_topic(topic) if i.topic_type == want})))
            self.health.graph_publishers(stream, *publishers[-1])
            if stream in self.health.last_arrival:
                continue
            transport = {'colour': values['image_transport'],
                         'depth': values['depth_transport']}.get(stream, 'raw')
            looked = [topic]
            if stream != 'camera_info' and transport == 'raw':
                looked += [topic + '/compressed', topic + '/zstd']
                if stream == 'depth':
                    looked.append(topic + '/compressedDepth')
            elif stream != 'camera_info' and topic.rpartition('/')[0]:
                base = topic.rpartition('/')[0]
                looked += [t for t in (base, base + '/compressed', base + '/zstd') +
                           ((base + '/compressedDepth',) if stream == 'depth' else ())
                           if t != topic]
            if stream != 'camera_info':
                base = topic if transport == 'raw' else topic.rpartition('/')[0]
                looked += [f'{base}/{name}' for name in UNDECODABLE_TRANSPORTS]
            published = {t: [i.topic_type for i in self.get_publishers_info_by_topic(t)]
                         for t in looked}
            if graph is None:
                graph = self._other_camera_topics()
            note = wiring_note(stream, topic, want, published, graph)
            if note is not None:
                self._warn_once(f'wiring_{stream}', note)
                if stream == 'colour':  # nothing can be answered, as with refused frames
                    self.health.notice('wiring_colour', note, now, ERROR)
        me = self.get_fully_qualified_name()
        note = namesake_note(me, sum(1 for n, ns in self.get_node_names_and_namespaces()
                                     if publisher_node(ns, n) == me),
                             os.environ.get('ROS_DOMAIN_ID', '0'))
        if note is not None:
            self._warn_once('namesake', note)
        note = publishers_note(publishers)
        if note is not None and self._named_yet(
                'publishers', [(n,) for _, nodes in publishers for n in nodes], now):
            self._warn_once('publishers', note)
        if self._command_sub is not None:
            listened = self._command_sub.topic_name
            note = command_topic_note(listened, self._command_publishers())
            if note is not None:
                self._warn_once('command_topic', note)
            others = [(publisher_node(i.node_namespace, i.node_name), i.topic_type)
                      for i in self.get_publishers_info_by_topic(listened)
                      if i.topic_type != 'std_msgs/msg/String']
            note = command_type_note(listened, others)
            if note is not None and self._named_yet('command_type', others, now):
                self._warn_once('command_type', note)
            if self.health.command_qos_pending(now):
                # DDS says when an incompatible publisher matches, never when it leaves:
                # the WARN stayed for good after the publisher had gone (trial 33).
                sub_qos = self._command_sub.qos_profile
                if not any(qos_check_compatible(i.qos_profile, sub_qos)[0] ==
                           QoSCompatibility.ERROR
                           for i in self.get_publishers_info_by_topic(listened)):
                    self.health.command_qos_gone()
                    self.get_logger().info(f'no publisher with an incompatible QoS is left '
                                           f'on {listened}: its warning is cleared')

    def _other_camera_topics(self):
        """``{topic: [type, ...]}`` of the graph's image topics this node may be meant for.

        Left out: the node's own outputs and inputs, and topics another node of this node's
        name takes (another camera's ``clip_perception``: with ``cameras:=cam1,cam2``,
        ``/cam2/color/image_raw`` is cam2's, not a misspelt ``/cam1/...``), and topics seen
        as no such node's for under :data:`NAME_DISCOVERY_GRACE` (discovery may not have
        brought that node yet).
        """
        own = self.get_fully_qualified_name() + '/'
        subscribed = {s.topic_name for s in self._streams.values()}
        images = {_type_name(Image), _type_name(CompressedImage)}
        now = time.monotonic()
        out = {}
        graph = self.get_topic_names_and_types()
        self._untaken.keep_only(t for t, _ in graph)
        for t, types in graph:
            if not images & set(types) or t.startswith(own) or t in subscribed:
                continue
            if any(i.node_name == self.get_name()
                   for i in self.get_subscriptions_info_by_topic(t)):
                self._untaken.clear(t)
                continue
            # Another camera's node is known as such only once discovery has brought its
            # subscription and then its name (which follows its reader): a topic counts
            # as no other node's after NAME_DISCOVERY_GRACE of being seen so. Said at
            # once, cam2's topic was named as cam1's typo, once and for good, in 1 of 3
            # starts of two nodes together (test_another_camera_nodes_topic_...).
            if self._untaken.held(t, now):
                out[t] = types
        return out

    def _command_publishers(self):
        """Return ``{topic: [node, ...]}``: String publishers on the names commands go to.

        The command subscription's topic, the relative ``command`` and the private
        ``~/command`` unremapped, and both as they resolve outside any namespace
        (``/command``, ``/<node name>/command``): a node in ``/robot`` listens on
        ``/robot/command`` or ``/robot/clip_perception/command``, and ``ros2 topic pub
        /command`` (the README's names are the un-namespaced ones) went unnamed. Asked
        node by node: rcl applies this node's remap rules to a topic it is asked about, so
        asking about ``/command`` under ``-r command:=~/command`` would ask about
        ``~/command``.
        """
        listened = self._command_sub.topic_name
        topics = {listened, self.resolve_topic_name('command', only_expand=True),
                  self.resolve_topic_name('~/command', only_expand=True),
                  '/command', f'/{self.get_name()}/command'}
        string = 'std_msgs/msg/String'
        out = {topic: [] for topic in topics}
        if not any(name in topics - {listened} and string in types
                   for name, types in self.get_topic_names_and_types()):
            return out  # the usual case: one cheap graph query
        for name, namespace in self.get_node_names_and_namespaces():
            try:
                published = self.get_publisher_names_and_types_by_node(name, namespace)
            except Exception:  # noqa: BLE001 - the node left the graph meanwhile
                continue
            for topic, types in published:
                if topic in out and string in types:
                    out[topic].append(publisher_node(namespace, name))
        return {topic: sorted(set(nodes)) for topic, nodes in out.items()}

    def _close_inputs(self):
        """Unsubscribe, stop the timers and the worker; forget frames in flight."""
        for sub in self._inputs:
            self.destroy_subscription(sub)
        self._inputs = []
        self._streams = {}
        # Opened again, they adapt again: a latched sample is what a new subscription
        # receives, and the stored camera_info went with the old one (nav2's pause and
        # resume: deactivate, activate).
        self._info_sub = self._info_latched = None
        self._stored_twins = {}
        self._stored_stamp = None
        self._info_seen = False
        # The image size the last camera_info gives (_add_image: one view of a stereo pair?)
        self._info_width = self._info_height = 0
        self._info_frame_id = ''
        self._info_centre_note, self._info_size_note = None, ''
        self._rectifier = self._rectifier_key = self._no_lens_key = None
        self._info_counted = {}
        self._rectifiers = self._bottom_up_infos = self._mirrored_infos = ()
        self._colour_size = self._info_unsized = None
        self._depth_kind_check.reset()  # checked afresh
        self._image_up_check.reset()
        self._depth_mirror_check.reset()
        # Frames from before the inputs closed are no copies of those after: a frame that
        # comes again once active is taken in, not dropped as a redelivery, named a held
        # frame (for seconds it was inactive) or read as a repeated stamp.
        self._recent_colour.clear()
        self._held_frame.reset()
        if self._held is not None:
            self._held = None
            self.health.clear_notice('frame_held')
        self._last_colour_stamp = self._last_depth_stamp = self._last_depth = None
        self._colour_jump, self._depth_jump = NegativeJump(), NegativeJump()
        for timer in (self._diag_timer, self._sync_timer):
            if timer is not None:
                timer.cancel()
                self.destroy_timer(timer)
        self._diag_timer = self._sync_timer = None
        self.shutdown()
        self._reset_requested.set()  # the view may differ when inputs open again
        with self._cv:
            self._pending = None
        if self.sync is not None:
            self._fresh_sync(self._values_cache)

    def shutdown(self, timeout=10.0):
        """Stop the worker thread (if running); return False if it is still busy.

        The worker finishes the frame in hand first (bounded, but seconds for a large
        model on a loaded CPU); ``timeout`` (s) bounds the wait.
        """
        self._stop.set()
        with self._cv:
            self._cv.notify_all()
        if self._worker is not None:
            self._worker.join(timeout=timeout)
            if self._worker.is_alive():
                return False
            self._worker = None
        return True

    # ------------------------------------------------------------------ parameters
    def _values(self):
        return {p.name: self.get_parameter(p.name).value for p in PARAMETERS}

    def _on_set_parameters(self, params):
        for p in params:
            if self.MANAGED and p.name in READ_ONLY:
                state = self._state_machine.current_state[1]
                if state != 'unconfigured':
                    # helper-48: rclpy's "Trying to set a read-only parameter" in every
                    # state, with no word of how to change it.
                    return SetParametersResult(successful=False, reason=(
                        f'{p.name} is {READ_AT_CONFIGURE} (deactivate and cleanup it, set '
                        f'{p.name}, then configure); the node is {state}'))
            if p.name == 'command':
                if p.value.strip() == '' and p.value != '':
                    return SetParametersResult(successful=False,
                                               reason='command is only whitespace; '
                                               'use "" to clear it')
                if p.value:
                    try:
                        clean_command(p.value)
                    except CommandError as exc:
                        return SetParametersResult(successful=False, reason=str(exc))
                    # "?", "...", "it": refused here, so the active command goes on (an
                    # action server rejects such a goal; it replaced the active one).
                    why = not_a_command(p.value) or rejected_goal(p.value)
                    if why is not None:
                        return SetParametersResult(successful=False, reason=why)
            reason = validate(p.name, p.value)
            if reason:
                return SetParametersResult(successful=False, reason=reason)
        return SetParametersResult(successful=True)

    def _after_set_parameters(self, params):
        values = self._values()
        if self.pipeline is not None:
            self.pipeline.config = PipelineConfig.from_values(values)
        if self.sync is not None:
            self.sync.slop = values['sync_slop']
            self.sync.depth_timeout = values['depth_wait']
        if any(p.name in ('depth_wait', 'max_frame_age', 'use_depth') for p in params):
            self._check_waits(values)
        for p in params:
            if p.name == 'command':
                command = _command_value(p.value)
                if p.value != command:  # `ros2 param set ... command '{"objct": ...}'`
                    self._note_unread(p.value, command)
                if command == self._command:
                    continue  # the same command again (a repeated `ros2 param set`): no-op
                previous = self._command
                with self._answer_lock, self._lock:
                    superseded = bool(previous and command) and not self._answered
                    self._command = command
                    self._answered = not command
                self.get_logger().info((
                    f'command set to "{self._command}"' + (
                        '' if self._outputs_on else ' while inactive: answered once active')
                    if self._command else
                    f'command "{previous}" cancelled by {self._cancelled_by} on the command '
                    'topic; idle' if self._cancelled_by is not None else
                    f'command "{previous}" cancelled by {_cancel_label(p.value)} (parameter '
                    'command); idle' if p.value.strip() else 'command cleared; idle'))
                self._echo_command()
                if superseded:
                    self._supersede(previous, command)
                if not self._command:
                    self._clear_markers()
                else:
                    self._answer_held_frame(values)
            elif p.name != 'use_sim_time' and not p.name.startswith('qos_overrides.'):
                # qos_overrides.* are declared by rclpy as each subscription is created.
                dropped = ''
                if p.name == 'depth_kind':
                    self._depth_kind_check.reset()  # told afresh for the new reading
                    for kind in ('z', 'ray'):
                        self.health.clear_notice(f'depth_kind_{kind}')
                if p.name == 'depth_mirrored':
                    self._depth_mirror_check.reset()  # told afresh for the new reading
                    self.health.clear_notice('depth_mirrored')
                if p.name in ('depth_scale', 'depth_kind', 'float_depth_far',
                              'float_depth_near', 'float_depth_buffer', 'depth_mirrored') and \
                        p.value != self._values_cache[p.name]:
                    # The track's positions are in the old units: kept, the target was
                    # "not seen ... occluded" for track_hold (trial 33), then re-acquired.
                    self._reset_requested.set()
                    dropped = ('; the tracked target is dropped (its position was measured '
                               'in the old units) and acquired afresh on the next frame')
                self.get_logger().info(f'parameter {p.name} set to {p.value!r}{dropped}')
            if p.name == 'diagnostics_period' and self._diag_timer is not None:
                self._diag_timer.cancel()
                self.destroy_timer(self._diag_timer)
                self._diag_timer = self.create_timer(p.value, self._diagnostics,
                                                     clock=self._steady)
        self._values_cache = values

    def _on_reset(self, request, response):
        """``~/reset``: drop the tracked target before the next frame."""
        tracker = self.memory.tracker if self.memory is not None else None
        track = tracker.track if tracker is not None else None
        self._reset_requested.set()
        response.success = True
        response.message = (f'track {track.id} dropped; the next frame acquires afresh'
                            if track is not None else
                            'tracking is off (parameter tracking)'
                            if not self._values_cache['tracking'] else
                            'no target was tracked')
        self.get_logger().info(f'~/reset: {response.message}')
        return response

    def _memory_for(self, config):
        """Return this camera's :class:`Memory`, reconfigured when its parameters change."""
        key = (config.tracking, config.track_hold, config.track_gate, config.track_margin,
               config.reuse_crops, config.reuse_tolerance, config.reuse_box_px)
        if self.memory is None:
            from clip_perception.tracking import Memory

            self.memory, self._memory_key = Memory.from_config(config), key
        elif key != self._memory_key:
            self.memory.configure(config)
            self._memory_key = key
        if self._reset_requested.is_set():
            self._reset_requested.clear()
            self.memory.reset()
        return self.memory

    def _echo_command(self):
        if self.command_pub is not None and self._outputs_on:
            self.command_pub.publish(String(data=self._command))

    def _clear_markers(self):
        """Delete the RViz markers of the last answer, if any (idle now: none follow)."""
        if self._marker_frame is not None and self.marker_pub is not None and \
                self._outputs_on:
            header = Header(stamp=self.get_clock().now().to_msg(),
                            frame_id=self._marker_frame)
            self.marker_pub.publish(MarkerArray(markers=[Marker(
                header=header, ns='clip_perception', id=DELETE_ALL_ID,
                action=Marker.DELETEALL)]))
        self._markers_shown = False

    def _clear_stale_markers(self, now):
        """Delete the target's markers once no colour frame came for ``input_timeout``.

        RViz keeps a marker until it is deleted: when the camera stops (a bag that ends, a
        driver that dies) the last target stayed drawn for good, as if still seen (field
        report). Once per stop, logged; the next answer draws it again.
        """
        arrival = self.health.last_arrival.get('colour')
        timeout = self._values_cache['input_timeout']
        if not self._markers_shown or arrival is None or now - arrival <= timeout:
            return
        with self._answer_lock:  # not between the worker's markers and its answer
            self._clear_markers()
        self.get_logger().info(f'no colour frame for {now - arrival:.1f} s (input_timeout '
                               f"{timeout:g} s): the target's markers are deleted; the "
                               'next answer draws them again')

    # ------------------------------------------------------------------ inputs
    def _now(self):
        return self.get_clock().now().nanoseconds * 1e-9

    def _reject(self, kind, text, stream=None):
        """Count, keep and log (throttled by ``kind``) a refused message.

        :return: whether the line was logged now (False: held by the throttle).
        """
        self.health.reject(kind)
        if stream is not None:
            self.health.refused(stream, text, time.monotonic())
        held = self._throttle.allow(kind, time.monotonic())
        if held is not None:
            more = f' ({held} more like it since the last report)' if held else ''
            self.get_logger().warning(f'skipped: {text}{more}')
        return held is not None

    def _named_yet(self, kind, publishers, now):
        """Return whether a note naming ``publishers`` may be said now.

        A ROS node's name reaches the graph after its writers do (its ros_discovery_info
        comes later), so for a moment rclpy names it ``_NODE_NAME_UNKNOWN_``: the note
        then waits up to :data:`NAME_DISCOVERY_GRACE` for the name, and is said with
        :data:`~clip_perception.health.UNNAMED_PUBLISHER` after that (a DDS application
        never gets one).

        :param kind: the note's key (its own wait).
        :param publishers: ``[(node, ...), ...]`` as named by
            :func:`~clip_perception.health.publisher_node`.
        :param now: ``time.monotonic()`` in seconds.
        """
        if not any(p[0] == UNNAMED_PUBLISHER for p in publishers):
            self._unnamed.clear(kind)
            return True
        return self._unnamed.held(kind, now)

    @property
    def _info_is_centre_crop(self):
        """Whether ``image_from_camera_info`` (read-only) is ``centre_crop``.

        Then a camera_info of a whole multiple of the image's size is read as the camera
        the image is a centred crop of, not the same field of view scaled.
        """
        return self._values_cache['image_from_camera_info'] == 'centre_crop'

    def _warn_once(self, kind, text):
        """Log ``text`` the first time ``kind`` happens; always keep it in diagnostics."""
        self.health.notice(kind, text, time.monotonic())
        self._log_once(kind, text + ' (logged once; counted in /diagnostics)')

    def _log_once(self, kind, text):
        """Log ``text`` as a warning the first time ``kind`` (any hashable) happens.

        For what is said once and counted, not kept in /diagnostics as a problem. Warnings
        only: rclpy fixes a logging call site's severity at its first call.
        """
        if kind not in self._warned_once:
            self._warned_once.add(kind)
            self.get_logger().warning(text)

    def _on_incompatible_qos(self, event):
        text = (f"a camera publisher's QoS is incompatible with this node's (policy "
                f'{event.last_policy_kind}); with a best_effort publisher set qos_reliability '
                'to best_effort')
        self.health.notice('qos', text, time.monotonic())
        self.health.qos_incompatible(text, time.monotonic())
        self._reject('qos', text)

    def _on_output_incompatible_qos(self, topic, event):
        """Name a subscription to an output that requests a QoS its publisher cannot give.

        Before, rclpy logged one line and /diagnostics said ``running`` while the consumer
        (a transient_local pose subscriber, an RViz display asking a deadline) received
        nothing (ros2/rclcpp#2499). A WARN in /diagnostics until it leaves
        (:meth:`_forget_served_outputs`).
        """
        topic = self.resolve_topic_name(topic)
        policy = _policy_name(event.last_policy_kind)
        text, _ = self._output_qos_text(topic, policy)
        self.health.output_qos_incompatible(topic, text, time.monotonic(), policy)
        self.get_logger().warning(text)

    def _output_qos_text(self, topic, policy):
        """Return ``(text, unserved)``: the WARN naming the consumers the graph lists now.

        :param topic: an output's resolved topic; ``policy`` a ``QoSPolicyKind`` name.
        :return: :func:`~clip_perception.health.output_qos_note`'s line, and whether any
            subscription the output cannot serve is left.
        """
        pub = next((p for p in self._outputs if p.topic_name == topic), None)
        profile = None if pub is None else _as_offered(pub.qos_profile)
        # The graph's subscriptions to the output whose QoS its publisher cannot serve.
        unserved = [] if pub is None else [
            i for i in self.get_subscriptions_info_by_topic(pub.topic_name)
            if qos_check_compatible(profile, i.qos_profile)[0] == QoSCompatibility.ERROR]
        consumers, asked, offered = [], '', ''
        for info in unserved:
            consumers.append(publisher_node(info.node_namespace, info.node_name))
            asked, offered = _qos_asked_offered(policy, profile, info.qos_profile)
        consumers = sorted(set(consumers))
        # A ROS node's name reaches the graph after its reader does: "a subscription" until
        # NAME_DISCOVERY_GRACE has passed, not "a DDS application" for a node being named.
        if not self._named_yet(('output_qos', topic), [(c,) for c in consumers],
                               time.monotonic()):
            consumers = [c for c in consumers if c != UNNAMED_PUBLISHER]
        return output_qos_note(topic, policy, consumers, asked, offered), bool(unserved)

    def _forget_served_outputs(self, now):
        """Name again, each tick, the consumers an output cannot serve; clear when none is left.

        DDS reports a mismatch when the two match, never when a subscription leaves or
        when discovery names its node later: the text written then named a consumer that
        had gone while another stayed, and ``a subscription`` for one named since.
        """
        for topic, policy in self.health.output_qos_pending(now):
            text, unserved = self._output_qos_text(topic, policy)
            if unserved:
                if self.health.output_qos_renamed(topic, text):
                    self.get_logger().warning(text)  # named since, or consumers changed
                continue
            self.health.output_qos_gone(topic)
            self.get_logger().info(f'no subscription with an incompatible QoS is left on '
                                   f'{topic}: its warning is cleared')

    def _on_command_incompatible_qos(self, event):
        topic = self.resolve_topic_name('command')  # remapped, as the subscription's
        text = (f"a command publisher's QoS is incompatible with this node's reliable "
                f'command subscription (policy {_policy_name(event.last_policy_kind)}): its '
                f'commands are never received; publish them reliable, e.g. ros2 topic pub '
                f'--qos-reliability reliable {topic} std_msgs/msg/String (micro-ROS: '
                'rclc_publisher_init_default, not _best_effort)')
        self.health.reject('command_qos')
        self.health.command_qos_incompatible(text, time.monotonic())
        self.get_logger().warning(text)

    def _on_command(self, msg):
        self._command_seen = True
        self.health.command_arrived(time.monotonic())
        why = not_utf8_note(msg.data)
        if why is not None:
            self._refuse_command(msg.data, why)  # before is_cancel: no guess at its words
            return
        if is_cancel(msg.data):
            self._cancel(msg.data)
            return
        why = not_a_command(msg.data)
        if why is not None:
            # "[BLANK_AUDIO]", "Thank you.": a voice front end's transcript that asks for
            # nothing must not replace what the robot is doing.
            self._refuse_command(msg.data, why)
            return
        try:
            text = clean_command(msg.data)
        except CommandError as exc:
            self._refuse_command(msg.data, str(exc))
            return
        self._note_unread(msg.data, text)
        if text == self._command or same_command(text, self._command):
            # `ros2 topic pub` repeats its message every second, a voice front end its
            # refined transcript ("The red ball."): a repeat is a no-op.
            self.health.count('commands_repeated')
            return
        why = rejected_goal(msg.data)  # as the parameter's check, quoting what was sent
        if why is not None:
            self._refuse_command(text, why)
            return
        result = self.set_parameters([Parameter('command', Parameter.Type.STRING, text)])[0]
        if not result.successful:
            self._refuse_command(text, result.reason)
            return
        pair = self.health.command_changed(text, time.monotonic())
        if pair is not None:
            topic = self._command_sub.topic_name
            senders = sorted({publisher_node(i.node_namespace, i.node_name)
                              for i in self.get_publishers_info_by_topic(topic)
                              if i.topic_type == 'std_msgs/msg/String'})
            self._warn_once('commands_alternating', command_flips_note(topic, pair, senders))

    def _note_unread(self, raw, text):
        """Name the fields of a structured command ``raw`` the node does not read, once.

        '{"object": "red ball", "colr": "blue"}' (a planner's typo) was answered as the red
        ball with no word of "colr" (helper-h117's brief): one warning names the fields
        (:func:`clip_perception.language.unread_fields`) and every answer to ``text``, the
        command as read, says so in its reason. Plain words: nothing.
        """
        self._sent = (text, raw)
        note = unread_note(unread_fields(raw))
        if note:
            self.get_logger().warning(f'command "{text}": {note}')
            self._unread = (text, note)

    def _refuse_command(self, said, why):
        """Count, log (throttled) and answer a command from the topic the node cannot use.

        One ``~/detection_json`` with status ``rejected`` answers it, so a client waiting
        for its command's answer hears why at once; the active command is unchanged and
        its answers go on.
        """
        self.health.count('commands_rejected')
        shown = said if len(said) <= 80 else said[:80] + '...'
        self._reject('command', f'command "{shown}" rejected: {why}')
        active = f'"{self._command}"' if self._command else 'none (idle)'
        self._answer_command(said[:MAX_ECHO], 'rejected', f'command rejected: {why}; the '
                             f'active command is unchanged: {active}')

    def _supersede(self, previous, command):
        """Answer a command replaced before any frame answered it, once, saying by what.

        Two commands in one spin (a voice node's partial then final transcript, two
        clients, a script sending a list), or one sent while no frame came: the first got
        no answer at all, and a client waiting for its answer (``clip_perception_command``,
        an action-like caller) waited out its timeout with nothing to say why, as an
        action client whose preempted goal gets no result does
        (ros-controls/ros2_controllers#2422). Status ``superseded``, ``command`` the
        replaced one, ``reason`` the command that replaced it; counted.
        """
        self.health.count('commands_superseded')
        reason = (f'command "{previous}" was replaced by "{command}" before a frame answered '
                  f'it; answers now go to "{command}"')
        self.get_logger().info(reason)
        self._answer_command(previous, 'superseded', reason)

    def _json_source(self):
        """``{'node': ..., 'namespace': ...}``: which node (camera) a JSON answer is from.

        ``clip_perception_cameras`` runs one node per camera, all named clip_perception,
        in namespace ``[X/]<camera>``; their answers carry the same frame_id when the
        cameras are of one model, so a consumer that merges them (a relay, a log, a
        rosbridge client) could not tell them apart. Added keys: the schema's others stay.
        """
        return {'node': self.get_fully_qualified_name(), 'namespace': self.get_namespace()}

    def _answer_command(self, said, status, reason):
        """Publish the one ``~/detection_json`` that answers a command, not a frame."""
        if not self._outputs_on:
            return  # inactive: the log line says it
        # The frames' frame_id (it was '' unless the parameter set one): a consumer of
        # several cameras' answers tells them apart by it and by the node.
        header = Header(stamp=self.get_clock().now().to_msg(),
                        frame_id=self._values_cache['frame_id'] or self._answered_frame_id)
        self.json_pub.publish(String(data=json_text(
            notice_dict(header, said, status, reason) | self._json_source())))
        self.health.command_answered(status, reason)

    def _cancel(self, said):
        """Go idle on a cancel word from the topic, as ``command:=''`` does, and say so.

        Publishes one ``~/detection_json`` with status ``cancelled`` (the last answer
        until the next command) and logs one line; while idle already it is a repeat.
        """
        previous = self._command
        if not previous:
            self.health.count('commands_repeated')  # nothing to cancel: already idle
            return
        said = ' '.join(said.split())[:80]
        self._cancelled_by = _cancel_label(said)
        try:
            result = self.set_parameters([Parameter('command', Parameter.Type.STRING, '')])[0]
        finally:
            self._cancelled_by = None
        if not result.successful:  # pragma: no cover - '' is always a valid command
            self._reject('command', f'cancel refused: {result.reason}')
            return
        self._answer_command(said, 'cancelled', f'command "{previous}" cancelled by '
                             f'{_cancel_label(said)}; idle until the next command')

    def _convert(self, stream, label, convert, *args, notes=()):
        """Convert one input message; on failure count, log and report it, return None.

        ``notes``: the list ``convert`` adds its :class:`~clip_perception.messages.Note`
        lines to (also among ``args``). They are counted and said once
        (:meth:`_read_otherwise`) whether the message is kept or refused: a refused
        message's notes (16-bit millimetres read between clip planes and refused under 2
        cm, ``depth_camera_units_under_planes``) were dropped, their hint reaching only
        ``last_refusal_<stream>`` while the refusal's log line is throttled by kind.
        """
        self.health.arrived(stream, time.monotonic())
        said = None
        try:
            return convert(*args)
        except MessageError as exc:
            prefix = 'image' if stream == 'colour' else stream
            text = f'{label}: {exc}'
            said = (text, self._reject(f'{prefix}_{exc.kind}', text, stream))
            return None
        finally:
            self._read_otherwise(stream, notes, said=said)

    def _on_image(self, msg):
        notes = []
        rgb = self._convert('colour', 'image', image_to_rgb, msg.encoding, msg.height,
                            msg.width, msg.step, msg.data, msg.is_bigendian, notes,
                            notes=notes)
        if rgb is not None:
            self._add_image(msg.header, rgb)

    def _on_compressed(self, msg):
        notes = []
        rgb = self._convert('colour', 'compressed image', compressed_to_rgb, msg.format,
                            msg.data, notes, notes=notes)
        if rgb is not None:
            self._add_image(msg.header, rgb)

    def _on_zstd(self, msg):
        notes = []
        rgb = self._convert('colour', 'zstd transport', zstd_to_rgb, msg.data, notes,
                            notes=notes)  # notes: what the raw image inside says wrongly
        if rgb is not None:
            self._add_image(msg.header, rgb)

    def _read_otherwise(self, stream, notes, key=None, said=None):
        """Count and warn once each thing a message was read as otherwise than it says.

        ``notes``: :class:`~clip_perception.messages.Note` lines from the conversion (an
        encoding in other capitals, a ``step`` of 0, a compressed format the data does not
        match, 16-bit depth in the other byte order, a camera matrix in fractions of the
        image size, ``camera_info_units``): answered, but the driver is wrong
        and other tools (cv_bridge, RViz) refuse what this node reads, so it is said once
        and counted as ``<stream>_<kind>`` (``depth_byte_order_swapped`` for byte order).
        ``key``: a camera_info's :func:`_camera_info_key`, counted once per change
        (:meth:`_count_info`); None: counted per message.
        ``said``: ``(refusal's line, whether it was logged now)`` when the message was
        refused, else None. A note the refusal holds (a camera's millimetres read between
        clip planes, refused under 2 cm, carries its note as the reason:
        ``messages._units_checked``) is counted and kept in /diagnostics, and logged once
        with the reason: as the "skipped" line itself, or that line once under the note's
        kind where the throttle held it. Before it was logged twice, once as the note and
        once in the "skipped" line (session 37's open edge).
        """
        for note in notes:
            kind = f'{stream}_{note.kind}'
            if stream == 'depth' and note.kind == 'byte_order':  # a name older than the others
                kind = 'depth_byte_order_swapped'
            if key is None:
                self.health.count(kind)
            else:
                self._count_info(kind, key)
            if said is not None and str(note) in said[0]:  # the refusal gives the reason
                self.health.notice(kind, note, time.monotonic())
                if said[1]:
                    self._warned_once.add(kind)  # its "skipped" line said it
                self._log_once(kind, f'skipped: {said[0]} (logged once; counted in '
                               '/diagnostics)')
                continue
            self._warn_once(kind, note)

    def _info_note(self, kind, text, key):
        """Say ``text`` once, keep it in /diagnostics and count ``kind`` per calibration.

        For what a camera_info is read as beside a warning (its distortion not applied
        here, K written column-major, a K that is a multiple of a camera matrix, one field
        of view over both sizes): before (session 37's open edge) the first three were
        only logged once, so /diagnostics gave no count of them and the line left with
        ``input_timeout``; now each is counted once per camera_info change
        (:meth:`_count_info`) and its newest line is the notice.

        :param kind: the counter and notice, ``camera_info_<what>``.
        :param text: the line.
        :param key: :func:`_camera_info_key` of the message.
        """
        self._count_info(kind, key)
        self._warn_once(kind, text)

    def _count_info(self, kind, key):
        """Count ``kind`` once per camera_info change, not per message.

        A driver repeats one camera_info with every frame (30 Hz), so a count per message
        grew with time and told nothing a count of 1 does not; counted per change it says
        how many calibrations had the fault (a second camera model, a new calibration).

        :param kind: the counter, ``camera_info_<note kind>``.
        :param key: :func:`_camera_info_key` of the message.
        """
        if self._info_counted.get(kind) != key:
            self._info_counted[kind] = key
            self.health.count(kind)

    def _swap_red_blue_note(self, rgb):
        """Say once what ``swap_red_blue:=true`` does to this stream, truly.

        A grey frame (mono8/mono16, an infrared stream, a grey JPEG, a Bayer mosaic read as
        grey) has red equal to blue, so the swap changes nothing: "read with red and blue
        swapped" would tell the user a fix is working that cannot be. Such frames are
        counted (``frames_swap_red_blue_no_colour``) and warned once, kept in /diagnostics
        while they last; the swap's own line waits for a frame with colour.

        :param rgb: (H, W, 3) uint8 RGB as read from the message.
        """
        if holds_no_colour(rgb):
            self.health.count('frames_swap_red_blue_no_colour')
            self._warn_once('swap_red_blue_no_colour', 'swap_red_blue:=true, but the colour '
                            'frames hold no colour (a mono, infrared or grey stream): red '
                            'equals blue, so there is nothing to swap and the parameter '
                            'changes nothing; if the image topic is the colour camera, set '
                            'swap_red_blue:=false, else remap image to it')
            return
        self.health.clear_notice('swap_red_blue_no_colour')
        self._log_once('swap_red_blue', 'colour frames are read with red and blue '
                       'swapped (swap_red_blue:=true): for a driver that labels BGR '
                       'pixels rgb8 or RGB pixels bgr8 (logged once)')

    def _left_view(self, rgb, layout):
        """Return the left camera's view of a stereo pair in one image, warned once a kind.

        messages.stereo_layout: side by side (either view first) or over and under. The
        left view is the pair's reference, as its camera_info and depth are; a swapped
        pair, read as given, was posed from the right camera's view with the left's
        intrinsics. Counted as frames_side_by_side or frames_over_under, and
        frames_stereo_swapped where the left view is the second half.

        :param rgb: (H, W, 3) uint8, the pair.
        :param layout: one of messages.STEREO_LAYOUTS.
        :return: (H, W / 2, 3) or (H / 2, W, 3) uint8, contiguous.
        """
        h, w = rgb.shape[:2]
        halves = {'left_right': rgb[:, :w // 2], 'right_left': rgb[:, w // 2:],
                  'top_bottom': rgb[:h // 2], 'bottom_top': rgb[h // 2:]}
        view = np.ascontiguousarray(halves[layout])
        side = layout in ('left_right', 'right_left')
        self.health.count('frames_side_by_side' if side else 'frames_over_under')
        where = {'left_right': 'left', 'right_left': 'right', 'top_bottom': 'top',
                 'bottom_top': 'bottom'}[layout]
        kind = 'side by side' if side else 'over and under (top-bottom)'
        self._warn_once('side_by_side' if side else 'over_under',
                        f'colour frames are a stereo pair {kind} ({w}x{h}: two views of one '
                        'scene, a stereo USB camera, a Raspberry Pi stereo mode, ZED '
                        f"stereo/image_rect_color): the left camera's view, the {where} "
                        f'half, is used, {view.shape[1]}x{view.shape[0]}, with camera_info '
                        "and depth of that camera; remap image to the left camera's own "
                        'topic if the driver publishes one')
        if layout in ('right_left', 'bottom_top'):
            self.health.count('frames_stereo_swapped')
            self._warn_once('stereo_swapped', f"the stereo pair's halves are swapped: the "
                            f"{where} half holds the left camera's view (its content lies "
                            'further right than in the other half, as in a left view), so '
                            "it is used; check the driver's or cable's left/right order")
        return view

    def _add_image(self, header, rgb):
        now = time.monotonic()
        if self._negative_jump(header, now, self._colour_jump, 'a colour frame',
                               'frames_stamp_backwards'):
            return
        layout = stereo_layout(rgb, self._info_width, self._info_height)
        if layout:
            rgb = self._left_view(rgb, layout)
        if self._values_cache['swap_red_blue']:
            self._swap_red_blue_note(rgb)
            # A driver's rgb8 label on BGR pixels: no frame tells, the user does.
            rgb = np.ascontiguousarray(rgb[..., ::-1])
        negative = self._unstamp_negative(header, 'colour frames', 'frames_negative_stamp')
        stamp = _stamp_seconds(header.stamp)
        held = self._held_frame.seconds(stamp, rgb, now, self._recent_colour[-1]
                                        if self._recent_colour else None)
        if held:
            self._held = (stamp, held)
            self.health.count('frames_held')
            self._warn_once('frame_held', f'colour frames repeat one frame (stamp {stamp:.3f} '
                            f's, the same pixels) for {held:.1f} s: a simulator paused or '
                            'stepped that republishes its last render, a driver '
                            'republishing its last image while its camera stalls, or a '
                            'one-frame recording looped. Copies '
                            f'within {DUPLICATE_WINDOW:g} s of one taken in are dropped; the '
                            'others are answered as that frame (a new command too) until it '
                            'is older than max_frame_age, then skipped as stale. A new frame '
                            'ends it')
        elif self._held is not None and self._held[0] != stamp:
            self._held = None
            self.health.clear_notice('frame_held')
        if duplicate_frame(stamp, rgb, now, self._recent_colour):
            if held:
                return  # counted and said as a held frame
            self.health.count('frames_duplicate')
            self._warn_once('frame_duplicate', f'a colour message was received twice (stamp '
                            f'{stamp:.3f} s, the same pixels, within '
                            f'{DUPLICATE_WINDOW:g} s): answered once, the copy dropped; two '
                            'publishers on the image topic, a bridge beside the driver, or a '
                            'recording that holds each message twice? (A simulator paused on '
                            f'one frame is said apart once its copies last {DUPLICATE_WINDOW:g}'
                            ' s)')
            return
        previous_pixels = self._recent_colour[-1][2] if self._recent_colour else None
        self._recent_colour.append((stamp, now, rgb))
        self.health.frame_in(now)
        invalid = nanosec_note('colour frames', header.stamp.sec, header.stamp.nanosec)
        if invalid:
            self.health.count('frames_nanosec_invalid')
            self._warn_once('stamp_nanosec', invalid)
        if header.stamp.sec == 0 and header.stamp.nanosec == 0 and not negative:
            self.health.count('frames_zero_stamp')
            self._warn_once('stamp_zero', 'colour frames carry a zero header.stamp (the '
                            'driver does not stamp them): their age cannot be checked, '
                            'so max_frame_age is not applied, and depth pairs by arrival')
        last = self._last_colour_stamp
        repeated = repeated_stamp(stamp, last, rgb, previous_pixels)
        if repeated:
            self.health.count('frames_stamp_repeated')
            self._warn_once('stamp_repeated', f'colour frames repeat one header.stamp '
                            f'({stamp:.3f} s): the driver does not stamp each capture, so '
                            'the stamp says nothing of when a frame was taken; such frames '
                            'are treated as unstamped (max_frame_age is not applied, depth '
                            'pairs by arrival, latency runs from arrival): fix the '
                            "driver's stamping")
        self._last_colour_stamp = stamp if stamp != 0 else last
        self._colour_size = (rgb.shape[1], rgb.shape[0])
        held, self._info_unsized = self._info_unsized, None
        if held is not None:  # a camera_info without a size, checked at this one's
            self._on_camera_info(held)
        self._colour_frame_id = _frame_key(header.frame_id)
        if not self._colour_frame_id:
            header.frame_id = ''
            self.health.count('frames_empty_frame_id')
            if not self._values_cache['frame_id']:
                self._warn_once('frame_id_empty', 'colour frames have an empty '
                                'header.frame_id, so outputs cannot be placed in TF; set the '
                                'frame_id parameter (e.g. camera_color_optical_frame)')
        self._check_info_frame()
        if self._info_centre_note:
            # Per colour frame, as the frame check: /diagnostics WARN while it lasts.
            self.health.count('frames_info_off_centre')
            self._warn_once('camera_info_off_centre', self._info_centre_note)
        dropped, reordered = self.sync.dropped, (self.sync.out_of_order, self.sync.steps_back)
        stamp = 0.0 if repeated else stamp  # no capture time: paired and aged by arrival
        for frame in self.sync.add_image(stamp, (header, rgb, now), now):
            self._submit(frame)
        self._note_sync_events(reordered)
        lag = self.sync.depth_lags(stamp, now)
        # Said once the stamps' rate is measured: the first frames of a bag played at
        # --rate 5 are judged at rate 1 and seemed late (helper-48's field round).
        if lag is not None and self.sync.measured_stamp_rate() is not None:
            self.health.count('frames_depth_lagging')
            self._warn_once('depth_lag', f'depth arrives {lag:.1f} s after the colour frame '
                            'of the same stamp, or its clock is '
                            f'{lag * self.sync.stamp_rate():.1f} s behind the '
                            "colour's: no depth can pair within depth_wait "
                            f'({self.sync.depth_timeout:g} s), so frames are answered '
                            'without depth; raise depth_wait if depth is late, or stamp both '
                            'streams from one clock')
        if self.sync.dropped > dropped:
            self._reject('sync_dropped', f'{self.sync.dropped} colour frame(s) dropped so far '
                         f'while waiting: {self.sync.buffer} frames were already waiting for '
                         f'depth or camera_info (each up to depth_wait, '
                         f'{self.sync.depth_timeout:g} s), so the newest took the place of '
                         'the one before it; depth arrives more than '
                         f'{self.sync.buffer} colour frames late or not at all (or frames came '
                         "in a burst): check the depth stream's latency")

    def _note_sync_events(self, before):
        """Count and say once FrameSync's steps back in time and frames out of order.

        A frame delivered after one stamped later was released (best-effort delivery over
        a lossy link, a driver that publishes out of order: usb_cam#259, rosbag2#2058).
        Before session 24 each was answered: the tracker dropped its track at every one
        (13 track ids in 60 frames) and poses went out stamped before the previous one
        (helper-50). The colour stream's steps back in time that FrameSync took in (a
        driver restart, a bag looped, a clock stepped back) are counted as they are taken
        in: a far-back frame is held until the next frame tells whether time went back or
        that one frame came late (counted when it was received, a late frame was warned as
        a restart).

        :param before: ``(out_of_order, steps_back)`` of ``self.sync`` before the call.
        """
        reordered, backs = before
        if self.sync.steps_back > backs:
            self.health.count('frames_stamp_backwards', self.sync.steps_back - backs)
            self._warn_once('stamp_backwards', 'a colour frame is stamped '
                            f'{self.sync.last_step_back:.3f} s before the one received before '
                            'it (a driver restart, a bag played in a loop, a clock stepped '
                            'back): depth and the tracked target start afresh from it')
        n = self.sync.out_of_order - reordered
        if n <= 0:
            return
        self.health.count('frames_out_of_order', n)
        total = self.sync.out_of_order
        self._warn_once('out_of_order', f'colour frames arrive out of order ({total} so '
                        'far stamped before one already answered: '
                        'best-effort delivery over a lossy link, or a driver that '
                        'publishes out of order): each is dropped, since a newer frame '
                        'was answered; reliable QoS keeps the order')

    def _on_depth(self, msg):
        notes = []
        depth = self._convert('depth', 'depth', depth_to_array, msg.encoding, msg.height,
                              msg.width, msg.step, msg.data, msg.is_bigendian,
                              self._values_cache['depth_scale'], notes, self._clip_planes(),
                              notes=notes)  # notes: its byte order, its encoding's spelling
        if depth is not None:
            self._add_depth(msg.header, depth)

    def _on_compressed_depth(self, msg):
        notes = []
        transport = self._values_cache['depth_transport']
        depth = self._convert('depth', transport, compressed_depth_to_array, msg.format,
                              msg.data, self._values_cache['depth_scale'], notes, transport,
                              self._clip_planes(), notes=notes)  # its format's spelling
        if depth is not None:
            self._add_depth(msg.header, depth)

    def _on_zstd_depth(self, msg):
        notes = []
        depth = self._convert('depth', 'zstd transport', zstd_to_depth, msg.data,
                              self._values_cache['depth_scale'], notes, self._clip_planes(),
                              notes=notes)
        if depth is not None:
            self._add_depth(msg.header, depth)

    def _clip_planes(self):
        """``(near, far, buffer)`` of floating depth in [0, 1] (m); far 0: metres."""
        return (self._values_cache['float_depth_near'], self._values_cache['float_depth_far'],
                self._values_cache['float_depth_buffer'])

    def _unstamp_negative(self, header, what, counter):
        """Read a negative ``header.stamp`` as none: set it to zero, count it, say it once.

        :func:`clip_perception.sync.negative_stamp_note` says why: no consumer takes such
        a stamp, and it tells nothing of when the message was taken.

        :param header: the message's std_msgs/Header, changed in place.
        :param what: the stream, for the line (``'colour frames'``).
        :param counter: the /diagnostics counter (``frames_negative_stamp``).
        :return: True when the stamp was negative.
        """
        note = negative_stamp_note(what, header.stamp.sec)
        if note is None:
            return False
        self.health.count(counter)
        self._warn_once(counter, note)
        header.stamp = Time()
        return True

    def _negative_jump(self, header, now, jumps, what, counter):
        """Skip a message stamped negative among its stream's valid stamps: count, say once.

        Such a stamp is a jump of the stream's time, not an unstamped stream
        (:class:`clip_perception.sync.NegativeJump`): read as unstamped it went out as
        stamp 0 among real stamps and restarted the tracked target at each one. A consumer
        reads stamp 0 as no time (tf2 takes the latest transform, not the one at capture:
        a pose off by the camera's motion) and a step back as a restart, so the message is
        skipped: the outputs keep the valid stamps, one track, depth of the valid time.

        :param header: the message's std_msgs/Header (not changed).
        :param now: its arrival, s (``time.monotonic``).
        :param jumps: the stream's :class:`NegativeJump`.
        :param what: the message, for the line (``'a colour frame'``).
        :param counter: the /diagnostics counter (``frames_stamp_backwards``).
        :return: True when skipped.
        """
        sec, nanosec = header.stamp.sec, header.stamp.nanosec
        if not jumps.jump(sec, nanosec, now):
            return False
        valid = jumps.last_valid[0]
        self.health.count(counter)
        self._warn_once(f'{counter}_jump', f'{what} is stamped sec {sec} (before 1970), '
                        f'{valid - _stamp_seconds(header.stamp):.0f} s before the valid '
                        f'stamp {valid:.3f} s its stream carried {now - jumps.last_valid[1]:.3f}'
                        ' s earlier: a jump of its time (a 64-bit time cast to the 32-bit sec '
                        'field, an offset subtracted past zero), not an unstamped stream; '
                        'such messages are skipped, not answered, so the outputs keep the '
                        'valid stamps and the tracked target: fix the stamp in the driver')
        return True

    def _add_depth(self, header, depth):
        now = time.monotonic()
        self.health.accepted('depth', now)
        if self._negative_jump(header, now, self._depth_jump, 'a depth image',
                               'depth_negative_stamp'):
            return
        negative = self._unstamp_negative(header, 'depth images', 'depth_negative_stamp')
        if self._disparity_note:
            self.health.count('depth_disparity_topic')
            self._warn_once('depth_disparity', self._disparity_note)
        if header.stamp.sec == 0 and header.stamp.nanosec == 0 and not negative and \
                self._last_colour_stamp is not None:  # both unstamped: paired by arrival
            self.health.count('depth_zero_stamp')
            self._warn_once('depth_stamp_zero', 'depth images carry a zero header.stamp '
                            '(the driver does not stamp them): they cannot be paired with '
                            'stamped colour frames by time, so each frame takes the newest '
                            'depth by arrival, which may be a frame off in a moving scene; '
                            'stamp depth in its driver')
        invalid = nanosec_note('depth images', header.stamp.sec, header.stamp.nanosec)
        if invalid:
            self.health.count('depth_nanosec_invalid')
            self._warn_once('depth_stamp_nanosec', invalid)
        stamp = _stamp_seconds(header.stamp)
        repeated = repeated_stamp(stamp, self._last_depth_stamp, depth, self._last_depth)
        self._last_depth_stamp, self._last_depth = stamp or self._last_depth_stamp, depth
        if repeated:
            self.health.count('depth_stamp_repeated')
            self._warn_once('depth_stamp_repeated', f'depth images repeat one header.stamp '
                            f'({stamp:.3f} s): the driver does not stamp each capture, so '
                            'depth cannot be paired with colour frames by time; each frame '
                            'takes the newest depth by arrival, as unstamped depth: fix the '
                            "driver's stamping")
            stamp = 0.0
        depth_frame = _frame_key(header.frame_id)
        other = _other_frame(depth_frame, self._colour_frame_id)
        if other:
            self.health.count('depth_other_frame')
        if other and self._values_cache['assume_depth_registered']:
            self._log_once('depth_frame_id', f'depth images are in frame "{depth_frame}" but '
                           f'colour frames in "{self._colour_frame_id}": used as registered '
                           'to the colour camera (assume_depth_registered:=true)')
        elif other:
            self._warn_once('depth_frame_id', f'depth images are in frame "{depth_frame}" but '
                            f'colour frames in "{self._colour_frame_id}": depth must be '
                            'registered to the colour camera (a topic such as '
                            'aligned_depth_to_color/image_raw or depth_registered/image_rect), '
                            'else its pixels see other points than the colour pixels (poses '
                            'off by centimetres); this depth is not used: frames are answered '
                            'in 2D until depth in the colour frame arrives (a driver that '
                            "labels registered depth with the depth camera's frame: set "
                            'assume_depth_registered:=true)')
        elif depth_frame == self._colour_frame_id:
            self.health.clear_notice('depth_frame_id')  # registered depth arrives: said
        # The depth's own frame goes with it: whether a depth of another size may be
        # resampled depends on it (depth_to_image_size), decided on the worker.
        reordered = self.sync.out_of_order, self.sync.steps_back
        for frame in self.sync.add_depth(stamp, (depth, depth_frame), now):
            self._submit(frame)
        self._note_sync_events(reordered)

    def _on_camera_info(self, msg):
        now = time.monotonic()
        self._info_seen = True
        self.health.arrived('camera_info', now)
        self._info_width = msg.width // max(1, msg.binning_x)
        self._info_height = msg.height // max(1, msg.binning_y)
        roi = msg.roi
        roi_box = (roi.x_offset, roi.y_offset, roi.width, roi.height)
        notes = []
        key = _camera_info_key(msg)
        unsized = msg.width == 0 and msg.height == 0
        if unsized:
            self._warn_once('camera_info_size', 'camera_info width and height are 0: taking '
                            'the size of the colour image')
            if self._colour_size is None:
                # Read and checked at the first colour frame's size (_add_image), as every
                # later one is on arrival: never used unchecked.
                self._info_unsized = msg
                return
        try:
            intr = camera_info_to_intrinsics(
                msg.k, msg.width, msg.height, msg.p, msg.binning_x, msg.binning_y,
                roi_box, notes, self._colour_size, crop=self._info_is_centre_crop)
        except MessageError as exc:
            self._reject('camera_info_' + exc.kind, str(exc), 'camera_info')
            return
        finally:  # refused or kept, what it was read as otherwise is said (_convert)
            self._read_otherwise('camera_info', notes, key)  # a camera matrix not in pixels
        bottom_up = any(note.kind == 'rows_bottom_up' for note in notes)
        if bottom_up:
            self._bottom_up_infos = (self._bottom_up_infos + (intr,))[-self.sync.buffer:]
        mirrored = any(note.kind == 'columns_right_to_left' for note in notes)
        if mirrored:
            self._mirrored_infos = (self._mirrored_infos + (intr,))[-self.sync.buffer:]
        colour = self._streams.get('colour')  # none once deactivated
        topic = colour.topic_name if colour is not None else ''
        rectify = self._values_cache['rectify']
        distortion = distortion_note(msg.d, msg.distortion_model, topic, rectify)
        if distortion is not None:
            self._info_note('camera_info_distortion', distortion, key)
        self._rectifier = self._rectifier_for(msg, intr, topic, rectify, roi_box, bottom_up,
                                              mirrored)
        if self._rectifier is not None and self._rectifier.note:
            # An R that is no rotation, rectified with identity: counted per change.
            self._read_otherwise('camera_info', [Note('rotation', self._rectifier.note)], key)
        layout = camera_matrix_layout_note(msg.k, msg.p)
        if layout is not None:
            self._info_note('camera_info_transposed', layout, key)
        scaled = camera_matrix_scale_note(msg.k, msg.p)
        if scaled is not None:
            self._info_note('camera_info_scaled_matrix', scaled, key)
        self.health.accepted('camera_info', now)
        self._info_frame_id = _frame_key(msg.header.frame_id)
        self._info_centre_note = principal_point_note(intr, roi_set=any(roi_box[2:]))
        one_fov = one_field_of_view_note(intr)
        if one_fov is not None:  # said, not changed: no frame tells which focal length
            self._info_note('camera_info_one_fov', one_fov, key)
        self._info_size_note = camera_info_size_note(msg.width, msg.height, msg.binning_x,
                                                     msg.binning_y, roi_box)
        self.sync.add_info(_stamp_seconds(msg.header.stamp), intr)
        self._rectifiers = (self._rectifiers + (
            (intr, self._rectifier_key, self._rectifier),))[-self.sync.buffer:]

    def _frame_rectifier(self, intr, rgb):
        """Return the Rectifier of the camera_info ``intr`` a frame is paired with, or None.

        The sync pairs a frame with the camera_info nearest in stamp, which need not be
        the newest: after a recalibration or a resolution switch, a camera_info that
        overtook the last frames of the old one (a few hundred bytes against an image)
        made the newest maps another camera's, and those frames went out unrectified
        (another size) or rectified with the new D, without a word. A frame whose own
        maps are gone or do not fit its size (``rgb``, (H, W[, C])) is counted as
        ``frames_not_rectified`` and said once.
        """
        if intr is None:
            return None
        own = next((entry for entry in reversed(self._rectifiers) if entry[0] is intr), None)
        if own is not None:
            rectifier, why = own[2], ''
        else:  # not kept (the sync keeps as many): the newest, if of this camera matrix
            rectifier, why = self._rectifier, 'its camera_info is no longer kept'
            if rectifier is not None and \
                    rectifier.made_for(intr.fx, intr.fy, intr.cx, intr.cy):
                why = ''
        if rectifier is None:
            return None  # nothing to rectify (or warned where it cannot be done)
        if rgb.shape[:2] != (rectifier.height, rectifier.width):
            why = (f'the maps are {rectifier.width}x{rectifier.height}, the frame '
                   f'{rgb.shape[1]}x{rgb.shape[0]}')
        if not why:
            return rectifier
        self.health.count('frames_not_rectified')
        self._log_once('frame_not_rectified', 'a colour frame whose camera_info has lens '
                       f'distortion went out unrectified: {why} (logged once; counted as '
                       'frames_not_rectified)')
        return None

    def _rectifier_for(self, msg, intr, topic, rectify, roi_box, bottom_up=False,
                       mirrored=False):
        """Return the :class:`~clip_perception.rectify.Rectifier` of a camera_info, or None.

        None where there is nothing to rectify (D zero, ``rectify`` never, or auto on a
        topic named rect) and where it cannot be done here (binning, roi, an unknown
        model: warned once, the frames go on as they come). ``K`` and the size are read
        as ``intr`` was (:func:`raw_camera_matrix`; a size of 0 is the image's). Built once per
        camera model (the maps take ~10 ms at 640x480), kept while camera_info repeats it.
        """
        if not has_distortion(msg.d) or not rectified_here(rectify, topic):
            return None
        key = (tuple(msg.k), tuple(msg.d), tuple(msg.r), msg.distortion_model, intr)
        kept = self._rectifier
        if kept is not None and self._rectifier_key == key:
            return kept
        for _, made_key, made in self._rectifiers:
            if made is not None and made_key == key:
                self._rectifier_key = key  # back to a calibration kept: not made again
                return made
        if key == self._no_lens_key:
            return None
        why = None
        if max(msg.binning_x, msg.binning_y) > 1 or any(roi_box):
            why = 'camera_info has binning or a roi (image_proc applies them with the maps)'
        else:
            # K read as P was (transposed back, in pixels), at the size the pose reads:
            # the image's where camera_info gives 0.
            try:
                new_k = [[intr.fx, 0.0, intr.cx], [0.0, intr.fy, intr.cy], [0.0, 0.0, 1.0]]
                # Rows bottom-up (a negative fy), columns right to left (a negative fx):
                # the frames are turned back before the maps, so D and R are read for the
                # upright image too.
                d, r = msg.d, msg.r
                if bottom_up:
                    d, r = turned_over(d, r, msg.distortion_model)
                if mirrored:
                    d, r = turned_over(d, r, msg.distortion_model, columns=True)
                made = make_rectifier(raw_camera_matrix(msg.k, intr.width, intr.height,
                                                        self._info_is_centre_crop),
                                      d, r, msg.distortion_model, new_k,
                                      intr.width, intr.height)
            except NoLensError as exc:
                # image_proc would smear the frames too: used as they come, and said.
                self._no_lens_key = key
                self.health.count('camera_info_no_lens')
                self._warn_once('camera_info_no_lens', f'camera_info {exc}: images on '
                                f'{topic} are used as they come, not rectified (poses off '
                                'towards the edges if the lens does distort them): fix D in '
                                'the driver, or set rectify:=never if the images need none')
                return None
            except ValueError as exc:
                why = str(exc)
        if why is not None:
            self._warn_once('camera_info_not_rectified', f'camera_info has '
                            f'{msg.distortion_model or "distortion"} coefficients but images '
                            f'on {topic} are not rectified here: {why}; poses are off towards '
                            'the edges: rectify upstream with image_proc and remap image to '
                            'image_rect (or set rectify:=never if it is rectified already)')
            return None
        self._rectifier_key = key
        self._log_once(('rectifying', key), f'rectifying colour and depth images on {topic} '
                       f'as image_proc does: camera_info has {made.model} distortion (up to '
                       f'{made.max_shift:.0f} px at the image border at '
                       f'{made.width}x{made.height}); boxes and ~/debug_image are in the '
                       'rectified image, posed with its camera matrix. Set rectify:=never if '
                       'the images are rectified already (logged once; frames counted as '
                       'frames_rectified)')
        return made

    def _check_info_frame(self):
        """Warn (once) and count a colour frame whose camera_info is of another frame.

        The intrinsics must be the colour camera's: a camera_info remapped from another
        camera of the same size (a RealSense's ``depth/camera_info``, whose focal length
        is 0.7 times the colour's) is accepted by every size check and scales each pose
        across the image; its frame_id is the only sign. Checked per colour frame, so a
        latched camera_info received before the first frame is checked too. Empty frame
        ids (drivers that leave them empty) are not compared.
        """
        info_frame, colour_frame = self._info_frame_id, self._colour_frame_id
        if not info_frame or not colour_frame or info_frame == colour_frame:
            return
        self.health.count('frames_info_other_frame')
        self._warn_once('camera_info_frame_id', f'camera_info is in frame "{info_frame}" but '
                        f'colour frames in "{colour_frame}": the intrinsics must be the '
                        "colour camera's (remap camera_info to the colour image's own, e.g. "
                        '/camera/color/camera_info, or aligned_depth_to_color/camera_info), '
                        'else poses are scaled and shifted across the image')

    def _poll_sync(self):
        reordered = self.sync.out_of_order, self.sync.steps_back
        for frame in self.sync.poll(time.monotonic()):
            self._submit(frame)
        self._note_sync_events(reordered)

    def _submit(self, frame):
        """Hand the newest frame to the worker; a frame still waiting is dropped."""
        with self._cv:
            if self._pending is not None:
                self.health.count('frames_dropped')
            if self._last_frame is not None:
                self._frame_intervals.append(frame.image[2] - self._last_frame.image[2])
            self._pending = self._last_frame = frame
            self._cv.notify()

    def _answer_held_frame(self, values):
        """Answer a new command on the last frame if the camera has gone quiet.

        A command that came after the camera's last frame (an ``image_publisher`` that
        published once, a camera stopped or paused, a script that publishes a frame and
        then asks) was answered when the next frame came, which may be never; a frame in
        the worker when the command changed is discarded too (its answer would be the old
        command's). So when no newer frame has come :data:`HELD_FRAME_GRACE` after the
        command (or twice the camera's frame interval, the median of its last
        :data:`FRAME_INTERVALS` gaps, if longer and within the window below), the last
        frame goes to the worker again with
        the new command, if it arrived within ``max_frame_age`` (``input_timeout`` when
        that is 0). A camera that streams sends its next frame first, and that frame
        answers: a recording or a harness that changes the scene as it sends the command
        is never answered on the scene before.
        Counted as ``frames_reanswered``; the answer's reason names the frame's age.
        """
        with self._cv:
            last = self._last_frame
            interval = statistics.median(self._frame_intervals) \
                if self._frame_intervals else None
        if last is None or not self._outputs_on:
            return
        window = values['max_frame_age'] or values['input_timeout']
        # A camera that streams (frames closer than the window) sends its next frame
        # within its interval; frames further apart are a still camera's or a script's.
        grace = max(HELD_FRAME_GRACE, 2.0 * interval) if interval and interval <= window \
            else HELD_FRAME_GRACE
        if time.monotonic() + grace - last.image[2] > window:
            return  # too old by the time it could be used: the next frame answers
        command = self._command
        timer = threading.Timer(grace, self._reanswer, (last, command, window))
        timer.daemon = True
        timer.start()

    def _reanswer(self, last, command, window):
        """:meth:`_answer_held_frame`'s check when its grace has passed (timer thread)."""
        with self._cv:
            held = time.monotonic() - last.image[2]
            if self._stop.is_set() or self._last_frame is not last or \
                    self._pending is not None or self._command != command or \
                    self._answered or held > window:
                return  # a newer frame came, or the command changed or was answered
            self._pending = dataclasses.replace(last, held=held)
            self.health.count('frames_reanswered')
            self._cv.notify()

    # ------------------------------------------------------------------ worker
    def _work(self):
        while not self._stop.is_set():
            with self._cv:
                while self._pending is None and not self._stop.is_set():
                    self._cv.wait(0.2)
                frame, self._pending = self._pending, None
                command = self._command
            if frame is None:
                continue
            if not self.context.ok():
                return  # shutting down: nothing can be published any more
            try:
                self._checks_due = None
                self._process(frame, command)
                self._check_inputs()
            except Exception as exc:  # noqa: BLE001 - the worker must survive anything
                if not self.context.ok():
                    return
                self.health.count('frames_failed')
                text = f'frame failed: {type(exc).__name__}: {exc}'
                self.health.frame_skipped(time.monotonic(), text)
                self._reject('internal', text)
            finally:
                self.health.enter_stage(None, time.monotonic())

    def _process(self, frame, command):
        header, rgb, arrived = frame.image
        if not command:
            self._track = None  # nothing is followed while idle
            self.health.frame_idle(time.monotonic())
            return
        # Clocks, depth conversion, rectification and the depth_kind check: before, the
        # stage read "idle" here and while publishing, so the watchdog could not name them.
        self.health.enter_stage('prepare', time.monotonic())
        max_age = self._values_cache['max_frame_age']
        now_ros = self._now()
        age = now_ros - frame.stamp
        boot_age = boot_clock_age(frame.stamp, age, (time.clock_gettime(time.CLOCK_MONOTONIC),
                                                     time.clock_gettime(time.CLOCK_BOOTTIME)))
        if boot_age is not None:
            self.health.count('frames_boot_clock')
            self._warn_once('stamp_boot_clock', f'colour frames are stamped with this '
                            f"machine's time since boot ({frame.stamp:.1f} s), not ROS time: "
                            'the driver copies its capture timestamp (V4L2, libcamera) into '
                            'header.stamp. Frames are answered and max_frame_age is measured '
                            'on that clock, but outputs carry these stamps, which tf2 and '
                            'other nodes read as 1970: have the driver stamp with ROS time')
            age = boot_age
        sim_time = self.get_clock().ros_time_is_active
        sim_stamp = not sim_time and boot_age is None and simulator_stamp(frame.stamp, age)
        if sim_stamp:
            self.health.count('frames_sim_clock')
            # A device's or another machine's time since boot looks the same (a Raspberry
            # Pi or Jetson camera node stamping CLOCK_MONOTONIC: camera_ros#127); only a
            # /clock publisher tells a simulator (helper-50: the advice named the
            # simulator alone, and use_sim_time:=true without /clock stops ROS time at 0).
            clock = ('a node publishes /clock now' if self.count_publishers('/clock')
                     else 'none publishes /clock now')
            self._warn_once('stamp_sim_clock', f'colour frames are stamped {frame.stamp:.1f} s '
                            "after 1970: a simulator's time since it started (Gazebo's camera "
                            'plugins stamp with sim time whatever use_sim_time says) or '
                            "another machine's or a device's time since boot (a camera node "
                            'on a Raspberry Pi or Jetson stamping CLOCK_MONOTONIC), but this '
                            'node runs on the system clock: their age cannot be known, so '
                            'they are answered without max_frame_age, and the outputs carry '
                            'these stamps, which tf2 reads as 1970. Set use_sim_time:=true if '
                            f'a simulator publishes /clock ({clock}); else have the camera '
                            "driver stamp with ROS time, or the machines' clocks synced")
        # Only ROS time (use_sim_time) steps back with a looped recording's stamps.
        behind = sim_time and self._clock_behind.unmeasurable(frame.stamp, now_ros)
        if behind:
            self.health.count('frames_clock_behind_loop')
            self._log_once('clock_behind_loop', f'a colour frame stamped {frame.stamp:.2f} s '
                           'stepped back in time (a looped recording starting a new pass) '
                           f'before /clock did (ROS time {now_ros:.2f} s): frames of the new '
                           'pass are answered without max_frame_age until /clock steps back '
                           '(logged once; counted as frames_clock_behind_loop). ros2 bag '
                           "play publishes /clock at --clock's rate: 40 Hz keeps it close")
        if now_ros == 0.0 and frame.stamp != 0:
            self.health.count('frames_age_unknown')
            self._warn_once('no_clock', 'use_sim_time is true but no /clock has been '
                            'received: ROS time is 0, so frame ages cannot be checked '
                            '(max_frame_age is not applied); play the bag with --clock')
        elif frame.stamp != 0 and age < -FUTURE_STAMP_TOLERANCE:
            self.health.count('frames_future_stamp')
            self._warn_once('stamp_future', f'colour frames are stamped {-age:.1f} s in the '
                            "future (the camera's clock is ahead of this node's; are the "
                            'clocks synchronised? use_sim_time?): max_frame_age cannot '
                            'catch stale frames, and outputs carry these stamps')
        stored = self._stored_stamp is not None and frame.stamp == self._stored_stamp
        latched_old = stored and max_age > 0 and age > max_age  # answered, its age said
        if latched_old:
            self.health.count('frames_latched')
            self._log_once('frame_latched', f'a colour frame {age:.1f} s old came from a '
                           'latched (transient_local) publisher, stored before this node '
                           'subscribed: answered although older than max_frame_age '
                           f'({max_age:g} s), its age in each reason (logged once; counted as '
                           'frames_latched)')
        if max_age > 0 and age > max_age and frame.stamp != 0 and now_ros != 0.0 and \
                not sim_stamp and not behind and not stored:
            self.health.count('frames_stale')
            # The camera's held frame (HeldFrame), the wait for depth, the node's own
            # backlog or the clocks: stale_reason says which knob to turn.
            held = self._held is not None and self._held[0] == frame.stamp
            text = stale_reason(age, max_age, frame.waited, time.monotonic() - arrived,
                                self._values_cache['depth_wait'],
                                self._held[1] if held else None)
            self.health.frame_skipped(time.monotonic(), text)
            self.health.notice('stale', f'frames skipped as stale: {text}', time.monotonic(),
                               ERROR)
            self._reject('stale', text)
            return
        intr = frame.info
        depth, depth_frame = frame.depth if frame.depth is not None else (None, '')
        now = time.monotonic()
        if depth is not None and self._values_cache['depth_mirrored']:
            # Columns the other way from the colour's (a renderer's RGB-D sensor): turned
            # back before anything reads it, rows and rectification included.
            depth = np.ascontiguousarray(depth[:, ::-1])
        if intr is not None and any(i is intr for i in self._mirrored_infos):
            # Columns right to left (a negative fx): mirrored back, colour and depth alike.
            rgb, depth = columns_turned_left_to_right(rgb, depth)
            self.health.count('frames_columns_turned')
            self._log_once('columns_turned', 'colour and depth columns are read right to '
                           'left and mirrored back (a camera_info with a negative fx): boxes '
                           'and ~/debug_image are in the mirrored-back image (logged once; '
                           'counted as frames_columns_turned)')
        turned = self._values_cache['image_rows'] == 'bottom_up' or (
            intr is not None and any(i is intr for i in self._bottom_up_infos))
        if turned:
            # Rows counted from the bottom (an OpenGL readback): turned over, never half
            # round (image_up:=down), which would mirror left and right too.
            rgb, depth = rows_turned_top_down(rgb, depth)
            self.health.count('frames_rows_turned')
            self._log_once('rows_turned', 'colour and depth rows are read bottom-up and '
                           'turned over (image_rows:=bottom_up, or a camera_info with a '
                           'negative fy): boxes and ~/debug_image are in the turned image '
                           '(logged once; counted as frames_rows_turned)')
        depth_note = frame.no_depth_reason
        refused = self.health.refusal('depth')
        if depth_note and refused is not None:
            depth_note = f'depth images arrive but are refused: {refused}'
        info_note = old_info = ''
        if intr is not None:
            kept = self.health.refused_since_kept('camera_info', now)
            if kept is not None:
                old_info = (f'the newest camera_info is refused ({kept[0]}): posed with the '
                            f'last accepted one, received {kept[1]:.1f} s ago')
                self.health.notice('camera_info_old', old_info, now)
                self.health.count('frames_old_camera_info')
            notes = []
            try:
                intr = intrinsics_for_image(
                    intr, rgb.shape[1], rgb.shape[0], notes,
                    crop=self._info_is_centre_crop)
            except MessageError as exc:
                text = str(exc) + (f' ({self._info_size_note})' if self._info_size_note
                                   else '')
                self.health.frame_skipped(now, text)
                self.health.notice('size', f'frames skipped: {text}', now, ERROR)
                self._reject('image_' + exc.kind, text, 'colour')
                return
            if notes:  # a camera_info of the camera the image was scaled down from
                self.health.count('frames_info_scaled')
                self._warn_once('camera_info_scaled', notes[0] + (
                    '; its lens distortion is not removed at this size (rectify upstream)'
                    if self._rectifier is not None else ''))
        else:
            refused = self.health.refusal('camera_info')
            info_note = ('no camera_info received yet' if refused is None else
                         f'camera_info arrives but is refused: {refused}')
            sub = self._streams.get('camera_info')
            if refused is None and sub is not None and \
                    not self.count_publishers(sub.topic_name):
                if self._unpublished.held(sub.topic_name, now):
                    info_note += ': ' + info_unpublished_note(sub.topic_name)
                    self._log_once('camera_info_unpublished', f'answering in 2D only: '
                                   f'{info_note} (logged once; /diagnostics says while it '
                                   'lasts)')
            elif sub is not None:
                self._unpublished.clear(sub.topic_name)
            self.health.notice('camera_info_missing', f'answering in 2D only: {info_note}', now)
        if depth is not None and (depth.shape != rgb.shape[:2] or self._unregistered(
                depth_frame, header)):
            depth, depth_note = self._depth_to_image_size(depth, depth_frame, header, rgb)
        rectifier = self._frame_rectifier(intr, rgb)
        if rectifier is not None:
            rgb = rectifier.colour(rgb)
            if depth is not None and self._depth_rectified_upstream:
                self._log_once('depth_rectified_upstream', f'depth on '
                               f'{self._depth_rectified_upstream} is taken as rectified '
                               'already (named rect): only the colour image is rectified '
                               '(set rectify:=always if that depth is raw; logged once)')
            elif depth is not None:
                depth = rectifier.depth(depth)
            self.health.count('frames_rectified')
        kind = self._values_cache['depth_kind']
        if depth is not None and intr is not None and kind == 'ray':
            # A range along each pixel's ray (Isaac Sim's distance_to_camera): z here, in
            # the image as posed (rectified: a range is the same at any pixel it moves to).
            depth = ray_to_z(depth, intr)
            self._log_once('depth_read_as_ray', 'depth is read as the distance along each '
                           "pixel's ray from the optical centre (depth_kind ray) and "
                           'converted to z with the colour camera_info (logged once)')
        if depth is not None and intr is not None:
            # Checked once the frame is answered (_check_inputs): 10-125 ms a check, they
            # delayed the first answers to each command.
            self._checks_due = (depth, intr, kind, header.frame_id, turned, rgb,
                                self._depth_kind_check.due(now), self._image_up_check.due(now),
                                self._depth_mirror_check.due(now))
        if depth is not None and not np.isfinite(depth).any():
            depth_note = ('the depth image holds no reading (all zero, NaN, negative or '
                          'inf): is the depth stream running and aligned?')
            depth = None
        if frame.depth_lead is not None and depth is None:
            # Depth stamped ahead of the colour it arrives with: two clocks.
            self.health.count('frames_depth_leading')
            self._warn_once('depth_lead', f'colour frames are answered without depth: '
                            f'{depth_note}')
        if frame.depth_gap is not None and depth is None:
            # Depth arrives, regularly stamped, but beyond sync_slop of this frame.
            self.health.count('frames_depth_beyond_slop')
            self._warn_once('depth_beyond_slop', f'colour frames are answered without depth: '
                            f'{depth_note}')
        if depth_note:
            # A period only where depth is stamped steadily: the gaps left by depth lost on
            # the way are no camera's period (FrameSync.depth_regular).
            sub = self._streams.get('depth')
            loss = self.health.depth_loss_note(
                now, self.sync.depth_period() if self.sync.depth_regular() else None,
                publishers=None if sub is None else self.count_publishers(sub.topic_name),
                topic='depth' if sub is None else sub.topic_name)
            self.health.notice('depth_missing', f'answering without depth: {depth_note}'
                               + (f'; {loss}' if loss else ''), now)
            if loss:  # in the log too, where the first look goes (helper-56)
                # One key a kind of note: each is said once, none hides another (helper-96).
                self._log_once(loss.kind, f'colour frames are answered without depth: '
                               f'{loss} (logged once; /diagnostics says while it lasts)')
        note = info_note or depth_note
        colour_note = ''
        if holds_no_colour(rgb):
            colour_note = 'the image holds no colour: colour words cannot be checked'
            self.health.count('frames_no_colour')
            self._warn_once('no_colour', 'colour frames hold no colour (a mono or infrared '
                            'stream, e.g. infra1/image_rect_raw, or a mono camera): a colour '
                            'in the command cannot be seen, so answers to "the red ball" pick '
                            'or reject balls of any colour; remap image to the colour '
                            "camera's topic (e.g. /camera/color/image_raw), or, where a WARN "
                            'names a Bayer mosaic in them, set its bayer_* encoding in the '
                            'driver')
        else:
            self.health.clear_notice('no_colour')
        frame_id = self._values_cache['frame_id'] or header.frame_id
        bare = unpadded(frame_id)
        if bare != frame_id:
            # A driver's frame_id read from a config string with a trailing space or
            # newline, or copied from a fixed-size C buffer with its NUL padding: tf2 looks
            # frames up as written, so no frame of that name exists.
            self._warn_once('frame_id_space', f'header.frame_id {frame_id!r} has whitespace '
                            'or NUL padding around it, which tf2 keeps (no frame of that name '
                            f"exists); publishing {bare!r}: fix the driver's frame_id")
            frame_id = bare
        if frame_id.startswith('/'):
            # tf2 refuses frame ids with a leading slash (a ROS 1 habit): drop it.
            self._warn_once('frame_id_slash', f'header.frame_id "{frame_id}" starts with "/", '
                            'which tf2 refuses; publishing it without the slash')
            frame_id = frame_id.lstrip('/')
        # Only the name can be checked, and some drivers' optical frames lack the suffix
        # (Azure Kinect's rgb_camera_link, helper-49): one log line per name and a count,
        # not a /diagnostics WARN that nothing could clear; none once frame_id is set.
        optical = None if self._values_cache['frame_id'] else optical_frame_note(frame_id)
        if optical is not None:
            self.health.count('frames_not_optical_frame_id')
            self._log_once(('frame_not_optical', frame_id),
                           optical + ' (logged once; counted in /diagnostics)')
        header.frame_id = self._answered_frame_id = frame_id
        # One snapshot for the memory and the frame: a parameter set from the executor
        # thread meanwhile applies from the next frame (Pipeline.run).
        config = self.pipeline.config
        memory = self._memory_for(config)
        stamp = frame.stamp if frame.stamp else time.monotonic()
        with self._infer_lock:  # one model may serve several nodes (cameras_main)
            # Depth goes in without camera_info too: the pipeline then answers "no
            # camera_info", not "no depth image" while depth arrives (field report).
            result = self.pipeline.run(rgb, command, depth, intr, memory=memory, stamp=stamp,
                                       config=config)
        for key in ('crops_encoded', 'crops_reused'):
            self.health.count(key, result.work.get(key, 0))
        self.health.count('frames_unchanged', int(result.work.get('frame_unchanged', False)))
        # Without depth (or intrinsics) every answer says so, not only a found one: the
        # proposals were the image's alone, so "not found" is weaker evidence (session
        # 19's trial: a not_found on a frame whose depth came too late read like any other).
        reason = result.reason + (f' ({note})' if note and result.pose is None else '')
        if colour_note:  # every answer: "not found" on a grey image is no evidence either
            reason += f' ({colour_note})'
        if old_info and result.pose is not None:
            reason += f' ({old_info})'
        if latched_old:
            reason += (f' (a latched frame, {age:.1f} s old: stored by a transient_local '
                       'publisher before this node subscribed)')
        if frame.held is not None:
            reason += (f' (answered on the last frame, received {frame.held:.2f} s before '
                       'the command: no newer frame had come)')
        if self._unread is not None and self._unread[0] == command:
            reason += f' ({self._unread[1]})'  # fields of the command not read
        if self._sent is not None and self._sent[0] == command and result.status == REFUSED:
            reason = quoted_as_sent(reason, self._sent[1], command)  # as sent, not as read
        with self._answer_lock:
            if not self._command:
                # Cancelled while this frame was processed: its answer would come after
                # the "cancelled" one (a pose after "stop").
                self.health.frame_idle(time.monotonic())
                return
            if self._command != command:
                # Another command arrived while this frame was processed: an answer to
                # the old one after ~/active_command echoed the new one would be taken
                # for the new one's (a PoseStamped names no command). The next frame
                # answers the new command.
                self.health.count('frames_superseded')
                return
            self._track = result.track
            repeated = frame.stamp == 0 and _stamp_seconds(header.stamp) != 0
            other_clock = ('repeated stamps' if repeated else 'use_sim_time' if sim_time
                           else 'stamps on the time since boot' if boot_age is not None
                           else 'stamps on another clock' if sim_stamp else '')
            latency = frame_latency(_stamp_seconds(header.stamp), self._now(), arrived,
                                    time.monotonic(), other_clock)
            self.health.enter_stage('publish', time.monotonic())
            self._publish(header, rgb, result, reason, latency, intr)
            self._answered = True
        self.health.frame_done(time.monotonic(), latency[0], result.status, reason,
                               latency[1])

    def _check_inputs(self):
        """Run the input checks due on the frame just answered; say the findings that stand.

        Worker thread, after the answer is published (before, the checks ran ahead of the
        pipeline and delayed the first answers to each command by their 20-250 ms). Each
        finding that stands is said in /diagnostics and counts the frame
        (``frames_depth_kind_suspect``, ``frames_image_up_suspect``): posted on the checked
        frames only, it left /diagnostics ``input_timeout`` later while the poses stayed
        off. A check that fails is logged once; the frame's answer stands.
        """
        due, self._checks_due = self._checks_due, None
        if due is None:
            return
        depth, intr, kind, frame_id, turned, rgb, kind_token, up_token, mirror_token = due
        now = time.monotonic()
        # Counted as they run: a frame that failed after they were due used none up.
        if kind_token is not None and not self._depth_kind_check.begin(kind_token, now):
            kind_token = None
        if up_token is not None and not self._image_up_check.begin(up_token, now):
            up_token = None
        if mirror_token is not None and not self._depth_mirror_check.begin(mirror_token, now):
            mirror_token = None
        if (kind_token, up_token, mirror_token) != (None, None, None):
            self.health.enter_stage('check', now)
        try:
            if kind_token is not None:
                self._check_depth_kind(depth, intr, kind, kind_token)
            if up_token is not None:
                self._check_image_up(depth, intr, frame_id, up_token, turned)
            if mirror_token is not None:
                self._check_depth_mirror(rgb, depth, mirror_token)
        except Exception as exc:  # noqa: BLE001 - a check must not fail an answered frame
            self._warn_once('input_check_failed', f'the depth_kind / image_up / '
                            f'depth_mirrored check failed: {type(exc).__name__}: {exc} '
                            '(logged once; answers go on)')
        now = time.monotonic()
        finding = self._depth_kind_check.finding
        if finding is not None and finding[0] == kind:
            # A WARN while the depth is read so, not input_timeout after the checks.
            self.health.count('frames_depth_kind_suspect')
            self.health.notice(f'depth_kind_{kind}', finding[1], now)
        finding = self._image_up_check.finding
        if finding is not None:
            self.health.count('frames_image_up_suspect')
            self.health.notice('image_up', finding, now)
        finding = self._depth_mirror_check.finding
        if finding is not None:
            self.health.count('frames_depth_mirrored_suspect')
            self.health.notice('depth_mirrored', finding, now)

    def _check_depth_mirror(self, rgb, depth, token):
        """Warn when depth's edges lie on the colour's only with depth mirrored left-right.

        A renderer's RGB-D sensor may publish depth mirrored against its colour
        (fsstudio-team/ZeroSimROSUnity#6); every pose then takes its depth from the other
        side of the image. :func:`~clip_perception.geometry.depth_mirror_hint` tells it on
        the first :data:`DEPTH_MIRROR_CHECKS` frames with depth (again after
        depth_mirrored changes); the finding is kept (``_depth_mirror_check``) and said by
        :meth:`_check_inputs` while it stands.

        :param rgb: (H, W, 3) uint8, the frame as answered; :param depth: (H, W) metres,
            as read (turned back already under depth_mirrored:=true).
        :param token: :meth:`RecheckedFinding.due`'s, for this run.
        """
        hint = depth_mirror_hint(rgb, depth)
        if hint is None:
            if self._depth_mirror_check.found(token, None, time.monotonic()):
                self.health.clear_notice('depth_mirrored')
            return
        sent, mirrored = hint
        now_set = self._values_cache['depth_mirrored']
        text = (f'depth edges lie on colour edges only with the depth mirrored left-right '
                f'({mirrored:.1f} samples from them mirrored, {sent:.1f} as read): its columns '
                'run the '
                "other way from the colour image's (a renderer's RGB-D sensor that mirrors "
                'depth, fsstudio-team/ZeroSimROSUnity#6), so poses take their depth from the '
                'other side of the image; set depth_mirrored:='
                f'{"false" if now_set else "true"} (counted as frames_depth_mirrored_suspect)')
        if self._depth_mirror_check.found(token, text, time.monotonic()):
            self._warn_once('depth_mirrored', text)

    def _check_depth_kind(self, depth, intr, kind, token):
        """Warn when the table is flat only with depth read as the other depth_kind.

        A range read as z (Isaac Sim's distance_to_camera beside depth_kind z) bows the
        table; :func:`~clip_perception.geometry.depth_kind_hint` tells it on the first
        :data:`DEPTH_KIND_CHECKS` frames with depth (again after depth_kind changes, and
        after the inputs open again). The finding is kept (``_depth_kind_check``) and said
        by :meth:`_check_inputs`; while it stands the depth is checked again every
        :data:`INPUT_RECHECK` s, so depth from another source clears it.

        :param token: :meth:`RecheckedFinding.due`'s, for this run.
        """
        hint = depth_kind_hint(depth, intr, kind)
        if hint is None:
            if self._depth_kind_check.found(token, None, time.monotonic()):
                self.health.clear_notice(f'depth_kind_{kind}')
            return
        other, read, flat = hint
        what = {'ray': "each pixel's distance from the optical centre (a range: Isaac Sim's "
                       "distance_to_camera, AirSim's DepthPerspective)",
                'z': 'the distance along the optical axis (REP 118, RGB-D camera drivers)'}
        text = (f'depth read as depth_kind {kind} puts {read:.0%} of the lower image on one '
                f'plane, read as {other} {flat:.0%}: the table bows, so poses are off towards '
                f'the image edges; is the depth {what[other]}? set depth_kind:={other} '
                '(counted as frames_depth_kind_suspect)')
        if self._depth_kind_check.found(token, (kind, text), time.monotonic()):
            self._warn_once(f'depth_kind_{kind}', text)

    def _check_image_up(self, depth, intr, frame_id, token, turned=False):
        """Warn when the support surface says up points elsewhere in the image than image_up.

        A camera mounted upside down (or on its side) whose driver does not turn its image:
        under ``image_up:=up`` depth finds no table and crops reach CLIP upside down, so
        objects in plain view are missed (9 of 12 toy scenes turned 180 degrees). Frames
        are not turned here (no frame proves its mounting): the WARN names the setting,
        and what a user must check besides, the tf of ``frame_id`` and the debug image.
        The finding is kept (``_image_up_check``) and said by :meth:`_check_inputs`.

        :param token: :meth:`RecheckedFinding.due`'s, for this run.
        """
        image_up = self._values_cache['image_up']
        hint = image_up_hint(depth, intr, image_up)
        if hint is None:
            if self._image_up_check.found(token, None, time.monotonic()):
                self.health.clear_notice('image_up')
            return
        other, _ = hint
        rows = ('an image whose rows run bottom-up, as OpenGL, Unity and CoppeliaSim '
                'readbacks give them: then set image_rows:=bottom_up instead (a half turn '
                'mirrors left and right as well)' if not turned else 'rows already '
                'top-down turned over by image_rows:=bottom_up (or a camera_info with a '
                'negative fy): then set image_rows:=top_down (or fix the fy sign)')
        mounted = {'down': 'a camera mounted upside down whose driver does not turn its '
                   f'image? Or {rows}.',
                   'left': 'a camera on its side (the image turned counter-'
                   'clockwise), not turned by its driver?', 'right': 'a camera on its side '
                   '(the image turned clockwise), not turned by its driver?',
                   'up': 'an upright image (a camera mounted upright, or one its driver '
                   'turns already)?'}
        text = (f'the support surface faces {other} in the image, not {image_up} '
                f'(image_up:={image_up}): {mounted[other]} '
                'Depth finds no table under that setting and crops '
                'reach CLIP turned, so objects in view are missed. Set '
                f'image_up:={other} (frames are not turned here), or turn the image in the '
                f'driver. Poses stay in {frame_id or "the frame_id"} as its pixels are: its '
                'tf must hold how the camera is mounted; ~/debug_image is drawn on the frame '
                'as it arrives (counted as frames_image_up_suspect)')
        if self._image_up_check.found(token, text, time.monotonic()):
            self._warn_once('image_up', text)

    def _unregistered(self, depth_frame, header):
        """Whether depth in ``depth_frame`` is not registered to the colour frame of ``header``.

        Another frame_id says so (:func:`_other_frame`), unless the parameter
        ``assume_depth_registered`` says the driver labels registered depth with the depth
        camera's frame.
        """
        return _other_frame(depth_frame, header.frame_id) and \
            not self._values_cache['assume_depth_registered']

    def _depth_to_image_size(self, depth, depth_frame, header, rgb):
        """Return ``(depth, note)``: a depth of another size resampled, or None and why.

        Depth registered to the colour camera at a half or a quarter of its resolution
        (ZED, OAK-D, RealSense profiles) is resampled by nearest neighbour
        (:func:`depth_to_image_size`), warned once and counted; the colour camera_info
        holds (the depth's own is not subscribed). A depth in another frame, or of
        another aspect ratio, is not registered to the colour image: refused, with why.

        Of the colour's size too (helper-h165's brief): the depth camera's own image
        (RealSense depth/image_rect_raw beside color/image_raw, no align_depth) has its
        own focal length and sits 15 mm beside the colour camera, so its pixel (u, v)
        sees another point than the colour pixel (u, v). Measured on rendered D435
        geometry (colour fx 615 px, depth fx 385 px, 640x480 both; 23 objects of 12
        scenes): poses off by a median of 4.9 cm, 10.2 cm at the 90th percentile, 35 cm
        at most (20 of 23 over 2 cm), against a median of 0.2 cm and at most 0.7 cm with
        the registered depth (benchmarks/results/issue11_session47_h165_inputs.log).
        Before, it was used with one warning. A header's frame_id is the frame its data
        is in (sensor_msgs/Image: "frame_id: optical frame of camera"; REP 103);
        registering depth to another camera is depth_image_proc's ``register`` node's
        work, or the driver's (realsense-ros ``align_depth.enable``), not a relabelling.
        """
        dh, dw = depth.shape
        colour_frame = _frame_key(header.frame_id)
        if self._unregistered(depth_frame, header):
            note = (f'depth is {dw}x{dh} in frame "{depth_frame}" but the image is '
                    f'{rgb.shape[1]}x{rgb.shape[0]} in frame "{colour_frame}"; using no '
                    'depth: it is not registered to the colour image (publish depth '
                    'aligned to it: realsense-ros align_depth.enable:=true, '
                    'aligned_depth_to_color/image_raw; depth_image_proc register, '
                    'depth_registered/image_rect)')
            self._reject('depth_mismatch', note)
            return None, note
        try:
            resampled, factor = depth_to_image_size(depth, rgb.shape)
        except MessageError as exc:
            note = f'{exc}; using no depth'
            self._reject('depth_mismatch', note)
            return None, note
        self.health.count('frames_depth_resampled')
        # Logged, not a /diagnostics WARN while it lasts: a supported profile.
        self._log_once('depth_resampled', (
            f'depth is {dw}x{dh}, the {rgb.shape[1]}x{rgb.shape[0]} image scaled by '
            f'1/{factor:.3g}, in the same frame: resampled to the image size by nearest '
            'neighbour (never interpolated across depth edges); the colour camera_info '
            'holds (logged once; counted in /diagnostics as frames_depth_resampled)'))
        return resampled, ''

    # ------------------------------------------------------------------ outputs
    def _publish(self, header, rgb, result, reason, latency, intr=None):
        """Publish every output of one frame.

        :param latency: ``(seconds, measured_from)`` of :func:`~clip_perception.health.
            frame_latency`.
        :param intr: the :class:`~clip_perception.geometry.Intrinsics` ``rgb`` was posed
            with, or None (no camera_info): ``~/camera_info`` beside ``~/debug_image``.
        """
        if result.pose is not None:
            pose = PoseStamped()
            pose.header = header
            p = result.pose.position
            pose.pose.position.x, pose.pose.position.y, pose.pose.position.z = (
                float(p[0]), float(p[1]), float(p[2]))
            _set_orientation(pose.pose.orientation, result.pose)
            self.pose_pub.publish(pose)
        located = [tg.pose for tg in result.targets if tg.pose is not None]
        if located:
            arr = PoseArray(header=header)
            for est in located:
                p = Pose()
                p.position.x, p.position.y, p.position.z = (float(v) for v in est.position)
                _set_orientation(p.orientation, est)
                arr.poses.append(p)
            self.poses_pub.publish(arr)
        self.json_pub.publish(String(data=json_text(
            detection_dict(header, result, reason, latency) | self._json_source())))
        if self.vision_pub is not None:
            self.vision_pub.publish(self._vision(header, result))
        self.marker_pub.publish(self._markers(header, result))
        self._marker_frame = header.frame_id
        self._markers_shown = result.pose is not None
        if self.debug_pub.get_subscription_count() > 0:
            enc, h, w, step, data = rgb_to_image_fields(draw_debug(rgb, result))
            self.debug_pub.publish(Image(header=header, encoding=enc, height=h, width=w,
                                         step=step, data=data))
        if intr is not None and self.debug_info_pub.get_subscription_count() > 0:
            self.debug_info_pub.publish(CameraInfo(header=header,
                                                   **pinhole_camera_info_fields(intr)))

    def _vision(self, header, result):  # pragma: no cover - needs vision_msgs
        """Build the Detection2DArray of :func:`clip_perception.vision.detections`."""
        arr = Detection2DArray(header=header)
        for d in detections(result):
            det = Detection2D(header=header, id=d.id)
            det.bbox.center.position.x, det.bbox.center.position.y = d.center
            det.bbox.size_x, det.bbox.size_y = d.size
            hyp = ObjectHypothesisWithPose()
            hyp.hypothesis.class_id = d.class_id
            hyp.hypothesis.score = d.score
            p = hyp.pose.pose.position
            p.x, p.y, p.z = d.position
            hyp.pose.pose.orientation.w = 1.0
            hyp.pose.covariance = list(d.covariance)
            det.results.append(hyp)
            arr.detections.append(det)
        return arr

    def _markers(self, header, result):
        """Return the answer's MarkerArray: a DELETEALL, then three markers per posed target.

        Per target ``k`` (in ``result.targets`` order; the single target of a one-object
        command is ``k = 0``): a SPHERE (id ``3k``), a TEXT_VIEW_FACING label (``3k + 1``:
        the command for one target, the target's own phrase with several) and a CUBE
        (``3k + 2``: the object's box, z up the support surface, x along its longest
        horizontal axis), all in namespace ``clip_perception``. The DELETEALL first clears
        the last answer's markers; it has the id :data:`DELETE_ALL_ID`, which no marker
        added uses: RViz 2 (ros2/rviz#891) sets the display to Error when two markers of one
        MarkerArray share a namespace and id, the DELETEALL included (helper-51: before, it
        had id 0, the sphere's, and the display showed an Error whenever a target was
        found). A plural or "A and B" answer drew only its first target, labelled with the
        whole command (helper-51), although ``~/target_poses`` held them all.
        """
        clear = Marker(header=header, ns='clip_perception', id=DELETE_ALL_ID,
                       action=Marker.DELETEALL)
        posed = [(tg.what, tg.candidate, tg.pose) for tg in result.targets
                 if tg.pose is not None]
        if not posed and result.pose is not None:
            posed = [(result.command, result.chosen, result.pose)]
        markers = [clear]
        for k, (what, candidate, pose) in enumerate(posed):
            label = result.command if len(posed) == 1 else what
            confidence = float(getattr(candidate, 'confidence', float('nan')))
            markers.extend(_target_markers(header, 3 * k, pose, label, confidence))
        return MarkerArray(markers=markers)

    def _adapt_latched(self):
        """Subscribe TRANSIENT_LOCAL too where a latched publisher shows up.

        On camera_info and on command. The subscriptions are VOLATILE, which matches
        every publisher but never receives the sample a latched (TRANSIENT_LOCAL)
        publisher stored before the node started (or before the inputs opened again
        after a deactivation); a
        TRANSIENT_LOCAL subscription gets it, but DDS calls it incompatible with
        VOLATILE publishers. So, as rosbag2 and ``ros2 topic echo`` adapt to the
        publishers' QoS, while nothing has arrived on camera_info (on command) and a
        publisher there offers TRANSIENT_LOCAL, a second subscription with its
        durability and reliability is added (once per opening; its mismatch with any
        VOLATILE publisher is expected and not reported). A message that then arrives on
        both is taken twice: a repeat, as ``ros2 topic pub`` sends. Called on the
        diagnostics timer.
        """
        if self._info_latched is None and not self._info_seen and self._info_sub is not None:
            self._info_latched = self._latched_twin(self._info_sub, CameraInfo,
                                                    self._on_camera_info, 'camera_info')
        if self._command_latched is None and not self._command_seen and \
                self._command_sub is not None:
            self._command_latched = self._latched_twin(self._command_sub, String,
                                                       self._on_command, 'command')
        for stream in ('colour', 'depth'):
            self._adapt_latched_images(stream)

    def _adapt_latched_images(self, stream):
        """Take the image a latched publisher of ``stream`` (colour, depth) stored.

        As for camera_info (:meth:`_adapt_latched`): an image published once on a
        transient_local publisher before the node subscribed (a still published once and
        latched, as perception_pcl's pcd_to_pointcloud latches its cloud,
        ros-perception/perception_pcl#212, #459; a rosbridge client's ``latch: true``; a
        script that publishes a frame, latched, then a command) never reached the
        VOLATILE subscription: the latched camera_info and command arrived, the frame
        did not, and /diagnostics said "waiting for the first colour frame" with the
        publisher in the graph. While nothing has arrived on the stream, a
        transient_local twin takes the stored image (:meth:`_stored_image`); it is
        unsubscribed on the next tick after anything arrives, so a latched publisher that
        streams on (a bag recorded from one) is not taken twice per frame.
        """
        sub = self._streams.get(stream)
        twin = self._stored_twins.get(stream)
        arrived = self._arrived_since_open(stream)
        if twin and arrived:
            self._stored_twins[stream] = False  # done for this opening
            self._inputs = [s for s in self._inputs if s is not twin]
            self.destroy_subscription(twin)
        elif twin is None and sub is not None and not arrived:
            self._stored_twins[stream] = self._latched_twin(
                sub, sub.msg_type, self._stored_image(stream, sub.callback),
                f'{stream} image') or None

    def _arrived_since_open(self, stream):
        """Whether a message of ``stream`` (colour, depth) arrived since the inputs opened."""
        return self.health.last_arrival.get(stream, -math.inf) >= self._opened_at

    def _stored_image(self, stream, callback):
        """Return a callback handing ``callback`` a latched image while none has arrived.

        The stored image of a colour stream is answered whatever its age: a latched
        publisher keeps it to be taken later, so ``max_frame_age`` would skip the one
        frame it was published for as stale (counted ``frames_latched``, and each
        answer's reason gives its age: :meth:`_process`).
        """
        def forward(msg):
            if self._arrived_since_open(stream):
                return  # the live stream's first, or the stored one handed over already
            if stream == 'colour':
                self._stored_stamp = _stamp_seconds(msg.header.stamp)
            callback(msg)
        return forward

    def _latched_twin(self, sub, msg_type, callback, what):
        """Return a TRANSIENT_LOCAL subscription beside ``sub``, or None.

        None when no publisher on ``sub``'s topic offers TRANSIENT_LOCAL.
        """
        topic = sub.topic_name
        latched = [i.qos_profile for i in self.get_publishers_info_by_topic(topic)
                   if i.qos_profile.durability == DurabilityPolicy.TRANSIENT_LOCAL]
        if not latched:
            return None
        qos = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=1,
                         reliability=latched[0].reliability,
                         durability=DurabilityPolicy.TRANSIENT_LOCAL)
        quiet = SubscriptionEventCallbacks(incompatible_qos=lambda event: None)
        twin = self.create_subscription(msg_type, topic, callback, qos, event_callbacks=quiet)
        if msg_type is not String:  # the command's lives as long as the command's own
            self._inputs.append(twin)
        self.get_logger().info(f'{topic} has a latched (transient_local) publisher and no '
                               f'{what} has arrived: subscribing transient_local too, to '
                               'receive its stored message')
        return twin

    def _diagnostics(self):
        self._adapt_latched()
        self._check_wiring(time.monotonic())
        self._forget_served_outputs(time.monotonic())
        self._clear_stale_markers(time.monotonic())
        level, message, values = self.health.snapshot(
            time.monotonic(), self._values_cache['input_timeout'],
            self._values_cache['watchdog_timeout'])
        values = values + [
            ('model', self.scorer.model_name), ('device', self.scorer.device),
            ('dtype', str(self.scorer.dtype).replace('torch.', '')),
            ('backend', self.scorer.encoder.describe()),
            ('active_command', self._command),
            ('text_embeddings_cached', str(self.scorer.text_cache_len)),
            ('crop_embeddings_cached', str(len(self.memory.reuse)) if self.memory is not None
             and self.memory.reuse is not None else '0'),
            ('tracked_target', _describe_track(getattr(self, '_track', None))),
            ('frames_dropped_by_sync', str(self.sync.dropped)),
        ]
        status = DiagnosticStatus(
            # diagnostic_updater's "<node>: <task>", with the namespace: the nodes of
            # several cameras (one per namespace) must not report under one name.
            level=bytes([level]),
            name=f'{self.get_fully_qualified_name().lstrip("/")}: pipeline',
            message=message, hardware_id=self.scorer.device,
            values=[KeyValue(key=k, value=str(v)) for k, v in values])
        arr = DiagnosticArray(status=[status])
        arr.header.stamp = self.get_clock().now().to_msg()
        self.diag_pub.publish(arr)


def warn_unmatched_qos_overrides(nodes):
    """Warn once, through ``nodes[0]``, about overrides no subscription of ``nodes`` takes.

    An override is unmatched only when no node of the process subscribes its topic:
    with several cameras in one process, ``-p qos_overrides./wrist/image...`` reaches
    the head's node too, which used to warn that it matched nothing (field report: a
    false WARN from every camera but the one it was meant for).

    :param nodes: nodes whose camera subscriptions are made (``_qos_topics`` set).
    """
    given, topics = {}, []
    for node in nodes:
        given.update(getattr(node, '_parameter_overrides', {}))
        topics += node._qos_topics
    unmatched = unmatched_qos_overrides(given, topics)
    first = nodes[0]
    if unmatched and 'qos_overrides' not in first._warned_once:
        first._warned_once.add('qos_overrides')
        whose = 'this node' if len(nodes) == 1 else f'the {len(nodes)} cameras of this process'
        first.get_logger().warning(
            f'parameter(s) {", ".join(unmatched)} match no subscription of {whose} and '
            'are ignored: the camera subscriptions take qos_overrides.<topic>.subscription'
            f'.<{"|".join(QOS_OVERRIDE_POLICIES)}> with the topic as resolved, '
            f'{", ".join(topics)}; or set qos_reliability and qos_depth')


class ClipPerceptionNode(PerceptionMixin, Node):
    """The plain node: configured and active from construction (module docstring).

    :param shared: see :meth:`PerceptionMixin._load`.
    :param defer_qos_check: leave the unmatched ``qos_overrides.*`` check to the caller
        (:func:`warn_unmatched_qos_overrides` over every camera of the process).
    """

    def __init__(self, shared=None, defer_qos_check=False, **kwargs):
        self._defer_qos_check = defer_qos_check
        super().__init__('clip_perception', **kwargs)
        self._declare()
        # Before the model loads (seconds; a hub checkpoint, tens): a command published
        # meanwhile found no subscription and was lost without a word (a volatile
        # publisher keeps nothing for late joiners). The reader holds it until spinning.
        self._open_command()
        self._load(shared)
        self._create_outputs(self.create_publisher)
        self._outputs_on = True
        self._open_inputs()


class ClipPerceptionLifecycleNode(PerceptionMixin, LifecycleNode):
    """The managed node: same parameters, topics and behaviour once active.

    Parameters are declared when it is constructed (unconfigured); ``configure``
    validates them, loads the model and subscribes to commands (taken while inactive,
    answered once active); ``activate`` subscribes to the camera and starts the worker
    (outputs are lifecycle publishers, enabled here); ``deactivate`` stops the camera
    inputs, the worker and all output; ``cleanup`` unsubscribes from commands and frees
    the model; ``shutdown`` works from every state. A model that cannot load fails
    ``configure`` (back to unconfigured). The plain node's read-only parameters are set
    here while unconfigured and read at ``configure`` (:func:`_descriptor`).
    """

    MANAGED = True

    def __init__(self, **kwargs):
        super().__init__('clip_perception', **kwargs)
        self._declare()
        self._answer_invalid_transitions()
        # Unconfigured, it subscribes and publishes nothing, /diagnostics included: a user
        # of managed:=true without a lifecycle manager saw no line at all (helper-90).
        name = self.get_fully_qualified_name()
        self.get_logger().info(f'{name} is a managed node and starts unconfigured: nothing '
                               f'is subscribed or published until it is configured and '
                               f'activated (ros2 lifecycle set {name} configure, then '
                               f"activate; or a lifecycle manager, e.g. nav2's)")

    def _answer_invalid_transitions(self):
        """Answer ``success=False`` to a transition the current state does not have.

        rclpy's ``~/change_state`` handler lets rcl's "Transition is not registered"
        escape: the request was never answered (``ros2 lifecycle set`` hung), and each
        one counted as a failed callback until the spin loop gave up and the node exited
        (a tester's "configure" twice, "activate" while unconfigured). The answer is
        now what rclcpp gives: no transition, ``success`` false, a log line.
        """
        service = getattr(self, '_service_change_state', None)
        if service is None:
            return
        handle = service.callback

        def change_state(request, response):
            try:
                return handle(request, response)
            except RCLError as exc:
                state = self._state_machine.current_state[1]
                what = request.transition.label or f'id {request.transition.id}'
                self.get_logger().warning(f'lifecycle transition {what} refused in state '
                                          f'{state}: {" ".join(str(exc).split())}')
                response.success = False
                return response
        service.callback = change_state

    def on_configure(self, state):
        try:
            self._load()
        except (ModelLoadError, ValueError) as exc:
            self.get_logger().error('configure failed: ' + ' '.join(str(exc).split()))
            self._free_model()
            return TransitionCallbackReturn.FAILURE
        self._create_outputs(self.create_lifecycle_publisher)
        self._open_command()  # inactive too: a command then is answered once active
        return super().on_configure(state)

    def on_activate(self, state):
        result = super().on_activate(state)  # enables the lifecycle publishers
        self._outputs_on = True
        self._open_inputs()
        return result

    def on_deactivate(self, state):
        self._close_inputs()
        # Its publishers are still active here: a deactivated node must not leave its
        # last target drawn in RViz (nothing follows until it is active again).
        self._clear_markers()
        self._outputs_on = False
        return super().on_deactivate(state)

    def on_cleanup(self, state):
        self._close_command()
        self._destroy_outputs(self.destroy_lifecycle_publisher)
        self._free_model()
        return super().on_cleanup(state)

    def on_shutdown(self, state):
        self._close_inputs()
        self._close_command()
        if self._markers_shown:  # shut down while active: its publishers still are
            self._clear_markers()
        self._outputs_on = False
        self._destroy_outputs(self.destroy_lifecycle_publisher)
        self._free_model()
        return TransitionCallbackReturn.SUCCESS

    def on_error(self, state):
        return self.on_shutdown(state)


def _camera_info_key(msg):
    """Return what a ``sensor_msgs/CameraInfo`` says of its camera, as a hashable tuple.

    Its frame, size, binning, roi, distortion and K, R, P; not its stamp. Equal keys are
    one calibration repeated (a driver publishes it with every frame).
    """
    roi = msg.roi
    return (msg.header.frame_id, msg.width, msg.height, msg.binning_x, msg.binning_y,
            (roi.x_offset, roi.y_offset, roi.width, roi.height, bool(roi.do_rectify)),
            msg.distortion_model, tuple(msg.d), tuple(msg.k), tuple(msg.r), tuple(msg.p))


def _finite(value):
    """``value`` with every float that is NaN or infinite, at any depth, made None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def json_text(doc):
    """Return ``doc`` as strict JSON (RFC 8259): a NaN or infinity becomes ``null``.

    Python's ``json.dumps`` writes ``NaN`` and ``Infinity`` by default, which JSON.parse
    (rosbridge and roslibjs clients: rosbridge_suite#116), Go, serde and jq refuse; no
    answer was seen to hold one (helper-51), and this keeps it so.

    :raises TypeError: a value JSON cannot hold (as ``json.dumps``).
    """
    return json.dumps(_finite(doc), allow_nan=False)


def detection_dict(header, result, reason, latency):
    """Build the ``~/detection_json`` payload (see README for the schema).

    :param latency: ``(seconds, measured_from)`` (:func:`~clip_perception.health.
        frame_latency`); the JSON says ``stamp`` or ``arrival``.
    """
    def cand(c):
        return {'box': [round(v, 1) for v in c.box], 'cosine': round(c.cosine, 4),
                'confidence': round(c.confidence, 4)}

    out = {
        'stamp': {'sec': header.stamp.sec, 'nanosec': header.stamp.nanosec},
        'frame_id': header.frame_id, 'command': result.command, 'what': result.what,
        'status': result.status, 'reason': reason,
        'chosen': cand(result.chosen) if result.chosen else None,
        'candidates': [cand(c) for c in result.ranked],
        'proposals': int(len(result.proposals)),
        'latency_s': round(latency[0], 4), 'latency_from': latency[1].split(' ')[0],
        'timings_ms': {k: round(1000 * v, 2) for k, v in result.timings.items()},
        'work': dict(result.work),
        'track': result.track.to_dict() if result.track is not None else None,
    }
    if result.pose is not None:
        out['position'] = [round(float(v), 4) for v in result.pose.position]
        out['position_std'] = [round(float(v), 5) for v in
                               np.sqrt(np.diag(result.pose.covariance))]
        if hasattr(result.pose, 'orientation'):
            out['orientation'] = [round(float(v), 5) for v in result.pose.orientation]
            out['dimensions'] = [round(float(v), 4) for v in result.pose.dimensions]
            out['yaw'] = round(float(result.pose.yaw), 4)
        out['method'] = getattr(result.pose, 'method', None)
    out['targets'] = [dict(cand(tg.candidate), what=tg.what, position=None if tg.pose is None
                           else [round(float(v), 4) for v in tg.pose.position])
                      for tg in result.targets]
    out['ambiguous'] = [cand(c) for c in result.ambiguous]
    out['reference'] = cand(result.reference) if result.reference is not None else None
    out['parsed'] = describe(result.query) if result.query is not None else None
    return out


# Most characters of a refused command echoed in its ``rejected`` answer.
MAX_ECHO = 200


def notice_dict(header, said, status, reason):
    """Build a ``~/detection_json`` payload that answers a command, not a frame.

    Same keys as :func:`detection_dict`, nothing chosen: status ``cancelled`` (a cancel
    word cleared the command), ``rejected`` (a command the node cannot use; the
    active one is unchanged) or ``superseded`` (replaced by another before any frame
    answered it). ``command`` is what was said, ``reason`` says what
    happened.
    """
    return {
        'stamp': {'sec': header.stamp.sec, 'nanosec': header.stamp.nanosec},
        'frame_id': header.frame_id, 'command': said, 'what': None, 'status': status,
        'reason': reason,
        'chosen': None, 'candidates': [], 'proposals': 0, 'latency_s': None, 'latency_from': None,
        'timings_ms': {}, 'work': {}, 'track': None, 'targets': [], 'ambiguous': [],
        'reference': None, 'parsed': None,
    }


# U+FFFD, the replacement character: rclpy's String decoding (rosidl_generator_py,
# PyUnicode_DecodeUTF8 with "replace") puts one for each byte that is not UTF-8.
_REPLACED = '\ufffd'


def not_utf8_note(text):
    """Say why a command received with replaced bytes is not read, or None.

    ``std_msgs/String`` is UTF-8 (ros2/rosidl_python#57); rclpy reads a String whose bytes
    are not with U+FFFD for each such byte (it raised and took the subscriber down before:
    ros2/rclpy#881). A C++, micro-ROS or rosbridge front end whose text is in another
    encoding sends such bytes: Windows-1252 "café" was read as the object "caf", Shift-JIS
    "赤いボール" (the red ball) as any object, UTF-16 (cut at its first zero byte, as a C
    string) as the object "t", each replacing the active command. The letters are lost
    before the node sees them, so the command is refused, naming the likely encoding.

    :param text: ``str``, the String's data as rclpy gave it.
    :return: one line (str), or None when ``text`` holds no U+FFFD.
    """
    n = text.count(_REPLACED)
    if not n:
        return None
    if text.startswith(_REPLACED * 2) and len(text) <= 3:
        guess = ('UTF-16 (its byte-order mark FF FE, then text cut at the first zero byte, '
                 'as a C string ends)')
    elif re.search(f'[A-Za-z]{_REPLACED}|{_REPLACED}[A-Za-z]', text):
        guess = 'Latin-1 or Windows-1252 (an accented letter, as in "café")'
    else:
        guess = 'Shift-JIS, GBK, Big5, EUC-KR or UTF-16 (text in another script)'
    bytes_are = f'{n} bytes that are' if n > 1 else 'a byte that is'
    return (f'command holds {bytes_are} not UTF-8 (each shown '
            f'as "{_REPLACED}", U+FFFD, by rclpy), so its words are not known; std_msgs/'
            f'String is UTF-8 and the sender wrote another encoding, likely {guess}: '
            'encode the text as UTF-8 before publishing')


def _command_value(value):
    """Return the command the ``command`` parameter's ``value`` sets.

    '' (idle) for '' or a cancel word (:func:`clip_perception.language.is_cancel`, as on
    the command topic), else the cleaned text
    (:func:`clip_perception.language.clean_command`). A value it refuses (600
    characters, control characters only) is kept stripped, as before cancel words were
    read here: a start-up override is not validated by the set-parameters callback, and
    raising in the constructor took the node down.
    """
    if is_cancel(value):
        return ''
    try:
        return clean_command(value)
    except CommandError:
        return value.strip()


def _rule_label(rule, scorer):
    """How confidence is judged, for the start-up line: ``softmax (auto; ...)``."""
    from clip_perception.pipeline import resolve_rule  # loaded with the model: torch

    applied = resolve_rule(rule, scorer.calibration)
    shipped = 'a calibration shipped with the model' if scorer.calibration else \
        'no calibration shipped with the model'
    return f'{applied} ({rule}; {shipped})' if rule == 'auto' else f'{applied} ({shipped})'


def _templates_label(value, scorer):
    """How the start-up line names the prompt templates in effect for ``value``."""
    templates = scorer.templates(value)
    where = scorer.templates_source(value)
    shown = ' | '.join(templates) if len(templates) <= 3 else \
        ' | '.join(templates[:2]) + f' | ... ({len(templates)} averaged)'
    return f'{shown} ({where})'


def _type_name(msg_type):
    """``sensor_msgs.msg.Image`` -> ``sensor_msgs/msg/Image``, as the graph names types."""
    return f'{msg_type.__module__.split(".")[0]}/msg/{msg_type.__name__}'


def _frame_key(frame_id):
    """``frame_id`` as compared between inputs: no surrounding padding or slashes."""
    return frame_id.strip(PADDING + '/')


def _other_frame(depth_frame, colour_frame_id):
    """Whether depth in ``depth_frame`` (a :func:`_frame_key`) is in another frame than colour.

    An unset frame_id on either side ('') says nothing, so it is no other frame.
    """
    colour = _frame_key(colour_frame_id)
    return bool(depth_frame and colour and depth_frame != colour)


def _cancel_label(said):
    """How a log line or reason names the cancel word ``said`` ('' is an empty command)."""
    return f'"{said}"' if said else 'an empty command'


def _policy_name(kind):
    """Return the name of a QoS policy kind (``RELIABILITY``), or the number rclpy gave."""
    try:
        return QoSPolicyKind(kind).name
    except ValueError:
        return str(kind)


def _as_offered(qos):
    """Return ``qos`` with rmw's "default" durations and liveliness as DDS offers them.

    A publisher's ``qos_profile`` keeps what it was created with: deadline, lifespan and
    lease 0 and liveliness ``SYSTEM_DEFAULT``, which ``qos_check_compatible`` reads as a
    publisher without a deadline beside every subscription the graph lists (their
    durations ``Infinite``): all of them, the plain volatile ones too, came out
    incompatible.
    """
    def offered(duration):
        return Infinite if duration.nanoseconds == 0 else duration
    liveliness = (LivelinessPolicy.AUTOMATIC if qos.liveliness ==
                  LivelinessPolicy.SYSTEM_DEFAULT else qos.liveliness)
    return QoSProfile(history=qos.history, depth=qos.depth, reliability=qos.reliability,
                      durability=qos.durability, lifespan=offered(qos.lifespan),
                      deadline=offered(qos.deadline), liveliness=liveliness,
                      liveliness_lease_duration=offered(qos.liveliness_lease_duration))


def _qos_asked_offered(policy, offered, asked):
    """Return ``(asked, offered)``: what a subscription asks of ``policy``, and what is offered.

    :param policy: a ``QoSPolicyKind`` name (``DURABILITY``...).
    :param offered: the publisher's ``QoSProfile``; ``asked`` the subscription's.
    :return: two short phrases (``'transient_local'``, ``'volatile'``), ``''`` when unknown.
    """
    if policy in ('DURABILITY', 'RELIABILITY', 'LIVELINESS'):
        attr = policy.lower()
        return (getattr(asked, attr).name.lower(), getattr(offered, attr).name.lower())
    if policy in ('DEADLINE', 'LIVELINESS_LEASE_DURATION'):
        attr = 'deadline' if policy == 'DEADLINE' else 'liveliness_lease_duration'
        ns = getattr(offered, attr).nanoseconds
        # 0 is rmw's "default", which is infinite for both.
        return (f'a {attr.replace("_", " ")} of {getattr(asked, attr).nanoseconds * 1e-9:g} s',
                'without one' if ns == 0 or ns >= 2**63 - 1 else f'with {ns * 1e-9:g} s')
    return '', ''


def _describe_track(track):
    """One diagnostics line for the tracked target (:class:`TrackInfo` or None)."""
    if track is None:
        return 'none'
    return (f'id {track.id}, {track.state}, age {track.age} frames ({track.age_s:.1f} s), '
            f'missed {track.missed}')


# The id of the DELETEALL that begins each MarkerArray: one that no added marker has
# (those are 0, 1, 2, ... per target). See ClipPerceptionNode._markers.
DELETE_ALL_ID = -1


def _target_markers(header, first_id, pose, label, confidence):
    """Sphere, label and box markers of one posed target, ids ``first_id`` to ``+2``.

    :param pose: a :class:`clip_perception.geometry.PoseEstimate` (``position`` m,
        ``extent``, ``dimensions`` m, ``orientation``).
    :param label: the text shown; ``confidence`` is appended when finite.
    :return: [SPHERE, TEXT_VIEW_FACING, CUBE] Markers, ``Marker.ADD``.
    """
    p = pose.position
    size = float(np.clip(np.max(pose.extent), 0.02, 0.5))
    sphere = Marker(header=header, ns='clip_perception', id=first_id, type=Marker.SPHERE,
                    action=Marker.ADD)
    sphere.pose.position.x, sphere.pose.position.y, sphere.pose.position.z = (
        float(p[0]), float(p[1]), float(p[2]))
    sphere.pose.orientation.w = 1.0
    sphere.scale.x = sphere.scale.y = sphere.scale.z = size
    sphere.color.g, sphere.color.a = 1.0, 0.6
    # The object's box: centre, orientation (z up the support surface, x along its
    # longest horizontal axis) and dimensions, for a grasp planner to read in RViz.
    cube = Marker(header=header, ns='clip_perception', id=first_id + 2, type=Marker.CUBE,
                  action=Marker.ADD)
    cube.pose.position = sphere.pose.position
    _set_orientation(cube.pose.orientation, pose)
    dims = np.clip(np.asarray(getattr(pose, 'dimensions', np.zeros(3)), float), 0.005, 2.0)
    cube.scale.x, cube.scale.y, cube.scale.z = (float(v) for v in dims)
    cube.color.b, cube.color.g, cube.color.a = 1.0, 0.5, 0.35
    shown = f'{label} ({confidence:.2f})' if math.isfinite(confidence) else label
    text = Marker(header=header, ns='clip_perception', id=first_id + 1,
                  type=Marker.TEXT_VIEW_FACING, action=Marker.ADD, text=shown)
    text.pose.position.x, text.pose.position.y = float(p[0]), float(p[1]) - size
    text.pose.position.z = float(p[2])
    text.pose.orientation.w = 1.0
    text.scale.z = 0.03
    text.color.r = text.color.g = text.color.b = text.color.a = 1.0
    return [sphere, text, cube]


def _set_orientation(msg, pose):
    """Copy the pose's quaternion (x, y, z, w) into a geometry_msgs Quaternion."""
    q = getattr(pose, 'orientation', (0.0, 0.0, 0.0, 1.0))
    msg.x, msg.y, msg.z, msg.w = (float(v) for v in q)


def spin(executor, max_failures=100, stop=None, period=0.1):
    """Spin ``executor`` until shutdown or ``stop``; a callback that raises is logged.

    rclpy re-raises from ``spin()`` any exception raised while it takes a message for a
    callback or runs one, and that ended the process. Seen once in CI with two cameras in
    one process: ``RuntimeError: Unable to convert call argument '0' to Python object``
    inside rclpy's ``Subscription.take_message`` (not reproduced in reruns). That message
    is lost either way; ending the process would stop every camera's answers. Each such
    failure is logged with a count; after ``max_failures`` the exception propagates
    (something is persistently wrong).

    The loop is ``spin_once`` with a timeout, as rclpy's own ``Executor.spin`` is a loop
    of ``spin_once`` without one: control returns to Python at least every ``period``
    seconds, so a Python signal handler (see :func:`_run`) runs promptly.

    :param executor: an rclpy executor with the nodes added.
    :param stop: optional ``threading.Event``; the loop ends once it is set.
    :param period: seconds, the longest wait inside one ``spin_once``.
    :raises Exception: the last failure, after ``max_failures``.
    """
    log = rclpy.logging.get_logger('clip_perception')
    failures = 0
    # executor.shutdown() empties its node set: the loop ends then too.
    while executor.context.ok() and executor.get_nodes() and \
            not (stop is not None and stop.is_set()):
        try:
            executor.spin_once(timeout_sec=period)
        except (KeyboardInterrupt, ExternalShutdownException):
            return
        except Exception as exc:  # noqa: BLE001 -- logged, counted, bounded
            failures += 1
            text = ' '.join(str(exc).split())
            log.error(f'a callback failed and its message is dropped ({failures} so far): '
                      f'{type(exc).__name__}: {text}')
            if failures >= max_failures:
                raise


USAGE = """usage: {prog} [--ros-args [-p NAME:=VALUE] [-r FROM:=TO] [--params-file FILE]]

The clip_perception node{managed}: a colour camera (image or image/compressed),
camera_info, an aligned depth image and a natural-language command (std_msgs/String on
command) in; the target's pose (~/target_pose), an answer for every frame
(~/detection_json), markers, a debug image and /diagnostics out. Topic names are
relative: remap them with -r (e.g. -r image:=/camera/color/image_raw). Send a command
with clip_perception_command "the red ball". The README of the package tells the rest.

Parameters (-p NAME:=VALUE at start-up; the live ones also with ros2 param set):
{parameters}
"""


def _nested_sections_hint():
    """Say where a parameters file nests a node section that rcl cannot parse, or ''.

    rcl's message for it ("Internal error creating param namespace at line 6") names
    neither the cause nor the fix (ros2/rcl#1252):
    :func:`~clip_perception.param_overrides.sections_after_parameters`.
    """
    notes = []
    for kind, path in param_overrides.sources(_COMMAND_LINE or sys.argv):
        if kind != 'file':
            continue
        try:
            with open(path, encoding='utf-8') as f:
                nested = param_overrides.sections_after_parameters(f.read())
        except (OSError, UnicodeDecodeError):
            continue
        notes += [f'{path} line {line}: "{child}:" is nested in "{parent}:" after its '
                  f'ros__parameters, which rcl cannot read (ros2/rcl#1252): write it as '
                  f'its own top-level key "{parent.rstrip("/")}/{child}:", or before '
                  f'"{parent}:"\'s ros__parameters' for line, parent, child in nested]
    return ('. ' + '; '.join(notes)) if notes else ''


def _run(factories, args):
    """Create the nodes (``factories``: callables, or one class) and spin them; exit code."""
    global _COMMAND_LINE
    _COMMAND_LINE = list(sys.argv if args is None else args)
    # --help before rclpy and the model: it started the node on the default hub model
    # and waited 30 s for a download (helper-36's trial).
    # Only before --ros-args: what follows it is rcl's, and may not even parse (rcl's
    # error for it is handled below).
    plain = _COMMAND_LINE[1:_COMMAND_LINE.index('--ros-args')] \
        if '--ros-args' in _COMMAND_LINE else _COMMAND_LINE[1:]
    if any(a in ('-h', '--help') for a in plain):
        print(USAGE.format(prog=os.path.basename(_COMMAND_LINE[0]),
                           parameters=parameters_help(),
                           managed=' as a managed (lifecycle) node, which starts '
                           'unconfigured' if factories is ClipPerceptionLifecycleNode else ''))
        return 0
    try:
        # rclpy's own SIGINT/SIGTERM handler shuts the context down at once, and the
        # nodes were then destroyed on a context already shut down: about one stop in 20
        # under load ended in SIGSEGV inside Publisher.destroy (exit -11; rclpy#178,
        # ros2_controllers#1933). Ours only asks the spin loop to end; the nodes are
        # destroyed first and the context shut down last, the order rclpy documents.
        rclpy.init(args=args, signal_handler_options=SignalHandlerOptions.NO)
    except RCLError as exc:
        # rcl refuses --ros-args it cannot parse with a Python traceback; one line
        # instead. The usual cause: an empty value (`-p prompt_template:=`), which rcl
        # reads as no value at all.
        text = ' '.join(str(exc).split())
        hint = ('. An empty string is written -p NAME:="\'\'"; quote values with spaces or '
                'YAML characters') if 'parameter override rule' in text else \
            _nested_sections_hint() if "Couldn't parse params file" in text else ''
        print(f'[FATAL] [clip_perception]: cannot start: the ROS arguments do not parse: '
              f'{text}{hint}', file=sys.stderr)
        return 2
    except UnknownROSArgsError as exc:
        # Words among --ros-args that are no option or value (`-p command:=the red ball`
        # unquoted): rclpy's traceback named only the words; one line saying what to write.
        said = '; '.join(f'{" ".join(words)!r}: {hint}' for words, hint in
                         param_overrides.unplaced_arguments(_COMMAND_LINE)) or str(exc)
        print(f'[FATAL] [clip_perception]: cannot start: the ROS arguments hold words that '
              f'are no option or value: {said}', file=sys.stderr)
        return 2
    # SIGINT or SIGTERM (Ctrl-C, `ros2 launch` stopping) during start-up (loading a
    # model can take seconds) interrupts it at once; once spinning, it ends the loop.
    previous = {sig: signal.signal(sig, signal.default_int_handler)
                for sig in (signal.SIGINT, signal.SIGTERM)}
    nodes = []
    log = rclpy.logging.get_logger('clip_perception')
    stop = threading.Event()
    try:
        for make in (factories if isinstance(factories, list) else [factories]):
            nodes.append(make())
        for sig in previous:
            signal.signal(sig, lambda *_: stop.set())
    except (ModelLoadError, ValueError, ParameterException, KeyboardInterrupt) as exc:
        _hold_signals(previous, log)
        if isinstance(exc, KeyboardInterrupt):
            log.info('stopped while starting (SIGINT or SIGTERM)')
        else:
            # One line naming what is wrong, never a traceback: rclpy's own parameter
            # exceptions name the parameter and the expected type or range.
            log.fatal('cannot start: ' + start_error_text(exc))
        for node in nodes:
            node.shutdown()
            node.destroy_node()
        rclpy.try_shutdown()
        return 0 if isinstance(exc, KeyboardInterrupt) else 1
    # One thread: every callback is in the node's default, mutually exclusive group,
    # and inference runs on each node's own worker thread.
    executor = SingleThreadedExecutor()
    for node in nodes:
        executor.add_node(node)
    try:
        spin(executor, stop=stop)
    finally:
        _hold_signals(previous, log)
        stopped = [node.shutdown() for node in nodes]
        if not all(stopped):
            # A worker still inside torch: letting the interpreter tear down under it
            # aborts ("terminate called without an active exception", exit 134).
            rclpy.logging.get_logger('clip_perception').warning(
                'a frame is still being processed; exiting without waiting for it')
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        executor.shutdown()
        for node in nodes:
            node.destroy_node()
        rclpy.try_shutdown()
    return 0


def start_error_text(exc):
    """One line for an exception that stops start-up, the parameter's name first.

    rclpy's :class:`ParameterException` puts the parameter's name last, after its own
    text (``Invalid parameter value (1.5) for parameter. Reason: Parameter min_confidence
    out of range Min: 0.0, Max: 1.0, value: 1.5: min_confidence``; helper-56: the name
    dangled at the end of the FATAL line). Read as ``parameter min_confidence: 1.5 is
    refused: out of range Min: 0.0, Max: 1.0``. Other exceptions: their text on one line.

    :param exc: the exception.
    :return: str, no newlines.
    """
    text = ' '.join(str(exc).split())
    if not isinstance(exc, ParameterException):
        return text
    said, sep, names = text.rpartition(': ')
    if not sep or not names:
        return text
    found = re.fullmatch(r'Invalid parameter value \((.*)\) for parameter\. Reason: '
                         r'(?:Parameter \S+ )?(.*?)(?:, value: .*)?', said)
    if found:
        said = f'{found[1]} is refused: {found[2]}'
    return f"parameter {names.strip('[]').replace(chr(39), '')}: {said}"


def _hold_signals(signals, log=None):
    """Ignore SIGINT and SIGTERM from the start of teardown until the process exits.

    Ctrl-C under ``ros2 launch`` sends two SIGINTs, the terminal's to the process group
    and launch's own (ros2/ros2cli#50, ros2/launch#58), and launch may escalate to SIGTERM.
    With Python's handlers back during teardown, the second one raised KeyboardInterrupt
    inside ``destroy_node`` or the worker's join: a traceback and exit -2 (helper-48's
    field round) where the README promises exit 0. A Python handler of its own is not
    enough either: the interpreter puts every signal it handles back to the default
    action as it finalizes, and a SIGTERM then ended the exiting process, exit -15 (a CI
    run, session 23). ``SIG_IGN`` it leaves alone. ``_run`` is the process's entry point;
    the teardown is bounded (the worker's join has a timeout), and SIGKILL still ends the
    process.

    :param signals: the signals to ignore (an iterable, e.g. the dict of their previous
        handlers).
    :param log: a logger for one line saying so, or None.
    """
    for sig in signals:
        signal.signal(sig, signal.SIG_IGN)
    if log is not None:
        log.debug('stopping: SIGINT and SIGTERM are ignored until the process exits')


def main(args=None):
    """Console entry point ``clip_perception_node``."""
    return _run(ClipPerceptionNode, args)


def cameras_main(args=None):
    """Console entry point ``clip_perception_cameras``: one node per camera, one model.

    ``clip_perception_cameras wrist,head [--namespace X] --ros-args ...`` starts a node
    ``clip_perception`` in namespace ``[X/]<camera>`` per camera, all in this process and
    sharing one loaded CLIP (inference is serialised across cameras). ROS arguments apply
    to every node: relative remaps (``-r image:=color/image_raw``) resolve in each node's
    namespace. A namespace remap (``-r __ns:=/robot1``, as ``ros2 run`` and a parent
    launch file's ``PushRosNamespace`` give it) is the namespace above them all:
    ``/robot1/[X/]<camera>``. Memory saved against one process per camera: README,
    "Several cameras".
    """
    # A global -r __ns:= (ros2 run's way to namespace a node; launch_ros passes one under a
    # parent's PushRosNamespace) would put every camera's node in that one namespace under
    # one name: it is taken as the namespace above the cameras instead.
    argv, remapped = param_overrides.take_namespace_remap(
        sys.argv if args is None else args, 'clip_perception')
    parser = argparse.ArgumentParser(
        prog='clip_perception_cameras',
        usage='%(prog)s [-h] [--namespace NAMESPACE] cameras [--ros-args ...]',
        description='One clip_perception node per camera, in namespace '
        '[NAMESPACE/]<camera>, all in this process sharing one loaded CLIP model '
        '(inference serialised across the cameras). Each node subscribes the relative '
        'names in its namespace (/wrist/image, /wrist/command, ...); ROS arguments after '
        '--ros-args (-p, -r, --params-file) apply to every node. '
        'clip_perception_node --help lists the parameters.')
    parser.add_argument('cameras', help='comma-separated camera names, e.g. wrist,head')
    parser.add_argument('--namespace', default='',
                        help='namespace above the cameras (default: none)')
    opts = parser.parse_args(remove_ros_args(argv)[1:])
    try:
        names = camera_names(opts.cameras)
        above = '/'.join(p for p in (remapped.strip('/'), opts.namespace.strip('/')) if p)
        spaces = [camera_namespace(above, c) for c in names]
    except ValueError as exc:
        print(f'[FATAL] [clip_perception_cameras]: cannot start: {exc}', file=sys.stderr)
        return 2
    if not names:
        print('[FATAL] [clip_perception_cameras]: cannot start: no camera named (e.g. '
              'clip_perception_cameras wrist,head)', file=sys.stderr)
        return 2
    state = {'shared': None, 'nodes': []}

    def make(namespace):
        node = ClipPerceptionNode(shared=state['shared'], namespace=namespace,
                                  defer_qos_check=True)
        state['shared'] = (node.scorer, node._infer_lock)
        state['nodes'].append(node)
        if len(state['nodes']) == len(spaces):  # all subscribed: one check for all
            warn_unmatched_qos_overrides(state['nodes'])
        return node
    return _run([lambda ns=ns: make(ns) for ns in spaces], argv)


def lifecycle_main(args=None):
    """Console entry point ``clip_perception_lifecycle_node`` (managed, starts unconfigured)."""
    return _run(ClipPerceptionLifecycleNode, args)


if __name__ == '__main__':
    sys.exit(main())
