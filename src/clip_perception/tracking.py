"""One camera's memory across frames: what did not change, and which object is the target.

A robot arm usually stands still while it looks: the node sees many nearly identical
frames a second. :class:`Memory` (one per camera, handed to
:meth:`clip_perception.pipeline.Pipeline.run`) keeps

- :class:`FrameReuse`: whether a frame is unchanged since the frame its proposals were
  computed on (colour and depth compared as block means, so sensor noise does not count
  as change), and the image embedding of every crop encoded recently, keyed by its box
  and a thumbnail of the pixels that were encoded. A crop is answered from the cache
  only when its box is within ``reuse_box_px`` of a cached one and no thumbnail cell
  differs by more than ``reuse_tolerance`` grey levels from the pixels that were
  encoded (never from the previous frame's: a slow drift cannot accumulate). Anything
  else is encoded again, so no stale embedding is used.
- :class:`Tracker`: the chosen target followed from frame to frame (association by 3D
  position when depth gives one, else by box overlap and predicted motion, with the
  crop embedding as a tie-breaker), with hysteresis (another object takes over only when
  it beats the tracked one, this frame and its best confidence of the last
  ``track_hold`` seconds, by ``track_margin``, and only for commands without spatial,
  size, ordinal or relation words: those are decided once, when the target is acquired),
  and held through a short occlusion (``track_hold`` seconds).

Pure numpy/OpenCV; knows no messages or topics.
"""

from dataclasses import dataclass
from dataclasses import replace
import math

import cv2
import numpy as np

from clip_perception.crops import crop_heights
from clip_perception.crops import integer_squares
from clip_perception.crops import square_boxes
from clip_perception.selection import Candidate
from clip_perception.selection import FOUND
from clip_perception.selection import NOT_FOUND
from clip_perception.selection import same_object
from clip_perception.selection import Selection

# Frames are compared as means of FRAME_BLOCK x FRAME_BLOCK pixel blocks: the mean of 64
# pixels carries 1/8 of the per-pixel sensor noise, while an object the size of a block
# still moves its block's mean by its full contrast.
FRAME_BLOCK = 8
# Crops are compared as a CROP_GRID x CROP_GRID thumbnail, cells of at least
# MIN_CELL_PX pixels (a coarser grid for small crops, so noise averages out there too).
CROP_GRID = 16
MIN_CELL_PX = 4
# Depth blocks: a block is compared when at least half its pixels have a reading; a
# change of more than this (metres, plus 1% of the distance) or of more than
# DEPTH_VALID_CHANGE in the share of valid pixels is a change.
DEPTH_TOLERANCE_M = 0.01
DEPTH_VALID_CHANGE = 0.5
# Readings gained: a frame whose share of pixels with a reading is DEPTH_GAIN (2% of the
# frame, 6,000 pixels at 640x480: an object 8 cm across at 1 m) above the reference's is
# a change, however the gain spreads over blocks. Field report: three speckled frames (a
# RealSense starting up, 30% of readings lost everywhere: 0.3 a block, under
# DEPTH_VALID_CHANGE) set the reference, and their poor pose was reused for every clean
# frame after. Readings lost are not a change: the better results already kept stay.
DEPTH_GAIN = 0.02
# A new view, not motion: more than CUT_SHARE of the frame's blocks changed by more than
# CUT_LEVELS grey levels since the previous frame. Measured on rendered tabletops
# (world.sequences): a pan of 2 px a frame changes 1-3% of the blocks by that much, 8 px
# 5-37% (a textured table); two different scenes 78-100% (one similar pair 21%: that
# case is left to the depth test of Tracker._hidden). The tracked target is then
# dropped and acquired afresh, not held.
CUT_LEVELS = 12.0
CUT_SHARE = 0.5


def frame_thumbnail(rgb):
    """Block means of a colour frame.

    :param rgb: (H, W, 3) uint8.
    :return: (ceil(H/8), ceil(W/8), 3) float32 grey levels (0-255).
    """
    h, w = rgb.shape[:2]
    size = (max(1, -(-w // FRAME_BLOCK)), max(1, -(-h // FRAME_BLOCK)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA).astype(np.float32)


def depth_thumbnail(depth_m):
    """Block means of a depth image and the share of pixels with a reading.

    :param depth_m: (H, W) float32 metres, NaN (or <= 0) = no reading.
    :return: ``(mean, valid)``: two (ceil(H/8), ceil(W/8)) float32 arrays; ``mean`` is
        NaN where no pixel of the block has a reading.
    """
    d = np.asarray(depth_m, np.float32)
    ok = np.isfinite(d) & (d > 0)
    h, w = d.shape
    size = (max(1, -(-w // FRAME_BLOCK)), max(1, -(-h // FRAME_BLOCK)))
    valid = cv2.resize(ok.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    total = cv2.resize(np.where(ok, d, 0).astype(np.float32), size,
                       interpolation=cv2.INTER_AREA)
    with np.errstate(invalid='ignore', divide='ignore'):
        mean = np.where(valid > 0, total / np.maximum(valid, 1e-9), np.nan)
    return mean.astype(np.float32), valid


def crop_thumbnails(rgb, boxes, context, pixel_aspect=1.0):
    """Thumbnails of the square crops the encoder sees (:func:`square_boxes`).

    :param rgb: (H, W, 3) uint8.
    :param boxes: (N, 4) float pixel boxes.
    :param context: the crop context (fraction of the box side added on every side).
    :param pixel_aspect: the camera's ``fy / fx``: the crops are square in the scene,
        ``side * pixel_aspect`` pixels high.
    :return: list of N float32 (g, g, 3) arrays, g = min(16, side // 4) (>= 1); the part
        of a crop outside the frame is left out (the box is part of the cache key).
    """
    h, w = rgb.shape[:2]
    x0, y0, side = integer_squares(square_boxes(boxes, context, pixel_aspect=pixel_aspect))
    tall = crop_heights(side, pixel_aspect)
    out = []
    for i in range(len(side)):
        xa, ya = max(0, int(x0[i])), max(0, int(y0[i]))
        xb, yb = min(w, int(x0[i] + side[i])), min(h, int(y0[i] + tall[i]))
        g = int(max(1, min(CROP_GRID, side[i] // MIN_CELL_PX)))
        if xb <= xa or yb <= ya:
            out.append(np.zeros((g, g, 3), np.float32))
            continue
        out.append(cv2.resize(rgb[ya:yb, xa:xb], (g, g),
                              interpolation=cv2.INTER_AREA).astype(np.float32))
    return out


def _unchanged(a, b, tolerance):
    return a.shape == b.shape and float(np.max(np.abs(a - b), initial=0.0)) <= tolerance


def _depth_unchanged(a, b):
    if a is None or b is None:
        return a is None and b is None
    (ma, va), (mb, vb) = a, b
    if ma.shape != mb.shape or np.max(np.abs(va - vb), initial=0.0) > DEPTH_VALID_CHANGE:
        return False
    if float(np.mean(vb)) > float(np.mean(va)) + DEPTH_GAIN:
        return False  # b (the new frame) has readings the reference lacked
    both = (va >= 0.5) & (vb >= 0.5)
    tol = DEPTH_TOLERANCE_M + 0.01 * ma[both]
    return bool(np.all(np.abs(ma[both] - mb[both]) <= tol))


@dataclass
class _Entry:
    box: np.ndarray  # (4,) float64
    thumb: np.ndarray  # (g, g, 3) float32: the pixels that were encoded
    embedding: np.ndarray  # (D,) float32
    used: int  # frame counter when last used
    views: int = 1  # views averaged into the embedding (crop_views)


class FrameReuse:
    """Proposals of an unchanged frame, and image embeddings of unchanged crops.

    :param tolerance: grey levels (0-255) a block or thumbnail cell may differ by and
        still count as unchanged.
    :param box_px: pixels each box coordinate may differ by for a cached crop to be
        considered.
    :param capacity: most cached crop embeddings (least recently used go first).
    """

    def __init__(self, tolerance=4.0, box_px=2.0, capacity=256):
        self.tolerance = float(tolerance)
        self.box_px = float(box_px)
        self.capacity = int(capacity)
        self.clear()

    def clear(self):
        """Forget everything (a new model, crop settings or proposal settings)."""
        self._frame = None  # (rgb thumb, depth thumb, intrinsics) proposals were made on
        self.proposals = None
        self.poses = {}
        self._entries = []
        self._tick = 0

    def frame_unchanged(self, rgb, depth_m, intrinsics):
        """Return True when this frame matches the one the kept proposals came from.

        Compares block means (:data:`FRAME_BLOCK`) of colour (within ``tolerance``) and
        depth (:data:`DEPTH_TOLERANCE_M` plus 1%; a frame with more readings than the
        reference, :data:`DEPTH_GAIN`, is a change), and the intrinsics exactly. When it
        is not, the frame becomes the new reference and the kept proposals and poses are
        dropped; :meth:`keep` stores the new ones.
        """
        self._tick += 1
        sig = (frame_thumbnail(rgb), None if depth_m is None else depth_thumbnail(depth_m),
               intrinsics)
        ref = self._frame
        same = (ref is not None and self.proposals is not None and ref[2] == sig[2]
                and _unchanged(ref[0], sig[0], self.tolerance)
                and _depth_unchanged(ref[1], sig[1]))
        if not same:
            self._frame, self.proposals, self.poses = sig, None, {}
        return same

    def keep(self, proposals):
        """Keep the proposals computed on the current reference frame."""
        self.proposals = proposals

    def lookup(self, rgb, boxes, context, pixel_aspect=1.0, views=1):
        """Return cached embeddings for the crops of ``boxes`` that did not change.

        :param rgb: (H, W, 3) uint8 frame.
        :param boxes: (N, 4) float pixel boxes.
        :param context: crop context, as given to the encoder's preprocessing.
        :param pixel_aspect: the camera's ``fy / fx``, as given to it too.
        :param views: views averaged into each embedding wanted (``crop_views``): only
            entries stored with the same count are returned (one view's embedding is not
            five views' mean).
        :return: ``(embeddings, thumbs)``: a list of N (D,) float32 arrays or None (must
            be encoded), and the N thumbnails to hand to :meth:`store`.
        """
        boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
        thumbs = crop_thumbnails(rgb, boxes, context, pixel_aspect)
        found = [None] * len(boxes)
        if self._entries and len(boxes):
            keys = np.stack([e.box for e in self._entries])
            for i, box in enumerate(boxes):
                near = np.nonzero(np.max(np.abs(keys - box), axis=1) <= self.box_px)[0]
                best, best_diff = None, math.inf
                for j in near:
                    e = self._entries[j]
                    if e.views != views or e.thumb.shape != thumbs[i].shape:
                        continue
                    diff = float(np.max(np.abs(e.thumb - thumbs[i])))
                    if diff < best_diff:
                        best, best_diff = e, diff
                if best is not None and best_diff <= self.tolerance:
                    best.used = self._tick
                    found[i] = best.embedding
        return found, thumbs

    def store(self, boxes, thumbs, embeddings, views=1):
        """Cache freshly encoded crops.

        :param boxes: (K, 4) boxes; ``thumbs`` their K thumbnails from :meth:`lookup`;
            ``embeddings`` (K, D) float32.
        :param views: views averaged into each embedding (``crop_views``).
        """
        for box, thumb, emb in zip(np.asarray(boxes, np.float64).reshape(-1, 4), thumbs,
                                   np.asarray(embeddings, np.float32)):
            self._entries.append(_Entry(box.copy(), thumb, emb.copy(), self._tick,
                                        int(views)))
        if len(self._entries) > self.capacity:
            self._entries.sort(key=lambda e: -e.used)
            del self._entries[self.capacity:]

    def __len__(self):
        return len(self._entries)


@dataclass(frozen=True)
class TrackInfo:
    """The tracked target as reported.

    ``id`` (1, 2, ... per camera), ``age`` frames since acquisition, ``age_s`` seconds
    since acquisition, ``missed`` frames since last seen, ``state``: ``acquired`` (this
    frame), ``tracked``, ``held`` (not seen; kept for up to ``track_hold`` s) or ``lost``
    (dropped this frame).
    """

    id: int
    age: int
    age_s: float
    missed: int
    state: str

    def to_dict(self):
        """JSON-friendly form."""
        return {'id': self.id, 'age': self.age, 'age_s': round(self.age_s, 3),
                'missed': self.missed, 'state': self.state}


@dataclass
class _Track:
    id: int
    box: np.ndarray  # (4,) last seen box
    velocity: np.ndarray  # (2,) box centre pixels per frame
    position: np.ndarray | None  # (3,) last camera-frame position, metres
    embedding: np.ndarray  # (D,) unit appearance (running mean of the crops seen)
    history: list  # [(stamp s, confidence)] of the frames it was seen, newest last
    since: float  # stamp at acquisition, s
    seen: float  # stamp last seen, s
    age: int = 0  # frames since acquisition
    missed: int = 0

    def recent_best(self, stamp, window):
        """Best confidence of the frames seen in the last ``window`` seconds before ``stamp``."""
        return max((c for s, c in self.history if s >= stamp - window), default=0.0)


def _iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def decided_at_acquisition(query):
    """Return True when the command has words decided once, at acquisition.

    Spatial, size and ordinal words and relations to another object pick one object
    among several good matches; re-deciding them every frame would hop between objects
    as the view shifts; so would "any red ball" between two red balls.
    """
    return bool(query.relation or query.size or query.ordinal or query.link or
                query.any_one)


class Tracker:
    """Follows the chosen target of a single-object command from frame to frame.

    :param hold: seconds a target not seen is held (reported ``not_found`` with the
        reason, no other object acquired) before it is dropped.
    :param gate: metres a target may move between sightings and still be the same one
        (camera-frame position; boxes are used when there is no depth).
    :param margin: confidence hysteresis: the tracked target is kept while its
        confidence stays above ``threshold - margin``, or ``threshold - 2 margin`` while
        it was seen at ``threshold`` or more in the last ``hold`` seconds; another object
        takes over only when its confidence beats both the tracked one's this frame and
        the tracked one's best of the last ``hold`` seconds by more than ``margin``. A
        softmax confidence swings between frames of one object (a rerun of the bundled
        recipe: 1.00, 0.26, 0.90, 0.63, 0.35 on a ball panned 2 px a frame) and a twin's
        does not swing with it; judged frame by frame, the target went to the twin. The
        tracked object's own best recent frame says it matches as well as the twin does.
    """

    def __init__(self, hold=1.0, gate=0.1, margin=0.15):
        self.hold, self.gate, self.margin = float(hold), float(gate), float(margin)
        self.track = None
        self._next_id = 1

    def reset(self):
        """Drop the tracked target (a new command, ``~/reset``)."""
        self.track = None

    def update(self, sel, boxes, cosine, confidence, embeddings, position, query, stamp,
               threshold, excluded=None, depth_m=None, image_size=None):
        """Associate this frame's selection with the tracked target.

        :param sel: the frame's own :class:`clip_perception.selection.Selection`.
        :param boxes: (N, 4) proposal boxes; ``cosine`` and ``confidence`` (N,) for the
            command's object phrase; ``embeddings`` (N, D) unit image embeddings.
        :param position: callable ``i -> (3,) camera-frame position or None``.
        :param query: the parsed command; ``stamp`` the frame's time (s).
        :param threshold: ``min_confidence``.
        :param excluded: optional (N,) bool, proposals a negation rules out.
        :param depth_m: optional (H, W) float32 metres: tells an occluded target (something
            at or in front of its depth where it should be: held) from one that left its
            place (the frame's own match is acquired at once).
        :param image_size: ``(width, height)`` pixels: a target predicted outside the
            frame is held.
        :return: ``(selection, TrackInfo or None)``: the selection to answer with.
        """
        boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
        conf = np.asarray(confidence, np.float64)
        emb = np.asarray(embeddings, np.float32)
        t = self.track
        if t is not None and stamp < t.seen:
            # Time went back (a recording looped, a camera restarted): start afresh.
            t = self.track = None
        if t is None:
            return self._acquire(sel, boxes, emb, position, stamp, conf)
        allowed = np.ones(len(conf), bool) if excluded is None else \
            ~np.asarray(excluded, bool)
        best = t.recent_best(stamp, self.hold)
        match = self._associate(np.nonzero(allowed & (conf >= threshold - self.margin))[0],
                                boxes, emb, position, t)
        if match is None and best >= threshold:
            # Seen confidently within track_hold: a proposal of it down to two margins
            # under the threshold still is it (the better ones are tried first, above).
            loose = allowed & (conf >= threshold - 2 * self.margin)
            match = self._associate(np.nonzero(loose)[0], boxes, emb, position, t)
        if match is None:
            t.missed += 1
            gone = stamp - t.seen
            hidden = self._hidden(t, depth_m, image_size)
            if gone > self.hold or (not hidden and sel.status == FOUND):
                old = t.id
                self.track = None
                why = (f'not seen for {gone:.2f} s' if gone > self.hold else
                       'not at its place any more, and nothing stands in front of it')
                new, info = self._acquire(sel, boxes, emb, position, stamp, conf)
                if info is not None:
                    return replace(new, reason=new.reason + f'; replaces track {old} '
                                   f'({why})'), info
                return (replace(sel, reason=sel.reason + f'; tracked target (track {old}) '
                                 f'lost: {why}'),
                        TrackInfo(old, t.age, stamp - t.since, t.missed, 'lost'))
            return (Selection(NOT_FOUND, None, sel.ranked,
                              f'the tracked target (track {t.id}) is not seen in this frame '
                              f'({t.missed} frame(s), {gone:.2f} s): occluded or out of view; '
                              f'held for up to {self.hold:g} s (track_hold) before another '
                              'match is taken (~/reset drops it now)'),
                    TrackInfo(t.id, t.age, stamp - t.since, t.missed, 'held'))
        fresh = sel.chosen.index if sel.status == FOUND and sel.chosen is not None else None
        if (fresh is not None and fresh != match and not decided_at_acquisition(query)
                and not same_object(boxes[fresh], boxes[match:match + 1]).any()
                and conf[fresh] > max(conf[match], best) + self.margin):
            # A clearly better match than the tracked one: take it, as a new track.
            self.track = None
            new, info = self._acquire(sel, boxes, emb, position, stamp, conf)
            return (replace(new, reason=new.reason + f'; replaces track {t.id} (confidence '
                             f'{max(conf[match], best):.2f}, its best of the last '
                             f'{self.hold:g} s, < {conf[fresh]:.2f} - margin '
                             f'{self.margin:g})'), info)
        self._follow(t, match, boxes, emb, position, stamp, conf)
        chosen = Candidate(int(match), tuple(float(v) for v in boxes[match]),
                           float(cosine[match]), float(conf[match]))
        ranked = (chosen,) + tuple(c for c in sel.ranked if c.index != match)[
            :max(0, len(sel.ranked) - 1)]
        if fresh == match:
            why = sel.reason
        elif sel.status == FOUND:
            why = (f'the frame alone would choose another object (confidence '
                   f'{conf[fresh]:.2f} vs {conf[match]:.2f}): kept by hysteresis'
                   if not decided_at_acquisition(query) else
                   'the words of the command were decided at acquisition and are kept')
        else:
            why = f'the frame alone answers {sel.status}: {sel.reason}'
        reason = f'tracked target (track {t.id}, {t.age} frame{"" if t.age == 1 else "s"}); {why}'
        return (Selection(FOUND, chosen, ranked, reason, targets=(chosen,)),
                TrackInfo(t.id, t.age, stamp - t.since, 0, 'tracked'))

    def _hidden(self, t, depth_m, image_size):
        """Return True when the missing target may still be there, unseen.

        Out of the frame (its predicted box centre), or no depth to tell, or something
        at or in front of its depth (within 1 cm behind its centre) in its predicted box:
        the median of the valid readings there, when at least a fifth are valid.
        """
        pred = t.box + np.tile(t.velocity * t.missed, 2)
        cx, cy = 0.5 * (pred[:2] + pred[2:])
        if image_size is not None and not (0 <= cx < image_size[0]
                                           and 0 <= cy < image_size[1]):
            return True
        if depth_m is None or t.position is None:
            return True
        h, w = depth_m.shape
        x0, y0 = int(max(pred[0], 0)), int(max(pred[1], 0))
        x1, y1 = int(min(pred[2], w)), int(min(pred[3], h))
        region = depth_m[y0:y1, x0:x1]
        valid = region[np.isfinite(region) & (region > 0)]
        if valid.size < 0.2 * max(region.size, 1):
            return True
        return bool(np.median(valid) <= t.position[2] + 0.01)

    def _acquire(self, sel, boxes, emb, position, stamp, conf):
        if sel.status != FOUND or sel.chosen is None:
            return sel, None
        i = sel.chosen.index
        pos = position(i)
        self.track = _Track(self._next_id, boxes[i].copy(), np.zeros(2),
                            None if pos is None else np.asarray(pos, float),
                            emb[i].copy() if len(emb) else np.zeros(1, np.float32),
                            [(stamp, float(conf[i]))], stamp, stamp)
        self._next_id += 1
        t = self.track
        return (replace(sel, reason=sel.reason + f'; acquired as track {t.id}'),
                TrackInfo(t.id, 0, 0.0, 0, 'acquired'))

    def _associate(self, candidates, boxes, emb, position, t):
        """Index of the proposal that is the tracked object, or None.

        Gate: within ``gate`` metres of the last position when both have one, else a box
        overlapping the predicted box (IoU >= 0.3) or with its centre within half the
        predicted box's diagonal. Among those, the lowest cost: distance (in gate units
        or box diagonals) + (1 - IoU) + (1 - appearance cosine).
        """
        if not len(candidates):
            return None
        steps = t.missed + 1
        pred = t.box + np.tile(t.velocity * steps, 2)
        diag = math.hypot(pred[2] - pred[0], pred[3] - pred[1])
        pc = 0.5 * (pred[:2] + pred[2:])
        best, best_cost = None, math.inf
        for i in candidates:
            iou = _iou(boxes[i], pred)
            centre = 0.5 * (boxes[i, :2] + boxes[i, 2:])
            pos = position(i) if t.position is not None else None
            if pos is not None:
                d = float(np.linalg.norm(np.asarray(pos) - t.position)) / self.gate
                if d > 1.0:
                    continue
            else:
                d = float(np.linalg.norm(centre - pc)) / max(diag, 1.0)
                if iou < 0.3 and d > 0.5:
                    continue
            look = float(emb[i] @ t.embedding) if emb.shape[1:] == t.embedding.shape else 1.0
            cost = d + (1.0 - iou) + (1.0 - look)
            if cost < best_cost:
                best, best_cost = int(i), cost
        return best

    def _follow(self, t, i, boxes, emb, position, stamp, conf):
        steps = t.missed + 1
        old = 0.5 * (t.box[:2] + t.box[2:])
        new = 0.5 * (boxes[i, :2] + boxes[i, 2:])
        t.velocity = 0.5 * t.velocity + 0.5 * (new - old) / steps
        t.box = boxes[i].copy()
        pos = position(i)
        if pos is not None:
            t.position = np.asarray(pos, float)
        if emb.shape[1:] == t.embedding.shape:
            e = 0.8 * t.embedding + 0.2 * emb[i]
            t.embedding = (e / max(float(np.linalg.norm(e)), 1e-9)).astype(np.float32)
        # The frames of the last hold seconds: their best is what a takeover must beat,
        # and what lets the track ride out a dip (see update).
        t.history = [(s, c) for s, c in t.history if s >= stamp - self.hold]
        t.history.append((stamp, float(conf[i])))
        t.seen = stamp
        t.age += 1
        t.missed = 0


class Memory:
    """Everything one camera remembers between frames (see the module docstring).

    :param reuse: a :class:`FrameReuse`, or None to encode every crop of every frame.
    :param tracker: a :class:`Tracker`, or None to choose afresh each frame.
    """

    def __init__(self, reuse=None, tracker=None):
        self.reuse = reuse
        self.tracker = tracker
        self.command = None
        self.settings = None
        self.frames = 0
        self.cut = False  # this frame shows a new view (see CUT_SHARE)
        self._last = None  # block means of the previous frame
        self._next_id = 1  # track ids while tracking is off (they never restart)

    @classmethod
    def from_config(cls, config):
        """Build from a :class:`clip_perception.config.PipelineConfig`."""
        memory = cls()
        memory.configure(config)
        return memory

    def configure(self, config):
        """Apply (possibly changed) parameters, keeping what they do not touch.

        Changed tracking thresholds apply to the tracked target as it is; turning
        tracking off drops it, and track ids keep counting up (never reused on this
        camera). The crop cache is rebuilt only when ``reuse_tolerance`` or
        ``reuse_box_px`` change, and dropped when ``reuse_crops`` is off.
        """
        if not config.tracking:
            if self.tracker is not None:
                self._next_id = self.tracker._next_id
            self.tracker = None
        elif self.tracker is None:
            self.tracker = Tracker(config.track_hold, config.track_gate, config.track_margin)
            self.tracker._next_id = self._next_id
        else:
            self.tracker.hold = float(config.track_hold)
            self.tracker.gate = float(config.track_gate)
            self.tracker.margin = float(config.track_margin)
        if not config.reuse_crops:
            self.reuse = None
        elif self.reuse is None or (self.reuse.tolerance, self.reuse.box_px) != (
                float(config.reuse_tolerance), float(config.reuse_box_px)):
            self.reuse = FrameReuse(config.reuse_tolerance, config.reuse_box_px)

    def begin(self, command, settings, rgb=None):
        """Start a frame.

        A new command resets the track, and so does a new view (``rgb`` (H, W, 3) uint8
        compared with the previous frame: see :data:`CUT_SHARE`; a new image size too);
        new ``settings`` (anything the proposals, crops or embeddings depend on) empty
        the caches.
        """
        self.frames += 1
        self.cut = False
        if rgb is not None:
            thumb = frame_thumbnail(rgb)
            last, self._last = self._last, thumb
            if last is not None:
                changed = last.shape != thumb.shape or float(np.mean(
                    np.max(np.abs(thumb - last), axis=2) > CUT_LEVELS)) > CUT_SHARE
                if changed and self.tracker is not None and self.tracker.track is not None:
                    self.cut = True
                    self.reset()
        if command != self.command:
            self.command = command
            self.reset()
        if settings != self.settings:
            self.settings = settings
            if self.reuse is not None:
                self.reuse.clear()

    def reset(self):
        """Drop the tracked target (the caches stay: they are keyed by content)."""
        if self.tracker is not None:
            self.tracker.reset()


__all__ = ['crop_thumbnails', 'decided_at_acquisition', 'depth_thumbnail', 'frame_thumbnail',
           'FrameReuse', 'Memory', 'TrackInfo', 'Tracker']
