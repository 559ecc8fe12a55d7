"""rosbag2 folders written and read with rosbags; real rosbag2 bags; replay into DDS."""

import os
import time

import numpy as np
import pytest
from rclpy.serialization import deserialize_message
from sensor_msgs.msg import Image
from std_msgs.msg import String
import yaml

from clip_perception.messages import depth_to_array
from clip_perception.tools.bags import bag_topics
from clip_perception.tools.bags import COLOR_TOPIC
from clip_perception.tools.bags import DEPTH_TOPIC
from clip_perception.tools.bags import idle_remaps
from clip_perception.tools.bags import read_bag
from clip_perception.tools.bags import record_script
from clip_perception.tools.bags import Replayer
from clip_perception.tools.scenario import demo_script
from clip_perception.tools.scenario import render_step
from conftest import SHARED_DATA

TALKER = os.path.join(SHARED_DATA, 'rosbag2_talker', 'rosbag2_py', 'test', 'resources')


@pytest.mark.parametrize('storage', ['sqlite3', 'mcap'])
def test_recorded_bag_round_trips(tmp_path, storage):
    steps = demo_script()[:2]
    truth = record_script(tmp_path / 'bag', steps, storage, depth_encoding='32FC1')
    with open(tmp_path / 'bag' / 'metadata.yaml') as f:
        meta = yaml.safe_load(f)
    info = meta['rosbag2_bagfile_information']
    assert info['storage_identifier'] == storage and info['version'] == 8
    assert info['message_count'] == 2 * (1 + 3 * steps[0].frames)
    for t in info['topics_with_message_count']:
        assert t['topic_metadata']['type_description_hash'].startswith('RIHS01_')
    assert bag_topics(tmp_path / 'bag')[COLOR_TOPIC] == 'sensor_msgs/msg/Image'
    scene, expected = render_step(steps[0])
    depth = next(raw for topic, _, _, raw in read_bag(tmp_path / 'bag', {DEPTH_TOPIC}))
    msg = deserialize_message(depth, Image)
    arr = depth_to_array(msg.encoding, msg.height, msg.width, msg.step, msg.data)
    assert np.array_equal(arr, scene.depth, equal_nan=True)
    assert truth['steps'][0]['expected']['name'] == expected.name


@pytest.mark.parametrize('storage', ['sqlite3', 'mcap'])
def test_real_rosbag2_talker_bags_are_read_in_full(storage):
    """Rosbags' high-level reader yields 0 messages from these; ours yields all 20."""
    path = os.path.join(TALKER, storage, 'talker')
    msgs = list(read_bag(path))
    assert len(msgs) == 20
    chatter = [deserialize_message(raw, String).data for topic, _, _, raw in msgs
               if topic == '/topic']
    assert chatter == [f'Hello, world! {i}' for i in range(10)]
    times = [t for _, _, t, _ in msgs]
    assert times == sorted(times)


def test_replay_publishes_with_timing_remap_and_restamping(probe, tmp_path):
    record_script(tmp_path / 'bag', demo_script()[:1], 'mcap', compress=True, jpeg_quality=90)
    probe.listen(Image, '/cam/depth')
    probe.listen(String, '/cmd')
    player = Replayer(probe.node, tmp_path / 'bag', rate=2.0,
                      remap={DEPTH_TOPIC: '/cam/depth', '/clip_perception/command': '/cmd'})
    assert player.wait_for_subscribers([DEPTH_TOPIC, '/clip_perception/command'])
    t0 = time.monotonic()
    before = probe.node.get_clock().now().nanoseconds
    n = player.play()
    took = time.monotonic() - t0
    assert n == 1 + 3 * 2
    # Recorded span 0.3 s + 0.8 s between the two frames, played at 2x.
    assert 0.45 < took < 2.0
    depths = probe.wait_for('/cam/depth', lambda m: len(m) == 2, 10)
    assert probe.wait_for('/cmd')[0].data == 'the red ball'
    stamps = [d.header.stamp.sec * 10 ** 9 + d.header.stamp.nanosec for d in depths]
    assert stamps[0] >= before and abs((stamps[1] - stamps[0]) - 0.4e9) < 1e6


def test_replay_of_a_real_talker_bag_into_the_graph(probe):
    probe.listen(String, '/topic')
    player = Replayer(probe.node, os.path.join(TALKER, 'sqlite3', 'talker'), rate=10.0,
                      topics={'/topic'})
    assert player.wait_for_subscribers(['/topic'])
    player.play()
    got = probe.wait_for('/topic', lambda m: len(m) == 10, 10)
    assert [m.data for m in got] == [f'Hello, world! {i}' for i in range(10)]


def test_a_remap_that_renames_nothing_played_is_named():
    """``--remap`` matches whole topic names; a rule that renames nothing is said so.

    helper-70: the README's ``--remap /camera/color/image_raw:=/my/image`` on its own
    ``--jpeg`` recording renamed nothing (the colour is on ``.../compressed``), exit 0.
    """
    bag = {'/camera/color/image_raw/compressed': 'sensor_msgs/msg/CompressedImage',
           '/camera/color/camera_info': 'sensor_msgs/msg/CameraInfo'}
    assert idle_remaps({'/camera/color/camera_info': '/info'}, bag) == []
    [line] = idle_remaps({'/camera/color/image_raw': '/my/image'}, bag)
    assert 'not in the bag' in line and 'did you mean /camera/color/image_raw/compressed' in line
    [line] = idle_remaps({'/camera/color/camera_info': '/info'}, bag,
                         ['/camera/color/image_raw/compressed'])
    assert 'left out by --topics' in line and 'did you mean' not in line
