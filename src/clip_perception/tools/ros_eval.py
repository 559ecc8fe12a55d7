"""The shifted suite answered by the node itself, over ROS topics (``clip_perception_eval ros``).

The held-back evaluation of issue #13 renders scenes its own way and talks to the node
only through its topics. This asks our own suites the same way:

1. the scenes and commands of ``clip_perception_eval shifted`` (or ``rules``: our own
   scenes) are recorded into a rosbag2 folder, each command followed by ``frames``
   frames of its scene (:func:`record_suite`; colour ``rgb8``, depth ``32FC1``, so the
   node reads the very arrays the pipeline evaluation reads; or the colour as jpeg, to
   see what compressed transport costs);
2. the folder is replayed into a fresh ``clip_perception_node`` process over DDS with
   the installed parameter file (:func:`clip_perception.tools.demo.run_replay`), and the
   node's ``~/detection_json`` answers are recorded back;
3. the last answer to each command is scored as the ``node`` line of
   :mod:`clip_perception.world.generalisation` scores the pipeline (:func:`score_steps`):
   a present object is right when the chosen box has IoU >= 0.5 with it (``found`` or
   ``no_depth``), an absent one only when the answer is ``not_found``; and a present
   object's pose is also compared with its true centre.

:func:`compare` then sets these answers beside the pipeline's answers to the same
commands on the same scenes: where they differ, the ROS shell (synchronisation,
message conversion, tracking across frames, timing) changed the answer.

The shifted suite's ``image_only`` scenes are left out: their image-only proposals are
a pipeline setting, and a node is configured once for a whole run. Their commands are
still drawn, so every other scene gets the same commands as in ``shifted``.
"""

import json
import os

import numpy as np

from clip_perception.geometry import box_iou

# Answers that name an object (a found one without depth still names its box).
NAMING = ('found', 'no_depth')


def suite_shots(scenes, suite='shifted', seed=None, frames=2, period=0.6):
    """Return the scenes and commands of ``clip_perception_eval shifted|rules`` as shots.

    :param scenes: how many scenes of the suite (the same first ``scenes`` as there).
    :param suite: ``shifted`` or ``own``.
    :param seed: first scene seed; None: the suite's own.
    :param frames: frames of the scene published after each command.
    :param period: seconds between frames.
    :return: list of :class:`clip_perception.tools.bags.Shot`; each carries ``kind``
        (:data:`clip_perception.world.generalisation.CASE_KINDS`), ``shift`` and
        ``scene`` (index) in ``extra``.
    :raises ValueError: unknown suite.
    """
    from clip_perception.tools.bags import Shot
    from clip_perception.world.generalisation import suite_scenes

    shots = []
    for k, scene, shift, use_depth, commands in suite_scenes(range(scenes), suite, seed):
        if not use_depth:
            continue
        for kind, command, expected in commands:
            shots.append(Shot(command, scene, expected, frames, period,
                              {'kind': kind, 'shift': shift, 'scene': k}))
    return shots


def record_suite(path, scenes, suite='shifted', seed=None, frames=2, period=0.6,
                 jpeg_quality=None):
    """Record :func:`suite_shots` into a rosbag2 folder at ``path`` (rgb8 or jpeg, 32FC1).

    :param jpeg_quality: None: raw ``rgb8`` images; 1-100: ``CompressedImage`` jpeg of
        that quality on ``.../compressed`` (the node is then started with
        ``image_transport:=compressed``).
    :return: the ground-truth dict (also in ``path/ground_truth.json``).
    """
    from clip_perception.tools.bags import record_shots

    return record_shots(path, suite_shots(scenes, suite, seed, frames, period),
                        jpeg_quality=jpeg_quality, depth_encoding='32FC1')


def read_answers(out_dir):
    """Return the ``~/detection_json`` payloads a replay recorded, in arrival order."""
    from rclpy.serialization import deserialize_message
    from std_msgs.msg import String

    from clip_perception.tools.bags import read_bag
    from clip_perception.tools.demo import NODE

    topic = f'{NODE}/detection_json'
    return [json.loads(deserialize_message(raw, String).data)
            for _, _, _, raw in read_bag(os.path.join(out_dir, 'outputs'), {topic})]


def score_steps(truth, answers):
    """Score the last answer to each recorded command.

    :param truth: the ground-truth dict of :func:`record_suite`.
    :param answers: ``~/detection_json`` payloads in arrival order.
    :return: list (per step) of dicts: ``kind``, ``shift``, ``scene``, ``command``,
        ``status`` (``no answer`` when none came), ``right`` (bool), ``error_mm`` (the
        pose's distance to the object's true centre, None without one), ``answers``.
    """
    from clip_perception.tools.demo import answers_per_step

    rows = []
    for step, got in zip(truth['steps'], answers_per_step(truth, answers)):
        exp = step['expected']
        row = {'kind': step['kind'], 'shift': step['shift'], 'scene': step['scene'],
               'command': step['command'], 'status': 'no answer', 'right': False,
               'error_mm': None, 'answers': len(got)}
        if got:
            last = got[-1]
            row['status'] = last['status']
            chosen = last.get('chosen')
            if exp is None:
                row['right'] = last['status'] == 'not_found'
            elif last['status'] in NAMING and chosen is not None:
                row['right'] = bool(box_iou(np.array([chosen['box']], float),
                                            np.array([exp['box']], float))[0, 0] >= 0.5)
                if row['right'] and last.get('position') is not None:
                    row['error_mm'] = 1000.0 * float(np.linalg.norm(
                        np.array(last['position']) - np.array(exp['centre'])))
        rows.append(row)
    return rows


def compare(rows, outcomes):
    """Pair each ROS answer with the pipeline's answer to the same command.

    :param rows: :func:`score_steps` of a run.
    :param outcomes: :func:`clip_perception.world.generalisation.evaluate_rules` of the
        same suite, scenes and seed (``node=True``): the same commands in the same
        order, plus those of the ``image_only`` scenes the recording leaves out.
    :return: list of ``(row, pipeline_right)``, one per row.
    :raises ValueError: the outcomes are not of the same commands.
    """
    asked = [o for o in outcomes if o.shift != 'image_only']
    if [o.command for o in asked] != [r['command'] for r in rows]:
        raise ValueError('the outcomes are not of the recorded suite: evaluate_rules needs '
                         'the same suite, scene count and seed')
    return [(row, o.node) for row, o in zip(rows, asked)]


def _pct(hits, total):
    return f'{100.0 * hits / total:5.1f}% ({hits:3d}/{total:3d})' if total else '   n/a        '


def format_report(rows, pairs=None, title=''):
    """Text table: right per kind through ROS, the pipeline beside it, agreement, pose."""
    from clip_perception.world.generalisation import CASE_KINDS
    from clip_perception.world.generalisation import CASE_NAMES

    lines = [title] if title else []
    lines.append('  ' + ' ' * 24 + ''.join(f'{CASE_NAMES[k]:18s}' for k in CASE_KINDS))

    # One (row, pipeline right or None) per command, for both lines.
    paired = pairs if pairs is not None else [(r, None) for r in rows]

    def line(label, get):
        cells = []
        for k in CASE_KINDS:
            sel = [get(p) for p in paired if p[0]['kind'] == k]
            cells.append(f'{_pct(sum(sel), len(sel)):18s}')
        return f'  {label:24s}' + ''.join(cells)

    lines.append(line('through ROS', lambda p: p[0]['right']))
    if pairs is not None:
        lines.append(line('pipeline, same commands', lambda p: p[1]))
        same = sum(1 for r, p in pairs if r['right'] == p)
        lines.append(f'  answers agreeing with the pipeline: {_pct(same, len(pairs))}')
        differ = [(r, p) for r, p in pairs if r['right'] != p]
        for r, p in differ[:10]:
            lines.append(f'    scene {r["scene"]} ({r["shift"]}) "{r["command"]}": ROS '
                         f'{r["status"]} ({"right" if r["right"] else "wrong"}), pipeline '
                         f'{"right" if p else "wrong"}')
    silent = sum(1 for r in rows if r['status'] == 'no answer')
    lines.append(f'  commands without an answer: {silent} of {len(rows)}')
    err = [r['error_mm'] for r in rows if r['error_mm'] is not None]
    if err:
        lines.append(f'  pose of right answers vs true centre: median {np.median(err):.1f} mm,'
                     f' p95 {np.percentile(err, 95):.1f} mm ({len(err)} poses)')
    return '\n'.join(lines)


def evaluate_through_ros(scenes, suite, out_dir, seed=None, node_args=(), frames=2,
                         period=0.6, jpeg_quality=None):
    """Record the suite, replay it into a fresh node, score its answers.

    :param out_dir: gets the recording (``bag``), the node's log and outputs.
    :param node_args: extra ``--ros-args`` for the node (e.g. ``-p min_confidence:=0.3``).
    :param jpeg_quality: see :func:`record_suite`.
    :return: ``(rows, info)``: :func:`score_steps` and the replay's info dict.
    :raises RuntimeError: the node did not come up (its log is in ``out_dir``).
    """
    from clip_perception.tools.demo import run_replay

    bag = os.path.join(out_dir, 'bag')
    truth = record_suite(bag, scenes, suite, seed, frames, period, jpeg_quality)
    _, info = run_replay(bag, os.path.join(out_dir, 'replay'), node_args=node_args,
                         save_frames=False)
    return score_steps(truth, read_answers(os.path.join(out_dir, 'replay'))), info
