"""How long ``clip_perception_train --recipe bundled`` takes here, from a short probe run.

    .venv/bin/python benchmarks/train_time.py                    # 2 threads, width 64
    .venv/bin/python benchmarks/train_time.py --threads 1 --width 48

Runs the recipe's two stages at ``--scenes`` scenes and ``--steps`` steps each (the
recipe's other settings unchanged), then scales each stage's rendering and step time to
the recipe's sizes (2,400 / 1,200 scenes, 2,500 / 800 steps) and prints the estimate.
Rendering and steps take a fixed time per scene and per step, so the scaling is linear;
model loading and saving (about a second) are left out. Run it on an idle machine: the
issue-13 budget is 20 minutes on this project's 2-core machine (README, "The bundled
tiny CLIP"). Takes about 3 minutes at the defaults.
"""

import argparse
import os
import re
import tempfile
import time

from clip_perception.scorer import bundled_model_dir
from clip_perception.world.training import recipe_stages
from clip_perception.world.training import train_stages
from clip_perception.world.training import TrainConfig


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--width', type=int, default=64)
    p.add_argument('--workers', type=int, default=2)
    p.add_argument('--scenes', type=int, default=200, help='scenes per stage in the probe')
    p.add_argument('--steps', type=int, default=200, help='steps per stage in the probe')
    args = p.parse_args()
    stages = recipe_stages('bundled', TrainConfig(seed=5, width=args.width,
                                                  threads=args.threads,
                                                  workers=args.workers))
    full = [(s.scenes, s.steps) for s in stages]
    for s in stages:
        s.scenes, s.steps = args.scenes, args.steps
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.time()
        train_stages(stages, bundled_model_dir(), os.path.join(tmp, 'probe'),
                     progress=False, log=lines.append)
        wall = time.time() - t0
    render = [float(re.search(r' in (\d+) s$', x).group(1)) for x in lines if 'crops' in x]
    steps = [float(re.search(r'steps in (\d+) s', x).group(1)) for x in lines
             if 'steps in' in x]
    total = 0.0
    print(f'--recipe bundled, {args.threads} thread(s), width {args.width}, '
          f'{args.workers} rendering processes; probe {args.scenes} scenes and '
          f'{args.steps} steps per stage ({wall:.0f} s)')
    for k, (r, s, (scenes, n)) in enumerate(zip(render, steps, full)):
        r_full, s_full = r * scenes / args.scenes, s * n / args.steps
        total += r_full + s_full
        print(f'  stage {k + 1}: {r / args.scenes:.3f} s per scene, {s / args.steps:.3f} s '
              f'per step -> {scenes} scenes {r_full:.0f} s + {n} steps {s_full:.0f} s')
    print(f'  recipe, estimated: {total:.0f} s = {total / 60:.1f} min   budget 20 min')


if __name__ == '__main__':
    main()
