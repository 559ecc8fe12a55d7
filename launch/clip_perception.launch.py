r"""Launch clip_perception: one node per camera, plain or managed (lifecycle).

ros2 launch clip_perception clip_perception.launch.py \\
        image:=/camera/color/image_raw camera_info:=/camera/color/camera_info \\
        depth:=/camera/aligned_depth_to_color/image_raw model:=openai/clip-vit-base-patch32

* ``image_transport:=compressed`` subscribes ``<image>/compressed``
  (sensor_msgs/CompressedImage); ``depth_transport:=compressedDepth`` subscribes
  ``<depth>/compressedDepth``, ``depth_transport:=compressed`` ``<depth>/compressed``;
  ``zstd`` (either) ``<image>/zstd``, ``<depth>/zstd`` (Jazzy's zstd_image_transport).
  The shipped recording (data/demo_bag) needs
  ``image_transport:=compressed model:=bundled``.
* The command topic is ``~/command`` by default: ``/clip_perception/command``, or
  ``/<namespace>/clip_perception/command``, next to the node's outputs (the recording
  sends its commands there).
* ``cameras:=wrist,head`` starts one node per camera in namespace ``<namespace>/<camera>``
  (outputs ``/wrist/clip_perception/...``, command ``/wrist/clip_perception/command``);
  ``{camera}`` in a topic argument is replaced by the camera's name (default topics
  ``/{camera}/color/image_raw`` ... give ``/camera/color/image_raw`` without cameras).
* ``cameras:=wrist,head shared_model:=true`` runs those nodes in one process sharing one
  loaded model (``clip_perception_cameras``; README "Several cameras" has the memory).
* ``managed:=true`` starts ``clip_perception_lifecycle_node`` (unconfigured: configure
  and activate it with ``ros2 lifecycle set`` or nav2's lifecycle manager).
* ``rectify:=never`` keeps raw images as the driver sent them (``always``, ``auto``; empty,
  the default: the parameters file's value); ``depth_kind:=ray`` reads depth as the range
  along each pixel's ray (a simulator's distance-to-camera image); ``frame_id:=NAME`` names
  the outputs' frame; ``vocabulary:="laptop, coffee mug"`` names what else is in view;
  ``image_up:=down`` reads a camera mounted upside down (its image not turned);
  ``image_rows:=bottom_up`` reads images whose rows run bottom-up (an OpenGL readback).
* ``params_file:=FILE`` replaces the shipped parameters file. Every argument that sets a
  node parameter (model, device, the transports, use_sim_time, depth_scale, rectify, ...)
  is empty by default and then leaves the file's value; given, it wins over the file.
  Those of ``config.LAUNCH_PARAMETERS`` are made from the parameters' descriptors (their
  description and choices: ``config.launch_arguments``).
  With the shipped file, ``model`` is openai/clip-vit-base-patch32 unless given.
* Any other node parameter is set in the parameters file (``params_file:=``), not on the
  ``ros2 launch`` line: ``ros2 launch`` keeps an argument it does not declare without a
  word, so ``max_proposals:=8``, or a misspelt ``max_proposal:=8``, is warned about here,
  naming the parameter or the closest argument, and sets nothing. It is never read into a
  node parameter: a bringup that includes this file passes its own arguments down
  (realsense-ros's ``diagnostics_period:=0.0``, a ``camera:=d435``), and those must
  neither set this node's parameters nor stop the launch.
* If a node exits on its own, the launch shuts down; a non-zero exit code (e.g. a model
  that cannot load) makes ``ros2 launch`` itself exit non-zero.
"""

import difflib
import os
import re

from ament_index_python.packages import get_package_share_directory
from launch.actions import DeclareLaunchArgument
from launch.actions import EmitEvent
from launch.actions import OpaqueFunction
from launch.actions import RegisterEventHandler
from launch.actions import SetEnvironmentVariable
from launch.event_handlers import OnProcessExit
from launch.events import Shutdown
from launch.logging import get_logger
from launch.substitutions import EnvironmentVariable
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import LifecycleNode
from launch_ros.actions import Node
import yaml

from clip_perception.config import camera_names
from clip_perception.config import camera_namespace
from clip_perception.config import launch_arguments
from clip_perception.config import LAUNCH_PARAMETERS
from clip_perception.config import PARAMETERS
from launch import LaunchDescription

TRUE = ('true', '1', 'yes', 'on')
FALSE = ('false', '0', 'no', 'off')
# The node's own default model (config.PARAMETERS), what a robot runs; the shipped
# parameters file sets bundled, the toy-world model, for tests and the demo.
ROBOT_MODEL = 'openai/clip-vit-base-patch32'


# What an empty model argument means (node_parameters).
MODEL_EMPTY = ("Empty: your parameters file's value (the node's default "
               f'{ROBOT_MODEL} where it sets none); with the shipped file, {ROBOT_MODEL} '
               '(its bundled is for tests and the demo).')


def shipped_params():
    """Return the path of the shipped parameters file, ``config/clip_perception.yaml``."""
    return os.path.join(get_package_share_directory('clip_perception'), 'config',
                        'clip_perception.yaml')


def shipped_values(path):
    """Return ``{name: value}`` of the parameters file at ``path`` (its ``/**:`` section)."""
    with open(path) as f:
        return yaml.safe_load(f)['/**']['ros__parameters']


def generate_launch_description():
    share = get_package_share_directory('clip_perception')
    args = [
        DeclareLaunchArgument('namespace', default_value='',
                              description='Namespace of the node (of every camera node).'),
        DeclareLaunchArgument('params_file', default_value=shipped_params(),
                              description='Parameters file (config/clip_perception.yaml); '
                              'the launch arguments left empty leave its values.'),
        DeclareLaunchArgument('image', default_value='/{camera}/color/image_raw',
                              description='Colour image topic (base name for compressed).'),
        DeclareLaunchArgument('camera_info', default_value='/{camera}/color/camera_info',
                              description='CameraInfo of the colour image.'),
        DeclareLaunchArgument('depth',
                              default_value='/{camera}/aligned_depth_to_color/image_raw',
                              description='Depth aligned to the colour image (base name).'),
        DeclareLaunchArgument('command', default_value='~/command',
                              description='std_msgs/String command topic; ~/command is '
                              '<namespace>/clip_perception/command.'),
        DeclareLaunchArgument('cameras', default_value='',
                              description='Comma-separated camera names: one node per '
                              'camera in namespace <namespace>/<camera>; {camera} in topic '
                              'arguments is replaced by the name. Empty: one node, '
                              '{camera} = camera.'),
        DeclareLaunchArgument('shared_model', default_value='false',
                              description='With cameras: true runs every camera node in one '
                              'process (clip_perception_cameras) sharing one loaded model '
                              '(less memory, inference serialised); topic arguments must '
                              'then start with /{camera}/.'),
        DeclareLaunchArgument('managed', default_value='false',
                              description='true: start clip_perception_lifecycle_node '
                              '(a managed node, unconfigured until told otherwise).'),
        DeclareLaunchArgument('use_sim_time', default_value='',
                              description='true: ROS time from /clock (play bags with '
                              '--clock); stamps and max_frame_age follow it. True, 1, yes '
                              "and on are true too. Empty: the parameters file's value "
                              '(false where it sets none, as in the shipped one).'),
        DeclareLaunchArgument('log_level', default_value='info',
                              choices=['debug', 'info', 'warn', 'error', 'fatal'],
                              description="The node's log level."),
        DeclareLaunchArgument('fastdds_profile', default_value=EnvironmentVariable(
            'FASTRTPS_DEFAULT_PROFILES_FILE',
            default_value=os.path.join(share, 'config', 'fastdds_large_data.xml')),
                              description='Fast DDS profile (large camera messages over '
                              'best-effort QoS); your own FASTRTPS_DEFAULT_PROFILES_FILE wins.'),
    ]
    # The arguments that set node parameters, from their descriptors (config.PARAMETERS).
    args += [DeclareLaunchArgument(name, default_value='', description=description,
                                   choices=choices)
             for name, description, choices in launch_arguments(
                 shipped_values(shipped_params()), {'model': MODEL_EMPTY})]
    profile = SetEnvironmentVariable('FASTRTPS_DEFAULT_PROFILES_FILE',
                                     LaunchConfiguration('fastdds_profile'))
    return LaunchDescription(args + [profile, OpaqueFunction(
        function=camera_nodes, kwargs={'declared': [a.name for a in args]})])


def camera_nodes(context, declared=()):
    """Return one node per camera (see the module docstring) and its exit handler."""
    def value(name):
        return LaunchConfiguration(name).perform(context)

    for line in undeclared_warnings(dict(context.launch_configurations), declared):
        get_logger('clip_perception.launch').warning(line)

    # Checked before any node starts: a name that is not a ROS name token (cam-1, a
    # serial number) is named, not left to rcl's remap-lexer error (helper-50).
    cameras = camera_names(value('cameras'))
    managed = truth(value, 'managed')
    if cameras and truth(value, 'shared_model'):
        return shared_model_process(value, cameras, managed)
    actions = []
    for camera in cameras or ['camera']:
        def topic(name, camera=camera):
            return value(name).replace('{camera}', camera)

        namespace = camera_namespace(value('namespace'), camera if cameras else '')
        image, depth = topic('image'), topic('depth')
        kwargs = {
            'package': 'clip_perception',
            'executable': ('clip_perception_lifecycle_node' if managed
                           else 'clip_perception_node'),
            'name': 'clip_perception',
            'namespace': namespace,
            'output': 'screen',
            'emulate_tty': True,
            'parameters': [value('params_file'), node_parameters(value, shipped_params())],
            'ros_arguments': ['--log-level', value('log_level')],
            'remappings': [
                ('image', image),
                ('image/compressed', image + '/compressed'),
                ('image/zstd', image + '/zstd'),
                ('camera_info', topic('camera_info')),
                ('depth', depth),
                ('depth/compressedDepth', depth + '/compressedDepth'),
                ('depth/compressed', depth + '/compressed'),
                ('depth/zstd', depth + '/zstd'),
                ('command', topic('command')),
            ],
        }
        node = LifecycleNode(**kwargs) if managed else Node(**kwargs)
        actions.append(node)
        actions.append(RegisterEventHandler(OnProcessExit(target_action=node,
                                                          on_exit=on_node_exit)))
    return actions


def shared_model_process(value, cameras, managed):
    """Return the one ``clip_perception_cameras`` process serving ``cameras``.

    Its nodes take the same remaps; each is made relative (``/{camera}/color/image_raw``
    -> ``color/image_raw``), so it resolves in the node's namespace ``<namespace>/<camera>``.
    """
    if managed:
        raise RuntimeError('shared_model:=true has no managed (lifecycle) form; '
                           'use managed:=true with one process per camera')

    def relative(name):
        topic = value(name)
        if topic.startswith('~') or not topic.startswith('/'):
            return topic
        if not topic.startswith('/{camera}/'):
            raise RuntimeError(f'shared_model:=true needs {name} to start with /{{camera}}/ '
                               f'(got {topic})')
        return topic[len('/{camera}/'):]

    image, depth = relative('image'), relative('depth')
    node = Node(
        package='clip_perception',
        executable='clip_perception_cameras',
        arguments=[','.join(cameras), '--namespace', value('namespace').strip('/') or '/'],
        output='screen',
        emulate_tty=True,
        parameters=[value('params_file'), node_parameters(value, shipped_params())],
        ros_arguments=['--log-level', value('log_level')],
        remappings=[
            ('image', image),
            ('image/compressed', image + '/compressed'),
            ('image/zstd', image + '/zstd'),
            ('camera_info', relative('camera_info')),
            ('depth', depth),
            ('depth/compressedDepth', depth + '/compressedDepth'),
            ('depth/compressed', depth + '/compressed'),
            ('depth/zstd', depth + '/zstd'),
            ('command', relative('command')),
        ],
    )
    return [node, RegisterEventHandler(OnProcessExit(target_action=node,
                                                     on_exit=on_node_exit))]


def truth(value, name):
    """Return the truth value of the launch argument ``name``, or stop the launch.

    ``true``/``false`` in any capitals, ``1``/``0``, ``yes``/``no``, ``on``/``off``: what
    the node itself takes for a boolean. Launch files written for Python or for nav2 pass
    ``True`` (ros2/launch#944: 'Argument "use_rviz" provided value "True" is not valid.
    Valid options are: ['true', 'false']'), which ``use_sim_time``'s choices refused, so a
    launch file that included this one failed; ``managed:=ture`` or ``shared_model:=Yes!``
    were read as false without a word (a plain node, one process per camera).

    :param value: ``value(name)`` -> the launch argument ``name`` as a string.
    :return: bool.
    :raises RuntimeError: any other text (launch exits 1 with it).
    """
    text = value(name).strip().lower()
    if text in TRUE or text in FALSE:
        return text in TRUE
    raise RuntimeError(f'{name}:={value(name)} is not a truth value: write true or false '
                       f'(also read: {", ".join(TRUE)} / {", ".join(FALSE)}, in any capitals)')


# Keys launch and launch_ros keep among the launch configurations for themselves
# (PushRosNamespace, SetRemap, SetParameter(s)FromFile, ExecuteLocal's prefix): no one's
# argument.
LAUNCH_OWN = ('ros_namespace', 'ros_remaps', 'global_params', 'global_param_files',
              'emulate_tty', 'launch-prefix', 'launch-prefix-filter')
# How alike (difflib's ratio) an unknown name must be to one of this file's arguments to
# be warned about as a typo of it: max_proposal/max_proposals 0.96, depthscale/depth_scale
# 0.95, minconfidence/min_confidence 0.96; a bringup's use_rviz/use_sim_time 0.5.
TYPO_RATIO = 0.8


def undeclared_warnings(configurations, declared):
    """Return a warning for each ``name:=value`` that names a node parameter or a near miss.

    ``ros2 launch`` keeps an argument it does not declare among the launch configurations
    and says nothing, so ``max_proposals:=8`` (a node parameter that is no launch
    argument) or a misspelt ``max_proposal:=8`` set nothing without a word (helper-h171,
    session 48). Those are named here. Nothing is refused and nothing is read into a node
    parameter: a launch file that includes this one passes its own arguments down, unscoped
    (ros2/launch#620), and a bringup's ``diagnostics_period:=0.0`` (realsense-ros
    rs_launch.py's) or ``camera:=d435`` must neither set this node's parameters nor stop
    the launch (helper-h181's review, session 49). Any other unknown name is an including
    file's and is not mentioned.

    :param configurations: ``{name: value}``, the launch's ``context.launch_configurations``.
    :param declared: names of this file's declared arguments.
    :return: list of warning lines (str), empty when nothing is to be said.
    """
    parameters = {p.name for p in PARAMETERS} - set(declared)
    ours = sorted(set(declared) | parameters)
    lines = []
    for name in sorted(configurations):
        text = configurations[name]
        if name in declared or name in LAUNCH_OWN or not isinstance(text, str):
            continue
        if name in parameters:
            lines.append(f'{name}:={text} sets nothing: {name} is a node parameter of '
                         'clip_perception but no launch argument; set it in the parameters '
                         'file (params_file:=FILE) or with ros2 param set')
            continue
        close = difflib.get_close_matches(name, ours, n=1, cutoff=TYPO_RATIO)
        if close:
            lines.append(f'{name}:={text} sets nothing in clip_perception: no argument or '
                         f'node parameter has that name (did you mean {close[0]}? the '
                         'arguments: ros2 launch clip_perception clip_perception.launch.py -s)')
    return lines


def node_parameters(value, shipped):
    """Return the parameters the launch arguments set over the parameters file.

    Only what was given: every argument that sets a node parameter defaults to empty,
    "the parameters file's value", so a value in the user's own ``params_file`` is never
    overwritten by a launch default. Before, ``model`` (``openai/clip-vit-base-patch32``),
    ``device`` (``auto``), ``image_transport``, ``depth_transport`` (``raw``) and
    ``use_sim_time`` (``false``) were always set, and a params file's ``model: bundled``,
    ``device: cpu``, ``image_transport: compressed`` or ``use_sim_time: true`` never
    reached the node, without a word. Left at the shipped file (``shipped``), ``model``
    is still ``ROBOT_MODEL``, as documented: that file's ``bundled`` serves the tests and
    the demo, not a robot.

    :param value: ``value(name)`` -> the launch argument ``name`` as a string.
    :param shipped: path of the shipped parameters file (``shipped_params()``).
    :return: a dict of parameter name -> value (str, bool, int or float).
    :raises RuntimeError: a number argument (``depth_scale``, a clip plane,
        ``torch_threads``) that is not a number of its kind, or a truth argument that is
        no truth value (launch exits 1 with it).
    """
    params = {}
    # Each as its parameter's type (config.PARAMETERS): text as given (choices are checked
    # by launch, the rest by the node, which names it), a number, or a truth value in any
    # spelling.
    kinds = {p.name: p for p in PARAMETERS}
    for name in LAUNCH_PARAMETERS:
        given = value(name).strip()
        default = kinds[name].default
        if not given:
            continue
        if isinstance(default, bool):
            params[name] = truth(value, name)
        elif isinstance(default, (int, float)):
            try:
                params[name] = type(default)(given)
            except ValueError:
                what = re.split(r'[:.]\s', kinds[name].description, maxsplit=1)[0]
                kind = 'a whole number' if type(default) is int else 'a number'
                raise RuntimeError(f'{name}:={given} is not {kind}: {what} (the node '
                                   f'parameter {name}, default {default})') from None
        else:
            params[name] = given
    params_file = value('params_file').strip()
    if 'model' not in params and os.path.exists(params_file) and \
            os.path.samefile(params_file, shipped):
        params['model'] = ROBOT_MODEL
    for name in ('use_sim_time',):  # rclpy's own, a truth value in any spelling
        if value(name).strip():
            params[name] = truth(value, name)
    return params


def on_node_exit(event, context):
    """Shut the launch down when a node exits; fail it when the node failed.

    An exception raised while launch handles an event makes ``ros2 launch`` exit 1
    (launch.LaunchService.run_async: "Caught exception in launch"); a plain Shutdown
    would exit 0 although the node died at start-up.
    """
    if context.is_shutdown:
        return None
    if event.returncode != 0:
        raise RuntimeError(f'{event.action.name} exited with code {event.returncode}; '
                           'see its log above')
    return [EmitEvent(event=Shutdown(reason=f'{event.action.name} exited'))]
