"""The ``clip_perception`` node: camera + command in, best target pose out.

The only module that imports rclpy and message types. Callbacks convert messages to
arrays (:mod:`clip_perception.messages`), pair them (:mod:`clip_perception.sync`) and
hand the newest frame to a worker thread, which runs the pure core
(:mod:`clip_perception.pipeline`) and publishes.

Subscribed (relative names, remap them):
  ``image`` (sensor_msgs/Image; rgb8, bgr8, rgba8, bgra8, mono8) or ``image/compressed``
  (sensor_msgs/CompressedImage, jpeg/png) per ``image_transport``; ``camera_info``
  (sensor_msgs/CameraInfo); ``depth`` (sensor_msgs/Image 16UC1 mm or 32FC1 m, aligned
  to the colour image) when ``use_depth``; ``command`` (std_msgs/String).
Published:
  ``~/target_pose`` (geometry_msgs/PoseStamped, the image's stamp and optical frame,
  metres; orientation identity in that frame) when a target is found with depth;
  ``~/target_poses`` (geometry_msgs/PoseArray, same frame) every object answered with
  depth: each match of a plural command ("all the red balls"), each object of "A and B";
  ``~/detection_json`` (std_msgs/String, JSON, every processed frame);
  ``~/detection`` (vision_msgs/Detection2DArray, only where vision_msgs imports);
  ``~/debug_image`` (sensor_msgs/Image rgb8, only computed while subscribed);
  ``~/markers`` (visualization_msgs/MarkerArray); ``~/active_command`` (std_msgs/String,
  transient local); ``/diagnostics`` (diagnostic_msgs/DiagnosticArray).
Parameters: see :data:`clip_perception.config.PARAMETERS` and the README.
"""

import json
import sys
import threading
import time

import cv2
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
from rclpy.event_handler import SubscriptionEventCallbacks
from rclpy.executors import ExternalShutdownException
from rclpy.executors import SingleThreadedExecutor
from rclpy.node import Node
from rclpy.parameter import Parameter
from rclpy.qos import DurabilityPolicy
from rclpy.qos import HistoryPolicy
from rclpy.qos import QoSProfile
from rclpy.qos import ReliabilityPolicy
from sensor_msgs.msg import CameraInfo
from sensor_msgs.msg import CompressedImage
from sensor_msgs.msg import Image
from std_msgs.msg import String
from visualization_msgs.msg import Marker
from visualization_msgs.msg import MarkerArray

from clip_perception.config import PARAMETERS
from clip_perception.config import PipelineConfig
from clip_perception.config import validate
from clip_perception.health import Health
from clip_perception.health import LogThrottle
from clip_perception.language import clean_command
from clip_perception.language import CommandError
from clip_perception.language import describe
from clip_perception.messages import camera_info_to_intrinsics
from clip_perception.messages import check_same_size
from clip_perception.messages import compressed_to_rgb
from clip_perception.messages import depth_to_array
from clip_perception.messages import image_to_rgb
from clip_perception.messages import MessageError
from clip_perception.messages import rgb_to_image_fields
from clip_perception.pipeline import Pipeline
from clip_perception.scorer import ClipScorer
from clip_perception.scorer import ModelLoadError
from clip_perception.sync import FrameSync

try:  # Only on a full ROS install; not installable from PyPI.
    from vision_msgs.msg import Detection2D
    from vision_msgs.msg import Detection2DArray
    from vision_msgs.msg import ObjectHypothesisWithPose
except ImportError:  # pragma: no cover - depends on the install
    Detection2DArray = None

LIVE = {'command', 'prompt_template', 'max_proposals', 'min_confidence', 'spatial_margin',
        'crop_context', 'depth_proposals', 'image_proposals', 'nms_iou', 'top_k',
        'sync_slop', 'max_frame_age', 'input_timeout', 'diagnostics_period',
        'ambiguity_margin', 'on_ambiguous'}


def _descriptor(p):
    d = ParameterDescriptor(name=p.name, description=p.description, read_only=p.read_only)
    if p.choices:
        d.additional_constraints = 'one of: ' + ', '.join(p.choices)
    if p.min is not None:
        if isinstance(p.default, int) and not isinstance(p.default, bool):
            d.integer_range = [IntegerRange(from_value=int(p.min), to_value=int(p.max), step=1)]
        else:
            d.floating_point_range = [FloatingPointRange(
                from_value=float(p.min), to_value=float(p.max), step=0.0)]
    return d


def _depth_timeout(slop):
    """How long a colour frame waits for its depth image (s)."""
    return max(0.5, 10 * slop)


def _stamp_seconds(stamp):
    return stamp.sec + stamp.nanosec * 1e-9


class ClipPerceptionNode(Node):
    """See the module docstring for topics; parameters are declared from the config."""

    def __init__(self, **kwargs):
        super().__init__('clip_perception', **kwargs)
        for p in PARAMETERS:
            self.declare_parameter(p.name, p.default, _descriptor(p))
        values = self._values()
        for name in values:
            reason = validate(name, values[name])
            if reason:
                raise ValueError(f'parameter {name}: {reason}')
        self.health = Health()
        self._throttle = LogThrottle(5.0)
        self._lock = threading.Lock()
        self._cv = threading.Condition(self._lock)
        self._pending = None
        self._stop = threading.Event()

        if values['torch_threads'] > 0:
            import torch
            torch.set_num_threads(values['torch_threads'])
        t0 = time.monotonic()
        self.scorer = ClipScorer(values['model'], values['device'], values['dtype'],
                                 values['prompt_template'], values['crop_context'])
        self.get_logger().info(
            f'loaded CLIP "{values["model"]}" from {self.scorer.model_path} '
            f'({self.scorer.num_parameters / 1e6:.2f} M parameters, input '
            f'{self.scorer.input_size} px) on {self.scorer.device} '
            f'{str(self.scorer.dtype).replace("torch.", "")} in '
            f'{time.monotonic() - t0:.1f} s; calibration: '
            f'{"shipped" if self.scorer.calibration else "default"}')
        self.pipeline = Pipeline(self.scorer, PipelineConfig.from_values(values))
        self._command = values['command'].strip()
        self._values_cache = values
        self.sync = FrameSync(values['sync_slop'], values['use_depth'],
                              depth_timeout=_depth_timeout(values['sync_slop']))

        reliability = (ReliabilityPolicy.RELIABLE if values['qos_reliability'] == 'reliable'
                       else ReliabilityPolicy.BEST_EFFORT)
        camera_qos = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=values['qos_depth'],
                                reliability=reliability,
                                durability=DurabilityPolicy.VOLATILE)
        latched = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=1,
                             reliability=ReliabilityPolicy.RELIABLE,
                             durability=DurabilityPolicy.TRANSIENT_LOCAL)

        events = SubscriptionEventCallbacks(incompatible_qos=self._on_incompatible_qos)
        if values['image_transport'] == 'compressed':
            self.create_subscription(CompressedImage, 'image/compressed', self._on_compressed,
                                     camera_qos, event_callbacks=events)
        else:
            self.create_subscription(Image, 'image', self._on_image, camera_qos,
                                     event_callbacks=events)
        self.create_subscription(CameraInfo, 'camera_info', self._on_camera_info, camera_qos,
                                 event_callbacks=events)
        if values['use_depth']:
            self.create_subscription(Image, 'depth', self._on_depth, camera_qos,
                                     event_callbacks=events)
        self.create_subscription(String, 'command', self._on_command, 10)

        self.pose_pub = self.create_publisher(PoseStamped, '~/target_pose', 10)
        self.poses_pub = self.create_publisher(PoseArray, '~/target_poses', 10)
        self.json_pub = self.create_publisher(String, '~/detection_json', 10)
        self.vision_pub = (self.create_publisher(Detection2DArray, '~/detection', 10)
                           if Detection2DArray is not None else None)
        self.debug_pub = self.create_publisher(Image, '~/debug_image', 2)
        self.marker_pub = self.create_publisher(MarkerArray, '~/markers', 10)
        self.command_pub = self.create_publisher(String, '~/active_command', latched)
        self.diag_pub = self.create_publisher(DiagnosticArray, '/diagnostics', 10)

        self.add_on_set_parameters_callback(self._on_set_parameters)
        self.add_post_set_parameters_callback(self._after_set_parameters)
        self._diag_timer = self.create_timer(values['diagnostics_period'], self._diagnostics)
        self._sync_timer = self.create_timer(0.05, self._poll_sync)
        self._echo_command()
        self._worker = threading.Thread(target=self._work, name='clip_worker', daemon=True)
        self._worker.start()
        self.get_logger().info(
            f'listening on {self.resolve_topic_name("image")} ({values["image_transport"]}), '
            f'{self.resolve_topic_name("camera_info")}'
            + (f', {self.resolve_topic_name("depth")}' if values['use_depth'] else '')
            + f'; command on {self.resolve_topic_name("command")}'
            + (f'; active command "{self._command}"' if self._command else ''))

    # ------------------------------------------------------------------ parameters
    def _values(self):
        return {p.name: self.get_parameter(p.name).value for p in PARAMETERS}

    def _on_set_parameters(self, params):
        for p in params:
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
            reason = validate(p.name, p.value)
            if reason:
                return SetParametersResult(successful=False, reason=reason)
        return SetParametersResult(successful=True)

    def _after_set_parameters(self, params):
        values = self._values()
        self.pipeline.config = PipelineConfig.from_values(values)
        self.sync.slop = values['sync_slop']
        self.sync.depth_timeout = _depth_timeout(values['sync_slop'])
        for p in params:
            if p.name == 'command':
                with self._lock:
                    self._command = clean_command(p.value) if p.value else ''
                self.get_logger().info(f'command set to "{self._command}"' if self._command
                                       else 'command cleared; idle')
                self._echo_command()
            if p.name == 'diagnostics_period':
                self._diag_timer.cancel()
                self.destroy_timer(self._diag_timer)
                self._diag_timer = self.create_timer(p.value, self._diagnostics)
        self._values_cache = values

    def _echo_command(self):
        self.command_pub.publish(String(data=self._command))

    # ------------------------------------------------------------------ inputs
    def _now(self):
        return self.get_clock().now().nanoseconds * 1e-9

    def _reject(self, kind, text):
        self.health.reject(kind)
        held = self._throttle.allow(kind, time.monotonic())
        if held is not None:
            more = f' ({held} more like it since the last report)' if held else ''
            self.get_logger().warning(f'skipped: {text}{more}')

    def _on_incompatible_qos(self, event):
        self._reject('qos', f"a camera publisher's QoS is incompatible with this node's "
                     f'(policy {event.last_policy_kind}); with a best_effort publisher set '
                     'qos_reliability to best_effort')

    def _on_command(self, msg):
        self.health.count('commands_received')
        try:
            text = clean_command(msg.data)
        except CommandError as exc:
            self.health.count('commands_rejected')
            self._reject('command', f'command "{msg.data[:80]}" rejected: {exc}')
            return
        result = self.set_parameters([Parameter('command', Parameter.Type.STRING, text)])[0]
        if not result.successful:
            self.health.count('commands_rejected')
            self._reject('command', f'command rejected: {result.reason}')

    def _on_image(self, msg):
        try:
            rgb = image_to_rgb(msg.encoding, msg.height, msg.width, msg.step, msg.data)
        except MessageError as exc:
            self._reject('image_' + exc.kind, f'image: {exc}')
            return
        self._add_image(msg.header, rgb)

    def _on_compressed(self, msg):
        try:
            rgb = compressed_to_rgb(msg.format, msg.data)
        except MessageError as exc:
            self._reject('image_' + exc.kind, f'compressed image: {exc}')
            return
        self._add_image(msg.header, rgb)

    def _add_image(self, header, rgb):
        self.health.frame_in(time.monotonic())
        frames = self.sync.add_image(_stamp_seconds(header.stamp), (header, rgb),
                                     time.monotonic())
        for frame in frames:
            self._submit(frame)

    def _on_depth(self, msg):
        try:
            depth = depth_to_array(msg.encoding, msg.height, msg.width, msg.step, msg.data,
                                   msg.is_bigendian)
        except MessageError as exc:
            self._reject('depth_' + exc.kind, f'depth: {exc}')
            return
        for frame in self.sync.add_depth(_stamp_seconds(msg.header.stamp), depth,
                                         time.monotonic()):
            self._submit(frame)

    def _on_camera_info(self, msg):
        try:
            intr = camera_info_to_intrinsics(msg.k, msg.width, msg.height)
        except MessageError as exc:
            self._reject('camera_info_' + exc.kind, str(exc))
            return
        self.sync.add_info(_stamp_seconds(msg.header.stamp), intr)

    def _poll_sync(self):
        for frame in self.sync.poll(time.monotonic()):
            self._submit(frame)

    def _submit(self, frame):
        """Hand the newest frame to the worker; a frame still waiting is dropped."""
        with self._cv:
            if self._pending is not None:
                self.health.count('frames_dropped')
            self._pending = frame
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
                self._process(frame, command)
            except Exception as exc:  # noqa: BLE001 - the worker must survive anything
                if not self.context.ok():
                    return
                self.health.count('frames_failed')
                self._reject('internal', f'frame failed: {type(exc).__name__}: {exc}')

    def _process(self, frame, command):
        header, rgb = frame.image
        if not command:
            self.health.count('frames_idle')
            return
        max_age = self._values_cache['max_frame_age']
        age = self._now() - frame.stamp
        if max_age > 0 and age > max_age:
            self.health.count('frames_stale')
            self._reject('stale', f'frame stamped {age:.2f} s ago is older than max_frame_age '
                         f'{max_age} s (camera and node clocks in sync? use_sim_time?)')
            return
        intr, depth, note = frame.info, frame.depth, frame.no_depth_reason
        if intr is not None:
            try:
                check_same_size(rgb.shape, intr, 'image')
            except MessageError as exc:
                self._reject('image_' + exc.kind, str(exc))
                return
        else:
            note = 'no camera_info received yet'
        if depth is not None and depth.shape != rgb.shape[:2]:
            self._reject('depth_mismatch', f'depth is {depth.shape[1]}x{depth.shape[0]} but the '
                         f'image is {rgb.shape[1]}x{rgb.shape[0]}; using no depth')
            depth, note = None, 'depth size does not match the image'
        result = self.pipeline.run(rgb, command, depth if intr is not None else None, intr)
        reason = result.reason + (f' ({note})' if note and result.found and
                                  result.pose is None else '')
        latency = self._publish(header, rgb, result, reason)
        self.health.frame_done(time.monotonic(), latency, result.status,
                               reason)

    # ------------------------------------------------------------------ outputs
    def _publish(self, header, rgb, result, reason):
        """Publish every output of one frame; return its latency (stamp to now, s)."""
        latency = self._now() - _stamp_seconds(header.stamp)
        if result.pose is not None:
            pose = PoseStamped()
            pose.header = header
            p = result.pose.position
            pose.pose.position.x, pose.pose.position.y, pose.pose.position.z = (
                float(p[0]), float(p[1]), float(p[2]))
            pose.pose.orientation.w = 1.0
            self.pose_pub.publish(pose)
        located = [tg.pose for tg in result.targets if tg.pose is not None]
        if located:
            arr = PoseArray(header=header)
            for est in located:
                p = Pose()
                p.position.x, p.position.y, p.position.z = (float(v) for v in est.position)
                p.orientation.w = 1.0
                arr.poses.append(p)
            self.poses_pub.publish(arr)
        self.json_pub.publish(String(data=json.dumps(
            detection_dict(header, result, reason, latency))))
        if self.vision_pub is not None:
            self.vision_pub.publish(self._vision(header, result))
        self.marker_pub.publish(self._markers(header, result))
        if self.debug_pub.get_subscription_count() > 0:
            enc, h, w, step, data = rgb_to_image_fields(draw_debug(rgb, result))
            self.debug_pub.publish(Image(header=header, encoding=enc, height=h, width=w,
                                         step=step, data=data))
        return latency

    def _vision(self, header, result):  # pragma: no cover - needs vision_msgs
        arr = Detection2DArray(header=header)
        for i, cand in enumerate(result.ranked):
            det = Detection2D(header=header)
            x0, y0, x1, y1 = cand.box
            det.bbox.center.position.x = (x0 + x1) / 2.0
            det.bbox.center.position.y = (y0 + y1) / 2.0
            det.bbox.size_x, det.bbox.size_y = x1 - x0, y1 - y0
            hyp = ObjectHypothesisWithPose()
            hyp.hypothesis.class_id = result.what
            hyp.hypothesis.score = cand.confidence
            if i == 0 and result.pose is not None:
                p = result.pose.position
                hyp.pose.pose.position.x, hyp.pose.pose.position.y = float(p[0]), float(p[1])
                hyp.pose.pose.position.z = float(p[2])
                hyp.pose.pose.orientation.w = 1.0
            det.results.append(hyp)
            det.id = 'chosen' if (i == 0 and result.found) else f'candidate_{i}'
            arr.detections.append(det)
        return arr

    def _markers(self, header, result):
        clear = Marker(header=header, ns='clip_perception', action=Marker.DELETEALL)
        if result.pose is None:
            return MarkerArray(markers=[clear])
        p = result.pose.position
        size = float(np.clip(np.max(result.pose.extent), 0.02, 0.5))
        sphere = Marker(header=header, ns='clip_perception', id=0, type=Marker.SPHERE,
                        action=Marker.ADD)
        sphere.pose.position.x, sphere.pose.position.y, sphere.pose.position.z = (
            float(p[0]), float(p[1]), float(p[2]))
        sphere.pose.orientation.w = 1.0
        sphere.scale.x = sphere.scale.y = sphere.scale.z = size
        sphere.color.g, sphere.color.a = 1.0, 0.6
        text = Marker(header=header, ns='clip_perception', id=1, type=Marker.TEXT_VIEW_FACING,
                      action=Marker.ADD, text=f'{result.command} '
                      f'({result.chosen.confidence:.2f})')
        text.pose.position.x, text.pose.position.y = float(p[0]), float(p[1]) - size
        text.pose.position.z = float(p[2])
        text.pose.orientation.w = 1.0
        text.scale.z = 0.03
        text.color.r = text.color.g = text.color.b = text.color.a = 1.0
        return MarkerArray(markers=[clear, sphere, text])

    def _diagnostics(self):
        level, message, values = self.health.snapshot(time.monotonic(),
                                                      self._values_cache['input_timeout'])
        values = values + [
            ('model', self.scorer.model_name), ('device', self.scorer.device),
            ('dtype', str(self.scorer.dtype).replace('torch.', '')),
            ('active_command', self._command),
            ('text_embeddings_cached', str(self.scorer.text_cache_len)),
            ('frames_dropped_by_sync', str(self.sync.dropped)),
        ]
        status = DiagnosticStatus(
            level=bytes([level]), name=f'{self.get_name()}: pipeline',
            message=message, hardware_id=self.scorer.device,
            values=[KeyValue(key=k, value=str(v)) for k, v in values])
        arr = DiagnosticArray(status=[status])
        arr.header.stamp = self.get_clock().now().to_msg()
        self.diag_pub.publish(arr)

    def shutdown(self):
        """Stop the worker thread."""
        self._stop.set()
        with self._cv:
            self._cv.notify_all()
        self._worker.join(timeout=5.0)


def detection_dict(header, result, reason, latency):
    """Build the ``~/detection_json`` payload (see README for the schema)."""
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
        'latency_s': round(latency, 4),
        'timings_ms': {k: round(1000 * v, 2) for k, v in result.timings.items()},
    }
    if result.pose is not None:
        out['position'] = [round(float(v), 4) for v in result.pose.position]
        out['position_std'] = [round(float(v), 5) for v in
                               np.sqrt(np.diag(result.pose.covariance))]
    out['targets'] = [dict(cand(tg.candidate), what=tg.what, position=None if tg.pose is None
                           else [round(float(v), 4) for v in tg.pose.position])
                      for tg in result.targets]
    out['ambiguous'] = [cand(c) for c in result.ambiguous]
    out['reference'] = cand(result.reference) if result.reference is not None else None
    out['parsed'] = describe(result.query) if result.query is not None else None
    return out


def draw_debug(rgb, result):
    """Draw proposals (grey), the chosen box (green) and the verdict on the frame."""
    img = np.ascontiguousarray(rgb).copy()
    for box in result.proposals:
        x0, y0, x1, y1 = (int(round(v)) for v in box)
        cv2.rectangle(img, (x0, y0), (x1 - 1, y1 - 1), (150, 150, 150), 1)
    if result.chosen is not None:
        x0, y0, x1, y1 = (int(round(v)) for v in result.chosen.box)
        cv2.rectangle(img, (x0, y0), (x1 - 1, y1 - 1), (0, 255, 0), 3)
        label = f'{result.command}: {result.chosen.confidence:.2f}'
        if result.pose is not None:
            label += ' @ ({:.2f}, {:.2f}, {:.2f}) m'.format(*result.pose.position)
        colour = (0, 160, 0)
    else:
        label = f'{result.command}: {result.status.upper().replace("_", " ")}'
        colour = (220, 0, 0)
    cv2.rectangle(img, (0, 0), (img.shape[1], 24), (255, 255, 255), -1)
    cv2.putText(img, label, (6, 17), cv2.FONT_HERSHEY_SIMPLEX, 0.55, colour, 1, cv2.LINE_AA)
    return img


def main(args=None):
    """Console entry point ``clip_perception_node``."""
    rclpy.init(args=args)
    try:
        node = ClipPerceptionNode()
    except (ModelLoadError, ValueError) as exc:
        rclpy.logging.get_logger('clip_perception').fatal(f'cannot start: {exc}')
        rclpy.try_shutdown()
        return 1
    # One thread: every callback is in the node's default, mutually exclusive group,
    # and inference runs on the node's own worker thread.
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    try:
        executor.spin()
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        node.shutdown()
        executor.shutdown()
        node.destroy_node()
        rclpy.try_shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())
