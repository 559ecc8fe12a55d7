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
  With the shipped file, ``model`` is openai/clip-vit-base-patch32 unless given.
* If a node exits on its own, the launch shuts down; a non-zero exit code (e.g. a model
  that cannot load) makes ``ros2 launch`` itself exit non-zero.
"""

import os

from ament_index_python.packages import get_package_share_directory
from launch.actions import DeclareLaunchArgument
from launch.actions import EmitEvent
from launch.actions import OpaqueFunction
from launch.actions import RegisterEventHandler
from launch.actions import SetEnvironmentVariable
from launch.event_handlers import OnProcessExit
from launch.events import Shutdown
from launch.substitutions import EnvironmentVariable
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import LifecycleNode
from launch_ros.actions import Node

from clip_perception.config import camera_names
from clip_perception.config import camera_namespace
from launch import LaunchDescription

TRUE = ('true', '1', 'yes', 'on')
FALSE = ('false', '0', 'no', 'off')
# The node's own default model (config.PARAMETERS), what a robot runs; the shipped
# parameters file sets bundled, the toy-world model, for tests and the demo.
ROBOT_MODEL = 'openai/clip-vit-base-patch32'


def shipped_params():
    """Return the path of the shipped parameters file, ``config/clip_perception.yaml``."""
    return os.path.join(get_package_share_directory('clip_perception'), 'config',
                        'clip_perception.yaml')


def generate_launch_description():
    share = get_package_share_directory('clip_perception')
    args = [
        DeclareLaunchArgument('namespace', default_value='',
                              description='Namespace of the node (of every camera node).'),
        DeclareLaunchArgument('params_file', default_value=shipped_params(),
                              description='Parameters file (config/clip_perception.yaml); '
                              'the launch arguments left empty leave its values.'),
        DeclareLaunchArgument('model', default_value='',
                              description='CLIP hub id, local folder, or "bundled" (the tiny '
                              'toy-world model); given, it overrides the parameters file. '
                              "Empty: your parameters file's value (the node's default "
                              f'{ROBOT_MODEL} where it sets none); with the shipped file, '
                              f'{ROBOT_MODEL} (its bundled is for tests and the demo).'),
        DeclareLaunchArgument('device', default_value='',
                              description='auto, cpu, cuda or cuda:N. Empty: the parameters '
                              "file's value (auto in the shipped one)."),
        DeclareLaunchArgument('image', default_value='/{camera}/color/image_raw',
                              description='Colour image topic (base name for compressed).'),
        DeclareLaunchArgument('image_transport', default_value='',
                              choices=['', 'raw', 'compressed', 'zstd'],
                              description='raw: sensor_msgs/Image on <image>; compressed: '
                              'sensor_msgs/CompressedImage on <image>/compressed; zstd: '
                              "<image>/zstd (zstd_image_transport). Empty: the parameters "
                              "file's value (raw in the shipped one)."),
        DeclareLaunchArgument('camera_info', default_value='/{camera}/color/camera_info',
                              description='CameraInfo of the colour image.'),
        DeclareLaunchArgument('depth',
                              default_value='/{camera}/aligned_depth_to_color/image_raw',
                              description='Depth aligned to the colour image (base name).'),
        DeclareLaunchArgument('depth_transport', default_value='',
                              choices=['', 'raw', 'compressedDepth', 'compressed', 'zstd'],
                              description='raw: sensor_msgs/Image on <depth>; '
                              'compressedDepth: <depth>/compressedDepth; compressed: '
                              '<depth>/compressed (a 16-bit PNG or TIFF); zstd: '
                              "<depth>/zstd. Empty: the parameters file's value (raw in the "
                              'shipped one).'),
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
        DeclareLaunchArgument('depth_scale', default_value='',
                              description='Metres per unit of 16UC1 depth: 0.001 for '
                              'millimetres, 0.0001 for a RealSense D405 (0.1 mm), '
                              '0.00025 for an L515 (0.25 mm). Empty: '
                              "the parameters file's value (0.001 in the shipped one)."),
        DeclareLaunchArgument('float_depth_far', default_value='',
                              description='Far clip plane (m) of depth normalised to [0, '
                              "1] by a simulator (CoppeliaSim's vision sensor, z / far, a "
                              "z-buffer) in 32FC1, or in 16 bits as d * 65535; 0: metres. "
                              "Empty: the parameters file's value (0 in the shipped one)."),
        DeclareLaunchArgument('float_depth_near', default_value='',
                              description='Near clip plane (m) of such depth (used while '
                              "float_depth_far is set). Empty: the parameters file's value "
                              '(0 in the shipped one).'),
        DeclareLaunchArgument('float_depth_buffer', default_value='',
                              choices=['', 'linear', 'z_buffer'],
                              description='How such depth lies between the planes: linear, '
                              "or z_buffer (an OpenGL depth buffer: PyBullet's). Empty: the "
                              "parameters file's value (linear in the shipped one)."),
        DeclareLaunchArgument('rectify', default_value='',
                              choices=['', 'auto', 'always', 'never'],
                              description='Lens distortion of raw images: auto (rectified '
                              'when camera_info has distortion coefficients and the topic '
                              'is not named rect), always, or never (images as the driver '
                              "sent them). Empty: the parameters file's value (auto in the "
                              'shipped one).'),
        DeclareLaunchArgument('depth_kind', default_value='', choices=['', 'z', 'ray'],
                              description="What a depth pixel measures: z (along the "
                              'optical axis, REP 118, every RGB-D driver) or ray (the range '
                              "from the optical centre: Isaac Sim's distance_to_camera, "
                              "AirSim's DepthPerspective). Empty: the parameters file's "
                              'value (z in the shipped one).'),
        DeclareLaunchArgument('depth_mirrored', default_value='',
                              description='true: depth images are mirrored left-right against '
                              "the colour image (a renderer's RGB-D sensor) and are turned "
                              'back; true/false in any spelling. Empty: the parameters '
                              "file's value (false in the shipped one)."),
        DeclareLaunchArgument('image_up', default_value='',
                              choices=['', 'up', 'down', 'left', 'right'],
                              description="Which way the world's up points in the image, as "
                              'the camera is mounted: up, down (upside down, the image not '
                              'turned by the driver), left or right (on its side). Empty: the '
                              "parameters file's value (up in the shipped one)."),
        DeclareLaunchArgument('image_rows', default_value='',
                              choices=['', 'top_down', 'bottom_up'],
                              description='Which way image rows run: top_down '
                              '(sensor_msgs/Image) or bottom_up (the first row is the '
                              "bottom: an OpenGL, Unity or CoppeliaSim readback published "
                              "unturned). Empty: the parameters file's value (top_down in "
                              'the shipped one).'),
        DeclareLaunchArgument('vocabulary', default_value='',
                              description='Comma-separated descriptions of other things '
                              'usually in view ("laptop, coffee mug"), contrast prompts for '
                              "the zero-shot softmax. Empty: the parameters file's value (the "
                              "checkpoint's own vocabulary, else generic prompts)."),
        DeclareLaunchArgument('frame_id', default_value='',
                              description='Frame of every output (e.g. '
                              'camera_color_optical_frame), for a driver that leaves '
                              "frame_id empty or names its optical frame otherwise. Empty: "
                              "the parameters file's value (the colour image's "
                              'header.frame_id in the shipped one).'),
        DeclareLaunchArgument('swap_red_blue', default_value='',
                              description='Read colour frames with red and blue swapped '
                              '(true/false), for a driver that labels BGR pixels rgb8 or '
                              "RGB pixels bgr8. Empty: the parameters file's value (false "
                              'in the shipped one).'),
        DeclareLaunchArgument('use_depth', default_value='',
                              description='false: a camera without depth (answers in 2D, '
                              'nothing waits for depth); true/false in any spelling. Empty: '
                              "the parameters file's value (true in the shipped one)."),
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
    profile = SetEnvironmentVariable('FASTRTPS_DEFAULT_PROFILES_FILE',
                                     LaunchConfiguration('fastdds_profile'))
    return LaunchDescription(args + [profile, OpaqueFunction(function=camera_nodes)])


def camera_nodes(context):
    """Return one node per camera (see the module docstring) and its exit handler."""
    def value(name):
        return LaunchConfiguration(name).perform(context)

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
    :return: a dict of parameter name -> value (str, bool or float).
    :raises RuntimeError: a ``depth_scale`` or clip plane that is not a number, or a truth argument
        that is no truth value (launch exits 1 with it).
    """
    params = {}
    # Text as given (model, device, transports; rectify, depth_kind, frame_id, image_up,
    # image_rows, float_depth_buffer and vocabulary are what the node's messages tell the
    # user to set as name:=value, and an undeclared launch argument is dropped without a
    # word). Choices are checked by launch, the rest by the node, which names it.
    for name in ('model', 'device', 'image_transport', 'depth_transport', 'rectify',
                 'depth_kind', 'frame_id', 'vocabulary', 'image_up', 'image_rows',
                 'float_depth_buffer'):
        given = value(name).strip()
        if given:
            params[name] = given
    params_file = value('params_file').strip()
    if 'model' not in params and os.path.exists(params_file) and \
            os.path.samefile(params_file, shipped):
        params['model'] = ROBOT_MODEL
    for name, what in (('depth_scale', 'metres per unit of 16UC1 depth, e.g. 0.001 (mm) or '
                        '0.0001 (0.1 mm)'),
                       ('float_depth_far', 'the far clip plane in metres, e.g. 10.0'),
                       ('float_depth_near', 'the near clip plane in metres, e.g. 0.01')):
        given = value(name).strip()
        if given:
            try:
                params[name] = float(given)
            except ValueError:
                raise RuntimeError(f'{name}:={given} is not a number: {what}') from None
    for name in ('use_sim_time', 'swap_red_blue', 'use_depth',
                 'depth_mirrored'):  # truth values, any spelling
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
