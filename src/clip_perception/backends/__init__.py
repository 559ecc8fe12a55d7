"""Image encoders behind one small interface: torch, and the CPU runtime that won.

Only the image encoder runs per frame (text embeddings are cached per command and stay
on torch), so a backend is an :class:`ImageEncoder`: normalised crops
``(N, 3, S, S)`` in, unit-norm embeddings ``(N, D)`` float32 out, for any N.

Which backends are offered follows ``benchmarks/backends.py`` (README, "Inference
backends"): OpenVINO fp32 ran the image encoder clearly faster than torch fp32 on the
CPU, for the tiny model and ViT-B/32, at the same scores; OpenVINO bf16/int8 and ONNX
Runtime did not beat what torch already offers (``dtype:=bfloat16``), so they are
measured but not offered.

Conversion runs at load (node start / ``on_configure``); a converted model is cached
on disk (:func:`cache_dir`) so the next start only compiles it. Every failure here is a
:class:`clip_perception.config.ModelLoadError` raised at load, never an error mid-frame.
"""

import hashlib
import os

import torch

from clip_perception.config import ModelLoadError

TORCH = 'torch'
OPENVINO = 'openvino'
#: Values of the ``backend`` parameter.
BACKENDS = (TORCH, OPENVINO)
#: Part of every cache key: bump it when :class:`ImageEmbedder`'s graph changes, so a
#: converted model of the old graph is never read back.
GRAPH_VERSION = 1


class ImageEncoder:
    """Normalised crops in, unit-norm image embeddings out.

    :ivar name: backend name (one of :data:`BACKENDS`).
    :ivar precision: what the encoder computes in, e.g. ``float32``.
    :ivar dim: embedding size D.
    :ivar load_seconds: one-time conversion + compile cost paid at load (s).
    :ivar cached: whether the converted model came from the on-disk cache.
    """

    name = TORCH
    precision = 'float32'
    dim = 0
    load_seconds = 0.0
    cached = False

    def encode(self, pixels):
        """Embed a batch of crops.

        :param pixels: (N, 3, S, S) normalised crops, ``numpy.ndarray`` or
            ``torch.Tensor`` (any float dtype; N may be 0).
        :return: (N, D) float32 CPU tensor, rows of unit L2 norm.
        """
        raise NotImplementedError

    def describe(self):
        """One short line for logs and diagnostics, e.g. ``openvino float32``."""
        return f'{self.name} {self.precision}'


class TorchEncoder(ImageEncoder):
    """The transformers ``CLIPModel`` image tower on its own device and dtype."""

    def __init__(self, clip):
        self.clip = clip
        param = next(clip.parameters())
        self.dtype = param.dtype
        self.device = param.device
        self.precision = str(self.dtype).replace('torch.', '')
        self.dim = int(clip.config.projection_dim)

    def encode(self, pixels):
        if not isinstance(pixels, torch.Tensor):
            pixels = torch.from_numpy(pixels)
        if len(pixels) == 0:
            return torch.zeros((0, self.dim))
        pixels = pixels.to(self.device, self.dtype)
        with torch.inference_mode():
            out = self.clip.get_image_features(pixel_values=pixels)
        emb = (out if isinstance(out, torch.Tensor) else out.pooler_output).float()
        return (emb / emb.norm(dim=-1, keepdim=True)).cpu()


class ImageEmbedder(torch.nn.Module):
    """The image tower as one graph: pixels (N, 3, S, S) -> unit embeddings (N, D).

    What a runtime converts (projection and normalisation included, so the runtime
    returns final embeddings in one call).
    """

    def __init__(self, clip):
        super().__init__()
        self.vision_model = clip.vision_model
        self.visual_projection = clip.visual_projection

    def forward(self, pixel_values):
        pooled = self.vision_model(pixel_values=pixel_values).pooler_output
        emb = self.visual_projection(pooled)
        return emb / emb.norm(dim=-1, keepdim=True)


def cache_root():
    """Where converted models are kept.

    ``$ROS_HOME/clip_perception`` when ``ROS_HOME`` is set (where ROS keeps its own
    state), else ``~/.cache/clip_perception``.
    """
    ros_home = os.environ.get('ROS_HOME')
    if ros_home:
        return os.path.join(os.path.expanduser(ros_home), 'clip_perception')
    return os.path.join(os.path.expanduser('~'), '.cache', 'clip_perception')


def weights_hash(model_path):
    """SHA-256 (first 16 hex digits) over the checkpoint's safetensors files.

    :param model_path: local folder, or a hub id already in the Hugging Face cache.
    :return: the hash, or None when no local safetensors file is found (no disk cache).
    """
    files = []
    if os.path.isdir(model_path):
        files = sorted(os.path.join(model_path, f) for f in os.listdir(model_path)
                       if f.endswith('.safetensors'))
    else:
        try:
            from transformers.utils import cached_file
            path = cached_file(model_path, 'model.safetensors', local_files_only=True)
            files = [path] if path else []
        except (OSError, ValueError):
            files = []
    if not files:
        return None
    h = hashlib.sha256()
    for path in files:
        with open(path, 'rb') as f:
            for block in iter(lambda: f.read(1 << 22), b''):
                h.update(block)
    return h.hexdigest()[:16]


def cache_dir(model_path, backend, version, precision):
    """Cache folder of one conversion: weights hash, backend version, precision, graph.

    :return: a path (not created), or None when the weights cannot be hashed.
    """
    digest = weights_hash(model_path)
    if digest is None:
        return None
    return os.path.join(cache_root(),
                        f'{digest}-{backend}-{version}-{precision}-g{GRAPH_VERSION}')


def check_backend(backend, device):
    """Refuse an unknown backend, or a CPU-only one on another device, before loading.

    :raises clip_perception.config.ModelLoadError: with what to use instead.
    """
    if backend not in BACKENDS:
        raise ModelLoadError(f'unknown backend "{backend}": use one of {", ".join(BACKENDS)}')
    if backend != TORCH and str(device) != 'cpu':
        raise ModelLoadError(f'backend "{backend}" runs on the CPU only but device is '
                             f'"{device}": use device:=cpu with it, or backend:=torch on '
                             'the GPU')


def make_encoder(backend, clip, model_path, device, input_size):
    """Build the image encoder named by the ``backend`` parameter.

    :param backend: one of :data:`BACKENDS`.
    :param clip: the loaded transformers ``CLIPModel`` (eval mode, on ``device``).
    :param model_path: its folder or hub id (keys the conversion cache).
    :param device: torch device string (``cpu``, ``cuda:0``...).
    :param input_size: encoder input side S in pixels.
    :raises clip_perception.config.ModelLoadError: unknown backend, backend not
        installed, a CPU-only backend asked for a CUDA device, a conversion failure.
    """
    check_backend(backend, device)
    if backend == TORCH:
        return TorchEncoder(clip)
    dtype = next(clip.parameters()).dtype
    if dtype != torch.float32:
        raise ModelLoadError(f'backend "{backend}" runs float32 only but dtype is '
                             f'{str(dtype).replace("torch.", "")}: use dtype:=float32 (or '
                             'auto) with it, or backend:=torch for bfloat16')
    from clip_perception.backends.openvino_encoder import OpenVinoEncoder
    return OpenVinoEncoder(clip, model_path, input_size)
