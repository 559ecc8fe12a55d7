"""The perception core end to end on generated scenes (issue 4 targets, small sample)."""

import numpy as np
import pytest

from clip_perception.config import PipelineConfig
from clip_perception.evaluation import eval_pipeline
from clip_perception.evaluation import summarise_pipeline
from clip_perception.language import CommandError
from clip_perception.pipeline import NO_DEPTH
from clip_perception.pipeline import Pipeline
from clip_perception.scenes import generate_scene
from clip_perception.scenes import ObjectSpec
from clip_perception.scorer import ClipScorer


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
