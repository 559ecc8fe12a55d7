"""What ``~/detection`` (vision_msgs/Detection2DArray) says for one frame, as plain data.

The node turns each :class:`Detection` into a ``vision_msgs/Detection2D`` with one
``ObjectHypothesisWithPose``; this module decides the content, so it is tested where
vision_msgs does not install. The convention (README, "vision_msgs"):

* ``found``: one detection, id ``chosen``: the chosen box, ``class_id`` the command's
  object (``Result.what``), ``score`` its confidence, the pose's position in
  the image's optical frame (m) and a 6x6 row-major covariance whose position block is
  the estimate's covariance (``PoseEstimate.covariance``, m^2; its square roots are the
  JSON's ``position_std``). Orientation is not estimated: identity, with variance
  :data:`UNKNOWN_VARIANCE` on the three rotation axes.
* ``no_depth`` (found in 2D, no 3D): the same detection, but the position is NaN
  (REP 117: not measured) and every variance is :data:`UNKNOWN_VARIANCE`: never a
  certain pose at the camera origin.
* ``not_found``: no detection (an empty array with the frame's header). The ranked
  candidates are not detections of the object; they are in ``~/detection_json``.
"""

from dataclasses import dataclass
import math

import numpy as np

#: Variance (m^2, rad^2) meaning "not estimated": infinite, as robot_localization and
#: REP 105 consumers read an unbounded spread.
UNKNOWN_VARIANCE = math.inf


@dataclass(frozen=True)
class Detection:
    """One ``vision_msgs/Detection2D`` with a single hypothesis, as plain values.

    ``center`` and ``size`` in pixels (x, y); ``position`` (x, y, z) m; ``covariance``
    36 floats, row-major 6x6 over (x, y, z, rot x, rot y, rot z).
    """

    id: str
    center: tuple
    size: tuple
    class_id: str
    score: float
    position: tuple
    covariance: tuple


def detections(result):
    """Return the detections to publish for one pipeline result (see the module docstring).

    :param result: :class:`clip_perception.pipeline.Result`.
    :return: a list of 0 (not found) or 1 :class:`Detection`.
    """
    if result.chosen is None:
        return []
    x0, y0, x1, y1 = (float(v) for v in result.chosen.box)
    cov = np.zeros((6, 6))
    if result.pose is not None:
        position = tuple(float(v) for v in result.pose.position)
        cov[:3, :3] = np.asarray(result.pose.covariance, dtype=float)
        cov[3:, 3:] = np.diag([UNKNOWN_VARIANCE] * 3)
    else:
        position = (math.nan, math.nan, math.nan)
        cov[:] = np.diag([UNKNOWN_VARIANCE] * 6)
    return [Detection(id='chosen', center=((x0 + x1) / 2.0, (y0 + y1) / 2.0),
                      size=(x1 - x0, y1 - y0), class_id=result.what,
                      score=float(result.chosen.confidence), position=position,
                      covariance=tuple(float(v) for v in cov.ravel()))]
