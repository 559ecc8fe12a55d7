"""Scripts of scenes and commands for recordings, the demo and the soak run.

A :class:`Step` is one scene shown for a few frames while one command is active, with
the object the command should pick (or None when it names something absent).
"""

from dataclasses import dataclass

import numpy as np

from clip_perception.world.scenes import COLOURS
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import ObjectSpec
from clip_perception.world.scenes import SHAPES


@dataclass(frozen=True)
class Step:
    """One scene, one command.

    ``target`` is the (colour, shape) the command names, None if it names an absent
    object; ``relation`` picks among several objects of that description ('left' or
    'right'); ``frames`` frames are published ``period`` seconds apart.
    """

    seed: int
    command: str | None
    target: tuple | None
    specs: tuple | None = None
    relation: str | None = None
    frames: int = 2
    period: float = 0.8


def render_step(step):
    """Render a step's scene and find the object it expects.

    :return: ``(scene, expected SceneObject or None)``.
    """
    scene = generate_scene(step.seed, specs=list(step.specs) if step.specs else None)
    if step.target is None:
        return scene, None
    matches = [o for o in scene.objects if (o.colour, o.shape) == tuple(step.target)]
    if not matches:
        raise ValueError(f'step {step}: no {step.target} in the scene')
    if step.relation == 'left':
        return scene, min(matches, key=lambda o: o.centre[0])
    if step.relation == 'right':
        return scene, max(matches, key=lambda o: o.centre[0])
    return scene, matches[0]


def _s(colour, shape, size='small', x=None, y=None, yaw=None):
    return ObjectSpec(colour, shape, size, None if x is None else (x, y), yaw)


def demo_script():
    """Return the bundled demo: three scenes, seven commands (absent and spatial ones)."""
    table = (_s('red', 'ball', 'large', -0.16, 0.02), _s('blue', 'mug', 'small', 0.02, 0.06),
             _s('green', 'cube', 'small', 0.17, -0.02), _s('yellow', 'cylinder', 'small',
                                                           -0.05, 0.2))
    twins = (_s('red', 'ball', 'small', -0.13, 0.05), _s('red', 'ball', 'small', 0.13, 0.05),
             _s('purple', 'cone', 'small', 0.0, -0.1), _s('white', 'cube', 'large', 0.0, 0.24))
    busy = (_s('orange', 'mug', 'large', -0.18, 0.1), _s('black', 'ball', 'small', -0.02, -0.06),
            _s('purple', 'cylinder', 'large', 0.12, 0.16), _s('yellow', 'cone', 'small',
                                                              0.2, -0.05),
            _s('green', 'ball', 'small', 0.02, 0.22))
    return [
        Step(101, 'the red ball', ('red', 'ball'), table),
        Step(101, 'pick up the blue cup', ('blue', 'mug'), table),
        Step(102, 'the red ball on the left', ('red', 'ball'), twins, relation='left'),
        Step(102, 'the red ball on the right', ('red', 'ball'), twins, relation='right'),
        Step(103, 'the teddy bear', None, busy),
        Step(103, 'the orange mug', ('orange', 'mug'), busy),
        Step(103, 'the yellow cone', ('yellow', 'cone'), busy),
    ]


def random_script(scenes, seed=0, absent_every=3):
    """Random scenes with one command each; every ``absent_every``-th names an absent pair."""
    rng = np.random.default_rng(seed)
    steps = []
    for k in range(scenes):
        scene_seed = int(seed * 100_000 + 40_000_000 + k)
        scene = generate_scene(scene_seed)
        objs = scene.targetable()
        if k % absent_every == absent_every - 1 or not objs:
            present = {(o.colour, o.shape) for o in scene.objects}
            absent = [(c, s) for c in COLOURS for s in SHAPES if (c, s) not in present]
            c, s = absent[rng.integers(len(absent))]
            steps.append(Step(scene_seed, f'the {c} {s}', None))
        else:
            o = objs[rng.integers(len(objs))]
            steps.append(Step(scene_seed, f'the {o.colour} {o.shape}', (o.colour, o.shape)))
    return steps
