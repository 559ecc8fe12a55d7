"""Pick one target among scored proposals, with its confidence, or "not found".

Confidence is what ``confidence_rule`` gives (``confidence``): by default the zero-shot
softmax of :mod:`clip_perception.confidence`. Without it, ``sigmoid(slope * cosine +
intercept)``, a logistic calibration fitted on generated scenes (``clip_perception_eval
calibrate`` writes it next to the model); checkpoints without one use a rough default
for OpenAI CLIP ViT-B/32, whose matching cosines sit near 0.3. The boxes of one object
are grouped first (:func:`group_objects`), so that objects, not boxes, are counted and
compared. Spatial and size words are resolved geometrically among the objects that
match about as well as the best one or pass the threshold on their own.
"""

from dataclasses import dataclass

import numpy as np

from clip_perception.geometry import box_inside
from clip_perception.geometry import box_iou

# Rough calibration for OpenAI CLIP checkpoints: P = 0.5 at cosine 0.25.
DEFAULT_CALIBRATION = (40.0, -10.0)
FOUND, NOT_FOUND = 'found', 'not_found'
# Two distinct objects match about equally and no word decides; a command that cannot
# be answered as said (only a negation).
AMBIGUOUS, REFUSED = 'ambiguous', 'refused'
ON_AMBIGUOUS = ('report', 'pick')
# Proposal priorities one tier apart: a segmented object (clip_perception.proposals
# TIER_OBJECT = 4) against its parts (TIER_PART = 1.2) and image boxes (TIER_IMAGE = 1);
# within a tier scores vary by less than this (fill, border and size terms).
TIER_STEP = 1.5


@dataclass(frozen=True)
class Candidate:
    """One scored proposal: index into the frame's proposals, box, cosine, confidence."""

    index: int
    box: tuple
    cosine: float
    confidence: float


@dataclass(frozen=True)
class Selection:
    """Outcome of :func:`select`.

    Status, the chosen candidate (None when not found or ambiguous), the best-ranked
    candidates (the chosen one first when found) and a human-readable reason.
    ``targets``: every chosen candidate (all matches of a plural command, else the
    chosen one); ``ambiguous``: the equally good candidates of an ``ambiguous`` answer;
    ``reference``: the object a relation ("next to the mug") was resolved against.
    """

    status: str
    chosen: Candidate | None
    ranked: tuple
    reason: str
    targets: tuple = ()
    ambiguous: tuple = ()
    reference: Candidate | None = None


def under(value, limit):
    """``value`` as text that reads below ``limit`` (written ``{limit:g}``) when it is.

    One decimal more than ``limit`` has (at least 3, at most 6), rounded down: "0.987 <
    threshold 0.99", where two decimals rounded gave "0.99 < threshold 0.99" (trial 33).

    :param value: a confidence in [0, 1].
    :param limit: the threshold it is compared with.
    :return: the text, e.g. ``'0.987'``.
    """
    text = f'{float(limit):g}'
    digits = min(max(2, len(text.split('.')[1]) if '.' in text else 0) + 1, 6)
    if 'e' in text:
        digits = 6
    scale = 10 ** digits
    return f'{np.floor(float(value) * scale + 1e-9) / scale:.{digits}f}'


def calibrate(cosine, calibration=None):
    """Map cosine similarities to P(match) in [0, 1].

    :param cosine: (N,) float.
    :param calibration: ``(slope, intercept)`` or None for :data:`DEFAULT_CALIBRATION`.
    """
    slope, intercept = calibration or DEFAULT_CALIBRATION
    z = slope * np.asarray(cosine, dtype=np.float64) + intercept
    return 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))


def distinct(indices, boxes, duplicate_iou=0.3, contained=0.5, priority=None):
    """One index per object among ``indices``: the representative of each of its groups.

    See :func:`group_objects`; kept for callers that want only the representatives.

    :param indices: proposal indices, best first.
    :param boxes: (N, 4) boxes.
    :return: list of indices.
    """
    return [g[0] for g in group_objects(indices, boxes, duplicate_iou, contained,
                                        priority)]


def group_objects(indices, boxes, duplicate_iou=0.3, contained=0.5, priority=None):
    """Group the boxes of ``indices`` that cover one object; one list per object.

    Several proposals usually cover one object: the segmented box, a looser image box
    around it, a face or part inside it. Counting them as several objects made plural
    commands answer extra objects and ambiguity name one object twice; letting the best
    cosine stand for the object made a loose box (IoU < 0.5 with the object, a worse
    pose) its answer, since CLIP scores a box with some context as high as the tight
    one. So:

    - Boxes are linked by :func:`same_object` with *any* box already in a group (a
      fragment inside the tight box joins the object even when the loose box that
      ranked first does not contain it); a box linked to two groups, or holding most
      of a box of each of two groups, spans two objects and is left out: it cannot
      merge them, nor count as a third.
    - With ``priority``, a box nested in one of another proposal tier (a segmented
      object is :data:`TIER_STEP` above a part or an image box) is the same object
      whatever the ratio of their sizes: a piece inside it, or a loose box around it.
      Depth segmentation says where the object ends.
    - Groups are seeded in ``priority`` order when given (the proposals' own ranking:
      segmented objects before their parts and before image boxes), else in the order
      of ``indices``; each group's first index is its representative, so the object's
      best proposal, not its best-scoring crop, answers for it.
    - Groups come back in the order of their best member in ``indices``.

    :param indices: proposal indices, best first (e.g. by cosine).
    :param boxes: (N, 4) boxes.
    :param priority: optional (N,) proposal ranking score (higher = better proposal),
        :attr:`clip_perception.proposals.Proposals.scores`.
    :return: list of lists of indices, the representative first in each.
    """
    indices = [int(i) for i in indices]
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    rank = {i: k for k, i in enumerate(indices)}
    seeds = indices if priority is None else sorted(
        indices, key=lambda i: (-float(priority[i]), rank[i]))
    groups = []
    for i in seeds:
        hits = [g for g in groups
                if same_object(boxes[i], boxes[g], duplicate_iou, contained).any()
                or (priority is not None and any(
                    _tier_nested(boxes, priority, i, j, contained) for j in g))]
        holds = [g for g in groups if (_inside(boxes[g], boxes[i]) >= contained).any()]
        if len(hits) > 1 or len(holds) > 1:
            continue  # spans two objects: neither one of them nor an object of its own
        if hits:
            hits[0].append(i)
        else:
            groups.append([i])
    return sorted(groups, key=lambda g: min(rank[i] for i in g))


def segment_owners(boxes, priority, contained=0.5):
    """Return the segmented object each box is a piece of, by the proposals' tiers.

    A box lying mostly inside a box ranked a tier above it (:data:`TIER_STEP`: a depth
    part or an image box inside a segmented object's box, or a looser image box mostly
    on it) is that object, as :func:`group_objects` links them. :func:`select` makes
    such a box at least as confident as its object: the face of a yellow cube with the
    best cosine of the frame (0.441 against the whole cube's 0.432) fell under the
    threshold cropped alone (0.18) and made the answer "not found" with the cube at 0.57.

    Not the object's confidence in place of the piece's, though that was measured too
    (bundled model, the ``node`` line of ``clip_perception_eval rules|shifted``, 300
    scenes each): it answered "not found" for absent objects more often (94.3 -> 97.7%
    on our scenes, 92.3 -> 95.3% shifted; a mug's dark opening had passed for "the black
    ball"), but cost 5 right objects of 300 on shifted scenes, where the whole object
    looked unlike training and a lit face of it did not; under-confidence on present
    objects is what the shifted scenes and the evaluation we keep back lose most.
    Since session 17 such a piece is not the answer at all (:func:`_pieces_of_others`):
    measured with absent shapes too, which nothing measured before, the trade was worth
    it.

    :param boxes: (N, 4) ``x0, y0, x1, y1``.
    :param priority: (N,) proposal ranking score
        (:attr:`clip_perception.proposals.Proposals.scores`).
    :param contained: share of a box's area inside the other that makes it a piece.
    :return: (N,) int: the index of the highest-ranked box that each box is a piece of,
        or -1.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    pr = np.asarray(priority, dtype=np.float64).reshape(-1)
    owner = np.full(len(boxes), -1)
    if len(boxes) < 2:
        return owner
    # inside[i, j]: share of box i's area inside box j (the test _tier_nested makes).
    inside = np.stack([_inside(boxes, b) for b in boxes], axis=1)
    piece = (inside >= contained) & (pr[None, :] - pr[:, None] >= TIER_STEP)
    has = piece.any(axis=1)
    # The highest-ranked owner (ties: the lower index, as argmax gives).
    owner[has] = np.argmax(np.where(piece, pr[None, :], -np.inf), axis=1)[has]
    return owner


def _pieces_of_others(owner, own_conf, threshold):
    """(N,) bool: proposals that are pieces of a segmented object that does not match.

    A box lying in a segmented object's box a tier above it (:func:`segment_owners`)
    shows part of that object; when the object's own box is under ``threshold`` for the
    command, the piece matched only because it was read without the rest of the object.
    :func:`select` never answers with such a piece (unless nothing else is left).

    Seen with the bundled model: "the cone" with no cone in view was found on the top
    of a cylinder, and most shape-only misses were ``ambiguous`` answers between the
    object asked for and such a piece. Measured (``clip_perception_eval rules|shifted``,
    300 scenes each, the node line, before -> after: right / absent not_found / shape
    only / colour only / no such shape not_found / no such colour not_found): ours
    95.3 / 94.7 / 89.7 / 99.0 / 50.8 / 87.0 -> 95.0 / 97.3 / 90.4 / 98.6 / 72.9 / 88.7;
    shifted 72.0 / 92.7 / 65.8 / 91.3 / 52.7 / 90.3 -> 71.0 / 95.3 / 65.5 / 91.3 / 69.1 /
    91.0. Three right objects of 300 on shifted scenes are lost, where the whole object
    looks unlike training and a lit face of it does not; an answer on the wrong object
    costs a robot more than a miss.

    :param owner: (N,) from :func:`segment_owners`, -1 for none.
    :param own_conf: (N,) each proposal's own confidence.
    :param threshold: the confidence a match needs.
    """
    owner = np.asarray(owner)
    return (owner >= 0) & (np.asarray(own_conf)[np.maximum(owner, 0)] < threshold)


def _segments_answering(good, order, boxes, priority, contained=0.5):
    """Segmented boxes, not good matches themselves, that answer for good ones.

    A good match that is a looser box or a piece of exactly one proposal a tier above it
    (:func:`_tier_nested`: the object segmented from depth) is that object, and the
    object's own box answers for it, as :func:`group_objects` makes it answer when it is
    a good match too. Its own crop may score under the threshold or outside the margin:
    on another renderer's frames (``benchmarks/other_renderer_misses.py``, 40 scenes) a
    box around a cylinder and its hard shadow (confidence 0.85; the cylinder's own box
    0.13) and a box shifted off a small cube were the answers, at IoU 0.43 and 0.34 with
    the object: 3 of the 4 wrong-box answers there.

    :param good: indices of the good matches.
    :param order: indices that may answer (ranked, excluded ones left out).
    :param priority: (N,) proposal ranking score.
    :return: list of indices in ``order`` not in ``good``.
    """
    good_set = {int(i) for i in good}
    out = []
    for i in good:
        above = [int(j) for j in order if int(j) not in good_set
                 and float(priority[j]) - float(priority[i]) >= TIER_STEP
                 and _tier_nested(boxes, priority, i, j, contained)]
        if len(above) == 1 and above[0] not in out:
            out.append(above[0])
    return out


def _tier_nested(boxes, priority, i, j, contained):
    """Whether boxes ``i`` and ``j`` are one object by nesting across proposal tiers.

    One lies mostly inside the other and the proposal ranking puts one a tier above the
    other: a part or image box inside a segmented object's box is a piece of it, and
    an image box around a segmented object (with more of the background) is a looser
    box of it, whatever the ratio of their areas.
    """
    if abs(float(priority[i]) - float(priority[j])) < TIER_STEP:
        return False
    return bool(_inside(boxes[[i]], boxes[j])[0] >= contained or
                _inside(boxes[[j]], boxes[i])[0] >= contained)


def _inside(others, box):
    """(M,) fraction of the area of each of ``others`` (M, 4) inside ``box`` (4,)."""
    return box_inside(others, box)[:, 0]


def same_object(box, others, duplicate_iou=0.3, contained=0.5):
    """(M,) bool: which of ``others`` (M, 4) cover the same object as ``box`` (4,)."""
    others = np.asarray(others, dtype=np.float64).reshape(-1, 4)
    box = np.asarray(box, dtype=np.float64).reshape(1, 4)
    iou = box_iou(box, others)[0]
    iw = np.clip(np.minimum(box[0, 2], others[:, 2]) - np.maximum(box[0, 0], others[:, 0]),
                 0, None)
    ih = np.clip(np.minimum(box[0, 3], others[:, 3]) - np.maximum(box[0, 1], others[:, 1]),
                 0, None)
    small = np.minimum(_area(box)[0], _area(others))
    large = np.maximum(_area(box)[0], _area(others))
    inside = (iw * ih >= contained * np.maximum(small, 1e-9)) & (small >= 0.25 * large)
    return (iou >= duplicate_iou) | inside


def _area(b):
    return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])


def _key(relation, cands, boxes, depths, image_width):
    """Sort key along ``relation`` (smallest first = the word's pick) for ``cands``."""
    b = boxes[cands]
    cx = 0.5 * (b[:, 0] + b[:, 2])
    cy = 0.5 * (b[:, 1] + b[:, 3])
    d = depths[cands] if depths is not None else None
    if relation == 'right':
        return -cx
    if relation == 'top':
        return cy
    if relation == 'bottom':
        return -cy
    if relation == 'middle':
        # The middle one of a row of three or more ("the middle cube" of three in a row:
        # the one between the others; the image's centre picked the one nearest it, the
        # right cube of three left of centre: session 18's trial), else the one nearest
        # the image's centre.
        return np.abs(cx - (np.median(cx) if len(cx) >= 3 else image_width / 2.0))
    if relation in ('nearest', 'farthest'):
        # Without depth, lower in a tabletop image means nearer.
        key = d if d is not None and np.all(np.isfinite(d)) else -b[:, 3]
        return key if relation == 'nearest' else -key
    return cx  # left, and the default direction of an ordinal


# Where two place words are summed (:func:`_place_key`), an axis along which the matches
# differ by less than this much counts that little: half a box side in the image (what
# :func:`deciding_words` takes for "left or right" to tell two apart), 3 cm away from the
# camera. Without it, two balls one above the other in the left column, 2 px apart across,
# summed 1 and 1 for "top left", and the list order chose.
PLACE_SPAN_BOXES = 0.5
PLACE_SPAN_M = 0.03
# Summed scaled places within this of the best tie (:func:`_place_ties`): no one match is
# nearer the place said, so the answer is ``ambiguous`` (or, with ``on_ambiguous: pick``,
# the first place word said decides among them). helper-91's open case: "the one top
# left" of two on a diagonal (one left and low, one right and high) went to list order.
PLACE_TIE = 0.1


def _axis_scale(relation, cands, boxes, depths):
    """Return the least span (px or m) an axis counts by (:data:`PLACE_SPAN_BOXES`, ``_M``)."""
    b = boxes[cands]
    if relation in ('nearest', 'farthest') and depths is not None and \
            np.all(np.isfinite(depths[cands])):
        return PLACE_SPAN_M
    side = (b[:, 3] - b[:, 1]) if relation in ('top', 'bottom', 'nearest', 'farthest') \
        else (b[:, 2] - b[:, 0])
    return PLACE_SPAN_BOXES * max(float(np.mean(side)), 1e-9)


def _place_key(query, cands, boxes, depths, image_width):
    """Sort key of ``cands`` along the command's place words (smallest first = its pick).

    One word: :func:`_key`. Two along different axes ("the red ball top left",
    ``Query.second_relation``): each word's key scaled to 0..1 over the candidates (0 the
    most extreme, 1 the least; less where they differ by under :func:`_axis_scale`) and
    summed, so the object best on both wins and, where none is, the one nearest both
    extremes together. The scaling makes pixels across and metres away from the camera
    count alike.

    :return: (len(cands),) float array.
    """
    if getattr(query, 'second_relation', None) is None:
        return _key(query.relation, cands, boxes, depths, image_width)
    return _scaled_places(query, cands, boxes, depths, image_width)


def _scaled_places(query, cands, boxes, depths, image_width):
    """Each place word's key over ``cands`` scaled by its span (or :func:`_axis_scale`), summed.

    :return: (len(cands),) float array, 0 for a match first along every word.
    """
    total = np.zeros(len(cands))
    for relation in (query.relation, getattr(query, 'second_relation', None)):
        if relation is None:
            continue
        k = np.asarray(_key(relation, cands, boxes, depths, image_width), dtype=float)
        total += (k - k.min()) / max(np.ptp(k), _axis_scale(relation, cands, boxes, depths))
    return total


def _place_ties(query, cands, boxes, depths, image_width, pick=None):
    """Return the indices into ``cands`` that tie for the place said (:data:`PLACE_TIE`).

    Two place words: on their scaled sum (:func:`_scaled_places`); one: on its key in
    units of :func:`_axis_scale` (two balls one above the other, as far left).

    :param pick: the index whose place the others are compared with (an ordinal's: "the
        second ball from the left"); None: the best.
    :return: list of int, ``pick`` first and then in ``cands`` order; one alone is no tie.
    """
    if getattr(query, 'second_relation', None) is None:
        k = np.asarray(_key(query.relation, cands, boxes, depths, image_width), dtype=float)
        total = (k - k.min()) / _axis_scale(query.relation, cands, boxes, depths)
    else:
        total = _scaled_places(query, cands, boxes, depths, image_width)
    best = int(np.argmin(total)) if pick is None else int(pick)
    return [best] + [k for k in range(len(cands))
                     if k != best and abs(total[k] - total[best]) <= PLACE_TIE]


def _tie_said(query, tied, boxes, depths, sizes, words):
    """Say that the objects ``tied`` (indices into ``boxes``) tie for the place ``words``."""
    if getattr(query, 'second_relation', None) is not None:
        decide = [f'the {query.relation} one', f'the {query.second_relation} one']
    else:
        # Not "first or second from the left": the count along the place is what ties.
        decide = [w for w in deciding_words(np.array(tied), boxes, depths, sizes)
                  if ' from the ' not in w]
    return (f'{len(tied)} distinct objects tie for "{words}" (none is further that way than '
            f'the others); say which: ' + ', '.join(f'"{w}"' for w in decide))


def _place_words(query):
    """Return the place words of ``query`` as the reason says them ("left and top"), or None."""
    if getattr(query, 'second_relation', None) is None:
        return query.relation
    return f'{query.relation} and {query.second_relation}'


def _both_note(query, cands, boxes, depths, image_width, pick):
    """Say when the object picked for two place words is not first along both, else ''."""
    if getattr(query, 'second_relation', None) is None:
        return ''
    keys = [np.asarray(_key(r, cands, boxes, depths, image_width), dtype=float)
            for r in (query.relation, query.second_relation)]
    if all(np.isclose(k[pick], k.min()) for k in keys):  # first on both (ties too)
        return ''
    first, second = (_MOST[r] for r in (query.relation, query.second_relation))
    return (f' (none is both the {first} and the {second}: picked the one nearest both, on '
            'the sum of its place along each, scaled over the matches)')


# A place word's extreme, as the reason names it.
_MOST = {'left': 'left-most', 'right': 'right-most', 'top': 'top-most',
         'bottom': 'bottom-most', 'nearest': 'nearest', 'farthest': 'farthest',
         'middle': 'middle one'}


def _size_of(cands, boxes, sizes):
    """Size of each candidate: its metric extent where all are known, else its box's side."""
    b = boxes[cands]
    return sizes[cands] if sizes is not None and np.all(np.isfinite(sizes[cands])) \
        else np.sqrt((b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]))


def _order(query, cands, boxes, depths, sizes, image_width):
    """Sort key of ``cands`` along what an ordinal or a count counts (first is lowest).

    Along the place word; with a size word and no place, from the smallest or the
    largest ("the second smallest ball", "the two biggest cubes"); else from the left.
    """
    if query.relation is None and query.size is not None:
        s = _size_of(cands, boxes, sizes)
        return s if query.size == 'smallest' else -s
    return _place_key(query, cands, boxes, depths, image_width)


# "the small red balls": the sizes part at the largest ratio between neighbours when it is
# at least this. Box sides of one object vary by about 10% between frames and proposals;
# the renderer's large objects are 1.55 times its small ones (scenes.SIZE_SCALE).
SIZE_GAP = 1.25


def _of_size(size, uniq, boxes, sizes):
    """Return the matches of ``uniq`` a size word picks ("the small red balls").

    :param size: ``smallest`` or ``largest``.
    :return: ``(indices, what was said of them)``: the matches on that side of the largest
        ratio between neighbouring sizes (:data:`SIZE_GAP`), or all of them, saying so,
        when no two sizes part by that much.
    """
    s = _size_of(np.array(uniq), boxes, sizes)
    order = np.argsort(s, kind='stable')
    ratio = s[order[1:]] / np.maximum(s[order[:-1]], 1e-9)
    if len(uniq) < 2 or ratio.max() < SIZE_GAP:
        return list(uniq), (f'all {len(uniq)} (no two sizes part by {SIZE_GAP:g} times, so '
                            f'none is {size[:-3]}er than the rest)')
    cut = int(np.argmax(ratio)) + 1
    side = order[:cut] if size == 'smallest' else order[cut:]
    return [uniq[k] for k in sorted(side)], f'the {len(side)} {size[:-3]}er'


def _resolve(query, cands, boxes, depths, sizes, image_width):
    """Index into ``cands`` of the candidate the spatial/size words of ``query`` pick."""
    size = query.size
    if query.relation is not None:
        return int(np.argmin(_place_key(query, cands, boxes, depths, image_width)))
    if size is not None:
        s = _size_of(cands, boxes, sizes)
        return int(np.argmax(s) if size == 'largest' else np.argmin(s))
    return 0


def deciding_words(cands, boxes, depths=None, sizes=None):
    """Words that would tell ``cands`` apart: "left or right", "nearer or farther", ...

    Chosen from how the candidates differ: horizontally by more than half a box width,
    in distance by more than 3 cm (or, without depth, in image bottom edge), in size by
    more than 25%.
    """
    b = boxes[cands]
    cx = 0.5 * (b[:, 0] + b[:, 2])
    w = np.mean(b[:, 2] - b[:, 0])
    words = []
    if np.ptp(cx) > 0.5 * w:
        words.append('left or right')
    d = depths[cands] if depths is not None else None
    if d is not None and np.all(np.isfinite(d)):
        if np.ptp(d) > 0.03:
            words.append('nearer or farther')
    elif np.ptp(b[:, 3]) > 0.5 * np.mean(b[:, 3] - b[:, 1]):
        words.append('nearer or farther')
    s = sizes[cands] if sizes is not None and np.all(np.isfinite(sizes[cands])) else \
        np.sqrt(_area(b))
    if np.max(s) > 1.25 * np.min(s):
        words.append('larger or smaller')
    if not words:
        words.append('left or right')
    words.append('first or second from the left')
    return words


def boxes_along_up(boxes, image_up='up'):
    """Return ``boxes`` with their rows measured down the world's up (:data:`IMAGE_UP_AXIS`).

    The place words "top", "bottom" (and "nearest" / "farthest" without depth: lower is
    nearer on a table) are read along the up that ``image_up`` says, as "above" and
    "below" are (:func:`_link_fit`); "left", "right" and "middle" stay along the image's
    columns, as the ``image_up`` parameter's description says. Session 40: with
    ``image_up: left`` "the top ball" picked by image rows, sideways in the world.

    :param boxes: (N, 4) float ``[x0, y0, x1, y1]`` in pixels.
    :param image_up: ``up``, ``down``, ``left`` or ``right`` (the ``image_up`` parameter).
    :return: (N, 4) float64 ``[x0, u0, x1, u1]``: columns as given, ``u`` growing away from
        the world's up (pixels, offset arbitrary: only differences are read). ``up``
        returns ``boxes`` unchanged.
    :raises KeyError: another ``image_up``.
    """
    axis, sign = IMAGE_UP_AXIS[image_up]
    if image_up == 'up':
        return boxes
    lo, hi = boxes[:, axis], boxes[:, axis + 2]
    u0, u1 = (lo, hi) if sign < 0 else (-hi, -lo)
    return np.stack([boxes[:, 0], u0, boxes[:, 2], u1], axis=1)


def select(boxes, cosine, query, threshold=0.5, calibration=None, margin=0.08, top_k=5,
           depths=None, sizes=None, image_width=640, duplicate_iou=0.3, excluded=None,
           ambiguity_margin=None, on_ambiguous='report', confidence=None, rank=None,
           priority=None, image_up='up'):
    """Choose the target.

    :param boxes: (N, 4) proposal boxes.
    :param cosine: (N,) cosine similarity of each proposal with ``query.what``.
    :param query: :class:`clip_perception.language.Query`.
    :param threshold: minimum confidence (``confidence``, else the calibrated cosine) to
        report "found".
    :param margin: cosine margin below the best within which plural commands collect
        (every one also above ``threshold``) and spatial/size/ordinal words choose
        (together with any other object above ``threshold``).
    :param depths: optional (N,) distance of each proposal (m), for nearest/farthest.
    :param sizes: optional (N,) metric size of each proposal (m), for largest/smallest.
    :param excluded: optional (N,) bool, proposals never to choose (negation).
    :param ambiguity_margin: cosine margin within which two distinct objects with no
        deciding word make the answer ``ambiguous``; None disables the check.
    :param on_ambiguous: ``report`` (status ``ambiguous``, nothing chosen) or ``pick``
        (choose the best, say so in the reason).
    :param confidence: optional (N,) confidence computed elsewhere (e.g. the zero-shot
        softmax of :mod:`clip_perception.confidence`); None: calibrated cosine.
    :param rank: optional (N,) score to rank the proposals by; None: cosine.
    :param priority: optional (N,) proposal ranking score
        (:attr:`clip_perception.proposals.Proposals.scores`): among the good boxes of
        one object, the best proposal answers for it (see :func:`group_objects`);
        None: the best-scoring box. With it, a piece of a segmented object that does not
        match is never the answer (:func:`_pieces_of_others`), and a good match that is a
        box of a segmented object is answered with the object's box, at the good match's
        confidence (:func:`_segments_answering`).
    :param image_up: which way the world's up points in the image (the ``image_up``
        parameter): "top" and "bottom" are read along it (:func:`boxes_along_up`).
    :return: :class:`Selection`.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    cosine = np.asarray(cosine, dtype=np.float64)
    if len(boxes) == 0:
        return Selection(NOT_FOUND, None, (), 'no region proposals in this frame')
    placed = boxes_along_up(boxes, image_up)  # what place words compare
    conf = calibrate(cosine, calibration) if confidence is None else \
        np.asarray(confidence, dtype=np.float64)
    order = np.argsort(-(cosine if rank is None else np.asarray(rank, dtype=np.float64)),
                       kind='stable')
    note = ''
    if excluded is not None and np.any(excluded):
        order = np.array([i for i in order if not excluded[i]], dtype=int)
        said = ', '.join(query.exclude)
        note = f'; {int(np.sum(excluded))} proposal(s) excluded by "not {said}"'
        if len(order) == 0:
            return Selection(NOT_FOUND, None, (), 'every proposal matches what the command '
                             f'excludes ({", ".join(query.exclude)})')

    if priority is not None:
        # A piece of a segmented object is at least as confident as its object.
        owner = segment_owners(boxes, priority)
        own_conf = conf
        conf = np.where(owner >= 0, np.maximum(conf, conf[np.maximum(owner, 0)]), conf)
        # A piece of an object that does not match whole is not what was asked for: the
        # crop was read without the rest of the object (the top of a cylinder passes for
        # a cone, a sliver of a mug for a ball). See _pieces_of_others.
        kept = order[~_pieces_of_others(owner, own_conf, threshold)[order]]
        if 0 < len(kept) < len(order):
            order = kept

    def cand(i):
        return Candidate(int(i), tuple(float(v) for v in boxes[i]), float(cosine[i]),
                         float(conf[i]))

    best = order[0]
    if conf[best] < threshold:
        return Selection(NOT_FOUND, None, tuple(cand(i) for i in order[:top_k]),
                         f'best match "{query.what}" has confidence '
                         f'{under(conf[best], threshold)} < threshold {threshold:g}' + note)
    near = cosine >= cosine[best] - margin
    sure = conf >= threshold
    if query.relation or query.size or query.ordinal:
        # Words that choose among instances: once the best match shows the description is
        # there, an instance is any object that matches about as well (the model often
        # scores one of two twins a little under the threshold) or passes the threshold
        # on its own (cosines of confident twins can lie further apart than the margin).
        good = [i for i in order if near[i] or sure[i]]
    else:
        good = [i for i in order if near[i] and sure[i]]
    groups = group_objects(good, boxes, duplicate_iou, priority=priority)
    if priority is not None:
        # The segmented box of a good match's object answers for it, though its own crop
        # is no good match (see _segments_answering).
        extra = _segments_answering(good, order, boxes, priority)
        linked = [g for g in group_objects(good + extra, boxes, duplicate_iou,
                                           priority=priority) if set(g) & set(good)]
        # Only when every good match still counts (none now spans two objects).
        if extra and set().union(*linked) >= set().union(*groups):
            groups = linked
    uniq = [g[0] for g in groups]
    # An object matches as well as its best box, whichever box answers for it.
    score = {g[0]: max(cosine[i] for i in g if i in good) for g in groups}
    conf = conf.copy()
    for g in groups:
        conf[g[0]] = max(conf[i] for i in g if i in good)
    chosen, targets, ambiguous = uniq[0], None, ()
    reason = f'best match for "{query.what}"'
    if query.plural and query.count and len(uniq) < query.count:
        return Selection(NOT_FOUND, None, tuple(cand(i) for i in order[:top_k]),
                         f'asked for {query.count} but found only {len(uniq)} good '
                         f'match(es) for "{query.what}"' + note)
    if query.plural and query.count:
        # The best ``count`` of them, or the first along the spatial or size word.
        along_word = _place_words(query) or query.size
        ranked = uniq if along_word is None else [uniq[k] for k in np.argsort(
            _order(query, np.array(uniq), placed, depths, sizes, image_width), kind='stable')]
        targets = ranked[:query.count]
        if query.relation and len(uniq) > query.count:
            # "the two left-most balls" where the second and the third are as far left: the
            # list's order chose between them (helper-91's open case, a count).
            last = uniq.index(targets[-1])
            tied = [k for k in _place_ties(query, np.array(uniq), placed, depths, image_width,
                                           pick=last) if uniq[k] not in targets[:-1]]
            if len(tied) > 1 and on_ambiguous != 'pick':
                return Selection(AMBIGUOUS, None, tuple(cand(i) for i in order[:top_k]),
                                 _tie_said(query, [uniq[k] for k in tied], placed, depths,
                                           sizes, f'the {query.count} {along_word}-most') +
                                 note, ambiguous=tuple(cand(uniq[k]) for k in tied))
        chosen = targets[0]
        along = f' {along_word}' + ('-most' if query.relation else '') if along_word else ''
        reason = (f'the {query.count}{along} of {len(uniq)} good match(es) for '
                  f'"{query.what}"')
    elif query.plural and query.size:
        targets, said = _of_size(query.size, uniq, boxes, sizes)
        reason = f'{said} of {len(uniq)} good match(es) for "{query.what}"'
    elif query.plural:
        targets = uniq
        reason = f'all {len(uniq)} good match(es) for "{query.what}"'
    elif query.ordinal:
        ranks = np.argsort(_order(query, np.array(uniq), placed, depths, sizes, image_width),
                           kind='stable')
        n = query.ordinal
        from_ = _place_words(query) or query.size
        # -1 is the last, -2 the one before it ("the second to last cube").
        said = f'number {n} from the {from_}' if n > 0 else \
            f'the last from the {from_}' if n == -1 else \
            f'number {-n} back from the last, counted from the {from_}'
        if abs(n) > len(uniq):
            return Selection(NOT_FOUND, None, tuple(cand(i) for i in order[:top_k]),
                             f'asked for {said} but only {len(uniq)} good match(es) for '
                             f'"{query.what}"' + note)
        rank = ranks[n - 1 if n > 0 else n]
        tied = _place_ties(query, np.array(uniq), placed, depths, image_width, pick=rank) \
            if query.relation else [rank]
        if len(tied) > 1 and on_ambiguous != 'pick':
            # "the second ball from the left" of two one above the other there: which one
            # is second is the list's order, not a place (helper-91's open case, a count).
            return Selection(AMBIGUOUS, None, tuple(cand(i) for i in order[:top_k]),
                             _tie_said(query, [uniq[k] for k in tied], placed, depths, sizes,
                                       said) + note,
                             ambiguous=tuple(cand(uniq[k]) for k in tied))
        chosen = uniq[rank]
        reason = f'{said} of {len(uniq)} good match(es) for "{query.what}"'
    elif query.relation or query.size:
        pick = _resolve(query, np.array(uniq), placed, depths, sizes, image_width)
        words = ' '.join(w for w in (query.size, _place_words(query)) if w)
        tied = _place_ties(query, np.array(uniq), placed, depths, image_width) \
            if query.relation else [pick]
        if len(tied) > 1:
            said = _tie_said(query, [uniq[k] for k in tied], placed, depths, sizes, words)
            if on_ambiguous != 'pick':
                return Selection(AMBIGUOUS, None, tuple(cand(i) for i in order[:top_k]),
                                 said + note, ambiguous=tuple(cand(uniq[k]) for k in tied))
            # The rule for 'pick': the first place word said decides among them.
            first = _key(query.relation, np.array([uniq[k] for k in tied]), placed, depths,
                         image_width)
            pick = tied[int(np.argmin(first))]
            words += f', picked by "{query.relation}" although {said}'
        chosen = uniq[pick]
        reason = (f'{words} of {len(uniq)} good match(es) for "{query.what}"' +
                  _both_note(query, np.array(uniq), placed, depths, image_width, pick))
    elif ambiguity_margin is not None and query.any_one:
        close = [i for i in uniq if score[i] >= cosine[best] - ambiguity_margin]
        if len(close) >= 2:
            reason += f' (any one of {len(close)} that match about equally was asked)'
    elif ambiguity_margin is not None:
        close = [i for i in uniq if score[i] >= cosine[best] - ambiguity_margin]
        if len(close) >= 2:
            ambiguous = tuple(cand(i) for i in close)
            words = deciding_words(np.array(close), placed, depths, sizes)
            scores = ', '.join(f'{score[i]:.3f}' for i in close)
            said = (f'{len(close)} distinct objects match "{query.what}" about equally '
                    f'(cosine {scores}); say which: ' + ', '.join(f'"{w}"' for w in words))
            if on_ambiguous != 'pick':
                return Selection(AMBIGUOUS, None, tuple(cand(i) for i in order[:top_k]),
                                 said + note, ambiguous=ambiguous)
            reason = f'best match for "{query.what}", picked although {said}'
    if (query.relation or query.size or query.ordinal) and conf[chosen] < threshold:
        reason += (f' (its own confidence {under(conf[chosen], threshold)} is under the '
                   f'threshold {threshold:g}; it '
                   f'matches within {margin:.2f} cosine of the best, {conf[best]:.2f})')
    ranked = [chosen] + [i for i in order if i != chosen][:top_k - 1]
    targets = tuple(cand(i) for i in (targets if targets is not None else [chosen]))
    return Selection(FOUND, cand(chosen), tuple(cand(i) for i in ranked), reason + note,
                     targets=targets, ambiguous=ambiguous)


# Relation between two objects: (sign of the test, axis) in the 3D/2D fit below.
LINKS = ('left_of', 'right_of', 'in_front_of', 'behind', 'on', 'under', 'above', 'below',
         'next_to', 'between', 'in', 'far_from', 'holds')


# "in": the target's centre within the reference's footprint along the table (half its
# largest extent, at least CONTAINED_MIN m) and under CONTAINED_ABOVE m above its centre.
CONTAINED_MIN = 0.03
CONTAINED_ABOVE = 0.15


# Which way "higher as the camera sees it" runs for each ``image_up`` (config.py): the
# axis (0: x, 1: y of the image and of the optical frame, REP 103) and its sign. A camera
# rolled 90 degrees or upside down has the world's up along +y, -x or +x of its image
# (helper-h127's brief: "above" read along -y put the lower object above).
IMAGE_UP_AXIS = {'up': (1, -1.0), 'down': (1, 1.0), 'left': (0, -1.0), 'right': (0, 1.0)}


def _link_fit(link, pt, pr, up, tol, reach=None, image_up='up'):
    """(satisfied, distance) of "target ``link`` reference" for 3D points (camera frame).

    :param reach: for ``in``, the reference's half extent (m); NaN or None: unknown.
    :param image_up: for ``above`` / ``below``, which way the world's up points in the
        image (:data:`IMAGE_UP_AXIS`; the ``image_up`` parameter).
    """
    delta = pt - pr
    height = float(delta @ up)
    flat = delta - height * up
    dist = float(np.linalg.norm(delta))
    if link == 'left_of':
        ok = -delta[0] > tol
    elif link == 'right_of':
        ok = delta[0] > tol
    elif link in ('in_front_of', 'behind'):
        # Along the table away from the camera: the optical axis without its up part.
        fwd = np.array([0.0, 0.0, 1.0]) - up[2] * up
        fwd /= max(np.linalg.norm(fwd), 1e-9)
        along = float(flat @ fwd)
        ok = along > tol if link == 'behind' else -along > tol
    elif link in ('on', 'under'):
        h = height if link == 'on' else -height
        ok = h > tol and np.linalg.norm(flat) < max(abs(h), 0.05)
    elif link in ('above', 'below'):
        # As the camera sees it: along the optical frame's axis that points up in the
        # image as mounted (-y upright), so an object behind another on the table is above
        # it, as one stacked on it is.
        axis, sign = IMAGE_UP_AXIS[image_up]
        higher = sign * float(delta[axis])
        ok = (higher if link == 'above' else -higher) > tol
    elif link == 'in':
        r = reach if reach is not None and np.isfinite(reach) else 0.0
        ok = np.linalg.norm(flat) <= max(r, CONTAINED_MIN) and height < CONTAINED_ABOVE
    else:
        ok = True
    return bool(ok), dist


def _link_fit_2d(link, bt, br, image_up='up'):
    """(satisfied, distance in pixels) of "target ``link`` reference" for two boxes.

    ``image_up``: as for :func:`_link_fit` (``above`` / ``below`` only).
    """
    ct = np.array([(bt[0] + bt[2]) / 2, (bt[1] + bt[3]) / 2])
    cr = np.array([(br[0] + br[2]) / 2, (br[1] + br[3]) / 2])
    dist = float(np.linalg.norm(ct - cr))
    tol = 0.1 * min(bt[2] - bt[0], br[2] - br[0])
    if link == 'left_of':
        ok = cr[0] - ct[0] > tol
    elif link == 'right_of':
        ok = ct[0] - cr[0] > tol
    elif link == 'in_front_of':  # lower in a tabletop image = nearer the camera
        ok = bt[3] - br[3] > tol
    elif link == 'behind':
        ok = br[3] - bt[3] > tol
    elif link == 'on':
        ok = ct[1] < cr[1] and bt[3] <= br[1] + 0.5 * (br[3] - br[1]) and \
            abs(ct[0] - cr[0]) < 0.5 * (br[2] - br[0])
    elif link == 'under':
        ok = ct[1] > cr[1] and br[3] <= bt[1] + 0.5 * (bt[3] - bt[1]) and \
            abs(ct[0] - cr[0]) < 0.5 * (bt[2] - bt[0])
    elif link in ('above', 'below'):  # the centre higher (lower) in the image as mounted
        axis, sign = IMAGE_UP_AXIS[image_up]
        higher = sign * float(ct[axis] - cr[axis])
        ok = (higher if link == 'above' else -higher) > tol
    elif link == 'in':  # the target's centre inside the reference's box, and smaller
        ok = br[0] <= ct[0] <= br[2] and br[1] <= ct[1] <= br[3] and \
            (bt[2] - bt[0]) * (bt[3] - bt[1]) < (br[2] - br[0]) * (br[3] - br[1])
    else:
        ok = True
    return bool(ok), dist


def select_linked(boxes, cosine, ref_cosine, query, threshold=0.5, calibration=None,
                  margin=0.08, top_k=5, positions=None, up=None, duplicate_iou=0.3,
                  excluded=None, tolerance=0.01, confidence=None, ref_confidence=None,
                  priority=None, sizes=None, image_up='up'):
    """Choose the target of "X <link> Y" ("the ball next to the mug") among pairs.

    Both phrases are scored; every pair of a good match of X with a good match of Y (two
    distinct objects) is tested against the relation, in 3D when both have a position,
    else in the image. Among the pairs that fit, the closest pair wins.

    :param cosine: (N,) cosine of each proposal with ``query.what``.
    :param ref_cosine: (N,) cosine with ``query.reference.what``.
    :param positions: optional (N, 3) camera-frame centres in metres (NaN = unknown).
    :param up: (3,) unit "up" (the support plane's normal) in the camera frame; default
        ``-y`` of the optical frame.
    :param tolerance: metres by which a directional relation must hold in 3D.
    :param confidence: optional (N,) confidence of each proposal for ``query.what``
        (see :func:`select`); ``ref_confidence`` the same for the reference.
    :param priority: optional (N,) proposal ranking score (see :func:`select`).
    :param sizes: optional (N,) largest extent of each proposal's object (m, NaN =
        unknown), for ``in``: the target lies within half the reference's. "in" holds in
        the image too (the target's centre inside the reference's box, the target's box
        the smaller), in 3D and without depth alike: an object behind a bowl is not in it.
        ``holds`` ("the mug containing the red ball") is ``in`` with the two swapped.
    :param image_up: which way the world's up points in the image (``up``, ``down``,
        ``left``, ``right``: the ``image_up`` parameter): ``above`` / ``below`` are read
        along it, in 3D and in the image (:data:`IMAGE_UP_AXIS`).
    :return: :class:`Selection` with ``reference`` set when found.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    cosine = np.asarray(cosine, dtype=np.float64)
    ref_cosine = np.asarray(ref_cosine, dtype=np.float64)
    target = select(boxes, cosine, replace_query(query, plural=True), threshold,
                    calibration, margin, top_k, duplicate_iou=duplicate_iou,
                    excluded=excluded, confidence=confidence, priority=priority)
    ref_q = query.reference
    words = 'holding' if query.link == 'holds' else query.link.replace('_', ' ')
    if target.status != FOUND:
        return target
    ref = select(boxes, ref_cosine, replace_query(ref_q, plural=True), threshold,
                 calibration, margin, top_k, duplicate_iou=duplicate_iou,
                 confidence=ref_confidence, priority=priority)
    if ref.status != FOUND:
        return Selection(NOT_FOUND, None, target.ranked,
                         f'the reference "{ref_q.what}" of "{words}" is not found: '
                         f'{ref.reason}')
    up = np.array([0.0, -1.0, 0.0]) if up is None else np.asarray(up, float)
    fits = []
    for t in target.targets:
        for r in ref.targets:
            if same_object(t.box, [r.box], duplicate_iou)[0]:
                continue
            # "X holds Y" is "Y in X": the same test with the two swapped.
            inner, outer = (r, t) if query.link == 'holds' else (t, r)
            link = 'in' if query.link == 'holds' else query.link
            pi = positions[inner.index] if positions is not None else None
            po = positions[outer.index] if positions is not None else None
            if pi is not None and np.all(np.isfinite(pi)) and np.all(np.isfinite(po)):
                reach = 0.5 * sizes[outer.index] if sizes is not None else None
                ok, dist = _link_fit(link, pi, po, up, tolerance, reach, image_up)
                if link == 'in':
                    ok = ok and _link_fit_2d('in', inner.box, outer.box)[0]
                space = '3D'
            else:
                ok, dist = _link_fit_2d(link, inner.box, outer.box, image_up)
                space = 'image'
            if ok:
                fits.append((dist, -(t.cosine + r.cosine), t, r, space))
    if not fits:
        return Selection(NOT_FOUND, None, target.ranked,
                         f'no good match for "{query.what}" ({len(target.targets)}) is '
                         f'{words} a good match for "{ref_q.what}" ({len(ref.targets)})')
    said = getattr(query, 'distance', None)
    # "20 cm left of": the pair whose distance is nearest to the one said (3D only: no
    # metres in the image), else the closest pair ("far from": the farthest).
    far = -1.0 if query.link == 'far_from' else 1.0
    fits.sort(key=lambda f: (abs(f[0] - said) if said is not None and f[4] == '3D'
                             else far * f[0], f[1]))
    fit = fits[0]
    note = '' if said is None else (f', the nearest to the {said:g} m said' if fit[4] == '3D'
                                    else f'; the {said:g} m said is not measured in the image')
    if query.plural:
        # "the balls behind the mug", "the two cubes left of the mug": every distinct
        # target of a fitting pair, in the pairs' order (session 20: one was answered).
        picked, seen = [], set()
        for f in fits:  # each target once, at its first (best) pair
            if f[2].index not in seen:
                seen.add(f[2].index)
                picked.append(f)
        if query.count and len(picked) < query.count:
            return Selection(NOT_FOUND, None, target.ranked,
                             f'asked for {query.count} but only {len(picked)} good match(es) '
                             f'for "{query.what}" are {words} a good match for '
                             f'"{ref_q.what}"')
        picked = picked[:query.count] if query.count else picked
        t, r = picked[0][2], picked[0][3]
        ranked = tuple(f[2] for f in picked) + tuple(
            c for c in target.ranked if c.index not in {f[2].index for f in picked})
        return Selection(FOUND, t, ranked[:max(top_k, len(picked))],
                         f'{len(picked)} good match(es) for "{query.what}" {words} "{ref_q.what}"'
                         f' ({len(fits)} fitting pair(s){note})',
                         targets=tuple(f[2] for f in picked), reference=r)
    n = query.ordinal
    if n:
        # "the second cube left of the mug": counted from the reference of the best pair,
        # in the order the pairs were sorted (nearest first; "far from": farthest first).
        # Session 20: the ordinal was ignored and the nearest cube posed.
        along = [f for f in fits if f[3].index == fit[3].index]
        if abs(n) > len(along):
            return Selection(NOT_FOUND, None, target.ranked,
                             f'asked for number {n} {words} "{ref_q.what}" but only '
                             f'{len(along)} good match(es) for "{query.what}" are {words} it')
        fit = along[n - 1 if n > 0 else n]
        note += f'; number {n} of {len(along)} counted from it' if n > 0 else \
            f'; the last of {len(along)} counted from it' if n == -1 else \
            f'; number {-n} back from the last of {len(along)} counted from it'
    _, _, t, r, space = fit
    ranked = (t,) + tuple(c for c in target.ranked if c.index != t.index)[:top_k - 1]
    dist = f'{fit[0]:.3f} m' if space == '3D' else f'{fit[0]:.0f} px'
    return Selection(FOUND, t, ranked,
                     f'"{query.what}" {words} "{ref_q.what}" (reference at box '
                     f'{[round(v) for v in r.box]}, {dist} apart in {space}{note}; '
                     f'{len(fits)} fitting pair(s))', targets=(t,), reference=r)


def _between_fit(pt, pa, pb, up=None):
    """Where ``pt`` lies from the segment ``pa``-``pb``: ``(along, off, length)``.

    ``along`` is the fraction of the way from ``pa`` to ``pb`` of ``pt``'s foot on the
    line (0 at ``pa``, 1 at ``pb``), ``off`` its distance from the line and ``length``
    the segment's, all measured along the support surface (the components along ``up``
    removed) in 3D, or in the image when ``up`` is None.

    :param pt: (2,) or (3,) position of the target (metres, camera frame; or pixels).
    :param up: (3,) unit normal of the support surface, or None for image points.
    """
    d, v = np.asarray(pt, float) - pa, np.asarray(pb, float) - pa
    if up is not None:
        d, v = d - (d @ up) * up, v - (v @ up) * up
    length = float(np.linalg.norm(v))
    if length < 1e-9:
        return 0.0, float(np.linalg.norm(d)), 0.0
    along = float(d @ v) / length ** 2
    return along, float(np.linalg.norm(d - along * v)), length


# "between A and B": the target's foot on the line from A to B lies inside the middle 80%
# of the way (an object level with A or beyond it is not between them), and the target
# lies off that line by less than half of A-B. The closest to the line is chosen.
BETWEEN_ALONG = (0.1, 0.9)
BETWEEN_OFF = 0.5


def select_between(boxes, cosine, ref_cosines, query, threshold=0.5, calibration=None,
                   margin=0.08, top_k=5, positions=None, up=None, duplicate_iou=0.3,
                   excluded=None, confidence=None, ref_confidences=(None, None),
                   priority=None):
    """Choose the target of "X between A and B" ("the ball between the mug and the cube").

    Every good match of X, A and B (``query.reference`` and ``query.second_reference``;
    one description twice for "between the two mugs") is scored as :func:`select`
    does; every triple of three distinct objects is tested with :func:`_between_fit`
    (:data:`BETWEEN_ALONG`, :data:`BETWEEN_OFF`), in 3D along the support surface when
    all three have a position, else in the image with the boxes' centres. Of the
    triples that fit, the target closest to its line wins.

    :param boxes: (N, 4) proposal boxes, pixels.
    :param cosine: (N,) cosine with ``query.what``.
    :param ref_cosines: ``((N,), (N,))`` cosines with the two references' descriptions.
    :param positions: optional (N, 3) camera-frame centres in metres (NaN = unknown).
    :param up: (3,) unit normal of the support surface; default ``-y`` of the optical
        frame.
    :param ref_confidences: the references' confidences (see :func:`select`), or Nones.
    :return: :class:`Selection`; ``reference`` is the first reference's object.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    target = select(boxes, np.asarray(cosine, float), replace_query(query, plural=True),
                    threshold, calibration, margin, top_k, duplicate_iou=duplicate_iou,
                    excluded=excluded, confidence=confidence, priority=priority)
    if target.status != FOUND:
        return target
    refs = []
    for ref_q, ref_cos, ref_conf in zip((query.reference, query.second_reference),
                                        ref_cosines, ref_confidences):
        ref = select(boxes, np.asarray(ref_cos, float), replace_query(ref_q, plural=True),
                     threshold, calibration, margin, top_k, duplicate_iou=duplicate_iou,
                     confidence=ref_conf, priority=priority)
        if ref.status != FOUND:
            return Selection(NOT_FOUND, None, target.ranked,
                             f'"{ref_q.what}", which "between" refers to, is not found: '
                             f'{ref.reason}')
        refs.append(ref.targets)
    up = np.array([0.0, -1.0, 0.0]) if up is None else np.asarray(up, float)

    def centre(c):
        return np.array([(c.box[0] + c.box[2]) / 2, (c.box[1] + c.box[3]) / 2])

    fits = []
    for t in target.targets:
        for a in refs[0]:
            for b in refs[1]:
                if same_object(a.box, [b.box], duplicate_iou)[0] or \
                        same_object(t.box, [a.box, b.box], duplicate_iou).any():
                    continue
                p = [positions[c.index] if positions is not None else None
                     for c in (t, a, b)]
                if all(q is not None and np.all(np.isfinite(q)) for q in p):
                    along, off, length = _between_fit(*p, up=up)
                    space = '3D'
                else:
                    along, off, length = _between_fit(centre(t), centre(a), centre(b))
                    space = 'image'
                if BETWEEN_ALONG[0] < along < BETWEEN_ALONG[1] and \
                        off < BETWEEN_OFF * length:
                    fits.append((off / length, -t.cosine, t, a, b, space))
    a_what, b_what = query.reference.what, query.second_reference.what
    if not fits:
        return Selection(NOT_FOUND, None, target.ranked,
                         f'no good match for "{query.what}" ({len(target.targets)}) lies '
                         f'between a good match for "{a_what}" ({len(refs[0])}) and one for '
                         f'"{b_what}" ({len(refs[1])})')
    fits.sort(key=lambda f: (f[0], f[1]))
    share, _, t, a, b, space = fits[0]
    ranked = (t,) + tuple(c for c in target.ranked if c.index != t.index)[:top_k - 1]
    return Selection(FOUND, t, ranked,
                     f'"{query.what}" between "{a_what}" (box {[round(v) for v in a.box]}) '
                     f'and "{b_what}" (box {[round(v) for v in b.box]}), off their line by '
                     f'{share:.2f} of the distance between them in {space}; {len(fits)} '
                     'fitting triple(s)', targets=(t,), reference=a)


def replace_query(query, **changes):
    """Copy of a :class:`clip_perception.language.Query` with ``changes``."""
    from dataclasses import replace

    return replace(query, **changes)
