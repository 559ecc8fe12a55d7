"""Square crops with context, resized to the model's input exactly as CLIPProcessor does.

Replaces the per-crop ``PIL.Image.crop`` + ``CLIPProcessor`` round trip: the frame is
normalised once, every box is made square (the processor would otherwise centre-crop
away the ends of tall or wide boxes) and padded with the normalisation mean where it
leaves the image (so the padding reads as zero), and each crop, a view of that one
tensor, is resized with torch's antialiased bicubic filter (PIL's) into one
pre-allocated batch for a single encoder forward. Measured against CLIPProcessor on the
test scenes: cosine scores within 0.003. A single ``grid_sample`` over all boxes is
batched too, but it cannot antialias each crop at its own scale: 0.027 off.

Also the shifted views of a box (``crop_views``, :func:`view_boxes`) and the mean of
their embeddings (:func:`mean_views`).
"""

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812

# Quarter turns (counter-clockwise, as torch.rot90 and np.rot90 count them) that bring a
# crop upright, by the ``image_up`` parameter: CLIP learned from upright photographs, and
# the bundled model scored an upside-down red ball 0.003 where the upright one is found
# (session 23). ``right``: the world's up points to the image's right, the upright image
# turned clockwise, so a crop is turned back counter-clockwise.
UPRIGHT_TURNS = {'up': 0, 'down': 2, 'right': 1, 'left': 3}

# Offset of the shifted views of a crop (the ``crop_views`` parameter), as a fraction of
# the square crop's side: a quarter of the bundled model's 16-pixel patch at its 64-pixel
# input (16 / 64 / 4). That model read the true box of a textured white ball anywhere
# from 0.04 to 0.99 over a +-4-pixel grid of box shifts (benchmarks/ros_eval_misses.py):
# a shift of part of a patch changes what each patch holds. A fraction of the side, not
# pixels, so a view moves the same share of the crop whatever the box's size, and the
# same share of the model's input for any checkpoint; a quarter of another checkpoint's
# patch is another fraction (ViT-B/32 at 224 px: 32 / 224 / 4 = 0.036), not measured.
VIEW_SHIFT = 0.0625
# Unit offsets (x, y) of each view of a crop, the box itself first, by view count:
# 5 = the box and shifted left, right, up and down (issue #13, helper-94: averaged, the
# bundled model found 74.3% of objects on scenes rendered differently against 71.7%).
# Nine, also the diagonals, was measured and not kept: 72.0%, and fewer bare shapes found
# than with one view (benchmarks/results/issue13_h97_views_shifted300.log).
VIEW_OFFSETS = {
    1: ((0, 0),),
    5: ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)),
}


def view_boxes(boxes, views, context=0.15, pixel_aspect=1.0, shift=VIEW_SHIFT):
    """Boxes of each box's ``views`` views: the box itself and shifted copies.

    A view is the box moved by ``shift`` times the side of its square crop
    (:func:`crop_sides`, so ``context`` and ``pixel_aspect`` as the crops are cut)
    along each offset of :data:`VIEW_OFFSETS`; vertical shifts are ``side *
    pixel_aspect`` high, the same distance in the scene.

    :param boxes: (N, 4) float ``x0, y0, x1, y1`` pixels.
    :param views: a key of :data:`VIEW_OFFSETS` (1: ``boxes`` themselves, unchanged).
    :param context: the crop context the crops are cut with.
    :param pixel_aspect: the camera's ``fy / fx``.
    :param shift: offset of a shifted view, a fraction of the crop's side.
    :return: (N * views, 4) float64 boxes, box ``i``'s views in rows ``i * views`` to
        ``i * views + views - 1``, its own box first.
    :raises KeyError: ``views`` is not a key of :data:`VIEW_OFFSETS`.
    """
    offsets = np.asarray(VIEW_OFFSETS[views], dtype=np.float64) * shift
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    if views == 1:
        return boxes
    side = crop_sides(boxes, context, pixel_aspect=pixel_aspect)
    dx = offsets[None, :, 0] * side[:, None]  # (N, V) pixels
    dy = offsets[None, :, 1] * (side * pixel_aspect)[:, None]
    d = np.stack([dx, dy, dx, dy], axis=2)
    return (boxes[:, None, :] + d).reshape(-1, 4)


def mean_views(embeddings, views):
    """Return the unit mean embedding of each box's views (rows as :func:`view_boxes` orders).

    :param embeddings: (N * views, D) float tensor of unit embeddings.
    :param views: views per box.
    :return: (N, D) tensor: each box's views averaged and renormalised (``embeddings``
        itself for one view).
    """
    if views == 1 or not len(embeddings):
        return embeddings
    mean = embeddings.view(-1, views, embeddings.shape[-1]).mean(1)
    return mean / mean.norm(dim=-1, keepdim=True)


def upright_crops(pixels, image_up):
    """Return a crop batch turned upright for a camera mounted as ``image_up`` says.

    :param pixels: (N, C, S, S) tensor (square crops: a quarter turn keeps the shape).
    :param image_up: ``up``, ``down``, ``left`` or ``right`` (:data:`UPRIGHT_TURNS`).
    :return: ``pixels`` itself for ``up``, else a turned contiguous copy.
    :raises KeyError: another ``image_up``.
    """
    turns = UPRIGHT_TURNS[image_up]
    return pixels if not turns else torch.rot90(pixels, turns, dims=(-2, -1)).contiguous()


def square_boxes(boxes, context=0.15, min_side=8.0, pixel_aspect=1.0):
    """Boxes square in the scene, centred on ``boxes``, grown by ``context`` each way.

    Square in the scene, not in pixels: with non-square pixels (``fy != fx``: a sensor
    binned or scaled in one direction, a renderer whose camera_info says so) a pixel
    spans ``1 / fx`` radians across and ``1 / fy`` down, so a crop square in pixels
    showed a ball as an ellipse once resized to the encoder's square input (fy = 2 fx:
    8 of 24 objects of another renderer's scenes found, against 16 with square pixels).
    Each box is ``side`` pixels wide and ``side * pixel_aspect`` high, ``side`` its
    longer side in width pixels (``max(w, h / pixel_aspect)``) times ``1 + 2 context``.

    :param boxes: (N, 4) float ``x0, y0, x1, y1`` pixels.
    :param pixel_aspect: ``fy / fx`` of the camera (1: square pixels, the boxes square).
    :return: (N, 4) float64 boxes (may extend past the image).
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    cx = 0.5 * (boxes[:, 0] + boxes[:, 2])
    cy = 0.5 * (boxes[:, 1] + boxes[:, 3])
    half = crop_sides(boxes, context, min_side, pixel_aspect) / 2.0
    half_y = half * pixel_aspect
    return np.stack([cx - half, cy - half_y, cx + half, cy + half_y], axis=1)


def crop_sides(boxes, context=0.15, min_side=8.0, pixel_aspect=1.0):
    """Widths in pixels of the square crops of ``boxes`` (:func:`square_boxes`).

    :param boxes: (N, 4) float ``x0, y0, x1, y1`` pixels.
    :return: (N,) float64: ``max(w, h / pixel_aspect) * (1 + 2 context)``, at least
        ``min_side``.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    side = np.maximum(boxes[:, 2] - boxes[:, 0], (boxes[:, 3] - boxes[:, 1]) / pixel_aspect)
    return np.maximum(side * (1.0 + 2.0 * context), min_side)


def normalise_image(rgb, mean, std, device='cpu', dtype=torch.float32):
    """Turn an RGB image into a normalised (1, 3, H, W) tensor.

    :param rgb: (H, W, 3) uint8 numpy array, RGB order; read-only is fine (an image
        decoded from ``bytes``, as a rosbag reader gives, is copied: torch cannot wrap a
        read-only array safely).
    :param mean: 3 floats in [0, 1] (the processor's ``image_mean``).
    :param std: 3 floats (the processor's ``image_std``).
    """
    rgb = np.ascontiguousarray(rgb)
    if not rgb.flags.writeable:
        rgb = rgb.copy()
    t = torch.from_numpy(rgb).to(device)
    t = t.permute(2, 0, 1).unsqueeze(0).to(dtype) / 255.0
    m = torch.tensor(mean, device=device, dtype=dtype).view(1, 3, 1, 1)
    s = torch.tensor(std, device=device, dtype=dtype).view(1, 3, 1, 1)
    return (t - m) / s


def crop_batch(image, boxes, size, lo=None, hi=None, pixel_aspect=1.0):
    """Cut ``boxes`` out of a normalised image into a (N, 3, size, size) batch.

    :param image: (1, 3, H, W) float tensor from :func:`normalise_image`.
    :param boxes: (N, 4) boxes from :func:`square_boxes` (pixel coordinates, rounded to
        whole pixels here), made with the same ``pixel_aspect``.
    :param size: output side in pixels.
    :param lo: optional (3,) lower bounds per channel: bicubic overshoot is clipped as
        PIL's 8-bit output is (pass the normalised values of 0 and 255).
    :param hi: optional (3,) upper bounds per channel.
    :param pixel_aspect: ``fy / fx``: each crop is ``side`` pixels wide and
        ``round(side * pixel_aspect)`` high, resized to square (square in the scene).
    :return: (N, 3, size, size) tensor, same dtype and device as ``image``.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    n = len(boxes)
    _, c, h, w = image.shape
    out = image.new_empty((n, c, size, size))
    if n == 0:
        return out
    x0, y0, side = integer_squares(boxes)
    tall = crop_heights(side, pixel_aspect)
    # Pad once, just enough for every box; zero is the mean colour after normalising.
    left, top = int(max(0, -x0.min())), int(max(0, -y0.min()))
    right = int(max(0, (x0 + side).max() - w))
    bottom = int(max(0, (y0 + tall).max() - h))
    padded = F.pad(image, (left, right, top, bottom)) if left + right + top + bottom else image
    for i in range(n):
        ys, xs = int(y0[i]) + top, int(x0[i]) + left
        view = padded[:, :, ys:ys + tall[i], xs:xs + side[i]]
        out[i] = F.interpolate(view, size=(size, size), mode='bicubic', antialias=True,
                               align_corners=False)[0]
    if lo is not None:
        out = torch.maximum(torch.minimum(out, hi.view(1, -1, 1, 1)), lo.view(1, -1, 1, 1))
    return out


def integer_squares(boxes):
    """Whole-pixel corners and widths ``(x0, y0, side)`` of boxes (int64 arrays).

    ``side`` is the width; a box of :func:`square_boxes` is ``side * pixel_aspect`` high.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    x0 = np.round(boxes[:, 0]).astype(np.int64)
    y0 = np.round(boxes[:, 1]).astype(np.int64)
    side = np.maximum(np.round(boxes[:, 2] - boxes[:, 0]).astype(np.int64), 1)
    return x0, y0, side


def crop_heights(side, pixel_aspect=1.0):
    """Whole-pixel heights of crops ``side`` pixels wide, square in the scene (int64)."""
    if pixel_aspect == 1.0:
        return side
    return np.maximum(np.round(side * pixel_aspect).astype(np.int64), 1)


def value_range(mean, std, device='cpu', dtype=torch.float32):
    """Normalised values of 0 and 255 per channel: ``(lo, hi)`` tensors of shape (3,)."""
    m = torch.tensor(mean, device=device, dtype=dtype)
    s = torch.tensor(std, device=device, dtype=dtype)
    return (0.0 - m) / s, (1.0 - m) / s
