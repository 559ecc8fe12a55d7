"""rosbag2 recording and replay without rosbag2: the ``rosbags`` library + rclpy.

* :func:`record_script` renders a scripted sequence of scenes and commands into a
  rosbag2 folder (sqlite3 or mcap, metadata.yaml and message definitions as rosbag2
  writes them) with the RealSense topic names and a ``ground_truth.json`` side file.
* :func:`read_bag` reads any rosbag2 folder, real ones included: it goes through each
  storage file's own connection table, because the high-level reader of rosbags 0.11
  drops every message whose QoS in metadata.yaml differs from the storage's (seen with
  the talker bags rosbag2 ships as test resources).
* :class:`Replayer` publishes a bag into the live graph with the recorded timing, a
  rate factor, remaps, looping and (by default) header stamps moved to play time;
  :class:`OutputRecorder` records topics from the graph back into a bag.
"""

import argparse
from dataclasses import dataclass
from dataclasses import field
import heapq
import importlib
import json
import os
from pathlib import Path
import signal
import sys
import threading
import time

from builtin_interfaces.msg import Time
import cv2
import rclpy
from rclpy.executors import SingleThreadedExecutor
from rclpy.node import Node
from rclpy.qos import QoSProfile
from rclpy.qos import ReliabilityPolicy
from rclpy.serialization import deserialize_message
from rclpy.serialization import serialize_message
from rclpy.signals import SignalHandlerOptions
from sensor_msgs.msg import CameraInfo
from sensor_msgs.msg import CompressedImage
from sensor_msgs.msg import Image
from std_msgs.msg import Header
from std_msgs.msg import String

from clip_perception.messages import depth_to_image_fields
from clip_perception.messages import rgb_to_image_fields
from clip_perception.tools import DefaultsHelpFormatter
from clip_perception.tools.paths import check_replaceable
from clip_perception.tools.paths import OutputPathError
from clip_perception.tools.paths import replace_dir
from clip_perception.tools.scenario import demo_script
from clip_perception.tools.scenario import render_step

COLOR_TOPIC = '/camera/color/image_raw'
COMPRESSED_TOPIC = '/camera/color/image_raw/compressed'
INFO_TOPIC = '/camera/color/camera_info'
DEPTH_TOPIC = '/camera/aligned_depth_to_color/image_raw'
COMMAND_TOPIC = '/clip_perception/command'
GROUND_TRUTH = 'ground_truth.json'


# ----------------------------------------------------------------------------- messages

def _stamp(ns):
    return Time(sec=int(ns // 1_000_000_000), nanosec=int(ns % 1_000_000_000))


def scene_messages(scene, stamp_ns, depth_encoding='16UC1', jpeg_quality=None):
    """Colour, depth and camera_info messages of a scene, sharing one header.

    :param jpeg_quality: when given, the colour image is a ``CompressedImage`` (jpeg).
    :return: ``(colour, depth, camera_info)`` rclpy messages.
    """
    header_kwargs = {'stamp': _stamp(stamp_ns), 'frame_id': scene.frame_id}
    header = Header(**header_kwargs)
    if jpeg_quality:
        ok, buf = cv2.imencode('.jpg', cv2.cvtColor(scene.rgb, cv2.COLOR_RGB2BGR),
                               [cv2.IMWRITE_JPEG_QUALITY, int(jpeg_quality)])
        assert ok
        colour = CompressedImage(header=header, format='rgb8; jpeg compressed bgr8',
                                 data=buf.tobytes())
    else:
        enc, h, w, step, data = rgb_to_image_fields(scene.rgb)
        colour = Image(header=header, encoding=enc, height=h, width=w, step=step, data=data)
    depth = scene.depth_16uc1() if depth_encoding == '16UC1' else scene.depth_32fc1()
    enc, h, w, step, data = depth_to_image_fields(depth, depth_encoding)
    depth_msg = Image(header=Header(**header_kwargs), encoding=enc, height=h, width=w,
                      step=step, data=data, is_bigendian=0)
    intr = scene.intrinsics
    info = CameraInfo(header=Header(**header_kwargs), width=intr.width, height=intr.height,
                      distortion_model='plumb_bob', d=list(scene.distortion), k=intr.k(),
                      r=[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
                      p=[intr.fx, 0.0, intr.cx, 0.0, 0.0, intr.fy, intr.cy, 0.0,
                         0.0, 0.0, 1.0, 0.0])
    return colour, depth_msg, info


def message_type(msgtype):
    """``sensor_msgs/msg/Image`` -> the rclpy message class."""
    pkg, _, name = msgtype.split('/')
    return getattr(importlib.import_module(f'{pkg}.msg'), name)


def _typestore():
    from rosbags.typesys import get_typestore
    from rosbags.typesys import Stores
    return get_typestore(Stores.ROS2_JAZZY)


# ----------------------------------------------------------------------------- writing

class BagWriter:
    """Write rclpy messages into a new rosbag2 folder (sqlite3 or mcap).

    An existing ``path`` is replaced only when it is an empty folder or a rosbag2 folder
    (:func:`clip_perception.tools.paths.replace_dir`; else ``OutputPathError``).
    """

    def __init__(self, path, storage='sqlite3', compress=False):
        from rosbags.rosbag2 import StoragePlugin
        from rosbags.rosbag2 import Writer
        from rosbags.rosbag2.enums import CompressionFormat
        from rosbags.rosbag2.enums import CompressionMode

        plugin = {'sqlite3': StoragePlugin.SQLITE3, 'mcap': StoragePlugin.MCAP}[storage]
        path = Path(path)
        replace_dir(path, ('metadata.yaml',), 'rosbag2 folder')
        self._writer = Writer(path, version=8, storage_plugin=plugin)
        if compress:
            self._writer.set_compression(CompressionMode.MESSAGE, CompressionFormat.ZSTD)
        self._writer.open()
        self._typestore = _typestore()
        self._connections = {}
        self._lock = threading.Lock()

    def write(self, topic, msg, t_ns):
        """Append ``msg`` (an rclpy message) on ``topic`` at receive time ``t_ns``."""
        msgtype = type(msg).__module__.split('.')[0] + '/msg/' + type(msg).__name__
        with self._lock:
            conn = self._connections.get(topic)
            if conn is None:
                conn = self._writer.add_connection(topic, msgtype, typestore=self._typestore)
                self._connections[topic] = conn
            self._writer.write(conn, int(t_ns), serialize_message(msg))

    def close(self):
        with self._lock:
            self._writer.close()


def record_script(path, steps, storage='sqlite3', compress=False, jpeg_quality=None,
                  depth_encoding='16UC1', start_ns=1_700_000_000_000_000_000,
                  command_lead=0.3):
    """Render ``steps`` (see :mod:`clip_perception.tools.scenario`) into a bag.

    Each step publishes its command (if any) at its start, then, ``command_lead``
    seconds later, ``frames`` frames of its scene ``period`` seconds apart. Ground truth
    goes to ``ground_truth.json``.

    :return: the ground-truth dict written.
    """
    def shots():
        for step in steps:
            scene, expected = render_step(step)
            yield Shot(step.command, scene, expected, step.frames, step.period,
                       {'scene_seed': step.seed})
    return record_shots(path, shots(), storage, compress, jpeg_quality, depth_encoding,
                        start_ns, command_lead)


@dataclass
class Shot:
    """One command and the rendered scene shown for it (:func:`record_shots`).

    ``expected`` is the :class:`clip_perception.world.scenes.SceneObject` the command
    should pick, None when it names something absent; ``extra`` is copied into the
    step's ground-truth entry.
    """

    command: str | None
    scene: object
    expected: object | None
    frames: int = 2
    period: float = 0.8
    extra: dict = field(default_factory=dict)


def record_shots(path, shots, storage='sqlite3', compress=False, jpeg_quality=None,
                 depth_encoding='16UC1', start_ns=1_700_000_000_000_000_000,
                 command_lead=0.3):
    """Write :class:`Shot` s into a bag, as :func:`record_script` writes its steps.

    :param shots: iterable of :class:`Shot`.
    :return: the ground-truth dict written (``steps`` in the order of ``shots``).
    """
    writer = BagWriter(path, storage, compress)
    truth = {'topics': {'color': COMPRESSED_TOPIC if jpeg_quality else COLOR_TOPIC,
                        'depth': DEPTH_TOPIC, 'camera_info': INFO_TOPIC,
                        'command': COMMAND_TOPIC},
             'start_ns': start_ns, 'steps': []}
    t = start_ns
    try:
        for shot in shots:
            scene, expected = shot.scene, shot.expected
            entry = {'command': shot.command, **shot.extra,
                     'expected': expected.to_dict() if expected is not None else None,
                     'objects': [o.to_dict() for o in scene.objects], 'frames_ns': []}
            if shot.command is not None:
                writer.write(COMMAND_TOPIC, String(data=shot.command), t)
                entry['command_ns'] = t
            t += int(command_lead * 1e9)
            for _ in range(shot.frames):
                colour, depth, info = scene_messages(scene, t, depth_encoding, jpeg_quality)
                writer.write(truth['topics']['color'], colour, t)
                writer.write(DEPTH_TOPIC, depth, t)
                writer.write(INFO_TOPIC, info, t)
                entry['frames_ns'].append(t)
                t += int(shot.period * 1e9)
            truth['steps'].append(entry)
    finally:
        writer.close()
    with open(Path(path) / GROUND_TRUTH, 'w') as f:
        json.dump(truth, f, indent=1)
    return truth


# ----------------------------------------------------------------------------- reading

def read_bag(path, topics=None):
    """Yield ``(topic, msgtype, t_ns, rawdata)`` in time order from a rosbag2 folder.

    Reads through the storage files' own connection tables (see module docstring), so
    real bags whose metadata.yaml QoS disagrees with the storage are read in full.
    """
    from rosbags.rosbag2 import Reader

    with Reader(path) as reader:
        directory = reader.storage
        compressed = getattr(directory.metadata, 'compression_mode', '') == 'message'
        if compressed:
            try:
                from compression import zstd
            except ImportError:
                from backports import zstd
        streams = []
        for storage in directory.storages:
            conns = [c for c in storage.connections if topics is None or c.topic in topics]
            if conns:
                streams.append(((t, c.topic, c.msgtype, d)
                                for c, t, d in storage.messages(conns)))
        for t, topic, msgtype, data in heapq.merge(*streams, key=lambda m: m[0]):
            yield topic, msgtype, t, zstd.decompress(data) if compressed else data


def bag_topics(path):
    """``{topic: msgtype}`` of a bag, from its storage files."""
    from rosbags.rosbag2 import Reader

    with Reader(path) as reader:
        return {c.topic: c.msgtype for s in reader.storage.storages for c in s.connections}


# ----------------------------------------------------------------------------- replay

def idle_remaps(remap, in_bag, topics=None):
    """Say which ``--remap FROM:=TO`` rules would rename nothing this replay plays.

    A remap matches a bag topic's whole name, as rosbag2's ``ros2 bag play --remap``
    does: ``/camera/color/image_raw`` does not rename ``/camera/color/image_raw/compressed``
    (a ``--jpeg`` recording's colour). Such a rule was ignored and the replay exited 0
    (helper-70's trial of the README's own example), as ``--topics /nope`` once was.

    :param remap: ``{from_topic: to_topic}``, the rules given.
    :param in_bag: the bag's topics (any iterable of names, e.g. ``bag_topics``'s dict).
    :param topics: the topics ``--topics`` keeps, or None for all of the bag's.
    :return: one line per idle rule naming it, what it may have meant (a bag topic
        under it, e.g. its ``/compressed`` transport) and the topics played; empty when
        every rule renames a played topic.
    """
    played = sorted(topics if topics is not None else in_bag)
    lines = []
    for src in remap:
        if src in played:
            continue
        under = [t for t in played if t.startswith(src.rstrip('/') + '/')]
        hint = f' (did you mean {under[0]}?)' if under else ''
        why = 'left out by --topics' if src in in_bag else 'not in the bag'
        lines.append(f'--remap {src}:={remap[src]}: {src} is not a topic this replay '
                     f'plays ({why}){hint}; remaps match whole topic names; played: '
                     f'{", ".join(played)}')
    return lines


class Replayer:
    """Publish a bag into the graph through ``node`` with the recorded timing.

    :param remap: ``{bag_topic: graph_topic}``; unmapped topics keep their names.
    :param topics: only these bag topics (after filtering, before remapping).
    :param rate: playback speed factor (2.0 = twice as fast).
    :param restamp: move ``header.stamp`` of every message to play time, keeping the
        recorded offsets (so colour, depth and camera_info of a frame still match);
        like playing with ``--clock`` and ``use_sim_time``, without a clock topic.
    """

    def __init__(self, node, path, remap=None, topics=None, rate=1.0, loop=False,
                 restamp=True):
        self.node = node
        self.path = path
        self.remap = remap or {}
        self.rate = float(rate)
        self.loop = loop
        self.restamp = restamp
        types = bag_topics(path)
        self.topics = [t for t in types if topics is None or t in topics]
        qos = QoSProfile(depth=50, reliability=ReliabilityPolicy.RELIABLE)
        self._types = {t: message_type(types[t]) for t in self.topics}
        self._pubs = {t: node.create_publisher(self._types[t], self.remap.get(t, t), qos)
                      for t in self.topics}
        self.published = 0
        self._pass_ns = None

    def wait_for_subscribers(self, topics, timeout=10.0):
        """Block until every bag topic in ``topics`` has a subscriber (or timeout)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if all(self._pubs[t].get_subscription_count() > 0 for t in topics
                   if t in self._pubs):
                return True
            time.sleep(0.05)
        return False

    def pass_offset_ns(self):
        """Return the recorded time between the starts of two ``loop`` passes (ns).

        The recording's span (first to last message) plus one frame period (the smallest
        gap between two messages of one topic; 0.1 s if none), so every pass is stamped
        after the previous one and a frame never pairs with another pass's depth.
        """
        if self._pass_ns is None:
            first = last = None
            previous, gap = {}, None
            for topic, _, t, _ in read_bag(self.path, set(self.topics)):
                first = t if first is None else first
                last = t
                if topic in previous and t > previous[topic]:
                    step = t - previous[topic]
                    gap = step if gap is None else min(gap, step)
                previous[topic] = t
            span = 0 if first is None else last - first
            self._pass_ns = span + (gap if gap is not None else 100_000_000)
        return self._pass_ns

    def play(self, stop_event=None, on_message=None):
        """Publish everything once (or forever with ``loop``); return messages published.

        With ``loop``, pass ``k`` is timed and (with ``restamp``) stamped ``k`` times
        :meth:`pass_offset_ns` after the first, so stamps keep increasing across passes.
        With ``restamp=False`` every pass repeats the recorded stamps.
        """
        wall0 = time.monotonic()
        stamp0 = self.node.get_clock().now().nanoseconds
        first = None
        passes = 0
        while True:
            shift = passes * self.pass_offset_ns() if passes else 0
            for topic, _, t, raw in read_bag(self.path, set(self.topics)):
                if stop_event is not None and stop_event.is_set():
                    return self.published
                first = t if first is None else first
                offset = t - first + shift
                delay = wall0 + offset / 1e9 / self.rate - time.monotonic()
                if delay > 0:
                    if stop_event is not None:
                        if stop_event.wait(delay):
                            return self.published
                    else:
                        time.sleep(delay)
                msg = deserialize_message(raw, self._types[topic])
                if self.restamp and hasattr(msg, 'header'):
                    offset = _ns(msg.header.stamp) - first + shift
                    msg.header.stamp = _stamp(stamp0 + int(offset / self.rate))
                self._pubs[topic].publish(msg)
                self.published += 1
                if on_message is not None:
                    on_message(topic, msg)
            passes += 1
            if not self.loop:
                return self.published


def _ns(stamp):
    return stamp.sec * 1_000_000_000 + stamp.nanosec


class OutputRecorder:
    """Subscribe to ``topics`` ({name: rclpy class}) and write them to a bag."""

    def __init__(self, node, path, topics, storage='mcap'):
        self.writer = BagWriter(path, storage)
        self.messages = {t: [] for t in topics}
        self._subs = []
        for topic, cls in topics.items():
            self._subs.append(node.create_subscription(
                cls, topic, lambda m, t=topic: self._on(t, m), 50))
        self._clock = node.get_clock()

    def _on(self, topic, msg):
        self.messages[topic].append(msg)
        self.writer.write(topic, msg, self._clock.now().nanoseconds)

    def close(self):
        self.writer.close()


# ----------------------------------------------------------------------------- CLIs

def record_main(argv=None):
    """Console entry point ``clip_perception_record``: render a scripted bag."""
    from clip_perception.tools.scenario import random_script

    p = argparse.ArgumentParser(description='Write generated RGB-D scenes and commands as '
                                'a rosbag2 folder (RealSense topic names).',
                                formatter_class=DefaultsHelpFormatter)
    p.add_argument('out', help='output bag folder: written when missing or empty, replaced '
                   'when it is a rosbag2 folder; anything else is refused (exit 2) and '
                   'nothing is deleted')
    p.add_argument('--script', choices=('demo', 'random'), default='demo',
                   help="demo: the bundled recording's three scenes and seven commands; "
                   'random: --scenes generated scenes, one command each, every third '
                   'naming an absent object')
    p.add_argument('--scenes', type=int, default=10, help='random script: scenes')
    p.add_argument('--seed', type=int, default=0, help='random script: seed')
    p.add_argument('--storage', choices=('sqlite3', 'mcap'), default='sqlite3',
                   help='rosbag2 storage plugin of the file written')
    p.add_argument('--compress', action='store_true', help='zstd message compression')
    p.add_argument('--jpeg', type=int, default=0,
                   help='JPEG quality: write the colour image as CompressedImage')
    p.add_argument('--depth-encoding', choices=('16UC1', '32FC1'), default='16UC1',
                   help='aligned depth as millimetres (16UC1) or metres (32FC1)')
    args = p.parse_args(argv)
    if args.scenes < 1 or not 0 <= args.jpeg <= 100:
        p.error('--scenes must be at least 1 and --jpeg within 0..100')
    try:
        check_replaceable(args.out, ('metadata.yaml',), 'rosbag2 folder')
    except OutputPathError as exc:
        print(f'clip_perception_record: {exc}', file=sys.stderr)
        return 2
    steps = demo_script() if args.script == 'demo' else random_script(args.scenes, args.seed)
    truth = record_script(args.out, steps, args.storage, args.compress, args.jpeg or None,
                          args.depth_encoding)
    size = sum(f.stat().st_size for f in Path(args.out).rglob('*') if f.is_file())
    print(f'wrote {args.out}: {len(truth["steps"])} steps, {size / 1e6:.1f} MB')
    return 0


def replay_main(argv=None):
    """Console entry point ``clip_perception_replay``: play a rosbag2 folder."""
    p = argparse.ArgumentParser(description='Play a rosbag2 folder into the ROS graph '
                                '(recorded timing), optionally recording topics back.',
                                formatter_class=DefaultsHelpFormatter)
    p.add_argument('bag', help='rosbag2 folder (sqlite3 or mcap)')
    p.add_argument('--rate', type=float, default=1.0,
                   help='speed, a factor of the recorded timing (2.0: twice as fast)')
    p.add_argument('--loop', action='store_true',
                   help='play again from the start until stopped (Ctrl-C), stamps increasing')
    p.add_argument('--topics', nargs='*', default=None, help='only these bag topics')
    p.add_argument('--remap', nargs='*', default=[], metavar='FROM:=TO',
                   help="publish bag topic FROM on TO (whole names: a --jpeg recording's "
                   'colour is /camera/color/image_raw/compressed)')
    p.add_argument('--keep-stamps', action='store_true',
                   help='publish header stamps as recorded (default: moved to play time)')
    p.add_argument('--wait-for', nargs='*', default=[],
                   help='bag topics that must have a subscriber before playing')
    p.add_argument('--record', default=None, help='record topics from the graph to this bag')
    p.add_argument('--record-topics', nargs='*', default=[], metavar='TOPIC:=TYPE',
                   help='e.g. /clip_perception/target_pose:=geometry_msgs/msg/PoseStamped')
    args = p.parse_args(argv)
    if not args.rate > 0 or args.rate == float('inf'):
        p.error(f'--rate must be a positive number, got {args.rate}')
    bad = [r for r in args.remap + args.record_topics if ':=' not in r]
    if bad:
        p.error(f'expected FROM:=TO (or TOPIC:=TYPE), got {", ".join(bad)}')
    if not os.path.isdir(args.bag):
        print(f'no such bag folder: {args.bag}', file=sys.stderr)
        return 2
    try:
        in_bag = bag_topics(args.bag)
    except Exception as exc:  # rosbags raises its own errors for every kind of damage
        print(f'{args.bag} is not a readable rosbag2 folder: {type(exc).__name__}: {exc}',
              file=sys.stderr)
        return 2
    unknown = [t for t in (args.topics or []) + args.wait_for if t not in in_bag]
    if unknown or args.topics == []:
        print(f'not in {args.bag}: {", ".join(unknown) or "(no topic given to --topics)"}; '
              f'its topics: {", ".join(sorted(in_bag))}', file=sys.stderr)
        return 2
    remap = dict(r.split(':=', 1) for r in args.remap)
    idle = idle_remaps(remap, in_bag, args.topics)
    if idle:
        print('\n'.join(idle), file=sys.stderr)
        return 2
    profile = use_large_data_profile()
    # Ctrl-C raises KeyboardInterrupt in this (main) thread, and SIGTERM (what ros2 launch
    # sends second) does the same; rclpy's own handler would shut the context down under
    # the spinning thread, which then dies in C++ ("terminate called ...", SIGABRT).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    # No ROS arguments: from sys.argv rcl would read this tool's own "TOPIC:=TYPE" and
    # "FROM:=TO" options as (deprecated) remap rules of the node and record nothing.
    rclpy.init(args=[sys.argv[0]], signal_handler_options=SignalHandlerOptions.NO)
    node = Node('clip_perception_replay')
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            executor.spin_once(timeout_sec=0.05)

    spinner = threading.Thread(target=spin, name='replay_spin')
    spinner.start()
    recorder = player = None
    try:
        if profile:
            node.get_logger().info(f'Fast DDS profile: {profile}')
        if args.record:
            topics = dict(t.split(':=', 1) for t in args.record_topics)
            recorder = OutputRecorder(node, args.record,
                                      {t: message_type(v) for t, v in topics.items()})
        player = Replayer(node, args.bag, remap, args.topics, args.rate, args.loop,
                          restamp=not args.keep_stamps)
        if args.wait_for and not player.wait_for_subscribers(args.wait_for):
            print('timed out waiting for subscribers', file=sys.stderr)
        player.play()
        time.sleep(1.0)
    except KeyboardInterrupt:
        pass
    finally:
        # Ended without a signal: later ones are ignored too (see _interrupt).
        _hold_stop_signals()
        # Order matters: stop and join the spinning thread, then destroy, then shut down.
        stop.set()
        spinner.join()
        executor.shutdown()
        if recorder is not None:
            recorder.close()
        node.destroy_node()
        rclpy.try_shutdown()
    print(f'published {player.published if player else 0} messages from {args.bag}')
    return 0


def _interrupt(signum, frame):
    """Stop the replay: ignore SIGINT and SIGTERM from now on, then raise KeyboardInterrupt.

    A second Ctrl-C (a user's second press; ``timeout -s INT`` signals the child, then its
    process group) or SIGTERM after SIGINT (ros2 launch's escalation) raised
    KeyboardInterrupt again while the first one unwound: out of the spinning thread's join,
    a traceback and exit -2, or rclpy torn down under that thread, "terminate called
    without an active exception" and SIGABRT (helper-h180: 5 of 5 double presses). The
    node does the same (``node._hold_signals``); SIGKILL still ends the process.
    """
    _hold_stop_signals()
    raise KeyboardInterrupt


def _hold_stop_signals():
    """Ignore SIGINT and SIGTERM until the process exits (SIG_IGN survives finalisation)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)


def use_large_data_profile():
    """Point Fast DDS at the shipped large-data profile unless the user chose one.

    Without it best-effort subscribers lose most large raw images (README, Fast DDS).
    Call before ``rclpy.init``. :return: the profile in use, or '' when none was found.
    """
    if os.environ.get('FASTRTPS_DEFAULT_PROFILES_FILE'):
        return os.environ['FASTRTPS_DEFAULT_PROFILES_FILE']
    candidates = [os.path.join(p, 'share', 'clip_perception') for p in
                  os.environ.get('AMENT_PREFIX_PATH', '').split(os.pathsep) if p]
    candidates += [os.path.join(sys.prefix, 'share', 'clip_perception'),
                   str(Path(__file__).resolve().parents[2])]
    for share in candidates:
        path = os.path.join(share, 'config', 'fastdds_large_data.xml')
        if os.path.isfile(path):
            os.environ['FASTRTPS_DEFAULT_PROFILES_FILE'] = path
            return path
    return ''


if __name__ == '__main__':
    sys.exit(replay_main())
