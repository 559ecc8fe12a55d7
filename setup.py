"""ament_python build for clip_perception (also installs with plain pip)."""

import glob
import os

from setuptools import find_packages
from setuptools import setup

package_name = 'clip_perception'


def tree(folder):
    """Map every file under ``folder`` to its install location in share/<pkg>."""
    entries = {}
    for path in glob.glob(os.path.join(folder, '**', '*'), recursive=True):
        if os.path.isfile(path) and '__pycache__' not in path:
            target = os.path.join('share', package_name, os.path.dirname(path))
            entries.setdefault(target, []).append(path)
    return sorted(entries.items())


setup(
    name=package_name,
    version='0.1.0',
    package_dir={'': 'src'},
    packages=find_packages(where='src'),
    data_files=[
        ('share/ament_index/resource_index/packages', ['resource/' + package_name]),
        ('share/' + package_name, ['package.xml']),
        ('share/' + package_name + '/launch', glob.glob('launch/*.launch.py')),
        ('share/' + package_name + '/config', glob.glob('config/*.yaml')
         + glob.glob('config/*.xml')),
    ] + tree('models') + tree('data'),
    install_requires=['setuptools'],
    zip_safe=False,
    maintainer='clip_perception developers',
    maintainer_email='clip-perception@example.org',
    description='Open-vocabulary target grounding with CLIP: a command in, a 3D pose out.',
    license='Apache-2.0',
    extras_require={'test': ['pytest', 'pytest-timeout', 'hypothesis', 'ruff']},
    entry_points={
        'console_scripts': [
            'clip_perception_node = clip_perception.node:main',
            'clip_perception_lifecycle_node = clip_perception.node:lifecycle_main',
            'clip_perception_cameras = clip_perception.node:cameras_main',
            'clip_perception_train = clip_perception.world.training:main',
            'clip_perception_eval = clip_perception.world.evaluation:main',
            'clip_perception_record = clip_perception.tools.bags:record_main',
            'clip_perception_replay = clip_perception.tools.bags:replay_main',
            'clip_perception_demo = clip_perception.tools.demo:main',
            'clip_perception_soak = clip_perception.tools.soak:main',
            'clip_perception_command = clip_perception.tools.command:main',
        ],
    },
)
