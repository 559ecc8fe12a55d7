"""Parameter rules that ranges cannot say, judged as the node applies them."""

import pytest

from clip_perception.config import bool_from_integer
from clip_perception.config import camera_names
from clip_perception.config import camera_namespace
from clip_perception.config import check_prompt_template
from clip_perception.config import check_qos_override
from clip_perception.config import check_waits
from clip_perception.config import defaults
from clip_perception.config import MAX_NAME_LENGTH
from clip_perception.config import Param
from clip_perception.config import PipelineConfig
from clip_perception.config import unmatched_qos_overrides
from clip_perception.config import validate
from clip_perception.config import value_from_text


@pytest.mark.parametrize('template', ['a photo of a {}', '{}', 'a {} on a table',
                                      'a photo of a {0}', '{0}, a photo of a {0}',
                                      'a {} {{in braces}}', '{!s}'])
def test_a_template_that_puts_the_object_in_the_prompt_is_accepted(template):
    assert validate('prompt_template', template) is None
    assert 'red ball' in template.format('red ball')
    assert validate('prompt_template', defaults()['prompt_template']) is None


@pytest.mark.parametrize('template, why', [
    # The field report: "{{}}" counted as one "{}", but formats to the literal "{}" for
    # every command, so "the red ball" and "the blue mug" got the same box and pose.
    ('a photo of {{}}', 'gives "a photo of {}"'),
    ('{{}} and {{}}', 'literal braces'),
    ('{0[0]}', 'gives "r"'),          # formats, but keeps one letter of the object
    ('{:.3}', 'gives "red"'),         # a precision that cuts the object short
    ('no placeholder', 'gives "no placeholder"'),
    ('red ball', 'gives "red ball"'),  # contains the probe, but ignores the command
    ('{} {}', 'IndexError'),
    ('a photo of {name}', 'KeyError'),
    ('{:d}', 'ValueError'),
    ('{0.real}', 'AttributeError'),
    ('a photo of {', 'ValueError'),
])
def test_a_template_that_loses_the_object_is_refused_with_the_reason(template, why):
    reason = validate('prompt_template', template)
    assert reason == check_prompt_template(template)
    assert reason and 'exactly one {}' in reason and why in reason, reason
    assert f'"{template}"' in reason and 'e.g. "a photo of a {}"' in reason


def test_several_templates_are_checked_one_by_one():
    assert validate('prompt_template', 'a photo of a {} | a {} on a table|the {}') is None
    assert validate('prompt_template', '') is None  # the checkpoint's own templates
    reason = validate('prompt_template', 'a photo of a {} | a photo of {{}}')
    assert reason and '"a photo of {{}}"' in reason and 'exactly one {}' in reason


@pytest.mark.parametrize('value', ['', 'laptop, coffee mug', ['laptop', 'coffee mug'], [],
                                   ('stapler',)])
def test_a_vocabulary_string_or_list_of_strings_is_accepted(value):
    assert validate('vocabulary', value) is None


@pytest.mark.parametrize('value, why', [
    (3, 'got int 3'), ([1, 2], 'got a list of int ([1, 2])'),
    (['a', 2.5], 'a list of float'), (True, 'got bool True'), (None, 'nothing (unset)')])
def test_a_vocabulary_the_node_cannot_use_is_refused_with_the_reason(value, why):
    reason = validate('vocabulary', value)
    assert reason.startswith('vocabulary must be a comma-separated string or a list of '
                             'strings') and why in reason, reason


def test_a_vocabulary_list_reaches_the_core_joined():
    config = PipelineConfig.from_values(dict(defaults(), vocabulary=['laptop', 'coffee mug']))
    assert config.vocabulary == 'laptop, coffee mug'
    assert PipelineConfig.from_values(dict(defaults(), vocabulary='a; b')).vocabulary == 'a; b'


def test_qos_overrides_that_no_camera_subscription_takes_are_named():
    """They are ignored by rclpy without a word; the node names them (round 8)."""
    given = ['min_confidence', 'qos_overrides./image.subscription.reliability',
             'qos_overrides./depth.subscription.depth',
             'qos_overrides./camera/color/image_raw.subscription.reliability',  # remapped from
             'qos_overrides./image.publisher.reliability',                    # not a publisher
             'qos_overrides./image.subscription.durability',                  # not offered
             'qos_overrides./command.subscription.reliability']               # not a camera's
    assert unmatched_qos_overrides(given, ['/image', '/camera_info', '/depth']) == [
        'qos_overrides./camera/color/image_raw.subscription.reliability',
        'qos_overrides./command.subscription.reliability',
        'qos_overrides./image.publisher.reliability',
        'qos_overrides./image.subscription.durability']
    assert unmatched_qos_overrides(['qos_overrides./image.subscription.history'],
                                   ['/image']) == []


@pytest.mark.parametrize('name, value, ok', [
    ('qos_overrides./image.subscription.reliability', 'reliable', True),
    ('qos_overrides./image.subscription.reliability', 'BEST_EFFORT', True),
    ('qos_overrides./image.subscription.reliability', 'sometimes', False),
    ('qos_overrides./image.subscription.history', 'keep_all', True),
    ('qos_overrides./image.subscription.history', 3, False),
    ('qos_overrides./image.subscription.depth', 1, True),
    ('qos_overrides./image.subscription.depth', 'ten', False),
    ('qos_overrides./image.subscription.depth', -1, False),
])
def test_a_qos_override_value_rclpy_cannot_take_is_refused_with_why(name, value, ok):
    reason = check_qos_override(name, value)
    assert (reason is None) is ok, reason
    if not ok:
        assert name in reason and repr(value) in reason


def test_depth_wait_not_below_max_frame_age_is_named_with_the_fix():
    """A frame held depth_wait for late depth is stale when max_frame_age <= depth_wait."""
    values = defaults()
    assert check_waits(values) is None  # 0.5 s wait, 1.0 s age
    why = check_waits({**values, 'depth_wait': 1.5})
    assert 'depth_wait 1.5 s is not below max_frame_age 1 s' in why
    assert 'e.g. max_frame_age 2' in why
    assert check_waits({**values, 'depth_wait': 1.0}) is not None  # equal: stale too
    assert check_waits({**values, 'depth_wait': 1.5, 'max_frame_age': 0.0}) is None  # off
    assert check_waits({**values, 'depth_wait': 1.5, 'use_depth': False}) is None
    assert check_waits({**values, 'depth_wait': 1.5, 'max_frame_age': 3.0}) is None


@pytest.mark.parametrize('text, kind, value', [
    ('1e-4', float, 1e-4), ('5e-06', float, 5e-06), (' .5 ', float, 0.5), ('16', int, 16),
    ('24.0', int, 24), ('1E3', float, 1000.0), ('False', bool, False), ('on', bool, True),
    ('high', float, None), ('0.5 s', float, None), ('nan', float, None), ('inf', float, None),
    ('1e999', float, None), ('2.5', int, None), ('0x10', int, None), ('1', bool, None),
    ('', float, None)])
def test_text_is_a_number_or_truth_value_only_when_it_spells_one(text, kind, value):
    """What ros2 param set/load send for 1e-4 (ros2/ros2cli#834): text, read as it spells."""
    got = value_from_text(text, kind)
    assert got == value and (value is None or type(got) is kind), (text, got)


@pytest.mark.parametrize('value, want', [(1, True), (0, False), (2, None), (-1, None),
                                         (True, None), (1.0, None), ('1', None)])
def test_an_integer_1_or_0_for_a_boolean_is_its_truth_value(value, want):
    # christianrauch/apriltag_ros#27 ("refine: 1"), christianrauch/camera_ros#57.
    assert bool_from_integer(value) is want


def test_camera_names_are_ros_names_once_each():
    assert camera_names('wrist, head') == ['wrist', 'head']
    assert camera_names('cam1, ,cam2,') == ['cam1', 'cam2']
    assert camera_names('robot1/cam1,/robot1/cam2/') == ['robot1/cam1', 'robot1/cam2']
    assert camera_names('') == []
    for bad, suggestion in (('cam-1', 'cam_1'), ('2cam', '_2cam'), ('192.168.0.5', '_192_168_0_5'),
                            ('front cam', 'front_cam'), ('robot1//cam', 'robot1/_/cam')):
        with pytest.raises(ValueError, match='is not a ROS name') as err:
            camera_names(f'ok,{bad}')
        assert f'"{bad}"' in str(err.value) and f'"{suggestion}"' in str(err.value)
        assert camera_names(suggestion) == [suggestion]
    with pytest.raises(ValueError, match='given twice: cam1'):
        camera_names('cam1,cam2,cam1')
    # Helper-52: the suggestion for a name with other letters was not a ROS name itself.
    with pytest.raises(ValueError, match='"caméra_gauche" is not a ROS name') as err:
        camera_names('caméra_gauche')
    assert '"cam_ra_gauche"' in str(err.value)


def test_camera_namespaces_are_one_name_and_short_enough_for_rmw():
    from rclpy.validate_full_topic_name import validate_full_topic_name
    assert camera_namespace('/robot1/', 'wrist') == 'robot1/wrist'
    assert camera_namespace('', 'wrist') == 'wrist' and camera_namespace('', '') == ''
    assert camera_namespace('robot1') == 'robot1'
    with pytest.raises(ValueError, match='is a list'):
        camera_namespace('a,b', 'wrist')  # helper-52: taken as the name "a,b"
    with pytest.raises(ValueError, match='namespace "robot-1" is not a ROS name'):
        camera_namespace('robot-1', 'wrist')
    # The longest name the node makes under the longest namespace allowed is one rmw takes;
    # one character more is refused here, before rclpy would raise in node creation.
    longest = MAX_NAME_LENGTH - len('/clip_perception/set_parameters_atomically') - 1
    space = camera_namespace('r' * (longest - 6), 'wrist')
    validate_full_topic_name('/' + space + '/clip_perception/set_parameters_atomically')
    with pytest.raises(ValueError, match=f'keep it to {longest}'):
        camera_namespace('r' * (longest - 5), 'wrist')
    with pytest.raises(Exception, match='length should not exceed'):
        validate_full_topic_name('/r' + space + '/clip_perception/set_parameters_atomically')


@pytest.mark.parametrize('description, first', [
    ('Seconds between /diagnostics messages.', 'Seconds between /diagnostics messages.'),
    ('Frame of every output when set (e.g. camera_color_optical_frame); empty = copy the '
     "colour image's. Set it for drivers that leave frame_id empty.",
     "Frame of every output when set (e.g. camera_color_optical_frame); empty = copy the "
     "colour image's."),
    ("CLIP's prompt ensembling, Radford et al. 2021, sec. 3.1.4. Empty: its own templates.",
     "CLIP's prompt ensembling, Radford et al. 2021, sec. 3.1.4."),
    ('Current command, e.g. "the red ball". Empty or a cancel word = idle.',
     'Current command, e.g. "the red ball".'),
    ('Metres per unit of 16-bit depth (0.001: millimetres). A wrong value moves poses.',
     'Metres per unit of 16-bit depth (0.001: millimetres).'),
    ('No full stop at all', 'No full stop at all'),
])
def test_a_parameter_summary_is_the_first_sentence_of_its_description(description, first):
    # The README's Parameters table shows it: "e.g. ", "et al. 2021" and "sec. 3.1.4" end
    # no sentence, a full stop before a capital letter does.
    assert Param('x', 0.0, description).summary == first
