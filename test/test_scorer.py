"""The shipped model through the transformers API, the scorer, and safe loading."""

import json
import os
import shutil

import numpy as np
import pytest
from safetensors.torch import load_file
from safetensors.torch import save_file
import torch
from transformers import CLIPModel
from transformers import CLIPProcessor

from clip_perception.config import PipelineConfig
from clip_perception.pipeline import Pipeline
from clip_perception.scorer import bundled_model_dir
from clip_perception.scorer import ClipScorer
from clip_perception.scorer import load_clip
from clip_perception.scorer import ModelLoadError
from clip_perception.world.scenes import generate_scene


def test_shipped_model_loads_like_a_hub_checkpoint_and_is_small():
    folder = bundled_model_dir()
    model = CLIPModel.from_pretrained(folder)
    processor = CLIPProcessor.from_pretrained(folder)
    assert processor.image_processor.crop_size['height'] == model.config.vision_config.image_size
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
    assert size < 5e6
    assert os.path.isfile(os.path.join(folder, 'model.safetensors'))


def test_shipped_model_ranks_the_right_crop_first():
    scorer = ClipScorer('bundled', device='cpu', dtype='float32')
    right = total = 0
    for seed in range(20):
        scene = generate_scene(555_000 + seed)
        objs = scene.targetable()
        if len(objs) < 2:
            continue
        image = scorer.forward(scorer.preprocess(scene.rgb, [o.box for o in objs]))
        for i, o in enumerate(objs):
            right += int(int((image @ scorer.text_embedding(o.name)).argmax()) == i)
            total += 1
    assert total >= 40
    assert right / total >= 0.95, (right, total)


def test_text_embeddings_are_cached_per_prompt():
    scorer = ClipScorer('bundled', device='cpu', prompt_template='a photo of a {}')
    a = scorer.text_embedding('red ball')
    assert scorer.text_cache_len == 1
    assert scorer.text_embedding('red ball') is a
    scorer.text_embedding('red ball', template='{}')
    assert scorer.text_cache_len == 2
    assert torch.allclose(a.norm(), torch.tensor(1.0), atol=1e-5)


def test_several_templates_are_averaged_and_the_bundled_model_brings_its_own():
    """Prompt ensembling: the normalised mean of the templates' unit text embeddings."""
    from clip_perception.world.training import TEMPLATES

    scorer = ClipScorer('bundled', device='cpu', dtype='float32')
    assert scorer.prompt_template == ' | '.join(TEMPLATES)  # '' or None: its own seven
    pair = 'a photo of a {} | a {} on a table'
    one = [scorer.text_embedding('red ball', t) for t in ('a photo of a {}', 'a {} on a table')]
    mean = (one[0] + one[1]) / torch.linalg.norm(one[0] + one[1])
    assert torch.allclose(scorer.text_embedding('red ball', pair), mean, atol=1e-6)
    both = scorer.text_embeddings(['red ball', 'blue mug'], pair)
    assert both.shape == (2, mean.shape[0]) and torch.allclose(both[0], mean, atol=1e-6)
    assert torch.allclose(both.norm(dim=1), torch.ones(2), atol=1e-5)
    assert scorer.text_embeddings([], pair).shape == (0, mean.shape[0])
    # One template is exactly the plain prompt's embedding, as before.
    plain = ClipScorer('bundled', device='cpu', dtype='float32',
                       prompt_template='a photo of a {}')
    assert torch.equal(plain.text_embedding('red ball'), one[0])
    # '' (the parameter set empty at run time) is the checkpoint's own templates even for
    # a scorer made with one (a fresh user found '' fell back to the start-up template).
    own = scorer.text_embedding('red ball')
    assert torch.allclose(plain.text_embedding('red ball', ''), own, atol=1e-6)
    assert not torch.allclose(plain.text_embedding('red ball'), own, atol=1e-4)


def test_where_the_templates_come_from_is_said_truly(tmp_path):
    """A checkpoint that ships no templates is said to use CLIP's default, not its own.

    A new user's trial (helper-h171, session 48): a folder without
    clip_perception_vocabulary.json started with "prompt templates: a photo of a {} (the
    checkpoint's own)".
    """
    assert ClipScorer('bundled', device='cpu', dtype='float32').templates_source('') == \
        "the checkpoint's own"
    folder = tmp_path / 'no_templates'
    shutil.copytree(bundled_model_dir(), folder)
    os.remove(folder / 'clip_perception_vocabulary.json')
    scorer = ClipScorer(str(folder), device='cpu', dtype='float32')
    assert scorer.templates('') == ('a photo of a {}',)
    assert scorer.templates_source('') == "CLIP's default; the checkpoint ships none"
    assert scorer.templates_source() == "CLIP's default; the checkpoint ships none"
    assert scorer.templates_source('a {} on a table') == 'prompt_template'
    chosen = ClipScorer(str(folder), device='cpu', dtype='float32',
                        prompt_template='a {} on a table')
    assert chosen.templates_source() == 'prompt_template'


def test_pickle_only_folder_is_refused(tmp_path):
    src = bundled_model_dir()
    bad = tmp_path / 'pickled'
    shutil.copytree(src, bad)
    model = CLIPModel.from_pretrained(src)
    torch.save(model.state_dict(), bad / 'pytorch_model.bin')
    os.remove(bad / 'model.safetensors')
    with pytest.raises(ModelLoadError, match='pickle checkpoint'):
        load_clip(str(bad))


def _checkpoint_with(tmp_path, name, edit):
    """Copy the shipped model into ``tmp_path/name`` with its weights passed through ``edit``."""
    src = bundled_model_dir()
    folder = tmp_path / name
    shutil.copytree(src, folder)
    weights = load_file(os.path.join(src, 'model.safetensors'))
    save_file({k: v.contiguous() for k, v in edit(weights).items()},
              str(folder / 'model.safetensors'))
    return str(folder)


def test_weights_saved_under_a_prefix_are_refused_not_left_random(tmp_path):
    """A checkpoint whose weights CLIPModel does not find is refused, naming the prefix.

    Field reports: microsoft/Cream#254 (a distilled TinyCLIP saved as ``{'state_dict':
    ...}``: every weight of CLIPModel "newly initialized"), huggingface/transformers#14417
    (a hybrid CLIP's keys under another nesting). transformers loads such a folder with
    random weights and only a load report in the log; the node then answered every
    command from noise. Before: loaded (logit scale 1.0, random). Now: ModelLoadError.
    """
    for prefix in ('model.', 'module.'):  # Lightning's and DistributedDataParallel's
        folder = _checkpoint_with(tmp_path, prefix.strip('.'),
                                  lambda sd, p=prefix: {p + k: v for k, v in sd.items()})
        with pytest.raises(ModelLoadError) as err:
            load_clip(folder)
        text = str(err.value)
        assert 'not in the checkpoint' in text and f'under the prefix "{prefix}"' in text, text
        assert 'random' in text, text


def test_a_checkpoint_missing_one_weight_is_refused_naming_it(tmp_path):
    """One weight missing (thu-ml/zh-clip#4: ``visual_projection.bias``) is refused too.

    A projection left random puts every crop's embedding somewhere arbitrary: the
    answers look normal and are wrong. Before: loaded. Now: ModelLoadError naming it.
    """
    def drop(sd):
        sd.pop('visual_projection.weight')
        return sd
    with pytest.raises(ModelLoadError, match='visual_projection.weight') as err:
        load_clip(_checkpoint_with(tmp_path, 'partial', drop))
    assert '1 of' in str(err.value), str(err.value)
    load_clip(bundled_model_dir())  # the complete one still loads


def _with_tokenizer_limit(tmp_path, name, limit):
    """Copy the shipped model with ``model_max_length`` set to ``limit`` (None: removed)."""
    folder = tmp_path / name
    shutil.copytree(bundled_model_dir(), folder)
    path = folder / 'tokenizer_config.json'
    config = json.loads(path.read_text(encoding='utf-8'))
    config.pop('model_max_length')
    if limit is not None:
        config['model_max_length'] = limit
    path.write_text(json.dumps(config), encoding='utf-8')
    return str(folder)


# Forty words, none repeated: longer than the bundled model's 32 text positions.
LONG = ('the shiny glossy smooth round bright polished plastic rubber bouncy soft hard clean '
        'dirty old new cheap nice heavy warm cold wet dry striped spotted matte metallic '
        'wooden hollow solid pale vivid dull bumpy sleek sturdy lovely painted glazed rough '
        'fuzzy red ball')


@pytest.mark.parametrize('limit', [None, 77])
def test_a_tokenizer_that_allows_more_tokens_than_the_encoder_is_cut_at_the_encoder(
        tmp_path, limit):
    """Prompts are cut at the text encoder's positions, whatever the tokenizer says.

    Field reports: huggingface/sentence-transformers#3210 and #1269 ("The size of tensor
    a (129) must match the size of tensor b (77)"): a CLIP tokenizer without
    ``model_max_length`` (transformers then assumes 1e30) or one from a model with more
    positions does not truncate, and the text encoder raises. Here every frame of a
    long command failed ("frame failed: ValueError"), single and batched prompts alike.
    Before: ValueError for both limits. Now: cut at 32, as the shipped tokenizer cuts.
    """
    scorer = ClipScorer(_with_tokenizer_limit(tmp_path, 'tok', limit), device='cpu')
    shipped = ClipScorer('bundled', device='cpu')
    assert scorer.prompt_tokens(LONG)[1] == 32  # the truncation the node reports
    assert torch.allclose(scorer.text_embedding(LONG), shipped.text_embedding(LONG),
                          atol=1e-5)
    both = scorer.text_embeddings([LONG, LONG + ' again'])
    assert both.shape[0] == 2 and torch.allclose(both[0], shipped.text_embedding(LONG),
                                                 atol=1e-5)
    # What the node answers: the command, with the cut said.
    scene = generate_scene(4242)
    res = Pipeline(scorer, PipelineConfig()).run(scene.rgb, LONG, scene.depth,
                                                 scene.intrinsics)
    assert 'tokens but the text encoder reads only 32' in res.reason, res.reason


def _with_image_processor(tmp_path, name, write):
    """Copy the shipped model, its image preprocessing written by ``write(folder, cfg)``."""
    folder = tmp_path / name
    shutil.copytree(bundled_model_dir(), folder)
    path = folder / 'preprocessor_config.json'
    config = json.loads(path.read_text(encoding='utf-8'))
    path.unlink()
    write(folder, config)
    return str(folder)


def test_the_image_processor_saved_by_transformers_5_is_read(tmp_path):
    """A folder saved as README's one-liner saves it on transformers 5 keeps its mean/std.

    Field report: huggingface/transformers#44623 (and #42085): since v5
    ``processor.save_pretrained`` writes one ``processor_config.json`` with the image
    processor nested under ``image_processor`` and no ``preprocessor_config.json``. The
    node then normalised crops with OpenAI's mean and std whatever the checkpoint said,
    silently. Before: (0.481, 0.458, 0.408). Now: the checkpoint's (0.5, 0.5, 0.5).
    """
    def nested(folder, cfg):
        cfg.update(image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5])
        (folder / 'processor_config.json').write_text(json.dumps(
            {'image_processor': cfg, 'processor_class': 'CLIPProcessor'}), encoding='utf-8')
    _, _, image = load_clip(_with_image_processor(tmp_path, 'v5', nested))
    assert image['mean'] == (0.5, 0.5, 0.5) and image['std'] == (0.5, 0.5, 0.5), image


def test_an_image_mean_given_as_one_number_is_read_for_every_channel(tmp_path):
    """``image_mean: 0.5`` (one float: transformers' normalize takes it for all channels).

    Before: TypeError at load, a traceback that took the node down at start-up. Now:
    read as (0.5, 0.5, 0.5); a mean or std that is no 1 or 3 numbers, or a zero std, is
    refused with ModelLoadError naming the file.
    """
    def scalar(folder, cfg):
        cfg.update(image_mean=0.5, image_std=0.25)
        (folder / 'preprocessor_config.json').write_text(json.dumps(cfg), encoding='utf-8')
    _, _, image = load_clip(_with_image_processor(tmp_path, 'scalar', scalar))
    assert image['mean'] == (0.5, 0.5, 0.5) and image['std'] == (0.25, 0.25, 0.25), image

    def zero(folder, cfg):
        cfg.update(image_std=[0.2, 0.0, 0.2])
        (folder / 'preprocessor_config.json').write_text(json.dumps(cfg), encoding='utf-8')
    with pytest.raises(ModelLoadError, match='image_std'):
        load_clip(_with_image_processor(tmp_path, 'zero', zero))


def test_a_config_json_that_does_not_fit_the_weights_is_refused(tmp_path):
    """A config.json of another size than the weights stops loading in one line.

    Field reports: TMElyralab/Comfyui-MusePose#30, jefferyZhan/Griffon#18 ("size
    mismatch for vision_model.embeddings.position_embedding.weight": a config of one
    CLIP beside the weights of another, or an image size edited to run at 336 px).
    transformers raises RuntimeError, which the node did not catch: a traceback at
    start-up. Before: RuntimeError. Now: ModelLoadError saying the sizes disagree.
    """
    folder = tmp_path / 'resized'
    shutil.copytree(bundled_model_dir(), folder)
    path = folder / 'config.json'
    config = json.loads(path.read_text(encoding='utf-8'))
    config['vision_config']['image_size'] *= 2  # 64 px -> 128 px: 4x the patch positions
    path.write_text(json.dumps(config), encoding='utf-8')
    with pytest.raises(ModelLoadError, match='do not fit the sizes in its config.json'):
        load_clip(str(folder))


def test_a_checkpoint_of_another_architecture_is_refused_naming_it(tmp_path):
    """A SigLIP folder given as ``model`` is named as SigLIP, not loaded as CLIP.

    transformers only warns "You are using a model of type siglip to instantiate a
    model of type clip" and then either raises (sizes differ: a traceback at start-up)
    or leaves the weights it cannot place random. Before: RuntimeError. Now:
    ModelLoadError naming ``model_type`` siglip.
    """
    from transformers import SiglipConfig
    from transformers import SiglipModel

    small = {'hidden_size': 32, 'intermediate_size': 37, 'num_hidden_layers': 1,
             'num_attention_heads': 2}
    folder = tmp_path / 'siglip'
    SiglipModel(SiglipConfig(text_config=dict(small, vocab_size=1000),
                             vision_config=dict(small, image_size=32, patch_size=8))
                ).save_pretrained(folder)
    for name in ('tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json'):
        shutil.copy(os.path.join(bundled_model_dir(), name), folder)
    with pytest.raises(ModelLoadError, match='model_type "siglip"'):
        load_clip(str(folder))


@pytest.mark.parametrize('added', [{'tokens': ['sprocket', 'robotgripper']},
                                   {'special': {'pad_token': '[PAD]'}}])
def test_a_tokenizer_with_more_tokens_than_the_text_encoder_is_refused(tmp_path, added):
    """Tokens added to the tokenizer without resizing the embedding stop loading.

    Field reports: huggingface/transformers#12763 and #11102 ("IndexError: index out
    of range in self" after ``add_tokens`` / ``add_special_tokens`` without
    ``resize_token_embeddings``). Here every frame of a command holding such a token
    failed with that IndexError. Before: loaded, then IndexError per frame. Now:
    ModelLoadError naming both sizes.
    """
    from transformers import AutoTokenizer

    folder = tmp_path / 'added'
    shutil.copytree(bundled_model_dir(), folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    tokenizer.add_tokens(added.get('tokens', []))
    tokenizer.add_special_tokens(added.get('special', {}))
    tokenizer.save_pretrained(folder)
    with pytest.raises(ModelLoadError, match='tokens but its text encoder embeds 757'):
        load_clip(str(folder))


def test_a_checkpoint_saved_without_its_tokenizer_is_refused_saying_to_save_the_processor(
        tmp_path):
    """config.json and model.safetensors alone (``CLIPModel.save_pretrained`` only).

    A new user's trial (helper-h171): transformers 5 loaded such a folder with a
    CLIPTokenizer of 2 tokens that reads every word as its unknown token, so "the red
    ball" and "the green cube" got the same confidence on every frame of the demo
    recording, with no warning. Before: loaded. Now: ModelLoadError naming the fix.
    """
    folder = tmp_path / 'model_only'
    folder.mkdir()
    for name in ('config.json', 'model.safetensors'):
        shutil.copy(os.path.join(bundled_model_dir(), name), folder)
    with pytest.raises(ModelLoadError, match=r'reads every word as the unknown token \(2 '
                       r'tokens.*CLIPProcessor.from_pretrained\(ID\).save_pretrained\(DIR\)'):
        load_clip(str(folder))


def test_offline_missing_checkpoint_names_it_and_says_how_to_fetch(monkeypatch):
    monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    with pytest.raises(ModelLoadError) as err:
        load_clip('openai/clip-vit-base-patch32')
    text = str(err.value)
    assert 'openai/clip-vit-base-patch32' in text and 'HF_HUB_OFFLINE' in text
    assert 'save_pretrained' in text
    # One full stop after transformers' sentence, which ends in its own (helper-70: "..").
    assert '..' not in text, text


def test_bad_device_and_dtype_are_clear():
    with pytest.raises(ModelLoadError, match='unknown device'):
        ClipScorer('bundled', device='tpu')
    if not torch.cuda.is_available():
        with pytest.raises(ModelLoadError, match='no CUDA device'):
            ClipScorer('bundled', device='cuda')
    with pytest.raises(ModelLoadError, match='unknown dtype'):
        ClipScorer('bundled', device='cpu', dtype='int3')


def test_a_cuda_device_torch_does_not_have_is_refused_in_one_line():
    """``device: cuda:1`` on a one-GPU robot stops start-up naming the devices there are.

    Field reports: LuyaooChen/uninformed-students-pytorch#3, chenfei-wu/TaskMatrix#21
    ("RuntimeError: CUDA error: invalid device ordinal" from ``.to('cuda:1')`` on a
    machine with one GPU). The node raised it while moving the model, a traceback
    instead of its one FATAL line; ``cuda:x`` and ``cuda:-1`` were taken for CUDA too.
    Before (on the H200, one device): RuntimeError for cuda:1 and cuda:7. Now:
    ModelLoadError naming the count, on any machine for malformed names.
    """
    for device in ('cuda:x', 'cuda:-1', 'cuda1', 'gpu'):
        with pytest.raises(ModelLoadError, match=f'unknown device "{device}"'):
            ClipScorer('bundled', device=device)
    if torch.cuda.is_available():
        n = torch.cuda.device_count()
        for device in (f'cuda:{n}', f'cuda:{n + 6}'):
            with pytest.raises(ModelLoadError, match=f'torch sees {n} CUDA device'):
                ClipScorer('bundled', device=device)
        assert ClipScorer('bundled', device=f'cuda:{n - 1}').device == f'cuda:{n - 1}'


def test_empty_batch():
    scorer = ClipScorer('bundled', device='cpu')
    scores = scorer.score(np.zeros((48, 64, 3), np.uint8), np.zeros((0, 4)), 'ball')
    assert scores.cosine.shape == (0,)
