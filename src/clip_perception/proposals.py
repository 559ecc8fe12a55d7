"""Class-agnostic region proposals: depth segmentation and image-only OpenCV methods.

Depth proposals are the connected regions that stand out of the dominant plane (the
table), cut apart at depth discontinuities; they give whole objects, which is what
keeps a cube's top face from beating the cube. Image-only proposals (selective search
on a downscaled frame, plus colour-saliency regions) cover frames without depth. Both
are merged by non-maximum suppression, depth first, and capped.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from clip_perception.geometry import back_project
from clip_perception.geometry import box_iou
from clip_perception.geometry import fit_plane_ransac

SOURCE_DEPTH, SOURCE_IMAGE = 'depth', 'image'


@dataclass(frozen=True)
class Proposals:
    """Candidate regions of one frame.

    ``boxes`` (N, 4) float64 ``x0, y0, x1, y1``; ``sources`` N strings; ``masks`` a list
    of (H, W) bool arrays or None per box (depth proposals carry their pixel mask);
    ``plane`` the fitted support plane or None.
    """

    boxes: np.ndarray
    sources: tuple
    masks: tuple
    plane: tuple | None

    def __len__(self):
        return len(self.boxes)


def height_above_plane(depth_m, intrinsics, plane, origin=(0, 0)):
    """Per-pixel height above ``plane`` in metres, NaN where depth is missing.

    :param depth_m: (H, W) float32 metres: the whole image, or a window of it.
    :param origin: ``(x0, y0)`` of the window in the full image.
    :return: (H, W) float32.
    """
    h, w = depth_m.shape
    x0, y0 = origin
    vs, us = np.mgrid[y0:y0 + h, x0:x0 + w]
    pts = back_project(us.ravel(), vs.ravel(), depth_m.ravel(), intrinsics)
    normal, offset = plane
    return (pts @ normal + offset).reshape(h, w).astype(np.float32)


def depth_proposals(depth_m, intrinsics, plane, min_height=0.01, max_height=0.45,
                    min_area_frac=0.0004, edge_jump=0.02):
    """Regions rising above the support plane, split at depth discontinuities.

    :param depth_m: (H, W) float32 metres, NaN = no reading.
    :param plane: ``(normal, offset)``.
    :param edge_jump: relative depth jump between neighbours that separates objects.
    :return: list of ``(box, mask)``.
    """
    h, w = depth_m.shape
    height = height_above_plane(depth_m, intrinsics, plane)
    fg = np.isfinite(height) & (height > min_height) & (height < max_height)
    # Fill single-pixel holes so missing readings do not cut an object in two.
    fg = cv2.morphologyEx(fg.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    z = np.nan_to_num(depth_m, nan=0.0)
    z = cv2.medianBlur(z.astype(np.float32), 3)
    gx = np.abs(np.diff(z, axis=1, prepend=z[:, :1]))
    gy = np.abs(np.diff(z, axis=0, prepend=z[:1, :]))
    edges = np.maximum(gx, gy) > edge_jump * np.maximum(z, 0.1)
    cut = fg & ~edges
    cut = cv2.morphologyEx(cut.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cut, connectivity=4)
    out = []
    min_area = max(int(min_area_frac * h * w), 12)
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if area < min_area or bw > 0.6 * w:
            continue
        # The depth-edge pixels stay out: at an occlusion they belong to either side.
        out.append(((float(x), float(y), float(x + bw), float(y + bh)), labels == i))
    return out


def mask_in_box(depth_m, intrinsics, plane, box, min_height=0.01):
    """Pixel mask of the main object inside ``box``, for proposals that carry none.

    The largest connected region of the box that rises above the support plane.

    :return: (H, W) bool, or None when nothing in the box rises above the plane.
    """
    h, w = depth_m.shape
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if x1 <= x0 or y1 <= y0:
        return None
    height = height_above_plane(depth_m[y0:y1, x0:x1], intrinsics, plane, (x0, y0))
    fg = (np.isfinite(height) & (height > min_height)).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=4)
    if n < 2:
        return None
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    mask = np.zeros((h, w), bool)
    mask[y0:y1, x0:x1] = labels == best
    return mask


def image_proposals(rgb, max_boxes=200, work_width=160):
    """Image-only proposals: selective search (fast mode) on a downscaled copy.

    Falls back to colour-saliency regions alone when OpenCV was built without
    ``ximgproc``.

    :param rgb: (H, W, 3) uint8.
    :return: (N, 4) float64 boxes in full-resolution pixels.
    """
    h, w = rgb.shape[:2]
    # Scale the longer side to ``work_width``: scaling the width alone turned a 1x640
    # frame into 160x102400 and unbounded work (field report); this bounds the work
    # image to work_width^2 pixels whatever the aspect ratio.
    scale = work_width / float(max(w, h))
    small = cv2.resize(rgb, (max(int(round(w * scale)), 1), max(int(round(h * scale)), 1)),
                       interpolation=cv2.INTER_AREA)
    boxes = [saliency_proposals(small)]
    if hasattr(cv2, 'ximgproc'):
        cv2.setNumThreads(1)
        ss = cv2.ximgproc.segmentation.createSelectiveSearchSegmentation()
        ss.setBaseImage(cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
        ss.switchToSelectiveSearchFast()
        rects = ss.process()[:max_boxes]
        if len(rects):
            r = rects.astype(np.float64)
            boxes.append(np.stack([r[:, 0], r[:, 1], r[:, 0] + r[:, 2], r[:, 1] + r[:, 3]], 1))
    boxes = np.concatenate([b for b in boxes if len(b)]) if any(len(b) for b in boxes) \
        else np.zeros((0, 4))
    # Rounding the work size can put a box edge a fraction of a pixel past the frame.
    boxes = np.clip(boxes / scale, 0.0, [w, h, w, h])
    sw, sh = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    keep = (sw >= 0.02 * w) & (sh >= 0.02 * h) & (sw <= 0.6 * w) & (sh <= 0.6 * h)
    return boxes[keep]


def saliency_proposals(rgb):
    """Regions whose colour stands out from the frame's dominant (background) colours.

    :param rgb: (H, W, 3) uint8 (a small copy).
    :return: (N, 4) float64 boxes in that copy's pixels.
    """
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    med = np.median(lab.reshape(-1, 3), axis=0)
    dist = np.linalg.norm(lab - med, axis=2)
    out = []
    for thr in (np.percentile(dist, 75), np.percentile(dist, 88)):
        mask = (dist > max(thr, 18.0)).astype(np.uint8)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, bw, bh, area in stats[1:n]:
            if area >= 6:
                out.append((x, y, x + bw, y + bh))
    return np.array(out, dtype=np.float64).reshape(-1, 4)


def nms(boxes, priorities, iou=0.6):
    """Greedy non-maximum suppression.

    :param boxes: (N, 4).
    :param priorities: (N,) higher is kept first.
    :return: indices kept, in priority order.
    """
    order = np.argsort(-np.asarray(priorities), kind='stable')
    keep = []
    ious = box_iou(boxes, boxes)
    suppressed = np.zeros(len(boxes), bool)
    for i in order:
        if suppressed[i]:
            continue
        keep.append(int(i))
        suppressed |= ious[i] > iou
    return np.array(keep, dtype=int)


def propose(rgb, depth_m=None, intrinsics=None, max_proposals=32, use_depth=True,
            use_image=True, nms_iou=0.6):
    """All proposals of a frame, depth first, merged by NMS and capped.

    :param rgb: (H, W, 3) uint8.
    :param depth_m: optional (H, W) float32 metres aligned with ``rgb``.
    :param intrinsics: needed with depth.
    :return: :class:`Proposals`.
    """
    boxes, sources, masks, prio = [], [], [], []
    plane = None
    if depth_m is not None and intrinsics is not None:
        plane = fit_plane_ransac(depth_m, intrinsics)  # the pose needs it either way
        if use_depth and plane is not None:
            for box, mask in depth_proposals(depth_m, intrinsics, plane):
                boxes.append(box)
                sources.append(SOURCE_DEPTH)
                masks.append(mask)
                prio.append(2.0)
    if use_image:
        img = image_proposals(rgb)
        n = len(img)
        for rank, box in enumerate(img):
            boxes.append(tuple(box))
            sources.append(SOURCE_IMAGE)
            masks.append(None)
            prio.append(1.0 - rank / max(n, 1))
    if not boxes:
        return Proposals(np.zeros((0, 4)), (), (), plane)
    arr = np.array(boxes, dtype=np.float64)
    keep = nms(arr, np.array(prio), nms_iou)[:max_proposals]
    return Proposals(arr[keep], tuple(sources[i] for i in keep),
                     tuple(masks[i] for i in keep), plane)
