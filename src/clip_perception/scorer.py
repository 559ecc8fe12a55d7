"""CLIP scoring of image crops against a text query (transformers ``CLIPModel``).

preprocess (batched crops, :mod:`clip_perception.crops`) -> forward (one image-encoder
call per frame under ``torch.inference_mode``) -> postprocess (cosine similarity with
the cached text embedding of the query).

Loading is deliberately strict: weights only from safetensors (a pickle ``.bin`` can
run code when unpickled), never ``trust_remote_code``, and a local folder is used as
is. Offline (``HF_HUB_OFFLINE=1``, or no network) a missing checkpoint raises
:class:`ModelLoadError` that names it and says how to fetch it.
"""

from collections import OrderedDict
from dataclasses import dataclass
import json
import os
import re
import sys

import numpy as np
import torch

from clip_perception.backends import check_backend
from clip_perception.backends import make_encoder
from clip_perception.backends import TORCH
from clip_perception.confidence import read_templates
from clip_perception.confidence import read_vocabulary
from clip_perception.config import DEFAULT_TEMPLATE
from clip_perception.config import ModelLoadError
from clip_perception.config import split_templates
from clip_perception.config import TEMPLATE_SEPARATOR
from clip_perception.crops import crop_batch
from clip_perception.crops import normalise_image
from clip_perception.crops import square_boxes
from clip_perception.crops import value_range

BUNDLED = 'bundled'
BUNDLED_DIR = 'tiny_clip'
CALIBRATION_FILE = 'clip_perception_calibration.json'


def bundled_model_dir():
    """Folder of the tiny CLIP shipped in share/clip_perception/models/.

    Looks where ament puts it (``AMENT_PREFIX_PATH``), then the running interpreter's
    prefix (a pip or venv install), then the source checkout.
    """
    candidates = []
    for prefix in os.environ.get('AMENT_PREFIX_PATH', '').split(os.pathsep):
        if prefix:
            candidates.append(os.path.join(prefix, 'share', 'clip_perception'))
    candidates.append(os.path.join(sys.prefix, 'share', 'clip_perception'))
    here = os.path.dirname(os.path.abspath(__file__))
    candidates.append(os.path.normpath(os.path.join(here, '..', '..')))
    for share in candidates:
        path = os.path.join(share, 'models', BUNDLED_DIR)
        if os.path.isfile(os.path.join(path, 'config.json')):
            return path
    raise ModelLoadError(
        'the bundled tiny CLIP was not found under share/clip_perception/models/'
        f'{BUNDLED_DIR} (looked in: {", ".join(candidates)}); reinstall the package')


def resolve_model(model):
    """Map the ``model`` parameter to a folder or hub id (``bundled`` -> shipped folder)."""
    if model == BUNDLED:
        return bundled_model_dir()
    return os.path.expanduser(model)


def pick_device(device):
    """``auto`` -> cuda when available, else cpu; validate explicit choices.

    :param device: ``auto``, ``cpu``, ``cuda`` or ``cuda:N``.
    :return: the device string torch is given.
    :raises ModelLoadError: another string, no CUDA device, or ``N`` not below the number
        of devices torch sees (torch would raise "invalid device ordinal" only when the
        model moves there, a traceback at start-up: LuyaooChen/uninformed-students-pytorch#3,
        chenfei-wu/TaskMatrix#21).
    """
    if device == 'auto':
        return 'cuda' if torch.cuda.is_available() else 'cpu'
    if device == 'cpu':
        return device
    if not re.fullmatch(r'cuda(:\d+)?', device):
        raise ModelLoadError(f'unknown device "{device}": use auto, cpu, cuda or cuda:N')
    if not torch.cuda.is_available():
        raise ModelLoadError(f'device "{device}" requested but torch sees no CUDA device '
                             f'(torch {torch.__version__}); use device:=cpu or auto')
    index = int(device.partition(':')[2] or 0)
    count = torch.cuda.device_count()
    if index >= count:
        visible = os.environ.get('CUDA_VISIBLE_DEVICES')
        raise ModelLoadError(
            f'device "{device}" requested but torch sees {count} CUDA device'
            f'{"" if count == 1 else "s"} (cuda:0 to cuda:{count - 1})'
            + (f' with CUDA_VISIBLE_DEVICES={visible}, which renumbers them from 0'
               if visible is not None else '') + '; use device:=cuda or auto')
    return device


def pick_dtype(dtype, device):
    """``auto`` -> float16 on CUDA, float32 on CPU."""
    table = {'float32': torch.float32, 'float16': torch.float16, 'bfloat16': torch.bfloat16}
    if dtype == 'auto':
        return torch.float16 if device.startswith('cuda') else torch.float32
    if dtype not in table:
        raise ModelLoadError(f'unknown dtype "{dtype}": use auto, float32, float16, bfloat16')
    return table[dtype]


def native_bf16():
    """Return True when this CPU multiplies bfloat16 natively (AVX-512 BF16 or AMX).

    From ``torch.backends.cpu.get_cpu_capability()``; elsewhere torch emulates bf16,
    several times slower than float32 (measured: 6-8x on an AVX2 EPYC,
    ``benchmarks/results/backends_cpu_*.log``).
    """
    capability = torch.backends.cpu.get_cpu_capability()
    return 'AVX512' in capability or 'AMX' in capability


def load_clip(model, device='cpu', dtype=torch.float32):
    """Load ``(CLIPModel, tokenizer, image_config)`` safely.

    :param model: hub id or local folder (already resolved, see :func:`resolve_model`).
    :return: model in eval mode on ``device``; ``image_config`` has ``mean``, ``std``
        and ``size`` (the encoder's input side).
    :raises ModelLoadError: no such folder or id, pickle weights only, a checkpoint of
        another ``model_type`` than ``clip``, weights that do not fit config.json or
        leave some of CLIPModel's weights random, a tokenizer that reads no word (none
        saved with the weights), or a bad image processor config.
    """
    from transformers import AutoConfig
    from transformers import AutoTokenizer
    from transformers import CLIPModel
    from transformers.utils import logging as hf_logging

    is_dir = os.path.isdir(model)
    if is_dir:
        files = os.listdir(model)
        if not any(f.endswith('.safetensors') for f in files):
            pickles = [f for f in files if f.endswith(('.bin', '.pt', '.pth', '.ckpt'))]
            raise ModelLoadError(
                f'model folder {model} has no .safetensors weights'
                + (f' (found pickle checkpoint(s) {pickles}, which are refused because '
                   'unpickling can run arbitrary code)' if pickles else '')
                + '; convert it with CLIPModel.from_pretrained(...).save_pretrained(dir, '
                'safe_serialization=True) on a trusted machine')
    elif model.startswith(('/', '.', '~')) or model.count('/') > 1:
        raise ModelLoadError(f'model folder {model} does not exist; give an existing '
                             'folder or a hub id such as openai/clip-vit-base-patch32')
    kwargs = {'use_safetensors': True, 'trust_remote_code': False}
    if is_dir:
        kwargs['local_files_only'] = True
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # a tqdm bar at the top of a robot's log is noise
    try:
        kind = AutoConfig.from_pretrained(model, **kwargs).model_type
        if kind != 'clip':
            # transformers would only warn, then raise on sizes or leave weights random.
            raise ModelLoadError(
                f'"{model}" is a checkpoint of model_type "{kind}" (its config.json), not '
                "CLIP: the node scores with transformers' CLIPModel; give a CLIP "
                'checkpoint (model_type "clip")')
        try:
            clip, info = CLIPModel.from_pretrained(
                model, dtype=dtype, output_loading_info=True, **kwargs)
        except RuntimeError as exc:
            # Weights of another size than config.json says (TMElyralab/Comfyui-MusePose#30):
            # transformers raises RuntimeError after logging the mismatched keys.
            if 'mismatch' not in str(exc):
                raise
            raise ModelLoadError(
                f'CLIP checkpoint "{model}": its weights do not fit the sizes in its '
                f'config.json ({str(exc).splitlines()[0]}); use the config.json saved with '
                'these weights (an edited image_size or one from another CLIP does this)'
            ) from None
        _check_weights_found(model, clip, info)
        tokenizer = AutoTokenizer.from_pretrained(model, **kwargs)
        _check_tokenizer_fits(model, clip, tokenizer)
        _check_tokenizer_reads_words(model, tokenizer)
        image_config = _image_config(model, clip, kwargs)
    except ModelLoadError:
        raise
    except (OSError, ValueError, EnvironmentError) as exc:
        offline = os.environ.get('HF_HUB_OFFLINE', '') not in ('', '0')
        raise ModelLoadError(
            f'could not load CLIP checkpoint "{model}"'
            + (' with HF_HUB_OFFLINE set' if offline else '')
            + f": {str(exc).splitlines()[0].rstrip('. ')}. Give a local folder holding "
            'config.json and '
            'model.safetensors, or on a machine with network run '
            f'`python -c "from transformers import CLIPModel, CLIPProcessor; '
            f"CLIPModel.from_pretrained('{model}').save_pretrained('DIR'); "
            f"CLIPProcessor.from_pretrained('{model}').save_pretrained('DIR')\"` "
            'and copy DIR to the robot') from None
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    clip.eval().to(device)
    return clip, tokenizer, image_config


def _check_weights_found(model, clip, info):
    """Refuse a checkpoint that left any of CLIPModel's weights to random initialisation.

    transformers fills weights missing from the file with random values and only logs a
    load report (microsoft/Cream#254: a checkpoint saved as ``{'state_dict': ...}``;
    thu-ml/zh-clip#4: one projection bias missing), so the node would answer every
    command from noise that looks like normal confidences.

    :param model: the folder or hub id, for the message.
    :param clip: the loaded CLIPModel (its ``state_dict`` keys are the weights expected).
    :param info: ``output_loading_info`` of ``from_pretrained``: sets of key names
        ``missing_keys`` and ``unexpected_keys``.
    :raises ModelLoadError: any missing key, naming the first few, the count and, when
        the file holds the same names under a prefix (``model.``, ``module.``: Lightning,
        DistributedDataParallel), that prefix and how to strip it.
    """
    # position_ids are buffers rebuilt from the config, never learned.
    missing = sorted(k for k in info.get('missing_keys') or ()
                     if not k.endswith('position_ids'))
    if not missing:
        return
    unexpected = sorted(info.get('unexpected_keys') or ())
    prefixes = {u[:-len(k)] for k in missing for u in unexpected if u.endswith('.' + k)}
    prefix = prefixes.pop() if len(prefixes) == 1 else None
    shown_keys = ', '.join(missing[:3]) + (', ...' if len(missing) > 3 else '')
    expected = sum(1 for k in clip.state_dict() if not k.endswith('position_ids'))
    raise ModelLoadError(
        f'CLIP checkpoint "{model}": {len(missing)} of {expected} weights of CLIPModel are '
        f'not in the checkpoint ({shown_keys}); transformers would leave them random and '
        'every answer would be noise'
        + (f'. The file holds them under the prefix "{prefix}": save the inner model '
           f'(strip "{prefix}" from every key) with save_pretrained(dir, '
           'safe_serialization=True)' if prefix else
           '. Give a CLIPModel checkpoint written by save_pretrained (config.json, '
           'model.safetensors, tokenizer and preprocessor files)'))


def _check_tokenizer_fits(model, clip, tokenizer):
    """Refuse a tokenizer that gives ids the text encoder has no embedding for.

    Tokens added with ``add_tokens`` / ``add_special_tokens`` and saved without
    ``resize_token_embeddings`` (huggingface/transformers#12763, #11102): every command
    holding one raised "IndexError: index out of range in self" on every frame.

    :raises ModelLoadError: ``len(tokenizer)`` above the text ``vocab_size``.
    """
    embeds = clip.config.text_config.vocab_size
    if len(tokenizer) > embeds:
        raise ModelLoadError(
            f'CLIP checkpoint "{model}": its tokenizer has {len(tokenizer)} tokens but its '
            f'text encoder embeds {embeds}: tokens were added without '
            'model.resize_token_embeddings(len(tokenizer)), or the tokenizer is another '
            "model's; save the tokenizer that was trained with these weights")


# Words every CLIP BPE tokenizer holds (the bundled trimmed one included: its prompt
# templates and its colours and shapes), read by _check_tokenizer_reads_words.
TOKENIZER_PROBE = 'a photo of a red ball'


def _check_tokenizer_reads_words(model, tokenizer):
    """Refuse a tokenizer that reads every word as its unknown token.

    A folder holding only ``CLIPModel.save_pretrained``'s config.json and
    model.safetensors (the tokenizer never saved beside it) loads with transformers 5 as
    a CLIPTokenizer of 2 tokens: every command became the same unknown tokens, so a
    present object and an absent one got the same confidence, silently.

    :param tokenizer: the tokenizer loaded from ``model``.
    :raises ModelLoadError: every token of :data:`TOKENIZER_PROBE` is the unknown token.
    """
    ids = tokenizer(TOKENIZER_PROBE, add_special_tokens=False)['input_ids']
    if tokenizer.unk_token_id is not None and set(ids) <= {tokenizer.unk_token_id}:
        raise ModelLoadError(
            f'CLIP checkpoint "{model}": its tokenizer reads every word as the unknown '
            f'token ({len(tokenizer)} tokens: none saved beside the weights, as '
            'tokenizer.json or vocab.json and merges.txt, or one of another vocabulary), '
            'so every command would be scored alike; '
            'save the processor with the model: CLIPProcessor.from_pretrained(ID)'
            '.save_pretrained(DIR) into the checkpoint folder')


# OpenAI CLIP's normalisation: transformers' default when a checkpoint names none.
OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)


def _image_config(model, clip, kwargs):
    """Mean, std and input size from the checkpoint's image processor config.

    Read from ``preprocessor_config.json``, else from ``image_processor`` in
    ``processor_config.json``, where ``processor.save_pretrained`` of transformers 5
    writes it (huggingface/transformers#44623), else OpenAI CLIP's values.

    :return: dict with ``mean`` and ``std`` (3-tuples of floats) and ``size`` (int).
    :raises ModelLoadError: a mean or std that is not 1 or 3 numbers, or a zero std.
    """
    from transformers.utils import cached_file

    options = {k: v for k, v in kwargs.items() if k == 'local_files_only'}
    cfg, source = {}, None
    for name, key in (('preprocessor_config.json', None),
                      ('processor_config.json', 'image_processor')):
        try:
            path = cached_file(model, name, _raise_exceptions_for_missing_entries=False,
                               **options)
        except OSError:
            path = None
        if not path:
            continue
        with open(path, encoding='utf-8') as f:
            found = json.load(f)
        found = found.get(key) if key else found
        if isinstance(found, dict) and ('image_mean' in found or 'image_std' in found):
            cfg, source = found, name
            break
    size = clip.config.vision_config.image_size
    return {
        'mean': _per_channel(cfg.get('image_mean', OPENAI_MEAN), 'image_mean', model, source),
        'std': _per_channel(cfg.get('image_std', OPENAI_STD), 'image_std', model, source),
        'size': int(size),
    }


def _per_channel(value, name, model, source):
    """``value`` as 3 floats: one number is every channel's, as transformers reads it."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = (value,) * 3
    try:
        values = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        values = ()
    if len(values) != 3 or (name == 'image_std' and not all(values)):
        raise ModelLoadError(
            f'CLIP checkpoint "{model}": {name} {value!r} in {source} is not one or three '
            'numbers' + (' (none zero)' if name == 'image_std' else '')
            + '; fix the file or save the processor again with save_pretrained')
    return values


def load_calibration(model_dir):
    """Logistic calibration ``(slope, intercept)`` of cosine -> P(match), if shipped."""
    path = os.path.join(model_dir, CALIBRATION_FILE)
    if not os.path.isfile(path):
        return None
    with open(path, encoding='utf-8') as f:
        data = json.load(f)
    return float(data['slope']), float(data['intercept'])


@dataclass(frozen=True)
class CropScores:
    """Cosine similarity of every crop with the query (float32, (N,))."""

    cosine: np.ndarray


class ClipScorer:
    """Scores image crops against text with one batched forward per frame.

    :param model: hub id, local folder or ``bundled``.
    :param device: ``auto``, ``cpu``, ``cuda`` or ``cuda:N``.
    :param dtype: ``auto`` (fp16 on CUDA, fp32 on CPU), ``float32``, ``float16``,
        ``bfloat16``.
    :param prompt_template: format string with one ``{}`` for the query, or several
        separated by ``|``, whose unit text embeddings are averaged and renormalised
        (prompt ensembling, Radford et al. 2021, sec. 3.1.4). None or ``''``: the
        checkpoint's own templates (:func:`clip_perception.confidence.read_templates`;
        the bundled model's seven training templates), else :data:`DEFAULT_TEMPLATE`.
        Measured with the bundled model (``clip_perception_eval shifted|rules``, 300
        scenes): its seven templates against ``a photo of a {}`` alone, shifted scenes
        69.7 / 92.3 / 65.1 / 83.0 against 67.7 / 93.3 / 64.0 / 82.7 (right, absent "not
        found", shape only, colour only), our scenes 93.3 / 94.3 / 91.5 / 83.7 against
        92.7 / 94.7 / 91.5 / 83.7.
    :param context: fraction of the box side added around each crop on every side.
    :param backend: image-encoder runtime, one of
        :data:`clip_perception.backends.BACKENDS` (``torch``, or ``openvino`` on the
        CPU in fp32); text always runs on torch. With a CPU-only backend ``device``
        ``auto`` means cpu.
    :raises ModelLoadError: the model or the backend cannot be loaded (unknown or not
        installed backend, a CPU-only backend on CUDA, a failed conversion).
    """

    def __init__(self, model='bundled', device='auto', dtype='auto',
                 prompt_template=None, context=0.15, text_cache_size=512,
                 backend=TORCH):
        self.model_name = model
        self.model_path = resolve_model(model)
        if backend != TORCH and device.startswith('cuda'):
            check_backend(backend, device)  # before pick_device: say why, not "no CUDA"
        self.device = pick_device('cpu' if device == 'auto' and backend != TORCH else device)
        check_backend(backend, self.device)  # before the (possibly large) model loads
        self.dtype = pick_dtype(dtype, self.device)
        self.model, self.tokenizer, image_config = load_clip(
            self.model_path, self.device, self.dtype)
        # Prompts are cut at the text encoder's positions, not the tokenizer's
        # model_max_length alone: a tokenizer_config without it (transformers then assumes
        # 1e30) or from a model with more positions does not cut, and the encoder raises
        # (huggingface/sentence-transformers#3210).
        positions = self.model.config.text_config.max_position_embeddings
        self.context_length = int(min(
            positions, getattr(self.tokenizer, 'model_max_length', None) or positions))
        self.mean = image_config['mean']
        self.std = image_config['std']
        self.input_size = image_config['size']
        own = read_templates(self.model_path) if os.path.isdir(self.model_path) else ()
        # What '' means: the checkpoint's own templates, else CLIP's default prompt.
        self.own_template = f' {TEMPLATE_SEPARATOR} '.join(own or (DEFAULT_TEMPLATE,))
        self.ships_templates = bool(own)
        self.prompt_template = prompt_template or self.own_template
        self.context = context
        self._range = value_range(self.mean, self.std, self.device)
        self._text_cache = OrderedDict()
        self._text_cache_size = text_cache_size
        self._token_counts = {}  # prompt -> (tokens, context length), asked every frame
        self.calibration = (load_calibration(self.model_path)
                            if os.path.isdir(self.model_path) else None)
        self.num_parameters = sum(p.numel() for p in self.model.parameters())
        # The temperature CLIP was trained with (OpenAI CLIP: 100), for zero-shot softmax.
        self.logit_scale = float(self.model.logit_scale.detach().float().exp().clamp(max=100))
        # closed_vocabulary: that vocabulary is all the checkpoint knows (the bundled model).
        self.vocabulary, self.closed_vocabulary = (
            read_vocabulary(self.model_path) if os.path.isdir(self.model_path) else ((), False))
        # Conversion (and its disk cache) happens here, at load, never mid-frame.
        self.backend = backend
        self.encoder = make_encoder(backend, self.model, self.model_path, self.device,
                                    self.input_size)

    # ------------------------------------------------------------------ text
    def templates(self, template=None):
        """Return the templates a call with ``template`` uses (split at ``|``).

        None: the scorer's ``prompt_template``; ``''``: the checkpoint's own, as the
        ``prompt_template`` parameter's empty value means (also when set at run time);
        else ``template`` itself.

        :return: tuple of one or more format strings.
        """
        if template is None:
            template = self.prompt_template
        return split_templates(template or self.own_template)

    def templates_source(self, template=None):
        """Where the templates a call with ``template`` uses come from, said to a user.

        :return: str: ``'prompt_template'`` (set), ``"the checkpoint's own"``
            (``clip_perception_vocabulary.json`` lists them) or ``"CLIP's default; the
            checkpoint ships none"`` (:data:`clip_perception.config.DEFAULT_TEMPLATE`).
        """
        if template is None:
            template = self.prompt_template if self.prompt_template != self.own_template \
                else ''
        if template:
            return 'prompt_template'
        return "the checkpoint's own" if self.ships_templates else \
            "CLIP's default; the checkpoint ships none"

    def text_embedding(self, query, template=None):
        """Unit-norm embedding of ``template.format(query)``, cached per prompt.

        :param template: overrides the scorer's ``prompt_template`` for this call
            (several templates: the normalised mean of their embeddings).
        :return: (D,) float32 CPU tensor.
        """
        templates = self.templates(template)
        if len(templates) > 1:
            return self.text_embeddings([query], template)[0]
        prompt = templates[0].format(query)
        hit = self._text_cache.get(prompt)
        if hit is not None:
            self._text_cache.move_to_end(prompt)
            return hit
        tokens = self.tokenizer([prompt], padding=True, truncation=True,
                                max_length=self.context_length,
                                return_tensors='pt').to(self.device)
        with torch.inference_mode():
            out = self.model.get_text_features(**tokens)
        emb = _pooled(out)[0].float()
        emb = (emb / emb.norm()).cpu()
        self._text_cache[prompt] = emb
        if len(self._text_cache) > self._text_cache_size:
            self._text_cache.popitem(last=False)
        return emb

    def prompt_tokens(self, query, template=None):
        """``(tokens, context_length)`` of the prompt for ``query``, before truncation.

        The context length is the smaller of the tokenizer's ``model_max_length`` and
        the text encoder's ``max_position_embeddings`` (77 for OpenAI CLIP, 32 for the
        bundled tiny model): :attr:`context_length`; longer prompts are cut there by
        :meth:`text_embedding` and :meth:`text_embeddings`. With
        several templates, the longest prompt's.
        """
        prompt = max((t.format(query) for t in self.templates(template)), key=len)
        hit = self._token_counts.get(prompt)
        if hit is not None:
            return hit
        n = len(self.tokenizer(prompt, truncation=False, verbose=False)['input_ids'])
        if len(self._token_counts) >= self._text_cache_size:
            self._token_counts.clear()
        self._token_counts[prompt] = n, self.context_length
        return self._token_counts[prompt]
    def text_embeddings(self, queries, template=None):
        """Unit-norm embeddings of several prompts (each cached like :meth:`text_embedding`).

        Prompts not cached yet are encoded in one batch.

        :param queries: sequence of K strings.
        :param template: as in :meth:`text_embedding`.
        :return: (K, D) float32 CPU tensor (K may be 0).
        """
        templates = self.templates(template)
        if len(templates) > 1:
            each = torch.stack([self._prompt_embeddings([t.format(q) for q in queries])
                                for t in templates])
            mean = each.mean(dim=0)
            return mean / mean.norm(dim=-1, keepdim=True).clamp_min(1e-12)
        return self._prompt_embeddings([templates[0].format(q) for q in queries])

    def _prompt_embeddings(self, prompts):
        """Unit-norm embeddings of the prompts, (K, D), each cached per prompt."""
        missing = [p for p in dict.fromkeys(prompts) if p not in self._text_cache]
        if missing:
            tokens = self.tokenizer(missing, padding=True, truncation=True,
                                    max_length=self.context_length,
                                    return_tensors='pt').to(self.device)
            with torch.inference_mode():
                out = self.model.get_text_features(**tokens)
            emb = _pooled(out).float()
            emb = (emb / emb.norm(dim=-1, keepdim=True)).cpu()
            for prompt, e in zip(missing, emb):
                self._text_cache[prompt] = e
        rows = []
        for prompt in prompts:
            self._text_cache.move_to_end(prompt)
            rows.append(self._text_cache[prompt])
        while len(self._text_cache) > max(self._text_cache_size, len(prompts)):
            self._text_cache.popitem(last=False)
        if not rows:
            return torch.zeros((0, self.model.config.projection_dim))
        return torch.stack(rows)

    @property
    def text_cache_len(self):
        return len(self._text_cache)

    # ------------------------------------------------------------------ image
    def preprocess(self, rgb, boxes, context=None, pixel_aspect=1.0):
        """All crops of one frame as one normalised batch.

        :param rgb: (H, W, 3) uint8 RGB.
        :param boxes: (N, 4) pixel boxes.
        :param context: overrides the scorer's ``context`` for this call.
        :param pixel_aspect: the camera's ``fy / fx``: crops square in the scene
            (:func:`clip_perception.crops.square_boxes`).
        :return: (N, 3, S, S) tensor on the scorer's device and dtype.
        """
        # Resize in float32 (the antialiased kernels have no bf16 CPU version), then cast.
        image = normalise_image(rgb, self.mean, self.std, self.device, torch.float32)
        ctx = self.context if context is None else context
        crops = crop_batch(image, square_boxes(boxes, ctx, pixel_aspect=pixel_aspect),
                           self.input_size, *self._range, pixel_aspect=pixel_aspect)
        return crops.to(self.dtype)

    def forward(self, pixels):
        """Unit-norm image embeddings through the scorer's backend.

        :param pixels: (N, 3, S, S) from :meth:`preprocess` (N may be 0).
        :return: (N, D) float32 CPU tensor.
        """
        return self.encoder.encode(pixels)

    def score(self, rgb, boxes, query):
        """Cosine similarity of each box's crop with ``query``.

        :return: :class:`CropScores`.
        """
        text = self.text_embedding(query)
        image = self.forward(self.preprocess(rgb, boxes))
        return CropScores(cosine=(image @ text).numpy().astype(np.float32))


def _pooled(out):
    """Return the embedding: transformers 5 returns an output object, 4.x the tensor."""
    return out if isinstance(out, torch.Tensor) else out.pooler_output
