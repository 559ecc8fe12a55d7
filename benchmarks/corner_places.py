"""Count the corners of a two-by-two arrangement posed as asked ("the red ball top left").

    PYTHONPATH=src .venv/bin/python benchmarks/corner_places.py

Four like objects two by two on the table (generated scenes, the ones
``test_pipeline.py`` asks each corner of), eight commands each that say a place with two
directions (top/bottom, upper/lower, front/back, far with left/right); a command counts
when its pose is within 1.5 cm of the object meant. Run with ``PYTHONPATH`` at an older
``src`` to compare (helper-88: 9/24 before two directions were read, 24/24 after).
"""
import numpy as np

from clip_perception.config import PipelineConfig
from clip_perception.pipeline import Pipeline
from clip_perception.scorer import ClipScorer
from clip_perception.world.scenes import two_by_two_scene
from clip_perception.world.scenes import TWO_DIRECTION_FORMS

KINDS = (('red', 'ball', 5), ('green', 'cube', 18), ('blue', 'mug', 29))


def main():
    pipeline = Pipeline(ClipScorer('bundled', device='cpu', dtype='float32'),
                        PipelineConfig())
    ok = total = 0
    for colour, shape, seed in KINDS:
        scene, at = two_by_two_scene(seed, colour, shape)
        for form, corner in TWO_DIRECTION_FORMS:
            said, meant = form.format(f'{colour} {shape}'), at[corner]
            r = pipeline.run(scene.rgb, said, scene.depth, scene.intrinsics)
            hit = r.status == 'found' and np.linalg.norm(r.pose.position - meant.centre) < 0.015
            ok += bool(hit)
            total += 1
            if not hit:
                print(f'missed: {said!r}: {r.status}, {r.reason}')
    print(f'{ok}/{total} corners posed as asked')


if __name__ == '__main__':
    main()
