"""How often a checkpoint "finds" words it never learned, under the softmax rule alone.

    .venv/bin/python benchmarks/unknown_words.py                     # the bundled model
    .venv/bin/python benchmarks/unknown_words.py --model OLD --model NEW

On the first ``--scenes`` generated tabletops (the pipeline evaluation's seeds), each
command is scored on the frame's proposals as the node scores it, with the
``confidence_rule: softmax`` confidence (the checkpoint's vocabulary as contrasts), but
without the closed-vocabulary rule of the pipeline
(:func:`clip_perception.confidence.unknown_to`): how often the best crop would have
been answered "found" (confidence >= 0.5). The tiny models know eight colours and five
shapes; "teddy bear" or "banana" are absent from every scene and from their training.
Measured for issue 13 (README, "The bundled tiny CLIP"): the fine-tuned model "found"
such words in 12-50% of frames, the previous model in 0-25%.
"""

import argparse

import numpy as np

from clip_perception.confidence import contrast_prompts
from clip_perception.confidence import unknown_to
from clip_perception.confidence import zero_shot_confidence
from clip_perception.config import PipelineConfig
from clip_perception.proposals import propose
from clip_perception.scorer import ClipScorer
from clip_perception.world.evaluation import PIPELINE_SEED
from clip_perception.world.scenes import generate_scene

COMMANDS = ('teddy bear', 'banana', 'laptop', 'screwdriver', 'person', 'coffee mug',
            'red ball', 'green cube')


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--model', action='append', help='checkpoint (repeatable); default bundled')
    p.add_argument('--scenes', type=int, default=8)
    args = p.parse_args(argv)
    cfg = PipelineConfig()
    scenes = [generate_scene(PIPELINE_SEED + k) for k in range(args.scenes)]
    for model in args.model or ['bundled']:
        scorer = ClipScorer(model, device='cpu', dtype='float32')
        found = {c: [] for c in COMMANDS}
        present = dict.fromkeys(COMMANDS, 0)
        for scene in scenes:
            props = propose(scene.rgb, scene.depth, scene.intrinsics, cfg.max_proposals)
            image = scorer.forward(scorer.preprocess(scene.rgb, props.boxes, cfg.crop_context))
            names = {f'{o.colour} {o.shape}' for o in scene.objects}
            for command in COMMANDS:
                text = scorer.text_embedding(command, cfg.prompt_template)
                best = int(np.argmax((image @ text).numpy()))
                contrasts = scorer.text_embeddings(
                    contrast_prompts(command, scorer.vocabulary), cfg.prompt_template)
                conf = zero_shot_confidence(image, text, contrasts, scorer.logit_scale)
                found[command].append(conf[best] >= cfg.min_confidence)
                present[command] += int(command in names)
        print(f'{model}: softmax rule alone, {args.scenes} scenes '
              f'(closed vocabulary: {scorer.closed_vocabulary})')
        for command in COMMANDS:
            unknown = unknown_to(command, scorer.vocabulary)
            print(f'  {command:12s} "found" in {100 * np.mean(found[command]):5.1f}% of frames'
                  f'  (present in {present[command]}; words unknown to the model: '
                  f'{"yes" if unknown else "no"})')


if __name__ == '__main__':
    main()
