"""Where a training step of ``clip_perception_train`` goes, per model size and precision.

    .venv/bin/python benchmarks/train_step.py                       # the default grid
    .venv/bin/python benchmarks/train_step.py --variants 1:64:2:fp32:2 2:128:3:bf16:2
    .venv/bin/python benchmarks/train_step.py --curve 200           # bf16 against fp32

A variant is ``stage:width:layers:precision:threads[:compile][:sdpa]``: stage 1 or 2 of
``--recipe bundled`` (its crops, loss, captions and augmentation; stage 1: plain looks,
multi-positive, basic augmentation; stage 2: mixed looks, per-positive, camera
augmentation), a new model of that width and depth (heads 4, 64 px, patch 8, batch 256),
``fp32`` or ``bf16`` (``torch.autocast('cpu', dtype=torch.bfloat16)`` over both towers,
the loss in float32: :func:`clip_perception.world.training.contrastive_loss`), torch
threads, ``compile`` to run the loss through ``torch.compile`` (``dynamic=True``), and
``sdpa`` to keep transformers' default attention in bf16 instead of the ``eager`` one
training uses there (:func:`clip_perception.world.training.set_training_attention`).
Each step is the training loop's own code (:class:`~clip_perception.world.training.Batches`,
:class:`~clip_perception.world.training.CaptionTokens`, ``contrastive_loss``, AdamW), timed
part by part: draw (crop indices, augmentation, normalisation), captions (drawing them
and the positives), tokens, forward, backward, optimiser.

The variants are run in turns, ``--steps`` steps each per turn, so that every variant
sees the same load on a shared machine; the load average is printed each turn and the
medians over the turns are the figures. ``--curve N`` instead trains stage 1 for N steps
at width 64 in fp32 with two seeds and in bf16 with the first, and prints the loss per
25 steps: bf16's curve should lie within the two fp32 seeds' difference. ``--profile``
prints torch.profiler's operator table (self CPU time) of ``--steps`` steps per variant.
"""

import argparse
import os
import statistics
import time

import numpy as np
import torch

from clip_perception.scorer import bundled_model_dir
from clip_perception.world.training import Batches
from clip_perception.world.training import build_dataset
from clip_perception.world.training import CaptionTokens
from clip_perception.world.training import contrastive_loss
from clip_perception.world.training import fit
from clip_perception.world.training import make_model
from clip_perception.world.training import recipe_stages
from clip_perception.world.training import set_training_attention
from clip_perception.world.training import TrainConfig

PARTS = ('draw', 'captions', 'tokens', 'forward', 'backward', 'optimiser')
DEFAULT_VARIANTS = (  # issue13_h116_step_grid.log
    '1:64:2:fp32:1', '1:64:2:bf16:1', '2:64:2:fp32:1', '2:64:2:bf16:1', '1:64:2:fp32:2',
    '1:64:2:bf16:2', '1:96:3:fp32:1', '1:96:3:bf16:1', '1:128:3:fp32:1', '1:128:3:bf16:1',
    '1:128:4:bf16:1', '2:128:3:bf16:1', '1:64:2:fp32:1:compile', '1:128:3:bf16:1:compile',
)


def load():
    """Return the 1-minute load average (``uptime``'s first figure)."""
    return os.getloadavg()[0]


class Variant:
    """One model, optimiser and batch source, stepped as ``train()`` steps."""

    def __init__(self, spec, data, tokens_of, tokenizer):
        parts = spec.split(':')
        stage, width, layers, self.precision, threads = parts[:5]
        self.spec, self.compiled = spec, 'compile' in parts[5:]
        self.threads = int(threads)
        cfg = recipe_stages('bundled', TrainConfig(seed=0, width=int(width),
                                                   layers=int(layers)))[int(stage) - 1]
        cfg.precision = self.precision
        self.cfg = cfg
        torch.manual_seed(0)
        self.model = make_model(len(tokenizer), tokenizer, cfg)
        self.model.train()
        if 'sdpa' not in parts[5:]:  # sdpa: transformers' default, as before h116
            set_training_attention(self.model, self.precision)
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr,
                                     weight_decay=cfg.weight_decay)
        self.batches = Batches(*data[cfg.looks], cfg)
        self.tokens_of = tokens_of
        self.rng = np.random.default_rng(0)
        self.loss = contrastive_loss
        if self.compiled:
            self.loss = torch.compile(contrastive_loss, dynamic=True)
        self.times = {p: [] for p in PARTS}
        self.first_s = None

    def step(self):
        """Run one training step; return ``{part: seconds}`` and the loss."""
        t = [time.perf_counter()]
        idx = self.batches.indices(self.rng)
        x = self.batches.images(idx, self.rng)
        t.append(time.perf_counter())
        texts, pos = self.batches.captions(idx, self.rng)
        t.append(time.perf_counter())
        tokens = self.tokens_of(texts)
        t.append(time.perf_counter())
        loss = self.loss(self.model, x, tokens, pos, self.cfg)
        t.append(time.perf_counter())
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        t.append(time.perf_counter())
        self.opt.step()
        value = loss.item()
        t.append(time.perf_counter())
        return dict(zip(PARTS, np.diff(t))), value

    def turn(self, steps):
        torch.set_num_threads(self.threads)
        if self.first_s is None:  # the first step (and a compile) is not a figure
            t0 = time.perf_counter()
            self.step()
            self.first_s = time.perf_counter() - t0
        per = dict.fromkeys(PARTS, 0.0)
        for _ in range(steps):
            parts, _ = self.step()
            for p in PARTS:
                per[p] += parts[p] / steps
        for p in PARTS:
            self.times[p].append(per[p])
        return sum(per.values())


def datasets(scenes, workers):
    """Return ``{looks: (crops, labels, kinds)}`` for the recipe's two stages, 64 px."""
    out = {}
    for looks, offset in (('plain', 0), ('mixed', 1)):
        seeds = np.arange(scenes) + 1_000_000 * (offset + 1)
        out[looks] = build_dataset(seeds, 64, workers, progress=False, looks=looks)
    return out


def step_table(args, data, tokens_of, tokenizer):
    variants = [Variant(s, data, tokens_of, tokenizer) for s in args.variants]
    print(f'torch {torch.__version__}, cpu capability {torch.backends.cpu.get_cpu_capability()}'
          f', bf16 units (mkldnn) {torch.ops.mkldnn._is_mkldnn_bf16_supported()}; '
          f'{args.turns} turns of {args.steps} steps per variant, batch 256')
    for k in range(args.turns):
        print(f'turn {k + 1}: load {load():.1f}; ms per step:', end='', flush=True)
        for v in variants:
            print(f' {v.spec}={v.turn(args.steps) * 1000:.0f}', end='', flush=True)
        print(f'; load {load():.1f}', flush=True)
    print()
    print('variant (stage:width:layers:precision:threads)  params  first step s  '
          'ms per step (median of turns): ' + ' / '.join(PARTS) + ' = total  steps/s')
    for v in variants:
        med = {p: statistics.median(v.times[p]) * 1000 for p in PARTS}
        total = sum(med.values())
        n = sum(p.numel() for p in v.model.parameters())
        print(f'{v.spec:<24} {n / 1e6:5.2f} M  {v.first_s:6.1f}  '
              + ' / '.join(f'{med[p]:.1f}' for p in PARTS)
              + f' = {total:.0f}  {1000 / total:.2f}')


def profile(args, data, tokens_of, tokenizer):
    """Print torch.profiler's operators by self CPU time over ``--steps`` steps per variant."""
    from torch.profiler import profile as torch_profile

    for spec in args.variants:
        v = Variant(spec, data, tokens_of, tokenizer)
        v.turn(1)
        with torch_profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
            for _ in range(args.steps):
                v.step()
        print(f'\n{spec}: {args.steps} steps, load {load():.1f}')
        print(prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=18,
                                        max_name_column_width=40))


def loss_curve(args, data, tokens_of, tokenizer):
    runs = [('fp32 seed 0', 0, 'fp32'), ('fp32 seed 1', 1, 'fp32'), ('bf16 seed 0', 0, 'bf16')]
    curves = {}
    for name, seed, precision in runs:
        cfg = recipe_stages('bundled', TrainConfig(seed=seed, threads=args.curve_threads))[0]
        cfg.precision, cfg.steps = precision, args.curve
        torch.set_num_threads(cfg.threads)
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        model = make_model(len(tokenizer), tokenizer, cfg)
        t0 = time.time()
        curves[name] = fit(model, Batches(*data['plain'], cfg), tokens_of, cfg, rng)
        print(f'{name}: {cfg.steps} steps in {time.time() - t0:.0f} s (load {load():.1f})',
              flush=True)
    print('\nloss, mean per 25 steps (stage 1 recipe, width 64, 2 layers, lr warm-up and '
          'cosine over the run)')
    print('steps      ' + '  '.join(f'{n:>12}' for n in curves)
          + '  |bf16-fp32 s0|  |fp32 s1-s0|')
    names = list(curves)
    for a in range(0, args.curve, 25):
        m = [np.mean(curves[n][a:a + 25]) for n in names]
        print(f'{a:4d}-{a + 24:<4d}  ' + '  '.join(f'{v:12.4f}' for v in m)
              + f'  {abs(m[2] - m[0]):14.4f}  {abs(m[1] - m[0]):12.4f}')


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--variants', nargs='+', default=list(DEFAULT_VARIANTS))
    p.add_argument('--scenes', type=int, default=60, help='rendered scenes per stage')
    p.add_argument('--workers', type=int, default=1)
    p.add_argument('--turns', type=int, default=5)
    p.add_argument('--steps', type=int, default=3, help='steps per variant per turn')
    p.add_argument('--curve', type=int, default=0,
                   help='instead: N steps of stage 1 in fp32 (seeds 0, 1) and bf16 (seed 0)')
    p.add_argument('--curve-threads', type=int, default=2)
    p.add_argument('--profile', action='store_true',
                   help="instead: torch.profiler's operator table of each variant")
    args = p.parse_args()
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(bundled_model_dir())
    tokens_of = CaptionTokens(tokenizer)
    t0 = time.time()
    data = datasets(args.scenes, args.workers)
    print(f'{args.scenes} scenes per stage rendered in {time.time() - t0:.0f} s '
          f'(load {load():.1f})')
    if args.curve:
        loss_curve(args, data, tokens_of, tokenizer)
    elif args.profile:
        profile(args, data, tokens_of, tokenizer)
    else:
        step_table(args, data, tokens_of, tokenizer)


if __name__ == '__main__':
    main()
