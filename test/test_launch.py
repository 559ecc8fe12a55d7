"""The launch file, read statically: `launch`/`launch_ros` do not install here (issue 16).

The launch file is parsed with :mod:`ast`; its arguments, remaps and parameters are
checked against what the node subscribes (parsed from node.py), the parameter table
(config.PARAMETERS) and the README's robot section, so a renamed topic or argument
fails here instead of on a robot.
"""

import ast
import glob
import os
import re
import types

import pytest

from clip_perception.config import PARAMETERS
from conftest import REPO

LAUNCH = os.path.join(REPO, 'launch', 'clip_perception.launch.py')
NODE = os.path.join(REPO, 'src', 'clip_perception', 'node.py')



def launch_values(**given):
    """Return the launch arguments node_parameters reads, as ros2 launch gives them."""
    return dict({'model': 'bundled', 'device': 'cpu', 'image_transport': 'raw',
                 'depth_transport': 'raw', 'use_sim_time': 'false', 'depth_scale': '',
                 'rectify': '', 'depth_kind': '', 'frame_id': '', 'vocabulary': '',
                 'swap_red_blue': ''}, **given)

def _tree(path):
    with open(path) as f:
        return ast.parse(f.read(), path)


def _calls(tree, name):
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and
            getattr(n.func, 'id', getattr(n.func, 'attr', None)) == name]


def _arguments():
    """``{name: (default source, choices or None)}`` of every DeclareLaunchArgument."""
    out = {}
    for call in _calls(_tree(LAUNCH), 'DeclareLaunchArgument'):
        kw = {k.arg: k.value for k in call.keywords}
        choices = ast.literal_eval(kw['choices']) if 'choices' in kw else None
        default = kw['default_value']
        out[ast.literal_eval(call.args[0])] = (
            ast.literal_eval(default) if isinstance(default, ast.Constant) else None, choices)
    return out


def _function(name):
    """Source of one top-level function of the launch file as its own module."""
    tree = _tree(LAUNCH)
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    return ast.Module(body=[fn], type_ignores=[])


def test_arguments_cover_transports_cameras_and_managed():
    args = _arguments()
    for name in ('namespace', 'params_file', 'model', 'device', 'image', 'camera_info',
                 'depth', 'command', 'image_transport', 'depth_transport', 'cameras',
                 'shared_model', 'managed', 'fastdds_profile', 'use_sim_time', 'log_level',
                 'depth_scale'):
        assert name in args, name
    params = {p.name: p for p in PARAMETERS}
    # The transport arguments offer exactly the node parameter's choices.
    for name in ('image_transport', 'depth_transport'):
        default, choices = args[name]
        assert set(choices) == set(params[name].choices)
        assert default == params[name].default
    assert args['command'][0] == '~/command'  # where the recording sends its commands


def test_remaps_name_every_topic_the_node_subscribes():
    subscribed = set()
    # Camera inputs go through _camera_subscription (QoS overrides), the rest directly.
    for call in _calls(_tree(NODE), 'create_subscription') + \
            _calls(_tree(NODE), '_camera_subscription'):
        topic = call.args[1]
        if isinstance(topic, ast.Call) and getattr(topic.func, 'attr', '') == '_transport_topic':
            # image_transport's name for a transport: '<base>/<transport>', remappable.
            topic = ast.Constant('/'.join(ast.literal_eval(a) for a in topic.args))
        elif isinstance(topic, ast.Call) and getattr(topic.func, 'attr', '') == '_info_topic':
            topic = topic.args[0]  # camera_info, remappable (else beside the image)
        if isinstance(topic, ast.Constant) and not topic.value.startswith(('/', '~')):
            subscribed.add(topic.value)
    assert {'image', 'image/compressed', 'image/zstd', 'camera_info', 'depth',
            'depth/compressedDepth', 'depth/compressed', 'depth/zstd', 'command'} <= subscribed
    fn = _function('camera_nodes')
    remapped = {ast.literal_eval(t.elts[0]) for n in ast.walk(fn) if isinstance(n, ast.Dict)
                for k, v in zip(n.keys, n.values)
                if isinstance(k, ast.Constant) and k.value == 'remappings' for t in v.elts}
    assert remapped == subscribed
    # Both transports and both executables are wired, with the parameters passed on.
    text = ast.unparse(fn)
    for needle in ("image + '/compressed'", "depth + '/compressedDepth'",
                   "depth + '/compressed'", "image + '/zstd'", "depth + '/zstd'",
                   "'clip_perception_lifecycle_node'", "'clip_perception_node'",
                   'LifecycleNode(**kwargs)', "'name': 'clip_perception'",
                   'OnProcessExit(target_action=node',
                   "'parameters': [value('params_file'), node_parameters(value)]",
                   "'ros_arguments': ['--log-level', value('log_level')]"):
        assert needle in text, needle


def test_the_shared_model_process_takes_the_same_remaps_made_relative():
    subscribed = {'image', 'image/compressed', 'image/zstd', 'camera_info', 'depth',
                  'depth/compressedDepth', 'depth/compressed', 'depth/zstd', 'command'}
    fn = _function('shared_model_process')
    remapped = {ast.literal_eval(t.elts[0]) for n in ast.walk(fn)
                if isinstance(n, ast.keyword) and n.arg == 'remappings' for t in n.value.elts}
    assert remapped == subscribed
    text = ast.unparse(fn)
    for needle in ("executable='clip_perception_cameras'", "'/{camera}/'",
                   'OnProcessExit(target_action=node', "'--namespace'",
                   "parameters=[value('params_file'), node_parameters(value)]",
                   "ros_arguments=['--log-level', value('log_level')]"):
        assert needle in text, needle
    assert 'name=' not in text  # a launch name would rename every node of the process
    # The parameters both take from the launch arguments (node_parameters).
    text = ast.unparse(_function('node_parameters'))
    for needle in ("'image_transport': value('image_transport')",
                   "'depth_transport': value('depth_transport')",
                   "'use_sim_time': truth(value, 'use_sim_time')"):
        assert needle in text, needle


def test_depth_scale_and_rectify_are_passed_when_given_and_the_params_file_keeps_them():
    # depth_scale was a node parameter no launch argument set (field report: a D405's
    # 0.1 mm units needed a parameters file of its own); so was rectify, which the README
    # and the node's rectifying WARN give as rectify:=never: ros2 launch took it as an
    # undeclared argument without a word and the node went on rectifying (helper-66).
    scope = _truth_scope()
    exec(compile(_function('node_parameters'), LAUNCH, 'exec'), scope)
    given = launch_values(use_sim_time='true')
    params = scope['node_parameters'](given.__getitem__)
    assert 'depth_scale' not in params  # empty: the parameters file's value stands
    assert 'rectify' not in params
    assert scope['node_parameters'](dict(given, rectify='never').__getitem__)['rectify'] == \
        'never'
    assert params['use_sim_time'] is True and params['model'] == 'bundled'
    params = scope['node_parameters'](dict(given, depth_scale=' 0.0001 ').__getitem__)
    assert params['depth_scale'] == 0.0001 and isinstance(params['depth_scale'], float)
    with pytest.raises(RuntimeError, match='depth_scale:=mm is not a number'):
        scope['node_parameters'](dict(given, depth_scale='mm').__getitem__)
    # Every name it sets is a node parameter, and the argument defaults to "not given".
    names = {p.name for p in PARAMETERS} | {'use_sim_time'}
    assert set(scope['node_parameters'](dict(given, depth_scale='0.001').__getitem__)) <= names
    assert _arguments()['depth_scale'][0] == ''
    default, choices = _arguments()['rectify']
    rectify = next(p for p in PARAMETERS if p.name == 'rectify')
    assert default == '' and set(choices) == {''} | set(rectify.choices)


def _truth_scope():
    """Return a namespace holding the launch file's ``truth`` and the spellings it reads."""
    scope = {'TRUE': ('true', '1', 'yes', 'on'), 'FALSE': ('false', '0', 'no', 'off')}
    exec(compile(_function('truth'), LAUNCH, 'exec'), scope)
    return scope


def test_truth_arguments_take_every_spelling_and_refuse_the_rest():
    """ros2/launch#944: 'provided value "True" is not valid. Valid options are: [...]'.

    Before, ``use_sim_time:=True`` (as nav2-style launch files pass it) stopped the launch
    on its choices, and ``managed:=ture`` or ``shared_model:=Yes!`` were read as false
    without a word.
    """
    assert _arguments()['use_sim_time'][1] is None  # no case-sensitive choices
    truth = _truth_scope()['truth']
    for text, want in (('True', True), ('TRUE', True), (' 1 ', True), ('yes', True),
                       ('On', True), ('False', False), ('0', False), ('NO', False),
                       ('off', False)):
        for name in ('use_sim_time', 'managed', 'shared_model'):
            assert truth({name: text}.__getitem__, name) is want, (name, text)
    for text in ('ture', 'Yes!', '', '2'):
        with pytest.raises(RuntimeError, match=f'managed:={re.escape(text)} is not a truth '
                           'value: write true or false'):
            truth({'managed': text}.__getitem__, 'managed')
    scope = _truth_scope()
    exec(compile(_function('node_parameters'), LAUNCH, 'exec'), scope)
    given = launch_values(use_sim_time='True')
    assert scope['node_parameters'](given.__getitem__)['use_sim_time'] is True
    # camera_nodes reads managed and shared_model through truth, not a membership test.
    source = ast.unparse(_function('camera_nodes'))
    assert "truth(value, 'managed')" in source and "truth(value, 'shared_model')" in source
    # The camera list is checked as ROS names before any node starts (session 24).
    assert "cameras = camera_names(value('cameras'))" in source


def test_default_topics_resolve_per_camera():
    args = _arguments()
    for name in ('image', 'camera_info', 'depth'):
        default = args[name][0]
        assert default.replace('{camera}', 'camera').startswith('/camera/')
        assert default.replace('{camera}', 'wrist').startswith('/wrist/')
    assert args['image'][0].replace('{camera}', 'camera') == '/camera/color/image_raw'


def test_a_node_that_fails_fails_the_launch_and_one_that_exits_shuts_it_down():
    emitted = []
    scope = {'EmitEvent': lambda event: ('emit', event),
             'Shutdown': lambda reason: emitted.append(reason) or 'shutdown'}
    exec(compile(_function('on_node_exit'), LAUNCH, 'exec'), scope)
    on_exit = scope['on_node_exit']
    action = types.SimpleNamespace(name='clip_perception')
    running = types.SimpleNamespace(is_shutdown=False)
    with pytest.raises(RuntimeError, match='exited with code 1'):
        on_exit(types.SimpleNamespace(returncode=1, action=action), running)
    assert on_exit(types.SimpleNamespace(returncode=0, action=action), running) == \
        [('emit', 'shutdown')]
    stopping = types.SimpleNamespace(is_shutdown=True)  # Ctrl-C: nodes exit, no error
    assert on_exit(types.SimpleNamespace(returncode=-15, action=action), stopping) is None


def test_readme_launch_lines_use_declared_arguments_and_choices():
    with open(os.path.join(REPO, 'README.md')) as f:
        readme = f.read()
    args = _arguments()
    lines = re.findall(r'ros2 launch clip_perception clip_perception.launch.py((?:.*\\\n)*.*)',
                       readme)
    assert lines
    used = 0
    for line in lines:
        for name, val in re.findall(r'(\w+):=(\S+)', line):
            assert name in args, f'README passes undeclared launch argument {name}'
            choices = args[name][1]
            assert choices is None or val in choices, (name, val)
            used += 1
    assert used >= 3
    # The robot section's own `name:=value` are launch arguments too (its first lines
    # launch the file); `-p`/`-r` ones are for a node started without it.
    robot = readme.split('## On a robot', 1)[1].split('\n## ', 1)[0]
    said = [tok for tok in re.findall(r'`([^`]*:=[^`]*)`', robot)
            if not re.search(r'(^|\s)-[pr] ', tok)]
    assert len(said) >= 5
    for tok in said:
        for name in re.findall(r'(\w+):=', tok):
            assert name in args, f'README "On a robot" passes undeclared launch argument {name}'


def test_every_launch_argument_is_named_in_the_readme_robot_section():
    """A user who reads only the README finds every argument the launch file takes.

    helper-89's first hour: ``params_file``, ``device`` and ``fastdds_profile`` were
    declared and never named in the README (a user with a parameters file of their own
    had no way to learn it could be given, nor that the launch file's ``model`` overrides
    the one in it): 3 of 22 arguments unnamed -> 0.
    """
    with open(os.path.join(REPO, 'README.md')) as f:
        robot = f.read().split('## On a robot', 1)[1].split('\n## ', 1)[0]
    named = set(re.findall(r'\b(\w+):=', robot))
    assert not set(_arguments()) - named, set(_arguments()) - named


def test_every_parameter_a_node_message_says_to_set_as_name_value_is_a_launch_argument():
    """What the node tells a user to set as ``name:=value`` can be given to ``ros2 launch``.

    ``rectify:=never`` (helper-66) and then ``depth_kind:=ray`` and ``frame_id:=...`` (the
    node's depth_kind and optical-frame warnings, session 29) were node parameters no
    launch argument set: ``ros2 launch`` drops an undeclared argument without a word, and
    the node went on as before. Every ``name:=`` in the package's messages that names a
    node parameter (not a ``-p 'name:=...'`` example) is now declared (2 missing -> 0).
    """
    names = {p.name for p in PARAMETERS}
    src = os.path.join(os.path.dirname(LAUNCH), '..', 'src', 'clip_perception')
    said = set()
    for path in glob.glob(os.path.join(src, '*.py')):
        with open(path) as f:
            text = f.read()
        for m in re.finditer(r"(-p\s+'?)?\b([a-z_]+):=", text):
            if m.group(1) is None and m.group(2) in names:
                said.add(m.group(2))
    with open(LAUNCH) as f:
        declared = set(re.findall(r"DeclareLaunchArgument\('([a-z_]+)'", f.read()))
    assert {'rectify', 'depth_kind', 'frame_id', 'vocabulary'} <= said, said
    assert said <= declared, said - declared
    scope = _truth_scope()
    exec(compile(_function('node_parameters'), LAUNCH, 'exec'), scope)
    given = launch_values()
    params = scope['node_parameters'](given.__getitem__)
    assert 'depth_kind' not in params and 'frame_id' not in params  # the file's stand
    params = scope['node_parameters'](dict(given, depth_kind='ray',
                                           frame_id=' cam_optical ').__getitem__)
    assert (params['depth_kind'], params['frame_id']) == ('ray', 'cam_optical')
    assert 'swap_red_blue' not in params  # the file's stands
    assert scope['node_parameters'](dict(given, swap_red_blue='True').__getitem__)[
        'swap_red_blue'] is True
