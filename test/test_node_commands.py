"""Commands as said, through the running node over DDS: ~/target_poses, new JSON fields."""

import dataclasses
import json
import struct
import threading
import time

from geometry_msgs.msg import PoseArray
import numpy as np
from rcl_interfaces.srv import SetParameters
from rclpy.parameter import Parameter
from test_commands import TWINS
from visualization_msgs.msg import Marker

from clip_perception.language import clean_command
from clip_perception.node import not_utf8_note
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import ObjectSpec
from clip_perception.world.scenes import two_by_two_scene
from conftest import cached_scene
from conftest import detections
from test_node import bring_up
from test_node import obj
from test_node import POSE
from test_node import run_until
from test_node import SCENE_SPECS
from test_node_process import call

POSES = '/clip_perception/target_poses'
MARKERS = '/clip_perception/markers'
SET = '/clip_perception/set_parameters'


def answered(probe, command):
    """Return the ~/detection_json payloads received for ``command``."""
    return [d for d in detections(probe) if d['command'] == command]


def _last_status_is(probe, status, timeout=5.0):
    """Whether a /diagnostics message says ``last_status`` ``status`` within ``timeout``."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        msgs = probe.messages('/diagnostics')
        if msgs and {kv.key: kv.value for kv in msgs[-1].status[0].values}.get(
                'last_status') == status:
            return True
        time.sleep(0.1)
    return False


def assert_markers_unique(arr):
    """No two markers of ``arr`` share (ns, id), as RViz 2 checks (ros2/rviz#891)."""
    keys = [(m.ns, m.id) for m in arr.markers]
    assert len(keys) == len(set(keys)), keys


def test_plural_ambiguous_refused_and_polite_commands(probe, start_node):
    probe.listen(PoseArray, POSES)
    node, camera, _ = bring_up(probe, start_node)
    scene = cached_scene(4343, specs=TWINS)
    balls = [o.centre for o in scene.objects if o.shape == 'ball']

    camera.command('pick up all the red balls')
    assert run_until(probe, camera, scene, lambda: probe.messages(POSES) and len(
        answered(probe, 'pick up all the red balls')) >= 1), node.output()
    arr = probe.messages(POSES)[-1]
    assert arr.header.frame_id == scene.frame_id and len(arr.poses) == 2
    got = [np.array([p.position.x, p.position.y, p.position.z]) for p in arr.poses]
    for ball in balls:
        assert min(np.linalg.norm(g - ball) for g in got) < 0.015
    det = answered(probe, 'pick up all the red balls')[-1]
    assert det['status'] == 'found' and len(det['targets']) == 2
    assert det['parsed'] == {'what': 'red ball', 'plural': True}
    assert all(t['what'] == 'red ball' and len(t['position']) == 3 for t in det['targets'])
    # RViz draws every posed target (helper-51: one sphere, labelled with the whole
    # command), and no two markers of one MarkerArray share a namespace and id (RViz 2
    # shows an Error on the display when they do, the DELETEALL's id included).
    time.sleep(0.5)  # the markers follow the answer on their own topic
    arr = probe.messages(MARKERS)[-1]
    assert_markers_unique(arr)
    spheres = [m for m in arr.markers if m.type == Marker.SPHERE]
    assert len(spheres) == 2
    for ball in balls:
        assert min(np.linalg.norm(np.array([m.pose.position.x, m.pose.position.y,
                                            m.pose.position.z]) - ball)
                   for m in spheres) < 0.015
    assert sorted(m.text.split(' (')[0] for m in arr.markers
                  if m.type == Marker.TEXT_VIEW_FACING) == ['red ball', 'red ball']
    assert len([m for m in arr.markers if m.type == Marker.CUBE]) == 2

    # Two of a kind, no deciding word: "ambiguous", both candidates, no pose.
    camera.command('the red ball')
    assert run_until(probe, camera, scene, lambda: len(answered(probe, 'the red ball')) >= 1)
    probe.clear()
    assert run_until(probe, camera, scene, lambda: len(answered(probe, 'the red ball')) >= 2)
    det = answered(probe, 'the red ball')[-1]
    assert det['status'] == 'ambiguous' and det['chosen'] is None
    assert len(det['ambiguous']) == 2 and 'left or right' in det['reason']
    assert probe.messages(POSE) == [] and probe.messages(POSES) == []

    # "any" (session 20): either ball will do, one is posed; a relation the node does not
    # test keeps the object (still two of a kind) and says it was not checked.
    camera.command('any red ball')
    assert run_until(probe, camera, scene, lambda: answered(probe, 'any red ball'))
    det = answered(probe, 'any red ball')[-1]
    assert det['status'] == 'found' and det['parsed']['any_one'] is True, det['reason']
    assert min(np.linalg.norm(np.array(det['position']) - b) for b in balls) < 0.015
    command = 'the red ball west of the blue mug'
    camera.command(command)
    assert run_until(probe, camera, scene, lambda: answered(probe, command))
    det = answered(probe, command)[-1]
    assert det['status'] == 'ambiguous' and 'is not checked' in det['reason'], det['reason']
    assert det['parsed'] == {'what': 'red ball', 'unchecked': ['west of the blue mug']}
    # A remark after the instruction (session 21): no second object, and the reason
    # names it.
    command = 'Get the blue mug. Careful, it is fragile.'
    camera.command(command)
    assert run_until(probe, camera, scene, lambda: answered(probe, command))
    det = answered(probe, command)[-1]
    assert det['status'] == 'found' and 'read as a remark' in det['reason'], det['reason']
    assert det['parsed'] == {'what': 'blue mug', 'remarks': ['careful, it is fragile']}

    # Only a negation: refused with a reason, nothing published as a target.
    camera.command('not the blue mug')
    assert run_until(probe, camera, scene, lambda: answered(probe, 'not the blue mug'))
    det = answered(probe, 'not the blue mug')[-1]
    assert det['status'] == 'refused' and 'not to pick' in det['reason']
    assert det['parsed']['exclude'] == ['blue mug'] and det['targets'] == []

    # A command that names nothing ("that one", an emoji): rejected, not "object", and
    # the active command is kept (helper-h165: it was refused and replaced it).
    for command in ('that one', '\U0001f534\U0001f9ca'):
        camera.command(command)
        assert run_until(probe, camera, scene, lambda c=command: answered(probe, c))
        det = answered(probe, command)[-1]
        assert det['status'] == 'rejected' and 'names no object' in det['reason']
        assert 'the active command is unchanged: "not the blue mug"' in det['reason'], det
        assert det['targets'] == [] and det['chosen'] is None

    # A relation, said politely: the ball next to the mug, with the reference.
    command = 'could you grab the red ball right next to the blue mug'
    camera.command(command)
    assert run_until(probe, camera, scene, lambda: answered(probe, command))
    det = answered(probe, command)[-1]
    mug = next(o for o in scene.objects if o.shape == 'mug')
    right = max(balls, key=lambda c: c[0])
    assert det['status'] == 'found' and det['reference'] is not None
    assert det['parsed']['link'] == 'next_to' and 'blue mug' in det['reason']
    assert np.linalg.norm(np.array(det['position']) - right) < 0.015
    assert np.linalg.norm(right - mug.centre) < np.linalg.norm(balls[0] - mug.centre)
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_cancel_words_on_the_topic_clear_the_command_and_nothing_follows(probe, start_node):
    """"stop", "never mind" or an empty string on the topic: idle, as ``command:=''``.

    Field report: "" was refused on the topic, so there was no way to stop the node from
    it, and "stop", "cancel", "nothing" were scored as objects ("nothing" answered found,
    with a pose a manipulation node would move to).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball',
                                   '-p', 'diagnostics_period:=0.3')
    active = '/clip_perception/active_command'

    def cancelled():
        return [d for d in detections(probe) if d['status'] == 'cancelled']

    for command, said in (('the red ball', 'Stop!'), ('stop sign', ''),
                          ('the blue mug', 'never mind')):
        if command != 'the red ball':
            camera.command(command)
        # "stop sign" is an object, not a cancel word: it is answered like any command.
        assert run_until(probe, camera, scene, lambda c=command: answered(probe, c)), \
            node.output()
        assert probe.messages(active)[-1].data == command
        if command != 'stop sign':
            assert run_until(probe, camera, scene, lambda: probe.messages(POSE))
        camera.command(said)
        assert run_until(probe, camera, scene, cancelled), node.output()
        det = cancelled()[-1]
        assert det['command'] == said and det['chosen'] is None and det['targets'] == []
        assert f'command "{command}" cancelled by ' in det['reason'], det
        # No frame was answered: no latency (trial 38: 0.0, which a latency average counts).
        assert det['latency_s'] is None and det['latency_from'] is None, det
        # The cancel is the last answer: none for the old command comes after it, and
        # no pose once what was in flight has landed.
        assert detections(probe)[-1]['status'] == 'cancelled'
        time.sleep(0.5)
        poses = len(probe.messages(POSE))
        for _ in range(10):
            camera.publish(scene)
            time.sleep(0.2)
        assert detections(probe)[-1]['status'] == 'cancelled'
        assert len(probe.messages(POSE)) == poses
        assert probe.messages(active)[-1].data == ''
        # /diagnostics says the last answer, the cancel, not the last frame's (trial 38).
        assert _last_status_is(probe, 'cancelled'), probe.messages('/diagnostics')[-1]
        # RViz is told to drop the last answer's sphere and box: nothing is tracked.
        assert [m.action for m in probe.messages(MARKERS)[-1].markers] == [Marker.DELETEALL]
        probe.clear()
    # Another cancel while idle is a repeat: no second "cancelled", still idle.
    camera.command('cancel')
    for _ in range(5):
        camera.publish(scene)
        time.sleep(0.2)
    assert detections(probe) == [] and probe.messages(POSE) == []
    # A cancel word given to the command parameter idles the node as on the topic (it was
    # searched for as an object: "stop" answered "the model knows no word of stop").
    for value in ('the red ball', 'Stop'):
        res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
            Parameter('command', value=value).to_parameter_msg()]))
        assert res.results[0].successful
        if value != 'Stop':
            assert run_until(probe, camera, scene, lambda: probe.messages(POSE))
    time.sleep(0.5)
    assert [m.action for m in probe.messages(MARKERS)[-1].markers] == [Marker.DELETEALL]
    probe.clear()
    for _ in range(5):
        camera.publish(scene)
        time.sleep(0.2)
    assert detections(probe) == [] and probe.messages(POSE) == []
    log = node.output()
    assert log.count('cancelled by') == 4, log
    assert 'command "the red ball" cancelled by "Stop!" on the command topic; idle' in log
    assert 'command "stop sign" cancelled by an empty command on the command topic' in log
    assert 'command "the red ball" cancelled by "Stop" (parameter command); idle' in log
    assert 'rejected' not in log and 'Traceback' not in log
    assert node.stop() == 0


def assert_found(probe, node, camera, scene, said, what, centre, echo=None):
    """Command ``said``; its answer is ``what``, found and posed within 1 cm of ``centre``.

    ``echo``: the command as the answer names it, where the node reads ``said`` otherwise
    (:func:`clip_perception.language.clean_command`); default ``said``.
    """
    camera.command(said)
    assert run_until(probe, camera, scene, lambda: any(
        'position' in d for d in answered(probe, echo or said))), (said, node.output())
    det = next(d for d in answered(probe, echo or said) if 'position' in d)
    assert det['status'] == 'found' and det['what'] == what, det
    assert np.linalg.norm(np.array(det['position']) - centre) < 0.01, det


def assert_found_naming(probe, node, camera, scene, said, what, unchecked, echo=None):
    """Assert as :func:`assert_found` does, and that ``unchecked`` is named as not checked.

    ``what``: an object of the default scene ("blue mug"); ``unchecked``: the one entry of
    ``parsed['unchecked']``, which the reason names; ``echo`` as for :func:`assert_found`.
    """
    centre = {f'{o.colour} {o.shape}': o.centre for o in scene.objects}
    assert_found(probe, node, camera, scene, said, what, centre[what], echo)
    det = next(d for d in answered(probe, echo or said) if 'position' in d)
    assert det['parsed']['unchecked'] == [unchecked], det
    assert f'"{unchecked}" is not checked' in det['reason'], det
    return det


def assert_refused(probe, camera, scene, said, why):
    """Command ``said``: answered ``rejected``, ``why`` in the reason, nothing posed.

    A command the parser refuses is rejected on the topic and the active command goes
    on, as an action server rejects an invalid goal (helper-h165: it was answered
    ``refused`` and replaced the active command).
    """
    camera.command(said)
    assert run_until(probe, camera, scene, lambda: answered(probe, said))
    det = answered(probe, said)[-1]
    assert det['status'] == 'rejected' and why in det['reason'], det
    assert 'the active command is unchanged' in det['reason'], det
    assert det['targets'] == [] and det['chosen'] is None, det


def assert_cancels_the_red_ball(probe, node, camera, scene, said):
    """Command "the red ball", then ``said``: one ``cancelled`` answer, and idle."""
    camera.command('the red ball')
    assert run_until(probe, camera, scene, lambda: answered(probe, 'the red ball'))
    camera.command(said)
    assert run_until(probe, camera, scene, lambda: answered(probe, said)), \
        (said, node.output())
    assert [d['status'] for d in answered(probe, said)] == ['cancelled'], said
    assert probe.messages('/clip_perception/active_command')[-1].data == ''
    probe.clear()


def test_commands_as_a_voice_recogniser_writes_them_are_answered_as_meant(probe, start_node):
    """Openings, hesitations, verbs, phone apostrophes; a cancel said in more words.

    Field report (voice front ends, people typing on phones): "Um, the red ball." was two
    objects, "um" and "red ball", answered not_found, as were "Well, ...", "Oh, ...",
    "Yes, ..."; "No, the blue mug." was refused as naming only what not to pick; "Okay
    Google, find ...", "where\u2019s ..." scored "google red ball", "where s red ball".
    "Please stop.", "Cancel that.", "Nothing, thanks." were scored as the objects
    "stop", "cancel", "nothing": the command was replaced, and no `cancelled` answer came.
    helper-63: "the blue mug full stop" (a dictation engine's spoken punctuation,
    Azure-Samples/cognitive-services-speech-sdk#623) cancelled the command; "STOP
    IMMEDIATELY" (microsoft/botframework-solutions#1989) replaced it with an object.
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {(o.colour, o.shape): o.centre for o in scene.objects}
    for said, what, key in (('Um, the red ball.', 'red ball', ('red', 'ball')),
                            ('No, the blue mug.', 'blue mug', ('blue', 'mug')),
                            ('Okay Google, find the green cube', 'green cube',
                             ('green', 'cube')),
                            ('where\u2019s the red ball?', 'red ball', ('red', 'ball'))):
        assert_found(probe, node, camera, scene, said, what, centre[key])
    # Punctuation said as words (helper-63): "full stop" at the end cancelled the command.
    assert_found(probe, node, camera, scene, 'the blue mug full stop', 'blue mug',
                 centre[('blue', 'mug')], echo='the blue mug.')
    # A stop said with how soon (helper-63): scored as the object "stop immediately".
    for said in ('Please stop.', 'Cancel that.', 'Nothing, thanks.',
                 'stop looking for the red ball', 'STOP IMMEDIATELY'):
        assert_cancels_the_red_ball(probe, node, camera, scene, said)
    log = node.output()
    assert log.count('cancelled by') == 5 and 'Traceback' not in log, log
    assert node.stop() == 0


def test_stop_the_red_ball_cancels_and_a_correction_asks_for_what_follows(probe, start_node):
    """"stop the red ball" cancels; "Not that one, the blue mug." is the blue mug.

    Field report: "stop the red ball" and "cancel the red ball" were scored as the red
    ball, the opposite of what was meant, and "Not that one, the blue mug." was refused
    (the negation took what followed the comma). A cancel with an object phrase cancels
    whatever the active command is; one followed by a new request is that request.
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {(o.colour, o.shape): o.centre for o in scene.objects}
    for said in ('stop the red ball', 'Cancel the blue mug.'):  # the active: the red ball
        assert_cancels_the_red_ball(probe, node, camera, scene, said)
    for said, what, key in (('cancel the red ball and find the blue mug', 'blue mug',
                             ('blue', 'mug')),
                            ('Not that one, the blue mug.', 'blue mug', ('blue', 'mug')),
                            ('Stop, the green cube.', 'green cube', ('green', 'cube'))):
        camera.command('the red ball')
        assert run_until(probe, camera, scene, lambda: answered(probe, 'the red ball'))
        assert_found(probe, node, camera, scene, said, what, centre[key])
        probe.clear()
    log = node.output()
    assert log.count('cancelled by') == 2 and 'Traceback' not in log, log
    assert node.stop() == 0


def test_a_pick_and_place_instruction_finds_the_object_to_move(probe, start_node):
    """"place the green cube on the blue mug": the green cube, not a cube on the mug.

    Field report (a task front end handing the node the whole instruction): the
    destination was read into the object phrase ("drop yellow cylinder into blue mug",
    "blue mug green cube") or as a relation that selects ("the green cube that is on
    the blue mug"), and 6 of 10 such instructions were answered not_found; "move the
    red ball to the left" beside two red balls answered the left one, found, where no
    word of it says which. Now the moved object is found and the destination is
    reported in ``parsed``, not looked for.
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {(o.colour, o.shape): o.centre for o in scene.objects}
    for said, what, key, where in (
            ('place the green cube on the blue mug', 'green cube', ('green', 'cube'),
             'on the blue mug'),
            ('Pick up the red ball. Then put it in the blue mug.', 'red ball',
             ('red', 'ball'), 'in the blue mug'),
            ('drop the yellow cylinder into the blue mug', 'yellow cylinder',
             ('yellow', 'cylinder'), 'into the blue mug'),
            ('take the blue mug to the green cube', 'blue mug', ('blue', 'mug'),
             'to the green cube')):
        assert_found(probe, node, camera, scene, said, what, centre[key])
        det = next(d for d in answered(probe, said) if 'position' in d)
        assert det['parsed'] == {'what': what, 'destination': [where]}, det
    twins = cached_scene(4343, specs=TWINS)
    said = 'move the red ball to the left'
    camera.command(said)
    assert run_until(probe, camera, twins, lambda: answered(probe, said)), node.output()
    probe.clear()
    assert run_until(probe, camera, twins, lambda: answered(probe, said))
    assert answered(probe, said)[-1]['status'] == 'ambiguous', answered(probe, said)[-1]
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_asking_about_an_object_finds_that_object(probe, start_node):
    """"focus on the red ball", "how far is the red ball?": the red ball, not other words.

    Field report (commands typed to a chat or said to a robot): "focus on the red ball"
    and "keep an eye on the blue mug" were a link "on" from the objects "focus", "keep
    eye" (not_found); beside two red balls "how far is the red ball?" was the relation
    farthest over "how red ball" and "red ball pls" the plural "red ball pl": both
    answered the green cube, found, with a pose.
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {(o.colour, o.shape): o.centre for o in scene.objects}
    for said, what, key in (('focus on the red ball', 'red ball', ('red', 'ball')),
                            ('keep an eye on the blue mug', 'blue mug', ('blue', 'mug'))):
        assert_found(probe, node, camera, scene, said, what, centre[key])
    twins = cached_scene(4343, specs=TWINS)
    for said in ('how far is the red ball?', 'red ball pls'):
        camera.command(said)
        assert run_until(probe, camera, twins, lambda s=said: answered(probe, s)), \
            node.output()
        det = answered(probe, said)[-1]
        assert det['status'] == 'ambiguous' and det['what'] == 'red ball', det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_objects_offered_with_or_are_answered_by_one_found(probe, start_node):
    """"the purple cone or the blue mug": the blue mug, found and posed.

    Field report: objects offered with "or" were one object phrase ("purple cone or blue
    mug") naming nothing, answered not_found with the blue mug in view.
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {(o.colour, o.shape): o.centre for o in scene.objects}
    said = 'the purple cone or the blue mug'
    assert_found(probe, node, camera, scene, said, 'blue mug', centre[('blue', 'mug')])
    det = next(d for d in answered(probe, said) if 'position' in d)
    assert det['parsed'] == {'what': 'purple cone', 'alternatives': [{'what': 'blue mug'}]}
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_distance_said_with_a_relation_picks_that_pair(probe, start_node):
    """"the red ball 33 cm left of the blue mug": the ball 33 cm left of it.

    Field report: the distance was a word of the object ("red ball 33 cm"), and the
    closest pair that fits answered: the ball 13 cm left of the mug, found, posed.
    """
    node, camera, _ = bring_up(probe, start_node)
    scene = generate_scene(4242, specs=[ObjectSpec('red', 'ball', 'small', (-0.25, 0.05)),
                                        ObjectSpec('red', 'ball', 'small', (-0.05, 0.05)),
                                        ObjectSpec('blue', 'mug', 'small', (0.08, 0.05)),
                                        ObjectSpec('green', 'cube', 'small', (0.2, 0.15))])
    far = min((o for o in scene.objects if o.name == 'red ball'), key=lambda o: o.centre[0])
    said = 'the red ball 33 cm left of the blue mug'
    assert_found(probe, node, camera, scene, said, 'red ball', far.centre)
    det = next(d for d in answered(probe, said) if 'position' in d)
    assert det['parsed']['distance_m'] == 0.33 and det['parsed']['link'] == 'left_of', det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def rejected_keeping_the_red_ball(probe, node, camera, scene, said):
    """Send ``said``: it is answered ``rejected`` and "the red ball" is still posed.

    :return: the ``rejected`` answer (``dict``).
    """
    red = next(o for o in scene.objects if (o.colour, o.shape) == ('red', 'ball'))
    probe.clear()
    camera.command(said)
    assert run_until(probe, camera, scene, lambda: answered(probe, said)), (said, node.output())
    det = answered(probe, said)[-1]
    assert det['status'] == 'rejected', det
    assert 'the active command is unchanged: "the red ball"' in det['reason'], det
    poses = len(probe.messages(POSE))
    assert run_until(probe, camera, scene, lambda: len(probe.messages(POSE)) > poses)
    assert np.linalg.norm(np.array(detections(probe)[-1]['position']) - red.centre) < 0.01
    assert all(d['command'] in ('the red ball', said) for d in detections(probe))
    assert probe.messages('/clip_perception/active_command') == []  # no new command echoed
    return det


def test_a_transcript_that_asks_for_nothing_keeps_the_active_command(probe, start_node):
    """"[BLANK_AUDIO]", "(upbeat music)", "Thank you.", "Thanks for watching!": rejected.

    Field report (a whisper.cpp voice front end publishing every transcript): each
    replaced "the red ball" with the object "blank_audio", "upbeat music", "for
    watching" (not_found) or a refused command, and poses stopped until the next real
    command. Now one ``rejected`` answer says why, and the red ball is still posed.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    assert run_until(probe, camera, scene, lambda: probe.messages(POSE)), node.output()
    # "3" and "true" (a number, a truth value): before, three of any object and the
    # object "true" replaced the red ball.
    # "Let me know if you need anything else!" (a chat model's sign-off sent alone,
    # helper-h160): before, the object "if you need else" replaced the red ball.
    for said in ('[BLANK_AUDIO]', '(upbeat music)', 'Thank you.', 'Thanks for watching!', '3',
                 'true', 'Let me know if you need anything else!'):
        rejected_keeping_the_red_ball(probe, node, camera, scene, said)
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_complaint_a_placeholder_or_an_event_keeps_the_command_and_a_condition_picks(
        probe, start_node):
    """"I can't find it", "pass me the whatchamacallit", "grab it if it's red": rejected.

    helper-h169's brief: each replaced "the red ball" with the objects "i cant",
    "whatchamacallit", "red if". Now one ``rejected`` answer says why, and the red ball is
    still posed; "pick up the ball if it's red" poses the red ball (before: "ball if red").
    helper-h175's brief: "let me know when the light turns green" replaced "the red ball"
    with the object "green when light turns" (the light grounded), and "... once it is
    red" was a condition named unchecked, any ball answered. Now the request is rejected
    saying the node reports no events, and "once it is red" poses the red ball as "if it's
    red" does.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    assert run_until(probe, camera, scene, lambda: probe.messages(POSE)), node.output()
    for said, why in (("I can't find it", 'is a remark'),
                      ('pass me the whatchamacallit', 'whose name was not said'),
                      ("grab it if it's red", 'only what it should be'),
                      ('let me know when the light turns green', 'reports no events'),
                      ('tell me when the door opens', 'reports no events')):
        det = rejected_keeping_the_red_ball(probe, node, camera, scene, said)
        assert why in det['reason'], det
    red = next(o for o in scene.objects if (o.colour, o.shape) == ('red', 'ball'))
    for command in ("pick up the ball if it's red", 'pick up the ball once it is red'):
        probe.clear()
        assert_found(probe, node, camera, scene, command, 'red ball', red.centre)
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_slot_its_sender_left_unfilled_is_rejected_and_keeps_the_command(probe,
                                                                           start_node):
    """"{target}", "pick up the <TARGET>", "[object Object]": rejected, the red ball posed.

    A behaviour tree's port not remapped (BehaviorTree/BehaviorTree.CPP#563) sends its
    key in braces: before, the node looked for the objects "target" and "object name"
    (helper-79). A prompt's "<TARGET>" was the object "target" and JavaScript's text of
    an object any object (helper-h105).
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    assert run_until(probe, camera, scene, lambda: probe.messages(POSE)), node.output()
    for said, why in (('{target}', 'left unfilled'), ('pick up the {object_name}', 'left '
                      'unfilled'), ('pick up the <TARGET>', 'left unfilled'),
                      ('pick up the TARGET', 'left unfilled'),
                      ('[object Object]', 'what JavaScript writes for an object')):
        probe.clear()
        camera.command(said)
        assert run_until(probe, camera, scene, lambda s=said: answered(probe, s)), \
            (said, node.output())
        det = answered(probe, said)[-1]
        assert det['status'] == 'rejected' and why in det['reason'], det
        assert 'the active command is unchanged: "the red ball"' in det['reason'], det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_structured_command_with_no_text_is_rejected_and_keeps_the_command(probe,
                                                                            start_node):
    """'{"command": null}', "{'object': None, 'color': None}": rejected, the red ball posed.

    A planner or a web form that filled in no object (helper-h159's brief): before, the
    keys and values were the object "command null" (or "object none color none"), which
    replaced the active command and was looked for.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    assert run_until(probe, camera, scene, lambda: probe.messages(POSE)), node.output()
    for said in ('{"command": null}', "{'object': None, 'color': None}"):
        probe.clear()
        camera.command(said)
        assert run_until(probe, camera, scene, lambda s=said: answered(probe, s)), \
            (said, node.output())
        det = answered(probe, said)[-1]
        assert det['status'] == 'rejected', det
        assert 'none of whose values is text' in det['reason'], det
        assert 'the active command is unchanged: "the red ball"' in det['reason'], det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_command_that_names_nothing_is_rejected_and_keeps_the_command(probe, start_node):
    """"...", "?!", "#", "it", "detect", '{"action": "pick", "object": ""}': rejected.

    helper-h165's brief (helper-h159's left-alone list): a stray keystroke from a GUI
    replaced "the red ball" and was then refused frame by frame, so the robot's task was
    cancelled by a command that names nothing. An action server's goal callback rejects
    such a goal and the executing one goes on; so does the node now. "not the red ball"
    (only what not to pick) still replaces it: going on would pick what it forbids.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    assert run_until(probe, camera, scene, lambda: probe.messages(POSE)), node.output()
    for said, why in (('...', 'names no object'), ('it', 'names no object'),
                      ('detect', 'say what to detect')):
        det = rejected_keeping_the_red_ball(probe, node, camera, scene, said)
        assert why in det['reason'], det
    said = '{"action": "pick", "object": ""}'  # a form's object field left blank
    probe.clear()
    camera.command(said)
    echo = clean_command(said)  # the answer names the command as read: "pick"
    assert run_until(probe, camera, scene, lambda: answered(probe, echo)), node.output()
    det = answered(probe, echo)[-1]
    assert det['status'] == 'rejected' and f'the command {said!r} (read as "pick")' in \
        det['reason'], det
    assert 'the active command is unchanged: "the red ball"' in det['reason'], det
    probe.clear()
    camera.command('not the red ball')
    assert run_until(probe, camera, scene, lambda: answered(probe, 'not the red ball'))
    det = answered(probe, 'not the red ball')[-1]
    assert det['status'] == 'refused' and det['targets'] == [], det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_pasted_topic_pub_line_and_a_list_of_colours_are_read(probe, start_node):
    """A whole `ros2 topic pub` line, '{"object": "ball", "color": ["red", "blue"]}'.

    helper-h165's brief: the line was the object "ros2 topic pub" (not_found), the list
    of colours dropped without a word (any ball). Now the line's data is the command and
    the colours are offered as "red or blue ball".
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the blue mug')
    assert run_until(probe, camera, scene, lambda: probe.messages(POSE)), node.output()
    red = obj(scene, 'red', 'ball')
    def found(said, echo):
        """Send ``said``; return the first ``found`` answer to it, read as ``echo``."""
        probe.clear()
        camera.command(said)
        assert run_until(probe, camera, scene, lambda: any(
            d['status'] == 'found' for d in answered(probe, echo))), node.output()
        return next(d for d in answered(probe, echo) if d['status'] == 'found')
    det = found('ros2 topic pub --once /command std_msgs/msg/String "data: the red ball"',
                'the red ball')
    assert np.linalg.norm(np.array(det['position']) - red.centre) < 0.01, det
    det = found('{"object": "ball", "color": ["red", "green"]}', 'red or green ball')
    assert det['parsed']['what'] == 'red ball', det
    assert [a['what'] for a in det['parsed']['alternatives']] == ['green ball'], det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_command_padded_with_thousands_of_spaces_is_answered_at_once(probe, start_node):
    """"the red ball" and 16,000 spaces (a fixed-width field): posed within seconds.

    helper-h159's brief: the readings before the length cap scanned a run of whitespace
    once for each place in it; this one command held the node's executor ~30 s at load
    15 (no frame answered meanwhile). Now it is read in milliseconds, as "the red ball".
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the blue cube')
    assert run_until(probe, camera, scene, lambda: detections(probe)), node.output()
    red = obj(scene, 'red', 'ball')
    start = time.monotonic()
    camera.command('the red ball' + ' ' * 16000)
    assert run_until(probe, camera, scene, lambda: any(
        d['status'] == 'found' for d in answered(probe, 'the red ball')), timeout=20.0), \
        node.output()
    assert time.monotonic() - start < 8.0, node.output()
    p = probe.messages(POSE)[-1].pose.position
    assert np.linalg.norm(np.array([p.x, p.y, p.z]) - red.centre) < 0.01
    assert node.stop() == 0


def test_two_senders_taking_turns_on_the_command_topic_are_named(probe, start_node):
    """Two commands that take turns (A, B, A, B) are said once, naming the publisher.

    Helper-52's list (session 24): a ``ros2 topic pub -r 1`` left running beside a planner
    flipped the target every second with nothing said; each sender saw its command
    answered half the time. A change of mind (A, B, A) is not warned.
    """
    node, camera, scene = bring_up(probe, start_node)
    for said in ('the red ball', 'the blue cube', 'the red ball'):
        camera.command(said)
        assert run_until(probe, camera, scene, lambda s=said: answered(probe, s)), node.output()
    assert 'take turns' not in node.output()
    camera.command('the blue cube')
    assert run_until(probe, camera, scene, lambda: len(answered(probe, 'the blue cube')) >= 2)
    end = time.monotonic() + 5
    while time.monotonic() < end and 'take turns' not in node.output():
        time.sleep(0.1)
    log = node.output()
    assert log.count('take turns: "the red ball", "the blue cube", then back') == 1, log
    line = log.split('take turns')[1].split('\n')[0]
    assert 'publisher /' in line, line
    def alternating():
        msgs = probe.messages('/diagnostics')
        return msgs and int({kv.key: kv.value for kv in msgs[-1].status[0].values}[
            'commands_alternating'])
    assert run_until(probe, camera, scene, alternating), node.output()
    assert node.stop() == 0


def test_after_a_command_change_no_answer_to_the_old_command_follows_its_echo(probe,
                                                                            start_node):
    """A new command: no answer to the one before comes after its ~/active_command echo.

    Field report: a client waits for ~/active_command to echo "the blue mug", then takes
    the next ~/target_pose; in 5 of 16 switches that pose was the red ball's, answered
    from the frame in the worker when the command changed (a PoseStamped names no
    command). A camera whose frames all differ (auto-exposure flicker) is processed in
    full every frame, so a frame is in the worker at almost every switch.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    active = '/clip_perception/active_command'
    bright = dataclasses.replace(scene, rgb=np.clip(scene.rgb.astype(np.int16) + 10, 0,
                                                    255).astype(np.uint8))
    stop = threading.Event()

    def stream():
        k = 0
        while not stop.is_set():
            camera.publish(bright if k % 2 else scene)
            k += 1
            time.sleep(0.1)

    thread = threading.Thread(target=stream, daemon=True)
    thread.start()
    try:
        assert run_until(probe, camera, scene, lambda: answered(probe, 'the red ball'))
        late = []
        for k in range(10):
            new = ('the blue mug', 'the red ball', 'stop')[k % 3]
            camera.command(new)
            end = time.monotonic() + 10
            while time.monotonic() < end and not (
                    probe.messages(active) and probe.messages(active)[-1].data ==
                    ('' if new == 'stop' else new)):
                time.sleep(0.002)
            seen = len(detections(probe))
            if new == 'stop':
                time.sleep(1.0)
                late += [d for d in detections(probe)[seen:] if d['status'] != 'cancelled']
                continue
            end = time.monotonic() + 20
            while time.monotonic() < end and not answered(probe, new)[seen:]:
                time.sleep(0.05)
            after = detections(probe)[seen:]
            assert any(d['command'] == new for d in after), node.output()
            late += [d for d in after if d['command'] != new]
        assert late == [], [(d['command'], d['status']) for d in late]
    finally:
        stop.set()
        thread.join()
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_place_in_the_viewers_frame_picks_that_side(probe, start_node):
    """"the red ball to your left", "... on the right side of the image": that side.

    Field report (commands typed to a robot or said to it): the viewer's side was a word
    of the object ("red ball your": a green cube answered, posed) or a relation to an
    object called "robot", "image" or "here" (not_found with both red balls in view).
    """
    node, camera, _ = bring_up(probe, start_node)
    scene = cached_scene(4343, specs=TWINS)
    left, right = sorted((o for o in scene.objects if o.name == 'red ball'),
                         key=lambda o: o.centre[0])
    for said, ball in (('the red ball to your left', left),
                       ('the red ball on the right side of the image', right),
                       ("the red ball on the robot's left-hand side", left),
                       ('the red ball on my right', right)):  # before: "on" an object "my"
        assert_found(probe, node, camera, scene, said, 'red ball', ball.centre)
        if 'my' in said.split():  # the speaker's side: the reason says how it was read
            det = next(d for d in answered(probe, said) if 'position' in d)
            assert '"my right" read as the image\'s right' in det['reason'], det
        probe.clear()
    camera.command('that red ball right there')
    assert run_until(probe, camera, scene, lambda: answered(probe, 'that red ball right there'))
    det = answered(probe, 'that red ball right there')[-1]
    assert det['status'] == 'ambiguous' and det['parsed'] == {'what': 'red ball'}, det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def _wait(predicate, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end and not predicate():
        time.sleep(0.05)
    return predicate()


def _diag(probe):
    msgs = probe.messages('/diagnostics')
    return {kv.key: kv.value for kv in msgs[-1].status[0].values} if msgs else {}


def test_a_streaming_camera_with_one_late_frame_is_answered_on_its_next_frame(probe,
                                                                              start_node):
    """A stream at 2 Hz whose last frame came late (Wi-Fi, a loaded host) still streams.

    The camera's frame interval was the last gap alone: one frame delivered 1.1 s after
    the one before (over ``max_frame_age``, 1 s) made the stream look like a still
    camera's, the grace was 0.25 s, and a command sent 0.3 s before the new scene's
    first frame was answered on the scene before (the red ball where it no longer is;
    seen once in a local run of the test below under load). The interval is now the
    median of the last gaps (``node.FRAME_INTERVALS``): the next frame answers.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    moved = generate_scene(4242, specs=[dataclasses.replace(
        s, position=(-s.position[0], s.position[1])) for s in SCENE_SPECS])
    for gap in (0.5, 0.5, 0.5, 0.5, 1.1):
        camera.publish(scene)
        time.sleep(gap)
    camera.publish(scene)  # the late one
    time.sleep(0.3)
    reanswered = int(_diag(probe).get('frames_reanswered', 0))
    seen = len(detections(probe))
    camera.command('the red ball')
    time.sleep(0.3)
    for _ in range(3):
        camera.publish(moved)
        time.sleep(0.5)

    def ball():
        return [d for d in detections(probe)[seen:] if d['command'] == 'the red ball']

    assert _wait(lambda: ball(), 10), node.output()
    first = ball()[0]
    assert 'answered on the last frame' not in first['reason'], first
    truth = np.array(next(o.box for o in moved.objects if o.colour == 'red'), float)
    assert np.abs(np.array(first['chosen']['box'], float) - truth).max() < 25, first
    time.sleep(0.6)
    assert int(_diag(probe).get('frames_reanswered', 0)) == reanswered, _diag(probe)
    assert node.stop() == 0


def test_a_command_after_the_last_frame_is_answered_on_that_frame(probe, start_node):
    """A still camera, or a script that publishes a frame and then asks.

    The command was answered only when the next frame came, and a camera that
    published once never sent one. The last frame is answered again for a new command
    when no newer frame comes within the grace and it arrived within ``max_frame_age``;
    an older one is not used (the next frame answers); of commands sent back to back
    the last is answered, the others superseded; a camera that streams is answered on
    its next frame, never on the scene before.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'diagnostics_period:=0.3')
    camera.publish(scene)
    assert _wait(lambda: int(_diag(probe).get('frames_idle', 0)) >= 1, 10), node.output()
    camera.command('the red ball')
    assert _wait(lambda: answered(probe, 'the red ball'), 10), node.output()
    first = answered(probe, 'the red ball')[0]
    assert first['status'] == 'found', first
    assert 'answered on the last frame, received' in first['reason'], first
    box = np.array(first['chosen']['box'], float)
    truth = np.array(next(o.box for o in scene.objects if o.colour == 'red'), float)
    assert np.abs(box - truth).max() < 25, (box, truth)
    # A script's list of commands to a frame it sent a while after the one before (no
    # stream): the last command is answered on it.
    time.sleep(1.2)
    n = len(answered(probe, 'the red ball'))
    camera.publish(scene)
    assert _wait(lambda: len(answered(probe, 'the red ball')) > n, 10)
    for command in ('the blue mug', 'the green cube'):
        camera.command(command)
    assert _wait(lambda: answered(probe, 'the green cube'), 10), node.output()
    assert answered(probe, 'the green cube')[0]['status'] == 'found'
    assert _wait(lambda: answered(probe, 'the blue mug'), 5)
    assert answered(probe, 'the blue mug')[-1]['status'] in ('superseded', 'found')
    assert _wait(lambda: int(_diag(probe).get('frames_reanswered', 0)) >= 2, 5), _diag(probe)
    # A frame older than max_frame_age (1 s) is not used: the next frame answers.
    time.sleep(1.5)
    camera.command('the yellow cylinder')
    time.sleep(2.0)
    assert answered(probe, 'the yellow cylinder') == [], node.output()
    camera.publish(scene)
    assert _wait(lambda: answered(probe, 'the yellow cylinder'), 10), node.output()
    late = answered(probe, 'the yellow cylinder')[0]
    assert late['status'] == 'found' and 'answered on the last frame' not in late['reason']
    # The same through the parameter (`ros2 param set /clip_perception command ...`).
    time.sleep(1.2)
    n = len(answered(probe, 'the yellow cylinder'))
    camera.publish(scene)
    assert _wait(lambda: len(answered(probe, 'the yellow cylinder')) > n, 10)
    seen = len(detections(probe))
    res = call(probe, SetParameters, SET, SetParameters.Request(parameters=[
        Parameter('command', value='the blue mug').to_parameter_msg()])).results[0]
    assert res.successful, res.reason
    assert _wait(lambda: [d for d in detections(probe)[seen:] if d['command'] ==
                          'the blue mug' and d['status'] == 'found' and
                          'answered on the last frame' in d['reason']], 10), node.output()
    # A camera that streams (a recording, a harness changing the scene as it asks): its
    # next frame answers, never the frame of the scene before. Frames 0.6 s apart, the
    # command 0.3 s before the new scene's first frame, as `clip_perception_eval ros`.
    moved = generate_scene(4242, specs=[dataclasses.replace(
        s, position=(-s.position[0], s.position[1])) for s in SCENE_SPECS])
    # The baseline from a /diagnostics message published after the answer above: the
    # last one received may predate the reanswer it counts (period 0.3 s; session 19, a
    # local run: the count rose by one "in" the stream below, no answer on a held frame).
    time.sleep(0.7)
    reanswered = int(_diag(probe).get('frames_reanswered', 0))
    seen = len(detections(probe))
    for command in ('the green cube', 'the red ball'):
        for _ in range(3):
            camera.publish(scene)
            time.sleep(0.6)
        camera.command(command)
        time.sleep(0.3)
        camera.publish(moved)
        time.sleep(0.6)
        camera.publish(moved)
        scene, moved = moved, scene
    def ball():
        return [d for d in detections(probe)[seen:] if d['command'] == 'the red ball']

    assert _wait(lambda: len(ball()) >= 2, 10), node.output()
    last = ball()
    assert all('answered on the last frame' not in d['reason'] for d in last), last
    truth = np.array(next(o.box for o in scene.objects if o.colour == 'red'), float)
    assert np.abs(np.array(last[0]['chosen']['box'], float) - truth).max() < 25
    time.sleep(1.0)
    assert int(_diag(probe).get('frames_reanswered', 0)) == reanswered, _diag(probe)
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_what_people_type_is_answered_over_dds_and_the_reading_is_said(probe, start_node):
    """An emoji colour, a shade, a pronoun alone, through the running node (helper-64).

    Before: "grab the \U0001f7e6 mug" was "mug", "the reddish ball" scored as said, and
    "grab them all" the plural object "them"; none said how it was read.
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {(o.colour, o.shape): o.centre for o in scene.objects}
    assert_found(probe, node, camera, scene, 'grab the \U0001f7e6 mug', 'blue mug',
                 centre[('blue', 'mug')])
    det = next(d for d in answered(probe, 'grab the \U0001f7e6 mug') if 'position' in d)
    assert det['parsed']['read_as'] == [['\U0001f7e6', 'blue']], det
    assert 'read "\U0001f7e6" as "blue"' in det['reason'], det
    assert_found(probe, node, camera, scene, 'the reddish ball', 'red ball',
                 centre[('red', 'ball')])
    camera.command('grab them all')
    assert run_until(probe, camera, scene, lambda: answered(probe, 'grab them all'))
    det = answered(probe, 'grab them all')[-1]
    assert det['status'] == 'rejected' and 'names no object' in det['reason'], det
    log = node.output()
    assert 'Traceback' not in log, log
    assert node.stop() == 0


def test_a_wish_for_an_object_is_answered_with_that_object(probe, start_node):
    """A wish said for the object, and one said with "not", through the node (helper-83).

    tue-robotics/tue_robocup#839 (an order grammar "can i have a BEVERAGE | i would like
    BEVERAGE"), DanielLandi/real-wopr-programs#131 ("I DON'T WANT ..."). Before: "can I
    have the red ball" scored "can i have red ball", "I'm after the green cube" "after
    green cube", and "I don't want the red ball, I want the blue mug" the object "i".
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {(o.colour, o.shape): o.centre for o in scene.objects}
    for said, what, key in (('can I have the red ball', 'red ball', ('red', 'ball')),
                            ("I'm after the green cube", 'green cube', ('green', 'cube')),
                            ("I don't want the red ball, I want the blue mug", 'blue mug',
                             ('blue', 'mug'))):
        assert_found(probe, node, camera, scene, said, what, centre[key])
    log = node.output()
    assert 'Traceback' not in log, log
    assert node.stop() == 0


def test_a_verb_with_no_object_is_refused_over_dds_saying_what_to_add(probe, start_node):
    """"detect" alone, as a shell or a behaviour tree sends it: refused (helper-83).

    Before: the node scored "detect" as an object and posed whatever crop looked most like
    the word; "detect objects" was every "detect object".
    """
    node, camera, scene = bring_up(probe, start_node)
    for command in ('detect', 'please track'):
        assert_refused(probe, camera, scene, command, f'say what to {command.split()[-1]}')
    log = node.output()
    assert 'Traceback' not in log, log
    assert node.stop() == 0


def test_a_superlative_no_image_shows_is_answered_and_named_over_dds(probe, start_node):
    """"the heaviest blue mug": the mug, the word named as not checked (helper-83)."""
    node, camera, scene = bring_up(probe, start_node)
    det = assert_found_naming(probe, node, camera, scene, 'the heaviest blue mug', 'blue mug',
                              'heaviest')
    assert 'a camera image shows no weight' in det['reason'], det
    assert node.stop() == 0


def test_asking_whether_the_object_is_there_is_answered_with_it_over_dds(probe, start_node):
    """"have you got the red ball", "where did the blue mug go" (helper-83).

    Before: the objects "have red ball", "did blue mug go".
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {(o.colour, o.shape): o.centre for o in scene.objects}
    for said, what, key in (('have you got the red ball', 'red ball', ('red', 'ball')),
                            ('where did the blue mug go?', 'blue mug', ('blue', 'mug'))):
        assert_found(probe, node, camera, scene, said, what, centre[key])
    assert node.stop() == 0


def test_a_place_with_two_directions_picks_that_corner_over_dds(probe, start_node):
    """"the red ball top left" of four red balls two by two: that one (helper-88).

    Before: "top" was dropped without a word and the left-most ball, a bottom one, posed.
    """
    node, camera, _ = bring_up(probe, start_node)
    scene, at = two_by_two_scene(5, 'red', 'ball')
    for said, ball in (('the red ball top left', at['top left']),
                       ('the red ball in the bottom right corner', at['bottom right']),
                       ('the far right red ball', at['top right'])):
        assert_found(probe, node, camera, scene, said, 'red ball', ball.centre)
        det = next(d for d in answered(probe, said) if 'position' in d)
        assert det['parsed']['second_relation'] in ('top', 'bottom', 'farthest'), det
        assert ' and ' in det['reason'] and 'of 4 good match(es)' in det['reason'], det
        probe.clear()
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_corner_said_with_near_picks_that_corner_over_dds(probe, start_node):
    """"the red ball near the top left corner" of four red balls two by two: that one.

    helper-91's open case: "near the left corner" was next to an object called "corner"
    (a crop that looks like one). A corner with no side names none: not checked, said so.
    """
    node, camera, _ = bring_up(probe, start_node)
    scene, at = two_by_two_scene(5, 'red', 'ball')
    for said, ball in (('the red ball near the top left corner', at['top left']),
                       ('the red ball by the bottom right corner of the table',
                        at['bottom right']),
                       ('the red ball sitting in the back row on the left', at['top left']),
                       ('the red ball near the uh bottom left corner', at['bottom left'])):
        assert_found(probe, node, camera, scene, said, 'red ball', ball.centre)
        det = next(d for d in answered(probe, said) if 'position' in d)
        assert 'reference' not in det['parsed'] and ' and ' in det['reason'], det
        probe.clear()
    said = 'the red ball in the corner'
    camera.command(said)
    assert run_until(probe, camera, scene, lambda: answered(probe, said))
    det = answered(probe, said)[-1]
    assert det['status'] == 'ambiguous' and det['parsed']['unchecked'] == ['in the corner'], det
    assert '"in the corner" is not checked' in det['reason'], det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_property_no_image_shows_said_after_the_noun_is_named_over_dds(probe, start_node):
    """"the green cube heavier than the red ball", "the blue mug that is warmer".

    helper-91's open case: the first was the object "green cube than red ball", the second
    a remark about the mug, answered with no word of "warmer". Now the object, the words
    named as not checked, the compared object not looked for.
    """
    node, camera, scene = bring_up(probe, start_node)
    for said, what, word in (('the green cube heavier than the red ball', 'green cube',
                              'heavier than the red ball'),
                             ('the blue mug that is warmer', 'blue mug', 'warmer')):
        det = assert_found_naming(probe, node, camera, scene, said, what, word)
        assert 'reference' not in det['parsed'], det
    # A planner's property under its own key (it was dropped without a word).
    assert_found_naming(probe, node, camera, scene, '{"object": "blue mug", "property": '
                        '"hottest"}', 'blue mug', 'hottest', echo='blue mug that is hottest')
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_question_whether_it_has_a_part_is_answered_clearly_over_dds(probe, start_node):
    """"does it have a handle" refused, "does the blue mug have a handle?" the mug.

    helper-91's open case: both were commands for an object "handle", and whatever crop
    looked like one was posed.
    """
    node, camera, scene = bring_up(probe, start_node)
    for said in ('does the blue mug have a handle?', 'the blue mug, does it have a handle?'):
        assert_found_naming(probe, node, camera, scene, said, 'blue mug', 'has a handle')
    for said in ('does it have a handle', 'is there a handle?'):
        assert_refused(probe, camera, scene, said, 'no yes-or-no question')
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_command_in_another_language_is_refused_saying_so_over_dds(probe, start_node):
    """"der rote Ball", "赤いボール", "die Tasse": refused, naming why, nothing posed.

    Before: scored as said ("der rote ball"; the kana as a CLIP text encoder's byte pairs),
    and the bundled model answered only that it knows no word of them.
    """
    node, camera, scene = bring_up(probe, start_node)
    # With English words, or none of the openers (this session's brief: "the rote ball"
    # was scored as said, a ball of any colour for a real checkpoint).
    for said in ('der rote Ball', '\u8d64\u3044\u30dc\u30fc\u30eb', 'the rojo ball',
                 'a bola vermelha', 'the blue mug on the derecha', 'die Tasse'):
        assert_refused(probe, camera, scene, said, 'reads as another language than English')
    # A word English spells too (rouge, linker...), said in English: read, not refused
    # (helper-h111's brief); the red ball is found whatever "linker" holds.
    centre = {(o.colour, o.shape): o.centre for o in scene.objects}
    assert_found(probe, node, camera, scene, 'the red ball, not the linker arm', 'red ball',
                 centre[('red', 'ball')])
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_two_balls_equally_near_a_corner_are_ambiguous_over_dds(probe, start_node):
    """"the red ball top left" of two on a diagonal: ambiguous, saying which words decide.

    helper-91's open case: the near-left and the far-right ball tie for "top left", and
    the first in the proposals' list was posed. Each word alone still picks its ball.
    """
    node, camera, _ = bring_up(probe, start_node)
    scene = generate_scene(5, specs=[ObjectSpec('red', 'ball', 'small', (-0.1, -0.04)),
                                     ObjectSpec('red', 'ball', 'small', (0.1, 0.14))])
    near_left, far_right = sorted(scene.objects, key=lambda o: o.centre[2])
    said = 'the red ball top left'
    camera.command(said)
    assert run_until(probe, camera, scene, lambda: answered(probe, said))
    det = answered(probe, said)[-1]
    assert det['status'] == 'ambiguous' and len(det['ambiguous']) == 2, det
    assert '"the left one", "the top one"' in det['reason'], det
    assert_found(probe, node, camera, scene, 'the red ball on the left', 'red ball',
                 near_left.centre)
    assert_found(probe, node, camera, scene, 'the top red ball', 'red ball', far_right.centre)
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_place_away_from_an_edge_picks_the_other_side_or_the_middle_over_dds(probe,
                                                                           start_node):
    """"the red ball away from the left edge", "... not on the edge" of three in a row.

    This session's brief: the first was far from an object "edge" (not_found: "the model
    knows no word of edge"), the second excluded the red ball itself. Now the rightmost
    and the middle ball, the reason saying how the place was read.
    """
    node, camera, _ = bring_up(probe, start_node)
    scene = generate_scene(5, specs=[ObjectSpec('red', 'ball', 'small', (x, 0.05))
                                     for x in (-0.14, 0.0, 0.14)])
    left, middle, right = sorted(scene.objects, key=lambda o: o.centre[0])
    for said, ball, read in (('the red ball away from the left edge', right, 'on the right'),
                             ('the red ball not on the edge', middle, 'in the middle'),
                             ('the red ball far from the right side of the table', left,
                              'on the left')):
        assert_found(probe, node, camera, scene, said, 'red ball', ball.centre)
        det = next(d for d in answered(probe, said) if 'position' in d)
        assert f'as "{read}"' in det['reason'] and 'reference' not in det['parsed'], det
        probe.clear()
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_brand_before_a_noun_is_answered_with_the_object_over_dds(probe, start_node):
    """"the IKEA mug", "Le Creuset mug": the blue mug, the brand named as not checked.

    This session's brief: the first was scored "ikea mug" (the bundled model knows no
    word "ikea"), the second refused as French.
    """
    node, camera, scene = bring_up(probe, start_node)
    mug = next(o for o in scene.objects if o.name == 'blue mug')
    for said, brand in (('the IKEA mug', 'IKEA'), ('Le Creuset mug', 'Le Creuset')):
        assert_found(probe, node, camera, scene, said, 'mug', mug.centre)
        det = next(d for d in answered(probe, said) if 'position' in d)
        assert det['parsed']['unchecked'] == [f'named {brand}'], det
        assert f'"{brand}" is not checked' in det['reason'], det
        probe.clear()
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_hesitation_however_spelt_is_dropped_over_dds(probe, start_node):
    """"erm like the blue mug": the blue mug; "stop uhh": a cancel.

    This session's brief: hesitations were six lists; "erm like the blue mug" scored "like
    blue mug" (not_found), "stop uhh" the object "stop".
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {o.name: o.centre for o in scene.objects}
    for said, what in (('erm like the blue mug', 'blue mug'), ('um, no, the red ball',
                                                              'red ball')):
        assert_found(probe, node, camera, scene, said, what, centre[what])
        probe.clear()
    assert_cancels_the_red_ball(probe, node, camera, scene, 'stop uhh')
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_self_repair_without_punctuation_answers_the_repair_over_dds(probe, start_node):
    """"the red ball uh the blue mug": the blue mug; "the blue no red ball": the red ball.

    This session's brief: a recogniser's self-repair ran the two phrases into one ("red
    ball blue mug", not_found), or read "no" as a negation (the object "blue", the red
    ball excluded).
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {o.name: o.centre for o in scene.objects}
    for said, what in (('the red ball uh the blue mug', 'blue mug'),
                       ('the blue no red ball', 'red ball')):
        assert_found(probe, node, camera, scene, said, what, centre[what])
        probe.clear()
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_distance_said_with_a_fraction_picks_that_ball_over_dds(probe, start_node):
    """"the red ball ½ m away", "... 1/2 m away" of balls at 0.56 and 0.75 m: the near one.

    This session: "1/2 m" was read as 2 m (the far ball posed, the object "red ball 1")
    and "½" as "1 2".
    """
    node, camera, _ = bring_up(probe, start_node)
    scene = generate_scene(4646, specs=[ObjectSpec('red', 'ball', 'small', (x, y))
                                        for x, y in ((-0.1, -0.05), (0.1, 0.2))])
    near = min(scene.objects, key=lambda o: o.centre[2])
    for said in ('the red ball \u00bd m away', 'the red ball 1/2 m away'):
        assert_found(probe, node, camera, scene, said, 'red ball', near.centre,
                     echo='the red ball 1/2 m away')  # the command as the node cleans it
        probe.clear()
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_objects_joined_with_an_arrow_are_each_posed_over_dds(probe, start_node):
    """"the red ball \u2192 the blue mug": both found and posed, as "..., then ...".

    This session: the arrow was dropped and the two ran into one object, "red ball blue
    mug" (not_found).
    """
    probe.listen(PoseArray, POSES)
    node, camera, scene = bring_up(probe, start_node)
    centre = {o.name: o.centre for o in scene.objects}
    said = 'the red ball \u2192 the blue mug'
    camera.command(said)
    assert run_until(probe, camera, scene, lambda: any(
        d['status'] == 'found' for d in answered(probe, said))), node.output()
    det = next(d for d in answered(probe, said) if d['status'] == 'found')
    assert sorted(t['what'] for t in det['targets']) == ['blue mug', 'red ball'], det
    for t in det['targets']:
        assert np.linalg.norm(np.array(t['position']) - centre[t['what']]) < 0.015, det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_side_said_as_a_made_up_superlative_picks_that_side_over_dds(probe, start_node):
    """"the red ball furthest to the left", "the rightest red ball": that side's ball.

    This session: the first was the left ball that is also farthest from the camera, a
    tie of the two (ambiguous, nothing posed); the second the object "rightest red ball".
    """
    node, camera, _ = bring_up(probe, start_node)
    scene = generate_scene(4646, specs=[ObjectSpec('red', 'ball', 'small', (x, y))
                                        for x, y in ((-0.1, -0.05), (0.1, 0.2))])
    left, right = sorted(scene.objects, key=lambda o: o.centre[0])
    for said, ball in (('the red ball furthest to the left', left),
                       ('the rightest red ball', right)):
        assert_found(probe, node, camera, scene, said, 'red ball', ball.centre)
        det = next(d for d in answered(probe, said) if 'position' in d)
        assert 'as "' in det['reason'] and 'most"' in det['reason'], det
        probe.clear()
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_letters_decorated_with_combining_marks_are_read_over_dds(probe, start_node):
    """"the blue mug" underlined, "the red green cube" with "red" struck: the mug, the cube.

    This session: the marks split the words ("blue m you g", not_found; "r e d green
    cube", scored with letters for words).
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {o.name: o.centre for o in scene.objects}
    for said, what, echo in (('the blue m\u0332u\u0332g\u0332', 'blue mug', 'the blue mug'),
                             ('the r\u0336e\u0336d\u0336 green cube', 'green cube',
                              'the green cube')):
        assert_found(probe, node, camera, scene, said, what, centre[what], echo=echo)
        probe.clear()
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_side_said_as_hand_side_or_lhs_picks_that_ball_over_dds(probe, start_node):
    """"the red ball left hand side", "the red ball RHS" of two: that side's ball.

    This session: the objects "red ball hand" and "red ball rh" (a plural: both posed).
    """
    node, camera, _ = bring_up(probe, start_node)
    scene = cached_scene(4343, specs=TWINS)
    left, right = sorted((o for o in scene.objects if o.name == 'red ball'),
                         key=lambda o: o.centre[0])
    for said, ball in (('the red ball left hand side', left), ('the red ball RHS', right)):
        assert_found(probe, node, camera, scene, said, 'red ball', ball.centre)
        probe.clear()
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_placing_step_that_leaves_its_object_out_poses_the_object_over_dds(probe,
                                                                               start_node):
    """"pick up the red ball and place in the blue mug": the red ball, its destination named.

    This session: "place" was a second object the model knows no word of (not_found).
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {o.name: o.centre for o in scene.objects}
    said = 'pick up the red ball and place in the blue mug'
    assert_found(probe, node, camera, scene, said, 'red ball', centre['red ball'])
    det = next(d for d in answered(probe, said) if 'position' in d)
    assert det['parsed']['destination'] == ['in the blue mug'] and len(det['targets']) <= 1, det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_placing_step_said_without_and_poses_the_object_to_move_over_dds(probe,
                                                                          start_node):
    """A placing step after a comma, as a call or with no determiner: the red ball, moved.

    helper-h108 (a reviewer's cases): "grab the red ball, place it on the green cube" was
    the object "red ball place" (not_found); "pick(red ball) -> place(blue mug)" posed a
    second object "place blue mug"; "move red ball to blue mug" was "red ball blue mug".
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {o.name: o.centre for o in scene.objects}
    for said, destination in (
            ('grab the red ball, place it on the green cube', 'on the green cube'),
            ('pick(red ball) -> place(blue mug)', 'to blue mug'),
            ('move red ball to blue mug', 'to blue mug')):
        assert_found(probe, node, camera, scene, said, 'red ball', centre['red ball'])
        det = next(d for d in answered(probe, said) if 'position' in d)
        assert det['parsed']['destination'] == [destination] and len(det['targets']) <= 1, det
        probe.clear()
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_commands_as_users_and_planners_send_them_are_answered_as_meant_over_dds(probe,
                                                                                start_node):
    """Commands as users, recognisers and planners send them (helper-h111's brief).

    Each posed the object meant, the answer's ``parsed`` saying how it was read. Before:
    "the very far left ball" was the object "very ball";
    "uh-huh the red ball", "okay so the blue mug" scored "uh huh red ball", "so blue mug";
    "the Dr. Pepper mug" scored "dr pepper mug";
    "the left handed scissors" was the left "handed scissors";
    "the blue mug with no red" the object "blue mug with" (excluding "red with"), "the
    mug with the handle away from me" the farthest "mug with handle";
    "pick red ball -> place blue mug" a second object "place blue mug";
    "... and the green cube in the yellow bowl" the cube that is in the bowl;
    "the red ball... no wait the blue mug" was refused, the blue mug excluded;
    "the object labeled red ball" scored "object labeled red ball";
    "get the red ball off the table" scored "red ball off table";
    '{"pick": "red ball", "place": "blue mug"}' the object "red ball place blue mug";
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {o.name: o.centre for o in scene.objects}
    for said, what, name, parsed in (
            ('the very far left ball', 'ball', 'red ball',
             {'relation': 'left', 'second_relation': 'farthest'}),
            ('uh-huh the red ball', 'red ball', 'red ball', {}),
            ('okay so the blue mug', 'blue mug', 'blue mug', {}),
            ('the Dr. Pepper mug', 'mug', 'blue mug', {'unchecked': ['named Dr. Pepper']}),
            ('the blue mug with no red', 'blue mug', 'blue mug', {'unchecked': ['has no red']}),
            ('the mug with the handle away from me', 'mug', 'blue mug',
             {'unchecked': ['has the handle away from me']}),
            ('pick red ball -> place blue mug', 'red ball', 'red ball',
             {'destination': ['to blue mug']}),
            ('put the red ball in the blue mug and the green cube in the yellow bowl',
             'red ball', 'red ball', {'destination': ['in the blue mug'], 'also': [
                 {'what': 'green cube', 'destination': ['in the yellow bowl']}]}),
            ('the red ball... no wait the blue mug', 'blue mug', 'blue mug', {}),
            ('the object labeled red ball', 'red ball', 'red ball', {}),
            ('get the red ball off the table', 'red ball', 'red ball', {}),
    ):
        assert_found(probe, node, camera, scene, said, what, centre[name])
        det = next(d for d in answered(probe, said) if 'position' in d)
        assert all(det['parsed'].get(k) == v for k, v in parsed.items()), det['parsed']
        probe.clear()
    # Whatever is posed, how it was read (the bundled model knows neither noun).
    for said, parsed in (
        # A place word opening a compound adjective: no side.
        ('the left handed scissors', {'what': 'left handed scissors', 'relation': None}),
        # "to" after a noun that belongs to another: no destination.
        ('the key to the car', {'what': 'key car', 'destination': None}),
    ):
        camera.command(said)
        assert run_until(probe, camera, scene, lambda said=said: answered(probe, said))
        det = answered(probe, said)[-1]
        assert all(det['parsed'].get(k) == v for k, v in parsed.items()), det['parsed']
    # A planner's steps as a mapping of verbs: the red ball, moved to the blue mug.
    said = json.dumps({'pick': 'red ball', 'place': 'blue mug'})
    echo = 'pick red ball then place blue mug'
    assert_found(probe, node, camera, scene, said, 'red ball', centre['red ball'], echo=echo)
    det = next(d for d in answered(probe, echo) if 'position' in d)
    assert det['parsed']['destination'] == ['to blue mug'], det['parsed']
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_chat_models_message_or_tool_call_gives_its_object_over_dds(probe, start_node):
    """An OpenAI tool call list, a chat message: the object its arguments or content name.

    This session: '[{"type": "function", "function": {...}}]' was the object "function"
    (not_found), '{"role": "assistant", "content": "the red ball"}' "role assistant
    content red ball" (ggml-org/llama.cpp#14697: tool calls sent on as text).
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {o.name: o.centre for o in scene.objects}
    call = json.dumps([{'id': 'call_1', 'type': 'function', 'function': {
        'name': 'detect', 'arguments': json.dumps({'object': 'blue mug'})}}])
    for said, what, echo in ((call, 'blue mug', 'blue mug'),
                             (json.dumps({'role': 'assistant', 'content': 'the red ball'}),
                              'red ball', 'the red ball')):
        assert_found(probe, node, camera, scene, said, what, centre[what], echo=echo)
        probe.clear()
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_place_word_written_hyphenated_picks_that_side_over_dds(probe, start_node):
    """"right-most red ball", "the second-from-left red ball" of two: the right one.

    This session: "right-" was read as an opening ("Right, ...") and the side lost
    (ambiguous); "second-from-left" was a word of the object.
    """
    node, camera, _ = bring_up(probe, start_node)
    scene = generate_scene(5, specs=[ObjectSpec('red', 'ball', 'small', (x, 0.05))
                                     for x in (-0.12, 0.12)])
    right = max(scene.objects, key=lambda o: o.centre[0])
    for said in ('right-most red ball', 'the second-from-left red ball'):
        assert_found(probe, node, camera, scene, said, 'red ball', right.centre)
        probe.clear()
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_commands_from_public_reports_are_read_as_meant_over_dds(probe, start_node):
    """Commands as users and planners send them (helper-h117's brief), over DDS.

    Before:
    "remove the green cube from the table" scored "remove green cube";
    "the ball on the very top shelf" was the object "ball shelf" at the top;
    "actually wait, the blue mug" the objects "wait" and "blue mug";
    "the blue mug (蓝色杯子)" scored "blue mug 蓝色杯子";
    "pick the red ball -> place the blue mug" looked for a second object, the mug;
    "the yellow cylinder above the blue mug" (behind it on the table, higher in the image)
    was read as "on" and not found;
    "the twenty first ball from the left" the first "twenty ball";
    "the twelve mugs" every "twelve mug";
    "pick up red ball place in blue mug" the object "red ball place blue mug";
    "put the red ball in the blue mug please thank you" the destination "in the blue mug
    please thank you".
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {o.name: o.centre for o in scene.objects}
    for said, what, name, parsed, reason in (
            ('remove the green cube from the table', 'green cube', 'green cube',
             {'what': 'green cube'}, ''),
            ('take out the red ball', 'red ball', 'red ball', {'what': 'red ball'}, ''),
            ('actually wait, the blue mug', 'blue mug', 'blue mug', {'what': 'blue mug'}, ''),
            ('the blue mug (蓝色杯子)', 'blue mug', 'blue mug',
             {'what': 'blue mug', 'glosses': ['蓝色杯子']}, 'dropped "蓝色杯子"'),
            ('pick the red ball -> place the blue mug', 'red ball', 'red ball',
             {'what': 'red ball', 'destination': ['to the blue mug']}, ''),
            ('the yellow cylinder above the blue mug', 'yellow cylinder', 'yellow cylinder',
             {'link': 'above', 'reference': {'what': 'blue mug'}}, 'above'),
            ('the blue mug below the yellow cylinder', 'blue mug', 'blue mug',
             {'link': 'below', 'reference': {'what': 'yellow cylinder'}}, 'below'),
            ('put the red ball in the blue mug please thank you', 'red ball', 'red ball',
             {'what': 'red ball', 'destination': ['in the blue mug']}, ''),
            ('pick up red ball place in blue mug', 'red ball', 'red ball',
             {'what': 'red ball', 'destination': ['in blue mug']}, ''),
    ):
        assert_found(probe, node, camera, scene, said, what, centre[name])
        det = next(d for d in answered(probe, said) if 'position' in d)
        assert all(det['parsed'].get(k) == v for k, v in parsed.items()), det['parsed']
        assert reason in det['reason'], det
        probe.clear()
    for said, parsed in (  # whatever is posed, how it was read
            ('the ball on the very top shelf', {'what': 'ball', 'link': 'on', 'reference': {
                'what': 'shelf', 'relation': 'top'}}),
            ('the twenty first ball from the left', {'what': 'ball', 'ordinal': 21}),
            ('the twelve mugs', {'what': 'mug', 'count': 12, 'plural': True}),
    ):
        camera.command(said)
        assert run_until(probe, camera, scene, lambda said=said: answered(probe, said))
        det = answered(probe, said)[-1]
        assert all(det['parsed'].get(k) == v for k, v in parsed.items()), det['parsed']
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_one_picked_from_a_group_is_one_target_over_dds(probe, start_node):
    """One picked from a group after a verb is one target (helper-h117's brief).

    "pick up the leftmost of the two red balls" and "of the two red balls, the leftmost"
    were plurals: both red balls posed as two targets. Now the left one alone.
    """
    probe.listen(PoseArray, POSES)
    node, camera, _ = bring_up(probe, start_node)
    scene = cached_scene(4343, specs=TWINS)
    left = min((o for o in scene.objects if o.shape == 'ball'), key=lambda o: o.centre[0])
    for said in ('pick up the leftmost of the two red balls',
                 'of the two red balls, the leftmost'):
        assert_found(probe, node, camera, scene, said, 'red ball', left.centre)
        det = next(d for d in answered(probe, said) if 'position' in d)
        assert det['parsed'] == {'what': 'red ball', 'relation': 'left'}, det
        assert len(det['targets']) == 1, det
        probe.clear()
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_second_objects_name_is_named_on_it_over_dds(probe, start_node):
    """A name said of the second object is named on it, and in the answer's reason.

    helper-h117's brief: "the red ball. the IKEA mug" named "IKEA" on the red ball, and
    what is not checked of a second object was never said in the reason. Now ``parsed``
    names it on the mug, and the reason says it is not checked, of the mug.
    """
    node, camera, scene = bring_up(probe, start_node)
    said = 'the green cube and the blue IKEA mug'
    camera.command(said)
    assert run_until(probe, camera, scene, lambda: any(
        d['status'] == 'found' for d in answered(probe, said))), node.output()
    det = next(d for d in answered(probe, said) if d['status'] == 'found')
    assert det['parsed']['also'] == [{'what': 'blue mug', 'unchecked': ['named IKEA']}], det
    assert 'unchecked' not in det['parsed'], det
    assert '"IKEA" is not checked' in det['reason'] and '(of "blue mug")' in det['reason'], det
    assert sorted(t['what'] for t in det['targets']) == ['blue mug', 'green cube'], det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_planners_unread_field_is_named_and_its_target_read_over_dds(probe, start_node):
    """A field the node does not read is named in the answer; a target with no verb read.

    helper-h117's brief: '{"object": "green cube", "colr": "blue"}' (a planner's typo) was
    answered as the green cube with no word of "colr", and '{"action": "pick", "object":
    "green cube", "target": "blue mug"}' dropped the mug without a word. Now the answer's
    reason and one warning name the field, with the key one typo from it, and the target
    is the destination in ``parsed``.
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {f'{o.colour} {o.shape}': o.centre for o in scene.objects}
    said = '{"object": "green cube", "colr": "blue"}'
    assert_found(probe, node, camera, scene, said, 'green cube', centre['green cube'],
                 echo='green cube')
    det = next(d for d in answered(probe, 'green cube') if 'position' in d)
    assert '"colr" (did you mean "color"?)' in det['reason'], det
    assert '"colr"' in node.output()
    probe.clear()
    said = '{"action": "pick", "object": "green cube", "target": "blue mug"}'
    echo = 'put green cube to the blue mug'
    assert_found(probe, node, camera, scene, said, 'green cube', centre['green cube'],
                 echo=echo)
    det = next(d for d in answered(probe, echo) if 'position' in d)
    assert det['parsed'] == {'what': 'green cube', 'destination': ['to the blue mug']}, det
    assert 'not read' not in det['reason'], det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_planners_destination_and_location_fields_are_read_over_dds(probe, start_node):
    """A planner's fields: the target beside a placing task, a location beside the object.

    helper-h114's brief: '{"task": "pick_and_place", "object": "green cube", "target":
    "blue mug"}' dropped the target without a word; 'pick_object(object_name="red_ball",
    location="table")' was the object "red ball table". Now the object is found, the
    destination reported in ``parsed`` and the answer names the command as read.
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {f'{o.colour} {o.shape}': o.centre for o in scene.objects}
    for said, echo, what, parsed in (
            ('{"task": "pick_and_place", "object": "green cube", "target": "blue mug"}',
             'put green cube to the blue mug', 'green cube',
             {'what': 'green cube', 'destination': ['to the blue mug']}),
            ('pick_object(object_name="red_ball", location="table")', 'red ball on the table',
             'red ball', {'what': 'red ball'})):
        assert_found(probe, node, camera, scene, said, what, centre[what], echo=echo)
        det = next(d for d in answered(probe, echo) if 'position' in d)
        assert det['parsed'] == parsed, det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_steps_groups_and_sides_said_by_planners_over_dds(probe, start_node):
    """A later step's destination, one of a group, a side, a name, a gloss (helper-h127).

    helper-h127's brief: in "[pick red ball, place green cube -> blue mug]" the blue mug
    was a second target and the green cube where the red ball goes; "one of the red balls"
    (two in view) was "the one red ball", ambiguous; "the green cube on the right in front
    of the yellow cylinder" lost "right"; "the IKEA mug, not the Starbucks mug" excluded
    "mug", not_found. Now the cube keeps its own destination, one of the balls is found (any
    one), the side is read, the mug is found with the excluded name named unchecked, and
    "the red ball (rote Kugel)" (the object "red ball rote kugel") is the red ball.
    """
    node, camera, scene = bring_up(probe, start_node)
    centre = {o.name: o.centre for o in scene.objects}
    for said, what, name, parsed in (
            ('[pick red ball, place green cube -> blue mug]', 'red ball', 'red ball',
             {'also': [{'what': 'green cube', 'destination': ['to blue mug']}]}),
            ('1. pick red ball 2. place green cube -> blue mug', 'red ball', 'red ball',
             {'also': [{'what': 'green cube', 'destination': ['to blue mug']}]}),
            ('the green cube on the right in front of the yellow cylinder', 'green cube',
             'green cube', {'relation': 'right', 'link': 'in_front_of'}),
            # Excluded "mug" before: not_found.
            ('the IKEA mug, not the Starbucks mug', 'mug', 'blue mug',
             {'unchecked': ['named IKEA', 'not named Starbucks']}),
            # The object "red ball rote kugel" before.
            ('the red ball (rote Kugel)', 'red ball', 'red ball', {'glosses': ['rote Kugel']}),
    ):
        echo = clean_command(said)  # "1. " is taken off the numbered plan
        assert_found(probe, node, camera, scene, said, what, centre[name], echo=echo)
        det = next(d for d in answered(probe, echo) if 'position' in d)
        assert all(det['parsed'].get(k) == v for k, v in parsed.items()), det['parsed']
        assert 'destination' not in det['parsed'] and 'exclude' not in det['parsed'], det
        if 'glosses' in parsed:
            assert 'rote Kugel' in det['reason'], det
        elif 'unchecked' in parsed:
            assert '"not named Starbucks" is not checked' in det['reason'], det
        probe.clear()
    # A placing step's field the node does not read is named (before: only the object's).
    said = json.dumps([{'action': 'pick', 'object': 'green cube'},
                       {'action': 'place', 'location': 'bin', 'spd': 1}])
    echo = clean_command(said)
    assert_found(probe, node, camera, scene, said, 'green cube', centre['green cube'],
                 echo=echo)
    det = next(d for d in answered(probe, echo) if 'position' in d)
    assert det['parsed'] == {'what': 'green cube', 'destination': ['to the bin']}, det
    assert 'the field(s) "spd" of the command were not read' in det['reason'], det
    probe.clear()
    twins = cached_scene(4343, specs=TWINS)
    balls = [o.centre for o in twins.objects if o.shape == 'ball']
    said = 'one of the red balls'
    camera.command(said)
    assert run_until(probe, camera, twins, lambda: any(
        'position' in d for d in answered(probe, said))), node.output()
    det = next(d for d in answered(probe, said) if 'position' in d)
    assert det['status'] == 'found' and det['parsed'] == {'what': 'red ball', 'any_one': True}
    assert min(np.linalg.norm(np.array(det['position']) - b) for b in balls) < 0.01, det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_particles_names_pronouns_and_planner_steps_over_dds(probe, start_node):
    """A particle first, an excluded name without its noun, a pronoun and a place (h130).

    helper-h130's brief: "please put in the blue mug" was the object "put"; "the IKEA mug,
    not the Starbucks one" excluded "starbucks mug"; "pick it on the table" scored
    "object" on the table; '{"action":"pick","location":"table"}' was refused quoting
    "pick it", words the planner never sent. Now the mug is found (twice, the name named
    as not checked), the pronoun refused, and the refusal quotes what was sent.
    """
    node, camera, scene = bring_up(probe, start_node)
    mug = next(o for o in scene.objects if o.name == 'blue mug')
    assert_found(probe, node, camera, scene, 'please put in the blue mug', 'blue mug',
                 mug.centre)
    probe.clear()
    said = 'the mug, not the Starbucks one'
    assert_found(probe, node, camera, scene, said, 'mug', mug.centre)
    det = next(d for d in answered(probe, said) if 'position' in d)
    assert det['parsed'] == {'what': 'mug', 'unchecked': ['not named Starbucks']}, det
    assert '"not named Starbucks" is not checked' in det['reason'], det
    probe.clear()
    assert_refused(probe, camera, scene, 'pick it on the table', 'names no object')
    said = '{"action":"pick","location":"table"}'
    camera.command(said)
    echo = clean_command(said)  # the answer names the command as read: "pick it"
    assert run_until(probe, camera, scene, lambda: answered(probe, echo)), node.output()
    det = answered(probe, echo)[-1]
    assert det['status'] == 'rejected' and det['targets'] == [], det
    assert f'the command {said!r} (read as "pick it") names no object' in det['reason'], det
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_a_recognisers_interim_results_keep_the_command_until_its_final_one(probe, start_node):
    """Vosk's partials and Google's interim results are rejected; the final result is read.

    helper-h152's brief: a voice front end that publishes each result its recogniser
    gives (Vosk's PartialResult() five times a second, alphacep/vosk-android-demo#214)
    replaced "the red ball" with the objects "blue" and "blue mug" while the person was
    still speaking, and '{"partial": "stop"}' cancelled it. Now each interim result is
    answered ``rejected`` saying so, the red ball is still posed, and the final result
    is the new command.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    assert run_until(probe, camera, scene, lambda: probe.messages(POSE)), node.output()
    for said in ('{"partial" : "pick up the blue"}', '{"partial" : "stop"}',
                 '{"results":[{"alternatives":[{"transcript":"pick up the blue mug"}],'
                 '"stability":0.01}]}'):
        det = rejected_keeping_the_red_ball(probe, node, camera, scene, said)
        assert 'interim result' in det['reason'], det
    camera.command('{\n  "text" : "pick up the blue mug"\n}')
    assert run_until(probe, camera, scene, lambda: answered(probe, 'pick up the blue mug'))
    assert answered(probe, 'pick up the blue mug')[-1]['status'] == 'found'
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def _string_cdr(raw):
    """``std_msgs/String`` serialised (CDR, little-endian) with ``raw`` bytes as its data.

    What a C++ or micro-ROS publisher sends when its ``std::string`` holds text in another
    encoding than UTF-8: rclpy can only publish a ``str`` as UTF-8, so the bytes go raw.
    """
    return b'\x00\x01\x00\x00' + struct.pack('<I', len(raw) + 1) + raw + b'\x00'


def test_a_command_whose_bytes_are_not_utf8_is_rejected_saying_so_over_dds(probe, start_node):
    """A String in Windows-1252, Shift-JIS or UTF-16 is rejected; the red ball stays posed.

    rclpy decodes a String's bytes as UTF-8 and puts U+FFFD for each byte it cannot
    read (ros2/rclpy#881: it raised before and took the subscriber down). A C++ front end
    that sent "pick up the café mug" in Windows-1252 was read as the object "caf mug",
    Shift-JIS "赤いボール" (the red ball) as any "object", and UTF-16 (cut at its first zero
    byte by the C string) as the object "t": each replaced the active command with no
    word of the bytes lost. Now each is answered ``rejected`` saying the bytes were not
    UTF-8, and the red ball is still posed.
    """
    node, camera, scene = bring_up(probe, start_node, '-p', 'command:=the red ball')
    assert run_until(probe, camera, scene, lambda: probe.messages(POSE)), node.output()
    for raw, hint in (('pick up the café mug'.encode('cp1252'), 'Windows-1252'),
                      ('赤いボール'.encode('shift_jis'), 'Shift-JIS'),
                      ('\ufeffthe red ball'.encode('utf-16-le'), 'UTF-16')):
        said = raw.split(b'\x00')[0].decode('utf-8', 'replace')  # as rclpy reads it
        probe.clear()
        camera.command_pub.publish(_string_cdr(raw))
        assert run_until(probe, camera, scene, lambda s=said: answered(probe, s)), \
            (raw, node.output())
        det = answered(probe, said)[-1]
        assert det['status'] == 'rejected' and 'not UTF-8' in det['reason'], det
        assert hint in det['reason'] and 'the active command is unchanged: "the red ball"' \
            in det['reason'], det
        poses = len(probe.messages(POSE))
        assert run_until(probe, camera, scene,
                         lambda n=poses: len(probe.messages(POSE)) > n)
        assert all(d['command'] in ('the red ball', said) for d in detections(probe))
    assert 'not UTF-8' in node.output()  # the log says it too
    assert 'Traceback' not in node.output()
    assert node.stop() == 0


def test_replaced_bytes_are_named_with_their_likely_encoding_and_utf8_text_is_not():
    """not_utf8_note: each encoding that is not UTF-8, as rclpy gives it; UTF-8 text: None."""
    def note(raw):
        return not_utf8_note(raw.split(b'\x00')[0].decode('utf-8', 'replace'))

    assert 'a byte that is not UTF-8' in note('the café mug'.encode('cp1252'))
    assert 'Latin-1 or Windows-1252' in note('die Flasche für Öl'.encode('latin-1'))
    assert '2 bytes that are' in note('die Flasche für Öl'.encode('latin-1'))
    for text in ('红色的球', '赤いボール', '빨간 공'):
        for codec in ('gbk', 'shift_jis', 'euc_kr'):
            try:
                raw = text.encode(codec)
            except UnicodeEncodeError:
                continue
            assert 'another script' in note(raw), (text, codec)
    assert 'UTF-16' in note('\ufeffthe red ball'.encode('utf-16-le'))
    for text in ('the café mug', '赤いボール', '🔴 ball', 'the red ball', '', 'Öl'):
        assert not_utf8_note(text) is None, text
