"""Calibrated pick, not-found, and geometric resolution of spatial and size words."""

import numpy as np
import pytest

from clip_perception.language import parse_command
from clip_perception.selection import AMBIGUOUS
from clip_perception.selection import calibrate
from clip_perception.selection import distinct
from clip_perception.selection import FOUND
from clip_perception.selection import group_objects
from clip_perception.selection import NOT_FOUND
from clip_perception.selection import segment_owners
from clip_perception.selection import select
from clip_perception.selection import select_between
from clip_perception.selection import select_linked
from clip_perception.selection import under

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
    weak = [0.9, 0.45, 0.3, 0.44]
    far_right = select(BOXES, weak, parse_command('the ball on the right'), 0.5, CAL,
                       margin=0.005)
    assert far_right.chosen.index == 0
    # An instance under the threshold but about as good as the best is one (the model
    # often scores one of two twins a little low), and the reason says so; so is one
    # above the threshold, however far its cosine from the best.
    low = select(BOXES, weak, parse_command('the ball on the right'), 0.5, CAL, margin=0.5)
    assert low.chosen.index == 1 and 'under the threshold' in low.reason
    sure = select(BOXES, [0.9, 0.6, 0.3, 0.59], parse_command('the ball on the right'), 0.5,
                  CAL, margin=0.005)
    assert sure.chosen.index == 1 and 'under the threshold' not in sure.reason


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


# Two boxes of one description far apart, a third object, and a fragment inside box 0.
TWINS = np.array([[10, 100, 60, 150], [400, 100, 450, 150], [200, 300, 260, 360],
                  [20, 110, 45, 140]], float)


def test_two_equal_matches_without_a_deciding_word_are_ambiguous():
    sel = select(TWINS, [0.9, 0.89, 0.3, 0.88], parse_command('the red ball'), 0.5, CAL,
                 ambiguity_margin=0.05)
    assert sel.status == AMBIGUOUS and sel.chosen is None
    assert [c.index for c in sel.ambiguous] == [0, 1]  # the fragment 3 is not a third
    assert '"left or right"' in sel.reason
    picked = select(TWINS, [0.9, 0.89, 0.3, 0.88], parse_command('the red ball'), 0.5, CAL,
                    ambiguity_margin=0.05, on_ambiguous='pick')
    assert picked.status == FOUND and picked.chosen.index == 0 and 'although' in picked.reason
    # A deciding word, or a clear winner, is not ambiguous.
    left = select(TWINS, [0.9, 0.89, 0.3, 0.88], parse_command('the red ball on the right'),
                  0.5, CAL, ambiguity_margin=0.05)
    clear = select(TWINS, [0.9, 0.7, 0.3, 0.88], parse_command('the red ball'), 0.5, CAL,
                   ambiguity_margin=0.05)
    assert (left.status, left.chosen.index) == (FOUND, 1)
    assert (clear.status, clear.chosen.index) == (FOUND, 0)


def test_a_piece_of_an_object_that_does_not_match_is_never_the_answer():
    """"The cone" is not the top of a cylinder: a piece is read with its object.

    Bundled model: "the cone" with no cone in view was found on the top of a cylinder,
    and most shape-only misses were ``ambiguous`` answers between the object asked for
    and such a piece (a box in a segmented object's box, a tier under it). A piece of
    an object whose own box does not match is never the answer; a piece of an object
    that matches still is (it answers for its object), and twins stay ambiguous.
    """
    # 0: the cone (depth object), 1: the cylinder (depth object), 2: the cylinder's top
    # (an image box inside it, a tier under it), 3: a third object.
    boxes = np.array([[10, 100, 60, 160], [300, 100, 350, 200], [305, 100, 345, 135],
                      [500, 300, 560, 360]], float)
    priority = np.array([4.6, 4.5, 1.6, 4.4])
    q = parse_command('the cone')
    # The top outscores the cone, within the margin; the whole cylinder does not match.
    cos, conf = [0.88, 0.40, 0.90, 0.2], np.array([0.97, 0.05, 0.99, 0.01])
    sel = select(boxes, cos, q, 0.5, confidence=conf, priority=priority,
                 ambiguity_margin=0.05)
    assert (sel.status, sel.chosen.index) == (FOUND, 0), sel.reason
    # No cone in view, the top read as one: not found (it was found on the top).
    no_cone = np.array([0.10, 0.05, 0.99, 0.01])
    sel = select(boxes, [0.3, 0.40, 0.90, 0.2], q, 0.5, confidence=no_cone,
                 priority=priority, ambiguity_margin=0.05)
    assert sel.status == NOT_FOUND, sel.reason
    # When the cylinder matches whole too, its top is that object: two objects.
    conf2 = np.array([0.97, 0.80, 0.99, 0.01])
    sel = select(boxes, [0.88, 0.86, 0.90, 0.2], q, 0.5, confidence=conf2,
                 priority=priority, ambiguity_margin=0.05)
    assert sel.status == AMBIGUOUS and sorted(c.index for c in sel.ambiguous) == [0, 1]
    # Without the proposals' ranking nothing is known of pieces: as before.
    sel = select(boxes, cos, q, 0.5, confidence=conf, ambiguity_margin=0.05)
    assert sel.status == AMBIGUOUS
    sel = select(boxes, [0.3, 0.40, 0.90, 0.2], q, 0.5, confidence=no_cone)
    assert (sel.status, sel.chosen.index) == (FOUND, 2)


def test_nearer_or_farther_is_offered_when_depths_differ():
    boxes = np.array([[100, 100, 150, 150], [110, 300, 160, 350]], float)
    sel = select(boxes, [0.9, 0.9], parse_command('the cube'), 0.5, CAL,
                 depths=np.array([0.5, 0.8]), ambiguity_margin=0.05)
    assert sel.status == AMBIGUOUS and '"nearer or farther"' in sel.reason


def test_excluded_proposals_are_never_chosen():
    excluded = np.array([True, False, False, True])
    sel = select(TWINS, [0.9, 0.89, 0.3, 0.88], parse_command('the ball, not the red one'),
                 0.5, CAL, excluded=excluded, ambiguity_margin=0.05)
    assert sel.status == FOUND and sel.chosen.index == 1 and 'excluded' in sel.reason
    assert all(c.index not in (0, 3) for c in sel.ranked)
    none = select(TWINS, [0.9, 0.4, 0.3, 0.88], parse_command('the ball, not the red one'),
                  0.5, CAL, excluded=excluded)
    assert none.status == NOT_FOUND


def test_plural_collects_every_distinct_good_match():
    sel = select(TWINS, [0.9, 0.89, 0.3, 0.88], parse_command('all the red balls'), 0.5, CAL,
                 ambiguity_margin=0.05)
    assert sel.status == FOUND and [c.index for c in sel.targets] == [0, 1]


THREE = np.array([[10, 100, 60, 150], [400, 100, 450, 150], [200, 100, 250, 150],
                  [600, 400, 650, 450]], float)


def test_a_count_takes_that_many_or_says_how_many_were_found():
    # Field report: "the 2 red balls" and "three red balls" answered found with one ball
    # and nothing saying fewer were found than asked.
    cos = [0.9, 0.89, 0.88, 0.3]  # three good red balls (0, 1, 2), one other object
    sel = select(THREE, cos, parse_command('the two red balls'), 0.5, CAL)
    assert sel.status == FOUND and [c.index for c in sel.targets] == [0, 1]
    assert 'the 2 of 3 good match(es)' in sel.reason
    sel = select(THREE, cos, parse_command('the 2 red balls on the right'), 0.5, CAL)
    assert [c.index for c in sel.targets] == [1, 2] and 'right-most' in sel.reason
    for text in ('four red balls', 'the 4 red balls'):
        sel = select(THREE, cos, parse_command(text), 0.5, CAL)
        assert sel.status == NOT_FOUND and sel.targets in (None, ())
        assert 'asked for 4 but found only 3 good match(es) for "red ball"' in sel.reason



# The proposals of two twins as the pipeline sees them: each twin's segmented box (0, 1),
# a looser image box around twin 0 (2) and one around twin 1 (3), a fragment of twin 1
# inside its tight box but under a quarter of the loose box (4), a box spanning both
# twins (5), a sliver of twin 0, under a quarter of even its tight box (6), and a box
# around twin 1 over four times its size (7).
# Priority: the proposals' own ranking (segmented objects a tier above the rest).
SPLIT = np.array([[100, 100, 140, 160], [300, 100, 340, 160], [80, 90, 170, 170],
                  [290, 95, 380, 175], [305, 120, 330, 155], [90, 90, 350, 170],
                  [105, 130, 115, 158], [280, 40, 400, 200]], float)
SPLIT_PRIORITY = np.array([4.8, 4.8, 1.3, 1.3, 1.6, 1.1, 1.4, 1.2])
SPLIT_COS = np.array([0.90, 0.88, 0.92, 0.91, 0.86, 0.93, 0.87, 0.85])


def test_group_objects_links_fragments_and_leaves_out_spanning_boxes():
    order = list(np.argsort(-SPLIT_COS, kind='stable'))
    groups = group_objects(order, SPLIT, priority=SPLIT_PRIORITY)
    # Two objects, each answered by its segmented box; the spanning box 5 is left out.
    assert [g[0] for g in groups] == [0, 1]
    assert sorted(groups[1]) == [1, 3, 4, 7] and sorted(groups[0]) == [0, 2, 6]
    assert distinct(order, SPLIT, priority=SPLIT_PRIORITY) == [0, 1]
    # Without priorities the sliver is an object of its own (boxes alone cannot tell it
    # from a small object standing in front of a larger one).


def test_the_object_s_best_proposal_answers_for_it_not_a_looser_box():
    q = parse_command('all the red cubes')
    sel = select(SPLIT, SPLIT_COS, q, 0.5, CAL, priority=SPLIT_PRIORITY)
    assert [c.index for c in sel.targets] == [0, 1]  # no fragment, no spanning box
    amb = select(SPLIT, SPLIT_COS, parse_command('the red cube'), 0.5, CAL,
                 ambiguity_margin=0.05, priority=SPLIT_PRIORITY)
    assert amb.status == AMBIGUOUS and [c.index for c in amb.ambiguous] == [0, 1]
    # The object's cosine is its best box's: the margin is measured on 0.92 and 0.91.
    assert '0.920, 0.910' in amb.reason
    right = select(SPLIT, SPLIT_COS, parse_command('the red cube on the right'), 0.5, CAL,
                   priority=SPLIT_PRIORITY)
    assert right.status == FOUND and right.chosen.index == 1
    # A single object: its segmented box answers although a looser one scores higher.
    one = select(SPLIT[[0, 2]], SPLIT_COS[[0, 2]], parse_command('the red cube'), 0.5, CAL,
                 ambiguity_margin=0.05, priority=SPLIT_PRIORITY[[0, 2]])
    assert one.status == FOUND and one.chosen.index == 0
    assert one.ranked[0].index == 0 and one.ranked[1].index == 1


# A segmented object (depth, tier 4), a piece of it (a face or its opening, an image
# box or depth part a tier lower), a looser image box around it, and another object.
OWNED = np.array([[100, 100, 200, 200], [110, 150, 190, 200], [90, 90, 215, 215],
                  [300, 100, 350, 150]], float)
OWNED_PRIORITY = np.array([4.5, 2.2, 1.9, 4.2])


def test_pieces_and_looser_boxes_of_a_segmented_object_are_owned_by_it():
    # The face (all of it inside) and the looser box (64% of it inside): the same object,
    # as group_objects links them; the other object is nobody's piece.
    assert segment_owners(OWNED, OWNED_PRIORITY).tolist() == [-1, 0, 0, -1]
    # A box mostly outside the object's (a third of it inside) is not a piece of it.
    half_out = np.array([[100, 100, 200, 200], [170, 150, 260, 200]], float)
    assert segment_owners(half_out, [4.5, 2.2]).tolist() == [-1, -1]
    # Within one tier nothing owns anything: two nested image boxes are two proposals.
    assert segment_owners(OWNED, [1.5, 1.4, 1.3, 1.2]).tolist() == [-1, -1, -1, -1]
    assert segment_owners(OWNED[:1], OWNED_PRIORITY[:1]).tolist() == [-1]


@pytest.mark.parametrize('cos, conf, chosen, confidence', [
    # The front face of a yellow cube: best cosine, confidence 0.18 cropped alone; the
    # whole cube 0.57. Before, the face made the answer "not found" (pipeline scene
    # 20000107); now the cube answers.
    ([0.432, 0.441, 0.40, 0.05], [0.57, 0.18, 0.45, 0.0], 0, 0.57),
])
def test_a_piece_is_at_least_as_confident_as_its_object(cos, conf, chosen, confidence):
    sel = select(OWNED, np.array(cos), parse_command('the yellow block'), 0.5,
                 confidence=np.array(conf), priority=OWNED_PRIORITY)
    assert sel.status == FOUND and sel.chosen.index == chosen
    assert sel.chosen.confidence == pytest.approx(confidence)


def test_a_confident_piece_of_an_object_that_does_not_match_is_not_the_answer():
    """A face confident where its whole object is not: not found since session 17.

    Until then it answered with its own box (a lit face of an object that looks unlike
    training); so did the top of a cylinder for "the cone" with no cone in view. Not
    answering with such pieces cost 3 right objects of 300 on the shifted scenes and
    answered 49 more absent shapes of 262 not_found (selection._pieces_of_others).
    """
    sel = select(OWNED, np.array([0.30, 0.371, 0.28, 0.10]), parse_command('the yellow block'),
                 0.5, confidence=np.array([0.20, 0.80, 0.10, 0.0]), priority=OWNED_PRIORITY)
    assert sel.status == NOT_FOUND and sel.chosen is None
    assert 1 not in [c.index for c in sel.ranked]


def test_without_the_ranking_or_apart_from_the_object_a_box_keeps_its_confidence():
    q = parse_command('the yellow block')
    cos = np.array([0.432, 0.441, 0.40, 0.05])
    conf = np.array([0.57, 0.18, 0.45, 0.0])
    # Without the proposals' ranking nothing says the face is a piece of the cube.
    assert select(OWNED, cos, q, 0.5, confidence=conf).status == NOT_FOUND
    # Another object, segmented on its own, keeps its own confidence.
    other = select(OWNED, np.array([0.20, 0.30, 0.15, 0.40]), q, 0.5,
                   confidence=np.array([0.0, 0.3, 0.0, 0.9]), priority=OWNED_PRIORITY)
    assert other.status == FOUND and other.chosen.index == 3
    assert other.ranked[0].confidence == pytest.approx(0.9)
    # The face (0.3) of the cube (0.0) is not raised to anything: it is not ranked at all.
    assert 1 not in [c.index for c in other.ranked]


def test_ordinals_count_along_the_direction():
    boxes = np.array([[300, 100, 350, 150], [10, 100, 60, 150], [500, 100, 550, 150]], float)
    cos = [0.9, 0.88, 0.89]
    pick = {text: select(boxes, cos, parse_command(text), 0.5, CAL) for text in (
        'the second cube from the left', 'the first cube from the right', 'the last cube',
        'the fourth cube')}
    assert pick['the second cube from the left'].chosen.index == 0
    assert pick['the first cube from the right'].chosen.index == 2
    assert pick['the last cube'].chosen.index == 2
    assert pick['the fourth cube'].status == NOT_FOUND
    assert 'only 3' in pick['the fourth cube'].reason


# Two mugs (0, 1) and a ball (2) between them in x, nearer the right mug in 3D.
LINKED = np.array([[10, 200, 60, 250], [400, 200, 450, 250], [300, 210, 340, 250]], float)
MUG = np.array([0.9, 0.9, 0.2])
BALL = np.array([0.2, 0.2, 0.9])
POS = np.array([[-0.15, 0.05, 0.6], [0.12, 0.05, 0.6], [0.06, 0.05, 0.62]])


@pytest.mark.parametrize('text, want', [
    ('the mug next to the ball', 1), ('the mug left of the ball', 0),
    ('the mug right of the ball', 1), ('the mug on the left', 0),
])
@pytest.mark.parametrize('positions', [POS, None])
def test_relations_pick_the_pair_that_fits(text, want, positions):
    q = parse_command(text)
    ref = BALL if q.link else None
    sel = (select_linked(LINKED, MUG, ref, q, 0.5, CAL, positions=positions) if q.link
           else select(LINKED, MUG, q, 0.5, CAL))
    assert sel.status == FOUND and sel.chosen.index == want
    if q.link:
        assert sel.reference.index == 2 and '"ball"' in sel.reason
        assert ('3D' if positions is not None else 'image') in sel.reason


def test_relations_in_depth_and_height_in_3d_and_without_depth_in_the_image():
    # Mug 0 is behind the ball, mug 1 in front of it; the "up" vector is -y.
    pos = np.array([[0.0, 0.02, 0.8], [0.0, 0.06, 0.5], [0.0, 0.04, 0.65]])
    behind = select_linked(LINKED, MUG, BALL, parse_command('the mug behind the ball'), 0.5,
                           CAL, positions=pos)
    front = select_linked(LINKED, MUG, BALL, parse_command('the mug in front of the ball'),
                          0.5, CAL, positions=pos)
    assert (behind.chosen.index, front.chosen.index) == (0, 1)
    # In the image: the box whose bottom edge is higher is farther away.
    boxes = np.array([[100, 100, 140, 140], [100, 300, 140, 340], [200, 200, 240, 240]], float)
    behind = select_linked(boxes, MUG, BALL, parse_command('the mug behind the ball'), 0.5,
                           CAL)
    front = select_linked(boxes, MUG, BALL, parse_command('the mug in front of the ball'),
                          0.5, CAL)
    assert (behind.chosen.index, front.chosen.index) == (0, 1)
    # A block resting on a tray: above it in 3D, and directly above it in the image.
    boxes = np.array([[100, 100, 140, 140], [80, 138, 220, 170], [300, 100, 340, 140]], float)
    block, tray = np.array([0.9, 0.2, 0.9]), np.array([0.2, 0.9, 0.2])
    pos = np.array([[0.0, -0.03, 0.6], [0.02, 0.0, 0.6], [0.2, 0.0, 0.6]])
    q = parse_command('the block on the tray')
    for positions in (pos, None):
        sel = select_linked(boxes, block, tray, q, 0.5, CAL, positions=positions)
        assert sel.status == FOUND and sel.chosen.index == 0, sel.reason
    under = select_linked(boxes, tray, block, parse_command('the tray under the block'),
                          0.5, CAL, positions=pos)
    assert under.chosen.index == 1
    # No pair fits: not found, saying so.
    none = select_linked(LINKED, MUG, BALL, parse_command('the mug on the ball'), 0.5, CAL,
                         positions=POS)
    assert none.status == NOT_FOUND and 'on' in none.reason
    missing = select_linked(LINKED, MUG, MUG * 0, parse_command('the mug next to the tray'),
                            0.5, CAL, positions=POS)
    assert missing.status == NOT_FOUND and 'reference "tray"' in missing.reason


def test_above_and_below_are_as_the_camera_sees_them_in_3d_and_in_the_image():
    """"above" / "below": higher / lower as the camera sees it (helper-h117's brief).

    Read as "on" before, which needs the object over the other in 3D: a mug behind a ball
    on the table, higher in the image, was not found "above" it. Mug 0 stands behind the
    ball (higher in the image, smaller y), mug 1 in front of it (lower).
    """
    boxes = np.array([[100, 100, 140, 140], [100, 300, 140, 340], [200, 200, 240, 240]], float)
    pos = np.array([[0.0, -0.02, 0.8], [0.0, 0.06, 0.5], [0.05, 0.02, 0.65]])
    for positions in (pos, None):
        above = select_linked(boxes, MUG, BALL, parse_command('the mug above the ball'), 0.5,
                              CAL, positions=positions)
        below = select_linked(boxes, MUG, BALL, parse_command('the mug below the ball'), 0.5,
                              CAL, positions=positions)
        assert (above.status, below.status) == (FOUND, FOUND), (above.reason, below.reason)
        assert (above.chosen.index, below.chosen.index) == (0, 1)
        assert 'above' in above.reason and 'below' in below.reason
    # "on" still needs the object over the other in 3D: neither mug is on the ball.
    on = select_linked(boxes, MUG, BALL, parse_command('the mug on the ball'), 0.5, CAL,
                       positions=pos)
    assert on.status == NOT_FOUND


# The upright scene of the test above as a camera mounted otherwise sees it (the
# ``image_up`` parameter): a point (x, y) of the upright 640 x 480 image and a camera-frame
# point (X, Y, Z), turned so the world's up points that way in the image.
_TURNED = {
    'up': (lambda x, y: (x, y), lambda p: p),
    'down': (lambda x, y: (640 - x, 480 - y), lambda p: np.array([-p[0], -p[1], p[2]])),
    'left': (lambda x, y: (y, 640 - x), lambda p: np.array([p[1], -p[0], p[2]])),
    'right': (lambda x, y: (480 - y, x), lambda p: np.array([-p[1], p[0], p[2]])),
}


@pytest.mark.parametrize('image_up', ['up', 'down', 'left', 'right'])
def test_above_and_below_follow_the_way_the_camera_is_mounted(image_up):
    """"above" / "below" along the world's up as the image shows it (helper-h127's brief).

    Read along the optical -y whatever ``image_up`` said, a camera upside down found the
    lower mug "above" the ball, and one on its side read height across the image. The
    scene of the test above, turned: mug 0 is still above the ball, mug 1 below it.
    """
    point, turn = _TURNED[image_up]
    upright = np.array([[100, 100, 140, 140], [100, 300, 140, 340], [200, 200, 240, 240]],
                       float)
    boxes = []
    for x0, y0, x1, y1 in upright:
        (ax, ay), (bx, by) = point(x0, y0), point(x1, y1)
        boxes.append([min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)])
    boxes = np.array(boxes)
    pos = np.array([turn(p) for p in [[0.0, -0.02, 0.8], [0.0, 0.06, 0.5], [0.05, 0.02, 0.65]]])
    for positions in (pos, None):
        above = select_linked(boxes, MUG, BALL, parse_command('the mug above the ball'), 0.5,
                              CAL, positions=positions, image_up=image_up)
        below = select_linked(boxes, MUG, BALL, parse_command('the mug below the ball'), 0.5,
                              CAL, positions=positions, image_up=image_up)
        assert (above.status, below.status) == (FOUND, FOUND), (above.reason, below.reason)
        assert (above.chosen.index, below.chosen.index) == (0, 1), positions


@pytest.mark.parametrize('image_up', ['up', 'down', 'left', 'right'])
def test_top_and_bottom_follow_the_way_the_camera_is_mounted(image_up):
    """"the top ball", "the lowest ball", "the second highest ball" along the world's up.

    Session 40: the place words "top" / "bottom" were read along the image's rows whatever
    ``image_up`` said, while "above" / "below" followed it: on a camera on its side "the
    top ball" was the one furthest along the table's width. Three balls up the upright
    image (0 highest, 2 lowest), a fourth low and to the left (3), turned as the camera
    is mounted; "left" stays along the image's columns.
    """
    point, _ = _TURNED[image_up]
    upright = np.array([[260, 40, 300, 80], [300, 200, 340, 240], [340, 400, 380, 440],
                        [80, 300, 120, 340]], float)
    boxes = []
    for x0, y0, x1, y1 in upright:
        (ax, ay), (bx, by) = point(x0, y0), point(x1, y1)
        boxes.append([min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)])
    boxes = np.array(boxes)
    cosine = np.full(4, 0.9)
    width = 480 if image_up in ('left', 'right') else 640
    picked = {}
    for said in ('the top ball', 'the lowest ball', 'the second highest ball',
                 'the bottom two balls', 'the leftmost ball'):
        sel = select(boxes, cosine, parse_command(said), 0.5, CAL, image_width=width,
                     image_up=image_up)
        assert sel.status == FOUND, (said, sel.reason)
        picked[said] = sorted(c.index for c in sel.targets) if len(sel.targets) > 1 \
            else sel.chosen.index
    assert picked['the top ball'] == 0
    assert picked['the lowest ball'] == 2
    assert picked['the second highest ball'] == 1
    assert picked['the bottom two balls'] == [2, 3]
    leftmost = int(np.argmin(boxes[:, 0] + boxes[:, 2]))
    assert picked['the leftmost ball'] == leftmost


def test_a_confidence_under_the_threshold_reads_under_it():
    """Two decimals rounded said "confidence 0.99 < threshold 0.99" (trial 33)."""
    for value, limit, text in ((0.987, 0.99, '0.987'), (0.9996, 1.0, '0.999'),
                               (0.3, 0.5, '0.300'), (0.4999, 0.5, '0.499'),
                               (0.12345, 0.1235, '0.12345')):
        assert under(value, limit) == text, (value, limit)
        assert float(under(value, limit)) < limit
    boxes = np.array([[0, 0, 10, 10], [20, 0, 30, 10]], float)
    sel = select(boxes, np.array([0.30, 0.1]), parse_command('the red ball'),
                 threshold=0.99, confidence=np.array([0.987, 0.2]))
    assert sel.status == NOT_FOUND
    assert 'has confidence 0.987 < threshold 0.99' in sel.reason, sel.reason


# Between (session 18): a mug (0), a cube (1), two balls (2: between them, 3: beyond the
# cube, in line with both) and a ball level with the mug but far off their line (4).
BETWEEN_BOXES = np.array([[10, 200, 60, 250], [300, 200, 350, 250], [150, 205, 190, 245],
                          [450, 205, 490, 245], [20, 20, 60, 60]], float)
BETWEEN_POS = np.array([[-0.20, 0.05, 0.6], [0.0, 0.05, 0.6], [-0.11, 0.05, 0.61],
                        [0.12, 0.05, 0.6], [-0.19, 0.05, 0.95]])
IS_BALL = np.array([0.2, 0.2, 0.9, 0.9, 0.9])
IS_MUG = np.array([0.9, 0.2, 0.2, 0.2, 0.2])
IS_CUBE = np.array([0.2, 0.9, 0.2, 0.2, 0.2])


@pytest.mark.parametrize('positions', [BETWEEN_POS, None])
def test_between_picks_the_match_on_the_segment_of_the_two_references(positions):
    q = parse_command('the ball between the mug and the cube')
    assert (q.link, q.reference.what, q.second_reference.what) == ('between', 'mug', 'cube')
    sel = select_between(BETWEEN_BOXES, IS_BALL, (IS_MUG, IS_CUBE), q, 0.5, CAL,
                         positions=positions)
    assert sel.status == FOUND and sel.chosen.index == 2, sel.reason
    assert sel.reference.index == 0 and '"mug"' in sel.reason and '"cube"' in sel.reason
    assert ('3D' if positions is not None else 'image') in sel.reason
    # The same two references the other way round: the same ball.
    q2 = parse_command('the ball between the cube and the mug')
    sel = select_between(BETWEEN_BOXES, IS_BALL, (IS_CUBE, IS_MUG), q2, 0.5, CAL,
                         positions=positions)
    assert sel.chosen.index == 2, sel.reason


def test_between_finds_nothing_beyond_or_off_the_segment_and_says_which_is_missing():
    q = parse_command('the ball between the mug and the cube')
    balls_off = np.array([0.2, 0.2, 0.2, 0.9, 0.9])  # only the ball beyond and the far one
    sel = select_between(BETWEEN_BOXES, balls_off, (IS_MUG, IS_CUBE), q, 0.5, CAL,
                         positions=BETWEEN_POS)
    assert sel.status == NOT_FOUND and 'lies between' in sel.reason, sel.reason
    no_cube = np.full(5, 0.2)
    sel = select_between(BETWEEN_BOXES, IS_BALL, (IS_MUG, no_cube), q, 0.5, CAL,
                         positions=BETWEEN_POS)
    assert sel.status == NOT_FOUND and '"cube", which "between" refers to' in sel.reason


def test_between_two_of_one_description_takes_two_distinct_objects():
    # "between the two mugs": mugs 0 and 1 (one description); the ball between them.
    q = parse_command('the ball between the two mugs')
    assert q.reference.what == q.second_reference.what == 'mug'
    mugs = np.array([0.9, 0.9, 0.2, 0.2, 0.2])
    sel = select_between(BETWEEN_BOXES, IS_BALL, (mugs, mugs), q, 0.5, CAL,
                         positions=BETWEEN_POS)
    assert sel.status == FOUND and sel.chosen.index == 2, sel.reason
    one_mug = np.array([0.9, 0.2, 0.2, 0.2, 0.2])
    sel = select_between(BETWEEN_BOXES, IS_BALL, (one_mug, one_mug), q, 0.5, CAL,
                         positions=BETWEEN_POS)
    assert sel.status == NOT_FOUND, sel.reason


# "in" (session 18): a bowl (0), a ball in it (1), a ball beside it (2) and a ball behind
# it that the image shows inside its box (3).
IN_BOXES = np.array([[100, 200, 260, 280], [160, 215, 200, 255], [300, 220, 340, 260],
                     [150, 190, 190, 230]], float)
IN_POS = np.array([[0.0, 0.05, 0.60], [0.005, 0.04, 0.60], [0.15, 0.04, 0.60],
                   [0.0, 0.0, 0.85]])
IN_SIZES = np.array([0.16, 0.04, 0.04, 0.04])
IS_BOWL = np.array([0.9, 0.2, 0.2, 0.2])
BALLS = np.array([0.2, 0.9, 0.9, 0.9])


@pytest.mark.parametrize('text', ['the ball in the bowl', 'the ball inside the bowl',
                                  'the ball within the bowl'])
def test_in_picks_the_object_inside_the_reference_not_behind_or_beside_it(text):
    q = parse_command(text)
    assert (q.link, q.reference.what) == ('in', 'bowl')
    sel = select_linked(IN_BOXES, BALLS, IS_BOWL, q, 0.5, CAL, positions=IN_POS,
                        sizes=IN_SIZES)
    assert sel.status == FOUND and sel.chosen.index == 1 and '3D' in sel.reason, sel.reason
    # Only the ball behind the bowl and the one beside it: none is in it.
    sel = select_linked(IN_BOXES, np.array([0.2, 0.2, 0.9, 0.9]), IS_BOWL, q, 0.5, CAL,
                        positions=IN_POS, sizes=IN_SIZES)
    assert sel.status == NOT_FOUND, sel.reason
    # Without depth, the image decides: the centre inside the bowl's box.
    sel = select_linked(IN_BOXES[:3], BALLS[:3], IS_BOWL[:3], q, 0.5, CAL)
    assert sel.status == FOUND and sel.chosen.index == 1 and 'image' in sel.reason


def test_the_middle_of_a_row_is_the_one_between_the_others():
    # Session 18's trial: three cubes left of the image's centre; "the middle cube" was
    # the one nearest the centre (the right one), not the one between the others.
    boxes = np.array([[40, 100, 90, 150], [140, 100, 190, 150], [240, 100, 290, 150]],
                     float)
    sel = select(boxes, [0.9, 0.88, 0.89], parse_command('the middle cube'), 0.5, CAL,
                 image_width=640)
    assert sel.chosen.index == 1, sel.reason
    # Two of them: the one nearer the image's centre, as before.
    sel = select(boxes[1:], [0.9, 0.88], parse_command('the cube in the middle'), 0.5, CAL,
                 image_width=640)
    assert sel.chosen.index == 1, sel.reason


def test_counting_back_from_the_last_and_past_the_first_is_not_found():
    boxes = np.array([[300, 100, 350, 150], [10, 100, 60, 150], [500, 100, 550, 150]], float)
    cos = [0.9, 0.88, 0.89]
    sel = select(boxes, cos, parse_command('the second to last cube'), 0.5, CAL)
    assert sel.chosen.index == 0 and 'number 2 back from the last' in sel.reason
    sel = select(boxes, cos, parse_command('the fifth from last cube'), 0.5, CAL)
    assert sel.status == NOT_FOUND and 'only 3' in sel.reason, sel.reason


@pytest.mark.parametrize('positions', [POS, None])
def test_far_from_picks_the_farthest_pair(positions):
    # Session 18's trial: "the ball farthest from the mug" was the farthest "ball mug".
    for text in ('the mug farthest from the ball', 'the mug further away from the ball',
                 'the mug far from the ball'):
        q = parse_command(text)
        assert (q.link, q.reference.what) == ('far_from', 'ball'), text
        sel = select_linked(LINKED, MUG, BALL, q, 0.5, CAL, positions=positions)
        assert sel.status == FOUND and sel.chosen.index == 0, (text, sel.reason)
    q = parse_command('the mug nearest the ball')
    assert q.link == 'next_to'
    assert select_linked(LINKED, MUG, BALL, q, 0.5, CAL, positions=positions).chosen.index == 1


@pytest.mark.parametrize('text', ['the bowl with the ball in it', 'the bowl containing the ball',
                                  'the bowl holding the ball'])
def test_holds_picks_the_object_the_reference_is_in(text):
    # "X holds Y" is "Y in X" (session 19's trial: "the mug with the red ball in it" was
    # one phrase, "mug with red ball"): the bowl (0) holds the ball (1); a second bowl
    # (4), with no ball in it, is beside them.
    boxes = np.vstack([IN_BOXES, [[420, 200, 580, 280]]])
    positions = np.vstack([IN_POS, [[0.3, 0.05, 0.6]]])
    sizes = np.append(IN_SIZES, 0.16)
    bowls, balls = np.append(IS_BOWL, 0.9), np.append(BALLS, 0.2)
    q = parse_command(text)
    assert (q.what, q.link, q.reference.what) == ('bowl', 'holds', 'ball'), text
    sel = select_linked(boxes, bowls, balls, q, 0.5, CAL, positions=positions, sizes=sizes)
    assert sel.status == FOUND and sel.chosen.index == 0 and '3D' in sel.reason, sel.reason
    sel = select_linked(boxes, bowls, balls, q, 0.5, CAL)
    assert sel.status == FOUND and sel.chosen.index == 0 and 'image' in sel.reason
    # No ball in any bowl: nothing holds one.
    sel = select_linked(boxes, bowls, np.array([0.2, 0.2, 0.9, 0.9, 0.2]), q, 0.5, CAL,
                        positions=positions, sizes=sizes)
    assert sel.status == NOT_FOUND, sel.reason


def test_ordinals_and_counts_with_a_size_count_along_the_size():
    # Session 19's trial: "the second smallest ball" was counted from the left.
    boxes = np.array([[10, 100, 90, 180], [200, 100, 230, 130], [400, 100, 450, 150]],
                     float)
    cos = [0.9, 0.88, 0.89]
    pick = {text: select(boxes, cos, parse_command(text), 0.5, CAL) for text in (
        'the second smallest ball', 'the second largest ball', 'the third smallest ball',
        'the two biggest balls', 'the 2 smallest balls')}
    assert pick['the second smallest ball'].chosen.index == 2
    assert 'number 2 from the smallest' in pick['the second smallest ball'].reason
    assert pick['the second largest ball'].chosen.index == 2
    assert pick['the third smallest ball'].chosen.index == 0
    assert [t.index for t in pick['the two biggest balls'].targets] == [0, 2]
    assert [t.index for t in pick['the 2 smallest balls'].targets] == [1, 2]
    # Metric sizes, where known, decide over the boxes' sizes.
    sel = select(boxes, cos, parse_command('the second smallest ball'), 0.5, CAL,
                 sizes=np.array([0.05, 0.09, 0.07]))
    assert sel.chosen.index == 2


def test_any_one_of_equal_matches_is_no_ambiguous_answer():
    for text in ('any red ball', 'a red ball', 'pick up either red ball'):
        sel = select(TWINS, [0.9, 0.89, 0.3, 0.88], parse_command(text), 0.5, CAL,
                     ambiguity_margin=0.05)
        assert sel.status == FOUND and sel.chosen.index == 0, (text, sel.reason)
        assert 'any one of 2' in sel.reason


def test_a_plural_with_a_size_takes_the_matches_on_that_side_of_the_largest_gap():
    boxes = np.array([[10, 100, 40, 130], [100, 100, 150, 150], [200, 100, 232, 132],
                      [300, 100, 352, 152]], float)
    cos = [0.9, 0.88, 0.89, 0.87]
    small = select(boxes, cos, parse_command('the small balls'), 0.5, CAL)
    large = select(boxes, cos, parse_command('the big balls'), 0.5, CAL)
    assert [t.index for t in small.targets] == [0, 2] and 'the 2 smaller' in small.reason
    assert [t.index for t in large.targets] == [1, 3]
    # Sizes within SIZE_GAP of each other: all, saying so.
    alike = select(boxes[[0, 2]], cos[:2], parse_command('the small balls'), 0.5, CAL)
    assert len(alike.targets) == 2 and 'no two sizes part' in alike.reason


def test_an_ordinal_with_a_relation_counts_from_the_reference():
    # Three mugs left of a ball (3), at 0.1, 0.2 and 0.3 m from it.
    boxes = np.array([[300, 200, 340, 240], [200, 200, 240, 240], [100, 200, 140, 240],
                      [420, 200, 460, 240]], float)
    positions = np.array([[-0.1, 0.05, 0.6], [-0.2, 0.05, 0.6], [-0.3, 0.05, 0.6],
                          [0.0, 0.05, 0.6]])
    mugs, ball = np.array([0.9, 0.9, 0.9, 0.2]), np.array([0.2, 0.2, 0.2, 0.9])
    for text, want in (('the second mug left of the ball', 1),
                       ('the first mug left of the ball', 0),
                       ('the last mug left of the ball', 2)):
        for pos in (positions, None):
            sel = select_linked(boxes, mugs, ball, parse_command(text), 0.5, CAL,
                                positions=pos)
            assert sel.status == FOUND and sel.chosen.index == want, (text, sel.reason)
    sel = select_linked(boxes, mugs, ball, parse_command('the fourth mug left of the ball'),
                        0.5, CAL, positions=positions)
    assert sel.status == NOT_FOUND and 'only 3' in sel.reason, sel.reason
    # A plural: every one that fits, nearest first; a count: that many (one was answered).
    for pos in (positions, None):
        sel = select_linked(boxes, mugs, ball, parse_command('the mugs left of the ball'),
                            0.5, CAL, positions=pos)
        assert [t.index for t in sel.targets] == [0, 1, 2], sel.reason
        sel = select_linked(boxes, mugs, ball, parse_command('the two mugs left of the ball'),
                            0.5, CAL, positions=pos)
        assert [t.index for t in sel.targets] == [0, 1] and sel.chosen.index == 0
    sel = select_linked(boxes, mugs, ball, parse_command('all the mugs right of the ball'),
                        0.5, CAL, positions=positions)
    assert sel.status == NOT_FOUND, sel.reason


# Another renderer's frames (benchmarks/other_renderer_misses.py): the segmented box of an
# object (0, tier 4), a box of it that its crop reads better (1), and another object (2).
LOOSE_CASES = {
    # A cylinder with its hard shadow (scene 16): 44% of the box on the cylinder's, so
    # no piece, and the answer at IoU 0.43 with the cylinder.
    'cylinder and its shadow': (
        [[162, 158, 210, 210], [131, 156, 204, 224], [308, 190, 334, 214]],
        [5.83, 1.71, 4.86], [0.466, 0.484, -0.021], [0.127, 0.850, 0.0]),
    # A box shifted down from a small cube (scene 15, "the cube"): IoU 0.34 with it.
    'cube, shifted box': (
        [[168, 210, 194, 246], [163, 201, 214, 230], [301, 176, 346, 236]],
        [5.15, 1.45, 5.84], [0.292, 0.363, -0.41], [0.152, 0.523, 0.0]),
    # The lit face of a cube that matches on its own but outside the margin of the face:
    # the face was the answer, the cube's box is.
    'face of a matching cube': (
        [[100, 100, 200, 200], [110, 150, 190, 200], [300, 100, 350, 150]],
        [4.5, 2.2, 4.2], [0.40, 0.55, 0.1], [0.60, 0.95, 0.0]),
}


@pytest.mark.parametrize('case', sorted(LOOSE_CASES))
def test_the_segmented_box_answers_for_a_good_box_of_its_object(case):
    """A good match that is a box of a segmented object is answered with the object's box.

    The object's own crop scored no good match (under the threshold, or outside the
    margin), so the looser, shifted or partial box answered (IoU 0.34 and 0.43 with the
    object in the first two). On 40 scenes of the benchmark 3 of its 4 wrong-box answers.
    """
    boxes, priority, cos, conf = (np.array(v, float) for v in LOOSE_CASES[case])
    sel = select(boxes, cos, parse_command('the green cube'), 0.5, confidence=conf,
                 priority=priority, ambiguity_margin=0.08)
    assert sel.status == FOUND and sel.chosen.index == 0, sel.reason
    # The object is as confident as its best box.
    assert sel.chosen.confidence == pytest.approx(conf[1])


def test_a_looser_box_around_two_objects_is_answered_by_neither():
    # Two segmented objects side by side and an image box around both, the only good
    # match: it is no box of either, so neither object's box stands in for it.
    boxes = np.array([[100, 100, 150, 150], [160, 100, 210, 150], [95, 95, 215, 155]], float)
    sel = select(boxes, np.array([0.3, 0.3, 0.6]), parse_command('the green cube'), 0.5,
                 confidence=np.array([0.1, 0.1, 0.9]), priority=np.array([5.0, 5.0, 1.5]))
    assert sel.status == FOUND and sel.chosen.index == 2
    # A face lying wholly inside a cube that does not match is still no answer.
    face = select(OWNED, np.array([0.30, 0.371, 0.28, 0.10]), parse_command('the cube'),
                  0.5, confidence=np.array([0.20, 0.80, 0.10, 0.0]),
                  priority=OWNED_PRIORITY)
    assert face.status == NOT_FOUND


# Four like objects in a 2x2 arrangement as a camera over a table sees it: the far row
# smaller and drawn in towards the middle (perspective), so the top-left one is not the
# left-most box (helper-88: "the red ball top left" picked the left-most, on the bottom).
GRID = np.array([[238, 144, 276, 181], [363, 144, 400, 181],    # far (top) left, right
                 [225, 226, 269, 269], [370, 226, 414, 269]], float)  # near (bottom)
GRID_DEPTHS = np.array([0.85, 0.85, 0.73, 0.73])


@pytest.mark.parametrize('text, index', [
    ('the ball top left', 0), ('the ball in the top right corner', 1),
    ('the bottom left ball', 2), ('the lower right ball', 3),
    ('the far left ball', 0), ('the front right ball', 3), ('the ball at the back right', 1),
    ('the upper right ball', 1), ('the ball bottom-left', 2)])
def test_two_directions_pick_the_object_extreme_in_both(text, index):
    cos = [0.8, 0.8, 0.8, 0.8]
    for depths in (GRID_DEPTHS, None):  # near/far from depth, else lower is nearer
        s = select(GRID, cos, parse_command(text), 0.5, CAL, depths=depths)
        assert s.status == FOUND and s.chosen.index == index, (text, s.reason)
        assert ' of 4 good match(es)' in s.reason and ' and ' in s.reason, s.reason
    # One direction alone is read as before: the left-most box is a bottom one.
    assert select(GRID, cos, parse_command('the ball on the left'), 0.5, CAL).chosen.index == 2


def test_when_no_object_is_extreme_in_both_the_reason_says_so():
    cos = [0.8, 0.8, 0.8, 0.8]
    s = select(GRID, cos, parse_command('the ball top left'), 0.5, CAL)
    assert 'none is both the left-most and the top-most' in s.reason, s.reason
    # A square grid: the bottom-left box is first on both, so nothing to say.
    square = np.array([[0, 0, 10, 10], [20, 0, 30, 10], [0, 20, 10, 30], [20, 20, 30, 30]],
                      float)
    s = select(square, cos, parse_command('the ball bottom left'), 0.5, CAL)
    assert s.chosen.index == 2 and 'none is both' not in s.reason, s.reason
    # Counted along both: the second from the top left of a row of three on a diagonal.
    diagonal = np.array([[0, 0, 10, 10], [20, 20, 30, 30], [40, 40, 50, 50]], float)
    s = select(diagonal, cos[:3], parse_command('the second ball from the top left'), 0.5,
               CAL)
    assert s.chosen.index == 1 and 'from the left and top' in s.reason, s.reason


# Ties for a place said (helper-91's open case: "the one top left" of two on a diagonal,
# one left and low, one right and high, went to the list order).
DIAGONAL_PAIR = np.array([[100, 300, 140, 340], [400, 100, 440, 140]], float)  # low L, high R


def test_two_objects_equally_near_a_corner_are_ambiguous_naming_the_words_that_decide():
    for order in ([0, 1], [1, 0]):  # the list order decides nothing
        boxes = DIAGONAL_PAIR[order]
        s = select(boxes, [0.8, 0.8], parse_command('the one top left'), 0.5, CAL)
        assert s.status == AMBIGUOUS and s.chosen is None, s.reason
        assert sorted(c.index for c in s.ambiguous) == [0, 1], s
        assert 'tie for "left and top"' in s.reason, s.reason
        assert '"the left one", "the top one"' in s.reason, s.reason
        # Asked to pick: the first place word said decides, and the reason says so.
        s = select(boxes, [0.8, 0.8], parse_command('the one top left'), 0.5, CAL,
                   on_ambiguous='pick')
        assert s.status == FOUND and s.chosen.index == order.index(0), s.reason
        assert 'picked by "left" although' in s.reason, s.reason
    # Each word alone decides, as the reason says.
    assert select(DIAGONAL_PAIR, [0.8, 0.8], parse_command('the left one'), 0.5,
                  CAL).chosen.index == 0
    assert select(DIAGONAL_PAIR, [0.8, 0.8], parse_command('the top one'), 0.5,
                  CAL).chosen.index == 1


def test_three_on_a_diagonal_tie_and_one_nearer_the_corner_wins():
    three = np.array([[0, 200, 40, 240], [100, 100, 140, 140], [200, 0, 240, 40]], float)
    s = select(three, [0.8] * 3, parse_command('the ball top left'), 0.5, CAL)
    assert s.status == AMBIGUOUS and len(s.ambiguous) == 3, s.reason
    # The middle one a little up and left of the line: nearer the corner, no tie.
    nearer = three + np.array([[0, 0, 0, 0], [-40, -40, -40, -40], [0, 0, 0, 0]])
    s = select(nearer, [0.8] * 3, parse_command('the ball top left'), 0.5, CAL)
    assert s.status == FOUND and s.chosen.index == 1, s.reason


def test_a_column_of_two_is_read_along_the_word_that_parts_them():
    # One above the other in the left column, 2 px apart across: "top left" is the top
    # one (across counts for little under half a box), not the list's first.
    column = np.array([[102, 300, 142, 340], [100, 100, 140, 140], [400, 200, 440, 240]],
                      float)
    s = select(column, [0.8] * 3, parse_command('the ball top left'), 0.5, CAL)
    assert s.status == FOUND and s.chosen.index == 1, s.reason
    # "the left ball" of a column exactly as far left: a tie, with what would decide.
    column[0, [0, 2]] = column[1, [0, 2]]
    s = select(column, [0.8] * 3, parse_command('the left ball'), 0.5, CAL)
    assert s.status == AMBIGUOUS and sorted(c.index for c in s.ambiguous) == [0, 1], s.reason
    assert '"nearer or farther"' in s.reason, s.reason


def test_a_count_or_a_rank_along_a_place_that_ties_is_ambiguous():
    # Two balls one above the other at the left, one further right: which is "the second
    # from the left" (and which two are "the two left-most") was the list's order.
    four = np.array([[100, 300, 140, 340], [300, 300, 340, 340], [300, 100, 340, 140],
                     [500, 200, 540, 240]], float)
    s = select(four, [0.8] * 4, parse_command('the second ball from the left'), 0.5, CAL)
    assert s.status == AMBIGUOUS and sorted(c.index for c in s.ambiguous) == [1, 2], s.reason
    assert 'tie for "number 2 from the left"' in s.reason and 'first or second' not in \
        s.reason, s.reason
    s = select(four, [0.8] * 4, parse_command('the two leftmost balls'), 0.5, CAL)
    assert s.status == AMBIGUOUS and sorted(c.index for c in s.ambiguous) == [1, 2], s.reason
    # Where the rank or the count falls clear of the tie, it is answered as before.
    s = select(four, [0.8] * 4, parse_command('the first ball from the left'), 0.5, CAL)
    assert s.status == FOUND and s.chosen.index == 0, s.reason
    s = select(four, [0.8] * 4, parse_command('the three leftmost balls'), 0.5, CAL)
    assert s.status == FOUND and sorted(t.index for t in s.targets) == [0, 1, 2], s.reason
    s = select(four, [0.8] * 4, parse_command('the last ball'), 0.5, CAL)
    assert s.status == FOUND and s.chosen.index == 3, s.reason
