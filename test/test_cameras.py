"""Several cameras in one process sharing one model: ``clip_perception_cameras`` (issue 16).

The memory this saves against one process per camera is measured by
benchmarks/cameras_memory.py (README, "Several cameras").
"""

import json
import os
import signal
import subprocess

from diagnostic_msgs.msg import DiagnosticArray
from std_msgs.msg import String

from clip_perception.world.scenes import generate_scene
from conftest import BIN
from conftest import Camera
from conftest import PARAMS
from conftest import wait_for_node


def test_one_process_answers_each_camera_on_its_own_topics(probe, tmp_path):
    log_path = tmp_path / 'cameras.log'
    log = open(log_path, 'w')
    proc = subprocess.Popen(
        [os.path.join(BIN, 'clip_perception_cameras'), 'wrist,head', '--ros-args',
         '--params-file', PARAMS, '-p', 'torch_threads:=1', '-r', 'command:=~/command',
         # One camera's override, and one no camera takes (ROS arguments reach every node).
         '-p', 'qos_overrides./wrist/image.subscription.depth:=3',
         '-p', 'qos_overrides./nowhere/image.subscription.depth:=3'],
        stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED='1'))
    scenes = {'wrist': generate_scene(5), 'head': generate_scene(6)}
    cameras = {}
    probe.listen(DiagnosticArray, '/diagnostics')
    try:
        for cam in scenes:
            assert wait_for_node(probe, f'/{cam}/clip_perception', 60), log_path.read_text()
            probe.listen(String, f'/{cam}/clip_perception/detection_json')
            cameras[cam] = Camera(probe, image=f'/{cam}/image', depth=f'/{cam}/depth',
                                  info=f'/{cam}/camera_info',
                                  command=f'/{cam}/clip_perception/command')
        for camera in cameras.values():
            assert camera.wait_connected(60), log_path.read_text()
        commands = {}
        for cam, scene in scenes.items():
            target = scene.targetable()[0]
            commands[cam] = f'the {target.colour} {target.shape}'
        for _ in range(60):
            for cam, camera in cameras.items():
                camera.command(commands[cam])
                camera.publish(scenes[cam])
            done = all(any(json.loads(m.data)['command'] == commands[cam]
                           for m in probe.messages(f'/{cam}/clip_perception/detection_json'))
                       for cam in cameras)
            if done:
                break
            probe.wait_for('/never', timeout=0.5)
        for cam in cameras:
            answers = [json.loads(m.data) for m in
                       probe.messages(f'/{cam}/clip_perception/detection_json')]
            # Each camera's node answers its own command about its own scene, only.
            assert answers and {a['command'] for a in answers} <= {'', commands[cam]}, cam
            assert any(a['status'] == 'found' for a in answers), (cam, answers[-1])
            # Both cameras' frames carry one frame_id: the node and namespace tell them
            # apart in a merged stream (they named no camera before).
            assert {(a['node'], a['namespace']) for a in answers} == \
                {(f'/{cam}/clip_perception', f'/{cam}')}, (cam, answers[-1])
            # A command's own answer names the node, and the frames' frame_id ('' before).
            cameras[cam].command('stop')
            probe.wait_for(f'/{cam}/clip_perception/detection_json', lambda msgs: any(
                json.loads(m.data)['status'] == 'cancelled' for m in msgs))
            said = [a for a in (json.loads(m.data) for m in probe.messages(
                f'/{cam}/clip_perception/detection_json')) if a['status'] == 'cancelled']
            assert said, cam
            said = said[-1]
            assert said['frame_id'] == scenes[cam].frame_id, said
            assert said['node'] == f'/{cam}/clip_perception', said
        text = log_path.read_text()
        assert text.count('loaded CLIP') == 1 and text.count('shares CLIP') == 1, text
        # An override one camera takes is not "unmatched" for the other (field report: a
        # false WARN from the head node about the wrist's override); one no camera takes
        # is named once for the process, not once per node.
        warned = [line for line in text.splitlines() if 'match no subscription' in line]
        assert len(warned) == 1 and '/nowhere/image' in warned[0], text
        assert '/wrist/image.subscription' not in warned[0], warned
        # One /diagnostics status name per camera (both were "clip_perception: pipeline",
        # so a monitor could not tell which camera was down: field report).
        want = {'wrist/clip_perception: pipeline', 'head/clip_perception: pipeline'}

        def names(msgs):
            return {s.name for m in msgs for s in m.status}

        got = names(probe.wait_for('/diagnostics', lambda m: want <= names(m), 20.0))
        assert want <= got, got
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(30)
        log.close()
    assert code == 0, log_path.read_text()


def test_a_camera_name_that_is_no_ros_name_is_refused_in_one_line_before_anything_loads():
    """A camera name is checked as a ROS name before the model loads.

    Helper-50: ``cam-1`` or a serial number (``2cam``) ended in rclpy's
    InvalidNamespaceException traceback after the model had loaded; a name given twice
    started two nodes of one name. Now one FATAL line naming the camera, exit 2.
    """
    for names, says in (('cam-1,cam2', 'camera name "cam-1" is not a ROS name'),
                        ('2cam,cam2', 'camera name "2cam" is not a ROS name'),
                        ('cam1,cam1', 'given twice: cam1'), (',', 'no camera named'),
                        # Helper-52: a list as the namespace, and one too long for rmw
                        # (rclpy's InvalidTopicNameException once the model had loaded).
                        ('wrist --namespace a,b', 'namespace "a,b" is a list'),
                        ('wrist --namespace ' + 'r' * 200, 'over the 247')):
        run = subprocess.run([os.path.join(BIN, 'clip_perception_cameras'), *names.split(),
                              '--ros-args', '--params-file', PARAMS],
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 2, (names, run.stdout, run.stderr)
        assert says in run.stderr and 'Traceback' not in run.stderr + run.stdout, run.stderr
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr


def test_a_namespace_remap_puts_every_camera_under_it_each_in_its_own_namespace(probe,
                                                                                tmp_path):
    """A namespace remap is the namespace above the cameras, each keeping its own.

    ``-r __ns:=/robot1`` is ``ros2 run``'s way to namespace a node, and what launch_ros
    passes under a parent launch file's ``PushRosNamespace`` (nav2's multi-robot bringup).
    Before: rcl applied a global ``__ns`` remap to every node of the process: both
    cameras' nodes were ``/robot1/clip_perception``, subscribing ``/robot1/image``, and each
    warned of the other as a node of the same name elsewhere on the domain. Now
    ``/robot1/[--namespace/]<camera>/clip_perception``.
    """
    for option, extra, above, node in (
            ([], ['-r', '__ns:=/robot1'], 'robot1', 'clip_perception'),
            ([], ['--remap', 'clip_perception:__ns:=/robot1'], 'robot1', 'clip_perception'),
            (['--namespace', 'arm'], ['-r', '__ns:=/robot2'], 'robot2/arm', 'clip_perception'),
            # rcl's order: the first rule that applies wins (the last did, helper-96), and a
            # node renamed by __node:= takes its new name's rules (were left to rcl).
            ([], ['-r', '__ns:=/robot1', '-r', '__ns:=/robot9'], 'robot1', 'clip_perception'),
            ([], ['-r', '__node:=percept', '-r', 'percept:__ns:=/robot3'], 'robot3',
             'percept')):
        log_path = tmp_path / 'cameras.log'
        with open(log_path, 'w') as log:
            proc = subprocess.Popen(
                [os.path.join(BIN, 'clip_perception_cameras'), 'wrist,head', *option, '--ros-args',
                 '--params-file', PARAMS, '-p', 'torch_threads:=1', *extra],
                stdout=log, stderr=subprocess.STDOUT,
                env=dict(os.environ, PYTHONUNBUFFERED='1'))
            try:
                for cam in ('wrist', 'head'):
                    name = f'/{above}/{cam}/{node}'
                    assert wait_for_node(probe, name, 60), (extra, log_path.read_text())
                    topics = {t for t, _ in probe.node.get_topic_names_and_types()}
                    assert f'{name}/detection_json' in topics
                text = log_path.read_text()
                assert f'listening on /{above}/wrist/image' in text, text
                assert 'other node(s) named' not in text, text
            finally:
                proc.send_signal(signal.SIGINT)
                code = proc.wait(30)
        assert code == 0, log_path.read_text()
