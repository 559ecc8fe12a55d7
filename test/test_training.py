"""The training entry point runs end to end (a smoke configuration) and is deterministic."""

import json
import os

import numpy as np
from safetensors.numpy import load_file
import torch
from transformers import CLIPModel

from clip_perception.training import main
from clip_perception.training import multi_positive_loss


def test_multi_positive_loss_prefers_matching_pairs():
    txt = torch.nn.functional.normalize(torch.eye(3, 8), dim=1)
    labels = torch.tensor([0, 1, 2])
    good = multi_positive_loss(txt.clone(), txt, torch.tensor([0, 1, 2]), labels, 10.0)
    bad = multi_positive_loss(txt.roll(1, 0), txt, torch.tensor([0, 1, 2]), labels, 10.0)
    assert good < bad
    # A negative crop (label -1) only appears on the text->image side.
    with_neg = multi_positive_loss(torch.cat([txt, txt[:1]]), txt,
                                   torch.tensor([0, 1, 2, -1]), labels, 10.0)
    assert with_neg > good


def test_smoke_training_saves_a_loadable_deterministic_model(tmp_path):
    args = ['--scenes', '12', '--steps', '6', '--batch', '32', '--workers', '1', '--quiet']
    for name in ('a', 'b'):
        assert main(['--out', str(tmp_path / name)] + args) == 0
    model = CLIPModel.from_pretrained(str(tmp_path / 'a'))
    assert model.config.vision_config.image_size == 64
    with open(tmp_path / 'a' / 'training_args.json') as f:
        meta = json.load(f)
    assert meta['config']['steps'] == 6 and meta['held_out_pairs']
    wa = load_file(os.path.join(tmp_path, 'a', 'model.safetensors'))
    wb = load_file(os.path.join(tmp_path, 'b', 'model.safetensors'))
    assert wa.keys() == wb.keys()
    assert all(np.array_equal(wa[k], wb[k]) for k in wa)
