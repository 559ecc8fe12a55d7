"""Average each crop's embedding over a few shifted views: the node line before and after.

    PYTHONPATH=src .venv/bin/python benchmarks/crop_views.py shifted|own [--scenes 300]
        [--shift 0.0625] [--depth-only]

The bundled model reads a crop differently when its box moves by two pixels (the true
box of a textured white ball reads 0.04 to 0.99 over a +-4-pixel grid of shifts,
``benchmarks/ros_eval_misses.py``): its 64-pixel input is cut into 4 x 4 patches of 16,
and a shift of part of a patch changes what each patch holds. This wraps the scorer so
that every box is cut five times, as itself and shifted by ``--shift`` of the square
crop's side left, right, up and down (0.0625: a quarter of a patch), and the five unit
embeddings are averaged (and renormalised), then runs
:func:`clip_perception.world.generalisation.evaluate_rules` on the suite and prints the
``node`` line (right / total per case kind) with and without the views. ``--shift 0``
runs the scorer unwrapped. Five views cost five times the image encoder's work.

Test-time only; the pipeline does not do this (a measurement for issue #13, helper-94).
"""

import argparse
import time

import numpy as np

from clip_perception.config import PipelineConfig
from clip_perception.scorer import ClipScorer
from clip_perception.world.generalisation import evaluate_rules


class ShiftedViews:
    """A scorer whose crops are the mean embedding of shifted views of each box.

    :param scorer: a :class:`clip_perception.scorer.ClipScorer`; every other attribute is
        its own.
    :param shift: offset of the four shifted views, a fraction of the crop's side.
    """

    def __init__(self, scorer, shift):
        self.scorer = scorer
        self.offsets = np.array([(0, 0), (shift, 0), (-shift, 0), (0, shift), (0, -shift)])

    def __getattr__(self, name):
        return getattr(self.scorer, name)

    def preprocess(self, rgb, boxes, context=None, pixel_aspect=1.0):
        """Crops of every box's views, ``len(offsets)`` rows a box, as the scorer cuts them."""
        boxes = np.asarray(boxes, float).reshape(-1, 4)
        ctx = self.scorer.context if context is None else context
        side = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]) * (1 + 2 * ctx)
        d = self.offsets[None] * side[:, None, None]  # (N, V, 2) pixels
        views = boxes[:, None, :] + np.concatenate([d, d], axis=2)
        return self.scorer.preprocess(rgb, views.reshape(-1, 4), context, pixel_aspect)

    def forward(self, pixels):
        """(N, D) unit mean embeddings of each box's views."""
        emb = self.scorer.forward(pixels)
        if not len(emb):
            return emb
        emb = emb.view(-1, len(self.offsets), emb.shape[-1]).mean(1)
        return emb / emb.norm(dim=-1, keepdim=True)


def main(argv=None):
    import torch

    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('suite', choices=('shifted', 'own'), help='evaluate_rules suite')
    p.add_argument('--scenes', type=int, default=300, help='scenes (default 300)')
    p.add_argument('--shift', type=float, default=0.0625,
                   help='view offset, a fraction of the crop side; 0: one view (default 0.0625)')
    p.add_argument('--depth-only', action='store_true',
                   help='leave out image_only scenes, as clip_perception_eval ros does')
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    scorer = ClipScorer('bundled', device='cpu', dtype='float32')
    if args.shift > 0:
        scorer = ShiftedViews(scorer, args.shift)
    start = time.time()
    outcomes = evaluate_rules(scorer, PipelineConfig(), args.scenes, suite=args.suite,
                              progress=False)
    tally = {}
    for o in outcomes:
        if args.depth_only and o.shift == 'image_only':
            continue
        right, total = tally.setdefault(o.kind, [0, 0])
        tally[o.kind] = [right + bool(o.node), total + 1]
    print(f'{args.suite} {args.scenes} scenes, shift {args.shift}, node line: ' +
          ', '.join(f'{k} {r}/{t} {100 * r / t:.1f}%' for k, (r, t) in tally.items()) +
          f'; right {sum(r for r, _ in tally.values())} ({time.time() - start:.0f} s)')


if __name__ == '__main__':
    main()
