"""Soak run: feed the node 640x480 RGB-D at 30 Hz for a long time and report drift.

``clip_perception_soak --minutes 10`` starts the node as its own process, publishes
pre-rendered scenes with fresh stamps at the requested rate, changes the command
every few seconds (some name absent objects), and reports the node's RSS at start
(after warm-up) and end, latency median/p95 per minute, frames processed/dropped,
and any command that got no answer.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time

import numpy as np

from clip_perception.tools import DefaultsHelpFormatter
from clip_perception.tools.demo import node_executable
from clip_perception.tools.demo import ros_environment
from clip_perception.tools.demo import share_config
from clip_perception.tools.demo import stop_node

COMMANDS = ('the red ball', 'the blue mug', 'the teddy bear', 'the green cube',
            'the yellow cylinder', 'the purple cone', 'the red ball on the left')


def rss_mb(pid, field='VmRSS'):
    """Resident set size of a process in MB (Linux /proc); ``VmHWM`` gives its peak."""
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return float('nan')
    return float('nan')


def _scenes():
    from clip_perception.world.scenes import generate_scene
    from clip_perception.world.scenes import ObjectSpec

    a = [ObjectSpec('red', 'ball', 'large', (-0.15, 0.03)),
         ObjectSpec('blue', 'mug', 'small', (0.02, 0.08)),
         ObjectSpec('green', 'cube', 'small', (0.16, 0.0)),
         ObjectSpec('yellow', 'cylinder', 'small', (-0.02, 0.2))]
    b = [ObjectSpec('red', 'ball', 'small', (-0.13, 0.05)),
         ObjectSpec('red', 'ball', 'small', (0.13, 0.05)),
         ObjectSpec('purple', 'cone', 'small', (0.0, -0.1)),
         ObjectSpec('blue', 'mug', 'large', (0.0, 0.24))]
    return [generate_scene(5001, specs=a), generate_scene(5002, specs=b)]


def noisy_variants(scene, count, seed=0):
    """``count`` copies of ``scene`` with fresh sensor noise, as a still camera sends.

    Colour noise sigma 2 grey levels, depth 1 mm (the levels of
    :mod:`clip_perception.world.sequences`); ``count`` 0 gives the scene itself.
    """
    from dataclasses import replace

    from clip_perception.world.sequences import DEPTH_NOISE_M
    from clip_perception.world.sequences import RGB_NOISE

    if count <= 0:
        return [scene]
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        rgb = scene.rgb + rng.normal(0.0, RGB_NOISE, scene.rgb.shape)
        depth = scene.depth + rng.normal(0.0, DEPTH_NOISE_M, scene.depth.shape)
        out.append(replace(scene, rgb=np.clip(np.round(rgb), 0, 255).astype(np.uint8),
                           depth=depth.astype(np.float32)))
    return out


def run_soak(seconds=600.0, rate=30.0, command_period=4.0, warmup=30.0, node_args=(),
             log_path=None, progress=True, noise_variants=0):
    """Run the soak and return its report (a dict).

    :param noise_variants: when > 0, each scene is sent as this many noisy copies in
        turn (a still camera's sensor noise: no two frames identical); 0 sends the same
        frame again and again.
    """
    import rclpy
    from rclpy.executors import SingleThreadedExecutor
    from rclpy.node import Node
    from sensor_msgs.msg import CameraInfo
    from sensor_msgs.msg import Image
    from std_msgs.msg import String

    from clip_perception.tools.bags import scene_messages

    exe = node_executable()
    log = open(log_path or os.devnull, 'w')
    proc = subprocess.Popen([exe, '--ros-args', '--params-file', share_config(),
                             '-p', 'torch_threads:=1', *node_args],
                            stdout=log, stderr=subprocess.STDOUT)
    code = None
    peak = float('nan')
    own = not rclpy.ok()
    if own:
        rclpy.init()
    node = Node(f'soak_feeder_{random.randint(0, 1 << 30)}')
    answers = []
    lock = threading.Lock()

    def on_det(msg):
        d = json.loads(msg.data)
        with lock:
            answers.append((time.monotonic(), d['command'], d['status'], d['latency_s']))

    diag = {}

    def on_diag(msg):
        diag.update({kv.key: kv.value for kv in msg.status[0].values})

    from diagnostic_msgs.msg import DiagnosticArray
    node.create_subscription(String, '/clip_perception/detection_json', on_det, 50)
    node.create_subscription(DiagnosticArray, '/diagnostics', on_diag, 10)
    pub_img = node.create_publisher(Image, 'image', 5)
    pub_depth = node.create_publisher(Image, 'depth', 5)
    pub_info = node.create_publisher(CameraInfo, 'camera_info', 5)
    pub_cmd = node.create_publisher(String, 'command', 10)
    stop = threading.Event()
    ex = SingleThreadedExecutor()
    ex.add_node(node)

    def spin():
        while not stop.is_set():
            ex.spin_once(timeout_sec=0.05)

    spinner = threading.Thread(target=spin, daemon=True)
    spinner.start()
    frames = [[scene_messages(v, 0) for v in noisy_variants(s, noise_variants, i)]
              for i, s in enumerate(_scenes())]
    sent_commands = []
    rss = []
    published = 0
    try:
        end = time.monotonic() + 60
        # Every publisher matched, the command's too: discovery matches topics one by
        # one, and a command sent before its subscription matched would be lost.
        pubs = (pub_img, pub_depth, pub_info, pub_cmd)
        while time.monotonic() < end and not all(p.get_subscription_count() for p in pubs):
            time.sleep(0.1)
            if proc.poll() is not None:
                raise RuntimeError('node exited during start-up')
        t0 = time.monotonic()
        next_frame = t0
        next_cmd = t0
        next_rss = t0
        k = 0
        last_print = t0
        while time.monotonic() - t0 < seconds:
            now = time.monotonic()
            if now >= next_cmd:
                text = COMMANDS[k % len(COMMANDS)]
                pub_cmd.publish(String(data=text))
                sent_commands.append((now, text))
                k += 1
                next_cmd += command_period
            if now >= next_rss:
                rss.append((now - t0, rss_mb(proc.pid)))
                next_rss += 1.0
            variants = frames[(k // 2) % len(frames)]
            colour, depth, info = variants[published % len(variants)]
            stamp = node.get_clock().now().to_msg()
            for m in (colour, depth, info):
                m.header.stamp = stamp
            pub_info.publish(info)
            pub_depth.publish(depth)
            pub_img.publish(colour)
            published += 1
            if progress and now - last_print > 30:
                print(f'[soak] {now - t0:5.0f} s: {published} frames, RSS '
                      f'{rss[-1][1]:.0f} MB, answers {len(answers)}', flush=True)
                last_print = now
            next_frame += 1.0 / rate
            time.sleep(max(0.0, next_frame - time.monotonic()))
        time.sleep(2.0)
        alive = proc.poll() is None
        peak = rss_mb(proc.pid, 'VmHWM')
    finally:
        stop.set()
        spinner.join(5)
        code = stop_node(proc, log)
        node.destroy_node()
        if own:
            rclpy.try_shutdown()
    report = _report(t0, seconds, warmup, rss, answers, sent_commands, diag, published,
                     alive, code)
    report['rss_peak_mb'] = round(peak, 1)
    return report


def _report(t0, seconds, warmup, rss, answers, sent, diag, published, alive, code):
    unanswered = []
    for i, (t, text) in enumerate(sent):
        t_next = sent[i + 1][0] if i + 1 < len(sent) else float('inf')
        if not any(t <= a[0] < t_next + 1.0 and a[1] == text for a in answers):
            unanswered.append(text)
    minutes = []
    for m in range(int(np.ceil(seconds / 60.0))):
        # superseded, cancelled and rejected answers answer a command, not a frame: their
        # latency_s is null (README, ~/detection_json), and np.median of a None raised.
        lat = [a[3] for a in answers
               if m * 60 <= a[0] - t0 < (m + 1) * 60 and a[3] is not None]
        if lat:
            minutes.append({'minute': m + 1, 'n': len(lat),
                            'median_ms': round(1000 * float(np.median(lat)), 1),
                            'p95_ms': round(1000 * float(np.percentile(lat, 95)), 1)})
    after = [r for t, r in rss if t >= min(warmup, seconds / 3)]
    rss_start = after[0] if after else float('nan')
    rss_end = after[-1] if after else float('nan')
    p95 = [m['p95_ms'] for m in minutes]
    slope = float(np.polyfit(np.arange(len(p95)), p95, 1)[0]) if len(p95) >= 2 else 0.0
    return {
        'seconds': seconds, 'frames_published': published,
        'frames_processed': int(diag.get('frames_processed', 0)),
        'frames_dropped': int(diag.get('frames_dropped', 0)),
        'frames_unchanged': int(diag.get('frames_unchanged', 0)),
        # Answers per second once warmed up (the model's first frames excluded).
        'answers_per_s_after_warmup': round(
            sum(1 for a in answers if a[0] - t0 >= min(warmup, seconds / 3))
            / max(seconds - min(warmup, seconds / 3), 1e-9), 2),
        'crops_reused_share': diag.get('crops_reused_share', 'n/a'),
        'rss_first_mb': round(rss[0][1], 1) if rss else None,
        'rss_after_warmup_mb': round(rss_start, 1), 'rss_end_mb': round(rss_end, 1),
        'rss_growth_pct': round(100 * (rss_end - rss_start) / rss_start, 2)
        if after else None,
        'latency_per_minute': minutes, 'p95_slope_ms_per_minute': round(slope, 2),
        'commands_sent': len(sent), 'commands_unanswered': unanswered,
        'node_alive_at_end': alive, 'node_exit_code': code,
    }


def main(argv=None):
    """Console entry point ``clip_perception_soak``."""
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=DefaultsHelpFormatter)
    p.add_argument('--minutes', type=float, default=10.0, help='how long to feed the node')
    p.add_argument('--rate', type=float, default=30.0, help='frames per second (Hz)')
    p.add_argument('--command-period', type=float, default=4.0,
                   help='seconds between commands (each must be answered)')
    p.add_argument('--json', default=None, help='also write the report to this file')
    p.add_argument('--log', default=None, help='node log file')
    p.add_argument('--noise', type=int, default=0, metavar='K',
                   help='send each scene as K noisy copies in turn (0: identical frames)')
    args = p.parse_args(argv)
    # Checked before the node starts: --rate 0 ended in ZeroDivisionError once it ran,
    # --command-period 0 flooded the node with commands (helper-70).
    bad = [f'--{name.replace("_", "-")} must be a positive number, got {value}'
           for name, value in (('minutes', args.minutes), ('rate', args.rate),
                               ('command_period', args.command_period))
           if not 0 < value < float('inf')]
    if args.noise < 0:
        bad.append(f'--noise must be 0 or more, got {args.noise}')
    if bad:
        p.error('; '.join(bad))
    ros_environment()
    r = run_soak(args.minutes * 60, args.rate, args.command_period, log_path=args.log,
                 noise_variants=args.noise)
    print(f'\nSoak: {r["seconds"]:.0f} s at {args.rate:.0f} Hz, 640x480 RGB-D, command '
          f'every {args.command_period:.0f} s')
    print(f'  frames published {r["frames_published"]}, processed {r["frames_processed"]}, '
          f'dropped {r["frames_dropped"]}')
    print(f'  RSS {r["rss_first_mb"]} MB at start, {r["rss_after_warmup_mb"]} MB after '
          f'warm-up, {r["rss_end_mb"]} MB at end: growth {r["rss_growth_pct"]}% '
          f'(target < 5%); peak {r["rss_peak_mb"]} MB')
    print('  minute   answers  latency median   p95')
    for m in r['latency_per_minute']:
        print(f'  {m["minute"]:>6} {m["n"]:>9} {m["median_ms"]:>11.1f} ms {m["p95_ms"]:>7.1f} ms')
    print(f'  p95 trend {r["p95_slope_ms_per_minute"]:+.2f} ms/minute; commands sent '
          f'{r["commands_sent"]}, unanswered {len(r["commands_unanswered"])}; node alive '
          f'{r["node_alive_at_end"]}, exit code {r["node_exit_code"]}')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(r, f, indent=1)
    ok = (r['node_alive_at_end'] and not r['commands_unanswered']
          and (r['rss_growth_pct'] or 0) < 5.0)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
