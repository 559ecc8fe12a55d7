"""Frame + intrinsics + command -> the best target (with 3D pose) or "not found".

The one entry point of the core: :meth:`Pipeline.run` takes numpy arrays and a string
and returns a :class:`Result` dataclass. It knows no topics, messages or timestamps.
"""

from dataclasses import dataclass
from dataclasses import field
import time

import numpy as np

from clip_perception.config import PipelineConfig
from clip_perception.geometry import estimate_pose
from clip_perception.geometry import pose_from_support_ray
from clip_perception.language import parse_command
from clip_perception.proposals import mask_in_box
from clip_perception.proposals import propose
from clip_perception.proposals import refine_mask
from clip_perception.selection import FOUND
from clip_perception.selection import NOT_FOUND
from clip_perception.selection import select

NO_DEPTH = 'no_depth'


@dataclass(frozen=True)
class Result:
    """What the pipeline concluded for one frame.

    ``status`` is ``found`` (with ``pose``), ``no_depth`` (found in 2D, no usable depth:
    ``reason`` says why) or ``not_found``. ``chosen`` and ``ranked`` are
    :class:`clip_perception.selection.Candidate`; ``proposals`` the (N, 4) boxes
    scored; ``timings`` seconds per stage.
    """

    status: str
    command: str
    what: str
    chosen: object
    ranked: tuple
    pose: object
    reason: str
    proposals: np.ndarray
    timings: dict = field(default_factory=dict)

    @property
    def found(self):
        """True when a target was chosen (with or without 3D pose)."""
        return self.chosen is not None


def proposal_pose(props, i, depth_m, intrinsics):
    """Pose of proposal ``i`` of ``props`` (a :class:`Proposals`), or None.

    Depth proposals carry their pixel mask; for image-only ones the object's pixels in
    the box are found against the support plane.

    :return: :class:`clip_perception.geometry.PoseEstimate` or None.
    """
    surface = getattr(props, 'surface', None)
    mask = props.masks[i]
    if mask is not None and props.plane is not None:
        mask = refine_mask(depth_m, intrinsics, surface or props.plane, mask, props.boxes[i])
    if mask is None and props.plane is not None:
        mask = mask_in_box(depth_m, intrinsics, surface or props.plane, props.boxes[i])
    x0, y0, x1, y1 = props.boxes[i]
    if props.plane is not None and (mask is None or mask.sum() < 0.03 * (x1 - x0) * (y1 - y0)):
        # Little depth standing in the box (glass, black plastic): the box bottom on the
        # support surface places it, not stray points seen through it.
        return pose_from_support_ray(props.boxes[i], intrinsics, props.plane, surface)
    return estimate_pose(depth_m, props.boxes[i], intrinsics, props.plane, mask=mask,
                         surface=surface)


class Pipeline:
    """Proposals -> batched CLIP scoring -> selection -> pose.

    :param scorer: a :class:`clip_perception.scorer.ClipScorer` (or anything with its
        ``text_embedding``, ``preprocess``, ``forward`` and ``calibration``).
    :param config: :class:`clip_perception.config.PipelineConfig`.
    """

    def __init__(self, scorer, config=None, on_stage=None):
        self.scorer = scorer
        self.config = config or PipelineConfig()
        # Called with a stage name as each stage starts and with None at the end: the
        # node's watchdog uses it to say where a frame is stuck.
        self.on_stage = on_stage

    def _enter(self, stage):
        if self.on_stage is not None:
            self.on_stage(stage)
        return time.perf_counter()

    def run(self, rgb, command, depth_m=None, intrinsics=None):
        """Find ``command`` in one frame.

        :param rgb: (H, W, 3) uint8 RGB.
        :param command: the raw command string.
        :param depth_m: optional (H, W) float32 metres (NaN = no reading), aligned.
        :param intrinsics: :class:`clip_perception.geometry.Intrinsics` of the frame.
        :raises clip_perception.language.CommandError: unusable command.
        """
        query = parse_command(command)
        timings = {}
        try:
            return self._run(rgb, query, depth_m, intrinsics, timings)
        finally:
            self._enter(None)

    def _run(self, rgb, query, depth_m, intrinsics, timings):
        cfg = self.config
        t = self._enter('proposals')
        props = propose(rgb, depth_m, intrinsics, max_proposals=cfg.max_proposals,
                        use_depth=cfg.depth_proposals, use_image=cfg.image_proposals,
                        nms_iou=cfg.nms_iou)
        timings['proposals'] = time.perf_counter() - t

        t = self._enter('text')
        text = self.scorer.text_embedding(query.what, cfg.prompt_template)
        timings['text'] = time.perf_counter() - t
        t = self._enter('preprocess')
        pixels = self.scorer.preprocess(rgb, props.boxes, cfg.crop_context)
        timings['preprocess'] = time.perf_counter() - t
        t = self._enter('encode')
        image = self.scorer.forward(pixels)
        timings['encode'] = time.perf_counter() - t

        t = self._enter('select')
        cosine = (image @ text).numpy().astype(np.float64) if len(props) else np.zeros(0)
        depths = sizes = None
        poses = {}  # proposal index -> PoseEstimate, computed at most once per frame
        if (query.relation in ('nearest', 'farthest') or query.size) and depth_m is not None \
                and intrinsics is not None and len(cosine):
            near_best = np.nonzero(cosine >= cosine.max() - cfg.spatial_margin)[0]
            depths, sizes = self._box_geometry(props, near_best, depth_m, intrinsics, poses)
        sel = select(props.boxes, cosine, query, threshold=cfg.min_confidence,
                     calibration=self.scorer.calibration, margin=cfg.spatial_margin,
                     top_k=cfg.top_k, depths=depths, sizes=sizes, image_width=rgb.shape[1])
        timings['select'] = time.perf_counter() - t

        t = self._enter('pose')
        pose, status, reason = None, sel.status, sel.reason
        if sel.status == FOUND:
            if depth_m is None or intrinsics is None:
                status = NO_DEPTH
                reason += '; no depth image' if depth_m is None else '; no camera_info'
            else:
                pose = self._pose(props, sel.chosen.index, depth_m, intrinsics, poses)
                if pose is None:
                    status = NO_DEPTH
                    reason += '; fewer than 10 valid depth readings in the target region'
                elif pose.method == 'support_ray':
                    reason += ('; little or no depth on the target (transparent or dark): '
                               'placed where the ray through the bottom of its box meets '
                               'the support surface')
        timings['pose'] = time.perf_counter() - t
        return Result(status=status, command=query.text, what=query.what, chosen=sel.chosen,
                      ranked=sel.ranked, pose=pose, reason=reason, proposals=props.boxes,
                      timings=timings)

    def _pose(self, props, i, depth_m, intrinsics, poses):
        if i not in poses:
            poses[i] = proposal_pose(props, i, depth_m, intrinsics)
        return poses[i]

    def _box_geometry(self, props, indices, depth_m, intrinsics, poses):
        """Distance (m) and metric size of the proposals in ``indices`` (NaN elsewhere)."""
        depths = np.full(len(props), np.nan)
        sizes = np.full(len(props), np.nan)
        for i in indices:
            pose = self._pose(props, i, depth_m, intrinsics, poses)
            if pose is not None:
                depths[i] = float(np.linalg.norm(pose.position))
                sizes[i] = float(np.max(pose.extent))
        return depths, sizes


__all__ = ['FOUND', 'NOT_FOUND', 'NO_DEPTH', 'Pipeline', 'proposal_pose', 'Result']
