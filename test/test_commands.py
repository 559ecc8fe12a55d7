"""Commands as people say them, through the core with the real tiny CLIP (issue 14)."""

from dataclasses import replace

import numpy as np
import pytest

from clip_perception.config import PipelineConfig
from clip_perception.pipeline import AMBIGUOUS
from clip_perception.pipeline import NO_DEPTH
from clip_perception.pipeline import Pipeline
from clip_perception.pipeline import REFUSED
from clip_perception.scorer import ClipScorer
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import ObjectSpec

FOUR = [ObjectSpec('red', 'ball', 'large', (-0.15, 0.03)),
        ObjectSpec('blue', 'mug', 'small', (0.02, 0.08)),
        ObjectSpec('green', 'cube', 'small', (0.16, 0.0)),
        ObjectSpec('yellow', 'cylinder', 'small', (-0.02, 0.2))]
# Two red balls; the blue mug stands behind the right one, a green cube in front.
TWINS = [ObjectSpec('red', 'ball', 'small', (-0.13, 0.04)),
         ObjectSpec('red', 'ball', 'small', (0.13, 0.04)),
         ObjectSpec('blue', 'mug', 'small', (0.13, 0.16)),
         ObjectSpec('green', 'cube', 'small', (-0.02, -0.08))]


@pytest.fixture(scope='module')
def pipeline():
    return Pipeline(ClipScorer('bundled', device='cpu', dtype='float32'), PipelineConfig())


@pytest.fixture(scope='module')
def four():
    return generate_scene(4242, specs=FOUR)


@pytest.fixture(scope='module')
def twins():
    scene = generate_scene(4343, specs=TWINS)
    assert len(scene.targetable()) == 4
    return scene


def on(scene, box, colour, shape, which=None):
    """Say whether ``box``'s centre lies on the object (``which``: 0 = leftmost of a kind)."""
    objs = sorted((o for o in scene.objects if (o.colour, o.shape) == (colour, shape)),
                  key=lambda o: o.centre[0])
    objs = objs if which is None else [objs[which]]
    x, y = int((box[0] + box[2]) / 2), int((box[1] + box[3]) / 2)
    return any(o.mask[y, x] for o in objs)


def run(pipeline, scene, command, depth=True):
    if depth:
        return pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics)
    return pipeline.run(scene.rgb, command)


@pytest.mark.parametrize('command, what, colour, shape', [
    ('carefully pick up the red ball', 'red ball', 'red', 'ball'),
    ('could you grab the blue mug', 'blue mug', 'blue', 'mug'),
    ('Please fetch me the green block, thanks!', 'green block', 'green', 'cube'),
    ('ＴＨＥ ＲＥＤ ＢＡＬＬ', 'red ball', 'red', 'ball'),
    # A colour said apart from the noun (before: "blue coloured mug" not_found, "ball
    # colored red" and "mug blue" scored).
    ('the blue-coloured mug', 'blue mug', 'blue', 'mug'),
    ('the ball colored red', 'red ball', 'red', 'ball'),
    ('the mug which is blue', 'blue mug', 'blue', 'mug'),
    # How soon, said first (helper-63; before: the object "immediately blue mug").
    ('Immediately grab the blue mug!', 'blue mug', 'blue', 'mug'),
    # A vague tail (helper-63; before: "stuff" and "so" listed as objects, not_found).
    ('the blue mug and stuff', 'blue mug', 'blue', 'mug'),
    ('the blue mug and so on', 'blue mug', 'blue', 'mug'),
    ('the blue mug or something', 'blue mug', 'blue', 'mug'),
    # Words of talk (helper-63; before: "blue mug lol", "blue mug again" and "roger" were
    # scored, not_found with the mug in view).
    ('the blue mug lol', 'blue mug', 'blue', 'mug'),
    ('pick up the blue mug again', 'blue mug', 'blue', 'mug'),
    ('roger, the blue mug', 'blue mug', 'blue', 'mug'),
])
def test_filler_and_unicode_find_the_object(pipeline, four, command, what, colour, shape):
    res = run(pipeline, four, command)
    assert res.what == what
    assert res.status == 'found' and on(four, res.chosen.box, colour, shape), res.reason


@pytest.mark.parametrize('command', ['not the red ball', 'anything except the cube'])
def test_negation_alone_is_refused_and_picks_nothing(pipeline, four, command):
    res = run(pipeline, four, command)
    assert res.status == REFUSED and res.chosen is None and res.pose is None
    assert res.targets == () and 'not to pick' in res.reason


def test_negation_excludes_and_never_picks_the_excluded(pipeline, four, twins):
    res = run(pipeline, four, 'the blue mug but not the red ball')
    assert res.status == 'found' and on(four, res.chosen.box, 'blue', 'mug')
    assert 'excluded' in res.reason
    res = run(pipeline, four, 'the red ball, not the red ball')
    assert not res.found
    res = run(pipeline, twins, 'the red ball but not the blue mug')
    assert all(not on(twins, c.box, 'blue', 'mug') for c in res.ranked)


@pytest.mark.parametrize('seed', range(6))
def test_a_partial_description_excludes_what_it_confidently_names(pipeline, seed):
    """An object the excluded phrase confidently names is never picked.

    "The cube but not the red one": "red one" fits the red cube as fully as "cube"
    does, so comparing the two cosines (the rule before) let the red cube through in 2
    of 60 commands; an object the excluded phrase confidently names is excluded.
    """
    scene = generate_scene(48_000 + seed, specs=[
        ObjectSpec('red', 'cube', 'small', (-0.12, 0.05)),
        ObjectSpec('yellow', 'cube', 'small', (0.12, 0.05)),
        ObjectSpec('blue', 'ball', 'small', (0.0, 0.2))])
    for command in ('the cube but not the red one', 'anything except the red cube',
                    'the yellow cube, not the red cube'):
        res = run(pipeline, scene, command)
        assert not any(on(scene, tg.candidate.box, 'red', 'cube') for tg in res.targets), \
            (command, res.reason)


@pytest.mark.parametrize('command, which', [
    ('the red ball right next to the blue mug', 1),
    ('the red ball in front of the blue mug', 1),
    ('the red ball left of the green cube', 0),
    ('the red ball to the right of the green cube', 1),
])
def test_relations_between_two_objects(pipeline, twins, command, which):
    # Resolved in 3D here; the image-plane fallback is tested in test_selection.py
    # (without depth only image proposals exist, and they often miss one of two twins).
    res = run(pipeline, twins, command)
    assert res.status == 'found', res.reason
    assert on(twins, res.chosen.box, 'red', 'ball', which), res.reason
    ref = 'mug' if 'mug' in command else 'cube'
    assert res.reference is not None and ref in res.reason and '3D' in res.reason
    assert on(twins, res.reference.box, 'blue' if ref == 'mug' else 'green', ref)


@pytest.mark.parametrize('command, which', [
    ('the red ball to your left', 0),                    # before: a green cube posed
    ('the red ball on your right', 1),                   # before: not_found ("on" "your")
    ("the red ball on the robot's left", 0),             # before: not_found ("on" "robot")
    ('the red ball to the right of you', 1),             # before: not_found (right_of "you")
    ('the red ball on the left side of the image', 0),   # before: not_found ("image")
    ('the red ball on the right side of the table', 1),  # before: not_found ("table")
    ('the red ball in the bottom left corner', 0),       # before: a green cube posed
    ('the top-right red ball', 1),                       # before: ambiguous
    ('the red ball that you see on the left', 0),        # before: a green cube posed
])
def test_a_place_in_the_viewers_frame_picks_that_side(pipeline, twins, command, which):
    res = run(pipeline, twins, command)
    assert res.status == 'found' and res.pose is not None, res.reason
    assert on(twins, res.chosen.box, 'red', 'ball', which), res.reason


# How far, said before the relation (session 35; before: "far" was also the relation
# farthest, "way", "well" and "very" words of the object, scored as "red ball way").
@pytest.mark.parametrize('command, which', [
    ('the red ball far left of the blue mug', 0),
    ('the red ball way in front of the blue mug', 1),
    ('the red ball well to the right of the green cube', 1),
    ('the red ball very far to the left of the green cube', 0),
])
def test_how_far_said_before_a_relation_is_the_relation_alone(pipeline, twins, command, which):
    res = run(pipeline, twins, command)
    assert res.status == 'found' and res.what == 'red ball', res.reason
    assert on(twins, res.chosen.box, 'red', 'ball', which), res.reason
    assert res.reference is not None and '3D' in res.reason, res.reason


@pytest.mark.parametrize('command, which', [
    ('the red ball on my left', 0),             # before: not_found ("on" an object "my")
    ('the red ball to my right', 1),            # before: the object "red ball my"
    ('the red ball on my right-hand side', 1),  # before: not_found ("on" an object "my")
    ('the red ball to the left of me', 0),      # before: left, the reason silent on it
])
def test_the_speakers_own_side_picks_the_image_side_and_the_reason_says_so(pipeline, twins,
                                                                          command, which):
    res = run(pipeline, twins, command)
    assert res.status == 'found' and on(twins, res.chosen.box, 'red', 'ball', which), \
        res.reason
    side = ('left', 'right')[which]
    assert f'"my {side}" read as the image\'s {side}' in res.reason
    assert 'facing the robot it is the image' in res.reason


@pytest.mark.parametrize('command', ['that red ball right there', 'the red ball over here',
                                     'the red ball in the picture'])
def test_a_pointing_word_decides_nothing(pipeline, twins, command):
    """Before: "right there" picked the right one, "over here" was not_found ("on" "here")."""
    res = run(pipeline, twins, command)
    assert res.status == 'ambiguous' and res.query.what == 'red ball', res.reason


@pytest.mark.parametrize('command, colour, shape', [
    ('the blue mug on the table', 'blue', 'mug'),            # before: not_found
    ('the green cube that is on the floor', 'green', 'cube'),  # before: not_found
    ('the blue mug sitting on the desk', 'blue', 'mug'),     # before: not_found
    ('the red ball lying on the ground', 'red', 'ball'),     # before: not_found
])
def test_the_object_on_the_table_is_found(pipeline, four, command, colour, shape):
    res = run(pipeline, four, command)
    assert res.status == 'found' and res.pose is not None, res.reason
    assert on(four, res.chosen.box, colour, shape), res.reason


def test_a_relation_without_depth_is_answered_in_the_image(pipeline, four):
    # The reference is a pair the model learned: "blue mug" is one of the five pairs
    # held out of training, whose image-only crops the fine-tuned model scores under the
    # threshold (its composition is measured by clip_perception_eval grounding).
    res = run(pipeline, four, 'the red ball left of the green cube', depth=False)
    assert res.status == NO_DEPTH and on(four, res.chosen.box, 'red', 'ball'), res.reason
    assert 'in image' in res.reason
    res = run(pipeline, four, 'the red ball right of the green cube', depth=False)
    assert res.status == 'not_found' and 'right of' in res.reason


def test_two_of_a_kind_without_a_deciding_word_is_ambiguous(pipeline, twins):
    res = run(pipeline, twins, 'the red ball')
    assert res.status == AMBIGUOUS and res.chosen is None and res.pose is None
    assert len(res.ambiguous) == 2
    assert on(twins, res.ambiguous[0].box, 'red', 'ball')
    assert on(twins, res.ambiguous[1].box, 'red', 'ball')
    assert {on(twins, c.box, 'red', 'ball', 0) for c in res.ambiguous} == {True, False}
    assert '"left or right"' in res.reason
    picker = Pipeline(pipeline.scorer, replace(pipeline.config, on_ambiguous='pick'))
    res = run(picker, twins, 'the red ball')
    assert res.status == 'found' and res.pose is not None and 'although' in res.reason
    res = run(pipeline, twins, 'the red ball on the left')
    assert res.status == 'found' and on(twins, res.chosen.box, 'red', 'ball', 0)


@pytest.mark.parametrize('command', ['pick up the red ball right now',
                                     'get the red ball right away, please'])
def test_how_soon_a_command_is_wanted_decides_no_side(pipeline, twins, command):
    """Before (helper-63): "right now" was the side right and the right ball was posed."""
    res = run(pipeline, twins, command)
    assert res.what == 'red ball' and res.status == AMBIGUOUS and res.pose is None, res.reason


def test_plural_answers_every_match_with_poses(pipeline, twins):
    res = run(pipeline, twins, 'all the red balls')
    assert res.status == 'found' and len(res.targets) == 2
    balls = [o for o in twins.objects if o.shape == 'ball']
    for ball in balls:
        assert min(np.linalg.norm(t.pose.position - ball.centre) for t in res.targets) < 0.015
    res = run(pipeline, twins, 'every blue mug')
    assert len(res.targets) == 1 and on(twins, res.targets[0].candidate.box, 'blue', 'mug')


def test_ordinals(pipeline, twins):
    first = run(pipeline, twins, 'the first red ball from the right')
    second = run(pipeline, twins, 'the second red ball from the left')
    third = run(pipeline, twins, 'the third red ball from the left')
    assert on(twins, first.chosen.box, 'red', 'ball', 1)
    assert on(twins, second.chosen.box, 'red', 'ball', 1)
    assert third.status == 'not_found' and 'only 2' in third.reason


def test_two_objects_named_are_both_answered(pipeline, four):
    res = run(pipeline, four, 'the red ball and the blue mug')
    assert res.status == 'found' and [t.what for t in res.targets] == ['red ball', 'blue mug']
    assert on(four, res.targets[0].candidate.box, 'red', 'ball')
    assert on(four, res.targets[1].candidate.box, 'blue', 'mug')
    assert all(t.pose is not None for t in res.targets)
    assert '"red ball"' in res.reason and '"blue mug"' in res.reason
    res = run(pipeline, four, 'the red ball and the purple cone')
    assert res.status == 'not_found' and res.chosen is None and res.targets == ()
    assert '"purple cone": best match' in res.reason


@pytest.mark.parametrize('command', ['the red ball & the blue mug',
                                     'the red ball\u3001the blue mug',
                                     'the red ball + the blue mug'])
def test_two_objects_listed_with_a_symbol_are_both_answered(pipeline, four, command):
    """Before: one phrase "red ball blue mug", not_found (or the red ball alone)."""
    res = run(pipeline, four, command)
    assert res.status == 'found' and [t.what for t in res.targets] == ['red ball', 'blue mug']
    assert all(t.pose is not None for t in res.targets), res.reason


@pytest.mark.parametrize('command', ['yellow cylinder / blue mug',
                                     'the purple cone and/or the blue mug'])
def test_objects_offered_with_a_slash_are_answered_by_one_found(pipeline, four, command):
    """Before: not_found ("yellow cylinder blue mug"; "purple cone" and "or blue mug")."""
    res = run(pipeline, four, command)
    assert res.status == 'found' and res.pose is not None, res.reason
    shape = 'cylinder' if command.startswith('yellow') else 'mug'
    assert on(four, res.chosen.box, 'yellow' if shape == 'cylinder' else 'blue', shape)


@pytest.mark.parametrize('command, which', [
    ('the red ball, the one on the left', 0),   # before: ambiguous
    ('the ball, the one on the right', 1),      # before: ambiguous
    ('the red ball, the right one', 1),         # before: ambiguous
])
def test_an_object_said_again_as_the_one_picks_that_one(pipeline, twins, command, which):
    res = run(pipeline, twins, command)
    assert res.status == 'found' and len(res.targets) == 1, res.reason
    assert on(twins, res.chosen.box, 'red', 'ball', which), res.reason


@pytest.mark.parametrize('command, colour, shape, said, read', [
    ('the yellow cilinder', 'yellow', 'cylinder', 'cilinder', 'cylinder'),  # before: mug
    ('the red bal', 'red', 'ball', 'bal', 'ball'),                          # not_found
    ('the red balll and the blu mug', 'red', 'ball', 'balll', 'ball'),      # not_found
])
def test_a_typo_the_closed_vocabulary_model_cannot_know_is_read_and_said(
        pipeline, four, command, colour, shape, said, read):
    res = run(pipeline, four, command)
    assert res.status == 'found' and res.pose is not None, res.reason
    assert on(four, res.chosen.box, colour, shape), res.reason
    assert f'read "{said}" as "{read}"' in res.reason and res.command == command


def test_tokenizer_truncation_is_reported(pipeline, four):
    n, limit = pipeline.scorer.prompt_tokens('red ball')
    assert limit == 32 and n < limit  # the bundled model's text context
    # Forty words, none said twice in a row (a repeat is said once: "shiny shiny" is
    # "shiny"), so the prompt is longer than the context.
    words = ('shiny glossy smooth round bright polished plastic rubber bouncy soft hard clean '
             'dirty old new cheap nice heavy warm cold wet dry striped spotted matte metallic '
             'wooden hollow solid pale vivid dull bumpy sleek sturdy lovely painted glazed '
             'rough fuzzy').split()
    assert len(set(words)) == 40
    res = run(pipeline, four, 'the ' + ' '.join(words) + ' red ball')
    assert 'tokens but the text encoder reads only 32' in res.reason
    assert 'tokens' not in run(pipeline, four, 'the red ball').reason


@pytest.fixture(scope='module')
def generated():
    """Return the first two scene sets of ``clip_perception_eval commands`` (its draws).

    On both, before the boxes of one object were grouped, a looser box around a twin
    (IoU < 0.5 with it) answered for the twin.
    """
    from clip_perception.world.evaluation import command_cases
    from clip_perception.world.evaluation import COMMANDS_SEED

    rng = np.random.default_rng(COMMANDS_SEED)
    cases = []
    for k in range(2):
        cases += [c for c in command_cases(COMMANDS_SEED + 10 * k, rng)
                  if c[0] in ('ambiguous', 'plural')]
    return cases


def test_each_instance_is_answered_once_by_a_box_of_it(pipeline, generated):
    from clip_perception.geometry import box_iou

    answered = 0
    for kind, scene, command, expected, _ in generated:
        res = run(pipeline, scene, command)
        boxes = [c.box for c in res.ambiguous] if kind == 'ambiguous' else \
            [t.candidate.box for t in res.targets]
        iou = box_iou(np.array(boxes).reshape(-1, 4), np.array([o.box for o in expected]))
        # Every answered box is the box of one instance (not a looser box, not a part)...
        assert np.all(iou.max(axis=1) >= 0.5), (command, res.reason)
        # ... and no instance is answered twice.
        assert len(set(iou.argmax(axis=1))) == len(boxes), (command, res.reason)
        answered += len(boxes)
    assert answered >= 2 * len(generated) - 1


@pytest.mark.parametrize('command, which', [('the red ball #2', 1), ('red ball number 1', 0),
                                            ('the red ball no. 2', 1)])
def test_a_number_after_the_object_picks_that_one(pipeline, twins, command, which):
    """Before: "red ball 2" ambiguous, "no. 2" a negation of the red ball (not_found)."""
    res = run(pipeline, twins, command)
    assert res.status == 'found' and on(twins, res.chosen.box, 'red', 'ball', which), \
        res.reason


@pytest.mark.parametrize('command', ['red ball x2', '2x red ball'])
def test_a_multiplier_poses_that_many(pipeline, twins, command):
    """Before: the objects "red ball x2" and "2x red ball", ambiguous between the two."""
    res = run(pipeline, twins, command)
    assert res.status == 'found' and len(res.targets) == 2, res.reason
    assert on(twins, res.targets[0].candidate.box, 'red', 'ball')
    assert on(twins, res.targets[1].candidate.box, 'red', 'ball')


def test_objects_one_a_line_are_each_posed(pipeline, four):
    """Before: one phrase "red ball blue mug green cube", not_found."""
    res = run(pipeline, four, '- the red ball\n- the blue mug\n- the green cube')
    assert res.status == 'found' and [t.what for t in res.targets] == [
        'red ball', 'blue mug', 'green cube'], res.reason
    for t, (colour, shape) in zip(res.targets, [('red', 'ball'), ('blue', 'mug'),
                                                ('green', 'cube')]):
        assert on(four, t.candidate.box, colour, shape) and t.pose is not None


@pytest.mark.parametrize('command, what, colour, shape', [
    ('the green 5 cm cubes', 'green 5 cm cube', 'green', 'cube'),  # before: asked for 5
    ('the 10 mm cubes', '10 mm cube', 'green', 'cube'),  # before: asked for 10 "cube"
    ('the 1.5 inch ball', '1.5 inch ball', 'red', 'ball'),  # before: "5 inch ball"
    ('the 0.5 m cylinder', '0.5 m cylinder', 'yellow', 'cylinder'),  # before: "0 5 m"
])
def test_a_measure_in_the_name_is_no_count(pipeline, four, command, what, colour, shape):
    res = run(pipeline, four, command)
    assert res.what == what and res.query.count is None
    assert res.status == 'found' and on(four, res.chosen.box, colour, shape), res.reason


@pytest.mark.parametrize('command, what, colour, shape', [
    ('<speak>the red ball</speak>', 'red ball', 'red', 'ball'),  # before: "speak red ball speak"
    ('<speak>find the <emphasis>blue</emphasis> mug</speak>', 'blue mug', 'blue', 'mug'),
    ('<p>the green cube</p>', 'green cube', 'green', 'cube'),  # before: "p green cube p"
])
def test_ssml_or_html_markup_finds_the_object(pipeline, four, command, what, colour, shape):
    res = run(pipeline, four, command)
    assert res.what == what
    assert res.status == 'found' and on(four, res.chosen.box, colour, shape), res.reason


@pytest.mark.parametrize('command', ['The red ball. The red ball.', 'the red red ball',
                                     'the red ball the red ball'])
def test_a_repeated_word_or_phrase_poses_one_object(pipeline, four, command):
    """Before: "red red ball" scored, and a repeated sentence posed the ball twice."""
    res = run(pipeline, four, command)
    assert res.status == 'found' and res.what == 'red ball' and len(res.targets) == 1
    assert on(four, res.chosen.box, 'red', 'ball'), res.reason


@pytest.mark.parametrize('command', ['grab them all', 'pick up those'])
def test_a_pronoun_alone_is_refused_and_picks_nothing(pipeline, twins, command):
    """Before (helper-64): "them" and "those" were objects, scored against every crop."""
    res = run(pipeline, twins, command)
    assert res.status == REFUSED and res.chosen is None and res.targets == ()
    assert 'names no object' in res.reason


@pytest.mark.parametrize('command', ['the red ball I left by the blue mug',
                                     'the red ball that you saw next to the blue mug'])
def test_a_relative_clause_gives_no_side(pipeline, twins, command):
    """Before (helper-64): "I left" was the side left and "i" a word of the object."""
    res = run(pipeline, twins, command)
    assert res.what == 'red ball', res.what
    assert res.status == 'found' and on(twins, res.chosen.box, 'red', 'ball', 1), res.reason


@pytest.mark.parametrize('command, colour, shape', [('the reddish ball', 'red', 'ball'),
                                                    ('the bluish mug', 'blue', 'mug'),
                                                    ('the greeeen cube', 'green', 'cube')])
def test_a_shade_of_a_colour_finds_that_colour_and_says_so(pipeline, four, command, colour,
                                                           shape):
    """Before (helper-64): scored as said, "reddish ball" a word the model does not know."""
    res = run(pipeline, four, command)
    assert res.what == f'{colour} {shape}'
    assert res.status == 'found' and on(four, res.chosen.box, colour, shape), res.reason
    assert f'as "{colour}"' in res.reason


@pytest.mark.parametrize('command, colour, shape', [('grab the \U0001f534 ball', 'red', 'ball'),
                                                    ('the \U0001f7e6 mug', 'blue', 'mug')])
def test_a_colour_emoji_finds_that_colour_and_says_so(pipeline, four, command, colour, shape):
    """Before (helper-64): the emoji was dropped, "ball" scored without its colour."""
    res = run(pipeline, four, command)
    assert res.what == f'{colour} {shape}'
    assert res.status == 'found' and on(four, res.chosen.box, colour, shape), res.reason
    assert f'as "{colour}"' in res.reason


def test_another_pictograph_is_named_in_the_reason(pipeline, four):
    res = run(pipeline, four, 'the red ball \u2b50')
    assert res.status == 'found' and 'dropped "\u2b50"' in res.reason


def test_a_homophone_in_a_colour_or_count_slot_is_read_as_meant(pipeline, four, twins):
    """Before (helper-64): "read ball" scored; "to red balls" any number of red balls."""
    res = run(pipeline, four, 'the read ball')
    assert res.what == 'red ball' and res.status == 'found', res.reason
    assert on(four, res.chosen.box, 'red', 'ball') and 'read "read" as "red"' in res.reason
    res = run(pipeline, twins, 'pick up to red balls')
    assert res.status == 'found' and len(res.targets) == 2, res.reason
    assert res.query.count == 2 and 'read "to" as "two"' in res.reason


@pytest.mark.parametrize('command, what, colour, shape', [
    ('the colour of the ball', 'ball', 'red', 'ball'),
    ('something like the blue mug', 'blue mug', 'blue', 'mug'),
    ('what kind of mug is the blue one', 'blue mug', 'blue', 'mug')])
def test_a_question_or_likeness_around_the_object_finds_it(pipeline, four, command, what,
                                                           colour, shape):
    """Before (helper-64): "colour ball", "like blue mug", "blue what mug" were scored."""
    res = run(pipeline, four, command)
    assert res.what == what
    assert res.status == 'found' and on(four, res.chosen.box, colour, shape), res.reason


@pytest.mark.parametrize('command', ['the heaviest red ball', 'the most expensive red ball',
                                     'the newest red ball', 'pick up the cheapest red ball'])
def test_a_superlative_no_image_shows_decides_nothing_and_is_named(pipeline, four, twins,
                                                                   command):
    """Weight, price, age said of the object: its noun is looked for, the word named (helper-83).

    Before: scored as said ("heaviest red ball"), so of two red balls the one CLIP
    happened to score a hair higher was posed as if "heaviest" had chosen it, and nothing
    said the word was not checked.
    """
    res = run(pipeline, twins, command)
    assert res.status == 'ambiguous' and res.query.what == 'red ball', res.reason
    assert 'is not checked: a camera image shows no weight' in res.reason
    res = run(pipeline, four, command)
    assert res.status == 'found' and on(four, res.chosen.box, 'red', 'ball'), res.reason
    assert 'is not checked' in res.reason


@pytest.mark.parametrize('command, colour, shape', [('the oldest mug', 'blue', 'mug'),
                                                    ('the heaviest box', 'green', 'cube')])
def test_an_object_said_with_a_superlative_no_image_shows_is_found(pipeline, twins, command,
                                                                   colour, shape):
    """Before (helper-83): not_found with the one mug, the one cube in view (bundled model)."""
    res = run(pipeline, twins, command)
    assert res.status == 'found' and on(twins, res.chosen.box, colour, shape), res.reason


@pytest.mark.parametrize('command, colour, shape', [
    ('the yellow cylinder above the blue mug', 'yellow', 'cylinder'),
    ('the blue mug below the yellow cylinder', 'blue', 'mug'),
])
def test_above_and_below_follow_a_camera_mounted_upside_down(pipeline, four, command, colour,
                                                             shape):
    """With ``image_up`` down, "above" is down the image (helper-h127's brief).

    The cylinder stands behind the mug: above it as the camera sees it. Upside down, it is
    lower in the image; read along the optical -y whatever ``image_up`` said, neither
    command was found. The frame, depth and camera turned 180 degrees.
    """
    intr = four.intrinsics
    turned = replace(intr, cx=(intr.width - 1) - intr.cx, cy=(intr.height - 1) - intr.cy)
    config = replace(pipeline.config, image_up='down')
    res = pipeline.run(np.ascontiguousarray(four.rgb[::-1, ::-1]), command,
                       np.ascontiguousarray(four.depth[::-1, ::-1]), turned, config=config)
    assert res.status == 'found', res.reason
    obj = next(o for o in four.objects if (o.colour, o.shape) == (colour, shape))
    assert np.linalg.norm(res.pose.position - obj.centre * [-1.0, -1.0, 1.0]) < 0.015, res.pose
