"""What ``~/debug_image`` shows for one frame, drawn to the frame's size.

The proposals (grey), the chosen box (green) and a banner with the verdict, drawn on a
copy of the colour frame. Pure numpy/OpenCV: the node converts the result to a message.

Sizes follow the frame, not a 640x480 one: lines, text and banner are scaled by the
frame's longer side over :data:`REFERENCE_SIDE` (never below their 640x480 size), and
the text shrinks further when the label would not fit the width. Fixed pixel sizes cut
the label of a 320x240 frame (a 353 px label, the pose falling off the image) and drew
1 px proposals and text 1.4% of the height on a 1920x1080 one, unreadable once a viewer
shrinks the image to its window.
"""

import cv2
import numpy as np

# The frame side (px) at which the sizes below were set: 640x480.
REFERENCE_SIDE = 640.0
FONT = cv2.FONT_HERSHEY_SIMPLEX
FONT_SCALE = 0.55
BANNER_PX = 24
MARGIN_PX = 6
CHOSEN_PX = 3


def debug_label(result):
    """Return ``(label, rgb colour)`` of the banner: the verdict, confidence and pose."""
    if result.chosen is not None:
        label = f'{result.command}: {result.chosen.confidence:.2f}'
        if result.track is not None:
            label += f' [track {result.track.id}]'
        if result.pose is not None:
            label += ' @ ({:.2f}, {:.2f}, {:.2f}) m'.format(*result.pose.position)
        return label, (0, 160, 0)
    label = f'{result.command}: {result.status.upper().replace("_", " ")}'
    if result.track is not None and result.track.state == 'held':
        label += f' (track {result.track.id} held, not seen)'
    return label, (220, 0, 0)


def debug_sizes(width, height, label):
    """Return the drawing sizes for a ``width`` x ``height`` frame and its ``label``.

    :return: dict of ``scale`` (line and banner factor, >= 1), ``font`` (cv2 font
        scale), ``text_px`` (text thickness), ``banner`` (banner height, px), ``origin``
        (text baseline start, px), ``line`` (proposal line, px), ``chosen`` (chosen box
        line, px). 640x480 gives the sizes of :data:`FONT_SCALE`, :data:`BANNER_PX`,
        :data:`MARGIN_PX` and :data:`CHOSEN_PX` exactly.
    """
    scale = max(1.0, max(width, height) / REFERENCE_SIDE)
    text_px = max(1, int(round(scale)))
    font = FONT_SCALE * scale
    margin = int(round(MARGIN_PX * scale))
    room = max(width - 2 * margin, 1)
    # Shrink to fit. The text's width is nearly proportional to the font scale, not
    # quite (strokes are whole pixels): measured again after each step.
    for _ in range(8):
        (tw, _), _ = cv2.getTextSize(label, FONT, font, text_px)
        if tw <= room:
            break
        font *= 0.98 * room / float(tw)
        text_px = max(1, int(round(text_px * room / float(tw))))
    text_scale = font / FONT_SCALE
    banner = max(int(round(BANNER_PX * text_scale)), 1)
    origin = (margin, int(round(17 * text_scale)))
    return {'scale': scale, 'font': font, 'text_px': text_px, 'banner': banner,
            'origin': origin, 'line': max(1, int(round(scale))),
            'chosen': max(1, int(round(CHOSEN_PX * scale)))}


def draw_debug(rgb, result):
    """Draw proposals (grey), the chosen box (green) and the verdict on the frame.

    :param rgb: (H, W, 3) uint8 RGB (not modified).
    :param result: :class:`clip_perception.pipeline.Result`.
    :return: (H, W, 3) uint8 RGB copy with the drawing.
    """
    img = np.ascontiguousarray(rgb).copy()
    label, colour = debug_label(result)
    size = debug_sizes(img.shape[1], img.shape[0], label)
    for box in result.proposals:
        x0, y0, x1, y1 = (int(round(v)) for v in box)
        cv2.rectangle(img, (x0, y0), (x1 - 1, y1 - 1), (150, 150, 150), size['line'])
    if result.chosen is not None:
        x0, y0, x1, y1 = (int(round(v)) for v in result.chosen.box)
        cv2.rectangle(img, (x0, y0), (x1 - 1, y1 - 1), (0, 255, 0), size['chosen'])
    cv2.rectangle(img, (0, 0), (img.shape[1], size['banner']), (255, 255, 255), -1)
    cv2.putText(img, label, size['origin'], FONT, size['font'], colour, size['text_px'],
                cv2.LINE_AA)
    return img
