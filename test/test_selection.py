"""Calibrated pick, not-found, and geometric resolution of spatial and size words."""

import numpy as np

from clip_perception.language import parse_command
from clip_perception.selection import calibrate
from clip_perception.selection import FOUND
from clip_perception.selection import NOT_FOUND
from clip_perception.selection import select

BOXES = np.array([[10, 100, 60, 150], [300, 100, 350, 150], [500, 300, 600, 420],
                  [305, 105, 345, 148]], float)
CAL = (20.0, -10.0)  # P = 0.5 at cosine 0.5


def test_calibration_is_monotonic_in_0_1():
    c = calibrate(np.array([-1.0, 0.0, 0.5, 1.0]), CAL)
    assert np.all(np.diff(c) > 0) and c[0] >= 0 and c[-1] <= 1
    assert c[2] == 0.5


def test_best_match_found_and_runners_up_ranked():
    sel = select(BOXES, [0.2, 0.9, 0.4, 0.7], parse_command('red ball'), 0.5, CAL)
    assert sel.status == FOUND and sel.chosen.index == 1
    assert [c.index for c in sel.ranked] == [1, 3, 2, 0]
    assert 0.99 < sel.chosen.confidence <= 1.0


def test_nothing_confident_is_not_found_with_reason():
    sel = select(BOXES, [0.2, 0.3, 0.1, 0.25], parse_command('teddy bear'), 0.5, CAL)
    assert sel.status == NOT_FOUND and sel.chosen is None
    assert 'threshold' in sel.reason and sel.ranked[0].index == 1


def test_no_proposals_is_not_found():
    sel = select(np.zeros((0, 4)), [], parse_command('ball'))
    assert sel.status == NOT_FOUND and 'no region proposals' in sel.reason


def test_spatial_words_choose_among_good_matches_ignoring_duplicates():
    cos = [0.9, 0.88, 0.3, 0.89]  # 3 is another box of object 1
    left = select(BOXES, cos, parse_command('the ball on the left'), 0.5, CAL)
    right = select(BOXES, cos, parse_command('the rightmost ball'), 0.5, CAL)
    assert left.chosen.index == 0
    assert right.chosen.index == 3  # object 1's best box (0.89 beats 0.88)
    # A weak match is never chosen by position alone.
    far_right = select(BOXES, cos, parse_command('the ball on the right'), 0.5, CAL,
                       margin=0.005)
    assert far_right.chosen.index == 0


def test_depth_and_size_words_use_geometry():
    cos = [0.9, 0.88, 0.87, 0.2]
    depths = np.array([1.2, 0.6, 0.9, np.nan])
    sizes = np.array([0.05, 0.09, 0.07, np.nan])
    near = select(BOXES, cos, parse_command('the nearest ball'), 0.5, CAL, depths=depths)
    far = select(BOXES, cos, parse_command('the farthest ball'), 0.5, CAL, depths=depths)
    big = select(BOXES, cos, parse_command('the largest ball'), 0.5, CAL, sizes=sizes)
    small = select(BOXES, cos, parse_command('the smallest ball'), 0.5, CAL, sizes=sizes)
    assert (near.chosen.index, far.chosen.index) == (1, 0)
    assert (big.chosen.index, small.chosen.index) == (1, 0)
