"""The image encoder on OpenVINO's CPU plugin, fp32 (``backend:=openvino``).

The transformers image tower (:class:`clip_perception.backends.ImageEmbedder`) is
converted with ``openvino.convert_model`` with a dynamic batch dimension, so every N
(0 included, handled here) runs through one compiled model without recompiling. The
converted IR is saved under :func:`clip_perception.backends.cache_dir` (keyed by the
weights' hash, the OpenVINO version and the precision); the next load reads it and only
compiles. Precision is pinned to f32 with ``INFERENCE_PRECISION_HINT``: on a CPU with
bf16 units the plugin would otherwise pick bf16 by itself and move the scores.
"""

import os
import shutil
import tempfile
import threading
import time
import warnings

import numpy as np
import torch

from clip_perception.backends import cache_dir
from clip_perception.backends import ImageEmbedder
from clip_perception.backends import ImageEncoder
from clip_perception.backends import OPENVINO

IR_NAME = 'image_encoder.xml'


class OpenVinoEncoder(ImageEncoder):
    """OpenVINO CPU fp32 image encoder with a dynamic batch dimension.

    :param clip: loaded transformers ``CLIPModel`` (float32, CPU).
    :param model_path: its folder or hub id (keys the disk cache).
    :param input_size: encoder input side S in pixels.
    :param threads: inference threads; default ``torch.get_num_threads()`` (what the
        node's ``torch_threads`` parameter set).
    :raises clip_perception.scorer.ModelLoadError: openvino not installed, or the
        conversion / compilation failed.
    """

    name = OPENVINO
    precision = 'float32'

    def __init__(self, clip, model_path, input_size, threads=None):
        from clip_perception.config import ModelLoadError

        try:
            import openvino as ov
        except ImportError as exc:
            raise ModelLoadError(
                f'backend "openvino" needs the openvino package ({exc}): install it with '
                '`pip install openvino==2026.4.1` (pinned in requirements.txt), or use '
                'backend:=torch') from None
        t0 = time.perf_counter()
        self.dim = int(clip.config.projection_dim)
        self.version = ov.__version__.split('-')[0]
        self.cache = cache_dir(model_path, OPENVINO, self.version, self.precision)
        core = ov.Core()
        model = None
        if self.cache is not None and os.path.isfile(os.path.join(self.cache, IR_NAME)):
            try:
                model = core.read_model(os.path.join(self.cache, IR_NAME))
                self.cached = True
            except RuntimeError:
                model = None  # a damaged cache entry: convert again and overwrite it
        try:
            if model is None:
                model = _convert(ov, clip, input_size)
                if self.cache is not None:
                    _save(ov, model, self.cache)
            threads = threads or torch.get_num_threads()
            self.compiled = core.compile_model(model, 'CPU', {
                'INFERENCE_PRECISION_HINT': 'f32', 'INFERENCE_NUM_THREADS': int(threads),
                'PERFORMANCE_HINT': 'LATENCY'})
        except (RuntimeError, ValueError, TypeError) as exc:
            raise ModelLoadError(
                f'OpenVINO {self.version} could not convert or compile the image encoder of '
                f'"{model_path}": {str(exc).splitlines()[0] if str(exc) else exc!r}; use '
                'backend:=torch') from None
        self.threads = int(threads)
        self._request = self.compiled.create_infer_request()
        self._lock = threading.Lock()
        self.load_seconds = time.perf_counter() - t0

    def encode(self, pixels):
        if isinstance(pixels, torch.Tensor):
            pixels = pixels.detach().to('cpu', torch.float32).numpy()
        pixels = np.ascontiguousarray(pixels, np.float32)
        if len(pixels) == 0:
            return torch.zeros((0, self.dim))
        with self._lock:  # one infer request; its output buffer is reused by the next call
            out = self._request.infer([pixels])[0]
            return torch.from_numpy(np.array(out, np.float32, copy=True))


def _convert(ov, clip, size):
    """Trace the image tower into an OpenVINO model with input shape (?, 3, S, S)."""
    embedder = ImageEmbedder(clip).eval()
    example = torch.zeros((2, 3, size, size), dtype=torch.float32)
    # Tracing warns that Python branches on shapes (transformers' image-size check) are
    # frozen into the graph: true and harmless here, as only the batch dim is dynamic and
    # the side S is fixed; without this a warnings-as-errors caller could not convert.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return ov.convert_model(embedder, example_input=example, input=[(-1, 3, size, size)])


def _save(ov, model, folder):
    """Write the IR beside ``folder`` and move it in place (readers never see half of it).

    A read-only or full disk costs the next start a conversion, nothing more.
    """
    parent = os.path.dirname(folder)
    tmp = None
    try:
        os.makedirs(parent, exist_ok=True)
        tmp = tempfile.mkdtemp(dir=parent, prefix='.tmp-')
        ov.save_model(model, os.path.join(tmp, IR_NAME), compress_to_fp16=False)
        if os.path.isdir(folder):
            shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    except OSError:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
