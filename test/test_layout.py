"""The package layout says what runs on a robot: runtime, world, tools (issue 16).

Runtime modules (``clip_perception/*.py``) never import the toy world
(``clip_perception.world``) or the tools (``clip_perception.tools``), only the node
modules import rclpy or message packages, and no package-internal module-level imports
form a cycle.
"""

import ast
import os

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'src',
                   'clip_perception')
ROS = ('rclpy', 'std_msgs', 'sensor_msgs', 'geometry_msgs', 'visualization_msgs',
       'diagnostic_msgs', 'std_srvs', 'lifecycle_msgs', 'rcl_interfaces', 'vision_msgs',
       'builtin_interfaces')


def modules():
    """``{dotted name: path}`` of every module of the package."""
    out = {}
    for root, _, files in os.walk(SRC):
        for f in files:
            if f.endswith('.py'):
                rel = os.path.relpath(os.path.join(root, f), os.path.dirname(SRC))
                name = rel[:-3].replace(os.sep, '.').removesuffix('.__init__')
                out[name] = os.path.join(root, f)
    return out


def imports(path, top_level_only=False):
    """Return the module names one file imports (function-level ones too unless told)."""
    names = set()
    with open(path) as f:
        tree = ast.parse(f.read())
    for node in (tree.body if top_level_only else ast.walk(tree)):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f'{node.module}.{a.name}' for a in node.names)
    return names


def test_runtime_never_imports_the_world_or_the_tools():
    for name, path in modules().items():
        if name.startswith(('clip_perception.world', 'clip_perception.tools')):
            continue
        bad = {m for m in imports(path)
               if m.startswith(('clip_perception.world', 'clip_perception.tools'))}
        assert not bad, f'{name} (runtime) imports {sorted(bad)}'


def test_only_the_node_modules_import_ros():
    shells = {'clip_perception.node', 'clip_perception.lifecycle_node'}
    for name, path in modules().items():
        if name in shells or name.startswith('clip_perception.tools'):
            continue
        ros = {m for m in imports(path) if m.split('.')[0] in ROS}
        assert not ros, f'{name} is core code but imports {sorted(ros)}'


def test_no_import_cycles_inside_the_package():
    """Module-level imports form no cycle (a function-level import runs after loading)."""
    mods = modules()
    graph = {name: {m for m in imports(path, top_level_only=True) if m in mods and m != name}
             for name, path in mods.items()}
    state = {}

    def visit(n, stack):
        state[n] = 'open'
        for m in graph[n]:
            if state.get(m) == 'open':
                raise AssertionError('import cycle: ' + ' -> '.join(stack + [n, m]))
            if m not in state:
                visit(m, stack + [n])
        state[n] = 'done'
    for n in graph:
        if n not in state:
            visit(n, [])
