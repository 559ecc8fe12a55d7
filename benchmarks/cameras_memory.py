"""Resident memory of two cameras: two node processes vs one process sharing one model.

    .venv/bin/python benchmarks/cameras_memory.py [--model bundled|vit-b32]

Starts the cameras ``wrist`` and ``head`` either as two ``clip_perception_node``
processes (``cameras:=wrist,head`` in the launch file) or as one
``clip_perception_cameras wrist,head`` process (``shared_model:=true``), feeds each
camera 640x480 RGB-D frames with a command until each has answered three times, and
prints the resident set (VmRSS) and its peak (VmHWM) summed over the processes.
``vit-b32`` is a random-weight CLIP ViT-B/32 (the openai config; memory does not
depend on weight values), saved once to a temporary folder.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CAMERAS = ('wrist', 'head')


def rss(pids):
    """Sum of VmRSS and of VmHWM over ``pids`` (MB)."""
    from clip_perception.tools.soak import rss_mb
    return (sum(rss_mb(p) for p in pids), sum(rss_mb(p, 'VmHWM') for p in pids))


def start(mode, model, log_dir):
    """Start the cameras; return the processes."""
    from clip_perception.tools.demo import node_executable
    from clip_perception.tools.demo import share_config

    common = ['--params-file', share_config(), '-p', f'model:={model}',
              '-p', 'torch_threads:=1']
    logs = []

    def popen(cmd, name):
        log = open(os.path.join(log_dir, name + '.log'), 'w')
        logs.append(log)
        return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                env=dict(os.environ, PYTHONUNBUFFERED='1'))
    if mode == 'processes':
        return [popen([node_executable(), '--ros-args', '-r', f'__ns:=/{cam}', *common], cam)
                for cam in CAMERAS]
    return [popen([node_executable('clip_perception_cameras'), ','.join(CAMERAS),
                   '--ros-args', *common], 'shared')]


def feed_until_answered(node, answers=3, timeout=300.0):
    """Publish a scene and a command to every camera until each answered ``answers`` times."""
    from sensor_msgs.msg import CameraInfo
    from sensor_msgs.msg import Image
    from std_msgs.msg import String

    from clip_perception.tools.bags import scene_messages
    from clip_perception.world.scenes import generate_scene

    scene = generate_scene(5)
    target = scene.targetable()[0]
    command = f'the {target.colour} {target.shape}'
    pubs, got = {}, dict.fromkeys(CAMERAS, 0)
    for cam in CAMERAS:
        pubs[cam] = (node.create_publisher(Image, f'/{cam}/image', 10),
                     node.create_publisher(Image, f'/{cam}/depth', 10),
                     node.create_publisher(CameraInfo, f'/{cam}/camera_info', 10),
                     node.create_publisher(String, f'/{cam}/command', 10))
        node.create_subscription(
            String, f'/{cam}/clip_perception/detection_json',
            lambda m, cam=cam: got.__setitem__(cam, got[cam] + (
                json.loads(m.data)['command'] == command)), 10)
    end = time.monotonic() + timeout
    while min(got.values()) < answers and time.monotonic() < end:
        for image, depth, info, cmd in pubs.values():
            colour, d, i = scene_messages(scene, node.get_clock().now().nanoseconds)
            cmd.publish(String(data=command))
            info.publish(i)
            depth.publish(d)
            image.publish(colour)
        time.sleep(0.5)
    return got


def measure(mode, model, log_dir):
    import rclpy
    from rclpy.executors import SingleThreadedExecutor
    from rclpy.node import Node

    procs = start(mode, model, log_dir)
    node = Node(f'cameras_memory_{mode}')
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    stop = threading.Event()
    spinner = threading.Thread(target=lambda: [executor.spin_once(timeout_sec=0.05)
                                               for _ in iter(stop.is_set, True)])
    spinner.start()
    try:
        got = feed_until_answered(node)
        time.sleep(1.0)
        now, peak = rss([p.pid for p in procs])
    finally:
        stop.set()
        spinner.join()
        executor.shutdown()
        node.destroy_node()
        for p in procs:
            p.send_signal(2)
        codes = [p.wait(30) for p in procs]
    del rclpy
    return {'mode': mode, 'processes': len(procs), 'answers': got, 'rss_mb': round(now),
            'peak_rss_mb': round(peak), 'exit_codes': codes}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--model', choices=('bundled', 'vit-b32'), default='bundled')
    args = p.parse_args(argv)
    import rclpy

    from clip_perception.tools.demo import ros_environment

    ros_environment()
    rclpy.init()
    with tempfile.TemporaryDirectory() as tmp:
        model = 'bundled'
        if args.model == 'vit-b32':
            sys.path.insert(0, HERE)
            from benchmark import vit_b32_folder
            model = os.path.join(tmp, 'vit_b32')
            vit_b32_folder(model)
        rows = [measure(mode, model, tmp) for mode in ('processes', 'shared')]
    rclpy.try_shutdown()
    print(f'two cameras, model {args.model}:')
    for r in rows:
        print(f'  {r["mode"]:<9} {r["processes"]} process(es): RSS {r["rss_mb"]} MB, '
              f'peak {r["peak_rss_mb"]} MB, answers {r["answers"]}, exit {r["exit_codes"]}')
    saved = rows[0]['rss_mb'] - rows[1]['rss_mb']
    print(f'  shared model saves {saved} MB ({100 * saved / rows[0]["rss_mb"]:.0f}%)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
