"""Pick one target among scored proposals, with a calibrated confidence, or "not found".

Confidence is ``sigmoid(slope * cosine + intercept)``, a logistic calibration fitted on
generated scenes (``clip_perception_eval --fit-calibration`` writes it next to the
model); checkpoints without one use a rough default for OpenAI CLIP ViT-B/32, whose
matching cosines sit near 0.3. Spatial and size words are resolved geometrically among
the proposals that match about as well as the best one.
"""

from dataclasses import dataclass

import numpy as np

from clip_perception.geometry import box_iou

# Rough calibration for OpenAI CLIP checkpoints: P = 0.5 at cosine 0.25.
DEFAULT_CALIBRATION = (40.0, -10.0)
FOUND, NOT_FOUND = 'found', 'not_found'


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

    Status, the chosen candidate (None when not found), the best-ranked candidates
    (the chosen one first when found) and a human-readable reason.
    """

    status: str
    chosen: Candidate | None
    ranked: tuple
    reason: str


def calibrate(cosine, calibration=None):
    """Map cosine similarities to P(match) in [0, 1].

    :param cosine: (N,) float.
    :param calibration: ``(slope, intercept)`` or None for :data:`DEFAULT_CALIBRATION`.
    """
    slope, intercept = calibration or DEFAULT_CALIBRATION
    z = slope * np.asarray(cosine, dtype=np.float64) + intercept
    return 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))


def _resolve(relation, size, cands, boxes, depths, sizes, image_width):
    """Index into ``cands`` of the candidate the spatial/size words pick."""
    b = boxes[cands]
    cx = 0.5 * (b[:, 0] + b[:, 2])
    cy = 0.5 * (b[:, 1] + b[:, 3])
    d = depths[cands] if depths is not None else None
    if relation == 'left':
        return int(np.argmin(cx))
    if relation == 'right':
        return int(np.argmax(cx))
    if relation == 'top':
        return int(np.argmin(cy))
    if relation == 'bottom':
        return int(np.argmax(cy))
    if relation == 'middle':
        return int(np.argmin(np.abs(cx - image_width / 2.0)))
    if relation in ('nearest', 'farthest'):
        # Without depth, lower in a tabletop image means nearer.
        key = d if d is not None and np.all(np.isfinite(d)) else -b[:, 3]
        return int(np.argmin(key) if relation == 'nearest' else np.argmax(key))
    if size is not None:
        s = sizes[cands] if sizes is not None and np.all(np.isfinite(sizes[cands])) \
            else np.sqrt((b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]))
        return int(np.argmax(s) if size == 'largest' else np.argmin(s))
    return 0


def select(boxes, cosine, query, threshold=0.5, calibration=None, margin=0.08, top_k=5,
           depths=None, sizes=None, image_width=640, duplicate_iou=0.3, confidence=None,
           rank=None):
    """Choose the target.

    :param boxes: (N, 4) proposal boxes.
    :param cosine: (N,) cosine similarity of each proposal with ``query.what``.
    :param query: :class:`clip_perception.language.Query`.
    :param threshold: minimum calibrated confidence to report "found".
    :param margin: cosine margin below the best within which spatial/size words choose.
    :param depths: optional (N,) distance of each proposal (m), for nearest/farthest.
    :param sizes: optional (N,) metric size of each proposal (m), for largest/smallest.
    :param confidence: optional (N,) confidence computed elsewhere (e.g. the zero-shot
        softmax of :mod:`clip_perception.confidence`); None: calibrated cosine.
    :param rank: optional (N,) score to rank the proposals by; None: cosine.
    :return: :class:`Selection`.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    cosine = np.asarray(cosine, dtype=np.float64)
    if len(boxes) == 0:
        return Selection(NOT_FOUND, None, (), 'no region proposals in this frame')
    conf = calibrate(cosine, calibration) if confidence is None else \
        np.asarray(confidence, dtype=np.float64)
    order = np.argsort(-(cosine if rank is None else np.asarray(rank, dtype=np.float64)),
                       kind='stable')

    def cand(i):
        return Candidate(int(i), tuple(float(v) for v in boxes[i]), float(cosine[i]),
                         float(conf[i]))

    best = order[0]
    if conf[best] < threshold:
        return Selection(NOT_FOUND, None, tuple(cand(i) for i in order[:top_k]),
                         f'best match "{query.what}" has confidence {conf[best]:.2f} '
                         f'< threshold {threshold:.2f}')
    chosen = best
    reason = f'best match for "{query.what}"'
    if query.relation or query.size:
        # Distinct objects that match nearly as well as the best: drop boxes that
        # overlap a better-scoring one (other proposals of the same object).
        good = [i for i in order if conf[i] >= threshold and cosine[i] >= cosine[best] - margin]
        distinct = []
        for i in good:
            if not distinct or box_iou(boxes[[i]], boxes[distinct]).max() < duplicate_iou:
                distinct.append(i)
        pick = _resolve(query.relation, query.size, np.array(distinct), boxes, depths,
                        sizes, image_width)
        chosen = distinct[pick]
        words = ' '.join(w for w in (query.size, query.relation) if w)
        reason = f'{words} of {len(distinct)} good match(es) for "{query.what}"'
    ranked = [chosen] + [i for i in order if i != chosen][:top_k - 1]
    return Selection(FOUND, cand(chosen), tuple(cand(i) for i in ranked), reason)
