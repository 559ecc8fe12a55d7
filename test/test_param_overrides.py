"""rcl's merge of --params-file and -p replayed: which override values it loses."""

import os

import pytest
import rclpy
import rclpy.context
import rclpy.node
import yaml

from clip_perception.param_overrides import lost_overrides
from clip_perception.param_overrides import node_key_applies
from clip_perception.param_overrides import sections_after_parameters
from clip_perception.param_overrides import sources
from clip_perception.param_overrides import take_namespace_remap
from clip_perception.param_overrides import unmatched_files
from clip_perception.param_overrides import unplaced_arguments
from conftest import REPO

with open(os.path.join(REPO, 'config', 'clip_perception.yaml')) as _f:
    DEFAULTS = _f.read()
NODE = '/clip_perception'


def default_file():
    return ('--params-file clip_perception.yaml', 'file', DEFAULTS)


def p(rule):
    return (f'-p {rule}', 'param', rule)


def test_sources_are_read_from_the_ros_arguments_in_order():
    argv = ['node', '-x', '--ros-args', '-r', 'image:=cam', '-p', 'a:=1', '--params-file',
            'f.yaml', '--param', 'b:=[x]', '--', '-p', 'c:=2', '--ros-args', '-p', 'd:=3']
    assert sources(argv) == [('param', 'a:=1'), ('file', 'f.yaml'), ('param', 'b:=[x]'),
                             ('param', 'd:=3')]


def test_a_list_after_a_string_in_the_params_file_is_lost_and_named():
    """The field fault: the file's '' shadows the -p list (rclpy reads strings first)."""
    lost = lost_overrides([default_file(), p('vocabulary:=[laptop, coffee mug]')], NODE)
    assert set(lost) == {'vocabulary'}
    why = lost['vocabulary']
    assert why.meant == ['laptop', 'coffee mug'] and why.kept == ''
    assert why.meant_from == '-p vocabulary:=[laptop, coffee mug]'
    assert why.kept_from == '--params-file clip_perception.yaml'


def test_a_yaml_list_in_a_second_params_file_is_lost_too():
    user = ('--params-file user.yaml', 'file',
            '/**:\n  ros__parameters:\n    vocabulary: [laptop, stapler]\n')
    assert lost_overrides([default_file(), user], NODE)['vocabulary'].meant == [
        'laptop', 'stapler']


def test_a_double_after_an_integer_is_lost():
    """``min_confidence: 1`` in a file, then ``-p min_confidence:=0.7``: rclpy reads 1."""
    f = ('--params-file f.yaml', 'file', '/**:\n  ros__parameters:\n    min_confidence: 1\n')
    lost = lost_overrides([f, p('min_confidence:=0.7')], NODE)
    assert (lost['min_confidence'].meant, lost['min_confidence'].kept) == (0.7, 1)


@pytest.mark.parametrize('items', [
    [default_file(), p('vocabulary:=laptop, mug')],      # same type: the later wins
    [default_file(), p('min_confidence:=1')],            # integer before double: wins
    [p('vocabulary:=[a, b]'), default_file()],           # the string is last anyway
    [default_file(), p("vocabulary:='[a, b]'")],         # quoted: a string
    [default_file(), p('command:=the red ball')],
    [default_file(), p('vocabulary:=[]')],               # not read: nothing concluded
])
def test_what_rclpy_reads_as_the_last_value_is_not_reported(items):
    assert lost_overrides(items, NODE) == {}


def test_node_specific_entries_are_matched_by_the_fully_qualified_name():
    ns = ('--params-file ns.yaml', 'file', 'robot:\n  clip_perception:\n    ros__parameters:'
          '\n      vocabulary: x\n      min_confidence: 1\n')
    lost = lost_overrides([ns, ('--params-file l.yaml', 'file', 'robot/clip_perception:\n'
                                '  ros__parameters:\n    vocabulary: [a]\n')],
                          '/robot/clip_perception')
    assert set(lost) == {'vocabulary'} and lost['vocabulary'].meant == ['a']
    # Another node's entries are not this node's.
    assert lost_overrides([ns, p('vocabulary:=[a]')], NODE) == {}


@pytest.mark.parametrize('later, meant', [
    ('0x10', 16), ('010', 8), ('-7', -7), ('.inf', float('inf')), ('1e3', 1000.0),
    ('1.5', 1.5), ("'yes'", 'yes'), ('[1, 2]', [1, 2])])
def test_scalars_are_typed_as_rcl_types_them(later, meant):
    """Integers as strtol reads them, doubles as strtod, quoted strings, arrays.

    Each comes after bool in rclpy's order, so each is lost after a file's ``true``.
    """
    f = ('f', 'file', '/**:\n  ros__parameters:\n    x: true\n')
    lost = lost_overrides([f, p(f'x:={later}')], NODE)
    assert lost['x'].meant == meant and lost['x'].kept is True
    assert lost_overrides([f, p('x:=off')], NODE) == {}  # a bool after a bool: kept


def test_an_unreadable_params_file_concludes_nothing():
    assert lost_overrides([('f', 'file', 'a: [unclosed'), p('vocabulary:=[a]')], NODE) == {}


@pytest.mark.parametrize('key, node, applies', [
    ('/**', '/clip_perception', True), ('/**', '/robot/cam/clip_perception', True),
    ('/*', '/clip_perception', True), ('/*', '/robot/clip_perception', False),
    ('/clip_perception', '/clip_perception', True),
    ('clip_perception', '/clip_perception', True),          # no leading slash: absolute
    ('/**/clip_perception', '/clip_perception', True),      # ** takes no token too
    ('/**/clip_perception', '/robot/cam/clip_perception', True),
    ('/*/clip_perception', '/clip_perception', False),      # * is exactly one token
    ('/robot/*', '/robot/clip_perception', True),
    ('/clip_perception_node', '/clip_perception', False),   # the executable's name
    ('/camera/clip_perception', '/clip_perception', False),
    ('/clip_perception', '/camera/clip_perception', False),
    ('/clip.perception', '/clip_perception', False),        # a key is no regular expression
])
def test_a_node_key_applies_as_rcl_matches_it(key, node, applies):
    """Checked against rclpy on the running node: repro/params_node_key.py (round 8)."""
    assert node_key_applies(key, node) is applies


def test_a_params_file_keyed_by_another_node_is_named_with_what_it_sets():
    """The field fault: rcl ignores such a file whole, and nothing said so."""
    wrong = DEFAULTS.replace('/**:', 'clip_perception_node:', 1)
    files = unmatched_files([default_file(), ('--params-file w.yaml', 'file', wrong),
                             p('min_confidence:=0.3')], NODE)
    assert [f.label for f in files] == ['--params-file w.yaml']
    assert files[0].keys == ('/clip_perception_node',)
    values = dict(files[0].values)
    assert values['model'] == 'bundled' and values['min_confidence'] == 0.5


@pytest.mark.parametrize('text', [
    DEFAULTS,                                                    # /**
    DEFAULTS.replace('/**:', '/robot/clip_perception:', 1),
    DEFAULTS.replace('/**:', '/**/clip_perception:', 1),
    'other_node:\n  ros__parameters:\n    x: 1\n' + DEFAULTS.replace('/**:', '/robot/*:', 1),
    '',                                                          # sets nothing
    'a: [unclosed',                                              # rcl's error, not ours
])
def test_a_params_file_with_a_section_for_the_node_is_not_named(text):
    assert unmatched_files([('f', 'file', text)], '/robot/clip_perception') == []


def test_a_namespaced_node_names_a_file_keyed_by_its_bare_name():
    files = unmatched_files([('f', 'file', DEFAULTS.replace('/**:', 'clip_perception:', 1))],
                            '/robot/clip_perception')
    assert files and files[0].keys == ('/clip_perception',)


def test_words_rcl_cannot_place_among_ros_args_are_said_as_what_was_meant():
    """realsense-ros#1988, ros2/launch#413 (a value with spaces split), ros2_documentation#376.

    rclpy.init raised UnknownROSArgsError, a traceback naming only the words.
    """
    def said(*ros_args):
        return unplaced_arguments(['clip_perception_node', '--ros-args', *ros_args])

    assert said('-p', 'command:=the', 'red', 'ball', '-p', 'tracking:=false') == [
        (('red', 'ball'), "a value with spaces is one argument: quote it, "
         "-p 'command:=the red ball'")]
    assert said('-r', 'image:=/camera/color', 'image_raw')[0][1].endswith(
        "-r 'image:=/camera/color image_raw'")
    [(words, hint)] = said('image:=/camera/color/image_raw', '-p', 'a:=1')
    assert words == ('image:=/camera/color/image_raw',) and \
        'a remap is written -r image:=/camera/color/image_raw' in hint
    [(words, hint)] = said('--param-file', 'x.yaml', '-p', 'a:=1')
    assert words == ('--param-file', 'x.yaml') and 'did you mean --params-file?' in hint
    # What rcl places is not named: options, their values, flags, and what follows --.
    assert said('--params-file', 'x.yaml', '-r', '__ns:=/a', '--log-level', 'debug',
                '--enable-rosout-logs', '-e', '/e', '-p', 'b:=2', '--', 'not', 'ros') == []
    assert unplaced_arguments(['clip_perception_node', 'wrist,head']) == []


@pytest.mark.parametrize('given, left, namespace', [
    (['-r', '__ns:=/robot1'], [], '/robot1'),
    (['--remap', 'clip_perception:__ns:=/fleet/r2'], [], '/fleet/r2'),
    # The first one that applies wins, as in rcl (all are taken); other nodes' remaps and
    # other names stay.
    (['-r', '__ns:=/a', '-r', 'image:=/cam/image', '-r', '__ns:=/b'],
     ['-r', 'image:=/cam/image'], '/a'),
    (['-r', 'clip_perception:__ns:=/a', '--remap', '__ns:=/b'], [], '/a'),
    (['-r', '__ns:=/b', '-r', 'clip_perception:__ns:=/a'], [], '/b'),
    # A renamed node takes its new name's rules, not its old name's; the rename stays.
    (['-r', '__node:=percept', '-r', 'percept:__ns:=/c'], ['-r', '__node:=percept'], '/c'),
    (['-r', 'clip_perception:__node:=percept', '-r', 'clip_perception:__ns:=/x'],
     ['-r', 'clip_perception:__node:=percept', '-r', 'clip_perception:__ns:=/x'], ''),
    (['-r', '__node:=first', '-r', '__node:=second', '-r', 'second:__ns:=/x',
      '-r', 'first:__ns:=/y'],
     ['-r', '__node:=first', '-r', '__node:=second', '-r', 'second:__ns:=/x'], '/y'),
    (['-r', 'other:__ns:=/x', '-r', 'command:=~/command'],
     ['-r', 'other:__ns:=/x', '-r', 'command:=~/command'], ''),
    # A value that says __ns:= is no remap; nor is a word outside --ros-args.
    (['-p', 'command:=__ns:=/x', '--params-file', '__ns:=/y'],
     ['-p', 'command:=__ns:=/x', '--params-file', '__ns:=/y'], ''),
    (['--', '-r', '__ns:=/x'], ['--', '-r', '__ns:=/x'], ''),
])
def test_a_namespace_remap_for_every_node_is_taken_off_the_arguments(given, left, namespace):
    """``-r __ns:=`` is rcl's global remap, taken off for the process to place itself.

    In a process of several nodes (one per camera, each in its own namespace) it put them
    all in one namespace under one name.
    """
    argv = ['clip_perception_cameras', 'wrist,head', '--ros-args', '--params-file', 'p.yaml']
    assert take_namespace_remap(argv + given, 'clip_perception') == (argv + left, namespace)
    if '--params-file' in given or '--' in given:
        # Splitting only: rcl would open the file; after --, rcl still applies a bare
        # __ns:=/x (its deprecated pre-Foxy syntax, with a warning), which is left to it.
        return
    # The namespace said is the one rcl itself gives a node created under these arguments.
    context = rclpy.context.Context()
    rclpy.init(args=['clip_perception_cameras', '--ros-args', *given], context=context)
    try:
        node = rclpy.node.Node('clip_perception', namespace='/cam', context=context)
        assert node.get_namespace() == (namespace or '/cam'), given
        node.destroy_node()
    finally:
        rclpy.shutdown(context=context)


# Parameters files of one section each, and one with two sections in either order.
_WILD = '/**:\n  ros__parameters:\n    min_confidence: 0.5\n    top_k: 5\n'
_NAMED = '/robot/clip_perception:\n  ros__parameters:\n    min_confidence: 0.7\n'
_WILD_NODE = '/**/clip_perception:\n  ros__parameters:\n    min_confidence: 0.6\n'
_NAMED_THEN_WILD = _NAMED + '/**:\n  ros__parameters:\n    min_confidence: 0.4\n'
_WILD_THEN_NAMED = '/**:\n  ros__parameters:\n    min_confidence: 0.4\n' + _NAMED
# The node's section keyed without the leading slash, or nested under its namespace: rcl
# keeps a key as written (nested keys joined by "/"), so each is a section of its own,
# applied where it first appeared, not merged into "/robot/clip_perception:".
_NESTED_NAMED = 'robot:\n  clip_perception:\n    ros__parameters:\n      min_confidence: 0.55\n'
_RELATIVE_NAMED = 'robot/clip_perception:\n  ros__parameters:\n    min_confidence: 0.65\n'
_SOURCES = {'wild': _WILD, 'named': _NAMED, 'wild_node': _WILD_NODE,
            'named_then_wild': _NAMED_THEN_WILD, 'wild_then_named': _WILD_THEN_NAMED,
            'nested_named': _NESTED_NAMED, 'relative_named': _RELATIVE_NAMED}


def _rclpy_value(tmp_path, sources, name='min_confidence'):
    """Return what rclpy hands ``/robot/clip_perception`` for ``name`` from ``sources``."""
    args = []
    for source in sources:
        if source.startswith('-p '):
            args += ['-p', source[3:]]
        else:
            path = tmp_path / f'{source}.yaml'
            path.write_text(_SOURCES[source])
            args += ['--params-file', str(path)]
    context = rclpy.context.Context()
    rclpy.init(args=['clip_perception_node', '--ros-args', *args], context=context)
    try:
        node = rclpy.node.Node('clip_perception', namespace='/robot', context=context,
                               automatically_declare_parameters_from_overrides=True)
        value = node.get_parameter(name).value
        node.destroy_node()
        return value
    finally:
        rclpy.shutdown(context=context)


def _items(sources):
    return [p(s[3:]) if s.startswith('-p ') else (f'--params-file {s}.yaml', 'file',
                                                  _SOURCES[s]) for s in sources]


@pytest.mark.parametrize('sources, meant, cause', [
    # A later value lost to a section whose key first appeared after the later value's
    # key (ros2/rclcpp#953): the last given is meant, as rcl's merge by type is undone.
    (['wild', 'wild_node', '-p min_confidence:=0.3'], 0.3, 'order'),
    (['named', 'wild', 'wild_then_named'], 0.7, 'order'),
    (['named_then_wild', 'named'], 0.7, 'order'),
    # A section keyed by the node's name over a wildcard given after it: the same rule
    # (rclpy gives the name no precedence: ['named', 'wild'] below is the wildcard's), so
    # the last value given is meant too (before: cause 'named', rcl's value kept).
    (['wild', 'named', '-p min_confidence:=0.3'], 0.3, 'order'),
    (['wild_then_named', '-p min_confidence:=0.3'], 0.3, 'order'),
    (['wild', 'named', 'wild'], 0.5, 'order'),
    # rcl keeps the last value given: nothing to say.
    (['named_then_wild'], 0.4, None),
    (['named', 'wild'], 0.5, None),
    (['named', '-p min_confidence:=0.3'], 0.3, None),
    (['named', 'wild', '-p min_confidence:=0.3'], 0.3, None),
    (['wild', 'named'], 0.7, None),
    (['wild_then_named'], 0.7, None),
    (['named', '-p top_k:=3'], 0.7, None),
    (['-p min_confidence:=0.3', 'named'], 0.7, None),
    (['wild', 'wild_node'], 0.6, None),
    (['wild_node', 'wild'], 0.5, None),
    (['wild_node', '-p min_confidence:=0.3'], 0.3, None),
    (['wild', 'named', '-p min_confidence:=0.70'], 0.7, None),  # the same value again
    # Keys rcl keeps apart though they name one node (review of a46e63b): merged, the
    # replay said nothing where a -p given last was unused, and named a loss where none was.
    (['nested_named', 'wild', 'named', '-p min_confidence:=0.3'], 0.3, 'order'),
    (['relative_named', 'wild', 'named', '-p min_confidence:=0.3'], 0.3, 'order'),
    (['named', 'wild', 'nested_named'], 0.55, None),
    (['named', 'wild', 'relative_named'], 0.65, None),
    # Nested or flat, "robot/clip_perception" is one key: applied where it first
    # appeared, before "/**:".
    (['nested_named', 'wild', 'relative_named'], 0.65, 'order'),
])
def test_sections_for_the_node_are_replayed_as_rclpy_applies_them(tmp_path, sources, meant,
                                                                   cause):
    """The node's sections are applied in the order their keys first appeared (session 34).

    rcl applies the sections for a node in that order (ros2/rclcpp#953), not the order the
    values were given: a ``-p`` after a parameters file keyed by the node, or by
    ``/**/clip_perception:``, gave the node the file's value without a word (0 of 6 said).
    ``meant`` is the last value given; the replay's ``kept`` is checked against what rclpy
    itself hands a node, in every case.
    """
    kept = _rclpy_value(tmp_path, sources)
    lost = lost_overrides(_items(sources), '/robot/clip_perception')
    if cause is None:
        assert lost == {} and kept == meant, (lost, kept)
        return
    why = lost['min_confidence']
    assert (why.cause, why.kept, why.meant) == (cause, kept, meant) and kept != meant, why
    assert '"/' in why.kept_from, why  # the file's section is named


_NESTED = {
    # (text, [(line, parent, child)]) -- the sections rcl#1252 cannot parse.
    'wild': ('/**:\n  ros__parameters:\n    use_sim_time: false\n  clip_perception:\n'
             '    ros__parameters:\n      min_confidence: 0.7\n',
             [(4, '/**', 'clip_perception')]),
    'namespace': ('robot:\n  ros__parameters:\n    top_k: 3\n  clip_perception:\n'
                  '    ros__parameters:\n      min_confidence: 0.7\n',
                  [(4, 'robot', 'clip_perception')]),
    'two': ('/**:\n  ros__parameters:\n    top_k: 3\n  camera:\n    ros__parameters:\n'
            '      fps: 30\n  clip_perception:\n    ros__parameters:\n      top_k: 4\n',
            [(4, '/**', 'camera'), (7, '/**', 'clip_perception')]),
    'before': ('/**:\n  clip_perception:\n    ros__parameters:\n      min_confidence: 0.7\n'
               '  ros__parameters:\n    top_k: 3\n', []),
    'flat': ('/**:\n  ros__parameters:\n    top_k: 3\n/**/clip_perception:\n'
             '  ros__parameters:\n    min_confidence: 0.7\n', []),
}


@pytest.mark.parametrize('case', sorted(_NESTED))
def test_a_node_section_after_ros_parameters_is_found_where_rcl_cannot_parse_it(tmp_path,
                                                                               case):
    """ros2/rcl#1252: a node key nested after its parent's ``ros__parameters``.

    rcl stops with "Internal error creating param namespace at line 6", naming neither
    the nesting nor the fix. Each file found is one rcl cannot parse, and the rewrite the
    node suggests (the child as its own top-level key) is one it parses, to the value
    meant; each not found parses as it is.
    """
    text, want = _NESTED[case]
    assert sections_after_parameters(text) == want

    def parses(body):
        path = tmp_path / 'p.yaml'
        path.write_text(body)
        context = rclpy.context.Context()
        try:
            rclpy.init(args=['x', '--ros-args', '--params-file', str(path)], context=context)
        except rclpy._rclpy_pybind11.RCLError as exc:
            assert 'Internal error creating param namespace' in str(exc)
            return None
        try:
            node = rclpy.node.Node('clip_perception', namespace='/robot', context=context,
                                   automatically_declare_parameters_from_overrides=True)
            values = {n: v.value for n, v in node._parameters.items()}
            node.destroy_node()
            return values
        finally:
            rclpy.shutdown(context=context)

    got = parses(text)
    assert (got is None) == bool(want), got
    if want:
        # The suggested rewrite: each nested child as its own top-level key.
        data = yaml.safe_load(text)
        flat = {}
        for parent, body in data.items():
            flat[parent] = {'ros__parameters': body.pop('ros__parameters')}
            for child, section in body.items():
                flat[f'{parent.rstrip("/")}/{child}'] = section
        fixed = parses(yaml.safe_dump(flat, sort_keys=False))
        assert fixed is not None and fixed.get('min_confidence', fixed.get('top_k')) in \
            (0.7, 4), fixed
