"""Image-encoder backends (issue 15 part 3): OpenVINO fp32 against torch fp32.

The real tiny CLIP from disk through both; embeddings and top-1 choices agree on
generated scenes, any batch size works, the conversion is cached on disk, and every
misuse is a clear :class:`ModelLoadError` at load. One test runs the node process over
DDS with ``backend:=openvino``.
"""

import os
import sys

from diagnostic_msgs.msg import DiagnosticArray
import numpy as np
import pytest
import torch

from clip_perception import config
from clip_perception.backends import BACKENDS
from clip_perception.backends import cache_root
from clip_perception.backends import make_encoder
from clip_perception.backends.openvino_encoder import IR_NAME
from clip_perception.scorer import ClipScorer
from clip_perception.scorer import ModelLoadError
from clip_perception.world.scenes import generate_scene
from conftest import Camera
from conftest import detections
from conftest import wait_for_node

# Bound on |cosine(openvino) - cosine(torch fp32)|: both compute in fp32, so they differ
# by summation order only (benchmarks/backends.py measures about 1e-6 on the tiny model).
MAX_DRIFT = 1e-4


@pytest.fixture()
def ros_home(tmp_path, monkeypatch):
    """Give the test a private conversion cache ($ROS_HOME/clip_perception)."""
    monkeypatch.setenv('ROS_HOME', str(tmp_path / 'ros_home'))
    return tmp_path / 'ros_home' / 'clip_perception'


@pytest.fixture(scope='module')
def pair(tmp_path_factory):
    """``(torch fp32 scorer, openvino scorer)``, loaded once for the module."""
    torch.set_num_threads(1)
    old = os.environ.get('ROS_HOME')
    os.environ['ROS_HOME'] = str(tmp_path_factory.mktemp('ros_home'))
    try:
        ref = ClipScorer('bundled', device='cpu', dtype='float32')
        ov = ClipScorer('bundled', device='cpu', dtype='float32', backend='openvino')
    finally:
        if old is None:
            del os.environ['ROS_HOME']
        else:
            os.environ['ROS_HOME'] = old
    return ref, ov


def test_parameter_offers_exactly_the_backends():
    spec = next(p for p in config.PARAMETERS if p.name == 'backend')
    assert spec.default == 'torch' and spec.read_only
    assert spec.choices == BACKENDS == ('torch', 'openvino')


def test_openvino_agrees_with_torch_fp32_on_generated_scenes(pair):
    ref, ov = pair
    assert ov.encoder.describe() == 'openvino float32'
    assert ref.encoder.describe() == 'torch float32'
    worst, queries = 0.0, 0
    for seed in range(12):
        scene = generate_scene(15_300_000 + seed)
        objs = scene.targetable()
        if len(objs) < 2:
            continue
        pixels = ref.preprocess(scene.rgb, np.array([o.box for o in objs], float))
        a, b = ref.forward(pixels), ov.forward(pixels)
        assert b.dtype == torch.float32 and b.shape == a.shape
        assert torch.allclose(b.norm(dim=1), torch.ones(len(b)), atol=1e-5)
        for o in objs:
            text = ref.text_embedding(o.name)
            ca, cb = (a @ text).numpy(), (b @ text).numpy()
            worst = max(worst, float(np.abs(ca - cb).max()))
            assert ca.argmax() == cb.argmax(), (seed, o.name, ca, cb)
            queries += 1
    assert queries >= 30
    assert worst < MAX_DRIFT, worst


@pytest.mark.parametrize('n', [0, 1, 7, 32])
def test_any_batch_size(pair, n):
    ref, ov = pair
    pixels = torch.randn(n, 3, ref.input_size, ref.input_size, generator=torch.Generator()
                         .manual_seed(n))
    a, b = ref.forward(pixels), ov.forward(pixels)
    assert b.shape == (n, ref.model.config.projection_dim) and b.dtype == torch.float32
    if n:
        assert float((a - b).abs().max()) < MAX_DRIFT
    # numpy input too, as the interface says
    assert torch.equal(ov.encoder.encode(pixels.numpy()), b)


def test_scores_through_the_scorer_match(pair):
    ref, ov = pair
    scene = generate_scene(15_301_000)
    boxes = np.array([o.box for o in scene.targetable()], float)
    a = ref.score(scene.rgb, boxes, 'red ball').cosine
    b = ov.score(scene.rgb, boxes, 'red ball').cosine
    assert np.abs(a - b).max() < MAX_DRIFT


def test_five_crop_views_batch_through_openvino_as_through_torch(pair):
    """``crop_views`` 5 hands the encoder 5 x N crops: 160 for 32 proposals (issue #13).

    OpenVINO's batch dimension is dynamic (``openvino_encoder``), so the views' batch,
    five times any earlier one, gives the embeddings torch gives.
    """
    from clip_perception.config import PipelineConfig
    from clip_perception.pipeline import Pipeline
    from clip_perception.proposals import propose

    ref, ov = pair
    scene = generate_scene(15_302_000, n_objects=8)
    boxes = propose(scene.rgb, scene.depth, scene.intrinsics, max_proposals=32).boxes
    assert len(boxes) >= 16
    cfg = PipelineConfig(crop_views=5)
    a = Pipeline(ref, cfg).embed(scene.rgb, boxes)
    b = Pipeline(ov, cfg).embed(scene.rgb, boxes)
    assert a.shape == b.shape == (len(boxes), ref.model.config.projection_dim)
    assert float((a - b).abs().max()) < MAX_DRIFT


def test_conversion_is_cached_on_disk_and_a_damaged_cache_is_rebuilt(pair, ros_home):
    ref, _ = pair

    def load():
        return make_encoder('openvino', ref.model, ref.model_path, 'cpu', ref.input_size)
    first = load()
    assert not first.cached
    entries = os.listdir(ros_home)
    assert len(entries) == 1 and 'openvino' in entries[0] and 'float32' in entries[0]
    xml = ros_home / entries[0] / IR_NAME
    assert xml.is_file()
    second = load()
    assert second.cached
    pixels = torch.randn(5, 3, ref.input_size, ref.input_size)
    # Same IR either way; compiled kernels may sum in another order (1e-7 level).
    assert torch.allclose(first.encode(pixels), second.encode(pixels), atol=1e-6)
    xml.write_text('not an IR')
    third = load()
    assert not third.cached
    assert torch.allclose(third.encode(pixels), first.encode(pixels), atol=1e-6)
    assert xml.read_text().startswith('<?xml')


def test_cache_root_follows_ros_home(monkeypatch, tmp_path):
    monkeypatch.setenv('ROS_HOME', str(tmp_path))
    assert cache_root() == os.path.join(str(tmp_path), 'clip_perception')
    monkeypatch.delenv('ROS_HOME')
    assert cache_root().endswith(os.path.join('.cache', 'clip_perception'))


def test_errors_are_clear_and_raised_at_load(ros_home):
    with pytest.raises(ModelLoadError, match='unknown backend "tensorrt".*torch, openvino'):
        ClipScorer('bundled', device='cpu', backend='tensorrt')
    with pytest.raises(ModelLoadError, match='bfloat16.*dtype:=float32'):
        ClipScorer('bundled', device='cpu', dtype='bfloat16', backend='openvino')
    # A CUDA device with a CPU-only backend: refused before anything touches the GPU.
    with pytest.raises(ModelLoadError, match='CPU only but device is "cuda:0".*device:=cpu'):
        ClipScorer('bundled', device='cuda:0', backend='openvino')
    ref = ClipScorer('bundled', device='cpu')
    with pytest.raises(ModelLoadError, match='CPU only but device is "cuda".*backend:=torch'):
        make_encoder('openvino', ref.model, ref.model_path, 'cuda', ref.input_size)


def test_missing_openvino_is_a_clear_load_error(ros_home, monkeypatch):
    # None in sys.modules is Python's own way to make an import fail (ImportError).
    monkeypatch.setitem(sys.modules, 'openvino', None)
    with pytest.raises(ModelLoadError, match='needs the openvino package.*pip install'):
        ClipScorer('bundled', device='cpu', backend='openvino')


def test_node_with_openvino_backend_finds_the_target(probe, start_node, ros_home):
    from std_msgs.msg import String

    from test_node import obj
    from test_node import run_until
    from test_node import SCENE_SPECS

    node = start_node('-p', 'backend:=openvino')  # device auto -> cpu; ROS_HOME inherited
    probe.listen(String, '/clip_perception/detection_json')
    probe.listen(DiagnosticArray, '/diagnostics')
    camera = Camera(probe)
    assert wait_for_node(probe, timeout=60) and camera.wait_connected(), node.output()
    scene = generate_scene(4242, specs=SCENE_SPECS)
    camera.command('the red ball')
    assert run_until(probe, camera, scene, lambda: any(
        d['status'] == 'found' for d in detections(probe)), timeout=60), node.output()
    det = next(d for d in detections(probe) if d['status'] == 'found')
    red = obj(scene, 'red', 'ball')
    assert np.linalg.norm(np.array(det['position']) - red.centre) < 0.01, det
    diag = probe.wait_for('/diagnostics', lambda msgs: any(
        kv.key == 'backend' for m in msgs for s in m.status for kv in s.values), 20)
    values = {kv.key: kv.value for m in diag for s in m.status for kv in s.values}
    assert values['backend'] == 'openvino float32', values
    log = node.output()
    assert 'image encoder: openvino float32' in log, log
    assert os.listdir(ros_home), 'no cached conversion'
    assert node.stop() == 0
