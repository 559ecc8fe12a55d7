"""Parameter overrides that rcl's merge loses, found from the command line.

rcl parses every ``--params-file`` and ``-p name:=value`` of ``--ros-args``, in order, into
one ``rcl_variant_t`` per node and parameter: a union with one field per type (bool,
integer, double, string, and an array of each). A later source overwrites only its own
type's field; a field of another type set by an earlier source stays set (rcl_yaml_param
_parser ``parse_value``). rclpy then reads the first field that is set, in the order
bool, integer, double, string, then the arrays (``_parameter_from_rcl_variant``). So a
later value loses to an earlier one whose type comes first: ``--params-file`` giving
``vocabulary: ''`` then ``-p 'vocabulary:=[a, b]'`` reaches the node as ``''``, the list
gone without a word (and ``min_confidence: 1`` in a file, then ``-p min_confidence:=0.7``,
as 1). Nothing the node is handed shows it; this module replays the merge from the
arguments and says which value each parameter was meant to have.

Also here: the namespace remap (``-r __ns:=...``) a process of several nodes must take
itself (:func:`take_namespace_remap`).

Pure: takes the argument list and the YAML texts, imports no ROS package. The replay is
trusted only where it agrees with what rclpy handed the node (the caller checks).
"""

from dataclasses import dataclass
import difflib
import re

import yaml

# rclpy's order of the variant's fields (the first one set wins).
TYPE_ORDER = ('bool', 'integer', 'double', 'string', 'bool_array', 'integer_array',
              'double_array', 'string_array')
_TRUE = {'Y', 'y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'}
_FALSE = {'N', 'n', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'}
# strtol(value, &end, 0) consuming the whole text: decimal, 0x hex, 0 octal.
_INTEGER = re.compile(r'\s*[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)')
# strtod consuming the whole text (hexadecimal floats left out), and YAML's .inf/.nan.
_DOUBLE = re.compile(r'\s*[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|inf(inity)?|nan)', re.I)
_YAML_SPECIAL = {'.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF',
                 '-.inf', '-.Inf', '-.INF'}
# --ros-args options followed by a value that is not a parameter.
_WITH_VALUE = {'-r', '--remap', '-e', '--enclave', '--log-level', '--log-config-file',
               '--log-file-name'}
# --ros-args options without a value, and every option (rcl/arguments.h): the nearest to
# a misspelt one is named.
_FLAGS = {'--enable-rosout-logs', '--disable-rosout-logs', '--enable-stdout-logs',
          '--disable-stdout-logs', '--enable-external-lib-logs', '--disable-external-lib-logs'}
_ROS_OPTIONS = sorted(_WITH_VALUE | _FLAGS | {'-p', '--param', '--params-file'})


class Unparsed(ValueError):
    """A source this replay cannot read as rcl would: nothing is concluded from it."""


@dataclass(frozen=True)
class Lost:
    """A parameter whose value rcl's merge hands the node is not the one meant.

    ``kept`` is the value rclpy hands the node (``kept_from`` names its source as written
    on the command line, and the file's section); ``meant`` the last value given
    (``meant_from``). ``cause`` says why they differ:

    * ``type``: the later value has another type and lost to the earlier one in the same
      section (rcl merges by type); the node takes ``meant``.
    * ``order``: an earlier section replaced it because its key first appeared later (rcl
      applies sections in that order, ros2/rclcpp#953: ``-p`` after a file keyed
      ``/**/clip_perception:``, or by the node's own name, that came after ``/**:``); the
      node takes ``meant``. A section keyed by the node's own name has no precedence of
      its own in rclpy (Jazzy): given first, a wildcard after it wins; so it is no
      exception here (launch_ros#234 documents "fully qualified node names override
      wildcards even when specified earlier", which rclpy applies only when a wildcard
      key came first: ``test_param_overrides.py`` checks each case against rclpy).
    """

    name: str
    meant: object
    meant_from: str
    kept: object
    kept_from: str
    cause: str = 'type'


def _ros_arguments(argv):
    """Yield ``argv`` as rcl reads it: ``(start, end, option, word)`` per argument.

    Inside ``--ros-args`` (until ``--``), an option that takes a value (``-p``, ``-r``,
    ``--params-file``, ...) comes with the word after it: ``option`` is the option and
    ``word`` its value; else ``option`` is None and ``word`` the argument.
    ``argv[start:end]`` is what was yielded.
    """
    inside, i = False, 0
    while i < len(argv):
        arg = argv[i]
        if arg == '--ros-args':
            inside = True
        elif arg == '--':
            inside = False
        elif inside and arg in _WITH_VALUE | {'-p', '--param', '--params-file'} and \
                i + 1 < len(argv):
            yield i, i + 2, arg, argv[i + 1]
            i += 2
            continue
        yield i, i + 1, None, arg
        i += 1


def sources(argv):
    """Return the parameter sources of ``argv``'s ``--ros-args``, in order.

    :param argv: the process's arguments (``sys.argv``).
    :return: ``[('file', path) | ('param', 'name:=value')]``.
    """
    return [('file' if option == '--params-file' else 'param', word)
            for _, _, option, word in _ros_arguments(argv)
            if option in ('-p', '--param', '--params-file')]


_NAME_REMAP = re.compile(r'(?:(?P<node>[^:]+):)?__(?P<what>ns|node):=(?P<value>.*)')


def take_namespace_remap(argv, node_name):
    """Split the namespace remaps that apply to every node named ``node_name`` off ``argv``.

    ``-r __ns:=/robot1`` (``--remap``, or ``<node_name>:__ns:=/robot1``) among
    ``--ros-args`` is a global rcl remap: it sets the namespace of every node of the
    process that uses the global arguments, whatever namespace the node was created with
    (rcl_remap_node_namespace). ``ros2 run ... --ros-args -r __ns:=/robot1`` passes one,
    and so does launch_ros for a Node under a parent launch file's ``PushRosNamespace``
    (nav2's multi-robot bringup). A process holding one node per camera, each in its own
    namespace, then had every node in ``/robot1`` under one name. The caller takes the
    returned namespace as the one above its nodes' own.

    Read as rcl reads it (rcl/src/rcl/remap.c, checked against rclpy here): the first
    rule that applies wins, not the last; a node renamed by ``__node:=NAME`` (global or
    ``<node_name>:__node:=NAME``, the first that applies) takes the ``NAME:__ns:=`` rules
    and no longer the ``<node_name>:__ns:=`` ones. The ``__node`` remap stays in ``argv``.

    :param argv: the process's arguments (``sys.argv``), a list of str.
    :param node_name: the name the process's nodes are created with.
    :return: ``(argv without the namespace remaps that apply, the namespace the first one
        gives)``; the namespace is ``''`` when there is none (remaps for other node names
        stay).
    """
    rules = [(start, end, _NAME_REMAP.fullmatch(word))
             for start, end, option, word in _ros_arguments(argv)
             if option in ('-r', '--remap')]
    renames = [r['value'] for _, _, r in rules
               if r and r['what'] == 'node' and r['node'] in (None, node_name)]
    name = renames[0] if renames else node_name
    taken = [(start, end, r['value']) for start, end, r in rules
             if r and r['what'] == 'ns' and r['node'] in (None, name)]
    out, skip = [], {start for start, _, _ in taken}
    for start, end, _, _ in _ros_arguments(argv):
        if start not in skip:
            out.extend(argv[start:end])
    return out, (taken[0][2] if taken else '')


def _scalar(node):
    """``(type, value)`` of a YAML scalar as rcl's ``get_value`` types it."""
    text, quoted = node.value, node.style in ("'", '"')
    if not quoted:
        if text in _TRUE or text in _FALSE:
            return 'bool', text in _TRUE
        if _INTEGER.fullmatch(text):
            digits = text.strip()
            octal = re.fullmatch(r'[+-]?0[0-7]+', digits)
            value = int(digits, 8 if octal else 0)
            if -2 ** 63 <= value < 2 ** 63:  # else strtol's ERANGE: rcl tries a double
                return 'integer', value
        if text in _YAML_SPECIAL:
            return 'double', float(text.replace('.', '', 1))
        if _DOUBLE.fullmatch(text):
            return 'double', float(text)
        if text == '':
            raise Unparsed('an empty value')
    return 'string', text


def _value(node):
    """``(type, value)`` of a parameter's YAML node (a scalar or a sequence of them)."""
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode) and node.value and all(
            isinstance(n, yaml.ScalarNode) for n in node.value):
        items = [_scalar(n) for n in node.value]
        kinds = {k for k, _ in items}
        if len(kinds) == 1:
            return kinds.pop() + '_array', [v for _, v in items]
    raise Unparsed('not a scalar or a sequence of scalars of one type')


def _file_values(text):
    """``{(node key, parameter name): (type, value)}`` of a parameters file.

    The node key is written as rcl keeps it (:func:`node_key_applies` matches it).
    """
    out = {}

    def walk(node, names):
        if not isinstance(node, yaml.MappingNode):
            raise Unparsed('a node entry that is not a mapping')
        for key, value in node.value:
            if key.value == 'ros__parameters':
                # The key as rcl keeps it: as written, nested keys joined by "/". A
                # leading "/" or none makes another section ("robot/clip_perception" is
                # applied apart from "/robot/clip_perception", where it first appeared).
                params(value, '/'.join(names), '')
            else:
                walk(value, names + [key.value])

    def params(node, node_key, prefix):
        if not isinstance(node, yaml.MappingNode):
            raise Unparsed('ros__parameters that is not a mapping')
        for key, value in node.value:
            name = prefix + key.value
            if isinstance(value, yaml.MappingNode):
                params(value, node_key, name + '.')
            else:
                out[(node_key.replace('//', '/'), name)] = _value(value)

    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise Unparsed(f'YAML: {exc}') from None
    if root is not None:
        walk(root, [])
    return out


def _param_values(rule):
    """``{('/**', name): (type, value)}`` of one ``-p name:=value``."""
    name, sep, text = rule.partition(':=')
    if not sep or ':' in name:
        raise Unparsed(f'-p {rule}')
    try:
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise Unparsed(f'YAML: {exc}') from None
    if node is None:
        raise Unparsed('an empty value')
    return {('/**', name): _value(node)}


def lost_overrides(items, node_name):
    """Replay rcl's merge of ``items`` for node ``node_name``; return what it loses.

    rclpy applies every section of the merged sources whose node key matches the node
    (:func:`node_key_applies`) in the order each key first appeared on the command line
    (``-p`` is ``/**``), a later section's value replacing an earlier one's; within a
    section values merge by type (the module docstring). Where the value it keeps is not
    the last one given, the parameter is returned (:class:`Lost`, its ``cause`` says
    why).

    :param items: ``[(label, kind, text)]`` in command-line order: ``kind`` 'file' (the
        parameters file's text) or 'param' (``name:=value``); ``label`` names the source
        in messages (``--params-file x.yaml``).
    :param node_name: the node's fully qualified name (``/clip_perception``).
    :return: ``{name: Lost}``. A parameter any source of which cannot be read is left
        out; a file that cannot be read leaves out everything.
    """
    variants = {}   # (node key, name) -> {type: (value, label)}
    keys = []       # node keys in the order they first appear
    given = {}      # name -> [(specific, position, type, value, label, key)] for this node
    unread = set()  # names with a source this replay cannot read
    position = 0    # of each value given, in command-line and file order
    for label, kind, text in items:
        try:
            values = _file_values(text) if kind == 'file' else _param_values(text)
        except Unparsed:
            if kind == 'param':
                unread.add(text.partition(':=')[0])
                continue
            return {}  # a file we cannot read may set anything
        for (key, name), (kind_, value) in values.items():
            variants.setdefault((key, name), {})[kind_] = (value, label)
            if key not in keys:
                keys.append(key)
            if node_key_applies(key, node_name):
                position += 1
                given.setdefault(name, []).append(('*' not in key, position, kind_, value,
                                                   label, key))
    lost = {}
    for name in set(given) - unread:
        kept = None
        for key in keys:  # rclpy: each applying section in turn, the later replacing
            fields = variants.get((key, name))
            if fields and node_key_applies(key, node_name):
                kind_ = next(t for t in TYPE_ORDER if t in fields)
                kept = (kind_,) + fields[kind_] + (key,)
        last = max(given[name], key=lambda g: g[1])
        if kept[:2] == last[2:4] or (kept[1] == last[3] and 'bool' not in (kept[0], last[2])):
            continue  # the same value (1 and 1.0 too: the node declares it as one type)
        if last[5] == kept[3]:
            lost[name] = Lost(name, last[3], last[4], kept[1], kept[2], 'type')
            continue
        # Which section of a file: the two may come from one file.
        lost[name] = Lost(name, last[3], _section(last[4], last[5]), kept[1],
                          _section(kept[2], kept[3]), 'order')
    return lost


def _section(label, key):
    """Name a source and, for a file, its section: ``--params-file x.yaml, "/**:"``."""
    return label if label.startswith('-p ') else f'{label}, "{key}:"'


def sections_after_parameters(text):
    """Find node sections nested in a key after that key's own ``ros__parameters``.

    rcl cannot parse them (ros2/rcl#1252): in ::

        /**:
          ros__parameters:
            use_sim_time: true
          clip_perception:
            ros__parameters: ...

    its parser drops ``/**`` from the namespace once it has read ``ros__parameters`` and
    then fails on ``clip_perception`` ("Internal error creating param namespace at line
    5"), so the node cannot start and rcl's message names neither the cause nor the
    fix. The same section before ``ros__parameters``, or as its own top-level key
    (``/**/clip_perception:``), is read.

    :param text: the parameters file's YAML text.
    :return: ``[(line, parent, child)]``: 1-based line of each such child key, the key
        path above it (``/**``) and the child's key; empty when none, or when the text
        is no YAML this can read.
    """
    found = []

    def walk(node, names):
        if not isinstance(node, yaml.MappingNode):
            return
        seen = False
        for key, value in node.value:
            if key.value == 'ros__parameters':
                seen = True
            elif isinstance(value, yaml.MappingNode):
                if seen:
                    found.append((key.start_mark.line + 1, '/'.join(names), key.value))
                walk(value, names + [key.value])

    try:
        walk(yaml.compose(text), [])
    except yaml.YAMLError:
        return []
    return found


def node_key_applies(key, node_name):
    """Tell whether a parameters file's node key applies to the node ``node_name``.

    As rcl matches them: a key without a leading ``/`` is absolute all the same
    (``clip_perception`` is ``/clip_perception``), ``*`` stands for one name token and
    ``**`` for any number of them, none included (``/**``, ``/**/clip_perception``).

    :param key: the key as :func:`_file_values` gives it (``/camera/clip_perception``).
    :param node_name: the node's fully qualified name (``/clip_perception``).
    """
    pattern = ''
    for token in key.strip('/').split('/'):
        if token == '**':
            pattern += r'(?:/[^/]+)*'
        elif token == '*':
            pattern += r'/[^/]+'
        else:
            pattern += '/' + re.escape(token)
    return re.fullmatch(pattern, node_name) is not None


@dataclass(frozen=True)
class Unmatched:
    """A parameters file none of whose node keys applies to the node: rcl ignores it all.

    ``label`` names the source as written on the command line, ``keys`` its node keys
    (``/clip_perception_node``), ``values`` the parameters it sets under them
    (``((name, value), ...)``, sorted by name; the last key's value where several set one).
    """

    label: str
    keys: tuple
    values: tuple


def unmatched_files(items, node_name):
    """Return the parameters files of ``items`` that set nothing for ``node_name``.

    rcl hands a node only the sections of a file keyed by its own name (or a wildcard
    that matches it, :func:`node_key_applies`), and says nothing of a file keyed by
    another: a file written for the executable's name (``clip_perception_node:``) or
    for another namespace (``/camera/clip_perception:``) leaves every parameter at its
    default without a word (field report: ros2/ros2#569, ros2/launch_ros#55).

    :param items: ``[(label, kind, text)]`` as for :func:`lost_overrides`.
    :param node_name: the node's fully qualified name.
    :return: ``[Unmatched]``, in command-line order; a file this replay cannot read, or
        one that sets no parameter, is left out.
    """
    out = []
    for label, kind, text in items:
        if kind != 'file':
            continue
        try:
            values = _file_values(text)
        except Unparsed:
            continue
        keys = sorted({'/' + key.lstrip('/') for key, _ in values})  # as node names
        if keys and not any(node_key_applies(key, node_name) for key in keys):
            named = {name: value for (_, name), (_, value) in values.items()}
            out.append(Unmatched(label, tuple(keys), tuple(sorted(named.items()))))
    return out


def unplaced_arguments(argv):
    """Say what each word among ``--ros-args`` that rcl cannot place was meant as.

    rcl refuses a word among ``--ros-args`` that is neither an option nor an option's value
    (rclpy raises ``UnknownROSArgsError`` from ``rclpy.init``, a Python traceback that
    names only the words). Three ways people write them (field reports:
    realsenseai/realsense-ros#1988 and ros2/launch#413, a value with spaces split into
    several arguments; ros2/ros2_documentation#376, a remap written without ``-r``):

    * a value with spaces not quoted: ``-p command:=the red ball`` leaves ``red``,
      ``ball``; the value is one argument: ``-p 'command:=the red ball'``;
    * a rule without its option: ``image:=/camera/color/image_raw`` is a remap with
      ``-r`` before it (a parameter with ``-p``);
    * a misspelt option: ``--param-file x.yaml`` (``--params-file``), its value with it.

    Pure: reads the argument list as rcl does (options, their values, ``--`` ending
    ``--ros-args``), imports no ROS package.

    :param argv: the process's arguments (``sys.argv``).
    :return: ``[(words, hint)]`` in order: the words (tuple of str) rcl cannot place, and
        one clause saying what to write instead.
    """
    out, inside, i, rule = [], False, 0, None
    while i < len(argv):
        arg = argv[i]
        if arg == '--ros-args':
            inside, rule = True, None
        elif arg == '--':
            inside = False
        elif not inside:
            pass
        elif arg in _WITH_VALUE or arg in ('-p', '--param', '--params-file'):
            rule = (arg, argv[i + 1]) if i + 1 < len(argv) and arg in (
                '-p', '--param', '-r', '--remap') else None
            i += 1
        elif arg in _FLAGS:
            rule = None
        else:
            words = [arg]
            while i + 1 < len(argv) and argv[i + 1] not in _ROS_OPTIONS and \
                    argv[i + 1] not in ('--', '--ros-args') and ':=' not in argv[i + 1] and \
                    (rule is not None or arg.startswith('-')):
                i += 1
                words.append(argv[i])
            if arg.startswith('-'):
                near = difflib.get_close_matches(arg, _ROS_OPTIONS, n=1, cutoff=0.6)
                hint = f'{arg} is no option of --ros-args' + (
                    f' (did you mean {near[0]}?)' if near else '')
            elif ':=' in arg:
                hint = (f'{arg} has no option before it: a remap is written -r {arg}, a '
                        'parameter -p NAME:=VALUE')
            elif rule is not None:
                flag, value = rule
                hint = (f'a value with spaces is one argument: quote it, {flag} '
                        f"'{' '.join([value] + words)}'")
            else:
                hint = f'{arg} is no ROS argument'
            out.append((tuple(words), hint))
            rule = None
        i += 1
    return out
