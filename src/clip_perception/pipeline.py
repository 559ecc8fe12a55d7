"""Frame + intrinsics + command -> the best target (with 3D pose) or "not found".

The one entry point of the core: :meth:`Pipeline.run` takes numpy arrays and a string
and returns a :class:`Result` dataclass. It knows no topics, messages or timestamps.
"""

from dataclasses import dataclass
from dataclasses import field
import time

import numpy as np

from clip_perception.confidence import contrast_prompts
from clip_perception.confidence import parse_vocabulary
from clip_perception.confidence import zero_shot_confidence
from clip_perception.config import PipelineConfig
from clip_perception.geometry import estimate_pose
from clip_perception.language import parse_command
from clip_perception.proposals import mask_in_box
from clip_perception.proposals import propose
from clip_perception.selection import calibrate
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


class Pipeline:
    """Proposals -> batched CLIP scoring -> selection -> pose.

    :param scorer: a :class:`clip_perception.scorer.ClipScorer` (or anything with its
        ``text_embedding``, ``preprocess``, ``forward`` and ``calibration``).
    :param config: :class:`clip_perception.config.PipelineConfig`.
    """

    def __init__(self, scorer, config=None):
        self.scorer = scorer
        self.config = config or PipelineConfig()

    def run(self, rgb, command, depth_m=None, intrinsics=None):
        """Find ``command`` in one frame.

        :param rgb: (H, W, 3) uint8 RGB.
        :param command: the raw command string.
        :param depth_m: optional (H, W) float32 metres (NaN = no reading), aligned.
        :param intrinsics: :class:`clip_perception.geometry.Intrinsics` of the frame.
        :raises clip_perception.language.CommandError: unusable command.
        """
        cfg = self.config
        query = parse_command(command)
        timings = {}
        t = time.perf_counter()
        props = propose(rgb, depth_m, intrinsics, max_proposals=cfg.max_proposals,
                        use_depth=cfg.depth_proposals, use_image=cfg.image_proposals,
                        nms_iou=cfg.nms_iou)
        timings['proposals'] = time.perf_counter() - t

        t = time.perf_counter()
        text = self.scorer.text_embedding(query.what, cfg.prompt_template)
        timings['text'] = time.perf_counter() - t
        t = time.perf_counter()
        pixels = self.scorer.preprocess(rgb, props.boxes, cfg.crop_context)
        timings['preprocess'] = time.perf_counter() - t
        t = time.perf_counter()
        image = self.scorer.forward(pixels)
        timings['encode'] = time.perf_counter() - t

        t = time.perf_counter()
        cosine = (image @ text).numpy().astype(np.float64) if len(props) else np.zeros(0)
        depths = sizes = None
        poses = {}  # proposal index -> PoseEstimate, computed at most once per frame
        if (query.relation in ('nearest', 'farthest') or query.size) and depth_m is not None \
                and intrinsics is not None and len(cosine):
            near_best = np.nonzero(cosine >= cosine.max() - cfg.spatial_margin)[0]
            depths, sizes = self._box_geometry(props, near_best, depth_m, intrinsics, poses)
        confidence = self.confidence(image, text, cosine, query.what)
        sel = select(props.boxes, cosine, query, threshold=cfg.min_confidence,
                     calibration=self.scorer.calibration, margin=cfg.spatial_margin,
                     top_k=cfg.top_k, depths=depths, sizes=sizes, image_width=rgb.shape[1],
                     confidence=confidence)
        timings['select'] = time.perf_counter() - t

        t = time.perf_counter()
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
        timings['pose'] = time.perf_counter() - t
        return Result(status=status, command=query.text, what=query.what, chosen=sel.chosen,
                      ranked=sel.ranked, pose=pose, reason=reason, proposals=props.boxes,
                      timings=timings)

    def contrasts(self, what):
        """Contrast prompts for ``what``: generic ones plus the configured vocabulary.

        The ``vocabulary`` parameter when set, else the checkpoint's own
        (:func:`clip_perception.confidence.load_vocabulary`).
        """
        vocab = parse_vocabulary(self.config.vocabulary) or getattr(
            self.scorer, 'vocabulary', ())
        return contrast_prompts(what, vocab)

    def confidence(self, image, text, cosine, what):
        """(N,) confidence per proposal under ``confidence_rule``, or None (calibration).

        :param image: (N, D) unit image embeddings; ``text`` (D,) the command's.
        """
        rule = self.config.confidence_rule
        if rule == 'calibration' or len(cosine) == 0:
            return None
        prompts = self.contrasts(what)
        contrast = self.scorer.text_embeddings(prompts, self.config.prompt_template)
        p = zero_shot_confidence(image, text, contrast, self.scorer.logit_scale)
        if rule == 'both':
            p = np.minimum(p, calibrate(cosine, self.scorer.calibration))
        return p

    @staticmethod
    def _mask(props, i, depth_m, intrinsics):
        """Return the proposal's mask, or for image-only ones the object's pixels in it."""
        if props.masks[i] is not None or props.plane is None:
            return props.masks[i]
        return mask_in_box(depth_m, intrinsics, props.plane, props.boxes[i])

    def _pose(self, props, i, depth_m, intrinsics, poses):
        if i not in poses:
            poses[i] = estimate_pose(depth_m, props.boxes[i], intrinsics, props.plane,
                                     mask=self._mask(props, i, depth_m, intrinsics))
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


__all__ = ['FOUND', 'NOT_FOUND', 'NO_DEPTH', 'Pipeline', 'Result']
