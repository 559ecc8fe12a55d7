"""Train the tiny CLIP the project ships, on crops of rendered scenes.

A transformers ``CLIPModel`` (about 0.3 M parameters, 64 px input) learns the toy world
of :mod:`clip_perception.world.scenes` with a symmetric contrastive loss in which every
crop whose description matches a caption is a positive for it: by default
:func:`per_positive_loss` (each fitting caption must beat every caption that does not
fit), ``loss='multi_positive'`` the previous :func:`multi_positive_loss`; crops are
augmented as another camera would see them (:func:`camera_augment`; ``augment='basic'``:
flips and gain only, the previous recipe; ``augment='camera_affine'`` also warps them,
:func:`affine_augment`, which measured worse and is kept to reproduce that). Fragments of
objects and unions of two objects are added as image-side negatives only, so a cube's
top face learns to score below the whole cube (the trap image-only proposals fall
into). With ``looks='varied'`` (the default) scenes are rendered with
:meth:`clip_perception.world.scenes.Appearance.varied` (lighting, shading styles, flat and
textured surfaces, camera heights and angles, blur, noise, colour variation within each
colour name, object sizes), captions also name the shape only ("a mug"), the colour
only ("the red one") or a synonym, and bare background crops get captions of their own
("the table"), the generic contrast prompts of :mod:`clip_perception.confidence`.
``looks='plain'`` with ``partial_captions=0``, ``loss='multi_positive'`` and
``augment='basic'`` is the previous recipe (the shipped model). Some colour-shape
pairs never appear in training; the evaluation measures how well the model composes
them. With ``init`` a checkpoint is fine-tuned instead of a new model trained: the
shipped model is the previous recipe's model fine-tuned on ``looks='mixed'`` scenes with
the defaults above (README, "The bundled model").

Deterministic for a given seed and thread count (1 thread by default).
"""

import argparse
from dataclasses import asdict
from dataclasses import dataclass
import json
import math
from multiprocessing import get_context
import os
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits
import torch

from clip_perception.confidence import VOCABULARY_FILE
from clip_perception.config import PipelineConfig
from clip_perception.crops import crop_batch
from clip_perception.crops import normalise_image
from clip_perception.crops import square_boxes
from clip_perception.crops import value_range
from clip_perception.scorer import OPENAI_MEAN
from clip_perception.scorer import OPENAI_STD
from clip_perception.tools import DefaultsHelpFormatter
from clip_perception.tools.paths import check_replaceable
from clip_perception.tools.paths import OutputPathError
from clip_perception.tools.paths import replace_dir
from clip_perception.world.scenes import Appearance
from clip_perception.world.scenes import COLOURS
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import SHAPES

# Pairs never rendered in training scenes (each colour and shape at most once).
HELD_OUT = (('red', 'cone'), ('blue', 'mug'), ('green', 'ball'), ('yellow', 'cube'),
            ('white', 'cylinder'))
SYNONYMS = {
    'ball': ('ball', 'sphere'),
    'cube': ('cube', 'box', 'block'),
    'cylinder': ('cylinder', 'can'),
    'cone': ('cone',),
    'mug': ('mug', 'cup'),
    'purple': ('purple', 'violet'),
}
# Extra words taught by the varied recipe only (the evaluation keeps SYNONYMS).
MORE_SYNONYMS = {
    'ball': ('ball', 'sphere', 'round ball'),
    'cube': ('cube', 'box', 'block', 'brick'),
    'cylinder': ('cylinder', 'can', 'tin', 'tube'),
    'cone': ('cone', 'traffic cone'),
    'mug': ('mug', 'cup', 'coffee mug'),
    'purple': ('purple', 'violet'),
    'grey': ('grey', 'gray'),
}
COLOUR_ONLY = ('{}', '{} one', '{} object', '{} thing', '{} item')
BACKGROUND_CAPTIONS = ('table', 'the table', 'a table', 'background', 'the background',
                       'a wall', 'the wall', 'empty table', 'nothing', 'the floor')
TEMPLATES = ('a photo of a {}', 'a photo of the {}', 'a {}', 'the {}', '{}',
             'a picture of a {}', 'a {} on a table')
MEAN, STD = OPENAI_MEAN, OPENAI_STD  # the tiny model normalises as OpenAI CLIP does
KIND_OBJECT, KIND_NEGATIVE = 0, 1
WORLD_VOCABULARY = tuple(f'{c} {s}' for c in COLOURS for s in SHAPES)
BACKGROUND = -2  # label of bare table/wall crops (their own captions when varied)
LOSSES = ('per_positive', 'multi_positive')
LOOKS = ('varied', 'plain', 'mixed')
# Frame sizes of the training scenes: ``mixed`` draws 320x240 for 70% of the scenes and
# 640x480 for the rest (the previous recipe); ``640x480`` renders every scene at the size
# the evaluations (``clip_perception_eval``) and a VGA camera give the node. Drawn so, an
# object's square crop is 62 px wide at the median (53% of them enlarged to the 64-px
# input) against 100 px on the evaluation's own scenes (11% enlarged) and 88 px on the
# shifted ones (24%): the model learned from blurred, enlarged crops and reads sharp,
# shrunk ones (issue #13, helper-101; 60 training scenes, 40 of each suite, crop_context
# 0.15).
FRAMES = {'mixed': ((320, 240), (640, 480)), '640x480': ((640, 480), (640, 480))}
# Most pixels a proposal crop's box edge moves from the object's visible box, each edge on
# its own: depth-segmented boxes lie a pixel or two off the true box (median 1 px in at
# the top and left and 1 px out at the right, 60 of the evaluation's scenes; docs/
# grounding.md, "The ROS evaluation's misses, by pipeline stage").
PROPOSAL_JITTER_PX = 2
AUGMENTS = ('camera', 'camera_affine', 'basic')
# What the two towers compute in: ``bf16`` runs their forward and backward under
# ``torch.autocast('cpu', dtype=torch.bfloat16)``, the loss in float32 either way. Only a
# CPU with bf16 units (AVX512-BF16 or AMX) runs it faster than fp32; elsewhere torch
# emulates bf16 6-8x slower (docs/speed.md), so it is refused there (cpu_has_bf16), and
# ``auto`` picks bf16 only where the units are. Weights trained in bf16 differ from fp32's.
PRECISIONS = ('fp32', 'bf16', 'auto')
# Files of a checkpoint folder (save() writes both): an existing --out is replaced only
# when it holds one of them, or is empty (clip_perception.tools.paths).
CHECKPOINT_MARKERS = ('config.json', 'model.safetensors')


@dataclass
class TrainConfig:
    """Everything that determines the trained weights."""

    seed: int = 0
    scenes: int = 1800
    steps: int = 1800
    batch: int = 256
    lr: float = 3e-3
    weight_decay: float = 0.05
    image_size: int = 64
    patch_size: int = 8
    width: int = 64
    layers: int = 2
    heads: int = 4
    threads: int = 1
    workers: int = 2
    looks: str = 'varied'  # varied | plain (the scenes' default look only) | mixed (half each)
    partial_captions: float = 0.4  # share of captions naming only the shape or colour
    loss: str = 'per_positive'  # per_positive | multi_positive (the previous recipe)
    augment: str = 'camera'  # camera (blur, resolution, gamma, noise) | camera_affine
    # (camera plus view-angle squash, tilt, zoom) | basic (flip, gain)
    init: str = ''  # a checkpoint folder to fine-tune ('' = a new model of the sizes above;
    # with one, its sizes replace image_size, patch_size, width, layers and heads)
    frames: str = 'mixed'  # a key of FRAMES: the training scenes' frame sizes
    proposal_crops: int = 0  # more crops per object, cut as the node cuts a proposal
    init_image_size: int = 0  # with init: the input side to fine-tune it at, its position
    # embeddings interpolated (resize_vision_input); 0 = the checkpoint's own
    precision: str = 'fp32'  # fp32 | bf16 | auto (bf16 where the CPU has bf16 units): what
    # both towers compute in (PRECISIONS); the record says what ``auto`` chose


def caption(colour, shape, rng):
    """Draw a caption for a (colour, shape) pair, with synonyms and a template."""
    c = SYNONYMS.get(colour, (colour,))
    s = SYNONYMS.get(shape, (shape,))
    what = f'{c[rng.integers(len(c))]} {s[rng.integers(len(s))]}'
    return TEMPLATES[rng.integers(len(TEMPLATES))].format(what)


def caption_parts(colour, shape, rng, partial):
    """Draw a caption and what it names: ``(text, colour or None, shape or None)``.

    With probability ``partial`` the caption names only the shape ("a mug") or only
    the colour ("the red one"); words come from :data:`MORE_SYNONYMS`.
    """
    template = TEMPLATES[rng.integers(len(TEMPLATES))]
    c = MORE_SYNONYMS.get(colour, (colour,))
    s = MORE_SYNONYMS.get(shape, (shape,))
    cw, sw = c[rng.integers(len(c))], s[rng.integers(len(s))]
    r = rng.random()
    if r < partial / 2:
        return template.format(sw), None, shape
    if r < partial:
        return template.format(COLOUR_ONLY[rng.integers(len(COLOUR_ONLY))].format(cw)), \
            colour, None
    return template.format(f'{cw} {sw}'), colour, shape


def _jitter(box, rng, shift=0.12, scale=(0.88, 1.2)):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cx = (x0 + x1) / 2 + rng.uniform(-shift, shift) * w
    cy = (y0 + y1) / 2 + rng.uniform(-shift, shift) * h
    sw, sh = w * rng.uniform(*scale) / 2, h * rng.uniform(*scale) / 2
    return (cx - sw, cy - sh, cx + sw, cy + sh)


def _proposal_box(box, rng, px=PROPOSAL_JITTER_PX):
    """Return the box a proposal gives of ``box``: each edge moved by -px..px whole pixels."""
    return tuple(np.asarray(box, np.float64) + rng.integers(-px, px + 1, 4))


def scene_crops(seed, size, exclude=HELD_OUT, jitters=2, looks='plain', frames='mixed',
                proposal_crops=0):
    """Crops of one training scene: objects (with labels) and negatives.

    Every crop is cut as the node cuts its proposals (:func:`clip_perception.crops.
    square_boxes` and :func:`clip_perception.crops.crop_batch`: square, context, mean-
    colour padding, antialiased bicubic), from ``jitters`` loose boxes per object (centre
    moved by up to 12% and sides scaled 0.88-1.2, context 0.05-0.3) and, with
    ``proposal_crops``, as many more from the object's box with each edge moved by up to
    :data:`PROPOSAL_JITTER_PX` pixels at the node's default ``crop_context``.

    :param looks: ``plain`` (default look), ``varied``
        (:meth:`clip_perception.world.scenes.Appearance.varied`) or ``mixed`` (varied
        for odd seeds, the default look for even ones; background squares captioned as
        with ``varied``).
    :param frames: a key of :data:`FRAMES`, the scene's frame size.
    :param proposal_crops: proposal-like crops per object (0: none, the previous recipe).
    :return: ``(uint8 (N, 3, size, size), labels (N,) int, kinds (N,) int)`` with
        label ``colour_index * len(SHAPES) + shape_index``, -1 for fragments and
        unions, :data:`BACKGROUND` (-2) for bare table or wall.
    """
    rng = np.random.default_rng(seed + 7_000_000)
    res = FRAMES[frames][0] if rng.random() < 0.7 else FRAMES[frames][1]
    varied = looks == 'varied' or (looks == 'mixed' and seed % 2 == 1)
    look = Appearance.varied() if varied else None
    scene = generate_scene(seed, width=res[0], height=res[1], exclude_pairs=exclude,
                           appearance=look)
    boxes, contexts, labels = [], [], []
    colours, shapes = list(COLOURS), list(SHAPES)
    for obj in scene.objects:
        if obj.visible_fraction < 0.4:
            continue
        label = colours.index(obj.colour) * len(shapes) + shapes.index(obj.shape)
        for _ in range(jitters):
            boxes.append(_jitter(obj.box, rng))
            contexts.append(rng.uniform(0.05, 0.3))
            labels.append(label)
        for _ in range(proposal_crops):
            boxes.append(_proposal_box(obj.box, rng))
            contexts.append(PipelineConfig.crop_context)
            labels.append(label)
        x0, y0, x1, y1 = obj.box
        w, h = x1 - x0, y1 - y0
        if min(w, h) >= 12:  # a fragment: one part of the object
            fw, fh = w * rng.uniform(0.3, 0.6), h * rng.uniform(0.3, 0.6)
            fx, fy = x0 + rng.uniform(0, w - fw), y0 + rng.uniform(0, h - fh)
            boxes.append((fx, fy, fx + fw, fy + fh))
            contexts.append(rng.uniform(0.0, 0.15))
            labels.append(-1)
    objs = [o for o in scene.objects if o.visible_fraction >= 0.4]
    if len(objs) >= 2:  # a union of two objects
        a, b = rng.choice(len(objs), 2, replace=False)
        ba, bb = objs[a].box, objs[b].box
        boxes.append((min(ba[0], bb[0]), min(ba[1], bb[1]), max(ba[2], bb[2]),
                      max(ba[3], bb[3])))
        contexts.append(0.05)
        labels.append(-1)
    for _ in range(2):  # background: table or wall with little object in it
        if looks == 'plain':  # the plain recipe, drawn as the shipped model was trained
            box, label = _random_square(res, rng), -1
        else:
            box, label = _background_box(scene, res, rng)
        boxes.append(box)
        contexts.append(0.1)
        labels.append(label)
    image = normalise_image(scene.rgb, MEAN, STD)
    crops = crop_batch(image, square_boxes(boxes, np.array(contexts)), size,
                       *value_range(MEAN, STD))
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    raw = ((crops * std + mean) * 255).round().clamp(0, 255).to(torch.uint8)
    labels = np.array(labels)
    kinds = np.where(labels >= 0, KIND_OBJECT, KIND_NEGATIVE)
    return raw.numpy(), labels, kinds


def _background_box(scene, res, rng, tries=20, max_overlap=0.03):
    """Draw a square of bare table or wall (captioned as background), else a negative.

    The square (6-25% of the image width) may overlap the boxes of
    the scene's objects by at most ``max_overlap`` of its area (context included):
    a crop that shows most of a mug must not learn to be "the table", or the generic
    contrasts of :mod:`clip_perception.confidence` outscore right crops at inference.
    After ``tries`` draws without such a square the last one is kept as a negative
    without a caption (label -1).

    :return: ``((x0, y0, x1, y1) pixels, label)`` with label :data:`BACKGROUND` or -1.
    """
    objects = np.array([o.box for o in scene.objects], dtype=np.float64).reshape(-1, 4)
    for _ in range(tries):
        box = _random_square(res, rng)
        pad = 0.1 * (box[2] - box[0])  # the crop context the square is cut with
        x0, y0, x1, y1 = box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad
        iw = np.clip(np.minimum(x1, objects[:, 2]) - np.maximum(x0, objects[:, 0]), 0, None)
        ih = np.clip(np.minimum(y1, objects[:, 3]) - np.maximum(y0, objects[:, 1]), 0, None)
        if (iw * ih).sum() <= max_overlap * (x1 - x0) * (y1 - y0):
            return box, BACKGROUND
    return box, -1


def _random_square(res, rng):
    """Draw a square 6-25% of the image width, anywhere in a ``res`` = (W, H) image."""
    side = rng.uniform(0.06, 0.25) * res[0]
    x, y = rng.uniform(0, res[0] - side), rng.uniform(0, res[1] - side)
    return (x, y, x + side, y + side)


def cpu_has_bf16():
    """Return True when this CPU computes bf16 in hardware (AVX512-BF16 or AMX tiles).

    torch's own probes (``torch.cpu._is_avx512_bf16_supported``, ``_is_amx_tile_supported``,
    which its inductor backend reads too); False where they are missing.
    """
    probes = ('_is_avx512_bf16_supported', '_is_amx_tile_supported')
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


def resolve_precision(precision, has_bf16=None):
    """Return ``'fp32'`` or ``'bf16'`` for a :data:`PRECISIONS` value on this CPU.

    :param has_bf16: whether the CPU has bf16 units; None asks :func:`cpu_has_bf16`.
    :raises ValueError: ``bf16`` asked on a CPU without bf16 units (where it would be
        emulated 6-8x slower than fp32), or a value not in :data:`PRECISIONS`.
    """
    if precision not in PRECISIONS:
        raise ValueError(f'precision must be one of {", ".join(PRECISIONS)}; got '
                         f'{precision!r}')
    if has_bf16 is None:
        has_bf16 = cpu_has_bf16()
    if precision == 'auto':
        return 'bf16' if has_bf16 else 'fp32'
    if precision == 'bf16' and not has_bf16:
        raise ValueError('precision bf16: this CPU has no bf16 units (AVX512-BF16 or AMX), '
                         'so torch would emulate bf16 6-8x slower than fp32 (docs/speed.md); '
                         'use fp32 (or auto, which picks fp32 here)')
    return precision


def _one_thread_each():
    """Make this rendering process compute on one thread: torch's and numpy's BLAS.

    numpy's OpenBLAS starts a worker per core and lets it spin between calls; with one
    rendering process per core the spinning threads take the cores from the rendering
    (measured, 200 scenes, 2 processes on 2 cores: 22.3 s with OpenBLAS's default
    threads, 11.8 s with one; ``benchmarks/train_time.py``). The rendered crops are the
    same, byte for byte. Set once per process and left so (the process ends with the
    pool).
    """
    torch.set_num_threads(1)
    threadpool_limits(limits=1, user_api='blas')


def _scene_crops_job(args):
    return scene_crops(*args)


def build_dataset(seeds, size, workers=2, progress=True, looks='plain', frames='mixed',
                  proposal_crops=0):
    """Render scenes and cut their crops (in ``workers`` processes, order preserved).

    Each process computes on one thread (:func:`_one_thread_each`); with ``workers``
    1 the scenes are rendered here, on the caller's threads. ``looks``, ``frames`` and
    ``proposal_crops`` as :func:`scene_crops` takes them.
    """
    jobs = [(int(s), size, HELD_OUT, 2, looks, frames, proposal_crops) for s in seeds]
    parts = []
    bar = _progress(len(jobs), 'render', progress)
    if workers > 1:
        with get_context('spawn').Pool(workers, initializer=_one_thread_each) as pool:
            for part in pool.imap(_scene_crops_job, jobs, chunksize=8):
                parts.append(part)
                bar.update(1)
    else:
        for job in jobs:
            parts.append(scene_crops(*job))
            bar.update(1)
    bar.close()
    crops = np.concatenate([p[0] for p in parts])
    labels = np.concatenate([p[1] for p in parts])
    kinds = np.concatenate([p[2] for p in parts])
    return crops, labels, kinds


def make_model(vocab_size, tokenizer, cfg):
    """Build a fresh, small CLIPModel."""
    from transformers import CLIPConfig
    from transformers import CLIPModel

    text = {
        'vocab_size': vocab_size, 'hidden_size': cfg.width,
        'intermediate_size': 4 * cfg.width, 'num_hidden_layers': cfg.layers,
        'num_attention_heads': cfg.heads, 'max_position_embeddings': 32,
        'bos_token_id': tokenizer.bos_token_id, 'eos_token_id': tokenizer.eos_token_id,
        'pad_token_id': tokenizer.pad_token_id, 'projection_dim': cfg.width,
    }
    vision = {
        'hidden_size': cfg.width, 'intermediate_size': 4 * cfg.width,
        'num_hidden_layers': cfg.layers, 'num_attention_heads': cfg.heads,
        'image_size': cfg.image_size, 'patch_size': cfg.patch_size,
        'projection_dim': cfg.width,
    }
    config = CLIPConfig(text_config=text, vision_config=vision, projection_dim=cfg.width)
    return CLIPModel(config)


def multi_positive_loss(img, txt, img_labels, txt_labels, scale, pos=None):
    """Symmetric contrastive loss where every same-label pair is a positive.

    :param img: (Ni, D) unit image embeddings; negatives have label -1.
    :param txt: (Nt, D) unit text embeddings, labels all >= 0.
    :param pos: optional (Ni, Nt) bool matrix of positives, overriding the labels
        (partial captions match several labels); image rows without a positive are
        negatives.
    """
    logits = scale * img @ txt.T
    if pos is None:
        pos = img_labels[:, None] == txt_labels[None, :]
    neg_inf = torch.finfo(logits.dtype).min
    obj = pos.any(1)
    # image -> text, over object crops only
    li = logits[obj]
    pi = pos[obj]
    i2t = torch.logsumexp(li, 1) - torch.logsumexp(li.masked_fill(~pi, neg_inf), 1)
    # text -> image, every crop (negatives included) competes
    has = pos.any(0)
    t2i = (torch.logsumexp(logits.T, 1)
           - torch.logsumexp(logits.T.masked_fill(~pos.T, neg_inf), 1))[has]
    return 0.5 * (i2t.mean() + t2i.mean())


def per_positive_loss(img, txt, pos, scale):
    """Symmetric contrastive loss where each positive pair competes with negatives only.

    For every positive pair (crop i, caption j) the loss is the cross-entropy of picking
    j among j and the captions that do *not* describe crop i (and, the other way, of
    picking i among i and the crops that caption j does not describe):
    ``softplus(logsumexp(negatives) - logit_ij)``. Unlike :func:`multi_positive_loss`,
    which is satisfied when the *best* matching caption wins, this makes every caption
    that fits a crop ("mug", "red one", "red mug") beat every caption that does not
    ("red cylinder"): exactly the competition the zero-shot softmax of
    :mod:`clip_perception.confidence` runs at inference. It is the per-positive form of
    supervised contrastive learning (Khosla et al. 2020, eq. 2, with the other positives
    left out of the denominator).

    :param img: (Ni, D) unit image embeddings.
    :param txt: (Nt, D) unit text embeddings.
    :param pos: (Ni, Nt) bool, caption j describes crop i; crops without a positive
        (fragments, unions) are negatives for every caption.
    :param scale: the logit scale (a 0-d tensor).
    :return: 0-d tensor, the mean of the two directions.
    """
    logits = scale * img @ txt.T
    neg_inf = torch.finfo(logits.dtype).min

    def side(lg, ps):
        rows = ps.any(1)
        lg, ps = lg[rows], ps[rows]
        neg = torch.logsumexp(lg.masked_fill(ps, neg_inf), 1, keepdim=True)
        loss = torch.nn.functional.softplus(neg - lg)
        return (loss * ps).sum() / ps.sum()

    return 0.5 * (side(logits, pos) + side(logits.T, pos.T))


def camera_augment(x, rng):
    """Blur, resolution loss, gamma and sensor noise, drawn per crop; hue is kept.

    What a different camera or renderer changes without changing what an object *is*:
    optics and distance (a crop resized down to 14-40 px and back, as a far or small
    object is), exposure curves (gamma 0.6-1.7, a log-uniform draw), a white balance a
    few percent off per channel, and additive Gaussian noise (sigma up to 0.05). Colour
    words stay true: no hue rotation, the channel gains stay within 6%.

    :param x: (N, 3, S, S) float32 in [0, 1].
    :param rng: numpy Generator (the draws, so training is reproducible from its seed).
    :return: (N, 3, S, S) float32 in [0, 1], a new tensor.
    """
    n, _, size, _ = x.shape
    x = x.clone()
    low = np.nonzero(rng.random(n) < 0.4)[0]
    sizes = rng.integers(14, 41, len(low))
    for s in np.unique(sizes):
        idx = torch.from_numpy(low[sizes == s])
        small = torch.nn.functional.interpolate(x[idx], size=(int(s), int(s)),
                                                mode='bilinear', antialias=True,
                                                align_corners=False)
        x[idx] = torch.nn.functional.interpolate(small, size=(size, size), mode='bilinear',
                                                 align_corners=False)
    gamma = torch.from_numpy(np.exp(rng.uniform(np.log(0.6), np.log(1.7), (n, 1, 1, 1))))
    x = x.clamp(1e-4, 1).pow(gamma.float())
    x = x * torch.from_numpy(rng.uniform(0.94, 1.06, (n, 3, 1, 1))).float()
    noisy = np.nonzero(rng.random(n) < 0.5)[0]
    if len(noisy):
        sigma = torch.from_numpy(rng.uniform(0, 0.05, (len(noisy), 1, 1, 1))).float()
        gen = torch.Generator().manual_seed(int(rng.integers(1 << 62)))
        idx = torch.from_numpy(noisy)
        x[idx] += sigma * torch.randn(x[idx].shape, generator=gen)
    return x.clamp(0, 1)


def affine_augment(x, rng, share=0.6):
    """Warp a share of the crops as another viewpoint or proposal box would frame them.

    Per warped crop: a vertical squash of 0.6-1.0 (a steeper or shallower view
    foreshortens the table plane and what stands on it by roughly the sine of the
    pitch), an in-plane tilt of up to 15 degrees (a rolled camera), a zoom of 0.7-1.15
    (an object smaller or larger in its box than the proposals of the training scenes
    cut it) and a shift of up to 8% of the crop. Pixels from outside the crop repeat
    its border (``grid_sample`` ``padding_mode='border'``). Colours are not touched.

    :param x: (N, 3, S, S) float32 in [0, 1].
    :param rng: numpy Generator (the draws, so training is reproducible from its seed).
    :param share: fraction of crops warped; the rest are returned unchanged.
    :return: (N, 3, S, S) float32 in [0, 1], a new tensor.
    """
    n = x.shape[0]
    idx = np.nonzero(rng.random(n) < share)[0]
    x = x.clone()
    if len(idx) == 0:
        return x
    k = len(idx)
    angle = np.deg2rad(rng.uniform(-15.0, 15.0, k))
    zoom = rng.uniform(0.7, 1.15, k)
    squash = rng.uniform(0.6, 1.0, k)
    shift = rng.uniform(-0.08, 0.08, (k, 2)) * 2.0  # normalised coordinates span 2
    # theta maps output coordinates to input ones: the inverse of scale then rotate.
    cos, sin = np.cos(angle), np.sin(angle)
    theta = np.zeros((k, 2, 3))
    theta[:, 0, 0] = cos / zoom
    theta[:, 0, 1] = sin / zoom
    theta[:, 1, 0] = -sin / (zoom * squash)
    theta[:, 1, 1] = cos / (zoom * squash)
    theta[:, :, 2] = shift
    sel = torch.from_numpy(idx)
    grid = torch.nn.functional.affine_grid(torch.from_numpy(theta).float(),
                                           (k,) + tuple(x.shape[1:]), align_corners=False)
    x[sel] = torch.nn.functional.grid_sample(x[sel], grid, mode='bilinear',
                                             padding_mode='border', align_corners=False)
    return x.clamp(0, 1)


class CaptionTokens:
    """A tokenizer's padded batches of captions, each caption tokenized once.

    The captions are drawn from a few thousand strings (templates times words), so
    tokenizing each once and padding the batch here gives the tokenizer's own output at
    a fraction of its cost (11 ms per 205-caption batch, about 40 s of the recipe's
    3,300 steps; ``benchmarks/train_time.py``). Padding is the tokenizer's
    ``padding=True``: on its ``padding_side``, with ``pad_token_id``, to the batch's
    longest caption, attention mask 0 on the padding.

    :param tokenizer: a transformers tokenizer with a pad token.
    """

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.ids = {}

    def __call__(self, texts):
        """Return ``{'input_ids', 'attention_mask'}``: (len(texts), L) int64 tensors."""
        new = [t for t in dict.fromkeys(texts) if t not in self.ids]
        if new:
            self.ids.update(zip(new, self.tokenizer(new)['input_ids']))
        rows = [self.ids[t] for t in texts]
        width = max(len(r) for r in rows)
        ids = np.full((len(rows), width), self.tokenizer.pad_token_id, np.int64)
        mask = np.zeros((len(rows), width), np.int64)
        left = self.tokenizer.padding_side == 'left'
        for i, r in enumerate(rows):
            cols = slice(width - len(r), width) if left else slice(0, len(r))
            ids[i, cols] = r
            mask[i, cols] = 1
        return {'input_ids': torch.from_numpy(ids), 'attention_mask': torch.from_numpy(mask)}


def positives(img_labels, txt_colour, txt_shape, txt_background):
    """(Ni, Nt) bool: which caption describes which crop.

    :param img_labels: (Ni,) crop labels (see :func:`scene_crops`).
    :param txt_colour: (Nt,) colour index a caption names, -1 if none.
    :param txt_shape: (Nt,) shape index a caption names, -1 if none.
    :param txt_background: (Nt,) bool, caption describes bare background.
    """
    n_shapes = len(SHAPES)
    obj = img_labels >= 0
    ic = torch.where(obj, img_labels // n_shapes, -3)[:, None]
    ishp = torch.where(obj, img_labels % n_shapes, -3)[:, None]
    tc, ts = txt_colour[None, :], txt_shape[None, :]
    named = ((tc >= 0) | (ts >= 0)) & ~txt_background[None, :]
    pos = obj[:, None] & named & ((tc < 0) | (tc == ic)) & ((ts < 0) | (ts == ishp))
    return pos | ((img_labels == BACKGROUND)[:, None] & txt_background[None, :])


class Batches:
    """The batches :func:`train` draws from a crop set: which crops, how augmented, captions.

    Split out of the training loop so that ``benchmarks/train_step.py`` times each part of
    a step as training runs it. The draws are made from the caller's ``rng`` in the order
    :func:`train` makes them (indices, then images, then captions), so a run is the same
    for its seed whoever calls these.

    :param crops: (N, 3, S, S) uint8 crops of :func:`build_dataset`.
    :param labels: (N,) int labels, :param kinds: (N,) int kinds, both of
        :func:`build_dataset`.
    :param cfg: :class:`TrainConfig` (``batch``, ``augment``, ``looks``,
        ``partial_captions``).
    """

    def __init__(self, crops, labels, kinds, cfg):
        self.cfg = cfg
        self.crops = torch.from_numpy(crops)
        self.labels = torch.from_numpy(labels)
        self.obj_idx = np.nonzero(kinds == KIND_OBJECT)[0]
        self.neg_idx = np.nonzero(kinds == KIND_NEGATIVE)[0]
        self.n_neg = max(cfg.batch // 5, 1)
        self.mean = torch.tensor(MEAN).view(1, 3, 1, 1)
        self.std = torch.tensor(STD).view(1, 3, 1, 1)

    def indices(self, rng):
        """Return (batch,) int indices: a fifth negatives, the rest objects, no repeats."""
        return np.concatenate([
            rng.choice(self.obj_idx, self.cfg.batch - self.n_neg, replace=False),
            rng.choice(self.neg_idx, self.n_neg, replace=False)])

    def images(self, idx, rng):
        """Return (len(idx), 3, S, S) float32: the crops augmented and normalised."""
        x = self.crops[idx].float() / 255.0
        # Augment: flips and brightness/contrast only (hue carries the colour word).
        flip = torch.from_numpy(rng.random(len(idx)) < 0.5)
        x[flip] = x[flip].flip(-1)
        gain = torch.from_numpy(rng.uniform(0.8, 1.2, (len(idx), 1, 1, 1))).float()
        x = ((x - 0.5) * gain + 0.5 + torch.from_numpy(
            rng.uniform(-0.06, 0.06, (len(idx), 1, 1, 1))).float()).clamp(0, 1)
        if self.cfg.augment in ('camera', 'camera_affine'):
            x = camera_augment(x, rng)
        if self.cfg.augment == 'camera_affine':
            x = affine_augment(x, rng)
        return (x - self.mean) / self.std

    def captions(self, idx, rng):
        """Return ``(texts, pos)``: the batch's captions and which crop each describes.

        A caption per object crop of ``idx``, plus two background captions when
        background crops are drawn and the looks are not plain; ``pos`` is the
        (len(idx), len(texts)) bool matrix of positives.
        """
        colours, shapes = list(COLOURS), list(SHAPES)
        img_labels = self.labels[idx]
        obj_labels = img_labels[img_labels >= 0].tolist()
        if self.cfg.looks == 'plain' and self.cfg.partial_captions <= 0:
            texts = [caption(colours[lab // len(shapes)], shapes[lab % len(shapes)], rng)
                     for lab in obj_labels]
            # The plain recipe: a caption describes the crops of its label.
            return texts, img_labels[:, None] == torch.tensor(obj_labels)[None, :]
        parts = [caption_parts(colours[lab // len(shapes)], shapes[lab % len(shapes)],
                               rng, self.cfg.partial_captions) for lab in obj_labels]
        n_bg = 2 if bool((img_labels == BACKGROUND).any()) else 0
        texts = [p[0] for p in parts] + [
            BACKGROUND_CAPTIONS[i] for i in rng.choice(len(BACKGROUND_CAPTIONS), n_bg,
                                                       replace=False)]
        tcol = torch.tensor([colours.index(p[1]) if p[1] else -1 for p in parts]
                            + [-1] * n_bg)
        tshp = torch.tensor([shapes.index(p[2]) if p[2] else -1 for p in parts]
                            + [-1] * n_bg)
        tbg = torch.tensor([False] * len(parts) + [True] * n_bg)
        return texts, positives(img_labels, tcol, tshp, tbg)


def set_training_attention(model, precision):
    """Give ``model`` the attention kernel that trains fastest in ``precision``.

    In bf16, transformers' ``eager`` attention (matmul, softmax, matmul: the matmuls in
    bf16 and the softmax in float32 under autocast) instead of ``sdpa``: torch's CPU
    flash-attention backward took 178 ms a call in bf16 against 12-19 ms in fp32, 61% of
    a bf16 step (torch 2.13, AMX Xeon, one thread;
    ``benchmarks/results/issue13_h116_step_profile.log``); with ``eager`` a bf16 step
    of width 128, 3 layers, took 0.50-0.67 of fp32's (``issue13_h116_step_attention.log``,
    ``issue13_h116_step_grid.log``).
    fp32 keeps ``sdpa``, and so the recipe's weights as they were.
    The choice is not saved: the checkpoint loads with transformers' default attention.

    :param model: a ``transformers.CLIPModel``.
    :param precision: ``fp32`` or ``bf16`` (:func:`resolve_precision`).
    """
    if precision == 'bf16':
        model.set_attn_implementation('eager')


def lr_schedule(opt, steps):
    """Return the scheduler of ``opt``: linear warm-up over 5% of ``steps``, then cosine."""
    warmup = max(steps // 20, 1)

    def lr_at(step):
        if step < warmup:
            return (step + 1) / warmup
        return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(steps - warmup, 1)))

    return torch.optim.lr_scheduler.LambdaLR(opt, lr_at)


def contrastive_loss(model, x, tokens, pos, cfg):
    """Return the training loss of one batch: both towers forward, then ``cfg.loss``.

    :param model: a ``transformers.CLIPModel`` in train mode.
    :param x: (Ni, 3, S, S) float32 normalised crops (:meth:`Batches.images`).
    :param tokens: ``{'input_ids', 'attention_mask'}`` (Nt, L) of :class:`CaptionTokens`.
    :param pos: (Ni, Nt) bool positives (:meth:`Batches.captions`).
    :param cfg: :class:`TrainConfig` (``loss``).
    :return: 0-d float32 tensor.
    """
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=cfg.precision == 'bf16'):
        img = model.get_image_features(pixel_values=x)
        txt = model.get_text_features(**tokens)
    # The loss in float32 whatever the towers ran in: a softmax over 256 logits at scale
    # up to 100 would lose the margins bf16's 8 mantissa bits cannot hold.
    img, txt = _unit(img), _unit(txt)
    scale = model.logit_scale.exp().clamp(max=100)
    if cfg.loss == 'per_positive':
        return per_positive_loss(img, txt, pos, scale)
    return multi_positive_loss(img, txt, None, None, scale, pos)


def fit(model, batches, tokens_of, cfg, rng, on_step=None):
    """Train ``model`` for ``cfg.steps`` AdamW steps (:func:`lr_schedule`); return the losses.

    :param model: a ``transformers.CLIPModel``; put in train mode with the attention of
        :func:`set_training_attention`.
    :param batches: :class:`Batches` of the crop set.
    :param tokens_of: :class:`CaptionTokens`.
    :param cfg: :class:`TrainConfig` (``steps``, ``lr``, ``weight_decay``, ``precision``,
        ``loss`` and what :class:`Batches` reads).
    :param rng: numpy Generator, the draws of every batch.
    :param on_step: called as ``on_step(step, losses)`` after each step.
    :return: list of ``cfg.steps`` float losses.
    """
    model.train()
    set_training_attention(model, cfg.precision)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    sched = lr_schedule(opt, cfg.steps)
    losses = []
    for step in range(cfg.steps):
        idx = batches.indices(rng)
        x = batches.images(idx, rng)
        texts, pos = batches.captions(idx, rng)
        loss = contrastive_loss(model, x, tokens_of(texts), pos, cfg)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
        if on_step is not None:
            on_step(step, losses)
    return losses


def train(cfg, tokenizer_dir, out_dir, progress=True, log=print):
    """Train and save a model folder loadable with ``CLIPModel.from_pretrained``.

    :raises ValueError: ``cfg.loss`` not in :data:`LOSSES`, ``cfg.augment`` not in
        :data:`AUGMENTS`, ``cfg.looks`` not in :data:`LOOKS`, or ``cfg.precision`` not
        one this CPU runs (:func:`resolve_precision`; ``auto`` is replaced by its choice).
    """
    from transformers import AutoTokenizer

    if (cfg.loss not in LOSSES or cfg.augment not in AUGMENTS or cfg.looks not in LOOKS
            or cfg.frames not in FRAMES):
        raise ValueError(f'loss must be one of {", ".join(LOSSES)}, augment one of '
                         f'{", ".join(AUGMENTS)}, looks one of {", ".join(LOOKS)} and '
                         f'frames one of {", ".join(FRAMES)}; got {cfg.loss!r}, '
                         f'{cfg.augment!r}, {cfg.looks!r} and {cfg.frames!r}')
    cfg.precision = resolve_precision(cfg.precision)  # recorded as chosen
    init_args = None
    if cfg.init:
        from transformers import CLIPConfig

        vision = CLIPConfig.from_pretrained(cfg.init).vision_config
        # The sizes are the checkpoint's: crops are rendered at them and recorded so.
        cfg.image_size, cfg.patch_size = vision.image_size, vision.patch_size
        if cfg.init_image_size:
            cfg.image_size = cfg.init_image_size
        cfg.width, cfg.layers = vision.hidden_size, vision.num_hidden_layers
        cfg.heads = vision.num_attention_heads
        try:  # how the starting point was trained, kept with the result
            with open(os.path.join(cfg.init, 'training_args.json')) as f:
                init_args = json.load(f)
        except (OSError, ValueError):
            init_args = None
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    tokens_of = CaptionTokens(tokenizer)
    t0 = time.time()
    seeds = np.arange(cfg.scenes) + 1_000_000 * (cfg.seed + 1)
    crops, labels, kinds = build_dataset(seeds, cfg.image_size, cfg.workers, progress,
                                         cfg.looks, cfg.frames, cfg.proposal_crops)
    log(f'[train] {len(crops)} crops ({(kinds == 0).sum()} objects, '
        f'{(kinds == 1).sum()} negatives, {(labels == BACKGROUND).sum()} of them '
        f'background) from {cfg.scenes} scenes ({cfg.looks} looks) in '
        f'{time.time() - t0:.0f} s')

    if cfg.init:
        from transformers import CLIPModel

        model = resize_vision_input(CLIPModel.from_pretrained(cfg.init), cfg.image_size)
    else:
        model = make_model(len(tokenizer), tokenizer, cfg)
    bar = _progress(cfg.steps, 'train', progress)

    def show(step, losses):
        bar.update(1)
        if step % 50 == 0:
            bar.set_postfix(loss=f'{np.mean(losses[-50:]):.3f}')

    t1 = time.time()
    losses = fit(model, Batches(crops, labels, kinds, cfg), tokens_of, cfg, rng, show)
    bar.close()
    log(f'[train] {cfg.steps} steps in {time.time() - t1:.0f} s, '
        f'final loss {np.mean(losses[-100:]):.4f}')
    save(model, tokenizer, cfg, out_dir, {
        'train_seconds': round(time.time() - t0, 1),
        'final_loss': round(float(np.mean(losses[-100:])), 4),
        'crops': int(len(crops)),
        **({'init_training_args': init_args} if cfg.init else {}),
    })
    return model


# The bundled model's recipe (README, "The bundled model"): stage 1 is the previous
# recipe on the default look; stage 2 fine-tunes it on half varied looks with the
# command's defaults otherwise. Only these fields differ from TrainConfig's defaults.
RECIPES = {
    'bundled': (
        {'scenes': 2400, 'steps': 2500, 'lr': 3e-3, 'looks': 'plain',
         'partial_captions': 0.0, 'loss': 'multi_positive', 'augment': 'basic'},
        {'scenes': 1200, 'steps': 800, 'lr': 1e-3, 'looks': 'mixed'},
    ),
}
# What a recipe takes from the command line; the rest is the recipe's.
RECIPE_KEEPS = ('seed', 'width', 'layers', 'heads', 'image_size', 'patch_size', 'batch',
                'threads', 'workers', 'precision')


def recipe_stages(name, cfg):
    """Return the stages of recipe ``name``, with ``cfg``'s :data:`RECIPE_KEEPS` fields.

    :param name: a key of :data:`RECIPES`.
    :param cfg: :class:`TrainConfig` giving seed, sizes, batch, threads and workers.
    :return: list of :class:`TrainConfig`; each stage after the first fine-tunes the
        one before (its ``init`` is filled in by :func:`train_stages`).
    :raises ValueError: unknown recipe.
    """
    if name not in RECIPES:
        raise ValueError(f'unknown recipe {name!r}: use one of {", ".join(RECIPES)}')
    keep = {k: getattr(cfg, k) for k in RECIPE_KEEPS}
    return [TrainConfig(**keep, **stage) for stage in RECIPES[name]]


def train_stages(stages, tokenizer_dir, out_dir, progress=True, log=print):
    """Train ``stages`` in turn, each fine-tuning the one before; the last is saved.

    Intermediate checkpoints go to ``out_dir + '.stageK'`` and are removed once the next
    stage has read them; the saved ``training_args.json`` nests each earlier stage's
    record as ``init_training_args``.
    """
    init = None
    for k, cfg in enumerate(stages):
        last = k == len(stages) - 1
        where = out_dir if last else f'{out_dir}.stage{k + 1}'
        if k:
            cfg.init = init
        if not last:
            replace_dir(where, CHECKPOINT_MARKERS, 'checkpoint folder')
        log(f'[train] stage {k + 1} of {len(stages)}')
        train(cfg, tokenizer_dir, where, progress=progress, log=log)
        if k:  # the stage before, read now
            replace_dir(init, CHECKPOINT_MARKERS, 'checkpoint folder')
        init = where


def resize_vision_input(model, image_size):
    """Return ``model`` for ``image_size``-pixel input, its position embeddings interpolated.

    The patch grid grows from ``(old // patch)**2`` to ``(image_size // patch)**2`` tokens;
    the class token's embedding is kept and the grid's table is resampled bicubically in
    2D by transformers' own ``CLIPVisionEmbeddings.interpolate_pos_encoding`` (the way a
    ViT is fine-tuned at a higher resolution: Dosovitskiy et al. 2021, section 3.2;
    DINO's ``interpolate_pos_encoding``, which transformers adapts). Every other weight is
    copied unchanged, and ``config.vision_config.image_size`` says the new side, so the
    result saves and loads as an ordinary checkpoint of that input size.

    :param model: a ``transformers.CLIPModel``.
    :param image_size: new input side, pixels; a multiple of the vision patch size.
    :return: ``model`` itself when the side is unchanged, else a new ``CLIPModel``.
    :raises ValueError: ``image_size`` not a positive multiple of the patch size.
    """
    import copy

    from transformers import CLIPModel

    vision = model.config.vision_config
    if image_size == vision.image_size:
        return model
    if image_size < vision.patch_size or image_size % vision.patch_size:
        raise ValueError(f'image_size {image_size} must be a positive multiple of the '
                         f'patch size {vision.patch_size}')
    embeddings = model.vision_model.embeddings
    tokens = (image_size // vision.patch_size) ** 2 + 1
    with torch.no_grad():  # only the token count and width of this argument are read
        table = embeddings.interpolate_pos_encoding(
            torch.zeros(1, tokens, vision.hidden_size), image_size, image_size)[0]
    config = copy.deepcopy(model.config)
    config.vision_config.image_size = image_size
    with torch.random.fork_rng():  # building it draws weights that are then replaced
        resized = CLIPModel(config)
    state = model.state_dict()
    state['vision_model.embeddings.position_embedding.weight'] = table.clone()
    resized.load_state_dict(state)
    return resized


def _unit(out):
    """Return the float32 unit rows of a features tensor or output's ``pooler_output``."""
    emb = (out if isinstance(out, torch.Tensor) else out.pooler_output).float()
    return emb / emb.norm(dim=-1, keepdim=True)


def save(model, tokenizer, cfg, out_dir, stats):
    """``save_pretrained`` the model, tokenizer and processor config, plus provenance."""
    os.makedirs(out_dir, exist_ok=True)
    model.save_pretrained(out_dir, safe_serialization=True)
    tokenizer.save_pretrained(out_dir)
    processor_config = {
        'image_processor_type': 'CLIPImageProcessor',
        'processor_class': 'CLIPProcessor',
        'do_resize': True, 'size': {'shortest_edge': cfg.image_size},
        'resample': 3, 'do_center_crop': True,
        'crop_size': {'height': cfg.image_size, 'width': cfg.image_size},
        'do_rescale': True, 'rescale_factor': 1 / 255, 'do_normalize': True,
        'image_mean': list(MEAN), 'image_std': list(STD), 'do_convert_rgb': True,
    }
    with open(os.path.join(out_dir, 'preprocessor_config.json'), 'w') as f:
        json.dump(processor_config, f, indent=2)
    with open(os.path.join(out_dir, VOCABULARY_FILE), 'w') as f:
        json.dump({'vocabulary': list(WORLD_VOCABULARY), 'closed': True,
                   'templates': list(TEMPLATES),
                   'meaning': 'what this model knows of its toy world: the default '
                              'contrast prompts of the confidence_rule softmax; closed: '
                              'it knows no other words, so a command naming none of '
                              'these is answered not_found'}, f, indent=2)
    with open(os.path.join(out_dir, 'training_args.json'), 'w') as f:
        json.dump({'config': asdict(cfg), 'held_out_pairs': HELD_OUT,
                   'torch': torch.__version__,
                   # where it ran: bf16 (and so --precision auto) depends on the CPU
                   'cpu': {'capability': torch.backends.cpu.get_cpu_capability(),
                           'bf16_units': cpu_has_bf16()},
                   **stats}, f, indent=2)


def _progress(total, desc, enabled):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, disable=not enabled, file=sys.stderr,
                dynamic_ncols=True, mininterval=1.0)


ARG_HELP = {
    'seed': 'seed of the weights, the sampling and the training scenes (seeds from '
            '1,000,000 x (seed + 1) on); the run is deterministic for seed and --threads',
    'scenes': 'rendered training scenes (crops are cut from each)',
    'steps': 'optimiser steps (AdamW; linear warm-up over the first 5%%, then cosine decay)',
    'batch': 'crops per step, a fifth of them negatives (fragments, two objects, table)',
    'lr': 'peak learning rate of AdamW',
    'weight_decay': "AdamW's weight decay",
    'image_size': 'input side of the image encoder, pixels',
    'patch_size': 'ViT patch side, pixels (divides --image-size)',
    'width': 'transformer width of both encoders (a multiple of --heads)',
    'layers': 'transformer layers of each encoder',
    'heads': 'attention heads per layer',
    'threads': 'torch threads for training (the weights depend on it)',
    'workers': 'processes rendering the training scenes, one thread each',
    'partial_captions': 'share (0-1) of captions naming only the shape or only the colour',
    'loss': 'per_positive, or multi_positive (the previous recipe)',
    'augment': 'camera (blur, resolution, gamma, noise), camera_affine (camera plus '
               'view-angle squash, tilt, zoom) or basic (flip, gain)',
    'init': 'a checkpoint folder to fine-tune instead of training a new model (its sizes '
            'replace --image-size, --patch-size, --width, --layers, --heads)',
    'looks': 'varied, plain (the default look only) or mixed (half each)',
    'frames': 'frame sizes of the training scenes: mixed (320x240 for 70%%, 640x480 for '
              'the rest) or 640x480 (the size the evaluations give the node)',
    'proposal_crops': 'more crops per object cut as the node cuts a proposal: the '
                      "object's box with each edge moved by up to 2 px, the node's "
                      'default crop_context',
    'precision': 'what both encoders compute in: fp32, bf16 (torch.autocast, the loss in '
                 'float32; only on a CPU with AVX512-BF16 or AMX, where it is faster: '
                 'elsewhere refused) or auto (bf16 where the CPU has those units, else '
                 'fp32; training_args.json records the choice). The weights depend on it',
    'init_image_size': 'with --init: the input side, pixels, to fine-tune the checkpoint at '
                       '(a multiple of its patch size); its position embeddings are '
                       'interpolated bicubically over the patch grid. 0: its own side',
}


def main(argv=None):
    """Console entry point ``clip_perception_train``."""
    from clip_perception.scorer import bundled_model_dir

    defaults = TrainConfig()
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=DefaultsHelpFormatter)
    p.add_argument('--out', required=True, help='output model folder')
    p.add_argument('--tokenizer', default=None,
                   help='folder with the CLIP tokenizer (default: the bundled model)')
    # Choices are argparse's, so a wrong one is a usage error before any work (train()'s
    # ValueError was a traceback: helper-70's `--augment camera-affine`).
    choices = {'loss': LOSSES, 'augment': AUGMENTS, 'looks': LOOKS, 'frames': tuple(FRAMES),
               'precision': PRECISIONS}
    for name, value in asdict(defaults).items():
        p.add_argument('--' + name.replace('_', '-'), type=type(value), default=value,
                       choices=choices.get(name), help=ARG_HELP.get(name))
    p.add_argument('--recipe', choices=sorted(RECIPES), default=None,
                   help='train a named recipe in one run: "bundled" is the shipped '
                        f'model\'s two stages; takes {", ".join(RECIPE_KEEPS)} from the '
                        'options above and fixes the rest')
    p.add_argument('--quiet', action='store_true', help='no progress bar')
    args = p.parse_args(argv)
    cfg = TrainConfig(**{k: getattr(args, k) for k in asdict(defaults)})
    if args.recipe:
        # A recipe fixes everything but RECIPE_KEEPS: an option it would ignore is refused,
        # not dropped without a word.
        fixed = [f'--{k.replace("_", "-")}' for k in asdict(defaults)
                 if k not in RECIPE_KEEPS and getattr(args, k) != getattr(defaults, k)]
        if fixed:
            p.error(f'--recipe {args.recipe} fixes {", ".join(fixed)}; it takes only '
                    + ', '.join(f'--{k.replace("_", "-")}' for k in RECIPE_KEEPS))
    stages = recipe_stages(args.recipe, cfg) if args.recipe else [cfg]
    tok = args.tokenizer or bundled_model_dir()
    # Checked before the minutes of rendering and training, not found after them.
    bad = [f'--{name.replace("_", "-")} must be at least {low}' for name, low in (
        ('scenes', 1), ('steps', 1), ('batch', 2), ('width', 1), ('layers', 1),
        ('heads', 1), ('patch_size', 1), ('image_size', 8), ('threads', 1), ('workers', 1),
        ('proposal_crops', 0), ('init_image_size', 0))
        if getattr(cfg, name) < low]
    if cfg.heads >= 1 and cfg.width % cfg.heads:
        bad.append(f'--width {cfg.width} must be a multiple of --heads {cfg.heads}')
    if cfg.patch_size >= 1 and cfg.image_size % cfg.patch_size:
        bad.append(f'--image-size {cfg.image_size} must be a multiple of --patch-size '
                   f'{cfg.patch_size}')
    try:
        resolve_precision(cfg.precision)
    except ValueError as exc:
        bad.append(f'--{exc}')
    if not os.path.isdir(tok):
        bad.append(f'--tokenizer {tok} is not a folder')
    if cfg.init and not all(os.path.isfile(os.path.join(cfg.init, m))
                            for m in CHECKPOINT_MARKERS):
        bad.append(f'--init {cfg.init} is not a checkpoint folder (needs '
                   f'{" and ".join(CHECKPOINT_MARKERS)})')
    if cfg.init_image_size and not cfg.init:
        bad.append('--init-image-size resizes an --init checkpoint; give --init too')
    elif cfg.init_image_size and not bad:
        from transformers import CLIPConfig

        patch = CLIPConfig.from_pretrained(cfg.init).vision_config.patch_size
        if cfg.init_image_size % patch:
            bad.append(f'--init-image-size {cfg.init_image_size} must be a multiple of the '
                       f"--init checkpoint's patch size {patch}")
    if bad:
        p.error('; '.join(bad))
    out = os.path.abspath(args.out)
    staging = out + '.partial'
    try:  # checked before 20 minutes of training, and again before replacing
        for path in (out, staging):
            check_replaceable(path, CHECKPOINT_MARKERS, 'checkpoint folder')
    except OutputPathError as exc:
        print(f'[train] {exc}', file=sys.stderr)
        return 2
    replace_dir(staging, CHECKPOINT_MARKERS, 'checkpoint folder')
    t0 = time.time()
    train_stages(stages, tok, staging, progress=not args.quiet)
    if len(stages) > 1:
        print(f'[train] {len(stages)} stages in {time.time() - t0:.0f} s')
    replace_dir(out, CHECKPOINT_MARKERS, 'checkpoint folder')
    os.replace(staging, out)
    print(f'[train] saved {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
