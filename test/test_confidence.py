"""Zero-shot softmax confidence: contrast prompts, the softmax, and the shipped model."""

import numpy as np
import pytest
import torch

from clip_perception.confidence import contrast_prompts
from clip_perception.confidence import correct_spelling
from clip_perception.confidence import GENERIC_CONTRASTS
from clip_perception.confidence import parse_vocabulary
from clip_perception.confidence import top_contrast_confidence
from clip_perception.confidence import unknown_to
from clip_perception.confidence import unknown_words
from clip_perception.confidence import zero_shot_confidence
from clip_perception.config import PipelineConfig
from clip_perception.pipeline import Pipeline
from clip_perception.scorer import ClipScorer
from clip_perception.world.scenes import generate_scene
from clip_perception.world.scenes import ObjectSpec


def test_vocabulary_parameter_is_split_cleaned_and_deduplicated():
    assert parse_vocabulary(' Red Mug, laptop;;keyboard,\nred  mug ,') == (
        'red mug', 'laptop', 'keyboard')
    assert parse_vocabulary('') == ()


def test_contrasts_drop_descriptions_of_the_commands_own_target():
    vocab = ('red mug', 'blue mug', 'red ball', 'mug', 'red cup', 'violet cube', 'laptop')
    # Shape only: every mug names the target, whatever its colour.
    assert contrast_prompts('mug', vocab, ()) == ('red ball', 'violet cube', 'laptop')
    # Full description: a more general one ("mug") and a synonym ("red cup") are dropped.
    assert contrast_prompts('red mug', vocab, ()) == (
        'blue mug', 'red ball', 'violet cube', 'laptop')
    # Colour only, with a synonym in the vocabulary.
    assert contrast_prompts('purple', vocab, ()) == (
        'red mug', 'blue mug', 'red ball', 'mug', 'red cup', 'laptop')
    assert contrast_prompts('red ball', (), GENERIC_CONTRASTS) == GENERIC_CONTRASTS


def test_softmax_follows_the_logit_scale_and_the_contrasts():
    text = torch.nn.functional.normalize(torch.eye(3, 4), dim=1)
    image = torch.nn.functional.normalize(torch.tensor([[1.0, 0.1, 0, 0], [0.1, 1.0, 0, 0]]),
                                          dim=1)
    p = zero_shot_confidence(image, text[0], text[1:], 100.0)
    assert p[0] > 0.99 and p[1] < 0.01
    cool = zero_shot_confidence(image, text[0], text[1:], 1.0)
    assert 0.3 < cool[0] < 0.6  # a low temperature scale barely separates
    assert np.allclose(zero_shot_confidence(image, text[0], text[:0], 100.0), 1.0)
    assert zero_shot_confidence(image[:0], text[0], text[1:], 100.0).shape == (0,)


def test_top_contrast_asks_whether_the_command_is_the_best_description():
    text = torch.nn.functional.normalize(torch.eye(4, 5), dim=1)
    # The crop is a bit closer to the command (text 0) than to each of three contrasts
    # that are each nearly as close: the full softmax (command against all together)
    # says no, the top-contrast rule says yes; a crop closer to a contrast gets < 0.5.
    crop = torch.nn.functional.normalize(torch.tensor([[1.2, 1.0, 1.0, 1.0, 0.0],
                                                       [1.0, 1.2, 1.0, 1.0, 0.0]]), dim=1)
    top = top_contrast_confidence(crop, text[0], text[1:], 10.0)
    full = zero_shot_confidence(crop, text[0], text[1:], 10.0)
    assert top[0] > 0.5 > full[0] and top[1] < 0.5
    margin = float(crop[0, 0] - crop[0, 1])
    assert np.isclose(top[0], 1 / (1 + np.exp(-10.0 * margin)))
    assert np.allclose(top_contrast_confidence(crop, text[0], text[:0], 30.0), 1.0)


def test_shipped_model_is_confident_for_what_it_sees_and_not_for_what_is_absent():
    scorer = ClipScorer('bundled', device='cpu', dtype='float32')
    assert scorer.vocabulary and 1.0 < scorer.logit_scale <= 100.0
    specs = [ObjectSpec('red', 'ball', 'large', (-0.12, 0.05)),
             ObjectSpec('blue', 'cube', 'large', (0.0, 0.08)),
             ObjectSpec('yellow', 'mug', 'large', (0.12, 0.05))]
    right = wrong = total = 0
    for seed in range(4):
        scene = generate_scene(61_000 + seed, specs=specs)
        image = scorer.forward(scorer.preprocess(scene.rgb, [o.box for o in scene.objects]))
        for i, obj in enumerate(scene.objects):
            for what, present in ((obj.name, True), (f'green {obj.shape}', False)):
                contrasts = scorer.text_embeddings(contrast_prompts(what, scorer.vocabulary))
                p = zero_shot_confidence(image[i:i + 1], scorer.text_embedding(what),
                                         contrasts, scorer.logit_scale)[0]
                right += int((p >= 0.5) == present)
                wrong += int((p >= 0.5) != present)
                total += 1
    assert total == 24 and right >= 22, (right, wrong)


def test_contrast_embeddings_are_cached_and_batched_like_single_prompts():
    for template, per_query in (('a photo of a {}', 1), ('', 7)):  # '': its 7 templates
        scorer = ClipScorer('bundled', device='cpu', dtype='float32',
                            prompt_template=template)
        many = scorer.text_embeddings(['red ball', 'background', 'the table'])
        assert many.shape[0] == 3 and scorer.text_cache_len == 3 * per_query
        assert torch.allclose(many[0], scorer.text_embedding('red ball'), atol=1e-5)
        again = scorer.text_embeddings(['background'])
        assert scorer.text_cache_len == 3 * per_query
        assert torch.allclose(again[0], many[1], atol=1e-6)
        assert scorer.text_embeddings([]).shape[0] == 0


def test_words_a_closed_vocabulary_does_not_know():
    vocab = ('red ball', 'blue mug', 'green cube', 'grey cylinder')
    for what in ('teddy bear', 'banana', 'screwdriver', 'the laptop'):
        assert unknown_to(what, vocab), what
    for what in ('coffee mug', 'red one', 'object', 'dark red ball', 'sphere', 'violet cup',
                 'gray can', 'block', ''):
        assert not unknown_to(what, vocab), what
    assert not unknown_to('teddy bear', ())


def test_the_bundled_model_answers_words_it_never_learned_not_found(tmp_path):
    """Words the bundled model never learned are answered not_found, not guessed.

    Demo recording: "the teddy bear" (absent) came back found, confidence 0.94, on a
    mug: the fine-tuned tiny model's embedding of unknown words sits near many crops.
    A checkpoint whose vocabulary is not closed is scored as always.
    """
    import shutil

    from clip_perception.scorer import bundled_model_dir

    scene = generate_scene(61_000, specs=[ObjectSpec('red', 'ball', 'large', (-0.1, 0.05)),
                                          ObjectSpec('yellow', 'mug', 'large', (0.1, 0.05))])
    pipeline = Pipeline(ClipScorer('bundled', device='cpu', dtype='float32'),
                        PipelineConfig())
    assert pipeline.scorer.closed_vocabulary
    for command in ('the teddy bear', 'pick up the banana', 'the screwdriver'):
        res = pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics)
        assert res.status == 'not_found' and 'knows no word' in res.reason, res.reason
    res = pipeline.run(scene.rgb, 'the coffee mug', scene.depth, scene.intrinsics)
    assert res.status == 'found' and res.chosen is not None
    open_copy = tmp_path / 'open'
    shutil.copytree(bundled_model_dir(), open_copy)
    vocab = open_copy / 'clip_perception_vocabulary.json'
    vocab.write_text(vocab.read_text().replace('"closed": true', '"closed": false'))
    pipeline = Pipeline(ClipScorer(str(open_copy), device='cpu', dtype='float32'),
                        PipelineConfig())
    assert not pipeline.scorer.closed_vocabulary
    res = pipeline.run(scene.rgb, 'the teddy bear', scene.depth, scene.intrinsics)
    assert 'knows no word' not in res.reason


def test_every_object_phrase_meets_the_closed_vocabulary_not_only_the_first():
    """The second object of "A and B", an exclusion and a relation's reference too.

    Found by a new user trying the node (trial 33): "the yellow cone and the teddy bear"
    answered found with the teddy bear posed on a purple cylinder (confidence 0.91);
    "the purple cylinder, not the teddy bear" and "... but not the banana" excluded the
    cylinder itself ("banana cylinder" scored as the cylinder) and answered not_found;
    "the yellow cone next to the teddy bear" measured "next to" from the cylinder. Only
    the first object phrase was checked against the bundled model's closed vocabulary.
    """
    scene = generate_scene(61_001, specs=[ObjectSpec('yellow', 'cone', 'large', (-0.12, 0.04)),
                                          ObjectSpec('purple', 'cylinder', 'large', (0.1, 0.06)),
                                          ObjectSpec('green', 'ball', 'small', (0.0, 0.2))])
    centre = {o.name: o.centre for o in scene.objects}
    pipeline = Pipeline(ClipScorer('bundled', device='cpu', dtype='float32'),
                        PipelineConfig())

    def run(command):
        return pipeline.run(scene.rgb, command, scene.depth, scene.intrinsics)

    # A second object the model cannot see: not posed on anything, the whole answer
    # not_found (as when a known second object is absent), the reason naming the word.
    for command in ('the yellow cone and the teddy bear', 'the green ball and a banana',
                    'the yellow cone, the green ball and the screwdriver'):
        res = run(command)
        assert res.status == 'not_found' and not res.targets, (command, res.reason)
        assert 'knows no word of' in res.reason, res.reason
    # An exclusion the model cannot see removes nothing, and says so.
    for command, target in (('the purple cylinder, not the teddy bear', 'purple cylinder'),
                            ('the purple cylinder but not the banana', 'purple cylinder'),
                            ('the cone but not the laptop', 'yellow cone')):
        res = run(command)
        assert res.status == 'found', (command, res.reason)
        assert np.linalg.norm(res.pose.position - centre[target]) < 0.01, command
        assert 'nothing is excluded' in res.reason, res.reason
    # A relation to an object the model cannot see is not measured from another object.
    for command in ('the yellow cone next to the teddy bear',
                    'the yellow cone left of the banana', 'the ball on the laptop'):
        res = run(command)
        assert res.status == 'not_found' and res.reference is None, (command, res.reason)
        assert 'knows no word of' in res.reason and 'refers to' in res.reason, res.reason
    # Known words everywhere are answered as before.
    res = run('the yellow cone and the green ball')
    assert res.status == 'found' and {t.what for t in res.targets} == {'yellow cone',
                                                                       'green ball'}
    res = run('the cylinder, not the cone')
    assert res.status == 'found' and 'nothing is excluded' not in res.reason
    nearest = min(centre, key=lambda n: np.linalg.norm(res.pose.position - centre[n]))
    assert nearest == 'purple cylinder', res.reason
    # The helper judges an exclusion on the words it does not carry over from the object.
    assert unknown_to('banana cylinder', TOY, carried='purple cylinder')
    assert not unknown_to('red cylinder', TOY, carried='purple cylinder')
    assert not unknown_to('purple cylinder', TOY, carried='purple cylinder')


TOY = ('red ball', 'blue mug', 'green cube', 'yellow cylinder', 'purple cone', 'white cube')


@pytest.mark.parametrize('what, read', [
    ('yellow cilinder', 'yellow cylinder'),   # field report: the blue mug was posed
    ('red bal', 'red ball'),                  # not_found
    ('red balll', 'red ball'),                # not_found
    ('blu mug', 'blue mug'),
    ('purpel cone', 'purple cone'),           # a swap of neighbours is one typo
    ('whte cube', 'white cube'),
    ('orange cyclinder', 'orange cylinder'),  # two typos in a long word
    # A misspelt article names nothing: dropped, as the parser drops "the" (trial 38:
    # "teh red mugg" was scored as "the red mug", found on a soup can at 0.60 where "the
    # red mug" was not_found at 0.15).
    ('teh red ball', 'red ball'), ('hte blue mug', 'blue mug'),
])
def test_a_word_one_typo_from_a_known_one_is_read_as_it(what, read):
    got, changed = correct_spelling(what, TOY)
    assert got == read and changed and all(a != b for a, b in changed)


@pytest.mark.parametrize('what', [
    'red ball', 'red sphere', 'blue cup', 'gray cube',  # known, or synonyms it maps
    'teddy bear', 'red bowl',                            # two typos from "ball": a word
    'cyan cube',                                         # "can" is a synonym, no target
    'red ball 2', 'x y',                                 # digits, short words
])
def test_a_known_word_or_one_far_from_every_known_word_stays(what):
    assert correct_spelling(what, TOY) == (what, ())


def test_english_words_near_the_vocabulary_are_no_typos():
    # Session 19's trial: "the tall mug" was read "ball mug"; "wall", "jug", "bed" would
    # have been "ball", "mug", "red".
    vocabulary = ('red ball', 'blue mug', 'black cube', 'white cone')
    for word in ('wall', 'tall', 'jug', 'bed', 'back', 'blank', 'write', 'code'):
        assert correct_spelling(f'the {word}', vocabulary) == (f'the {word}', ()), word
    assert correct_spelling('the red bal', vocabulary)[0] == 'the red ball'
    assert unknown_words('navy mug', vocabulary) == ('navy',)
    assert unknown_words('the red cup', vocabulary) == ()  # a synonym of "mug"
    assert unknown_words('navy mug', ()) == ()
