"""Does grounding hold outside the training look? Shifted scenes and confidence rules.

``clip_perception_eval shifted`` renders scenes that differ from training, one factor
at a time (:data:`clip_perception.world.scenes.SHIFTS`: lighting, object textures, camera
height and pitch, object sizes, all of them at once) plus our default scenes seen
through image-only proposals (no depth), and asks four kinds of command per scene: a
present object, an absent one, the shape alone ("the mug") and the colour alone
("the red one"), the last two only where that description is unique in the scene.
``clip_perception_eval rules`` asks the same on our own scenes (the pipeline
evaluation's seeds).

Each scene is proposed and encoded once; every *rule* then decides from the same
numbers, so the rules compare on identical cases. A rule is a ranking (by cosine, or by
the zero-shot softmax) and an acceptance test (confidence >= ``min_confidence``) with
one of these confidences:

- ``calibration``: the checkpoint's own fitted logistic (none: the ViT-B/32 default);
- ``shipped calibration``: the bundled model's fit, reused unchanged on this checkpoint;
- ``softmax generic``: zero-shot softmax against the generic contrasts only;
- ``softmax vocabulary``: against generic contrasts and the vocabulary;
- ``top contrast``: two-way softmax against the strongest contrast (generic and
  vocabulary): found when the command is the best description of the crop;
- ``both``: the smaller of ``calibration`` and ``softmax vocabulary``;
- ``accept all``: every best crop is "found": its "present right" column is the
  ranking's top-1 accuracy (the ceiling of every acceptance test), its absent column 0.

The ``as the node answers`` line runs the same commands through
:class:`clip_perception.pipeline.Pipeline` as configured (each scene proposed and encoded
once, kept for its commands as the node keeps an unchanged frame; no tracking): the
selection groups boxes of one object, prefers the proposals' own better boxes and
answers ``ambiguous`` when two objects match about equally, so its figures differ from
the rules' plain best-crop ones (on the shifted scenes the colour alone is right in 90%
of cases through the node, 83% by the configured rule's best crop). A present object
is right when the answer is ``found`` or ``no_depth`` with its box (IoU >= 0.5), an
absent one only when it is ``not_found`` (``ambiguous`` is wrong there).

Seeds: shifted scenes 40,000,000+; our scenes reuse the pipeline evaluation's
20,000,000+.
"""

from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

import numpy as np

from clip_perception.confidence import contrast_prompts
from clip_perception.confidence import GENERIC_CONTRASTS
from clip_perception.confidence import parse_vocabulary
from clip_perception.confidence import top_contrast_confidence
from clip_perception.confidence import unknown_to
from clip_perception.confidence import zero_shot_confidence
from clip_perception.geometry import box_iou
from clip_perception.language import parse_command
from clip_perception.selection import calibrate
from clip_perception.world.scenes import Appearance
from clip_perception.world.scenes import COLOURS
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import SHAPES
from clip_perception.world.scenes import SHIFTS

SHIFTED_SEED = 40_000_000
SUITE_KINDS = SHIFTS + ('image_only',)
CASE_KINDS = ('present', 'absent', 'shape', 'colour', 'shape absent', 'colour absent')
# Column heads of the reports, one per case kind.
CASE_NAMES = {'present': 'present right', 'absent': 'absent -> n.f.', 'shape': 'shape only',
              'colour': 'colour only', 'shape absent': 'no such shape', 'colour absent':
              'no such colour'}
ACCEPT = ('calibration', 'shipped calibration', 'softmax generic', 'softmax vocabulary',
          'top contrast', 'both', 'accept all')
RANK = ('cosine', 'softmax')
NODE = ('node', 'as configured')  # the pipeline's own answers (Outcome.node)
# The toy world's names: what a user of the bundled model would list as vocabulary.
TOY_VOCABULARY = tuple(f'{c} {s}' for c in COLOURS for s in SHAPES)
_SHAPE_WORDS = {'ball': ('ball', 'sphere'), 'cube': ('cube', 'box', 'block'),
                'cylinder': ('cylinder', 'can'), 'cone': ('cone',), 'mug': ('mug', 'cup')}


@dataclass
class Outcome:
    """Per (rank, accept) rule: did this case come out right."""

    kind: str  # present | absent | shape | colour
    shift: str
    command: str
    right: dict = field(default_factory=dict)  # (rank, accept) -> bool
    node: bool | None = None  # the pipeline's answer was right (None: not run)


def shifted_scene(k, seed=SHIFTED_SEED):
    """Scene ``k`` of the shifted suite: ``(scene, shift kind, use depth proposals)``."""
    kind = SUITE_KINDS[k % len(SUITE_KINDS)]
    if kind == 'image_only':
        return generate_scene(seed + k), kind, False
    return generate_scene(seed + k, appearance=Appearance.shifted(kind)), kind, True


def scene_commands(scene, rng, absent_rng=None):
    """Commands for one scene: ``[(kind, command, expected object or None)]``.

    :param rng: draws the present, absent, shape-only and colour-only commands.
    :param absent_rng: draws "the cone" with no cone in view and "the purple one" with
        nothing purple (kinds ``shape absent`` and ``colour absent``, added in session 17
        after a user found "the cone" answered on a mug); None: not asked. A generator of
        its own, so that the other commands are drawn as before.
    """
    out = []
    objs = scene.targetable()
    if objs:
        t = objs[rng.integers(len(objs))]
        words = _SHAPE_WORDS[t.shape]
        out.append(('present', f'the {t.colour} {words[rng.integers(len(words))]}', t))
    present = {(o.colour, o.shape) for o in scene.objects}
    absent = [(c, s) for c in COLOURS for s in SHAPES if (c, s) not in present]
    c, s = absent[rng.integers(len(absent))]
    out.append(('absent', f'the {c} {s}', None))
    shapes = [o.shape for o in scene.objects]
    unique = [o for o in objs if shapes.count(o.shape) == 1]
    if unique:
        t = unique[rng.integers(len(unique))]
        words = _SHAPE_WORDS[t.shape]
        out.append(('shape', f'the {words[rng.integers(len(words))]}', t))
    colours = [o.colour for o in scene.objects]
    unique = [o for o in objs if colours.count(o.colour) == 1]
    if unique:
        t = unique[rng.integers(len(unique))]
        out.append(('colour', f'the {t.colour} one', t))
    if absent_rng is not None:
        gone = [sh for sh in SHAPES if sh not in shapes]
        if gone:
            words = _SHAPE_WORDS[gone[absent_rng.integers(len(gone))]]
            out.append(('shape absent', f'the {words[absent_rng.integers(len(words))]}',
                        None))
        gone = [c for c in COLOURS if c not in colours]
        if gone:
            out.append(('colour absent', f'the {gone[absent_rng.integers(len(gone))]} one',
                        None))
    return out


def suite_scenes(indices, suite='shifted', seed=None):
    """Yield the scenes of a suite with their commands, as every evaluation draws them.

    One random generator (seed + 1) draws the commands scene after scene, so any
    evaluation that goes through the same scenes in order asks the same commands.

    :param indices: scene indices in order (``range(n)``, possibly wrapped in progress).
    :param suite: ``shifted`` (:func:`shifted_scene`) or ``own`` (the pipeline
        evaluation's scenes, seeds 20,000,000+).
    :param seed: first scene seed; None: the suite's own.
    :return: iterator of ``(k, scene, shift, use_depth, commands)``, ``commands`` as
        :func:`scene_commands` returns them.
    :raises ValueError: unknown suite.
    """
    from clip_perception.world.evaluation import PIPELINE_SEED

    if suite not in ('shifted', 'own'):
        raise ValueError(f'unknown suite "{suite}": use shifted or own')
    if seed is None:
        seed = SHIFTED_SEED if suite == 'shifted' else PIPELINE_SEED
    rng = np.random.default_rng(seed + 1)
    absent_rng = np.random.default_rng(seed + 2)
    for k in indices:
        if suite == 'shifted':
            scene, shift, use_depth = shifted_scene(k, seed)
        else:
            scene, shift, use_depth = generate_scene(seed + k), 'none', True
        yield k, scene, shift, use_depth, scene_commands(scene, rng, absent_rng)


def evaluate_rules(scorer, config, scenes, suite='shifted', vocabulary=None,
                   shipped_calibration=None, seed=None, progress=True, node=True):
    """Run every rule on ``scenes`` scenes of ``suite`` (``shifted`` or ``own``).

    :param scorer: :class:`clip_perception.scorer.ClipScorer`.
    :param config: :class:`clip_perception.config.PipelineConfig` (proposals, prompt,
        threshold ``min_confidence``).
    :param vocabulary: contrast vocabulary; None: the config's, else the checkpoint's.
    :param shipped_calibration: ``(slope, intercept)`` for the ``shipped calibration``
        rule; None: the checkpoint's own.
    :param node: also answer each command through the pipeline as configured
        (:attr:`Outcome.node`).
    :return: list of :class:`Outcome`.
    """
    from clip_perception.pipeline import FOUND
    from clip_perception.pipeline import NO_DEPTH
    from clip_perception.pipeline import NOT_FOUND
    from clip_perception.pipeline import Pipeline
    from clip_perception.proposals import propose
    from clip_perception.tracking import FrameReuse
    from clip_perception.tracking import Memory
    from clip_perception.world.evaluation import _progress

    if vocabulary is None:
        vocabulary = parse_vocabulary(config.vocabulary) or scorer.vocabulary
    outcomes = []
    for _, scene, shift, use_depth, commands in suite_scenes(
            _progress(range(scenes), suite, progress), suite, seed):
        cfg = replace(config, depth_proposals=use_depth and config.depth_proposals)
        answers = [None] * len(commands)
        if node:
            memory = Memory(reuse=FrameReuse(cfg.reuse_tolerance, cfg.reuse_box_px))
            pipeline = Pipeline(scorer, cfg)
            answers = [pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics,
                                    memory) for _, command, _ in commands]
            # The proposals the node kept for this frame: the call below, made once.
            props = memory.reuse.proposals
        else:
            props = propose(scene.rgb, scene.depth, scene.intrinsics, cfg.max_proposals,
                            use_depth=cfg.depth_proposals, use_image=cfg.image_proposals,
                            nms_iou=cfg.nms_iou)
        image = scorer.forward(scorer.preprocess(scene.rgb, props.boxes, cfg.crop_context))
        for (kind, command, expected), res in zip(commands, answers):
            what = parse_command(command).what
            out = Outcome(kind, shift, command)
            outcomes.append(out)
            if res is not None:
                found = res.status in (FOUND, NO_DEPTH)
                out.node = bool(found and box_iou(np.array([res.chosen.box]), np.array(
                    [expected.box]))[0, 0] >= 0.5) if expected is not None else \
                    res.status == NOT_FOUND
            if len(props) == 0:
                for key in _rules():
                    out.right[key] = expected is None
                continue
            conf, ranks = _confidences(scorer, config, image, what, vocabulary,
                                       shipped_calibration)
            for rank_name, rank in ranks.items():
                best = int(np.argmax(rank))
                hit = expected is not None and box_iou(
                    props.boxes[[best]], np.array([expected.box]))[0, 0] >= 0.5
                for accept, c in conf.items():
                    found = c[best] >= config.min_confidence
                    out.right[(rank_name, accept)] = bool(found and hit) if expected \
                        is not None else not found
    return outcomes


def _rules():
    return [(r, a) for r in RANK for a in ACCEPT]


def _confidences(scorer, config, image, what, vocabulary, shipped_calibration):
    template = config.prompt_template
    text = scorer.text_embedding(what, template)
    cosine = (image @ text).numpy().astype(np.float64)
    generic = scorer.text_embeddings(contrast_prompts(what, (), GENERIC_CONTRASTS),
                                     template)
    vocab = scorer.text_embeddings(contrast_prompts(what, vocabulary), template)
    p_generic = zero_shot_confidence(image, text, generic, scorer.logit_scale)
    p_vocab = zero_shot_confidence(image, text, vocab, scorer.logit_scale)
    own = calibrate(cosine, scorer.calibration)
    conf = {
        'calibration': own,
        'shipped calibration': calibrate(cosine, shipped_calibration or scorer.calibration),
        'softmax generic': p_generic,
        'softmax vocabulary': p_vocab,
        'top contrast': top_contrast_confidence(image, text, vocab, scorer.logit_scale),
        'both': np.minimum(own, p_vocab),
        'accept all': np.ones_like(cosine),
    }
    return conf, {'cosine': cosine, 'softmax': p_vocab}


def rate(outcomes, rule, kind, shift=None):
    """``(right, total)`` of ``rule`` over cases of ``kind`` (and ``shift``).

    :param rule: a ``(rank, accept)`` pair, or ``NODE`` for the pipeline's answers.
    """
    sel = [o for o in outcomes if o.kind == kind and (shift is None or o.shift == shift)]
    if rule == NODE:
        sel = [o for o in sel if o.node is not None]
        return sum(o.node for o in sel), len(sel)
    return sum(o.right[rule] for o in sel), len(sel)


def report(outcomes, title, rule=None, breakdown=False):
    """Printable table of every rule (and per shift for ``rule``), with the targets."""
    def pct(pair):
        c, t = pair
        return f'{100.0 * c / t:5.1f}% ({c:3d}/{t:3d})' if t else '   n/a          '

    lines = [title, f'  {"rank by":8s} {"confidence":20s} ' + ' '.join(
        f'{CASE_NAMES[kind]:17s}' for kind in CASE_KINDS)]
    for key in _rules():
        mark = ' <- configured' if key == rule else ''
        lines.append(f'  {key[0]:8s} {key[1]:20s} ' + ' '.join(
            pct(rate(outcomes, key, kind)) for kind in CASE_KINDS) + mark)
    node = any(o.node is not None for o in outcomes)
    if node:
        lines.append(f'  {"node":8s} {"as the node answers":20s} ' + ' '.join(
            pct(rate(outcomes, NODE, kind)) for kind in CASE_KINDS))
    lines.append('  targets: present >= 90%, absent >= 90%, shape/colour only >= 90%; '
                 'no such shape/colour: answered not_found (no target set)')
    if breakdown and rule is not None:
        for which in ((rule, NODE) if node else (rule,)):
            name = 'as the node answers' if which == NODE else \
                f'rule {which[0]} / {which[1]}'
            lines.append(f'  per shift, {name}:')
            for shift in sorted({o.shift for o in outcomes}):
                lines.append(f'    {shift:10s}   ' + ' '.join(
                    pct(rate(outcomes, which, kind, shift)) for kind in CASE_KINDS))
    return '\n'.join(lines)


def configured_rule(config, calibration=None):
    """Return the (rank, accept) pair the pipeline uses under ``config``.

    :param calibration: the checkpoint's fitted calibration, to resolve ``auto``.
    """
    from clip_perception.pipeline import resolve_rule

    accept = {'softmax': 'softmax vocabulary', 'calibration': 'calibration',
              'both': 'both'}[resolve_rule(config.confidence_rule, calibration)]
    return ('cosine', accept)


def summary(outcomes, rule):
    """``{kind: [right, total]}`` of one rule, for JSON output."""
    return {kind: list(rate(outcomes, rule, kind)) for kind in CASE_KINDS}


def recording_frames(bag, every=1, limit=None):
    """Colour frames of a rosbag2 recording, with the depth and intrinsics recorded beside.

    Colour is the first ``Image`` or ``CompressedImage`` topic whose name does not say
    depth; depth (optional) the first ``Image`` topic that does, paired when its receive
    time is within 50 ms; intrinsics from the latest ``CameraInfo``.

    :param every: keep one colour frame in ``every``.
    :return: list of ``(rgb, depth_m or None, intrinsics or None)``.
    """
    from clip_perception.messages import camera_info_to_intrinsics
    from clip_perception.messages import compressed_to_rgb
    from clip_perception.messages import depth_to_array
    from clip_perception.messages import image_to_rgb
    from clip_perception.tools.bags import _typestore
    from clip_perception.tools.bags import bag_topics
    from clip_perception.tools.bags import read_bag

    topics = bag_topics(bag)
    images = [t for t, m in topics.items() if m in ('sensor_msgs/msg/Image',
                                                    'sensor_msgs/msg/CompressedImage')]
    depth_topic = next((t for t in images if 'depth' in t), None)
    colour_topic = next((t for t in images if 'depth' not in t), None)
    if colour_topic is None:
        raise ValueError(f'{bag} has no colour image topic (topics: {sorted(topics)})')
    info_topic = next((t for t, m in topics.items() if m == 'sensor_msgs/msg/CameraInfo'),
                      None)
    store = _typestore()
    colour, depths, infos, n = [], [], [], 0
    for topic, msgtype, t, raw in read_bag(bag, {colour_topic, depth_topic, info_topic}):
        if topic == colour_topic:
            n += 1
            if (n - 1) % every or (limit and len(colour) >= limit):
                continue
            colour.append((t, msgtype, raw))
        elif topic == depth_topic:
            depths.append((t, msgtype, raw))
        else:
            infos.append((t, msgtype, raw))
    frames = []
    for t, msgtype, raw in colour:
        msg = store.deserialize_cdr(raw, msgtype)
        rgb = compressed_to_rgb(msg.format, bytes(msg.data)) if msgtype.endswith(
            'CompressedImage') else image_to_rgb(msg.encoding, msg.height, msg.width,
                                                 msg.step, bytes(msg.data))
        depth = intr = None
        near = min(depths, key=lambda d: abs(d[0] - t), default=None)
        if near is not None and abs(near[0] - t) < 50_000_000:
            m = store.deserialize_cdr(near[2], near[1])
            depth = depth_to_array(m.encoding, m.height, m.width, m.step, bytes(m.data),
                                   bool(m.is_bigendian))
            info = min(infos, key=lambda d: abs(d[0] - t), default=None)
            if info is not None:
                m = store.deserialize_cdr(info[2], info[1])
                intr = camera_info_to_intrinsics(list(m.k), m.width, m.height)
        frames.append((rgb, depth if intr is not None else None, intr))
    return frames


def check_recording(scorer, config, frames, present=(), absent=(), vocabulary=None):
    """Fraction of frames each rule answers "found", per command, on a user's recording.

    For a recording of a scene whose contents you know: commands in ``present`` should
    be found in every frame, those in ``absent`` in none. A command a closed vocabulary
    does not know (:func:`clip_perception.confidence.unknown_to`) is "not found" under
    every rule, as the pipeline answers it.

    :return: ``{accept rule: {'present': (found, total), 'absent': (not found, total),
        'median confidence present': float, 'median confidence absent': float}}``.
    """
    from clip_perception.proposals import propose

    if vocabulary is None:
        vocabulary = parse_vocabulary(config.vocabulary) or scorer.vocabulary
    found = {a: {'present': [], 'absent': []} for a in ACCEPT}
    for rgb, depth, intr in frames:
        props = propose(rgb, depth, intr, config.max_proposals,
                        use_depth=depth is not None and config.depth_proposals,
                        use_image=config.image_proposals, nms_iou=config.nms_iou)
        if len(props) == 0:
            continue
        image = scorer.forward(scorer.preprocess(rgb, props.boxes, config.crop_context))
        for kind, commands in (('present', present), ('absent', absent)):
            for command in commands:
                what = parse_command(command).what
                if scorer.closed_vocabulary and unknown_to(what, scorer.vocabulary):
                    # As the pipeline answers it: not found, whatever the rule.
                    for accept in found:
                        found[accept][kind].append(0.0)
                    continue
                conf, ranks = _confidences(scorer, config, image, what, vocabulary, None)
                best = int(np.argmax(ranks['cosine']))
                for accept, c in conf.items():
                    found[accept][kind].append(float(c[best]))
    out = {}
    for accept, d in found.items():
        p, a = np.array(d['present']), np.array(d['absent'])
        thr = config.min_confidence
        out[accept] = {
            'present': (int((p >= thr).sum()), len(p)),
            'absent': (int((a < thr).sum()), len(a)),
            'median confidence present': float(np.median(p)) if len(p) else float('nan'),
            'median confidence absent': float(np.median(a)) if len(a) else float('nan'),
        }
    return out
