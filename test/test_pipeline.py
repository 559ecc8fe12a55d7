"""The perception core end to end on generated scenes (issue 4 targets, small sample)."""

import collections
from dataclasses import replace
import os
import threading
import tracemalloc

from hypothesis import example
from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
import numpy as np
import pytest
import torch

from clip_perception.config import MEMORY_SETTINGS
from clip_perception.config import PipelineConfig
from clip_perception.geometry import box_iou
from clip_perception.geometry import Intrinsics
from clip_perception.geometry import pose_from_support_ray
from clip_perception.language import CommandError
from clip_perception.pipeline import NO_DEPTH
from clip_perception.pipeline import Pipeline
from clip_perception.pipeline import proposal_pose
from clip_perception.proposals import flat_mask_in_box
from clip_perception.proposals import propose
from clip_perception.scorer import ClipScorer
from clip_perception.tracking import Memory
from clip_perception.world.evaluation import eval_pipeline
from clip_perception.world.evaluation import summarise_pipeline
from clip_perception.world.real_eval import load_frames
from clip_perception.world.scenes import generate_layout_scene
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import ObjectSpec
from clip_perception.world.scenes import two_by_two_scene
from clip_perception.world.scenes import TWO_DIRECTION_FORMS
from conftest import REPO
from conftest import SHARED_DATA
from other_renderer import tabletop
from other_renderer import Thing


@pytest.fixture(scope='module')
def pipeline():
    return Pipeline(ClipScorer('bundled', device='cpu', dtype='float32'), PipelineConfig())


def test_targets_hold_on_a_fixed_sample(pipeline):
    """Same seeds as ``clip_perception_eval pipeline`` (its first 40 scenes)."""
    cases, hits, total = eval_pipeline(pipeline, scenes=40, progress=False, spatial=12)
    s = summarise_pipeline(cases, hits, total)
    print('\n[pipeline sample]', s)
    assert s['proposal_recall'][0] / s['proposal_recall'][1] >= 0.95
    assert s['present_correct'][0] / s['present_correct'][1] >= 0.9
    assert s['absent_not_found'][0] / s['absent_not_found'][1] >= 0.9
    assert s['spatial_correct'][0] / s['spatial_correct'][1] >= 0.9
    assert s['position_error_median_m'] < 0.01
    assert s['position_error_p95_m'] < 0.02


def test_objects_offered_with_or_are_answered_by_the_best_one_found(pipeline):
    # Field report: "the red ball or the blue mug" was one phrase, "red ball or blue mug",
    # which names nothing: not_found with both in view (3 of 8 such commands answered
    # as meant). Now each is selected and the best one found answers.
    specs = [ObjectSpec('red', 'ball', 'large', (-0.15, 0.03)),
             ObjectSpec('blue', 'mug', 'small', (0.02, 0.08)),
             ObjectSpec('green', 'cube', 'small', (0.16, 0.0)),
             ObjectSpec('yellow', 'cylinder', 'small', (-0.02, 0.2))]
    scene = generate_scene(4242, specs=specs)
    centre = {o.name: o.centre for o in scene.objects}
    for command, expected in (('the purple cone or the blue mug', 'blue mug'),
                              ('the red ball or the blue mug', None),
                              ('the teddy bear or the green cube', 'green cube')):
        r = pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics)
        assert r.status == 'found' and r.what == (expected or r.what), r.reason
        assert r.what in centre and ('offered' in r.reason or 'no word' in r.reason), r.reason
        assert np.linalg.norm(r.pose.position - centre[r.what]) < 0.01
        assert len(r.targets) == 1 and r.track is None
    r = pipeline.run(scene.rgb, 'the purple cone or the white ball', scene.depth,
                     scene.intrinsics)
    assert r.status == 'not_found' and 'none of the objects offered' in r.reason, r.reason


def assert_each_found_at(pipeline, scene, commands):
    """Each ``(command, expected centre)`` is answered found, one target, within 1 cm."""
    for command, expected in commands:
        r = pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics)
        assert r.status == 'found' and len(r.targets) == 1, (command, r.reason)
        assert np.linalg.norm(r.pose.position - expected) < 0.01, (command, r.reason)


def test_the_group_one_is_picked_from_poses_one_object(pipeline):
    # helper-74: "the one on the left of the two" asked for two objects (the group's
    # number read as a count, both posed); "the ball on the right of the two" looked for a
    # ball right of an "object", "the red ball in the middle of the three" for "red ball
    # three".
    specs = [ObjectSpec('red', 'ball', 'small', (-0.12, 0.0)),
             ObjectSpec('red', 'ball', 'small', (0.0, 0.02)),
             ObjectSpec('red', 'ball', 'small', (0.12, 0.0))]
    scene = generate_scene(7, specs=specs)
    left, middle, right = sorted((o.centre for o in scene.objects), key=lambda c: c[0])
    assert_each_found_at(pipeline, scene, (
        ('the red ball in the middle of the three', middle),
        ('the one on the left of the three balls', left),
        ('the ball on the right of the three', right)))


def test_properties_joined_by_and_and_indefinite_pronouns_find_the_object(pipeline):
    # Found trying phrasings (session 18): "the ball which is red and small" asked for
    # two objects, the red ball and "the smallest object" (not_found); "something blue"
    # and "the ball, yellow" scored "something blue" and "ball yellow" (not_found, or the
    # wrong ball).
    specs = [ObjectSpec('red', 'ball', 'small', (-0.12, 0.0)),
             ObjectSpec('blue', 'mug', 'small', (0.0, 0.02)),
             ObjectSpec('green', 'cube', 'small', (0.12, 0.0)),
             ObjectSpec('yellow', 'ball', 'large', (0.05, 0.12))]
    scene = generate_scene(7, specs=specs)
    centre = {o.name: o.centre for o in scene.objects}
    assert_each_found_at(pipeline, scene, [(c, centre[e]) for c, e in (
        ('the ball which is red and small', 'red ball'),
        ('the small and red ball', 'red ball'),
        ('the ball which is yellow and big', 'yellow ball'),
        ('something blue', 'blue mug'), ('anything that is green', 'green cube'),
        ('any yellow ball', 'yellow ball'), ('the ball, yellow', 'yellow ball'))])


def test_a_misspelt_article_gives_the_answer_the_right_spelling_gives(pipeline):
    # Trial 38: "teh red mugg" was read as "the red mug" (the article kept), a phrase
    # that scored otherwise than "red mug": found at 0.60 on a soup can of a real frame
    # where "the red mug" was not_found at 0.15.
    scene = generate_scene(4242, specs=[ObjectSpec('red', 'ball', 'small', (-0.1, 0.0)),
                                        ObjectSpec('blue', 'mug', 'small', (0.1, 0.05))])
    for right, typo in (('the red ball', 'teh red bal'), ('the purple cone', 'hte purple cone'),
                        ('the blue mug', 'teh blue mugg')):
        a = pipeline.run(scene.rgb, right, scene.depth, scene.intrinsics)
        b = pipeline.run(scene.rgb, typo, scene.depth, scene.intrinsics)
        assert (b.what, b.status) == (a.what, a.status), (b.what, b.reason)
        assert [c.confidence for c in b.ranked] == [c.confidence for c in a.ranked]
        assert 'read "' in b.reason


def test_a_pose_without_a_support_surface_says_its_orientation_is_no_objects(pipeline):
    # Trial 38: with no support surface the orientation is identity (the camera's axes)
    # and nothing said so; a grasp planner took it for the object's.
    scene = generate_scene(4242, specs=[ObjectSpec('red', 'ball', 'small', (-0.1, 0.0)),
                                        ObjectSpec('blue', 'mug', 'small', (0.1, 0.05))])
    depth = scene.depth.copy()
    depth[~np.any([o.mask for o in scene.objects], axis=0)] = np.nan  # no table seen
    r = pipeline.run(scene.rgb, 'the red ball', depth, scene.intrinsics)
    assert r.status == 'found' and r.pose.method == 'no_surface', r.reason
    assert "the orientation is the camera's (identity)" in r.reason
    assert np.allclose(r.pose.orientation, [0, 0, 0, 1])
    with_table = pipeline.run(scene.rgb, 'the red ball', scene.depth, scene.intrinsics)
    assert with_table.pose.method == 'points' and 'orientation' not in with_table.reason


def test_corrections_negations_and_picks_of_several_pose_the_object_meant(pipeline):
    # Session 18's trial (over DDS too): each of these posed the object the user ruled
    # out, or both objects of "the larger of the two balls", the small one first.
    cubes = generate_scene(13, specs=[ObjectSpec('green', 'cube', 'small', (-0.18, 0.0)),
                                      ObjectSpec('blue', 'cube', 'small', (-0.06, 0.0)),
                                      ObjectSpec('red', 'cube', 'small', (0.06, 0.0)),
                                      ObjectSpec('yellow', 'ball', 'small', (0.18, 0.0))])
    balls = generate_scene(9, specs=[ObjectSpec('red', 'ball', 'small', (-0.12, 0.0)),
                                     ObjectSpec('red', 'ball', 'large', (0.05, 0.0)),
                                     ObjectSpec('orange', 'cone', 'small', (0.18, 0.0))])

    def centre(scene, colour, shape, size='small'):
        return next(o.centre for o in scene.objects
                    if (o.colour, o.shape, o.size) == (colour, shape, size))

    for scene, command, expected in (
            (cubes, 'the green cube no wait the red cube', centre(cubes, 'red', 'cube')),
            (cubes, 'the green cube, I mean the red cube', centre(cubes, 'red', 'cube')),
            (cubes, "a cube that isn't green or blue", centre(cubes, 'red', 'cube')),
            (cubes, 'the non-red cube on the left', centre(cubes, 'green', 'cube')),
            (cubes, 'the middle cube', centre(cubes, 'blue', 'cube')),
            (cubes, 'the second to last cube', centre(cubes, 'blue', 'cube')),
            (balls, 'the larger of the two balls', centre(balls, 'red', 'ball', 'large'))):
        r = pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics)
        assert r.status == 'found' and len(r.targets) == 1, (command, r.reason)
        assert np.linalg.norm(r.pose.position - expected) < 0.01, (command, r.reason)
    r = pipeline.run(cubes.rgb, 'the red cube right of the blue cube and left of the yellow '
                     'ball', cubes.depth, cubes.intrinsics)
    assert r.status == 'found' and len(r.targets) == 1, r.reason
    assert '"left of the yellow ball" is not checked' in r.reason, r.reason
    r = pipeline.run(cubes.rgb, 'every cube but the blue one', cubes.depth, cubes.intrinsics)
    posed = sorted(round(float(t.pose.position[0]), 2) for t in r.targets)
    want = sorted(round(float(centre(cubes, c, 'cube')[0]), 2) for c in ('green', 'red'))
    assert r.status == 'found' and posed == want, r.reason


def test_between_picks_the_object_between_the_two_named(pipeline):
    # Session 18: "between A and B" was the object "ball between mug" and the object B.
    specs = [ObjectSpec('blue', 'mug', 'small', (-0.16, 0.0)),
             ObjectSpec('red', 'ball', 'small', (-0.06, 0.0)),
             ObjectSpec('green', 'cube', 'small', (0.04, 0.0)),
             ObjectSpec('yellow', 'ball', 'small', (0.14, 0.0)),
             ObjectSpec('red', 'ball', 'small', (-0.02, 0.16))]
    scene = generate_scene(11, specs=specs)
    x = {o.name: [] for o in scene.objects}
    for o in scene.objects:
        x[o.name].append(o.centre)
    for command, expected in (('the ball between the blue mug and the green cube',
                               x['red ball'][0]),
                              ('the red ball between the green cube and the blue mug',
                               x['red ball'][0]),
                              ('the cube between the red ball and the yellow ball',
                               x['green cube'][0])):
        r = pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics)
        assert r.status == 'found' and '3D' in r.reason, (command, r.reason)
        assert np.linalg.norm(r.pose.position - expected) < 0.01, (command, r.reason)
        assert r.reference is not None


def test_a_distance_said_picks_the_instance_at_that_distance(pipeline):
    # Field report: the distance was a word of the object and never used: "the red ball
    # 33 cm left of the blue mug" answered the ball 13 cm left of it (the closest pair),
    # "the red ball 0.70 m away" was ambiguous between two red balls.
    left = generate_scene(4242, specs=[ObjectSpec('red', 'ball', 'small', (-0.25, 0.05)),
                                       ObjectSpec('red', 'ball', 'small', (-0.05, 0.05)),
                                       ObjectSpec('blue', 'mug', 'small', (0.08, 0.05)),
                                       ObjectSpec('green', 'cube', 'small', (0.2, 0.15))])
    deep = generate_scene(4242, specs=[ObjectSpec('red', 'ball', 'small', (-0.05, -0.12)),
                                       ObjectSpec('red', 'ball', 'small', (0.05, 0.22)),
                                       ObjectSpec('blue', 'mug', 'small', (0.15, 0.05)),
                                       ObjectSpec('green', 'cube', 'small', (-0.18, 0.05))])
    mug = next(o for o in left.objects if o.name == 'blue mug')
    cases = [(left, f'the red ball {round(100 * np.linalg.norm(b.centre - mug.centre))} cm '
              'left of the blue mug', b) for b in left.objects if b.name == 'red ball']
    cases += [(deep, f'the red ball {np.linalg.norm(b.centre):.2f} m away', b)
              for b in deep.objects if b.name == 'red ball']
    for scene, command, ball in cases:
        r = pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics)
        assert r.status == 'found' and r.what == 'red ball', (command, r.reason)
        assert np.linalg.norm(r.pose.position - ball.centre) < 0.01, (command, r.reason)
        assert 'm said' in r.reason or 'm from the camera' in r.reason, r.reason
    r = pipeline.run(deep.rgb, 'the red ball 0.7 m away', None, None)
    assert 'not measured without depth' in r.reason, r.reason


def test_without_depth_the_answer_is_2d_with_a_reason(pipeline):
    scene = generate_scene(77, specs=[ObjectSpec('red', 'ball', 'large', (-0.1, 0.05)),
                                      ObjectSpec('blue', 'cube', 'small', (0.1, 0.05))])
    res = pipeline.run(scene.rgb, 'the red ball')
    assert res.status == NO_DEPTH and res.pose is None and 'no depth image' in res.reason
    red = next(o for o in scene.objects if o.colour == 'red')
    x0, y0, x1, y1 = res.chosen.box
    cx, cy = int((x0 + x1) / 2), int((y0 + y1) / 2)
    assert red.mask[cy, cx]
    res = pipeline.run(scene.rgb, 'the red ball', scene.depth, scene.intrinsics)
    assert res.status == 'found'
    assert np.linalg.norm(res.pose.position - red.centre) < 0.01
    assert set(res.timings) == {'proposals', 'text', 'preprocess', 'encode', 'select', 'pose'}


def test_unusable_command_raises_command_error(pipeline):
    scene = generate_scene(78)
    with pytest.raises(CommandError):
        pipeline.run(scene.rgb, '   ')


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.tuples(st.integers(1, 64), st.integers(1, 64)),              # tiny frames
    st.tuples(st.integers(1, 4), st.integers(100, 8192)),           # one row, very wide
    st.tuples(st.integers(100, 8192), st.integers(1, 4)),           # one column, very tall
    st.tuples(st.integers(16, 1200), st.integers(16, 1200))),       # ordinary aspect ratios
    st.booleans())
@example((3, 54), True)  # found by this test in a CI run: a box past a thin frame's edge
@example((54, 3), False)
def test_work_per_frame_is_bounded_whatever_the_shape(pipeline, shape, with_depth):
    """Every shape up to the size caps is answered in bounded memory (field report 12.1).

    A 1x640 frame once became a 160x102400 work image: the worker never answered again
    and RSS grew by 4.5 GB. The numpy peak is measured with tracemalloc; the limit is a
    few copies of the largest frame drawn here (8192x4 or 1200x1200), far from the
    gigabytes of the fault. Time is only bounded loosely (no timed assertion that could
    flake): the 900 s pytest timeout catches a stall.
    """
    h, w = shape
    rng = np.random.default_rng(h * 10007 + w)
    rgb = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
    depth = rng.uniform(0.5, 2.0, (h, w)).astype(np.float32) if with_depth else None
    tracemalloc.start()
    try:
        result = pipeline.run(rgb, 'the red ball', depth, Intrinsics.default(w, h))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.status in ('found', 'no_depth', 'not_found')
    assert np.all(result.proposals[:, 2] <= w + 1e-6) and np.all(result.proposals[:, 3] <= h)
    assert peak < 400e6, f'{w}x{h}: numpy peak {peak / 1e6:.0f} MB'


def test_stages_are_reported_in_order_for_the_watchdog():
    seen = []
    pipe = Pipeline(ClipScorer('bundled', device='cpu', dtype='float32'), PipelineConfig(),
                    on_stage=seen.append)
    scene = generate_scene(3)
    pipe.run(scene.rgb, 'the red ball', scene.depth, scene.intrinsics)
    assert seen == ['proposals', 'text', 'preprocess', 'encode', 'select', 'pose', None]
    seen.clear()
    with pytest.raises(CommandError):
        pipe.run(scene.rgb, '   ', scene.depth, scene.intrinsics)
    assert seen == [] or seen[-1] is None


def test_margins_are_logits_so_they_mean_the_same_for_every_checkpoint():
    """spatial_margin and ambiguity_margin are cosine x logit_scale, not cosine.

    As cosine margins (0.16, 0.08, tuned on the bundled model, logit_scale 24.8) they
    spanned nearly every crop of OpenAI CLIP (logit_scale 100), whose matching and
    non-matching crops differ by a few hundredths of cosine.
    """
    scorer = ClipScorer('bundled', device='cpu', dtype='float32')
    pipe = Pipeline(scorer, PipelineConfig())
    assert abs(scorer.logit_scale - 24.8) < 0.05
    # The defaults are the earlier cosine margins at the bundled model's scale.
    assert abs(pipe.cosine_margin(pipe.config.spatial_margin) - 0.16) < 0.002
    assert abs(pipe.cosine_margin(pipe.config.ambiguity_margin) - 0.08) < 0.001
    # Twins 0.035 apart in cosine: 0.9 logits at the bundled scale, about equal
    # (ambiguous); 3.5 logits at a scale of 100, so the better one is the answer there.
    scene = generate_scene(64_003, specs=[ObjectSpec('red', 'ball', 'large', (0.12, 0.05)),
                                          ObjectSpec('red', 'ball', 'large', (-0.12, 0.05)),
                                          ObjectSpec('blue', 'cube', 'large', (0.0, 0.1))])
    res = pipe.run(scene.rgb, 'the red ball', scene.depth, scene.intrinsics)
    assert res.status == 'ambiguous' and len(res.ambiguous) == 2, res.reason
    gap = abs(res.ambiguous[0].cosine - res.ambiguous[1].cosine)
    assert 0.02 < gap < 0.08
    left = pipe.run(scene.rgb, 'the red ball on the left', scene.depth, scene.intrinsics)
    assert left.status == 'found' and left.chosen.box[0] < scene.intrinsics.width / 2
    scorer.logit_scale = 100.0  # as OpenAI CLIP's
    assert pipe.cosine_margin(4.0) == 0.04 and pipe.cosine_margin(2.0) == 0.02
    sharp = pipe.run(scene.rgb, 'the red ball', scene.depth, scene.intrinsics)
    assert sharp.status == 'found', sharp.reason
    assert sharp.chosen.cosine == max(c.cosine for c in res.ambiguous)


def test_warm_up_leaves_the_first_command_only_its_own_prompts_to_encode():
    scorer = ClipScorer('bundled', device='cpu', dtype='float32')
    pipe = Pipeline(scorer, PipelineConfig())
    assert pipe.warm_up() > 0.0
    templates = len(scorer.templates())
    assert templates == 7
    warm = scorer.text_cache_len
    assert warm == (len(scorer.vocabulary) + 4) * templates  # and the generic four
    scene = generate_scene(64_010)
    res = pipe.run(scene.rgb, 'the red ball', scene.depth, scene.intrinsics)
    assert res.status in ('found', 'not_found', 'ambiguous')
    # Only the command's own prompts were new: its contrasts were all encoded already.
    assert scorer.text_cache_len == warm


def test_commands_said_with_typos_possessives_and_a_negated_place(pipeline):
    # Session 18's left-alone list, each the wrong object or not_found before: a misspelt
    # side ("on the rigth": the object "rigth"), a side said as the reference's ("the
    # cube's left": "on" the cube), a place said with "not" ("not on the left" excluded
    # the ball itself), a question about a colour ("what color is the mug?": the object
    # "what color mug"), a possessive ("my red ball").
    specs = [ObjectSpec('red', 'ball', 'small', (-0.16, 0.02)),
             ObjectSpec('red', 'ball', 'small', (0.16, 0.02)),
             ObjectSpec('green', 'cube', 'small', (0.0, 0.04)),
             ObjectSpec('blue', 'mug', 'small', (0.04, 0.18))]
    scene = generate_scene(23, specs=specs)
    balls = sorted((o.centre for o in scene.objects if o.name == 'red ball'),
                   key=lambda c: c[0])
    mug = next(o.centre for o in scene.objects if o.name == 'blue mug')
    assert_each_found_at(pipeline, scene, (
        ('the red ball on the rigth', balls[1]), ('the red ball on the lfet', balls[0]),
        ("the red ball on the cube's left", balls[0]),
        ("the red ball to the green cube's right side", balls[1]),
        ('the red ball not on the left', balls[1]),
        ("the red ball that isn't on the right", balls[0]),
        ('what color is the mug?', mug), ('pick up my blue mug', mug)))
    r = pipeline.run(scene.rgb, 'the red ball not in the middle', scene.depth,
                     scene.intrinsics)
    assert '"not in the middle" is not checked' in r.reason, r.reason


def test_corrections_hedges_and_negated_relations_pose_what_was_asked(pipeline):
    # Session 19's trial, each posed another object or answered not_found before: a
    # correction marked by "no" alone (the red ball posed, the blue mug excluded), a
    # correction of the place alone, a hedge holding a "not", a chat acknowledgement, a
    # relation said with "not" (the ball right of the mug posed).
    specs = [ObjectSpec('yellow', 'ball', 'small', (-0.2, 0.0)),
             ObjectSpec('blue', 'mug', 'small', (-0.08, 0.02)),
             ObjectSpec('red', 'ball', 'small', (0.04, 0.0)),
             ObjectSpec('green', 'cube', 'small', (0.16, 0.0))]
    scene = generate_scene(13, specs=specs)
    centre = {o.name: o.centre for o in scene.objects}
    assert_each_found_at(pipeline, scene, [(c, centre[e]) for c, e in (
        ('the red ball, no, the blue mug', 'blue mug'),
        ('the red ball (no, the green cube)', 'green cube'),
        ("if it's not a problem, the red ball", 'red ball'),
        ('Sure, the green cube.', 'green cube'),
        ('the ball not to the right of the blue mug', 'yellow ball'),
        ("the ball that isn't left of the blue mug", 'red ball'))])


def test_relations_sizes_lists_and_descriptions_people_say_pose_what_was_asked(pipeline):
    # Session 19's trial, left then, each the wrong object, two objects run into one
    # phrase, or not_found: an ordinal counted along a size ("the second smallest ball"
    # was counted from the left), a superlative before the noun ("the farthest ball from
    # the mug": the farthest "ball mug"), "tall" read as "ball", a scene described before
    # the instruction (every object named was posed), "neither ... nor", "not that one,
    # the blue one" (refused, "blue" excluded), a list without determiners.
    specs = [ObjectSpec('red', 'ball', 'small', (-0.16, 0.02)),
             ObjectSpec('red', 'ball', 'large', (0.16, 0.02)),
             ObjectSpec('blue', 'mug', 'small', (-0.05, 0.04)),
             ObjectSpec('green', 'cube', 'small', (0.04, 0.18))]
    scene = generate_scene(29, specs=specs)
    balls = {o.size: o.centre for o in scene.objects if o.shape == 'ball'}
    centre = {o.name: o.centre for o in scene.objects}
    assert_each_found_at(pipeline, scene, (
        ('the second smallest ball', balls['large']),
        ('the second biggest red ball', balls['small']),
        ('the farthest ball from the blue mug', balls['large']),
        ('the tall blue mug', centre['blue mug']),
        ('There are two balls and a mug on the table. Pick up the green cube.',
         centre['green cube']),
        ('the cube that is neither red nor blue', centre['green cube']),
        ('not that one, the blue one', centre['blue mug'])))
    listed = pipeline.run(scene.rgb, 'green cube, blue mug', scene.depth, scene.intrinsics)
    assert listed.status == 'found' and len(listed.targets) == 2, listed.reason
    # "any" and "a": either red ball will do, not an ambiguous answer.
    for command in ('any red ball', 'pick up a red ball'):
        r = pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics)
        assert r.status == 'found', (command, r.reason)
        assert min(np.linalg.norm(r.pose.position - c) for c in balls.values()) < 0.01
    assert pipeline.run(scene.rgb, 'the red ball', scene.depth,
                        scene.intrinsics).status == 'ambiguous'
    # A relation the node does not test: the object is answered, the reference not
    # posed, and the reason says so.
    r = pipeline.run(scene.rgb, 'the cube west of the blue mug', scene.depth,
                     scene.intrinsics)
    assert r.status == 'found', r.reason
    assert np.linalg.norm(r.pose.position - centre['green cube']) < 0.01, r.reason
    assert '"west of the blue mug" is not checked' in r.reason, r.reason
    # A colour the closed vocabulary does not know is named in the reason.
    r = pipeline.run(scene.rgb, 'the navy mug', scene.depth, scene.intrinsics)
    assert 'knows no word "navy"' in r.reason, r.reason


def test_an_ordinal_with_a_relation_and_a_size_with_a_plural_pick_those_said(pipeline):
    # Session 20: "the second cube left of the mug" posed the nearest cube (the ordinal
    # was ignored); "the small red balls" posed both red balls, small and large.
    specs = [ObjectSpec('red', 'cube', 'small', (-0.24, 0.02)),
             ObjectSpec('green', 'cube', 'small', (-0.12, 0.02)),
             ObjectSpec('blue', 'mug', 'small', (0.0, 0.02)),
             ObjectSpec('yellow', 'cube', 'small', (0.12, 0.02)),
             ObjectSpec('red', 'ball', 'small', (-0.1, 0.16)),
             ObjectSpec('red', 'ball', 'large', (0.1, 0.16)),
             ObjectSpec('blue', 'ball', 'small', (0.2, 0.12))]
    scene = generate_scene(31, specs=specs)
    at = {(o.name, o.size): o.centre for o in scene.objects}
    assert_each_found_at(pipeline, scene, (
        ('the second cube left of the mug', at['red cube', 'small']),
        ('the first cube left of the mug', at['green cube', 'small']),
        ('the last cube left of the blue mug', at['red cube', 'small'])))
    r = pipeline.run(scene.rgb, 'the third cube left of the mug', scene.depth,
                     scene.intrinsics)
    assert r.status == 'not_found' and 'only 2' in r.reason, r.reason

    def posed(command):
        r = pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics)
        assert r.status == 'found', (command, r.reason)
        return sorted(min(at, key=lambda k: np.linalg.norm(at[k] - t.pose.position))
                      for t in r.targets), r.reason

    assert posed('the small red balls')[0] == [('red ball', 'small')]
    # A plural with a relation: every one that fits (one was posed).
    assert posed('the balls behind the mug')[0] == [('blue ball', 'small'),
                                                    ('red ball', 'large'),
                                                    ('red ball', 'small')]
    assert posed('the big balls')[0] == [('red ball', 'large')]
    assert posed('the small balls')[0] == [('blue ball', 'small'), ('red ball', 'small')]
    # No two cubes part in size: all of them, and the reason says why.
    cubes, reason = posed('the big cubes')
    assert len(cubes) == 3 and 'no two sizes part' in reason, reason


def test_command_trial_round_4_poses_what_was_asked(pipeline):
    # helper-43's trial (session 20): each posed another object, or several, before.
    # An ordinal with a relation (the closest ball posed), a three-letter typo of a side
    # ("lef": the right ball), an adverb in the object phrase ("slightly": the far mug).
    specs = [ObjectSpec('green', 'mug', 'small', (0.0, 0.0)),
             ObjectSpec('red', 'ball', 'small', (-0.08, 0.0)),
             ObjectSpec('blue', 'ball', 'small', (0.12, 0.0)),
             ObjectSpec('yellow', 'ball', 'small', (-0.2, 0.0))]
    scene = generate_scene(13, specs=specs)
    at = {o.name: o.centre for o in scene.objects}
    assert_each_found_at(pipeline, scene, (
        ('the second closest ball to the mug', at['blue ball']),
        ('the second farthest ball from the mug', at['blue ball']),
        ('the ball slightly left of the mug', at['red ball']),
        ('the very last ball', at['blue ball']),
        ('pick up the ball with two fingers, the yellow one', at['yellow ball'])))
    specs = [ObjectSpec('red', 'ball', 'small', (-0.15, 0.0)),
             ObjectSpec('blue', 'mug', 'small', (0.0, 0.0)),
             ObjectSpec('red', 'ball', 'small', (0.15, 0.0)),
             ObjectSpec('green', 'cube', 'small', (0.0, 0.12))]
    scene = generate_scene(11, specs=specs)
    left = min((o.centre for o in scene.objects if o.name == 'red ball'),
               key=lambda c: c[0])
    mug = next(o.centre for o in scene.objects if o.name == 'blue mug')
    assert_each_found_at(pipeline, scene, (
        ('the red ball to the lef of the mug', left),
        ('there is a red ball and a blue mug pick up the mug', mug),
        ('I see two red balls, pick the one on the left', left),
        ('not the right ball, the left one', left)))
    # helper-44: the closest red ball to the right of the mug is right of it (the left
    # one was posed), and "take a look at the red ball" asks for one of two (picked).
    right = max((o.centre for o in scene.objects if o.name == 'red ball'),
                key=lambda c: c[0])
    assert_each_found_at(pipeline, scene, (
        ('the closest red ball to the right of the blue mug', right),))
    r = pipeline.run(scene.rgb, 'take a look at the red ball', scene.depth, scene.intrinsics)
    assert r.status == 'ambiguous', r.reason
    # Colours that share the noun said last: no red or green ball here, so not found
    # (the red and green cubes were posed).
    specs = [ObjectSpec('green', 'cube', 'small', (-0.15, 0.0)),
             ObjectSpec('red', 'cube', 'large', (0.0, 0.0)),
             ObjectSpec('blue', 'cube', 'small', (0.15, 0.0)),
             ObjectSpec('yellow', 'ball', 'small', (0.0, 0.12))]
    scene = generate_scene(5, specs=specs)
    r = pipeline.run(scene.rgb, 'the red, the green and the yellow ball', scene.depth,
                     scene.intrinsics)
    assert r.status == 'not_found', r.reason
    r = pipeline.run(scene.rgb, 'the red, green or yellow ball', scene.depth, scene.intrinsics)
    assert r.status == 'found' and len(r.targets) == 1, r.reason
    ball = next(o.centre for o in scene.objects if o.name == 'yellow ball')
    assert np.linalg.norm(r.pose.position - ball) < 0.01, r.reason


def test_remarks_hedges_and_roles_around_the_object_pose_what_was_asked(pipeline):
    # Session 20's left-alone list: a remark after the instruction was a second object
    # ("Grab the red ball. Careful, it rolls." also looked for a plural "careful roll"),
    # an exclusion ("Don't drop it.": "drop ball"); the speaker's hedge or the object's
    # role ran into the object phrase ("i think red ball", "target green cube", "ill
    # blue mug", "very cube").
    specs = [ObjectSpec('red', 'ball', 'small', (-0.12, 0.0)),
             ObjectSpec('blue', 'mug', 'small', (0.0, 0.02)),
             ObjectSpec('green', 'cube', 'small', (0.12, 0.0)),
             ObjectSpec('green', 'cube', 'large', (0.05, 0.14))]
    scene = generate_scene(7, specs=specs)
    at = {(o.name, o.size): o.centre for o in scene.objects}
    assert_each_found_at(pipeline, scene, (
        ('Grab the red ball. Careful, it rolls.', at['red ball', 'small']),
        ("Pick up the red ball. Don't drop it.", at['red ball', 'small']),
        ("I think it's the blue mug.", at['blue mug', 'small']),
        ("I'll grab the blue mug.", at['blue mug', 'small']),
        ('The target is the red ball.', at['red ball', 'small']),
        ('the very small green cube', at['green cube', 'small']),
        ('Get the cube. It is the big one.', at['green cube', 'large']),
        ('Watch out for the blue mug and grab the red ball.', at['red ball', 'small']),
        ('Grab the cube. Not the small one, the big one.', at['green cube', 'large'])))
    r = pipeline.run(scene.rgb, 'Grab the red ball. Careful, it rolls.', scene.depth,
                     scene.intrinsics)
    assert '"careful, it rolls" was read as a remark' in r.reason, r.reason
    # helper-74: a step that moves the robot was an object ("go to the table and pick up
    # the red ball" posed the table; OSU-NLP-Group/LLM-Planner#13): the object, posed, and
    # the step named in the reason.
    assert_each_found_at(pipeline, scene, (
        ('Go to the table and pick up the red ball.', at['red ball', 'small']),
        ('grab the blue mug then go home', at['blue mug', 'small'])))
    r = pipeline.run(scene.rgb, 'turn left and find the blue mug', scene.depth,
                     scene.intrinsics)
    assert '"turn left" was read as a step for the robot to move' in r.reason, r.reason


def test_steps_begun_verbs_in_ing_and_tagged_commands_pose_what_was_asked(pipeline):
    # Session 22: "Start by finding the blue mug" looked for "start" next to "finding
    # blue mug"; "grab the mug by the handle" for a mug next to a "handle";
    # "<command>the red ball</command>" for "command red ball" or "command".
    specs = [ObjectSpec('red', 'ball', 'small', (-0.12, 0.0)),
             ObjectSpec('blue', 'mug', 'small', (0.0, 0.02)),
             ObjectSpec('green', 'cube', 'small', (0.12, 0.0))]
    scene = generate_scene(7, specs=specs)
    at = {o.name: o.centre for o in scene.objects}
    assert_each_found_at(pipeline, scene, (
        ("I'll start by locating the red ball", at['red ball']),
        ('Start by finding the blue mug.', at['blue mug']),
        ('Try finding the green cube', at['green cube']),
        ('grab the mug by the handle', at['blue mug']),
        ('<command>the red ball</command>', at['red ball']),
        ('<answer>\n  <target>the blue mug</target>\n</answer>', at['blue mug']),
        ('the green cube <eos>', at['green cube']),
        ('Help me find the blue mug', at['blue mug']),
        ('Pick up the red ball, placing it in the bin', at['red ball']),
        ('<object>the red ball</object> next to <object>the blue mug</object>',
         at['red ball'])))


@pytest.mark.parametrize('aspect, hfov', [(2.0, 70.0), (0.5, 60.0)])
def test_non_square_pixels_of_another_renderer_are_found(pipeline, aspect, hfov):
    """Objects seen through non-square pixels (fy != fx) are found.

    Another renderer's camera or a sensor binned one way: crops are made square in the
    scene, not in pixels. Square-pixel crops squashed the ball into an ellipse and it
    was not found (test/other_renderer.py, 640x480).
    """
    frame = tabletop(640, 480, hfov_deg=hfov, aspect=aspect)
    for k, thing in enumerate(frame.things[:2]):
        r = pipeline.run(frame.rgb, f'the {thing.colour} {thing.kind}', frame.depth,
                         frame.intrinsics)
        assert r.found, (thing, r.reason)
        assert box_iou(np.array([r.chosen.box]), frame.boxes[k:k + 1])[0, 0] >= 0.5


@pytest.mark.parametrize('aspect', [1000.0, 0.001])
def test_a_pixel_aspect_no_camera_has_leaves_crops_square_in_pixels(pipeline, aspect):
    """A camera_info whose fy/fx no camera has does not shape the crops.

    Review of e032b52 (crops square in the scene): a camera_info with one focal length
    wrong by 1000x passes the unit check (one axis in pixels is enough) and the crops
    were cut 1000 times their width high: not_found, 11 s and 2 GB a frame against
    0.07 s before, the 2D box right. Beyond MAX_PIXEL_ASPECT the aspect is not believed.
    """
    from clip_perception.pipeline import MAX_PIXEL_ASPECT
    from clip_perception.pipeline import pixel_aspect

    frame = tabletop(640, 480)
    i = frame.intrinsics
    told = Intrinsics(i.fx, i.fx * aspect, i.cx, i.cy, i.width, i.height)
    assert pixel_aspect(told) == 1.0
    for believed in (MAX_PIXEL_ASPECT, 1.0 / MAX_PIXEL_ASPECT, 2.0, 0.5):
        assert pixel_aspect(Intrinsics(100.0, 100.0 * believed, 50, 50, 100, 100)) == \
            pytest.approx(believed)
    thing = frame.things[0]
    r = pipeline.run(frame.rgb, f'the {thing.colour} {thing.kind}', frame.depth, told)
    assert r.chosen is not None, r.reason
    assert box_iou(np.array([r.chosen.box]), frame.boxes[:1])[0, 0] >= 0.5
# Scenes 15 and 16 of benchmarks/other_renderer_misses.py: an object whose looser or
# shifted image box reads as the command and whose segmented box alone does not (a
# small change to the scene changes what the tiny model reads: the benchmark's values).
LOOSER_BOX_SCENES = {
    'small cube, 512x384': (
        {'hfov_deg': 71.09125922948401, 'distance': 0.758296235501668,
         'elevation_deg': 56.31560589617579, 'table': ('checker', (110, 110, 115)),
         'wall': (110, 130, 170), 'light': (-0.258577223666577, -0.06086285813339298, 1.0),
         'ambient': 0.3392397101507343, 'depth_noise': 0.0013088146783957028,
         'holes': 0.03, 'seed': 77000015},
        (Thing('ball', 'purple', (-0.11295287046263336, 0.01884237309160834),
               0.056224515042999836, yaw=0.5194854628594231),
         Thing('cylinder', 'red', (0.12421819834507167, -0.05488504133295663),
               0.06427780341495647, height=0.1152893082844292, yaw=1.5388374025292717),
         Thing('cube', 'green', (-0.14944055289530356, -0.07984953954656425),
               0.045130007661512005, yaw=1.8821663239529787)), 2,
        ('the cube',)),
    'yellow cylinder, 512x384': (
        {'hfov_deg': 69.98189075400437, 'distance': 0.728781935316633,
         'elevation_deg': 69.24322279134168, 'table': ('checker', (110, 110, 115)),
         'wall': (120, 160, 110), 'light': (0.3552578764958122, -0.21341829275131818, 1.0),
         'ambient': 0.36906589908956433, 'depth_noise': 0.002013204473222261,
         'holes': 0.03, 'seed': 77000016},
        (Thing('cylinder', 'yellow', (-0.13258199345996008, 0.01898535692523083),
               0.0751445736623575, height=0.07597206355584375, yaw=2.8772744660954963),
         Thing('ball', 'green', (0.12281247221179667, -0.01015374915666678),
               0.049421429501765354, yaw=0.6815140004376334),
         Thing('ball', 'yellow', (-0.09055515730175767, 0.149387857797043),
               0.06765443423928588, yaw=2.3023350200163937)), 0,
        ('the yellow cylinder', 'the cylinder')),
}


@pytest.mark.parametrize('case', sorted(LOOSER_BOX_SCENES))
def test_an_object_read_best_in_a_looser_box_is_posed_with_its_own(pipeline, case):
    """Another renderer's object read well only in a looser box is found with its own box.

    The looser box was the answer (IoU 0.34 and 0.43 with the object); now the object's
    segmented box answers for it. Before: 0/3 of these right; 40 scenes of
    ``benchmarks/other_renderer_misses.py``: 99/112 -> 100/112 by colour and kind, 47/60
    -> 49/60 by shape alone.
    """
    kw, things, k, commands = LOOSER_BOX_SCENES[case]
    frame = tabletop(512, 384, things=things, **kw)
    for command in commands:
        r = pipeline.run(frame.rgb, command, frame.depth, frame.intrinsics)
        assert r.found, (command, r.reason)
        assert box_iou(np.array([r.chosen.box]), frame.boxes[k:k + 1])[0, 0] >= 0.8, command


@pytest.mark.parametrize('colour, shape, seed', [('red', 'ball', 5), ('green', 'cube', 18),
                                                 ('blue', 'mug', 29)])
def test_each_corner_of_a_two_by_two_arrangement_is_posed_when_asked(pipeline, colour,
                                                                      shape, seed):
    # helper-88: "the red ball top left" read only "left" (the word "top" dropped without
    # a word), so of four like objects two by two it posed whichever left one came first.
    # Said in the image (top/bottom: far/near row on the table) and in depth (front/back).
    scene, at = two_by_two_scene(seed, colour, shape)
    for form, corner in TWO_DIRECTION_FORMS:
        command, expected = form.format(f'{colour} {shape}'), at[corner]
        r = pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics)
        assert r.status == 'found' and len(r.targets) == 1, (command, r.reason)
        assert np.linalg.norm(r.pose.position - expected.centre) < 0.015, (command, r.reason)
        assert ' and ' in r.reason and 'of 4 good match(es)' in r.reason, (command, r.reason)
        # Without depth the same object is picked in the image (its box about the same).
        r2 = pipeline.run(scene.rgb, command, None, scene.intrinsics)
        assert r2.targets and box_iou(np.array([r2.targets[0].candidate.box]),
                                      np.array([r.targets[0].candidate.box]))[0, 0] > 0.5, \
            (command, r2.reason)


def _scene_with_red_ball():
    return generate_scene(4242, specs=[ObjectSpec('red', 'ball', 'large', (-0.15, 0.03)),
                                       ObjectSpec('blue', 'mug', 'small', (0.02, 0.08)),
                                       ObjectSpec('green', 'cube', 'small', (0.16, 0.0))])



def _real_frame(name='posecnn_1'):
    """Return a real RGB-D frame of shared/data/real_rgbd: ``(rgb, depth, intrinsics)``."""
    with np.load(os.path.join(SHARED_DATA, 'real_rgbd', f'{name}.npz')) as f:
        rgb, depth, k = f['rgb'], f['depth'].astype(np.float32), f['K']
    depth[depth <= 0] = np.nan
    return rgb, depth, Intrinsics.from_k(k, rgb.shape[1], rgb.shape[0])


def _answer(res):
    """Return what a frame concluded: status, proposals and every ranked cosine."""
    return (res.status, None if res.chosen is None else res.chosen.index,
            res.proposals.tobytes(), tuple((c.index, c.cosine) for c in res.ranked))


# Another value of every setting the frame memory keys on (config.MEMORY_SETTINGS).
_OTHER = {'max_proposals': 12, 'depth_proposals': False, 'image_proposals': False,
          'nms_iou': 0.4, 'image_up': 'left', 'crop_context': 0.3, 'crop_views': 5}
# All of them at once but the image proposals, the only ones left without depth's.
_ALL_OTHER = {**_OTHER, 'image_proposals': True}


def test_a_parameter_set_at_any_stage_of_a_frame_applies_from_the_next(pipeline):
    """The node swaps ``config`` from its parameter thread while a frame runs (session 34).

    Here the swap happens as each stage starts (proposals, text, preprocess, encode,
    select, pose), to a configuration that differs in every memory setting and the
    thresholds: each frame answers exactly as a fresh run under the configuration it
    started with, with the frame memory and without. Before, proposals were made under
    one and crops encoded under the other: answers matched neither.
    """
    rgb, depth, intr = _real_frame()
    a = PipelineConfig()
    b = replace(a, min_confidence=0.2, top_k=3, **_ALL_OTHER)
    want = {id(c): _answer(Pipeline(pipeline.scorer, c).run(rgb, 'the red mug', depth, intr))
            for c in (a, b)}
    assert want[id(a)] != want[id(b)]
    swaps = []

    def swap(stage):
        if stage is not None:
            swaps.append(stage)
            pipe.config = b if pipe.config is a else a

    for memory in (None, Memory.from_config(a)):
        for start in (a, b, a):
            pipe = Pipeline(pipeline.scorer, start, on_stage=swap)
            res = pipe.run(rgb, 'the red mug', depth, intr, memory=memory)
            assert _answer(res) == want[id(start)], (memory, start)
    assert {'proposals', 'text', 'preprocess', 'encode', 'select', 'pose'} <= set(swaps)


def test_a_parameter_set_from_another_thread_never_mixes_two_settings(pipeline):
    """Two threads, as in the node: frames run while another thread sets ``config``.

    A still camera with the frame memory (what it keeps is reused frame to frame); the
    other thread flips between two configurations every few milliseconds. Every answer
    is the fresh answer of one of them, and both come up.
    """
    rgb, depth, intr = _real_frame('posecnn_3')
    a = PipelineConfig()
    b = replace(a, **_ALL_OTHER)
    want = {_answer(Pipeline(pipeline.scorer, c).run(rgb, 'the mug', depth, intr)): c
            for c in (a, b)}
    assert len(want) == 2
    pipe = Pipeline(pipeline.scorer, a)
    memory = Memory.from_config(a)
    stop = threading.Event()
    flips = []

    def flip():
        while not stop.wait(0.003):
            pipe.config = b if pipe.config is a else a
            flips.append(1)

    thread = threading.Thread(target=flip)
    thread.start()
    seen = collections.Counter()
    try:
        for _ in range(40):
            got = _answer(pipe.run(rgb, 'the mug', depth, intr, memory=memory))
            assert got in want, f'an answer under mixed settings after {sum(seen.values())}'
            seen[id(want[got])] += 1
            if len(seen) == 2 and sum(seen.values()) >= 6:
                break
    finally:
        stop.set()
        thread.join()
    assert len(seen) == 2 and flips, seen


@pytest.mark.parametrize('name', sorted(_OTHER))
def test_changing_a_memory_setting_between_frames_empties_what_was_kept(pipeline, name):
    """A still camera's kept proposals and crops are not served under another setting.

    ``image_up`` was not among the memory's settings: after it turned, every crop and the
    proposals kept upright were served (0 encoded), answering as before it turned. Each
    setting of :data:`clip_perception.config.MEMORY_SETTINGS` in turn: the frame after
    the change answers as a fresh run under it, and the one after that reuses again.
    """
    assert set(_OTHER) == set(MEMORY_SETTINGS)
    rgb, depth, intr = _real_frame()
    before = PipelineConfig()
    after = replace(before, **{name: _OTHER[name]})
    pipe = Pipeline(pipeline.scorer, before)
    memory = Memory.from_config(before)
    pipe.run(rgb, 'the red mug', depth, intr, memory=memory)
    assert pipe.run(rgb, 'the red mug', depth, intr, memory=memory).work['frame_unchanged']
    pipe.config = after
    res = pipe.run(rgb, 'the red mug', depth, intr, memory=memory)
    fresh = Pipeline(pipeline.scorer, after).run(rgb, 'the red mug', depth, intr)
    assert not res.work['frame_unchanged'] and res.work['crops_reused'] == 0, res.work
    assert _answer(res) == _answer(fresh)
    again = pipe.run(rgb, 'the red mug', depth, intr, memory=memory)
    assert again.work['frame_unchanged'] and again.work['crops_encoded'] == 0, again.work
    assert _answer(again) == _answer(fresh)


def test_one_crop_view_scores_bit_for_bit_as_the_crop_alone(pipeline):
    """``crop_views`` 1 (the default) is the pipeline as it was: one crop a box (#13).

    The cosines of a run equal, bit for bit, those of the scorer's own preprocess and
    forward of the proposals (what ``_encode`` did before views existed).
    """
    scorer = pipeline.scorer
    assert pipeline.config.crop_views == 1
    scene = _scene_with_red_ball()
    res = pipeline.run(scene.rgb, 'the red ball', scene.depth, scene.intrinsics)
    direct = scorer.forward(scorer.preprocess(scene.rgb, res.proposals,
                                              pipeline.config.crop_context))
    assert torch.equal(pipeline.embed(scene.rgb, res.proposals), direct)
    text = scorer.text_embedding('red ball', pipeline.config.prompt_template)
    cosine = (direct @ text).numpy()
    assert res.ranked and all(c.cosine == float(cosine[c.index]) for c in res.ranked)


def test_five_crop_views_are_the_renormalised_mean_of_five_shifted_crops(pipeline):
    """Each box's embedding is the unit mean of its crop and four shifted by 1/16 (#13).

    The four shifts are built here by hand (left, right, up, down by ``VIEW_SHIFT`` of
    the square crop's side) and each box's five crops encoded on their own; with five
    views the red ball is still the answer.
    """
    from clip_perception.crops import VIEW_SHIFT

    scorer = pipeline.scorer
    five = Pipeline(scorer, PipelineConfig(crop_views=5))
    scene = _scene_with_red_ball()
    boxes = pipeline.run(scene.rgb, 'the red ball', scene.depth, scene.intrinsics).proposals
    got = five.embed(scene.rgb, boxes)
    assert got.shape == (len(boxes), scorer.model.config.projection_dim)
    ctx = five.config.crop_context
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        s = VIEW_SHIFT * max(x1 - x0, y1 - y0) * (1 + 2 * ctx)
        views = np.array([[x0 + dx, y0 + dy, x1 + dx, y1 + dy]
                          for dx, dy in ((0, 0), (-s, 0), (s, 0), (0, -s), (0, s))])
        mean = scorer.forward(scorer.preprocess(scene.rgb, views, ctx)).mean(0)
        torch.testing.assert_close(got[i], mean / mean.norm(), atol=2e-6, rtol=0)
        one = scorer.forward(scorer.preprocess(scene.rgb, views[:1], ctx))[0]
        assert not torch.allclose(got[i], one, atol=1e-4)  # the views do change it
    res = five.run(scene.rgb, 'the red ball', scene.depth, scene.intrinsics)
    red = next(o for o in scene.objects if (o.colour, o.shape) == ('red', 'ball'))
    assert res.status == 'found', res.reason
    assert box_iou(np.array([res.chosen.box]), np.array([red.box]))[0, 0] >= 0.5
    assert np.linalg.norm(np.asarray(res.pose.position) - red.centre) < 0.01


def test_a_view_count_changed_mid_frame_applies_from_the_next_frame(pipeline):
    """The node sets ``config`` from its parameter thread while a frame is encoded.

    Crops cut for five views are averaged by five even when ``crop_views`` turns to 1
    between the crops and the encoder (here: as the scorer cuts them); the next frame
    uses 1.
    """
    five_cfg = PipelineConfig(crop_views=5)
    scene = _scene_with_red_ball()

    class SwitchWhileCutting:
        def __init__(self, scorer):
            self.scorer = scorer

        def __getattr__(self, name):
            return getattr(self.scorer, name)

        def preprocess(self, *args, **kwargs):
            switching.config = PipelineConfig(crop_views=1)
            return self.scorer.preprocess(*args, **kwargs)

    switching = Pipeline(SwitchWhileCutting(pipeline.scorer), five_cfg)
    res = switching.run(scene.rgb, 'the red ball', scene.depth, scene.intrinsics)
    want = Pipeline(pipeline.scorer, five_cfg).run(scene.rgb, 'the red ball', scene.depth,
                                                   scene.intrinsics)
    assert [(c.index, c.cosine) for c in res.ranked] == \
        [(c.index, c.cosine) for c in want.ranked]
    assert switching.config.crop_views == 1
    nxt = switching.run(scene.rgb, 'the red ball', scene.depth, scene.intrinsics)
    one = pipeline.run(scene.rgb, 'the red ball', scene.depth, scene.intrinsics)
    assert [(c.index, c.cosine) for c in nxt.ranked] == \
        [(c.index, c.cosine) for c in one.ranked]


def test_a_flat_object_lying_on_the_support_is_placed_from_its_own_points():
    """A thin object (3-8 mm) does not stand above the noise: its own points place it.

    Issue 11 (ARC's pink scissors, 5-14 mm above a tote floor): with no standing depth
    in its box, a flat object was placed by the support ray as if it were as deep as
    wide and standing, 2 cm off in the support's plane. Its readings rise above the
    surface's local level by a few millimetres over much of its box
    (``proposals.flat_mask_in_box``); glass, which leaves holes or lifts only a few
    refracted readings, keeps the support ray.
    """
    errs, by_ray, methods = [], [], []
    for seed in range(5):
        scene, objs = generate_layout_scene(41_000 + seed, 'thin')
        props = propose(scene.rgb, scene.depth, scene.intrinsics)
        normal = props.plane[0]
        iou = box_iou(np.array([o.box for o in objs], float), props.boxes)
        for i, obj in enumerate(objs):
            j = int(np.argmax(iou[i]))
            if iou[i, j] < 0.5:
                continue
            for pose, out in ((proposal_pose(props, j, scene.depth, scene.intrinsics), errs),
                              (pose_from_support_ray(props.boxes[j], scene.intrinsics,
                                                     props.plane), by_ray)):
                d = pose.position - obj.centre
                out.append(np.linalg.norm(d - (d @ normal) * normal))
            methods.append(pose.method)
    assert len(errs) >= 10
    # In the support's plane: 4.6 / 13.4 mm median / p95 over the layout's 10 scenes
    # (`clip_perception_eval layouts --layouts thin`), 21.5 / 35.0 mm by the support ray.
    assert np.median(errs) < 0.008 and np.percentile(errs, 90) < 0.016
    assert np.median(by_ray) > 0.015

    # Glass keeps the support ray: the synthetic glass (holes), and the lying glass bottle
    # of a real frame, whose refracted readings rise over 2% of its box.
    for seed in range(3):
        scene, objs = generate_layout_scene(900 + seed, 'transparent')
        props = propose(scene.rgb, scene.depth, scene.intrinsics)
        glass = next(o for o in objs if o.transparent)
        j = int(np.argmax(box_iou(np.array([glass.box], float), props.boxes)[0]))
        pose = proposal_pose(props, j, scene.depth, scene.intrinsics)
        if pose.method != 'points':  # the rim's depth places some from their points
            assert pose.method == 'support_ray'
            assert flat_mask_in_box(scene.depth, scene.intrinsics, props.surface,
                                    props.boxes[j]) is None
    frame = load_frames(os.path.join(SHARED_DATA, 'real_rgbd'),
                        os.path.join(REPO, 'test', 'data', 'real_rgbd_labels.json'),
                        ['cleargrasp_transparent_80'])[0]
    props = propose(frame.rgb, frame.depth, frame.intrinsics)
    lying = [o for o in frame.objects if o.name == 'glass bottle lying']
    iou = box_iou(np.array([o.box for o in lying], float), props.boxes)
    assert iou.max() >= 0.5
    j = int(np.argmax(iou.max(axis=0)))
    assert proposal_pose(props, j, frame.depth, frame.intrinsics).method == 'support_ray'
