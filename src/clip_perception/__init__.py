"""clip_perception: a natural-language command and an RGB(-D) camera in, a target pose out.

The core (no ROS): :mod:`~clip_perception.pipeline` and the modules it uses. The ROS
shell: :mod:`~clip_perception.node`.
"""

__version__ = '0.1.0'
