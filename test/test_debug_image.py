"""The debug image is drawn to the frame's size (clip_perception.debug_image)."""

import cv2
import numpy as np
import pytest

from clip_perception.debug_image import debug_label
from clip_perception.debug_image import debug_sizes
from clip_perception.debug_image import draw_debug
from clip_perception.debug_image import FONT
from clip_perception.geometry import PoseEstimate
from clip_perception.pipeline import Result
from clip_perception.selection import Candidate

COMMAND = 'the red ball left of the blue cube'


def result(width, height):
    """Return a found result whose box sits in the middle of a ``width`` x ``height`` frame."""
    box = (0.4 * width, 0.4 * height, 0.6 * width, 0.6 * height)
    chosen = Candidate(index=0, box=box, cosine=0.8, confidence=0.93)
    pose = PoseEstimate(position=np.array([0.01, -0.02, 0.8]), surface_point=np.zeros(3),
                        covariance=np.eye(3) * 1e-6, extent=np.ones(3) * 0.05, num_points=99)
    return Result(status='found', command=COMMAND, what='red ball', chosen=chosen,
                  ranked=(chosen,), pose=pose, reason='', proposals=np.array([box]))


def banner_text_columns(img, banner):
    """Columns of the banner (its first ``banner`` rows) holding text (not white)."""
    band = img[:banner]
    return np.nonzero((band < 250).any(axis=(0, 2)))[0]


def test_640x480_keeps_its_sizes():
    s = debug_sizes(640, 480, debug_label(result(640, 480))[0])
    assert (s['font'], s['text_px'], s['banner'], s['origin'], s['line'], s['chosen']) == \
        (0.55, 1, 24, (6, 17), 1, 3)


@pytest.mark.parametrize('width, height', [(320, 240), (300, 400), (212, 160)])
def test_the_label_of_a_small_frame_fits_its_width(width, height):
    """A 320x240 frame cut the 354 px label: the pose fell off the image."""
    found = result(width, height)
    img = draw_debug(np.zeros((height, width, 3), np.uint8), found)
    size = debug_sizes(width, height, debug_label(found)[0])
    (text_width, _), _ = cv2.getTextSize(debug_label(found)[0], FONT, size['font'],
                                         size['text_px'])
    assert size['origin'][0] + text_width <= width
    banner = size['banner']
    cols = banner_text_columns(img, banner)
    assert len(cols) and cols.max() < width - 2, (width, cols.max())
    assert (img[banner + 1:, :, :] != 255).any()  # the frame is still seen below it


@pytest.mark.parametrize('width, height', [(1920, 1080), (1280, 720)])
def test_lines_and_text_of_a_large_frame_grow_with_it(width, height):
    """1920x1080 drew 1 px proposals and text 1.4% of the height (24 px banner)."""
    s = debug_sizes(width, height, debug_label(result(width, height))[0])
    scale = width / 640.0
    assert s['banner'] >= 0.9 * 24 * scale and s['chosen'] >= round(3 * scale)
    assert s['line'] >= round(scale)
    img = draw_debug(np.zeros((height, width, 3), np.uint8), result(width, height))
    cols = banner_text_columns(img, s['banner'])
    # The label spans about the share of the width it spans at 640x480.
    ref = banner_text_columns(draw_debug(np.zeros((480, 640, 3), np.uint8),
                                         result(640, 480)), 24)
    assert abs((cols.max() - cols.min()) / width - (ref.max() - ref.min()) / 640) < 0.1
