"""Rates, latency windows, log throttling and the diagnostics snapshot."""

import pathlib
import re

import numpy as np
import pytest

from clip_perception.health import command_flips
from clip_perception.health import command_flips_note
from clip_perception.health import command_topic_note
from clip_perception.health import command_type_note
from clip_perception.health import DEPTH_NOTE_KINDS
from clip_perception.health import DepthNote
from clip_perception.health import disparity_note
from clip_perception.health import Health
from clip_perception.health import HeldSince
from clip_perception.health import LogThrottle
from clip_perception.health import nearby_topic
from clip_perception.health import NO_DATA
from clip_perception.health import output_qos_note
from clip_perception.health import publisher_node
from clip_perception.health import publishers_note
from clip_perception.health import RateMeter
from clip_perception.health import RecheckedFinding
from clip_perception.health import stale_input_note
from clip_perception.health import UNNAMED_PUBLISHER
from clip_perception.health import wiring_note


def test_rate_meter():
    r = RateMeter(window=5.0)
    for i in range(11):
        r.tick(i * 0.1)
    assert abs(r.rate(1.0) - 10.0) < 1e-6
    assert r.rate(100.0) == 0.0


def test_log_throttle_once_per_kind_per_period_and_counts_held_lines():
    t = LogThrottle(period=5.0)
    assert t.allow('encoding', 0.0) == 0
    assert t.allow('encoding', 1.0) is None
    assert t.allow('size', 1.0) == 0  # another kind is not held back
    assert t.allow('encoding', 2.0) is None
    assert t.allow('encoding', 6.0) == 2


def test_health_snapshot_reports_stale_input():
    h = Health()
    level, msg, _ = h.snapshot(0.0, 2.0)
    assert level == 1 and 'waiting' in msg
    h.frame_in(10.0)
    h.frame_done(10.1, 0.1, 'found', 'ok')
    h.reject('encoding')
    level, msg, values = h.snapshot(10.5, 2.0)
    values = dict(values)
    assert level == 0 and values['frames_processed'] == '1'
    assert values['rejected_encoding'] == '1' and values['messages_rejected'] == '1'
    level, msg, _ = h.snapshot(20.0, 2.0)
    assert level == 1 and 'stale' in msg


def test_depth_arriving_far_less_often_than_colour_is_named_as_lost():
    """Trial 33: a publisher without the Fast DDS profile lost half the depth images.

    /diagnostics said only "no depth image within 0.05 s of the frame; newest arrived
    0.7 s ago". The rates now say that depth is lost on the way and what carries it.
    """
    def fed(colour_hz, depth_hz, seconds=4.0):
        h = Health()
        for k in range(int(seconds * colour_hz)):
            h.arrived('colour', k / colour_hz)
        for k in range(int(seconds * depth_hz)):
            h.arrived('depth', k / depth_hz)
        return h.depth_loss_note(seconds)

    for colour_hz, depth_hz in ((10, 4), (30, 10), (8.8, 0.5), (5, 0)):
        note = fed(colour_hz, depth_hz)
        assert note is not None and 'fastdds_large_data.xml' in note, (colour_hz, depth_hz)
        got = re.search(r'depth arrives at ([0-9.]+) Hz, colour at ([0-9.]+) Hz', note)
        assert got and abs(float(got[2]) - colour_hz) < 0.1 * colour_hz + 0.1, note
        assert abs(float(got[1]) - depth_hz) < 0.1 * colour_hz + 0.1, note
    # Depth at the colour rate (or near it), or too few frames to judge: nothing said.
    for colour_hz, depth_hz in ((10, 10), (30, 20), (15, 30), (1, 0), (0, 0)):
        assert fed(colour_hz, depth_hz) is None, (colour_hz, depth_hz)


def test_depth_loss_is_not_named_on_the_first_second_of_arrivals():
    """The rates of a stream's first second say too little to name depth as lost.

    CI of 274c200 (a bag at --rate 5, each depth 30 ms after its colour frame): one second
    after start the log read "depth arrives at 3.5 Hz, colour at 6.3 Hz: depth images are
    lost on the way", said once, while every frame after the first was paired with its
    depth. The depth topic matched a moment after colour and a busy machine bunched the
    first three depth images. The same arrivals, and others of the kind:
    """
    h = Health()
    for t in np.arange(0.0, 0.96, 1 / 6.5):
        h.arrived('colour', t)
    for t in (0.38, 0.60, 0.90):
        h.arrived('depth', t)
    assert h.arrival_rate['depth'].rate(0.95) < 0.6 * h.arrival_rate['colour'].rate(0.95)
    assert h.depth_loss_note(0.95) is None
    # Depth matched 1.5 s after colour, then at the colour rate: not named while its own
    # arrivals are few, nor after.
    h = Health()
    for k in range(40):
        h.arrived('colour', k / 10)
        if k >= 15:
            h.arrived('depth', k / 10 + 0.03)
    for now in (1.6, 2.0, 2.5, 3.0, 3.95):
        assert h.depth_loss_note(now) is None, now
    # Lost from the start (one in five kept), or not arriving at all: named once 2.5 s of
    # colour stand behind the rates, not before.
    for keep in (5, None):
        h = Health()
        for k in range(40):
            h.arrived('colour', k / 10)
            if keep and k % keep == 0:
                h.arrived('depth', k / 10 + 0.03)
        assert h.depth_loss_note(1.5) is None, keep
        assert 'lost on the way' in h.depth_loss_note(3.0), keep


def test_depth_that_stopped_while_colour_goes_on_is_named_as_stopped():
    """realsenseai/realsense-ros#2897: depth stops after minutes, colour goes on.

    Told "lost on the way" with a Fast DDS profile to export; now "stopped", with whether
    its topic still has a publisher.
    """
    h = Health()
    for k in range(100):  # 10 Hz colour; depth with it for 5 s, then none
        h.arrived('colour', k / 10)
        if k < 50:
            h.arrived('depth', k / 10 + 0.02)
    assert h.depth_loss_note(7.0) is None  # 2.1 s: not yet
    for publishers, says in ((1, '/cam/depth still has 1 publisher(s)'),
                             (0, 'nothing publishes /cam/depth any more'), (None, '')):
        note = h.depth_loss_note(9.95, publishers=publishers, topic='/cam/depth')
        assert re.match(r'depth stopped: none has arrived for 5\.0 s while colour frames '
                        r'arrive at (9\.9|10\.0) Hz', note) and says in note, note
        assert 'lost on the way' not in note
    # Depth stamped 2 s apart (a slow stereo pipeline): stopped after three periods.
    assert 'stopped' not in (h.depth_loss_note(9.95, depth_period=2.0) or '')


def test_depth_that_never_arrived_on_a_topic_nothing_publishes_is_named_so():
    """An RGB-only camera, or depth remapped to a topic of another name (helper-90).

    Told "lost on the way" with a Fast DDS profile to export; now that nothing publishes
    the topic, with the remap and ``use_depth:=false``. With a publisher, or the graph not
    asked, lost on the way as before; over too little colour, nothing.
    """
    h = Health()
    for k in range(40):
        h.arrived('colour', k / 10)
    note = h.depth_loss_note(3.95, publishers=0, topic='/cam/depth')
    assert note.startswith('no depth image has arrived and nothing publishes /cam/depth '
                           '(colour frames arrive at'), note
    assert 'use_depth:=false' in note and 'lost on the way' not in note, note
    for publishers in (1, None):
        assert 'lost on the way' in h.depth_loss_note(3.95, publishers=publishers), publishers
    assert h.depth_loss_note(1.5, publishers=0) is None
    # Depth that came and went stays "stopped", with its publisher gone.
    h.arrived('depth', 0.5)
    assert h.depth_loss_note(3.95, publishers=0).startswith('depth stopped')



def test_each_depth_note_carries_its_kind_with_its_text():
    """The node logs each kind of depth note once under its key, by ``note.kind``.

    It told the kinds apart by their first words (``loss.startswith('depth stopped')``),
    which a reworded note would have sent to another key without a word (session 34).
    Each note is still its text (a ``str``), and every kind is reached.
    """
    def fed(depth_until, keep=1):
        h = Health()
        for k in range(60):
            h.arrived('colour', k / 10)
            if k / 10 < depth_until and k % keep == 0:
                h.arrived('depth', k / 10 + 0.02)
        return h

    cases = ((fed(1e9, keep=5), None, 'depth_loss', 'depth arrives at'),
             (fed(2.0), 1, 'depth_stopped', 'depth stopped'),
             (fed(2.0), 0, 'depth_stopped', 'depth stopped'),
             (fed(-1), 0, 'depth_unpublished', 'no depth image has arrived'))
    for h, publishers, kind, text in cases:
        note = h.depth_loss_note(5.95, publishers=publishers, topic='/cam/depth')
        assert isinstance(note, DepthNote) and isinstance(note, str), note
        assert note.kind == kind and note.startswith(text), (kind, note)
        assert f'{note}' == str(note) == note and type(str(note)) is str
    assert {k for _, _, k, _ in cases} == set(DEPTH_NOTE_KINDS)
    with pytest.raises(ValueError, match='unknown depth note kind'):
        DepthNote('text', 'depth_gone')


@pytest.mark.parametrize('colour_hz', [0.5, 1.0, 2.0, 10.0])
def test_depth_wiring_is_named_over_slow_colour_as_over_fast(colour_hz):
    """A colour stream throttled for CLIP (1-2 Hz) is told what a 10 Hz one is (helper-96).

    Neither "nothing publishes" nor "stopped" rests on comparing rates, yet both were
    withheld under ``min_colour_hz`` (2 Hz): a throttled camera without a depth publisher
    or whose depth died was told nothing but "answering without depth". Depth that comes
    with each slow colour frame is no stopped stream: three colour periods must pass.
    """
    def fed(depth_until, count=None):
        h = Health()
        count = count or int(12 * colour_hz)
        for k in range(count):
            h.arrived('colour', k / colour_hz)
            if k / colour_hz < depth_until:
                h.arrived('depth', k / colour_hz + 0.02)
        return h, (count - 1) / colour_hz + 0.05

    h, now = fed(depth_until=-1)
    assert h.depth_loss_note(now, publishers=0, topic='/cam/depth').startswith(
        'no depth image has arrived and nothing publishes /cam/depth')
    h, now = fed(depth_until=4)
    note = h.depth_loss_note(now, publishers=0, topic='/cam/depth')
    assert note.startswith('depth stopped') and 'nothing publishes /cam/depth any more' in note
    h, now = fed(depth_until=1e9)
    assert h.depth_loss_note(now, publishers=1) is None
    # Slower than stop_after (0.3 Hz, 3.3 s apart), depth with each frame: not stopped
    # between two frames.
    h = Health()
    for k in range(4):
        h.arrived('colour', k / 0.3)
        h.arrived('depth', k / 0.3 + 0.02)
    assert h.depth_loss_note(3 / 0.3 + 3.3, publishers=1) is None


def test_a_stale_colour_input_says_whether_its_topic_is_still_published():
    h = Health()
    h.arrived('colour', 0.0)
    assert h.snapshot(5.0, 2.0)[1] == 'input stale: no colour frame for 5.0 s'  # not looked
    h.graph_publishers('colour', '/cam/image', ['/cam/driver'])
    assert h.snapshot(5.0, 2.0)[1] == ('input stale: no colour frame for 5.0 s: /cam/image is '
                                       'still published by /cam/driver, which stopped sending '
                                       '(a driver that stalled or lost its camera, a paused '
                                       'bag)')
    h.graph_publishers('colour', '/cam/image', [])
    assert 'nothing publishes /cam/image any more' in h.snapshot(5.0, 2.0)[1]
    assert stale_input_note(None, None) == ''


def test_depth_published_at_a_lower_rate_than_colour_is_not_named_as_lost():
    """Depth stamped as far apart as it arrives is published that slowly, none is lost.

    realsenseai/librealsense#4723: depth at 6 fps to save bag space. /diagnostics blamed
    the transport and advised a Fast DDS profile; the depth stamps tell the two apart.
    """
    h = Health()
    for k in range(120):
        h.arrived('colour', k / 30)
    for k in range(24):
        h.arrived('depth', k / 6)
    assert h.depth_loss_note(4.0, depth_period=1 / 6) is None
    # Stamps 1/30 s apart arriving at 6 Hz: four in five lost on the way, named.
    assert 'fastdds_large_data.xml' in h.depth_loss_note(4.0, depth_period=1 / 30)
    assert 'fastdds_large_data.xml' in h.depth_loss_note(4.0)


def test_colour_that_arrives_but_is_refused_is_an_error_with_the_reason():
    h = Health()
    for i in range(10):
        h.arrived('colour', 10.0 + 0.2 * i)
        h.refused('colour', 'image: unsupported image encoding "yuv411p"', 10.0 + 0.2 * i)
    level, msg, values = h.snapshot(12.0, 2.0)
    assert level == 2 and 'refused' in msg and 'yuv411p' in msg and 'stale' not in msg
    assert 'Hz' in msg and dict(values)['last_refusal_colour'].endswith('"yuv411p"')
    # Good frames again: the error clears.
    h.arrived('colour', 12.1)
    h.frame_in(12.1)
    h.frame_done(12.2, 0.1, 'found', 'ok')
    level, msg, _ = h.snapshot(12.3, 2.0)
    assert level == 0 and msg == 'running'


def test_refused_depth_and_camera_info_warn_while_colour_runs():
    h = Health()
    h.arrived('colour', 1.0)
    h.frame_in(1.0)
    h.frame_done(1.1, 0.1, 'no_depth', 'x')
    h.arrived('depth', 1.0)
    h.refused('depth', 'compressedDepth: format "jpeg" ...', 1.0)
    h.arrived('camera_info', 1.0)
    h.refused('camera_info', 'camera_info is unusable: K has non-positive focal lengths', 1.0)
    level, msg, _ = h.snapshot(1.5, 2.0)
    assert level == 1 and 'depth refused' in msg and 'camera_info refused' in msg


def test_watchdog_names_the_stage_a_frame_is_stuck_in():
    h = Health()
    h.arrived('colour', 0.0)
    h.frame_in(0.0)
    h.enter_stage('proposals', 0.1)
    assert h.snapshot(2.0, 5.0, watchdog_timeout=3.0)[0] == 0
    h.arrived('colour', 4.9)
    level, msg, values = h.snapshot(5.0, 5.0, watchdog_timeout=3.0)
    assert level == 2 and 'stage "proposals"' in msg and dict(values)['stage'] == 'proposals'
    assert h.snapshot(5.0, 5.0, watchdog_timeout=0.0)[0] == 0  # 0 disables it
    h.enter_stage(None, 5.1)
    h.frame_done(5.1, 5.0, 'found', 'ok')
    assert h.snapshot(5.2, 5.0, watchdog_timeout=3.0)[0] == 0


def test_every_stage_the_watchdog_can_name_is_documented_and_the_node_has_its_own():
    """The node's own work before and after the pipeline is a stage, not ``idle``.

    Before, ``stage`` read ``idle`` while the worker checked clocks, converted and
    rectified depth, ran the depth_kind check, and published (helper-69's left-alone): a
    frame stuck there showed only as "none was answered", with no stage named.
    """
    root = pathlib.Path(__file__).resolve().parents[1]
    src = root / 'src' / 'clip_perception'
    entered = set(re.findall(r"_enter\('(\w+)'\)", (src / 'pipeline.py').read_text()))
    node_stages = set(re.findall(r"enter_stage\('(\w+)'", (src / 'node.py').read_text()))
    assert {'prepare', 'publish'} <= node_stages, node_stages
    row = next(line for line in (root / 'docs' / 'topics.md').read_text().splitlines()
               if line.startswith('| ERROR | `watchdog:'))
    documented = set(re.findall(r'`(\w+)`', row.split('|')[3])) - {'watchdog_timeout'}
    assert entered | node_stages == documented, (entered | node_stages) ^ documented


def test_a_standing_notice_lasts_until_cleared_not_input_timeout():
    h = Health()
    h.arrived('colour', 0.0)
    h.notice('waits', 'depth_wait 1.5 s is not below max_frame_age 1 s', 0.0, standing=True)
    h.notice('grey', 'a grey frame', 0.0)
    h.arrived('colour', 9.9)
    level, msg, _ = h.snapshot(10.0, 2.0)
    assert level == 1 and 'depth_wait' in msg and 'grey' not in msg, msg
    h.clear_notice('waits')
    assert h.snapshot(10.0, 2.0)[0] == 0


def test_frames_that_arrive_but_are_never_answered_are_an_error_with_why():
    h = Health()
    for i in range(30):
        t = 0.2 * i
        h.arrived('colour', t)
        h.frame_in(t)
        h.frame_skipped(t + 0.01, 'frame stamped 10.00 s ago is older than max_frame_age 1.0 s')
    level, msg, _ = h.snapshot(6.0, 2.0, watchdog_timeout=3.0)
    assert level == 2 and 'none was answered' in msg and 'max_frame_age' in msg
    # Idle (no command) is not a fault.
    h2 = Health()
    for i in range(30):
        h2.arrived('colour', 0.2 * i)
        h2.frame_in(0.2 * i)
        h2.frame_idle(0.2 * i + 0.01)
    assert h2.snapshot(6.0, 2.0, watchdog_timeout=3.0)[0] == 0


def test_input_oddities_are_warnings_while_they_last():
    h = Health()
    h.arrived('colour', 1.0)
    h.frame_in(1.0)
    h.frame_done(1.1, 0.1, 'found', 'ok')
    h.notice('stamp_zero', 'colour frames carry a zero header.stamp', 1.0)
    level, msg, _ = h.snapshot(1.5, 2.0)
    assert level == 1 and 'zero header.stamp' in msg
    h.arrived('colour', 9.0)
    h.frame_in(9.0)
    assert h.snapshot(9.1, 2.0)[0] == 0  # no longer seen: cleared


def test_refusal_names_the_reason_only_while_the_stream_is_refused():
    h = Health()
    assert h.refusal('depth') is None
    h.refused('depth', 'compressedDepth: not a PNG', 1.0)
    assert h.refusal('depth') == 'compressedDepth: not a PNG'
    h.accepted('depth', 2.0)
    assert h.refusal('depth') is None


def test_an_output_qos_mismatch_warns_with_the_setting_to_change_until_it_leaves():
    # ros2/rclcpp#2499: a transient_local subscription to a volatile publisher gets nothing;
    # /diagnostics said "running". Each policy gets the consumer's fix, named per topic.
    pose = output_qos_note('/cp/target_pose', 'DURABILITY', ['/grasp'], 'transient_local',
                           'volatile')
    assert pose.startswith("this node's publisher cannot serve a subscription to "
                           '/cp/target_pose (DURABILITY: /grasp asks transient_local; the '
                           'node publishes volatile): it receives nothing; subscribe it '
                           'volatile'), pose
    markers = output_qos_note('/cp/markers', 'DEADLINE', [], 'a deadline of 0.2 s',
                              'without one')
    assert '(DEADLINE: a subscription asks a deadline of 0.2 s; the node publishes without ' \
        'one)' in markers and 'subscribe it without a deadline' in markers, markers
    assert 'ros2 topic info -v' in output_qos_note('/cp/x', 'HISTORY', [], '', '')
    h = Health()
    h.arrived('colour', 0.0)
    h.frame_in(0.0)
    h.output_qos_incompatible('/cp/target_pose', pose, 1.0, 'DURABILITY')
    h.output_qos_incompatible('/cp/markers', markers, 1.5, 'DEADLINE')
    for now in (1.6, 30.0):  # reported once by DDS: it must not fade like a notice
        h.arrived('colour', now - 0.1)
        level, msg, _ = h.snapshot(now, 2.0)
        assert level == 1 and pose in msg and markers in msg, msg
    assert h.output_qos_pending(3.2) == [('/cp/target_pose', 'DURABILITY')]  # 2 s to settle
    # Named again from the graph each tick: a consumer gone, another named since.
    renamed = pose.replace('/grasp', '/rviz')
    h.output_qos_renamed('/cp/target_pose', renamed)
    h.output_qos_renamed('/cp/gone', renamed)  # none recorded there: nothing added
    msg = h.snapshot(30.0, 2.0)[1]
    assert renamed in msg and '/grasp' not in msg and msg.count('cannot serve') == 2, msg
    assert h.output_qos_pending(3.6) == [('/cp/target_pose', 'DURABILITY'),
                                         ('/cp/markers', 'DEADLINE')]
    h.output_qos_gone('/cp/target_pose')
    h.output_qos_gone('/cp/markers')
    assert h.snapshot(30.0, 2.0)[:2] == (0, 'running')


def test_a_command_qos_mismatch_warns_until_a_command_arrives():
    # Field report: a best-effort command publisher (micro-ROS's default) was never
    # delivered, and /diagnostics said "running" with commands_received 0.
    h = Health()
    for t in (0.0, 0.2, 0.4):
        h.arrived('colour', t)
        h.frame_in(t)
        h.frame_idle(t + 0.01)
    h.command_qos_incompatible("a command publisher's QoS is incompatible", 0.3)
    for now in (0.5, 30.0):  # DDS reports it once: it must not fade like a notice
        h.arrived('colour', now)
        h.frame_in(now)
        level, msg, values = h.snapshot(now + 0.1, 2.0)
        assert level == 1 and "command publisher's QoS is incompatible" in msg, msg
        assert dict(values)['commands_received'] == '0'
    h.command_arrived(31.0)
    level, msg, values = h.snapshot(31.1, 2.0)
    assert level == 0 and dict(values)['commands_received'] == '1', msg
    assert not h.command_qos_pending(40.0)  # answered by the command
    # Or the publisher leaves: the node asks the graph once the event is 2 s old.
    h.command_qos_incompatible("a command publisher's QoS is incompatible", 50.0)
    assert not h.command_qos_pending(51.0) and h.command_qos_pending(52.0)
    h.command_qos_gone()
    assert not h.command_qos_pending(53.0)
    h.arrived('colour', 53.0)
    h.frame_in(53.0)
    level, msg, _ = h.snapshot(53.1, 2.0)
    assert level == 0 and 'QoS' not in msg, msg


def test_wiring_note_names_what_no_message_can_reach():
    image, jpeg = 'sensor_msgs/msg/Image', 'sensor_msgs/msg/CompressedImage'
    raw, comp = '/cam/image_raw', '/cam/image_raw/compressed'
    # Published with another type on the subscribed topic.
    note = wiring_note('colour', comp, image, {comp: [jpeg], comp + '/compressed': []})
    assert note.endswith('set image_transport:=compressed'), note
    # Only under another transport: a bag of compressed images; raw only.
    note = wiring_note('colour', raw, image, {raw: [], comp: [jpeg]})
    assert 'set image_transport:=compressed (with -r image:=/cam/image_raw)' in note, note
    note = wiring_note('colour', comp, jpeg, {comp: [], raw: [image]})
    assert 'set image_transport:=raw (with -r image:=/cam/image_raw)' in note, note
    note = wiring_note('camera_info', '/cam/info', 'sensor_msgs/msg/CameraInfo',
                       {'/cam/info': ['sensor_msgs/msg/Image']})
    assert 'remap camera_info to a sensor_msgs/msg/CameraInfo topic' in note, note
    # Nothing to say: published as expected, or nothing published anywhere.
    assert wiring_note('colour', raw, image, {raw: [image], comp: [jpeg]}) is None
    assert wiring_note('colour', raw, image, {raw: [], comp: []}) is None


def test_wiring_note_names_a_topic_of_nearly_the_name_that_carries_the_stream():
    """realsense-ros#2857 (``/camera/camera/...``), rtabmap_ros#1224, covins#44 (a typo).

    Before, nothing was said: "waiting for the first colour frame".
    """
    image, jpeg = 'sensor_msgs/msg/Image', 'sensor_msgs/msg/CompressedImage'
    graph = {'/camera/camera/color/image_raw': [image],
             '/camera/camera/color/image_raw/compressed': [jpeg],
             '/camera/camera/aligned_depth_to_color/image_raw': [image],
             '/camera/camera/depth/image_rect_raw': [image],
             '/rosout': ['rcl_interfaces/msg/Log']}
    for topic, stream, want, remap in (
            ('/camera/color/image_raw', 'colour', image, 'image:=/camera/camera/color/image_raw'),
            ('/robot1/camera/color/image_raw/compressed', 'colour', jpeg,
             'image:=/camera/camera/color/image_raw'),
            ('/camera/aligned_depth_to_color/image_raw', 'depth', image,
             'depth:=/camera/camera/aligned_depth_to_color/image_raw'),
            ('/camera/camera/colour/image_raw', 'colour', image,
             'image:=/camera/camera/color/image_raw')):
        note = wiring_note(stream, topic, want, {topic: []}, graph)
        assert note is not None and f'nothing is published on {topic}, but' in note, topic
        assert note.endswith(f'remap {remap} if it is this camera'), note
    # Nothing of nearly the name, or of the type: nothing said (the depth stream is not
    # taken for the colour one, the node's own topics are left out by the caller).
    assert nearby_topic('/image', image, graph) is None
    assert nearby_topic('/camera/color/image_raw', image,
                        {'/camera/depth/image_raw': [image]}) is None
    assert nearby_topic('/camera/color/image_raw', image,
                        {'/cam2/color/image_raw': [jpeg]}) is None
    assert wiring_note('camera_info', '/camera/color/camera_info', 'sensor_msgs/msg/CameraInfo',
                       {'/camera/color/camera_info': []},
                       {'/camera/camera/color/camera_info': ['sensor_msgs/msg/CameraInfo']}) \
        is None


def test_wiring_note_names_a_transport_the_node_cannot_decode():
    """Only under theora or ffmpeg: image_transport_plugins#4, ffmpeg_image_transport#3."""
    image, jpeg = 'sensor_msgs/msg/Image', 'sensor_msgs/msg/CompressedImage'
    raw, comp = '/cam/image_raw', '/cam/image_raw/compressed'
    note = wiring_note('colour', comp, jpeg, {comp: [], raw: [],
                                              raw + '/theora': ['theora_image_transport/msg/'
                                                                'Packet']})
    assert 'but /cam/image_raw/theora is (theora_image_transport/msg/Packet), the theora ' \
        'image transport' in note, note
    depth = '/cam/depth/image_raw'
    note = wiring_note('depth', depth, image, {depth: [], depth + '/compressedDepth': [],
                                               depth + '/ffmpeg': ['ffmpeg_image_transport_'
                                                                   'msgs/msg/FFMPEGPacket']})
    assert 'the ffmpeg image transport' in note and 'remap depth to its output' in note, note
    assert note.endswith(f'publish {depth} or {depth}/compressedDepth'), note
    # A transport the node decodes wins over one it cannot.
    note = wiring_note('colour', raw, image, {raw: [], comp: [jpeg], raw + '/zstd': [jpeg]})
    assert note.endswith('set image_transport:=compressed (with -r image:=/cam/image_raw)')


def test_wiring_note_names_the_zstd_transport_by_its_topic():
    """The zstd transport's messages are CompressedImage: ``<base>/zstd`` is told by name.

    ros-drivers/usb_cam#340 (Jazzy's drivers add ``.../zstd``). Before, it was named as a
    transport the node cannot decode, with a republish to run; and beside a subscription
    of ``<base>/compressed`` (the same type) it was not named at all.
    """
    image, jpeg = 'sensor_msgs/msg/Image', 'sensor_msgs/msg/CompressedImage'
    raw, comp, zstd = '/cam/image_raw', '/cam/image_raw/compressed', '/cam/image_raw/zstd'
    note = wiring_note('colour', raw, image, {raw: [], comp: [], zstd: [jpeg]})
    assert note.endswith('set image_transport:=zstd (with -r image:=/cam/image_raw)'), note
    note = wiring_note('colour', comp, jpeg, {comp: [], raw: [], zstd: [jpeg]})
    assert note.endswith('set image_transport:=zstd (with -r image:=/cam/image_raw)'), note
    depth = '/cam/depth/image_raw'
    note = wiring_note('depth', depth + '/compressedDepth', jpeg, {
        depth + '/compressedDepth': [], depth: [], depth + '/zstd': [jpeg]})
    assert note.endswith(f'set depth_transport:=zstd (with -r depth:={depth})'), note
    # Subscribed to zstd itself, a compressed stream beside it is named.
    note = wiring_note('colour', zstd, jpeg, {zstd: [], raw: [], comp: [jpeg]})
    assert note.endswith('set image_transport:=compressed (with -r image:=/cam/image_raw)')


def test_wiring_note_tells_the_two_compressed_depth_transports_apart_by_topic():
    """Depth on <depth>/compressed wants depth_transport:=compressed, not compressedDepth.

    That topic carries a 16-bit PNG (realsense-ros, Orbbec), which compressedDepth cannot
    read.
    """
    image, jpeg = 'sensor_msgs/msg/Image', 'sensor_msgs/msg/CompressedImage'
    depth = '/camera/depth/image_rect_raw'
    note = wiring_note('depth', depth, image, {depth: [], depth + '/compressed': [jpeg],
                                               depth + '/compressedDepth': []})
    assert note.endswith(f'set depth_transport:=compressed (with -r depth:={depth})'), note
    note = wiring_note('depth', depth, image, {depth: [], depth + '/compressed': [],
                                               depth + '/compressedDepth': [jpeg]})
    assert note.endswith(f'set depth_transport:=compressedDepth (with -r depth:={depth})'), note
    # depth remapped onto the compressed topic itself, with the raw transport.
    note = wiring_note('depth', depth + '/compressed', image, {depth + '/compressed': [jpeg]})
    assert note.endswith('set depth_transport:=compressed'), note


def test_a_disparity_topic_wired_to_depth_is_named():
    """Disparity (px of shift) on the depth input: a 25 px disparity read as 25 m.

    As stereo_msgs/DisparityImage the subscription never matches (the wiring note says
    disparity is not depth); as a plain Image (OAK-D's, ZED's ``.../disparity``) the
    topic's name is what tells (disparity_note).
    """
    image, disparity = 'sensor_msgs/msg/Image', 'stereo_msgs/msg/DisparityImage'
    note = wiring_note('depth', '/stereo/disparity', image, {'/stereo/disparity': [disparity]})
    assert 'published as stereo_msgs/msg/DisparityImage' in note, note
    assert 'disparity is pixel shifts, not depth' in note, note
    note = wiring_note('depth', '/points', image, {'/points': ['sensor_msgs/msg/PointCloud2']})
    assert 'not depth' not in note, note  # only disparity is told so
    for topic in ('/oak/stereo/disparity', '/camera/Disparity_Image', '/depth_cam/disparity',
                  '/oak/stereo/disparity/compressedDepth', '/stereo/disparity/compressed'):
        note = disparity_note(topic)
        assert note.startswith(f'depth is read from {topic}, whose name says disparity'), note
        assert 'f * T / d' in note, note
    for topic in ('/camera/depth/image_rect_raw', '/oak/stereo/depth',
                  '/camera/aligned_depth_to_color/image_raw', '/stereo/depth_from_disparity',
                  '/disparity/depth', '/camera/depth/image_raw/compressedDepth'):
        assert disparity_note(topic) is None


def test_publishers_note_names_inputs_with_more_than_one_node():
    assert publishers_note([('/image', ['/cam']), ('/depth', []), ('/info', ['/cam'])]) is None
    note = publishers_note([('/image', ['/bag', '/cam']), ('/depth', ['/bag', '/cam']),
                            ('/info', ['/cam'])])
    assert note.startswith('2 nodes (/bag, /cam) publish /image, /depth: '), note
    note = publishers_note([('/image', ['/a', '/b']), ('/info', ['/a', '/c', '/d'])])
    assert '2 nodes (/a, /b) publish /image; 3 nodes (/a, /c, /d) publish /info' in note


def test_two_commands_taking_turns_are_told_apart_from_a_change_of_mind():
    """A, B, A, B within 10 s: two senders; A, B, A (a user going back once) is not."""
    assert command_flips([('a', 0.0), ('b', 1.0), ('a', 2.0), ('b', 3.0)]) == ('a', 'b')
    assert command_flips([('a', 0.0), ('b', 1.0), ('a', 2.0)]) is None
    assert command_flips([('a', 0.0), ('b', 1.0), ('c', 2.0), ('b', 3.0)]) is None
    assert command_flips([('a', 0.0), ('b', 1.0), ('a', 20.0), ('b', 21.0)]) is None
    h = Health()
    said = [h.command_changed(t, k) for k, t in enumerate('abab' + 'a')]
    assert said == [None, None, None, ('a', 'b'), ('b', 'a')]
    values = dict(h.snapshot(10.0, input_timeout=2.0)[2])
    assert values['commands_alternating'] == '2'
    note = command_flips_note('/clip_perception/command', ('a', 'b'), ['/gui', '/planner'])
    assert '2 publishers: /gui, /planner' in note and '"a", "b", then back' in note
    assert 'publisher /gui)' in command_flips_note('/c', ('a', 'b'), ['/gui'])


def test_command_topic_note_names_commands_published_where_the_node_does_not_listen():
    # ros2 run (listening on /command) beside the README's /clip_perception/command.
    note = command_topic_note('/command', {'/command': [],
                                           '/clip_perception/command': ['/_ros2cli_1'],
                                           '/clip_perception/clip_perception/command': []})
    assert note.startswith('commands never arrive: ')
    assert '/_ros2cli_1 on /clip_perception/command' in note
    assert 'listens for commands on /command' in note
    assert '-r command:=/clip_perception/command' in note
    # Something publishes where the node listens, or nothing anywhere: nothing to say.
    assert command_topic_note('/command', {'/command': ['/voice'],
                                           '/clip_perception/command': ['/x']}) is None
    assert command_topic_note('/clip_perception/command', {
        '/clip_perception/command': [], '/command': []}) is None


def test_publishers_rmw_has_not_named_are_said_in_words_not_placeholders():
    """Rmw names a writer's node ``_NODE_NAME_UNKNOWN_`` until its discovery info comes.

    CI at e531563 logged ``(_NODE_NAMESPACE_UNKNOWN_/_NODE_NAME_UNKNOWN_ as
    diagnostic_msgs/msg/KeyValue)``: the placeholder reached a user's log.
    """
    assert publisher_node('/', 'voice') == '/voice'
    assert publisher_node('/robot/', 'voice') == '/robot/voice'
    assert publisher_node('/robot', 'voice') == '/robot/voice'
    for namespace, name in [('_NODE_NAMESPACE_UNKNOWN_', '_NODE_NAME_UNKNOWN_'),
                            ('/', '_NODE_NAME_UNKNOWN_')]:
        said = publisher_node(namespace, name)
        assert said == UNNAMED_PUBLISHER and 'UNKNOWN' not in said
    note = command_type_note('/command', [(UNNAMED_PUBLISHER, 'std_msgs/msg/Int32')])
    assert 'not named' in note and 'std_msgs/msg/Int32' in note


def test_command_type_note_names_publishers_of_another_type_on_the_command_topic():
    # A voice node's example_interfaces/String: DDS matches nothing, says nothing.
    note = command_type_note('/clip_perception/command', [
        ('/voice', 'example_interfaces/msg/String'), ('/asr', 'hri_msgs/msg/LiveSpeech'),
        ('/voice', 'example_interfaces/msg/String')])
    assert note.startswith('commands of another type never arrive: ')
    assert ('/asr as hri_msgs/msg/LiveSpeech; /voice as example_interfaces/msg/String'
            in note), note
    assert 'ros2 topic pub --once /clip_perception/command std_msgs/msg/String' in note
    assert command_type_note('/clip_perception/command', []) is None


def test_latency_is_from_the_stamp_only_when_stamp_and_ros_time_are_one_running_clock():
    from clip_perception.health import frame_latency
    # Wall clock, stamped: capture to answer.
    assert frame_latency(100.0, 100.25, 5.0, 5.1) == (0.25, 'stamp')
    # A paused bag: /clock stands at the stamp; the node's own 0.1 s, not 0.
    assert frame_latency(100.0, 100.0, 5.0, 5.1, 'use_sim_time') == \
        (5.1 - 5.0, 'arrival (use_sim_time)')
    assert frame_latency(0.0, 100.0, 5.0, 5.2)[1] == 'arrival (zero stamps)'
    lat, basis = frame_latency(3000.0, 1.7e9, 5.0, 5.3, 'stamps on the time since boot')
    assert abs(lat - 0.3) < 1e-9 and basis == 'arrival (stamps on the time since boot)'
    # A camera clock ahead of the node's, by 0.8 s or an hour (helper-50, helper-51): not
    # a negative latency, the node's own part from arrival.
    for ahead in (0.8, 3600.0):
        lat, basis = frame_latency(100.0 + ahead, 100.0, 5.0, 5.2)
        assert abs(lat - 0.2) < 1e-9 and basis == "arrival (stamps ahead of this node's clock)"
    # A stamp equal to the clock is still from the stamp (0 s).
    assert frame_latency(100.0, 100.0, 5.0, 5.2) == (0.0, 'stamp')


def test_a_notice_cleared_is_gone_at_once():
    h = Health()
    h.notice('no_colour', 'colour frames hold no colour', 10.0)
    assert 'hold no colour' in h.snapshot(10.1, input_timeout=2.0)[1]
    h.clear_notice('no_colour')
    h.clear_notice('never_noticed')  # nothing to clear: no error
    assert 'hold no colour' not in h.snapshot(10.2, input_timeout=2.0)[1]


# Keys whose value is text, not a number (counters and rates are numbers).
TEXT_KEYS = {'latency_from', 'input_stale', 'last_status', 'last_reason', 'stage'}


def test_no_data_is_written_nan_in_every_key():
    """Each key without data says ``nan``, the one spelling; every numeric key parses.

    Before: ``nan`` (latencies), ``n/a`` (latency_from, crops_reused_share), ``never``
    (seconds_since_input) and an empty string (last_status, last_reason): a consumer had
    to know four spellings, and ``float()`` of ``n/a`` or ``never`` raised.
    """
    h = Health()
    fresh = dict(h.snapshot(0.0, 2.0)[2])
    h.frame_in(1.0)
    h.frame_done(1.1, 0.1, 'found', 'ok')
    h.count('crops_encoded')
    seen = dict(h.snapshot(1.5, 2.0)[2])
    assert fresh.keys() == seen.keys()
    for key, value in [*fresh.items(), *seen.items()]:
        if key not in TEXT_KEYS:
            float(value)  # raises for a spelling a numeric consumer cannot read
        assert value.strip().lower() not in ('n/a', 'na', 'never', 'none', ''), (key, value)
    no_data = {k for k, v in fresh.items() if v == NO_DATA}
    assert no_data == {'latency_median_ms', 'latency_p95_ms', 'latency_from',
                       'seconds_since_input', 'last_status', 'last_reason',
                       'crops_reused_share'}, no_data
    assert not [k for k in no_data if seen[k] == NO_DATA]
    assert NO_DATA == 'nan' and np.isnan(float(NO_DATA))


def test_held_since_answers_after_grace_without_a_break_and_forgets_gone_keys():
    held = HeldSince(3.0)
    assert not held.held('/cam2/image', 10.0)
    assert not held.held('/cam2/image', 12.9)
    assert held.held('/cam2/image', 13.0)
    # A break starts the clock again.
    held.clear('/cam2/image')
    assert not held.held('/cam2/image', 14.0)
    assert held.held('/cam2/image', 17.5)
    held.clear('never seen')  # clearing an unknown key is no error
    # Keys gone from the graph are forgotten: the table does not grow with every name.
    for i in range(100):
        held.held(f'/t{i}', 20.0)
    assert len(held) == 101
    held.keep_only(['/t5', '/cam2/image'])
    assert len(held) == 2
    assert held.held('/t5', 23.0)


def test_rechecked_finding_runs_first_frames_then_every_period_while_a_finding_stands():
    """The node's depth_kind and image_up checks: one state machine, not two copies.

    The first ``first`` calls are due; after them, a run is due only while a finding stands
    and ``recheck`` s have passed since it was found; a run that finds nothing ends the
    reruns; :meth:`reset` starts again, and a run begun before a reset leaves nothing.
    """
    check = RecheckedFinding(3, 10.0)

    def run(now):
        token = check.due(now)
        return token if token is not None and check.begin(token, now) else None

    tokens = [run(t) for t in (0.0, 0.1, 0.2, 0.3)]
    assert tokens[3] is None and None not in tokens[:3]
    assert check.found(tokens[2], 'faces down', 0.2) and check.finding == 'faces down'
    assert check.due(5.0) is None  # found, but not 10 s ago
    token = run(10.2)
    assert token is not None and check.due(10.3) is None  # one rerun, then 10 s again
    assert check.found(token, None, 10.3) and check.finding is None
    assert check.due(30.0) is None  # nothing stands: no more runs
    check.reset()
    assert not check.found(token, 'faces down', 31.0) and check.finding is None
    assert [run(31.0) is not None for _ in range(4)] == [True, True, True, False]


def test_a_rechecked_finding_counts_a_run_when_it_runs_not_when_it_is_due():
    """A frame that fails after its checks were due (in the pipeline) uses none of them up.

    The node asks :meth:`RecheckedFinding.due` while it reads a frame and runs the checks
    after the answer (``node._check_inputs``): a frame that failed in between (a pipeline
    error, counted as frames_failed) used one of the ``first`` runs, so a camera whose first
    frames failed was never checked. Only :meth:`begin` counts; a token from before a
    :meth:`reset` begins nothing.
    """
    check = RecheckedFinding(2, 10.0)
    assert [check.due(0.1 * i) is not None for i in range(5)] == [True] * 5  # none ran
    token = check.due(1.0)
    assert check.begin(token, 1.0)
    assert check.begin(check.due(1.1), 1.1)
    assert check.due(1.2) is None  # the two runs, only when they ran
    assert check.found(token, 'faces down', 1.3)
    rerun = check.due(11.3)
    assert rerun is not None and check.due(11.3) is not None  # due until it begins
    assert check.begin(rerun, 11.3) and check.due(11.4) is None  # then 10 s again
    stale = check.due(22.0)
    check.reset()
    assert not check.begin(stale, 22.0)  # read under the old setting: nothing runs
    assert check.due(22.0) is not None  # nor was a run of the new setting used up
