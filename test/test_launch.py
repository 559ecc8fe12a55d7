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
from rcl_interfaces.srv import GetParameters
from rclpy.parameter import parameter_value_to_python
import yaml

from clip_perception.config import LAUNCH_PARAMETERS
from clip_perception.config import PARAMETERS
from conftest import PARAMS
from conftest import REPO
from conftest import wait_for_node
import test_node_process

LAUNCH = os.path.join(REPO, 'launch', 'clip_perception.launch.py')
NODE = os.path.join(REPO, 'src', 'clip_perception', 'node.py')


def launch_values(**given):
    """Return every launch argument as ``ros2 launch`` gives it: its declared default.

    ``params_file`` is a user's own file (``USER_PARAMS``) unless given; ``given`` names
    what the command line passed (``model='bundled'`` for ``model:=bundled``).
    """
    values = {name: default for name, (default, _) in _arguments().items()
              if default is not None}
    return dict(values, **dict({'params_file': USER_PARAMS}, **given))


# A user's own parameters file (node_parameters only compares it with the shipped one).
USER_PARAMS = '/home/robot/params/clip_perception.yaml'


def _launch_scope():
    """Return the launch file's constants, ``truth`` and ``node_parameters``.

    Run as the launch file defines them (``launch`` does not install here).
    """
    # Its imports of what installs here (not launch, launch_ros, ament_index_python).
    keep = [n for n in _tree(LAUNCH).body if isinstance(n, ast.Assign) or (
        isinstance(n, ast.FunctionDef) and n.name in ('truth', 'node_parameters',
                                                      'shipped_values',
                                                      'undeclared_warnings')) or
            isinstance(n, ast.Import) or (isinstance(n, ast.ImportFrom) and
                                          n.module.startswith('clip_perception'))]
    scope = {}
    exec(compile(ast.Module(body=keep, type_ignores=[]), LAUNCH, 'exec'), scope)
    return scope


def node_parameters(**given):
    """Return what the launch file sets over the parameters file for ``given``."""
    return _launch_scope()['node_parameters'](launch_values(**given).__getitem__, PARAMS)


def _tree(path):
    with open(path) as f:
        return ast.parse(f.read(), path)


def _calls(tree, name):
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and
            getattr(n.func, 'id', getattr(n.func, 'attr', None)) == name]


def _arguments():
    """``{name: (default source, choices or None)}`` of every DeclareLaunchArgument.

    Those written out, and those generate_launch_description makes from the parameter
    descriptors (config.launch_arguments, each defaulting to '').
    """
    out = {}
    for call in _calls(_tree(LAUNCH), 'DeclareLaunchArgument'):
        if not isinstance(call.args[0], ast.Constant):
            continue  # the generated ones, below
        kw = {k.arg: k.value for k in call.keywords}
        choices = ast.literal_eval(kw['choices']) if 'choices' in kw else None
        default = kw['default_value']
        out[ast.literal_eval(call.args[0])] = (
            ast.literal_eval(default) if isinstance(default, ast.Constant) else None, choices)
    for name, _, choices in _generated_arguments():
        assert name not in out, f'{name} is declared twice'
        out[name] = ('', choices)
    return out


def _generated_arguments():
    """``launch_arguments(...)`` as generate_launch_description calls it, or [] if it does not."""
    called = _calls(_function('generate_launch_description'), 'launch_arguments')
    if not called:
        return []
    scope = _launch_scope()
    return scope['launch_arguments'](scope['shipped_values'](PARAMS),
                                     {'model': scope['MODEL_EMPTY']})


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
    # The transport arguments offer exactly the node parameter's choices, and '' (the
    # parameters file's value).
    for name in ('image_transport', 'depth_transport'):
        default, choices = args[name]
        assert set(choices) == {''} | set(params[name].choices)
        assert default == ''
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
                   "'parameters': [value('params_file'), node_parameters(value, "
                   'shipped_params())]',
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
                   "parameters=[value('params_file'), node_parameters(value, "
                   'shipped_params())]',
                   "ros_arguments=['--log-level', value('log_level')]"):
        assert needle in text, needle
    assert 'name=' not in text  # a launch name would rename every node of the process
    # The parameters both take from the launch arguments (node_parameters).
    params = node_parameters(image_transport='zstd', depth_transport='compressedDepth',
                             use_sim_time='true')
    assert (params['image_transport'], params['depth_transport'], params['use_sim_time']) \
        == ('zstd', 'compressedDepth', True)


def test_depth_scale_and_rectify_are_passed_when_given_and_the_params_file_keeps_them():
    # depth_scale was a node parameter no launch argument set (field report: a D405's
    # 0.1 mm units needed a parameters file of its own); so was rectify, which the README
    # and the node's rectifying WARN give as rectify:=never: ros2 launch took it as an
    # undeclared argument without a word and the node went on rectifying (helper-66).
    given = {'use_sim_time': 'true', 'model': 'bundled'}
    params = node_parameters(**given)
    assert 'depth_scale' not in params  # empty: the parameters file's value stands
    assert 'rectify' not in params
    assert node_parameters(**given, rectify='never')['rectify'] == 'never'
    assert params['use_sim_time'] is True and params['model'] == 'bundled'
    params = node_parameters(**given, depth_scale=' 0.0001 ')
    assert params['depth_scale'] == 0.0001 and isinstance(params['depth_scale'], float)
    with pytest.raises(RuntimeError, match='depth_scale:=mm is not a number'):
        node_parameters(**given, depth_scale='mm')
    # Every name it sets is a node parameter, and the argument defaults to "not given".
    names = {p.name for p in PARAMETERS} | {'use_sim_time'}
    assert set(node_parameters(**given, depth_scale='0.001')) <= names
    assert _arguments()['depth_scale'][0] == ''
    default, choices = _arguments()['rectify']
    rectify = next(p for p in PARAMETERS if p.name == 'rectify')
    assert default == '' and set(choices) == {''} | set(rectify.choices)


def test_truth_arguments_take_every_spelling_and_refuse_the_rest():
    """ros2/launch#944: 'provided value "True" is not valid. Valid options are: [...]'.

    Before, ``use_sim_time:=True`` (as nav2-style launch files pass it) stopped the launch
    on its choices, and ``managed:=ture`` or ``shared_model:=Yes!`` were read as false
    without a word.
    """
    assert _arguments()['use_sim_time'][1] is None  # no case-sensitive choices
    truth = _launch_scope()['truth']
    for text, want in (('True', True), ('TRUE', True), (' 1 ', True), ('yes', True),
                       ('On', True), ('False', False), ('0', False), ('NO', False),
                       ('off', False)):
        for name in ('use_sim_time', 'managed', 'shared_model'):
            assert truth({name: text}.__getitem__, name) is want, (name, text)
    for text in ('ture', 'Yes!', '', '2'):
        with pytest.raises(RuntimeError, match=f'managed:={re.escape(text)} is not a truth '
                           'value: write true or false'):
            truth({'managed': text}.__getitem__, 'managed')
    assert node_parameters(use_sim_time='True')['use_sim_time'] is True
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
    # launch the file); `-p`/`-r` ones are for a node started without it. Another
    # package's launch line (the camera driver's, session 46: realsense2_camera with
    # `align_depth.enable:=true`) and its dotted parameter names are not this file's.
    robot = readme.split('## On a robot', 1)[1].split('\n## ', 1)[0]
    robot = re.sub(r'ros2 launch (?!clip_perception )\S+ \S+(?:.*\\\n)*.*', '', robot)
    said = [tok for tok in re.findall(r'`([^`]*:=[^`]*)`', robot)
            if not re.search(r'(^|\s)-[pr] ', tok)]
    assert len(said) >= 5
    for tok in said:
        for name in re.findall(r'(?<![\w.])(\w+):=', tok):
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
    declared = set(_arguments())
    assert {'rectify', 'depth_kind', 'frame_id', 'vocabulary', 'image_up'} <= said, said
    assert said <= declared, said - declared
    params = node_parameters()
    assert 'depth_kind' not in params and 'frame_id' not in params  # the file's stand
    params = node_parameters(depth_kind='ray', frame_id=' cam_optical ')
    assert (params['depth_kind'], params['frame_id']) == ('ray', 'cam_optical')
    assert 'swap_red_blue' not in params  # the file's stands
    assert node_parameters(swap_red_blue='True')['swap_red_blue'] is True


def test_no_launch_default_overwrites_a_users_parameters_file():
    """A launch argument left at its default sets nothing over the user's params_file.

    The fault (brief 90): ``model`` (default openai/clip-vit-base-patch32) and ``device``
    (``auto``), and the same way ``image_transport``, ``depth_transport`` (``raw``) and
    ``use_sim_time`` (``false``), were always set over ``params_file:=``, so the file's
    values of these five never reached the node, without a word: 5 parameters overwritten
    by defaults -> 0. Checked for every argument node_parameters reads, so a new one
    declared with a default of its own fails here.
    """
    read = []
    values = launch_values()

    def value(name):
        read.append(name)
        return values[name]
    assert _launch_scope()['node_parameters'](value, PARAMS) == {}
    args = _arguments()
    read = set(read) - {'params_file'}
    assert {'model', 'device', 'image_transport', 'depth_transport', 'use_sim_time'} <= read
    for name in read:
        assert args[name][0] == '', f'{name} defaults to {args[name][0]!r}, not "not given"'
    # Every launch argument named as a node parameter is one of them ('command' is the
    # command topic's remap, not the parameter).
    params = {p.name for p in PARAMETERS} | {'use_sim_time'}
    assert set(args) & params - {'command'} <= read, set(args) & params - read


def test_given_arguments_win_and_the_shipped_file_still_gets_the_robot_model():
    """What a user passes is set over any parameters file.

    The shipped file's ``bundled`` is not the launch file's model: its documented default
    is the node's own, a real CLIP.
    """
    default_model = next(p.default for p in PARAMETERS if p.name == 'model')
    assert node_parameters(params_file=PARAMS) == {'model': default_model}
    given = {'model': ' bundled ', 'device': 'cpu', 'image_transport': 'compressed',
             'depth_transport': 'zstd', 'use_sim_time': 'True', 'depth_scale': '0.0001',
             'rectify': 'never', 'depth_kind': 'ray', 'frame_id': 'cam_optical',
             'vocabulary': 'laptop, mug', 'swap_red_blue': 'on', 'image_up': 'down'}
    want = dict(given, model='bundled', use_sim_time=True, depth_scale=0.0001,
                swap_red_blue=True)
    for params_file in (USER_PARAMS, PARAMS):
        assert node_parameters(params_file=params_file, **given) == want
    # The shipped file named by another path (a symlinked install) is the shipped file.
    link = os.path.join(os.path.dirname(PARAMS), '..', 'config', 'clip_perception.yaml')
    assert node_parameters(params_file=link) == {'model': default_model}


def test_a_users_parameters_file_reaches_the_node_through_the_launch_parameters(
        probe, start_node, tmp_path):
    """A user's parameters file reaches the node started as launch_ros starts it.

    ``--params-file`` the user's file, then the launch file's parameters written as
    launch_ros writes a dict (keyed by the node's name). Before: the node got model
    openai/clip-vit-base-patch32 (no download here: it did not start), device auto, raw
    transports and the system clock whatever the file said.
    """
    user = tmp_path / 'my_params.yaml'
    with open(PARAMS) as f:
        mine = yaml.safe_load(f)
    mine['/**']['ros__parameters'].update(device='cpu', image_transport='compressed',
                                         depth_transport='compressedDepth',
                                         use_sim_time=True, min_confidence=0.4)
    user.write_text(yaml.safe_dump(mine))
    names = ['model', 'device', 'image_transport', 'depth_transport', 'use_sim_time',
             'min_confidence']
    for given, want in (({}, ['bundled', 'cpu', 'compressed', 'compressedDepth', True, 0.4]),
                        ({'image_transport': 'zstd', 'use_sim_time': 'false'},
                         ['bundled', 'cpu', 'zstd', 'compressedDepth', False, 0.4])):
        launch = tmp_path / 'launch_params.yaml'
        params = node_parameters(params_file=str(user), **given)
        launch.write_text(yaml.safe_dump({'/clip_perception': {'ros__parameters': params}}))
        node = start_node('--params-file', str(launch), params_file=str(user))
        assert wait_for_node(probe), node.output()
        res = test_node_process.call(probe, GetParameters, '/clip_perception/get_parameters',
                   GetParameters.Request(names=names))
        got = [parameter_value_to_python(v) for v in res.values]
        assert got == want, (given, got, node.output()[-3000:])
        assert node.stop() == 0


def test_the_arguments_that_set_parameters_are_made_from_their_descriptors():
    """One source of truth: each argument that sets a node parameter is its descriptor's.

    The launch file wrote 16 of them by hand beside config.PARAMETERS (their help and
    choices copied, and again in node_parameters as lists of text, number and truth
    names): a parameter's choice or description changed in one place only (the last
    review). Now each is made from the descriptor (its description, its choices with '',
    default ''), and node_parameters reads each as its parameter's type.
    """
    params = {p.name: p for p in PARAMETERS}
    generated = _generated_arguments()
    assert [name for name, _, _ in generated] == list(LAUNCH_PARAMETERS)
    with open(PARAMS) as f:
        shipped = yaml.safe_load(f)['/**']['ros__parameters']
    for name, description, choices in generated:
        p = params[name]
        assert description.startswith(p.description), name
        assert choices == (['', *p.choices] if p.choices else None), name
        if name != 'model':
            value = shipped[name]
            value = str(value).lower() if isinstance(value, bool) else \
                'empty' if value == '' else value
            assert description.endswith(f"Empty: the parameters file's value ({value} in "
                                        'the shipped one).'), (name, description[-80:])
    assert 'ROBOT_MODEL' not in {n: d for n, d, _ in generated}['model']
    assert 'openai/clip-vit-base-patch32 (its bundled is for tests' in \
        {n: d for n, d, _ in generated}['model']
    # Each is read as its type: a number, a truth value, text.
    for name in LAUNCH_PARAMETERS:
        default = params[name].default
        given = {bool: 'On', int: '3', float: '2.5', str: ' text '}[type(default)]
        got = node_parameters(**{name: given})[name]
        assert got == {bool: True, int: 3, float: 2.5, str: 'text'}[type(default)], name
        assert type(got) is type(default), name
    with pytest.raises(RuntimeError, match=r'float_depth_far:=far is not a number: Far clip '
                       r'plane \(m\)'):
        node_parameters(float_depth_far='far')


def test_what_a_robot_tunes_first_is_a_launch_argument():
    """Precision, runtime, CPU threads, the threshold and the driver's QoS are launch arguments.

    A new user's trial (session 48, helper-h171): ``torch_threads:=2`` on the launch line
    was dropped by ``ros2 launch`` without a word (no such argument); these five could be
    set only through a params file of one's own.
    """
    got = node_parameters(dtype='float16', backend='openvino', torch_threads='2',
                          min_confidence='0.3', qos_reliability='reliable')
    assert got == {'dtype': 'float16', 'backend': 'openvino', 'torch_threads': 2,
                   'min_confidence': 0.3, 'qos_reliability': 'reliable'}
    assert node_parameters() == {}  # not given: the parameters file's values stand
    with pytest.raises(RuntimeError, match=r'torch_threads:=2.5 is not a whole number'):
        node_parameters(torch_threads='2.5')
    args = {name for name, _, _ in _generated_arguments()}
    assert {'dtype', 'backend', 'torch_threads', 'min_confidence', 'qos_reliability'} <= args


def test_an_undeclared_argument_is_named_and_never_set_nor_refused():
    """``max_proposals:=8`` or ``max_proposal:=8`` is warned about; a bringup's are not read.

    ``ros2 launch`` keeps an argument it does not declare among the launch configurations
    and says nothing: before (session 48), a node parameter that is no launch argument, or
    a typo of one, set nothing without a word. helper-h174 (session 49) read every such
    parameter from the configurations and refused near misses; helper-h181's review found
    that an including bringup's own arguments pass down unscoped (ros2/launch#620), so
    realsense-ros rs_launch.py's ``diagnostics_period:='0.0'`` set our node's parameter
    (start-up refused: range min 0.1) and ``camera:=d435`` (``cameras`` at ratio 0.92)
    stopped the whole bringup. Now each is warned about, never set and never refused.
    """
    scope = _launch_scope()
    warn = scope['undeclared_warnings']
    declared = list(_arguments())
    assert 'max_proposals' not in declared and 'diagnostics_period' not in declared
    lines = warn({'max_proposals': '8', 'max_proposal': '8', 'use_rviz': 'true',
                  'ros_namespace': '/robot', 'launch-prefix': 'gdb -ex run --args',
                  'model': 'bundled'}, declared)
    assert len(lines) == 2, lines
    assert lines[0].startswith('max_proposal:=8 ') and 'did you mean max_proposals?' in lines[0]
    assert lines[1].startswith('max_proposals:=8 sets nothing') and 'parameters file' in lines[1]
    # A bringup's leaked arguments: words at most, never an exception, never a parameter.
    leaked = {'diagnostics_period': '0.0', 'camera': 'd435', 'use_namespace': 'false',
              'depth_width': '848', 'device_id': '0', 'tracking': 'false'}
    said = warn(leaked, declared)
    assert any(line.startswith('diagnostics_period:=0.0 sets nothing') for line in said), said
    assert any(line.startswith('camera:=d435 sets nothing') for line in said), said
    assert node_parameters() == {}
    # The node parameters the launch sets come from declared arguments only.
    assert scope['node_parameters'].__code__.co_varnames[:2] == ('value', 'shipped')
    with open(LAUNCH) as f:
        source = f.read()
    assert 'undeclared_warnings(dict(context.launch_configurations), declared)' in source
    assert "kwargs={'declared': [a.name for a in args]}" in source
