"""Class-agnostic region proposals: objects from depth, boxes from the image, one ranking.

Depth: the support surface (:mod:`clip_perception.support`, judged by what stands on
it, not the largest plane) gives each pixel a height; pixels standing on it are cut
apart at depth discontinuities into objects. An object wider than ``max_size`` is split
at normal creases and colour edges instead of being dropped; one that colour edges alone
cut into pieces (touching objects of different colours) is proposed whole and in pieces;
anything smaller than ``min_size`` goes, and every region left out is counted in
:attr:`Proposals.dropped`. An object at the support's edge, of which only a part stands
on it, is also proposed grown into what continues it past the edge (:func:`past_the_edge`).
A flat object lying on it, lower than the standing threshold, is proposed from its pixels
risen above the support's local level, its pieces joined (:func:`flat_groups`).
Without any support surface (a cluttered tote, a wall of boxes) the same cuts act on
all the depth and the proposals come from discontinuities and normals alone.
Image: selective search (single strategy, so a 640x480 frame takes a few
milliseconds) plus colour-saliency regions, sorted so the output does not depend on
OpenCV's internal order; boxes drawn around holes in the surface's depth join them.
Both are ranked together -- objects standing on the surface first, then image boxes
over depth holes on the surface (transparent and dark objects), then parts and the rest
by objectness -- so background cannot fill the cap. Objectness: superpixel straddling
(Alexe et al.) and colour contrast for image boxes, less what they see beyond the
support, on walls or out of the sensor's range; a depth region that an image box repeats
ranks higher; one larger than an object, or a sliver, ranks with the parts.

The same frame gives the same proposals in the same order on every call.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import replace
import math
import os
import threading
from typing import NamedTuple

import cv2
import numpy as np
from threadpoolctl import ThreadpoolController

from clip_perception.geometry import back_project
from clip_perception.geometry import box_inside
from clip_perception.geometry import box_iou
from clip_perception.geometry import middle_values
from clip_perception.geometry import pixel_box
from clip_perception.geometry import window_heights
from clip_perception.support import cross3
from clip_perception.support import depth_sigma
from clip_perception.support import find_support
from clip_perception.support import grid_radius
from clip_perception.support import grid_step
from clip_perception.support import large_components
from clip_perception.support import largest_component
from clip_perception.support import nan_box_mean
from clip_perception.support import nan_to
from clip_perception.support import normals
from clip_perception.support import percentile
from clip_perception.support import pixel_spacing
from clip_perception.support import remove_flying_pixels
from clip_perception.support import square
from clip_perception.support import working_grid

SOURCE_DEPTH, SOURCE_IMAGE = 'depth', 'image'
# Ranking tiers (higher first); within a tier proposals are ordered by objectness.
TIER_OBJECT, TIER_HOLE, TIER_PART, TIER_IMAGE = 4.0, 3.0, 1.2, 1.0
# Objectness weights, in ranking-score units (a tier step is 1). Straddling: the weight
# that best separated labelled from other image boxes on the real frames (mean rank AUC
# per frame 0.849 without it, 0.871 at 0.5, 0.875 at 1.0, 0.869 at 1.5; chosen on those
# 16 frames). Agreement: enough to lift a depth part an image box repeats
# (1.2-1.7) above every plain image box (at most ~2.6), not above whole objects (4+).
# Frame edge: the same penalty as depth regions cut by the frame.
STRADDLE_WEIGHT = 0.7
AGREE_WEIGHT = 1.5
# A depth part (a face cut at creases and colour edges, or two adjacent faces) of a
# region whose whole outline an image box repeats drops one tier step: depth and colour
# agree that the whole is one object, so its faces are its parts, not objects of their
# own. Measured on the 16 real frames and their mirrored and 0.75x / 1.5x views
# (`clip_perception_eval real --views original,mirror,scale:0.75,scale:1.5`, recall
# summed over the four views): opaque 269 -> 270 of 308, transparent 54 -> 57 of 68,
# no view worse; the faces of one wallet had pushed a lying glass bottle out of the cap.
# Synthetic `layouts`: touching objects 39 -> 40 of 40, the rest unchanged.
WHOLE_SEEN_PENALTY = 1.0
# Touching objects of different colours that depth merges into one region (a cup against
# the box beside it): the region is also cut at depth jumps and colour edges alone, not
# at creases, whose pieces are whole objects where the face cut gives only their faces.
# Such a colour piece that an image box repeats (IoU over 0.5: colour draws it as an
# object too) keeps its rank beside the whole, less this penalty; one no image box
# repeats is a part like the faces and follows every other proposal
# (:func:`later_parts_last`). Measured (`clip_perception_eval real --views ...`, opaque
# of 77 per view; issue 11, helper-100): 23 views (the original, mirror, 0.75x, 1.5x,
# stereo_shadow 0.05 / 0.12 / 0.15, roll 15 / -30, rotate 180 / 90 with image_up up and
# as mounted, depth_mm, jpeg:50, exposure:0.4, white_balance:0.7, blur:2,
# flying_pixels:2, misregister:4, wfov_corners:0.8, depth_upsample:4, depth_noise:0.003)
# +14 opaque, none worse, transparent the same; the original 69 -> 70 (the opaque cup of
# cleargrasp_opaque_130; benchmarks/results/issue11_colour_pieces_helper100.log).
# Penalty 0.3 gained 3 on the first seven of those views, 0.5 gained 2, 0.7 gained 1
# and lost 1, none (0) gained 3 and lost 1 (the 0.75x view).
COLOUR_PIECE_PENALTY = 0.3
BORDER_PENALTY = 0.3
# How far (m) the foot of a point may lie outside the support's region and the point
# still stand on it: an object overhanging the surface's edge, or a region's hull drawn
# a sample short of the edge. (The 4 working pixels this replaces were 1.1-1.8 cm on the
# real and synthetic frames at 213 px.)
FOOT_MARGIN = 0.015
# Fragments of one thin or holed object (a whisk's wires, scissors' blades and handles)
# lie closer than this (m) to one another; they are grouped into one region.
FRAGMENT_GAP = 0.015
# One object in two depth regions: a power drill's body lies in front of its handle, so a
# depth jump parts them, and the handle, touching the clamp beside it, is one region with
# the clamp (posecnn_5: the body's region IoU 0.44 with the drill, the handle-and-clamp's
# 0.40, no proposal at 0.5). The nearer whole region (the occluder) and each colour piece
# of a farther whole within FRAGMENT_GAP of it (the part it hides the rest of) are also
# proposed together (:func:`_front_and_behind`) when the whole overhangs the piece
# (JOINED_UNDER), the union is at most PAST_EDGE_MAX_SIZE and the frame does not cut it,
# in this tier: above the plain image
# boxes' base (a union ranked as a part, 1.2, stayed 35th of 32), below the holes and
# whole objects. Like a colour piece, such a union keeps its rank only where an image box
# repeats it (colour draws it as one object too) and follows every other proposal where
# none does, and it is never kept in place of a box it overlaps (it suppresses none at
# NMS). Measured (issue 11, helper-h132; `clip_perception_eval real`, 19 views): the drill
# found in 11 views, nothing lost; tier 1.5 left it out of the cap, the fragment groups'
# tier (3.4) lost 19 objects over the views, tier 2.0 with unions that suppress at NMS 2
# (a union ranked above a black case's image box removed it), unions of a whole behind
# the piece too 1 (a flower box with what lies beside it pushed a black case out).
TIER_JOINED = 2.0
# ... and only where the whole overhangs the piece: at least this share of the piece's
# points have their foot on the support within a 1 cm cell of the whole's footprint
# (:func:`_under_share`). A drill's handle lies under its body (0.87); boxes packed side
# by side at two heights (the ``packed_mixed`` layout) share no footprint (0.0 for every
# pair of its scene 40_011_005, where a tall box joined to its lower neighbour had pushed
# a stacked part, the 32nd proposal, out of the cap: 60 -> 59 of 64), nor did any other
# pair on posecnn_5 but a sliver under the drill's body.
JOINED_UNDER = 0.5
JOINED_CELL = 0.01
# How far (m) under the support's plane a reading must lie to be background seen beyond
# the support (the floor past a table's edge, the room past a tote), which an image box
# is marked down for holding. The room lies tens of centimetres down; what lies a few
# centimetres under the plane is mostly the same scene: the lower items of a packed pile
# whose tops the plane runs through, the lower half of a ball past a table's back edge,
# a table bent beyond the plane's quadratic fit. Measured on the 16 real frames
# (`clip_perception_eval real`, opaque / transparent summed over the views
# original, mirror, scale:0.75, scale:1.5; helper-58): 2 cm (before) 272 / 57 of 308 /
# 68, 3-10 cm 273 / 57 (5 cm: the original view 68 -> 69 of 77, no view worse), 15 cm
# 273 / 56; over depth_mm, jpeg:50, exposure:0.4, white_balance:0.7, blur:2 and
# depth_noise:0.003 at 5 cm: 392 -> 394 of 462 and 77 -> 81 of 102, no view worse.
BEHIND_DEPTH = 0.05
# An object at the support's edge (a ball past a table's back or side edge, resting on
# something lower) stands on the support only in part: the pixels whose foot falls past
# the region's edge by more than FOOT_MARGIN, and those under the plane, are not standing,
# so its depth region held only its top (posecnn_2's red ball: IoU 0.41, posed from that
# cap). Its standing part is grown into the depth-continuous pixels off the support's
# region that are neither standing, background (walls, BEHIND_DEPTH under the plane) nor
# beyond a depth jump, and the grown region is proposed beside the part it grew from
# (:func:`past_the_edge`) when it is at most this size (m: the largest graspable object,
# as the tiers in :func:`depth_regions`), its box is at least PAST_EDGE_GROWTH times the
# part's (a few pixels of overhang make no new proposal), and it rises the minimum object
# size (``min_size``, 2 cm) above the plane: a flat thing over the edge (the overhang of
# a notebook lying at a table's edge, a speck of it standing) grew into a region that
# matched nothing and pushed a black case out of the cap in the jpeg:50 view. Measured
# (issue 11, helper-106; benchmarks/results/issue11_past_the_edge_helper106.log): the
# original view 70 -> 71 of 77 opaque (the red ball); a 3 cm rise lost it again.
PAST_EDGE_MAX_SIZE = 0.35
PAST_EDGE_GROWTH = 1.25
# What no sensor saw runs along the frame's edge; an object the frame cuts meets it along
# its width only. (contact with the edge)^2 / area is at least 8 for the first kind: a
# band of width b the length E of an edge, (E + 2b)^2 / (E b) >= 8; a corner cut off by
# a line with legs a, b, 2 (a + b)^2 / (a b) >= 8; less area for a corner cut off by an
# arc. For a box w wide with d of its height in view it is w / d (a square in a corner:
# 4). 6 keeps an object unless less than a sixth of it is in view. Measured on the real
# frames' 80 px thumbnails: the black corners of roll:15 and roll:-30 7.6-11.8, an Asus
# Xtion's crushed blacks (posecnn_1, posecnn_2) 0.2-3.0.
EDGE_HUG = 6.0


class WorkGrid(NamedTuple):
    """What :func:`depth_regions` computed on the working grid, for the image ranking.

    ``points`` (h, w, 3) float32 metres, NaN = none; ``step`` full-resolution pixels per
    working pixel; ``height`` (h, w) float32 metres above the support or None; ``fg``
    (h, w) bool, standing on it; ``region`` (h, w) bool, the support's region, or None;
    ``surface`` the :class:`clip_perception.support.SupportSurface` or None; ``walls``
    (h, w) bool, large planes nothing stands on; ``unseen`` (h, w) bool or None, missing
    readings outside the depth sensor's view (:func:`out_of_view`).
    """

    points: object
    step: int
    height: object
    fg: object
    region: object
    surface: object
    walls: object
    unseen: object = None


NO_WORK = WorkGrid(None, 1, None, None, None, None, None)


@dataclass(frozen=True)
class Proposals:
    """Candidate regions of one frame, best first.

    ``boxes`` (N, 4) float64 ``x0, y0, x1, y1``; ``sources`` N strings (``depth`` or
    ``image``); ``masks`` a list of (H, W) bool arrays or None per box (depth proposals
    carry their pixel mask); ``plane`` the support surface's flat ``(normal, offset)``
    or None; ``surface`` the :class:`clip_perception.support.SupportSurface` or None;
    ``scores`` (N,) ranking scores; ``dropped`` how many depth regions were left out
    (smaller than the minimum size, or beyond the cap); ``notes`` why, in words, when
    something unusual happened (no support surface, over-wide regions split);
    ``carrying`` one bool per box, or empty (none): the mask is the lower object of a
    stack (:func:`add_stack_parts`), cut at full resolution (not a working-grid region
    whose blocky edges :func:`refine_mask` redraws), whose top face is partly hidden by
    what stands on it.
    """

    boxes: np.ndarray
    sources: tuple
    masks: tuple
    plane: tuple | None
    surface: object = None
    scores: np.ndarray | None = None
    dropped: int = 0
    notes: tuple = ()
    carrying: tuple = ()

    def __len__(self):
        return len(self.boxes)


def height_above_plane(depth_m, intrinsics, plane, origin=(0, 0)):
    """Per-pixel height above ``plane`` (or a SupportSurface) in metres, NaN = no depth.

    :param depth_m: (H, W) float32 metres: the whole image, or a window of it.
    :param plane: ``(normal, offset)`` or a :class:`clip_perception.support.SupportSurface`.
    :param origin: ``(x0, y0)`` of the window in the full image.
    :return: (H, W) float32.
    """
    h, w = depth_m.shape
    x0, y0 = origin
    vs, us = np.mgrid[y0:y0 + h, x0:x0 + w]
    pts = back_project(us.ravel(), vs.ravel(), depth_m.ravel(), intrinsics)
    if hasattr(plane, 'height'):
        return plane.height(pts).reshape(h, w).astype(np.float32)
    normal, offset = plane
    return (pts @ normal + offset).reshape(h, w).astype(np.float32)


def _jump_edges(z):
    """Depth discontinuities between 4-neighbours on the working grid.

    A jump is a neighbour difference larger than the noise (``4 sigma(z)``, z^2 model)
    plus 4 mm and more than 2.5 times the slope on either side, so a surface seen at a
    grazing angle (large but steady differences) is not cut.

    :return: (h, w) bool, True on both pixels of each jump.
    """
    edges = np.zeros(z.shape, bool)
    # The noise at each pixel once for both axes (the same values as per axis).
    noise = 4 * depth_sigma(nan_to(z, 0.0)) + 0.004

    def along(axis, start, stop):
        sl = [slice(None), slice(None)]
        sl[axis] = slice(start, stop)
        return tuple(sl)

    for axis in (0, 1):
        a = np.abs(nan_to(np.diff(z, axis=axis), np.inf))
        n = a.shape[axis]
        # The smaller difference on either side, infinite past the ends (no np.pad).
        slope = np.full_like(a, np.inf)
        np.minimum(a[along(axis, 0, -2)], a[along(axis, 2, None)],
                   out=slope[along(axis, 1, -1)])
        if n >= 2:
            slope[along(axis, 0, 1)] = a[along(axis, 1, 2)]
            slope[along(axis, n - 1, n)] = a[along(axis, n - 2, n - 1)]
        jump = (a > noise[along(axis, 0, -1)]) & (a > 2.5 * slope)
        edges[along(axis, 0, -1)] |= jump
        edges[along(axis, 1, None)] |= jump
    return edges


def _creases(nrm, r=2, cos_max=0.7):
    """Pixels where the surface normal turns by more than ~45 degrees across 2r pixels.

    ``r`` is the radius of :func:`clip_perception.support.normals`' window, in working
    pixels like it: a crease smears over that window, so the normals on either side are
    that far from it whatever the grid.
    """
    out = np.zeros(nrm.shape[:2], bool)
    n = np.where(np.isnan(nrm), np.float32(0), nrm)  # NaN or unit: nan_to_num, cheaper
    dots = np.einsum('...i,...i->...', n[:, :-2 * r], n[:, 2 * r:])
    out[:, r:-r] |= dots < cos_max
    dots = np.einsum('...i,...i->...', n[:-2 * r], n[2 * r:])
    out[r:-r] |= dots < cos_max
    return out


def _colour_edges(rgb_small):
    grey = cv2.cvtColor(rgb_small, cv2.COLOR_RGB2GRAY)
    return cv2.Canny(grey, 60, 150) > 0


def _parent_labels(pieces, n, parents):
    """Return each piece's label in ``parents``, of labellings one inside the other.

    Each piece's pixels are a 4-connected part of a 4-connected region of ``parents``
    (the pieces' mask is a subset of the parents'), so they all carry the parent's label:
    one lookup per piece, not a count over its box.

    :param pieces: (h, w) int label image of the pieces, 0 = none; ``n`` labels.
    :param parents: (h, w) int label image of the regions they lie in, 0 = none.
    :return: (n,) array of ``parents.dtype``: piece label -> parent label (0: none).
    """
    parent_of = np.zeros(n, parents.dtype)
    parent_of[pieces.ravel()] = parents.ravel()
    return parent_of


def _pieces_by_parent(pieces, n, parents):
    """Return ``{parent label: [piece labels]}`` of labellings one inside the other.

    :param pieces: (h, w) int label image of the pieces, 0 = none; ``n`` labels.
    :param parents: (h, w) int label image of the regions they were cut from.
    :return: dict, parent label -> piece labels in increasing order (pieces 1..n-1).
    """
    parent_of = _parent_labels(pieces, n, parents)
    out = {}
    for i in range(1, n):
        out.setdefault(int(parent_of[i]), []).append(i)
    return out


def _components(mask):
    """Label the 4-connected parts of ``mask``: ``cv2.connectedComponentsWithStats``' output.

    Labelled in the box of the mask's pixels only: OpenCV's statistics visit every pixel
    of the image it is given and cost four times the labelling (h148, session 43), and
    the masks of :func:`depth_regions` fill half of the working grid's area or less
    (median of the 7 a frame on the 8 real 640x480 frames: 0.50). The labels are the same
    (numbered in raster order of each part's first pixel, which the box keeps), the boxes
    are moved back into the frame, and the background's row (label 0) is the whole
    image's, as OpenCV gives it.

    :param mask: (h, w) bool or uint8.
    :return: ``(n, labels, stats)``: the number of labels (0 the background), (h, w)
        int32 labels, (n, 5) int32 OpenCV stats (rows ``x, y, w, h, area``).
    """
    m = mask.astype(np.uint8)
    n, labels, stats, origin = _label_in_box(m, with_stats=True)
    if origin is None:
        return n, labels, stats
    stats[1:, 0] += origin[0]
    stats[1:, 1] += origin[1]
    # The background's box and area on the whole image (a pixel outside the box is one).
    rows = np.flatnonzero(m.min(axis=1) == 0)
    cols = np.flatnonzero(m.min(axis=0) == 0)
    stats[0] = (cols[0], rows[0], cols[-1] - cols[0] + 1, rows[-1] - rows[0] + 1,
                m.size - np.count_nonzero(m))
    return n, labels, stats


def _labels(mask):
    """Label the 4-connected parts of ``mask`` without statistics: :func:`_components`' labels.

    ``cv2.connectedComponents`` in the box of the mask's pixels: OpenCV's statistics
    (boxes, areas and centroids, summed pixel by pixel) cost twice the labelling itself
    (timeit, the 56 masks :func:`depth_regions` labels on the 8 real 640x480 frames:
    1.3 ms with statistics, 0.4 without; issue 11, helper-h163), where a caller needs
    the labels and a few boxes or the areas (``np.bincount``) only.

    :param mask: (h, w) bool or uint8.
    :return: ``(n, labels)``: the number of labels (0 the background) and (h, w) int32
        labels, the same as :func:`_components` gives.
    """
    n, labels, _, _ = _label_in_box(mask.astype(np.uint8), with_stats=False)
    return n, labels


def _label_in_box(m, with_stats):
    """Label the 4-connected parts of ``m`` in the box of its pixels, pasted back whole.

    The labels are the same as over the whole image (numbered in raster order of each
    part's first pixel, which the box keeps); what is cheaper is OpenCV's pass over the
    pixels outside the box (:func:`_components`, :func:`_labels`).

    :param m: (h, w) uint8 mask.
    :param with_stats: also OpenCV's (n, 5) int32 stats, of the box's image.
    :return: ``(n, labels, stats, origin)``: (h, w) int32 labels; stats None without
        ``with_stats``; ``origin`` the box's ``(x, y)``, or None where the box is the
        whole image or empty (labelled whole: the stats are the image's own).
    """
    h, w = m.shape
    x, y, bw, bh = cv2.boundingRect(m)
    whole = bw * bh == 0 or (bw == w and bh == h)
    part = m if whole else m[y:y + bh, x:x + bw]
    if with_stats:
        n, lab, stats, _ = cv2.connectedComponentsWithStats(part, connectivity=4)
    else:
        (n, lab), stats = cv2.connectedComponents(part, connectivity=4), None
    if whole:
        return n, lab, stats, None
    labels = np.zeros((h, w), lab.dtype)
    labels[y:y + bh, x:x + bw] = lab
    return n, labels, stats, (x, y)


def _full_box(x0, y0, x1, y1, step, w, h):
    """Full-resolution box of working pixels ``[x0, x1) x [y0, y1)``.

    Grown by one working pixel on every side: the depth-edge pixels around an object
    are cut away before labelling, so its silhouette reaches one working pixel further.
    """
    return (float(max(x0 - 1, 0) * step), float(max(y0 - 1, 0) * step),
            float(min(x1 + 1, w) * step), float(min(y1 + 1, h) * step))


def _adjacent_pairs(labels, stats, pieces, limit=12):
    """Pairs of pieces (labels) that touch after a two-pixel dilation.

    In working pixels: the pieces are parted by crease bands (:func:`_creases`) and
    colour or depth edges, whose width is a few samples whatever the grid.
    """
    pieces = sorted(pieces, key=lambda j: -stats[j, cv2.CC_STAT_AREA])[:limit]
    out = []
    for k, a in enumerate(pieces):
        x, y, bw, bh, _ = stats[a]
        y0, x0 = max(y - 2, 0), max(x - 2, 0)
        win = labels[y0:y + bh + 2, x0:x + bw + 2]
        grown = cv2.dilate((win == a).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        touching = np.zeros(len(stats), bool)  # per label (a scatter, not a sort)
        touching[win[grown]] = True
        for b in pieces[k + 1:]:
            if touching[b]:
                out.append((a, b))
    return out


def _label_pixels(labels, stats, label):
    """Return ``(ys, xs)`` of one label's pixels, searched in its bounding box only.

    The same pixels in the same (row-major) order as ``np.nonzero(labels == label)``.

    :param labels: (h, w) int label image; :param stats: OpenCV stats of ``labels``
        (rows ``x, y, w, h, area``), or of a label image whose parts hold ``label``'s.
    :return: two (N,) intp arrays, rows and columns on the whole grid.
    """
    x, y, bw, bh = (int(v) for v in stats[label, :4])
    ys, xs = np.nonzero(labels[y:y + bh, x:x + bw] == label)
    return ys + y, xs + x


def _label_points(pts, labels, stats, label):
    """Return the points of one label, read from its bounding box only.

    The same points in the same (row-major) order as ``pts[labels == label]``, without
    comparing and gathering over the whole grid for each label (a few hundred
    microseconds per pair of regions on a 213 px grid).

    :param pts: (h, w, 3) working-grid points; :param labels: (h, w) int label image.
    :param stats: OpenCV stats of ``labels`` (rows ``x, y, w, h, area``).
    :return: (N, 3) points of ``pts.dtype``, N the label's area.
    """
    x, y, bw, bh = (int(v) for v in stats[label, :4])
    return pts[y:y + bh, x:x + bw][labels[y:y + bh, x:x + bw] == label]


def _under_share(upper, lower, up):
    """Share of ``lower``'s points whose foot on the support lies under ``upper``.

    Both point sets are projected along the support's normal ``up`` onto the plane and
    binned in ``JOINED_CELL`` squares; the share of ``lower``'s points (NaN ignored) that
    fall in a square holding one of ``upper``'s.

    :param upper: (N, 3) float points (m), camera frame; :param lower: (M, 3).
    :param up: (3,) unit normal of the support.
    :return: float in [0, 1] (0 when either set is empty).
    """
    basis = _plane_basis(up)
    return _shared_cells(_foot_cells(upper, basis), _foot_cells(lower, basis))


def _plane_basis(up):
    """(3, 2) float64: two unit axes in the plane of the unit normal ``up`` (3,)."""
    up = np.asarray(up, np.float64)
    e1 = cross3(up, [1.0, 0.0, 0.0] if abs(up[0]) < 0.9 else [0.0, 1.0, 0.0])
    e1 /= np.linalg.norm(e1)
    return np.stack([e1, cross3(up, e1)], 1)


def _foot_cells(points, basis):
    """Return the ``JOINED_CELL`` squares of the points' feet, for :func:`_shared_cells`.

    :param points: (N, 3) float points (m), NaN rows dropped; :param basis: of
        :func:`_plane_basis`.
    :return: (2, N') int64: each axis's cells contiguous, for the min and max of
        :func:`_shared_cells` (along the short axis of an (N, 2) array numpy's reductions
        are many times slower).
    """
    p = np.asarray(points, np.float64)
    # Per column, not np.isfinite(p).all(axis=1): a reduction along the short axis (the
    # same rows).
    ok = np.isfinite(p[:, 0]) & np.isfinite(p[:, 1]) & np.isfinite(p[:, 2])
    p = np.ascontiguousarray(p) if ok.all() else p[ok]
    return np.ascontiguousarray(np.floor(p @ basis / JOINED_CELL).astype(np.int64).T)


def _shared_cells(cu, cl):
    """Share of the cells ``cl`` (2, M) that are among the cells ``cu`` (2, N); 0 if empty."""
    if not cu.shape[1] or not cl.shape[1]:
        return 0.0
    lo = np.minimum(cu.min(1), cl.min(1))
    span = np.maximum(cu.max(1), cl.max(1)) - lo + 1
    occupied = np.zeros(int(span[0] * span[1]), bool)
    occupied[(cu[0] - lo[0]) * span[1] + (cu[1] - lo[1])] = True
    return float(occupied[(cl[0] - lo[0]) * span[1] + (cl[1] - lo[1])].mean())


def _front_and_behind(lab1, st1, lab3, st3, wholes, colour_owner, z1, z3, spacing):
    """Pairs (whole, colour piece of another whole) that may be one object (TIER_JOINED).

    The piece lies within FRAGMENT_GAP of the whole (the whole's mask dilated by that
    gap in working pixels at the whole's depth: the depth-jump band between an occluder
    and what it hides is several samples wide, 4 on posecnn_5's 214 px grid) and behind
    it (its mean depth larger): the whole hides the rest of it, as a drill's body hides
    the top of its handle.

    :param lab1: (h, w) int labels of the wholes, ``st1`` their OpenCV stats.
    :param lab3: (h, w) int labels of the colour pieces, ``st3`` their stats.
    :param wholes: labels of ``lab1`` proposed as wholes.
    :param colour_owner: colour piece label -> the whole label it was cut from (only
        wholes cut into two or more colour pieces have any).
    :param z1: mean depth (m) per ``lab1`` label; ``z3`` per ``lab3`` label.
    :param spacing: metres per working pixel per metre of depth.
    :return: list of ``(whole label, piece label)`` in increasing order.
    """
    out = []
    if not colour_owner:
        return out
    for i in wholes:
        x, y, bw, bh, _ = st1[i]
        r = int(np.clip(np.round(FRAGMENT_GAP / max(spacing * z1[i], 1e-9)), 2, 8))
        y0, x0 = max(y - r, 0), max(x - r, 0)
        grown = cv2.dilate((lab1[y0:y + bh + r, x0:x + bw + r] == i).astype(np.uint8),
                           square(r)) > 0
        hit = np.zeros(len(st3), bool)  # the labels it reaches, in increasing order
        hit[lab3[y0:y + bh + r, x0:x + bw + r][grown]] = True
        near = np.flatnonzero(hit)
        out.extend((i, int(j)) for j in near
                   if colour_owner.get(int(j), i) != i and z1[i] < z3[j])
    return out


# A region must have enough working pixels to be measured at all, besides its metric size:
# the size tests add a working pixel on each side (:func:`depth_regions`' ``metric``), and
# one working pixel spans ``z * spacing`` (1 cm at 1.75 m on a 213 px grid of a 525 px
# focal length), so past about 1.75 m a single reading measured 3 cm across and 1 cm^2,
# over the 2 cm and 1 cm^2 minimums. A reading on the bare surface passes the height
# threshold ``3 mm + 2.5 sigma(z)`` by noise alone with probability at most 0.6% (one-sided
# normal, 2.5 sigma; the noise grows with z^2, and so does the threshold); a 4-connected
# cluster of k such readings can take a_k = 1, 2, 6, 19 shapes (fixed polyominoes), so
# among the ~34,000 readings of a 213 x 160 grid a frame holds about 210, 2.5, 0.04 and
# 0.001 clusters of 1, 2, 3 and 4 of them. Four (a 2 x 2 block, the fewest that have a
# width and a height) leaves noise none, and is what the area test already asks up to
# 0.875 m (``(1 cm / (z * spacing))^2`` pixels); it goes on asking it farther. Issue 11,
# helper-h140.
MIN_REGION_PIXELS = 4


def _measurable(measure, pixels, min_size):
    """Whether a region is large enough to be an object: in working pixels and in metres.

    :param measure: ``(extent m, area m^2, depth m, metres per working pixel)`` of the
        region (``metric`` in :func:`depth_regions`).
    :param pixels: its number of working pixels.
    :param min_size: the smallest object extent (m); the area must be a quarter of its
        square (a 2 cm object's footprint at least 1 cm^2).
    :return: bool: at least :data:`MIN_REGION_PIXELS` pixels, an extent (with the working
        pixel cut away on each side at depth jumps) of at least ``min_size``, and the area.
    """
    extent, area, _, px = measure
    return pixels >= MIN_REGION_PIXELS and extent + 2 * px >= min_size and \
        area >= 0.25 * min_size * min_size


def depth_regions(depth_m, intrinsics, rgb=None, min_size=0.02, max_size=0.5,
                  max_height=0.5, work_width=None, image_up='up', sample_seed=0):
    """Objects from depth: the support surface, the pixels on it, cut into objects.

    Sizes, areas and distances are in metres (a working pixel at depth z spans
    ``step * z / f``); what stays in working pixels is a sampling matter and says so.

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param rgb: optional (H, W, 3) uint8, for colour edges when splitting wide regions.
    :param min_size: smallest object extent kept (m).
    :param max_size: regions wider than this (m) are split, not proposed whole.
    :param work_width: the working grid's longer side, pixels;
        :data:`clip_perception.support.WORK_WIDTH` when None.
    :param image_up: which way the world's up points in the image
        (:func:`clip_perception.support.upright`): ``up``, ``down``, ``left``, ``right``.
    :param sample_seed: seed of the support search's sample
        (:func:`clip_perception.support.find_support`); 0 as the node.
    :return: ``(regions, surface, dropped, notes, work)``: regions a list of dicts with
        ``box`` (full-resolution), ``tier``, ``score``, ``label`` and ``labels`` (the
        working-resolution label image it comes from), ``parent`` (the box of the whole
        a piece was cut from, or of the standing part a region was grown from past the
        support's edge; None for a whole) and ``colour_piece`` (bool: a piece cut at colour
        edges alone, one of touching objects of different colours; the whole and its
        faces are proposed too) and ``container_wall`` (bool: a container's side,
        :func:`container_wall`, ranked with the parts and never lifted by an image box
        that repeats it); a joined pair (:data:`TIER_JOINED`) also has ``joined`` True,
        ``label`` 1 and its own ``labels``, a flat object's candidate
        (:func:`flat_groups`) ``flat`` True; ``work`` the :class:`WorkGrid` for the image
        ranking.
    """
    pts, step = working_grid(depth_m, intrinsics, work_width)
    spacing = pixel_spacing(step, intrinsics)
    remove_flying_pixels(pts, spacing)
    nrm = normals(pts)
    surface, walls = find_support(pts, nrm, step, intrinsics, image_up=image_up,
                                  depth_m=depth_m, sample_seed=sample_seed)
    z = pts[..., 2]
    valid = np.isfinite(z)
    h, w = z.shape
    notes = []
    if surface is not None:
        height = surface.height(pts)  # float32 like the points (float64: 3x the time)
        hmin = 0.003 + 2.5 * depth_sigma(z)
        # NaN compares False: no nan_to_num copies needed (what they gave a NaN height,
        # -1 above and 9 below, failed the first test anyway).
        fg = valid & (height > hmin) & (height < max_height)
        # Standing on the surface: the foot of the point lies in its region, or within
        # FOOT_MARGIN of it (working pixels out, chessboard distance, times the width of
        # a working pixel at the foot's depth).
        outside = cv2.distanceTransform((~surface.region).astype(np.uint8), cv2.DIST_C, 3)
        at = np.flatnonzero(fg)  # np.nonzero's pixels in its order, one index array
        p64 = pts.reshape(-1, 3)[at].astype(np.float64)
        fu, fv, ok = surface.foot_pixels(p64, intrinsics)
        foot_z = p64[:, 2] - (p64 @ surface.normal + surface.offset) * surface.normal[2]
        fu = np.round(fu / step).astype(int)
        fv = np.round(fv / step).astype(int)
        ok &= (fu >= 0) & (fu < w) & (fv >= 0) & (fv < h)
        ok[ok] = outside[fv[ok], fu[ok]] * spacing * foot_z[ok] <= FOOT_MARGIN + 1e-9
        fg.reshape(-1)[at[~ok]] = False
        fg &= ~walls
    else:
        height = None
        fg = valid & ~walls
        notes.append('no support surface: proposals from depth discontinuities and '
                     'normals alone')
    jumps = _jump_edges(z)
    past = past_the_edge(fg, height, surface.region, walls, jumps, z, max_height) \
        if surface is not None else None
    creases = _creases(nrm)
    colour = None
    if rgb is not None:
        colour = _colour_edges(np.ascontiguousarray(rgb[::step, ::step]))
    cut = fg & ~jumps
    n1, lab1, st1 = _components(cut)
    split = cut & ~creases
    if colour is not None:
        split &= ~colour
    n2, lab2, st2 = _components(split)
    # Cut at colour edges alone (not creases): touching objects of different colours,
    # each whole (COLOUR_PIECE_PENALTY). Without colour, none (one label of background).
    n3, lab3, st3 = _components(cut & ~colour) if colour is not None else \
        (1, np.zeros_like(lab1), st1[:1])
    zz0 = nan_to(z, 0.0).ravel()
    regions, dropped, over_wide = [], 0, 0
    zmean = {}
    labellings = [(1, lab1, n1, st1), (2, lab2, n2, st2), (3, lab3, n3, st3)]
    if past is not None:
        n4, lab4, st4 = past
        labellings.append((4, lab4, n4, st4))
        # Each standing region lies in one grown component (its pixels are 4-connected
        # in ``fg & ~jumps``, which the grown mask holds).
        grown_of = _parent_labels(lab1, n1, lab4)
        grown_done = set()
        # Whether each grown component rises min_size over the support (all its top is
        # asked): the labels of its pixels that high, scattered (not np.maximum.at). Its
        # pixels all have a height (standing, or grown below max_height); compared in
        # float64 as the float64 maxima were.
        high4 = np.zeros(n4, bool)
        high4[lab4[(lab4 > 0) & (height >= np.float64(min_size))]] = True
    for key, lab, n, st in labellings:
        # A label's pixel count is its area in the stats where they are lab's own (not
        # lab4's, whose dropped labels are 0, nor the empty lab3 without colour).
        own = key in (1, 2) or (key == 3 and colour is not None)
        zmean[key] = np.bincount(lab.ravel(), zz0, n) / np.maximum(
            st[:, cv2.CC_STAT_AREA] if own else np.bincount(lab.ravel(), minlength=n), 1)

    # The same measures for every label of lab1 and lab2 at once, with the same float64
    # operations (the loops below ask for them a few hundred times a frame).
    measures = {}
    for key, _, _, st in labellings:
        px = zmean[key] * spacing
        measures[key] = list(zip((np.maximum(st[:, 2], st[:, 3]) * px).tolist(),
                                 (st[:, 4] * px * px).tolist(), zmean[key].tolist(),
                                 px.tolist()))

    def metric(stats, label, labels):
        """Return ``(extent m, area m^2, depth m, metres per working pixel)`` of a label.

        The extent is the label's. The object reaches one working pixel further on each
        side (the edge pixels cut away at depth jumps before labelling, which
        :func:`_full_box` adds back), so the minimum-size test adds those two pixels:
        without them a 2.5 cm cube measured 1.3 cm on a 213 px grid and was dropped, and
        a coarser grid dropped larger objects. The tiers (wider than 35 cm, thinner than
        the minimum) stay on the label's extent: counting the edge pixels there too kept
        more small regions as objects, which pushed 3 real objects out of the cap.
        """
        for key, lab, _, _ in labellings:
            if labels is lab:
                return measures[key][label]
        x, y, bw, bh, area = stats[label]
        zz = float(zmean[0][label])
        px = zz * spacing  # metres per working pixel
        return max(bw, bh) * px, area * px * px, zz, px

    def _grown(m):
        return m[0] + 2 * m[3]  # the extent with the edge pixels cut at depth jumps

    wall_wholes = set()  # the boxes of the wholes that are containers' sides
    # The support's floor (:func:`container_wall`): points on its plane, in its region;
    # gathered the first time a whole passes the wall's own tests (few do).
    floor = []

    def floor_points():
        if not floor:
            floor.append(pts[surface.region & (np.abs(height) < WALL_FLOOR_HEIGHT)])
        return floor[0]

    def add(stats, label, labels, tier, parent=None, colour_piece=False):
        x, y, bw, bh, area = stats[label].tolist()  # Python ints: cheaper arithmetic
        size, area_m, zz, px = metric(stats, label, labels)
        fill = area / float(bw * bh)
        # Within a working pixel of the frame edge (the outermost column often has no
        # reading): cut by the frame.
        border = x <= 1 or y <= 1 or x + bw >= w - 1 or y + bh >= h - 1
        thin = min(bw, bh) * px < min_size
        # Larger than a graspable object (a wall, a tote side, a shelf) or thinner than
        # the minimum size across (rims, edges, occlusion slivers): ranked with parts.
        # A whole that is a container's side, or a piece of one (its pieces keep its flag;
        # a piece alone is not judged: the front face of a box is one upright plane too).
        if parent is None:
            # The plane alone first (container_wall without the floor is its first tests):
            # the floor is read only for a steep, long, low plane. Its points are not
            # gathered where the box's readings span less than a wall's length.
            side = surface is not None and \
                _box_extent(z, (x, y, bw, bh), step, intrinsics) >= WALL_MIN_LENGTH
            if side:
                own = _label_points(pts, labels, stats, label)
                side = container_wall(own, surface.normal) and \
                    container_wall(own, surface.normal, floor_points())
            if side:
                wall_wholes.add(_full_box(x, y, x + bw, y + bh, step, w, h))
        else:
            side = parent in wall_wholes
        if tier >= TIER_OBJECT - 1 and (size > 0.35 or thin or side):
            tier = TIER_PART
        score = tier + 0.5 * fill - 0.3 * border - 0.2 * (size > 0.35) - 0.3 * thin
        regions.append({'box': _full_box(x, y, x + bw, y + bh, step, w, h),
                        'tier': tier, 'score': score, 'label': label, 'labels': labels,
                        'parent': parent, 'colour_piece': colour_piece,
                        'container_wall': side})

    # The face pieces and the colour pieces of each region of ``lab1`` (both masks,
    # ``split`` and ``fg & ~jumps & ~colour``, lie in ``lab1``'s).
    pieces_of, pairs = _pieces_by_parent(lab2, n2, lab1), []
    colour_pieces_of = _pieces_by_parent(lab3, n3, lab1)
    base_tier = TIER_OBJECT if surface is not None else TIER_PART + 0.5
    wholes, colour_owner = [], {}  # (label, box) of lab1's wholes; lab3 piece -> its whole
    for i in range(1, n1):
        m1 = metric(st1, i, lab1)
        size, area_m = m1[:2]
        if not _measurable(m1, st1[i, 4], min_size):
            dropped += 1
            continue
        pieces = [j for j in pieces_of.get(i, ()) if _grown(metric(st2, j, lab2)) >= min_size]
        if size > max_size:
            over_wide += 1
            for j in pieces:
                if metric(st2, j, lab2)[0] <= max_size:
                    add(st2, j, lab2, TIER_PART)
                else:
                    dropped += 1
            continue
        add(st1, i, lab1, base_tier)
        whole = regions[-1]['box']
        wholes.append((i, whole))
        g = int(grown_of[i]) if past is not None else 0
        if g and g not in grown_done:
            # The whole of an object at the support's edge, beside its standing part.
            grown_done.add(g)
            if metric(st4, g, lab4)[0] <= PAST_EDGE_MAX_SIZE and \
                    st4[g, 2] * st4[g, 3] >= PAST_EDGE_GROWTH * st1[i, 2] * st1[i, 3] and \
                    high4[g]:
                add(st4, g, lab4, TIER_PART, whole)
        coloured = [j for j in colour_pieces_of.get(i, ())
                    if _grown(metric(st3, j, lab3)) >= min_size]
        if len(coloured) > 1:
            colour_owner.update((j, i) for j in coloured)
            for j in coloured:
                add(st3, j, lab3, TIER_PART, whole, colour_piece=True)
        if len(pieces) > 1:
            for j in pieces:
                add(st2, j, lab2, TIER_PART, whole)
            pairs.extend((a, b_, whole) for a, b_ in _adjacent_pairs(lab2, st2, pieces))
    # Touching objects cut into faces by creases and colour edges: two adjacent faces
    # together are often one object (a mug's rim and body, a box's top and front).
    for a, b_, whole in pairs:
        xa, ya, wa, ha, aa = st2[a]
        xb, yb, wb, hb, ab = st2[b_]
        x0, y0 = min(xa, xb), min(ya, yb)
        x1, y1 = max(xa + wa, xb + wb), max(ya + ha, yb + hb)
        za = 0.5 * (zmean[2][a] + zmean[2][b_])
        if max(x1 - x0, y1 - y0) * za * spacing > max_size:
            continue
        regions.append({'box': _full_box(x0, y0, x1, y1, step, w, h),
                        'tier': TIER_PART, 'score': TIER_PART + 0.25 * (aa + ab) / float(
                            (x1 - x0) * (y1 - y0)), 'label': (a, b_), 'labels': lab2,
                        'parent': whole, 'colour_piece': False,
                        'container_wall': whole in wall_wholes})
    # One object in two regions across a depth jump (TIER_JOINED): the nearer whole and a
    # colour piece of a farther whole under it. (Only with a support: the footprints.)
    whole_boxes = dict(wholes)
    pairs_joined = () if surface is None else _front_and_behind(
        lab1, st1, lab3, st3, [i for i, _ in wholes], colour_owner, zmean[1], zmean[3],
        spacing)
    # Each region's cells once: a whole meets several pieces (18 pairs in posecnn_5).
    basis = _plane_basis(surface.normal) if surface is not None else None
    cells = {}

    def foot_cells(key, labels, stats, label):
        if (key, label) not in cells:
            cells[key, label] = _foot_cells(_label_points(pts, labels, stats, label), basis)
        return cells[key, label]

    for i, j in pairs_joined:
        x, y, bw, bh, _ = st1[i]
        xb, yb, wb, hb, _ = st3[j]
        x0, y0 = min(x, xb), min(y, yb)
        x1, y1 = max(x + bw, xb + wb), max(y + bh, yb + hb)
        zz = 0.5 * (zmean[1][i] + zmean[3][j])
        if max(x1 - x0, y1 - y0) * zz * spacing > PAST_EDGE_MAX_SIZE or \
                x0 <= 1 or y0 <= 1 or x1 >= w - 1 or y1 >= h - 1 or \
                _shared_cells(foot_cells(1, lab1, st1, i),
                              foot_cells(3, lab3, st3, j)) < JOINED_UNDER:
            continue
        joined = ((lab1 == i) | (lab3 == j)).astype(np.int32)
        # A container's side (either part) keeps its flag, as a side's pieces do.
        side = whole_boxes[i] in wall_wholes or whole_boxes[colour_owner[j]] in wall_wholes
        tier = TIER_PART if side else TIER_JOINED
        regions.append({'box': _full_box(x0, y0, x1, y1, step, w, h), 'tier': tier,
                        'score': tier + 0.5 * float(joined[y0:y1, x0:x1].sum()) / float(
                            (x1 - x0) * (y1 - y0)), 'label': 1, 'labels': joined,
                        'parent': None, 'colour_piece': True, 'joined': True,
                        'container_wall': side})
    # Thin and holed objects (a whisk, scissors, a wire basket) come in fragments, each
    # under the minimum size: fragments closer than FRAGMENT_GAP are grouped (each grown
    # by half the gap, in working pixels at the median depth of what stands).
    zfg = float(np.median(z[fg])) if fg.any() else 1.0
    # At most the grid's size: depth readings of micrometres (a wrong depth_scale) made
    # the radius millions of pixels and the structuring element terabytes (field report).
    with np.errstate(divide='ignore'):
        r_gap = np.float64(0.5 * FRAGMENT_GAP) / (spacing * zfg)
    r_gap = int(np.clip(np.round(np.nan_to_num(r_gap, posinf=max(h, w))), 1, max(h, w)))
    # Where a lone reading, with a working pixel on each side, spans min_size (past
    # about 1.2 m on the 213 px grid), it is no fragment: the surface's noise passes the
    # height threshold a reading at a time (MIN_REGION_PIXELS: about 200 a frame), and two
    # within the gap there made a thin object's group (helper-h140). Nearer, two lone
    # readings measure less than an object, and a transparent object's readings come
    # one at a time (ClearGrasp's clear cup and lying bottle at 0.5-0.9 m, lost in the
    # mirror and 0.75x views when every lone reading was left out; session 41).
    fragments = fg & ~jumps
    if 3 * spacing * zfg >= min_size:
        fragments &= (st1[:, 4] >= 2)[lab1]
    near = cv2.dilate(fragments.astype(np.uint8), square(r_gap))
    n0, lab0 = _labels(near)
    lab0 = np.where(fragments, lab0, 0)
    # A group's stats row, filled for the groups measured below (its fragments' box and
    # pixel count; the dilated component's stats are never read).
    st0 = np.zeros((n0, 5), np.int32)
    counts = np.bincount(lab0[lab1 > 0], minlength=n0)
    # Likewise each region of ``lab1`` lies inside one group of ``lab0`` (4-connected, and
    # ``near`` holds its mask): one lookup per region.
    parents = {}
    group_of = np.zeros(n1, lab0.dtype)
    group_of[lab1.ravel()] = lab0.ravel()
    for i in range(1, n1):
        parents.setdefault(int(group_of[i]), set()).add(i)
    zmean[0] = np.bincount(lab0.ravel(), zz0, n0) / np.maximum(
        np.bincount(lab0.ravel(), minlength=n0), 1)
    for g, members in sorted(parents.items()):
        if g == 0 or len(members) < 2 or counts[g] == 0:
            continue
        # The group's pixels are its member regions' (``fragments`` holds each region of
        # ``lab1`` whole or not at all, and every one of its pixels lies in one):
        # searched in the box of their boxes, not over the whole grid.
        b = st1[sorted(members)]
        x0, y0 = int(b[:, 0].min()), int(b[:, 1].min())
        x1, y1 = int((b[:, 0] + b[:, 2]).max()), int((b[:, 1] + b[:, 3]).max())
        ys, xs = np.nonzero(lab0[y0:y1, x0:x1] == g)
        ys, xs = ys + y0, xs + x0
        st0[g] = (xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1,
                  len(xs))
        size, area_m, _, _ = metric(st0, g, lab0)
        if min_size <= size <= max_size and len(xs) >= MIN_REGION_PIXELS:
            add(st0, g, lab0, base_tier - 0.6)
    if surface is not None:
        regions.extend(flat_groups(pts, height, fg, surface.region, jumps, spacing, step,
                                   min_size, [r['box'] for r in regions]))
    if over_wide:
        notes.append(f'{over_wide} region(s) wider than {max_size} m split at creases and '
                     'colour edges')
    region_mask_small = surface.region if surface is not None else None
    return regions, surface, dropped, notes, WorkGrid(
        pts, step, height, fg, region_mask_small, surface, walls,
        out_of_view(np.isnan(pts[..., 2]), region_mask_small))


# Flat objects lying on the support (scissors, pliers, keys, cutlery, a pen, a thin book)
# stand 3-15 mm above it: under the standing threshold (0.003 + 2.5 sigma(z), 9-13 mm at
# 0.6-1 m), or over it in specks only, so depth gave them no region or a few pieces (ARC's
# pink scissors, arc_pj1: a blade and a handle, IoU 0.12-0.38; their image box 65th).
# Against the support's local level, FLAT_GROUP_LEVEL wide (a tote's bowed floor misfits
# the fitted surface by as much as the object is thick), averaged over 3x3 working
# pixels, such an object rises FLAT_GROUP_SIGMAS sigma(z), at least FLAT_GROUP_MIN_RISE:
# 4.5 sigma of a mean of 9 independent readings, 4-6 mm at 0.6-1 m (the 16 real frames'
# supports scatter 0.9-1.6 mm, median absolute deviation, about that level). Its low
# pixels, and standing ones under FLAT_GROUP_MAX_HEIGHT, closer than FRAGMENT_GAP are one
# candidate (:func:`flat_groups`), without the pieces that touch something taller (the
# foot of a standing object, the wine glass lying beside the scissors) and the specks
# under FLAT_GROUP_MIN_PIECE across. A candidate of two or more pieces that no other
# depth region's box holds (FLAT_GROUP_COVERED of its box inside one: the pieces of a
# larger object, the items of a pile) ranks in TIER_FLAT, above the plain image boxes;
# any other is ranked like a colour piece, kept in place only where an image box
# repeats it. Measured (issue 11, helper-h138; `clip_perception_eval real` over the 17
# views of benchmarks/results/issue11_session41_h138_flat_objects.log): the scissors
# found (IoU 0.78) in the original view, 72 -> 73 of 77, and in 11 other views; opaque
# 1161 -> 1169 in all (lost 4 in three views: a black earphone case twice, a mesh cup
# and a flashlight of the pile), transparent 228 the same in every view. One piece alone
# ranked in TIER_FLAT pushed a lying glass bottle out in 7 views.
FLAT_GROUP_LEVEL = 0.05
FLAT_GROUP_SIGMAS = 1.5
FLAT_GROUP_MIN_RISE = 0.004
FLAT_GROUP_MAX_HEIGHT = 0.03
FLAT_GROUP_MAX_SIZE = 0.3
FLAT_GROUP_MIN_PIECE = 0.0075
FLAT_GROUP_COVERED = 0.5
TIER_FLAT = 2.0
# Least share of the FLAT_GROUP_LEVEL window that the support's level readings must fill
# for a rise over that level to count (:func:`flat_groups`). Under a third of it, the
# window is mostly something else -- a transparent object's missing or scattered
# readings, a tall neighbour -- and the "level" is the few table readings left at its
# edge: ARC's lying wine glass (arc_pj1) left two specks of its foot 2-11 mm up, 18 and
# 29% of their window level (the median of their pixels), which joined the pink
# scissors (their pieces 39-67%) into a group reaching into the glass (IoU 0.38-0.48)
# under 4 of 8 seeds of the support's sample. At 0.3 their risen pixels go and what is
# left over the standing threshold is pieces of 1-5 working pixels, under
# FLAT_GROUP_MIN_PIECE: the scissors are found under all 8 seeds (opaque mean over the
# seeds 72.6 -> 73.1 of 77; issue11_session44_h150_seed_robust.log). 0.2 before.
FLAT_LEVEL_SHARE = 0.3


def flat_groups(pts, height, fg, region, jumps, spacing, step, min_size, taken=()):
    """Candidates of flat objects lying on the support, each its low pieces lying close.

    :param pts: (h, w, 3) float32 working-grid points (m), NaN = none.
    :param height: (h, w) float32 height above the support (m), NaN = none.
    :param fg: (h, w) bool, standing on the support; ``region`` (h, w) bool, the
        support's region; ``jumps`` (h, w) bool, depth discontinuities.
    :param spacing: metres per metre of depth of one working pixel; ``step`` its side in
        full-resolution pixels.
    :param min_size: smallest extent (m) of a candidate.
    :param taken: boxes ``(x0, y0, x1, y1)`` of the other depth regions.
    :return: list of region dicts like :func:`depth_regions`' (``flat`` True; one label
        image for all); ``colour_piece`` True where the candidate is no whole object.
    """
    z = pts[..., 2]
    h, w = z.shape
    ok = np.isfinite(height) & region
    if not ok.any():  # a region without readings: nothing to measure a level on
        return []
    px = spacing * float(np.median(z[ok]))  # metres per working pixel
    flat = ok & (np.abs(height) < 0.003 + 2.5 * depth_sigma(z))
    k = max(3, int(round(FLAT_GROUP_LEVEL / px)) | 1)
    # Twice: the first level still holds the flat object's own points.
    level, _ = nan_box_mean(height, flat, k)
    level, share = nan_box_mean(height, flat & (np.abs(height - level) < 0.003), k)
    rise = np.where(share > FLAT_LEVEL_SHARE, height - level, np.nan)
    rise, _ = nan_box_mean(rise, np.isfinite(rise), 3)
    low = ok & (rise > np.maximum(FLAT_GROUP_MIN_RISE, FLAT_GROUP_SIGMAS * depth_sigma(z)))
    low = (low | fg) & (height < FLAT_GROUP_MAX_HEIGHT) & ~jumps  # NaN compares False
    r = max(1, int(round(0.5 * FRAGMENT_GAP / px)))
    n, lab = _labels(low)
    area = np.bincount(lab.ravel(), minlength=n)[1:]  # the pieces' pixels: no boxes needed
    drop = np.ones(n, bool)
    # A piece needs MIN_REGION_PIXELS readings as a region does: far off one working pixel
    # spans more than FLAT_GROUP_MIN_PIECE, and the floor's noise rises a reading at a time
    # (a floor 2.1 m away gave 54 candidates; session 41).
    drop[1:] = (area * px * px < FLAT_GROUP_MIN_PIECE ** 2) | (area < MIN_REGION_PIXELS)
    tall = cv2.dilate((fg & (height >= FLAT_GROUP_MAX_HEIGHT)).astype(np.uint8), square(r)) > 0
    drop[lab[tall & low]] = True
    low = ~drop[lab]
    n, groups, gst = _components(cv2.dilate(low.astype(np.uint8), square(r)))
    groups = np.where(low, groups, 0)
    out = []
    for g in range(1, n):
        if max(gst[g, 2], gst[g, 3]) * px < min_size:  # its low pixels span less (r less
            continue                                      # on each side)
        ys, xs = _label_pixels(groups, gst, g)
        x0, y0, x1, y1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
        size = max(x1 - x0, y1 - y0) * px
        if not min_size <= size <= FLAT_GROUP_MAX_SIZE or x0 <= 1 or y0 <= 1 or \
                x1 >= w - 1 or y1 >= h - 1:
            continue
        box = _full_box(x0, y0, x1, y1, step, w, h)
        # The largest share of its box inside one of the other regions' boxes.
        covered = float(box_inside([box], taken).max()) if len(taken) else 0.0
        clear = len(np.unique(lab[ys, xs])) > 1 and covered < FLAT_GROUP_COVERED
        tier = TIER_FLAT if clear else TIER_PART
        out.append({'box': box, 'tier': tier,
                    'score': tier + 0.5 * len(xs) / float((x1 - x0) * (y1 - y0)),
                    'label': g, 'labels': groups, 'parent': None, 'colour_piece': not clear,
                    'container_wall': False, 'flat': True})
    return out


# A container's side wall (a tote's, a bin's) seen from above stands on the container's
# floor like an object: a steep plane under 0.45 m across and 0.03 m^2 is no wall to
# `support.find_support`, so it became a whole depth region in the object tier, ranked
# above the items inside (issue 11: `arc_suction`'s right tote wall the 3rd proposal;
# the synthetic `pile` layout's tote sides at ranks 3-8, 0.22-0.27 m long, 0.14 m high,
# 1-2 mm off a plane; ARC's 0.29-0.39 m long, 0.10-0.13 m high, 2-14 mm off a plane at
# about 1 m). A region that is one plane (rms under WALL_MAX_RMS), steep
# (normal within asin(0.2) = 11.5 deg of horizontal), at least WALL_MIN_LENGTH long along
# the support and WALL_MIN_RISE high, and longer than WALL_LENGTH_OVER_RISE times its
# height, ranks with the parts, and no image box that repeats it lifts it (the agreement
# bonus would put it back above every image box); so do its pieces. A standing box's
# front face is as high as it is long (posecnn's cracker box: 0.19 x 0.20 m) and stays
# an object; an object's whole region seen from above holds its top too: not one plane.
# Upright within 11.5 deg, not 20: a row of touching cubes and a can seen from the side,
# merged into one region (14 mm rms, its plane 17 deg off upright, 0.23 x 0.15 m), and two
# white cylinders merged in a pipeline scene passed at 20 (`layouts` touching p95 29.0 ->
# 32.9 mm). Only wholes are judged; their pieces and face pairs inherit the flag.
WALL_MIN_LENGTH = 0.2
WALL_MIN_RISE = 0.08
WALL_MAX_RMS = 0.015
WALL_MAX_UP_COS = 0.2
WALL_LENGTH_OVER_RISE = 1.5
# Such a plane must also bound a container: a container's floor lies on the side's inner
# side alone and ends at its corners. Of the support's floor points (within
# WALL_FLOOR_HEIGHT of its plane, inside its region) within WALL_FLOOR_BAND of the plane,
# those on the side with fewer must be under WALL_FLOOR_TWO_SIDES of those on the other
# side; and they must not run past both of its ends by more than WALL_FLOOR_PAST_ENDS.
# Items heaped in the middle of a tote, their tops and fronts one steep surface 0.22 m
# long, have the floor on both sides (464 points behind, 473 in front: the ``pile``
# layout's scene 40_008_007, where the flag had sent the parts of four items, a cylinder
# at IoU 0.95 among them, behind every other proposal); a long box seen face-on from the
# side (a shoebox) stands on a table that runs on past both its ends. The tote sides of
# the ten ``pile`` scenes and of ARC's frames had 0-69 floor points behind (against
# 530-2541 in front; arc_suction 9 of 1179) and the floor past one end at most (by up to
# 9 cm: arc_pj1's side, cut by the frame). Issue 11, helper-h128.
WALL_FLOOR_HEIGHT = 0.01
WALL_FLOOR_BAND = 0.1
WALL_FLOOR_TWO_SIDES = 0.25
WALL_FLOOR_PAST_ENDS = 0.05


def _box_extent(z, box, step, intrinsics):
    """Bound the extent of the points in a box of the working grid, from its depths alone.

    Every point of working pixel ``(i, j)`` is ``(a z, b z, z)`` with ``a = (j step - cx)
    / fx``, ``b = (i step - cy) / fy`` (:func:`clip_perception.support.working_grid`):
    over the box, ``a`` and ``b`` lie between their values at its edges and ``z`` between
    the least and the largest reading in it, so each coordinate's span is at most the
    span of those corner products, and the points' extent (the norm of their spans, as
    :func:`container_wall` measures it) at most the norm of those. A region (a label in
    the box) has no more. 0.1 mm over, for the float32 rounding of the points (under a
    micrometre). Issue 11, helper-h163: of the 170 regions :func:`container_wall` was
    asked about on the 16 real frames, 122 end at its extent test and 93 of those
    already here, without gathering their points.

    :param z: (h, w) float32 working-grid depths (m), NaN = none.
    :param box: ``(x, y, width, height)`` working pixels.
    :param step: full-resolution pixels per working pixel.
    :return: float metres; 0.0 without a reading in the box.
    """
    x, y, bw, bh = box
    win = z[y:y + bh, x:x + bw]
    if not win.size:
        return 0.0
    # fmin and fmax pass over NaN (NaN only where the box holds no reading).
    z0, z1 = float(np.fmin.reduce(win, axis=None)), float(np.fmax.reduce(win, axis=None))
    if z1 != z1:
        return 0.0
    # z > 0: a positive ray coordinate is largest at the farthest reading, a negative one
    # at the nearest (and the least the other way round).
    a0, a1 = ((x * step - intrinsics.cx) / intrinsics.fx,
              ((x + bw - 1) * step - intrinsics.cx) / intrinsics.fx)
    b0, b1 = ((y * step - intrinsics.cy) / intrinsics.fy,
              ((y + bh - 1) * step - intrinsics.cy) / intrinsics.fy)
    dx = a1 * (z1 if a1 > 0 else z0) - a0 * (z0 if a0 > 0 else z1)
    dy = b1 * (z1 if b1 > 0 else z0) - b0 * (z0 if b0 > 0 else z1)
    return math.sqrt(dx * dx + dy * dy + (z1 - z0) ** 2) + 1e-4


def container_wall(points, up, floor=None):
    """Whether a region's points are a container's side wall: one steep plane, long, low.

    :param points: (N, 3) float32 or float64 camera-frame points of the region, metres
        (NaN rows allowed).
    :param up: (3,) unit normal of the support surface.
    :param floor: optional (M, 3) camera-frame points of the support's floor, metres (on
        its plane, inside its region); with them the plane must also bound a container:
        floor on one side of it only, not running on past both its ends
        (:data:`WALL_FLOOR_TWO_SIDES`, :data:`WALL_FLOOR_PAST_ENDS`).
    :return: bool (False for under 30 finite points). Constants above
        (:data:`WALL_MIN_LENGTH` and the rest; issue 11, helpers h123 and h128).
    """
    p = np.asarray(points)
    p = p[np.isfinite(p[:, 2])]
    # Worked on as a (3, N) copy, a coordinate a row: numpy's reductions down the N axis
    # of (N, 3) points take 6-35 times as long (timeit, 3,000 points at load 6: np.ptp
    # 202 us against 6 us along the copy's rows, the mean 59 us against 10 us with the
    # copy made); the same values (the centre and the scatter matrix bit for bit on 2,000
    # random clouds of 30-5,000 points).
    pt = np.ascontiguousarray(p.T)
    # No direction spans more than the box's diagonal: most regions end here, unfitted.
    if len(p) < 30 or float(np.linalg.norm(np.ptp(pt, axis=1))) < WALL_MIN_LENGTH:
        return False
    pt = pt.astype(np.float64)
    centre = pt.mean(1)
    c = pt - centre[:, None]
    # The plane: the scatter matrix's least eigenvector (the SVD of the points' 3x3, at a
    # fraction of the time on regions of thousands of points).
    vals, vecs = np.linalg.eigh(c @ c.T)
    n = vecs[:, 0]
    if np.sqrt(max(vals[0], 0.0) / len(p)) > WALL_MAX_RMS or abs(n @ up) > WALL_MAX_UP_COS:
        return False
    along = cross3(n, up)
    along /= np.linalg.norm(along)
    ends = along @ c
    length, rise = float(np.ptp(ends)), float(np.ptp(np.asarray(up, np.float64) @ c))
    if not (length >= WALL_MIN_LENGTH and rise >= WALL_MIN_RISE and
            length >= WALL_LENGTH_OVER_RISE * rise):
        return False
    if floor is None or not len(floor):
        return True
    f = np.asarray(floor, np.float64) - centre
    d = f @ n
    near = np.abs(d) < WALL_FLOOR_BAND
    sides = np.sort([int(np.count_nonzero(near & (d > 0))),
                     int(np.count_nonzero(near & (d < 0)))])
    if sides[0] >= 30 and sides[0] > WALL_FLOOR_TWO_SIDES * sides[1]:
        return False  # floor on both sides: no container's side
    a = f[near] @ along
    return not (len(a) and a.min() < ends.min() - WALL_FLOOR_PAST_ENDS and
                a.max() > ends.max() + WALL_FLOOR_PAST_ENDS)


def past_the_edge(fg, height, region, walls, jumps, z, max_height=0.5):
    """Standing regions grown into what continues them past the support's edge.

    An object at the edge of the support (a ball beside a table's side or back edge,
    resting on something lower; a box overhanging the edge) stands on it only in part:
    the foot of its far pixels falls outside the support's region (beyond ``FOOT_MARGIN``)
    and its lower pixels lie under the plane, so neither is standing, and its depth region
    is a cap. Here the standing pixels (``fg``, less depth jumps) are joined with the
    pixels off the region that continue them without a depth jump and are neither
    standing, on a wall, nor background under the plane (more than
    ``max(4 sigma, BEHIND_DEPTH)``, :func:`_image_scores`' rule); a component that holds
    standing pixels and gained some is kept. Inside the region nothing changes: growth
    into a table's pixels merged objects (a hysteresis on the height threshold lost a
    whisk and a box, docs/real_depth_cameras.md).

    :param fg: (h, w) bool, standing pixels (foot inside the region, off the walls).
    :param height: (h, w) float32 m above the support (NaN = no reading).
    :param region: (h, w) bool, the support's image region (convex hull of its inliers).
    :param walls: (h, w) bool, large planes that are not the support.
    :param jumps: (h, w) bool, depth discontinuities (:func:`_jump_edges`).
    :param z: (h, w) float32 m, the points' depth.
    :return: ``(n, labels, stats)`` like :func:`_components`, with the labels of
        components that gained no pixel (or hold no standing pixel) set to 0.
    """
    low = -np.maximum(4 * depth_sigma(z), BEHIND_DEPTH)
    seed = fg & ~jumps
    # NaN compares False: no reading is never grown into.
    rest = ~region & ~walls & ~jumps & ~fg & (height > low) & (height < max_height)
    n, lab, st = _components(seed | rest)
    keep = np.zeros(n, bool)
    keep[lab[seed]] = True
    gained = np.zeros(n, bool)
    gained[lab[rest]] = True
    keep &= gained
    keep[0] = False
    return n, np.where(keep[lab], lab, 0), st


def out_of_view(missing, region=None):
    """Missing readings where the depth sensor did not look: thick areas along the frame's edge.

    A glass or a black object leaves a hole that the surface's readings surround, and
    one the frame cuts still meets the frame's edge along its width only, the surface
    around the rest of it. What the depth sensor never saw runs along the frame's edge
    instead: the invalid band at the left edge of an active stereo camera (RealSense
    D4xx datasheet, "Left invalid depth band": ``f B / z`` pixels, 30-90 at 640 px), the
    corners outside a time-of-flight camera's circular or hexagonal field of view (Azure
    Kinect WFOV and NFOV), the borders of a depth registered to a wider colour camera,
    the black corners of a rectified or turned image; or it lies beyond the support, a
    room or a table running out of the sensor's range. The missing readings are opened
    with a 3x3 square (lines of at most two working pixels, a depth edge's shadow or a
    crack, go); of the parts that reach the frame's edge, those that run along it
    (:func:`along_edge`) are kept, and with ``region`` those that less than half of the
    readings around them (the 8 neighbours) put on the support's region; the kept parts
    are grown back by one pixel within the missing readings.

    :param missing: (h, w) bool, no reading, on the working grid.
    :param region: optional (h, w) bool, the support's region on the same grid.
    :return: (h, w) bool, the missing readings outside the sensor's view.
    """
    k3 = np.ones((3, 3), np.uint8)
    thick = cv2.morphologyEx(missing.astype(np.uint8), cv2.MORPH_OPEN, k3)
    labels, stats, keep = _edge_parts(thick)
    if region is not None:
        reach = (stats[:, 4] > 0) & ~keep
        reach[0] = False
        for i in np.nonzero(reach)[0]:
            x, y, bw, bh = stats[i, :4]
            win = (slice(max(y - 1, 0), y + bh + 1), slice(max(x - 1, 0), x + bw + 1))
            part = (labels[win] == i).astype(np.uint8)
            around = (cv2.dilate(part, k3) > 0) & ~missing[win]
            keep[i] = not around.any() or region[win][around].mean() < 0.5
    if not keep.any():
        return np.zeros(missing.shape, bool)
    return (cv2.dilate(keep[labels].astype(np.uint8), k3) > 0) & missing


def _edge_parts(mask):
    """Label the 8-connected parts of ``mask`` and say which run along the frame's edge.

    :return: ``(labels, stats, along)``: (h, w) int32; (n, 5) int32 ``x, y, width,
        height`` and the part's pixels on the frame's outer rows and columns; (n,) bool
        (:func:`along_edge`; label 0, the rest, never).
    """
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8),
                                                           connectivity=8)
    contact = np.bincount(np.concatenate([labels[0], labels[-1], labels[:, 0],
                                          labels[:, -1]]), minlength=n)
    keep = contact.astype(np.float64) ** 2 >= EDGE_HUG * stats[:, cv2.CC_STAT_AREA]
    keep[0] = False
    stats[:, 4] = contact
    return labels, stats, keep


def along_edge(mask):
    """Return the parts of ``mask`` that run along the frame's edge, not cut by it.

    A part (8-connected) is kept when the square of its pixels on the frame's outer rows
    and columns is at least :data:`EDGE_HUG` times its area: bands along an edge and
    corners cut off by a line or an arc are; a part the frame cuts across its width, or
    one that does not reach the edge, is not.

    :param mask: (h, w) bool or uint8.
    :return: (h, w) bool.
    """
    labels, _, keep = _edge_parts(mask)
    return keep[labels]


def region_mask(region, shape):
    """Full-resolution (H, W) bool mask of a depth region (working labels upsampled)."""
    h, w = shape
    x0, y0, x1, y1 = (int(v) for v in region['box'])
    labels = region['labels']
    mask = np.zeros((h, w), bool)
    lab_h, lab_w = labels.shape
    sy, sx = h / float(lab_h), w / float(lab_w)
    i0, i1 = int(round(y0 / sy)), int(round(y1 / sy))
    j0, j1 = int(round(x0 / sx)), int(round(x1 / sx))
    # One or two labels: plain comparisons (np.isin's set machinery cost more than the
    # comparison itself, about 10 masks a frame).
    win = labels[i0:i1, j0:j1]
    ids = np.atleast_1d(region['label'])
    small = win == ids[0]
    for other in ids[1:]:
        small |= win == other
    small = small.astype(np.uint8)
    x1c, y1c = min(x1, w), min(y1, h)
    if small.size and x1c > x0 and y1c > y0:
        big = cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
        mask[y0:y1c, x0:x1c] = big[:y1c - y0, :x1c - x0] > 0
    return mask


def _box_heights(depth_m, intrinsics, plane, box_px, window):
    """(h, w) float32 heights of the pixels of an integer box inside the image.

    Read from ``window`` (:func:`clip_perception.geometry.window_heights`) when it holds
    the box (taken in float32), else :func:`height_above_plane` (in float64, then
    rounded to float32): within a micrometre of each other.
    """
    x0, y0, x1, y1 = box_px
    known = window_heights(window, x0, y0, x1, y1)
    if known is not None:
        return known.astype(np.float32)
    return height_above_plane(depth_m[y0:y1, x0:x1], intrinsics, plane, (x0, y0))


def _depth_jumps(depth_m, share=0.02):
    """(h, w) bool: pixels with a 3x3 neighbour nearer or farther by over 2% of their depth.

    Flying pixels and occlusion rims belong to neither side of such a jump (no reading
    counts as 0 m, so the rim of a hole is a jump too).

    :param share: the jump, as a share of the depth (``stride`` times 2% on a frame read
        every ``stride`` pixels: a slanted face's depth steps that much more a pixel).
    """
    z = np.nan_to_num(depth_m, nan=0.0).astype(np.float32)
    k3 = np.ones((3, 3), np.uint8)
    tol = share * np.maximum(z, 0.1)
    return (cv2.dilate(z, k3) - z > tol) | (z - cv2.erode(z, k3) > tol)


def refine_mask(depth_m, intrinsics, plane, mask, box, min_height=0.008, window=None,
                no_higher=False, stride=1):
    """Full-resolution pixels of a working-resolution object mask.

    The upsampled mask has blocky edges that take in table and background pixels: keep
    the pixels of the box, within two working pixels of the mask (its blocks are working
    pixels, and one more is cut at depth edges), that stand above the surface and are not
    on a depth edge (a jump over 2% of the depth to a neighbour; flying pixels and
    occlusion rims belong to neither side).

    :param plane: ``(normal, offset)`` or a SupportSurface (whose ``scale`` gives the
        working grid; otherwise :func:`clip_perception.support.grid_step` of the frame).
    :param mask: (H, W) bool coarse mask.
    :param window: heights above the same surface around the box, read instead of
        computed when they cover it (:func:`clip_perception.geometry.window_heights`).
    :param no_higher: keep no pixel more than 5 mm above the top of ``mask``'s own
        pixels (99th percentile of their heights): the object under another of a stack
        (:attr:`Proposals.carrying`), which grew onto what stands on it (a book under a
        can was posed as tall as both).
    :param stride: ``depth_m`` holds every ``stride``-th pixel's depth (or the block's,
        :func:`clip_perception.geometry.binned_frame`): the depth edges' jump scales with it.
    :return: (H, W) bool; ``mask`` itself when refining leaves under 10 pixels.
    """
    h, w = depth_m.shape
    x0, y0, x1, y1 = pixel_box(box, (h, w))
    if x1 <= x0 or y1 <= y0:
        return mask
    height = _box_heights(depth_m, intrinsics, plane, (x0, y0, x1, y1), window)
    scale = getattr(plane, 'scale', None)
    step = int(round(1.0 / scale)) if scale else grid_step((h, w))
    k = 4 * step + 1  # two working pixels either side
    near = cv2.dilate(mask[y0:y1, x0:x1].astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    keep = near & np.isfinite(height) & (height > min_height) & ~_depth_jumps(
        depth_m[y0:y1, x0:x1], 0.02 * stride)
    own = height[mask[y0:y1, x0:x1] & np.isfinite(height)]
    if no_higher and own.size:
        keep &= height <= percentile(own, 99) + 0.005
    if keep.sum() < 10:
        return mask
    # Slivers of other surfaces the dilation took in are cut off by the depth edges.
    keep = large_components(keep, 0.2, connectivity=4)
    out = np.zeros((h, w), bool)
    out[y0:y1, x0:x1] = keep
    return out


def mask_in_box(depth_m, intrinsics, plane, box, min_height=0.01, window=None):
    """Pixel mask of the main object inside ``box``, for proposals that carry none.

    The largest connected region of the box that rises above the support surface.

    :param plane: ``(normal, offset)`` or a SupportSurface.
    :param window: as for :func:`refine_mask`.
    :return: (H, W) bool, or None when nothing in the box rises above the surface.
    """
    h, w = depth_m.shape
    x0, y0, x1, y1 = pixel_box(box, (h, w))
    if x1 <= x0 or y1 <= y0:
        return None
    height = _box_heights(depth_m, intrinsics, plane, (x0, y0, x1, y1), window)
    part, area = largest_component(np.isfinite(height) & (height > min_height), 4)
    if not area:
        return None
    mask = np.zeros((h, w), bool)
    mask[y0:y1, x0:x1] = part
    return mask


# A flat object lying on the support (scissors, a card, a phone, a sheet; issue 11)
# rises less than the standing threshold (``0.003 + 2.5 sigma(z)``, 9-13 mm at 0.7-1 m)
# but more than the local level of the surface around it: its box's heights, averaged
# over windows of an eighth of the box (sigma shrinks with the window), lie above the
# ring's by FLAT_MIN_RISE (m) and three times the ring's own spread of averaged heights
# (the surface's bends and the noise that averaging leaves). The readings of the real
# floors scatter about 1 mm around a 7x7-pixel mean (the 16 real frames, 0.7-1.2 mm); the
# thinnest synthetic objects are 3 mm thick. Its footprint fills a good share of its own
# box (FLAT_MIN_FILL: thin bars 33-95% of theirs), where a lying glass bottle that shows
# the table through itself lifts 2% of its box (refracted readings) and keeps the support
# ray; and its box holds readings (FLAT_MIN_VALID), where glass and black plastic leave
# holes.
FLAT_MIN_RISE = 0.0015
FLAT_MIN_FILL = 0.2
FLAT_MIN_VALID = 0.8


def flat_mask_in_box(depth_m, intrinsics, plane, box, window=None):
    """Pixel mask of a flat object lying in ``box``, too thin to stand above the noise.

    For image proposals with no standing depth (:func:`mask_in_box` finds too little),
    which were placed by the support ray as if as deep as wide (21.7 mm off in the
    support's plane, median, on the synthetic ``thin`` layout): the pixels of the box
    whose averaged height lies above the surface's local level in a ring around the box
    (a quarter of the box's size on each side), by :data:`FLAT_MIN_RISE` and three times
    the ring's spread; their largest 4-connected part, when it fills
    :data:`FLAT_MIN_FILL` of the box and the box holds :data:`FLAT_MIN_VALID` readings.

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param plane: ``(normal, offset)`` or a SupportSurface.
    :param box: ``(x0, y0, x1, y1)`` pixels.
    :param window: as for :func:`refine_mask`.
    :return: (H, W) bool, or None when the box holds no flat object (holes, nothing
        risen, or too small a part of it: glass seen through, the bare surface).
    """
    h, w = depth_m.shape
    x0, y0, x1, y1 = pixel_box(box, (h, w))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    mx, my = max((x1 - x0) // 4, 2), max((y1 - y0) // 4, 2)
    rx0, ry0, rx1, ry1 = max(x0 - mx, 0), max(y0 - my, 0), min(x1 + mx, w), min(y1 + my, h)
    height = _box_heights(depth_m, intrinsics, plane, (rx0, ry0, rx1, ry1), window)
    valid = np.isfinite(height)
    inside = np.zeros(height.shape, bool)
    inside[y0 - ry0:y1 - ry0, x0 - rx0:x1 - rx0] = True
    if valid[inside].mean() < FLAT_MIN_VALID:
        return None
    k = max(3, (min(x1 - x0, y1 - y0) // 8) | 1)  # odd, an eighth of the box
    mean, count = nan_box_mean(height, valid, k)
    mean[count < 0.5] = np.nan
    ring = mean[~inside & np.isfinite(mean)]
    if len(ring) < 20:
        return None
    level = float(np.median(ring))
    spread = 1.4826 * float(np.median(np.abs(ring - level)))
    risen = inside & (mean > level + max(FLAT_MIN_RISE, 3 * spread))  # NaN compares False
    part, area = largest_component(risen, 4)
    if not area or area < FLAT_MIN_FILL * inside.sum():
        return None
    mask = np.zeros((h, w), bool)
    mask[ry0:ry1, rx0:rx1] = part & valid
    return mask


# An item of a pile (a full tote or bin seen from above: `arc_suction`'s socks, soap, tape):
# the support found runs through the pile's tops (see PILE_BELOW), so much of an item's box
# lies under it and what rises above it is a neighbour's rim. A box is a pile's when at
# least PILE_ITEM_UNDER of its readings lie PILE_BELOW under the surface: on `arc_suction`
# the items' boxes 0.3-1.0 (0.1 and 0.25 chose the same five boxes, 0.4 three); a standing
# object's box holds the object and the surface around it (the table's noise lies within
# 1 cm), and the floor beyond a table's edge lies farther under than PILE_BELOW[1].
PILE_ITEM_UNDER = 0.25
# The item's piece is the part of its box, cut at depth jumps, that best explains the box: the
# share of the box its bounding box covers, times its fill of that bounding box up to half
# (a thin bar fills a third of its own box). Pieces under 2% of the box are noise.
PILE_PIECE_MIN = 0.02


def pile_mask_in_box(depth_m, intrinsics, plane, box, window=None):
    """Pixel mask of an item of a pile in ``box``, and the height its visible part starts at.

    For image proposals in a full tote or bin, where the support found is a plane through
    the pile's tops (:data:`PILE_ITEM_UNDER` of the box's readings lie :data:`PILE_BELOW`
    under it): the 4-connected part of the box's readings, cut at depth jumps
    (:func:`_depth_jumps`) and taken from the far end of :data:`PILE_BELOW` under the surface
    to :data:`PILE_ABOVE` over it, whose bounding box covers the most of the box (times its fill
    of that bounding box, up to half). Standing on the surface (:func:`mask_in_box`) would
    take a neighbour's rim; the support ray would place it on a plane it lies under.

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param plane: ``(normal, offset)`` or a SupportSurface.
    :param box: ``(x0, y0, x1, y1)`` pixels.
    :param window: as for :func:`refine_mask`.
    :return: ``(mask, base)``: (H, W) bool and the 2nd percentile of its pixels' heights
        above the surface (m; negative, the item's visible part lies under it), or None when
        the box is not a pile's (under half of it holds readings, or too little lies under
        the surface) or holds no piece.
    """
    h, w = depth_m.shape
    x0, y0, x1, y1 = pixel_box(box, (h, w))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    height = _box_heights(depth_m, intrinsics, plane, (x0, y0, x1, y1), window)
    valid = np.isfinite(height)
    # NaN heights compare False: no reading is neither under nor in the pile.
    under = (height > -PILE_BELOW[1]) & (height < -PILE_BELOW[0])
    if valid.mean() < 0.5 or under.sum() < PILE_ITEM_UNDER * valid.sum():
        return None
    pile = (height > -PILE_BELOW[1]) & (height < PILE_ABOVE) & ~_depth_jumps(
        depth_m[y0:y1, x0:x1])
    n, labels, stats = _components(pile)
    area = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    bbox = (stats[1:, cv2.CC_STAT_WIDTH] * stats[1:, cv2.CC_STAT_HEIGHT]).astype(np.float64)
    size = float((x1 - x0) * (y1 - y0))
    score = bbox / size * np.minimum(1.0, area / (0.5 * np.maximum(bbox, 1.0)))
    score[area < PILE_PIECE_MIN * size] = -1.0
    if not len(score) or score.max() < 0:
        return None
    piece = labels == 1 + int(np.argmax(score))
    mask = np.zeros((h, w), bool)
    mask[y0:y1, x0:x1] = piece
    return mask, float(percentile(height[piece], 2))


# Graph-segmentation settings of the selective search (Felzenszwalb-Huttenlocher ``k``
# per scale, Gaussian ``sigma``, smallest initial region in pixels of the work image,
# whose longer side is 160 px).
# Measured on the real frames in ../shared/data/real_rgbd (candidate pool recall at
# IoU >= 0.5): OpenCV's single strategy (k = 100 and 300, min_size 100 px, texture
# similarity on) reached 75/94 labelled objects in ~33 ms; colour + fill + size without
# texture, with initial regions down to 50 px of a 160 px work image, reaches 88/94 in
# about the same time (texture histograms are a third of the grouping cost and added no
# object), and small objects in clutter are no longer merged into their neighbours
# before grouping starts.
SS_SCALES = (100.0, 300.0)
SS_SIGMA = 0.8
SS_MIN_REGION_PX = 50
# The largest image box kept, as a share of the frame. With depth, at most 0.6 of the
# frame's width and of its height: depth proposes a larger object, and larger image boxes
# (table, wall, two objects) pushed real objects out of the cap (real frames: opaque 69 ->
# 68 of 77, transparent 14 -> 13 of 17 when kept up to 0.8 of the area). Without depth the
# image boxes are all there is: an object seen from 0.25-0.3 m spans 0.6-0.9 of a 4:3
# frame's height and all of a 16:9 one's, so up to 0.8 of the frame's area is kept and
# only boxes of about the whole frame (the background) go (test/other_renderer.py's
# close views: best IoU >= 0.7 for 11 -> 21 of 24).
MAX_IMAGE_BOX_SIDE = 0.6
MAX_IMAGE_BOX_AREA_ALONE = 0.8


def _selective_search(small_bgr, k):
    """Selective-search rectangles (rows ``x, y, w, h``) of one graph-segmentation scale.

    Thread-safe (each call builds its own OpenCV objects) and the OpenCV calls release
    the GIL, so the scales can run on separate cores.
    """
    seg = cv2.ximgproc.segmentation
    ss = seg.createSelectiveSearchSegmentation()
    ss.setBaseImage(small_bgr)
    ss.clearImages()
    ss.clearGraphSegmentations()
    ss.clearStrategies()
    ss.addImage(cv2.cvtColor(small_bgr, cv2.COLOR_BGR2HSV))
    ss.addGraphSegmentation(seg.createGraphSegmentation(SS_SIGMA, float(k), SS_MIN_REGION_PX))
    ss.addStrategy(seg.createSelectiveSearchSegmentationStrategyMultiple(
        seg.createSelectiveSearchSegmentationStrategyColor(),
        seg.createSelectiveSearchSegmentationStrategyFill(),
        seg.createSelectiveSearchSegmentationStrategySize()))
    return np.asarray(ss.process()).reshape(-1, 4)


def unique_rows(a):
    """Return the distinct rows of a 2-D array in lexicographic order: ``np.unique(a, axis=0)``.

    The same rows in the same order (first column first), from a lexsort of the columns
    instead of numpy's sort of the rows as structured records: a third of the time (timeit,
    900 rectangles, as selective search returns for a frame, on the shared 2-core AMD
    EPYC at load 11: 3.5 -> 1.1 ms; the image boxes are made unique twice a frame).

    :param a: (N, K) integer or float array without NaN.
    :return: (M, K) array of ``a.dtype``, M <= N.
    """
    a = np.asarray(a)
    if len(a) < 2:
        return a.copy()
    s = a[np.lexsort(a.T[::-1])]
    keep = np.zeros(len(s), bool)
    keep[0] = True
    for c in range(s.shape[1]):  # column by column: any() along a short row is slow
        keep[1:] |= s[1:, c] != s[:-1, c]
    return s[keep]


def image_proposals(rgb, max_boxes=400, work_width=160, ks=SS_SCALES, executor=None,
                    alone=False):
    """Image-only proposals: selective search on a downscaled copy, plus saliency regions.

    Selective search (Uijlings et al., 2013, OpenCV ``ximgproc``) with one strategy
    (HSV, colour + fill + size similarity) per graph-segmentation scale ``ks`` (fine and
    coarse regions; see ``SS_SCALES`` for how the settings were chosen). Its rectangles
    come back in a different order on every call; they are sorted here, so the same
    frame gives the same boxes in the same order. Falls back to colour-saliency regions
    alone when OpenCV was built without ``ximgproc``.

    :param rgb: (H, W, 3) uint8.
    :param max_boxes: most selective-search boxes kept (the largest).
    :param work_width: the longer side of the work image, pixels.
    :param executor: optional ``concurrent.futures.Executor`` the scales run on.
    :param alone: no depth proposals join them: boxes are kept up to
        :data:`MAX_IMAGE_BOX_AREA_ALONE` of the frame's area, not
        :data:`MAX_IMAGE_BOX_SIDE` of its width and height.
    :return: (N, 4) float64 boxes in full-resolution pixels, in a fixed order.
    """
    return start_image_proposals(rgb, max_boxes, work_width, ks, executor, alone)()


def start_image_proposals(rgb, max_boxes=400, work_width=160, ks=SS_SCALES, executor=None,
                          alone=False):
    """Start :func:`image_proposals`; the returned function waits for and returns them.

    With an ``executor`` each selective-search scale is submitted to it at once (the
    OpenCV calls release the GIL), so the caller can work on depth meanwhile; without
    one, the work is done when the returned function is called.

    :return: a function of no argument returning (N, 4) float64 boxes.
    """
    h, w = rgb.shape[:2]
    # Scale the longer side to ``work_width``: scaling the width alone turned a 1x640
    # frame into 160x102400 and unbounded work (field report); this bounds the work
    # image to work_width^2 pixels whatever the aspect ratio.
    scale = work_width / float(max(w, h))
    small = cv2.resize(rgb, (max(int(round(w * scale)), 1), max(int(round(h * scale)), 1)),
                       interpolation=cv2.INTER_AREA)
    bgr = cv2.cvtColor(small, cv2.COLOR_RGB2BGR)
    run_ss = hasattr(cv2, 'ximgproc') and min(small.shape[:2]) >= 2
    jobs = [executor.submit(_selective_search, bgr, k) for k in ks] \
        if run_ss and executor is not None else None
    # Saliency too (colour conversion, morphology and labelling: OpenCV calls, mostly
    # without the GIL), off the calling thread, which segments the depth meanwhile.
    salient = executor.submit(saliency_proposals, small) if executor is not None else None

    def finish():
        boxes = [salient.result() if salient is not None else saliency_proposals(small)]
        if run_ss:
            rects = [j.result() for j in jobs] if jobs is not None else \
                [_selective_search(bgr, k) for k in ks]
            rects = np.concatenate(rects) if rects else np.zeros((0, 4), int)
            if len(rects):
                rects = unique_rows(rects)
                if len(rects) > max_boxes:
                    # Keep the largest-area boxes, not the first ones in coordinate
                    # order (that kept the left of the frame and dropped the right).
                    area = rects[:, 2] * rects[:, 3]
                    rects = rects[np.sort(np.argsort(-area, kind='stable')[:max_boxes])]
                r = rects.astype(np.float64)
                boxes.append(np.stack([r[:, 0], r[:, 1], r[:, 0] + r[:, 2],
                                       r[:, 1] + r[:, 3]], 1))
        boxes = np.concatenate([b for b in boxes if len(b)]) \
            if any(len(b) for b in boxes) else np.zeros((0, 4))
        # Rounding the work size can put a box edge a fraction of a pixel past the frame.
        boxes = np.clip(unique_rows(boxes) / scale, 0.0, [w, h, w, h])
        sw, sh = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
        keep = (sw >= 0.02 * w) & (sh >= 0.02 * h)
        if alone:
            keep &= sw * sh <= MAX_IMAGE_BOX_AREA_ALONE * w * h
        else:
            keep &= (sw <= MAX_IMAGE_BOX_SIDE * w) & (sh <= MAX_IMAGE_BOX_SIDE * h)
        return boxes[keep]

    # What still runs on the executor: the caller may use the wait (_propose).
    finish.futures = tuple(jobs or ()) + ((salient,) if salient is not None else ())
    return finish


def _channel_medians(img8):
    """Per-channel medians of an (h, w, 3) uint8 image, as float32.

    ``np.median`` of the float32 copy, to the bit (the mean of the two middle values of
    an even count, exact for integers), from a histogram per channel instead of a
    partition (timeit, 160x120: 0.49 -> 0.17 ms).
    """
    n = img8.shape[0] * img8.shape[1]
    out = np.empty(img8.shape[2], np.float32)
    for c in range(img8.shape[2]):
        cum = np.cumsum(np.bincount(img8[..., c].ravel(), minlength=256))
        lo = np.searchsorted(cum, (n - 1) // 2, side='right')
        hi = np.searchsorted(cum, n // 2, side='right')
        out[c] = (np.float32(lo) + np.float32(hi)) / np.float32(2)
    return out


def saliency_proposals(rgb):
    """Regions whose colour stands out from the frame's dominant (background) colours.

    :param rgb: (H, W, 3) uint8 (a small copy).
    :return: (N, 4) float64 boxes in that copy's pixels.
    """
    lab8 = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    lab = lab8.astype(np.float32)
    med = _channel_medians(lab8)
    # The colour distance as three products, not np.linalg.norm's reduction over a
    # length-3 axis: the same sums in the same order, a third less time.
    d = lab - med
    dist = np.sqrt(d[..., 0] * d[..., 0] + d[..., 1] * d[..., 1] + d[..., 2] * d[..., 2])
    out = []
    for thr in (percentile(dist, 75), percentile(dist, 88)):
        mask = (dist > max(thr, 18.0)).astype(np.uint8)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, bw, bh, area in stats[1:n]:
            if area >= 6:
                out.append((x, y, x + bw, y + bh))
    return np.array(out, dtype=np.float64).reshape(-1, 4)


def _box_sums(integral, boxes):
    x0, y0, x1, y1 = (boxes[:, i] for i in range(4))
    return integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]


def straddling(lab, boxes):
    """Superpixel straddling of each box: 1 - sum_s min(|s in b|, |s out of b|) / |b|.

    The objectness cue of Alexe, Deselaers and Ferrari (TPAMI 2012): an object's box
    contains its superpixels whole, a box across objects or background cuts them.

    :param lab: (h, w) int32 superpixel labels.
    :param boxes: (N, 4) int boxes in ``lab``'s pixels, non-empty, inside it.
    :return: (N,) float64 in [0, 1].
    """
    n = int(lab.max()) + 1
    h, w = lab.shape
    total = np.bincount(lab.ravel(), minlength=n)
    boxes = np.asarray(boxes, dtype=int).reshape(-1, 4)
    x0, y0, x1, y1 = (boxes[:, i] for i in range(4))
    # Each superpixel's pixel count inside every box from its integral image: one
    # OpenCV call over a channel per superpixel (cv2.integral takes at most 128
    # channels; and about 4 million counts at a time), not a count over each box (timeit
    # on the real frames' 80x60 superpixels and about 170 boxes: 1.0 -> 0.33 ms, the
    # same counts).
    chunk = int(max(1, min(128, 4_000_000 // ((h + 1) * (w + 1)))))
    straddle = np.zeros(len(boxes), np.int64)
    for c0 in range(0, n, chunk):
        ids = np.arange(c0, min(c0 + chunk, n), dtype=lab.dtype)
        ii = cv2.integral((lab[..., None] == ids).astype(np.uint8)).reshape(h + 1, w + 1, -1)
        inside = ii[y1, x1] - ii[y0, x1] - ii[y1, x0] + ii[y0, x0]
        straddle += np.minimum(inside, total[ids] - inside).sum(axis=1)
    return 1.0 - straddle / ((x1 - x0) * (y1 - y0)).astype(np.float64)


def _superpixels(small):
    """Graph-based superpixels (Felzenszwalb) of a small RGB copy; None without ximgproc."""
    if not hasattr(cv2, 'ximgproc'):
        return None
    seg = cv2.ximgproc.segmentation.createGraphSegmentation(0.8, 100, 20)
    return seg.processImage(cv2.cvtColor(small, cv2.COLOR_RGB2LAB))


# A full tote or bin seen from above (issue 11, `arc_suction`): the items cover its floor, and
# the support found is a plane through the pile's tops. Its own region then lies partly well
# under it (the items between the tops): at least PILE_BELOW_SHARE of it PILE_BELOW[0] to
# PILE_BELOW[1] under the plane. Measured share: `arc_suction` 0.18, the 15 other real frames
# 0.00 (tables, and ARC's totes whose floor is the support), the default layouts' 60 scenes and
# `packed_bin` at most 0.001, `packed_mixed` at most 0.033, the `pile` layout's scenes 0.000-0.005
# but one (0.17). The pile's surface is then what lies from PILE_BELOW[1] under the plane to
# PILE_ABOVE over it (not a tote's rim or the room above it), off the walls.
PILE_BELOW_SHARE = 0.05
PILE_BELOW = (0.01, 0.15)
PILE_ABOVE = 0.1
# Missing readings the pile's surface encloses (closed over PILE_CLOSE working pixels of the
# 213 px reference grid) are holes in it, as on a table (dark and shiny items). On
# `arc_suction`, with the hole tier (below), 6 to 16 gave the same recall; 4 left the black
# mesh cup's hole open.
PILE_CLOSE = 8
# An image box on such a hole (the hole test of :func:`_image_scores`) gains this weight times
# how much more is missing inside than around it: not the hole tier, which lifted 7-10 boxes
# of the same few holes a view above every image box and pushed a wine glass out of the cap
# (log `benchmarks/results/issue11_session41_h137_pile_not_kept.log`). Over the 17 views of
# the real frames (log `benchmarks/results/issue11_session41_h137_pile_holes.log`): 0.4 left
# the deodorant pack of `arc_suction` out of the cap; 0.5 gained 7 objects, 0.6 10, neither
# lost one (boxes drawn around holes included); 0.8 lost one in `white_balance:1.4` (a probe
# of four views). As kept (those boxes excluded, as from the hole tier): 11 gained, 1 lost.
PILE_HOLE_WEIGHT = 0.6


def pile_surface(work):
    """Return the surface of a pile's items where the support runs through the pile's tops.

    :param work: the :class:`WorkGrid` of :func:`depth_regions`.
    :return: (h, w) bool on the working grid, the pile's readings (:data:`PILE_BELOW`,
        :data:`PILE_ABOVE`, off the walls) and the holes they enclose (closed over
        :data:`PILE_CLOSE` reference pixels); None without a support or where its region
        does not lie under it (:data:`PILE_BELOW_SHARE`): not a pile.
    """
    height, region = work.height, work.region
    if height is None or region is None:
        return None
    # NaN heights compare False: no reading is neither under nor on the pile.
    below = region & (height < -PILE_BELOW[0]) & (height > -PILE_BELOW[1])
    if below.sum() < PILE_BELOW_SHARE * max(int(region.sum()), 1):
        return None
    pile = ((height > -PILE_BELOW[1]) & (height < PILE_ABOVE) & ~work.walls).astype(np.uint8)
    return cv2.morphologyEx(pile, cv2.MORPH_CLOSE,
                            square(grid_radius(PILE_CLOSE, pile.shape))) > 0


def image_cues(rgb):
    """Return what :func:`_image_scores` reads of the frame alone (not of boxes or depth).

    Made on a worker thread while the calling thread segments the depth
    (:func:`propose`): the graph segmentation of the superpixels is one OpenCV call that
    releases the GIL.

    :param rgb: (H, W, 3) uint8.
    :return: ``(small, lab, superpixels, fill)``: the thumbnail, its longer side 80 px,
        (h, w, 3) uint8 (INTER_AREA); its CIE Lab colours (h, w, 3) float64 (OpenCV's
        8-bit Lab); its superpixel labels (h, w) int32 (:func:`_superpixels`; None
        without ``ximgproc``); (h, w) bool, the black fill where no camera looked
        (:func:`no_image`).
    """
    h, w = rgb.shape[:2]
    # The longer side to 80 px (the width alone made a 1x640 frame 80x51200).
    s = 80.0 / float(max(w, h))
    small = cv2.resize(rgb, (max(int(round(w * s)), 1), max(int(round(h * s)), 1)),
                       interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float64)
    return small, lab, _superpixels(small), no_image(small)


def _image_scores(rgb, boxes, work, hole_ok=None, cues=None):
    """Objectness of image boxes (tier + [0, 1)) and whether they sit on depth holes.

    Colour contrast of the box against a ring around it, superpixel straddling
    (:func:`straddling`, weight ``STRADDLE_WEIGHT``), how well the box encloses pixels
    standing on the support surface (more inside than in the ring), less the share of
    background inside (beyond the support, on walls, no reading away from the support)
    and ``BORDER_PENALTY`` when the frame cuts it; and, on the support surface, how much
    more depth is missing inside than around it (transparent, dark and shiny objects),
    which lifts the box to the hole tier unless ``hole_ok`` (N,) bool says the box was
    itself drawn around a hole (an occlusion shadow is a hole too). On a pile's surface off
    the support's region (:func:`pile_surface`) such a hole adds :data:`PILE_HOLE_WEIGHT`
    times the missing share's excess instead. ``cues``: :func:`image_cues` of ``rgb`` when
    already made (on a worker thread), else made here.
    """
    h, w = rgb.shape[:2]
    s = 80.0 / float(max(w, h))  # as image_cues scales it
    small, lab, sp, fill = image_cues(rgb) if cues is None else cues
    sh, sw = lab.shape[:2]
    b = np.round(boxes * s).astype(int)
    # Every box at least one working pixel, inside the working image: a box at the far
    # edge of a frame a few pixels thin (3x54 -> 4x80) would otherwise index past it.
    b[:, [0, 2]] = np.clip(b[:, [0, 2]], 0, sw)
    b[:, [1, 3]] = np.clip(b[:, [1, 3]], 0, sh)
    b[:, 0] = np.minimum(b[:, 0], sw - 1)
    b[:, 1] = np.minimum(b[:, 1], sh - 1)
    b[:, 2] = np.maximum(b[:, 2], b[:, 0] + 1)
    b[:, 3] = np.maximum(b[:, 3], b[:, 1] + 1)
    bw, bh = b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]
    ring = np.stack([np.clip(b[:, 0] - bw // 4 - 1, 0, sw), np.clip(b[:, 1] - bh // 4 - 1, 0, sh),
                     np.clip(b[:, 2] + bw // 4 + 1, 0, sw),
                     np.clip(b[:, 3] + bh // 4 + 1, 0, sh)], 1)

    def stats(img):
        ii = cv2.integral(img.astype(np.float64))
        a_in = np.maximum((b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]), 1)
        a_out = np.maximum((ring[:, 2] - ring[:, 0]) * (ring[:, 3] - ring[:, 1]) - a_in, 1)
        s_in = _box_sums(ii, b)
        s_ring = _box_sums(ii, ring) - s_in
        return s_in / a_in, s_ring / a_out

    contrast = np.zeros(len(boxes))
    for c in range(3):
        m_in, m_out = stats(lab[..., c])
        contrast += (m_in - m_out) ** 2
    contrast = np.sqrt(contrast)
    score = TIER_IMAGE + 0.5 * np.clip(contrast / 40.0, 0, 1)
    # Cut by the frame: partly seen, and background (table, floor, walls) reaches the
    # frame edge far more often than a whole object does. Same penalty as depth regions.
    border = (boxes[:, 0] <= 0.01 * w) | (boxes[:, 1] <= 0.01 * h) | \
        (boxes[:, 2] >= 0.99 * w) | (boxes[:, 3] >= 0.99 * h)
    score -= BORDER_PENALTY * border
    if sp is not None:
        score += STRADDLE_WEIGHT * straddling(sp, b)
    hole = np.zeros(len(boxes), bool)
    pts, height, fg = work.points, work.height, work.fg
    if pts is not None:
        missing = np.isnan(pts[..., 2])
        zs = cv2.resize(missing.astype(np.uint8), (sw, sh), interpolation=cv2.INTER_NEAREST)
        fgs = cv2.resize(fg.astype(np.uint8), (sw, sh), interpolation=cv2.INTER_NEAREST)
        fg_in, fg_out = stats(fgs)
        score += 0.4 * np.clip(fg_in - fg_out, 0, 1)
        if height is not None:
            on = cv2.resize(work.region.astype(np.uint8), (sw, sh),
                            interpolation=cv2.INTER_NEAREST)
            on_in, _ = stats(on)
            # Background: seen beyond the support (below its plane by more than the
            # noise and BEHIND_DEPTH: the floor past a table's edge, the room past a
            # tote), on a large plane nothing stands on (walls, tote sides, shelves), or
            # without any reading away from the support (beyond the sensor's range;
            # glass and black objects on the support are holes inside its region instead).
            # (NaN compares False, as the 0 nan_to_num gave a missing height did.)
            behind = height < -np.maximum(4 * depth_sigma(pts[..., 2]), BEHIND_DEPTH)
            # Near the support: within 2% of the frame of its region (4 pixels of a 213
            # px grid), where a missing reading is a hole in the surface, not the room.
            near = cv2.dilate(work.region.astype(np.uint8),
                              square(grid_radius(4, work.region.shape))) > 0
            far = np.isnan(pts[..., 2]) & ~near
            bg = cv2.resize((behind | work.walls | far).astype(np.uint8), (sw, sh),
                            interpolation=cv2.INTER_NEAREST)
            bg_in, _ = stats(bg)
            score -= 0.5 * bg_in
            miss_in, miss_out = stats(zs)
            if work.unseen is not None and border.any():
                # In a box the frame cuts, readings missing up to the frame's edge are the
                # sensor's view ending there (out_of_view), not a hole in the surface.
                seen = cv2.resize((missing & ~work.unseen).astype(np.uint8), (sw, sh),
                                  interpolation=cv2.INTER_NEAREST)
                seen_in, seen_out = stats(seen)
                miss_in = np.where(border, seen_in, miss_in)
                miss_out = np.where(border, seen_out, miss_out)
            hole = (miss_in - miss_out > 0.15) & (miss_in > 0.25)
            if hole_ok is not None:
                hole &= hole_ok
            pile = pile_surface(work)
            if pile is not None:
                # A hole in a pile's surface, off the support's region (a dark item under
                # the plane through the tops); not where the frame cuts the box (the
                # pile's readings there are a web of holes).
                pile_in, _ = stats(cv2.resize((pile | work.region).astype(np.uint8),
                                              (sw, sh), interpolation=cv2.INTER_NEAREST))
                on_pile = hole & (on_in <= 0.5) & (pile_in > 0.5) & ~border
                score += PILE_HOLE_WEIGHT * on_pile * np.clip(miss_in - miss_out, 0, 1)
            hole &= on_in > 0.5
            score = np.where(hole, TIER_HOLE + 0.5 * np.clip(miss_in - miss_out, 0, 1) +
                             0.3 * np.clip(contrast / 40.0, 0, 1), score)
    if fill.any():
        # The black fill where no camera looked (a rectified or turned image's corners)
        # meets the scene in a sharp edge that contrast and straddling take for an object.
        fill_in, _ = stats(fill)
        score -= fill_in
    return score, hole


def no_image(rgb):
    """Pixels no camera saw: exact black (0, 0, 0) in parts that run along the frame's edge.

    ``image_proc``'s rectification with ``alpha`` above 0, a fisheye's undistortion and a
    turned image fill what lies outside the raw image with zeros, in bands along the
    frame's edge and corners cut off by a line or a curve (:func:`along_edge`). A real
    camera's blacks are exact zeros too where it clips them (the Asus Xtion frames
    ``posecnn_1``/``posecnn_2``: 18-21% of the pixels, 5-10% of the 80 px thumbnail, a
    dark room and black objects), but those follow the scene: a black mug or curtain
    the frame cuts meets the edge along its width only.

    :param rgb: (h, w, 3) uint8, a thumbnail of the frame.
    :return: (h, w) bool.
    """
    black = (rgb.max(axis=2) == 0).astype(np.uint8)
    if not (black[0].any() or black[-1].any() or black[:, 0].any() or black[:, -1].any()):
        return np.zeros(black.shape, bool)
    return along_edge(black)


def nms(boxes, priorities, iou=0.6):
    """Greedy non-maximum suppression, ties broken by box coordinates (deterministic).

    A box is suppressed when its IoU with a kept box of higher priority exceeds ``iou``.
    The greedy pass is OpenCV's ``cv2.dnn.NMSBoxes`` (10-30x faster than a numpy loop
    with the same result, ``benchmarks/proposals.py``), fed the boxes in our order
    (priority, then coordinates) with strictly decreasing scores, so its own sort cannot
    reorder ties. Boxes of zero area overlap nothing and are always kept.

    :param boxes: (N, 4) ``x0, y0, x1, y1``.
    :param priorities: (N,) higher is kept first.
    :param iou: suppression threshold in [0, 1].
    :return: (K,) int indices kept, in priority order.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    pr = np.asarray(priorities, dtype=np.float64)
    order = np.lexsort((boxes[:, 3], boxes[:, 2], boxes[:, 1], boxes[:, 0], -pr))
    b = boxes[order]
    wh = b[:, 2:] - b[:, :2]
    solid = np.flatnonzero((wh > 0).all(axis=1))
    keep = np.ones(len(b), bool)
    if len(solid):
        xywh = np.concatenate([b[solid, :2], wh[solid]], axis=1)
        ranks = np.arange(len(solid), 0, -1, dtype=np.float64)
        kept = np.asarray(cv2.dnn.NMSBoxes(xywh.tolist(), ranks.tolist(), 0.0, float(iou)),
                          dtype=int).ravel()
        keep[solid] = False
        keep[solid[kept]] = True
    return order[keep].astype(int)


# Made on first use, under the lock: the proposals' worker threads, numpy's BLAS control.
_POOL = []
_BLAS = []
_POOL_LOCK = threading.Lock()


def _one_blas_thread():
    """Return a context in which numpy's BLAS (OpenBLAS) runs on one thread.

    The proposals' matrix products are small (tens of thousands of points by 3); on
    them OpenBLAS's worker threads spin more than they help. Measured on the real
    640x480 frames, 2 cores, A/B in one process: 105-126 ms CPU per frame with this
    limit against 134-148 ms without, wall time the same within noise. The limit is
    set and restored around each call through threadpoolctl (about 20 microseconds);
    torch's own threads are not BLAS libraries it finds, and are left alone.
    """
    with _POOL_LOCK:
        if not _BLAS:
            _BLAS.append(ThreadpoolController())
        return _BLAS[0].limit(limits=1, user_api='blas')


def worker_count(cores=None):
    """How many worker threads the image proposals get: one core is left to the caller.

    The calling thread's own work (depth segmentation, stack checks) is most of a call's
    wall time, and Python holds it to one core; a worker beside it on each other core runs
    the selective-search scales, saliency and :func:`image_cues` in turn. On two cores a
    second worker took time from the calling thread instead (three busy threads on two
    cores), so one is used there: measured idle on the 16 real frames, 2-core AVX2 EPYC,
    alternated in one process, 640x480 median 41.6 -> 40.5 ms, 1280x720 32.3 -> 30.5 ms
    (issue 11, session 46, ``benchmarks/results/issue11_session46_lead_speed.log``), the
    proposals the same (the work and its order on the worker do not change them).

    :param cores: cores this process may run on; None: ``os.sched_getaffinity`` (the
        container's or ``taskset``'s CPU set, not the host's count), or ``os.cpu_count()``
        where that is not available.
    :return: int, 1 to ``len(SS_SCALES)`` (one per selective-search scale at most).
    """
    if cores is None:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
    return max(1, min(len(SS_SCALES), int(cores) - 1))


def _pool():
    """Return the proposals' worker threads (:func:`worker_count` of them), made once.

    Saliency and :func:`image_cues` queue behind the selective-search scales.
    """
    with _POOL_LOCK:
        if not _POOL:
            _POOL.append(ThreadPoolExecutor(max_workers=worker_count(),
                                            thread_name_prefix='proposals'))
        return _POOL[0]


def hole_boxes(work, intrinsics, shape, min_size=0.04, max_size=0.35):
    """Boxes around holes in the depth on the support surface (glass, black, shiny).

    Transparent and dark objects return no depth, or only their rims: the missing
    readings on the surface's region, closed over one working pixel so a rim's
    fragments join (single lost samples, a sampling matter), are grouped into connected
    parts. Their metric size is taken at the depth where the viewing ray meets the
    surface; parts between ``min_size`` and ``max_size`` (a glass, a lying bottle) are
    boxed. Speckle holes of a noisy sensor are smaller; the web of holes of a surface the
    sensor barely sees is larger.

    :param work: the :class:`WorkGrid` of :func:`depth_regions`.
    :param shape: (H, W) of the full-resolution frame.
    :return: (N, 4) float64 full-resolution boxes.
    """
    pts, step, region, surface = work.points, work.step, work.region, work.surface
    if pts is None or region is None:
        return np.zeros((0, 4))
    missing = np.isnan(pts[..., 2]) & region
    k3 = np.ones((3, 3), np.uint8)
    missing = cv2.morphologyEx(missing.astype(np.uint8), cv2.MORPH_CLOSE, k3) > 0
    n, labels, stats, cent = cv2.connectedComponentsWithStats(missing.astype(np.uint8),
                                                               connectivity=8)
    if n < 2:
        return np.zeros((0, 4))
    h, w = pts.shape[:2]
    x, y, bw, bh = (stats[1:, i] for i in range(4))
    # Depth of the surface under each part's centre: the ray through it meets the plane.
    u, v = cent[1:, 0] * step, cent[1:, 1] * step
    ray = np.stack([(u - intrinsics.cx) / intrinsics.fx, (v - intrinsics.cy) / intrinsics.fy,
                    np.ones_like(u)], 1)
    denom = -(ray @ surface.normal)
    z = np.where(denom > 1e-3, surface.offset / np.maximum(denom, 1e-3), np.inf)
    f = 0.5 * (intrinsics.fx + intrinsics.fy)
    size = np.maximum(bw, bh) * step * z / f
    # At least two working pixels across: a one-sample line of missing readings is a
    # depth edge's shadow or a crack, whatever the size of the sample.
    keep = (size >= min_size) & (size <= max_size) & (np.minimum(bw, bh) >= 2)
    x, y, bw, bh = x[keep], y[keep], bw[keep], bh[keep]
    big_h, big_w = shape
    return np.stack([np.maximum(x - 1, 0) * step, np.maximum(y - 1, 0) * step,
                     np.minimum(x + bw + 1, w) * step, np.minimum(y + bh + 1, h) * step],
                    1).astype(np.float64).clip(0, [big_w, big_h, big_w, big_h])


def agreement_bonus(depth_boxes, image_boxes, lo=0.5, hi=0.8, weight=AGREE_WEIGHT):
    """Ranking bonus of depth regions whose box an image box repeats.

    Depth and colour are independent cues: a depth region whose outline an image
    segment (selective search, saliency) also draws is an object more often than a part
    of one or a piece of background, which the cues rarely agree on.

    :param depth_boxes: (N, 4); :param image_boxes: (M, 4).
    :return: (N,) ``weight`` times the best IoU with an image box, mapped from
        ``[lo, hi]`` to ``[0, 1]``.
    """
    if not len(image_boxes) or not len(depth_boxes):
        return np.zeros(len(depth_boxes))
    best = box_iou(np.asarray(depth_boxes, float), np.asarray(image_boxes, float)).max(1)
    return weight * np.clip((best - lo) / (hi - lo), 0.0, 1.0)


def whole_seen_penalty(parents, image_boxes, lo=0.8, penalty=WHOLE_SEEN_PENALTY):
    """Ranking penalty of depth parts whose whole region an image box repeats.

    :param parents: one entry per depth region: the full-resolution box
        ``(x0, y0, x1, y1)`` of the whole region it was cut from, or None for a whole.
    :param image_boxes: (M, 4) image proposals.
    :param lo: IoU of an image box with the whole from which the whole counts as seen
        (the IoU at which :func:`agreement_bonus` gives its full weight).
    :return: (N,) float64, ``penalty`` for parts of a seen whole, else 0.
    """
    out = np.zeros(len(parents))
    idx = [k for k, p in enumerate(parents) if p is not None]
    if not idx or not len(image_boxes):
        return out
    wholes = np.array([parents[k] for k in idx], dtype=np.float64)
    seen = box_iou(wholes, np.asarray(image_boxes, float)).max(1) >= lo
    out[np.array(idx)[seen]] = penalty
    return out


def propose(rgb, depth_m=None, intrinsics=None, max_proposals=32, use_depth=True,
            use_image=True, nms_iou=0.6, parallel=True, work_width=None, image_up='up',
            sample_seed=0):
    """All proposals of a frame, ranked jointly, merged by NMS and capped.

    numpy's BLAS runs on one thread meanwhile (:func:`_one_blas_thread`).

    :param rgb: (H, W, 3) uint8.
    :param depth_m: optional (H, W) float32 metres aligned with ``rgb``, NaN = none.
    :param intrinsics: needed with depth.
    :param parallel: run the image proposals on worker threads while the depth is
        segmented (same result, less wall time on two or more cores).
    :param work_width: the depth's working grid, pixels on the longer side;
        :data:`clip_perception.support.WORK_WIDTH` when None.
    :param image_up: which way the world's up points in the image (the camera's
        mounting: ``up``, ``down``, ``left``, ``right``; :func:`depth_regions`).
    :param sample_seed: seed of the support search's sample of the depth (0 as the node;
        :func:`clip_perception.support.find_support`).
    :return: :class:`Proposals`.
    """
    with _one_blas_thread():
        return _propose(rgb, depth_m, intrinsics, max_proposals, use_depth, use_image,
                        nms_iou, parallel, work_width, image_up, sample_seed)


def _propose(rgb, depth_m, intrinsics, max_proposals, use_depth, use_image, nms_iou,
             parallel, work_width=None, image_up='up', sample_seed=0):
    h, w = rgb.shape[:2]
    boxes, sources, regions, prio = [], [], [], []
    surface, dropped, notes = None, 0, []
    work = NO_WORK
    img_boxes, img_prio = np.zeros((0, 4)), np.zeros(0)
    with_depth = depth_m is not None and intrinsics is not None
    executor = _pool() if parallel else None
    pending = start_image_proposals(rgb, executor=executor,
                                    alone=not (with_depth and use_depth)) \
        if use_image else None
    # The image boxes' own cues (the superpixels: OpenCV, without the GIL) on a worker
    # too, after the selective search's scales: the calling thread's work is the wall.
    cues = executor.submit(image_cues, rgb) if use_image and executor is not None else None
    if with_depth:
        found, surface, dropped, notes, work = depth_regions(depth_m, intrinsics, rgb,
                                                             work_width=work_width,
                                                             image_up=image_up,
                                                             sample_seed=sample_seed)
        if use_depth:
            for r in found:
                boxes.append(r['box'])
                sources.append(SOURCE_DEPTH)
                regions.append(r)
                prio.append(r['score'])
    # What needs only the depth is made before waiting for the image proposals: the holes'
    # boxes and the working grid's faces (the stack pre-check, made once). While the
    # workers still run, the calling thread checks the best depth regions for stacks as
    # add_stack_parts will (the same inputs, the same parts): that work then overlaps
    # theirs instead of following it alone.
    holes = hole_boxes(work, intrinsics, (h, w)) \
        if pending is not None and intrinsics is not None else ()
    coarse = _coarse_faces(work, intrinsics) \
        if use_depth and surface is not None and work.height is not None else None
    checked = _stack_checks_while_waiting(
        depth_m, intrinsics, surface, coarse, regions, (h, w),
        (*pending.futures, *((cues,) if cues is not None else ())), nms_iou) \
        if coarse is not None and executor is not None and pending is not None and regions \
        else {}
    if pending is not None:
        img = pending()
        # Boxes drawn around holes join the pool ranked as image boxes: an occlusion
        # shadow beside an object is a hole too, so a hole alone is no evidence.
        hole_ok = np.arange(len(img) + len(holes)) < len(img)
        if len(holes):
            img = np.concatenate([img, holes])
        if len(img):
            scores, _ = _image_scores(rgb, img, work, hole_ok,
                                      cues.result() if cues is not None else None)
            if boxes:
                # A container's side that an image box repeats is still no object.
                bonus = agreement_bonus(np.array(boxes), img) * ~np.array(
                    [bool(r.get('container_wall')) for r in regions])
                for r, b in zip(regions, bonus):
                    r['repeated'] = bool(b > 0)  # an image box repeats it at IoU > 0.5
                prio = list(np.array(prio) + bonus -
                            whole_seen_penalty([r['parent'] for r in regions], img) -
                            COLOUR_PIECE_PENALTY * np.array([
                                r['colour_piece'] and r['repeated'] for r in regions]))
            # The image boxes join the pool as arrays: a tuple and a float a box, then an
            # array of those, cost 0.4 ms for the ~300 boxes of a real frame (timeit).
            img_boxes, img_prio = img, scores
            sources += [SOURCE_IMAGE] * len(img)
            regions += [None] * len(img)
    plane = surface.plane if surface is not None else None
    if not boxes and not len(img_boxes):
        return Proposals(np.zeros((0, 4)), (), (), plane, surface, np.zeros(0), dropped,
                         tuple(notes))
    # Every box inside the frame: grown or rescaled boxes can reach a pixel past it.
    arr = np.clip(np.concatenate([np.array(boxes, dtype=np.float64).reshape(-1, 4),
                                  np.asarray(img_boxes, np.float64).reshape(-1, 4)]),
                  0.0, [w, h, w, h])
    prio = np.concatenate([np.array(prio, dtype=np.float64),
                           np.asarray(img_prio, np.float64).ravel()])
    keep = _ranked(arr, prio, regions, nms_iou)
    n_depth = sum(1 for i in keep if sources[i] == SOURCE_DEPTH)
    keep = keep[:max_proposals]
    dropped += n_depth - sum(1 for i in keep if sources[i] == SOURCE_DEPTH)
    masks = tuple(region_mask(regions[i], (h, w)) if regions[i] is not None else None
                  for i in keep)
    props = Proposals(arr[keep], tuple(sources[i] for i in keep), masks, plane, surface,
                      prio[keep], dropped, tuple(notes))
    checked = {k: checked[int(j)] for k, j in enumerate(keep[:STACK_CHECKS])
               if int(j) in checked}
    return add_stack_parts(props, depth_m, intrinsics, max_proposals, work=work,
                           checked=checked, coarse=coarse) if use_depth else props


def _ranked(boxes, prio, regions, nms_iou):
    """Rank the pool: NMS by priority, then each whole's later parts last.

    A joined pair (TIER_JOINED) suppresses nothing at NMS: it is kept only where no
    other box overlaps it by more than ``nms_iou``, then ranked by its own priority.

    :param boxes: (N, 4) float64 full-resolution boxes, inside the frame.
    :param prio: (N,) float64 priorities, higher first.
    :param regions: per box, its depth region dict or None (an image box).
    :return: (K,) int indices kept, in ranking order (:func:`later_parts_last`).
    """
    joined = np.array([r is not None and bool(r.get('joined')) for r in regions], bool)
    order = nms(boxes, prio - 100.0 * joined, nms_iou)
    if joined.any():
        order = order[np.argsort(-prio[order], kind='stable')]
    return later_parts_last(order, regions)


def later_parts_last(order, regions):
    """Rank every part of a depth region but its best after all other proposals.

    A region cut into parts (faces at creases and colour edges, adjacent pairs of them)
    is one object or a few touching ones; its best part already stands for the cut, and
    on a real frame the cap is always full, so each further part keeps out another
    object. Measured on the 16 real frames in eight views (`clip_perception_eval real
    --views original,depth_mm,jpeg:50,exposure:0.4,white_balance:0.7,blur:2,mirror,scale:0.75`,
    session 24): opaque 522 -> 529 of 616, transparent 105 -> 106 of 136, no view worse,
    the original view unchanged (68/77, 14/17); millimetre depth 12 -> 13 of 17 (the pieces
    of a black case had pushed a lying bottle out). A penalty of one tier step instead
    of the end of the list gained 6 and 1. The synthetic ``layouts`` (under the cap) are
    unchanged.

    A colour piece (cut at colour edges alone, ``colour_piece``) keeps its rank when an
    image box repeats it (``repeated``: touching objects of different colours, each
    drawn by colour too) and follows everything else when none does; it takes no
    face's place as the region's best part (:data:`COLOUR_PIECE_PENALTY`).

    :param order: (N,) int indices in ranking order (from :func:`nms`).
    :param regions: per index, a depth region dict (``parent``: the whole's box, or None
        for a whole; optional ``colour_piece`` and ``repeated``, bool) or None for an
        image box.
    :return: (N,) int, the same indices: the first part of each whole where it was, the
        other parts after everything else, each group in its own order.
    """
    first, later, seen = [], [], set()
    for i in order:
        r = regions[i]
        if r is not None and r.get('colour_piece'):
            (first if r.get('repeated') else later).append(i)
            continue
        parent = tuple(r['parent']) if r is not None and r['parent'] is not None else None
        if parent is not None and parent in seen:
            later.append(i)
            continue
        if parent is not None:
            seen.add(parent)
        first.append(i)
    return np.array(first + later, dtype=int)


# Only the best-ranked proposals are checked for stacks: each check costs a few ms of
# full-resolution work (measured: all 32 cost about 330 ms CPU per frame). Measured with
# `clip_perception_eval layouts` and `real`: 8 checks gave a synthetic pose p95 of 9.0 mm
# but added parts on 5 of the 16 real frames (piles, a mug) that pushed a glass out of
# the cap (transparent recall 13 -> 12 of 17) at twice the cost; 4 give 10.1 mm and
# leave the real recall as it was.
STACK_CHECKS = 4


def add_stack_parts(props, depth_m, intrinsics, max_proposals=32, iou=0.8, work=None,
                    checked=None, coarse=None):
    """Add the objects of stacks that a proposal covers as one region (issue #11).

    Each of the first :data:`STACK_CHECKS` proposals whose region holds a stack (an object
    standing on another's top face, :func:`clip_perception.geometry.stack_parts`) is
    followed by the part above and the part below, as depth proposals with their masks
    and the parent's score, unless another proposal already is that object (IoU >
    ``iou``; a part nested in its column's box overlaps it by more than NMS's 0.6 and is
    still another object). The cap then drops the last ones (counted in ``dropped``).

    :param props: :class:`Proposals` of the frame.
    :param work: the :class:`WorkGrid` of :func:`depth_regions`, when at hand: a box whose
        working-resolution heights show no horizontal face inside it at least 1 cm
        under its top (:func:`_may_hold_stack`) skips the full-resolution check.
    :param checked: optional ``{index: parts}``, :func:`_stack_check` of the proposals at
        those indices, already made (:func:`_stack_checks_while_waiting`).
    :param coarse: :func:`_coarse_faces` of ``work``, when already made.
    :return: :class:`Proposals` (``props`` itself when there is no stack).
    """
    if props.plane is None or not len(props):
        return props
    boxes, sources, masks, scores, parts_added, carrying = [], [], [], [], [], []
    added = 0
    if coarse is None and work is not None and work.height is not None:
        coarse = _coarse_faces(work, intrinsics)
    for i in range(len(props)):
        boxes.append(props.boxes[i])
        sources.append(props.sources[i])
        masks.append(props.masks[i])
        scores.append(props.scores[i])
        carrying.append(bool(props.carrying[i]) if props.carrying else False)
        if i >= STACK_CHECKS or (coarse is not None and
                                 not _may_hold_stack(coarse, props.boxes[i])):
            continue
        column = len(masks) - 1
        parts = checked[i] if checked and i in checked else _stack_check(
            depth_m, props.boxes[i], props.masks[i], intrinsics, props.plane, props.surface)
        for below, part in enumerate(parts):
            box = _mask_box(part)
            if below and np.count_nonzero(part) >= np.count_nonzero(parts[0]) and \
                    _inside(parts[0], props.boxes[i]) \
                    and box_iou(box[None], props.boxes[i][None])[0, 0] > iou:
                # The column's box is the lower object's (a can on a book, a small box on a
                # large one, seen from above): the object on top lies inside it and most of
                # what it shows is the object below, so its pose is that object's, not one
                # as tall as both. (A box drawn round the object on top, with a rim of the
                # face it stands on, stays that object's: the rim is the smaller part. One
                # that cuts through the object on top is a region of the lower one already.)
                masks[column], carrying[column] = part, True
                added += 1
                continue
            # The parent holds its parts, so it does not count as covering them.
            others = np.concatenate([np.delete(props.boxes, i, axis=0),
                                     np.array(parts_added).reshape(-1, 4)])
            if len(others) and box_iou(box[None], others).max() > iou:
                continue
            parts_added.append(box)
            boxes.append(box)
            sources.append(SOURCE_DEPTH)
            masks.append(part)
            scores.append(props.scores[i])
            carrying.append(False)
            added += 1
    if not added:
        return props
    n = len(boxes)
    keep = min(n, max_proposals)
    dropped = props.dropped + sum(1 for s in sources[keep:] if s == SOURCE_DEPTH)
    return Proposals(np.array(boxes[:keep]), tuple(sources[:keep]), tuple(masks[:keep]),
                     props.plane, props.surface, np.array(scores[:keep]), dropped,
                     props.notes + (f'{added} stacked part(s) added',), tuple(carrying[:keep]))


# The stack check first looks at the depth averaged over blocks of ``s`` x ``s`` pixels
# (:func:`clip_perception.geometry.binned_frame`), ``s`` the most that keeps a block at
# the box's median depth within this many metres across (2 or more, else no such first
# look), and the full-resolution check follows only where that finds a stack
# (:func:`_stack_check`). The faces it looks for are smoothed over 7 pixels (5-10 mm on
# the 640x480 real frames, whose pixels are 0.74-1.5 mm) and cover 1.5 cm^2 (12 mm
# across): in 2 mm blocks the smallest face still holds about 37, and the smoothing
# (4 blocks at s = 2, :func:`clip_perception.geometry.support_levels`) averages 64
# readings where it averaged 49. Measured (issue 11, helper-h157): of the real frames'
# 49 checks, 15 of the 23 at 640x480 (the YCB frames' boxes) and 24 of the 26 at
# 1280x720 look first (s = 2 or 3); the 3 stacks among them are found, no other box is
# let on, and the calling thread's CPU falls by 6 ms on the YCB frame with four checks
# and no stack. On the stacked and touching layouts (seeds 40000000-003, 17 boxes with
# a stack, 0.93-1.42 mm pixels) every box read at s = 2 whatever its pixels: the 4 with
# pixels under 1 mm kept their stack, and 4 of the other 13 lost it (blocks of 2.6-2.8
# mm); every 2nd pixel without the averaging lost 6. (The mask's depth edges scale with
# the block, :func:`refine_mask`'s ``stride``: at 2% a pixel, the sides of a lower box
# were cut off its top, and the part below lost.)
STACK_CHECK_PITCH = 0.002


def _stack_check(depth_m, box, mask, intrinsics, plane, surface):
    """Return the parts of a stack in ``box``, as :func:`add_stack_parts` checks a proposal.

    Where the pixels are small (:data:`STACK_CHECK_PITCH`), the same check first on the
    depth averaged over blocks of a few pixels
    (:func:`clip_perception.geometry.binned_frame`); no stack there: none. Then at full
    resolution: the faces above the support around the box
    (:func:`clip_perception.geometry.support_levels`); none under the top of what is in
    it (:func:`_no_face_under_top`): no stack. Else the proposal's mask refined (or one
    cut in the box), and :func:`clip_perception.geometry.stack_parts` of it.

    :param box: ``(x0, y0, x1, y1)`` float64 full-resolution pixels.
    :param mask: (H, W) bool region mask, or None (an image box).
    :param plane: ``(normal, offset)`` of the support; ``surface``: its
        :class:`clip_perception.support.SupportSurface`, or None.
    :return: tuple or list of (H, W) bool part masks, the part above first; empty: no stack.
    """
    from clip_perception.geometry import binned_frame

    stride = _stack_check_stride(depth_m, box, intrinsics)
    if stride > 1:
        d_s, box_s, intr_s, mask_s = binned_frame(depth_m, box, intrinsics, mask, stride)
        # The working grid's step in the sampled pixels (refine_mask's margin).
        surface_s = replace(surface, scale=surface.scale * stride) \
            if surface is not None else None
        if not _stack_check_at(d_s, box_s, mask_s, intr_s, plane, surface_s, stride):
            return ()
    return _stack_check_at(depth_m, box, mask, intrinsics, plane, surface)


def _stack_check_stride(depth_m, box, intrinsics):
    """Return the stride of the stack check's first look at ``box`` (:data:`STACK_CHECK_PITCH`).

    :param box: ``(x0, y0, x1, y1)`` full-resolution pixels.
    :return: int >= 1: ``floor(STACK_CHECK_PITCH / pixel)``, the pixel's metric size at
        the median depth of every fourth pixel of the box (1 without a reading).
    """
    x0, y0, x1, y1 = pixel_box(box, depth_m.shape)
    z = depth_m[y0:y1:4, x0:x1:4]
    z = z[np.isfinite(z)]
    if not z.size:
        return 1
    pixel = float(middle_values(z)[1]) / intrinsics.fx
    return max(1, int(STACK_CHECK_PITCH / pixel)) if pixel > 0 else 1


def _stack_check_at(depth_m, box, mask, intrinsics, plane, surface, stride=1):
    """:func:`_stack_check` at one resolution (``depth_m`` of ``stride``-pixel blocks)."""
    from clip_perception.geometry import _height_fn
    from clip_perception.geometry import stack_parts
    from clip_perception.geometry import support_levels

    levels = support_levels(depth_m, box, intrinsics, _height_fn(surface, plane),
                            stride=stride)
    if _no_face_under_top(levels, box, depth_m.shape):
        return ()
    # The window's heights serve the mask and the stack check too (each pixel's height
    # computed once, not up to three times).
    on = surface or plane
    mask = refine_mask(depth_m, intrinsics, on, mask, box, window=levels[2], stride=stride) \
        if mask is not None else mask_in_box(depth_m, intrinsics, on, box, window=levels[2])
    if mask is None:
        return ()
    return stack_parts(depth_m, box, intrinsics, mask, plane, surface, levels)


def _stack_checks_while_waiting(depth_m, intrinsics, surface, coarse, regions, shape,
                                futures, nms_iou=0.6):
    """Check the best depth regions for stacks (:func:`_stack_check`) while ``futures`` run.

    On two cores the image proposals' worker threads often finish after the calling
    thread has segmented the depth (real 640x480 frames: it waited 5-6 ms of 50), and the
    stack checks then ran alone after the ranking (6-17 ms). The depth regions are ranked
    as the pool will rank them (:func:`_ranked`: NMS, the later parts of a whole last),
    without the image boxes and their bonuses, which are not made yet; of the first
    :data:`STACK_CHECKS` the ones the working grid lets through (:func:`_may_hold_stack`)
    are checked, each with the box and mask the ranking will give it, so a region the
    ranking puts among the first :data:`STACK_CHECKS` gets the same parts as when checked
    there; one it does not is checked for nothing. It stops as soon as every future is
    done. (Taking the regions by their own score, up to :data:`STACK_CHECKS` that pass
    the grid's test however far down, checked for nothing a third of the time: with
    the checks made whatever the workers' pace, the 16 real frames' checks were 72
    where the ranking needs 49; ranked, 59. Issue 11, helper-h163.)

    :param surface: :class:`clip_perception.support.SupportSurface`.
    :param coarse: :func:`_coarse_faces` of the frame's working grid.
    :param regions: the proposals' regions in pool order (a depth region's dict, or None).
    :param shape: (H, W) of the frame.
    :param futures: ``concurrent.futures.Future`` s the caller will wait for.
    :param nms_iou: the pool's NMS threshold.
    :return: ``{pool index: parts}``.
    """
    if all(f.done() for f in futures):
        return {}
    h, w = shape
    idx = [i for i, r in enumerate(regions) if r is not None]
    if not idx:
        return {}
    boxes = np.clip(np.array([regions[i]['box'] for i in idx], dtype=np.float64), 0.0,
                    [w, h, w, h])
    ranked = _ranked(boxes, np.array([regions[i]['score'] for i in idx], np.float64),
                     [regions[i] for i in idx], nms_iou)
    checked = {}
    for k in ranked[:STACK_CHECKS]:
        if all(f.done() for f in futures):
            break
        if not _may_hold_stack(coarse, boxes[k]):
            continue
        i = idx[k]
        checked[i] = _stack_check(depth_m, boxes[k], region_mask(regions[i], shape),
                                  intrinsics, surface.plane, surface)
    return checked


def _no_face_under_top(levels, box, shape):
    """Whether no face of ``levels`` can be the lower object's top under what is in ``box``.

    Cheap first: a stack needs a face 1.5 cm under the top of the object's points
    (:func:`clip_perception.geometry.stack_parts`: their 99th percentile), which lie in
    the box (its pixels rounded and clipped as ``object_points`` takes them) and are no
    higher than its highest reading in the face search's window, which holds the box.
    True only where ``stack_parts`` would return no parts: the refined mask and the
    points are then not computed. (The window's highest reading, which this replaced,
    let 28 boxes on to that work on the 16 real frames; the box's let 22, and the same 4
    hold stacks.)

    :param levels: :func:`clip_perception.geometry.support_levels` of ``box``.
    :param box: ``(x0, y0, x1, y1)`` full-resolution pixels.
    :param shape: (H, W) of the depth image.
    """
    hwin = levels[2][0]
    hbox = window_heights(levels[2], *pixel_box(box, shape))
    hbox = hwin if hbox is None else hbox
    return not hbox.size or not np.isfinite(hbox).any() or \
        all(lv > np.nanmax(hbox) - 0.015 for lv, _ in levels[0])


def _inside(mask, box, share=0.9):
    """Whether ``share`` of the pixels of ``mask`` (H, W) bool lie inside ``box``."""
    x0, y0, x1, y1 = (int(round(float(v))) for v in box)
    total = np.count_nonzero(mask)
    return total > 0 and np.count_nonzero(
        mask[max(y0, 0):max(y1, 0), max(x0, 0):max(x1, 0)]) >= share * total


def _mask_box(mask):
    """Return the box of the True pixels of ``mask``, as ``np.nonzero``'s extremes give it.

    ``cv2.boundingRect`` of the mask's bytes: the same box at a twentieth of the cost
    on a full frame (timeit, 640x480: 930 -> 50 us; two parts a stack, issue 11,
    session 45).

    :param mask: (H, W) bool, C-contiguous, with at least one True pixel (a stack part).
    :return: (4,) float64 ``(x0, y0, x1, y1)`` pixels, ``x1`` and ``y1`` one past the
        last column and row.
    """
    x, y, w, h = cv2.boundingRect(mask.view(np.uint8))
    return np.array([x, y, x + w, y + h], np.float64)


def _coarse_faces(work, intrinsics):
    """Working-resolution horizontal faces above the surface, for the stack pre-check.

    The test of :func:`clip_perception.geometry.support_levels` on the working grid,
    made looser than the full-resolution one: heights averaged over 3x3 working pixels
    (noise averaging over samples; the slope test is per pixel width, so grid-free),
    a slope under 0.5 (not 0.3) of the pixel's metric size per pixel, at least 5 mm
    above the surface.

    :param work: the :class:`WorkGrid` of :func:`depth_regions`.
    :return: ``(heights (h, w) m, NaN = none; flat (h, w) bool; pixel area (h, w) m^2;
        step)``.
    """
    height, step = work.height, work.step
    z = work.points[..., 2]
    valid = np.isfinite(height)
    hs, den = nan_box_mean(height, valid, 3)
    gx, gy = np.zeros_like(hs), np.zeros_like(hs)
    gx[:, 1:-1] = 0.5 * (hs[:, 2:] - hs[:, :-2])
    gy[1:-1] = 0.5 * (hs[2:] - hs[:-2])
    pix = step * np.where(np.isnan(z), np.float32(1), z) / intrinsics.fx
    flat = valid & (den > 0.6) & (np.hypot(gx, gy) < 0.5 * pix) & (hs > 0.005)
    return np.where(valid, height, np.nan), flat, pix * pix, step


def _may_hold_stack(coarse, box):
    """Whether the working grid shows a face inside ``box`` 1 cm or more under its top.

    A column box holds the top face of its lower object inside it, under the top of the
    object standing on it. The full check (:func:`add_stack_parts`) needs a face 1.5 cm
    under the top, covering 1.5 cm^2, in the box grown by a quarter; this asks for 1 cm
    and 0.5 cm^2 inside the box itself. It is not a proof that the full check would
    reject what it skips: a face only in the margin passes there and not here. On the
    touching-and-stacked layouts the output is the same with and without it (tested).

    :param coarse: from :func:`_coarse_faces`.
    :param box: ``(x0, y0, x1, y1)`` full-resolution pixels.
    """
    height, flat, area, step = coarse
    gh, gw = height.shape
    x0, y0, x1, y1 = (float(v) for v in box)
    j0, i0 = max(int(x0 / step), 0), max(int(y0 / step), 0)
    j1, i1 = min(int(np.ceil(x1 / step)) + 1, gw), min(int(np.ceil(y1 / step)) + 1, gh)
    win = height[i0:i1, j0:j1]
    if win.size == 0 or not np.isfinite(win).any():
        return False
    top = float(np.nanmax(win))
    low = flat[i0:i1, j0:j1] & (win <= top - 0.010)  # NaN compares False
    return float(area[i0:i1, j0:j1][low].sum()) >= 0.5e-4
