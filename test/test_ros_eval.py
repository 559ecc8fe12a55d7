"""The shifted suite asked through a node process over DDS, as the held-back evaluation asks."""

from collections import Counter
import json
import os

import numpy as np
import pytest

from clip_perception.config import PipelineConfig
from clip_perception.scorer import ClipScorer
from clip_perception.tools.bags import GROUND_TRUTH
from clip_perception.tools.bags import read_bag
from clip_perception.tools.ros_eval import compare
from clip_perception.tools.ros_eval import evaluate_through_ros
from clip_perception.tools.ros_eval import format_report
from clip_perception.tools.ros_eval import record_suite
from clip_perception.tools.ros_eval import score_steps
from clip_perception.tools.ros_eval import suite_shots
from clip_perception.world.generalisation import evaluate_rules
from clip_perception.world.generalisation import Outcome


def _scorer():
    return ClipScorer('bundled', device='cpu', dtype='float32')


def test_the_recording_asks_what_the_shifted_evaluation_asks(tmp_path):
    outcomes = evaluate_rules(_scorer(), PipelineConfig(), 7, 'shifted', progress=False,
                              node=False)
    shots = suite_shots(7, 'shifted')
    # Scene 5 is the image-only one: left out, its commands still drawn.
    asked = [(o.command, o.shift, o.kind) for o in outcomes if o.shift != 'image_only']
    assert [(s.command, s.extra['shift'], s.extra['kind']) for s in shots] == asked
    assert {s.extra['scene'] for s in shots} == {0, 1, 2, 3, 4, 6}
    truth = record_suite(str(tmp_path / 'bag'), 2, 'shifted', frames=2)
    with open(tmp_path / 'bag' / GROUND_TRUTH) as f:
        assert json.load(f) == truth
    n_steps = len(truth['steps'])
    count = Counter((topic, msgtype) for topic, msgtype, _, _ in read_bag(str(tmp_path / 'bag')))
    assert count == {('/clip_perception/command', 'std_msgs/msg/String'): n_steps,
                     ('/camera/color/image_raw', 'sensor_msgs/msg/Image'): 2 * n_steps,
                     ('/camera/aligned_depth_to_color/image_raw', 'sensor_msgs/msg/Image'):
                         2 * n_steps,
                     ('/camera/color/camera_info', 'sensor_msgs/msg/CameraInfo'): 2 * n_steps}
    # Compressed transport: the colour as jpeg on .../compressed, the node told so.
    truth = record_suite(str(tmp_path / 'jpeg'), 1, 'shifted', frames=1, jpeg_quality=75)
    assert truth['topics']['color'] == '/camera/color/image_raw/compressed'
    types = {t: m for t, m, _, _ in read_bag(str(tmp_path / 'jpeg'))}
    assert types['/camera/color/image_raw/compressed'] == 'sensor_msgs/msg/CompressedImage'

def test_score_steps_counts_what_came_back_and_what_did_not():
    exp = {'name': 'red ball', 'box': [10, 10, 50, 50], 'centre': [0.0, 0.0, 0.5]}
    truth = {'steps': [
        {'command': 'the red ball', 'kind': 'present', 'shift': 'lighting', 'scene': 0,
         'expected': exp, 'frames_ns': [1, 2]},
        {'command': 'the blue cube', 'kind': 'absent', 'shift': 'lighting', 'scene': 0,
         'expected': None, 'frames_ns': [3, 4]},
        {'command': 'the ball', 'kind': 'shape', 'shift': 'lighting', 'scene': 0,
         'expected': exp, 'frames_ns': [5, 6]},
    ]}
    answers = [
        {'command': 'the red ball', 'status': 'not_found', 'chosen': None},
        {'command': 'the red ball', 'status': 'found', 'chosen': {'box': [12, 10, 50, 52]},
         'position': [0.003, 0.004, 0.5]},
        {'command': 'the blue cube', 'status': 'found', 'chosen': {'box': [100, 100, 140, 140]},
         'position': [0.2, 0.0, 0.6]},
    ]
    rows = score_steps(truth, answers)
    assert [r['status'] for r in rows] == ['found', 'found', 'no answer']
    assert [r['right'] for r in rows] == [True, False, False]
    assert rows[0]['error_mm'] == 5.0 and rows[0]['answers'] == 2
    assert rows[2]['answers'] == 0
    text = format_report(rows)
    assert 'commands without an answer: 1 of 3' in text
    # Paired with the pipeline's outcomes of the same commands; others are refused.
    outcomes = [Outcome(k, 'lighting', c) for k, c in (
        ('present', 'the red ball'), ('absent', 'the blue cube'), ('shape', 'the ball'))]
    outcomes += [Outcome('present', 'image_only', 'the red ball')]  # left out of recordings
    for o, right in zip(outcomes, (True, True, False)):
        o.node = right
    pairs = compare(rows, outcomes)
    assert [p for _, p in pairs] == [True, True, False]
    assert 'answers agreeing with the pipeline:  66.7% (  2/  3)' in format_report(rows, pairs)
    with pytest.raises(ValueError, match='same suite'):
        compare(rows, outcomes[1:])


def test_the_node_over_dds_answers_as_the_pipeline_does(ros, tmp_path):
    scenes = 5  # lighting, texture, camera, size, mixed
    rows, info = evaluate_through_ros(scenes, 'shifted', str(tmp_path))
    outcomes = evaluate_rules(_scorer(), PipelineConfig(), scenes, 'shifted', progress=False)
    pairs = compare(rows, outcomes)
    print(format_report(rows, pairs, 'through ROS, 5 shifted scenes'))
    assert info['node_exit_code'] == 0
    assert os.path.isfile(str(tmp_path / 'replay' / 'node.log'))
    assert len(rows) >= 15 and len(pairs) == len(rows)
    assert all(r['status'] != 'no answer' and r['answers'] >= 1 for r in rows), rows
    # The shell passes the pipeline's answers through: the same right and wrong ones
    # (one may differ when a loaded machine makes the node skip a frame).
    agree = sum(1 for r, p in pairs if r['right'] == p)
    assert agree >= len(pairs) - 1, [(r, p) for r, p in pairs if r['right'] != p]
    errors = [r['error_mm'] for r in rows if r['error_mm'] is not None]
    assert errors and float(np.median(errors)) < 10.0
