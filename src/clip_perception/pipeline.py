"""Frame + intrinsics + command -> the best target (with 3D pose) or "not found".

The one entry point of the core: :meth:`Pipeline.run` takes numpy arrays and a string
and returns a :class:`Result` dataclass. It knows no topics, messages or timestamps.
"""

from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
import time

import numpy as np
import torch

from clip_perception.confidence import contrast_prompts
from clip_perception.confidence import correct_spelling
from clip_perception.confidence import parse_vocabulary
from clip_perception.confidence import unknown_to
from clip_perception.confidence import unknown_words
from clip_perception.confidence import zero_shot_confidence
from clip_perception.config import PipelineConfig
from clip_perception.crops import mean_views
from clip_perception.crops import upright_crops
from clip_perception.crops import view_boxes
from clip_perception.geometry import estimate_pose
from clip_perception.geometry import pose_from_support_ray
from clip_perception.language import parse_command
from clip_perception.language import speaker_side_note
from clip_perception.language import unchecked_notes
from clip_perception.proposals import flat_mask_in_box
from clip_perception.proposals import mask_in_box
from clip_perception.proposals import pile_mask_in_box
from clip_perception.proposals import propose
from clip_perception.proposals import refine_mask
from clip_perception.selection import AMBIGUOUS
from clip_perception.selection import calibrate
from clip_perception.selection import FOUND
from clip_perception.selection import NOT_FOUND
from clip_perception.selection import REFUSED
from clip_perception.selection import same_object
from clip_perception.selection import select
from clip_perception.selection import select_between
from clip_perception.selection import select_linked
from clip_perception.selection import Selection

NO_DEPTH = 'no_depth'


@dataclass(frozen=True)
class Result:
    """What the pipeline concluded for one frame.

    ``status`` is ``found`` (with ``pose``), ``no_depth`` (found in 2D, no usable depth:
    ``reason`` says why), ``not_found``, ``ambiguous`` (two distinct objects match about
    equally and no word decides: ``ambiguous`` holds them, ``reason`` names deciding
    words) or ``refused`` (the command names only what not to pick). ``chosen`` and
    ``ranked`` are :class:`clip_perception.selection.Candidate`; ``proposals`` the
    (N, 4) boxes scored; ``timings`` seconds per stage. ``targets``: one
    :class:`Target` per object answered (every match of a plural command, each object
    of "A and B", else the chosen one); ``reference``: the candidate a relation ("next
    to the mug") was resolved against; ``query`` the parsed
    :class:`clip_perception.language.Query`. ``track``: the
    :class:`clip_perception.tracking.TrackInfo` of the followed target (None without
    tracking); ``work``: what was computed and what reused (``crops_encoded``,
    ``crops_reused``, ``frame_unchanged``).
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
    targets: tuple = ()
    ambiguous: tuple = ()
    reference: object = None
    query: object = None
    track: object = None
    work: dict = field(default_factory=dict)

    @property
    def found(self):
        """True when a target was chosen (with or without 3D pose)."""
        return self.chosen is not None


def proposal_pose(props, i, depth_m, intrinsics):
    """Pose of proposal ``i`` of ``props`` (a :class:`Proposals`), or None.

    Depth proposals carry their pixel mask; for image-only ones the object's pixels in
    the box are found against the support plane: an item of a pile under a plane through
    the pile's tops from its visible part (:func:`clip_perception.proposals.pile_mask_in_box`,
    ``method='pile'``), else those standing on it, else those of a flat object lying on it
    (:func:`clip_perception.proposals.flat_mask_in_box`), else the ray through the box's
    bottom places it (glass, black plastic).

    :return: :class:`clip_perception.geometry.PoseEstimate` or None.
    """
    surface = getattr(props, 'surface', None)
    mask = props.masks[i]
    carrying = getattr(props, 'carrying', ())
    carrying = bool(carrying and carrying[i])
    # The object under another of a stack is redrawn no higher than its own top: it grew
    # onto what stands on it (a book under a can was posed as tall as both).
    if mask is not None and props.plane is not None:
        mask = refine_mask(depth_m, intrinsics, surface or props.plane, mask, props.boxes[i],
                           no_higher=carrying)
    if mask is None and props.plane is not None:
        # An item of a pile lies under the plane through the pile's tops: placed from its
        # own visible part, on a plane parallel to the support under that part (a full tote
        # seen from above; what rises above the support there is a neighbour's rim).
        item = pile_mask_in_box(depth_m, intrinsics, surface or props.plane, props.boxes[i])
        if item is not None:
            normal, offset = props.plane
            pose = estimate_pose(depth_m, props.boxes[i], intrinsics,
                                 (normal, offset - item[1]), mask=item[0])
            return replace(pose, method='pile') if pose.method == 'points' else pose
        mask = mask_in_box(depth_m, intrinsics, surface or props.plane, props.boxes[i])
    x0, y0, x1, y1 = props.boxes[i]
    if props.plane is not None and (mask is None or mask.sum() < 0.03 * (x1 - x0) * (y1 - y0)):
        # Nothing standing: a flat object lying there (scissors, a card) is placed from its
        # own points, which rise above the surface around it by less than the noise
        # threshold (flat_mask_in_box); glass and black plastic keep the support ray.
        flat = flat_mask_in_box(depth_m, intrinsics, surface or props.plane, props.boxes[i])
        if flat is not None:
            return estimate_pose(depth_m, props.boxes[i], intrinsics, props.plane, mask=flat,
                                 surface=surface)
        # Little depth standing in the box (glass, black plastic): the box bottom on the
        # support surface places it, not stray points seen through it.
        return pose_from_support_ray(props.boxes[i], intrinsics, props.plane, surface)
    return estimate_pose(depth_m, props.boxes[i], intrinsics, props.plane, mask=mask,
                         surface=surface, carries=carrying)


@dataclass(frozen=True)
class Target:
    """One object of the answer: the phrase it answers, its candidate and pose (or None)."""

    what: str
    candidate: object
    pose: object


class Pipeline:
    """Proposals -> batched CLIP scoring -> selection -> pose.

    :param scorer: a :class:`clip_perception.scorer.ClipScorer` (or anything with its
        ``text_embedding``, ``preprocess``, ``forward``, ``calibration`` and ``logit_scale``).
    :param config: :class:`clip_perception.config.PipelineConfig`.
    """

    def __init__(self, scorer, config=None, on_stage=None):
        self.scorer = scorer
        self.config = config or PipelineConfig()
        # Called with a stage name as each stage starts and with None at the end: the
        # node's watchdog uses it to say where a frame is stuck.
        self.on_stage = on_stage

    def warm_up(self, width=640, height=480):
        """Pay the one-time costs of the first frame before it comes; return seconds.

        Encodes every contrast prompt the confidence rule may use (the generic ones and
        the vocabulary in effect, under each prompt template: 44 x 7 prompts for the
        bundled model), runs the image encoder once and the proposals once on a noise
        image (OpenCV's first call, the proposals' worker threads). A first command
        otherwise paid for all of it on its first frame: 265 ms against 77 ms for the
        next on an idle 2-core machine, several times that under load, which a
        recording replayed at 10 Hz did not wait for.

        :param width: width of the noise image, px.
        :param height: its height, px.
        :return: wall time spent (s).
        """
        t = time.perf_counter()
        cfg = self.config
        self.scorer.text_embeddings(self.contrasts('', cfg), cfg.prompt_template)
        rng = np.random.default_rng(0)
        rgb = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
        props = propose(rgb, None, None, max_proposals=cfg.max_proposals,
                        use_image=cfg.image_proposals)
        box = props.boxes[:1] if len(props) else np.array([[0.0, 0.0, 64.0, 64.0]])
        self.embed(rgb, box, cfg=cfg)
        return time.perf_counter() - t

    def _enter(self, stage):
        if self.on_stage is not None:
            self.on_stage(stage)
        return time.perf_counter()

    def run(self, rgb, command, depth_m=None, intrinsics=None, memory=None, stamp=None,
            config=None):
        """Find ``command`` in one frame.

        The configuration is read once, here, and handed down to every stage: the node
        swaps ``self.config`` from its parameter thread while a frame runs, and a frame
        whose proposals were made under one setting and its crops encoded under another
        (or cached under one and served under another) matched neither. A change of any
        :meth:`~clip_perception.config.PipelineConfig.memory_settings` between frames
        empties ``memory``'s caches.

        :param rgb: (H, W, 3) uint8 RGB.
        :param command: the raw command string.
        :param depth_m: optional (H, W) float32 metres (NaN = no reading), aligned.
        :param intrinsics: :class:`clip_perception.geometry.Intrinsics` of the frame.
        :param memory: optional :class:`clip_perception.tracking.Memory` of this camera:
            reuses what did not change since earlier frames and follows the target. None:
            the frame is answered on its own.
        :param stamp: the frame's time (s), for tracking; None: a 1/30 s frame counter.
        :param config: the :class:`~clip_perception.config.PipelineConfig` to answer
            under (the node passes the one it configured ``memory`` with); None:
            ``self.config`` as it is when the frame starts.
        :raises clip_perception.language.CommandError: unusable command.
        """
        cfg = self.config if config is None else config
        query = parse_command(command)
        read = ()
        if self.scorer.closed_vocabulary and not query.refused:
            query, read = _spelt_as_known(query, tuple(self.scorer.vocabulary))
        timings = {}
        if memory is not None:
            memory.begin(query.text, (id(self.scorer),) + cfg.memory_settings(), rgb)
            if stamp is None:
                stamp = memory.frames / 30.0
        try:
            return self._run(rgb, query, depth_m, intrinsics, timings, cfg, memory, stamp,
                             read)
        finally:
            self._enter(None)

    def _proposals(self, rgb, depth_m, intrinsics, reuse, work, cfg):
        """Return this frame's proposals, or the kept ones when the frame is unchanged."""
        if reuse is not None and reuse.frame_unchanged(rgb, depth_m, intrinsics):
            work['frame_unchanged'] = True
            return reuse.proposals
        props = propose(rgb, depth_m, intrinsics, max_proposals=cfg.max_proposals,
                        use_depth=cfg.depth_proposals, use_image=cfg.image_proposals,
                        nms_iou=cfg.nms_iou, image_up=cfg.image_up)
        if reuse is not None:
            reuse.keep(props)
        return props

    def embed(self, rgb, boxes, aspect=1.0, cfg=None):
        """(N, D) unit image embeddings of ``boxes``, each over ``crop_views`` views.

        Preprocess (crops of every view, :func:`clip_perception.crops.view_boxes`, turned
        upright) then one batched forward of N x ``crop_views`` crops, each box's views
        averaged and renormalised (:func:`clip_perception.crops.mean_views`). No cache.

        :param rgb: (H, W, 3) uint8 RGB.
        :param boxes: (N, 4) float pixel boxes.
        :param aspect: the camera's ``fy / fx`` (:func:`pixel_aspect`).
        :param cfg: the :class:`~clip_perception.config.PipelineConfig`; None:
            ``self.config``.
        :return: (N, D) float32 CPU tensor.
        """
        cfg = self.config if cfg is None else cfg
        return self._forward(self._preprocess(rgb, boxes, aspect, cfg), cfg)

    def _preprocess(self, rgb, boxes, aspect, cfg):
        """(N x crop_views, C, S, S) upright crops of every view of ``boxes``.

        ``cfg`` is read once per frame (:meth:`run`): crops cut for one view count must
        be averaged by that count.
        """
        views = view_boxes(boxes, cfg.crop_views, cfg.crop_context, aspect)
        return upright_crops(self.scorer.preprocess(rgb, views, cfg.crop_context, aspect),
                             cfg.image_up)

    def _forward(self, pixels, cfg):
        """(N, D) unit embeddings of ``pixels`` from :meth:`_preprocess` with ``cfg``."""
        return mean_views(self.scorer.forward(pixels), cfg.crop_views)

    def _encode(self, rgb, boxes, reuse, timings, work, cfg, aspect=1.0):
        """(N, D) unit image embeddings; unchanged crops answered from ``reuse``.

        The cache is asked for embeddings of ``crop_views`` views only: one made with
        another count is never returned (:meth:`clip_perception.tracking.FrameReuse.lookup`).

        :param cfg: the frame's :class:`~clip_perception.config.PipelineConfig`.
        :param aspect: the camera's ``fy / fx`` (:func:`pixel_aspect`).
        """
        cached, thumbs = ([None] * len(boxes), None) if reuse is None else \
            reuse.lookup(rgb, boxes, cfg.crop_context, aspect, cfg.crop_views)
        todo = np.array([i for i, e in enumerate(cached) if e is None], dtype=int)
        t = self._enter('preprocess')
        # Every crop reused (a still camera): not even the frame is normalised.
        pixels = self._preprocess(rgb, boxes[todo], aspect, cfg) \
            if len(todo) or not len(boxes) else None
        timings['preprocess'] = time.perf_counter() - t
        t = self._enter('encode')
        fresh = self._forward(pixels, cfg) if pixels is not None else None
        timings['encode'] = time.perf_counter() - t
        work['crops_encoded'] = len(todo)
        work['crops_reused'] = len(boxes) - len(todo)
        if reuse is not None and len(todo):
            reuse.store(boxes[todo], [thumbs[i] for i in todo], fresh.numpy(),
                        cfg.crop_views)
        if len(todo) == len(boxes):
            return fresh
        rows = [None if e is None else torch.from_numpy(e) for e in cached]
        for k, i in enumerate(todo):
            rows[i] = fresh[k]
        return torch.stack(rows)

    def _run(self, rgb, query, depth_m, intrinsics, timings, cfg, memory=None, stamp=None,
             read=()):
        reuse = memory.reuse if memory is not None else None
        work = {'crops_encoded': 0, 'crops_reused': 0, 'frame_unchanged': False}
        t = self._enter('proposals')
        props = self._proposals(rgb, depth_m, intrinsics, reuse, work, cfg)
        timings['proposals'] = time.perf_counter() - t
        if query.refused:
            return Result(status=REFUSED, command=query.text, what=query.what, chosen=None,
                          ranked=(), pose=None, reason=query.refused, proposals=props.boxes,
                          timings=timings, query=query, work=work)
        # "the purple cylinder but not the banana": a closed vocabulary cannot see what
        # it has no word for, so the exclusion removes nothing (it removed the cylinder:
        # "banana cylinder" scored as the cylinder). Judged on the words the exclusion
        # does not share with the object ("banana"; "cylinder" was carried over).
        gone = ()
        if self.scorer.closed_vocabulary and query.exclude:
            gone = tuple(e for e in query.exclude
                         if unknown_to(e, self.scorer.vocabulary, carried=query.what))
            query = replace(query, exclude=tuple(e for e in query.exclude if e not in gone))
        # "the red ball or the blue mug": each object offered is selected on its own,
        # and the best one found answers (one target, as for a single object).
        options = (replace(query, alternatives=()),) + tuple(query.alternatives)
        unknown = ()
        if self.scorer.closed_vocabulary and len(options) > 1:
            unknown = tuple(q.what for q in options
                            if unknown_to(q.what, self.scorer.vocabulary))
            options = tuple(q for q in options if q.what not in unknown) or options[:1]
        if self.scorer.closed_vocabulary and unknown_to(options[0].what,
                                                        self.scorer.vocabulary):
            return Result(status=NOT_FOUND, command=query.text, what=query.what,
                          chosen=None, ranked=(), pose=None, proposals=props.boxes,
                          reason=f'the model knows no word of "{query.what}": it was '
                          f'trained on a closed vocabulary ({len(self.scorer.vocabulary)} '
                          'descriptions, clip_perception_vocabulary.json next to it); a '
                          'real CLIP checkpoint knows such words', timings=timings,
                          query=query, work=work)

        t = self._enter('text')
        notes = [f'the model knows no word of "{w}"' for w in unknown
                 if w != options[0].what]
        if self.scorer.closed_vocabulary:
            # "the navy mug": scored as said, but the answer names the word the model
            # cannot see (session 19's trial: it did not say so).
            notes += [f'the model knows no word "{w}" of "{options[0].what}" (a closed '
                      'vocabulary): it cannot check that word'
                      for w in unknown_words(options[0].what, self.scorer.vocabulary)]
        notes += [f'read "{said}" as "{known}", the word of its closed vocabulary one typo '
                  'from it' for said, known in read]
        notes += [f'read "{said}" as "{word}"' for said, word in query.read_as]
        notes += [f'dropped "{ch}": the node reads no pictograph; say what it stands for in '
                  'words' for ch in query.symbols]
        notes += [f'dropped "{g}": words in another language beside the English ones are read '
                  'as a gloss of them; the node reads English' for g in query.glosses]
        notes += [n for n in (speaker_side_note(query),) if n]
        notes += unchecked_notes(query)
        notes += [f'"{r}" was read as a remark about the object, not as an object to look for'
                  for r in query.remarks]
        notes += [f'"{m}" was read as a step for the robot to move, not as an object to look '
                  'for' for m in query.motions]
        notes += [f'the model knows no word of what "not" names ("{e}"): nothing is excluded '
                  'for it' for e in gone]
        texts = {}
        for phrase in dict.fromkeys(p for q in options for p in _phrases(q)):
            texts[phrase] = self.scorer.text_embedding(phrase, cfg.prompt_template)
            notes += self._truncation(phrase, cfg)
        timings['text'] = time.perf_counter() - t
        image = self._encode(rgb, props.boxes, reuse, timings, work, cfg,
                             pixel_aspect(intrinsics))

        t = self._enter('select')
        cosines = {p: ((image @ e).numpy().astype(np.float64) if len(props) else np.zeros(0))
                   for p, e in texts.items()}
        # proposal index -> PoseEstimate, computed at most once per frame (and kept with
        # the proposals while the frame does not change)
        poses = reuse.poses if reuse is not None else {}
        # Confidence per phrase under confidence_rule (None: the calibrated cosine).
        confs = {p: self.confidence(image, e, cosines[p], p, cfg) for p, e in texts.items()}
        geo = (props, depth_m, intrinsics, poses)
        asked = options if query.alternatives else (query,) + tuple(query.also)
        # Every object phrase meets the closed vocabulary, not only the first: "the yellow
        # cone and the teddy bear" posed a teddy bear on a cylinder, and "... next to the
        # teddy bear" measured "next to" from one.
        blind = [self._unknown_part(q) for q in asked]
        parts = [Selection(NOT_FOUND, None, (), why) if why else
                 self._select(q, cosines, confs, geo, rgb.shape[1], query.exclude, cfg)
                 for q, why in zip(asked, blind)]
        if len(asked) > 1 and query.alternatives:
            asked, parts = _best_option(asked, parts)
        tracker = memory.tracker if memory is not None else None
        track = None
        if (tracker is not None and not query.plural and not query.also and len(props)
                and not query.alternatives and not blind[0]):
            parts[0], track = self._track(tracker, parts[0], query, props, image, cosines,
                                          confs, geo, stamp, cfg)
            if memory.cut:
                # Only a found target was acquired (helper-h180 read "acquired afresh" on
                # ambiguous and not_found answers).
                afresh = ('the target was acquired afresh' if parts[0].status == FOUND else
                          'nothing was carried over from it')
                parts[0] = replace(parts[0], reason=parts[0].reason + '; the view changed '
                                   f'completely since the last frame: {afresh}')
        timings['select'] = time.perf_counter() - t

        t = self._enter('pose')
        targets, statuses, reasons = [], [], []
        for q, sel in zip(asked, parts):
            status, reason = sel.status, sel.reason
            for c in sel.targets if sel.status == FOUND else ():
                pose = None
                if depth_m is not None and intrinsics is not None:
                    pose = self._pose(props, c.index, depth_m, intrinsics, poses)
                targets.append(Target(q.what, c, pose))
            if status == FOUND:
                mine = [tg.pose for tg in targets if tg.what == q.what]
                if depth_m is None or intrinsics is None:
                    status = NO_DEPTH
                    reason += '; no depth image' if depth_m is None else '; no camera_info'
                elif any(pose is None for pose in mine):
                    status = NO_DEPTH
                    reason += '; fewer than 10 valid depth readings in the target region'
                elif any(pose.method == 'support_ray' for pose in mine):
                    reason += ('; little or no depth on the target (transparent or dark): '
                               'placed where the ray through the bottom of its box meets '
                               'the support surface')
                elif any(pose.method == 'pile' for pose in mine):
                    reason += ('; in a pile (the support surface runs over its items): '
                               'centred on its visible part, whose height it has')
                elif any(pose.method == 'no_surface' for pose in mine):
                    # Trial 38: nothing said that the orientation was a placeholder.
                    reason += ('; no support surface found: the orientation is the '
                               "camera's (identity), not the object's, and the dimensions "
                               'are its visible extent')
            statuses.append(status)
            reasons.append(reason if len(parts) == 1 else f'"{q.what}": {reason}')
        timings['pose'] = time.perf_counter() - t
        first = parts[0]
        status = next((s for s in statuses if s not in (FOUND, NO_DEPTH)),
                      NO_DEPTH if NO_DEPTH in statuses else FOUND)
        found = status in (FOUND, NO_DEPTH)
        chosen = first.chosen if found else None
        pose = targets[0].pose if found and targets else None
        reason = '; '.join(reasons) + ''.join('; ' + n for n in notes)
        return Result(status=status, command=query.text, what=asked[0].what, chosen=chosen,
                      ranked=first.ranked, pose=pose, reason=reason, proposals=props.boxes,
                      timings=timings, targets=tuple(targets) if found else (),
                      ambiguous=first.ambiguous if status == AMBIGUOUS else (),
                      reference=first.reference, query=query, track=track, work=work)

    def _unknown_part(self, q):
        """Why a closed vocabulary cannot answer the object phrase ``q``, or None.

        :param q: one object of the command (:class:`clip_perception.language.Query`).
        :return: the reason (its object, or the object its relation refers to, names no
            word of the vocabulary), or None when it can be answered or the checkpoint's
            vocabulary is open.
        """
        if not self.scorer.closed_vocabulary:
            return None
        if unknown_to(q.what, self.scorer.vocabulary):
            return f'the model knows no word of "{q.what}"'
        for ref in (q.reference, q.second_reference):
            if ref is not None and unknown_to(ref.what, self.scorer.vocabulary):
                link = (q.link or 'its relation').replace('_', ' ')
                return (f'the model knows no word of "{ref.what}", which "{link}" '
                        'refers to')
        return None

    def _track(self, tracker, part, query, props, image, cosines, confs, geo, stamp, cfg):
        """Hand the frame's selection of the command to ``tracker``; return its answer."""
        _, depth_m, intrinsics, poses = geo
        cosine = cosines[query.what]
        conf = confs[query.what]
        if conf is None:
            conf = calibrate(cosine, self.scorer.calibration)
        has_depth = depth_m is not None and intrinsics is not None

        def position(i):
            pose = self._pose(props, i, depth_m, intrinsics, poses) if has_depth else None
            return None if pose is None else pose.position

        excluded = self._excluded(props.boxes, cosine, [cosines[e] for e in query.exclude],
                                  [confs[e] for e in query.exclude], cfg)
        size = (intrinsics.width, intrinsics.height) if intrinsics is not None else None
        sel, track = tracker.update(part, props.boxes, cosine, conf, image.numpy(), position,
                                    query, stamp, cfg.min_confidence, excluded,
                                    depth_m if has_depth else None, size)
        return replace(part, status=sel.status, chosen=sel.chosen, ranked=sel.ranked,
                       reason=sel.reason, targets=sel.targets,
                       ambiguous=sel.ambiguous if sel.status == AMBIGUOUS else ()), track

    def _truncation(self, phrase, cfg):
        """Reason notes when the tokenizer cuts the prompt for ``phrase``."""
        count = getattr(self.scorer, 'prompt_tokens', None)
        if count is None:
            return []
        n, limit = count(phrase, cfg.prompt_template)
        if n <= limit:
            return []
        short = phrase if len(phrase) <= 40 else phrase[:37] + '...'
        return [f'the prompt for "{short}" is {n} tokens but the text encoder reads only '
                f'{limit}: the end was cut']

    def _select(self, q, cosines, confs, geo, width, exclude, cfg):
        """Select for one object phrase ``q`` (the command or one of its "and" parts).

        :param confs: ``{phrase: (N,) confidence or None}`` (None: calibrated cosine).
        :param cfg: the frame's :class:`~clip_perception.config.PipelineConfig`.
        """
        props, depth_m, intrinsics, poses = geo
        cosine = cosines[q.what]
        cal = self.scorer.calibration
        spatial = self.cosine_margin(cfg.spatial_margin)
        excluded = self._excluded(props.boxes, cosine, [cosines[e] for e in exclude],
                                  [confs[e] for e in exclude], cfg)
        has_depth = depth_m is not None and intrinsics is not None and len(cosine)
        if q.link and q.reference is not None:
            ref = cosines[q.reference.what]
            second = q.second_reference if q.link == 'between' else None
            ref2 = cosines[second.what] if second is not None else ref
            positions = sizes = None
            if has_depth:
                near = np.nonzero((cosine >= cosine.max() - spatial)
                                  | (ref >= ref.max() - spatial)
                                  | (ref2 >= ref2.max() - spatial))[0]
                positions = self._positions(props, near, depth_m, intrinsics, poses)
                if q.link in ('in', 'holds'):
                    sizes = self._box_geometry(props, near, depth_m, intrinsics, poses)[1]
            up = np.asarray(props.plane[0], float) if props.plane is not None else None
            if second is not None:
                return select_between(
                    props.boxes, cosine, (ref, ref2), q, threshold=cfg.min_confidence,
                    calibration=cal, margin=spatial, top_k=cfg.top_k, positions=positions,
                    up=up, excluded=excluded, confidence=confs[q.what],
                    ref_confidences=(confs[q.reference.what], confs[second.what]),
                    priority=props.scores)
            return select_linked(props.boxes, cosine, ref, q, threshold=cfg.min_confidence,
                                 calibration=cal, margin=spatial, top_k=cfg.top_k,
                                 positions=positions, up=up, excluded=excluded,
                                 confidence=confs[q.what],
                                 ref_confidence=confs[q.reference.what],
                                 priority=props.scores, sizes=sizes,
                                 image_up=cfg.image_up)
        depths = sizes = None
        away = {q.relation, q.second_relation} & {'nearest', 'farthest'}
        if (away or q.size or q.ordinal or not q.decides) and has_depth:
            conf = calibrate(cosine, cal) if confs[q.what] is None else confs[q.what]
            near_best = np.nonzero((cosine >= cosine.max() - spatial)
                                   | (conf >= cfg.min_confidence))[0]
            depths, sizes = self._box_geometry(props, near_best, depth_m, intrinsics, poses)
        rules = {'threshold': cfg.min_confidence, 'calibration': cal, 'margin': spatial,
                 'top_k': cfg.top_k, 'sizes': sizes, 'image_width': width,
                 'excluded': excluded,
                 'ambiguity_margin': self.cosine_margin(cfg.ambiguity_margin),
                 'on_ambiguous': cfg.on_ambiguous, 'confidence': confs[q.what],
                 'priority': props.scores, 'image_up': cfg.image_up}
        if q.distance is None or q.relation or q.size or q.ordinal:
            return select(props.boxes, cosine, q, depths=depths, **rules)
        # "the ball 1 m away": the instance whose distance from the camera is nearest
        # to the one said, picked as "nearest" over how far each is from it.
        said = f'{q.distance:g} m from the camera'
        if depths is None:
            sel = select(props.boxes, cosine, replace(q, distance=None), **rules)
            return replace(sel, reason=f'{sel.reason}; the {said} is not measured without '
                           'depth')
        sel = select(props.boxes, cosine, replace(q, relation='nearest'),
                     depths=np.abs(depths - q.distance), **rules)
        return replace(sel, reason=sel.reason.replace('nearest', f'nearest to {said}', 1))

    def cosine_margin(self, logits):
        """Return a margin given in logits as a cosine margin for this checkpoint.

        ``logits / logit_scale``. CLIP compares an image with texts through
        ``logit_scale * cosine`` (Radford et al. 2021), so a margin in logits means the
        same for every checkpoint (a softmax over two crops whose logits differ by 2
        gives the better one e^2 = 7.4 times the other's share), where a cosine margin
        does not: the bundled model's cosines of a match lie near 0.8 with
        ``logit_scale`` 24.8, OpenAI CLIP's near 0.3 with 100, so 0.16 cosine spanned
        nearly every crop of a real checkpoint. The defaults are the bundled model's
        earlier cosine margins times its scale (0.16 and 0.08 cosine: 4.0 and 2.0).

        :param logits: margin in logits, >= 0.
        :return: the cosine margin (float).
        """
        return float(logits) / float(self.scorer.logit_scale)

    def _excluded(self, boxes, cosine, excluded_cosines, excluded_confs, cfg):
        """(N,) bool: proposals that match an excluded phrase, and other boxes of them.

        A proposal is excluded when it matches an excluded phrase at least as well as
        the phrase asked for, or with confidence >= ``min_confidence`` (a partial
        description, "the red one", fits the red cube as fully as "cube" does: comparing
        cosines let it through in 2 of 60 negation commands, `clip_perception_eval
        commands`, and 2 of 40 on other seeds); a box of the same object (see
        :func:`clip_perception.selection.same_object`) as one that is also confidently
        the excluded phrase (calibrated confidence >= ``min_confidence``) goes too, so
        another box of the excluded object cannot be picked instead.
        """
        if not excluded_cosines or not len(cosine):
            return None
        out = np.zeros(len(cosine), bool)
        core = np.zeros(len(cosine), bool)
        for ec, conf in zip(excluded_cosines, excluded_confs):
            conf = calibrate(ec, self.scorer.calibration) if conf is None else conf
            sure = conf >= cfg.min_confidence
            # As well as the phrase asked for, or confidently: "the red one" fits the red
            # cube as fully as "cube" does, and its cosine may lie a hair lower.
            out |= (ec >= cosine) | sure
            core |= sure
        if core.any():
            for i in np.nonzero(~out)[0]:
                out[i] = bool(same_object(boxes[i], boxes[core]).any())
        return out

    def _positions(self, props, indices, depth_m, intrinsics, poses):
        """(N, 3) camera-frame centres of the proposals in ``indices`` (NaN elsewhere)."""
        out = np.full((len(props), 3), np.nan)
        for i in indices:
            pose = self._pose(props, i, depth_m, intrinsics, poses)
            if pose is not None:
                out[i] = pose.position
        return out

    def contrasts(self, what, cfg=None):
        """Contrast prompts for ``what``: generic ones plus the configured vocabulary.

        The ``vocabulary`` parameter when set, else the checkpoint's own
        (:func:`clip_perception.confidence.read_vocabulary`).

        :param cfg: the :class:`~clip_perception.config.PipelineConfig`; None:
            ``self.config``.
        """
        cfg = self.config if cfg is None else cfg
        vocab = parse_vocabulary(cfg.vocabulary) or getattr(
            self.scorer, 'vocabulary', ())
        return contrast_prompts(what, vocab)

    def confidence(self, image, text, cosine, what, cfg=None):
        """(N,) confidence per proposal under ``confidence_rule``, or None (calibration).

        :param image: (N, D) unit image embeddings; ``text`` (D,) the command's.
        :param cfg: the :class:`~clip_perception.config.PipelineConfig`; None:
            ``self.config``.
        """
        cfg = self.config if cfg is None else cfg
        rule = resolve_rule(cfg.confidence_rule, self.scorer.calibration)
        if rule == 'calibration' or len(cosine) == 0:
            return None
        prompts = self.contrasts(what, cfg)
        contrast = self.scorer.text_embeddings(prompts, cfg.prompt_template)
        p = zero_shot_confidence(image, text, contrast, self.scorer.logit_scale)
        if rule == 'both':
            p = np.minimum(p, calibrate(cosine, self.scorer.calibration))
        return p

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


# Most a pixel's height may differ from its width, either way, for ``fy / fx`` to shape
# the crops (:func:`pixel_aspect`): a sensor binned 4x1 is the most a camera gives. A
# camera_info with one focal length in other units passes its unit check (one axis in
# pixels is enough, messages.in_pixels) and cut crops 1000 times their width high: 11 s
# and 2 GB a frame, the object not found.
MAX_PIXEL_ASPECT = 4.0


def pixel_aspect(intrinsics):
    """Return the height of a pixel over its width in the scene, ``fy / fx`` (1 without).

    Crops are made square in the scene with it (:func:`clip_perception.crops.square_boxes`).
    A ratio beyond :data:`MAX_PIXEL_ASPECT` either way is no camera's: 1, crops square in
    pixels, as without intrinsics.

    :param intrinsics: :class:`clip_perception.geometry.Intrinsics` or None.
    :return: float in ``[1 / MAX_PIXEL_ASPECT, MAX_PIXEL_ASPECT]``.
    """
    if intrinsics is None:
        return 1.0
    aspect = float(intrinsics.fy) / float(intrinsics.fx)
    return aspect if 1.0 / MAX_PIXEL_ASPECT <= aspect <= MAX_PIXEL_ASPECT else 1.0


def resolve_rule(rule, calibration):
    """Return the confidence rule actually applied (``auto`` resolved).

    ``auto`` becomes ``calibration`` when the checkpoint ships a calibration fitted to
    it, else ``softmax`` (no fitted constants). A fit made for this very checkpoint is
    the better judge on its own scenes (the bundled model: 97.7% of absent objects
    answered "not found", against 90.7% with the softmax); a checkpoint without one
    would otherwise fall back to a fixed guess, which does not transfer, so it gets the
    zero-shot softmax.
    """
    if rule == 'auto':
        return 'calibration' if calibration is not None else 'softmax'
    return rule


def _best_option(options, parts):
    """Pick the object offered with "or" that answers: ``((query,), [selection])``.

    The found one with the highest confidence; none found: the first, its reason naming
    why each was not.

    :param options: the :class:`~clip_perception.language.Query` of each object offered.
    :param parts: their :class:`~clip_perception.selection.Selection`, in that order.
    """
    found = [k for k, sel in enumerate(parts) if sel.status == FOUND]
    if found:
        k = max(found, key=lambda i: parts[i].chosen.confidence)
        offered = ' or '.join(f'"{q.what}"' for q in options)
        return (options[k],), [replace(parts[k], reason=f'{parts[k].reason} (the best found '
                                       f'of the objects offered: {offered})')]
    why = '; '.join(f'"{q.what}": {sel.reason}' for q, sel in zip(options, parts))
    return (options[0],), [replace(parts[0], reason=f'none of the objects offered is '
                                   f'found: {why}')]


def _spelt_as_known(query, vocabulary):
    """Return ``query`` with misspelt object words read as known ones, and what was read.

    Every object phrase of it (``what``, the reference, the objects named with "and" or
    "or", the excluded ones) goes through
    :func:`clip_perception.confidence.correct_spelling`.

    :return: ``(query, ((said, read), ...))``.
    """
    read = []

    def fix(q):
        what, changed = correct_spelling(q.what, vocabulary)
        read.extend(changed)
        exclude = []
        for phrase in q.exclude:
            phrase, changed = correct_spelling(phrase, vocabulary)
            read.extend(changed)
            exclude.append(phrase)
        return replace(q, what=what, exclude=tuple(exclude),
                       reference=fix(q.reference) if q.reference is not None else None,
                       second_reference=fix(q.second_reference)
                       if q.second_reference is not None else None,
                       also=tuple(fix(a) for a in q.also),
                       alternatives=tuple(fix(a) for a in q.alternatives))
    fixed = fix(query)
    return (fixed if read else query), tuple(dict.fromkeys(read))


def _phrases(query):
    """Every object phrase of ``query`` that CLIP scores, once each, in order."""
    out = []
    for q in (query,) + tuple(query.also):
        out += [q.what] + [r.what for r in (q.reference, q.second_reference)
                           if r is not None]
    out += list(query.exclude)
    return list(dict.fromkeys(out))


__all__ = ['AMBIGUOUS', 'FOUND', 'MAX_PIXEL_ASPECT', 'NOT_FOUND', 'NO_DEPTH', 'Pipeline',
           'pixel_aspect', 'proposal_pose', 'REFUSED', 'Result', 'Target']
