r"""Launch the clip_perception node with its parameters file and camera remaps.

ros2 launch clip_perception clip_perception.launch.py \\
        image:=/camera/color/image_raw camera_info:=/camera/color/camera_info \\
        depth:=/camera/aligned_depth_to_color/image_raw model:=openai/clip-vit-base-patch32
"""

import os

from ament_index_python.packages import get_package_share_directory
from launch.actions import DeclareLaunchArgument
from launch.actions import SetEnvironmentVariable
from launch.substitutions import EnvironmentVariable
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

from launch import LaunchDescription


def generate_launch_description():
    share = get_package_share_directory('clip_perception')
    args = [
        DeclareLaunchArgument('namespace', default_value='',
                              description='Namespace of the node.'),
        DeclareLaunchArgument('params_file',
                              default_value=os.path.join(share, 'config',
                                                         'clip_perception.yaml'),
                              description='Parameters file (config/clip_perception.yaml).'),
        DeclareLaunchArgument('model', default_value='openai/clip-vit-base-patch32',
                              description='CLIP hub id, local folder, or "bundled" (the tiny '
                              'toy-world model). Overrides the parameters file.'),
        DeclareLaunchArgument('device', default_value='auto',
                              description='auto, cpu, cuda or cuda:N.'),
        DeclareLaunchArgument('image', default_value='/camera/color/image_raw',
                              description='Colour image topic.'),
        DeclareLaunchArgument('camera_info', default_value='/camera/color/camera_info',
                              description='CameraInfo of the colour image.'),
        DeclareLaunchArgument('depth',
                              default_value='/camera/aligned_depth_to_color/image_raw',
                              description='Depth aligned to the colour image.'),
        DeclareLaunchArgument('fastdds_profile', default_value=EnvironmentVariable(
            'FASTRTPS_DEFAULT_PROFILES_FILE',
            default_value=os.path.join(share, 'config', 'fastdds_large_data.xml')),
                              description='Fast DDS profile (large camera messages over '
                              'best-effort QoS); your own FASTRTPS_DEFAULT_PROFILES_FILE wins.'),
        DeclareLaunchArgument('command', default_value='command',
                              description='std_msgs/String command topic (relative).'),
    ]
    image = LaunchConfiguration('image')
    node = Node(
        package='clip_perception',
        executable='clip_perception_node',
        name='clip_perception',
        namespace=LaunchConfiguration('namespace'),
        output='screen',
        emulate_tty=True,
        parameters=[LaunchConfiguration('params_file'),
                    {'model': LaunchConfiguration('model'),
                     'device': LaunchConfiguration('device')}],
        remappings=[
            ('image', image),
            ('image/compressed', [image, '/compressed']),
            ('camera_info', LaunchConfiguration('camera_info')),
            ('depth', LaunchConfiguration('depth')),
            ('command', LaunchConfiguration('command')),
        ],
    )
    profile = SetEnvironmentVariable('FASTRTPS_DEFAULT_PROFILES_FILE',
                                     LaunchConfiguration('fastdds_profile'))
    return LaunchDescription(args + [profile, node])
