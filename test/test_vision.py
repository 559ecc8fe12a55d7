"""``~/detection`` content (vision_msgs semantics) from real pipeline results (issue 16.6)."""

import math

import numpy as np
import pytest

from clip_perception.config import PipelineConfig
from clip_perception.pipeline import Pipeline
from clip_perception.scorer import ClipScorer
from clip_perception.vision import detections
from clip_perception.vision import UNKNOWN_VARIANCE
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import ObjectSpec


@pytest.fixture(scope='module')
def scene_and_pipeline():
    scene = generate_scene(77, specs=[ObjectSpec('red', 'ball', 'large', (-0.1, 0.05)),
                                      ObjectSpec('blue', 'cube', 'small', (0.1, 0.05))])
    pipeline = Pipeline(ClipScorer('bundled', device='cpu', dtype='float32'),
                        PipelineConfig())
    return scene, pipeline


def test_found_carries_the_position_and_its_covariance(scene_and_pipeline):
    scene, pipeline = scene_and_pipeline
    res = pipeline.run(scene.rgb, 'the red ball', scene.depth, scene.intrinsics)
    assert res.status == 'found'
    [d] = detections(res)
    assert d.id == 'chosen' and d.class_id == res.what and d.score == res.chosen.confidence
    x0, y0, x1, y1 = res.chosen.box
    assert d.center == ((x0 + x1) / 2, (y0 + y1) / 2) and d.size == (x1 - x0, y1 - y0)
    assert d.position == tuple(res.pose.position)
    cov = np.array(d.covariance).reshape(6, 6)
    np.testing.assert_array_equal(cov[:3, :3], res.pose.covariance)
    assert np.all(np.diag(cov)[:3] > 0)  # the spread the JSON reports as position_std
    assert np.all(np.diag(cov)[3:] == UNKNOWN_VARIANCE)  # orientation not estimated
    assert np.all(cov[:3, 3:] == 0) and np.all(cov[3:, :3] == 0)


def test_no_depth_marks_the_position_unknown_not_at_the_origin(scene_and_pipeline):
    scene, pipeline = scene_and_pipeline
    res = pipeline.run(scene.rgb, 'the red ball', None, scene.intrinsics)
    assert res.status == 'no_depth'
    [d] = detections(res)
    assert all(math.isnan(v) for v in d.position)
    cov = np.array(d.covariance).reshape(6, 6)
    assert np.all(np.diag(cov) == math.inf)
    assert d.size[0] > 0 and d.score == res.chosen.confidence


def test_not_found_publishes_no_detection(scene_and_pipeline):
    scene, pipeline = scene_and_pipeline
    res = pipeline.run(scene.rgb, 'the yellow cone', scene.depth, scene.intrinsics)
    assert res.status == 'not_found' and len(res.ranked) > 0  # candidates exist (JSON)
    assert detections(res) == []
    # Words the bundled model never learned: not scored at all, nothing published either.
    res = pipeline.run(scene.rgb, 'the teddy bear', scene.depth, scene.intrinsics)
    assert res.status == 'not_found' and res.ranked == () and detections(res) == []
