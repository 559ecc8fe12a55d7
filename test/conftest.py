"""Shared fixtures: DDS isolation, the node as a separate process, a probe node.

Importing rclpy, torch or transformers failing here fails the run: those install on
every machine of this project, so a missing one is a broken install, not a skip.
"""

import copy
import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest


def domain_id():
    """Return the ROS_DOMAIN_ID for this test process, its own per pytest-xdist worker.

    The run's domain is the one set in the environment, else one drawn from the pid.
    pytest-xdist workers inherit the controller's environment, this id included, so
    worker gwN takes the N+1-th id after it: workers never share a domain with each
    other or with the controller. Ids stay in 1..101, the range ROS 2 documents as safe
    on Linux (ports below the ephemeral range).
    """
    run = int(os.environ.get('ROS_DOMAIN_ID') or random.Random(os.getpid()).randint(1, 101))
    worker = os.environ.get('PYTEST_XDIST_WORKER', '')
    if worker.startswith('gw') and worker[2:].isdigit():
        return 1 + (run + int(worker[2:])) % 101
    return run


# Isolate this run's DDS traffic before rclpy is imported anywhere.
os.environ['ROS_DOMAIN_ID'] = str(domain_id())
os.environ['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST'
os.environ.setdefault('FASTRTPS_DEFAULT_PROFILES_FILE', os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'config',
    'fastdds_large_data.xml'))
os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TRANSFORMERS_VERBOSITY', 'error')

import forked_node  # noqa: E402
import rclpy  # noqa: E402
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from rclpy.node import Node  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)

BIN = os.path.dirname(sys.executable)
NODE_EXE = os.path.join(BIN, 'clip_perception_node')
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PARAMS = os.path.join(REPO, 'config', 'clip_perception.yaml')
SHARED_DATA = os.path.join(os.path.dirname(REPO), 'shared', 'data')


def installed_copy_differences(src=None):
    """Modules of ``<src>/clip_perception`` whose installed copy differs from the source.

    The tests start the node as the installed ``clip_perception_node`` (``NODE_EXE``) and
    import the installed package unless ``PYTHONPATH=src``; ``scripts/bootstrap.sh``
    installs it as a copy, not a link. After an edit under ``src/`` a plain ``pytest``
    therefore tests the previous code, silently (session 37: three runs misled so).
    ``src`` is a folder holding ``clip_perception/`` (default: this repository's ``src/``).
    Returns the differing paths relative to it (missing from the install or changed),
    sorted (``['clip_perception (not installed)']`` when it is not installed at all);
    ``[]`` when the installed copy matches, or when the package is not installed
    from this tree as a copy (a ``colcon --symlink-install`` or editable install points at
    the source itself).
    """
    from importlib import metadata
    src = src or os.path.join(REPO, 'src')
    try:
        dist = metadata.distribution('clip_perception')
    except metadata.PackageNotFoundError:
        return ['clip_perception (not installed)']
    installed = {str(f): f for f in dist.files or ()
                 if str(f).startswith('clip_perception/') and str(f).endswith('.py')}
    if not installed:
        return []  # an editable install lists no module files of its own
    differing = []
    for folder, _, names in os.walk(os.path.join(src, 'clip_perception')):
        for name in names:
            if not name.endswith('.py'):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, src).replace(os.sep, '/')
            copy = installed.get(rel)
            with open(path, 'rb') as mine:
                source = mine.read()
            if copy is None or not os.path.exists(dist.locate_file(copy)):
                differing.append(rel)
                continue
            with open(dist.locate_file(copy), 'rb') as theirs:
                if theirs.read() != source:
                    differing.append(rel)
    return sorted(differing)


def pytest_sessionstart(session):
    """Stop the run before any test when the installed package is not ``src/``'s code."""
    if hasattr(session.config, 'workerinput'):
        return  # pytest-xdist workers: the controller checked once
    differing = installed_copy_differences()
    if differing:
        pytest.exit(
            'the installed clip_perception differs from src/ in '
            f'{", ".join(differing[:5])}{" ..." if len(differing) > 5 else ""}: the node '
            'processes under test would run the old code. Reinstall first: '
            '`bash scripts/bootstrap.sh` (scripts/test.sh does it itself).', returncode=4)


@pytest.fixture(scope='session')
def ros():
    """Rclpy initialised once for the test process."""
    rclpy.init()
    yield
    rclpy.try_shutdown()


def cached_scene(seed, **kwargs):
    """``generate_scene(seed, **kwargs)``, rendered once per test process; a deep copy each call.

    A scene is deterministic in its arguments (``clip_perception.world.scenes``), and one
    render costs 0.4 s of CPU: the node tests drew the same one (seed 4242 beside
    ``test_node.SCENE_SPECS``) at each of ~200 node starts. Each call gets its own copy,
    so a test that edits its scene edits no other test's.
    """
    from clip_perception.world.scenes import generate_scene

    key = repr((seed, sorted(kwargs.items())))
    if key not in _SCENES:
        _SCENES[key] = generate_scene(seed, **kwargs)
    return copy.deepcopy(_SCENES[key])


_SCENES = {}


class Probe:
    """A test-side node spun in a background thread, collecting what it subscribes to."""

    def __init__(self, name='probe'):
        self.node = Node(name)
        self.received = {}
        self.arrived = {}  # topic -> time.monotonic() of each message in ``received``
        self._lock = threading.Lock()
        self._executor = SingleThreadedExecutor()
        self._executor.add_node(self.node)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._spin, daemon=True)
        self._thread.start()

    def _spin(self):
        while not self._stop.is_set():
            self._executor.spin_once(timeout_sec=0.05)

    def listen(self, cls, topic, qos=10):
        self.received.setdefault(topic, [])
        self.arrived.setdefault(topic, [])

        def cb(msg, topic=topic):
            with self._lock:
                self.received[topic].append(msg)
                self.arrived[topic].append(time.monotonic())
        self.node.create_subscription(cls, topic, cb, qos)

    def messages(self, topic):
        with self._lock:
            return list(self.received.get(topic, []))

    def clear(self, topic=None):
        with self._lock:
            for t in ([topic] if topic else list(self.received)):
                self.received[t] = []
                self.arrived[t] = []

    def wait_for(self, topic, predicate=lambda msgs: len(msgs) > 0, timeout=30.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            msgs = self.messages(topic)
            if predicate(msgs):
                return msgs
            time.sleep(0.05)
        return self.messages(topic)

    def close(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self._executor.shutdown()
        self.node.destroy_node()


@pytest.fixture()
def probe(ros):
    p = Probe(f'probe_{os.getpid()}_{random.randint(0, 1 << 30)}')
    yield p
    p.close()


class NodeProcess:
    """``clip_perception_node`` started as its own process, as ``ros2 launch`` would.

    :param start: ``'fork'`` (the default): forked from this worker's forkserver, which
        has torch and transformers imported (``forked_node``); ``'exec'``: the installed
        executable as its own program. Both run ``clip_perception.node:main`` with the
        same command line, environment and log.
    """

    def __init__(self, *ros_args, params_file=PARAMS, log_path=None, start='fork'):
        cmd = [NODE_EXE, '--ros-args', '--params-file', params_file, '-p', 'torch_threads:=1',
               *ros_args]
        self.log_path = log_path
        # PYTHONFAULTHANDLER: a crash (SIGSEGV, SIGABRT) writes every thread's Python
        # stack to the log, which stop() prints when the exit code is not 0.
        env = dict(os.environ, PYTHONUNBUFFERED='1', PYTHONFAULTHANDLER='1')
        self.log = open(log_path, 'w+') if log_path else subprocess.DEVNULL
        # Exec'd as well: a start without a log, or whose environment differs from the
        # forkserver's in what its imports may have read.
        if start == 'fork' and log_path and forked_node.can_fork(env):
            self.proc = forked_node.start('clip_perception.node:main', cmd, env, log_path)
        else:
            self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                         env=env)

    def output(self):
        if not self.log_path:
            return ''
        with open(self.log_path) as f:
            return f.read()

    def stop(self, timeout=20):
        """SIGINT, then wait; return the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log_path:
            self.log.close()
            if self.proc.returncode != 0:
                # Shown by pytest under the failed test's captured stdout.
                print(f'[node exited {self.proc.returncode}] log tail:\n'
                      + self.output()[-6000:])
        return self.proc.returncode


@pytest.fixture()
def start_node(tmp_path, request):
    """Start nodes (``NodeProcess``); a test module's ``NODE_START`` picks fork or exec."""
    started = []
    how = getattr(request.module, 'NODE_START', 'fork')

    def start(*ros_args, **kwargs):
        kwargs.setdefault('start', how)
        n = NodeProcess(*ros_args, log_path=str(tmp_path / f'node{len(started)}.log'), **kwargs)
        started.append(n)
        return n
    yield start
    for n in started:
        n.stop()


def wait_for_node(probe, name='/clip_perception', timeout=90.0):
    """Wait until ``name`` is in the graph and its executor answers a service.

    A node is in the graph from the moment its ``rclpy.node.Node`` is made, but it
    answers nothing until it spins, which is after the model is loaded: 6 s on the idle
    machine, over 20 s under CI's four workers on two cores, where tests that asked at
    once timed out ("get_parameters did not answer", no /diagnostics yet; CI of 72b113f).
    So this also waits for ``{name}/get_parameters`` (every rclpy node serves it) to
    answer an empty request, re-sent every 5 s in case a request went out before the
    service's response writer matched the client.

    :param name: the node's fully qualified name.
    :param timeout: seconds for both waits together.
    :return: True once the node answers, False when ``timeout`` passed first.
    """
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        names = ['/'.join(filter(None, [ns.rstrip('/'), n])) if ns != '/' else '/' + n
                 for n, ns in probe.node.get_node_names_and_namespaces()]
        if name in names:
            break
        time.sleep(0.1)
    else:
        return False
    from rcl_interfaces.srv import GetParameters

    client = probe.node.create_client(GetParameters, name.rstrip('/') + '/get_parameters')
    try:
        while time.monotonic() < end:
            if not client.wait_for_service(timeout_sec=max(0.0, min(5.0, end - time.monotonic()))):
                continue
            future = client.call_async(GetParameters.Request(names=[]))
            retry = min(end, time.monotonic() + 5.0)
            while not future.done() and time.monotonic() < retry:
                time.sleep(0.05)
            if future.done():
                return True
            client.remove_pending_request(future)
        return False
    finally:
        probe.node.destroy_client(client)


class Camera:
    """Publishes scenes as a RealSense-like camera would, plus commands, from the probe."""

    def __init__(self, probe, image='image', depth='depth', info='camera_info',
                 command='command', compressed=False):
        from sensor_msgs.msg import CameraInfo
        from sensor_msgs.msg import CompressedImage
        from sensor_msgs.msg import Image
        from std_msgs.msg import String

        node = probe.node
        self.probe = probe
        self.image = node.create_publisher(CompressedImage if compressed else Image,
                                           image + ('/compressed' if compressed else ''), 10)
        self.depth = node.create_publisher(Image, depth, 10)
        self.info = node.create_publisher(CameraInfo, info, 10)
        self.command_pub = node.create_publisher(String, command, 10)
        self.compressed = compressed
        self._string = String

    def wait_connected(self, timeout=30.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if min(p.get_subscription_count() for p in
                   (self.image, self.depth, self.info, self.command_pub)) > 0:
                return True
            time.sleep(0.05)
        return False

    def command(self, text):
        self.command_pub.publish(self._string(data=text))

    def publish(self, scene, depth_encoding='16UC1', with_depth=True, with_info=True):
        """Publish one frame stamped now; return the stamp (ns)."""
        from clip_perception.tools.bags import scene_messages

        stamp = self.probe.node.get_clock().now().nanoseconds
        colour, depth, info = scene_messages(scene, stamp, depth_encoding,
                                             jpeg_quality=95 if self.compressed else None)
        if with_info:
            self.info.publish(info)
        if with_depth:
            self.depth.publish(depth)
        self.image.publish(colour)
        return stamp


def detections(probe, topic='/clip_perception/detection_json', catch_up=5.0):
    """Return the ``~/detection_json`` answers ``probe`` holds, parsed, oldest first.

    The node publishes a frame's ``~/target_pose`` before its ``~/detection_json``, and
    the two travel on separate DDS topics, so a test that saw a pose may read the JSON a
    moment before its answer lands. When ``probe`` listens to the pose topic beside
    ``topic``, this waits for the JSON of the newest pose's stamp until ``catch_up``
    seconds after that pose arrived (CI, stop 32: a test read ``detections(probe)[-1]``
    of an empty list); a JSON cleared since is waited for no longer than that.
    """
    import json
    pose_topic = topic.rsplit('/', 1)[0] + '/target_pose'
    with probe._lock:
        poses = list(probe.received.get(pose_topic, []))
        arrived = list(probe.arrived.get(pose_topic, []))
    if poses and arrived:
        want = (poses[-1].header.stamp.sec, poses[-1].header.stamp.nanosec)
        end = arrived[-1] + catch_up
        while time.monotonic() < end:
            stamps = {(d['stamp']['sec'], d['stamp']['nanosec'])
                      for d in (json.loads(m.data) for m in probe.messages(topic))
                      if isinstance(d.get('stamp'), dict)}
            if want in stamps:
                break
            time.sleep(0.02)
    return [json.loads(m.data) for m in probe.messages(topic)]
